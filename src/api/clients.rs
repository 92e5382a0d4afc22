//! `/v1/clients`: the systems that integrate (admins). A client authenticates with the OAuth 2.0
//! client-credentials grant at `/v1/auth/token`, holds service roles, and is granted committee roles
//! through an access group.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::line;
use super::extract::{IfMatch, JsonBody, QueryParams, not_null, present};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created, etagged};
use crate::audit::{self, Object};
use crate::auth::secrets;
use crate::db::DbConnection;
use crate::db::clients::{self, Client, ClientFields};
use crate::domain::ServiceRole;
use crate::domain::access::Principal;
use crate::error::{ApiError, ApiResult};
use crate::service::access::require_admin;
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Admin)
        .add(create, Access::Admin)
        .add(read, Access::Admin)
        .add(update, Access::Admin)
        .add(remove, Access::Admin)
        .add(rotate, Access::Admin);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "client_id": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a", "name": "ESDH-integration", "roles": [], "group_id": 3, "enabled": true, "secret_rotated_at": "2022-04-19T09:15:00+02:00", "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct ClientView {
    pub id: i64,
    /// What the client sends as `client_id`.
    pub client_id: String,
    pub name: String,
    pub roles: Vec<ServiceRole>,
    /// The access group the client acts as: its grants are the client's.
    pub group_id: Option<i64>,
    /// A disabled client's tokens are refused at once.
    pub enabled: bool,
    pub secret_rotated_at: DateTime<FixedOffset>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        ClientView {
            id: c.id,
            roles: c.roles(),
            client_id: c.client_id,
            name: c.name,
            group_id: c.group_id,
            enabled: c.enabled,
            secret_rotated_at: time::to_api(c.secret_rotated_at),
            version: c.version,
            created_at: time::to_api(c.created_at),
            updated_at: time::to_api(c.updated_at),
        }
    }
}

/// A client with its secret: only in the answer to registration and to rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "client_id": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a", "name": "ESDH-integration", "roles": [], "group_id": 3, "enabled": true, "secret_rotated_at": "2022-04-19T09:15:00+02:00", "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00", "client_secret": "dgss_4pX0s8Jq3lV7mB2nR6tY1wZ9cF5hK0dG8eA3uI7oP2s"})))]
pub struct ClientWithSecret {
    #[serde(flatten)]
    pub client: ClientView,
    /// Shown this once; only a hash is stored. Send it as `client_secret` to `/v1/auth/token`.
    pub client_secret: String,
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

impl ClientPatch {
    fn apply(self, current: &Client) -> NewClient {
        NewClient {
            name: self.name.unwrap_or_else(|| current.name.clone()),
            roles: self.roles.unwrap_or_else(|| current.roles()),
            group_id: self.group_id.unwrap_or(current.group_id),
            enabled: self.enabled.unwrap_or(current.enabled),
        }
    }
}

fn object(client: &Client) -> Object {
    Object::new("client", client.id)
}

fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Client> {
    clients::find(conn, id)?.ok_or(ApiError::NotFound)
}

fn hashed(secret: &str) -> ApiResult<String> {
    secrets::hash(secret).map_err(ApiError::internal)
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
    let rows = state
        .read(principal, move |conn, principal| {
            require_admin(principal)?;
            Ok(clients::list(conn, &page)?)
        })
        .await?;
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
    let (client, secret) = state
        .write(principal, move |conn, principal| {
            require_admin(principal)?;
            let secret = secrets::new_secret();
            let client =
                clients::create(conn, &secrets::new_client_id(), &hashed(&secret)?, &input.into(), time::now())?;
            audit::created(conn, principal, &object(&client), &ClientView::from(client.clone()))?;
            Ok((client, secret))
        })
        .await?;
    let location = format!("/v1/clients/{}", client.id);
    Ok(created(location, client.version)
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
    let client = state
        .read(principal, move |conn, principal| {
            require_admin(principal)?;
            find(conn, id)
        })
        .await?;
    Ok(etagged(StatusCode::OK, client.version, true).json(ClientView::from(client)))
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
        .write(principal, move |conn, principal| {
            require_admin(principal)?;
            let current = find(conn, id)?;
            if_match.check(current.version)?;
            let changed = patch.apply(&current);
            changed.validate()?;
            let client = clients::update(conn, &current, &changed.into(), time::now())?;
            audit::updated(
                conn,
                principal,
                &object(&client),
                &ClientView::from(current),
                &ClientView::from(client.clone()),
            )?;
            Ok(client)
        })
        .await?;
    Ok(etagged(StatusCode::OK, client.version, true).json(ClientView::from(client)))
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
    let (client, secret) = state
        .write(principal, move |conn, principal| {
            require_admin(principal)?;
            let current = find(conn, id)?;
            let secret = secrets::new_secret();
            let client = clients::rotate_secret(conn, &current, &hashed(&secret)?, time::now())?;
            // The record says that the secret changed; the secret and its hash stay out of it.
            audit::change(conn, principal, "rotate_secret", &object(&client), None::<&()>, None::<&()>)?;
            Ok((client, secret))
        })
        .await?;
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
    state
        .write(principal, move |conn, principal| {
            require_admin(principal)?;
            let current = find(conn, id)?;
            if_match.check(current.version)?;
            clients::delete(conn, &current)?;
            crate::db::webhooks::delete_owned_by(conn, &current.client_id, true)?;
            audit::deleted(conn, principal, &object(&current), &ClientView::from(current.clone()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
