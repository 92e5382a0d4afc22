//! One case (sag) as it passes through committees and meetings, e.g. Direktionen, then
//! Økonomiudvalget, then Byrådet, and the route its secretaries set for it (sagens gang).
//!
//! Only items the caller may read in full are listed: that a closed item belongs to a case is part of
//! its closed content, so for a caller below member it is left out, not shown as a title. The route
//! is shown to those who hold a role on one of its committees or read one of the case's items in
//! full, and names only the committees the caller may see.

use crate::audit::{self, Auditor, Object};
use crate::db::case_routes::{self, Route, RouteStep};
use crate::db::{DbConnection, committees, exclusions, items, referrals};
use crate::domain::CommitteeRole;
use crate::domain::access::{ItemView, Principal, can_see_committee, item_role, item_view};
use crate::domain::route::{Step, occurrences, route_refusal};
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::require_secretary;
use crate::time;
use crate::views::case::{CaseCommittee, CaseItem, CaseView, RouteStepView, RouteView};

/// The most items one case lists.
pub const MAX_CASE_ITEMS: i64 = 500;

/// The case as the caller may see it: its items read in full, in meeting order (the closed ones
/// among them recorded as read), and its route.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    case_number: &str,
) -> ApiResult<CaseView> {
    // Every item of the case, so that the route's steps find their items by order; only those the
    // caller reads in full are shown.
    let rows = items::for_case(conn, case_number, None, MAX_CASE_ITEMS)?;
    let mut all = Vec::new();
    for (item, meeting, committee) in rows {
        let role = principal.role_on(committee.id, committee.kind);
        let excluded = item.closed
            && role > Some(CommitteeRole::Reader)
            && exclusions::is_excluded(conn, item.id, &principal.subject)?;
        let shown = role.is_some() && item_view(item.closed, item_role(role, excluded)) == ItemView::Full;
        if shown && item.closed {
            audit::closed_reads(auditor, principal, committee.id, &[item.id]);
        }
        all.push((committee.id, shown.then(|| CaseItem::new(item, meeting, committee))));
    }
    let ids: Vec<i64> = all.iter().filter_map(|(_, item)| item.as_ref().map(|i| i.item_id)).collect();
    let referred = referrals::referred(conn, &ids)?;
    for item in all.iter_mut().filter_map(|(_, item)| item.as_mut()) {
        item.referred_to_council = referred.contains(&item.item_id);
    }
    let route = match case_routes::find(conn, case_number)? {
        Some((route, steps)) => shown_route(principal, route, steps, &all),
        None => None,
    };
    Ok(CaseView { route, items: all.into_iter().filter_map(|(_, item)| item).collect() })
}

/// The route as the caller may see it, each step with its item; `None` when it is not theirs to see.
fn shown_route(
    principal: &Principal,
    route: Route,
    steps: Vec<RouteStep>,
    items: &[(i64, Option<CaseItem>)],
) -> Option<RouteView> {
    let role = |step: &RouteStep| principal.role_on(step.committee_id, step.committee_kind);
    let involved = steps.iter().any(|s| role(s).is_some()) || items.iter().any(|(_, item)| item.is_some());
    if !involved {
        return None;
    }
    let nth = occurrences(&steps.iter().map(|s| s.committee_id).collect::<Vec<_>>());
    let steps = steps
        .into_iter()
        .zip(nth)
        .filter(|(step, _)| can_see_committee(step.committee_publication, role(step), false))
        .map(|(step, n)| {
            let item = items.iter().filter(|(committee, _)| *committee == step.committee_id).nth(n);
            RouteStepView {
                position: step.position,
                committee: CaseCommittee { id: step.committee_id, name: step.committee_name },
                reading: step.reading,
                decides: step.decides,
                item: item.and_then(|(_, item)| item.clone()),
            }
        })
        .collect();
    Some(RouteView { steps, version: route.version, updated_at: time::to_api(route.updated_at) })
}

/// The route alone, for reading it with its ETag before a change; not found when there is none the
/// caller may see.
pub fn route(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    case_number: &str,
) -> ApiResult<RouteView> {
    read(conn, principal, auditor, case_number)?.route.ok_or(ApiError::NotFound)
}

/// Requires the caller to be a secretary of every committee the steps name: not found where the
/// committee does not exist or is not one they may see.
fn require_secretary_of(conn: &mut DbConnection, principal: &Principal, committee_ids: &[i64]) -> ApiResult<()> {
    for id in committee_ids {
        let committee = committees::find(conn, *id)?.ok_or(ApiError::NotFound)?;
        let role = principal.role_on(committee.id, committee.kind);
        if !can_see_committee(committee.publication, role, false) {
            return Err(ApiError::NotFound);
        }
        require_secretary(role)?;
    }
    Ok(())
}

fn object(case_number: &str) -> Object {
    Object::new("case_route", case_number.to_owned())
}

/// Sets the case's route, replacing the one it has (the secretaries of every committee on the old
/// route and the new); answers whether it was created.
pub fn set_route(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    case_number: &str,
    expected: Option<&impl Expected>,
    steps: &[Step],
) -> ApiResult<(RouteView, bool)> {
    let current = case_routes::find(conn, case_number)?;
    let mut named: Vec<i64> = steps.iter().map(|s| s.committee_id).collect();
    named.extend(current.iter().flat_map(|(_, old)| old.iter().map(|s| s.committee_id)));
    named.sort_unstable();
    named.dedup();
    require_secretary_of(conn, principal, &named)?;
    match (&current, expected) {
        (Some((route, _)), Some(expected)) => expected.check(route.version)?,
        (Some(_), None) => return Err(ApiError::PreconditionRequired),
        (None, _) => {}
    }
    if let Some((field, reason)) = route_refusal(steps) {
        return Err(ApiError::validation(&field, reason));
    }
    let before = current.as_ref().map(|(_, old)| old.iter().map(step_record).collect::<Vec<_>>());
    case_routes::replace(conn, case_number, current.as_ref().map(|(route, _)| route), steps, time::now())?;
    let after: Vec<_> = steps.iter().map(|s| (s.committee_id, s.reading, s.decides)).collect();
    audit::change(
        conn,
        principal,
        if current.is_some() { "update" } else { "create" },
        &object(case_number),
        before.as_ref(),
        Some(&after),
    )?;
    Ok((route(conn, principal, auditor, case_number)?, current.is_none()))
}

fn step_record(step: &RouteStep) -> (i64, Option<i32>, bool) {
    (step.committee_id, step.reading, step.decides)
}

/// Removes the case's route (the secretaries of every committee on it).
pub fn remove_route(
    conn: &mut DbConnection,
    principal: &Principal,
    case_number: &str,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (route, steps) = case_routes::find(conn, case_number)?.ok_or(ApiError::NotFound)?;
    let named: Vec<i64> = steps.iter().map(|s| s.committee_id).collect();
    require_secretary_of(conn, principal, &named)?;
    expected.check(route.version)?;
    case_routes::delete(conn, &route)?;
    let before: Vec<_> = steps.iter().map(step_record).collect();
    audit::deleted(conn, principal, &object(case_number), &before)
}
