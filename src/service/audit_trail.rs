//! The audit trail as auditors read it: the audit trail is no way around the access rules, so a
//! record of a closed object is redacted for an auditor who is not a member of its committee.

use std::collections::HashMap;

use crate::db::audit::{self as store, Event, Filter};
use crate::db::{DbConnection, committees};
use crate::domain::access::Principal;
use crate::domain::{CommitteeRole, ServiceRole};
use crate::error::{ApiError, ApiResult};

/// The records `filter` selects, each with whether it is redacted for the caller (auditors only).
pub fn list(conn: &mut DbConnection, principal: &Principal, filter: &Filter) -> ApiResult<Vec<(Event, bool)>> {
    if !principal.has_role(ServiceRole::Auditor) {
        return Err(ApiError::Forbidden("The audit trail is for auditors.".into()));
    }
    let rows = store::list(conn, filter)?;
    let mut committees: Vec<i64> = rows.iter().filter(|e| e.closed).filter_map(|e| e.committee_id).collect();
    committees.sort_unstable();
    committees.dedup();
    let kinds: HashMap<i64, _> = committees::kinds(conn, &committees)?.into_iter().collect();
    let member_of = |committee: Option<i64>| {
        committee.and_then(|c| kinds.get(&c).map(|kind| principal.role_on(c, *kind))).flatten()
            >= Some(CommitteeRole::Member)
    };
    Ok(rows
        .into_iter()
        .map(|e| {
            let redacted = e.closed && !member_of(e.committee_id);
            (e, redacted)
        })
        .collect())
}
