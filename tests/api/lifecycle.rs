//! The meeting lifecycle through the API: every state rule, fixed published versions with
//! corrections and differences, sign-off, attendance per item, standing items and cases.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, CommitteeFixture, act, decide, decide_reply, id, keys};

db_tests!(
    each_state_allows_only_its_actions_and_changes,
    actions_need_the_current_etag,
    a_cancelled_meeting_does_not_change,
    published_versions_are_fixed_and_corrections_are_compared,
    minutes_wait_for_the_approvers_when_the_committee_requires_it,
    attendance_per_item_is_recorded_and_published,
    standing_items_start_a_new_agenda,
    a_case_is_followed_across_committees,
);

fn meeting_with_items(app: &TestApp, committee: &CommitteeFixture, titles: &[&str]) -> (i64, Vec<i64>) {
    let meeting = id(&fixtures::meeting(app, committee, "2022-04-25T12:30:00+02:00"));
    let items = titles.iter().map(|t| id(&fixtures::item(app, committee, meeting, json!({"title": t})))).collect();
    (meeting, items)
}

fn status(app: &TestApp, token: &str, meeting: i64) -> Value {
    app.get(&format!("/v1/meetings/{meeting}"), token).expect(200).json()["status"].clone()
}

fn each_state_allows_only_its_actions_and_changes(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));

    // Draft: an empty agenda is not published; nothing after publication is possible yet.
    act(app, secretary, meeting, "publish-agenda", json!({})).problem(409, "meeting-state");
    let item = id(&fixtures::item(app, &committee, meeting, json!({"title": "Eventuelt"})));
    for action in ["hold", "publish-minutes"] {
        let body = if action == "hold" { json!({}) } else { json!({"reason": "x"}) };
        act(app, secretary, meeting, action, body).problem(409, "meeting-state");
    }
    decide_reply(app, secretary, item, json!({"outcome": "noted"})).problem(409, "meeting-state");
    assert_eq!(status(app, secretary, meeting), "draft");

    // Agenda published: a second publication is a correction, which needs a reason.
    let published = act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
    assert_eq!(published.header("location"), Some(format!("/v1/meetings/{meeting}/published/agenda/1").as_str()));
    assert_eq!(published.json()["published"]["number"], 1);
    assert_eq!(published.etag(), app.get(&format!("/v1/meetings/{meeting}"), secretary).etag());
    let fields = act(app, secretary, meeting, "publish-agenda", json!({})).error_fields(422);
    assert_eq!(fields, ["reason"]);
    act(app, secretary, meeting, "publish-agenda", json!({"reason": "Tillægsdagsorden"})).expect(201);
    // The agenda can still grow and change before the meeting.
    let second = id(&fixtures::item(app, &committee, meeting, json!({"title": "Tillæg"})));
    decide_reply(app, secretary, item, json!({"outcome": "noted"})).problem(409, "meeting-state");

    // Held: the agenda's shape is fixed, its content and decisions are not.
    act(app, secretary, meeting, "hold", json!({})).expect(200);
    assert_eq!(status(app, secretary, meeting), "held");
    app.post(&format!("/v1/meetings/{meeting}/items"), secretary, json!({"title": "Sent"}))
        .problem(409, "meeting-state");
    let etag = app.get(&format!("/v1/items/{second}"), secretary).etag();
    app.delete(&format!("/v1/items/{second}"), secretary, &etag).problem(409, "meeting-state");
    let etag = app.get(&format!("/v1/meetings/{meeting}"), secretary).etag();
    app.put(&format!("/v1/meetings/{meeting}/item-order"), secretary, &etag, json!({"item_ids": [second, item]}))
        .problem(409, "meeting-state");
    let etag = app.get(&format!("/v1/items/{item}"), secretary).etag();
    app.patch(&format!("/v1/items/{item}"), secretary, &etag, json!({"summary": "Rettet"})).expect(200);
    let decided = decide(app, secretary, item, json!({"outcome": "noted", "text": "Taget til efterretning."}));
    assert_eq!(decided["decision"]["outcome"], "noted");
    assert!(decided["decision"]["decided_at"].is_string());
    for (action, body) in [("cancel", json!({})), ("publish-agenda", json!({"reason": "x"})), ("hold", json!({}))] {
        act(app, secretary, meeting, action, body).problem(409, "meeting-state");
    }
    // A decision is a secretary's to record.
    let etag = app.get(&format!("/v1/items/{item}"), &committee.member).etag();
    app.put(&format!("/v1/items/{item}/decision"), &committee.member, &etag, json!({"outcome": "approved"}))
        .problem(403, "forbidden");
    let fields = decide_reply(app, secretary, item, json!({})).error_fields(422);
    assert_eq!(fields, ["outcome"]);

    // Minutes published; the decision can still be corrected, and cleared.
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    assert_eq!(status(app, secretary, meeting), "minutes_published");
    let path = format!("/v1/items/{item}");
    let etag = app.get(&path, secretary).etag();
    app.delete(&format!("{path}/decision"), secretary, &etag).expect(200);
    assert!(app.get(&path, secretary).json()["decision"].is_null());
    assert_eq!(act(app, secretary, meeting, "publish-minutes", json!({})).error_fields(422), ["reason"]);
    let corrected = act(app, secretary, meeting, "publish-minutes", json!({"reason": "Beslutning rettet"}));
    assert_eq!(corrected.expect(201).json()["published"]["number"], 2);
    act(app, secretary, meeting, "cancel", json!({})).problem(409, "meeting-state");

    // A meeting that has not started yet is not held.
    let future = id(&fixtures::meeting(app, &committee, "2999-01-04T12:30:00+01:00"));
    fixtures::item(app, &committee, future, json!({"title": "Eventuelt"}));
    act(app, secretary, future, "publish-agenda", json!({})).expect(201);
    act(app, secretary, future, "hold", json!({})).problem(409, "meeting-state");
    // Only a draft is deleted.
    let etag = app.get(&format!("/v1/meetings/{future}"), secretary).etag();
    app.delete(&format!("/v1/meetings/{future}"), secretary, &etag).problem(409, "conflict");
}

