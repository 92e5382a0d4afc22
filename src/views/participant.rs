//! A meeting's participant as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::participants::Participant;
use crate::domain::{Attendance, ParticipantRole};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "meeting_id": 1, "name": "Michel van der Linden", "role": "member", "attendance": "present", "user_subject": "mvdl@kalundborg.dk", "approver": true, "party": null, "substitute_for": null, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
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
            version: p.version,
            created_at: time::to_api(p.created_at),
            updated_at: time::to_api(p.updated_at),
        }
    }
}
