//! Who the service takes the caller to be, as `GET /v1/me` shows it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{CommitteeKind, CommitteeRole, ServiceRole, Tier};

/// How the caller belongs to a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// The token names the group.
    Token,
    /// The caller was added to the group here.
    Local,
    /// The service client acts as the group.
    Client,
    /// The caller belongs to a group below this one.
    Inherited,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyGroup {
    pub id: i64,
    pub name: String,
    pub external_id: Option<String>,
    pub tier: Tier,
    pub membership: Membership,
    /// The caller manages this group and everything below it.
    pub manages_subtree: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyCommittee {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
    pub role: CommitteeRole,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"subject": "mvdl@kalundborg.dk", "name": "Michel van der Linden", "email": "mvdl@kalundborg.dk", "client": false, "roles": [], "groups": [{"id": 2, "name": "Direktionen", "external_id": "direktionen", "tier": "political", "membership": "token", "manages_subtree": false}], "committees": [{"id": 1, "name": "Direktionen", "kind": "executive_board", "role": "member"}]})))]
pub struct Me {
    pub subject: String,
    /// `true` for a service client.
    pub client: bool,
    pub name: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<ServiceRole>,
    /// The caller's groups: direct ones and every ancestor of them.
    pub groups: Vec<MyGroup>,
    /// Every committee the caller holds a role on, with that role.
    pub committees: Vec<MyCommittee>,
}
