//! Who else took part in an item's treatment, and who did not: guests ("X deltager i behandlingen
//! af punktet") and absences ("X deltog ikke under punkt 12"). They are part of the item's content.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::item_attendance::{self, ItemAttendance, ItemAttendanceFields};
use crate::db::items::{Item, ItemPlace};
use crate::db::meetings::Seen;
use crate::db::{DbConnection, modified_since, participants};
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, item_in_full, read_item_in_full};
use crate::time;
use crate::views::item_attendance::ItemAttendanceView;

fn object(entry: &ItemAttendance, item: &Item, place: &ItemPlace) -> Object {
    Object::of_committee("item_attendance", entry.id, place.committee_id, item.closed)
}

/// The item's guests and absences in the order they were recorded (with `since`, changed since),
/// for whoever reads the item in full; a read of a closed item's is audited.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<ItemAttendance>> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    Ok(modified_since(item_attendance::list_for_item(conn, item.id)?, since))
}

/// Records a guest for the item, or a participant's absence from it (the committee's secretaries,
/// while the meeting allows).
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    fields: &ItemAttendanceFields,
) -> ApiResult<ItemAttendance> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::ItemContent)?;
    if let Some(participant) = fields.participant_id
        && participants::find(conn, item.meeting_id, participant)?.is_none()
    {
        return Err(ApiError::validation("participant_id", "no such participant of this meeting"));
    }
    let count = item_attendance::count_for_item(conn, item.id)?;
    ensure_room(count, limits::ITEM_ATTENDANCE, "guests and absences for an item")?;
    let entry =
        item_attendance::create(conn, item.meeting_id, Seen::content_of(item.closed), item.id, fields, time::now())?;
    let view = ItemAttendanceView::from(entry.clone());
    audit::created(conn, principal, &object(&entry, &item, &place), &view)?;
    Ok(entry)
}

/// One guest or absence, for whoever reads the item in full.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    id: i64,
) -> ApiResult<ItemAttendance> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    item_attendance::find(conn, item.id, id)?.ok_or(ApiError::NotFound)
}

/// Removes a guest or an absence (the committee's secretaries, while the meeting allows).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    let entry = item_attendance::find(conn, item.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(entry.version)?;
    allow(place.status, Change::ItemContent)?;
    item_attendance::delete(conn, item.meeting_id, Seen::content_of(item.closed), &entry, time::now())?;
    audit::deleted(conn, principal, &object(&entry, &item, &place), &ItemAttendanceView::from(entry.clone()))
}
