//! The protocol's rules for votes and dissents (kommunestyrelsesloven § 13; see docs/DOMAIN.md,
//! "The minutes and the law").
//!
//! A vote records what was voted on, how (per participant, or per party group with counts: the
//! law accepts party labels when the vote follows the groups) and its result, which follows from
//! the positions: a motion is adopted by a majority of the votes cast, so a tie rejects it. A
//! dissent may be entered only for a participant who took part in the item and was in the minority
//! of one of its votes.
//!
//! Quorum (§ 11): a committee decides when more than half its members take part. The members are
//! the seats of its roster on the meeting's day; a seat counts for an item when its holder takes
//! part in it, or a substitute for them does (one standing in for the whole meeting, or one called
//! in for the item when the holder was found disqualified under § 14).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

stored_enum! {
    /// What a vote was on.
    pub enum VoteSubject {
        /// The administration's recommendation (indstillingen).
        Recommendation,
        /// An alternative recommendation (alternativ indstilling).
        Alternative,
        /// An amendment (ændringsforslag).
        Amendment,
        /// A party's or a member's proposal.
        Proposal,
    }
}

stored_enum! {
    /// How the positions were taken.
    pub enum VoteMethod {
        /// Each participant's position (navneopråb).
        RollCall,
        /// Each party group's position with its number of votes.
        ByGroup,
    }
}

stored_enum! {
    pub enum VoteResult {
        Adopted,
        Rejected,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    For,
    Against,
    /// Undlod at stemme.
    Abstain,
}

/// One position in a vote: a participant's (roll call), or a party group's with how many voted so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub stance: Stance,
    /// Roll call: the participant of the meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_id: Option<i64>,
    /// By group: the party's list letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 3, pattern = r"^[A-ZÆØÅ]{1,3}$")]
    pub party: Option<String>,
    /// By group: how many of the group voted so (1–999).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 999)]
    pub count: Option<i32>,
}

/// The most positions one vote records.
pub const MAX_POSITIONS: usize = 200;

/// Whether `text` is a party's list letter: one to three capital letters (A, V, Ø, SF).
pub fn is_party_letter(text: &str) -> bool {
    let count = text.chars().count();
    (1..=3).contains(&count) && text.chars().all(|c| c.is_uppercase() && c.is_alphabetic())
}

/// The positions' problems, as (field, message) pairs, given the meeting's participants; empty when
/// the positions may be recorded.
pub fn check_positions(method: VoteMethod, positions: &[Position], participants: &[i64]) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut problem = |i: usize, field: &str, message: &str| {
        problems.push((format!("positions[{i}].{field}"), message.to_owned()));
    };
    if positions.is_empty() || positions.len() > MAX_POSITIONS {
        return vec![("positions".into(), format!("must hold 1 to {MAX_POSITIONS} positions"))];
    }
    for (i, position) in positions.iter().enumerate() {
        match method {
            VoteMethod::RollCall => {
                match position.participant_id {
                    None => problem(i, "participant_id", "is required in a roll call"),
                    Some(id) if !participants.contains(&id) => {
                        problem(i, "participant_id", "is not a participant of the meeting")
                    }
                    Some(id) if positions[..i].iter().any(|p| p.participant_id == Some(id)) => {
                        problem(i, "participant_id", "has a position already")
                    }
                    Some(_) => {}
                }
                if position.party.is_some() || position.count.is_some() {
                    problem(i, "party", "is only for a vote by group (a roll call names participants)");
                }
            }
            VoteMethod::ByGroup => {
                match &position.party {
                    None => problem(i, "party", "is required in a vote by group"),
                    Some(party) if !is_party_letter(party) => {
                        problem(i, "party", "must be a party's list letter: 1 to 3 capital letters")
                    }
                    Some(party) => {
                        let same = |p: &Position| p.party.as_deref() == Some(party) && p.stance == position.stance;
                        if positions[..i].iter().any(same) {
                            problem(i, "party", "has this position already")
                        }
                    }
                }
                if !position.count.is_some_and(|n| (1..=999).contains(&n)) {
                    problem(i, "count", "is required in a vote by group, 1 to 999");
                }
                if position.participant_id.is_some() {
                    problem(i, "participant_id", "is only for a roll call");
                }
            }
        }
    }
    problems
}

/// Votes for, against and abstaining.
pub fn tally(positions: &[Position]) -> (i32, i32, i32) {
    let votes = |stance| positions.iter().filter(|p| p.stance == stance).map(|p| p.count.unwrap_or(1)).sum();
    (votes(Stance::For), votes(Stance::Against), votes(Stance::Abstain))
}

/// A motion is adopted by more votes for than against (stemmeflerhed); a tie rejects it.
pub fn result_of(positions: &[Position]) -> VoteResult {
    let (yes, no, _) = tally(positions);
    if yes > no { VoteResult::Adopted } else { VoteResult::Rejected }
}

