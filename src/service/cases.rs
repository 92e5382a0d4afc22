//! One case (sag) as it passes through committees and meetings, e.g. Direktionen, then
//! Økonomiudvalget, then Byrådet.
//!
//! Only items the caller may read in full are listed: that a closed item belongs to a case is part of
//! its closed content, so for a caller below member it is left out, not shown as a title.

use crate::audit::{self, Auditor};
use crate::db::{DbConnection, exclusions, items, referrals};
use crate::domain::CommitteeRole;
use crate::domain::access::{ItemView, Principal, item_role, item_view};
use crate::error::ApiResult;
use crate::views::case::CaseItem;

/// The most items one case lists.
pub const MAX_CASE_ITEMS: i64 = 500;

/// The case's items the caller may read in full, in meeting order; the closed ones among them are
/// recorded as read.
pub fn items(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    case_number: &str,
) -> ApiResult<Vec<CaseItem>> {
    let (ids, kinds) = principal.readable_committees();
    let rows = items::for_case(conn, case_number, Some((&ids, &kinds)), MAX_CASE_ITEMS)?;
    let mut shown = Vec::new();
    for (item, meeting, committee) in rows {
        let role = principal.role_on(committee.id, committee.kind);
        let excluded = item.closed
            && role > Some(CommitteeRole::Reader)
            && exclusions::is_excluded(conn, item.id, &principal.subject)?;
        if item_view(item.closed, item_role(role, excluded)) != ItemView::Full {
            continue;
        }
        if item.closed {
            audit::closed_reads(auditor, principal, committee.id, &[item.id]);
        }
        shown.push(CaseItem::new(item, meeting, committee));
    }
    let referred = referrals::referred(conn, &shown.iter().map(|i| i.item_id).collect::<Vec<_>>())?;
    for item in &mut shown {
        item.referred_to_council = referred.contains(&item.item_id);
    }
    Ok(shown)
}
