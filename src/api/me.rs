//! `GET /v1/me`: who the service thinks the caller is, and what it may do where.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::Authenticated;
use super::State;
use super::policy::{Access, Routes};
use crate::auth::Caller;
use crate::db::{clients, committees, groups, members};
use crate::domain::{CommitteeKind, CommitteeRole, ServiceRole, Tier};
use crate::error::ApiResult;

pub fn routes(cfg: &mut Routes) {
    cfg.add(me, Access::SignedIn);
}

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

/// Who the caller is: groups (direct and inherited), service roles, and the role on each committee.
#[utoipa::path(tag = "users", operation_id = "getMe", responses((status = OK, description = "Who the service takes the caller to be.", body = Me)))]
#[get("/me")]
async fn me(state: State, caller: Caller, principal: Authenticated) -> ApiResult<web::Json<Me>> {
    let token_groups = caller.groups.clone();
    let (name, email) = (caller.name.clone(), caller.email.clone());
    let me = state
        .read(principal, move |conn, principal| {
            let direct: Vec<(i64, Membership)> = if principal.client {
                let client = clients::find_by_client_id(conn, &principal.subject)?;
                client.and_then(|c| c.group_id).map(|g| (g, Membership::Client)).into_iter().collect()
            } else {
                let by_token = groups::ids_by_external_id(conn, &token_groups)?;
                let local = members::groups_of(conn, &principal.subject)?;
                let tagged = |ids: Vec<i64>, how| ids.into_iter().map(move |id| (id, how));
                tagged(by_token, Membership::Token).chain(tagged(local, Membership::Local)).collect()
            };
            let groups = groups::find_many(conn, &principal.groups_with_ancestors)?
                .into_iter()
                .map(|g| MyGroup {
                    membership: direct.iter().find(|(d, _)| *d == g.id).map_or(Membership::Inherited, |(_, m)| *m),
                    manages_subtree: principal.managed_roots.contains(&g.id),
                    id: g.id,
                    name: g.name,
                    external_id: g.external_id,
                    tier: g.tier,
                })
                .collect();
            let (ids, kinds) = principal.readable_committees();
            let committees = committees::of_ids_or_kinds(conn, &ids, &kinds)?
                .into_iter()
                .filter_map(|c| {
                    principal.role_on(c.id, c.kind).map(|role| MyCommittee {
                        id: c.id,
                        name: c.name,
                        kind: c.kind,
                        role,
                    })
                })
                .collect();
            Ok(Me {
                subject: principal.subject.clone(),
                client: principal.client,
                name,
                email,
                roles: principal.roles.clone(),
                groups,
                committees,
            })
        })
        .await?;
    Ok(web::Json(me))
}
