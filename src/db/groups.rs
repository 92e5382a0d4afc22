//! Access groups and their ancestor closure.

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{
    access_group_ancestors as ancestors, access_groups, committee_grants, committees, kind_grants, service_clients,
};
use super::{DbConnection, IdPage, allocations, plan_stable};
use crate::domain::Tier;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = access_groups)]
pub struct AccessGroup {
    pub id: i64,
    pub name: String,
    pub external_id: Option<String>,
    pub tier: Tier,
    pub parent_id: Option<i64>,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub manages_subtree: bool,
}

/// The fields a client sets.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = access_groups, treat_none_as_null = true)]
pub struct GroupFields {
    pub name: String,
    pub external_id: Option<String>,
    pub tier: Tier,
    pub parent_id: Option<i64>,
    pub description: Option<String>,
    pub manages_subtree: bool,
}

impl AccessGroup {
    pub fn fields(&self) -> GroupFields {
        GroupFields {
            name: self.name.clone(),
            external_id: self.external_id.clone(),
            tier: self.tier,
            parent_id: self.parent_id,
            description: self.description.clone(),
            manages_subtree: self.manages_subtree,
        }
    }
}

/// The group and its ancestors, nearest first.
pub fn ancestors_of(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<i64>> {
    ancestors::table
        .filter(ancestors::group_id.eq(id))
        .order(ancestors::depth)
        .select(ancestors::ancestor_id)
        .load(conn)
}

pub fn list(conn: &mut DbConnection, page: &IdPage) -> QueryResult<Vec<AccessGroup>> {
    let mut query = access_groups::table
        .filter(access_groups::id.gt(page.after))
        .order(access_groups::id)
        .limit(page.limit)
        .select(AccessGroup::as_select())
        .into_boxed();
    if let Some(since) = page.modified_since {
        query = query.filter(access_groups::updated_at.ge(since));
    }
    query.load(conn)
}

/// The groups with these ids, by id.
pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<AccessGroup>> {
    access_groups::table
        .filter(access_groups::id.eq_any(plan_stable(ids)))
        .order(access_groups::id)
        .select(AccessGroup::as_select())
        .load(conn)
}

/// The ids of the groups with these external ids (the groups a token names).
pub fn ids_by_external_id(conn: &mut DbConnection, external_ids: &[String]) -> QueryResult<Vec<i64>> {
    access_groups::table.filter(access_groups::external_id.eq_any(external_ids)).select(access_groups::id).load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<AccessGroup>> {
    access_groups::table.find(id).select(AccessGroup::as_select()).first(conn).optional()
}

fn external_id_taken(error: DieselError) -> StoreError {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            StoreError::Conflict("Another access group has this external_id.".into())
        }
        other => other.into(),
    }
}

fn check_parent_exists(conn: &mut DbConnection, parent: Option<i64>) -> StoreResult<()> {
    match parent {
        Some(parent) if find(conn, parent)?.is_none() => Err(StoreError::invalid("parent_id", "no such access group")),
        _ => Ok(()),
    }
}

pub fn create(conn: &mut DbConnection, fields: &GroupFields, now: NaiveDateTime) -> StoreResult<AccessGroup> {
    check_parent_exists(conn, fields.parent_id)?;
    let group: AccessGroup = diesel::insert_into(access_groups::table)
        .values((
            fields,
            access_groups::version.eq(1),
            access_groups::created_at.eq(now),
            access_groups::updated_at.eq(now),
        ))
        .returning(access_groups::all_columns)
        .get_result(conn)
        .map_err(external_id_taken)?;
    diesel::insert_into(ancestors::table)
        .values((ancestors::group_id.eq(group.id), ancestors::ancestor_id.eq(group.id), ancestors::depth.eq(0)))
        .execute(conn)?;
    if let Some(parent) = group.parent_id {
        link_subtree(conn, group.id, parent)?;
    }
    Ok(group)
}

