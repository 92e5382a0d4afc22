//! A meeting's participant as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::participants::Participant;
use crate::domain::protocol::Quorum;
use crate::domain::{Attendance, ParticipantRole};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "meeting_id": 1, "name": "Michel van der Linden", "role": "member", "attendance": "present", "user_subject": "mvdl@kalundborg.dk", "approver": true, "party": null, "substitute_for": null, "roster_member_id": null, "arrived_at_item": null, "left_after_item": null, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct ParticipantView {
    pub id: i64,
    pub meeting_id: i64,
    pub name: String,
    /// The participant's user subject (`sub`), when the person is a user of the service.
    pub user_subject: Option<String>,
    pub role: ParticipantRole,
    pub attendance: Attendance,
    /// Signs off the minutes (needs `user_subject`: the approver signs as that user).
    pub approver: bool,
    /// The party's list letter ("A", "V").
    pub party: Option<String>,
    /// For a substitute (stedfortræder): the participant they stand in for.
    pub substitute_for: Option<i64>,
    /// The seat on the committee's roster the participant holds (counted for the quorum).
    pub roster_member_id: Option<i64>,
    /// The item the participant arrived at, when they came late.
    pub arrived_at_item: Option<i64>,
    /// The last item the participant took part in before leaving the meeting.
    pub left_after_item: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Participant> for ParticipantView {
    fn from(p: Participant) -> Self {
        ParticipantView {
            id: p.id,
            meeting_id: p.meeting_id,
            name: p.name,
            user_subject: p.user_subject,
            role: p.role,
            attendance: p.attendance,
            approver: p.approver,
            party: p.party,
            substitute_for: p.substitute_for,
            roster_member_id: p.roster_member_id,
            arrived_at_item: p.arrived_at_item,
            left_after_item: p.left_after_item,
            version: p.version,
            created_at: time::to_api(p.created_at),
            updated_at: time::to_api(p.updated_at),
        }
    }
}

/// The committee's quorum for one item (§ 11).
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"number": 12, "members": 7, "present": 4, "quorate": true})))]
pub struct ItemQuorum {
    /// The item's number.
    pub number: i32,
    #[serde(flatten)]
    pub quorum: Quorum,
}
