use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, CLOSED_ITEM_KEYS, id, keys};

db_tests!(
    items_keep_a_contiguous_order,
    the_agenda_can_be_reordered,
    item_changes_are_merge_patches,
    closed_items_show_only_number_and_title_below_member,
    item_input_is_validated,
    concurrent_writers_with_one_etag_yield_one_success,
);

fn titles(app: &TestApp, token: &str, meeting: i64) -> Vec<(i64, String)> {
    let items = app.get(&format!("/v1/meetings/{meeting}/items"), token).expect(200).json();
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["position"].as_i64().unwrap(), i["title"].as_str().unwrap().to_owned()))
        .collect()
}

fn owned(list: &[(i64, &str)]) -> Vec<(i64, String)> {
    list.iter().map(|(p, t)| (*p, t.to_string())).collect()
}

fn items_keep_a_contiguous_order(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let a = fixtures::item(app, &committee, meeting, json!({"title": "A"}));
    fixtures::item(app, &committee, meeting, json!({"title": "C"}));
    assert_eq!(a["number"], 1);
    let b = fixtures::item(app, &committee, meeting, json!({"title": "B", "position": 2}));
    assert_eq!(b["position"], 2);
    fixtures::item(app, &committee, meeting, json!({"title": "First", "position": 1}));
    assert_eq!(titles(app, &committee.reader, meeting), owned(&[(1, "First"), (2, "A"), (3, "B"), (4, "C")]));

    let path = format!("/v1/meetings/{meeting}/items");
    assert_eq!(
        app.post(&path, &committee.secretary, json!({"title": "X", "position": 6})).error_fields(422),
        ["position"]
    );
    assert_eq!(
        app.post(&path, &committee.secretary, json!({"title": "X", "position": 0})).error_fields(422),
        ["position"]
    );

    // Deleting closes the gap; the moved items get new versions, since their position changed.
    let a_path = format!("/v1/items/{}", id(&a));
    let c_before = app.get(&format!("/v1/items/{}", id(&b)), &committee.reader).etag();
    let etag = app.get(&a_path, &committee.secretary).etag();
    app.delete(&a_path, &committee.secretary, &etag).expect(204);
    assert_eq!(titles(app, &committee.reader, meeting), owned(&[(1, "First"), (2, "B"), (3, "C")]));
    assert_ne!(app.get(&format!("/v1/items/{}", id(&b)), &committee.reader).etag(), c_before);
    app.get(&a_path, &committee.secretary).problem(404, "not-found");
}

fn the_agenda_can_be_reordered(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let ids: Vec<i64> = ["A", "B", "C", "D"]
        .iter()
        .map(|t| id(&fixtures::item(app, &committee, meeting, json!({"title": t}))))
        .collect();
    let order = format!("/v1/meetings/{meeting}/item-order");
    let meeting_path = format!("/v1/meetings/{meeting}");
    let etag = app.get(&meeting_path, &committee.secretary).etag();

    let reordered =
        app.put(&order, &committee.secretary, &etag, json!({"item_ids": [ids[3], ids[0], ids[2], ids[1]]})).expect(200);
    let agenda: Vec<String> =
        reordered.json().as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect();
    assert_eq!(agenda, ["D", "A", "C", "B"]);
    assert_eq!(titles(app, &committee.reader, meeting), owned(&[(1, "D"), (2, "A"), (3, "C"), (4, "B")]));
    let new_etag = reordered.etag();
    assert_eq!(app.get(&meeting_path, &committee.secretary).etag(), new_etag);

    app.put(&order, &committee.secretary, &etag, json!({"item_ids": ids})).problem(412, "precondition-failed");
    for bad in [
        json!([ids[0], ids[0], ids[1], ids[2]]),
        json!([ids[0], ids[1], ids[2]]),
        json!([ids[0], ids[1], ids[2], ids[3], 999_999]),
    ] {
        assert_eq!(
            app.put(&order, &committee.secretary, &new_etag, json!({"item_ids": bad})).error_fields(422),
            ["item_ids"]
        );
    }
    app.put(&order, &committee.member, &new_etag, json!({"item_ids": ids})).problem(403, "forbidden");
    assert_eq!(titles(app, &committee.reader, meeting), owned(&[(1, "D"), (2, "A"), (3, "C"), (4, "B")]));
}

fn item_changes_are_merge_patches(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let item = fixtures::item(
        app,
        &committee,
        meeting,
        json!({
            "title": "Lederkonference 2021",
            "case_number": "326-2021-15058",
            "journal_number": "81.44.00",
            "case_type": "decision",
            "summary": "Resume",
            "recommendation": "Direktøren indstiller at sagen godkendes."
        }),
    );
    let path = format!("/v1/items/{}", id(&item));
    let etag = app.get(&path, &committee.secretary).etag();

    let changed = app
        .patch(
            &path,
            &committee.secretary,
            &etag,
            json!({"summary": null, "recommendation": "Direktøren indstiller at sagen drøftes."}),
        )
        .expect(200)
        .json();
    assert_eq!(changed["summary"], json!(null));
    assert_eq!(changed["recommendation"], "Direktøren indstiller at sagen drøftes.");
    assert_eq!(changed["journal_number"], "81.44.00");
    assert_eq!(changed["version"], 2);

    let etag = app.get(&path, &committee.secretary).etag();
    let cleared = app
        .patch(
            &path,
            &committee.secretary,
            &etag,
            json!({"recommendation": null, "closed": true, "legal_basis": "offentlighedsloven_30_1"}),
        )
        .expect(200)
        .json();
    assert_eq!(cleared["recommendation"], json!(null));
    assert_eq!(cleared["closed"], true);

    let etag = app.get(&path, &committee.secretary).etag();
    for forbidden in [
        json!({"position": 3}),
        json!({"meeting_id": 1}),
        json!({"id": 9}),
        json!({"version": 1}),
        json!({"number": 2}),
        json!({"decision": {"outcome": "approved"}}),
    ] {
        let field = forbidden.as_object().unwrap().keys().next().unwrap().clone();
        assert_eq!(app.patch(&path, &committee.secretary, &etag, forbidden).error_fields(422), [field]);
    }
    assert_eq!(app.patch(&path, &committee.secretary, &etag, json!({"title": null})).error_fields(422), ["title"]);
}

