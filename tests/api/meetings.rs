use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, id};

db_tests!(
    secretaries_create_and_change_meetings,
    meetings_are_read_by_grantees_only,
    meeting_input_is_validated,
    meetings_are_listed_with_filters_and_pages,
    participants_are_recorded,
    only_draft_meetings_can_be_deleted,
);

fn secretaries_create_and_change_meetings(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let body = json!({
        "committee_id": committee.id,
        "title": "Direktionsmøde",
        "starts_at": "2021-04-26T12:30:00+02:00",
        "ends_at": "2021-04-26T15:00:00+02:00",
        "location": "Virtuelt via Teams",
        "online_link": "https://teams.microsoft.com/l/meetup-join/abc"
    });
    let created = app.post("/v1/meetings", &committee.secretary, body).expect(201);
    let meeting = created.json();
    assert_eq!(meeting["status"], "draft");
    assert_eq!(meeting["starts_at"], "2021-04-26T12:30:00+02:00");
    assert_eq!(meeting["ends_at"], "2021-04-26T15:00:00+02:00");
    assert_eq!(meeting["location"], "Virtuelt via Teams");
    assert_eq!(meeting["items"], json!([]));
    assert_eq!(meeting["participants"], json!([]));
    let path = created.header("location").unwrap().to_owned();

    // The same instant sent in another offset reads back in Copenhagen time.
    let changed = app
        .patch(
            &path,
            &committee.secretary,
            &created.etag(),
            json!({"starts_at": "2021-04-26T09:00:00Z", "online_link": null}),
        )
        .expect(200);
    assert_eq!(changed.json()["starts_at"], "2021-04-26T11:00:00+02:00");
    assert_eq!(changed.json()["online_link"], json!(null));
    assert_eq!(changed.json()["location"], "Virtuelt via Teams");
    assert_eq!(app.get(&path, &committee.member).json()["starts_at"], "2021-04-26T11:00:00+02:00");

    // Members and readers read but do not write; the committee cannot be changed through a meeting.
    for token in [&committee.member, &committee.reader, &committee.admin] {
        let status = app.patch(&path, token, &changed.etag(), json!({"title": "Nyt"})).status;
        assert!(status == 403 || status == 404, "{status}");
    }
    assert_eq!(
        app.patch(&path, &committee.secretary, &changed.etag(), json!({"committee_id": 1})).error_fields(422),
        ["committee_id"]
    );
    assert_eq!(
        app.patch(&path, &committee.secretary, &changed.etag(), json!({"status": "held"})).error_fields(422),
        ["status"]
    );
    assert_eq!(app.get(&path, &committee.member).json()["title"], "Direktionsmøde");
}

fn meetings_are_read_by_grantees_only(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "internal");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let path = format!("/v1/meetings/{}", id(&meeting));
    for token in [&committee.secretary, &committee.member, &committee.reader] {
        assert_eq!(app.get(&path, token).expect(200).json()["id"], meeting["id"]);
    }
    // Without a grant there is no meeting, not even for an admin or on an internal committee.
    app.get(&path, &committee.outsider).problem(404, "not-found");
    app.get(&path, &committee.admin).problem(404, "not-found");
    app.get("/v1/meetings/987654", &committee.secretary).problem(404, "not-found");
    let body = json!({"committee_id": committee.id, "title": "X", "starts_at": "2022-05-01T10:00:00+02:00"});
    app.post("/v1/meetings", &committee.member, body.clone()).problem(403, "forbidden");
    assert_eq!(app.post("/v1/meetings", &committee.outsider, body.clone()).error_fields(422), ["committee_id"]);
    assert_eq!(app.post("/v1/meetings", &committee.admin, body).error_fields(422), ["committee_id"]);
}

