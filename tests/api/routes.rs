//! The case's way (sagens gang): a case routed from a committee through the finance committee to
//! the council in two readings, read at `/v1/cases/{case_number}` with each step's item, meeting and
//! decision, and rendered on the council's items with the route and the earlier decisions.

use serde_json::{Value, json};

use crate::common::{Request, TestApp};
use crate::db_tests;
use crate::fixtures::{self, CommitteeFixture, act, id};

db_tests!(a_case_goes_from_committee_to_finance_to_two_readings_in_council);

/// A meeting of the committee on `day` with the case on its agenda, held and minuted with `decision`
/// (none: its agenda only published).
fn treat(app: &TestApp, committee: &CommitteeFixture, day: &str, case: &str, decision: Option<&str>) -> (i64, i64) {
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, committee, &format!("{day}T16:00:00+02:00")));
    let body = json!({"title": "Klimaplan 2030", "case_number": case, "case_type": "decision"});
    let item = id(&fixtures::item(app, committee, meeting, body));
    match decision {
        Some(text) => {
            fixtures::publish_and_hold(app, secretary, meeting);
            fixtures::decide(app, secretary, item, json!({"outcome": "approved", "text": text}));
            act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
        }
        None => {
            act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
        }
    }
    (meeting, item)
}

/// A PUT without `If-Match`: what creating the first route takes.
fn put(app: &TestApp, path: &str, token: &str, body: Value) -> crate::common::Reply {
    app.call(Request::new("PUT", path).token(token).json(body))
}

