//! A case (sag) as the API shows it: its items across committees and meetings.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::committees::Committee;
use crate::db::items::Item;
use crate::db::meetings::Meeting;
use crate::domain::{CaseType, MeetingStatus};
use crate::time;
use crate::views::item::Decision;

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseMeeting {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub status: MeetingStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseCommittee {
    pub id: i64,
    pub name: String,
}

/// One treatment of the case: an item of a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseItem {
    pub item_id: i64,
    pub number: i32,
    pub title: String,
    pub closed: bool,
    pub case_type: Option<CaseType>,
    pub decision: Option<Decision>,
    /// A member demanded that the item go before the council (standsningsret, § 23).
    pub referred_to_council: bool,
    pub meeting: CaseMeeting,
    pub committee: CaseCommittee,
}

/// The case's items. The case number is not repeated: for a caller who may not see a closed item, it
/// is closed content they only typed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"items": [{"item_id": 5, "number": 5, "title": "Orientering fra Økonomiudvalgsmødet og koordinering af sager til politisk behandling", "closed": false, "case_type": "information", "decision": {"outcome": "discussed", "text": "Drøftet.", "decided_at": "2022-04-25T14:30:00+02:00", "quorum_override": null}, "referred_to_council": false, "meeting": {"id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "status": "minutes_published"}, "committee": {"id": 1, "name": "Direktionen"}}]})))]
pub struct CaseView {
    /// In meeting order. Empty when no item of the case is visible to the caller.
    pub items: Vec<CaseItem>,
}

impl CaseItem {
    /// The item as its case lists it, with its meeting and committee.
    pub fn new(item: Item, meeting: Meeting, committee: Committee) -> CaseItem {
        let decision = Decision::of(&item);
        CaseItem {
            item_id: item.id,
            number: item.number(),
            title: item.title,
            closed: item.closed,
            case_type: item.case_type,
            decision,
            referred_to_council: false,
            meeting: CaseMeeting {
                id: meeting.id,
                title: meeting.title,
                starts_at: time::to_api(meeting.starts_at),
                status: meeting.status,
            },
            committee: CaseCommittee { id: committee.id, name: committee.name },
        }
    }
}
