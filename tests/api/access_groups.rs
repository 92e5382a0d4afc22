use serde_json::json;

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, id};

db_tests!(
    admin_manages_access_groups,
    only_admins_change_groups,
    groups_nest_without_cycles,
    a_grant_to_a_parent_reaches_members_of_its_children,
    groups_in_use_cannot_be_deleted,
    external_ids_are_unique,
    group_lists_are_paginated,
);

fn admin_manages_access_groups(app: &TestApp) {
    let admin = app.admin();
    let body = json!({"name": "Økonomistaben", "external_id": "9f1c-okonomi", "tier": "staff", "description": "Stabsfunktion"});
    let created = app.post("/v1/access-groups", &admin, body).expect(201);
    let group = created.json();
    let location = created.header("location").unwrap().to_owned();
    assert_eq!(location, format!("/v1/access-groups/{}", id(&group)));
    assert_eq!(group["name"], "Økonomistaben");
    assert_eq!(group["tier"], "staff");
    assert_eq!(group["parent_id"], json!(null));

    let read = app.get(&location, &admin).expect(200);
    assert_eq!(read.json(), group);
    let etag = read.etag();

    let changed = app.patch(&location, &admin, &etag, json!({"description": null, "tier": "unit"})).expect(200);
    assert_eq!(changed.json()["description"], json!(null));
    assert_eq!(changed.json()["tier"], "unit");
    assert_eq!(changed.json()["name"], "Økonomistaben");
    assert_ne!(changed.etag(), etag);

    // The old ETag is stale now: nothing changes.
    app.patch(&location, &admin, &etag, json!({"name": "X"})).problem(412, "precondition-failed");
    app.call(crate::common::Request::new("PATCH", &location).token(&admin).json(json!({"name": "X"})))
        .problem(428, "precondition-required");
    assert_eq!(app.get(&location, &admin).json()["name"], "Økonomistaben");

    app.delete(&location, &admin, &etag).problem(412, "precondition-failed");
    app.delete(&location, &admin, &changed.etag()).expect(204);
    app.get(&location, &admin).problem(404, "not-found");
}

fn only_admins_change_groups(app: &TestApp) {
    let user = app.token("someone", &[], &["finance", "auditor"]);
    let body = json!({"name": "HR", "external_id": "hr", "tier": "staff"});
    app.post("/v1/access-groups", &user, body.clone()).problem(403, "forbidden");
    let group = app.post("/v1/access-groups", &app.admin(), body).expect(201);
    let path = format!("/v1/access-groups/{}", id(&group.json()));
    // Any signed-in user may read the structure, but not change it.
    app.get(&path, &user).expect(200);
    app.patch(&path, &user, &group.etag(), json!({"name": "Hacked"})).problem(403, "forbidden");
    app.delete(&path, &user, &group.etag()).problem(403, "forbidden");
    assert_eq!(app.get(&path, &user).json()["name"], "HR");
}

fn groups_nest_without_cycles(app: &TestApp) {
    let admin = app.admin();
    let (top, _) = fixtures::group(app, "Børn og Familie", "unit", None);
    let (middle, _) = fixtures::group(app, "Familieafdelingen", "unit", Some(top));
    let (leaf, _) = fixtures::group(app, "Familieplejen", "institution", Some(middle));

    let top_path = format!("/v1/access-groups/{top}");
    let etag = app.get(&top_path, &admin).etag();
    let fields = app.patch(&top_path, &admin, &etag, json!({"parent_id": leaf})).error_fields(422);
    assert_eq!(fields, ["parent_id"]);
    let fields = app.patch(&top_path, &admin, &etag, json!({"parent_id": top})).error_fields(422);
    assert_eq!(fields, ["parent_id"]);
    let fields = app.patch(&top_path, &admin, &etag, json!({"parent_id": 999_999})).error_fields(422);
    assert_eq!(fields, ["parent_id"]);
    assert_eq!(app.get(&top_path, &admin).json()["parent_id"], json!(null));

    let body = json!({"name": "Orphan", "tier": "unit", "parent_id": 999_999});
    assert_eq!(app.post("/v1/access-groups", &admin, body).error_fields(422), ["parent_id"]);
}

