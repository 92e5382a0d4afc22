//! Case routes (sagens gang): one row per case number with its version, and its steps in order.
//! A route is replaced whole.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::error::{StoreError, StoreResult};
use super::schema::{case_route_steps as steps, case_routes as routes, committees};
use crate::domain::CommitteeKind;
use crate::domain::Publication;
use crate::domain::route::Step;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = routes)]
pub struct Route {
    pub case_number: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A step with what is shown of its committee.
#[derive(Clone, Debug, Queryable)]
pub struct RouteStep {
    pub position: i32,
    pub committee_id: i64,
    pub reading: Option<i32>,
    pub decides: bool,
    pub committee_name: String,
    pub committee_kind: CommitteeKind,
    pub committee_publication: Publication,
}

pub fn find(conn: &mut DbConnection, case_number: &str) -> QueryResult<Option<(Route, Vec<RouteStep>)>> {
    let Some(route) = routes::table.find(case_number).select(Route::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    let list = steps_of(conn, std::slice::from_ref(&route.case_number))?.into_iter().map(|(_, step)| step).collect();
    Ok(Some((route, list)))
}

/// The routes of these case numbers, by case number.
pub fn steps_of(conn: &mut DbConnection, case_numbers: &[String]) -> QueryResult<Vec<(String, RouteStep)>> {
    if case_numbers.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, RouteStep)> = steps::table
        .inner_join(committees::table)
        .filter(steps::case_number.eq_any(case_numbers))
        .order((steps::case_number, steps::position))
        .select((
            steps::case_number,
            (
                steps::position,
                steps::committee_id,
                steps::reading,
                steps::decides,
                committees::name,
                committees::kind,
                committees::publication,
            ),
        ))
        .load(conn)?;
    Ok(rows)
}

/// Stores the route, replacing the one at `current` (none: there is none yet).
pub fn replace(
    conn: &mut DbConnection,
    case_number: &str,
    current: Option<&Route>,
    new_steps: &[Step],
    now: NaiveDateTime,
) -> StoreResult<Route> {
    let route = match current {
        None => diesel::insert_into(routes::table)
            .values((
                routes::case_number.eq(case_number),
                routes::version.eq(1),
                routes::created_at.eq(now),
                routes::updated_at.eq(now),
            ))
            .returning(routes::all_columns)
            .get_result(conn)?,
        Some(current) => diesel::update(routes::table.find(case_number).filter(routes::version.eq(current.version)))
            .set((routes::version.eq(current.version + 1), routes::updated_at.eq(now)))
            .returning(routes::all_columns)
            .get_result(conn)
            .optional()?
            .ok_or(StoreError::Stale)?,
    };
    diesel::delete(steps::table.filter(steps::case_number.eq(case_number))).execute(conn)?;
    // One statement per step: a route has a handful, and the multi-backend connection inserts
    // batches unevenly.
    for (step, position) in new_steps.iter().zip(1..) {
        diesel::insert_into(steps::table)
            .values((
                steps::case_number.eq(case_number),
                steps::position.eq::<i32>(position),
                steps::committee_id.eq(step.committee_id),
                steps::reading.eq(step.reading),
                steps::decides.eq(step.decides),
            ))
            .execute(conn)?;
    }
    Ok(route)
}

pub fn delete(conn: &mut DbConnection, current: &Route) -> StoreResult<()> {
    let removed = diesel::delete(routes::table.find(&current.case_number).filter(routes::version.eq(current.version)))
        .execute(conn)?;
    super::removed_one(removed)
}
