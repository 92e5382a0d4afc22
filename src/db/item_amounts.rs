//! The structured financial consequences of agenda items. Part of the meeting aggregate: every
//! change touches the meeting first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::meetings::Seen;
use super::removed_one;
use super::schema::{agenda_items, item_amounts as amounts};
use super::{DbConnection, meetings};
use crate::domain::allocation::{AmountKind, Recurrence};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = amounts)]
pub struct ItemAmount {
    pub id: i64,
    pub item_id: i64,
    pub label: String,
    pub kind: AmountKind,
    pub recurrence: Recurrence,
    pub amount_ore: i64,
    pub price_year: Option<i32>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl super::Modified for ItemAmount {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = amounts, treat_none_as_null = true)]
pub struct ItemAmountFields {
    pub label: String,
    pub kind: AmountKind,
    pub recurrence: Recurrence,
    pub amount_ore: i64,
    pub price_year: Option<i32>,
}

impl ItemAmount {
    pub fn fields(&self) -> ItemAmountFields {
        ItemAmountFields {
            label: self.label.clone(),
            kind: self.kind,
            recurrence: self.recurrence,
            amount_ore: self.amount_ore,
            price_year: self.price_year,
        }
    }
}

/// The item's amounts in the order they were recorded.
pub fn list_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<ItemAmount>> {
    amounts::table.filter(amounts::item_id.eq(item_id)).order(amounts::id).select(ItemAmount::as_select()).load(conn)
}

/// Every item's amounts for one meeting.
pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<ItemAmount>> {
    amounts::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order(amounts::id)
        .select(ItemAmount::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, item_id: i64, id: i64) -> QueryResult<Option<ItemAmount>> {
    amounts::table
        .filter(amounts::id.eq(id))
        .filter(amounts::item_id.eq(item_id))
        .select(ItemAmount::as_select())
        .first(conn)
        .optional()
}

/// An amount by its id alone, whichever item it belongs to.
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ItemAmount>> {
    amounts::table.find(id).select(ItemAmount::as_select()).first(conn).optional()
}

pub fn create(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    item_id: i64,
    fields: &ItemAmountFields,
    now: NaiveDateTime,
) -> StoreResult<ItemAmount> {
    meetings::touch(conn, meeting_id, now, seen)?;
    Ok(diesel::insert_into(amounts::table)
        .values((
            fields,
            amounts::item_id.eq(item_id),
            amounts::version.eq(1),
            amounts::created_at.eq(now),
            amounts::updated_at.eq(now),
        ))
        .returning(amounts::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    current: &ItemAmount,
    fields: &ItemAmountFields,
    now: NaiveDateTime,
) -> StoreResult<ItemAmount> {
    meetings::touch(conn, meeting_id, now, seen)?;
    diesel::update(at_version!(amounts, current))
        .set((fields, amounts::version.eq(current.version + 1), amounts::updated_at.eq(now)))
        .returning(amounts::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn delete(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    current: &ItemAmount,
    now: NaiveDateTime,
) -> StoreResult<()> {
    meetings::touch(conn, meeting_id, now, seen)?;
    removed_one(diesel::delete(at_version!(amounts, current)).execute(conn)?)
}

/// How many amounts an item has.
pub fn count_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    amounts::table.filter(amounts::item_id.eq(item_id)).count().get_result(conn)
}
