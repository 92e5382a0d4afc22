//! `/v1/cases/{case_number}`: one case (sag) as it passes through committees and meetings, e.g.
//! Direktionen, then Økonomiudvalget, then Byrådet, and `/v1/cases/{case_number}/route`, the route
//! its secretaries set for it (sagens gang).
//!
//! Only items the caller may read in full are listed: that a closed item belongs to a case is part of
//! its closed content, so for a caller below member it is left out, not shown as a title.

use actix_web::{HttpResponse, delete, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::extract::{IfMatch, JsonBody};
use super::policy::{Access, Routes};
use super::{Authenticated, State, created, current, removed};
use crate::domain::access::Principal;
use crate::domain::agenda::is_case_reference;
use crate::domain::route::Step;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::cases;
use crate::views::case::{CaseView, RouteView};

pub fn routes(cfg: &mut Routes) {
    cfg.add(read, Access::SignedIn)
        .add(read_route, Access::Reader)
        .add(set_route, Access::Secretary)
        .add(remove_route, Access::Secretary);
}

/// The case number from the path, checked.
fn case_number(path: web::Path<String>) -> ApiResult<String> {
    let case_number = path.into_inner();
    if is_case_reference(&case_number) {
        Ok(case_number)
    } else {
        let field = FieldError::new("case_number", "must be letters, digits, '-', '/' and '.', at most 64");
        Err(ApiError::Malformed("The path is invalid.".into(), vec![field]))
    }
}

/// The items of one case across the committees whose meetings the caller may read, in meeting
/// order, and its route. An unknown case and a case the caller may not see answer alike: with no
/// items and no route.
#[utoipa::path(
    tag = "items", operation_id = "getCase",
    params(("case_number" = String, Path, description = "Sagsnr., e.g. `22-003462` or `326-2021-15058`",
        pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)),
    responses((status = OK, description = "The case's route and items across committees and meetings, as far as the caller may see them.", body = CaseView))
)]
#[get("/cases/{case_number}")]
async fn read(state: State, principal: Authenticated, path: web::Path<String>) -> ApiResult<web::Json<CaseView>> {
    let case_number = case_number(path)?;
    let auditor = state.auditor.clone();
    let case =
        state.read(principal, move |conn, principal| cases::read(conn, principal, &auditor, &case_number)).await?;
    Ok(web::Json(case))
}

/// The case's route with its ETag (for changing it): to those with a role on one of its
/// committees, or who read one of the case's items in full.
#[utoipa::path(
    tag = "items", operation_id = "getCaseRoute",
    params(("case_number" = String, Path, description = "Sagsnr.",
        pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)),
    responses((status = OK, description = "The route.", body = RouteView, headers(("ETag" = String))))
)]
#[get("/cases/{case_number}/route")]
async fn read_route(state: State, principal: Authenticated, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let case_number = case_number(path)?;
    let auditor = state.auditor.clone();
    let route =
        state.read(principal, move |conn, principal| cases::route(conn, principal, &auditor, &case_number)).await?;
    Ok(current(route))
}

/// A case's route: the bodies that treat it, in order.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"steps": [{"committee_id": 4}, {"committee_id": 2}, {"committee_id": 3, "reading": 1}, {"committee_id": 3, "reading": 2, "decides": true}]})))]
pub struct NewRoute {
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub steps: Vec<NewRouteStep>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewRouteStep {
    /// The body (committee) that treats the case at this step.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub committee_id: i64,
    /// 1, 2, … where the body treats the case more than once (1. / 2. behandling), in order; absent
    /// otherwise.
    #[validate(range(min = 1, max = 9))]
    #[schema(minimum = 1, maximum = 9)]
    pub reading: Option<i32>,
    /// This body decides the case ("Sagen afgøres i"): exactly one step does.
    #[serde(default)]
    pub decides: bool,
}

/// Set the case's route, replacing the one it has (the secretaries of every committee on the old
/// route and the new). `If-Match` is required to replace a route, not to create the first.
#[utoipa::path(
    tag = "items", operation_id = "setCaseRoute",
    params(("case_number" = String, Path, description = "Sagsnr.",
        pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64),
        ("If-Match" = Option<String>, Header, description = "ETag of the route being replaced")),
    request_body = NewRoute,
    responses(
        (status = OK, description = "The route, replaced.", body = RouteView, headers(("ETag" = String))),
        (status = CREATED, description = "The route, created.", body = RouteView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[put("/cases/{case_number}/route")]
async fn set_route(
    state: State,
    principal: Principal,
    path: web::Path<String>,
    if_match: Option<IfMatch>,
    body: JsonBody<NewRoute>,
) -> ApiResult<HttpResponse> {
    let case_number = case_number(path)?;
    let body = body.into_inner();
    body.validate()?;
    let steps: Vec<Step> = body
        .steps
        .iter()
        .map(|s| Step { committee_id: s.committee_id, reading: s.reading, decides: s.decides })
        .collect();
    let auditor = state.auditor.clone();
    let location = format!("/v1/cases/{case_number}/route");
    let (route, new) = state
        .write(principal, move |conn, principal| {
            cases::set_route(conn, principal, &auditor, &case_number, if_match.as_ref(), &steps)
        })
        .await?;
    Ok(if new { created(location, route) } else { current(route) })
}

/// Remove the case's route (the secretaries of every committee on it).
#[utoipa::path(
    tag = "items", operation_id = "deleteCaseRoute",
    params(("case_number" = String, Path, description = "Sagsnr.",
        pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64),
        ("If-Match" = String, Header, description = "ETag of the route")),
    responses((status = NO_CONTENT, description = "Removed."))
)]
#[delete("/cases/{case_number}/route")]
async fn remove_route(
    state: State,
    principal: Principal,
    path: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let case_number = case_number(path)?;
    state
        .write(principal, move |conn, principal| cases::remove_route(conn, principal, &case_number, &if_match))
        .await
        .map(removed)
}
