//! Cost allocations through the API: the seeds' figures, the methods and what they refuse, structured
//! amounts on items, the yearly report as JSON and CSV, and who sees which allocation.

use serde_json::{Value, json};

use crate::common::{Request, TestApp};
use crate::db_tests;
use crate::fixtures::{self, id, unique};

db_tests!(
    the_seeds_allocations_come_out_exactly,
    active_users_are_counted_once_kept_and_counted_again_on_request,
    methods_refuse_what_does_not_add_up_and_change_nothing,
    items_carry_amounts_and_an_expense_becomes_an_allocation,
    the_report_sums_each_units_year_as_json_and_as_csv,
    who_sees_an_allocation,
);

const KR: i64 = 100;

fn finance(app: &TestApp) -> String {
    app.token("oekonomi", &[], &["finance"])
}

/// The seven partnership holders of the MARS item, in the seed's order.
fn partners(app: &TestApp) -> Vec<(i64, String)> {
    [
        ("Voksenspecialenheden", "unit"),
        ("Borgerservice", "unit"),
        ("Jobcentret", "unit"),
        ("Sundhed og Myndighed", "unit"),
        ("Børn og Familie", "unit"),
        ("Børn, Læring og Uddannelse", "unit"),
        ("Økonomistaben", "staff"),
    ]
    .into_iter()
    .map(|(name, tier)| fixtures::group(app, name, tier, None))
    .collect()
}

fn allocation(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/v1/allocations", token, body).expect(201).json()
}

fn shares(allocation: &Value) -> Vec<i64> {
    allocation["shares"].as_array().unwrap().iter().map(|s| s["share_ore"].as_i64().unwrap()).collect()
}

fn payers(groups: &[i64]) -> Value {
    groups.iter().map(|g| json!({"group_id": g})).collect()
}

fn the_seeds_allocations_come_out_exactly(app: &TestApp) {
    let finance = finance(app);
    let units = partners(app);
    let ids: Vec<i64> = units.iter().map(|(id, _)| *id).collect();
    let okonomistaben = ids[6];

    let mars = allocation(
        app,
        &finance,
        json!({
            "title": "MARS – mellemkommunale betalinger",
            "total_ore": 193_746 * KR,
            "kind": "annual",
            "first_year": 2021,
            "price_year": 2021,
            "status": "approved",
            "method": "equal",
            "payers": payers(&ids),
        }),
    );
    assert_eq!(shares(&mars), vec![27_678 * KR; 7]);
    assert_eq!(mars["currency"], "DKK");
    assert_eq!(mars["shares"][6]["group_name"], "Økonomistaben");

    let four = [ids[0], ids[3], ids[4], okonomistaben];
    let dyre = allocation(
        app,
        &finance,
        json!({"title": "MARS – særligt dyre enkeltsager", "total_ore": 48_436 * KR, "kind": "annual",
               "first_year": 2021, "price_year": 2021, "method": "equal", "payers": payers(&four)}),
    );
    assert_eq!(shares(&dyre), vec![12_109 * KR; 4]);
    assert_eq!(dyre["status"], "proposed", "the default status");

    let implementation = allocation(
        app,
        &finance,
        json!({"title": "MARS – implementering", "total_ore": 120_000 * KR, "kind": "one_off", "first_year": 2021,
               "method": "equal", "payers": payers(&[okonomistaben])}),
    );
    assert_eq!(shares(&implementation), vec![120_000 * KR]);

    // Read back: the shares were stored, not computed for the answer only.
    let read = app.get(&format!("/v1/allocations/{}", id(&mars)), &finance).expect(200);
    assert_eq!(read.etag(), format!("\"{}\"", mars["version"]));
    assert_eq!(shares(&read.json()), vec![27_678 * KR; 7]);
}

/// Signs in a user of these groups (a user counts once the service has seen them).
fn sign_in(app: &TestApp, subject: &str, groups: &[&str]) {
    app.get("/v1/me", &app.token(subject, groups, &[])).expect(200);
}

