//! What the OpenAPI document promises beyond the shape of a request, the service does: the bounds it
//! declares are the bounds it keeps, and the headers it documents are read as documented.

use serde_json::{Value, json};

use crate::common::{Request, TestApp};
use crate::db_tests;
use crate::fixtures;

db_tests!(
    whole_lists_hold_what_the_document_says_and_refuse_one_more,
    the_change_feed_reads_its_cursor_under_the_lists_name,
    preconditions_are_bounded_and_bind_an_idempotency_key,
);

/// The `maxItems` the document declares for an operation's list.
fn declared_bound(app: &TestApp, operation_id: &str) -> usize {
    let doc = app.call(Request::new("GET", "/v1/openapi.json")).expect(200).json();
    let operation = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|operation| operation["operationId"] == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id}"));
    let schema = &operation["responses"]["200"]["content"]["application/json"]["schema"];
    schema["maxItems"].as_u64().unwrap_or_else(|| panic!("{operation_id} declares no maxItems")) as usize
}

fn whole_lists_hold_what_the_document_says_and_refuse_one_more(app: &TestApp) {
    // A user's calendar feeds: as many as declared, then 409 and nothing more.
    let bound = declared_bound(app, "listCalendarFeeds");
    let user = app.token("kalenderbruger", &[], &[]);
    for n in 0..bound {
        app.post("/v1/me/calendar-feeds", &user, json!({"name": format!("Kalender {n}")})).expect(201);
    }
    let refused = app.post("/v1/me/calendar-feeds", &user, json!({"name": "en for mange"})).problem(409, "conflict");
    assert!(refused["detail"].as_str().unwrap().contains(&bound.to_string()), "{refused}");
    assert_eq!(app.get("/v1/me/calendar-feeds", &user).json().as_array().unwrap().len(), bound);

    // A committee's standing items likewise.
    let committee = fixtures::committee(app, "Direktionen", "none");
    let bound = declared_bound(app, "listStandingItems");
    let path = format!("/v1/committees/{}/standing-items", committee.id);
    for n in 0..bound {
        app.post(&path, &committee.secretary, json!({"title": format!("Fast punkt {n}")})).expect(201);
    }
    app.post(&path, &committee.secretary, json!({"title": "Eventuelt"})).problem(409, "conflict");
    assert_eq!(app.get(&path, &committee.secretary).json().as_array().unwrap().len(), bound);
}

fn the_change_feed_reads_its_cursor_under_the_lists_name(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let first = app.get("/v1/changes?limit=1", &committee.secretary).json();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let by_cursor = app.get(&format!("/v1/changes?cursor={cursor}"), &committee.secretary).json();
    let by_since = app.get(&format!("/v1/changes?since={cursor}"), &committee.secretary).json();
    assert_eq!(by_cursor, by_since, "`since` is the earlier name of `cursor`");
    assert!(!by_cursor["data"].as_array().unwrap().is_empty());
    let both = app.get(&format!("/v1/changes?cursor={cursor}&since={cursor}"), &committee.secretary);
    assert_eq!(both.problem(400, "malformed-request")["errors"][0]["field"], "since");
}

fn preconditions_are_bounded_and_bind_an_idempotency_key(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let path = format!("/v1/meetings/{}", meeting["id"]);
    let etag = app.get(&path, &committee.secretary).etag();

    // An If-Match or If-None-Match longer than the document allows is refused before it is read.
    let long = format!("\"{}\"", "7".repeat(1100));
    let refused = app.call(
        Request::new("PATCH", &path)
            .token(&committee.secretary)
            .header("If-Match", &long)
            .raw("application/merge-patch+json", br#"{"title": "Nyt navn"}"#.to_vec()),
    );
    assert_eq!(refused.problem(400, "malformed-request")["errors"][0]["field"], "if-match");
    app.call(Request::new("GET", &path).token(&committee.secretary).header("If-None-Match", &long))
        .problem(400, "malformed-request");
    assert_eq!(app.get(&path, &committee.secretary).json()["title"], "Direktionsmøde", "nothing changed");

    // An Idempotency-Key is bound to the version its request named: the same key with another
    // If-Match is another request. A refused request holds no key.
    let cancel = |if_match: &str| {
        app.call(
            Request::new("POST", &format!("{path}/cancel"))
                .token(&committee.secretary)
                .header("Idempotency-Key", "aflys-1")
                .header("If-Match", if_match)
                .json(json!({"reason": "Aflyst"})),
        )
    };
    cancel("\"999\"").problem(412, "precondition-failed");
    let meeting: Value = app.get(&path, &committee.secretary).json();
    assert_eq!(meeting["status"], "draft", "nothing changed");
    let cancelled = cancel(&etag).expect(200);
    assert_eq!(cancelled.json()["meeting"]["status"], "cancelled");
    assert_eq!(cancel(&etag).expect(200).header("idempotent-replayed"), Some("true"));
    cancel("\"999\"").problem(422, "idempotency-key-reused");
}
