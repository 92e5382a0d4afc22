//! Demands under § 23 (standsningsret): a member who took part in an item declares to the protocol
//! that it goes before the council. Part of the meeting aggregate: every change touches the
//! meeting first.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::error::{StoreError, StoreResult};
use super::meetings::Seen;
use super::removed_one;
use super::schema::{agenda_items, item_referrals as referrals};
use super::{DbConnection, meetings};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = referrals)]
pub struct Referral {
    pub id: i64,
    pub item_id: i64,
    pub participant_id: i64,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl super::Modified for Referral {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

pub fn list_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<Referral>> {
    referrals::table
        .filter(referrals::item_id.eq(item_id))
        .order(referrals::id)
        .select(Referral::as_select())
        .load(conn)
}

pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Referral>> {
    referrals::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order(referrals::id)
        .select(Referral::as_select())
        .load(conn)
}

/// Of these items, those a member demanded go before the council.
pub fn referred(conn: &mut DbConnection, item_ids: &[i64]) -> QueryResult<Vec<i64>> {
    if item_ids.is_empty() {
        return Ok(Vec::new());
    }
    referrals::table.filter(referrals::item_id.eq_any(item_ids)).select(referrals::item_id).distinct().load(conn)
}

pub fn find(conn: &mut DbConnection, item_id: i64, id: i64) -> QueryResult<Option<Referral>> {
    referrals::table
        .filter(referrals::id.eq(id))
        .filter(referrals::item_id.eq(item_id))
        .select(Referral::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    (meeting_id, seen): (i64, Seen),
    item_id: i64,
    participant_id: i64,
    note: Option<&str>,
    now: NaiveDateTime,
) -> StoreResult<Referral> {
    meetings::touch(conn, meeting_id, now, seen)?;
    diesel::insert_into(referrals::table)
        .values((
            referrals::item_id.eq(item_id),
            referrals::participant_id.eq(participant_id),
            referrals::note.eq(note),
            referrals::version.eq(1),
            referrals::created_at.eq(now),
            referrals::updated_at.eq(now),
        ))
        .returning(referrals::all_columns)
        .get_result(conn)
        .map_err(|error| match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict("The participant's demand on this item is recorded already.".into())
            }
            other => other.into(),
        })
}

pub fn delete(
    conn: &mut DbConnection,
    (meeting_id, seen): (i64, Seen),
    current: &Referral,
    now: NaiveDateTime,
) -> StoreResult<()> {
    meetings::touch(conn, meeting_id, now, seen)?;
    removed_one(diesel::delete(at_version!(referrals, current)).execute(conn)?)
}

pub fn count_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    referrals::table.filter(referrals::item_id.eq(item_id)).count().get_result(conn)
}
