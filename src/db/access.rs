//! Resolving a caller's standing from its token groups: one indexed query per request, whose cost
//! grows with the caller's own groups and grants, not with the size of the organisation.

use std::collections::HashMap;

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{access_group_ancestors, access_groups, committee_grants};
use crate::auth::Caller;
use crate::domain::CommitteeRole;
use crate::domain::access::{CallerAccess, effective_role};

/// The caller's role on every committee granted to one of its groups or their ancestors.
pub fn load(conn: &mut DbConnection, caller: &Caller) -> QueryResult<CallerAccess> {
    let mut roles: HashMap<i64, Vec<CommitteeRole>> = HashMap::new();
    if !caller.groups.is_empty() {
        let granted: Vec<(i64, CommitteeRole)> = committee_grants::table
            .inner_join(
                access_group_ancestors::table.on(access_group_ancestors::ancestor_id.eq(committee_grants::group_id)),
            )
            .inner_join(access_groups::table.on(access_groups::id.eq(access_group_ancestors::group_id)))
            .filter(access_groups::external_id.eq_any(&caller.groups))
            .select((committee_grants::committee_id, committee_grants::role))
            .load(conn)?;
        for (committee, role) in granted {
            roles.entry(committee).or_default().push(role);
        }
    }
    Ok(CallerAccess {
        roles: roles.into_iter().filter_map(|(id, granted)| effective_role(granted).map(|r| (id, r))).collect(),
        admin: caller.is_admin(),
    })
}
