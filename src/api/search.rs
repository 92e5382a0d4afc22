//! `GET /v1/search`: full-text search in Danish over the meetings, items and attachment names the
//! caller may read, with highlighted snippets.

use actix_web::{get, web};
use chrono::DateTime;
use serde::Deserialize;
use utoipa::IntoParams;

use super::Authenticated;
use super::State;
use super::extract::{Day, QueryParams};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use crate::db::search::{Hit, SearchFilter};
use crate::domain::CaseType;
use crate::domain::search::{fts5_query, query_stems};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::service;
use crate::views::search::SearchHit;

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
    let filter = SearchFilter {
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
            service::search::search(conn, principal, &auditor, filter.clone(), limit as usize)
        })
        .await?;
    Ok(web::Json(pagination::page(hits, limit, hit_cursor, |hit| SearchHit::new(hit, &stems))))
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
