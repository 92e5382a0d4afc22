//! `/v1/committees/{id}/grants`: which access groups hold which role on a committee.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::{IfMatch, JsonBody};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, etagged};
use crate::audit::{self, Object};
use crate::db::DbConnection;
use crate::db::committees::Committee;
use crate::db::grants::{self, Grant};
use crate::db::modified_since;
use crate::domain::CommitteeRole;
use crate::domain::access::{Principal, can_list_grants};
use crate::domain::limits;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::access::{ensure_room, find_visible, manages, require_manager};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::GrantViewer)
        .add(create, Access::CommitteeManager)
        .add(read, Access::GrantViewer)
        .add(update, Access::CommitteeManager)
        .add(remove, Access::CommitteeManager);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "committee_id": 1, "group_id": 2, "role": "member", "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct GrantView {
    pub id: i64,
    pub committee_id: i64,
    /// The group whose members (and the members of its child groups) hold the role.
    pub group_id: i64,
    pub role: CommitteeRole,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Grant> for GrantView {
    fn from(g: Grant) -> Self {
        GrantView {
            id: g.id,
            committee_id: g.committee_id,
            group_id: g.group_id,
            role: g.role,
            version: g.version,
            created_at: time::to_api(g.created_at),
            updated_at: time::to_api(g.updated_at),
        }
    }
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

/// The committee's grants are seen by its managers (admins, delegated managers of its owner group)
/// and its secretaries; others who can see the committee are refused, others still are told it does
/// not exist. Returns the committee and whether the caller manages it.
fn check_can_list(conn: &mut DbConnection, principal: &Principal, committee_id: i64) -> ApiResult<(Committee, bool)> {
    let committee = find_visible(conn, principal, committee_id)?;
    let manager = manages(conn, principal, committee.owner_group_id)?;
    if can_list_grants(principal.role_on(committee.id, committee.kind), manager) {
        Ok((committee, manager))
    } else {
        Err(ApiError::Forbidden("Only the committee's managers and secretaries see its grants.".into()))
    }
}

/// Changing grants is for the committee's managers; a delegated manager grants only to groups it
/// manages, so that it cannot hand the committee's content to the rest of the organisation.
fn check_can_change(
    conn: &mut DbConnection,
    principal: &Principal,
    committee_id: i64,
    group: Option<i64>,
) -> ApiResult<()> {
    let (_, manager) = check_can_list(conn, principal, committee_id)?;
    if !manager {
        return Err(ApiError::Forbidden("Only the committee's managers change its grants.".into()));
    }
    match group {
        Some(group) if !principal.is_admin() => require_manager(conn, principal, group),
        _ => Ok(()),
    }
}

fn object(grant: &Grant) -> Object {
    Object::of_committee("grant", grant.id, grant.committee_id, false)
}

fn find_grant(conn: &mut DbConnection, committee_id: i64, id: i64) -> ApiResult<Grant> {
    grants::find(conn, committee_id, id)?.ok_or(ApiError::NotFound)
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
    let rows = state
        .read(principal, move |conn, principal| {
            check_can_list(conn, principal, id)?;
            Ok(modified_since(grants::list_for_committee(conn, id)?, since))
        })
        .await?;
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
    let grant = state
        .write(principal, move |conn, principal| {
            check_can_change(conn, principal, committee_id, Some(input.group_id))?;
            let count = grants::count_for_committee(conn, committee_id)?;
            ensure_room(count, limits::COMMITTEE_GRANTS, "grants on a committee")?;
            let grant = grants::create(conn, committee_id, input.group_id, input.role, time::now())?;
            audit::created(conn, principal, &object(&grant), &GrantView::from(grant.clone()))?;
            Ok(grant)
        })
        .await?;
    Ok(created(format!("/v1/committees/{committee_id}/grants/{}", grant.id), grant.version)
        .json(GrantView::from(grant)))
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
    let grant = state
        .read(principal, move |conn, principal| {
            check_can_list(conn, principal, committee_id)?;
            find_grant(conn, committee_id, id)
        })
        .await?;
    Ok(etagged(StatusCode::OK, grant.version, true).json(GrantView::from(grant)))
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
    let ((committee_id, id), patch) = (path.into_inner(), body.into_inner());
    let grant = state
        .write(principal, move |conn, principal| {
            check_can_change(conn, principal, committee_id, None)?;
            let current = find_grant(conn, committee_id, id)?;
            if_match.check(current.version)?;
            let grant = grants::update_role(conn, &current, patch.role, time::now())?;
            audit::updated(
                conn,
                principal,
                &object(&grant),
                &GrantView::from(current),
                &GrantView::from(grant.clone()),
            )?;
            Ok(grant)
        })
        .await?;
    Ok(etagged(StatusCode::OK, grant.version, true).json(GrantView::from(grant)))
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
    let (committee_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| {
            check_can_change(conn, principal, committee_id, None)?;
            let current = find_grant(conn, committee_id, id)?;
            if_match.check(current.version)?;
            grants::delete(conn, &current)?;
            audit::deleted(conn, principal, &object(&current), &GrantView::from(current.clone()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
