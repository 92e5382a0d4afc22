//! `/v1/committees`: the bodies that meet (udvalg).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::access_groups::ListQuery;
use super::extract::{IfMatch, JsonBody, QueryParams, not_null, present};
use super::pagination::{self, Page};
use super::{State, created, etagged, require_admin};
use crate::auth::Caller;
use crate::db::committees::{self, Committee, CommitteeFields};
use crate::db::{DbConnection, access};
use crate::domain::access::{CallerAccess, can_see_committee};
use crate::domain::{CommitteeKind, Publication};
use crate::error::{ApiError, ApiResult, Problem};
use crate::time;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list).service(create).service(read).service(update).service(remove);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeView {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
    /// The access group that owns the committee (e.g. the secretariat or the unit it belongs to).
    pub owner_group_id: i64,
    /// Who may read its published agendas and minutes without a grant.
    pub publication: Publication,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Committee> for CommitteeView {
    fn from(c: Committee) -> Self {
        CommitteeView {
            id: c.id,
            name: c.name,
            kind: c.kind,
            owner_group_id: c.owner_group_id,
            publication: c.publication,
            description: c.description,
            version: c.version,
            created_at: time::to_api(c.created_at),
            updated_at: time::to_api(c.updated_at),
        }
    }
}

fn not_published() -> Publication {
    Publication::None
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewCommittee {
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    pub kind: CommitteeKind,
    pub owner_group_id: i64,
    /// Defaults to `none`: nothing is published until someone decides otherwise.
    #[serde(default = "not_published")]
    pub publication: Publication,
    #[validate(length(max = 2000))]
    pub description: Option<String>,
}

impl From<NewCommittee> for CommitteeFields {
    fn from(c: NewCommittee) -> Self {
        CommitteeFields {
            name: c.name,
            kind: c.kind,
            owner_group_id: c.owner_group_id,
            publication: c.publication,
            description: c.description,
        }
    }
}

/// Changes to a committee (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteePatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub kind: Option<CommitteeKind>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub owner_group_id: Option<i64>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub publication: Option<Publication>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

impl CommitteePatch {
    fn apply(self, current: CommitteeFields) -> NewCommittee {
        NewCommittee {
            name: self.name.unwrap_or(current.name),
            kind: self.kind.unwrap_or(current.kind),
            owner_group_id: self.owner_group_id.unwrap_or(current.owner_group_id),
            publication: self.publication.unwrap_or(current.publication),
            description: self.description.unwrap_or(current.description),
        }
    }
}

/// The committee if the caller may see it; not found otherwise, as if it did not exist.
pub fn find_visible(conn: &mut DbConnection, access: &CallerAccess, id: i64) -> ApiResult<Committee> {
    committees::find(conn, id)?
        .filter(|c| can_see_committee(c.publication, access.role_on(c.id), access.admin))
        .ok_or(ApiError::NotFound)
}

/// List the committees visible to the caller: those it holds a role on and those published to
/// every employee (admins see all).
#[utoipa::path(tag = "committees", params(ListQuery), responses((status = OK, body = Page<CommitteeView>)))]
#[get("/committees")]
async fn list(
    state: State,
    caller: Caller,
    query: QueryParams<ListQuery>,
) -> ApiResult<web::Json<Page<CommitteeView>>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let after = pagination::after_id(query.cursor.as_deref())?;
    let rows = state
        .db
        .read(move |conn| {
            let access = access::load(conn, &caller)?;
            Ok(committees::list(conn, &access, after, i64::from(limit) + 1)?)
        })
        .await?;
    Ok(web::Json(pagination::page(rows, limit, |c| pagination::id_cursor(c.id), CommitteeView::from)))
}

/// Create a committee (admin).
#[utoipa::path(
    tag = "committees",
    request_body = NewCommittee,
    responses(
        (status = CREATED, body = CommitteeView, headers(("ETag" = String), ("Location" = String))),
        (status = FORBIDDEN, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/committees")]
async fn create(state: State, caller: Caller, body: JsonBody<NewCommittee>) -> ApiResult<HttpResponse> {
    require_admin(&caller)?;
    let input = body.into_inner();
    input.validate()?;
    let committee = state.db.write(move |conn| committees::create(conn, &input.into(), time::now())).await?;
    Ok(created(format!("/v1/committees/{}", committee.id), committee.version).json(CommitteeView::from(committee)))
}

/// Read a committee.
#[utoipa::path(
    tag = "committees",
    params(("id" = i64, Path, description = "Committee id")),
    responses((status = OK, body = CommitteeView, headers(("ETag" = String))))
)]
#[get("/committees/{id}")]
async fn read(state: State, caller: Caller, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let committee = state
        .db
        .read(move |conn| {
            let access = access::load(conn, &caller)?;
            find_visible(conn, &access, id)
        })
        .await?;
    Ok(etagged(StatusCode::OK, committee.version, true).json(CommitteeView::from(committee)))
}

/// Change a committee (admin).
#[utoipa::path(
    tag = "committees",
    params(("id" = i64, Path, description = "Committee id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = CommitteePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, body = CommitteeView, headers(("ETag" = String))),
        (status = FORBIDDEN, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/committees/{id}")]
async fn update(
    state: State,
    caller: Caller,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<CommitteePatch>,
) -> ApiResult<HttpResponse> {
    require_admin(&caller)?;
    let (id, patch) = (id.into_inner(), body.into_inner());
    let committee = state
        .db
        .write(move |conn| {
            let current = committees::find(conn, id)?.ok_or(ApiError::NotFound)?;
            if_match.check(current.version)?;
            let changed = patch.apply(current.fields());
            changed.validate()?;
            committees::update(conn, &current, &changed.into(), time::now())
        })
        .await?;
    Ok(etagged(StatusCode::OK, committee.version, true).json(CommitteeView::from(committee)))
}

/// Delete a committee (admin) that has no meetings; its grants go with it.
#[utoipa::path(
    tag = "committees",
    params(("id" = i64, Path, description = "Committee id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses(
        (status = NO_CONTENT, description = "Deleted."),
        (status = FORBIDDEN, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The committee has meetings.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/committees/{id}")]
async fn remove(state: State, caller: Caller, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    require_admin(&caller)?;
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            let current = committees::find(conn, id)?.ok_or(ApiError::NotFound)?;
            if_match.check(current.version)?;
            committees::delete(conn, &current)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
