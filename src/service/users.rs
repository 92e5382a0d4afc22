//! The people who have signed in (admins): listed, read, deactivated when they leave and
//! reactivated.

use crate::audit::{self, Object};
use crate::db::users::{self, User};
use crate::db::{DbConnection, IdPage, members};
use crate::domain::access::Principal;
use crate::error::{ApiError, ApiResult};
use crate::service::access::require_admin;
use crate::time;
use crate::views::user::UserView;

fn shown(conn: &mut DbConnection, user: User) -> ApiResult<UserView> {
    let local_groups = members::groups_of(conn, &user.subject)?;
    Ok(UserView::new(user, local_groups))
}

fn find(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<User> {
    require_admin(principal)?;
    users::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// A page of users, active or not where asked; with `subject`, the one user with that subject.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    active: Option<bool>,
    subject: Option<&str>,
    page: &IdPage,
) -> ApiResult<Vec<UserView>> {
    require_admin(principal)?;
    let rows = match subject {
        Some(subject) => users::find_by_subject(conn, subject)?
            .filter(|u| {
                active.is_none_or(|a| u.active == a)
                    && u.id > page.after
                    && page.modified_since.is_none_or(|since| u.updated_at >= since)
            })
            .into_iter()
            .collect(),
        None => users::list(conn, active, page)?,
    };
    rows.into_iter().map(|u| shown(conn, u)).collect()
}

pub fn read(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<UserView> {
    let user = find(conn, principal, id)?;
    shown(conn, user)
}

/// Deactivates (`reason` given) or reactivates a user; admins cannot deactivate themselves.
pub fn set_active(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    reason: Option<String>,
) -> ApiResult<UserView> {
    let user = find(conn, principal, id)?;
    let deactivating = reason.is_some();
    if deactivating && user.subject == principal.subject {
        return Err(ApiError::Conflict("You cannot deactivate yourself.".into()));
    }
    let old = shown(conn, user.clone())?;
    let user = users::set_active(conn, &user, !deactivating, reason, time::now())?;
    let new = shown(conn, user)?;
    let action = if deactivating { "deactivate" } else { "reactivate" };
    audit::change(conn, principal, action, &Object::new("user", new.id), Some(&old), Some(&new))?;
    Ok(new)
}
