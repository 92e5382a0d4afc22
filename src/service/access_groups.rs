//! The municipality's access groups: listed, created, read, changed and removed, by those who manage
//! them (admins; delegated managers within the subtree they manage).

use crate::audit::{self, Object};
use crate::db::DbConnection;
use crate::db::IdPage;
use crate::db::groups::{self, AccessGroup, GroupFields};
use crate::db::members::{self, Member};
use crate::db::modified_since;
use crate::domain::access::Principal;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{ensure_room, manages, require_manager};
use crate::time;
use crate::views::access_group::{AccessGroupView, MemberView};
use chrono::NaiveDateTime;

fn object(group: &AccessGroup) -> Object {
    Object::new("access_group", group.id)
}

/// Who may put a group under `parent`: an admin anywhere; a delegated manager only below a group it
/// manages (so that it cannot make groups outside its subtree, nor top-level ones).
fn require_manager_of_parent(conn: &mut DbConnection, principal: &Principal, parent: Option<i64>) -> ApiResult<()> {
    match parent {
        _ if principal.is_admin() => Ok(()),
        Some(parent) if manages(conn, principal, parent)? => Ok(()),
        _ => Err(ApiError::Forbidden("Groups go below a group you manage.".into())),
    }
}

fn require_admin_for_flag(principal: &Principal, changes_flag: bool) -> ApiResult<()> {
    if changes_flag && !principal.is_admin() {
        return Err(ApiError::Forbidden("Only admins decide which groups manage their subtree.".into()));
    }
    Ok(())
}

/// A page of the groups (any signed-in caller may list them).
pub fn list(conn: &mut DbConnection, page: &IdPage) -> ApiResult<Vec<AccessGroup>> {
    Ok(groups::list(conn, page)?)
}

/// Creates a group (admins; delegated managers below a group they manage).
pub fn create(conn: &mut DbConnection, principal: &Principal, fields: &GroupFields) -> ApiResult<AccessGroup> {
    require_manager_of_parent(conn, principal, fields.parent_id)?;
    require_admin_for_flag(principal, fields.manages_subtree)?;
    let group = groups::create(conn, fields, time::now())?;
    audit::created(conn, principal, &object(&group), &AccessGroupView::from(group.clone()))?;
    Ok(group)
}

pub fn read(conn: &mut DbConnection, id: i64) -> ApiResult<AccessGroup> {
    groups::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// Changes a group (admins; delegated managers within their subtree): moving it under another
/// parent takes managing both the old and the new parent.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(GroupFields) -> ApiResult<GroupFields>,
) -> ApiResult<AccessGroup> {
    let current = read(conn, id)?;
    require_manager(conn, principal, current.id)?;
    expected.check(current.version)?;
    let changed = change(current.fields())?;
    require_admin_for_flag(principal, changed.manages_subtree != current.manages_subtree)?;
    if changed.parent_id != current.parent_id {
        require_manager_of_parent(conn, principal, current.parent_id)?;
        require_manager_of_parent(conn, principal, changed.parent_id)?;
    }
    let group = groups::update(conn, &current, &changed, time::now())?;
    let (before, after) = (AccessGroupView::from(current), AccessGroupView::from(group.clone()));
    audit::updated(conn, principal, &object(&group), &before, &after)?;
    Ok(group)
}

/// Removes a group that nothing hangs on (admins; delegated managers above it).
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let current = read(conn, id)?;
    require_manager(conn, principal, current.id)?;
    require_manager_of_parent(conn, principal, current.parent_id)?;
    expected.check(current.version)?;
    groups::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &AccessGroupView::from(current.clone()))
}

/// The group, for its managers: those who add and remove its local members.
fn managed_group(conn: &mut DbConnection, principal: &Principal, group_id: i64) -> ApiResult<()> {
    read(conn, group_id)?;
    require_manager(conn, principal, group_id)
}

fn member_object(member: &Member) -> Object {
    Object::new("group_member", member.id)
}

/// The members added here to a group (with `since`, those added since).
pub fn list_members(
    conn: &mut DbConnection,
    principal: &Principal,
    group_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Member>> {
    managed_group(conn, principal, group_id)?;
    Ok(modified_since(members::list_for_group(conn, group_id)?, since))
}

/// Adds a member to a group: `subject` counts as a member like one whose token names the group.
pub fn add_member(conn: &mut DbConnection, principal: &Principal, group_id: i64, subject: &str) -> ApiResult<Member> {
    managed_group(conn, principal, group_id)?;
    ensure_room(members::count_for_group(conn, group_id)?, limits::GROUP_MEMBERS, "members added to a group")?;
    let member = members::add(conn, group_id, subject, &principal.subject, time::now())?;
    audit::created(conn, principal, &member_object(&member), &MemberView::from(member.clone()))?;
    Ok(member)
}

pub fn read_member(conn: &mut DbConnection, principal: &Principal, (group_id, id): (i64, i64)) -> ApiResult<Member> {
    managed_group(conn, principal, group_id)?;
    members::find(conn, group_id, id)?.ok_or(ApiError::NotFound)
}

pub fn remove_member(
    conn: &mut DbConnection,
    principal: &Principal,
    path: (i64, i64),
    expected: &impl Expected,
) -> ApiResult<()> {
    let member = read_member(conn, principal, path)?;
    expected.check(member.version)?;
    members::remove(conn, &member)?;
    audit::deleted(conn, principal, &member_object(&member), &MemberView::from(member.clone()))
}
