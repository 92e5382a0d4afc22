//! `/v1/committees/{id}/grants`: which access groups hold which role on a committee.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::{IfMatch, JsonBody};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::domain::CommitteeRole;
use crate::domain::access::Principal;
use crate::error::{ApiResult, Problem};
use crate::service::grants;
use crate::views::grant::GrantView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::GrantViewer)
        .add(create, Access::CommitteeManager)
        .add(read, Access::GrantViewer)
        .add(update, Access::CommitteeManager)
        .add(remove, Access::CommitteeManager);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"group_id": 2, "role": "member"})))]
pub struct NewGrant {
    pub group_id: i64,
    pub role: CommitteeRole,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"role": "secretary"})))]
pub struct GrantPatch {
    pub role: CommitteeRole,
}

/// List the committee's grants (its managers and secretaries).
#[utoipa::path(
    tag = "grants", operation_id = "listCommitteeGrants",
    params(("id" = i64, Path, description = "Committee id"), SinceQuery),
    responses(
        (status = OK, description = "The committee's grants.", body = Vec<GrantView>),
    )
)]
#[get("/committees/{id}/grants")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<GrantView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let rows = state.read(principal, move |conn, principal| grants::list(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(GrantView::from).collect()))
}

/// Grant a role on the committee to an access group (its managers).
#[utoipa::path(
    tag = "grants", operation_id = "createCommitteeGrant",
    params(("id" = i64, Path, description = "Committee id")),
    request_body = NewGrant,
    responses(
        (status = CREATED, description = "The new grant.", body = GrantView, headers(("ETag" = String), ("Location" = String))),
        (status = CONFLICT, description = "The group already holds a grant on the committee.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/committees/{id}/grants")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewGrant>,
) -> ApiResult<HttpResponse> {
    let (committee_id, input) = (id.into_inner(), body.into_inner());
    let (group, role) = (input.group_id, input.role);
    let grant = state
        .write(principal, move |conn, principal| grants::create(conn, principal, committee_id, group, role))
        .await?;
    Ok(created(format!("/v1/committees/{committee_id}/grants/{}", grant.id), GrantView::from(grant)))
}

/// Read one grant (the committee's managers and secretaries).
#[utoipa::path(
    tag = "grants", operation_id = "getCommitteeGrant",
    params(("id" = i64, Path, description = "Committee id"), ("grant_id" = i64, Path, description = "Grant id")),
    responses(
        (status = OK, description = "The grant.", body = GrantView, headers(("ETag" = String))),
    )
)]
#[get("/committees/{id}/grants/{grant_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (committee_id, id) = path.into_inner();
    let grant = state.read(principal, move |conn, principal| grants::read(conn, principal, committee_id, id)).await?;
    Ok(current(GrantView::from(grant)))
}

/// Change the role of a grant (the committee's managers).
#[utoipa::path(
    tag = "grants", operation_id = "updateCommitteeGrant",
    params(
        ("id" = i64, Path, description = "Committee id"),
        ("grant_id" = i64, Path, description = "Grant id"),
        ("If-Match" = String, Header, description = "ETag of the version being changed"),
    ),
    request_body(content = GrantPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The grant as changed.", body = GrantView, headers(("ETag" = String))),
    )
)]
#[patch("/committees/{id}/grants/{grant_id}")]
async fn update(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
    body: JsonBody<GrantPatch>,
) -> ApiResult<HttpResponse> {
    let (path, role) = (path.into_inner(), body.into_inner().role);
    let grant =
        state.write(principal, move |conn, principal| grants::update(conn, principal, path, &if_match, role)).await?;
    Ok(current(GrantView::from(grant)))
}

/// Revoke a grant (the committee's managers).
#[utoipa::path(
    tag = "grants", operation_id = "deleteCommitteeGrant",
    params(
        ("id" = i64, Path, description = "Committee id"),
        ("grant_id" = i64, Path, description = "Grant id"),
        ("If-Match" = String, Header, description = "ETag of the version being revoked"),
    ),
    responses(
        (status = NO_CONTENT, description = "Revoked."),
    )
)]
#[delete("/committees/{id}/grants/{grant_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let path = path.into_inner();
    state.write(principal, move |conn, principal| grants::remove(conn, principal, path, &if_match)).await.map(removed)
}
