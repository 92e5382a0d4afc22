//! A meeting as the API shows it: in lists, and whole with its participants and agenda.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use super::item::AgendaEntry;
use super::participant::ParticipantView;
use super::publication::PublicationSummary;
use crate::db::meetings::Meeting;
use crate::domain::{CommitteeRole, MeetingStatus};
use crate::time;

/// A meeting without its participants and agenda, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "online_link": null, "extraordinary": false, "status": "agenda_published", "cancellation_reason": null, "version": 14, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00"})))]
pub struct MeetingSummary {
    pub id: i64,
    pub committee_id: i64,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    /// Mødested: a room, a local unit, or "Virtuelt via Teams".
    pub location: Option<String>,
    /// A link to join online.
    pub online_link: Option<String>,
    /// An extraordinary meeting (ekstraordinært møde).
    pub extraordinary: bool,
    pub status: MeetingStatus,
    /// Why the meeting was cancelled, when it was.
    pub cancellation_reason: Option<String>,
    /// Changes with every change to the meeting, its participants or its agenda that the caller can
    /// see (a closed item's hidden content changes it only for those who read it).
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// How much of a meeting a caller sees, which decides the version and time of change it is shown:
/// the whole meeting, or what those who do not read closed items see. A member of the committee who
/// is excluded from none of the meeting's items sees the whole; a reader, or a member excluded from
/// an item, sees the open part, whose version and time move only when that part changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extent {
    Whole,
    Open,
}

impl Extent {
    /// The extent of a caller with `role`, excluded from some item of the meeting or not.
    pub fn of(role: Option<CommitteeRole>, excluded: bool) -> Extent {
        if role >= Some(CommitteeRole::Member) && !excluded { Extent::Whole } else { Extent::Open }
    }

    pub fn version(self, meeting: &Meeting) -> i64 {
        match self {
            Extent::Whole => meeting.version,
            Extent::Open => meeting.open_version,
        }
    }

    pub fn updated_at(self, meeting: &Meeting) -> chrono::NaiveDateTime {
        match self {
            Extent::Whole => meeting.updated_at,
            Extent::Open => meeting.open_updated_at,
        }
    }

    /// The meeting version a publication or a sign-off was made from, as this extent counts it.
    pub fn of_copy(self, whole: i64, open: i64) -> i64 {
        match self {
            Extent::Whole => whole,
            Extent::Open => open,
        }
    }
}

impl MeetingSummary {
    /// The meeting as a caller with `extent` sees it.
    pub fn seen(m: Meeting, extent: Extent) -> Self {
        let (version, updated_at) = (extent.version(&m), extent.updated_at(&m));
        MeetingSummary {
            id: m.id,
            committee_id: m.committee_id,
            title: m.title,
            starts_at: time::to_api(m.starts_at),
            ends_at: m.ends_at.map(time::to_api),
            location: m.location,
            online_link: m.online_link,
            extraordinary: m.extraordinary,
            status: m.status,
            cancellation_reason: m.cancellation_reason,
            version,
            created_at: time::to_api(m.created_at),
            updated_at: time::to_api(updated_at),
        }
    }
}

impl From<Meeting> for MeetingSummary {
    /// The whole meeting, as its secretaries (and the audit trail) see it.
    fn from(m: Meeting) -> Self {
        MeetingSummary::seen(m, Extent::Whole)
    }
}

/// A meeting with its participants and its agenda in order. Closed items appear as number and title
/// only to callers below member.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "online_link": null, "extraordinary": false, "status": "agenda_published", "cancellation_reason": null, "version": 14, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00", "participants": [{"id": 1, "meeting_id": 1, "name": "Søren Ole Sørensen", "role": "member", "attendance": "absent", "user_subject": null, "approver": false, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"}, {"id": 2, "meeting_id": 1, "name": "Michel van der Linden", "role": "member", "attendance": "present", "user_subject": "mvdl@kalundborg.dk", "approver": true, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"}], "items": [{"id": 2, "meeting_id": 1, "number": 2, "position": 2, "title": "Implementering af FirstAgenda", "closed": false, "case_number": "22-003462", "journal_number": "00.22.04", "document_number": null, "case_type": "decision", "summary": "Med denne sag skal Direktionen tage stilling til en strategi for implementering af FirstAgenda.", "recommendation": "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.", "handled_by": "Direktionen.", "presentation": "Eftersom FirstAgenda kan implementeres bredt blandt Kalundborg Kommunes enheder og samarbejdspartnere, etableres der såkaldte AD-grupper.", "financial_consequences": "Meromkostningen for ubegrænsede licenser i størrelsesordenen 50.000 kr. bliver fordelt på de enheder, der anvender FirstAgenda.", "decision": null, "legal_basis": null, "closed_grounds": null, "title_withheld": false, "section": "for_decision", "version": 3, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00"}, {"number": 4, "position": 4, "title": "Status, Økonomiudvalget", "closed": true, "legal_basis": "offentlighedsloven_33_3"}], "published": [{"kind": "agenda", "number": 1, "meeting_version": 12, "published_at": "2022-04-20T10:00:00+02:00", "reason": null}], "unpublished_changes": false})))]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: MeetingSummary,
    pub participants: Vec<ParticipantView>,
    pub items: Vec<AgendaEntry>,
    /// The versions of the agenda and minutes published so far.
    pub published: Vec<PublicationSummary>,
    /// Whether the meeting has changed since its latest published version (a correction would
    /// publish the changes).
    pub unpublished_changes: bool,
}

/// What an action did: the meeting as it now is, and the version it published, if any.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"meeting": {"id": 1, "committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "online_link": null, "extraordinary": false, "status": "agenda_published", "cancellation_reason": null, "version": 13, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00"}, "published": {"kind": "agenda", "number": 1, "meeting_version": 12, "published_at": "2022-04-20T10:00:00+02:00", "reason": null}})))]
pub struct ActionResult {
    pub meeting: MeetingSummary,
    pub published: Option<PublicationSummary>,
}
