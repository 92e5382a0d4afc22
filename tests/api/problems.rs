//! Bad requests get a clear problem+json answer with a 4xx status, and nothing changes.

use serde_json::json;

use crate::common::{Request, TestApp};
use crate::db_tests;
use crate::fixtures::{self, id};

db_tests!(
    malformed_bodies_are_refused,
    unknown_routes_and_paths_are_problems,
    problem_types_are_described,
    numbers_and_text_are_read_as_json_schema_says,
);

fn malformed_bodies_are_refused(app: &TestApp) {
    let admin = app.admin();
    let post = |request: Request| app.call(request.token(&admin));
    post(Request::new("POST", "/v1/access-groups").raw("application/json", b"{\"name\": ".to_vec()))
        .problem(400, "malformed-request");
    post(Request::new("POST", "/v1/access-groups").raw("application/json", b"[1, 2]".to_vec()))
        .problem(422, "validation-failed");
    post(
        Request::new("POST", "/v1/access-groups")
            .raw("application/json", b"{\"name\":\"a\",\"tier\":\"unit\"} x".to_vec()),
    )
    .problem(400, "malformed-request");
    post(Request::new("POST", "/v1/access-groups").raw("application/json", vec![0xff, 0xfe]))
        .problem(400, "malformed-request");
    post(Request::new("POST", "/v1/access-groups").raw("text/plain", b"{\"name\":\"a\",\"tier\":\"unit\"}".to_vec()))
        .problem(415, "unsupported-media-type");
    post(
        Request::new("POST", "/v1/access-groups")
            .raw("application/x-www-form-urlencoded", b"name=a&tier=unit".to_vec()),
    )
    .problem(415, "unsupported-media-type");
    let big = json!({"name": "a", "tier": "unit", "description": "x".repeat(1024 * 1024)});
    post(Request::new("POST", "/v1/access-groups").json(big)).problem(413, "payload-too-large");
    // JSON with a charset parameter is still JSON.
    post(
        Request::new("POST", "/v1/access-groups")
            .raw("application/json; charset=utf-8", b"{\"name\":\"a\",\"tier\":\"unit\"}".to_vec()),
    )
    .expect(201);
    let groups = app.get("/v1/access-groups", &admin).json();
    assert_eq!(groups["data"].as_array().unwrap().len(), 1, "only the valid request created something");
}

fn unknown_routes_and_paths_are_problems(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    app.get("/v1/nothing-here", &committee.secretary).problem(404, "not-found");
    app.get("/", &committee.secretary).problem(404, "not-found");
    app.get("/v1/meetings/abc", &committee.secretary).problem(400, "malformed-request");
    app.get("/v1/meetings/99999999999999999999", &committee.secretary).problem(400, "malformed-request");
    app.get(&format!("/v1/meetings/{}/participants/x", id(&meeting)), &committee.secretary)
        .problem(400, "malformed-request");
    // An If-Match that is no entity tag of this resource changes nothing.
    let path = format!("/v1/meetings/{}", id(&meeting));
    for garbage in ["garbage", "W/\"1\"", "\"1-title-only\"", "\"\""] {
        let reply = app.call(
            Request::new("PATCH", &path)
                .token(&committee.secretary)
                .header("If-Match", garbage)
                .json(json!({"title": "x"})),
        );
        reply.problem(412, "precondition-failed");
    }
    assert_eq!(app.get(&path, &committee.secretary).json()["title"], meeting["title"]);
}

fn problem_types_are_described(app: &TestApp) {
    let reply = app.call(Request::new("GET", "/problems/precondition-failed"));
    let reply = reply.expect(200);
    assert!(reply.body.contains("If-Match"), "{}", reply.body);
    let described = app
        .call(Request::new("GET", "/problems/validation-failed").header("Accept", "application/json"))
        .expect(200)
        .json();
    assert_eq!(described["title"], "The request has invalid fields");
    app.call(Request::new("GET", "/problems/no-such-problem")).problem(404, "not-found");
}

/// `5.0` is an integer in JSON Schema; text with a NUL character cannot be stored and is refused
/// with the field named, on both databases, anywhere in a body or a query.
fn numbers_and_text_are_read_as_json_schema_says(app: &TestApp) {
    let admin = app.admin();
    let parent = app.post("/v1/access-groups", &admin, json!({"name": "Forælder", "tier": "unit"})).expect(201).json();
    let body = json!({"name": "Barn", "tier": "unit", "parent_id": (id(&parent) as f64)});
    let child = app.post("/v1/access-groups", &admin, body).expect(201).json();
    assert_eq!(child["parent_id"], id(&parent));
    assert_eq!(
        app.post("/v1/access-groups", &admin, json!({"name": "x", "tier": "unit", "parent_id": 1.5})).error_fields(422),
        ["parent_id"]
    );

    let fields =
        app.post("/v1/access-groups", &admin, json!({"name": "NUL\u{0}her", "tier": "unit"})).error_fields(422);
    assert_eq!(fields, ["name"]);
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let path = format!("/v1/meetings/{}/items", id(&meeting));
    let fields = app.post(&path, &committee.secretary, json!({"title": "x", "summary": "a\u{0}b"})).error_fields(422);
    assert_eq!(fields, ["summary"]);
    let auditor = app.token("revisor", &[], &["auditor"]);
    assert_eq!(app.get("/v1/audit?actor=a%00b", &auditor).error_fields(400), ["actor"]);
    let refused = app.get("/v1/access-groups", &app.token("nul\u{0}user", &[], &[]));
    refused.problem(401, "unauthorized");
}
