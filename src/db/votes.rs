//! The protocol's votes on an item and the dissents entered against them. Part of the meeting
//! aggregate: every change touches the meeting first, as the item's other content does.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::meetings::Seen;
use super::schema::{agenda_items, item_dissents as dissents, item_votes as votes};
use super::{DbConnection, meetings, removed_one};
use crate::domain::protocol::{Position, VoteMethod, VoteResult, VoteSubject};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = votes)]
pub struct Vote {
    pub id: i64,
    pub item_id: i64,
    /// Its place among the item's votes, in the order they were taken (1, 2, …).
    pub position: i32,
    pub subject: VoteSubject,
    pub motion: String,
    pub method: VoteMethod,
    /// The positions as JSON; see [`Vote::positions`].
    pub positions: String,
    pub result: VoteResult,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Vote {
    pub fn positions(&self) -> StoreResult<Vec<Position>> {
        serde_json::from_str(&self.positions).map_err(StoreError::internal)
    }
}

impl super::Modified for Vote {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

/// A vote as recorded: what it was on, how, and its positions and result.
#[derive(Clone, Debug)]
pub struct VoteFields {
    pub subject: VoteSubject,
    pub motion: String,
    pub method: VoteMethod,
    pub positions: Vec<Position>,
    pub result: VoteResult,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = dissents)]
pub struct Dissent {
    pub id: i64,
    pub item_id: i64,
    pub vote_id: i64,
    pub participant_id: i64,
    pub text: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl super::Modified for Dissent {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

/// The item's votes in the order they were taken.
pub fn list_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<Vote>> {
    votes::table.filter(votes::item_id.eq(item_id)).order(votes::position).select(Vote::as_select()).load(conn)
}

/// Every item's votes for one meeting.
pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Vote>> {
    votes::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order((votes::item_id, votes::position))
        .select(Vote::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, item_id: i64, id: i64) -> QueryResult<Option<Vote>> {
    votes::table
        .filter(votes::id.eq(id))
        .filter(votes::item_id.eq(item_id))
        .select(Vote::as_select())
        .first(conn)
        .optional()
}

/// Records a vote after the item's others.
pub fn create(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    item_id: i64,
    fields: &VoteFields,
    now: NaiveDateTime,
) -> StoreResult<Vote> {
    meetings::touch(conn, meeting_id, now, seen)?;
    let last: Option<i32> =
        votes::table.filter(votes::item_id.eq(item_id)).select(diesel::dsl::max(votes::position)).first(conn)?;
    let positions = serde_json::to_string(&fields.positions).map_err(StoreError::internal)?;
    Ok(diesel::insert_into(votes::table)
        .values((
            votes::item_id.eq(item_id),
            votes::position.eq(last.unwrap_or(0) + 1),
            votes::subject.eq(fields.subject),
            votes::motion.eq(&fields.motion),
            votes::method.eq(fields.method),
            votes::positions.eq(positions),
            votes::result.eq(fields.result),
            votes::version.eq(1),
            votes::created_at.eq(now),
            votes::updated_at.eq(now),
        ))
        .returning(votes::all_columns)
        .get_result(conn)?)
}

/// Removes a vote and the dissents entered against it; it must be the version read.
pub fn delete(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    current: &Vote,
    now: NaiveDateTime,
) -> StoreResult<()> {
    meetings::touch(conn, meeting_id, now, seen)?;
    diesel::delete(dissents::table.filter(dissents::vote_id.eq(current.id))).execute(conn)?;
    removed_one(diesel::delete(at_version!(votes, current)).execute(conn)?)
}

pub fn count_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    votes::table.filter(votes::item_id.eq(item_id)).count().get_result(conn)
}

/// The item's dissents in the order they were entered.
pub fn dissents_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<Dissent>> {
    dissents::table.filter(dissents::item_id.eq(item_id)).order(dissents::id).select(Dissent::as_select()).load(conn)
}

/// Every item's dissents for one meeting.
pub fn dissents_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Dissent>> {
    dissents::table
        .inner_join(agenda_items::table)
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order(dissents::id)
        .select(Dissent::as_select())
        .load(conn)
}

pub fn find_dissent(conn: &mut DbConnection, item_id: i64, id: i64) -> QueryResult<Option<Dissent>> {
    dissents::table
        .filter(dissents::id.eq(id))
        .filter(dissents::item_id.eq(item_id))
        .select(Dissent::as_select())
        .first(conn)
        .optional()
}

/// Enters a dissent against a vote; a participant has at most one against each vote.
pub fn create_dissent(
    conn: &mut DbConnection,
    (meeting_id, seen): (i64, Seen),
    vote: &Vote,
    participant_id: i64,
    text: &str,
    now: NaiveDateTime,
) -> StoreResult<Dissent> {
    meetings::touch(conn, meeting_id, now, seen)?;
    let taken = dissents::table
        .filter(dissents::vote_id.eq(vote.id))
        .filter(dissents::participant_id.eq(participant_id))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(StoreError::Conflict("The participant has a dissent against this vote already.".into()));
    }
    Ok(diesel::insert_into(dissents::table)
        .values((
            dissents::item_id.eq(vote.item_id),
            dissents::vote_id.eq(vote.id),
            dissents::participant_id.eq(participant_id),
            dissents::text.eq(text),
            dissents::version.eq(1),
            dissents::created_at.eq(now),
            dissents::updated_at.eq(now),
        ))
        .returning(dissents::all_columns)
        .get_result(conn)?)
}

pub fn delete_dissent(
    conn: &mut DbConnection,
    meeting_id: i64,
    seen: Seen,
    current: &Dissent,
    now: NaiveDateTime,
) -> StoreResult<()> {
    meetings::touch(conn, meeting_id, now, seen)?;
    removed_one(diesel::delete(at_version!(dissents, current)).execute(conn)?)
}

pub fn count_dissents_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    dissents::table.filter(dissents::item_id.eq(item_id)).count().get_result(conn)
}
