use serde_json::json;

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, id};

db_tests!(grants_are_managed_by_admins, grants_are_seen_by_admins_and_secretaries, the_highest_granted_role_wins,);

fn grants_are_managed_by_admins(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (group, _) = fixtures::group(app, "HR", "staff", None);
    let path = format!("/v1/committees/{}/grants", committee.id);
    let created = app.post(&path, &committee.admin, json!({"group_id": group, "role": "reader"})).expect(201);
    let grant = created.json();
    assert_eq!(grant["role"], "reader");
    assert_eq!(grant["committee_id"], committee.id);
    let grant_path = created.header("location").unwrap().to_owned();

    app.post(&path, &committee.admin, json!({"group_id": group, "role": "member"})).problem(409, "conflict");
    assert_eq!(
        app.post(&path, &committee.admin, json!({"group_id": 77_777, "role": "member"})).error_fields(422),
        ["group_id"]
    );
    assert_eq!(
        app.post(&path, &committee.admin, json!({"group_id": group, "role": "owner"})).error_fields(422),
        ["role"]
    );
    app.post(&path, &committee.secretary, json!({"group_id": group, "role": "member"})).problem(403, "forbidden");
    app.post("/v1/committees/99999/grants", &committee.admin, json!({"group_id": group, "role": "member"}))
        .problem(404, "not-found");

    let changed = app.patch(&grant_path, &committee.admin, &created.etag(), json!({"role": "member"})).expect(200);
    assert_eq!(changed.json()["role"], "member");
    app.patch(&grant_path, &committee.secretary, &changed.etag(), json!({"role": "secretary"}))
        .problem(403, "forbidden");
    app.delete(&grant_path, &committee.admin, &changed.etag()).expect(204);
    app.get(&grant_path, &committee.admin).problem(404, "not-found");

    let listed = app.get(&path, &committee.admin).expect(200).json();
    let roles: Vec<&str> = listed.as_array().unwrap().iter().map(|g| g["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["secretary", "member", "reader"]);
}

fn grants_are_seen_by_admins_and_secretaries(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let internal = fixtures::committee(app, "KUI", "internal");
    let path = format!("/v1/committees/{}/grants", committee.id);
    app.get(&path, &committee.admin).expect(200);
    app.get(&path, &committee.secretary).expect(200);
    app.get(&path, &committee.member).problem(403, "forbidden");
    app.get(&path, &committee.reader).problem(403, "forbidden");
    app.get(&path, &committee.outsider).problem(404, "not-found");
    // A committee known to every employee, but its grants are not.
    app.get(&format!("/v1/committees/{}/grants", internal.id), &committee.outsider).problem(403, "forbidden");
}

/// A caller in several granted groups holds the highest of their roles.
fn the_highest_granted_role_wins(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let item = fixtures::item(
        app,
        &committee,
        id(&meeting),
        json!({"title": "Lukket sag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "indhold"}),
    );
    let admin = app.admin();
    let group_external = |group: i64| {
        app.get(&format!("/v1/access-groups/{group}"), &admin).json()["external_id"].as_str().unwrap().to_owned()
    };
    let reader = group_external(committee.reader_group);
    let member = group_external(committee.member_group);
    let secretary = group_external(committee.secretariat_group);
    let path = format!("/v1/items/{}", id(&item));

    let both = app.token("both", &[&reader, &member], &[]);
    assert_eq!(app.get(&path, &both).expect(200).json()["summary"], "indhold");
    let all = app.token("all", &[&reader, &secretary, &member], &[]);
    let etag = app.get(&path, &all).etag();
    app.patch(&path, &all, &etag, json!({"title": "Ny titel"})).expect(200);
    let just_reader = app.token("reader", &[&reader], &[]);
    assert!(app.get(&path, &just_reader).json().get("summary").is_none());
}
