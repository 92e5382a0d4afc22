//! Who else took part in an item's treatment, and who did not: guests ("X deltager i behandlingen
//! af punktet") and absences ("X deltog ikke under punkt 12"). They are part of the item's content.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::item_attendance::{self, ItemAttendance, ItemAttendanceFields};
use crate::db::items::{Item, ItemPlace};
use crate::db::meetings::Seen;
use crate::db::{DbConnection, items, modified_since, participants};
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::{ItemAttendanceKind, limits};
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, find_readable, item_in_full, read_item_in_full, require_secretary};
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

/// Records that a participant did not take part in the items numbered `from` to `to` ("deltog ikke
/// under punkterne 12-15"), once for the range (the committee's secretaries, while the meeting
/// allows). Items where the absence is recorded already keep it; returns the range's absences.
pub fn absent_from_range(
    conn: &mut DbConnection,
    principal: &Principal,
    (meeting_id, participant_id): (i64, i64),
    (from, to): (i32, i32),
    note: Option<String>,
) -> ApiResult<Vec<ItemAttendance>> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    require_secretary(role)?;
    allow(meeting.status, Change::ItemContent)?;
    participants::find(conn, meeting.id, participant_id)?.ok_or(ApiError::NotFound)?;
    let in_range: Vec<Item> =
        items::list_for_meeting(conn, meeting.id)?.into_iter().filter(|i| (from..=to).contains(&i.number())).collect();
    if in_range.is_empty() || from > to {
        return Err(ApiError::validation("to", "names no item of the meeting from `from` to `to`"));
    }
    let fields = ItemAttendanceFields {
        kind: ItemAttendanceKind::Absent,
        participant_id: Some(participant_id),
        name: None,
        note,
    };
    // One read of the meeting's attendance, not one per item.
    let mut recorded = item_attendance::list_for_meeting(conn, meeting.id)?;
    recorded.retain(|a| a.participant_id == Some(participant_id));
    let mut absences = Vec::new();
    for item in in_range {
        let recorded = recorded.iter().find(|a| a.item_id == item.id).cloned();
        let entry = match recorded {
            Some(entry) => entry,
            None => {
                let count = item_attendance::count_for_item(conn, item.id)?;
                ensure_room(count, limits::ITEM_ATTENDANCE, "guests and absences for an item")?;
                let seen = Seen::content_of(item.closed);
                let entry = item_attendance::create(conn, meeting.id, seen, item.id, &fields, time::now())?;
                let view = ItemAttendanceView::from(entry.clone());
                let object = Object::of_committee("item_attendance", entry.id, meeting.committee_id, item.closed);
                audit::created(conn, principal, &object, &view)?;
                entry
            }
        };
        absences.push(entry);
    }
    Ok(absences)
}
