//! Batch inserts: the data generator's, and the audit records the housekeeping thread writes. The
//! multi-backend connection cannot insert several rows in one statement (see ARCHITECTURE.md), so each batch
//! goes to the concrete connection; this is the one place that does that.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::audit::NewEvent;
use super::schema::{agenda_items, audit_events, item_amounts, meeting_participants, meetings, users};
use crate::domain::allocation::{AmountKind, Recurrence};
use crate::domain::closing::LegalBasis;
use crate::domain::{Attendance, CaseType, DecisionOutcome, MeetingStatus, ParticipantRole};

/// Rows per statement: well below SQLite's limit of 32,766 bound values for the widest row here.
const BATCH: usize = 500;

/// Inserts `rows` into `table` in batches, on whichever backend `conn` is; the rows inserted.
/// Used in functions returning `QueryResult`, whose error it passes on.
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0;
        for chunk in $rows.chunks(BATCH) {
            inserted += match $conn {
                DbConnection::Postgresql(pg) => diesel::insert_into($table).values(chunk).execute(pg)?,
                DbConnection::Sqlite(sqlite) => diesel::insert_into($table).values(chunk).execute(sqlite)?,
            };
        }
        inserted
    }};
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub groups_seen: String,
    pub active: bool,
    pub first_seen_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = meetings)]
pub struct MeetingRow {
    pub committee_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub location: Option<String>,
    pub status: MeetingStatus,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub open_version: i64,
    pub open_updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = meeting_participants)]
pub struct ParticipantRow {
    pub meeting_id: i64,
    pub name: String,
    pub user_subject: Option<String>,
    pub role: ParticipantRole,
    pub attendance: Attendance,
    pub approver: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = agenda_items)]
pub struct ItemRow {
    pub meeting_id: i64,
    pub position: i32,
    pub title: String,
    pub closed: bool,
    pub legal_basis: Option<LegalBasis>,
    pub case_number: Option<String>,
    pub journal_number: Option<String>,
    pub document_number: Option<String>,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    pub financial_consequences: Option<String>,
    pub decision_outcome: Option<DecisionOutcome>,
    pub decision_text: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = item_amounts)]
pub struct AmountRow {
    pub item_id: i64,
    pub label: String,
    pub kind: AmountKind,
    pub recurrence: Recurrence,
    pub amount_ore: i64,
    pub price_year: Option<i32>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_users(conn: &mut DbConnection, rows: &[UserRow]) -> QueryResult<usize> {
    Ok(insert_batches!(conn, users::table, rows))
}

/// Inserts the meetings of one committee that has none yet and returns their ids in the order given.
pub fn insert_meetings(conn: &mut DbConnection, rows: &[MeetingRow]) -> QueryResult<Vec<i64>> {
    let Some(first) = rows.first() else { return Ok(Vec::new()) };
    insert_batches!(conn, meetings::table, rows);
    // Ids are assigned in insertion order within one statement on both backends.
    let ids: Vec<i64> = meetings::table
        .filter(meetings::committee_id.eq(first.committee_id))
        .order(meetings::id)
        .select(meetings::id)
        .load(conn)?;
    if ids.len() == rows.len() { Ok(ids) } else { Err(diesel::result::Error::RollbackTransaction) }
}

pub fn insert_participants(conn: &mut DbConnection, rows: &[ParticipantRow]) -> QueryResult<usize> {
    Ok(insert_batches!(conn, meeting_participants::table, rows))
}

/// Inserts the items of meetings that have none yet and returns their ids in the order given.
pub fn insert_items(conn: &mut DbConnection, meeting_ids: &[i64], rows: &[ItemRow]) -> QueryResult<Vec<i64>> {
    insert_batches!(conn, agenda_items::table, rows);
    agenda_items::table
        .filter(agenda_items::meeting_id.eq_any(meeting_ids))
        .order(agenda_items::id)
        .select(agenda_items::id)
        .load(conn)
}

pub fn insert_audit_events(conn: &mut DbConnection, rows: &[NewEvent]) -> QueryResult<usize> {
    Ok(insert_batches!(conn, audit_events::table, rows))
}

pub fn insert_amounts(conn: &mut DbConnection, rows: &[AmountRow]) -> QueryResult<usize> {
    Ok(insert_batches!(conn, item_amounts::table, rows))
}
