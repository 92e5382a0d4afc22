//! The access rules, as plain functions of what a caller holds. Every handler asks these functions;
//! none of them decides on its own.

use std::collections::HashMap;

use super::{CommitteeRole, Publication};

/// What a caller holds, resolved once per request: the role on each committee any of its groups (or
/// their ancestors) has been granted, and whether it is a service admin.
#[derive(Clone, Debug, Default)]
pub struct CallerAccess {
    pub roles: HashMap<i64, CommitteeRole>,
    pub admin: bool,
}

impl CallerAccess {
    pub fn role_on(&self, committee_id: i64) -> Option<CommitteeRole> {
        self.roles.get(&committee_id).copied()
    }

    /// The committees whose meetings the caller may read.
    pub fn readable_committees(&self) -> Vec<i64> {
        let mut ids: Vec<i64> =
            self.roles.iter().filter(|(_, role)| can_read_meetings(Some(**role))).map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids
    }
}

/// How much of an agenda item a caller may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemView {
    /// Every field.
    Full,
    /// Number, position, title and `closed` only: a closed item seen by someone below member.
    TitleOnly,
}

/// Whether the committee itself (name, kind, publication) is visible. Admins see every committee so
/// that they can manage them; others see those they hold a role on and those whose publication level
/// makes them known to every signed-in employee.
pub fn can_see_committee(publication: Publication, role: Option<CommitteeRole>, admin: bool) -> bool {
    admin || role.is_some() || matches!(publication, Publication::Public | Publication::Internal)
}

/// Whether the caller may read the committee's meetings (and the content of their open items).
/// Being an admin is not enough: admins manage structure, not content.
pub fn can_read_meetings(role: Option<CommitteeRole>) -> bool {
    role.is_some()
}

/// How an item is shown to a caller holding `role` on its committee.
pub fn item_view(closed: bool, role: Option<CommitteeRole>) -> ItemView {
    if !closed || role >= Some(CommitteeRole::Member) { ItemView::Full } else { ItemView::TitleOnly }
}

/// Whether the caller may create and change meetings, items and participants of the committee.
pub fn can_edit_meetings(role: Option<CommitteeRole>) -> bool {
    role == Some(CommitteeRole::Secretary)
}

/// Whether the caller may see who holds which role on the committee.
pub fn can_list_grants(role: Option<CommitteeRole>, admin: bool) -> bool {
    admin || role == Some(CommitteeRole::Secretary)
}

/// The role a caller holds on a committee: the highest of the roles granted to any of its groups.
pub fn effective_role(granted: impl IntoIterator<Item = CommitteeRole>) -> Option<CommitteeRole> {
    granted.into_iter().max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitteeRole::*;

    const ROLES: [Option<CommitteeRole>; 4] = [None, Some(Reader), Some(Member), Some(Secretary)];

    /// The decision table: one row per role, the columns are the questions handlers ask.
    /// (role, reads meetings, open item view, closed item view, edits, lists grants)
    const TABLE: [(Option<CommitteeRole>, bool, ItemView, ItemView, bool, bool); 4] = [
        (None, false, ItemView::Full, ItemView::TitleOnly, false, false),
        (Some(Reader), true, ItemView::Full, ItemView::TitleOnly, false, false),
        (Some(Member), true, ItemView::Full, ItemView::Full, false, false),
        (Some(Secretary), true, ItemView::Full, ItemView::Full, true, true),
    ];

    #[test]
    fn decision_table_for_committee_roles() {
        for (role, reads, open_view, closed_view, edits, lists_grants) in TABLE {
            assert_eq!(can_read_meetings(role), reads, "{role:?} reads meetings");
            assert_eq!(item_view(false, role), open_view, "{role:?} open item");
            assert_eq!(item_view(true, role), closed_view, "{role:?} closed item");
            assert_eq!(can_edit_meetings(role), edits, "{role:?} edits");
            assert_eq!(can_list_grants(role, false), lists_grants, "{role:?} lists grants");
        }
    }

    #[test]
    fn admin_manages_structure_but_reads_no_content() {
        assert!(can_list_grants(None, true));
        assert!(can_see_committee(Publication::None, None, true));
        // Admin is not a committee role: without a grant there is nothing to read or edit.
        assert!(!can_read_meetings(None));
        assert!(!can_edit_meetings(None));
        assert_eq!(item_view(true, None), ItemView::TitleOnly);
    }

    #[test]
    fn committee_visibility_follows_publication_or_a_grant() {
        for role in ROLES {
            for publication in [Publication::Public, Publication::Internal, Publication::None] {
                let expected = role.is_some() || publication != Publication::None;
                assert_eq!(can_see_committee(publication, role, false), expected, "{role:?} {publication:?}");
            }
        }
    }

    #[test]
    fn effective_role_is_the_highest_granted() {
        assert_eq!(effective_role([]), None);
        assert_eq!(effective_role([Reader]), Some(Reader));
        assert_eq!(effective_role([Reader, Secretary, Member]), Some(Secretary));
        assert_eq!(effective_role([Member, Reader]), Some(Member));
    }
}