fn active_users_are_counted_once_kept_and_counted_again_on_request(app: &TestApp) {
    let (finance, admin) = (finance(app), app.admin());
    let (a, a_ext) = fixtures::group(app, "Jobcentret", "unit", None);
    let (b, b_ext) = fixtures::group(app, "Borgerservice", "unit", None);
    let (_, b_team) = fixtures::group(app, "Borgerservice, Ydelse", "unit", Some(b));
    let (c, c_ext) = fixtures::group(app, "Økonomistaben", "staff", None);
    for n in 0..7 {
        sign_in(app, &format!("a{n}"), &[&a_ext]);
    }
    // Borgerservice: 7 in the group itself (one of them in its team too), 4 in the team only.
    for n in 0..7 {
        let groups: Vec<&str> = if n == 0 { vec![&b_ext, &b_team] } else { vec![&b_ext] };
        sign_in(app, &format!("b{n}"), &groups);
    }
    for n in 0..4 {
        sign_in(app, &format!("bt{n}"), &[&b_team]);
    }
    // Økonomistaben: 12 by their tokens and one added here, who has signed in without the group.
    for n in 0..12 {
        sign_in(app, &format!("c{n}"), &[&c_ext]);
    }
    sign_in(app, "c-lokal", &[]);
    app.post(&format!("/v1/access-groups/{c}/members"), &admin, json!({"subject": "c-lokal"})).expect(201);
    // Not counted: a deactivated user, and a local member who has never signed in.
    sign_in(app, "a-fratraadt", &[&a_ext]);
    let users = app.get("/v1/users?subject=a-fratraadt", &admin).json();
    app.post(&format!("/v1/users/{}/deactivate", id(&users["data"][0])), &admin, json!({"reason": "Fratrådt"}))
        .expect(200);
    app.post(&format!("/v1/access-groups/{c}/members"), &admin, json!({"subject": "aldrig-set"})).expect(201);

    let licences = allocation(
        app,
        &finance,
        json!({"title": "FirstAgenda, ubegrænsede licenser", "total_ore": 50_000 * KR, "kind": "annual",
               "first_year": 2022, "method": "by_active_users", "payers": payers(&[a, b, c])}),
    );
    let counted: Vec<i64> =
        licences["payers"].as_array().unwrap().iter().map(|p| p["active_users"].as_i64().unwrap()).collect();
    assert_eq!(counted, vec![7, 11, 13]);
    assert_eq!(shares(&licences), vec![1_129_032, 1_774_194, 2_096_774]);
    assert_eq!(shares(&licences).iter().sum::<i64>(), 50_000 * KR, "exactly 50,000.00 kr.");
    assert!(licences["counted_at"].is_string());

    // A new user changes nothing until finance asks for a new count: the shares are reproducible.
    sign_in(app, "a-ny", &[&a_ext]);
    let path = format!("/v1/allocations/{}", id(&licences));
    let etag = app.get(&path, &finance).etag();
    let renamed = app.patch(&path, &finance, &etag, json!({"title": "FirstAgenda-licenser"})).expect(200).json();
    assert_eq!(shares(&renamed), shares(&licences));
    assert_eq!(renamed["counted_at"], licences["counted_at"]);
    let recounted =
        app.post_if(&format!("{path}/recount"), &finance, &format!("\"{}\"", renamed["version"]), json!({}));
    let recounted = recounted.expect(200).json();
    assert_eq!(recounted["payers"][0]["active_users"], 8);
    assert_eq!(shares(&recounted).iter().sum::<i64>(), 50_000 * KR);
    // Units with no active user at all cannot share by users.
    let (empty, _) = fixtures::group(app, "Tom enhed", "unit", None);
    let body = json!({"title": "Ingen brugere", "total_ore": 100, "kind": "one_off", "first_year": 2022,
                      "method": "by_active_users", "payers": payers(&[empty])});
    assert_eq!(app.post("/v1/allocations", &finance, body).error_fields(422), vec!["payers"]);
}

