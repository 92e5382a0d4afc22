//! Several instances of the service on one PostgreSQL database act as one service: what one
//! instance decides (a deactivation, an Idempotency-Key, a version, a webhook delivery, the audit
//! chain, the order of the change feed) holds on the other at once, under load spread across both.
//! This is how the service is meant to run in production: stateless replicas behind a load balancer.

#[path = "support/process.rs"]
mod process;
#[path = "support/receiver.rs"]
mod receiver;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use process::{PostgresDatabase, Running, call, command, secretariat, send, serve, token};
use receiver::WebhookReceiver;
use serde_json::{Value, json};

const SECRET: &str = "a production secret of at least thirty-two bytes";

fn ok((status, body): (u16, Value), want: u16) -> Value {
    assert_eq!(status, want, "{body}");
    body
}

fn cursor_number(cursor: &str) -> i64 {
    cursor.trim_start_matches("id.").parse().expect("an id cursor")
}

/// Every entry of a cursor-paged list, following `next_cursor` to the end.
fn whole_list(base: &str, path: &str, token: &str) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page = match &next {
            Some(cursor) => format!("{path}{separator}limit=200&cursor={cursor}"),
            None => format!("{path}{separator}limit=200"),
        };
        let body = ok(call(base, "GET", &page, token, None), 200);
        let data = body["data"].as_array().unwrap();
        entries.extend(data.iter().cloned());
        match body["next_cursor"].as_str() {
            Some(cursor) if !data.is_empty() && body["has_more"] != false => next = Some(cursor.to_owned()),
            _ => return entries,
        }
    }
}

/// The change feed after `cursor` (from its beginning without one), read to its end, and the
/// cursor to read on from.
fn feed(base: &str, token: &str, cursor: Option<&str>) -> (Vec<Value>, String) {
    let mut entries = Vec::new();
    let mut cursor = cursor.map(str::to_owned);
    loop {
        let page = match &cursor {
            Some(cursor) => format!("/v1/changes?limit=200&cursor={cursor}"),
            None => "/v1/changes?limit=200".to_owned(),
        };
        let body = ok(call(base, "GET", &page, token, None), 200);
        entries.extend(body["data"].as_array().unwrap().iter().cloned());
        cursor = Some(body["next_cursor"].as_str().unwrap().to_owned());
        if body["has_more"] == false {
            return (entries, cursor.unwrap());
        }
    }
}