fn meeting_input_is_validated(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let post = |body: Value| app.post("/v1/meetings", &committee.secretary, body).error_fields(422);
    let base = |extra: Value| {
        let mut body = json!({"committee_id": committee.id, "title": "Møde", "starts_at": "2022-04-25T12:30:00+02:00"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    assert_eq!(post(base(json!({"ends_at": "2022-04-25T12:00:00+02:00"}))), ["ends_at"]);
    assert_eq!(post(base(json!({"online_link": "javascript:alert(1)"}))), ["online_link"]);
    assert_eq!(post(base(json!({"title": ""}))), ["title"]);
    assert_eq!(post(base(json!({"title": "x".repeat(301)}))), ["title"]);
    assert_eq!(post(base(json!({"starts_at": "25-04-2022 12:30"}))), ["starts_at"]);
    assert_eq!(post(base(json!({"starts_at": "2022-04-25T12:30:00"}))), ["starts_at"]);
    assert_eq!(post(json!({"committee_id": committee.id, "title": "Møde"})), ["starts_at"]);
    let page = app.get("/v1/meetings", &committee.secretary).json();
    assert_eq!(page["data"], json!([]), "nothing was created");
}

fn meetings_are_listed_with_filters_and_pages(app: &TestApp) {
    let direktionen = fixtures::committee(app, "Direktionen", "none");
    let kui = fixtures::committee(app, "KUI", "none");
    let starts = [
        "2021-04-26T12:30:00+02:00",
        "2022-01-10T09:00:00+01:00",
        "2022-04-25T12:30:00+02:00",
        "2022-04-25T23:30:00+02:00",
        "2023-02-01T10:00:00+01:00",
    ];
    let ids: Vec<i64> = starts.iter().map(|at| id(&fixtures::meeting(app, &direktionen, at))).collect();
    let other = id(&fixtures::meeting(app, &kui, "2022-04-25T12:30:00+02:00"));

    let list = |token: &str, query: &str| -> Vec<i64> {
        let page = app.get(&format!("/v1/meetings?{query}"), token).expect(200).json();
        page["data"].as_array().unwrap().iter().map(id).collect()
    };
    assert_eq!(list(&direktionen.reader, ""), ids);
    assert_eq!(list(&kui.member, ""), [other]);
    assert!(list(&direktionen.outsider, "").is_empty());
    assert!(list(&direktionen.admin, "").is_empty());
    assert_eq!(list(&direktionen.reader, &format!("committee_id={}", kui.id)), Vec::<i64>::new());

    // Days are Copenhagen days: 23:30 on 25 April is still 25 April.
    assert_eq!(list(&direktionen.reader, "from=2022-04-25&to=2022-04-25"), &ids[2..4]);
    assert_eq!(list(&direktionen.reader, "from=2022-01-01"), &ids[1..]);
    assert_eq!(list(&direktionen.reader, "to=2021-12-31"), &ids[..1]);
    assert_eq!(list(&direktionen.reader, "status=draft").len(), 5);
    assert!(list(&direktionen.reader, "status=held").is_empty());

    // modified_since sees a change to an item, not only to the meeting itself.
    let cutoff = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(5));
    fixtures::item(app, &direktionen, ids[3], json!({"title": "Eventuelt"}));
    assert_eq!(list(&direktionen.reader, &format!("modified_since={cutoff}")), [ids[3]]);

    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = app.get(&format!("/v1/meetings?{query}"), &direktionen.reader).expect(200).json();
        seen.extend(page["data"].as_array().unwrap().iter().map(id));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    for bad in [
        "from=2022-13-01",
        "status=published",
        "committee_id=abc",
        "modified_since=yesterday",
        "limit=500",
        "sort=title",
    ] {
        let reply = app.get(&format!("/v1/meetings?{bad}"), &direktionen.reader);
        assert_eq!(reply.error_fields(400).len(), 1, "{bad}");
    }
}

fn participants_are_recorded(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let path = format!("/v1/meetings/{}/participants", id(&meeting));
    let names = ["Søren Ole Sørensen", "Michel van der Linden", "Jan Lysgaard Thomsen", "Michael Gravesen"];
    for name in names {
        app.post(&path, &committee.secretary, json!({"name": name})).expect(201);
    }
    let first = app.get(&path, &committee.reader).expect(200).json()[0].clone();
    assert_eq!(first["attendance"], "present");
    assert_eq!(first["role"], "member");
    let first_path = format!("{path}/{}", id(&first));
    let etag = app.get(&first_path, &committee.reader).etag();
    app.patch(&first_path, &committee.reader, &etag, json!({"attendance": "absent"})).problem(403, "forbidden");
    let changed = app
        .patch(&first_path, &committee.secretary, &etag, json!({"attendance": "absent", "user_subject": "sos"}))
        .expect(200);
    assert_eq!(changed.json()["attendance"], "absent");

    let detail = app.get(&format!("/v1/meetings/{}", id(&meeting)), &committee.reader).json();
    let listed: Vec<(&str, &str)> = detail["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["attendance"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, [(names[0], "absent"), (names[1], "present"), (names[2], "present"), (names[3], "present")]);

    assert_eq!(
        app.post(&path, &committee.secretary, json!({"name": "X", "attendance": "late"})).error_fields(422),
        ["attendance"]
    );
    assert_eq!(app.post(&path, &committee.secretary, json!({"name": ""})).error_fields(422), ["name"]);
    app.delete(&first_path, &committee.secretary, &changed.etag()).expect(204);
    assert_eq!(app.get(&path, &committee.reader).json().as_array().unwrap().len(), 3);
    app.get(&path, &committee.outsider).problem(404, "not-found");
}

fn only_draft_meetings_can_be_deleted(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let meeting_id = id(&meeting);
    fixtures::item(app, &committee, meeting_id, json!({"title": "Eventuelt"}));
    let path = format!("/v1/meetings/{meeting_id}");
    let etag = app.get(&path, &committee.secretary).etag();
    app.delete(&path, &committee.member, &etag).problem(403, "forbidden");
    app.delete(&path, &committee.secretary, &etag).expect(204);
    app.get(&path, &committee.secretary).problem(404, "not-found");
    app.get(&format!("{path}/items"), &committee.secretary).problem(404, "not-found");
}