fn closed_items_show_only_number_and_title_below_member(app: &TestApp) {
    const MARKER: &str = "MARKØR-7f3a-lukket";
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    fixtures::item(app, &committee, meeting, json!({"title": "Åbent punkt", "summary": "alle må læse"}));
    let closed = fixtures::item(
        app,
        &committee,
        meeting,
        json!({
            "title": "Status, Økonomiudvalget",
            "closed": true, "legal_basis": "offentlighedsloven_30_1",
            "case_number": "22-005112",
            "journal_number": "00.22.04",
            "document_number": "326-2022-1",
            "case_type": "information",
            "summary": MARKER,
            "recommendation": MARKER,
            "handled_by": MARKER,
            "presentation": MARKER,
            "financial_consequences": MARKER
        }),
    );
    let item_path = format!("/v1/items/{}", id(&closed));

    let reader_view = app.get(&item_path, &committee.reader).expect(200);
    assert_eq!(keys(&reader_view.json()), CLOSED_ITEM_KEYS);
    assert_eq!(
        reader_view.json(),
        json!({"number": 2, "position": 2, "title": "Status, Økonomiudvalget", "closed": true, "legal_basis": "offentlighedsloven_30_1"})
    );
    let member_view = app.get(&item_path, &committee.member).expect(200);
    assert_eq!(member_view.json()["summary"], MARKER);
    assert_ne!(reader_view.etag(), member_view.etag(), "different representations, different tags");

    let meeting_path = format!("/v1/meetings/{meeting}");
    for path in [meeting_path.clone(), format!("{meeting_path}/items"), "/v1/meetings".to_owned(), item_path.clone()] {
        let reply = app.get(&path, &committee.reader).expect(200);
        assert!(!reply.body.contains(MARKER), "{path} leaks closed content: {}", reply.body);
        assert!(!reply.body.contains("22-005112"), "{path} leaks the case number");
        assert!(!reply.headers.iter().any(|(_, v)| v.contains(MARKER)));
    }
    let agenda = app.get(&meeting_path, &committee.reader).json()["items"].clone();
    assert_eq!(keys(&agenda[1]), CLOSED_ITEM_KEYS);
    assert!(keys(&agenda[0]).contains(&"summary".to_owned()), "open items stay whole");
    assert_eq!(app.get(&meeting_path, &committee.member).json()["items"][1]["summary"], MARKER);

    // A reader cannot learn more by trying to write.
    let etag = member_view.etag();
    for reply in [
        app.patch(&item_path, &committee.reader, &etag, json!({"title": "x"})),
        app.delete(&item_path, &committee.reader, &etag),
        app.get(&item_path, &committee.outsider),
    ] {
        assert!(!reply.body.contains(MARKER), "{}", reply.body);
        assert!(reply.status == 403 || reply.status == 404, "{}", reply.status);
    }
}

fn item_input_is_validated(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let path = format!("/v1/meetings/{meeting}/items");
    let post = |body: Value| app.post(&path, &committee.secretary, body).error_fields(422);
    assert_eq!(post(json!({"title": "X", "journal_number": "81.44"})), ["journal_number"]);
    assert_eq!(post(json!({"title": "X", "case_number": "sag nr. 5"})), ["case_number"]);
    assert_eq!(post(json!({"title": "X", "document_number": ""})), ["document_number"]);
    assert_eq!(post(json!({"title": "X", "case_type": "vote"})), ["case_type"]);
    assert_eq!(post(json!({"title": "X", "decision": {"outcome": "noted"}})), ["decision"]);
    assert_eq!(post(json!({"title": "", "journal_number": "1"})), ["journal_number", "title"]);
    assert_eq!(post(json!({"title": "X", "closed": "yes"})), ["closed"]);
    assert_eq!(post(json!({"title": "X", "summary": "x".repeat(200_001)})), ["summary"]);
    assert_eq!(app.get(&path, &committee.secretary).json(), json!([]), "nothing was created");
}

/// Two secretaries (here: eight) change the same version of an item at once: one wins, the others
/// are told the item changed, and no change is lost silently.
fn concurrent_writers_with_one_etag_yield_one_success(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let item = fixtures::item(app, &committee, meeting, json!({"title": "Original"}));
    let path = format!("/v1/items/{}", id(&item));
    let etag = app.get(&path, &committee.secretary).etag();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..8)
            .map(|n| {
                let (path, etag, token) = (&path, &etag, &committee.secretary);
                scope.spawn(move || app.patch(path, token, etag, json!({"title": format!("Writer {n}")})).status)
            })
            .collect();
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 7, "{statuses:?}");
    let stored = app.get(&path, &committee.secretary).json();
    assert_eq!(stored["version"], 2);
    assert!(stored["title"].as_str().unwrap().starts_with("Writer "));
}
