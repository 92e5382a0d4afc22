//! A user as the API shows it to admins.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::users::User;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "subject": "mvdl@kalundborg.dk", "name": "Michel van der Linden", "email": "mvdl@kalundborg.dk", "groups_seen": ["direktionen"], "local_groups": [], "active": true, "deactivated_at": null, "deactivation_reason": null, "first_seen_at": "2022-04-19T08:01:00+02:00", "last_seen_at": "2022-04-25T12:10:00+02:00", "version": 3})))]
pub struct UserView {
    pub id: i64,
    /// The token's `sub`.
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The external group ids in the user's most recent token.
    pub groups_seen: Vec<String>,
    /// Groups the user was added to here (see `/v1/access-groups/{id}/members`).
    pub local_groups: Vec<i64>,
    pub active: bool,
    pub deactivated_at: Option<DateTime<FixedOffset>>,
    pub deactivation_reason: Option<String>,
    pub first_seen_at: DateTime<FixedOffset>,
    pub last_seen_at: DateTime<FixedOffset>,
    pub version: i64,
}

impl UserView {
    /// The user, with the groups they were added to here.
    pub fn new(user: User, local_groups: Vec<i64>) -> UserView {
        UserView {
            id: user.id,
            groups_seen: serde_json::from_str(&user.groups_seen).unwrap_or_default(),
            subject: user.subject,
            name: user.name,
            email: user.email,
            local_groups,
            active: user.active,
            deactivated_at: user.deactivated_at.map(time::to_api),
            deactivation_reason: user.deactivation_reason,
            first_seen_at: time::to_api(user.first_seen_at),
            last_seen_at: time::to_api(user.last_seen_at),
            version: user.version,
        }
    }
}
