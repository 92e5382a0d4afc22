use serde_json::json;

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, id};

db_tests!(
    admin_manages_committees,
    committees_are_visible_by_grant_or_publication,
    committees_with_meetings_cannot_be_deleted,
    committee_input_is_validated,
);

fn admin_manages_committees(app: &TestApp) {
    let admin = app.admin();
    let (owner, _) = fixtures::group(app, "Sekretariatet", "staff", None);
    let body = json!({"name": "Økonomiudvalget", "kind": "political_committee", "owner_group_id": owner, "publication": "public"});
    let created = app.post("/v1/committees", &admin, body).expect(201);
    let committee = created.json();
    assert_eq!(committee["name"], "Økonomiudvalget");
    assert_eq!(committee["kind"], "political_committee");
    assert_eq!(committee["publication"], "public");
    let path = created.header("location").unwrap().to_owned();
    assert_eq!(app.get(&path, &admin).expect(200).json(), committee);

    let changed =
        app.patch(&path, &admin, &created.etag(), json!({"publication": "internal", "description": "ØU"})).expect(200);
    assert_eq!(changed.json()["publication"], "internal");
    assert_eq!(changed.json()["description"], "ØU");

    // Publication defaults to none: nothing is published by accident.
    let body = json!({"name": "Direktionen", "kind": "executive_board", "owner_group_id": owner});
    assert_eq!(app.post("/v1/committees", &admin, body).expect(201).json()["publication"], "none");

    let user = app.token("user", &[], &[]);
    let body = json!({"name": "X", "kind": "other", "owner_group_id": owner});
    app.post("/v1/committees", &user, body).problem(403, "forbidden");
    app.patch(&path, &user, &changed.etag(), json!({"name": "Y"})).problem(403, "forbidden");
    app.delete(&path, &admin, &changed.etag()).expect(204);
    app.get(&path, &admin).problem(404, "not-found");
}

fn committees_are_visible_by_grant_or_publication(app: &TestApp) {
    let closed = fixtures::committee(app, "Direktionen", "none");
    let internal = fixtures::committee(app, "KUI", "internal");
    let public = fixtures::committee(app, "Byrådet", "public");
    let nobody = app.token("nobody", &[], &[]);

    let visible = |token: &str| -> Vec<i64> {
        let page = app.get("/v1/committees", token).expect(200).json();
        page["data"].as_array().unwrap().iter().map(id).collect()
    };
    assert_eq!(visible(&nobody), [internal.id, public.id]);
    assert_eq!(visible(&closed.reader), [closed.id, internal.id, public.id]);
    assert_eq!(visible(&closed.admin), [closed.id, internal.id, public.id]);

    app.get(&format!("/v1/committees/{}", closed.id), &nobody).problem(404, "not-found");
    app.get(&format!("/v1/committees/{}", closed.id), &closed.reader).expect(200);
    app.get(&format!("/v1/committees/{}", internal.id), &nobody).expect(200);
}

fn committees_with_meetings_cannot_be_deleted(app: &TestApp) {
    let committee = fixtures::committee(app, "Skolebestyrelsen", "none");
    fixtures::meeting(app, &committee, "2022-06-01T17:00:00+02:00");
    let path = format!("/v1/committees/{}", committee.id);
    let etag = app.get(&path, &committee.admin).etag();
    app.delete(&path, &committee.admin, &etag).problem(409, "conflict");
    app.get(&path, &committee.admin).expect(200);
}

fn committee_input_is_validated(app: &TestApp) {
    let admin = app.admin();
    let (owner, _) = fixtures::group(app, "Owner", "staff", None);
    let fields = app
        .post("/v1/committees", &admin, json!({"name": "", "kind": "med", "owner_group_id": owner}))
        .error_fields(422);
    assert_eq!(fields, ["name"]);
    let fields = app
        .post("/v1/committees", &admin, json!({"name": "A", "kind": "parliament", "owner_group_id": owner}))
        .error_fields(422);
    assert_eq!(fields, ["kind"]);
    let fields = app
        .post("/v1/committees", &admin, json!({"name": "A", "kind": "med", "owner_group_id": 424_242}))
        .error_fields(422);
    assert_eq!(fields, ["owner_group_id"]);
    let fields = app
        .post("/v1/committees", &admin, json!({"name": "A", "kind": "med", "owner_group_id": owner, "id": 5}))
        .error_fields(422);
    assert_eq!(fields, ["id"]);
    let page = app.get("/v1/committees", &admin).json();
    assert_eq!(page["data"], json!([]));
}
