//! The life of a meeting: draft → agenda published → held → minutes published, or cancelled.
//!
//! Two decision tables, both plain functions: [`transition`] says which action moves a meeting from
//! which state and what it needs first; [`may_change`] says what may be changed in which state. The
//! HTTP layer asks them before every write and answers their refusals as problems.
//!
//! What is published is a fixed version (see `published`); the meeting itself stays the working
//! copy. So a published agenda or minutes can be corrected: change the working copy, then publish
//! again with a reason, which stores version n+1 and leaves version n readable.

use super::{DocumentKind, MeetingStatus};

/// An explicit step in a meeting's life, taken by one of the committee's secretaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Publish the agenda (dagsorden), or a correction of it.
    PublishAgenda,
    /// Record that the meeting has taken place: decisions can now be entered.
    Hold,
    /// Publish the minutes (referat), or a correction of them.
    PublishMinutes,
    /// Call the meeting off.
    Cancel,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::PublishAgenda => "publish-agenda",
            Action::Hold => "hold",
            Action::PublishMinutes => "publish-minutes",
            Action::Cancel => "cancel",
        }
    }
}

/// What is known about the meeting when an action is asked for.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// How many items the agenda has.
    pub items: usize,
    /// Whether the meeting's start time has passed.
    pub started: bool,
    /// Whether the request gives a reason (required for a correction).
    pub reason: bool,
    /// The approvers, when the committee requires sign-off; `None` when it does not.
    pub sign_off: Option<SignOffFacts>,
}

/// Where the sign-off of a meeting's minutes stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignOffFacts {
    /// How many participants are approvers.
    pub approvers: usize,
    /// The names of the approvers who have not signed off the meeting's current version.
    pub unsigned: Vec<String>,
}

/// The approvers who have not signed the current version of the meeting: `approvers` are each
/// approver's name and the meeting version they signed, if they did.
pub fn unsigned_approvers(approvers: &[(String, Option<i64>)], current_version: i64) -> Vec<String> {
    approvers.iter().filter(|(_, signed)| *signed != Some(current_version)).map(|(name, _)| name.clone()).collect()
}

/// What an action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub to: MeetingStatus,
    /// The document it publishes, and whether that is a correction of an earlier version.
    pub publishes: Option<(DocumentKind, bool)>,
}

/// Why an action or a change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The meeting's state does not allow it.
    State(String),
    /// A correction must say why it was made.
    ReasonRequired,
    /// The committee requires sign-off and these approvers have not signed the current version.
    Unsigned(Vec<String>),
}

impl Refusal {
    fn state(message: impl Into<String>) -> Refusal {
        Refusal::State(message.into())
    }
}

fn label(status: MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Draft => "a draft",
        MeetingStatus::AgendaPublished => "agenda published",
        MeetingStatus::Held => "held",
        MeetingStatus::MinutesPublished => "minutes published",
        MeetingStatus::Cancelled => "cancelled",
    }
}

/// The state an action leads to from `status`, or why it may not be taken.
pub fn transition(status: MeetingStatus, action: Action, facts: &Facts) -> Result<Transition, Refusal> {
    use MeetingStatus::*;
    let publish = |to, kind, correction: bool| {
        if correction && !facts.reason {
            return Err(Refusal::ReasonRequired);
        }
        Ok(Transition { to, publishes: Some((kind, correction)) })
    };
    match (action, status) {
        (Action::PublishAgenda, Draft | AgendaPublished) => {
            if facts.items == 0 {
                return Err(Refusal::state("An agenda without items cannot be published."));
            }
            publish(AgendaPublished, DocumentKind::Agenda, status == AgendaPublished)
        }
        (Action::PublishAgenda, Held | MinutesPublished) => Err(Refusal::state(
            "The meeting has been held: its agenda is no longer published on its own; publish the minutes.",
        )),
        (Action::Hold, AgendaPublished) => {
            if facts.started {
                Ok(Transition { to: Held, publishes: None })
            } else {
                Err(Refusal::state("The meeting has not started yet."))
            }
        }
        (Action::Hold, Draft) => Err(Refusal::state("Publish the agenda before the meeting is held.")),
        (Action::PublishMinutes, Held | MinutesPublished) => {
            if let Some(sign_off) = &facts.sign_off {
                if sign_off.approvers == 0 {
                    return Err(Refusal::state(
                        "The committee requires sign-off, but no participant of the meeting is an approver.",
                    ));
                }
                if !sign_off.unsigned.is_empty() {
                    return Err(Refusal::Unsigned(sign_off.unsigned.clone()));
                }
            }
            publish(MinutesPublished, DocumentKind::Minutes, status == MinutesPublished)
        }
        (Action::PublishMinutes, Draft | AgendaPublished) => {
            Err(Refusal::state("Minutes are published after the meeting has been held."))
        }
        (Action::Cancel, Draft | AgendaPublished) => Ok(Transition { to: Cancelled, publishes: None }),
        (Action::Cancel, Held | MinutesPublished) => {
            Err(Refusal::state("A meeting that has been held cannot be cancelled."))
        }
        (_, Cancelled) => Err(Refusal::state("The meeting is cancelled.")),
        (_, status) => Err(Refusal::state(format!("The meeting is {}.", label(status)))),
    }
}

