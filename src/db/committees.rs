//! Committees (udvalg).

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{access_group_ancestors as ancestors, access_groups, committees, meetings};
use super::{DbConnection, IdPage};
use crate::domain::access::Principal;
use crate::domain::agenda::Numbering;
use crate::domain::{CommitteeKind, Publication};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = committees)]
pub struct Committee {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
    pub owner_group_id: i64,
    pub publication: Publication,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub requires_sign_off: bool,
    /// How its items are numbered.
    pub numbering: Numbering,
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = committees, treat_none_as_null = true)]
pub struct CommitteeFields {
    pub name: String,
    pub kind: CommitteeKind,
    pub owner_group_id: i64,
    pub publication: Publication,
    pub description: Option<String>,
    pub requires_sign_off: bool,
    pub numbering: Numbering,
}

impl Committee {
    pub fn fields(&self) -> CommitteeFields {
        CommitteeFields {
            name: self.name.clone(),
            kind: self.kind,
            owner_group_id: self.owner_group_id,
            publication: self.publication,
            description: self.description.clone(),
            requires_sign_off: self.requires_sign_off,
            numbering: self.numbering,
        }
    }
}

/// The committees visible to the caller, by id: the query form of `domain::access::can_see_committee`.
pub fn list(conn: &mut DbConnection, principal: &Principal, page: &IdPage) -> QueryResult<Vec<Committee>> {
    let mut query = committees::table
        .filter(committees::id.gt(page.after))
        .order(committees::id)
        .limit(page.limit)
        .select(Committee::as_select())
        .into_boxed();
    if let Some(since) = page.modified_since {
        query = query.filter(committees::updated_at.ge(since));
    }
    if !principal.is_admin() {
        let granted: Vec<i64> = principal.committee_roles.keys().copied().collect();
        let kinds: Vec<CommitteeKind> = principal.kind_roles.keys().copied().collect();
        let managed = ancestors::table
            .filter(ancestors::ancestor_id.eq_any(&principal.managed_roots))
            .select(ancestors::group_id);
        query = query.filter(
            committees::id
                .eq_any(granted)
                .or(committees::kind.eq_any(kinds))
                .or(committees::publication.eq_any([Publication::Public, Publication::Internal]))
                .or(committees::owner_group_id.eq_any(managed)),
        );
    }
    query.load(conn)
}

/// The kinds of these committees.
pub fn kinds(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, CommitteeKind)>> {
    committees::table.filter(committees::id.eq_any(ids)).select((committees::id, committees::kind)).load(conn)
}

/// The committees with these ids and every committee of these kinds, by id.
pub fn of_ids_or_kinds(conn: &mut DbConnection, ids: &[i64], kinds: &[CommitteeKind]) -> QueryResult<Vec<Committee>> {
    committees::table
        .filter(committees::id.eq_any(ids).or(committees::kind.eq_any(kinds)))
        .order(committees::id)
        .select(Committee::as_select())
        .load(conn)
}

/// Committees whose documents are published at one of these levels, by id.
pub fn published(conn: &mut DbConnection, levels: &[Publication], page: &IdPage) -> QueryResult<Vec<Committee>> {
    let mut query = committees::table
        .filter(committees::publication.eq_any(levels))
        .filter(committees::id.gt(page.after))
        .order(committees::id)
        .limit(page.limit)
        .select(Committee::as_select())
        .into_boxed();
    if let Some(since) = page.modified_since {
        query = query.filter(committees::updated_at.ge(since));
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Committee>> {
    committees::table.find(id).select(Committee::as_select()).first(conn).optional()
}

fn check_owner_exists(conn: &mut DbConnection, owner: i64) -> StoreResult<()> {
    let found: bool = diesel::select(exists(access_groups::table.find(owner))).get_result(conn)?;
    if found { Ok(()) } else { Err(StoreError::invalid("owner_group_id", "no such access group")) }
}

pub fn create(conn: &mut DbConnection, fields: &CommitteeFields, now: NaiveDateTime) -> StoreResult<Committee> {
    check_owner_exists(conn, fields.owner_group_id)?;
    Ok(diesel::insert_into(committees::table)
        .values((fields, committees::version.eq(1), committees::created_at.eq(now), committees::updated_at.eq(now)))
        .returning(committees::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    current: &Committee,
    fields: &CommitteeFields,
    now: NaiveDateTime,
) -> StoreResult<Committee> {
    if fields.owner_group_id != current.owner_group_id {
        check_owner_exists(conn, fields.owner_group_id)?;
    }
    diesel::update(at_version!(committees, current))
        .set((fields, committees::version.eq(current.version + 1), committees::updated_at.eq(now)))
        .returning(committees::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

/// Deletes a committee without meetings, and its grants with it.
pub fn delete(conn: &mut DbConnection, current: &Committee) -> StoreResult<()> {
    let has_meetings: bool =
        diesel::select(exists(meetings::table.filter(meetings::committee_id.eq(current.id)))).get_result(conn)?;
    if has_meetings {
        return Err(StoreError::Conflict("The committee has meetings; it cannot be deleted.".into()));
    }
    removed_one(diesel::delete(at_version!(committees, current)).execute(conn)?)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    committees::table.count().get_result(conn)
}

/// Locks the committee's row until the transaction ends, so that numbering its items is done by one
/// transaction at a time (an update that changes nothing takes the row lock on PostgreSQL; SQLite
/// has one writer anyway).
pub fn lock(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(committees::table.find(id)).set(committees::version.eq(committees::version)).execute(conn)?;
    Ok(())
}
