//! Building blocks for tests: groups, a committee with one caller per role, meetings and items.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::common::{Reply, TestApp};

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
    /// External ids of the three groups, for minting more users of them.
    pub secretariat_external: String,
    pub member_external: String,
    pub secretary: String,
    pub member: String,
    /// The subject of `member`'s token.
    pub member_subject: String,
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
    let member_subject = unique("member");
    CommitteeFixture {
        id,
        secretariat_group,
        member_group,
        reader_group,
        secretary: app.token(&unique("secretary"), &[&secretariat], &[]),
        member: app.token(&member_subject, &[&members], &[]),
        member_subject,
        reader: app.token(&unique("reader"), &[&readers], &[]),
        outsider: app.token(&unique("outsider"), &[&others], &[]),
        admin: app.admin(),
        secretariat_external: secretariat,
        member_external: members,
    }
}

pub fn meeting(app: &TestApp, committee: &CommitteeFixture, starts_at: &str) -> Value {
    let body = json!({"committee_id": committee.id, "title": "Direktionsmøde", "starts_at": starts_at, "location": "Rådhuset"});
    app.post("/v1/meetings", &committee.secretary, body).expect(201).json()
}

pub fn item(app: &TestApp, committee: &CommitteeFixture, meeting: i64, body: Value) -> Value {
    item_as(app, &committee.secretary, meeting, body)
}

