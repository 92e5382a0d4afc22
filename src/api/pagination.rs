//! Cursor pagination. A cursor names the last row of the previous page, so that pages stay stable
//! while rows are added and each page costs one indexed range scan. Clients treat cursors as opaque;
//! their form is simple enough for the OpenAPI document to state exactly (see the patterns below).

use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::Timestamp;
use crate::db::IdPage;
use crate::error::{ApiError, ApiResult, FieldError};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Malformed("A query parameter is invalid.".into(), vec![FieldError::new(field, message)])
}

/// The page size asked for, within bounds.
pub fn limit(requested: Option<u32>) -> ApiResult<u32> {
    match requested.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n),
        _ => Err(invalid("limit", format!("must be between 1 and {MAX_LIMIT}"))),
    }
}

/// Cuts the extra row a query fetched (it asks for `limit + 1`) and makes the next cursor from the
/// last row kept.
pub fn page<R, T>(mut rows: Vec<R>, limit: u32, cursor: impl Fn(&R) -> String, view: impl Fn(R) -> T) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if more { rows.last().map(cursor) } else { None };
    Page { data: rows.into_iter().map(view).collect(), next_cursor }
}

/// `modified_since` of the lists that come whole, such as a meeting's participants or an item's
/// attachments.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SinceQuery {
    /// Only those created or changed at or after this time (RFC 3339; encode `+` as `%2B`).
    /// Deletions are not listed: the change feed (`GET /v1/changes`) has them.
    pub modified_since: Option<Timestamp>,
}

impl SinceQuery {
    pub fn since(&self) -> Option<NaiveDateTime> {
        self.modified_since.map(Timestamp::stored)
    }
}

/// The page a list query asks for by `limit`, `cursor` and `modified_since`, with the page size to
/// cut the rows to: one more row than that is read, to tell whether another page follows.
pub fn id_page(
    limit: Option<u32>,
    cursor: Option<&str>,
    modified_since: Option<Timestamp>,
) -> ApiResult<(u32, IdPage)> {
    let size = self::limit(limit)?;
    let page = IdPage {
        after: after_id(cursor)?.unwrap_or(0),
        limit: i64::from(size) + 1,
        modified_since: modified_since.map(Timestamp::stored),
    };
    Ok((size, page))
}

fn not_a_cursor() -> ApiError {
    invalid("cursor", "is not a cursor from this list")
}

/// The form of the cursors of lists ordered by id.
pub const ID_CURSOR: &str = r"^id\.[0-9]{1,18}$";

pub use crate::views::id_cursor;

pub fn after_id(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor.map(|c| c.strip_prefix("id.").and_then(|id| id.parse().ok()).ok_or_else(not_a_cursor)).transpose()
}

/// The form of the cursors of lists ordered by a time (microseconds since 1970, within about three
/// centuries of it), then id.
pub const TIME_CURSOR: &str = r"^t\.-?[0-9]{1,16}\.[0-9]{1,18}$";

/// Cursors of lists ordered by a time, then id.
pub fn time_cursor(at: NaiveDateTime, id: i64) -> String {
    format!("t.{}.{id}", at.and_utc().timestamp_micros())
}

pub fn after_time(cursor: Option<&str>) -> ApiResult<Option<(NaiveDateTime, i64)>> {
    let parse = |text: &str| -> Option<(NaiveDateTime, i64)> {
        let (micros, id) = text.strip_prefix("t.")?.split_once('.')?;
        Some((DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc(), id.parse().ok()?))
    };
    cursor.map(|c| parse(c).ok_or_else(not_a_cursor)).transpose()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only those created or changed at or after this time (RFC 3339; encode `+` as `%2B`).
    /// Deletions are not listed: the change feed (`GET /v1/changes`) has them.
    pub modified_since: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
}

impl ListQuery {
    /// The page asked for, and the page size to cut it to (see [`id_page`]).
    pub fn page(&self) -> ApiResult<(u32, IdPage)> {
        id_page(self.limit, self.cursor.as_deref(), self.modified_since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = DateTime::from_timestamp_micros(1_650_882_600_123_456).unwrap().naive_utc();
        let page = page(vec![(at, 7), (at, 8)], 1, |&(t, id)| time_cursor(t, id), |row| row);
        assert_eq!(after_time(page.next_cursor.as_deref()).unwrap(), Some((at, 7)));
        let ids = super::page(vec![1, 2, 3], 2, |&id| id_cursor(id), |id| id);
        assert_eq!(ids.data, vec![1, 2]);
        assert_eq!(after_id(ids.next_cursor.as_deref()).unwrap(), Some(2));
        assert!(after_id(Some("not a cursor")).is_err());
        let pattern = regex::Regex::new(ID_CURSOR).unwrap();
        assert!(pattern.is_match(ids.next_cursor.as_deref().unwrap()));
        let pattern = regex::Regex::new(TIME_CURSOR).unwrap();
        assert!(pattern.is_match(&time_cursor(at, 7)));
        assert!(after_time(ids.next_cursor.as_deref()).is_err());
        assert!(super::page(vec![1, 2], 2, |&id| id_cursor(id), |id| id).next_cursor.is_none());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
        assert_eq!(limit(Some(MAX_LIMIT)).unwrap(), MAX_LIMIT);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(MAX_LIMIT + 1)).is_err());
    }
}
