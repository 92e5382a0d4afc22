//! The change feed: a client that follows it keeps a copy equal to the source, closed changes reach
//! non-members only as their allowlisted fields, and bad cursors and event names are refused.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::attachments::PDF;
use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, CLOSED_ITEM_KEYS, act, committee, id, item, keys, meeting};

db_tests!(
    a_copy_kept_from_the_feed_equals_the_source,
    closed_changes_reach_non_members_as_their_allowlisted_fields_only,
    the_feed_filters_by_event_and_refuses_what_it_cannot_read,
);

const MARKER: &str = "HEMMELIG-7c41";

/// Everything after `since`, page by page (small pages, so that paging is exercised); the entries
/// and the cursor to resume from.
fn follow(app: &TestApp, token: &str, since: Option<&str>, query: &str) -> (Vec<Value>, String) {
    let mut entries = Vec::new();
    let mut cursor = since.map(str::to_owned);
    loop {
        let mut path = format!("/v1/changes?limit=3{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&since={cursor}"));
        }
        let page = app.get(&path, token).expect(200).json();
        entries.extend(page["data"].as_array().unwrap().iter().cloned());
        cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
        if !page["has_more"].as_bool().unwrap() {
            return (entries, cursor.unwrap());
        }
    }
}

/// A copy of what the feed reports, by (resource, id), with each entry's meeting.
#[derive(Default)]
struct Copy(BTreeMap<(String, i64), (Option<i64>, Value)>);

impl Copy {
    fn apply(&mut self, entries: &[Value]) {
        for entry in entries {
            let resource = entry["resource"].as_str().unwrap().to_owned();
            let id = entry["id"].as_i64().unwrap();
            let meeting = entry["meeting_id"].as_i64();
            if entry["data"].is_null() {
                self.0.remove(&(resource.clone(), id));
                if resource == "meeting" {
                    self.0.retain(|_, (m, _)| *m != Some(id));
                }
            } else {
                self.0.insert((resource, id), (meeting, entry["data"].clone()));
            }
        }
    }

    fn of(&self, resource: &str, meeting: Option<i64>) -> Vec<Value> {
        self.0
            .iter()
            .filter(|((r, _), (m, _))| r == resource && (meeting.is_none() || *m == meeting))
            .map(|(_, (_, data))| data.clone())
            .collect()
    }
}

/// The copy holds exactly what the API shows `token` of the committee.
fn assert_equal_to_source(app: &TestApp, token: &str, committee: i64, copy: &Copy) {
    assert_eq!(
        copy.of("committee", None),
        vec![app.get(&format!("/v1/committees/{committee}"), token).expect(200).json()]
    );
    let meetings = app.get(&format!("/v1/meetings?committee_id={committee}"), token).expect(200).json();
    let meetings = meetings["data"].as_array().unwrap().clone();
    assert_eq!(copy.of("meeting", None), meetings, "meetings");
    for meeting in &meetings {
        let meeting_id = id(meeting);
        let detail = app.get(&format!("/v1/meetings/{meeting_id}"), token).expect(200).json();
        let mut items = copy.of("item", Some(meeting_id));
        items.sort_by_key(|i| i["position"].as_i64());
        assert_eq!(items, detail["items"].as_array().unwrap().clone(), "items of meeting {meeting_id}");
        assert_eq!(copy.of("participant", Some(meeting_id)), detail["participants"].as_array().unwrap().clone());
        assert_eq!(copy.of("publication", Some(meeting_id)), detail["published"].as_array().unwrap().clone());
        let mut attachments = Vec::new();
        for item in detail["items"].as_array().unwrap().iter().filter(|i| i.get("id").is_some()) {
            let listed = app.get(&format!("/v1/items/{}/attachments", id(item)), token).expect(200).json();
            attachments.extend(listed.as_array().unwrap().iter().cloned());
        }
        assert_eq!(copy.of("attachment", Some(meeting_id)), attachments, "attachments of meeting {meeting_id}");
    }
}

/// How many entries of a page are about the item.
fn item_entries(page: &Value, item: i64) -> usize {
    page["data"].as_array().unwrap().iter().filter(|e| e["resource"] == "item" && e["id"] == item).count()
}

fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let etag = app.get(path, token).expect(200).etag();
    app.patch(path, token, &etag, body).expect(200).json()
}

