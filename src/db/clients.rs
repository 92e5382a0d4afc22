//! Service clients: the systems that integrate, authenticating with the client-credentials grant.

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{access_groups, service_clients};
use super::{DbConnection, IdPage};
use crate::domain::ServiceRole;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = service_clients)]
pub struct Client {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    pub secret_hash: String,
    /// Service roles, comma-separated; see [`Client::roles`].
    pub roles: String,
    pub group_id: Option<i64>,
    pub enabled: bool,
    pub secret_rotated_at: NaiveDateTime,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Client {
    pub fn roles(&self) -> Vec<ServiceRole> {
        self.roles.split(',').filter_map(|r| r.parse().ok()).collect()
    }

    pub fn fields(&self) -> ClientFields {
        ClientFields { name: self.name.clone(), roles: self.roles(), group_id: self.group_id, enabled: self.enabled }
    }
}

/// What an admin sets about a client.
#[derive(Clone, Debug)]
pub struct ClientFields {
    pub name: String,
    pub roles: Vec<ServiceRole>,
    pub group_id: Option<i64>,
    pub enabled: bool,
}

fn roles_text(roles: &[ServiceRole]) -> String {
    roles.iter().map(|r| r.as_ref()).collect::<Vec<_>>().join(",")
}

fn check_group(conn: &mut DbConnection, group: Option<i64>) -> StoreResult<()> {
    match group {
        Some(group) if !diesel::select(exists(access_groups::table.find(group))).get_result::<bool>(conn)? => {
            Err(StoreError::invalid("group_id", "no such access group"))
        }
        _ => Ok(()),
    }
}

pub fn list(conn: &mut DbConnection, page: &IdPage) -> QueryResult<Vec<Client>> {
    let mut query = service_clients::table
        .filter(service_clients::id.gt(page.after))
        .order(service_clients::id)
        .limit(page.limit)
        .select(Client::as_select())
        .into_boxed();
    if let Some(since) = page.modified_since {
        query = query.filter(service_clients::updated_at.ge(since));
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Client>> {
    service_clients::table.find(id).select(Client::as_select()).first(conn).optional()
}

pub fn find_by_client_id(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<Client>> {
    service_clients::table
        .filter(service_clients::client_id.eq(client_id))
        .select(Client::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    client_id: &str,
    secret_hash: &str,
    fields: &ClientFields,
    now: NaiveDateTime,
) -> StoreResult<Client> {
    check_group(conn, fields.group_id)?;
    Ok(diesel::insert_into(service_clients::table)
        .values((
            service_clients::client_id.eq(client_id),
            service_clients::name.eq(&fields.name),
            service_clients::secret_hash.eq(secret_hash),
            service_clients::roles.eq(roles_text(&fields.roles)),
            service_clients::group_id.eq(fields.group_id),
            service_clients::enabled.eq(fields.enabled),
            service_clients::secret_rotated_at.eq(now),
            service_clients::version.eq(1),
            service_clients::created_at.eq(now),
            service_clients::updated_at.eq(now),
        ))
        .returning(service_clients::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    current: &Client,
    fields: &ClientFields,
    now: NaiveDateTime,
) -> StoreResult<Client> {
    if fields.group_id != current.group_id {
        check_group(conn, fields.group_id)?;
    }
    diesel::update(at_version!(service_clients, current))
        .set((
            service_clients::name.eq(&fields.name),
            service_clients::roles.eq(roles_text(&fields.roles)),
            service_clients::group_id.eq(fields.group_id),
            service_clients::enabled.eq(fields.enabled),
            service_clients::version.eq(current.version + 1),
            service_clients::updated_at.eq(now),
        ))
        .returning(service_clients::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

/// Replaces the secret; the old one stops working at once.
pub fn rotate_secret(
    conn: &mut DbConnection,
    current: &Client,
    secret_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<Client> {
    Ok(diesel::update(service_clients::table.find(current.id))
        .set((
            service_clients::secret_hash.eq(secret_hash),
            service_clients::secret_rotated_at.eq(now),
            service_clients::version.eq(service_clients::version + 1),
            service_clients::updated_at.eq(now),
        ))
        .returning(service_clients::all_columns)
        .get_result(conn)?)
}

pub fn delete(conn: &mut DbConnection, current: &Client) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(service_clients, current)).execute(conn)?)
}
