//! The minutes' sign-off as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use super::meeting::Extent;
use crate::db::meetings::Meeting;
use crate::db::sign_offs::SignOff;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "participant_id": 2, "meeting_version": 21, "current": true, "signed_at": "2022-04-26T16:20:00+02:00", "version": 1})))]
pub struct SignOffView {
    pub id: i64,
    pub participant_id: i64,
    /// The meeting version (ETag) signed.
    pub meeting_version: i64,
    /// Whether that is the meeting's current version.
    pub current: bool,
    pub signed_at: DateTime<FixedOffset>,
    pub version: i64,
}

impl SignOffView {
    /// The sign-off of `meeting` as a caller with `extent` on it sees it.
    pub fn new(s: &SignOff, meeting: &Meeting, extent: Extent) -> Self {
        SignOffView {
            id: s.id,
            participant_id: s.participant_id,
            meeting_version: extent.of_copy(s.meeting_version, s.open_meeting_version),
            current: s.meeting_version == meeting.version,
            signed_at: time::to_api(s.signed_at),
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Approver {
    pub participant_id: i64,
    pub name: String,
    pub sign_off: Option<SignOffView>,
}

/// Where the sign-off of the minutes stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"meeting_version": 21, "required": true, "complete": false, "unsigned": ["Jan Lysgaard Thomsen"], "approvers": [{"participant_id": 2, "name": "Michel van der Linden", "sign_off": {"id": 1, "participant_id": 2, "meeting_version": 21, "current": true, "signed_at": "2022-04-26T16:20:00+02:00", "version": 1}}, {"participant_id": 3, "name": "Jan Lysgaard Thomsen", "sign_off": null}]})))]
pub struct SignOffStatus {
    /// The meeting's current version: the one a sign-off must name to count.
    pub meeting_version: i64,
    /// Whether the committee requires sign-off before the minutes are published.
    pub required: bool,
    pub approvers: Vec<Approver>,
    /// Approvers who have not signed the current version.
    pub unsigned: Vec<String>,
    /// Whether every approver has signed the current version (and there is at least one).
    pub complete: bool,
}