fn a_case_goes_from_committee_to_finance_to_two_readings_in_council(app: &TestApp) {
    let climate = fixtures::committee(app, "Udvalget for Klima og Miljø", "public");
    let finance = fixtures::committee(app, "Økonomiudvalget", "public");
    let council = fixtures::committee(app, "Byrådet", "public");
    let case = "24-001234";
    let path = format!("/v1/cases/{case}/route");
    // The secretariat keeps all three committees' meetings.
    let groups = [&climate.secretariat_external, &finance.secretariat_external, &council.secretariat_external];
    let secretariat = app.token("sekretariatet", &groups.map(String::as_str), &[]);
    let route = json!({"steps": [
        {"committee_id": climate.id}, {"committee_id": finance.id},
        {"committee_id": council.id, "reading": 1}, {"committee_id": council.id, "reading": 2, "decides": true},
    ]});

    // Refusals: nothing is stored.
    let refused = [
        (json!({"steps": [{"committee_id": climate.id}]}), "steps"),
        (json!({"steps": []}), "steps"),
        (
            json!({"steps": [{"committee_id": council.id}, {"committee_id": council.id, "decides": true}]}),
            "steps[0].reading",
        ),
        (json!({"steps": [{"committee_id": climate.id, "reading": 1, "decides": true}]}), "steps[0].reading"),
        (json!({"steps": [{"committee_id": climate.id, "reading": 10, "decides": true}]}), "steps[0].reading"),
    ];
    for (body, field) in refused {
        assert_eq!(put(app, &path, &secretariat, body.clone()).error_fields(422), [field], "{body}");
    }
    // A secretary of one committee only may not route the case through the others; a committee
    // the caller may not see is not found.
    put(app, &path, &climate.secretary, route.clone()).problem(403, "forbidden");
    put(app, &path, &climate.member, route.clone()).problem(403, "forbidden");
    let hidden = fixtures::committee(app, "Direktionen", "none");
    let through_hidden = json!({"steps": [{"committee_id": hidden.id, "decides": true}]});
    put(app, &path, &secretariat, through_hidden).problem(404, "not-found");
    app.get(&path, &climate.secretary).problem(404, "not-found");

    let created = put(app, &path, &secretariat, route.clone()).expect(201);
    let etag = created.etag();
    let steps = created.json()["steps"].clone();
    let summary: Vec<Value> =
        steps.as_array().unwrap().iter().map(|s| json!([s["committee"]["name"], s["reading"], s["decides"]])).collect();
    assert_eq!(
        summary,
        [
            json!(["Udvalget for Klima og Miljø", null, false]),
            json!(["Økonomiudvalget", null, false]),
            json!(["Byrådet", 1, false]),
            json!(["Byrådet", 2, true]),
        ]
    );
    // Replacing it needs its ETag; a stale one changes nothing.
    put(app, &path, &secretariat, route.clone()).problem(428, "precondition-required");
    app.put(&path, &secretariat, "\"99\"", route.clone()).problem(412, "precondition-failed");
    assert_eq!(app.get(&path, &secretariat).expect(200).etag(), etag);

    // The case goes its way: decided in the committee, in finance, a first reading in council.
    let (_, in_climate) = treat(app, &climate, "2024-03-04", case, Some("Udvalget anbefaler planen."));
    let (_, in_finance) = treat(app, &finance, "2024-03-11", case, Some("Godkendt."));
    let (first_meeting, first) = treat(app, &council, "2024-03-20", case, Some("Sagen oversendes til 2. behandling."));
    let (second_meeting, second) = treat(app, &council, "2024-04-17", case, None);

    // Each step has its item, meeting and decision; a reader of the council sees the council's.
    let read = app.get(&format!("/v1/cases/{case}"), &secretariat).expect(200).json();
    let steps = read["route"]["steps"].as_array().unwrap();
    let items: Vec<Value> = steps.iter().map(|s| s["item"]["item_id"].clone()).collect();
    assert_eq!(items, [json!(in_climate), json!(in_finance), json!(first), json!(second)]);
    assert_eq!(steps[1]["item"]["decision"]["text"], "Godkendt.");
    assert_eq!(steps[2]["item"]["meeting"]["id"], first_meeting);
    assert!(steps[3]["item"]["decision"].is_null());
    let reader = app.get(&format!("/v1/cases/{case}"), &council.reader).expect(200).json();
    assert_eq!(reader["route"]["steps"].as_array().unwrap().len(), 4);
    assert_eq!(reader["route"]["steps"][3]["item"]["item_id"], second);
    let outsider = app.get(&format!("/v1/cases/{case}"), &app.token("udenforstående", &[], &[])).expect(200).json();
    assert!(outsider["route"].is_null(), "{outsider}");

    // The council's second reading carries the route and the decisions made before it.
    let agenda = format!("/v1/public/meetings/{second_meeting}/published/agenda/1");
    let published = app.call(Request::new("GET", &agenda)).expect(200).json();
    let route_of = &published["items"][0]["route"];
    assert_eq!(route_of[3], json!({"committee": "Byrådet", "reading": 2, "decides": true}));
    let markdown = app.call(Request::new("GET", &format!("{agenda}/markdown"))).expect(200).body;
    for expected in [
        "### Sagsgang\n\nUdvalget for Klima og Miljø, Økonomiudvalget, Byrådet (1. behandling) og Byrådet (2. behandling). \
         Sagen afgøres i Byrådet (2. behandling).\n",
        "**Beslutning i Udvalget for Klima og Miljø den 04-03-2024:** Udvalget anbefaler planen.",
        "**Beslutning i Økonomiudvalget den 11-03-2024:** Godkendt.",
        "**Beslutning i Byrådet den 20-03-2024:** Sagen oversendes til 2. behandling.",
    ] {
        assert!(markdown.contains(expected), "missing {expected:?} in:\n{markdown}");
    }

    // Removing the route needs its ETag.
    let etag = app.get(&path, &secretariat).expect(200).etag();
    app.delete(&path, &council.secretary, &etag).problem(403, "forbidden");
    app.delete(&path, &secretariat, &etag).expect(204);
    assert!(app.get(&format!("/v1/cases/{case}"), &secretariat).json()["route"].is_null());
}
