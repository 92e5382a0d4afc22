//! An exclusion (inhabilitet) as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::exclusions::Exclusion;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 4, "subject": "jlt@kalundborg.dk", "reason": "Inhabil: nærtstående part i sagen.", "created_by": "sekretaer@kalundborg.dk", "version": 1, "created_at": "2022-04-21T14:02:00+02:00"})))]
pub struct ExclusionView {
    pub id: i64,
    pub item_id: i64,
    /// The excluded user's subject.
    pub subject: String,
    pub reason: Option<String>,
    pub created_by: String,
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
            version: e.version,
            created_at: time::to_api(e.created_at),
        }
    }
}