/// Makes every ancestor of `parent` an ancestor of `group` and of everything below it.
fn link_subtree(conn: &mut DbConnection, group: i64, parent: i64) -> QueryResult<()> {
    let above: Vec<(i64, i32)> = ancestors::table
        .filter(ancestors::group_id.eq(parent))
        .select((ancestors::ancestor_id, ancestors::depth))
        .load(conn)?;
    let below: Vec<(i64, i32)> = ancestors::table
        .filter(ancestors::ancestor_id.eq(group))
        .select((ancestors::group_id, ancestors::depth))
        .load(conn)?;
    for (ancestor, up) in &above {
        for (descendant, down) in &below {
            diesel::insert_into(ancestors::table)
                .values((
                    ancestors::group_id.eq(descendant),
                    ancestors::ancestor_id.eq(ancestor),
                    ancestors::depth.eq(down + up + 1),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Stores new fields if `current` is still the stored version; moves the group's subtree when the
/// parent changes, refusing a parent inside the group's own subtree.
pub fn update(
    conn: &mut DbConnection,
    current: &AccessGroup,
    fields: &GroupFields,
    now: NaiveDateTime,
) -> StoreResult<AccessGroup> {
    if fields.tier == Tier::Political && current.tier != Tier::Political && allocations::group_pays(conn, current.id)? {
        return Err(StoreError::invalid("tier", "the group pays into cost allocations, which political groups do not"));
    }
    let moved = fields.parent_id != current.parent_id;
    if moved {
        check_parent_exists(conn, fields.parent_id)?;
        if let Some(parent) = fields.parent_id {
            let inside: bool = diesel::select(exists(
                ancestors::table.filter(ancestors::group_id.eq(parent)).filter(ancestors::ancestor_id.eq(current.id)),
            ))
            .get_result(conn)?;
            if inside {
                return Err(StoreError::invalid("parent_id", "would make the group its own ancestor"));
            }
        }
    }
    let updated: AccessGroup = diesel::update(at_version!(access_groups, current))
        .set((fields, access_groups::version.eq(current.version + 1), access_groups::updated_at.eq(now)))
        .returning(access_groups::all_columns)
        .get_result(conn)
        .optional()
        .map_err(external_id_taken)?
        .ok_or(StoreError::Stale)?;
    if moved {
        let subtree: Vec<i64> =
            ancestors::table.filter(ancestors::ancestor_id.eq(current.id)).select(ancestors::group_id).load(conn)?;
        diesel::delete(
            ancestors::table
                .filter(ancestors::group_id.eq_any(&subtree))
                .filter(ancestors::ancestor_id.ne_all(&subtree)),
        )
        .execute(conn)?;
        if let Some(parent) = fields.parent_id {
            link_subtree(conn, current.id, parent)?;
        }
    }
    Ok(updated)
}

/// Deletes a group that nothing refers to.
pub fn delete(conn: &mut DbConnection, current: &AccessGroup) -> StoreResult<()> {
    let id = current.id;
    let has_children: bool =
        diesel::select(exists(access_groups::table.filter(access_groups::parent_id.eq(id)))).get_result(conn)?;
    let owns: bool =
        diesel::select(exists(committees::table.filter(committees::owner_group_id.eq(id)))).get_result(conn)?;
    let granted: bool =
        diesel::select(exists(committee_grants::table.filter(committee_grants::group_id.eq(id)))).get_result(conn)?;
    let kind_granted: bool =
        diesel::select(exists(kind_grants::table.filter(kind_grants::group_id.eq(id)))).get_result(conn)?;
    let clients: bool =
        diesel::select(exists(service_clients::table.filter(service_clients::group_id.eq(id)))).get_result(conn)?;
    let pays = allocations::group_pays(conn, id)?;
    let reason = match (has_children, owns, granted || kind_granted, clients, pays) {
        (true, ..) => Some("The group has child groups; move or delete them first."),
        (_, true, ..) => Some("The group owns committees; give them another owner first."),
        (_, _, true, ..) => Some("The group holds grants; revoke them first."),
        (_, _, _, true, _) => Some("Service clients act through the group; give them another group first."),
        (.., true) => Some("The group pays into cost allocations; take it off them first."),
        _ => None,
    };
    if let Some(reason) = reason {
        return Err(StoreError::Conflict(reason.into()));
    }
    removed_one(diesel::delete(at_version!(access_groups, current)).execute(conn)?)
}
