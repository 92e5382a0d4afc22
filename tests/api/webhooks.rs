//! Webhooks: deliveries carry what their owner may see, signed and retried with growing waits;
//! failures are visible and can be sent again; subscriptions are refused where they could reach
//! inside the network; owners and admins manage them as the rules say.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Backend, TestApp};
use crate::db_tests;
use crate::fixtures::{CLOSED_ITEM_KEYS, act, committee, id, item, keys, meeting};
use crate::receiver::{Answer, Received, WebhookReceiver};

db_tests!(
    deliveries_carry_what_the_owner_may_see_signed_and_retried,
    failed_deliveries_are_given_up_shown_and_sent_again,
    subscriptions_are_refused_where_they_could_reach_inside,
    owners_and_admins_manage_subscriptions,
);

const MARKER: &str = "HEMMELIG-b7e2";
const WAIT: Duration = Duration::from_secs(20);

/// A service whose failed deliveries are retried after 1 s, then 4 s, three attempts in all.
fn webhook_app(backend: Backend) -> TestApp {
    TestApp::builder(backend)
        .options(|o| {
            o.webhooks.first_retry = Duration::from_secs(1);
            o.webhooks.max_attempts = 3;
            o.webhooks.timeout = Duration::from_secs(2);
        })
        .start()
}

/// A subscription of `url`; its id and secret.
fn subscribe(app: &TestApp, token: &str, url: &str, events: Value) -> (i64, String) {
    let made = app.post("/v1/webhooks", token, json!({"url": url, "events": events})).expect(201);
    assert_eq!(made.header("cache-control"), Some("no-store"));
    let made = made.json();
    (id(&made), made["secret"].as_str().unwrap().to_owned())
}

/// The end of the change feed as `token` sees it now.
fn feed_end(app: &TestApp, token: &str) -> String {
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/changes?limit=200&since={c}"),
            None => "/v1/changes?limit=200".to_owned(),
        };
        let page = app.get(&path, token).expect(200).json();
        cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
        if !page["has_more"].as_bool().unwrap() {
            return cursor.unwrap();
        }
    }
}

/// The feed's entries after `since`, as `token` sees them.
fn feed_after(app: &TestApp, token: &str, since: &str) -> Vec<Value> {
    let page = app.get(&format!("/v1/changes?limit=200&since={since}"), token).expect(200).json();
    assert!(!page["has_more"].as_bool().unwrap());
    page["data"].as_array().unwrap().clone()
}

/// The distinct deliveries among what arrived (by `webhook-id`), in the order they first came.
fn distinct(received: &[Received]) -> Vec<&Received> {
    let mut seen: Vec<&Received> = Vec::new();
    for request in received {
        if !seen.iter().any(|s| s.header("webhook-id") == request.header("webhook-id")) {
            seen.push(request);
        }
    }
    seen
}

/// What identifies a change in a feed entry (its `data` is the resource as it was when it was read).
fn change(entry: &Value) -> Value {
    let fields = ["cursor", "event", "resource", "id", "committee_id", "meeting_id", "action"];
    fields.iter().map(|f| (f.to_string(), entry[f].clone())).collect::<serde_json::Map<_, _>>().into()
}

fn cursors(requests: &[&Received]) -> Vec<String> {
    requests.iter().map(|r| r.json()["data"]["cursor"].as_str().unwrap().to_owned()).collect()
}

fn deliveries(app: &TestApp, token: &str, webhook: i64) -> Vec<Value> {
    app.get(&format!("/v1/webhooks/{webhook}/deliveries"), token).expect(200).json()["data"].as_array().unwrap().clone()
}

