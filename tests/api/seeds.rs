//! The two seed meetings (Direktionen, 26 April 2021 and 25 April 2022) entered through the API and
//! read back unchanged; a non-member sees their closed items as number and title only.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, CLOSED_ITEM_KEYS, id, keys};

db_tests!(seed_2022_04_25_reads_back_unchanged, seed_2021_04_26_reads_back_unchanged,);

/// Every field an item carries; the fixture leaves out those that are empty in the minutes.
const ITEM_FIELDS: [&str; 13] = [
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
    "decision",
    "position",
];

/// Marks the invented content of closed items in the fixtures (the minutes do not show it).
const CLOSED_MARKER: &str = "LUKKET-INDHOLD";

fn seed(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn seed_2022_04_25_reads_back_unchanged(app: &TestApp) {
    enter_and_read_back(app, &seed("seed-2022-04-25.json"));
}

fn seed_2021_04_26_reads_back_unchanged(app: &TestApp) {
    enter_and_read_back(app, &seed("seed-2021-04-26.json"));
}

fn enter_and_read_back(app: &TestApp, seed: &Value) {
    let committee = fixtures::committee(app, seed["committee"]["name"].as_str().unwrap(), "none");
    let mut meeting = seed["meeting"].clone();
    meeting["committee_id"] = json!(committee.id);
    let meeting_id = id(&app.post("/v1/meetings", &committee.secretary, meeting).expect(201).json());
    for participant in seed["participants"].as_array().unwrap() {
        app.post(&format!("/v1/meetings/{meeting_id}/participants"), &committee.secretary, participant.clone())
            .expect(201);
    }
    for item in seed["items"].as_array().unwrap() {
        fixtures::item(app, &committee, meeting_id, item.clone());
    }

    // A member reads back exactly what was entered, in order.
    let path = format!("/v1/meetings/{meeting_id}");
    let stored = app.get(&path, &committee.member).expect(200).json();
    for key in ["title", "starts_at", "location"] {
        assert_eq!(stored[key], seed["meeting"][key], "meeting {key}");
    }
    let people: Vec<Value> = stored["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({"name": p["name"], "attendance": p["attendance"]}))
        .collect();
    assert_eq!(Value::from(people), seed["participants"]);
    let items = stored["items"].as_array().unwrap();
    let expected_items = seed["items"].as_array().unwrap();
    assert_eq!(items.len(), expected_items.len());
    for (index, (item, expected)) in items.iter().zip(expected_items).enumerate() {
        let number = index as i64 + 1;
        assert_eq!(item["number"], number);
        for field in ITEM_FIELDS {
            let want = match field {
                "position" => json!(number),
                "closed" => expected.get("closed").cloned().unwrap_or(json!(false)),
                "decision" => expected.get("decision").map_or(
                    Value::Null,
                    |d| json!({"outcome": d.get("outcome").cloned().unwrap_or(Value::Null), "text": d["text"]}),
                ),
                _ => expected.get(field).cloned().unwrap_or(Value::Null),
            };
            assert_eq!(item[field], want, "item {number}, {field}");
        }
    }

    // Someone below member sees the closed items as number and title, and none of their content.
    let reader_view = app.get(&path, &committee.reader).expect(200);
    assert!(!reader_view.body.contains(CLOSED_MARKER), "closed content leaked: {}", reader_view.body);
    let reader_items = reader_view.json()["items"].as_array().unwrap().clone();
    let mut closed_seen = 0;
    for (item, expected) in reader_items.iter().zip(expected_items) {
        if expected["closed"] == json!(true) {
            closed_seen += 1;
            assert_eq!(keys(item), CLOSED_ITEM_KEYS, "{item}");
            assert_eq!(item["title"], expected["title"]);
        } else {
            assert_eq!(item["summary"], expected.get("summary").cloned().unwrap_or(Value::Null));
        }
    }
    assert_eq!(closed_seen, 4, "both seeds have four closed items");
    let agenda = app.get(&format!("{path}/items"), &committee.reader).expect(200);
    assert!(!agenda.body.contains(CLOSED_MARKER));
    for item in stored["items"].as_array().unwrap() {
        let one = app.get(&format!("/v1/items/{}", id(item)), &committee.reader).expect(200);
        assert!(!one.body.contains(CLOSED_MARKER), "{}", one.body);
    }
    app.get(&path, &committee.outsider).problem(404, "not-found");
}
