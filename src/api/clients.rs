//! `/v1/clients`: the systems that integrate (admins). A client authenticates with the OAuth 2.0
//! client-credentials grant at `/v1/auth/token`, holds service roles, and is granted committee roles
//! through an access group.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::line;
use super::extract::{IfMatch, JsonBody, MergePatch, QueryParams, merged, not_null, present};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created_at, current, etagged, removed};
use crate::db::clients::ClientFields;
use crate::domain::ServiceRole;
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::clients;
use crate::views::client::{ClientView, ClientWithSecret};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Admin)
        .add(create, Access::Admin)
        .add(read, Access::Admin)
        .add(update, Access::Admin)
        .add(remove, Access::Admin)
        .add(rotate, Access::Admin);
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "ESDH-integration", "group_id": 3, "roles": []})))]
pub struct NewClient {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: String,
    /// Service roles the client holds (each at most once).
    #[serde(default)]
    #[validate(length(max = 3))]
    #[schema(max_items = 3)]
    pub roles: Vec<ServiceRole>,
    pub group_id: Option<i64>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

impl From<NewClient> for ClientFields {
    fn from(c: NewClient) -> Self {
        ClientFields { name: c.name, roles: c.roles, group_id: c.group_id, enabled: c.enabled }
    }
}

/// Changes to a client (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"enabled": false})))]
pub struct ClientPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, max_items = 3)]
    pub roles: Option<Vec<ServiceRole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub group_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
}

impl MergePatch for ClientPatch {
    type Fields = ClientFields;
    type Body = NewClient;

    fn apply(self, current: ClientFields) -> NewClient {
        NewClient {
            name: self.name.unwrap_or(current.name),
            roles: self.roles.unwrap_or(current.roles),
            group_id: self.group_id.unwrap_or(current.group_id),
            enabled: self.enabled.unwrap_or(current.enabled),
        }
    }
}

/// List service clients (admins).
#[utoipa::path(
    tag = "clients", operation_id = "listClients",
    params(ListQuery),
    responses(
        (status = OK, description = "A page of service clients.", body = Page<ClientView>),
    )
)]
#[get("/clients")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<ListQuery>,
) -> ApiResult<web::Json<Page<ClientView>>> {
    let (limit, page) = query.0.page()?;
    let rows = state.read(principal, move |conn, principal| clients::list(conn, principal, &page)).await?;
    Ok(web::Json(pagination::page(rows, limit, |c| pagination::id_cursor(c.id), ClientView::from)))
}

/// Register a service client (admins). The answer carries its secret, this once.
#[utoipa::path(
    tag = "clients", operation_id = "createClient",
    request_body = NewClient,
    responses(
        (status = CREATED, description = "The new client with its secret, shown this once.", body = ClientWithSecret, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/clients")]
async fn create(state: State, principal: Principal, body: JsonBody<NewClient>) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let fields = ClientFields::from(input);
    let (client, secret) =
        state.write(principal, move |conn, principal| clients::create(conn, principal, &fields)).await?;
    let location = format!("/v1/clients/{}", client.id);
    Ok(created_at(location, client.version)
        .insert_header(("Cache-Control", "no-store"))
        .json(ClientWithSecret { client: client.into(), client_secret: secret }))
}

/// Read a service client (admins).
#[utoipa::path(
    tag = "clients", operation_id = "getClient",
    params(("id" = i64, Path, description = "Client record id")),
    responses(
        (status = OK, description = "The client (without its secret).", body = ClientView, headers(("ETag" = String))),
    )
)]
#[get("/clients/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let client = state.read(principal, move |conn, principal| clients::read(conn, principal, id)).await?;
    Ok(current(ClientView::from(client)))
}

/// Change a service client, e.g. disable it (admins).
#[utoipa::path(
    tag = "clients", operation_id = "updateClient",
    params(("id" = i64, Path, description = "Client record id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = ClientPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The client as changed.", body = ClientView, headers(("ETag" = String))),
    )
)]
#[patch("/clients/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<ClientPatch>,
) -> ApiResult<HttpResponse> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let client = state
        .write(principal, move |conn, principal| clients::update(conn, principal, id, &if_match, merged(patch)))
        .await?;
    Ok(current(ClientView::from(client)))
}

/// Give a client a new secret (admins); the old one stops working at once. The answer carries the
/// new secret, this once.
#[utoipa::path(
    tag = "clients", operation_id = "rotateClientSecret",
    params(("id" = i64, Path, description = "Client record id")),
    responses(
        (status = OK, description = "The client with its new secret, shown this once.", body = ClientWithSecret, headers(("ETag" = String))),
    )
)]
#[post("/clients/{id}/secret")]
async fn rotate(state: State, principal: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (client, secret) =
        state.write(principal, move |conn, principal| clients::rotate_secret(conn, principal, id)).await?;
    Ok(etagged(StatusCode::OK, client.version, true)
        .insert_header(("Cache-Control", "no-store"))
        .json(ClientWithSecret { client: client.into(), client_secret: secret }))
}

/// Remove a service client (admins); its tokens are refused at once.
#[utoipa::path(
    tag = "clients", operation_id = "deleteClient",
    params(("id" = i64, Path, description = "Client record id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/clients/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(principal, move |conn, principal| clients::remove(conn, principal, id, &if_match)).await.map(removed)
}
