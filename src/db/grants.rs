//! Grants: a role on one committee for one access group (and, through the hierarchy, its children).

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::DbConnection;
use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{access_groups, committee_grants};
use crate::domain::CommitteeRole;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = committee_grants)]
pub struct Grant {
    pub id: i64,
    pub committee_id: i64,
    pub group_id: i64,
    pub role: CommitteeRole,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl super::Modified for Grant {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

pub fn list_for_committee(conn: &mut DbConnection, committee_id: i64) -> QueryResult<Vec<Grant>> {
    committee_grants::table
        .filter(committee_grants::committee_id.eq(committee_id))
        .order(committee_grants::id)
        .select(Grant::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, committee_id: i64, id: i64) -> QueryResult<Option<Grant>> {
    committee_grants::table
        .filter(committee_grants::id.eq(id))
        .filter(committee_grants::committee_id.eq(committee_id))
        .select(Grant::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    committee_id: i64,
    group_id: i64,
    role: CommitteeRole,
    now: NaiveDateTime,
) -> StoreResult<Grant> {
    let group_exists: bool = diesel::select(exists(access_groups::table.find(group_id))).get_result(conn)?;
    if !group_exists {
        return Err(StoreError::invalid("group_id", "no such access group"));
    }
    diesel::insert_into(committee_grants::table)
        .values((
            committee_grants::committee_id.eq(committee_id),
            committee_grants::group_id.eq(group_id),
            committee_grants::role.eq(role),
            committee_grants::version.eq(1),
            committee_grants::created_at.eq(now),
            committee_grants::updated_at.eq(now),
        ))
        .returning(committee_grants::all_columns)
        .get_result(conn)
        .map_err(|error| match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => StoreError::Conflict(
                "The group already holds a grant on this committee; change its role instead.".into(),
            ),
            other => other.into(),
        })
}

pub fn update_role(
    conn: &mut DbConnection,
    current: &Grant,
    role: CommitteeRole,
    now: NaiveDateTime,
) -> StoreResult<Grant> {
    diesel::update(at_version!(committee_grants, current))
        .set((
            committee_grants::role.eq(role),
            committee_grants::version.eq(current.version + 1),
            committee_grants::updated_at.eq(now),
        ))
        .returning(committee_grants::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn delete(conn: &mut DbConnection, current: &Grant) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(committee_grants, current)).execute(conn)?)
}

/// How many grants a committee has.
pub fn count_for_committee(conn: &mut DbConnection, committee_id: i64) -> QueryResult<i64> {
    committee_grants::table.filter(committee_grants::committee_id.eq(committee_id)).count().get_result(conn)
}