/// The side that lost the vote.
pub fn losing_stance(result: VoteResult) -> Stance {
    match result {
        VoteResult::Adopted => Stance::Against,
        VoteResult::Rejected => Stance::For,
    }
}

/// Whether a participant (with their party) was in the vote's minority: on the losing side by name
/// in a roll call, or in a party group on the losing side in a vote by group.
pub fn in_minority(
    method: VoteMethod,
    positions: &[Position],
    result: VoteResult,
    participant: i64,
    party: Option<&str>,
) -> bool {
    let losing = losing_stance(result);
    positions.iter().filter(|p| p.stance == losing).any(|p| match method {
        VoteMethod::RollCall => p.participant_id == Some(participant),
        VoteMethod::ByGroup => party.is_some() && p.party.as_deref() == party,
    })
}

stored_enum! {
    /// Who raised a member's disqualification (inhabilitet, § 14).
    pub enum RaisedBy {
        /// The member declared it.
        Member,
        /// The committee raised it and ruled on it.
        Committee,
    }
}

/// A participant as the protocol counts them for an item.
#[derive(Clone, Debug, Default)]
pub struct Attendee {
    pub id: i64,
    /// At the meeting at all (not absent, no apologies).
    pub present: bool,
    /// The roster seat they hold.
    pub seat: Option<i64>,
    /// The participant they stand in for.
    pub substitute_for: Option<i64>,
    /// The place, in agenda order, of the item they arrived at.
    pub arrived_at: Option<i32>,
    /// The place, in agenda order, of the last item before they left.
    pub left_after: Option<i32>,
}

/// What one item's protocol says about who did not take part in it.
#[derive(Clone, Debug, Default)]
pub struct ItemPresence {
    /// The item's place in agenda order.
    pub number: i32,
    /// Participants recorded as not taking part.
    pub absent: Vec<i64>,
    /// Participants excluded for disqualification, each with the substitute called in, if any.
    pub excluded: Vec<(i64, Option<i64>)>,
}

impl Attendee {
    /// Whether the participant took part in the item: at the meeting, arrived by then, not yet
    /// left, neither recorded absent from it nor excluded from it.
    pub fn takes_part(&self, item: &ItemPresence) -> bool {
        self.present
            && self.arrived_at.is_none_or(|n| n <= item.number)
            && self.left_after.is_none_or(|n| item.number <= n)
            && !item.absent.contains(&self.id)
            && !item.excluded.iter().any(|(id, _)| *id == self.id)
    }
}

/// How many of the committee's members took part in an item, of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Quorum {
    /// Members on the committee's roster on the meeting's day.
    pub members: i32,
    /// Of them, those who took part in the item themselves or through a substitute.
    pub present: i32,
    /// More than half took part (§ 11).
    pub quorate: bool,
}

/// The quorum for an item, given the roster's seats on the meeting's day; none for a committee
/// without a roster (nothing to count against).
pub fn quorum(seats: &[i64], attendees: &[Attendee], item: &ItemPresence) -> Option<Quorum> {
    if seats.is_empty() {
        return None;
    }
    let taking_part = |id: i64| attendees.iter().any(|a| a.id == id && a.takes_part(item));
    let filled = |seat: &&i64| {
        attendees.iter().filter(|holder| holder.seat == Some(**seat)).any(|holder| {
            holder.takes_part(item)
                || attendees.iter().any(|s| s.substitute_for == Some(holder.id) && s.takes_part(item))
                || item.excluded.iter().any(|(id, sub)| *id == holder.id && sub.is_some_and(taking_part))
        })
    };
    let members = i32::try_from(seats.len()).unwrap_or(i32::MAX);
    let present = i32::try_from(seats.iter().filter(filled).count()).unwrap_or(i32::MAX);
    Some(Quorum { members, present, quorate: i64::from(present) * 2 > i64::from(members) })
}

/// "Anne Hansen (A)", or the name alone.
pub fn with_party(name: &str, party: Option<&str>) -> String {
    match party {
        Some(party) => format!("{name} ({party})"),
        None => name.to_owned(),
    }
}

