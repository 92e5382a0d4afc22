//! Service clients, the systems that integrate (admins): registered with a secret shown once,
//! changed, given a new secret, removed.

use crate::audit::{self, Object};
use crate::auth::secrets;
use crate::db::clients::{self, Client, ClientFields};
use crate::db::{DbConnection, IdPage, webhooks};
use crate::domain::access::Principal;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::require_admin;
use crate::time;
use crate::views::client::ClientView;

fn object(client: &Client) -> Object {
    Object::new("client", client.id)
}

fn find(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Client> {
    require_admin(principal)?;
    clients::find(conn, id)?.ok_or(ApiError::NotFound)
}

fn hashed(secret: &str) -> ApiResult<String> {
    secrets::hash(secret).map_err(ApiError::internal)
}

pub fn list(conn: &mut DbConnection, principal: &Principal, page: &IdPage) -> ApiResult<Vec<Client>> {
    require_admin(principal)?;
    Ok(clients::list(conn, page)?)
}

/// Registers a client; returns it with its secret, which is stored only as a hash.
pub fn create(conn: &mut DbConnection, principal: &Principal, fields: &ClientFields) -> ApiResult<(Client, String)> {
    require_admin(principal)?;
    let secret = secrets::new_secret();
    let client = clients::create(conn, &secrets::new_client_id(), &hashed(&secret)?, fields, time::now())?;
    audit::created(conn, principal, &object(&client), &ClientView::from(client.clone()))?;
    Ok((client, secret))
}

pub fn read(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Client> {
    find(conn, principal, id)
}

pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(ClientFields) -> ApiResult<ClientFields>,
) -> ApiResult<Client> {
    let current = find(conn, principal, id)?;
    expected.check(current.version)?;
    let client = clients::update(conn, &current, &change(current.fields())?, time::now())?;
    audit::updated(conn, principal, &object(&client), &ClientView::from(current), &ClientView::from(client.clone()))?;
    Ok(client)
}

/// Gives a client a new secret; the old one stops working at once.
pub fn rotate_secret(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<(Client, String)> {
    let current = find(conn, principal, id)?;
    let secret = secrets::new_secret();
    let client = clients::rotate_secret(conn, &current, &hashed(&secret)?, time::now())?;
    // The record says that the secret changed; the secret and its hash stay out of it.
    audit::change(conn, principal, "rotate_secret", &object(&client), None::<&()>, None::<&()>)?;
    Ok((client, secret))
}

/// Removes a client and the webhooks it owns; its tokens are refused at once.
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let current = find(conn, principal, id)?;
    expected.check(current.version)?;
    clients::delete(conn, &current)?;
    webhooks::delete_owned_by(conn, &current.client_id, true)?;
    audit::deleted(conn, principal, &object(&current), &ClientView::from(current.clone()))
}
