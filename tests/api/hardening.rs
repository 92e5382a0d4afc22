//! Findings of an outside attack on the service, each held by a test that failed before its fix.

use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::json;

use crate::common::{PrivateCluster, Request, TestApp};
use crate::fixtures;

/// A POST answered 503 because the database went away mid-request created nothing, and its
/// Idempotency-Key is free again: the retry the client rightly makes is carried out, once. (Before,
/// the key stayed reserved until it expired, a day later, and every retry got 409.)
#[test]
fn an_idempotency_key_is_free_again_after_its_request_failed_with_the_database() {
    let Some(cluster) = PrivateCluster::create() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run this test: install PostgreSQL's server programs");
        eprintln!("skipped: PostgreSQL's server programs are not installed");
        return;
    };
    let app =
        TestApp::builder(crate::common::Backend::Postgres).pool(2, Duration::from_secs(2)).start_on(cluster.url());
    let committee = fixtures::committee(&app, "Direktionen", "none");
    let body = json!({"committee_id": committee.id, "title": "Ekstraordinært møde", "starts_at": "2022-05-02T12:30:00+02:00"});
    let create = || {
        app.call(
            Request::new("POST", "/v1/meetings")
                .token(&committee.secretary)
                .header("Idempotency-Key", "ekstraordinaert-1")
                .json(body.clone()),
        )
    };

    // The request waits for a lock held elsewhere while the database stops under it.
    let url = cluster.url().to_string();
    let mut holder = PgConnection::establish(&url).unwrap();
    diesel::sql_query("BEGIN").execute(&mut holder).unwrap();
    diesel::sql_query("LOCK TABLE meetings IN ACCESS EXCLUSIVE MODE").execute(&mut holder).unwrap();
    let failed = std::thread::scope(|scope| {
        let request = scope.spawn(create);
        std::thread::sleep(Duration::from_millis(700));
        cluster.stop();
        request.join().unwrap()
    });
    failed.problem(503, "service-unavailable");
    drop(holder);
    cluster.start();

    let retried = create().expect(201);
    assert_eq!(retried.header("idempotent-replayed"), None, "carried out, not replayed");
    let again = create().expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], retried.json()["id"]);
    let meetings = app.get(&format!("/v1/meetings?committee_id={}", committee.id), &committee.secretary).json();
    assert_eq!(meetings["data"].as_array().unwrap().len(), 1, "one meeting, made once");
}
