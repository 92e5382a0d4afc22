//! `/v1/access-groups/{id}/members`: members added here rather than by the identity provider, e.g.
//! external collaborators (admins and the group's delegated managers). They count like the groups in
//! a token.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::line;
use super::extract::{IfMatch, JsonBody};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::domain::access::Principal;
use crate::error::{ApiResult, Problem};
use crate::service::access_groups as groups;
use crate::views::access_group::MemberView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::GroupManager)
        .add(add, Access::GroupManager)
        .add(read, Access::GroupManager)
        .add(remove, Access::GroupManager);
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"subject": "ekstern.konsulent@kalundborg.dk"})))]
pub struct NewMember {
    /// The user's subject; they need not have signed in yet.
    #[validate(length(min = 1, max = 256), custom(function = line))]
    #[schema(min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub subject: String,
}

/// The group's local members (admins and the group's managers).
#[utoipa::path(
    tag = "access-groups", operation_id = "listGroupMembers",
    params(("id" = i64, Path, description = "Access group id"), SinceQuery),
    responses(
        (status = OK, description = "The group's members added here.", body = Vec<MemberView>),
    )
)]
#[get("/access-groups/{id}/members")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<MemberView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let rows = state.read(principal, move |conn, principal| groups::list_members(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(MemberView::from).collect()))
}

/// Add a member to the group (admins and the group's managers).
#[utoipa::path(
    tag = "access-groups", operation_id = "addGroupMember",
    params(("id" = i64, Path, description = "Access group id")),
    request_body = NewMember,
    responses(
        (status = CREATED, description = "The new membership.", body = MemberView, headers(("ETag" = String), ("Location" = String))),
        (status = CONFLICT, description = "Already a member.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/access-groups/{id}/members")]
async fn add(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewMember>,
) -> ApiResult<HttpResponse> {
    let (group_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let member = state
        .write(principal, move |conn, principal| groups::add_member(conn, principal, group_id, &input.subject))
        .await?;
    Ok(created(format!("/v1/access-groups/{group_id}/members/{}", member.id), MemberView::from(member)))
}

/// Read a local membership (admins and the group's managers).
#[utoipa::path(
    tag = "access-groups", operation_id = "getGroupMember",
    params(("id" = i64, Path, description = "Access group id"), ("member_id" = i64, Path, description = "Membership id")),
    responses(
        (status = OK, description = "The membership.", body = MemberView, headers(("ETag" = String))),
    )
)]
#[get("/access-groups/{id}/members/{member_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let path = path.into_inner();
    let member = state.read(principal, move |conn, principal| groups::read_member(conn, principal, path)).await?;
    Ok(current(MemberView::from(member)))
}

/// Remove a member from the group (admins and the group's managers).
#[utoipa::path(
    tag = "access-groups", operation_id = "removeGroupMember",
    params(
        ("id" = i64, Path, description = "Access group id"),
        ("member_id" = i64, Path, description = "Membership id"),
        ("If-Match" = String, Header, description = "ETag of the membership"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/access-groups/{id}/members/{member_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let path = path.into_inner();
    state
        .write(principal, move |conn, principal| groups::remove_member(conn, principal, path, &if_match))
        .await
        .map(removed)
}