/// The deliveries once every one is in a state `settled` accepts (or after `WAIT`): the receiver has
/// a message before the service, which records the answer after it, so a list read at once may still
/// show it pending.
fn deliveries_once(app: &TestApp, token: &str, webhook: i64, settled: impl Fn(&Value) -> bool) -> Vec<Value> {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let listed = deliveries(app, token, webhook);
        if listed.iter().all(&settled) || std::time::Instant::now() > deadline {
            return listed;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn deliveries_carry_what_the_owner_may_see_signed_and_retried(app: &TestApp) {
    let app = &webhook_app(app.backend);
    let c = committee(app, "Direktionen", "internal");
    let (member_client, member_secret) = app.register_client("ESDH", &[], Some(c.member_group));
    let member = app.client_token(&member_client, &member_secret);
    let (reader_client, reader_secret) = app.register_client("Intranet", &[], Some(c.reader_group));
    let reader = app.client_token(&reader_client, &reader_secret);
    // The members' receiver fails the first delivery twice.
    let members = WebhookReceiver::failing_first(2);
    let readers = WebhookReceiver::start(Vec::new());
    let (member_since, reader_since) = (feed_end(app, &member), feed_end(app, &reader));
    let (member_hook, member_key) = subscribe(app, &member, &members.url, json!([]));
    let (_, reader_key) = subscribe(app, &reader, &readers.url, json!([]));

    let m = id(&meeting(app, &c, "2027-01-10T09:00:00+01:00"));
    let closed = id(&item(
        app,
        &c,
        m,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": MARKER}),
    ));
    item(app, &c, m, json!({"title": "Budget", "summary": "Forbruget følger budgettet."}));
    // A change of the closed item's content alone: the members' system hears of it, the readers' not.
    let etag = app.get(&format!("/v1/items/{closed}"), &c.secretary).expect(200).etag();
    app.patch(&format!("/v1/items/{closed}"), &c.secretary, &etag, json!({"summary": format!("{MARKER} igen")}))
        .expect(200);
    act(app, &c.secretary, m, "publish-agenda", json!({})).expect(201);

    // Each receiver gets exactly the feed as its owner sees it: every entry once, in commit order.
    let reader_feed = feed_after(app, &reader, &reader_since);
    let member_feed = feed_after(app, &member, &member_since);
    assert!(member_feed.len() > reader_feed.len(), "the member sees the hidden change");
    let got = readers.wait_for(reader_feed.len(), WAIT);
    let got = distinct(&got);
    assert_eq!(cursors(&got), reader_feed.iter().map(|e| e["cursor"].as_str().unwrap()).collect::<Vec<_>>());
    for (request, entry) in got.iter().zip(&reader_feed) {
        let body = request.json();
        assert_eq!(body["type"], entry["event"]);
        assert_eq!(change(&body["data"]), change(entry), "the body's entry is the feed's");
        assert!(request.signed_with(&reader_key), "signed with the subscription's secret");
        assert!(!request.signed_with(&member_key));
        assert!(!String::from_utf8_lossy(&request.body).contains(MARKER), "closed content reached the readers");
    }
    let closed_item =
        got.iter().map(|r| r.json()).find(|b| b["data"]["resource"] == "item" && b["data"]["id"] == closed);
    assert_eq!(keys(&closed_item.expect("the closed item's creation")["data"]["data"]), CLOSED_ITEM_KEYS);
    assert_eq!(readers.received().len(), got.len(), "nothing arrived twice");

    // The members' receiver: the first delivery three times (two failures, a success), the same
    // message each time, a second and then four seconds apart; then the rest.
    let all = members.wait_until(WAIT, |all| {
        let first = all.first().and_then(|r| r.header("webhook-id"));
        distinct(all).len() == member_feed.len() && all.iter().filter(|r| r.header("webhook-id") == first).count() == 3
    });
    let first: Vec<&Received> = all.iter().filter(|r| r.header("webhook-id") == all[0].header("webhook-id")).collect();
    assert_eq!(first.len(), 3, "{:#?}", deliveries(app, &member, member_hook));
    assert!(first.iter().all(|r| change(&r.json()["data"]) == change(&first[0].json()["data"])));
    let waits = [first[1].at - first[0].at, first[2].at - first[1].at];
    assert!(waits[0] >= Duration::from_millis(900) && waits[1] >= Duration::from_millis(3900), "{waits:?}");
    let got = distinct(&all);
    assert_eq!(cursors(&got), member_feed.iter().map(|e| e["cursor"].as_str().unwrap()).collect::<Vec<_>>());
    assert!(all.iter().all(|r| r.signed_with(&member_key)));
    assert!(got.iter().any(|r| String::from_utf8_lossy(&r.body).contains(MARKER)), "members read the closed item");

    // What the owner sees of its deliveries: all delivered, the first after three attempts.
    let listed = deliveries_once(app, &member, member_hook, |d| d["status"] == "delivered");
    assert_eq!(listed.len(), member_feed.len());
    assert!(listed.iter().all(|d| d["status"] == "delivered"), "{listed:#?}");
    let oldest = listed.last().unwrap();
    assert_eq!((oldest["attempts"].as_i64(), oldest["last_status"].as_i64()), (Some(3), Some(204)));
    assert_eq!(oldest["message_id"].as_str(), first[0].header("webhook-id"));
    assert_eq!(oldest["change_cursor"], member_feed[0]["cursor"]);
}

fn failed_deliveries_are_given_up_shown_and_sent_again(app: &TestApp) {
    let app = &webhook_app(app.backend);
    let admin = app.admin();
    let c = committee(app, "Økonomiudvalget", "internal");
    let failing = WebhookReceiver::start(vec![Answer::Status(500), Answer::Status(500), Answer::Status(500)]);
    let gone = WebhookReceiver::start(vec![Answer::Status(410)]);
    let moved = WebhookReceiver::start(vec![
        Answer::Redirect(302, "http://169.254.169.254/latest/meta-data/".into()),
        Answer::Redirect(307, "http://169.254.169.254/latest/meta-data/".into()),
        Answer::Redirect(308, "http://169.254.169.254/latest/meta-data/".into()),
    ]);
    // An admin's own subscriptions: the committee's changes, which every admin sees.
    let (failing_hook, _) = subscribe(app, &admin, &failing.url, json!(["committee.updated"]));
    let (gone_hook, _) = subscribe(app, &admin, &gone.url, json!(["committee.updated"]));
    let (moved_hook, _) = subscribe(app, &admin, &moved.url, json!(["committee.updated"]));
    let etag = app.get(&format!("/v1/committees/{}", c.id), &admin).expect(200).etag();
    app.patch(&format!("/v1/committees/{}", c.id), &admin, &etag, json!({"description": "Ændret"})).expect(200);

    // Three attempts, then given up, and shown so.
    failing.wait_for(3, WAIT);
    let failed = |hook: i64| deliveries_once(app, &admin, hook, |d| d["status"] != "pending");
    let listed = failed(failing_hook);
    assert_eq!(listed.len(), 1);
    let delivery = &listed[0];
    assert_eq!(delivery["status"], "failed", "{delivery}");
    assert_eq!((delivery["attempts"].as_i64(), delivery["last_status"].as_i64()), (Some(3), Some(500)));
    assert!(delivery["last_error"].as_str().unwrap().starts_with("answered 500"), "{delivery}");
    assert!(delivery["next_attempt_at"].is_null());
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(failing.received().len(), 3, "no attempt after the last");

    // Sent again on request: the same message, now taken.
    let path = format!("/v1/webhooks/{failing_hook}/deliveries/{}/retry", id(delivery));
    assert_eq!(app.post(&path, &admin, json!({})).expect(200).json()["status"], "pending");
    let received = failing.wait_for(4, WAIT);
    assert_eq!(received[3].header("webhook-id"), received[0].header("webhook-id"));
    let listed = failed(failing_hook);
    assert_eq!((listed[0]["status"].as_str(), listed[0]["attempts"].as_i64()), (Some("delivered"), Some(4)));
    app.post(&format!("/v1/webhooks/{failing_hook}/deliveries/999999/retry"), &admin, json!({}))
        .problem(404, "not-found");

    // 410 Gone turns the subscription off, saying why; redirects are never followed.
    gone.wait_for(1, WAIT);
    let listed = failed(gone_hook);
    assert_eq!((listed[0]["status"].as_str(), listed[0]["last_status"].as_i64()), (Some("failed"), Some(410)));
    let off = app.get(&format!("/v1/webhooks/{gone_hook}"), &admin).expect(200).json();
    assert_eq!(
        (off["enabled"].as_bool(), off["disabled_reason"].as_str()),
        (Some(false), Some("the receiver answered 410 Gone"))
    );
    moved.wait_for(3, WAIT);
    let listed = failed(moved_hook);
    assert_eq!(listed[0]["status"], "failed");
    assert!(listed[0]["last_error"].as_str().unwrap().contains("redirects are not followed"), "{}", listed[0]);
    assert_eq!(moved.received().len(), 3);
}

fn subscriptions_are_refused_where_they_could_reach_inside(app: &TestApp) {
    // Deliveries here may go to public addresses only, as a service is configured by default.
    let strict = TestApp::builder(app.backend).options(|o| o.webhooks.allowed_networks.clear()).start();
    let admin = strict.admin();
    for url in [
        "http://127.0.0.1:8080/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.7/hook",
        "https://192.168.1.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://2130706433/hook",
        "https://0x7f.1/hook",
        "https://0.0.0.0/hook",
        "https://no-such-host.invalid/hook",
        "http://93.184.216.34/hook",
        "https://user:password@93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "not a url",
    ] {
        let reply = strict.post("/v1/webhooks", &admin, json!({"url": url}));
        assert_eq!(reply.error_fields(422), ["url"], "{url}");
    }
    // A public address may be subscribed (turned off here: nothing is sent off this machine).
    let public = strict.post("/v1/webhooks", &admin, json!({"url": "https://93.184.216.34/hook", "enabled": false}));
    public.expect(201);

    // (That every delivery checks the addresses again, as it connects, is `outbound`'s unit test.)
}

fn owners_and_admins_manage_subscriptions(app: &TestApp) {
    let app = &webhook_app(app.backend);
    let admin = app.admin();
    let c = committee(app, "Børne- og Ungeudvalget", "internal");
    let (client_id, client_secret) = app.register_client("Sagssystem", &[], Some(c.member_group));
    let client = app.client_token(&client_id, &client_secret);
    let (other_id, other_secret) = app.register_client("Andet system", &[], Some(c.member_group));
    let other = app.client_token(&other_id, &other_secret);
    let receiver = WebhookReceiver::start(Vec::new());

    // Users who are not admins have no webhooks; bad input is refused naming the field.
    app.post("/v1/webhooks", &c.member, json!({"url": receiver.url})).problem(403, "forbidden");
    app.get("/v1/webhooks", &c.member).problem(403, "forbidden");
    let bad = |body: Value| app.post("/v1/webhooks", &client, body).error_fields(422);
    assert_eq!(bad(json!({"url": receiver.url, "events": ["item.updated", "item.changed"]})), ["events[1]"]);
    assert_eq!(bad(json!({"url": receiver.url, "description": "x".repeat(501)})), ["description"]);
    assert_eq!(bad(json!({"events": []})), ["url"]);
    assert_eq!(bad(json!({"url": receiver.url, "secret": "mine"})), ["secret"]);
    assert_eq!(app.get("/v1/webhooks/events", &c.member).expect(200).json().as_array().unwrap().len(), 19);

    let (hook, secret) = subscribe(app, &client, &receiver.url, json!(["meeting.created"]));
    let path = format!("/v1/webhooks/{hook}");
    let seen = app.get(&path, &client).expect(200).json();
    assert_eq!(seen["owner"], json!({"kind": "client", "subject": client_id}));
    assert!(seen.get("secret").is_none(), "the secret is shown once");
    assert_eq!(app.get("/v1/webhooks", &client).expect(200).json()["data"].as_array().unwrap().len(), 1);
    assert!(app.get("/v1/webhooks", &other).expect(200).json()["data"].as_array().unwrap().is_empty());
    app.get(&path, &other).problem(404, "not-found");
    assert_eq!(app.get("/v1/webhooks", &admin).expect(200).json()["data"].as_array().unwrap().len(), 1);

    // Only the events asked for; signed with the secret until it is rotated.
    let m = id(&meeting(app, &c, "2027-03-01T09:00:00+01:00"));
    let first = receiver.wait_for(1, WAIT);
    assert_eq!(first[0].json()["type"], "meeting.created");
    assert!(first[0].signed_with(&secret));
    let etag = app.get(&path, &client).expect(200).etag();
    app.post(&format!("{path}/secret"), &admin, json!({})).problem(403, "forbidden");
    let rotated = app.post(&format!("{path}/secret"), &client, json!({})).expect(200).json();
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    app.patch(&path, &client, &etag, json!({"description": "stale"})).problem(412, "precondition-failed");
    let etag = app.get(&path, &client).expect(200).etag();
    app.patch(&path, &client, &etag, json!({"events": ["meeting.updated"], "description": "Møder"})).expect(200);
    let etag = app.get(&format!("/v1/meetings/{m}"), &c.secretary).expect(200).etag();
    app.patch(&format!("/v1/meetings/{m}"), &c.secretary, &etag, json!({"title": "Ekstraordinært møde"})).expect(200);
    let second = receiver.wait_for(2, WAIT);
    assert_eq!(second[1].json()["type"], "meeting.updated");
    assert!(second[1].signed_with(&new_secret) && !second[1].signed_with(&secret));

    // Another admin sees it, turns it off and on, may delete it, but does not point it elsewhere
    // nor read its deliveries.
    let etag = app.get(&path, &admin).expect(200).etag();
    app.patch(&path, &admin, &etag, json!({"url": "http://127.0.0.1:1/andetsteds"})).problem(403, "forbidden");
    app.get(&format!("{path}/deliveries"), &admin).problem(403, "forbidden");
    let off = app.patch(&path, &admin, &etag, json!({"enabled": false})).expect(200).json();
    assert_eq!(off["enabled"], false);
    // While off nothing is sent; turned on again, what changed meanwhile follows.
    let etag = app.get(&format!("/v1/meetings/{m}"), &c.secretary).expect(200).etag();
    app.patch(&format!("/v1/meetings/{m}"), &c.secretary, &etag, json!({"location": "Rådhuset"})).expect(200);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(receiver.received().len(), 2, "nothing while off");
    let etag = app.get(&path, &client).expect(200).etag();
    app.patch(&path, &client, &etag, json!({"enabled": true})).expect(200);
    let third = receiver.wait_for(3, WAIT);
    assert_eq!(third[2].json()["data"]["data"]["location"], "Rådhuset");

    // A disabled client is sent nothing; what changes meanwhile is passed over.
    let client_record = app.get("/v1/clients", &admin).expect(200).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cl| cl["client_id"] == client_id.as_str())
        .cloned()
        .unwrap();
    let client_path = format!("/v1/clients/{}", id(&client_record));
    let etag = app.get(&client_path, &admin).expect(200).etag();
    app.patch(&client_path, &admin, &etag, json!({"enabled": false})).expect(200);
    let etag = app.get(&format!("/v1/meetings/{m}"), &c.secretary).expect(200).etag();
    app.patch(&format!("/v1/meetings/{m}"), &c.secretary, &etag, json!({"location": "Mødelokale 2"})).expect(200);
    std::thread::sleep(Duration::from_millis(1500));
    let etag = app.get(&client_path, &admin).expect(200).etag();
    app.patch(&client_path, &admin, &etag, json!({"enabled": true})).expect(200);
    let etag = app.get(&format!("/v1/meetings/{m}"), &c.secretary).expect(200).etag();
    app.patch(&format!("/v1/meetings/{m}"), &c.secretary, &etag, json!({"location": "Byrådssalen"})).expect(200);
    let fourth = receiver.wait_for(4, WAIT);
    assert_eq!(fourth[3].json()["data"]["data"]["location"], "Byrådssalen");
    assert_eq!(fourth.len(), 4, "the change made while the client was disabled was passed over");

    // Deleted (here by an admin), with its deliveries; the owner sees it no more.
    let etag = app.get(&path, &admin).expect(200).etag();
    app.delete(&path, &admin, &etag).expect(204);
    app.get(&path, &client).problem(404, "not-found");
    app.get(&format!("{path}/deliveries"), &client).problem(404, "not-found");
}
