//! A committee's roster (its members for the election term): read by anyone who reads the
//! committee's meetings, kept by its secretaries.

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::roster::{self, RosterFields, RosterMember};
use crate::db::{DbConnection, modified_since};
use crate::domain::access::Principal;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{ensure_room, readable_committee, require_secretary};
use crate::time;
use crate::views::roster::RosterMemberView;

fn object(member: &RosterMember) -> Object {
    Object::of_committee("roster_member", member.id, member.committee_id, false)
}

/// A member's term ends on or after the day it starts (422 otherwise).
fn check_term(fields: &RosterFields) -> ApiResult<()> {
    match fields.to_date {
        Some(to) if to < fields.from_date => Err(ApiError::validation("to", "must not be before `from`")),
        _ => Ok(()),
    }
}

/// The committee's roster, earliest first (with `since`, the members changed since).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<RosterMember>> {
    let (committee, _) = readable_committee(conn, principal, committee_id)?;
    Ok(modified_since(roster::list(conn, committee.id)?, since))
}

/// Adds a member to the roster (the committee's secretaries).
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    fields: &RosterFields,
) -> ApiResult<RosterMember> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    require_secretary(role)?;
    check_term(fields)?;
    ensure_room(roster::count(conn, committee.id)?, limits::ROSTER, "members of a committee's roster")?;
    let member = roster::create(conn, committee.id, fields, time::now())?;
    audit::created(conn, principal, &object(&member), &RosterMemberView::from(member.clone()))?;
    Ok(member)
}

/// One member of the roster.
pub fn read(conn: &mut DbConnection, principal: &Principal, committee_id: i64, id: i64) -> ApiResult<RosterMember> {
    let (committee, _) = readable_committee(conn, principal, committee_id)?;
    roster::find(conn, committee.id, id)?.ok_or(ApiError::NotFound)
}

/// Changes a member of the roster, e.g. ends their term (the committee's secretaries). Meetings
/// already created keep their participants.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(RosterFields) -> ApiResult<RosterFields>,
) -> ApiResult<RosterMember> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    require_secretary(role)?;
    let current = roster::find(conn, committee.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    let fields = change(current.fields())?;
    check_term(&fields)?;
    let member = roster::update(conn, &current, &fields, time::now())?;
    let (old, new) = (RosterMemberView::from(current), RosterMemberView::from(member.clone()));
    audit::updated(conn, principal, &object(&member), &old, &new)?;
    Ok(member)
}

/// Removes a member from the roster (the committee's secretaries); a member whose term ended is
/// better given an end date, which keeps the quorum of past meetings as it was.
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (committee, role) = readable_committee(conn, principal, committee_id)?;
    require_secretary(role)?;
    let current = roster::find(conn, committee.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    roster::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &RosterMemberView::from(current.clone()))
}
