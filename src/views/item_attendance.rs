//! A guest at, or an absence from, an item's treatment as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::item_attendance::ItemAttendance;
use crate::domain::ItemAttendanceKind;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 2, "kind": "guest", "name": "Malene Goth", "participant_id": null, "note": "Deltager i behandlingen af punktet.", "version": 1, "created_at": "2022-04-21T14:02:00+02:00"})))]
pub struct ItemAttendanceView {
    pub id: i64,
    pub item_id: i64,
    pub kind: ItemAttendanceKind,
    /// For `absent`: the meeting participant who did not take part.
    pub participant_id: Option<i64>,
    /// For `guest`: who joined for the item.
    pub name: Option<String>,
    /// E.g. "inhabil" or the guest's title.
    pub note: Option<String>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
}

impl From<ItemAttendance> for ItemAttendanceView {
    fn from(a: ItemAttendance) -> Self {
        ItemAttendanceView {
            id: a.id,
            item_id: a.item_id,
            kind: a.kind,
            participant_id: a.participant_id,
            name: a.name,
            note: a.note,
            version: a.version,
            created_at: time::to_api(a.created_at),
        }
    }
}