#[test]
fn two_instances_on_one_postgresql_act_as_one() {
    let Some(database) = PostgresDatabase::create("instances") else { return };
    let dir = tempfile::tempdir().unwrap();
    let envs = [
        ("DATABASE_URL", database.url.as_str()),
        ("DAGSORDEN_TOKEN_SECRET", SECRET),
        ("DAGSORDEN_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1"),
        ("DAGSORDEN_WEBHOOK_TIMEOUT_SECONDS", "20"),
        ("DAGSORDEN_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    // Both start at once on the empty database: one migrates it, the other waits for that.
    let (a, b): (Running, Running) = std::thread::scope(|scope| {
        let a = scope.spawn(|| serve(dir.path(), &envs));
        let b = scope.spawn(|| serve(dir.path(), &envs));
        (a.join().unwrap(), b.join().unwrap())
    });
    let bases = [a.base.clone(), b.base.clone()];
    let mint = |args: &[&str]| String::from_utf8(token(dir.path(), &envs, args).stdout).unwrap().trim().to_owned();
    let admin = mint(&["--sub", "admin", "--roles", "admin"]);
    let secretary = mint(&["--sub", "sekretaer", "--groups", "sekretariatet"]);
    let member = mint(&["--sub", "medlem", "--groups", "sekretariatet"]);

    // The setup alternates between the instances too.
    let (committee, system) = secretariat(&[&bases[0], &bases[1]], &admin);
    // The system subscribes on one instance; the feed from here on is what it must be sent.
    let hook = WebhookReceiver::start(Vec::new());
    let subscription = ok(call(&bases[1], "POST", "/v1/webhooks", &system, Some(json!({"url": hook.url}))), 201);
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    let (_, start) = feed(&bases[0], &system, None);
    // The member has signed in (on B) and reads.
    assert_eq!(call(&bases[1], "GET", "/v1/meetings", &member, None).0, 200);

    let new_meeting = |title: &str| json!({"committee_id": committee["id"], "title": title, "starts_at": "2027-01-10T09:00:00+01:00"});
    let created = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let rounds_done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Load: secretaries create meetings with keys, retry them on the other instance, add items
        // and rename the meetings under If-Match, each step on the instance the last one did not use.
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let (bases, secretary, created, stop, rounds_done) =
                    (&bases, &secretary, &created, &stop, &rounds_done);
                let new_meeting = &new_meeting;
                scope.spawn(move || {
                    let mut round = 0;
                    while round < 10 || (!stop.load(Ordering::Acquire) && round < 40) {
                        let (here, there) = (&bases[(worker + round) % 2], &bases[(worker + round + 1) % 2]);
                        let key = format!("last-{worker}-{round}");
                        let headers = [("Idempotency-Key", key.as_str())];
                        let body = new_meeting(&format!("Møde {worker}.{round}"));
                        let first = send(here, "POST", "/v1/meetings", secretary, &headers, Some(body.clone()));
                        assert_eq!(first.status, 201, "{}", first.json);
                        created.fetch_add(1, Ordering::AcqRel);
                        let retry = send(there, "POST", "/v1/meetings", secretary, &headers, Some(body));
                        assert_eq!(retry.status, 201, "{}", retry.json);
                        assert_eq!(retry.header("idempotent-replayed"), Some("true"));
                        assert_eq!(retry.json["id"], first.json["id"], "the key used on one replays on the other");
                        let id = first.json["id"].as_i64().unwrap();
                        let closed = round % 2 == 1;
                        let item = json!({"title": "Budget", "closed": closed, "legal_basis": closed.then_some("offentlighedsloven_30_1")});
                        ok(call(there, "POST", &format!("/v1/meetings/{id}/items"), secretary, Some(item)), 201);
                        let current = send(here, "GET", &format!("/v1/meetings/{id}"), secretary, &[], None);
                        let etag = current.header("etag").unwrap().to_owned();
                        let renamed = send(
                            there,
                            "PATCH",
                            &format!("/v1/meetings/{id}"),
                            secretary,
                            &[("If-Match", etag.as_str())],
                            Some(json!({"title": format!("Møde {worker}.{round}, ændret")})),
                        );
                        assert_eq!(renamed.status, 200, "{}", renamed.json);
                        round += 1;
                        rounds_done.fetch_add(1, Ordering::AcqRel);
                        std::thread::sleep(Duration::from_millis(50));
                    }
                })
            })
            .collect();

        // A deactivation on A refuses the member's token on B at once (and on A).
        let users = ok(call(&bases[0], "GET", "/v1/users?subject=medlem", &admin, None), 200);
        let user = users["data"][0]["id"].as_i64().unwrap();
        let reason = json!({"reason": "Fratrådt 30.11.2026"});
        ok(call(&bases[0], "POST", &format!("/v1/users/{user}/deactivate"), &admin, Some(reason)), 200);
        assert_eq!(call(&bases[1], "GET", "/v1/meetings", &member, None).0, 401, "refused on the other instance");
        assert_eq!(call(&bases[0], "GET", "/v1/meetings", &member, None).0, 401);

        // The same key sent to both at once makes one meeting, and every later retry replays it.
        let racing: Vec<(u16, Value)> = std::thread::scope(|race| {
            let senders: Vec<_> = (0..6)
                .map(|i| {
                    let (base, secretary, new_meeting) = (&bases[i % 2], &secretary, &new_meeting);
                    race.spawn(move || {
                        let headers = [("Idempotency-Key", "samme-noegle-begge-steder")];
                        let answer =
                            send(base, "POST", "/v1/meetings", secretary, &headers, Some(new_meeting("Kapløb")));
                        (answer.status, answer.json)
                    })
                })
                .collect();
            senders.into_iter().map(|s| s.join().unwrap()).collect()
        });
        let won: Vec<&Value> = racing.iter().filter(|(s, _)| *s == 201).map(|(_, b)| &b["id"]).collect();
        assert!(racing.iter().all(|(s, _)| *s == 201 || *s == 409), "{racing:?}");
        assert!(!won.is_empty() && won.iter().all(|id| *id == won[0]), "{racing:?}");
        for base in &bases {
            let headers = [("Idempotency-Key", "samme-noegle-begge-steder")];
            let retry = send(base, "POST", "/v1/meetings", &secretary, &headers, Some(new_meeting("Kapløb")));
            assert_eq!((retry.status, &retry.json["id"]), (201, won[0]), "{}", retry.json);
        }

        // Eight renames of one version, spread across both: one wins, seven are told it moved on.
        let raced = ok(call(&bases[0], "POST", "/v1/meetings", &secretary, Some(new_meeting("Versioner"))), 201);
        let path = format!("/v1/meetings/{}", raced["id"]);
        let etag = send(&bases[1], "GET", &path, &secretary, &[], None).header("etag").unwrap().to_owned();
        let statuses: Vec<u16> = std::thread::scope(|race| {
            let racers: Vec<_> = (0..8)
                .map(|i| {
                    let (base, secretary, path, etag) = (&bases[i % 2], &secretary, &path, &etag);
                    race.spawn(move || {
                        let title = json!({"title": format!("Versioner, udgave {i}")});
                        send(base, "PATCH", path, secretary, &[("If-Match", etag.as_str())], Some(title)).status
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 7, "{statuses:?}");

        stop.store(true, Ordering::Release);
        for worker in workers {
            worker.join().unwrap();
        }
    });
    assert!(rounds_done.load(Ordering::Acquire) >= 40);

    // The change feed read from either instance is the same sequence.
    let (from_a, _) = feed(&bases[0], &system, Some(&start));
    let (from_b, _) = feed(&bases[1], &system, Some(&start));
    assert_eq!(from_a, from_b, "the feed is one sequence");
    let cursors: Vec<String> = from_a.iter().map(|e| e["cursor"].as_str().unwrap().to_owned()).collect();
    let created_meetings = from_a.iter().filter(|e| e["event"] == "meeting.created").count();
    assert_eq!(created_meetings, created.load(Ordering::Acquire) + 2, "each created meeting once");

    // Every event reaches the receiver once, not once per instance, as the feed orders them.
    let message = |r: &receiver::Received| r.header("webhook-id").unwrap().to_owned();
    let distinct =
        |received: &[receiver::Received]| received.iter().map(message).collect::<std::collections::BTreeSet<_>>().len();
    let received = hook.wait_until(Duration::from_secs(60), |r| distinct(r) >= cursors.len());
    assert!(received.iter().all(|r| r.signed_with(&secret)));
    let mut by_message: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for request in &received {
        let cursor = request.json()["data"]["cursor"].as_str().unwrap().to_owned();
        by_message.entry(message(request)).or_default().push(cursor);
    }
    assert!(by_message.values().all(|sent| sent.len() == 1), "each message sent once: {by_message:?}");
    let mut delivered: Vec<String> = by_message.into_values().flatten().collect();
    delivered.sort_by_key(|c| cursor_number(c));
    assert_eq!(delivered, cursors, "every change, once");
    // And the service counts one attempt each (the answer is recorded just after the receiver has it).
    let deliveries = format!("/v1/webhooks/{}/deliveries", subscription["id"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let listed = loop {
        let listed = whole_list(&bases[0], &deliveries, &system);
        if listed.iter().all(|d| d["status"] == "delivered") || Instant::now() > deadline {
            break listed;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(listed.len(), cursors.len());
    assert!(listed.iter().all(|d| d["status"] == "delivered" && d["attempts"] == 1), "{listed:#?}");

    // The audit chain both wrote verifies, once each has sealed what it queued.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let verified = command(dir.path(), &envs).args(["audit", "verify"]).output().unwrap();
        let said = String::from_utf8_lossy(&verified.stdout).into_owned();
        assert!(verified.status.success(), "{said}{}", String::from_utf8_lossy(&verified.stderr));
        if said.contains(" 0 not yet sealed") {
            break;
        }
        assert!(Instant::now() < deadline, "the trail is still not sealed: {said}");
        std::thread::sleep(Duration::from_millis(500));
    }
    drop((a, b));
}
