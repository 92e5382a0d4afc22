//! The binary as a user runs it: `dagsorden` starts the service on an SQLite file it creates, and
//! `dagsorden token` prints a token that service accepts, with nothing configured.

use std::process::Command;

use diesel::{Connection, RunQueryDsl};

#[path = "support/process.rs"]
mod process;
use process::{PostgresDatabase, agent, call, command, secretariat, serve, status, token};

#[test]
fn the_quick_start_works_with_nothing_configured() {
    let dir = tempfile::tempdir().unwrap();
    let running = serve(dir.path(), &[]);
    assert!(dir.path().join("data/dagsorden.db").exists(), "the database is created on first start");
    assert!(dir.path().join("data/dagsorden.db.token-key").exists(), "so is the local signing key");

    let output = token(dir.path(), &[], &["--sub", "alice", "--name", "Alice", "--roles", "admin"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let admin = String::from_utf8(output.stdout).unwrap().trim().to_owned();

    let created = agent()
        .post(format!("{}/v1/access-groups", running.base))
        .header("Authorization", format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send(r#"{"name": "Direktionen", "external_id": "direktionen", "tier": "political"}"#)
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(status(&running.base, "/v1/access-groups/1", &admin), 200);
    assert_eq!(status(&running.base, "/v1/access-groups/1", ""), 401);
    assert_eq!(status(&running.base, "/docs/", ""), 200);
    assert_eq!(status(&running.base, "/v1/openapi.json", ""), 200);
    assert_eq!(status(&running.base, "/readyz", ""), 200);
    drop(running);

    // Restarted on the same file, the data and the key are still there.
    let again = serve(dir.path(), &[]);
    assert_eq!(status(&again.base, "/v1/access-groups/1", &admin), 200);
}

#[test]
fn production_can_turn_local_tokens_off() {
    let dir = tempfile::tempdir().unwrap();
    let secret = [("DAGSORDEN_TOKEN_SECRET", "a production secret of at least thirty-two bytes")];
    let minted = token(dir.path(), &secret, &["--sub", "alice", "--roles", "admin"]);
    let minted = String::from_utf8(minted.stdout).unwrap().trim().to_owned();
    assert!(!minted.is_empty());

    let off = [secret[0], ("DAGSORDEN_LOCAL_TOKENS", "false")];
    let refused = token(dir.path(), &off, &["--sub", "alice"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("turned off"));
    let running = serve(dir.path(), &off);
    assert_eq!(status(&running.base, "/v1/access-groups", &minted), 401);
}

#[test]
fn bad_configuration_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(dir.path(), &[("DATABASE_URL", "mysql://localhost/x")]).arg("migrate").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sqlite:// or postgres://"));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no file was created");

    let output = command(dir.path(), &[("DATABASE_URL", "postgres://nobody:wrong@127.0.0.1:1/none")])
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("cannot connect"), "{message}");
    assert!(!message.contains("wrong"), "the password is not printed: {message}");

    let output =
        command(dir.path(), &[("DAGSORDEN_TOKEN_SECRET", "short")]).args(["token", "--sub", "x"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 32 bytes"));
}

#[test]
fn migrate_applies_once_and_openapi_prints_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let url = [("DATABASE_URL", "sqlite://./other/place.db")];
    let first = command(dir.path(), &url).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
    let second = command(dir.path(), &url).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
    assert!(dir.path().join("other/place.db").exists());

    let printed = command(dir.path(), &[]).arg("openapi").output().unwrap();
    let document: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
}

/// The same binary on PostgreSQL, nothing else changed.
#[test]
fn the_service_runs_on_postgresql() {
    let Some(database) = PostgresDatabase::create("cli") else { return };
    let dir = tempfile::tempdir().unwrap();
    let envs = [
        ("DATABASE_URL", database.url.as_str()),
        ("DAGSORDEN_TOKEN_SECRET", "a production secret of at least thirty-two bytes"),
    ];
    let running = serve(dir.path(), &envs);
    let admin_token = String::from_utf8(token(dir.path(), &envs, &["--sub", "a", "--roles", "admin"]).stdout).unwrap();
    assert_eq!(status(&running.base, "/v1/committees", admin_token.trim()), 200);
    assert_eq!(status(&running.base, "/readyz", ""), 200);
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no SQLite file beside it");
}

/// SIGTERM: the service stops accepting connections, finishes the request in flight (here, one
/// whose body is still arriving), and exits cleanly.
#[test]
fn sigterm_finishes_the_request_in_flight_and_exits() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let mut running = serve(dir.path(), &[("DAGSORDEN_SHUTDOWN_TIMEOUT_SECONDS", "20")]);
    let admin = String::from_utf8(token(dir.path(), &[], &["--sub", "a", "--roles", "admin"]).stdout).unwrap();
    let address = running.base.trim_start_matches("http://").to_owned();
    let body = r#"{"name": "Sidste gruppe", "tier": "unit"}"#;
    let mut stream = TcpStream::connect(&address).unwrap();
    let head = format!(
        "POST /v1/access-groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        admin.trim(),
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let killed = Command::new("kill").args(["-TERM", &running.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(TcpStream::connect(&address).is_err(), "no new connections after SIGTERM");

    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = running.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_generator_fills_an_empty_database_that_the_service_then_serves() {
    let dir = tempfile::tempdir().unwrap();
    let generate = || command(dir.path(), &[]).args(["generate", "--years", "1", "--users", "20"]).output().unwrap();
    let output = generate();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // 33 committees with 12 meetings this year and 12 next year, 10 items each.
    assert_eq!(manifest["meetings"], 33 * 24);
    assert_eq!(manifest["items"], 33 * 24 * 10);
    assert!(manifest["draft_meeting_ids"].as_array().unwrap().len() >= 12, "{manifest}");
    // Generating into a database that holds data is refused.
    let again = generate();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty"), "{}", String::from_utf8_lossy(&again.stderr));

    let running = serve(dir.path(), &[]);
    let token_of = |who: &str| {
        let person = &manifest[who];
        let output = token(
            dir.path(),
            &[],
            &["--sub", person["subject"].as_str().unwrap(), "--groups", person["groups"][0].as_str().unwrap()],
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    let meeting = manifest["meeting_id"].as_i64().unwrap();
    let read = |path: &str, token: &str| {
        let mut request = agent().get(format!("{}{path}", running.base));
        if !token.is_empty() {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut answer = request.call().unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{path}");
        serde_json::from_str::<serde_json::Value>(&answer.body_mut().read_to_string().unwrap()).unwrap()
    };
    let as_member = read(&format!("/v1/meetings/{meeting}"), &token_of("member"));
    assert_eq!(as_member["items"].as_array().unwrap().len(), 10);
    assert_eq!(as_member["status"], "minutes_published");
    let public = read(&format!("/v1/public/meetings/{meeting}/published/minutes/1"), "");
    assert_eq!(public["items"].as_array().unwrap().len(), 10);
    let report = read(&format!("/v1/allocations/report?year={}", manifest["report_year"]), &token_of("payer"));
    assert!(!report["units"].as_array().unwrap().is_empty(), "{report}");
}

#[path = "support/receiver.rs"]
mod receiver;

#[test]
fn webhooks_reach_the_receiver_once_per_change_across_a_kill_on_sqlite() {
    webhooks_across_a_kill("sqlite://./data/dagsorden.db");
}

#[test]
fn webhooks_reach_the_receiver_once_per_change_across_a_kill_on_postgresql() {
    if let Some(database) = PostgresDatabase::create("kill") {
        webhooks_across_a_kill(&database.url);
    }
}

/// The service is killed (SIGKILL) while the receiver holds a delivery unanswered, and started
/// again: every change its subscriber may see still arrives, each as one message (`webhook-id`)
/// however many times it is attempted, signed, and nothing is lost or made twice.
fn webhooks_across_a_kill(database_url: &str) {
    use receiver::{Answer, WebhookReceiver};
    use serde_json::json;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let envs = [
        ("DATABASE_URL", database_url),
        ("DAGSORDEN_TOKEN_SECRET", "a production secret of at least thirty-two bytes"),
        ("DAGSORDEN_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1"),
        // Short, for the lease of the delivery held across the kill (twice this and 5 s), yet long
        // enough that a receiver slowed by a busy machine is not retried as often.
        ("DAGSORDEN_WEBHOOK_TIMEOUT_SECONDS", "4"),
        ("DAGSORDEN_WEBHOOK_FIRST_RETRY_SECONDS", "1"),
        ("DAGSORDEN_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    let mint = |args: &[&str]| String::from_utf8(token(dir.path(), &envs, args).stdout).unwrap().trim().to_owned();
    let admin = mint(&["--sub", "admin", "--roles", "admin"]);
    let secretary = mint(&["--sub", "sekretaer", "--groups", "sekretariatet"]);
    // The receiver holds the first request it gets and answers the rest.
    let hook = WebhookReceiver::start(vec![Answer::Hold]);

    let running = serve(dir.path(), &envs);
    let base = running.base.clone();
    let ok = |(status, body): (u16, serde_json::Value), want: u16| {
        assert_eq!(status, want, "{body}");
        body
    };
    // The integrating system acts as the secretariat, and subscribes to everything it may see.
    let (committee, system) = secretariat(&[&base], &admin);
    let subscription = ok(call(&base, "POST", "/v1/webhooks", &system, Some(json!({"url": hook.url}))), 201);
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    let start =
        ok(call(&base, "GET", "/v1/changes?limit=200", &system, None), 200)["next_cursor"].as_str().unwrap().to_owned();

    // Changes, the first of which the receiver holds on to.
    let changes = |base: &str, title: &str| {
        let body = json!({"committee_id": committee["id"], "title": title, "starts_at": "2027-01-10T09:00:00+01:00"});
        let meeting = ok(call(base, "POST", "/v1/meetings", &secretary, Some(body)), 201);
        for item in ["Godkendelse af dagsorden", "Budget", "Personalesag"] {
            let closed = item == "Personalesag";
            let body =
                json!({"title": item, "closed": closed, "legal_basis": closed.then_some("offentlighedsloven_30_1")});
            ok(call(base, "POST", &format!("/v1/meetings/{}/items", meeting["id"]), &secretary, Some(body)), 201);
        }
    };
    changes(&base, "Direktionsmøde");
    hook.wait_for(1, Duration::from_secs(20));
    // Killed mid-delivery: the first delivery is sent, unanswered, and not recorded.
    drop(running);
    hook.release();

    let running = serve(dir.path(), &envs);
    changes(&running.base, "Ekstraordinært møde");
    let feed = ok(call(&running.base, "GET", &format!("/v1/changes?limit=200&since={start}"), &system, None), 200);
    let feed: Vec<String> =
        feed["data"].as_array().unwrap().iter().map(|e| e["cursor"].as_str().unwrap().to_owned()).collect();
    assert_eq!(feed.len(), 2 * (1 + 3 + 3), "two meetings, their items and the meetings' updates: {feed:?}");

    let message = |r: &receiver::Received| r.header("webhook-id").unwrap().to_owned();
    let cursor = |r: &receiver::Received| r.json()["data"]["cursor"].as_str().unwrap().to_owned();
    let distinct = |received: &[receiver::Received]| {
        let mut ids: Vec<String> = received.iter().map(message).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    };
    let received = hook.wait_until(Duration::from_secs(60), |r| distinct(r) >= feed.len());
    assert!(received.iter().all(|r| r.signed_with(&secret)), "every attempt is signed");
    // One message per change, each attempt of a message about the same change.
    let mut by_message: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for request in &received {
        by_message.entry(message(request)).or_default().push(cursor(request));
    }
    assert!(by_message.values().all(|c| c.iter().all(|x| *x == c[0])), "{by_message:?}");
    let mut delivered: Vec<String> = by_message.values().map(|c| c[0].clone()).collect();
    delivered.sort_by_key(|c| c.trim_start_matches("id.").parse::<i64>().unwrap());
    assert_eq!(delivered, feed, "every change the subscriber may see, once");
    // And the service says so.
    let path = format!("/v1/webhooks/{}/deliveries?limit=200", subscription["id"]);
    // The receiver has the last request before the service has its answer: wait for it to record that.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let listed = loop {
        let listed = ok(call(&running.base, "GET", &path, &system, None), 200)["data"].clone();
        let done = listed.as_array().unwrap().iter().all(|d| d["status"] == "delivered");
        if done || std::time::Instant::now() > deadline {
            break listed;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), feed.len());
    assert!(listed.iter().all(|d| d["status"] == "delivered"), "{listed:#?}");
    // Every attempt the receiver saw is one the service counted, but for the one it was killed in:
    // the held message came again after the restart, as the same message, and nothing else came
    // more often than the service tried it (a receiver slowed past the timeout on a busy machine is
    // tried again, as the same message).
    let held = message(&received[0]);
    for delivery in listed {
        let id = delivery["message_id"].as_str().unwrap();
        let lost = usize::from(id == held);
        assert_eq!(by_message[id].len(), delivery["attempts"].as_u64().unwrap() as usize + lost, "{delivery:#?}");
    }
    assert!(by_message[&held].len() >= 2, "{by_message:?}");
}

/// The service logs the audit trail's head as it seals records (the log is kept apart from the
/// database), and `audit verify --expect-head` finds it gone when the newest records are removed.
#[test]
fn the_logged_audit_head_shows_records_removed_from_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let running = serve(dir.path(), &[]);
    let admin = String::from_utf8(token(dir.path(), &[], &["--sub", "alice", "--roles", "admin"]).stdout).unwrap();
    for name in ["Sekretariatet", "Direktionen"] {
        let created = agent()
            .post(format!("{}/v1/access-groups", running.base))
            .header("Authorization", format!("Bearer {}", admin.trim()))
            .header("Content-Type", "application/json")
            .send(format!(r#"{{"name": "{name}", "tier": "staff"}}"#))
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
    }
    let line =
        running.wait_for_line("audit chain head ", std::time::Duration::from_secs(10)).expect("the head is logged");
    let head = line.split("audit chain head ").nth(1).unwrap().trim().to_owned();
    drop(running);

    let verify =
        |head: &str| command(dir.path(), &[]).args(["audit", "verify", "--expect-head", head]).output().unwrap();
    assert!(verify(&head).status.success(), "the logged head is in the chain");
    let database = dir.path().join("data/dagsorden.db");
    let mut conn = diesel::SqliteConnection::establish(&database.to_string_lossy()).unwrap();
    diesel::sql_query("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)")
        .execute(&mut conn)
        .unwrap();
    let refused = verify(&head);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("head kept elsewhere"), "{refused:?}");
}
