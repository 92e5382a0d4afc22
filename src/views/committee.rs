//! A committee as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::committees::Committee;
use crate::domain::agenda::Numbering;
use crate::domain::{CommitteeKind, Publication};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "name": "Direktionen", "kind": "executive_board", "owner_group_id": 1, "publication": "internal", "description": "Kommunens direktion.", "requires_sign_off": false, "numbering": "meeting", "version": 2, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct CommitteeView {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
    /// The access group that owns the committee (e.g. the secretariat or the unit it belongs to).
    pub owner_group_id: i64,
    /// Who may read its published agendas and minutes without a grant.
    pub publication: Publication,
    pub description: Option<String>,
    /// Whether the minutes may be published only once every approver has signed them off.
    pub requires_sign_off: bool,
    /// How its items are numbered: per `meeting`, or running through the `year` or the `term`.
    pub numbering: Numbering,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Committee> for CommitteeView {
    fn from(c: Committee) -> Self {
        CommitteeView {
            id: c.id,
            name: c.name,
            kind: c.kind,
            owner_group_id: c.owner_group_id,
            publication: c.publication,
            description: c.description,
            requires_sign_off: c.requires_sign_off,
            numbering: c.numbering,
            version: c.version,
            created_at: time::to_api(c.created_at),
            updated_at: time::to_api(c.updated_at),
        }
    }
}