fn actions_need_the_current_etag(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (meeting, _) = meeting_with_items(app, &committee, &["Eventuelt"]);
    let path = format!("/v1/meetings/{meeting}/publish-agenda");
    let etag = app.get(&format!("/v1/meetings/{meeting}"), &committee.secretary).etag();
    app.post(&path, &committee.secretary, json!({})).problem(428, "precondition-required");
    // Someone changes the meeting after the secretary read it: publishing what they read is refused.
    fixtures::item(app, &committee, meeting, json!({"title": "Nyt punkt"}));
    app.post_if(&path, &committee.secretary, &etag, json!({})).problem(412, "precondition-failed");
    let meeting_view = app.get(&format!("/v1/meetings/{meeting}"), &committee.secretary).json();
    assert_eq!(meeting_view["status"], "draft");
    assert_eq!(meeting_view["published"], json!([]));
    // Only the committee's secretaries take actions; others who may read are refused.
    let etag = app.get(&format!("/v1/meetings/{meeting}"), &committee.member).etag();
    app.post_if(&path, &committee.member, &etag, json!({})).problem(403, "forbidden");
    app.post_if(&path, &committee.outsider, &etag, json!({})).problem(404, "not-found");
    app.post_if(&path, &committee.secretary, &etag, json!({"reason": ""})).error_fields(422);
    app.post_if(&path, &committee.secretary, &etag, json!({"status": "held"})).error_fields(422);
}

fn a_cancelled_meeting_does_not_change(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "public");
    let secretary = &committee.secretary;
    let (meeting, items) = meeting_with_items(app, &committee, &["Eventuelt"]);
    let participant = id(&app
        .post(&format!("/v1/meetings/{meeting}/participants"), secretary, json!({"name": "Jan"}))
        .expect(201)
        .json());
    act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
    let cancelled = act(app, secretary, meeting, "cancel", json!({"reason": "Ingen sager"})).expect(200).json();
    assert_eq!(cancelled["meeting"]["status"], "cancelled");
    assert_eq!(cancelled["meeting"]["cancellation_reason"], "Ingen sager");

    let meeting_path = format!("/v1/meetings/{meeting}");
    let etag = app.get(&meeting_path, secretary).etag();
    app.patch(&meeting_path, secretary, &etag, json!({"title": "Nyt"})).problem(409, "meeting-state");
    app.post(&format!("{meeting_path}/items"), secretary, json!({"title": "x"})).problem(409, "meeting-state");
    app.post(&format!("{meeting_path}/participants"), secretary, json!({"name": "x"})).problem(409, "meeting-state");
    let participant_path = format!("{meeting_path}/participants/{participant}");
    let etag = app.get(&participant_path, secretary).etag();
    app.patch(&participant_path, secretary, &etag, json!({"attendance": "absent"})).problem(409, "meeting-state");
    let item_path = format!("/v1/items/{}", items[0]);
    let etag = app.get(&item_path, secretary).etag();
    app.patch(&item_path, secretary, &etag, json!({"title": "x"})).problem(409, "meeting-state");
    app.post(&format!("{item_path}/attendance"), secretary, json!({"kind": "guest", "name": "Gæst"}))
        .problem(409, "meeting-state");
    for (action, body) in [
        ("publish-agenda", json!({"reason": "x"})),
        ("hold", json!({})),
        ("publish-minutes", json!({"reason": "x"})),
        ("cancel", json!({})),
    ] {
        act(app, secretary, meeting, action, body).problem(409, "meeting-state");
    }
    // Its published agenda stays readable.
    app.get(&format!("{meeting_path}/published/agenda/1"), &committee.outsider).expect(200);
}

