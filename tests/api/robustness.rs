//! Nothing lost, nothing leaked, nothing falls over: request ids and headers, CORS, 405, rate
//! limits, idempotent retries, a database that is busy, slow clients, and the audit trail.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use serde_json::{Value, json};

use crate::common::{PrivateCluster, Reply, Request, TestApp};
use crate::db_tests;
use crate::fixtures::{self, id};

db_tests!(
    every_answer_carries_a_request_id_and_protective_headers,
    cors_is_granted_to_configured_origins_only,
    a_wrong_method_gets_405_with_allow,
    metrics_count_requests_by_route_and_status,
    callers_beyond_their_rate_get_429_with_retry_after,
    behind_a_trusted_proxy_each_client_is_limited_by_its_own_address,
    idempotent_creates_are_replayed_not_repeated,
    concurrent_retries_with_one_key_create_one_resource,
    idempotency_keys_are_forgotten_when_they_expire,
    a_database_held_busy_answers_503_quickly_and_recovers,
    a_client_that_trickles_its_request_is_cut_off,
    the_audit_trail_records_changes_reads_and_denials,
    audit_verify_detects_removed_and_altered_records,
    audit_records_past_retention_are_pruned_and_the_rest_still_verifies,
);

fn every_answer_carries_a_request_id_and_protective_headers(app: &TestApp) {
    let admin = app.admin();
    let given =
        app.call(Request::new("GET", "/v1/committees").token(&admin).header("X-Request-Id", "ticket-4711.retry_2"));
    assert_eq!(given.header("x-request-id"), Some("ticket-4711.retry_2"));
    let problem = app.call(Request::new("GET", "/v1/nothing").token(&admin).header("X-Request-Id", "abc-123"));
    assert_eq!(problem.header("x-request-id"), Some("abc-123"));
    assert_eq!(problem.problem(404, "not-found")["request_id"], "abc-123");
    // An id that could forge log lines is replaced, not echoed.
    let replaced = app.call(Request::new("GET", "/healthz").header("X-Request-Id", "a b"));
    let generated = replaced.header("x-request-id").unwrap();
    assert_eq!(generated.len(), 24);
    assert_ne!(generated, "a b");
    let unauthenticated = app.call(Request::new("GET", "/v1/committees"));
    assert!(unauthenticated.header("x-request-id").is_some());
    assert!(unauthenticated.json()["request_id"].is_string());

    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
        ("cache-control", "private, no-cache"),
    ] {
        assert_eq!(given.header(name), Some(value), "{name}");
    }
    let docs = app.call(Request::new("GET", "/docs/"));
    assert!(docs.header("content-security-policy").unwrap().contains("script-src 'self'"));
    assert_eq!(app.call(Request::new("GET", "/healthz")).header("cache-control"), None);
}

fn cors_is_granted_to_configured_origins_only(app: &TestApp) {
    let allowed = "https://intranet.kalundborg.dk";
    let cors = TestApp::builder(app.backend).options(|o| o.cors_origins = vec![allowed.into()]).start();
    let preflight = cors.call(
        Request::new("OPTIONS", "/v1/committees")
            .header("Origin", allowed)
            .header("Access-Control-Request-Method", "PATCH")
            .header("Access-Control-Request-Headers", "authorization, if-match"),
    );
    assert_eq!(preflight.status, 200, "{}", preflight.body);
    assert_eq!(preflight.header("access-control-allow-origin"), Some(allowed));
    let read = cors.call(Request::new("GET", "/v1/committees").token(&cors.admin()).header("Origin", allowed));
    assert_eq!(read.header("access-control-allow-origin"), Some(allowed));
    assert!(read.header("access-control-expose-headers").unwrap().contains("etag"));
    let other =
        cors.call(Request::new("GET", "/v1/committees").token(&cors.admin()).header("Origin", "https://evil.example"));
    assert_eq!(other.header("access-control-allow-origin"), None);
    // Without configured origins no browser origin is granted.
    let plain = app.call(Request::new("GET", "/v1/committees").token(&app.admin()).header("Origin", allowed));
    assert_eq!(plain.header("access-control-allow-origin"), None);
}