/// Names joined as Danish minutes write them: "A, V og O".
pub fn joined(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} og {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(stance: Stance, party: &str, count: i32) -> Position {
        Position { stance, participant_id: None, party: Some(party.into()), count: Some(count) }
    }

    fn person(stance: Stance, id: i64) -> Position {
        Position { stance, participant_id: Some(id), party: None, count: None }
    }

    #[test]
    fn a_majority_of_the_votes_cast_adopts_and_a_tie_rejects() {
        let council = [group(Stance::For, "A", 9), group(Stance::Against, "Ø", 2), group(Stance::Abstain, "F", 1)];
        assert_eq!(tally(&council), (9, 2, 1));
        assert_eq!(result_of(&council), VoteResult::Adopted);
        let tie = [person(Stance::For, 1), person(Stance::Against, 2), person(Stance::Abstain, 3)];
        assert_eq!(result_of(&tie), VoteResult::Rejected);
    }

    #[test]
    fn the_minority_is_the_losing_side_by_name_or_by_party() {
        let by_group = [group(Stance::For, "Ø", 2), group(Stance::Against, "A", 9)];
        let result = result_of(&by_group);
        assert!(in_minority(VoteMethod::ByGroup, &by_group, result, 5, Some("Ø")));
        assert!(!in_minority(VoteMethod::ByGroup, &by_group, result, 6, Some("A")));
        assert!(!in_minority(VoteMethod::ByGroup, &by_group, result, 7, None));
        let roll = [person(Stance::For, 1), person(Stance::For, 2), person(Stance::Against, 3)];
        let result = result_of(&roll);
        assert!(in_minority(VoteMethod::RollCall, &roll, result, 3, None));
        assert!(!in_minority(VoteMethod::RollCall, &roll, result, 1, None));
        let abstaining = [person(Stance::For, 1), person(Stance::Abstain, 4)];
        assert!(!in_minority(VoteMethod::RollCall, &abstaining, result_of(&abstaining), 4, None));
    }

    #[test]
    fn positions_are_checked_against_the_method_and_the_meeting() {
        assert!(check_positions(VoteMethod::RollCall, &[person(Stance::For, 1)], &[1, 2]).is_empty());
        let fields = |problems: Vec<(String, String)>| problems.into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(
            fields(check_positions(VoteMethod::RollCall, &[person(Stance::For, 9), person(Stance::For, 9)], &[9])),
            ["positions[1].participant_id"]
        );
        assert_eq!(
            fields(check_positions(VoteMethod::RollCall, &[person(Stance::For, 3)], &[1])),
            ["positions[0].participant_id"]
        );
        assert_eq!(
            fields(check_positions(VoteMethod::ByGroup, &[person(Stance::For, 1)], &[1])),
            ["positions[0].party", "positions[0].count", "positions[0].participant_id"]
        );
        assert_eq!(
            fields(check_positions(VoteMethod::ByGroup, &[group(Stance::For, "a", 1)], &[])),
            ["positions[0].party"]
        );
        assert_eq!(fields(check_positions(VoteMethod::ByGroup, &[], &[])), ["positions"]);
    }

    fn seated(id: i64, seat: i64) -> Attendee {
        Attendee { id, present: true, seat: Some(seat), ..Attendee::default() }
    }

    #[test]
    fn more_than_half_the_seats_make_a_quorum() {
        let seats = [1, 2, 3, 4];
        let item = ItemPresence { number: 5, ..ItemPresence::default() };
        let two = [seated(10, 1), seated(11, 2)];
        assert_eq!(quorum(&seats, &two, &item), Some(Quorum { members: 4, present: 2, quorate: false }));
        let three = [seated(10, 1), seated(11, 2), seated(12, 3)];
        assert!(quorum(&seats, &three, &item).unwrap().quorate);
        assert_eq!(quorum(&[], &three, &item), None);
    }

    #[test]
    fn a_seat_counts_for_the_items_its_holder_or_a_substitute_took_part_in() {
        let seats = [1, 2, 3];
        let mut away = seated(11, 2);
        away.present = false;
        let substitute = Attendee { id: 20, present: true, substitute_for: Some(11), ..Attendee::default() };
        let late = Attendee { arrived_at: Some(3), ..seated(12, 3) };
        let people = [seated(10, 1), away, substitute, late];
        let count = |item: &ItemPresence| quorum(&seats, &people, item).unwrap().present;
        assert_eq!(count(&ItemPresence { number: 2, ..ItemPresence::default() }), 2);
        assert_eq!(count(&ItemPresence { number: 3, ..ItemPresence::default() }), 3);
        let without_first = ItemPresence { number: 4, absent: vec![10], excluded: vec![] };
        assert_eq!(count(&without_first), 2);
        // Disqualified with a substitute called in for the item: the seat still counts.
        let called = Attendee { id: 21, present: true, ..Attendee::default() };
        let people = [seated(10, 1), called];
        let excluded = ItemPresence { number: 1, absent: vec![], excluded: vec![(10, Some(21))] };
        assert_eq!(quorum(&[1], &people, &excluded).unwrap().present, 1);
        let alone = ItemPresence { number: 1, absent: vec![], excluded: vec![(10, None)] };
        assert_eq!(quorum(&[1], &people, &alone).unwrap().present, 0);
        let left = Attendee { left_after: Some(4), ..seated(10, 1) };
        assert!(left.takes_part(&ItemPresence { number: 4, ..ItemPresence::default() }));
        assert!(!left.takes_part(&ItemPresence { number: 5, ..ItemPresence::default() }));
    }

    #[test]
    fn party_letters_and_lists_read_as_minutes_write_them() {
        assert!(is_party_letter("Ø") && is_party_letter("SF") && !is_party_letter("") && !is_party_letter("a"));
        assert!(!is_party_letter("ABCD"));
        assert_eq!(joined(&["A".into(), "V".into(), "O".into()]), "A, V og O");
        assert_eq!(joined(&["Ø".into()]), "Ø");
    }
}
