//! A published agenda or minutes, in lists.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use super::meeting::Extent;
use crate::db::published::Publication;
use crate::domain::DocumentKind;
use crate::domain::document::{Document, DocumentEntry, DocumentItem, DocumentMeeting};
use crate::time;

/// A published version, without its content.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(examples(json!({"kind": "agenda", "number": 1, "meeting_version": 12, "published_at": "2022-04-20T10:00:00+02:00", "reason": null})))]
pub struct PublicationSummary {
    pub kind: DocumentKind,
    pub number: i32,
    /// Why this version corrects the one before it.
    pub reason: Option<String>,
    /// The meeting's version (ETag) this is a copy of.
    pub meeting_version: i64,
    pub published_at: DateTime<FixedOffset>,
}

impl PublicationSummary {
    pub fn new(
        kind: DocumentKind,
        number: i32,
        reason: Option<String>,
        meeting_version: i64,
        at: NaiveDateTime,
    ) -> Self {
        PublicationSummary { kind, number, reason, meeting_version, published_at: time::to_api(at) }
    }

    /// Where a signed-in caller reads this version.
    pub fn location(&self, meeting_id: i64) -> String {
        format!("/v1/meetings/{meeting_id}/published/{}/{}", self.kind.as_ref(), self.number)
    }
}

impl PublicationSummary {
    /// The version as a caller with `extent` on its meeting sees it.
    pub fn seen(p: Publication, extent: Extent) -> Self {
        let version = extent.of_copy(p.meeting_version, p.open_meeting_version);
        PublicationSummary::new(p.kind, p.number, p.reason, version, p.published_at)
    }
}

/// One item's decision extract (beslutningsudskrift): what a secretariat sends to the parties and
/// files in the case, taken from the latest published minutes of the item's meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionExtract {
    /// The meeting, with the body that decided.
    pub meeting: DocumentMeeting,
    /// The minutes version it is taken from.
    pub minutes_version: i32,
    pub published_at: DateTime<FixedOffset>,
    /// The item as those minutes hold it: its decision, votes, dissents and protocol entries.
    pub item: DocumentItem,
}

impl DecisionExtract {
    /// The extract of a document holding the one item (see `service::published::decision_extract`).
    pub fn of(document: Document) -> Option<DecisionExtract> {
        let item = document.items.first().and_then(DocumentEntry::full).cloned()?;
        Some(DecisionExtract {
            meeting: document.meeting,
            minutes_version: document.number,
            published_at: document.published_at,
            item,
        })
    }
}
