//! The access rules, as plain functions of what a caller holds. Every handler asks these functions;
//! none of them decides on its own.

use std::collections::HashMap;

use super::{CommitteeKind, CommitteeRole, Publication, ServiceRole};

/// Who is calling, as far as the access rules care: resolved once per request from the token and
/// the database (a deactivated user or a disabled client never becomes a principal).
#[derive(Clone, Debug, Default)]
pub struct Principal {
    /// The token's subject: a user's `sub`, or a service client's `client_id`.
    pub subject: String,
    /// Set for service clients.
    pub client: bool,
    pub roles: Vec<ServiceRole>,
    /// Roles granted on single committees to one of the caller's groups or their ancestors.
    pub committee_roles: HashMap<i64, CommitteeRole>,
    /// Roles granted on every committee of a kind.
    pub kind_roles: HashMap<CommitteeKind, CommitteeRole>,
    /// Groups whose subtree the caller manages (see [`can_manage_group`]).
    pub managed_roots: Vec<i64>,
    /// The access groups the caller belongs to directly (its token's, those it was added to here, a
    /// client's group); their ancestors count too.
    pub groups: Vec<i64>,
    /// `groups` and all their ancestors (a group is its own ancestor), sorted.
    pub groups_with_ancestors: Vec<i64>,
}

