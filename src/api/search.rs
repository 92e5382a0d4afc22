//! `GET /v1/search`: full-text search in Danish over the meetings, items and attachment names the
//! caller may read, with highlighted snippets.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Authenticated;
use super::State;
use super::extract::{Day, QueryParams};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use crate::audit;
use crate::db::search::{self as store, Hit, SearchFilter};
use crate::domain::search::{escape_html, fts5_query, query_stems, snippet};
use crate::domain::{CaseType, CommitteeRole};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(search, Access::SignedIn);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Words to find, in any inflection ("beslutninger" finds "beslutning"); every word must occur.
    /// Words too common to search for ("og", "om") are left out; a query of those alone is a 422.
    #[param(min_length = 1, max_length = 200, pattern = r"^[^\x00]*$")]
    pub q: String,
    /// Only this committee's meetings.
    pub committee_id: Option<i64>,
    /// Only meetings on or after this day (Europe/Copenhagen).
    pub from: Option<Day>,
    /// Only meetings on or before this day (Europe/Copenhagen).
    pub to: Option<Day>,
    /// Only items with this case number (sagsnr.).
    #[param(max_length = 50, pattern = r"^[^\x00]*$")]
    pub case_number: Option<String>,
    /// Only items of this case type.
    pub case_type: Option<CaseType>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^s\.-?[0-9]{1,16}\.[123]\.[0-9]{1,18}$", max_length = 40)]
    pub cursor: Option<String>,
}

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

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Malformed("A query parameter is invalid.".into(), vec![FieldError::new(field, message)])
}

fn hit_cursor(hit: &Hit) -> String {
    format!("s.{}.{}.{}", hit.starts_at.and_utc().timestamp_micros(), hit.kind_order, hit.id)
}

fn after(cursor: Option<&str>) -> ApiResult<Option<(chrono::NaiveDateTime, i32, i64)>> {
    let parse = |text: &str| {
        let mut parts = text.strip_prefix("s.")?.split('.');
        let at = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?.naive_utc();
        let kind = parts.next()?.parse().ok()?;
        let id = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((at, kind, id))
    };
    cursor.map(|c| parse(c).ok_or_else(|| invalid("cursor", "is not a cursor from this search"))).transpose()
}

fn view(hit: Hit, stems: &[String]) -> SearchHit {
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

/// Search the meetings (title, place), items (title, every text section and the decision) and
/// attachment names the caller may read. Closed items are searched in full only by those who read
/// them in full; others find them by title alone, and nothing in the answer (hits, order, pages)
/// depends on text they may not read. Hits come newest meeting first; `title_match` says where the
/// words were found.
#[utoipa::path(
    tag = "search", operation_id = "search",
    params(SearchQuery),
    responses(
        (status = OK, description = "A page of hits, newest meeting first.", body = Page<SearchHit>),
        (status = UNPROCESSABLE_ENTITY, description = "`q` holds no word to search for (only the most common ones).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
async fn search(
    state: State,
    principal: Authenticated,
    query: QueryParams<SearchQuery>,
) -> ApiResult<web::Json<Page<SearchHit>>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let text = query.q;
    if text.is_empty() {
        return Err(invalid("q", "must not be empty"));
    }
    if text.chars().count() > 200 {
        return Err(invalid("q", "must be at most 200 characters"));
    }
    let stems = query_stems(&text);
    if stems.is_empty() {
        return Err(ApiError::validation("q", "must contain a word to search for, other than the most common ones"));
    }
    if query.case_number.as_ref().is_some_and(|c| c.chars().count() > 50) {
        return Err(invalid("case_number", "must be at most 50 characters"));
    }
    let mut filter = SearchFilter {
        text,
        fts_all: fts5_query(&stems, None),
        fts_title: fts5_query(&stems, Some("title")),
        committee_id: query.committee_id,
        starts_from: query.from.map(Day::start),
        starts_before: query.to.and_then(Day::end),
        case_number: query.case_number,
        case_type: query.case_type.map(|t| t.as_ref().to_owned()),
        after: after(query.cursor.as_deref())?,
        limit: i64::from(limit) + 1,
        ..SearchFilter::default()
    };
    let auditor = state.auditor.clone();
    let hits = state
        .read(principal, move |conn, principal| {
            (filter.read_ids, filter.read_kinds) = principal.readable_committees();
            (filter.member_ids, filter.member_kinds) = principal.committees_with(CommitteeRole::Member);
            filter.subject = principal.subject.clone();
            let hits = store::search(conn, &filter)?;
            // Closed items shown in full (in a snippet) are read.
            for hit in hits.iter().take(limit as usize).filter(|h| h.closed && h.full) {
                if let Some(item) = hit.item_id {
                    audit::closed_reads(&auditor, principal, hit.committee_id, &[item]);
                }
            }
            Ok(hits)
        })
        .await?;
    Ok(web::Json(pagination::page(hits, limit, hit_cursor, |hit| view(hit, &stems))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form of search cursors, as the OpenAPI document states it: meeting start
    /// (microseconds), kind, id.
    const SEARCH_CURSOR: &str = r"^s\.-?[0-9]{1,16}\.[123]\.[0-9]{1,18}$";

    #[test]
    fn cursors_round_trip_and_match_their_documented_form() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap().naive_utc();
        let hit = Hit {
            kind_order: 3,
            id: 42,
            meeting_id: 1,
            committee_id: 1,
            starts_at: at,
            meeting_title: String::new(),
            item_id: Some(42),
            title: String::new(),
            closed: false,
            position: Some(1),
            full: true,
            case_number: None,
            case_type: None,
            title_match: true,
            body: None,
        };
        let cursor = hit_cursor(&hit);
        assert!(regex::Regex::new(SEARCH_CURSOR).unwrap().is_match(&cursor), "{cursor}");
        assert_eq!(after(Some(&cursor)).unwrap(), Some((at, 3, 42)));
        assert!(after(Some("s.2.1")).is_err());
        assert!(after(Some("t.1.2")).is_err());
    }
}
