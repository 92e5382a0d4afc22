//! Closed items under the law (kommunestyrelsesloven § 10, § 8 stk. 7): each closed item names its
//! legal basis; its title can be withheld; its decision is published as far as confidentiality
//! allows, held back until a day when the parties must be told first.

use chrono::{Days, Utc};
use chrono_tz::Europe::Copenhagen;
use serde_json::{Value, json};

use crate::common::{Reply, Request, TestApp};
use crate::db_tests;
use crate::fixtures::{self, act, id};

db_tests!(a_closed_item_names_its_legal_basis, closed_decisions_are_published_as_far_as_the_law_allows);

/// Text only members may read.
const SECRET: &str = "FORTROLIGT-7Q2";

fn anonymous(app: &TestApp, path: &str) -> Reply {
    app.call(Request::new("GET", path))
}

/// A day counted from today in Copenhagen, as `YYYY-MM-DD`.
fn day_from_today(days: u64) -> String {
    let today = Utc::now().with_timezone(&Copenhagen).date_naive();
    (today + Days::new(days)).format("%Y-%m-%d").to_string()
}

fn a_closed_item_names_its_legal_basis(app: &TestApp) {
    let committee = fixtures::committee(app, "Økonomiudvalget", "public");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2026-03-02T16:00:00+01:00"));
    let items = format!("/v1/meetings/{meeting}/items");
    let refused = [
        (json!({"title": "Personalesag", "closed": true}), "legal_basis"),
        (json!({"title": "Personalesag", "closed": true, "legal_basis": "other"}), "closed_grounds"),
        (
            json!({"title": "Personalesag", "closed": true, "legal_basis": "other", "closed_grounds": " "}),
            "closed_grounds",
        ),
        (json!({"title": "Personalesag", "closed": true, "legal_basis": "not_recorded"}), "legal_basis"),
        (json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_99"}), "legal_basis"),
        (json!({"title": "Regnskab", "legal_basis": "straffeloven_152"}), "legal_basis"),
        (json!({"title": "Regnskab", "closed_grounds": "Hvorfor ikke"}), "closed_grounds"),
        (json!({"title": "Regnskab", "title_withheld": true}), "title_withheld"),
    ];
    for (body, field) in refused {
        assert_eq!(app.post(&items, secretary, body.clone()).error_fields(422), [field], "{body}");
    }
    assert_eq!(app.get(&items, secretary).json(), json!([]), "nothing was created");

    // Closing an open item needs a basis; opening it again ends its closing.
    let item = id(&fixtures::item(app, &committee, meeting, json!({"title": "Køb af jord"})));
    let path = format!("/v1/items/{item}");
    let etag = app.get(&path, secretary).etag();
    assert_eq!(app.patch(&path, secretary, &etag, json!({"closed": true})).error_fields(422), ["legal_basis"]);
    assert_eq!(app.get(&path, secretary).etag(), etag, "nothing changed");
    let other = json!({"closed": true, "legal_basis": "other", "closed_grounds": "Lov om social service § 12"});
    let closed = app.patch(&path, secretary, &etag, other).expect(200);
    assert_eq!(closed.json()["legal_basis"], "other");
    let patched = app.patch(&path, secretary, &closed.etag(), json!({"title": "Køb af landbrugsjord"})).expect(200);
    assert_eq!(patched.json()["closed_grounds"], "Lov om social service § 12", "kept while closed");
    let opened = app.patch(&path, secretary, &patched.etag(), json!({"closed": false})).expect(200).json();
    assert_eq!((&opened["legal_basis"], &opened["closed_grounds"]), (&Value::Null, &Value::Null));

    // A standing item that is closed names its basis too, and the meetings' items start with it.
    let standing = format!("/v1/committees/{}/standing-items", committee.id);
    let body = json!({"title": "Personalesager", "closed": true});
    assert_eq!(app.post(&standing, secretary, body).error_fields(422), ["legal_basis"]);
    let body = json!({"title": "Personalesager", "closed": true, "legal_basis": "offentlighedsloven_30_1",
                      "section": "for_information"});
    app.post(&standing, secretary, body).expect(201);
    let body = json!({"committee_id": committee.id, "title": "Møde", "starts_at": "2026-04-06T16:00:00+02:00",
                      "standing_items": true});
    let next = app.post("/v1/meetings", secretary, body).expect(201).json();
    let first = &app.get(&format!("/v1/meetings/{}/items", id(&next)), secretary).json()[0];
    assert_eq!((&first["closed"], &first["legal_basis"]), (&json!(true), &json!("offentlighedsloven_30_1")));
    assert_eq!(first["section"], "for_information", "the standing item's section comes along");
}

fn closed_decisions_are_published_as_far_as_the_law_allows(app: &TestApp) {
    let committee = fixtures::committee(app, "Økonomiudvalget", "public");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2026-03-02T16:00:00+01:00"));
    let open = id(&fixtures::item(app, &committee, meeting, json!({"title": "Regnskab 2025"})));
    let sale = id(&fixtures::item(
        app,
        &committee,
        meeting,
        json!({
            "title": format!("Salg af Skolevej 3 {SECRET}"), "closed": true, "title_withheld": true,
            "legal_basis": "offentlighedsloven_33_3", "closed_grounds": format!("{SECRET} forhandlingen pågår"),
            "summary": format!("{SECRET} køber og pris"),
        }),
    ));
    let staff = id(&fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1",
               "summary": format!("{SECRET} den ansatte")}),
    ));

    // Below member: the withheld title is "Lukket punkt", the basis is told, nothing else.
    let seen = app.get(&format!("/v1/items/{sale}"), &committee.reader).expect(200).json();
    assert_eq!(
        seen,
        json!({"number": 2, "position": 2, "title": "Lukket punkt", "closed": true,
               "legal_basis": "offentlighedsloven_33_3"})
    );
    let agenda = app.get(&format!("/v1/meetings/{meeting}"), &committee.reader).expect(200).body;
    assert!(!agenda.contains(SECRET) && !agenda.contains("Skolevej"), "{agenda}");
    let hits = |token: &str| app.get("/v1/search?q=Skolevej", token).expect(200).json()["data"].clone();
    assert_eq!(hits(&committee.reader), json!([]), "a withheld title is not found below member");
    assert_eq!(hits(&committee.member)[0]["item"]["title"], format!("Salg af Skolevej 3 {SECRET}"));
    let member = app.get(&format!("/v1/items/{sale}"), &committee.member).expect(200).json();
    assert_eq!(
        (&member["title_withheld"], &member["closed_grounds"]),
        (&json!(true), &json!(format!("{SECRET} forhandlingen pågår")))
    );

    fixtures::publish_and_hold(app, secretary, meeting);
    // A public wording is for closed items only, and a day to publish from needs one.
    let body = json!({"outcome": "approved", "public_text": "Godkendt."});
    assert_eq!(fixtures::decide_reply(app, secretary, open, body).error_fields(422), ["public_text"]);
    let body = json!({"text": "Afsked.", "public_from": day_from_today(30)});
    assert_eq!(fixtures::decide_reply(app, secretary, staff, body).error_fields(422), ["public_from"]);
    assert!(app.get(&format!("/v1/items/{staff}"), secretary).json()["decision"].is_null(), "nothing changed");

    fixtures::decide(app, secretary, open, json!({"outcome": "approved"}));
    let body = json!({"outcome": "approved", "text": format!("{SECRET} solgt for 4,2 mio. kr."),
                      "public_text": "Økonomiudvalget godkendte salget af en kommunal ejendom."});
    fixtures::decide(app, secretary, sale, body);
    let held_back = day_from_today(30);
    let body = json!({"text": format!("{SECRET} afskediget"), "public_text": "Sagen blev afgjort.",
                      "public_from": held_back});
    let decided = fixtures::decide(app, secretary, staff, body);
    assert_eq!(decided["decision"]["public_from"], held_back);
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);

    // The public reads the sale's decision as worded for it; the staff case's is held back.
    let public = format!("/v1/public/meetings/{meeting}/published/minutes");
    let v1 = anonymous(app, &format!("{public}/1")).expect(200);
    let tag = v1.etag();
    assert!(!v1.body.contains(SECRET) && !v1.body.contains("Sagen blev afgjort"), "{}", v1.body);
    let v1 = v1.json();
    assert_eq!(
        v1["items"][1],
        json!({"number": 2, "title": "Lukket punkt", "closed": true, "legal_basis": "offentlighedsloven_33_3",
               "public_decision": "Økonomiudvalget godkendte salget af en kommunal ejendom."})
    );
    assert_eq!(
        v1["items"][2],
        json!({"number": 3, "title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1"})
    );
    let markdown = anonymous(app, &format!("{public}/1/markdown")).expect(200).body;
    for expected in [
        "## Punkt 2: Lukket punkt\n\n### Lukket punkt\n\nPunktet behandles for lukkede døre, jf. Offentlighedsloven § 33, nr. 3.\n\n### Beslutning\n\nØkonomiudvalget godkendte salget af en kommunal ejendom.\n",
        "## Punkt 3: Lukket: Personalesag\n\n### Lukket punkt\n\nPunktet behandles for lukkede døre, jf. Offentlighedsloven § 30, nr. 1.\n",
    ] {
        assert!(markdown.contains(expected), "missing {expected:?} in:\n{markdown}");
    }
    assert!(!markdown.contains(SECRET) && !markdown.contains("Sagen blev afgjort"), "{markdown}");

    // Members read it all, the held-back wording and its day included.
    let minutes = format!("/v1/meetings/{meeting}/published/minutes/1");
    let full = app.get(&format!("{minutes}/markdown"), &committee.member).expect(200).body;
    let day = held_back.split('-').rev().collect::<Vec<_>>().join("-");
    for expected in [
        format!("## Punkt 2: Lukket: Salg af Skolevej 3 {SECRET}"),
        format!(
            "Punktet behandles for lukkede døre, jf. Offentlighedsloven § 33, nr. 3. Begrundelse: {SECRET} forhandlingen pågår Titlen offentliggøres ikke."
        ),
        format!("### Offentliggjort beslutning\n\nOffentliggøres fra {day}: Sagen blev afgjort."),
    ] {
        assert!(full.contains(&expected), "missing {expected:?} in:\n{full}");
    }

    // Once the parties are told, the secretary moves the day to today: the corrected minutes show
    // the wording to the public, the first version still holds it back, and its tag moves with it.
    let path = format!("/v1/items/{staff}");
    let etag = app.get(&path, secretary).etag();
    let body = json!({"text": format!("{SECRET} afskediget"), "public_text": "Sagen blev afgjort.",
                      "public_from": day_from_today(0)});
    app.put(&format!("{path}/decision"), secretary, &etag, body).expect(200);
    act(app, secretary, meeting, "publish-minutes", json!({"reason": "Parterne er underrettet."})).expect(201);
    let v2 = anonymous(app, &format!("{public}/2")).expect(200);
    assert_ne!(v2.etag(), tag);
    assert_eq!(v2.json()["items"][2]["public_decision"], "Sagen blev afgjort.");
    let again = anonymous(app, &format!("{public}/1")).expect(200);
    assert_eq!((again.etag(), again.json()["items"][2].get("public_decision").cloned()), (tag, None));
    let cached = app.call(Request::new("GET", &format!("{public}/2")).header("If-None-Match", &v2.etag()));
    assert_eq!(cached.status, 304);
}
