//! Grants on every committee of one kind, present and future (e.g. Hovedudvalget on every MED committee).

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{access_groups, kind_grants};
use super::{DbConnection, IdPage};
use crate::domain::{CommitteeKind, CommitteeRole};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = kind_grants)]
pub struct KindGrant {
    pub id: i64,
    pub committee_kind: CommitteeKind,
    pub group_id: i64,
    pub role: CommitteeRole,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn list(
    conn: &mut DbConnection,
    kind: Option<CommitteeKind>,
    group_id: Option<i64>,
    page: &IdPage,
) -> QueryResult<Vec<KindGrant>> {
    let mut query = kind_grants::table
        .filter(kind_grants::id.gt(page.after))
        .order(kind_grants::id)
        .limit(page.limit)
        .select(KindGrant::as_select())
        .into_boxed();
    if let Some(since) = page.modified_since {
        query = query.filter(kind_grants::updated_at.ge(since));
    }
    if let Some(kind) = kind {
        query = query.filter(kind_grants::committee_kind.eq(kind));
    }
    if let Some(group) = group_id {
        query = query.filter(kind_grants::group_id.eq(group));
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<KindGrant>> {
    kind_grants::table.find(id).select(KindGrant::as_select()).first(conn).optional()
}

pub fn create(
    conn: &mut DbConnection,
    kind: CommitteeKind,
    group_id: i64,
    role: CommitteeRole,
    now: NaiveDateTime,
) -> StoreResult<KindGrant> {
    let group_exists: bool = diesel::select(exists(access_groups::table.find(group_id))).get_result(conn)?;
    if !group_exists {
        return Err(StoreError::invalid("group_id", "no such access group"));
    }
    diesel::insert_into(kind_grants::table)
        .values((
            kind_grants::committee_kind.eq(kind),
            kind_grants::group_id.eq(group_id),
            kind_grants::role.eq(role),
            kind_grants::version.eq(1),
            kind_grants::created_at.eq(now),
            kind_grants::updated_at.eq(now),
        ))
        .returning(kind_grants::all_columns)
        .get_result(conn)
        .map_err(|error| match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => StoreError::Conflict(
                "The group already holds a grant on this kind of committee; change its role instead.".into(),
            ),
            other => other.into(),
        })
}

pub fn update_role(
    conn: &mut DbConnection,
    current: &KindGrant,
    role: CommitteeRole,
    now: NaiveDateTime,
) -> StoreResult<KindGrant> {
    diesel::update(at_version!(kind_grants, current))
        .set((
            kind_grants::role.eq(role),
            kind_grants::version.eq(current.version + 1),
            kind_grants::updated_at.eq(now),
        ))
        .returning(kind_grants::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn delete(conn: &mut DbConnection, current: &KindGrant) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(kind_grants, current)).execute(conn)?)
}
