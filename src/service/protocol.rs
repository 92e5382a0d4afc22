//! The meeting as the protocol counts it: who took part in which item, and whether the committee
//! had a quorum for it (§ 11). Read from the roster, the participants, the items' attendance and
//! the exclusions; the counting itself is `domain::protocol`.

use crate::db::exclusions::{self, Exclusion};
use crate::db::item_attendance::{self, ItemAttendance};
use crate::db::items::{self, Item};
use crate::db::meetings::Meeting;
use crate::db::participants::{self, Participant};
use crate::db::{DbConnection, roster};
use crate::domain::access::Principal;
use crate::domain::protocol::{Attendee, ItemPresence, Quorum, quorum};
use crate::domain::{Attendance, ItemAttendanceKind};
use crate::error::ApiResult;
use crate::service::access::find_readable;
use crate::time;

/// One meeting's participants and items, each item with who did not take part in it.
pub struct Sitting {
    /// The roster's seats on the meeting's day.
    pub seats: Vec<i64>,
    pub participants: Vec<Participant>,
    pub attendees: Vec<Attendee>,
    pub items: Vec<(Item, ItemPresence)>,
    /// The exclusions that are protocol entries (they name a participant).
    pub exclusions: Vec<Exclusion>,
    /// Guests and absences, per item.
    pub attendance: Vec<ItemAttendance>,
}

impl Sitting {
    pub fn of(conn: &mut DbConnection, meeting: &Meeting) -> ApiResult<Sitting> {
        let seats = roster::on(conn, meeting.committee_id, time::local_day(meeting.starts_at))?;
        let participants = participants::list_for_meeting(conn, meeting.id)?;
        let agenda = items::list_for_meeting(conn, meeting.id)?;
        let attendance = item_attendance::list_for_meeting(conn, meeting.id)?;
        let exclusions: Vec<Exclusion> = exclusions::list_for_meeting(conn, meeting.id)?
            .into_iter()
            .filter(|e| e.participant_id.is_some())
            .collect();
        // Arriving and leaving are counted in agenda order, which running numbers need not follow.
        let number = |item: Option<i64>| agenda.iter().find(|i| Some(i.id) == item).map(|i| i.position);
        let attendees = participants
            .iter()
            .map(|p| Attendee {
                id: p.id,
                present: p.attendance == Attendance::Present,
                seat: p.roster_member_id,
                substitute_for: p.substitute_for,
                arrived_at: number(p.arrived_at_item),
                left_after: number(p.left_after_item),
            })
            .collect();
        let items = agenda
            .iter()
            .map(|item| {
                let presence = ItemPresence {
                    number: item.position,
                    absent: attendance
                        .iter()
                        .filter(|a| a.item_id == item.id && a.kind == ItemAttendanceKind::Absent)
                        .filter_map(|a| a.participant_id)
                        .collect(),
                    excluded: exclusions
                        .iter()
                        .filter(|e| e.item_id == item.id)
                        .filter_map(|e| e.participant_id.map(|p| (p, e.substitute_id)))
                        .collect(),
                };
                (item.clone(), presence)
            })
            .collect();
        let seats = seats.into_iter().map(|member| member.id).collect();
        Ok(Sitting { seats, participants, attendees, items, exclusions, attendance })
    }

    fn presence(&self, item_id: i64) -> Option<&ItemPresence> {
        self.items.iter().find(|(item, _)| item.id == item_id).map(|(_, presence)| presence)
    }

    /// The committee's quorum for the item; none without a roster.
    pub fn quorum(&self, item_id: i64) -> Option<Quorum> {
        self.presence(item_id).and_then(|presence| quorum(&self.seats, &self.attendees, presence))
    }

    /// A participant of the meeting.
    pub fn participant(&self, id: i64) -> Option<&Participant> {
        self.participants.iter().find(|p| p.id == id)
    }

    /// The number of an item of the meeting, as the agenda shows it.
    pub fn number(&self, item_id: Option<i64>) -> Option<i32> {
        self.items.iter().find(|(item, _)| Some(item.id) == item_id).map(|(item, _)| item.number())
    }

    /// Whether the participant took part in the item.
    pub fn takes_part(&self, participant_id: i64, item_id: i64) -> bool {
        let attendee = self.attendees.iter().find(|a| a.id == participant_id);
        matches!((attendee, self.presence(item_id)), (Some(a), Some(presence)) if a.takes_part(presence))
    }
}

/// The committee's quorum for each item of a meeting the caller may read, by item number; empty
/// when the committee keeps no roster.
pub fn quorum_by_item(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
) -> ApiResult<Vec<(i32, Quorum)>> {
    let (meeting, _) = find_readable(conn, principal, meeting_id)?;
    let sitting = Sitting::of(conn, &meeting)?;
    Ok(sitting.items.iter().filter_map(|(item, _)| sitting.quorum(item.id).map(|q| (item.number(), q))).collect())
}
