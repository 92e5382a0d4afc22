//! `/v1/access-groups`: the municipality's AD groups in four tiers, nested.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, MergePatch, QueryParams, merged, not_null, present};
use super::extract::{line, text};
use super::pagination::{self, ListQuery, Page};
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::groups::GroupFields;
use crate::domain::Tier;
use crate::domain::access::Principal;
use crate::error::{ApiResult, Problem};
use crate::service::access_groups as groups;
use crate::views::access_group::AccessGroupView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn)
        .add(create, Access::GroupManager)
        .add(read, Access::SignedIn)
        .add(update, Access::GroupManager)
        .add(remove, Access::GroupManager);
}

/// A new access group. Also the shape every change is checked against.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Borgerservice", "external_id": "9b2e4c1a-5d3f-4e8b-a6c7-1f0e2d3c4b5a", "tier": "unit", "description": "Borgerservice i Kalundborg Kommune."})))]
pub struct NewAccessGroup {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: String,
    #[validate(length(min = 1, max = 256), custom(function = line))]
    #[schema(min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub external_id: Option<String>,
    pub tier: Tier,
    pub parent_id: Option<i64>,
    #[validate(length(max = 2000), custom(function = text))]
    #[schema(max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub description: Option<String>,
    /// Only admins set this (default `false`).
    #[serde(default)]
    pub manages_subtree: bool,
}

impl From<NewAccessGroup> for GroupFields {
    fn from(g: NewAccessGroup) -> Self {
        GroupFields {
            name: g.name,
            external_id: g.external_id,
            tier: g.tier,
            parent_id: g.parent_id,
            description: g.description,
            manages_subtree: g.manages_subtree,
        }
    }
}

/// Changes to an access group (JSON merge patch): absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"description": "Borgerservice og Kontrolgruppen.", "parent_id": null})))]
pub struct AccessGroupPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub tier: Option<Tier>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub manages_subtree: Option<bool>,
}

impl MergePatch for AccessGroupPatch {
    type Fields = GroupFields;
    type Body = NewAccessGroup;

    fn apply(self, current: GroupFields) -> NewAccessGroup {
        NewAccessGroup {
            name: self.name.unwrap_or(current.name),
            external_id: self.external_id.unwrap_or(current.external_id),
            tier: self.tier.unwrap_or(current.tier),
            parent_id: self.parent_id.unwrap_or(current.parent_id),
            description: self.description.unwrap_or(current.description),
            manages_subtree: self.manages_subtree.unwrap_or(current.manages_subtree),
        }
    }
}

/// List access groups (any signed-in caller).
#[utoipa::path(tag = "access-groups", operation_id = "listAccessGroups", params(ListQuery), responses((status = OK, description = "A page of access groups.", body = Page<AccessGroupView>)))]
#[get("/access-groups")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<ListQuery>,
) -> ApiResult<web::Json<Page<AccessGroupView>>> {
    let (limit, page) = query.0.page()?;
    let rows = state.read(principal, move |conn, _| groups::list(conn, &page)).await?;
    Ok(web::Json(pagination::page(rows, limit, |g| pagination::id_cursor(g.id), AccessGroupView::from)))
}

/// Create an access group (admins; delegated managers below a group they manage).
#[utoipa::path(
    tag = "access-groups", operation_id = "createAccessGroup",
    request_body = NewAccessGroup,
    responses(
        (status = CREATED, description = "The new group.", body = AccessGroupView, headers(("ETag" = String), ("Location" = String))),
        (status = CONFLICT, description = "Another group has the external id.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/access-groups")]
async fn create(state: State, principal: Principal, body: JsonBody<NewAccessGroup>) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let fields = GroupFields::from(input);
    let group = state.write(principal, move |conn, principal| groups::create(conn, principal, &fields)).await?;
    Ok(created(format!("/v1/access-groups/{}", group.id), AccessGroupView::from(group)))
}

/// Read an access group (any signed-in caller).
#[utoipa::path(
    tag = "access-groups", operation_id = "getAccessGroup",
    params(("id" = i64, Path, description = "Access group id")),
    responses((status = OK, description = "The group.", body = AccessGroupView, headers(("ETag" = String))))
)]
#[get("/access-groups/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let group = state.read(principal, move |conn, _| groups::read(conn, id)).await?;
    Ok(current(AccessGroupView::from(group)))
}

/// Change an access group (admins; delegated managers within their subtree). Moving it under another
/// parent moves its subtree; a parent inside its own subtree is refused.
#[utoipa::path(
    tag = "access-groups", operation_id = "updateAccessGroup",
    params(("id" = i64, Path, description = "Access group id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = AccessGroupPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The group as changed.", body = AccessGroupView, headers(("ETag" = String))),
        (status = CONFLICT, description = "Another group has the external id.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/access-groups/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<AccessGroupPatch>,
) -> ApiResult<HttpResponse> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let group = state
        .write(principal, move |conn, principal| groups::update(conn, principal, id, &if_match, merged(patch)))
        .await?;
    Ok(current(AccessGroupView::from(group)))
}

/// Delete an access group that has no child groups, owns no committee and holds no grant (admins;
/// delegated managers below the group they manage).
#[utoipa::path(
    tag = "access-groups", operation_id = "deleteAccessGroup",
    params(("id" = i64, Path, description = "Access group id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses(
        (status = NO_CONTENT, description = "Deleted."),
        (status = CONFLICT, description = "The group is still in use.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/access-groups/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(principal, move |conn, principal| groups::remove(conn, principal, id, &if_match)).await.map(removed)
}
