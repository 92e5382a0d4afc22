//! Attendance per item: guests who join for one item, participants who do not take part in it.
//! Part of the meeting aggregate: every change touches the meeting first.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::error::{StoreError, StoreResult};
use super::meetings::Seen;
use super::removed_one;
use super::schema::{agenda_items, item_attendance as attendance};
use super::{DbConnection, meetings};
use crate::domain::ItemAttendanceKind;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = attendance)]
pub struct ItemAttendance {
    pub id: i64,
    pub item_id: i64,
    pub kind: ItemAttendanceKind,
    pub participant_id: Option<i64>,
    pub name: Option<String>,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl super::Modified for ItemAttendance {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = attendance)]
pub struct ItemAttendanceFields {
    pub kind: ItemAttendanceKind,
    pub participant_id: Option<i64>,
    pub name: Option<String>,
    pub note: Option<String>,
}

pub fn list_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<ItemAttendance>> {
    attendance::table
        .filter(attendance::item_id.eq(item_id))
        .order(attendance::id)
        .select(ItemAttendance::as_select())
        .load(conn)
}

/// Every item's attendance for one meeting.
pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<ItemAttendance>> {
    attendance::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order(attendance::id)
        .select(ItemAttendance::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, item_id: i64, id: i64) -> QueryResult<Option<ItemAttendance>> {
    attendance::table
        .filter(attendance::id.eq(id))
        .filter(attendance::item_id.eq(item_id))
        .select(ItemAttendance::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    item_id: i64,
    fields: &ItemAttendanceFields,
    now: NaiveDateTime,
) -> StoreResult<ItemAttendance> {
    meetings::touch(conn, meeting_id, now, seen)?;
    let inserted = diesel::insert_into(attendance::table)
        .values((
            fields,
            attendance::item_id.eq(item_id),
            attendance::version.eq(1),
            attendance::created_at.eq(now),
            attendance::updated_at.eq(now),
        ))
        .returning(attendance::all_columns)
        .get_result(conn);
    match inserted {
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Err(StoreError::Conflict("This participant is already recorded as absent from the item.".into()))
        }
        other => Ok(other?),
    }
}

pub fn delete(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    current: &ItemAttendance,
    now: NaiveDateTime,
) -> StoreResult<()> {
    meetings::touch(conn, meeting_id, now, seen)?;
    removed_one(diesel::delete(at_version!(attendance, current)).execute(conn)?)
}

/// How many guests and absences an item has.
pub fn count_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    attendance::table.filter(attendance::item_id.eq(item_id)).count().get_result(conn)
}
