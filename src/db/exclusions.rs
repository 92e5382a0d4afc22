//! Conflicts of interest (inhabilitet): a user excluded from one item sees it as a non-member would.

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::DbConnection;
use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{agenda_items, item_exclusions};
use crate::domain::protocol::RaisedBy;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = item_exclusions)]
pub struct Exclusion {
    pub id: i64,
    pub item_id: i64,
    /// The excluded user; none for a participant without a user account.
    pub subject: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    /// The participant of the meeting the exclusion concerns: a protocol entry (§ 14).
    pub participant_id: Option<i64>,
    pub raised_by: Option<RaisedBy>,
    /// The committee's ruling, as the minutes word it.
    pub ruling: Option<String>,
    /// Whether the member left the room for the item (a refusal to leave is recorded too).
    pub left_room: Option<bool>,
    /// The participant called in as substitute for the item.
    pub substitute_id: Option<i64>,
}

/// A protocol entry's facts about an exclusion (§ 14), beyond who is excluded.
#[derive(Clone, Debug, Default, Insertable)]
#[diesel(table_name = item_exclusions)]
pub struct ExclusionFacts {
    pub participant_id: Option<i64>,
    pub raised_by: Option<RaisedBy>,
    pub ruling: Option<String>,
    pub left_room: Option<bool>,
    pub substitute_id: Option<i64>,
}

impl super::Modified for Exclusion {
    fn modified_at(&self) -> NaiveDateTime {
        self.created_at
    }
}

pub fn list_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<Exclusion>> {
    item_exclusions::table
        .filter(item_exclusions::item_id.eq(item_id))
        .order(item_exclusions::id)
        .select(Exclusion::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, item_id: i64, id: i64) -> QueryResult<Option<Exclusion>> {
    item_exclusions::table
        .filter(item_exclusions::id.eq(id))
        .filter(item_exclusions::item_id.eq(item_id))
        .select(Exclusion::as_select())
        .first(conn)
        .optional()
}

/// Whether `subject` is excluded from the item.
pub fn is_excluded(conn: &mut DbConnection, item_id: i64, subject: &str) -> QueryResult<bool> {
    diesel::select(exists(
        item_exclusions::table
            .filter(item_exclusions::item_id.eq(item_id))
            .filter(item_exclusions::subject.eq(subject)),
    ))
    .get_result(conn)
}

/// The items of a meeting `subject` is excluded from.
pub fn excluded_items(conn: &mut DbConnection, meeting_id: i64, subject: &str) -> QueryResult<Vec<i64>> {
    item_exclusions::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .filter(item_exclusions::subject.eq(subject))
        .select(item_exclusions::item_id)
        .load(conn)
}

pub fn create(
    conn: &mut DbConnection,
    item_id: i64,
    subject: Option<&str>,
    reason: Option<&str>,
    facts: &ExclusionFacts,
    created_by: &str,
    now: NaiveDateTime,
) -> StoreResult<Exclusion> {
    diesel::insert_into(item_exclusions::table)
        .values((
            facts,
            item_exclusions::item_id.eq(item_id),
            item_exclusions::subject.eq(subject),
            item_exclusions::reason.eq(reason),
            item_exclusions::created_by.eq(created_by),
            item_exclusions::version.eq(1),
            item_exclusions::created_at.eq(now),
        ))
        .returning(item_exclusions::all_columns)
        .get_result(conn)
        .map_err(|error| match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict("The user or participant is already excluded from this item.".into())
            }
            other => other.into(),
        })
}

pub fn delete(conn: &mut DbConnection, exclusion: &Exclusion) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(item_exclusions, exclusion)).execute(conn)?)
}

/// How many exclusions an item has.
pub fn count_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    item_exclusions::table.filter(item_exclusions::item_id.eq(item_id)).count().get_result(conn)
}

/// Of these meetings, those with an item `subject` is excluded from.
pub fn meetings_with_exclusions(conn: &mut DbConnection, subject: &str, meeting_ids: &[i64]) -> QueryResult<Vec<i64>> {
    if meeting_ids.is_empty() {
        return Ok(Vec::new());
    }
    item_exclusions::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq_any(meeting_ids))
        .filter(item_exclusions::subject.eq(subject))
        .select(agenda_items::meeting_id)
        .distinct()
        .load(conn)
}

/// Every exclusion from the items of one meeting.
pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Exclusion>> {
    item_exclusions::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order(item_exclusions::id)
        .select(Exclusion::as_select())
        .load(conn)
}