fn methods_refuse_what_does_not_add_up_and_change_nothing(app: &TestApp) {
    let finance = finance(app);
    let (a, _) = fixtures::group(app, "Jobcentret", "unit", None);
    let (b, _) = fixtures::group(app, "Borgerservice", "unit", None);
    let (political, _) = fixtures::group(app, "Byrådet", "political", None);
    let base = |method: &str, payers: Value| {
        json!({"title": "Fælles udgift", "total_ore": 10_000, "kind": "annual", "first_year": 2022,
               "method": method, "payers": payers})
    };
    let weighted = allocation(
        app,
        &finance,
        base("weighted", json!([{"group_id": a, "weight": 1}, {"group_id": b, "weight": 2}])),
    );
    assert_eq!(shares(&weighted), vec![3_333, 6_667]);
    let fixed = allocation(
        app,
        &finance,
        base("fixed", json!([{"group_id": a, "amount_ore": 2_500}, {"group_id": b, "amount_ore": 7_500}])),
    );
    assert_eq!(shares(&fixed), vec![2_500, 7_500]);

    let refused = [
        (base("fixed", json!([{"group_id": a, "amount_ore": 2_500}, {"group_id": b, "amount_ore": 7_000}])), "payers"),
        (base("fixed", json!([{"group_id": a}, {"group_id": b, "amount_ore": 10_000}])), "payers[0].amount_ore"),
        (base("weighted", json!([{"group_id": a, "weight": 1}, {"group_id": b}])), "payers[1].weight"),
        (base("equal", json!([{"group_id": a, "weight": 3}])), "payers[0].weight"),
        (base("equal", json!([{"group_id": a}, {"group_id": a}])), "payers[1].group_id"),
        (base("equal", json!([{"group_id": political}])), "payers[0].group_id"),
        (base("equal", json!([{"group_id": 999_999}])), "payers[0].group_id"),
        (base("equal", json!([])), "payers"),
        (base("weighted", json!([{"group_id": a, "weight": 0}])), "payers[0].weight"),
    ];
    for (body, field) in refused {
        let fields = app.post("/v1/allocations", &finance, body.clone()).error_fields(422);
        assert_eq!(fields, vec![field], "{body}");
    }
    let mut one_off = base("equal", payers(&[a]));
    one_off["kind"] = json!("one_off");
    one_off["last_year"] = json!(2023);
    assert_eq!(app.post("/v1/allocations", &finance, one_off).error_fields(422), vec!["last_year"]);
    let mut negative = base("equal", payers(&[a]));
    negative["total_ore"] = json!(-1);
    assert_eq!(app.post("/v1/allocations", &finance, negative).error_fields(422), vec!["total_ore"]);
    let mut smuggled = base("equal", payers(&[a]));
    smuggled["shares"] = json!([{"group_id": a, "share_ore": 1}]);
    app.post("/v1/allocations", &finance, smuggled).problem(422, "validation-failed");
    let mut linked = base("equal", payers(&[a]));
    linked["item_id"] = json!(999_999);
    assert_eq!(app.post("/v1/allocations", &finance, linked).error_fields(422), vec!["item_id"]);
    // Only finance creates; nothing above was stored.
    let unit_member = app.token("medarbejder", &[], &[]);
    app.post("/v1/allocations", &unit_member, base("equal", payers(&[a]))).problem(403, "forbidden");
    assert_eq!(app.get("/v1/allocations", &finance).json()["data"].as_array().unwrap().len(), 2);

    // A change recomputes the shares in the same request; a change that does not add up changes nothing.
    let path = format!("/v1/allocations/{}", id(&weighted));
    app.patch(&path, &finance, "\"1\"", json!({"total_ore": 3})).expect(200);
    let current = app.get(&path, &finance);
    assert_eq!(shares(&current.json()), vec![1, 2]);
    let etag = current.etag();
    app.patch(&path, &finance, "\"1\"", json!({"total_ore": 4})).problem(412, "precondition-failed");
    let to_fixed =
        json!({"method": "fixed", "payers": [{"group_id": a, "amount_ore": 1}, {"group_id": b, "amount_ore": 1}]});
    assert_eq!(app.patch(&path, &finance, &etag, to_fixed).error_fields(422), vec!["payers"]);
    let to_fixed =
        json!({"method": "fixed", "payers": [{"group_id": a, "amount_ore": 1}, {"group_id": b, "amount_ore": 2}]});
    let changed = app.patch(&path, &finance, &etag, to_fixed).expect(200).json();
    assert_eq!(changed["method"], "fixed");
    assert_eq!(shares(&changed), vec![1, 2]);
    assert_eq!(changed["payers"][1]["amount_ore"], 2);

    // A group that pays cannot be deleted or become political; the allocation can be deleted.
    let group_path = format!("/v1/access-groups/{a}");
    let group_etag = app.get(&group_path, &app.admin()).etag();
    app.delete(&group_path, &app.admin(), &group_etag).problem(409, "conflict");
    let to_political = app.patch(&group_path, &app.admin(), &group_etag, json!({"tier": "political"}));
    assert_eq!(to_political.error_fields(422), vec!["tier"]);
    let etag = app.get(&path, &finance).etag();
    app.delete(&path, &finance, &etag).expect(204);
    app.get(&path, &finance).problem(404, "not-found");
}

