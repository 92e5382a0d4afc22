//! A search hit as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::search::Hit;
use crate::domain::CaseType;
use crate::domain::search::{escape_html, snippet};
use crate::time;

/// What a hit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Item,
    Meeting,
    Attachment,
}

/// The meeting a hit belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitMeeting {
    pub id: i64,
    pub committee_id: i64,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
}

/// The item a hit is or belongs to, as far as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitItem {
    pub id: i64,
    pub number: i32,
    pub title: String,
    pub closed: bool,
}

/// One hit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"kind": "item", "id": 2, "title": "Implementering af FirstAgenda", "title_match": false, "case_number": "22-003462", "case_type": "decision", "item": {"id": 2, "number": 2, "title": "Implementering af FirstAgenda", "closed": false}, "meeting": {"id": 1, "committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00"}, "snippet": "… Direktionen tage stilling til en <mark>strategi</mark> for implementering af FirstAgenda.", "href": "/v1/items/2"})))]
pub struct SearchHit {
    pub kind: HitKind,
    pub id: i64,
    /// The item's, meeting's or attachment's title.
    pub title: String,
    /// Whether the words were found in the title (an item's; a meeting's title or place, an
    /// attachment's title or file name), rather than in the text.
    pub title_match: bool,
    pub meeting: HitMeeting,
    /// The item (of an attachment: the item it is attached to).
    pub item: Option<HitItem>,
    /// Where the caller reads it in full.
    pub case_number: Option<String>,
    pub case_type: Option<CaseType>,
    /// A passage around the first match, HTML-escaped, with the matching words in `<mark>`.
    pub snippet: String,
    /// Where to read it.
    pub href: String,
}

impl SearchHit {
    /// A hit as the caller sees it, its snippet marking the words `stems` found.
    pub fn new(hit: Hit, stems: &[String]) -> SearchHit {
        let meeting = HitMeeting {
            id: hit.meeting_id,
            committee_id: hit.committee_id,
            title: hit.meeting_title.clone(),
            starts_at: time::to_api(hit.starts_at),
        };
        let body = hit.body.as_deref().unwrap_or("");
        // The text the caller may read, where it matched: its title, else the rest of it.
        let snippet = snippet(&hit.title, stems)
            .or_else(|| snippet(body, stems))
            // PostgreSQL's parser splits some tokens (file names, hyphenated words) differently: its title.
            .unwrap_or_else(|| escape_html(&hit.title));
        let (kind, href) = match hit.kind_order {
            3 => (HitKind::Item, format!("/v1/items/{}", hit.id)),
            2 => (HitKind::Meeting, format!("/v1/meetings/{}", hit.id)),
            _ => (HitKind::Attachment, format!("/v1/attachments/{}", hit.id)),
        };
        let item = match (kind, hit.item_id, hit.position) {
            (HitKind::Item, _, Some(number)) => {
                Some(HitItem { id: hit.id, number, title: hit.title.clone(), closed: hit.closed })
            }
            // An attachment's item is shown by number; its title is the item's own hit.
            (HitKind::Attachment, Some(id), Some(number)) => {
                Some(HitItem { id, number, title: String::new(), closed: hit.closed })
            }
            _ => None,
        };
        SearchHit {
            kind,
            id: hit.id,
            title_match: hit.title_match,
            title: hit.title,
            meeting,
            item,
            case_number: hit.case_number,
            case_type: hit.case_type.and_then(|t| t.parse().ok()),
            snippet,
            href,
        }
    }
}
