//! Building blocks for tests: groups, a committee with one caller per role, meetings and items.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::common::TestApp;

/// A unique suffix, so that fixtures never collide on external ids.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub fn group(app: &TestApp, name: &str, tier: &str, parent: Option<i64>) -> (i64, String) {
    let external_id = unique(&name.to_lowercase().replace(' ', "-"));
    let body = json!({"name": name, "external_id": external_id, "tier": tier, "parent_id": parent});
    let id = app.post("/v1/access-groups", &app.admin(), body).expect(201).json()["id"].as_i64().unwrap();
    (id, external_id)
}

pub fn grant(app: &TestApp, committee: i64, group: i64, role: &str) -> Value {
    app.post(&format!("/v1/committees/{committee}/grants"), &app.admin(), json!({"group_id": group, "role": role}))
        .expect(201)
        .json()
}

/// A committee whose secretariat, members and readers are three groups, each granted its role,
/// with a token for one user of each, an outsider and an admin without grants.
pub struct CommitteeFixture {
    pub id: i64,
    pub secretariat_group: i64,
    pub member_group: i64,
    pub reader_group: i64,
    pub secretary: String,
    pub member: String,
    pub reader: String,
    pub outsider: String,
    pub admin: String,
}

pub fn committee(app: &TestApp, name: &str, publication: &str) -> CommitteeFixture {
    let (secretariat_group, secretariat) = group(app, &format!("{name} sekretariat"), "staff", None);
    let (member_group, members) = group(app, &format!("{name} medlemmer"), "political", None);
    let (reader_group, readers) = group(app, &format!("{name} læsere"), "unit", None);
    let (_, others) = group(app, &format!("{name} andre"), "unit", None);
    let body = json!({"name": name, "kind": "executive_board", "owner_group_id": secretariat_group, "publication": publication});
    let id = app.post("/v1/committees", &app.admin(), body).expect(201).json()["id"].as_i64().unwrap();
    grant(app, id, secretariat_group, "secretary");
    grant(app, id, member_group, "member");
    grant(app, id, reader_group, "reader");
    CommitteeFixture {
        id,
        secretariat_group,
        member_group,
        reader_group,
        secretary: app.token(&unique("secretary"), &[&secretariat], &[]),
        member: app.token(&unique("member"), &[&members], &[]),
        reader: app.token(&unique("reader"), &[&readers], &[]),
        outsider: app.token(&unique("outsider"), &[&others], &[]),
        admin: app.admin(),
    }
}

pub fn meeting(app: &TestApp, committee: &CommitteeFixture, starts_at: &str) -> Value {
    let body = json!({"committee_id": committee.id, "title": "Direktionsmøde", "starts_at": starts_at, "location": "Rådhuset"});
    app.post("/v1/meetings", &committee.secretary, body).expect(201).json()
}

pub fn item(app: &TestApp, committee: &CommitteeFixture, meeting: i64, body: Value) -> Value {
    app.post(&format!("/v1/meetings/{meeting}/items"), &committee.secretary, body).expect(201).json()
}

pub fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> =
        value.as_object().unwrap_or_else(|| panic!("not an object: {value}")).keys().cloned().collect();
    keys.sort();
    keys
}

/// The keys a caller below member may see of a closed item.
pub const CLOSED_ITEM_KEYS: [&str; 4] = ["closed", "number", "position", "title"];