fn items_carry_amounts_and_an_expense_becomes_an_allocation(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "internal");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let kontrol = id(&fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Afrapportering fra Kontrolgruppen 2021",
               "financial_consequences": "Kontrolgruppen har i 2021 opnået følgende økonomiske resultat."}),
    ));
    let amounts = format!("/v1/items/{kontrol}/amounts");
    let claim = json!({"label": "Tilbagebetalingskrav", "kind": "repayment_claim", "recurrence": "one_off",
                       "amount_ore": 3_946_058 * KR});
    app.post(&amounts, &committee.member, claim.clone()).problem(403, "forbidden");
    let claim = app.post(&amounts, secretary, claim).expect(201).json();
    let saving = json!({"label": "Fremtidige besparelser", "kind": "saving", "recurrence": "annual",
                        "amount_ore": 6_125_042 * KR, "price_year": 2021});
    app.post(&amounts, secretary, saving).expect(201);
    let listed = app.get(&amounts, &committee.reader).expect(200).json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["amount_ore"], 394_605_800);
    assert_eq!(listed[1]["kind"], "saving");
    let bad = json!({"label": "", "kind": "gift", "recurrence": "one_off", "amount_ore": 1});
    app.post(&amounts, secretary, bad).problem(422, "validation-failed");
    let negative = json!({"label": "Udgift", "kind": "expense", "recurrence": "one_off", "amount_ore": -5});
    assert_eq!(app.post(&amounts, secretary, negative).error_fields(422), vec!["amount_ore"]);
    // The amounts of a closed item are its content: a member's read of them is audited.
    let closed = id(&fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1"}),
    ));
    let expense = json!({"label": "Godtgørelse", "kind": "expense", "recurrence": "one_off", "amount_ore": 100});
    app.post(&format!("/v1/items/{closed}/amounts"), secretary, expense).expect(201);
    app.get(&format!("/v1/items/{closed}/amounts"), &committee.reader).problem(404, "not-found");
    app.get(&format!("/v1/items/{closed}/amounts"), &committee.member).expect(200);
    let auditor = app.token("revisor", &[], &["auditor"]);
    let query = format!("&object_type=item&action=read&object_id={closed}");
    crate::robustness::sealed_audit_with(app, &auditor, &query, |events| {
        events.iter().any(|e| e["actor"] == committee.member_subject.as_str())
    });
    let etag = app.get(&format!("/v1/items/{closed}"), secretary).etag();
    app.delete(&format!("/v1/items/{closed}"), secretary, &etag).expect(204);
    // A claim is not a cost to split.
    let from_claim = format!("{amounts}/{}/allocations", id(&claim));
    let request = json!({"first_year": 2022, "method": "equal", "payers": payers(&[committee.reader_group])});
    let finance_member = app.token("oekonomichef", &[&committee.member_external], &["finance"]);
    app.post(&from_claim, &finance_member, request).problem(409, "conflict");

    // The amounts are in the published minutes, in the seed's wording.
    fixtures::publish_and_hold(app, secretary, meeting);
    fixtures::act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    let minutes = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1"), &committee.reader).json();
    assert_eq!(minutes["items"][0]["amounts"][0]["amount_ore"], 394_605_800);
    let markdown = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1/markdown"), &committee.reader);
    let markdown = markdown.expect(200).body;
    // A table (GitHub Flavored Markdown), as the writer of safe Markdown lays it out.
    assert!(markdown.contains("|Post|Art|Beløb|\n|----|---|----:|\n"), "{markdown}");
    assert!(markdown.contains("|Tilbagebetalingskrav|Tilbagebetalingskrav, engangsbeløb|3.946.058 kr.|"), "{markdown}");
    assert!(markdown.contains("|Fremtidige besparelser|Besparelse, årligt (2021-priser)|6.125.042 kr.|"), "{markdown}");
    let html = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1/html"), &committee.reader).expect(200);
    assert!(html.body.contains("6.125.042 kr."));

    // The MARS item's yearly expense becomes an allocation over the partners.
    let second = id(&fixtures::meeting(app, &committee, "2021-04-26T12:30:00+02:00"));
    let mars = id(&fixtures::item(app, &committee, second, json!({"title": "MARS", "case_number": "326-2021-95815"})));
    let expense = json!({"label": "MARS – mellemkommunale betalinger", "kind": "expense", "recurrence": "annual",
                         "amount_ore": 193_746 * KR, "price_year": 2021});
    let expense = app.post(&format!("/v1/items/{mars}/amounts"), secretary, expense).expect(201).json();
    let units: Vec<i64> = partners(app).into_iter().map(|(id, _)| id).collect();
    let from_expense = format!("/v1/items/{mars}/amounts/{}/allocations", id(&expense));
    let request = json!({"first_year": 2021, "status": "approved", "method": "equal", "payers": payers(&units)});
    // Finance without a role on the committee does not see the item; a member without finance may not.
    app.post(&from_expense, &finance(app), request.clone()).problem(404, "not-found");
    app.post(&from_expense, &committee.member, request.clone()).problem(403, "forbidden");
    let made = app.post(&from_expense, &finance_member, request).expect(201);
    assert!(made.header("location").unwrap().starts_with("/v1/allocations/"));
    let made = made.json();
    assert_eq!(made["title"], "MARS – mellemkommunale betalinger");
    assert_eq!((made["total_ore"].as_i64(), made["kind"].as_str()), (Some(193_746 * KR), Some("annual")));
    assert_eq!((made["price_year"].as_i64(), made["item_id"].as_i64()), (Some(2021), Some(mars)));
    assert_eq!(made["item_amount_id"], expense["id"]);
    assert_eq!(shares(&made), vec![27_678 * KR; 7]);
    // Readers of the item find its allocation.
    let linked = app.get(&format!("/v1/allocations?item_id={mars}"), &committee.reader).expect(200).json();
    assert_eq!(linked["data"][0]["id"], made["id"]);
    // The item cannot be deleted while an allocation is linked to it.
    let item_path = format!("/v1/items/{mars}");
    let etag = app.get(&item_path, secretary).etag();
    app.delete(&item_path, secretary, &etag).problem(409, "conflict");
    let meeting_etag = app.get(&format!("/v1/meetings/{second}"), secretary).etag();
    app.delete(&format!("/v1/meetings/{second}"), secretary, &meeting_etag).problem(409, "conflict");
    app.get(&item_path, secretary).expect(200);
}