fn published_versions_are_fixed_and_corrections_are_compared(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let secretary = &committee.secretary;
    let (meeting, items) = meeting_with_items(app, &committee, &["Lederkonference 2021", "Eventuelt"]);
    act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
    let meeting_path = format!("/v1/meetings/{meeting}");
    assert_eq!(app.get(&meeting_path, secretary).json()["unpublished_changes"], false);

    // Change the working copy: the published version does not move.
    let item_path = format!("/v1/items/{}", items[0]);
    let etag = app.get(&item_path, secretary).etag();
    app.patch(&item_path, secretary, &etag, json!({"summary": "Konferencen afholdes i oktober."})).expect(200);
    let etag = app.get(&meeting_path, secretary).etag();
    app.patch(&meeting_path, secretary, &etag, json!({"location": "Virtuelt via Teams"})).expect(200);
    fixtures::item(app, &committee, meeting, json!({"title": "Status på COVID-19"}));
    let live = app.get(&meeting_path, secretary).json();
    assert_eq!(live["unpublished_changes"], true);
    let v1 = app.get(&format!("{meeting_path}/published/agenda/1"), &committee.reader).expect(200);
    assert_eq!(v1.etag(), "\"1\"");
    let v1 = v1.json();
    assert_eq!(v1["meeting"]["location"], "Rådhuset");
    assert!(v1["items"][0]["summary"].is_null());
    assert_eq!(v1["items"].as_array().unwrap().len(), 2);

    // The correction is version 2, with its reason and time; version 1 stays as it was.
    let reason = "Rettelse: mødested og punkt 3 tilføjet";
    act(app, secretary, meeting, "publish-agenda", json!({"reason": reason})).expect(201);
    let list = app.get(&format!("{meeting_path}/published"), &committee.reader).expect(200).json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[1]["reason"], reason);
    assert!(list[1]["published_at"].is_string());
    let v2 = app.get(&format!("{meeting_path}/published/agenda/2"), &committee.reader).expect(200).json();
    assert_eq!(v2["reason"], reason);
    assert_eq!(v2["items"].as_array().unwrap().len(), 3);
    assert_eq!(app.get(&format!("{meeting_path}/published/agenda/1"), &committee.reader).json(), v1);

    let diff = app.get(&format!("{meeting_path}/published/agenda/2/diff"), &committee.reader).expect(200).json();
    assert_eq!((diff["from"].clone(), diff["to"].clone(), diff["reason"].clone()), (json!(1), json!(2), json!(reason)));
    assert_eq!(diff["meeting"], json!([{"field": "location", "from": "Rådhuset", "to": "Virtuelt via Teams"}]));
    let changes: Vec<(String, String)> = diff["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["change"].as_str().unwrap().to_owned(), c["label"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(changes, [("changed".to_owned(), "1".to_owned()), ("added".to_owned(), "3".to_owned())]);
    assert_eq!(
        diff["items"][0]["fields"],
        json!([{"field": "summary", "from": null, "to": "Konferencen afholdes i oktober."}])
    );
    let explicit = app.get(&format!("{meeting_path}/published/agenda/2/diff?from=1"), &committee.reader).json();
    assert_eq!(explicit, diff);
    let backwards = app.get(&format!("{meeting_path}/published/agenda/1/diff?from=2"), &committee.reader).json();
    assert_eq!(backwards["items"][1]["change"], "removed");

    app.get(&format!("{meeting_path}/published/agenda/1/diff"), &committee.reader).error_fields(422);
    app.get(&format!("{meeting_path}/published/agenda/3"), &committee.reader).problem(404, "not-found");
    app.get(&format!("{meeting_path}/published/minutes/1"), &committee.reader).problem(404, "not-found");
    app.get(&format!("{meeting_path}/published/agenda/0"), &committee.reader).problem(404, "not-found");
    app.get(&format!("{meeting_path}/published/report/1"), &committee.reader).problem(400, "malformed-request");
    app.get(&format!("{meeting_path}/published"), &committee.outsider).problem(404, "not-found");
}

