//! Agenda items: adding them to a meeting's agenda, as the committee's secretaries may.

use crate::audit::{self, Object};
use crate::db::DbConnection;
use crate::db::items::{self, Item, ItemFields};
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::ApiResult;
use crate::service::access::{allow, ensure_room, find_readable, require_secretary};
use crate::time;
use crate::views::item::AgendaItemView;

/// How an item is named in the audit trail.
pub fn object(item: &Item, committee: i64) -> Object {
    Object::of_committee("item", item.id, committee, item.closed)
}

/// Adds an item to the meeting's agenda (its secretaries, while the agenda may still change), at
/// `position` or last.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    fields: &ItemFields,
    position: Option<i32>,
) -> ApiResult<Item> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    require_secretary(role)?;
    allow(meeting.status, Change::AgendaStructure)?;
    ensure_room(items::count(conn, meeting.id)?.into(), limits::AGENDA_ITEMS, "items on an agenda")?;
    let item = items::create(conn, meeting.id, fields, position, time::now())?;
    audit::created(conn, principal, &object(&item, meeting.committee_id), &AgendaItemView::from(item.clone()))?;
    Ok(item)
}
