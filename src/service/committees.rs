//! Committees: listed as the caller may see them, created, changed and removed by those who manage
//! their owner group.

use crate::audit::{self, Object};
use crate::db::committees::{self, Committee, CommitteeFields};
use crate::db::{DbConnection, IdPage};
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::Expected;
use crate::service::access::{find_visible, require_manager};
use crate::time;
use crate::views::committee::CommitteeView;

fn object(committee: &Committee) -> Object {
    Object::of_committee("committee", committee.id, committee.id, false)
}

/// Admins manage every committee; delegated managers those owned by a group they manage. A missing
/// owner group is left to the repository to report as a field error.
fn require_owner_manager(conn: &mut DbConnection, principal: &Principal, owner: i64) -> ApiResult<()> {
    if principal.is_admin() { Ok(()) } else { require_manager(conn, principal, owner) }
}

/// A page of the committees the caller may see.
pub fn list(conn: &mut DbConnection, principal: &Principal, page: &IdPage) -> ApiResult<Vec<Committee>> {
    Ok(committees::list(conn, principal, page)?)
}

/// Creates a committee (admins; delegated managers for an owner group they manage).
pub fn create(conn: &mut DbConnection, principal: &Principal, fields: &CommitteeFields) -> ApiResult<Committee> {
    require_owner_manager(conn, principal, fields.owner_group_id)?;
    let committee = committees::create(conn, fields, time::now())?;
    audit::created(conn, principal, &object(&committee), &CommitteeView::from(committee.clone()))?;
    Ok(committee)
}

/// Changes a committee (admins; delegated managers of its owner group, and of the new one).
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(CommitteeFields) -> ApiResult<CommitteeFields>,
) -> ApiResult<Committee> {
    let current = find_visible(conn, principal, id)?;
    require_owner_manager(conn, principal, current.owner_group_id)?;
    expected.check(current.version)?;
    let changed = change(current.fields())?;
    if changed.owner_group_id != current.owner_group_id {
        require_owner_manager(conn, principal, changed.owner_group_id)?;
    }
    let committee = committees::update(conn, &current, &changed, time::now())?;
    let (before, after) = (CommitteeView::from(current), CommitteeView::from(committee.clone()));
    audit::updated(conn, principal, &object(&committee), &before, &after)?;
    Ok(committee)
}

/// Removes a committee that has no meetings; its grants go with it.
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let current = find_visible(conn, principal, id)?;
    require_owner_manager(conn, principal, current.owner_group_id)?;
    expected.check(current.version)?;
    committees::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &CommitteeView::from(current.clone()))
}
