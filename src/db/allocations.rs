//! Cost allocations and their paying units, with the shares computed for them stored beside them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{
    access_group_ancestors as ancestors, access_groups, agenda_items, allocation_payers as payers, allocations,
    committees, group_members, meetings, users,
};
use super::{DbConnection, plan_stable};
use crate::domain::CommitteeKind;
use crate::domain::allocation::{AllocationStatus, Currency, Method, Recurrence};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = allocations)]
pub struct Allocation {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub total_ore: i64,
    pub currency: Currency,
    pub kind: Recurrence,
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub price_year: Option<i32>,
    pub item_id: Option<i64>,
    pub item_amount_id: Option<i64>,
    pub status: AllocationStatus,
    pub method: Method,
    pub counted_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = allocations, treat_none_as_null = true)]
pub struct AllocationFields {
    pub title: String,
    pub description: Option<String>,
    pub total_ore: i64,
    pub currency: Currency,
    pub kind: Recurrence,
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub price_year: Option<i32>,
    pub item_id: Option<i64>,
    pub item_amount_id: Option<i64>,
    pub status: AllocationStatus,
    pub method: Method,
    pub counted_at: Option<NaiveDateTime>,
}

impl Allocation {
    pub fn fields(&self) -> AllocationFields {
        AllocationFields {
            title: self.title.clone(),
            description: self.description.clone(),
            total_ore: self.total_ore,
            currency: self.currency,
            kind: self.kind,
            first_year: self.first_year,
            last_year: self.last_year,
            price_year: self.price_year,
            item_id: self.item_id,
            item_amount_id: self.item_amount_id,
            status: self.status,
            method: self.method,
            counted_at: self.counted_at,
        }
    }
}

/// A paying unit: what the method needs of it, and its computed share.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payers)]
pub struct Payer {
    pub allocation_id: i64,
    pub group_id: i64,
    pub weight: Option<i64>,
    pub amount_ore: Option<i64>,
    pub active_users: Option<i64>,
    pub share_ore: i64,
}

/// What a list asks for.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Vec<AllocationStatus>,
    pub item_id: Option<i64>,
    /// Paid into by this group.
    pub group_id: Option<i64>,
    /// Falling in this year.
    pub year: Option<i32>,
    /// Created or changed at or after this time.
    pub modified_since: Option<NaiveDateTime>,
}

/// Narrows a list to the allocations a caller could possibly see: those its groups pay into and those
/// linked to items of committees it holds a role on. The access rule itself is applied to each row.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The caller's groups with their ancestors.
    pub groups: Vec<i64>,
    pub committees: Vec<i64>,
    pub kinds: Vec<CommitteeKind>,
}

/// Allocations after `after` in id order that match the filter (and the scope, if any).
pub fn candidates(
    conn: &mut DbConnection,
    filter: &Filter,
    scope: Option<&Scope>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<Allocation>> {
    let mut query = allocations::table
        .filter(allocations::id.gt(after))
        .order(allocations::id)
        .limit(limit)
        .select(Allocation::as_select())
        .into_boxed();
    if !filter.status.is_empty() {
        query = query.filter(allocations::status.eq_any(filter.status.clone()));
    }
    if let Some(item) = filter.item_id {
        query = query.filter(allocations::item_id.eq(item));
    }
    if let Some(since) = filter.modified_since {
        query = query.filter(allocations::updated_at.ge(since));
    }
    if let Some(group) = filter.group_id {
        query = query.filter(
            allocations::id.eq_any(payers::table.filter(payers::group_id.eq(group)).select(payers::allocation_id)),
        );
    }
    if let Some(year) = filter.year {
        let one_off = allocations::kind.eq(Recurrence::OneOff).and(allocations::first_year.eq(year));
        let annual = allocations::kind
            .eq(Recurrence::Annual)
            .and(allocations::first_year.le(year))
            .and(allocations::last_year.is_null().or(allocations::last_year.ge(year).assume_not_null()));
        query = query.filter(one_off.or(annual));
    }
    if let Some(scope) = scope {
        let visible = in_scope(conn, scope)?;
        if visible.is_empty() {
            return Ok(Vec::new());
        }
        query = query.filter(allocations::id.eq_any(visible));
    }
    query.load(conn)
}

/// The allocations a scope reaches: those its units pay into and those linked to items of its
/// committees, each found from its own index. (As one condition, "paid OR linked", PostgreSQL walks
/// every allocation of the deployment.) Both are bounded by the caller's own units and committees.
fn in_scope(conn: &mut DbConnection, scope: &Scope) -> QueryResult<Vec<i64>> {
    let mut ids: Vec<i64> = if scope.groups.is_empty() {
        Vec::new()
    } else {
        payers::table
            .filter(payers::group_id.eq_any(plan_stable(&scope.groups)))
            .select(payers::allocation_id)
            .load(conn)?
    };
    if !scope.committees.is_empty() || !scope.kinds.is_empty() {
        let linked: Vec<i64> = allocations::table
            .inner_join(agenda_items::table.inner_join(meetings::table.inner_join(committees::table)))
            // Said outright so that the plan starts from the (few) linked allocations rather than
            // from every meeting of the committees.
            .filter(allocations::item_id.is_not_null())
            .filter(committees::id.eq_any(&scope.committees).or(committees::kind.eq_any(&scope.kinds)))
            .select(allocations::id)
            .load(conn)?;
        ids.extend(linked);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Allocation>> {
    allocations::table.find(id).select(Allocation::as_select()).first(conn).optional()
}

/// The paying units of these allocations, by allocation, then group.
pub fn payers_of(conn: &mut DbConnection, allocation_ids: &[i64]) -> QueryResult<Vec<Payer>> {
    payers::table
        .filter(payers::allocation_id.eq_any(plan_stable(allocation_ids)))
        .order((payers::allocation_id, payers::group_id))
        .select(Payer::as_select())
        .load(conn)
}

/// Where the linked items sit: `(item id, closed, committee id, committee kind)`.
pub fn linked_items(conn: &mut DbConnection, item_ids: &[i64]) -> QueryResult<Vec<(i64, bool, i64, CommitteeKind)>> {
    agenda_items::table
        .inner_join(meetings::table.inner_join(committees::table))
        .filter(agenda_items::id.eq_any(plan_stable(item_ids)))
        .select((agenda_items::id, agenda_items::closed, committees::id, committees::kind))
        .load(conn)
}

pub fn create(
    conn: &mut DbConnection,
    fields: &AllocationFields,
    shares: &[Payer],
    now: NaiveDateTime,
) -> StoreResult<Allocation> {
    let allocation: Allocation = diesel::insert_into(allocations::table)
        .values((fields, allocations::version.eq(1), allocations::created_at.eq(now), allocations::updated_at.eq(now)))
        .returning(allocations::all_columns)
        .get_result(conn)?;
    insert_payers(conn, allocation.id, shares)?;
    Ok(allocation)
}

/// Stores new fields and shares if `current` is still the stored version.
pub fn update(
    conn: &mut DbConnection,
    current: &Allocation,
    fields: &AllocationFields,
    shares: &[Payer],
    now: NaiveDateTime,
) -> StoreResult<Allocation> {
    let allocation: Allocation = diesel::update(at_version!(allocations, current))
        .set((fields, allocations::version.eq(current.version + 1), allocations::updated_at.eq(now)))
        .returning(allocations::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)?;
    diesel::delete(payers::table.filter(payers::allocation_id.eq(current.id))).execute(conn)?;
    insert_payers(conn, allocation.id, shares)?;
    Ok(allocation)
}

// One row at a time: the multi-backend connection has no batch insert.
fn insert_payers(conn: &mut DbConnection, allocation_id: i64, shares: &[Payer]) -> QueryResult<()> {
    for payer in shares {
        let row = Payer { allocation_id, ..payer.clone() };
        diesel::insert_into(payers::table).values(&row).execute(conn)?;
    }
    Ok(())
}

pub fn delete(conn: &mut DbConnection, current: &Allocation) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(allocations, current)).execute(conn)?)
}

