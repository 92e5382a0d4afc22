//! The people at a meeting, in the order they were added.
//!
//! Every change first touches the meeting (see `meetings::touch`): locking the meeting before its
//! parts, in every write, keeps PostgreSQL's row locks in one order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::meetings::Seen;
use super::removed_one;
use super::schema::meeting_participants as participants;
use super::{DbConnection, meetings};
use crate::domain::{Attendance, ParticipantRole};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = participants)]
pub struct Participant {
    pub id: i64,
    pub meeting_id: i64,
    pub name: String,
    pub user_subject: Option<String>,
    pub role: ParticipantRole,
    pub attendance: Attendance,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Signs off the minutes.
    pub approver: bool,
    /// The party's list letter ("A", "V"), as the minutes name members.
    pub party: Option<String>,
    /// A substitute (stedfortræder): the participant they stand in for.
    pub substitute_for: Option<i64>,
    /// The seat on the committee's roster the participant holds.
    pub roster_member_id: Option<i64>,
    /// The item the participant arrived at, when they came late.
    pub arrived_at_item: Option<i64>,
    /// The last item the participant took part in before they left.
    pub left_after_item: Option<i64>,
}

impl super::Modified for Participant {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = participants, treat_none_as_null = true)]
pub struct ParticipantFields {
    pub name: String,
    pub user_subject: Option<String>,
    pub role: ParticipantRole,
    pub attendance: Attendance,
    pub approver: bool,
    pub party: Option<String>,
    pub substitute_for: Option<i64>,
    pub roster_member_id: Option<i64>,
    pub arrived_at_item: Option<i64>,
    pub left_after_item: Option<i64>,
}

impl Participant {
    pub fn fields(&self) -> ParticipantFields {
        ParticipantFields {
            name: self.name.clone(),
            user_subject: self.user_subject.clone(),
            role: self.role,
            attendance: self.attendance,
            approver: self.approver,
            party: self.party.clone(),
            substitute_for: self.substitute_for,
            roster_member_id: self.roster_member_id,
            arrived_at_item: self.arrived_at_item,
            left_after_item: self.left_after_item,
        }
    }
}

pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Participant>> {
    participants::table
        .filter(participants::meeting_id.eq(meeting_id))
        .order(participants::id)
        .select(Participant::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, meeting_id: i64, id: i64) -> QueryResult<Option<Participant>> {
    participants::table
        .filter(participants::id.eq(id))
        .filter(participants::meeting_id.eq(meeting_id))
        .select(Participant::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    meeting_id: i64,
    fields: &ParticipantFields,
    now: NaiveDateTime,
) -> StoreResult<Participant> {
    meetings::touch(conn, meeting_id, now, Seen::ByReaders)?;
    Ok(diesel::insert_into(participants::table)
        .values((
            fields,
            participants::meeting_id.eq(meeting_id),
            participants::version.eq(1),
            participants::created_at.eq(now),
            participants::updated_at.eq(now),
        ))
        .returning(participants::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    current: &Participant,
    fields: &ParticipantFields,
    now: NaiveDateTime,
) -> StoreResult<Participant> {
    meetings::touch(conn, current.meeting_id, now, Seen::ByReaders)?;
    diesel::update(at_version!(participants, current))
        .set((fields, participants::version.eq(current.version + 1), participants::updated_at.eq(now)))
        .returning(participants::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn delete(conn: &mut DbConnection, current: &Participant, now: NaiveDateTime) -> StoreResult<()> {
    meetings::touch(conn, current.meeting_id, now, Seen::ByReaders)?;
    removed_one(diesel::delete(at_version!(participants, current)).execute(conn)?)
}

/// How many participants a meeting has.
pub fn count_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<i64> {
    participants::table.filter(participants::meeting_id.eq(meeting_id)).count().get_result(conn)
}
