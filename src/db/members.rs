//! Local group memberships: people the identity provider does not put in a group (external
//! collaborators, board members), added here and counted like the groups in their tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::DbConnection;
use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::group_members;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = group_members)]
pub struct Member {
    pub id: i64,
    pub group_id: i64,
    pub subject: String,
    pub added_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

impl super::Modified for Member {
    fn modified_at(&self) -> NaiveDateTime {
        self.created_at
    }
}

pub fn list_for_group(conn: &mut DbConnection, group_id: i64) -> QueryResult<Vec<Member>> {
    group_members::table
        .filter(group_members::group_id.eq(group_id))
        .order(group_members::id)
        .select(Member::as_select())
        .load(conn)
}

/// The groups a subject was added to here.
pub fn groups_of(conn: &mut DbConnection, subject: &str) -> QueryResult<Vec<i64>> {
    group_members::table.filter(group_members::subject.eq(subject)).select(group_members::group_id).load(conn)
}

pub fn find(conn: &mut DbConnection, group_id: i64, id: i64) -> QueryResult<Option<Member>> {
    group_members::table
        .filter(group_members::id.eq(id))
        .filter(group_members::group_id.eq(group_id))
        .select(Member::as_select())
        .first(conn)
        .optional()
}

pub fn add(
    conn: &mut DbConnection,
    group_id: i64,
    subject: &str,
    added_by: &str,
    now: NaiveDateTime,
) -> StoreResult<Member> {
    diesel::insert_into(group_members::table)
        .values((
            group_members::group_id.eq(group_id),
            group_members::subject.eq(subject),
            group_members::added_by.eq(added_by),
            group_members::version.eq(1),
            group_members::created_at.eq(now),
        ))
        .returning(group_members::all_columns)
        .get_result(conn)
        .map_err(|error| match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict("The subject is already a member of the group.".into())
            }
            other => other.into(),
        })
}

pub fn remove(conn: &mut DbConnection, member: &Member) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(group_members, member)).execute(conn)?)
}

/// How many members were added here to a group.
pub fn count_for_group(conn: &mut DbConnection, group_id: i64) -> QueryResult<i64> {
    group_members::table.filter(group_members::group_id.eq(group_id)).count().get_result(conn)
}