pub fn item_as(app: &TestApp, secretary: &str, meeting: i64, body: Value) -> Value {
    app.post(&format!("/v1/meetings/{meeting}/items"), secretary, body).expect(201).json()
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
pub const CLOSED_ITEM_KEYS: [&str; 5] = ["closed", "legal_basis", "number", "position", "title"];

/// A legal basis for an item that is `closed`, none for an open one.
pub fn basis(closed: bool) -> Value {
    if closed { json!("offentlighedsloven_30_1") } else { Value::Null }
}

/// An access group and the external id tokens name it by.
#[derive(Clone, Debug)]
pub struct Group {
    pub id: i64,
    pub external_id: String,
}

fn named_group(app: &TestApp, name: &str, tier: &str, parent: Option<&Group>) -> Group {
    let (id, external_id) = group(app, name, tier, parent.map(|p| p.id));
    Group { id, external_id }
}

fn committee_owned(app: &TestApp, name: &str, kind: &str, owner: &Group) -> i64 {
    let body = json!({"name": name, "kind": kind, "owner_group_id": owner.id});
    id(&app.post("/v1/committees", &app.admin(), body).expect(201).json())
}

/// The organisation of the seeds, in its four tiers: Direktionen; staff functions; professional units;
/// institutions (a school with its office and school board, a day-care institution with its board);
/// Hovedudvalget with a member grant on every MED committee, and two MED committees.
pub struct Organisation {
    pub direktionen: Group,
    pub okonomistaben: Group,
    pub hr: Group,
    pub sekretariatet: Group,
    pub jobcentret: Group,
    pub borgerservice: Group,
    pub born_og_familie: Group,
    pub nordskolen: Group,
    /// Manages its subtree: the school board's groups and committee. Holds no grant itself, since
    /// every member of a group below it is a member of it too.
    pub nordskolens_kontor: Group,
    /// Below the office: the school board committee's secretaries (the office staff).
    pub nordskolens_sekretaerer: Group,
    /// Below the office: the school board's members.
    pub skolebestyrelsen: Group,
    pub solsikken: Group,
    pub solsikkens_ledelse: Group,
    pub solsikkens_bestyrelse: Group,
    pub hovedudvalget: Group,
    pub direktionen_committee: i64,
    pub hovedudvalget_committee: i64,
    pub med_jobcentret: i64,
    pub med_borgerservice: i64,
    pub school_board: i64,
    pub daycare_board: i64,
}

pub fn organisation(app: &TestApp) -> Organisation {
    let direktionen = named_group(app, "Direktionen", "political", None);
    let okonomistaben = named_group(app, "Økonomistaben", "staff", None);
    let hr = named_group(app, "HR", "staff", None);
    let sekretariatet = named_group(app, "Sekretariatet", "staff", None);
    let jobcentret = named_group(app, "Jobcentret", "unit", None);
    let borgerservice = named_group(app, "Borgerservice", "unit", None);
    let born_og_familie = named_group(app, "Børn og Familie", "unit", None);
    let nordskolen = named_group(app, "Nordskolen", "institution", None);
    let nordskolens_kontor = named_group(app, "Nordskolens kontor", "institution", Some(&nordskolen));
    let nordskolens_sekretaerer = named_group(app, "Nordskolens sekretærer", "institution", Some(&nordskolens_kontor));
    let skolebestyrelsen =
        named_group(app, "Skolebestyrelsen ved Nordskolen", "institution", Some(&nordskolens_kontor));
    let solsikken = named_group(app, "Børnehuset Solsikken", "institution", None);
    let solsikkens_ledelse = named_group(app, "Solsikkens ledelse", "institution", Some(&solsikken));
    let solsikkens_bestyrelse = named_group(app, "Bestyrelsen i Solsikken", "institution", Some(&solsikken));
    let hovedudvalget = named_group(app, "Hovedudvalget", "staff", None);
    let admin = app.admin();
    let etag = app.get(&format!("/v1/access-groups/{}", nordskolens_kontor.id), &admin).etag();
    app.patch(&format!("/v1/access-groups/{}", nordskolens_kontor.id), &admin, &etag, json!({"manages_subtree": true}))
        .expect(200);

    let direktionen_committee = committee_owned(app, "Direktionen", "executive_board", &sekretariatet);
    grant(app, direktionen_committee, sekretariatet.id, "secretary");
    grant(app, direktionen_committee, direktionen.id, "member");
    let hovedudvalget_committee = committee_owned(app, "Hovedudvalget", "med", &hr);
    let med_jobcentret = committee_owned(app, "MED Jobcentret", "med", &jobcentret);
    let med_borgerservice = committee_owned(app, "MED Borgerservice", "med", &borgerservice);
    for med in [hovedudvalget_committee, med_jobcentret, med_borgerservice] {
        grant(app, med, hr.id, "secretary");
    }
    grant(app, med_jobcentret, jobcentret.id, "reader");
    grant(app, med_borgerservice, borgerservice.id, "reader");
    let body = json!({"group_id": hovedudvalget.id, "committee_kind": "med", "role": "member"});
    app.post("/v1/grants", &admin, body).expect(201);
    let school_board = committee_owned(app, "Skolebestyrelsen Nordskolen", "school_board", &nordskolens_kontor);
    grant(app, school_board, nordskolens_sekretaerer.id, "secretary");
    grant(app, school_board, skolebestyrelsen.id, "member");
    let daycare_board = committee_owned(app, "Bestyrelsen i Solsikken", "daycare_board", &solsikken);
    grant(app, daycare_board, solsikkens_ledelse.id, "secretary");
    grant(app, daycare_board, solsikkens_bestyrelse.id, "member");

    Organisation {
        direktionen,
        okonomistaben,
        hr,
        sekretariatet,
        jobcentret,
        borgerservice,
        born_og_familie,
        nordskolen,
        nordskolens_kontor,
        nordskolens_sekretaerer,
        skolebestyrelsen,
        solsikken,
        solsikkens_ledelse,
        solsikkens_bestyrelse,
        hovedudvalget,
        direktionen_committee,
        hovedudvalget_committee,
        med_jobcentret,
        med_borgerservice,
        school_board,
        daycare_board,
    }
}

/// A meeting of `committee` created by one of its secretaries (`secretary` holds that role).
pub fn meeting_of(app: &TestApp, secretary: &str, committee: i64, starts_at: &str) -> i64 {
    let body = json!({"committee_id": committee, "title": "Møde", "starts_at": starts_at});
    id(&app.post("/v1/meetings", secretary, body).expect(201).json())
}

/// Takes a lifecycle action (`publish-agenda`, `hold`, `publish-minutes`, `cancel`) on the meeting
/// as it now stands, as `token`.
pub fn act(app: &TestApp, token: &str, meeting: i64, action: &str, body: Value) -> Reply {
    let path = format!("/v1/meetings/{meeting}");
    let etag = app.get(&path, token).expect(200).etag();
    app.post_if(&format!("{path}/{action}"), token, &etag, body)
}

/// Publishes the meeting's agenda and records it as held (its start must have passed).
pub fn publish_and_hold(app: &TestApp, token: &str, meeting: i64) {
    act(app, token, meeting, "publish-agenda", json!({})).expect(201);
    act(app, token, meeting, "hold", json!({})).expect(200);
}

/// Records an item's decision.
pub fn decide(app: &TestApp, token: &str, item: i64, decision: Value) -> Value {
    decide_reply(app, token, item, decision).expect(200).json()
}

/// Asks to record an item's decision on its current version.
pub fn decide_reply(app: &TestApp, token: &str, item: i64, decision: Value) -> Reply {
    let path = format!("/v1/items/{item}");
    let etag = app.get(&path, token).expect(200).etag();
    app.put(&format!("{path}/decision"), token, &etag, decision)
}
