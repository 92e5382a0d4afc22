//! An item's financial consequences as data ("Udgiften udgør årligt 193.746 kr. (2021-priser)"):
//! closed content with a closed item; an expense can start a cost allocation.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::item_amounts::{self, ItemAmount, ItemAmountFields};
use crate::db::items::{Item, ItemPlace};
use crate::db::meetings::Seen;
use crate::db::{DbConnection, modified_since};
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, item_in_full, read_item_in_full};
use crate::time;
use crate::views::item_amount::ItemAmountView;

fn object(amount: &ItemAmount, item: &Item, place: &ItemPlace) -> Object {
    Object::of_committee("item_amount", amount.id, place.committee_id, item.closed)
}

/// An amount of an item the caller may change (the committee's secretaries).
fn find_to_change(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
) -> ApiResult<(ItemAmount, Item, ItemPlace)> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    let amount = item_amounts::find(conn, item.id, id)?.ok_or(ApiError::NotFound)?;
    Ok((amount, item, place))
}

/// The item's amounts in the order they were recorded (with `since`, changed since), for whoever
/// reads the item in full; a read of a closed item's is audited.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<ItemAmount>> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    Ok(modified_since(item_amounts::list_for_item(conn, item.id)?, since))
}

/// Records an amount (the committee's secretaries, while the item's content may change).
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    fields: &ItemAmountFields,
) -> ApiResult<ItemAmount> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::ItemContent)?;
    ensure_room(item_amounts::count_for_item(conn, item.id)?, limits::AMOUNTS, "amounts on an item")?;
    let amount =
        item_amounts::create(conn, item.meeting_id, Seen::content_of(item.closed), item.id, fields, time::now())?;
    audit::created(conn, principal, &object(&amount, &item, &place), &ItemAmountView::from(amount.clone()))?;
    Ok(amount)
}

/// One amount, for whoever reads the item in full.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    id: i64,
) -> ApiResult<ItemAmount> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    item_amounts::find(conn, item.id, id)?.ok_or(ApiError::NotFound)
}

/// Changes an amount (the committee's secretaries): `change` makes the new fields of the current
/// ones. Allocations made from it keep their own total.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(ItemAmountFields) -> ApiResult<ItemAmountFields>,
) -> ApiResult<ItemAmount> {
    let (current, item, place) = find_to_change(conn, principal, item_id, id)?;
    expected.check(current.version)?;
    allow(place.status, Change::ItemContent)?;
    let fields = change(current.fields())?;
    let seen = Seen::content_of(item.closed);
    let amount = item_amounts::update(conn, item.meeting_id, seen, &current, &fields, time::now())?;
    let (old, new) = (ItemAmountView::from(current), ItemAmountView::from(amount.clone()));
    audit::updated(conn, principal, &object(&amount, &item, &place), &old, &new)?;
    Ok(amount)
}

/// Removes an amount (the committee's secretaries).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (current, item, place) = find_to_change(conn, principal, item_id, id)?;
    expected.check(current.version)?;
    allow(place.status, Change::ItemContent)?;
    item_amounts::delete(conn, item.meeting_id, Seen::content_of(item.closed), &current, time::now())?;
    audit::deleted(conn, principal, &object(&current, &item, &place), &ItemAmountView::from(current.clone()))
}
