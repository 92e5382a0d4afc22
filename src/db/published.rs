//! Published agendas and minutes: each version stored once, as the JSON of its document, and never
//! updated or deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::published_documents as published;
use crate::domain::DocumentKind;
use crate::domain::document::Document;
use crate::error::{ApiError, ApiResult};

/// A published version without its content, as lists show it.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = published)]
pub struct Publication {
    pub meeting_id: i64,
    pub kind: DocumentKind,
    pub number: i32,
    pub reason: Option<String>,
    pub meeting_version: i64,
    pub published_at: NaiveDateTime,
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
pub fn find(conn: &mut DbConnection, meeting_id: i64, kind: DocumentKind, number: i32) -> ApiResult<Option<Document>> {
    let content: Option<String> = published::table
        .filter(published::meeting_id.eq(meeting_id))
        .filter(published::kind.eq(kind))
        .filter(published::number.eq(number))
        .select(published::content)
        .first(conn)
        .optional()?;
    content
        .map(|json| serde_json::from_str(&json).map_err(|e| ApiError::internal(format!("stored document: {e}"))))
        .transpose()
}

/// The number the next version of this kind gets.
pub fn next_number(conn: &mut DbConnection, meeting_id: i64, kind: DocumentKind) -> QueryResult<i32> {
    let last: Option<i32> = published::table
        .filter(published::meeting_id.eq(meeting_id))
        .filter(published::kind.eq(kind))
        .select(diesel::dsl::max(published::number))
        .first(conn)?;
    Ok(last.unwrap_or(0) + 1)
}

/// Stores a version. The unique (meeting, kind, number) refuses a second writer of the same number.
pub fn insert(
    conn: &mut DbConnection,
    document: &Document,
    meeting_version: i64,
    published_at: NaiveDateTime,
    published_by: &str,
) -> ApiResult<()> {
    let content = serde_json::to_string(document).map_err(ApiError::internal)?;
    diesel::insert_into(published::table)
        .values((
            published::meeting_id.eq(document.meeting.id),
            published::kind.eq(document.kind),
            published::number.eq(document.number),
            published::reason.eq(&document.reason),
            published::meeting_version.eq(meeting_version),
            published::published_at.eq(published_at),
            published::published_by.eq(published_by),
            published::content.eq(content),
        ))
        .execute(conn)?;
    Ok(())
}
