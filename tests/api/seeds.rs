//! The two seed meetings (Direktionen, 26 April 2021 and 25 April 2022) taken through their whole
//! life through the API: agenda entered and published, meeting held, decisions recorded, minutes
//! published. The published minutes read back what the seeds show; a non-member sees the closed
//! items as number and title only.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, CLOSED_ITEM_KEYS, CommitteeFixture, id, keys};

db_tests!(seed_2022_04_25_goes_through_its_life, seed_2021_04_26_goes_through_its_life,);

/// Every field an item carries; the fixture leaves out those that are empty in the minutes.
const ITEM_FIELDS: [&str; 11] = [
    "title",
    "closed",
    "case_number",
    "journal_number",
    "document_number",
    "case_type",
    "summary",
    "recommendation",
    "handled_by",
    "presentation",
    "financial_consequences",
];

/// Marks the invented content of closed items in the fixtures (the minutes do not show it).
pub const CLOSED_MARKER: &str = "LUKKET-INDHOLD";

/// Keys of a closed item in a published document, below member.
const CLOSED_DOCUMENT_KEYS: [&str; 4] = ["closed", "legal_basis", "number", "title"];

pub fn seed(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn seed_2022_04_25_goes_through_its_life(app: &TestApp) {
    let seed = seed("seed-2022-04-25.json");
    let (committee, meeting) = enter_and_publish(app, &seed, "public");
    check_published(app, &committee, meeting, &seed);
    let minutes = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1"), &committee.member).json();
    assert_eq!(minutes["items"][1]["guests"], json!([{"name": "Malene Goth", "note": null}]));
}

fn seed_2021_04_26_goes_through_its_life(app: &TestApp) {
    let seed = seed("seed-2021-04-26.json");
    let (committee, meeting) = enter_and_publish(app, &seed, "internal");
    check_published(app, &committee, meeting, &seed);
}

/// The item as the API takes it: what the fixture adds for later steps removed.
fn item_body(item: &Value) -> Value {
    let mut body = item.clone();
    let object = body.as_object_mut().unwrap();
    for later in ["decision", "guests"] {
        object.remove(later);
    }
    body
}

/// Enters the seed's meeting, publishes its agenda, holds it, records its decisions and publishes
/// its minutes, as the committee's secretary.
pub fn enter_and_publish(app: &TestApp, seed: &Value, publication: &str) -> (CommitteeFixture, i64) {
    let committee = fixtures::committee(app, seed["committee"]["name"].as_str().unwrap(), publication);
    let secretary = &committee.secretary;
    let mut meeting = seed["meeting"].clone();
    meeting["committee_id"] = json!(committee.id);
    let meeting = id(&app.post("/v1/meetings", secretary, meeting).expect(201).json());
    for participant in seed["participants"].as_array().unwrap() {
        app.post(&format!("/v1/meetings/{meeting}/participants"), secretary, participant.clone()).expect(201);
    }
    let mut item_ids = Vec::new();
    for item in seed["items"].as_array().unwrap() {
        let created = fixtures::item(app, &committee, meeting, item_body(item));
        for guest in item.get("guests").and_then(Value::as_array).into_iter().flatten() {
            let body = json!({"kind": "guest", "name": guest["name"]});
            app.post(&format!("/v1/items/{}/attendance", id(&created)), secretary, body).expect(201);
        }
        item_ids.push(id(&created));
    }

    // Decisions wait for the meeting to be held.
    let early = fixtures::decide_reply(app, secretary, item_ids[0], json!({"outcome": "noted"}));
    early.problem(409, "meeting-state");
    fixtures::act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
    fixtures::act(app, secretary, meeting, "hold", json!({})).expect(200);
    for (item, id) in seed["items"].as_array().unwrap().iter().zip(&item_ids) {
        if let Some(decision) = item.get("decision") {
            fixtures::decide(app, secretary, *id, decision.clone());
        }
    }
    let published = fixtures::act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    assert_eq!(published.json()["meeting"]["status"], "minutes_published");
    (committee, meeting)
}

fn check_published(app: &TestApp, committee: &CommitteeFixture, meeting: i64, seed: &Value) {
    let base = format!("/v1/meetings/{meeting}/published");
    let versions = app.get(&base, &committee.reader).expect(200).json();
    let versions: Vec<(String, i64)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["kind"].as_str().unwrap().to_owned(), v["number"].as_i64().unwrap()))
        .collect();
    assert_eq!(versions, [("agenda".to_owned(), 1), ("minutes".to_owned(), 1)]);

    // A member reads the minutes with everything that was entered, in order.
    let minutes = app.get(&format!("{base}/minutes/1"), &committee.member).expect(200).json();
    for key in ["title", "starts_at", "location"] {
        assert_eq!(minutes["meeting"][key], seed["meeting"][key], "meeting {key}");
    }
    let people: Vec<Value> = minutes["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({"name": p["name"], "attendance": p["attendance"]}))
        .collect();
    assert_eq!(Value::from(people), seed["participants"]);
    let items = minutes["items"].as_array().unwrap();
    let expected_items = seed["items"].as_array().unwrap();
    assert_eq!(items.len(), expected_items.len());
    for (index, (item, expected)) in items.iter().zip(expected_items).enumerate() {
        let number = index as i64 + 1;
        assert_eq!(item["number"], number);
        for field in ITEM_FIELDS {
            let want = match field {
                "closed" => expected.get("closed").cloned().unwrap_or(json!(false)),
                _ => expected.get(field).cloned().unwrap_or(Value::Null),
            };
            assert_eq!(item[field], want, "item {number}, {field}");
        }
        let decision = expected.get("decision").map_or(
            Value::Null,
            |d| json!({"outcome": d.get("outcome").cloned().unwrap_or(Value::Null), "text": d["text"]}),
        );
        assert_eq!(item["decision"], decision, "item {number}, decision");
    }
    // The agenda was published before the meeting: it has no decisions.
    let agenda = app.get(&format!("{base}/agenda/1"), &committee.member).expect(200).json();
    assert!(agenda["items"].as_array().unwrap().iter().all(|i| i["decision"].is_null()));

    // Someone below member sees the closed items as number and title, and none of their content.
    let reader_view = app.get(&format!("{base}/minutes/1"), &committee.reader).expect(200);
    assert!(!reader_view.body.contains(CLOSED_MARKER), "closed content leaked: {}", reader_view.body);
    let mut closed_seen = 0;
    for (item, expected) in reader_view.json()["items"].as_array().unwrap().iter().zip(expected_items) {
        if expected["closed"] == json!(true) {
            closed_seen += 1;
            assert_eq!(keys(item), CLOSED_DOCUMENT_KEYS, "{item}");
            assert_eq!(item["title"], expected["title"]);
        } else {
            assert_eq!(item["summary"], expected.get("summary").cloned().unwrap_or(Value::Null));
        }
    }
    assert_eq!(closed_seen, 4, "both seeds have four closed items");

    // The working copy shows the same to the same people.
    let live = app.get(&format!("/v1/meetings/{meeting}"), &committee.reader).expect(200);
    assert!(!live.body.contains(CLOSED_MARKER));
    let live = live.json();
    assert_eq!(live["status"], "minutes_published");
    assert_eq!(live["unpublished_changes"], false);
    for item in live["items"].as_array().unwrap().iter().filter(|i| i["closed"] == true) {
        assert_eq!(keys(item), CLOSED_ITEM_KEYS, "{item}");
    }
    app.get(&format!("/v1/meetings/{meeting}"), &committee.outsider).problem(404, "not-found");
}
