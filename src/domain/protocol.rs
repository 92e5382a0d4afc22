//! The protocol's rules for votes and dissents (kommunestyrelsesloven § 13; see docs/DOMAIN.md,
//! "The minutes and the law").
//!
//! A vote records what was voted on, how (per participant, or per party group with counts: the
//! law accepts party labels when the vote follows the groups) and its result, which follows from
//! the positions: a motion is adopted by a majority of the votes cast, so a tie rejects it. A
//! dissent may be entered only for a participant who took part in the item and was in the minority
//! of one of its votes.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumString};
use utoipa::ToSchema;

/// What a vote was on.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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

/// How the positions were taken.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VoteMethod {
    /// Each participant's position (navneopråb).
    RollCall,
    /// Each party group's position with its number of votes.
    ByGroup,
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VoteResult {
    Adopted,
    Rejected,
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

    #[test]
    fn party_letters_and_lists_read_as_minutes_write_them() {
        assert!(is_party_letter("Ø") && is_party_letter("SF") && !is_party_letter("") && !is_party_letter("a"));
        assert!(!is_party_letter("ABCD"));
        assert_eq!(joined(&["A".into(), "V".into(), "O".into()]), "A, V og O");
        assert_eq!(joined(&["Ø".into()]), "Ø");
    }
}
