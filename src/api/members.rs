//! `/v1/access-groups/{id}/members`: members added here rather than by the identity provider, e.g.
//! external collaborators (admins and the group's delegated managers). They count like the groups in
//! a token.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::line;
use super::extract::{IfMatch, JsonBody};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, etagged};
use crate::audit::{self, Object};
use crate::db::members::{self, Member};
use crate::db::modified_since;
use crate::db::{DbConnection, groups};
use crate::domain::access::Principal;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::access::{ensure_room, require_manager};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::GroupManager)
        .add(add, Access::GroupManager)
        .add(read, Access::GroupManager)
        .add(remove, Access::GroupManager);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "group_id": 3, "subject": "ekstern.konsulent@kalundborg.dk", "added_by": "alice", "version": 1, "created_at": "2022-04-19T09:15:00+02:00"})))]
pub struct MemberView {
    pub id: i64,
    pub group_id: i64,
    /// The member's user subject (the `sub` of their tokens).
    pub subject: String,
    /// Who added them.
    pub added_by: String,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            id: m.id,
            group_id: m.group_id,
            subject: m.subject,
            added_by: m.added_by,
            version: m.version,
            created_at: time::to_api(m.created_at),
        }
    }
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

fn managed_group(conn: &mut DbConnection, principal: &Principal, group_id: i64) -> ApiResult<()> {
    groups::find(conn, group_id)?.ok_or(ApiError::NotFound)?;
    require_manager(conn, principal, group_id)
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
    let rows = state
        .read(principal, move |conn, principal| {
            managed_group(conn, principal, id)?;
            Ok(modified_since(members::list_for_group(conn, id)?, since))
        })
        .await?;
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
        .write(principal, move |conn, principal| {
            managed_group(conn, principal, group_id)?;
            ensure_room(members::count_for_group(conn, group_id)?, limits::GROUP_MEMBERS, "members added to a group")?;
            let member = members::add(conn, group_id, &input.subject, &principal.subject, time::now())?;
            audit::created(
                conn,
                principal,
                &Object::new("group_member", member.id),
                &MemberView::from(member.clone()),
            )?;
            Ok(member)
        })
        .await?;
    Ok(created(format!("/v1/access-groups/{group_id}/members/{}", member.id), member.version)
        .json(MemberView::from(member)))
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
    let (group_id, id) = path.into_inner();
    let member = state
        .read(principal, move |conn, principal| {
            managed_group(conn, principal, group_id)?;
            members::find(conn, group_id, id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(etagged(StatusCode::OK, member.version, true).json(MemberView::from(member)))
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
    let (group_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| {
            managed_group(conn, principal, group_id)?;
            let member = members::find(conn, group_id, id)?.ok_or(ApiError::NotFound)?;
            if_match.check(member.version)?;
            members::remove(conn, &member)?;
            audit::deleted(conn, principal, &Object::new("group_member", member.id), &MemberView::from(member.clone()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