fn minutes_wait_for_the_approvers_when_the_committee_requires_it(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let secretary = &committee.secretary;
    let committee_path = format!("/v1/committees/{}", committee.id);
    let etag = app.get(&committee_path, &committee.admin).etag();
    let changed = app.patch(&committee_path, &committee.admin, &etag, json!({"requires_sign_off": true}));
    assert_eq!(changed.expect(200).json()["requires_sign_off"], true);

    let (meeting, items) = meeting_with_items(app, &committee, &["Eventuelt"]);
    let participants = format!("/v1/meetings/{meeting}/participants");
    let fields = app.post(&participants, secretary, json!({"name": "Uden bruger", "approver": true})).error_fields(422);
    assert_eq!(fields, ["approver"]);
    let second_subject = fixtures::unique("approver");
    let second = app.token(&second_subject, &[&committee.member_external], &[]);
    for (name, subject) in
        [("Michel van der Linden", &committee.member_subject), ("Jan Lysgaard Thomsen", &second_subject)]
    {
        let body = json!({"name": name, "user_subject": subject, "approver": true});
        app.post(&participants, secretary, body).expect(201);
    }
    fixtures::publish_and_hold(app, secretary, meeting);
    decide(app, secretary, items[0], json!({"outcome": "noted"}));

    // Neither has signed: publishing names them.
    let refused = act(app, secretary, meeting, "publish-minutes", json!({})).problem(409, "meeting-state");
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains("Michel van der Linden") && detail.contains("Jan Lysgaard Thomsen"), "{detail}");

    let sign_path = format!("/v1/meetings/{meeting}/sign-offs");
    let etag = app.get(&format!("/v1/meetings/{meeting}"), &committee.member).etag();
    app.post_if(&sign_path, &committee.reader, &etag, json!({})).problem(403, "forbidden");
    app.post_if(&sign_path, secretary, &etag, json!({})).problem(403, "forbidden");
    app.post_if(&sign_path, &committee.member, "\"1\"", json!({})).problem(412, "precondition-failed");
    let first = app.post_if(&sign_path, &committee.member, &etag, json!({})).expect(201).json();
    assert_eq!(first["current"], true);
    let status = app.get(&sign_path, &committee.reader).expect(200).json();
    assert_eq!(status["required"], true);
    assert_eq!(status["unsigned"], json!(["Jan Lysgaard Thomsen"]));
    assert_eq!(status["complete"], false);
    // Signing does not change the meeting: the second approver signs the same version.
    assert_eq!(app.get(&format!("/v1/meetings/{meeting}"), &second).etag(), etag);
    app.post_if(&sign_path, &second, &etag, json!({})).expect(201);
    assert_eq!(app.get(&sign_path, &committee.reader).json()["complete"], true);

    // A change after signing leaves the signatures on the older version.
    decide(app, secretary, items[0], json!({"outcome": "noted", "text": "Taget til efterretning."}));
    let status = app.get(&sign_path, &committee.reader).json();
    assert_eq!(status["complete"], false);
    assert_eq!(status["approvers"][0]["sign_off"]["current"], false);
    act(app, secretary, meeting, "publish-minutes", json!({})).problem(409, "meeting-state");
    for token in [&committee.member, &second] {
        let etag = app.get(&format!("/v1/meetings/{meeting}"), token).etag();
        app.post_if(&sign_path, token, &etag, json!({})).expect(201);
    }
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    let minutes = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1"), &committee.reader).json();
    let signed: Vec<&str> =
        minutes["signed_by"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(signed, ["Michel van der Linden", "Jan Lysgaard Thomsen"]);

    // A sign-off is withdrawn by its signer only.
    let status = app.get(&sign_path, &committee.reader).json();
    let mine = &status["approvers"][0]["sign_off"];
    let path = format!("{sign_path}/{}", mine["id"]);
    let etag = format!("\"{}\"", mine["version"]);
    app.delete(&path, &second, &etag).problem(403, "forbidden");
    app.delete(&path, &committee.member, &etag).expect(204);
    assert!(app.get(&sign_path, &committee.reader).json()["approvers"][0]["sign_off"].is_null());
}

