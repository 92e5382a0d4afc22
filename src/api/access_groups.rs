//! `/v1/access-groups`: the municipality's AD groups in four tiers, nested.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, QueryParams, not_null, present};
use super::extract::{line, text};
use super::pagination::{self, ListQuery, Page};
use super::policy::{Access, Routes};
use super::{State, created, etagged};
use crate::audit::{self, Object};
use crate::db::DbConnection;
use crate::db::groups::{self, AccessGroup, GroupFields};
use crate::domain::Tier;
use crate::domain::access::Principal;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::access::{manages, require_manager};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn)
        .add(create, Access::GroupManager)
        .add(read, Access::SignedIn)
        .add(update, Access::GroupManager)
        .add(remove, Access::GroupManager);
}

/// An access group: an AD/Entra group (or a local one) whose members share access.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 3, "name": "Borgerservice", "external_id": "9b2e4c1a-5d3f-4e8b-a6c7-1f0e2d3c4b5a", "tier": "unit", "parent_id": null, "description": "Borgerservice i Kalundborg Kommune.", "manages_subtree": false, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct AccessGroupView {
    pub id: i64,
    pub name: String,
    /// The group id tokens carry in their `groups` claim; `null` for a group known only here.
    pub external_id: Option<String>,
    pub tier: Tier,
    /// The group this one belongs to: its members are members of the parent too.
    pub parent_id: Option<i64>,
    pub description: Option<String>,
    /// Direct members of this group manage it and every group below it, and the committees those
    /// groups own (delegated administration).
    pub manages_subtree: bool,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<AccessGroup> for AccessGroupView {
    fn from(g: AccessGroup) -> Self {
        AccessGroupView {
            id: g.id,
            name: g.name,
            external_id: g.external_id,
            tier: g.tier,
            parent_id: g.parent_id,
            description: g.description,
            manages_subtree: g.manages_subtree,
            version: g.version,
            created_at: time::to_api(g.created_at),
            updated_at: time::to_api(g.updated_at),
        }
    }
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

impl AccessGroupPatch {
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

fn object(group: &AccessGroup) -> Object {
    Object::new("access_group", group.id)
}

/// Who may put a group under `parent`: an admin anywhere; a delegated manager only below a group it
/// manages (so that it cannot make groups outside its subtree, nor top-level ones).
fn require_manager_of_parent(conn: &mut DbConnection, principal: &Principal, parent: Option<i64>) -> ApiResult<()> {
    match parent {
        _ if principal.is_admin() => Ok(()),
        Some(parent) if manages(conn, principal, parent)? => Ok(()),
        _ => Err(ApiError::Forbidden("Groups go below a group you manage.".into())),
    }
}

fn require_admin_for_flag(principal: &Principal, changes_flag: bool) -> ApiResult<()> {
    if changes_flag && !principal.is_admin() {
        return Err(ApiError::Forbidden("Only admins decide which groups manage their subtree.".into()));
    }
    Ok(())
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
    let rows = state.read(principal, move |conn, _| Ok(groups::list(conn, &page)?)).await?;
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
    let group = state
        .write(principal, move |conn, principal| {
            require_manager_of_parent(conn, principal, input.parent_id)?;
            require_admin_for_flag(principal, input.manages_subtree)?;
            let group = groups::create(conn, &input.into(), time::now())?;
            audit::created(conn, principal, &object(&group), &AccessGroupView::from(group.clone()))?;
            Ok(group)
        })
        .await?;
    Ok(created(format!("/v1/access-groups/{}", group.id), group.version).json(AccessGroupView::from(group)))
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
    let group = state.read(principal, move |conn, _| groups::find(conn, id)?.ok_or(ApiError::NotFound)).await?;
    Ok(etagged(StatusCode::OK, group.version, true).json(AccessGroupView::from(group)))
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
        .write(principal, move |conn, principal| {
            let current = groups::find(conn, id)?.ok_or(ApiError::NotFound)?;
            require_manager(conn, principal, current.id)?;
            if_match.check(current.version)?;
            let changed = patch.apply(current.fields());
            changed.validate()?;
            require_admin_for_flag(principal, changed.manages_subtree != current.manages_subtree)?;
            if changed.parent_id != current.parent_id {
                require_manager_of_parent(conn, principal, current.parent_id)?;
                require_manager_of_parent(conn, principal, changed.parent_id)?;
            }
            let group = groups::update(conn, &current, &changed.into(), time::now())?;
            audit::updated(
                conn,
                principal,
                &object(&group),
                &AccessGroupView::from(current),
                &AccessGroupView::from(group.clone()),
            )?;
            Ok(group)
        })
        .await?;
    Ok(etagged(StatusCode::OK, group.version, true).json(AccessGroupView::from(group)))
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
    state
        .write(principal, move |conn, principal| {
            let current = groups::find(conn, id)?.ok_or(ApiError::NotFound)?;
            require_manager(conn, principal, current.id)?;
            require_manager_of_parent(conn, principal, current.parent_id)?;
            if_match.check(current.version)?;
            groups::delete(conn, &current)?;
            audit::deleted(conn, principal, &object(&current), &AccessGroupView::from(current.clone()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
