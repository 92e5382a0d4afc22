//! `/v1/committees`: the bodies that meet (udvalg).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, MergePatch, QueryParams, merged, not_null, present};
use super::extract::{line, text};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::committees::CommitteeFields;
use crate::domain::access::Principal;
use crate::domain::agenda::Numbering;
use crate::domain::{CommitteeKind, Publication};
use crate::error::{ApiResult, Problem};
use crate::service::access::find_visible;
use crate::service::committees;
use crate::views::committee::CommitteeView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn)
        .add(create, Access::CommitteeManager)
        .add(read, Access::CommitteeViewer)
        .add(update, Access::CommitteeManager)
        .add(remove, Access::CommitteeManager);
}

fn not_published() -> Publication {
    Publication::None
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Direktionen", "kind": "executive_board", "owner_group_id": 1, "publication": "internal", "description": "Kommunens direktion."})))]
pub struct NewCommittee {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: String,
    pub kind: CommitteeKind,
    pub owner_group_id: i64,
    /// Defaults to `none`: nothing is published until someone decides otherwise.
    #[serde(default = "not_published")]
    pub publication: Publication,
    #[validate(length(max = 2000), custom(function = text))]
    #[schema(max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub description: Option<String>,
    /// Whether the minutes wait for every approver's sign-off; defaults to `false`.
    #[serde(default)]
    pub requires_sign_off: bool,
    /// How its items are numbered: `meeting` (1..n in each meeting, the default), or running
    /// through the calendar `year` or the election `term`, each number fixed when the agenda is
    /// first published with the item.
    #[serde(default)]
    pub numbering: Numbering,
}

impl From<NewCommittee> for CommitteeFields {
    fn from(c: NewCommittee) -> Self {
        CommitteeFields {
            name: c.name,
            kind: c.kind,
            owner_group_id: c.owner_group_id,
            publication: c.publication,
            description: c.description,
            requires_sign_off: c.requires_sign_off,
            numbering: c.numbering,
        }
    }
}

/// Changes to a committee (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"publication": "public", "requires_sign_off": true})))]
pub struct CommitteePatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
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
    #[schema(value_type = Option<String>, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub requires_sign_off: Option<bool>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub numbering: Option<Numbering>,
}

impl MergePatch for CommitteePatch {
    type Fields = CommitteeFields;
    type Body = NewCommittee;

    fn apply(self, current: CommitteeFields) -> NewCommittee {
        NewCommittee {
            name: self.name.unwrap_or(current.name),
            kind: self.kind.unwrap_or(current.kind),
            owner_group_id: self.owner_group_id.unwrap_or(current.owner_group_id),
            publication: self.publication.unwrap_or(current.publication),
            description: self.description.unwrap_or(current.description),
            requires_sign_off: self.requires_sign_off.unwrap_or(current.requires_sign_off),
            numbering: self.numbering.unwrap_or(current.numbering),
        }
    }
}

/// List the committees visible to the caller: those it holds a role on, those published to every
/// employee, and those it manages (admins see all).
#[utoipa::path(tag = "committees", operation_id = "listCommittees", params(ListQuery), responses((status = OK, description = "A page of the committees the caller may see.", body = Page<CommitteeView>)))]
#[get("/committees")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<ListQuery>,
) -> ApiResult<web::Json<Page<CommitteeView>>> {
    let (limit, page) = query.0.page()?;
    let rows = state.read(principal, move |conn, principal| committees::list(conn, principal, &page)).await?;
    Ok(web::Json(pagination::page(rows, limit, |c| pagination::id_cursor(c.id), CommitteeView::from)))
}

/// Create a committee (admins; delegated managers for an owner group they manage).
#[utoipa::path(
    tag = "committees", operation_id = "createCommittee",
    request_body = NewCommittee,
    responses(
        (status = CREATED, description = "The new committee.", body = CommitteeView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/committees")]
async fn create(state: State, principal: Principal, body: JsonBody<NewCommittee>) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let fields = CommitteeFields::from(input);
    let committee = state.write(principal, move |conn, principal| committees::create(conn, principal, &fields)).await?;
    Ok(created(format!("/v1/committees/{}", committee.id), CommitteeView::from(committee)))
}

/// Read a committee.
#[utoipa::path(
    tag = "committees", operation_id = "getCommittee",
    params(("id" = i64, Path, description = "Committee id")),
    responses((status = OK, description = "The committee.", body = CommitteeView, headers(("ETag" = String))))
)]
#[get("/committees/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let committee = state.read(principal, move |conn, principal| find_visible(conn, principal, id)).await?;
    Ok(current(CommitteeView::from(committee)))
}

/// Change a committee (admins; delegated managers of its owner group, and of the new one).
#[utoipa::path(
    tag = "committees", operation_id = "updateCommittee",
    params(("id" = i64, Path, description = "Committee id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = CommitteePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The committee as changed.", body = CommitteeView, headers(("ETag" = String))),
    )
)]
#[patch("/committees/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<CommitteePatch>,
) -> ApiResult<HttpResponse> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let committee = state
        .write(principal, move |conn, principal| committees::update(conn, principal, id, &if_match, merged(patch)))
        .await?;
    Ok(current(CommitteeView::from(committee)))
}

/// Delete a committee that has no meetings; its grants go with it (admins; delegated managers of its
/// owner group).
#[utoipa::path(
    tag = "committees", operation_id = "deleteCommittee",
    params(("id" = i64, Path, description = "Committee id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses(
        (status = NO_CONTENT, description = "Deleted."),
        (status = CONFLICT, description = "The committee has meetings.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/committees/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(principal, move |conn, principal| committees::remove(conn, principal, id, &if_match)).await.map(removed)
}