fn a_copy_kept_from_the_feed_equals_the_source(app: &TestApp) {
    let c = committee(app, "Økonomiudvalget", "internal");
    let held = id(&meeting(app, &c, "2024-03-01T09:00:00+01:00"));
    let open = id(&item(app, &c, held, json!({"title": "Budgetopfølgning", "summary": "Forbruget følger budgettet."})));
    let closed = id(&item(
        app,
        &c,
        held,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": MARKER}),
    ));
    let dropped = id(&item(app, &c, held, json!({"title": "Udgår"})));
    app.post(
        &format!("/v1/meetings/{held}/participants"),
        &c.secretary,
        json!({"name": "Anna Jensen", "role": "chair"}),
    )
    .expect(201);
    app.upload(open, &c.secretary, "budget.pdf", PDF, Some("Budgetnotat")).expect(201);
    app.upload(closed, &c.secretary, "sag.pdf", PDF, Some(MARKER)).expect(201);
    patch(app, &c.secretary, &format!("/v1/items/{open}"), json!({"title": "Budgetopfølgning 1. kvartal"}));
    let etag = app.get(&format!("/v1/items/{dropped}"), &c.secretary).etag();
    app.delete(&format!("/v1/items/{dropped}"), &c.secretary, &etag).expect(204);
    act(app, &c.secretary, held, "publish-agenda", json!({})).expect(201);
    let draft = id(&meeting(app, &c, "2027-01-10T09:00:00+01:00"));
    item(
        app,
        &c,
        draft,
        json!({"title": "Forsvinder med mødet", "closed": true, "legal_basis": "offentlighedsloven_30_1"}),
    );
    let etag = app.get(&format!("/v1/meetings/{draft}"), &c.secretary).etag();
    app.delete(&format!("/v1/meetings/{draft}"), &c.secretary, &etag).expect(204);
    let cancelled = id(&meeting(app, &c, "2027-02-10T09:00:00+01:00"));
    act(app, &c.secretary, cancelled, "cancel", json!({"reason": "Ingen sager"})).expect(200);

    let mut cursors = Vec::new();
    for token in [&c.member, &c.reader] {
        let (entries, cursor) = follow(app, token, None, "");
        let mut copy = Copy::default();
        copy.apply(&entries);
        assert_equal_to_source(app, token, c.id, &copy);
        cursors.push((token, copy, cursor));
    }
    // The member's feed named the cancellation and the publication as such.
    let (all, _) = follow(app, &c.member, None, "");
    let events: Vec<&str> = all.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(events.contains(&"meeting.cancelled") && events.contains(&"agenda.published"), "{events:?}");

    // More changes; each copy resumes from its cursor and is equal again.
    act(app, &c.secretary, held, "hold", json!({})).expect(200);
    let decision = json!({"outcome": "approved", "text": "Godkendt."});
    crate::fixtures::decide(app, &c.secretary, open, decision);
    patch(app, &c.secretary, &format!("/v1/items/{closed}"), json!({"title": "Personalesag (fortsat)"}));
    app.post(&format!("/v1/meetings/{held}/participants"), &c.secretary, json!({"name": "Bo Hansen"})).expect(201);
    let mut resumed = Vec::new();
    for (token, mut copy, cursor) in cursors {
        let (entries, next) = follow(app, token, Some(&cursor), "");
        assert!(!entries.is_empty());
        copy.apply(&entries);
        assert_equal_to_source(app, token, c.id, &copy);
        // Nothing new: the same cursor comes back with nothing.
        let again = app.get(&format!("/v1/changes?since={next}"), token).expect(200).json();
        assert_eq!((again["data"].as_array().unwrap().len(), again["next_cursor"].as_str()), (0, Some(next.as_str())));
        resumed.push((token, copy, next));
    }

    // The item with an attachment is closed, then opened again: its attachment leaves the reader's
    // copy and comes back, and every copy stays equal to what its holder may see.
    for closed in [true, false] {
        patch(
            app,
            &c.secretary,
            &format!("/v1/items/{open}"),
            json!({"closed": closed, "legal_basis": fixtures::basis(closed)}),
        );
        for (token, copy, cursor) in resumed.iter_mut() {
            let (entries, next) = follow(app, token, Some(cursor), "");
            copy.apply(&entries);
            assert_equal_to_source(app, token, c.id, copy);
            // The member sees both items' attachments; the reader the open item's, while it is open.
            let expected = match (*token == &c.reader, closed) {
                (false, _) => 2,
                (true, false) => 1,
                (true, true) => 0,
            };
            assert_eq!(copy.of("attachment", Some(held)).len(), expected, "closed: {closed}");
            *cursor = next;
        }
    }
}