/// Whether any allocation is linked to one of these items.
pub fn any_linked_to(conn: &mut DbConnection, item_ids: &[i64]) -> QueryResult<bool> {
    diesel::select(exists(allocations::table.filter(allocations::item_id.eq_any(item_ids.iter().map(|id| Some(*id))))))
        .get_result(conn)
}

/// Whether the group pays into any allocation.
pub fn group_pays(conn: &mut DbConnection, group_id: i64) -> QueryResult<bool> {
    diesel::select(exists(payers::table.filter(payers::group_id.eq(group_id)))).get_result(conn)
}

/// The number of active users seen in each of these groups or the groups below them: users who have
/// signed in and are not deactivated, counted once per group however many of its subgroups they are
/// in, whether their token names the group or they were added to it here.
pub fn active_users(conn: &mut DbConnection, group_ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    // (a group at or below a payer, the payer)
    let below: Vec<(i64, i64)> = ancestors::table
        .filter(ancestors::ancestor_id.eq_any(group_ids))
        .select((ancestors::group_id, ancestors::ancestor_id))
        .load(conn)?;
    let member_groups: Vec<i64> = below.iter().map(|(group, _)| *group).collect();
    let external: HashMap<String, i64> = access_groups::table
        .filter(access_groups::id.eq_any(&member_groups))
        .filter(access_groups::external_id.is_not_null())
        .select((access_groups::external_id.assume_not_null(), access_groups::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let active: Vec<(String, String)> =
        users::table.filter(users::active.eq(true)).select((users::subject, users::groups_seen)).load(conn)?;
    let active_subjects: HashSet<&str> = active.iter().map(|(subject, _)| subject.as_str()).collect();
    // (subject, a group it belongs to directly)
    let mut memberships: HashSet<(String, i64)> = HashSet::new();
    for (subject, seen) in &active {
        let seen: Vec<String> = serde_json::from_str(seen).unwrap_or_default();
        memberships.extend(seen.iter().filter_map(|g| external.get(g)).map(|group| (subject.clone(), *group)));
    }
    let local: Vec<(String, i64)> = group_members::table
        .filter(group_members::group_id.eq_any(&member_groups))
        .select((group_members::subject, group_members::group_id))
        .load(conn)?;
    memberships.extend(local.into_iter().filter(|(subject, _)| active_subjects.contains(subject.as_str())));
    let mut per_payer: HashMap<i64, HashSet<&str>> = group_ids.iter().map(|g| (*g, HashSet::new())).collect();
    for (subject, group) in &memberships {
        for (_, payer) in below.iter().filter(|(below, _)| below == group) {
            per_payer.entry(*payer).or_default().insert(subject);
        }
    }
    Ok(per_payer.into_iter().map(|(payer, subjects)| (payer, subjects.len() as i64)).collect())
}
