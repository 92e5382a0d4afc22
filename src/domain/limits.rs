//! How many parts a parent may hold. The lists that come whole rather than in pages (a meeting's
//! agenda and participants, an item's attachments) are bounded, so that a client can take each in
//! one answer and knows how long it can be; adding one more than the bound is refused.

/// Items on one meeting's agenda.
pub const AGENDA_ITEMS: usize = 1000;
/// Participants of one meeting.
pub const PARTICIPANTS: usize = 500;
/// Attachments of one item.
pub const ATTACHMENTS: usize = 200;
/// Guests and absences recorded for one item.
pub const ITEM_ATTENDANCE: usize = 500;
/// Conflicts of interest recorded for one item.
pub const EXCLUSIONS: usize = 500;
/// Amounts of one item.
pub const AMOUNTS: usize = 100;
/// Votes on one item.
pub const VOTES: usize = 50;
/// Dissents on one item.
pub const DISSENTS: usize = 200;
/// § 23 declarations on one item.
pub const REFERRALS: usize = 200;
/// Members on one committee's roster, over all its terms.
pub const ROSTER: usize = 1000;
/// Standing items of one committee.
pub const STANDING_ITEMS: usize = 100;
/// Grants on one committee.
pub const COMMITTEE_GRANTS: usize = 500;
/// Published versions (agendas and minutes together) of one meeting.
pub const VERSIONS: usize = 200;
/// Members added here to one access group (the identity provider's members are not counted).
pub const GROUP_MEMBERS: usize = 1000;
/// Calendar feeds of one user.
pub const CALENDAR_FEEDS: usize = 20;

/// Whether a parent holding `count` parts may take one more.
pub fn has_room(count: i64, max: usize) -> bool {
    usize::try_from(count).is_ok_and(|count| count < max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_place_is_taken_and_no_more() {
        assert!(has_room(0, AGENDA_ITEMS));
        assert!(has_room(999, AGENDA_ITEMS));
        assert!(!has_room(1000, AGENDA_ITEMS));
        assert!(!has_room(1001, AGENDA_ITEMS));
    }
}
