//! An exclusion (inhabilitet) as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::exclusions::Exclusion;
use crate::domain::protocol::RaisedBy;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 4, "subject": "jlt@kalundborg.dk", "reason": "Inhabil: nærtstående part i sagen.", "created_by": "sekretaer@kalundborg.dk", "participant_id": 7, "raised_by": "member", "ruling": "Udvalget fandt, at Jens Lund var inhabil.", "left_room": true, "substitute_id": 9, "version": 1, "created_at": "2022-04-21T14:02:00+02:00"})))]
pub struct ExclusionView {
    pub id: i64,
    pub item_id: i64,
    /// The excluded user's subject; none for a participant without a user account.
    pub subject: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    /// The participant of the meeting disqualified: the exclusion is a protocol entry (§ 14).
    pub participant_id: Option<i64>,
    pub raised_by: Option<RaisedBy>,
    /// The committee's ruling.
    pub ruling: Option<String>,
    /// Whether the member left the room for the item (`false`: refused to leave).
    pub left_room: Option<bool>,
    /// The participant called in as substitute for the item.
    pub substitute_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Exclusion> for ExclusionView {
    fn from(e: Exclusion) -> Self {
        ExclusionView {
            id: e.id,
            item_id: e.item_id,
            subject: e.subject,
            reason: e.reason,
            created_by: e.created_by,
            participant_id: e.participant_id,
            raised_by: e.raised_by,
            ruling: e.ruling,
            left_room: e.left_room,
            substitute_id: e.substitute_id,
            version: e.version,
            created_at: time::to_api(e.created_at),
        }
    }
}
