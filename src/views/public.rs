//! What the public read API shows of committees and meetings.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::committees::Committee;
use crate::db::meetings::Meeting;
use crate::db::published::Publication as Version;
use crate::domain::{CommitteeKind, DocumentKind, MeetingStatus, Publication};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "name": "Direktionen", "kind": "executive_board", "publication": "public"})))]
pub struct PublicCommittee {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
    pub publication: Publication,
}

impl From<Committee> for PublicCommittee {
    fn from(c: Committee) -> Self {
        PublicCommittee { id: c.id, name: c.name, kind: c.kind, publication: c.publication }
    }
}

/// A published version of a meeting's agenda or minutes, with where to read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicVersion {
    pub kind: DocumentKind,
    pub number: i32,
    /// Why this version corrects the one before it.
    pub reason: Option<String>,
    pub published_at: DateTime<FixedOffset>,
    /// The version as JSON; add `/html` or `/markdown` for a page to read.
    pub href: String,
}

/// A meeting as it was last published.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee": {"id": 1, "name": "Direktionen", "kind": "executive_board", "publication": "public"}, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "status": "minutes_published", "versions": [{"kind": "agenda", "number": 1, "reason": null, "published_at": "2022-04-20T10:00:00+02:00", "href": "/v1/public/meetings/1/published/agenda/1"}, {"kind": "minutes", "number": 1, "reason": null, "published_at": "2022-04-27T09:00:00+02:00", "href": "/v1/public/meetings/1/published/minutes/1"}]})))]
pub struct PublicMeeting {
    pub id: i64,
    pub committee: PublicCommittee,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub location: Option<String>,
    /// `agenda_published`, `minutes_published`, or `cancelled` (after its agenda was published).
    pub status: MeetingStatus,
    /// Every published version, agenda before minutes, oldest first.
    pub versions: Vec<PublicVersion>,
}

impl PublicMeeting {
    /// The meeting as its latest version published it; `None` before anything is published.
    pub fn new(meeting: Meeting, committee: Committee, versions: Vec<Version>) -> Option<PublicMeeting> {
        let latest = versions.iter().max_by_key(|v| v.published_at)?.clone();
        let status = if meeting.status == MeetingStatus::Cancelled {
            MeetingStatus::Cancelled
        } else if versions.iter().any(|v| v.kind == DocumentKind::Minutes) {
            MeetingStatus::MinutesPublished
        } else {
            MeetingStatus::AgendaPublished
        };
        Some(PublicMeeting {
            id: meeting.id,
            committee: committee.into(),
            title: latest.title,
            starts_at: time::to_api(latest.starts_at),
            ends_at: latest.ends_at.map(time::to_api),
            location: latest.location,
            status,
            versions: versions
                .into_iter()
                .map(|v| PublicVersion {
                    href: format!("/v1/public/meetings/{}/published/{}/{}", meeting.id, v.kind.as_ref(), v.number),
                    kind: v.kind,
                    number: v.number,
                    reason: v.reason,
                    published_at: time::to_api(v.published_at),
                })
                .collect(),
        })
    }
}
