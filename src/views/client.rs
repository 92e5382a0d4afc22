//! A service client as the API shows it (its secret only the once it is made).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::clients::Client;
use crate::domain::ServiceRole;
use crate::time;

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