fn attendance_per_item_is_recorded_and_published(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let secretary = &committee.secretary;
    let (meeting, items) = meeting_with_items(app, &committee, &["Punkt 1", "Punkt 2", "Punkt 3"]);
    let etag = app.get(&format!("/v1/items/{}", items[1]), secretary).etag();
    app.patch(
        &format!("/v1/items/{}", items[1]),
        secretary,
        &etag,
        json!({"closed": true, "legal_basis": "offentlighedsloven_30_1"}),
    )
    .expect(200);
    let jan = id(&app
        .post(&format!("/v1/meetings/{meeting}/participants"), secretary, json!({"name": "Jan Lysgaard Thomsen"}))
        .expect(201)
        .json());
    let (other, _) = meeting_with_items(app, &committee, &["Andet"]);
    let stranger = id(&app
        .post(&format!("/v1/meetings/{other}/participants"), secretary, json!({"name": "Fremmed"}))
        .expect(201)
        .json());

    let path = |item: i64| format!("/v1/items/{item}/attendance");
    let guest = app
        .post(&path(items[0]), secretary, json!({"kind": "guest", "name": "Malene Goth", "note": "Sekretariatet"}))
        .expect(201);
    assert_eq!(guest.json()["name"], "Malene Goth");
    for item in &items[1..] {
        app.post(&path(*item), secretary, json!({"kind": "absent", "participant_id": jan})).expect(201);
    }
    app.post(&path(items[2]), secretary, json!({"kind": "absent", "participant_id": jan})).problem(409, "conflict");
    for (body, field) in [
        (json!({"kind": "guest"}), "name"),
        (json!({"kind": "guest", "name": "X", "participant_id": jan}), "name"),
        (json!({"kind": "absent", "name": "X"}), "participant_id"),
        (json!({"kind": "absent", "participant_id": stranger}), "participant_id"),
        (json!({"kind": "late", "name": "X"}), "kind"),
    ] {
        assert_eq!(app.post(&path(items[0]), secretary, body).error_fields(422), [field]);
    }
    // The attendance of a closed item is closed content.
    app.get(&path(items[1]), &committee.reader).problem(404, "not-found");
    assert_eq!(app.get(&path(items[1]), &committee.member).expect(200).json().as_array().unwrap().len(), 1);
    assert_eq!(app.get(&path(items[0]), &committee.reader).expect(200).json().as_array().unwrap().len(), 1);

    fixtures::publish_and_hold(app, secretary, meeting);
    let agenda = format!("/v1/meetings/{meeting}/published/agenda/1");
    let member = app.get(&agenda, &committee.member).json();
    assert_eq!(member["items"][0]["guests"], json!([{"name": "Malene Goth", "note": "Sekretariatet"}]));
    assert_eq!(member["items"][2]["absent"][0]["name"], "Jan Lysgaard Thomsen");
    let reader = app.get(&agenda, &committee.reader).json();
    assert_eq!(keys(&reader["items"][1]), ["closed", "legal_basis", "number", "title"]);

    // Removing an entry takes its ETag.
    let entry = guest.json();
    let entry_path = format!("{}/{}", path(items[0]), id(&entry));
    app.delete(&entry_path, secretary, "\"9\"").problem(412, "precondition-failed");
    app.delete(&entry_path, secretary, &format!("\"{}\"", entry["version"])).expect(204);
    app.get(&entry_path, secretary).problem(404, "not-found");
}