fn a_wrong_method_gets_405_with_allow(app: &TestApp) {
    let admin = app.admin();
    let reply = app.call(Request::new("DELETE", "/v1/meetings").token(&admin));
    assert_eq!(reply.header("allow"), Some("GET, POST"));
    reply.problem(405, "method-not-allowed");
    let reply = app.call(Request::new("PUT", "/v1/items/12").token(&admin).json(json!({})));
    assert_eq!(reply.header("allow"), Some("GET, PATCH, DELETE"));
    reply.problem(405, "method-not-allowed");
    app.call(Request::new("POST", "/healthz")).problem(405, "method-not-allowed");
    app.call(Request::new("GET", "/v1/items/12/nothing").token(&admin)).problem(404, "not-found");
}

fn metrics_count_requests_by_route_and_status(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    app.get(&format!("/v1/meetings/{}", id(&meeting)), &committee.member).expect(200);
    app.get(&format!("/v1/meetings/{}", id(&meeting)), &committee.outsider).expect(404);
    let text = app.call(Request::new("GET", "/metrics")).expect(200).body;
    let series = |needle: &str| text.lines().find(|l| l.starts_with(needle)).map(str::to_owned);
    let ok =
        series(r#"dagsorden_http_requests_total{method="GET",route="/v1/meetings/{id}",status="200"}"#).expect(&text);
    assert!(ok.ends_with(" 1"), "{ok}");
    assert!(series(r#"dagsorden_http_requests_total{method="GET",route="/v1/meetings/{id}",status="404"}"#).is_some());
    assert!(
        series(r#"dagsorden_http_request_duration_seconds_bucket{method="GET",route="/v1/meetings/{id}",le="+Inf"}"#)
            .is_some()
    );
    assert!(series(r#"dagsorden_db_pool_connections{state="idle"}"#).is_some());
    assert!(series("dagsorden_audit_lag_seconds").is_some());
    assert!(series("dagsorden_audit_queue_length").is_some());
    assert!(!text.contains(&format!("/v1/meetings/{}", id(&meeting))), "routes are patterns, not paths");
}

fn callers_beyond_their_rate_get_429_with_retry_after(app: &TestApp) {
    let limited = TestApp::builder(app.backend)
        .options(|o| {
            o.rate_limit_per_minute = 60;
            o.token_rate_limit_per_minute = 60;
        })
        .start();
    let alice = limited.token("alice", &[], &[]);
    let replies: Vec<Reply> = (0..8).map(|_| limited.get("/v1/committees", &alice)).collect();
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(&statuses[..6], [200; 6], "a burst of a tenth of a minute's allowance");
    // Each answer says where the caller stands (IETF RateLimit fields): 6 in 6 seconds, and what is left.
    for (left, reply) in (0..6).rev().zip(&replies) {
        assert_eq!(reply.header("ratelimit-policy"), Some("\"caller\";q=6;w=6"));
        let standing = reply.header("ratelimit").unwrap();
        assert!(standing.starts_with(&format!("\"caller\";r={left};t=")), "{standing}");
    }
    let refused = limited.get("/v1/committees", &alice);
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(refused.header("ratelimit").unwrap().starts_with("\"caller\";r=0;"));
    refused.problem(429, "too-many-requests");
    limited.get("/v1/committees", &limited.token("bob", &[], &[])).expect(200);

    // Requests without a valid token are limited by address, like the public API's visitors.
    let strangers: Vec<Reply> = (0..8)
        .map(|i| {
            let request = Request::new("GET", "/v1/meetings");
            limited.call(if i % 2 == 0 { request.header("Authorization", "Bearer x.y.z") } else { request })
        })
        .collect();
    let statuses: Vec<u16> = strangers.iter().map(|r| r.status).collect();
    assert_eq!(&statuses[..6], [401; 6], "{statuses:?}");
    assert_eq!(strangers[0].header("ratelimit-policy"), Some("\"address\";q=6;w=6"));
    strangers.into_iter().nth(7).unwrap().problem(429, "too-many-requests");

    // The token endpoint is limited by address: guessing secrets is slow.
    let guesses: Vec<u16> = (0..8)
        .map(|_| {
            let form = b"grant_type=client_credentials&client_id=dgs_x&client_secret=guess".to_vec();
            limited.call(Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form)).status
        })
        .collect();
    assert_eq!(&guesses[..6], [401; 6]);
    assert_eq!(guesses[7], 429);
}

/// Behind a load balancer every request comes from its address: where it is a trusted proxy, each
/// client is limited by the address the proxy names, and a client cannot name itself anew.
fn behind_a_trusted_proxy_each_client_is_limited_by_its_own_address(app: &TestApp) {
    let anonymous = |app: &TestApp, forwarded: &str| {
        let request = Request::new("GET", "/v1/meetings").header("X-Forwarded-For", forwarded);
        app.call(request.header("Authorization", "Bearer x.y.z")).status
    };
    let proxied = TestApp::builder(app.backend)
        .options(|o| {
            o.rate_limit_per_minute = 60;
            o.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        })
        .start();
    let first: Vec<u16> = (0..7).map(|_| anonymous(&proxied, "203.0.113.7")).collect();
    assert_eq!(first, [401, 401, 401, 401, 401, 401, 429]);
    // Another client behind the same proxy has its own allowance.
    assert_eq!(anonymous(&proxied, "203.0.113.8"), 401);
    // A client that writes an address of its own before the proxy's entry is still itself.
    assert_eq!(anonymous(&proxied, "198.51.100.1, 203.0.113.7"), 429);

    // Where the peer is not a trusted proxy, the header is the client's own word and is ignored.
    let direct = TestApp::builder(app.backend).options(|o| o.rate_limit_per_minute = 60).start();
    let spoofed: Vec<u16> = (0..7).map(|i| anonymous(&direct, &format!("203.0.113.{i}"))).collect();
    assert_eq!(spoofed, [401, 401, 401, 401, 401, 401, 429]);
}

fn meeting_body(committee: i64, title: &str) -> Value {
    json!({"committee_id": committee, "title": title, "starts_at": "2022-04-25T12:30:00+02:00"})
}

fn meeting_count(app: &TestApp, token: &str) -> usize {
    app.get("/v1/meetings", token).json()["data"].as_array().unwrap().len()
}

fn idempotent_creates_are_replayed_not_repeated(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let post = |key: &str, body: Value| {
        app.call(
            Request::new("POST", "/v1/meetings").token(&committee.secretary).header("Idempotency-Key", key).json(body),
        )
    };
    let first = post("7c1e-retry", meeting_body(committee.id, "Direktionsmøde")).expect(201);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = post("7c1e-retry", meeting_body(committee.id, "Direktionsmøde")).expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(meeting_count(app, &committee.secretary), 1, "the retry created nothing");

    post("7c1e-retry", meeting_body(committee.id, "Et andet møde")).problem(422, "idempotency-key-reused");
    assert_eq!(meeting_count(app, &committee.secretary), 1);

    // Keys are the caller's own: another secretary's same key is another request.
    let colleague = app.token("kollega", &[&committee.secretariat_external], &[]);
    app.call(
        Request::new("POST", "/v1/meetings")
            .token(&colleague)
            .header("Idempotency-Key", "7c1e-retry")
            .json(meeting_body(committee.id, "Direktionsmøde")),
    )
    .expect(201);
    assert_eq!(meeting_count(app, &committee.secretary), 2);

    // A refused request changed nothing and holds no key: its retry is refused again, as itself,
    // and the key serves the corrected request.
    let invalid = json!({"committee_id": committee.id, "title": ""});
    post("bad-1", invalid.clone()).problem(422, "validation-failed");
    let refused_again = post("bad-1", invalid);
    assert_eq!(refused_again.header("idempotent-replayed"), None);
    refused_again.problem(422, "validation-failed");
    post("bad-1", meeting_body(committee.id, "Rettet møde")).expect(201);
    assert_eq!(meeting_count(app, &committee.secretary), 3);

    let reply = post(&"k".repeat(256), meeting_body(committee.id, "x"));
    assert_eq!(reply.error_fields(400), ["Idempotency-Key"]);
    assert_eq!(meeting_count(app, &committee.secretary), 3);
}

/// An integrating system that retries at once, several times over: one meeting, and every retry is
/// either the replayed answer or told that the first is still under way.
fn concurrent_retries_with_one_key_create_one_resource(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    // Several rounds, because which request loses the race (and how) varies from run to run: a
    // request refused because another held the key must not leave its refusal as the key's answer.
    for round in 0..8 {
        let key = format!("samtidig-{round}");
        let send = || {
            let request = Request::new("POST", "/v1/meetings")
                .token(&committee.secretary)
                .header("Idempotency-Key", &key)
                .json(meeting_body(committee.id, "Direktionsmøde"));
            app.call(request)
        };
        let replies: Vec<(u16, Value)> = std::thread::scope(|scope| {
            let senders: Vec<_> = (0..6)
                .map(|_| {
                    scope.spawn(|| {
                        let reply = send();
                        let body = if reply.status == 201 { reply.json() } else { Value::Null };
                        (reply.status, body)
                    })
                })
                .collect();
            senders.into_iter().map(|s| s.join().unwrap()).collect()
        });
        let statuses: Vec<u16> = replies.iter().map(|(status, _)| *status).collect();
        assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
        let made: Vec<&Value> = replies.iter().filter(|(s, _)| *s == 201).map(|(_, body)| &body["id"]).collect();
        assert!(!made.is_empty(), "{statuses:?}");
        assert!(made.iter().all(|id| *id == made[0]), "one meeting, replayed to every winner: {made:?}");
        // Once the race is over, a retry replays the creation, whoever lost it.
        let retry = send();
        assert_eq!(retry.status, 201, "round {round}: {}", retry.body);
        assert_eq!(retry.header("idempotent-replayed"), Some("true"));
        assert_eq!(&retry.json()["id"], made[0]);
        assert_eq!(meeting_count(app, &committee.secretary), round + 1, "{statuses:?}");
    }
}

fn idempotency_keys_are_forgotten_when_they_expire(app: &TestApp) {
    let forgetful = TestApp::builder(app.backend).options(|o| o.idempotency_hours = 0).start();
    let committee = fixtures::committee(&forgetful, "Direktionen", "none");
    for _ in 0..2 {
        let request = Request::new("POST", "/v1/meetings")
            .token(&committee.secretary)
            .header("Idempotency-Key", "gammel")
            .json(meeting_body(committee.id, "Direktionsmøde"));
        let reply = forgetful.call(request).expect(201);
        assert_eq!(reply.header("idempotent-replayed"), None);
    }
    assert_eq!(meeting_count(&forgetful, &committee.secretary), 2, "an expired key is a new key");
}

/// Holds the database's write lock (SQLite) or locks the meetings table (PostgreSQL) from outside,
/// until dropped.
struct Blocker {
    release: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Blocker {
    fn hold(app: &TestApp) -> Blocker {
        let url = app.database_url.clone();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (held, holding) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || match url {
            dagsorden::db::DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                diesel::sql_query("BEGIN IMMEDIATE").execute(&mut conn).unwrap();
                held.send(()).unwrap();
                let _ = released.recv();
                diesel::sql_query("ROLLBACK").execute(&mut conn).unwrap();
            }
            dagsorden::db::DatabaseUrl::Postgres(url) => {
                let mut conn = diesel::PgConnection::establish(&url).unwrap();
                diesel::sql_query("BEGIN").execute(&mut conn).unwrap();
                diesel::sql_query("LOCK TABLE meetings IN ACCESS EXCLUSIVE MODE").execute(&mut conn).unwrap();
                held.send(()).unwrap();
                let _ = released.recv();
                diesel::sql_query("ROLLBACK").execute(&mut conn).unwrap();
            }
        });
        holding.recv().unwrap();
        Blocker { release, thread: Some(thread) }
    }
}

impl Drop for Blocker {
    fn drop(&mut self) {
        let _ = self.release.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Two requests wait on the database and hold both connections; the next request waits at most the
/// pool's timeout for one and is answered 503 with Retry-After, not hung and not 500. When the
/// database is free again, so is the service.
fn a_database_held_busy_answers_503_quickly_and_recovers(app: &TestApp) {
    let busy = TestApp::builder(app.backend).pool(2, Duration::from_secs(1)).start();
    let committee = fixtures::committee(&busy, "Direktionen", "none");
    let meeting = fixtures::meeting(&busy, &committee, "2022-04-25T12:30:00+02:00");
    let path = format!("/v1/meetings/{}", id(&meeting));
    let etag = busy.get(&path, &committee.secretary).etag();

    let blocker = Blocker::hold(&busy);
    let waiting: Vec<_> = (0..2)
        .map(|n| {
            let (busy_base, token, path, etag) =
                (busy.base.clone(), committee.secretary.clone(), path.clone(), etag.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let body = format!(r#"{{"title": "Ændret {n}"}}"#);
                agent
                    .patch(format!("{busy_base}{path}"))
                    .header("Authorization", format!("Bearer {token}"))
                    .header("If-Match", &etag)
                    .header("Content-Type", "application/json")
                    .send(body)
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let refused = busy.get("/v1/committees", &committee.secretary);
    let waited = started.elapsed();
    assert_eq!(refused.header("retry-after"), Some("2"));
    refused.problem(503, "service-unavailable");
    assert!(waited < Duration::from_secs(10), "answered after {waited:?}");
    drop(blocker);
    let outcomes: Vec<u16> = waiting.into_iter().map(|w| w.join().unwrap()).collect();
    assert!(outcomes.iter().all(|s| [200, 412, 503].contains(s)), "{outcomes:?}");
    busy.get("/v1/committees", &committee.secretary).expect(200);
    busy.get("/readyz", &committee.secretary).expect(200);
}

/// A client that sends its request slowly is cut off when the request timeout is up; meanwhile,
/// everyone else is served.
fn a_client_that_trickles_its_request_is_cut_off(app: &TestApp) {
    let strict = TestApp::builder(app.backend).options(|o| o.request_timeout = Duration::from_secs(1)).start();
    let address = strict.base.trim_start_matches("http://").to_owned();
    let token = strict.admin();
    let body = r#"{"name": "Langsom", "tier": "unit"}"#;

    // Headers that never end, and a body that never ends.
    let mut slow_head = TcpStream::connect(&address).unwrap();
    slow_head.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut slow_body = TcpStream::connect(&address).unwrap();
    let head = format!(
        "POST /v1/access-groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    slow_body.write_all(head.as_bytes()).unwrap();
    slow_body.write_all(&body.as_bytes()[..5]).unwrap();

    for _ in 0..5 {
        strict.get("/v1/committees", &token).expect(200);
    }
    for (name, mut stream) in [("head", slow_head), ("body", slow_body)] {
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{name}: {answer}");
    }
    let groups = strict.get("/v1/access-groups", &token).json();
    assert_eq!(groups["data"], json!([]), "the trickled request created nothing");
}

/// Polls the audit trail until every record is sealed, and returns it.
fn sealed_audit(app: &TestApp, auditor: &str, query: &str) -> Vec<Value> {
    sealed_audit_with(app, auditor, query, |_| true)
}

/// The audit records once those `ready` waits for have been written (reads and denials are queued,
/// not written with the request) and every record is sealed.
pub fn sealed_audit_with(app: &TestApp, auditor: &str, query: &str, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..100 {
        let page = app.get(&format!("/v1/audit?limit=200{query}"), auditor).expect(200).json();
        let events = page["data"].as_array().unwrap().clone();
        if ready(&events) && events.iter().all(|e| e["seq"].is_i64()) {
            return events;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the audit trail was not sealed in time");
}

fn the_audit_trail_records_changes_reads_and_denials(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let item = fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "HEMMELIGT"}),
    );
    let path = format!("/v1/items/{}", id(&item));
    let etag = app.get(&path, &committee.member).expect(200).etag();
    app.patch(&path, &committee.secretary, &etag, json!({"summary": "HEMMELIGT 2"})).expect(200);
    app.get(&path, &committee.outsider).problem(404, "not-found");
    app.patch(&path, &committee.reader, &etag, json!({"title": "x"})).problem(403, "forbidden");
    app.call(Request::new("GET", &path)).problem(401, "unauthorized");
    app.call(Request::new("GET", &path).token("forged.token.value")).problem(401, "unauthorized");

    let auditor = app.token("revisor", &[], &["auditor"]);
    let anonymous_denials =
        |events: &[Value]| events.iter().filter(|e| e["action"] == "denied" && e["actor"] == "anonymous").count();
    let events = sealed_audit_with(app, &auditor, "", |events| anonymous_denials(events) >= 2);
    let subject = |token: &str| app.get("/v1/me", token).json()["subject"].as_str().unwrap().to_owned();
    let find =
        |action: &str, actor: &str| events.iter().find(|e| e["action"] == action && e["actor"] == actor).cloned();

    let created =
        events.iter().find(|e| e["action"] == "create" && e["object_type"] == "item").expect("the item's creation");
    assert_eq!(created["actor"], subject(&committee.secretary));
    assert_eq!(created["object_id"], id(&item).to_string());
    // An auditor outside the committee sees what anyone sees of a closed item, and that it was cut.
    assert_eq!(created["redacted"], true);
    assert_eq!(created["new_value"]["title"], "Personalesag");
    assert!(created["new_value"].get("summary").is_none());
    let updated = events.iter().find(|e| e["action"] == "update" && e["object_type"] == "item").unwrap();
    assert_eq!(updated["actor"], subject(&committee.secretary));
    assert!(updated["request_id"].is_string());
    let read = find("read", &subject(&committee.member)).expect("the member's read of closed content");
    assert_eq!(read["object_id"], id(&item).to_string());
    // A change's answer is not logged again as a read: the change's record names who and what.
    assert!(find("read", &subject(&committee.secretary)).is_none());
    let hidden = find("denied", &subject(&committee.outsider)).expect("the outsider's attempt");
    assert_eq!(hidden["object_id"], format!("GET {path}"));
    assert_eq!(hidden["new_value"]["status"], 404);
    assert!(find("denied", &subject(&committee.reader)).is_some());
    let anonymous: Vec<&Value> =
        events.iter().filter(|e| e["action"] == "denied" && e["actor"] == "anonymous").collect();
    assert_eq!(anonymous.len(), 2, "no token, and a forged one");
    assert!(!serde_json::to_string(&events).unwrap().contains("HEMMELIGT"), "no closed content for this auditor");

    // An auditor who is a member of the committee sees the values in full.
    let member_auditor = app.token("revisor-medlem", &[&committee.member_external], &["auditor"]);
    let full = sealed_audit(app, &member_auditor, "&object_type=item&action=update");
    assert_eq!(full[0]["redacted"], false);
    assert_eq!(full[0]["old_value"]["summary"], "HEMMELIGT");
    assert_eq!(full[0]["new_value"]["summary"], "HEMMELIGT 2");

    app.get("/v1/audit", &committee.secretary).problem(403, "forbidden");
    app.get("/v1/audit", &app.admin()).problem(403, "forbidden");
}

/// Retention removes the oldest records and records that it did; the chain still verifies from the
/// anchor they leave, and grows on from it.
fn audit_records_past_retention_are_pruned_and_the_rest_still_verifies(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let auditor = app.token("revisor", &[], &["auditor"]);
    // Reads and first sign-ins are recorded a moment after their requests: wait until nothing more
    // arrives, so that what is counted is what retention finds.
    let mut before = sealed_audit(app, &auditor, "").len();
    loop {
        std::thread::sleep(Duration::from_millis(1500));
        let now = sealed_audit(app, &auditor, "").len();
        if now == before {
            break;
        }
        before = now;
    }
    let cutoff = dagsorden::time::now() + chrono::Duration::seconds(1);
    let db = dagsorden::db::Database::open(&app.database_url, 1, Duration::from_secs(5)).unwrap();
    let now = dagsorden::time::now();
    let removed = db
        .blocking::<_, dagsorden::db::StoreError, _>(|conn| Ok(dagsorden::db::audit::prune(conn, cutoff, now)?))
        .unwrap();
    assert_eq!(removed, before);
    // The prune record may be sealed already by the time the chain is verified: either way it
    // is the one record left.
    let (ok, report) = run_verify(app);
    let one_left = ["0 sealed records, 1 not yet sealed", "1 sealed records, 0 not yet sealed"];
    assert!(ok && one_left.iter().any(|state| report.contains(state)), "{report}");

    fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let after = sealed_audit(app, &auditor, "");
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["action"], "prune", "the removal is itself in the chain");
    assert_eq!(after[0]["new_value"]["through_seq"], before as i64);
    assert_eq!(after[0]["seq"], before as i64 + 1, "the chain goes on from the anchor");
    let (ok, report) = run_verify(app);
    assert!(ok && report.contains("2 sealed records"), "{report}");
}

pub fn run_verify(app: &TestApp) -> (bool, String) {
    run_verify_with(app, &[])
}

pub fn run_verify_with(app: &TestApp, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_dagsorden"))
        .args(["audit", "verify"])
        .args(args)
        .env("DATABASE_URL", app.database_url.unredacted())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Tampering with the trail in the database shows: a removed record and an altered one.
fn audit_verify_detects_removed_and_altered_records(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    for n in 0..3 {
        fixtures::meeting(app, &committee, &format!("2022-0{}-25T12:30:00+02:00", n + 4));
    }
    let auditor = app.token("revisor", &[], &["auditor"]);
    let events = sealed_audit(app, &auditor, "");
    let (ok, report) = run_verify(app);
    assert!(ok, "{report}");
    assert!(report.contains(&format!("{} sealed records", events.len())), "{report}");

    let execute = |sql: &str| match &app.database_url {
        dagsorden::db::DatabaseUrl::Sqlite(path) => {
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            diesel::sql_query(sql).execute(&mut conn).unwrap()
        }
        dagsorden::db::DatabaseUrl::Postgres(url) => {
            let mut conn = diesel::PgConnection::establish(url).unwrap();
            diesel::sql_query(sql).execute(&mut conn).unwrap()
        }
    };
    let middle = events[events.len() / 2]["id"].as_i64().unwrap();
    execute(&format!("UPDATE audit_events SET actor = 'someone-else' WHERE id = {middle}"));
    let (ok, report) = run_verify(app);
    assert!(!ok);
    assert!(report.contains("changed after it was sealed"), "{report}");

    execute(&format!("DELETE FROM audit_events WHERE id = {middle}"));
    let (ok, report) = run_verify(app);
    assert!(!ok);
    assert!(report.contains("missing"), "{report}");
}

/// PostgreSQL goes away under load and comes back: meanwhile every answer is a quick 503 (never a
/// 500, never a hang), and afterwards the service serves again without a restart.
#[test]
fn the_service_rides_out_a_postgresql_restart_under_load() {
    let Some(cluster) = PrivateCluster::create() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run this test: install PostgreSQL's server programs");
        eprintln!("skipped: PostgreSQL's server programs are not installed");
        return;
    };
    let app =
        TestApp::builder(crate::common::Backend::Postgres).pool(4, Duration::from_secs(2)).start_on(cluster.url());
    let committee = fixtures::committee(&app, "Direktionen", "none");
    fixtures::meeting(&app, &committee, "2022-04-25T12:30:00+02:00");

    let stop = std::sync::atomic::AtomicBool::new(false);
    let answers: Vec<(u16, Duration)> = std::thread::scope(|scope| {
        let load: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut answers = Vec::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let started = Instant::now();
                        let status = app.get("/v1/meetings", &committee.member).status;
                        answers.push((status, started.elapsed()));
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    answers
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        cluster.stop();
        std::thread::sleep(Duration::from_secs(3));
        cluster.start();
        std::thread::sleep(Duration::from_secs(3));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        load.into_iter().flat_map(|l| l.join().unwrap()).collect()
    });
    let statuses: std::collections::BTreeSet<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert!(statuses.contains(&503), "the outage was seen");
    let slowest = answers.iter().map(|(_, d)| *d).max().unwrap();
    assert!(slowest < Duration::from_secs(10), "an answer took {slowest:?}");
    app.get("/v1/meetings", &committee.member).expect(200);
    app.get("/readyz", &committee.member).expect(200);
}
