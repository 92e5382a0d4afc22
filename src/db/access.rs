//! From a verified token to a principal: the database decides whether the user is still active or
//! the client still enabled, which groups count (the token's, those added here, a client's), and what
//! they are granted. A handful of indexed queries per request, whose cost grows with the caller's own
//! groups and grants, not with the size of the organisation. Nothing is cached across requests, so
//! that a deactivation takes effect at once on every instance.

use std::collections::HashMap;

use diesel::prelude::*;

use super::error::StoreResult;
use super::schema::{access_group_ancestors as ancestors, access_groups, committee_grants, group_members, kind_grants};
use super::{DbConnection, clients, plan_stable, users};
use crate::domain::access::{Principal, effective_role};
use crate::domain::identity::Caller;
use crate::domain::{CommitteeKind, CommitteeRole, ServiceRole};

/// The groups a caller belongs to directly, with whether each manages its subtree.
pub struct DirectGroups(pub Vec<(i64, bool)>);

impl DirectGroups {
    pub fn ids(&self) -> Vec<i64> {
        self.0.iter().map(|(id, _)| *id).collect()
    }
}

/// A service client as registered, for what it is sent without asking (its webhooks); `None` for
/// an unknown or disabled client.
pub fn resolve_stored_client(conn: &mut DbConnection, client_id: &str) -> StoreResult<Option<Principal>> {
    let Some(client) = clients::find_by_client_id(conn, client_id)?.filter(|c| c.enabled) else {
        return Ok(None);
    };
    client_principal(conn, client).map(Some)
}

pub fn client_principal(conn: &mut DbConnection, client: clients::Client) -> StoreResult<Principal> {
    let direct = match client.group_id {
        Some(group) => access_groups::table
            .filter(access_groups::id.eq(group))
            .select((access_groups::id, access_groups::manages_subtree))
            .load(conn)?,
        None => Vec::new(),
    };
    Ok(principal(conn, client.client_id.clone(), true, client.roles(), DirectGroups(direct))?)
}

/// A user as their last token left them (its groups and service roles), for what reaches them
/// without a token: a calendar client fetching a personal feed, a webhook an admin subscribed;
/// `None` for a deactivated or unknown user.
pub fn resolve_stored_user(conn: &mut DbConnection, subject: &str) -> StoreResult<Option<Principal>> {
    let Some(user) = users::find_by_subject(conn, subject)?.filter(|u| u.active) else {
        return Ok(None);
    };
    let groups: Vec<String> = serde_json::from_str(&user.groups_seen).unwrap_or_default();
    let roles: Vec<ServiceRole> = serde_json::from_str(&user.roles_seen).unwrap_or_default();
    let caller = Caller {
        subject: user.subject,
        client: false,
        name: None,
        email: None,
        groups,
        roles,
        secret_generation: None,
    };
    let direct = direct_groups(conn, &caller)?;
    Ok(Some(principal(conn, caller.subject, false, caller.roles, direct)?))
}

/// Who a caller with these direct groups and service roles is: the roles granted to the groups and
/// their ancestors, and the subtrees it manages. One table per statement, each read by its index:
/// joined, PostgreSQL's generic plan hashed every grant of the deployment on every request until
/// the tables grew large enough for it to change its mind.
pub fn principal(
    conn: &mut DbConnection,
    subject: String,
    client: bool,
    roles: Vec<ServiceRole>,
    direct: DirectGroups,
) -> QueryResult<Principal> {
    let ids = direct.ids();
    let (groups_with_ancestors, (committee_roles, kind_roles)) = if ids.is_empty() {
        Default::default()
    } else {
        let all = with_ancestors(conn, &ids)?;
        let granted = granted_roles(conn, &all)?;
        (all, granted)
    };
    Ok(Principal {
        subject,
        client,
        roles,
        committee_roles,
        kind_roles,
        managed_roots: direct.0.iter().filter(|(_, manages)| *manages).map(|(id, _)| *id).collect(),
        groups: ids,
        groups_with_ancestors,
    })
}

/// A user's direct groups: those named in the token (by external id) and those it was added to here.
/// Two lookups, each answered from its own index; asked as one `OR`, PostgreSQL scanned every group
/// of the deployment on every request (diesel's multi-backend connection has no UNION).
pub fn direct_groups(conn: &mut DbConnection, caller: &Caller) -> QueryResult<DirectGroups> {
    let mut groups: Vec<(i64, bool)> = if caller.groups.is_empty() {
        Vec::new()
    } else {
        access_groups::table
            .filter(access_groups::external_id.eq_any(plan_stable(&caller.groups)))
            .select((access_groups::id, access_groups::manages_subtree))
            .load(conn)?
    };
    let added: Vec<(i64, bool)> = access_groups::table
        .inner_join(group_members::table.on(group_members::group_id.eq(access_groups::id)))
        .filter(group_members::subject.eq(&caller.subject))
        .select((access_groups::id, access_groups::manages_subtree))
        .load(conn)?;
    groups.extend(added);
    groups.sort_unstable();
    groups.dedup();
    Ok(DirectGroups(groups))
}

type Granted = (HashMap<i64, CommitteeRole>, HashMap<CommitteeKind, CommitteeRole>);

/// The roles granted to these groups, per committee and per committee kind.
fn granted_roles(conn: &mut DbConnection, groups: &[i64]) -> QueryResult<Granted> {
    let groups = plan_stable(groups);
    let on_committees: Vec<(i64, CommitteeRole)> = committee_grants::table
        .filter(committee_grants::group_id.eq_any(&groups))
        .select((committee_grants::committee_id, committee_grants::role))
        .load(conn)?;
    let on_kinds: Vec<(CommitteeKind, CommitteeRole)> = kind_grants::table
        .filter(kind_grants::group_id.eq_any(&groups))
        .select((kind_grants::committee_kind, kind_grants::role))
        .load(conn)?;
    Ok((highest(on_committees), highest(on_kinds)))
}

fn highest<K: std::hash::Hash + Eq>(granted: Vec<(K, CommitteeRole)>) -> HashMap<K, CommitteeRole> {
    let mut by_key: HashMap<K, Vec<CommitteeRole>> = HashMap::new();
    for (key, role) in granted {
        by_key.entry(key).or_default().push(role);
    }
    by_key.into_iter().filter_map(|(key, roles)| effective_role(roles).map(|role| (key, role))).collect()
}

/// The groups with these ids and all their ancestors.
fn with_ancestors(conn: &mut DbConnection, groups: &[i64]) -> QueryResult<Vec<i64>> {
    let mut all: Vec<i64> = ancestors::table
        .filter(ancestors::group_id.eq_any(plan_stable(groups)))
        .select(ancestors::ancestor_id)
        .load(conn)?;
    all.sort_unstable();
    all.dedup();
    Ok(all)
}