fn closed_changes_reach_non_members_as_their_allowlisted_fields_only(app: &TestApp) {
    let c = committee(app, "Direktionen", "internal");
    let m = id(&meeting(app, &c, "2027-01-10T09:00:00+01:00"));
    let closed = id(&item(
        app,
        &c,
        m,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "Første udkast"}),
    ));
    let (_, reader_cursor) = follow(app, &c.reader, None, "");
    let (_, member_cursor) = follow(app, &c.member, None, "");

    // A change of the content only: the member sees it, the reader sees nothing at all.
    patch(app, &c.secretary, &format!("/v1/items/{closed}"), json!({"summary": MARKER}));
    let (seen, _) = follow(app, &c.member, Some(&member_cursor), "");
    assert!(seen.iter().any(|e| e["id"] == closed && e["data"]["summary"] == MARKER), "{seen:?}");
    // (The meeting's own version moves with its agenda, as its ETag does; the item is not mentioned.)
    let reply = app.get(&format!("/v1/changes?since={reader_cursor}"), &c.reader).expect(200);
    assert!(!reply.body.contains(MARKER));
    assert_eq!(item_entries(&reply.json(), closed), 0, "a hidden change is not even announced");
    // The outsider, who reads nothing of the committee, sees none of it ever.
    let reply = app.get("/v1/changes", &c.outsider).expect(200);
    assert!(!reply.body.contains(MARKER) && !reply.body.contains("Personalesag"), "{}", reply.body);

    // A change of what a reader sees: the reader gets the four allowlisted fields.
    patch(app, &c.secretary, &format!("/v1/items/{closed}"), json!({"title": "Personalesag, fortsat"}));
    let reply = app.get(&format!("/v1/changes?since={reader_cursor}"), &c.reader).expect(200);
    assert!(!reply.body.contains(MARKER));
    let entries: Vec<Value> =
        reply.json()["data"].as_array().unwrap().iter().filter(|e| e["resource"] == "item").cloned().collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(keys(&entries[0]["data"]), CLOSED_ITEM_KEYS);
    assert_eq!(entries[0]["data"]["title"], "Personalesag, fortsat");

    // Excluded from the item, the member is a reader for it: the next hidden change passes it by.
    let (_, member_cursor) = follow(app, &c.member, None, "");
    let body = json!({"subject": c.member_subject, "reason": "inhabil"});
    app.post(&format!("/v1/items/{closed}/exclusions"), &c.secretary, body).expect(201);
    patch(app, &c.secretary, &format!("/v1/items/{closed}"), json!({"summary": format!("{MARKER} igen")}));
    let reply = app.get(&format!("/v1/changes?since={member_cursor}"), &c.member).expect(200);
    assert!(!reply.body.contains(MARKER), "{}", reply.body);
    assert_eq!(item_entries(&reply.json(), closed), 0);
}

fn the_feed_filters_by_event_and_refuses_what_it_cannot_read(app: &TestApp) {
    let c = committee(app, "Teknik- og Miljøudvalget", "internal");
    let m = id(&meeting(app, &c, "2024-05-01T16:00:00+02:00"));
    item(app, &c, m, json!({"title": "Trafiksikkerhed"}));
    act(app, &c.secretary, m, "publish-agenda", json!({})).expect(201);
    let (published, _) = follow(app, &c.reader, None, "&events=agenda.published,minutes.published");
    assert_eq!(published.len(), 1, "{published:?}");
    assert_eq!(
        (published[0]["resource"].as_str(), published[0]["meeting_id"].as_i64()),
        (Some("publication"), Some(m))
    );
    assert_eq!(published[0]["data"]["kind"], "agenda");
    let (of_committee, _) = follow(app, &c.reader, None, &format!("&committee_id={}", c.id + 1000));
    assert!(of_committee.is_empty());

    let refused = app.get("/v1/changes?events=agenda.publish", &c.reader).problem(400, "malformed-request");
    assert!(refused.to_string().contains("agenda.publish"), "{refused}");
    app.get("/v1/changes?since=yesterday", &c.reader).problem(400, "malformed-request");
    app.get("/v1/changes?limit=0", &c.reader).problem(400, "malformed-request");
    app.get("/v1/changes", "not a token").problem(401, "unauthorized");
}