impl Principal {
    pub fn has_role(&self, role: ServiceRole) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(ServiceRole::Admin)
    }

    /// The caller's role on a committee: the highest granted on it or on its kind.
    pub fn role_on(&self, committee_id: i64, kind: CommitteeKind) -> Option<CommitteeRole> {
        effective_role(self.committee_roles.get(&committee_id).into_iter().chain(self.kind_roles.get(&kind)).copied())
    }

    /// The committees whose meetings the caller may read: these ids, and every committee of these kinds.
    pub fn readable_committees(&self) -> (Vec<i64>, Vec<CommitteeKind>) {
        self.committees_with(CommitteeRole::Reader)
    }

    /// The committees on which the caller holds at least `role`: these ids, and every committee of
    /// these kinds.
    pub fn committees_with(&self, role: CommitteeRole) -> (Vec<i64>, Vec<CommitteeKind>) {
        let mut ids: Vec<i64> = self.committee_roles.iter().filter(|(_, r)| **r >= role).map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let kinds = self.kind_roles.iter().filter(|(_, r)| **r >= role).map(|(k, _)| *k).collect();
        (ids, kinds)
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

/// Whether the committee itself (name, kind, publication) is visible. Admins, and groups managing
/// the owner's subtree, see it so that they can manage it; others see those they hold a role on and
/// those whose publication level makes them known to every signed-in employee.
pub fn can_see_committee(publication: Publication, role: Option<CommitteeRole>, manages: bool) -> bool {
    manages || role.is_some() || matches!(publication, Publication::Public | Publication::Internal)
}

/// Whether the caller may read the committee's meetings (and the content of their open items).
/// Managing structure is not enough: admins manage structure, not content.
pub fn can_read_meetings(role: Option<CommitteeRole>) -> bool {
    role.is_some()
}

/// The role a caller holds for one item: its committee role, unless the caller is excluded from the
/// item (inhabilitet), in which case it sees and does what a non-member reader would.
pub fn item_role(role: Option<CommitteeRole>, excluded: bool) -> Option<CommitteeRole> {
    if excluded { role.map(|r| r.min(CommitteeRole::Reader)) } else { role }
}

/// How an item is shown to a caller holding `role` for it (see [`item_role`]).
pub fn item_view(closed: bool, role: Option<CommitteeRole>) -> ItemView {
    if !closed || role >= Some(CommitteeRole::Member) { ItemView::Full } else { ItemView::TitleOnly }
}

/// Whether the caller may read the committee's published agendas and minutes: anyone for a public
/// committee, any signed-in caller for an internal one, and those holding a role on it.
pub fn can_read_published(publication: Publication, role: Option<CommitteeRole>, signed_in: bool) -> bool {
    role.is_some() || publication == Publication::Public || (signed_in && publication == Publication::Internal)
}

/// Whether an earlier body's decision on the same case may be copied into a committee's agenda and
/// minutes ("Beslutning i Økonomiudvalget den 08-08-2022: Godkendt."): a decision on an open item,
/// of a committee whose published documents reach at least everyone this committee's reach. A
/// committee that publishes to no one lends none: its grantees need not be this committee's.
pub fn may_carry_decision(earlier_closed: bool, earlier: Publication, here: Publication) -> bool {
    let reach = |publication| match publication {
        Publication::Public => 2,
        Publication::Internal => 1,
        Publication::None => 0,
    };
    !earlier_closed && reach(earlier) > 0 && reach(earlier) >= reach(here)
}

/// Whether the caller may create and change meetings, items and participants of the committee.
pub fn can_edit_meetings(role: Option<CommitteeRole>) -> bool {
    role == Some(CommitteeRole::Secretary)
}

/// Whether the caller may see who holds which role on the committee.
pub fn can_list_grants(role: Option<CommitteeRole>, manages: bool) -> bool {
    manages || role == Some(CommitteeRole::Secretary)
}

/// Whether the caller manages a group: admins manage every group; a member of a group marked as
/// managing its subtree manages that group and everything below it. `ancestors` are the group's
/// ancestors including itself.
///
/// Only direct membership of the managing group counts (see `managed_roots`): through inheritance
/// every member of every group below it would otherwise manage the whole subtree.
pub fn can_manage_group(principal: &Principal, ancestors: &[i64]) -> bool {
    principal.is_admin() || ancestors.iter().any(|a| principal.managed_roots.contains(a))
}

/// The agenda item an allocation is linked to, as far as the caller is concerned.
#[derive(Clone, Copy, Debug)]
pub struct LinkedItem {
    pub closed: bool,
    /// The caller's role for the item (see [`item_role`]).
    pub role: Option<CommitteeRole>,
}

/// Whether the caller may see a cost allocation. Finance sees the allocations it keeps; members of a
/// paying unit see what their unit pays into; whoever may read the linked item sees its allocation.
/// An allocation linked to a closed item is closed content: only those who see the item in full see
/// it, whatever their service role or unit.
pub fn can_see_allocation(finance: bool, pays: bool, item: Option<LinkedItem>) -> bool {
    match item {
        Some(LinkedItem { closed: true, role }) => role >= Some(CommitteeRole::Member),
        Some(LinkedItem { closed: false, role }) => finance || pays || can_read_meetings(role),
        None => finance || pays,
    }
}

/// The role a caller holds on a committee: the highest of the roles granted to any of its groups.
pub fn effective_role(granted: impl IntoIterator<Item = CommitteeRole>) -> Option<CommitteeRole> {
    granted.into_iter().max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_decision_travels_only_as_far_as_it_was_published() {
        use Publication::*;
        assert!(may_carry_decision(false, Public, Public));
        assert!(may_carry_decision(false, Public, None));
        assert!(may_carry_decision(false, Internal, Internal));
        assert!(!may_carry_decision(false, Internal, Public));
        assert!(!may_carry_decision(false, None, None));
        assert!(!may_carry_decision(true, Public, Public));
    }
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
    fn published_documents_follow_the_publication_level() {
        use Publication::{Internal, Public};
        // (publication, role, signed in) → may read
        let table = [
            (Public, None, false, true),
            (Internal, None, false, false),
            (Internal, None, true, true),
            (Publication::None, None, true, false),
            (Publication::None, Some(Reader), true, true),
            (Internal, Some(Reader), true, true),
        ];
        for (publication, role, signed_in, reads) in table {
            assert_eq!(can_read_published(publication, role, signed_in), reads, "{publication:?} {role:?} {signed_in}");
        }
    }

    /// An excluded caller is a reader for that item, whatever it holds, and no more than it holds.
    #[test]
    fn exclusion_caps_the_item_role_at_reader() {
        let excluded: Vec<_> = ROLES.iter().map(|role| item_role(*role, true)).collect();
        assert_eq!(excluded, [None, Some(Reader), Some(Reader), Some(Reader)]);
        for role in ROLES {
            assert_eq!(item_role(role, false), role);
            assert_eq!(item_view(true, item_role(role, true)), ItemView::TitleOnly, "{role:?}");
            assert!(!can_edit_meetings(item_role(role, true)), "{role:?}");
        }
    }

    #[test]
    fn managers_see_committees_but_read_no_content() {
        assert!(can_list_grants(None, true));
        assert!(can_see_committee(Publication::None, None, true));
        // Managing is not a committee role: without a grant there is nothing to read or edit.
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

    #[test]
    fn kind_wide_and_single_grants_combine() {
        let principal = Principal {
            committee_roles: HashMap::from([(1, Reader), (2, Secretary)]),
            kind_roles: HashMap::from([(CommitteeKind::Med, Member)]),
            ..Principal::default()
        };
        assert_eq!(principal.role_on(1, CommitteeKind::Med), Some(Member));
        assert_eq!(principal.role_on(2, CommitteeKind::Med), Some(Secretary));
        assert_eq!(principal.role_on(3, CommitteeKind::Med), Some(Member), "a MED committee created later");
        assert_eq!(principal.role_on(1, CommitteeKind::SchoolBoard), Some(Reader));
        assert_eq!(principal.role_on(3, CommitteeKind::SchoolBoard), None);
        assert_eq!(principal.readable_committees(), (vec![1, 2], vec![CommitteeKind::Med]));
    }

    #[test]
    fn groups_are_managed_by_admins_and_by_managers_of_an_ancestor() {
        let manager = Principal { managed_roots: vec![10], ..Principal::default() };
        assert!(can_manage_group(&manager, &[12, 11, 10, 1]), "below the managed root");
        assert!(can_manage_group(&manager, &[10, 1]), "the managed root itself");
        assert!(!can_manage_group(&manager, &[13, 1]), "a sibling subtree");
        assert!(!can_manage_group(&manager, &[1]), "the parent of the managed root");
        let admin = Principal { roles: vec![ServiceRole::Admin], ..Principal::default() };
        assert!(can_manage_group(&admin, &[13, 1]));
        assert!(!can_manage_group(&Principal::default(), &[10]));
    }

    #[test]
    fn who_sees_an_allocation() {
        let open = |role| Some(LinkedItem { closed: false, role });
        let closed = |role| Some(LinkedItem { closed: true, role });
        // (finance, pays, linked item, sees)
        let table = [
            (true, false, None, true),
            (true, false, closed(None), false),
            (true, false, closed(Some(Reader)), false),
            (true, false, open(None), true),
            (false, true, None, true),
            (false, false, None, false),
            (false, true, open(None), true),
            (false, false, open(Some(Reader)), true),
            (false, false, open(None), false),
            (false, true, closed(None), false),
            (false, true, closed(Some(Reader)), false),
            (false, false, closed(Some(Member)), true),
            (false, false, closed(Some(Secretary)), true),
        ];
        for (finance, pays, item, sees) in table {
            assert_eq!(can_see_allocation(finance, pays, item), sees, "{finance} {pays} {item:?}");
        }
    }
}
