//! A committee's roster: its members for the election term, each from one date to another. The
//! roster is the denominator of the committee's quorum and where a new meeting's participants
//! come from.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::error::{StoreError, StoreResult};
use super::participants::ParticipantFields;
use super::removed_one;
use super::schema::committee_members as roster;
use crate::domain::{Attendance, ParticipantRole};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = roster)]
pub struct RosterMember {
    pub id: i64,
    pub committee_id: i64,
    pub name: String,
    pub party: Option<String>,
    pub user_subject: Option<String>,
    pub from_date: NaiveDate,
    pub to_date: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl super::Modified for RosterMember {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = roster, treat_none_as_null = true)]
pub struct RosterFields {
    pub name: String,
    pub party: Option<String>,
    pub user_subject: Option<String>,
    pub from_date: NaiveDate,
    pub to_date: Option<NaiveDate>,
}

impl RosterMember {
    pub fn fields(&self) -> RosterFields {
        RosterFields {
            name: self.name.clone(),
            party: self.party.clone(),
            user_subject: self.user_subject.clone(),
            from_date: self.from_date,
            to_date: self.to_date,
        }
    }
}

/// The committee's roster, earliest first.
pub fn list(conn: &mut DbConnection, committee_id: i64) -> QueryResult<Vec<RosterMember>> {
    roster::table
        .filter(roster::committee_id.eq(committee_id))
        .order((roster::from_date, roster::id))
        .select(RosterMember::as_select())
        .load(conn)
}

/// The committee's members on `day`.
pub fn on(conn: &mut DbConnection, committee_id: i64, day: NaiveDate) -> QueryResult<Vec<RosterMember>> {
    roster::table
        .filter(roster::committee_id.eq(committee_id))
        .filter(roster::from_date.le(day))
        .filter(roster::to_date.is_null().or(roster::to_date.ge(day)))
        .order((roster::from_date, roster::id))
        .select(RosterMember::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, committee_id: i64, id: i64) -> QueryResult<Option<RosterMember>> {
    roster::table
        .filter(roster::id.eq(id))
        .filter(roster::committee_id.eq(committee_id))
        .select(RosterMember::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    committee_id: i64,
    fields: &RosterFields,
    now: NaiveDateTime,
) -> StoreResult<RosterMember> {
    Ok(diesel::insert_into(roster::table)
        .values((
            fields,
            roster::committee_id.eq(committee_id),
            roster::version.eq(1),
            roster::created_at.eq(now),
            roster::updated_at.eq(now),
        ))
        .returning(roster::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    current: &RosterMember,
    fields: &RosterFields,
    now: NaiveDateTime,
) -> StoreResult<RosterMember> {
    diesel::update(at_version!(roster, current))
        .set((fields, roster::version.eq(current.version + 1), roster::updated_at.eq(now)))
        .returning(roster::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn delete(conn: &mut DbConnection, current: &RosterMember) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(roster, current)).execute(conn)?)
}

/// How many members a committee's roster holds, over all terms.
pub fn count(conn: &mut DbConnection, committee_id: i64) -> QueryResult<i64> {
    roster::table.filter(roster::committee_id.eq(committee_id)).count().get_result(conn)
}

/// A new meeting's participant, as the roster has the member: present, holding their seat.
impl From<RosterMember> for ParticipantFields {
    fn from(m: RosterMember) -> Self {
        ParticipantFields {
            name: m.name,
            user_subject: m.user_subject,
            role: ParticipantRole::Member,
            attendance: Attendance::Present,
            approver: false,
            party: m.party,
            substitute_for: None,
            roster_member_id: Some(m.id),
            arrived_at_item: None,
            left_after_item: None,
        }
    }
}
