//! `modified_since` on every list: a system that syncs asks for what changed since its last visit and
//! gets exactly that, and a closed item's hidden changes are not given away by it.

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::attachments::PDF;
use crate::common::{Request, TestApp};
use crate::db_tests;
use crate::fixtures::{act, committee, group, id, item, meeting, unique};

db_tests!(every_list_gives_what_changed_since_a_time, modified_since_is_validated);

/// What a list answers, page or array, as the field `key` of each entry.
fn listed(app: &TestApp, token: &str, path: &str, key: &str) -> Vec<Value> {
    let body = app.get(path, token).expect(200).json();
    let entries = body.get("data").unwrap_or(&body).as_array().unwrap_or_else(|| panic!("{path}: {body}")).clone();
    entries.iter().map(|e| e[key].clone()).collect()
}

/// The current time as the service records it, with the clock moved on around it, so that every
/// write before it is older and every write after it newer.
fn now() -> String {
    std::thread::sleep(std::time::Duration::from_millis(20));
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(20));
    now
}

fn patch(app: &TestApp, token: &str, path: &str, body: Value) {
    let etag = app.get(path, token).expect(200).etag();
    app.patch(path, token, &etag, body).expect(200);
}

fn every_list_gives_what_changed_since_a_time(app: &TestApp) {
    let admin = app.admin();
    let c = committee(app, "Økonomiudvalget", "public");
    let s = &c.secretary;
    let finance = app.token("oekonomichef", &[&c.member_external], &["finance"]);
    let m = id(&meeting(app, &c, "2024-03-01T09:00:00+01:00"));
    let a = id(&item(app, &c, m, json!({"title": "Budget"})));
    let b = id(&item(app, &c, m, json!({"title": "Regnskab"})));
    let x = id(&item(
        app,
        &c,
        m,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "Fortroligt"}),
    ));
    let participant = |name: &str| {
        id(&app.post(&format!("/v1/meetings/{m}/participants"), s, json!({"name": name})).expect(201).json())
    };
    let amount = |label: &str| {
        let body = json!({"label": label, "kind": "expense", "recurrence": "one_off", "amount_ore": 100});
        id(&app.post(&format!("/v1/items/{a}/amounts"), s, body).expect(201).json())
    };
    let attachment = |name: &str| id(&app.upload(a, s, name, PDF, None).expect(201).json());
    let guest = |name: &str| {
        let body = json!({"kind": "guest", "name": name});
        id(&app.post(&format!("/v1/items/{a}/attendance"), s, body).expect(201).json())
    };
    let exclusion = |item: i64| {
        let body = json!({"subject": unique("inhabil")});
        id(&app.post(&format!("/v1/items/{item}/exclusions"), s, body).expect(201).json())
    };
    let standing = |title: &str| {
        id(&app.post(&format!("/v1/committees/{}/standing-items", c.id), s, json!({"title": title})).expect(201).json())
    };
    let member = || {
        let body = json!({"subject": unique("lokal")});
        app.post(&format!("/v1/access-groups/{}/members", c.reader_group), &admin, body).expect(201).json()["subject"]
            .clone()
    };
    let kind_grant = |group: i64| {
        let body = json!({"group_id": group, "committee_kind": "network", "role": "reader"});
        id(&app.post("/v1/grants", &admin, body).expect(201).json())
    };
    let allocation = |title: &str| {
        let body = json!({"title": title, "total_ore": 100, "kind": "one_off", "first_year": 2024, "method": "equal",
                          "payers": [{"group_id": c.reader_group}]});
        id(&app.post("/v1/allocations", &finance, body).expect(201).json())
    };
    let client = |name: &str| id(&app.post("/v1/clients", &admin, json!({"name": name})).expect(201).json());
    let feed = |name: &str| id(&app.post("/v1/me/calendar-feeds", &c.member, json!({"name": name})).expect(201).json());

    // Before: one or more of everything.
    let (old_group, _) = group(app, "Gammel", "unit", None);
    participant("Anna Jensen");
    amount("Licenser");
    attachment("gammel.pdf");
    guest("Malene Goth");
    exclusion(a);
    standing("Eventuelt");
    member();
    kind_grant(old_group);
    allocation("Gammel fordeling");
    client("Gammelt system");
    feed("Telefon");
    act(app, s, m, "publish-agenda", json!({})).expect(201);
    let other_meeting = id(&meeting(app, &c, "2024-04-01T09:00:00+01:00"));
    item(app, &c, other_meeting, json!({"title": "Andet"}));
    act(app, s, other_meeting, "publish-agenda", json!({})).expect(201);
    let users_before = listed(app, &admin, "/v1/users?limit=200", "id");

    let since = now();
    // After: one change or addition per list.
    let (new_group, _) = group(app, "Ny", "unit", None);
    patch(app, &admin, &format!("/v1/committees/{}", c.id), json!({"description": "Ændret"}));
    let new_grant = id(&app
        .post(&format!("/v1/committees/{}/grants", c.id), &admin, json!({"group_id": new_group, "role": "reader"}))
        .expect(201)
        .json());
    patch(app, s, &format!("/v1/items/{b}"), json!({"summary": "Ændret"}));
    let new_participant = participant("Bo Hansen");
    let new_amount = amount("Drift");
    let new_attachment = attachment("ny.pdf");
    let new_guest = guest("Karen Holm");
    let new_exclusion = exclusion(b);
    let new_standing = standing("Orientering");
    let new_member = member();
    let new_kind_grant = kind_grant(new_group);
    let new_allocation = allocation("Ny fordeling");
    let new_client = client("Nyt system");
    let new_feed = feed("Computer");
    let newcomer = app.token(&unique("ny-bruger"), &[], &[]);
    app.get("/v1/me", &newcomer).expect(200);
    let newcomer_id = listed(app, &admin, "/v1/users?limit=200", "id").last().unwrap().clone();
    let promoted = app.token(&c.member_subject, &[&c.member_external, &c.secretariat_external], &[]);
    app.get("/v1/me", &promoted).expect(200);
    act(app, s, m, "publish-agenda", json!({"reason": "Rettelse"})).expect(201);

    let q = format!("modified_since={}", since.replace('+', "%2B"));
    let ids = |path: &str, token: &str| listed(app, token, &format!("{path}?{q}"), "id");
    assert_eq!(ids("/v1/access-groups", &admin), [json!(new_group)]);
    assert_eq!(ids("/v1/committees", &admin), [json!(c.id)]);
    assert_eq!(ids(&format!("/v1/committees/{}/grants", c.id), &admin), [json!(new_grant)]);
    assert_eq!(ids("/v1/grants", &admin), [json!(new_kind_grant)]);
    assert_eq!(ids(&format!("/v1/committees/{}/standing-items", c.id), s), [json!(new_standing)]);
    assert_eq!(ids(&format!("/v1/meetings/{m}/participants"), s), [json!(new_participant)]);
    assert_eq!(ids(&format!("/v1/items/{a}/amounts"), s), [json!(new_amount)]);
    assert_eq!(ids(&format!("/v1/items/{a}/attachments"), s), [json!(new_attachment)]);
    assert_eq!(ids(&format!("/v1/items/{a}/attendance"), s), [json!(new_guest)]);
    assert_eq!(ids(&format!("/v1/items/{b}/exclusions"), s), [json!(new_exclusion)]);
    assert_eq!(ids(&format!("/v1/items/{a}/exclusions"), s), Vec::<Value>::new());
    assert_eq!(
        listed(app, &admin, &format!("/v1/access-groups/{}/members?{q}", c.reader_group), "subject"),
        [new_member]
    );
    assert_eq!(ids("/v1/allocations", &finance), [json!(new_allocation)]);
    assert_eq!(ids("/v1/clients", &admin), [json!(new_client)]);
    assert_eq!(ids("/v1/me/calendar-feeds", &c.member), [json!(new_feed)]);
    // Users: the one seen first, and the one who came back with other groups; not those who only
    // made requests.
    assert!(users_before.len() >= 4, "{users_before:?}");
    let member_id = listed(app, &admin, &format!("/v1/users?subject={}", c.member_subject), "id");
    assert_eq!(ids("/v1/users", &admin), [member_id[0].clone(), newcomer_id]);
    assert_eq!(listed(app, &admin, &format!("/v1/meetings/{m}/published?{q}"), "number"), [json!(2)]);
    assert_eq!(ids("/v1/meetings", s), [json!(m)], "the meeting changed with its parts");
    // The public lists: the committee changed, and only the meeting with a new published version.
    let public = |path: &str| {
        let body = app.call(Request::new("GET", path)).expect(200).json();
        body["data"].as_array().unwrap().iter().map(|e| e["id"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(public(&format!("/v1/public/committees?{q}")), [json!(c.id)]);
    assert_eq!(public(&format!("/v1/public/meetings?{q}")), [json!(m)]);
    assert_eq!(public("/v1/public/meetings").len(), 2);

    // The agenda: the open item that changed, and the closed item whatever happened to it.
    let titles = |token: &str| listed(app, token, &format!("/v1/meetings/{m}/items?{q}"), "title");
    assert_eq!(titles(&c.reader), [json!("Regnskab"), json!("Personalesag")]);
    assert_eq!(titles(&c.member), [json!("Regnskab"), json!("Personalesag")]);
    // A hidden change to the closed item leaves the reader's answer as it was.
    let before = app.get(&format!("/v1/meetings/{m}/items?{q}"), &c.reader).expect(200).json();
    patch(app, s, &format!("/v1/items/{x}"), json!({"summary": "Stadig fortroligt"}));
    assert_eq!(app.get(&format!("/v1/meetings/{m}/items?{q}"), &c.reader).expect(200).json(), before);
    // Without modified_since, everything as before.
    assert_eq!(listed(app, s, &format!("/v1/meetings/{m}/items"), "id").len(), 3);
    assert_eq!(listed(app, s, &format!("/v1/items/{a}/attachments"), "id").len(), 2);
}

fn modified_since_is_validated(app: &TestApp) {
    let c = committee(app, "Teknik- og Miljøudvalget", "internal");
    let m = id(&meeting(app, &c, "2024-03-01T09:00:00+01:00"));
    for path in
        ["/v1/access-groups", "/v1/committees", &format!("/v1/meetings/{m}/participants"), "/v1/me/calendar-feeds"]
    {
        for bad in ["modified_since=ig%C3%A5r", "modified_since=2024-01-01", "colour=blue"] {
            let reply = app.get(&format!("{path}?{bad}"), &c.member);
            assert_eq!(reply.status, 400, "{path}?{bad}: {reply:?}");
            let shown = format!("{reply:?}");
            assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{path}?{bad}: {shown}");
            reply.problem(400, "malformed-request");
        }
    }
}