fn the_report_sums_each_units_year_as_json_and_as_csv(app: &TestApp) {
    let finance = finance(app);
    let units = partners(app);
    let ids: Vec<i64> = units.iter().map(|(id, _)| *id).collect();
    let okonomistaben = ids[6];
    let create = |body: Value| allocation(app, &finance, body);
    create(json!({"title": "MARS – mellemkommunale betalinger", "total_ore": 193_746 * KR, "kind": "annual",
                  "first_year": 2021, "price_year": 2021, "status": "approved", "method": "equal", "payers": payers(&ids)}));
    create(json!({"title": "MARS – særligt dyre enkeltsager", "total_ore": 48_436 * KR, "kind": "annual",
                  "first_year": 2021, "last_year": 2023, "price_year": 2021, "status": "approved", "method": "equal",
                  "payers": payers(&[ids[0], ids[3], ids[4], okonomistaben])}));
    create(json!({"title": "=MARS implementering", "total_ore": 120_000 * KR, "kind": "one_off", "first_year": 2021,
                  "status": "approved", "method": "equal", "payers": payers(&[okonomistaben])}));
    create(json!({"title": "Forslag", "total_ore": 1_000 * KR, "kind": "annual", "first_year": 2021,
                  "method": "equal", "payers": payers(&[okonomistaben])}));
    create(json!({"title": "Ophørt", "total_ore": 9_000 * KR, "kind": "annual", "first_year": 2018, "last_year": 2020,
                  "status": "ended", "method": "equal", "payers": payers(&[okonomistaben])}));

    let report = app.get("/v1/allocations/report?year=2021", &finance).expect(200).json();
    assert_eq!(report["units"].as_array().unwrap().len(), 7);
    let unit = |report: &Value, group: i64| -> Value {
        report["units"].as_array().unwrap().iter().find(|u| u["group_id"] == group).cloned().unwrap_or(Value::Null)
    };
    let okonomi = unit(&report, okonomistaben);
    assert_eq!(okonomi["total_ore"], (27_678 + 12_109 + 120_000) * KR);
    assert_eq!(okonomi["lines"].as_array().unwrap().len(), 3);
    assert_eq!(unit(&report, ids[1])["total_ore"], 27_678 * KR);
    assert_eq!(report["total_ore"], (193_746 + 48_436 + 120_000) * KR);
    let with_proposed = app.get("/v1/allocations/report?year=2021&include_proposed=true", &finance).json();
    assert_eq!(unit(&with_proposed, okonomistaben)["total_ore"], (27_678 + 12_109 + 120_000 + 1_000) * KR);
    let later = app.get(&format!("/v1/allocations/report?year=2024&group_id={okonomistaben}"), &finance).json();
    assert_eq!(later["units"].as_array().unwrap().len(), 1);
    assert_eq!(unit(&later, okonomistaben)["total_ore"], 27_678 * KR, "only the open-ended one runs in 2024");
    let ended = app.get("/v1/allocations/report?year=2019", &finance).json();
    assert_eq!(unit(&ended, okonomistaben)["total_ore"], 9_000 * KR);

    // CSV, read back with a CSV parser as a spreadsheet would.
    let csv = app.get("/v1/allocations/report?year=2021&format=csv", &finance).expect(200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.header("content-disposition").unwrap().contains("fordeling-2021.csv"));
    let mut reader = ::csv::ReaderBuilder::new().from_reader(csv.bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[8], "amount_dkk");
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7 + 4 + 1);
    let in_ore = |text: &str, comma: bool| -> i64 {
        let (kroner, ore) = text.split_once(if comma { ',' } else { '.' }).expect("two decimals");
        assert_eq!(ore.len(), 2, "{text}");
        kroner.parse::<i64>().unwrap() * 100 + ore.parse::<i64>().unwrap()
    };
    assert_eq!(rows.iter().map(|r| in_ore(&r[8], false)).sum::<i64>(), (193_746 + 48_436 + 120_000) * KR);
    let unit_name = "Børn, Læring og Uddannelse";
    assert!(rows.iter().any(|r| &r[2] == unit_name && &r[8] == "27678.00"), "a name with a comma stays one field");
    assert!(rows.iter().any(|r| &r[4] == "'=MARS implementering"), "a title is never a formula");

    let excel = app.get("/v1/allocations/report?year=2021&format=csv_excel", &finance).expect(200);
    let bom = "\u{feff}".as_bytes();
    assert!(excel.bytes.starts_with(bom), "a byte-order mark for Excel");
    let mut reader = ::csv::ReaderBuilder::new().delimiter(b';').from_reader(&excel.bytes[bom.len()..]);
    assert_eq!(&reader.headers().unwrap()[8], "Beløb (kr.)");
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.iter().map(|r| in_ore(&r[8], true)).sum::<i64>(), (193_746 + 48_436 + 120_000) * KR);
    assert!(rows.iter().any(|r| &r[2] == unit_name && &r[8] == "27678,00"));
    assert!(excel.body.contains("\r\n"));

    // Without `format`, Accept decides: CSV when asked for, 406 for what it cannot give.
    let report = |accept: &str| {
        app.call(Request::new("GET", "/v1/allocations/report?year=2021").token(&finance).header("Accept", accept))
    };
    // The same file from the operation that answers only CSV (what a generated client calls).
    let file = app.get("/v1/allocations/report.csv?year=2021", &finance).expect(200);
    assert_eq!(file.body, csv.body);
    let excel_file = app.get("/v1/allocations/report.csv?year=2021&excel=true", &finance).expect(200);
    assert_eq!(excel_file.bytes, excel.bytes);
    let negotiated = report("text/csv").expect(200);
    assert_eq!(negotiated.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(negotiated.body, csv.body);
    assert_eq!(report("application/json, text/csv;q=0.5").expect(200).json()["year"], 2021);
    let refused = report("application/xml").problem(406, "not-acceptable");
    assert!(refused["detail"].as_str().unwrap().contains("text/csv"), "{refused}");

    // A unit's own staff read their unit's report; not another unit's.
    let staff = app.token("oekonomimedarbejder", &[&units[6].1], &[]);
    let own = app.get("/v1/allocations/report?year=2021", &staff).expect(200).json();
    assert_eq!(own["units"].as_array().unwrap().len(), 1);
    assert_eq!(unit(&own, okonomistaben)["total_ore"], (27_678 + 12_109 + 120_000) * KR);
    app.get(&format!("/v1/allocations/report?year=2021&group_id={}", ids[0]), &staff).problem(403, "forbidden");
    app.get("/v1/allocations/report", &finance).problem(400, "malformed-request");
    app.get("/v1/allocations/report?year=2021&format=xlsx", &finance).problem(400, "malformed-request");
    app.get("/v1/allocations/report?year=99999", &finance).problem(400, "malformed-request");
    app.get("/v1/allocations?year=1899", &finance).problem(400, "malformed-request");
    // The report is a path of its own, not an allocation called "report".
    let wrong_method = app.delete("/v1/allocations/report", &finance, "\"1\"");
    assert_eq!(wrong_method.header("allow"), Some("GET"));
    wrong_method.problem(405, "method-not-allowed");
}

