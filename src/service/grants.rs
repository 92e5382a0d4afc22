//! Grants: which access groups hold which role on a committee (seen by its managers and
//! secretaries, changed by its managers), and on every committee of a kind (admins).

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::committees::Committee;
use crate::db::grants::{self, Grant};
use crate::db::kind_grants::{self, KindGrant};
use crate::db::{DbConnection, IdPage, modified_since};
use crate::domain::access::{Principal, can_list_grants};
use crate::domain::limits;
use crate::domain::{CommitteeKind, CommitteeRole};
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{ensure_room, find_visible, manages, require_admin, require_manager};
use crate::time;
use crate::views::grant::{GrantView, KindGrantView};

/// The committee's grants are seen by its managers (admins, delegated managers of its owner group)
/// and its secretaries; others who can see the committee are refused, others still are told it does
/// not exist. Returns the committee and whether the caller manages it.
fn check_can_list(conn: &mut DbConnection, principal: &Principal, committee_id: i64) -> ApiResult<(Committee, bool)> {
    let committee = find_visible(conn, principal, committee_id)?;
    let manager = manages(conn, principal, committee.owner_group_id)?;
    if can_list_grants(principal.role_on(committee.id, committee.kind), manager) {
        Ok((committee, manager))
    } else {
        Err(ApiError::Forbidden("Only the committee's managers and secretaries see its grants.".into()))
    }
}

/// Changing grants is for the committee's managers; a delegated manager grants only to groups it
/// manages, so that it cannot hand the committee's content to the rest of the organisation.
fn check_can_change(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    group: Option<i64>,
) -> ApiResult<()> {
    let (_, manager) = check_can_list(conn, principal, committee_id)?;
    if !manager {
        return Err(ApiError::Forbidden("Only the committee's managers change its grants.".into()));
    }
    match group {
        Some(group) if !principal.is_admin() => require_manager(conn, principal, group),
        _ => Ok(()),
    }
}

fn object(grant: &Grant) -> Object {
    Object::of_committee("grant", grant.id, grant.committee_id, false)
}

fn find_grant(conn: &mut DbConnection, committee_id: i64, id: i64) -> ApiResult<Grant> {
    grants::find(conn, committee_id, id)?.ok_or(ApiError::NotFound)
}

/// The committee's grants (with `since`, those changed since).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Grant>> {
    check_can_list(conn, principal, committee_id)?;
    Ok(modified_since(grants::list_for_committee(conn, committee_id)?, since))
}

/// Grants `role` on the committee to a group.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    group_id: i64,
    role: CommitteeRole,
) -> ApiResult<Grant> {
    check_can_change(conn, principal, committee_id, Some(group_id))?;
    let count = grants::count_for_committee(conn, committee_id)?;
    ensure_room(count, limits::COMMITTEE_GRANTS, "grants on a committee")?;
    let grant = grants::create(conn, committee_id, group_id, role, time::now())?;
    audit::created(conn, principal, &object(&grant), &GrantView::from(grant.clone()))?;
    Ok(grant)
}

pub fn read(conn: &mut DbConnection, principal: &Principal, committee_id: i64, id: i64) -> ApiResult<Grant> {
    check_can_list(conn, principal, committee_id)?;
    find_grant(conn, committee_id, id)
}

/// Gives a grant another role.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    (committee_id, id): (i64, i64),
    expected: &impl Expected,
    role: CommitteeRole,
) -> ApiResult<Grant> {
    check_can_change(conn, principal, committee_id, None)?;
    let current = find_grant(conn, committee_id, id)?;
    expected.check(current.version)?;
    let grant = grants::update_role(conn, &current, role, time::now())?;
    audit::updated(conn, principal, &object(&grant), &GrantView::from(current), &GrantView::from(grant.clone()))?;
    Ok(grant)
}

/// Revokes a grant.
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    (committee_id, id): (i64, i64),
    expected: &impl Expected,
) -> ApiResult<()> {
    check_can_change(conn, principal, committee_id, None)?;
    let current = find_grant(conn, committee_id, id)?;
    expected.check(current.version)?;
    grants::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &GrantView::from(current.clone()))
}

fn kind_object(grant: &KindGrant) -> Object {
    Object::new("kind_grant", grant.id)
}

fn find_kind_grant(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<KindGrant> {
    require_admin(principal)?;
    kind_grants::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// A page of the grants on kinds of committee, by kind and group where asked (admins).
pub fn list_on_kinds(
    conn: &mut DbConnection,
    principal: &Principal,
    kind: Option<CommitteeKind>,
    group_id: Option<i64>,
    page: &IdPage,
) -> ApiResult<Vec<KindGrant>> {
    require_admin(principal)?;
    Ok(kind_grants::list(conn, kind, group_id, page)?)
}

/// Grants `role` on every committee of `kind` to a group (admins).
pub fn create_on_kind(
    conn: &mut DbConnection,
    principal: &Principal,
    kind: CommitteeKind,
    group_id: i64,
    role: CommitteeRole,
) -> ApiResult<KindGrant> {
    require_admin(principal)?;
    let grant = kind_grants::create(conn, kind, group_id, role, time::now())?;
    audit::created(conn, principal, &kind_object(&grant), &KindGrantView::from(grant.clone()))?;
    Ok(grant)
}

pub fn read_on_kind(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<KindGrant> {
    find_kind_grant(conn, principal, id)
}

/// Gives a grant on a kind another role (admins).
pub fn update_on_kind(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    role: CommitteeRole,
) -> ApiResult<KindGrant> {
    let current = find_kind_grant(conn, principal, id)?;
    expected.check(current.version)?;
    let grant = kind_grants::update_role(conn, &current, role, time::now())?;
    let (before, after) = (KindGrantView::from(current), KindGrantView::from(grant.clone()));
    audit::updated(conn, principal, &kind_object(&grant), &before, &after)?;
    Ok(grant)
}

/// Revokes a grant on a kind (admins).
pub fn remove_on_kind(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let current = find_kind_grant(conn, principal, id)?;
    expected.check(current.version)?;
    kind_grants::delete(conn, &current)?;
    audit::deleted(conn, principal, &kind_object(&current), &KindGrantView::from(current.clone()))
}
