//! A committee's standing items (faste punkter): the items every new meeting's agenda starts with.

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::standing_items::{self, StandingItem, StandingItemFields};
use crate::db::{DbConnection, modified_since};
use crate::domain::CommitteeRole;
use crate::domain::access::Principal;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{ensure_room, readable_committee, require_secretary};
use crate::time;
use crate::views::standing_item::StandingItemView;

fn object(item: &StandingItem) -> Object {
    Object::of_committee("standing_item", item.id, item.committee_id, item.closed)
}

/// The committee's standing items in agenda order (with `since`, those changed since), and the
/// caller's role on the committee, which decides how closed ones are shown.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<(Vec<StandingItem>, Option<CommitteeRole>)> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    Ok((modified_since(standing_items::list(conn, committee.id)?, since), role))
}

/// Adds a standing item (the committee's secretaries) at `position`, or last; `fields` makes the
/// item's fields for the position it gets.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    position: Option<i32>,
    fields: impl FnOnce(i32) -> StandingItemFields,
) -> ApiResult<StandingItem> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    require_secretary(role)?;
    let existing = standing_items::list(conn, committee.id)?;
    ensure_room(existing.len() as i64, limits::STANDING_ITEMS, "standing items of a committee")?;
    let position = position.unwrap_or_else(|| existing.last().map_or(1, |last| last.position + 1));
    let item = standing_items::create(conn, committee.id, &fields(position), time::now())?;
    audit::created(conn, principal, &object(&item), &StandingItemView::from(item.clone()))?;
    Ok(item)
}

/// One standing item, and the caller's role on its committee.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    id: i64,
) -> ApiResult<(StandingItem, Option<CommitteeRole>)> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    Ok((standing_items::find(conn, committee.id, id)?.ok_or(ApiError::NotFound)?, role))
}

/// Changes a standing item (the committee's secretaries): `change` makes the new fields of the
/// current ones. Meetings already created keep their items.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(StandingItemFields) -> ApiResult<StandingItemFields>,
) -> ApiResult<StandingItem> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    require_secretary(role)?;
    let current = standing_items::find(conn, committee.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    let fields = change(current.fields())?;
    let item = standing_items::update(conn, &current, &fields, time::now())?;
    let (old, new) = (StandingItemView::from(current.clone()), StandingItemView::from(item.clone()));
    let mut object = object(&item);
    object.closed |= current.closed;
    audit::updated(conn, principal, &object, &old, &new)?;
    Ok(item)
}

/// Removes a standing item (the committee's secretaries).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    require_secretary(role)?;
    let current = standing_items::find(conn, committee.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    standing_items::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &StandingItemView::from(current.clone()))
}