fn who_sees_an_allocation(app: &TestApp) {
    let finance = finance(app);
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (unit, unit_ext) = fixtures::group(app, "Jobcentret", "unit", None);
    let (_, team_ext) = fixtures::group(app, "Jobcentret, Team Syd", "unit", Some(unit));
    let (_, other_ext) = fixtures::group(app, "Borgerservice", "unit", None);
    let unit_member = app.token(&unique("jobcenter"), &[&unit_ext], &[]);
    let team_member = app.token(&unique("team"), &[&team_ext], &[]);
    let other_member = app.token(&unique("borgerservice"), &[&other_ext], &[]);
    let finance_member = app.token("oekonomichef", &[&committee.member_external], &["finance"]);

    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let open = id(&fixtures::item(app, &committee, meeting, json!({"title": "Licenser"})));
    let closed = id(&fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1"}),
    ));
    let body = |title: &str, item: Option<i64>| {
        json!({"title": title, "total_ore": 100_000, "kind": "one_off", "first_year": 2022, "status": "approved",
               "item_id": item, "method": "equal", "payers": payers(&[unit])})
    };
    let plain = id(&allocation(app, &finance, body("Uden punkt", None)));
    // Finance may link only an item it sees in full.
    app.post("/v1/allocations", &finance, body("Åbent punkt", Some(open))).error_fields(422);
    let on_open = id(&allocation(app, &finance_member, body("Åbent punkt", Some(open))));
    let secret = "Fratrædelsesgodtgørelse til direktør";
    let on_closed = id(&allocation(app, &finance_member, body(secret, Some(closed))));

    let sees = |token: &str| -> Vec<i64> {
        let listed = app.get("/v1/allocations", token).expect(200).json();
        let mut ids: Vec<i64> = listed["data"].as_array().unwrap().iter().map(id).collect();
        ids.sort_unstable();
        for allocation in [plain, on_open, on_closed] {
            let status = app.get(&format!("/v1/allocations/{allocation}"), token).status;
            assert_eq!(status == 200, ids.contains(&allocation), "detail and list agree on {allocation}");
        }
        ids
    };
    assert_eq!(sees(&finance), vec![plain, on_open], "finance, not on the committee");
    assert_eq!(sees(&finance_member), vec![plain, on_open, on_closed]);
    assert_eq!(sees(&unit_member), vec![plain, on_open], "the paying unit, but not the closed item's");
    assert_eq!(sees(&team_member), vec![plain, on_open], "a team is part of its unit");
    assert_eq!(sees(&other_member), Vec::<i64>::new());
    assert_eq!(sees(&committee.reader), vec![on_open], "readers of the open item");
    assert_eq!(sees(&committee.member), vec![on_open, on_closed]);
    // Reading the closed item's allocation is a read of closed content, and is audited as one.
    let auditor = app.token("revisor", &[], &["auditor"]);
    let query = format!("&object_type=allocation&action=read&object_id={on_closed}");
    let reads = crate::robustness::sealed_audit_with(app, &auditor, &query, |events| {
        events.iter().any(|e| e["actor"] == committee.member_subject.as_str())
    });
    assert!(reads.iter().all(|e| e["committee_id"] == committee.id), "{reads:?}");

    // The closed item's allocation is nowhere for those who may not read the item.
    for token in [&finance, &unit_member, &committee.reader, &other_member] {
        for path in [
            "/v1/allocations".to_owned(),
            format!("/v1/allocations?item_id={closed}"),
            format!("/v1/allocations/{on_closed}"),
            "/v1/allocations/report?year=2022".to_owned(),
            "/v1/allocations/report?year=2022&format=csv".to_owned(),
        ] {
            let reply = app.get(&path, token);
            assert!(!reply.body.contains(secret), "{path}: {}", reply.body);
        }
    }
    let own = app.get("/v1/allocations/report?year=2022", &unit_member).json();
    assert_eq!(own["units"][0]["total_ore"], 200_000, "the closed item's allocation is not counted for them");
    let member_report = app.get("/v1/allocations/report?year=2022", &finance_member).json();
    assert_eq!(member_report["units"][0]["total_ore"], 300_000);
    // Opening the item opens its allocation.
    let path = format!("/v1/items/{closed}");
    let etag = app.get(&path, &committee.secretary).etag();
    app.patch(&path, &committee.secretary, &etag, json!({"closed": false})).expect(200);
    assert_eq!(sees(&unit_member), vec![plain, on_open, on_closed]);
}
