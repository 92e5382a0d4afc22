//! Agenda items: a meeting's agenda, and its items read, added, changed, reordered and removed, as
//! the caller may.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::items::{self, Decision, Item, ItemFields};
use crate::db::{DbConnection, meetings};
use crate::domain::CommitteeRole;
use crate::domain::access::{ItemView, Principal, item_view};
use crate::domain::agenda::{OrderError, check_reordering};
use crate::domain::closing::{PublicDecision, public_decision_refusal};
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::domain::protocol::Quorum;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, find_readable, find_readable_item, require_secretary};
use crate::service::agenda::{Agenda, entries};
use crate::service::protocol::Sitting;
use crate::time;
use crate::views::item::{AgendaEntry, AgendaItemView};

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

/// The meeting's agenda in order, each item as the caller may see it. With `since`, the open items
/// changed since then and every closed item: when a closed item's hidden content changed is not for
/// everyone to know.
pub fn agenda(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    meeting_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<AgendaEntry>> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    let mut items = items::list_for_meeting(conn, meeting.id)?;
    if let Some(since) = since {
        items.retain(|item| item.closed || item.updated_at >= since);
    }
    let agenda = Agenda { meeting: meeting.id, committee: meeting.committee_id, role, principal, auditor };
    Ok(entries(conn, &agenda, items)?.0)
}

/// Puts the agenda in the order `item_ids` gives (its secretaries, while the agenda may change):
/// the agenda in its new order, and the meeting's new version.
pub fn reorder(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    meeting_id: i64,
    expected: &impl Expected,
    item_ids: &[i64],
) -> ApiResult<(Vec<AgendaEntry>, i64)> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    require_secretary(role)?;
    expected.check(meeting.version)?;
    allow(meeting.status, Change::AgendaStructure)?;
    let current: Vec<i64> = items::list_for_meeting(conn, meeting.id)?.iter().map(|i| i.id).collect();
    check_reordering(&current, item_ids).map_err(|error| {
        let message = match error {
            OrderError::Duplicate(id) => format!("names item {id} twice"),
            OrderError::Unknown(id) => format!("item {id} is not on this agenda"),
            OrderError::Missing(n) => format!("leaves out {n} of the agenda's items"),
        };
        ApiError::validation("item_ids", message)
    })?;
    items::reorder(conn, meeting.id, item_ids, time::now())?;
    let object = Object::of_committee("meeting", meeting.id, meeting.committee_id, false);
    audit::change(conn, principal, "reorder", &object, Some(&current), Some(&item_ids))?;
    let version = meetings::find(conn, meeting.id)?.ok_or(ApiError::NotFound)?.version;
    let items = items::list_for_meeting(conn, meeting.id)?;
    let agenda = Agenda { meeting: meeting.id, committee: meeting.committee_id, role, principal, auditor };
    Ok((entries(conn, &agenda, items)?.0, version))
}

/// The item, and the caller's role for it (which decides whether it is shown in full); a read of a
/// closed item in full is audited.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    id: i64,
) -> ApiResult<(Item, Option<CommitteeRole>)> {
    let (item, role, place) = find_readable_item(conn, principal, id)?;
    if item.closed && item_view(true, role) == ItemView::Full {
        audit::closed_reads(auditor, principal, place.committee_id, &[item.id]);
    }
    Ok((item, role))
}

/// Changes the item's content (its secretaries, while the meeting allows): `change` makes the new
/// fields of the current item.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(ItemFields) -> ApiResult<ItemFields>,
) -> ApiResult<(Item, Option<CommitteeRole>)> {
    let (current, role, place) = find_readable_item(conn, principal, id)?;
    require_secretary(role)?;
    expected.check(current.version)?;
    allow(place.status, Change::ItemContent)?;
    let fields = change(current.fields())?;
    let item = items::update(conn, &current, &fields, time::now())?;
    // Closed content on either side makes the record closed content.
    let mut object = object(&item, place.committee_id);
    object.closed |= current.closed;
    audit::updated(conn, principal, &object, &AgendaItemView::from(current), &AgendaItemView::from(item.clone()))?;
    Ok((item, role))
}

/// A decision needs the committee's quorum for the item, or the secretary's reason for recording
/// it without one; the reason is only for an item without a quorum.
fn check_quorum(quorum: Option<Quorum>, overridden: bool) -> ApiResult<()> {
    match quorum {
        Some(q) if !q.quorate && !overridden => Err(ApiError::validation(
            "quorum_override",
            format!(
                "the committee had no quorum for this item ({} of {} members took part; more than half \
                 must): give the reason for recording the decision anyway",
                q.present, q.members
            ),
        )),
        Some(q) if q.quorate && overridden => Err(ApiError::validation(
            "quorum_override",
            "the committee had a quorum for this item: nothing to override",
        )),
        None if overridden => Err(ApiError::validation(
            "quorum_override",
            "the committee keeps no roster, so no quorum is counted: nothing to override",
        )),
        _ => Ok(()),
    }
}

/// Records the decision on an item, or clears it with an empty one (its secretaries, while decisions may
/// be recorded).
pub fn decide(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    decision: Decision,
) -> ApiResult<(Item, Option<CommitteeRole>)> {
    let (current, role, place) = find_readable_item(conn, principal, id)?;
    require_secretary(role)?;
    expected.check(current.version)?;
    allow(place.status, Change::Decisions)?;
    let public =
        PublicDecision { closed: current.closed, text: decision.public_text.as_deref(), from: decision.public_from };
    if let Some((field, reason)) = public_decision_refusal(public) {
        return Err(ApiError::validation(field, reason));
    }
    if decision.outcome.is_some() || decision.text.is_some() {
        let meeting = meetings::find(conn, current.meeting_id)?.ok_or(ApiError::NotFound)?;
        let quorum = Sitting::of(conn, &meeting)?.quorum(current.id);
        check_quorum(quorum, decision.quorum_override.is_some())?;
    }
    let item = items::set_decision(conn, &current, decision, time::now())?;
    let object = object(&item, place.committee_id);
    let before = AgendaItemView::from(current).decision;
    let after = AgendaItemView::from(item.clone()).decision;
    audit::change(conn, principal, "decide", &object, Some(&before), Some(&after))?;
    Ok((item, role))
}

/// Removes the item from the agenda (its secretaries, while the agenda may change); later items
/// move up.
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let (current, role, place) = find_readable_item(conn, principal, id)?;
    require_secretary(role)?;
    expected.check(current.version)?;
    allow(place.status, Change::AgendaStructure)?;
    items::delete(conn, &current, time::now())?;
    audit::deleted(conn, principal, &object(&current, place.committee_id), &AgendaItemView::from(current.clone()))
}
