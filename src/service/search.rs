//! Full-text search in Danish over the meetings, items and attachment names the caller may read.
//! Closed items are searched in full only by those who read them in full; others find them by title
//! alone, and nothing in the answer depends on text they may not read.

use crate::audit::{self, Auditor};
use crate::db::DbConnection;
use crate::db::search::{self as store, Hit, SearchFilter};
use crate::domain::CommitteeRole;
use crate::domain::access::Principal;
use crate::error::ApiResult;

/// The hits of `filter` (its text, fields and page) within what the caller may read; those of the
/// first `shown` that show a closed item in full are recorded as read.
pub fn search(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    mut filter: SearchFilter,
    shown: usize,
) -> ApiResult<Vec<Hit>> {
    (filter.read_ids, filter.read_kinds) = principal.readable_committees();
    (filter.member_ids, filter.member_kinds) = principal.committees_with(CommitteeRole::Member);
    filter.subject = principal.subject.clone();
    let hits = store::search(conn, &filter)?;
    for hit in hits.iter().take(shown).filter(|h| h.closed && h.full) {
        if let Some(item) = hit.item_id {
            audit::closed_reads(auditor, principal, hit.committee_id, &[item]);
        }
    }
    Ok(hits)
}
