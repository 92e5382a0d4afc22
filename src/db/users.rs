//! Users as the service has seen them: recorded on their first request, deactivated when they leave.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::error::{StoreError, StoreResult};
use super::schema::users;
use super::{DbConnection, IdPage};
use crate::domain::identity::Caller;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// JSON array of the external group ids in the user's last token.
    pub groups_seen: String,
    pub active: bool,
    pub deactivated_at: Option<NaiveDateTime>,
    pub deactivation_reason: Option<String>,
    pub first_seen_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    /// JSON array of the service roles in the user's last token.
    pub roles_seen: String,
}

/// `last_seen_at` is kept to this precision, so that a busy user costs a write a minute, not one a
/// request.
const SEEN_PRECISION: Duration = Duration::seconds(60);

fn groups_json(caller: &Caller) -> String {
    serde_json::to_string(&caller.groups).unwrap_or_else(|_| "[]".into())
}

fn roles_json(caller: &Caller) -> String {
    serde_json::to_string(&caller.roles).unwrap_or_else(|_| "[]".into())
}

/// Records that `caller` made a request: creates the user on first sight, updates what changed.
/// A new name, e-mail or set of groups is a change of the user (its version and `updated_at`); a
/// later request alone only moves `last_seen_at`. Returns the stored user, active or not.
pub fn record_seen(conn: &mut DbConnection, caller: &Caller, now: NaiveDateTime) -> StoreResult<User> {
    let (groups, roles) = (groups_json(caller), roles_json(caller));
    if let Some(user) = find_by_subject(conn, &caller.subject)? {
        let changed = user.name != caller.name
            || user.email != caller.email
            || user.groups_seen != groups
            || user.roles_seen != roles;
        if !user.active || !(changed || now - user.last_seen_at >= SEEN_PRECISION) {
            return Ok(user);
        }
        let (version, updated_at) = if changed { (user.version + 1, now) } else { (user.version, user.updated_at) };
        return Ok(diesel::update(users::table.find(user.id))
            .set((
                users::name.eq(&caller.name),
                users::email.eq(&caller.email),
                users::groups_seen.eq(&groups),
                users::roles_seen.eq(&roles),
                users::last_seen_at.eq(now),
                users::version.eq(version),
                users::updated_at.eq(updated_at),
            ))
            .returning(users::all_columns)
            .get_result(conn)?);
    }
    let inserted = diesel::insert_into(users::table)
        .values((
            users::subject.eq(&caller.subject),
            users::name.eq(&caller.name),
            users::email.eq(&caller.email),
            users::groups_seen.eq(&groups),
            users::roles_seen.eq(&roles),
            users::active.eq(true),
            users::first_seen_at.eq(now),
            users::last_seen_at.eq(now),
            users::version.eq(1),
            users::updated_at.eq(now),
        ))
        .returning(users::all_columns)
        .get_result(conn);
    match inserted {
        Ok(user) => Ok(user),
        // The same user's first requests raced; the other one recorded it.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            find_by_subject(conn, &caller.subject)?.ok_or(StoreError::internal("user vanished after insert"))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn find_by_subject(conn: &mut DbConnection, subject: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::subject.eq(subject)).select(User::as_select()).first(conn).optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<User>> {
    users::table.find(id).select(User::as_select()).first(conn).optional()
}

pub fn list(conn: &mut DbConnection, active: Option<bool>, page: &IdPage) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .filter(users::id.gt(page.after))
        .order(users::id)
        .limit(page.limit)
        .select(User::as_select())
        .into_boxed();
    if let Some(since) = page.modified_since {
        query = query.filter(users::updated_at.ge(since));
    }
    if let Some(active) = active {
        query = query.filter(users::active.eq(active));
    }
    query.load(conn)
}

/// Deactivates or reactivates a user; every later request with the user's tokens sees it.
pub fn set_active(
    conn: &mut DbConnection,
    user: &User,
    active: bool,
    reason: Option<String>,
    now: NaiveDateTime,
) -> StoreResult<User> {
    Ok(diesel::update(users::table.find(user.id))
        .set((
            users::active.eq(active),
            users::deactivated_at.eq((!active).then_some(now)),
            users::deactivation_reason.eq(reason),
            users::version.eq(users::version + 1),
            users::updated_at.eq(now),
        ))
        .returning(users::all_columns)
        .get_result(conn)?)
}
