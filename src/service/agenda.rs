//! A meeting's agenda as one caller may see it.

use crate::audit::{self, Auditor};
use crate::db::items::Item;
use crate::db::{DbConnection, exclusions};
use crate::domain::CommitteeRole;
use crate::domain::access::{ItemView, Principal, item_role, item_view};
use crate::error::ApiResult;
use crate::views::item::{AgendaEntry, entry};

/// A meeting's agenda and who it is shown to: the meeting, its committee, the caller and its role.
pub struct Agenda<'a> {
    pub meeting: i64,
    pub committee: i64,
    pub role: Option<CommitteeRole>,
    pub principal: &'a Principal,
    pub auditor: &'a Auditor,
}

/// The agenda as the caller may see it, and whether every item is shown in full. Items the caller is
/// excluded from are shown as to a reader; exclusions are looked up only for those they would change.
/// Closed items shown in full are recorded in the audit trail as read.
pub fn entries(conn: &mut DbConnection, agenda: &Agenda<'_>, items: Vec<Item>) -> ApiResult<(Vec<AgendaEntry>, bool)> {
    let excluded = if agenda.role > Some(CommitteeRole::Reader) {
        exclusions::excluded_items(conn, agenda.meeting, &agenda.principal.subject)?
    } else {
        Vec::new()
    };
    let mut closed_shown = Vec::new();
    let entries: Vec<AgendaEntry> = items
        .into_iter()
        .map(|item| {
            let role = item_role(agenda.role, excluded.contains(&item.id));
            if item.closed && item_view(true, role) == ItemView::Full {
                closed_shown.push(item.id);
            }
            entry(item, role)
        })
        .collect();
    audit::closed_reads(agenda.auditor, agenda.principal, agenda.committee, &closed_shown);
    let full = entries.iter().all(|e| matches!(e, AgendaEntry::Full(_)));
    Ok((entries, full))
}
