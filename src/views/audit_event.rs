//! An audit record as an auditor sees it. A record's values can hold closed content (an item's old
//! and new fields): an auditor who is not a member of the record's committee sees them cut down to
//! the keys anyone may see of a closed item, and `redacted: true`.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::db::audit::Event;
use crate::domain::closing::WITHHELD_TITLE;
use crate::time;

/// The keys of a closed item's values an auditor outside the committee sees: what a reader sees of it.
/// (A withheld title is shown as a reader sees it, "Lukket punkt".)
const OPEN_ITEM_KEYS: &[&str] =
    &["id", "meeting_id", "number", "position", "title", "closed", "legal_basis", "version"];

/// The keys of the values of anything else that belongs to a closed item (its attachments,
/// attendance, exclusions) an auditor outside the committee sees.
const OPEN_KEYS: &[&str] = &["id", "version"];

fn open_keys(object_type: &str) -> &'static [&'static str] {
    if matches!(object_type, "item" | "standing_item") { OPEN_ITEM_KEYS } else { OPEN_KEYS }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 912, "occurred_at": "2022-04-25T13:02:11+02:00", "actor": "mvdl@kalundborg.dk", "actor_kind": "user", "action": "read", "object_type": "item", "object_id": "4", "committee_id": 1, "old_value": null, "new_value": null, "redacted": false, "request_id": "3f9a1c0b7d2e4a6f8b1c2d3e", "seq": 905})))]
pub struct AuditEventView {
    pub id: i64,
    pub occurred_at: DateTime<FixedOffset>,
    /// Who: a user's or a client's subject, or `anonymous`.
    pub actor: String,
    /// `user`, `client`, `anonymous`, or `service` (the service itself: its retention records).
    pub actor_kind: String,
    /// What: `create`, `update`, `delete`, `read` (of closed content), `denied`, `deactivate`, …
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub committee_id: Option<i64>,
    /// The values before and after the change (JSON), where there are any.
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    /// Closed content was cut from the values for this caller.
    pub redacted: bool,
    pub request_id: Option<String>,
    /// The record's place in the hash chain; `null` for the second or so until it is sealed.
    pub seq: Option<i64>,
}

fn redact(value: Value, open: &[&str]) -> Value {
    match value {
        Value::Object(fields) => {
            let withheld = fields.get("title_withheld") == Some(&Value::Bool(true));
            Value::Object(
                fields
                    .into_iter()
                    .filter(|(k, _)| open.contains(&k.as_str()))
                    .map(|(k, v)| match k.as_str() {
                        "title" if withheld => (k, Value::from(WITHHELD_TITLE)),
                        _ => (k, v),
                    })
                    .collect(),
            )
        }
        _ => Value::Null,
    }
}

impl AuditEventView {
    /// A record as an auditor sees it: `redacted`, its values cut down to the keys anyone may see.
    pub fn new(event: Event, redacted: bool) -> AuditEventView {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str::<Value>(&t).ok());
        let open = open_keys(&event.object_type);
        let shown = |value: Option<Value>| if redacted { value.map(|v| redact(v, open)) } else { value };
        AuditEventView {
            id: event.id,
            occurred_at: time::to_api(event.occurred_at),
            actor: event.actor,
            actor_kind: event.actor_kind,
            action: event.action,
            object_type: event.object_type,
            object_id: event.object_id,
            committee_id: event.committee_id,
            old_value: shown(parse(event.old_value)),
            new_value: shown(parse(event.new_value)),
            redacted,
            request_id: event.request_id,
            seq: event.seq,
        }
    }
}
