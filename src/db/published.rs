//! Published agendas and minutes: each version stored once, as the JSON of its document, and never
//! updated or deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::committees::Committee;
use super::error::{StoreError, StoreResult};
use super::meetings::Meeting;
use super::schema::{committees, meetings, published_documents as published};
use crate::domain::document::Document;
use crate::domain::{DocumentKind, Publication as Level};

/// A published version without its content, as lists show it: with the meeting's title, time and
/// place as that version published them.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = published)]
pub struct Publication {
    pub meeting_id: i64,
    pub kind: DocumentKind,
    pub number: i32,
    pub reason: Option<String>,
    pub meeting_version: i64,
    pub published_at: NaiveDateTime,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub location: Option<String>,
    /// The meeting's open version it was published from (see `meetings::Meeting::open_version`).
    pub open_meeting_version: i64,
}

impl super::Modified for Publication {
    fn modified_at(&self) -> NaiveDateTime {
        self.published_at
    }
}

/// The versions published for a meeting, agenda before minutes, oldest first.
pub fn list(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Publication>> {
    published::table
        .filter(published::meeting_id.eq(meeting_id))
        .order((published::kind, published::number))
        .select(Publication::as_select())
        .load(conn)
}

/// The versions published for any of these meetings.
pub fn list_for(conn: &mut DbConnection, meeting_ids: &[i64]) -> QueryResult<Vec<Publication>> {
    published::table
        .filter(published::meeting_id.eq_any(meeting_ids))
        .order((published::meeting_id, published::kind, published::number))
        .select(Publication::as_select())
        .load(conn)
}

/// The stored document of one version.
pub fn find(
    conn: &mut DbConnection,
    meeting_id: i64,
    kind: DocumentKind,
    number: i32,
) -> StoreResult<Option<Document>> {
    let content: Option<String> = published::table
        .filter(published::meeting_id.eq(meeting_id))
        .filter(published::kind.eq(kind))
        .filter(published::number.eq(number))
        .select(published::content)
        .first(conn)
        .optional()?;
    content
        .map(|json| serde_json::from_str(&json).map_err(|e| StoreError::internal(format!("stored document: {e}"))))
        .transpose()
}

/// The number the next version of this kind gets.
pub fn next_number(conn: &mut DbConnection, meeting_id: i64, kind: DocumentKind) -> QueryResult<i32> {
    Ok(latest_number(conn, meeting_id, kind)?.unwrap_or(0) + 1)
}

/// The number of the meeting's latest version of `kind`; none before the first.
pub fn latest_number(conn: &mut DbConnection, meeting_id: i64, kind: DocumentKind) -> QueryResult<Option<i32>> {
    published::table
        .filter(published::meeting_id.eq(meeting_id))
        .filter(published::kind.eq(kind))
        .select(diesel::dsl::max(published::number))
        .first(conn)
}

/// The meeting's latest version of `kind`, stored whole; none before the first.
pub fn latest(conn: &mut DbConnection, meeting_id: i64, kind: DocumentKind) -> StoreResult<Option<Document>> {
    match latest_number(conn, meeting_id, kind)? {
        Some(number) => find(conn, meeting_id, kind, number),
        None => Ok(None),
    }
}

/// Stores a version of `meeting` (as it is being published). The unique (meeting, kind, number)
/// refuses a second writer of the same number.
pub fn insert(
    conn: &mut DbConnection,
    document: &Document,
    meeting: &Meeting,
    published_at: NaiveDateTime,
    published_by: &str,
) -> StoreResult<()> {
    let content = serde_json::to_string(document).map_err(StoreError::internal)?;
    diesel::insert_into(published::table)
        .values((
            published::meeting_id.eq(document.meeting.id),
            published::kind.eq(document.kind),
            published::number.eq(document.number),
            published::reason.eq(&document.reason),
            published::meeting_version.eq(meeting.version),
            published::open_meeting_version.eq(meeting.open_version),
            published::published_at.eq(published_at),
            published::published_by.eq(published_by),
            published::title.eq(&meeting.title),
            published::starts_at.eq(meeting.starts_at),
            published::ends_at.eq(meeting.ends_at),
            published::location.eq(&meeting.location),
            published::content.eq(content),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which published meetings to list: those of committees published at these levels, ordered by
/// start, then id; `after` is the last (start, id) of the previous page.
#[derive(Clone, Debug, Default)]
pub struct PublishedFilter {
    pub levels: Vec<Level>,
    pub committee_id: Option<i64>,
    pub starts_from: Option<NaiveDateTime>,
    pub starts_before: Option<NaiveDateTime>,
    /// Only meetings with a version published at or after this time.
    pub published_since: Option<NaiveDateTime>,
    pub after: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

/// Meetings with at least one published version, with their committees.
pub fn published_meetings(conn: &mut DbConnection, filter: &PublishedFilter) -> QueryResult<Vec<(Meeting, Committee)>> {
    let any_version = published::table.filter(published::meeting_id.eq(meetings::id)).select(published::id);
    let mut query = meetings::table
        .inner_join(committees::table)
        .filter(committees::publication.eq_any(&filter.levels))
        .filter(diesel::dsl::exists(any_version))
        .order((meetings::starts_at, meetings::id))
        .limit(filter.limit)
        .select((Meeting::as_select(), Committee::as_select()))
        .into_boxed();
    if let Some(committee) = filter.committee_id {
        query = query.filter(meetings::committee_id.eq(committee));
    }
    if let Some(from) = filter.starts_from {
        query = query.filter(meetings::starts_at.ge(from));
    }
    if let Some(before) = filter.starts_before {
        query = query.filter(meetings::starts_at.lt(before));
    }
    if let Some(since) = filter.published_since {
        let published_since = published::table
            .filter(published::meeting_id.eq(meetings::id))
            .filter(published::published_at.ge(since))
            .select(published::id);
        query = query.filter(diesel::dsl::exists(published_since));
    }
    if let Some((starts_at, id)) = filter.after {
        query = query
            .filter(meetings::starts_at.gt(starts_at).or(meetings::starts_at.eq(starts_at).and(meetings::id.gt(id))));
    }
    query.load(conn)
}

/// How many versions of a meeting have been published, agendas and minutes together.
pub fn count(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<i64> {
    published::table.filter(published::meeting_id.eq(meeting_id)).count().get_result(conn)
}
