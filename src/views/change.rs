//! The change feed's entries, as the feed and the webhooks send them.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::attachment::AttachmentView;
use super::committee::CommitteeView;
use super::item::AgendaEntry;
use super::meeting::MeetingSummary;
use super::participant::ParticipantView;
use super::publication::PublicationSummary;
use crate::domain::events::Event;

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Delete,
}

/// The resource as it is now, as the caller may see it: the same view its own endpoint gives.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ChangeData {
    Committee(Box<CommitteeView>),
    Meeting(Box<MeetingSummary>),
    /// A closed item, to a caller below member: its allowlisted fields only.
    Item(AgendaEntry),
    Participant(ParticipantView),
    Attachment(AttachmentView),
    Publication(PublicationSummary),
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEntry {
    /// Resume after this entry by passing it as `cursor`.
    pub cursor: String,
    pub occurred_at: DateTime<FixedOffset>,
    pub event: Event,
    /// `committee`, `meeting`, `item`, `participant`, `attachment` or `publication`.
    pub resource: String,
    pub id: i64,
    pub committee_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub action: ChangeAction,
    /// The resource now; `null` when it no longer exists or is no longer shown to the caller (remove
    /// it from a copy). A meeting's deletion stands for its items, participants and attachments.
    pub data: Option<ChangeData>,
}

/// A page of the feed. `next_cursor` is always given: pass it as `cursor` to get what changed after.
/// It is the last entry's cursor, or the one sent when there is nothing new: it moves only when
/// something the caller may see has changed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"has_more": false, "next_cursor": "id.4711", "data": [{"cursor": "id.4711", "occurred_at": "2022-04-27T09:00:00+02:00", "event": "minutes.published", "resource": "publication", "id": 2, "committee_id": 1, "meeting_id": 1, "action": "create", "data": {"kind": "minutes", "number": 1, "meeting_version": 21, "published_at": "2022-04-27T09:00:00+02:00", "reason": null}}]})))]
pub struct ChangePage {
    pub data: Vec<ChangeEntry>,
    #[schema(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub next_cursor: String,
    /// More changes are waiting: ask again at once.
    pub has_more: bool,
}