/// The kinds of change to a meeting and its parts that the lifecycle rules tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Title, time, place of the meeting.
    Details,
    /// Adding, removing or reordering agenda items.
    AgendaStructure,
    /// The text and case data of an item, its closed flag, its exclusions and attendance.
    ItemContent,
    /// The meeting's participants and their attendance.
    Participants,
    /// Attachments of its items.
    Attachments,
    /// Decisions (beslutninger) and the votes that made them.
    Decisions,
    /// A member's dissent (§ 13, stk. 2): entered while the meeting is held, not after its minutes
    /// are published.
    Dissents,
    /// A member's demand that an item go before the council (standsningsret, § 23): declared to
    /// the protocol before the meeting closes.
    Referrals,
    /// Approvers signing off the minutes.
    SignOff,
}

/// Whether a change may be made to a meeting in `status`. After publication the meeting remains the
/// working copy for corrections; once held, its agenda's shape is fixed; decisions and sign-off
/// belong to a held meeting; a cancelled meeting does not change.
pub fn may_change(status: MeetingStatus, change: Change) -> Result<(), Refusal> {
    use Change::*;
    use MeetingStatus::*;
    match (status, change) {
        (Cancelled, _) => Err(Refusal::state("The meeting is cancelled; it does not change any more.")),
        (Draft | AgendaPublished, Decisions) => {
            Err(Refusal::state("Decisions are recorded once the meeting has been held."))
        }
        (Draft | AgendaPublished, Dissents) => {
            Err(Refusal::state("A dissent is entered once the meeting has been held."))
        }
        (MinutesPublished, Dissents) => Err(Refusal::state(
            "The minutes are published: a dissent is entered while the meeting is held (§ 13, stk. 2).",
        )),
        (Draft | AgendaPublished, Referrals) => {
            Err(Refusal::state("A demand under § 23 is declared at the meeting, once it has been held."))
        }
        (MinutesPublished, Referrals) => {
            Err(Refusal::state("The minutes are published: a demand under § 23 is declared before the meeting closes."))
        }
        (Draft | AgendaPublished, SignOff) => {
            Err(Refusal::state("The minutes are signed off once the meeting has been held."))
        }
        (Held | MinutesPublished, AgendaStructure) => {
            Err(Refusal::state("The meeting has been held: items can no longer be added, removed or reordered."))
        }
        _ => Ok(()),
    }
}

