//! Who the service takes the caller to be: groups (direct and inherited, and how the caller belongs
//! to each), service roles, and the role on each committee.

use crate::db::{DbConnection, clients, committees, groups, members};
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::views::me::{Me, Membership, MyCommittee, MyGroup};

/// The caller as resolved, with the groups its token named and the name and e-mail it gave.
pub fn describe(
    conn: &mut DbConnection,
    principal: &Principal,
    token_groups: &[String],
    name: Option<String>,
    email: Option<String>,
) -> ApiResult<Me> {
    let direct: Vec<(i64, Membership)> = if principal.client {
        let client = clients::find_by_client_id(conn, &principal.subject)?;
        client.and_then(|c| c.group_id).map(|g| (g, Membership::Client)).into_iter().collect()
    } else {
        let by_token = groups::ids_by_external_id(conn, token_groups)?;
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
            principal.role_on(c.id, c.kind).map(|role| MyCommittee { id: c.id, name: c.name, kind: c.kind, role })
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
}