fn standing_items_start_a_new_agenda(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let secretary = &committee.secretary;
    let path = format!("/v1/committees/{}/standing-items", committee.id);
    for body in [
        json!({"title": "Orientering fra Økonomiudvalgsmødet og koordinering af sager til politisk behandling", "case_type": "information"}),
        json!({"title": "Orientering om sager på vej", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "Fortroligt fast indhold"}),
        json!({"title": "Eventuelt"}),
    ] {
        app.post(&path, secretary, body).expect(201);
    }
    app.post(&path, &committee.member, json!({"title": "x"})).problem(403, "forbidden");
    app.get(&path, &committee.outsider).problem(404, "not-found");
    assert_eq!(app.post(&path, secretary, json!({"title": ""})).error_fields(422), ["title"]);
    let list = app.get(&path, &committee.reader).expect(200).json();
    assert_eq!(keys(&list[1]), ["closed", "id", "legal_basis", "position", "title"]);
    assert!(!app.get(&path, &committee.reader).body.contains("Fortroligt"));

    // Move "Eventuelt" first, then last again via its position.
    let eventuelt = format!("{path}/{}", id(&list[2]));
    let etag = app.get(&eventuelt, secretary).etag();
    app.patch(&eventuelt, secretary, &etag, json!({"position": 10})).expect(200);

    let body = json!({"committee_id": committee.id, "title": "Direktionsmøde", "starts_at": "2022-05-02T12:30:00+02:00", "standing_items": true});
    let meeting = app.post("/v1/meetings", secretary, body).expect(201).json();
    let titles: Vec<&str> = meeting["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Orientering fra Økonomiudvalgsmødet og koordinering af sager til politisk behandling",
            "Orientering om sager på vej",
            "Eventuelt"
        ]
    );
    assert_eq!(meeting["items"][1]["closed"], true);
    assert_eq!(meeting["items"][1]["summary"], "Fortroligt fast indhold");
    // Without asking for them, a meeting starts empty; removing a standing item leaves meetings be.
    let body =
        json!({"committee_id": committee.id, "title": "Ekstraordinært møde", "starts_at": "2022-05-09T12:30:00+02:00"});
    assert_eq!(app.post("/v1/meetings", secretary, body).expect(201).json()["items"], json!([]));
    let etag = app.get(&eventuelt, secretary).etag();
    app.delete(&eventuelt, secretary, &etag).expect(204);
    let again = app.get(&format!("/v1/meetings/{}", id(&meeting)), secretary).json();
    assert_eq!(again["items"].as_array().unwrap().len(), 3);
}

fn a_case_is_followed_across_committees(app: &TestApp) {
    let direktionen = fixtures::committee(app, "Direktionen", "none");
    let udvalget = fixtures::committee(app, "Økonomiudvalget", "none");
    let byraadet = fixtures::committee(app, "Byrådet", "none");
    let case = "326-2021-15058";
    let mut items = Vec::new();
    for (committee, starts, closed) in [
        (&direktionen, "2021-04-26T12:30:00+02:00", false),
        (&udvalget, "2021-05-05T16:00:00+02:00", true),
        (&byraadet, "2021-05-26T18:00:00+02:00", false),
    ] {
        let meeting = id(&fixtures::meeting(app, committee, starts));
        let body = json!({"title": "MARS", "case_number": case, "closed": closed, "legal_basis": fixtures::basis(closed), "summary": "Fortroligt"});
        items.push(id(&fixtures::item(app, committee, meeting, body)));
    }
    let path = format!("/v1/cases/{case}");
    let as_committee = |token: &str| -> Vec<String> {
        let view = app.get(&path, token).expect(200).json();
        view["items"].as_array().unwrap().iter().map(|i| i["committee"]["name"].as_str().unwrap().to_owned()).collect()
    };
    // A secretary of each sees only their own; a member of Økonomiudvalget sees its closed item.
    assert_eq!(as_committee(&direktionen.secretary), ["Direktionen"]);
    assert_eq!(as_committee(&udvalget.member), ["Økonomiudvalget"]);
    // A reader of Økonomiudvalget does not learn that its closed item belongs to the case.
    assert!(as_committee(&udvalget.reader).is_empty());
    // Someone granted on all three follows the case in meeting order.
    let groups = [&direktionen.member_external, &udvalget.member_external, &byraadet.member_external];
    let everywhere = app.token("borgmester", &[groups[0].as_str(), groups[1].as_str(), groups[2].as_str()], &[]);
    assert_eq!(as_committee(&everywhere), ["Direktionen", "Økonomiudvalget", "Byrådet"]);
    let view = app.get(&path, &everywhere).json();
    assert_eq!(view["items"][0]["item_id"], items[0]);
    assert_eq!(view["items"][1]["closed"], true);
    assert!(as_committee(&direktionen.outsider).is_empty());
    assert!(app.get("/v1/cases/99-999999", &everywhere).json()["items"].as_array().unwrap().is_empty());
    assert_eq!(app.get("/v1/cases/sag%20nr", &everywhere).error_fields(400), ["case_number"]);
}
