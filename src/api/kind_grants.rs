//! `/v1/grants`: roles on every committee of one kind, present and future (admins). The seed's
//! example: a member of Hovedudvalget may see all MED meetings.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, QueryParams, Timestamp};
use super::grants::GrantPatch;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::domain::access::Principal;
use crate::domain::{CommitteeKind, CommitteeRole};
use crate::error::{ApiResult, Problem};
use crate::service::grants;
use crate::views::grant::KindGrantView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Admin)
        .add(create, Access::Admin)
        .add(read, Access::Admin)
        .add(update, Access::Admin)
        .add(remove, Access::Admin);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"committee_kind": "med", "group_id": 12, "role": "reader"})))]
pub struct NewKindGrant {
    pub group_id: i64,
    pub committee_kind: CommitteeKind,
    pub role: CommitteeRole,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KindGrantQuery {
    pub committee_kind: Option<CommitteeKind>,
    pub group_id: Option<i64>,
    /// Only those created or changed at or after this time (RFC 3339; encode `+` as `%2B`).
    /// Deletions are not listed: the audit trail has them.
    pub modified_since: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
}

/// List the grants on kinds of committee (admins).
#[utoipa::path(
    tag = "grants", operation_id = "listKindGrants",
    params(KindGrantQuery),
    responses(
        (status = OK, description = "A page of grants on kinds of committee.", body = Page<KindGrantView>),
    )
)]
#[get("/grants")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<KindGrantQuery>,
) -> ApiResult<web::Json<Page<KindGrantView>>> {
    let query = query.0;
    let (limit, page) = pagination::id_page(query.limit, query.cursor.as_deref(), query.modified_since)?;
    let (kind, group) = (query.committee_kind, query.group_id);
    let rows = state
        .read(principal, move |conn, principal| grants::list_on_kinds(conn, principal, kind, group, &page))
        .await?;
    Ok(web::Json(pagination::page(rows, limit, |g| pagination::id_cursor(g.id), KindGrantView::from)))
}

/// Grant a role on every committee of a kind to an access group (admins).
#[utoipa::path(
    tag = "grants", operation_id = "createKindGrant",
    request_body = NewKindGrant,
    responses(
        (status = CREATED, description = "The new grant.", body = KindGrantView, headers(("ETag" = String), ("Location" = String))),
        (status = CONFLICT, description = "The group already holds a grant on the kind.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/grants")]
async fn create(state: State, principal: Principal, body: JsonBody<NewKindGrant>) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let (kind, group, role) = (input.committee_kind, input.group_id, input.role);
    let grant = state
        .write(principal, move |conn, principal| grants::create_on_kind(conn, principal, kind, group, role))
        .await?;
    Ok(created(format!("/v1/grants/{}", grant.id), KindGrantView::from(grant)))
}

/// Read a grant on a kind of committee (admins).
#[utoipa::path(
    tag = "grants", operation_id = "getKindGrant",
    params(("id" = i64, Path, description = "Grant id")),
    responses(
        (status = OK, description = "The grant.", body = KindGrantView, headers(("ETag" = String))),
    )
)]
#[get("/grants/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let grant = state.read(principal, move |conn, principal| grants::read_on_kind(conn, principal, id)).await?;
    Ok(current(KindGrantView::from(grant)))
}

/// Change the role of a grant on a kind of committee (admins).
#[utoipa::path(
    tag = "grants", operation_id = "updateKindGrant",
    params(("id" = i64, Path, description = "Grant id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = GrantPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The grant as changed.", body = KindGrantView, headers(("ETag" = String))),
    )
)]
#[patch("/grants/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<GrantPatch>,
) -> ApiResult<HttpResponse> {
    let (id, role) = (id.into_inner(), body.into_inner().role);
    let grant = state
        .write(principal, move |conn, principal| grants::update_on_kind(conn, principal, id, &if_match, role))
        .await?;
    Ok(current(KindGrantView::from(grant)))
}

/// Revoke a grant on a kind of committee (admins).
#[utoipa::path(
    tag = "grants", operation_id = "deleteKindGrant",
    params(("id" = i64, Path, description = "Grant id"), ("If-Match" = String, Header, description = "ETag of the version being revoked")),
    responses(
        (status = NO_CONTENT, description = "Revoked."),
    )
)]
#[delete("/grants/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .write(principal, move |conn, principal| grants::remove_on_kind(conn, principal, id, &if_match))
        .await
        .map(removed)
}
