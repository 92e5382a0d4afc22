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

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseMeeting {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub status: MeetingStatus,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseCommittee {
    pub id: i64,
    pub name: String,
}

/// One treatment of the case: an item of a meeting.
#[derive(Clone, Debug, Serialize, ToSchema)]
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
#[schema(examples(json!({"route": null, "items": [{"item_id": 5, "number": 5, "title": "Orientering fra Økonomiudvalgsmødet og koordinering af sager til politisk behandling", "closed": false, "case_type": "information", "decision": {"outcome": "discussed", "text": "Drøftet.", "decided_at": "2022-04-25T14:30:00+02:00", "quorum_override": null}, "referred_to_council": false, "meeting": {"id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "status": "minutes_published"}, "committee": {"id": 1, "name": "Direktionen"}}]})))]
pub struct CaseView {
    /// The route its secretaries set (sagens gang), for a caller with a role on one of its
    /// committees or who reads one of its items in full; absent otherwise, and when it has none.
    pub route: Option<RouteView>,
    /// In meeting order. Empty when no item of the case is visible to the caller.
    pub items: Vec<CaseItem>,
}

/// A case's route: the bodies that treat it in order, the reading where a body treats it more than
/// once, and the one that decides it ("Sagen afgøres i").
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"steps": [{"position": 1, "committee": {"id": 4, "name": "Udvalget for Klima og Miljø"}, "reading": null, "decides": false, "item": null}, {"position": 2, "committee": {"id": 2, "name": "Økonomiudvalget"}, "reading": null, "decides": false, "item": null}, {"position": 3, "committee": {"id": 3, "name": "Byrådet"}, "reading": 1, "decides": false, "item": null}, {"position": 4, "committee": {"id": 3, "name": "Byrådet"}, "reading": 2, "decides": true, "item": null}], "version": 1, "updated_at": "2021-04-20T10:00:00+02:00"})))]
pub struct RouteView {
    /// In order; a step naming a committee the caller may not see is left out.
    #[schema(max_items = 20)]
    pub steps: Vec<RouteStepView>,
    pub version: i64,
    pub updated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RouteStepView {
    /// Its place in the route, from 1.
    pub position: i32,
    pub committee: CaseCommittee,
    /// 1. or 2. behandling, where the body treats the case more than once.
    pub reading: Option<i32>,
    /// This body decides the case.
    pub decides: bool,
    /// The item treating the case at this step (the n-th step naming a committee is the n-th item of
    /// the case in its meetings), with its meeting and decision, as far as the caller reads it in
    /// full; `null` before it is on an agenda.
    pub item: Option<CaseItem>,
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