/// Item numbers as the minutes write them: consecutive runs joined, `[12, 13, 14, 15, 17]` →
/// `"12-15, 17"`. The input must be sorted.
pub fn number_ranges(numbers: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = numbers.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end = iter.next().unwrap_or(end);
        }
        parts.push(if end == start { start.to_string() } else { format!("{start}-{end}") });
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingStatus::*;
    use strum::IntoEnumIterator;

    fn ready() -> Facts {
        Facts { items: 3, started: true, reason: false, sign_off: None }
    }

    #[test]
    fn the_happy_path_runs_from_draft_to_published_minutes() {
        let facts = ready();
        let agenda = transition(Draft, Action::PublishAgenda, &facts).unwrap();
        assert_eq!(agenda, Transition { to: AgendaPublished, publishes: Some((DocumentKind::Agenda, false)) });
        assert_eq!(transition(AgendaPublished, Action::Hold, &facts).unwrap().to, Held);
        let minutes = transition(Held, Action::PublishMinutes, &facts).unwrap();
        assert_eq!(minutes, Transition { to: MinutesPublished, publishes: Some((DocumentKind::Minutes, false)) });
    }

    #[test]
    fn publishing_again_is_a_correction_and_needs_a_reason() {
        let without = ready();
        assert_eq!(transition(AgendaPublished, Action::PublishAgenda, &without), Err(Refusal::ReasonRequired));
        assert_eq!(transition(MinutesPublished, Action::PublishMinutes, &without), Err(Refusal::ReasonRequired));
        let with = Facts { reason: true, ..ready() };
        assert_eq!(
            transition(AgendaPublished, Action::PublishAgenda, &with).unwrap().publishes,
            Some((DocumentKind::Agenda, true))
        );
        assert_eq!(
            transition(MinutesPublished, Action::PublishMinutes, &with).unwrap(),
            Transition { to: MinutesPublished, publishes: Some((DocumentKind::Minutes, true)) }
        );
    }

    #[test]
    fn each_action_is_refused_outside_the_states_it_starts_from() {
        let allowed = |action, status| transition(status, action, &Facts { reason: true, ..ready() }).is_ok();
        let from: Vec<(Action, Vec<MeetingStatus>)> = vec![
            (Action::PublishAgenda, vec![Draft, AgendaPublished]),
            (Action::Hold, vec![AgendaPublished]),
            (Action::PublishMinutes, vec![Held, MinutesPublished]),
            (Action::Cancel, vec![Draft, AgendaPublished]),
        ];
        for (action, states) in from {
            for status in MeetingStatus::iter() {
                assert_eq!(allowed(action, status), states.contains(&status), "{action:?} from {status:?}");
            }
        }
    }

    #[test]
    fn an_empty_agenda_is_not_published_and_a_future_meeting_is_not_held() {
        let empty = Facts { items: 0, ..ready() };
        assert!(matches!(transition(Draft, Action::PublishAgenda, &empty), Err(Refusal::State(_))));
        let future = Facts { started: false, ..ready() };
        assert!(matches!(transition(AgendaPublished, Action::Hold, &future), Err(Refusal::State(_))));
    }

    #[test]
    fn minutes_wait_for_every_approver_when_the_committee_requires_sign_off() {
        let approvers = [("Jan Lysgaard Thomsen".to_owned(), Some(9)), ("Michael Gravesen".to_owned(), Some(8))];
        let unsigned = unsigned_approvers(&approvers, 9);
        assert_eq!(unsigned, vec!["Michael Gravesen".to_owned()]);
        let missing = Facts { sign_off: Some(SignOffFacts { approvers: 2, unsigned }), ..ready() };
        assert_eq!(
            transition(Held, Action::PublishMinutes, &missing),
            Err(Refusal::Unsigned(vec!["Michael Gravesen".into()]))
        );
        let signed = Facts { sign_off: Some(SignOffFacts { approvers: 2, unsigned: Vec::new() }), ..ready() };
        assert!(transition(Held, Action::PublishMinutes, &signed).is_ok());
        let nobody = Facts { sign_off: Some(SignOffFacts::default()), ..ready() };
        assert!(matches!(transition(Held, Action::PublishMinutes, &nobody), Err(Refusal::State(_))));
    }

    #[test]
    fn what_may_change_in_each_state() {
        use Change::*;
        let table: [(MeetingStatus, &[Change]); 5] = [
            (Draft, &[Details, AgendaStructure, ItemContent, Participants, Attachments]),
            (AgendaPublished, &[Details, AgendaStructure, ItemContent, Participants, Attachments]),
            (Held, &[Details, ItemContent, Participants, Attachments, Decisions, Dissents, Referrals, SignOff]),
            (MinutesPublished, &[Details, ItemContent, Participants, Attachments, Decisions, SignOff]),
            (Cancelled, &[]),
        ];
        let every =
            [Details, AgendaStructure, ItemContent, Participants, Attachments, Decisions, Dissents, Referrals, SignOff];
        for (status, allowed) in table {
            for change in every {
                assert_eq!(may_change(status, change).is_ok(), allowed.contains(&change), "{change:?} when {status:?}");
            }
        }
    }

    #[test]
    fn item_numbers_are_written_as_ranges() {
        assert_eq!(number_ranges(&[12, 13, 14, 15]), "12-15");
        assert_eq!(number_ranges(&[3]), "3");
        assert_eq!(number_ranges(&[1, 2, 4, 6, 7]), "1-2, 4, 6-7");
        assert_eq!(number_ranges(&[]), "");
    }
}