/// Members of a child group are members of its parents: a grant to the parent reaches them, and
/// moving the child elsewhere takes the access away.
fn a_grant_to_a_parent_reaches_members_of_its_children(app: &TestApp) {
    let committee = fixtures::committee(app, "Hovedudvalget", "none");
    let (parent, _) = fixtures::group(app, "MED-repræsentanter", "unit", None);
    let (child, child_external) = fixtures::group(app, "MED Jobcentret", "unit", Some(parent));
    let (_, grandchild_external) = fixtures::group(app, "MED Jobcentret Nord", "unit", Some(child));
    fixtures::grant(app, committee.id, parent, "member");

    let meeting = fixtures::meeting(app, &committee, "2022-05-02T09:00:00+02:00");
    let item = fixtures::item(
        app,
        &committee,
        id(&meeting),
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "fortroligt"}),
    );
    let path = format!("/v1/items/{}", id(&item));

    let deep_member = app.token("deep", &[&grandchild_external], &[]);
    assert_eq!(app.get(&path, &deep_member).expect(200).json()["summary"], "fortroligt");

    // Move the middle group out from under the granted parent: its members lose the access.
    let admin = app.admin();
    let etag = app.get(&format!("/v1/access-groups/{child}"), &admin).etag();
    app.patch(&format!("/v1/access-groups/{child}"), &admin, &etag, json!({"parent_id": null})).expect(200);
    app.get(&path, &deep_member).problem(404, "not-found");
    let child_member = app.token("child", &[&child_external], &[]);
    app.get(&path, &child_member).problem(404, "not-found");

    // And back again.
    let etag = app.get(&format!("/v1/access-groups/{child}"), &admin).etag();
    app.patch(&format!("/v1/access-groups/{child}"), &admin, &etag, json!({"parent_id": parent})).expect(200);
    assert_eq!(app.get(&path, &deep_member).expect(200).json()["summary"], "fortroligt");
}

fn groups_in_use_cannot_be_deleted(app: &TestApp) {
    let admin = app.admin();
    let committee = fixtures::committee(app, "KUI", "internal");
    let (parent, _) = fixtures::group(app, "Parent", "staff", None);
    fixtures::group(app, "Child", "staff", Some(parent));

    for group in [committee.secretariat_group, committee.member_group, parent] {
        let path = format!("/v1/access-groups/{group}");
        let etag = app.get(&path, &admin).etag();
        app.delete(&path, &admin, &etag).problem(409, "conflict");
        app.get(&path, &admin).expect(200);
    }
}

fn external_ids_are_unique(app: &TestApp) {
    let admin = app.admin();
    let body = json!({"name": "Jobcentret", "external_id": "jobcentret", "tier": "unit"});
    app.post("/v1/access-groups", &admin, body.clone()).expect(201);
    app.post("/v1/access-groups", &admin, body).problem(409, "conflict");
    let other = app
        .post("/v1/access-groups", &admin, json!({"name": "Other", "external_id": "other", "tier": "unit"}))
        .expect(201);
    let path = format!("/v1/access-groups/{}", id(&other.json()));
    app.patch(&path, &admin, &other.etag(), json!({"external_id": "jobcentret"})).problem(409, "conflict");
    // Groups without an external id (local groups) do not collide with each other.
    app.post("/v1/access-groups", &admin, json!({"name": "Local 1", "tier": "unit"})).expect(201);
    app.post("/v1/access-groups", &admin, json!({"name": "Local 2", "tier": "unit"})).expect(201);
}

fn group_lists_are_paginated(app: &TestApp) {
    let admin = app.admin();
    for n in 0..7 {
        fixtures::group(app, &format!("Institution {n}"), "institution", None);
    }
    let mut seen = Vec::new();
    let mut path = "/v1/access-groups?limit=3".to_owned();
    loop {
        let page = app.get(&path, &admin).expect(200).json();
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 3);
        seen.extend(data.iter().map(id));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/access-groups?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "ordered by id without repeats: {seen:?}");
    assert_eq!(app.get("/v1/access-groups?limit=0", &admin).error_fields(400), ["limit"]);
    assert_eq!(app.get("/v1/access-groups?limit=201", &admin).error_fields(400), ["limit"]);
    assert_eq!(app.get("/v1/access-groups?cursor=bogus", &admin).error_fields(400), ["cursor"]);
}
