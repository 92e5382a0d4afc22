//! Meetings. A meeting is the aggregate root of its items and participants: any change to them
//! bumps the meeting's version and `updated_at` (see [`touch`]), so that the meeting's ETag and
//! `modified_since` see every change to what a meeting read returns. A change that those who do not
//! read closed items can see bumps `open_version` and `open_updated_at` too: what they are shown of
//! a meeting moves only when what they may see of it does.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{agenda_items, committees, item_exclusions, meetings};
use super::{DbConnection, allocations};
use crate::domain::{CommitteeKind, MeetingStatus};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = meetings)]
pub struct Meeting {
    pub id: i64,
    pub committee_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub location: Option<String>,
    pub online_link: Option<String>,
    pub status: MeetingStatus,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub cancellation_reason: Option<String>,
    /// Changes only with what those who do not read closed items see of the meeting.
    pub open_version: i64,
    pub open_updated_at: NaiveDateTime,
    /// An extraordinary meeting (ekstraordinært møde).
    pub extraordinary: bool,
}

/// Who sees a change of a meeting's part: everyone who reads the meeting, or only those who read
/// closed items (the change is to a closed item's content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    ByReaders,
    ByMembers,
}

impl Seen {
    /// A change to an item's content (its text, decision, attachments, amounts, attendance).
    pub fn content_of(closed: bool) -> Seen {
        if closed { Seen::ByMembers } else { Seen::ByReaders }
    }
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = meetings, treat_none_as_null = true)]
pub struct MeetingFields {
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub location: Option<String>,
    pub online_link: Option<String>,
    pub extraordinary: bool,
}

impl Meeting {
    pub fn fields(&self) -> MeetingFields {
        MeetingFields {
            title: self.title.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            location: self.location.clone(),
            online_link: self.online_link.clone(),
            extraordinary: self.extraordinary,
        }
    }
}

/// Which meetings to list. Results are ordered by start time, then id; `after` is the last
/// (start, id) of the previous page.
#[derive(Clone, Debug, Default)]
pub struct MeetingFilter {
    /// Only meetings of these committees and of committees of these kinds: the ones the caller may read.
    pub committees: Vec<i64>,
    pub kinds: Vec<CommitteeKind>,
    pub committee_id: Option<i64>,
    pub starts_from: Option<NaiveDateTime>,
    pub starts_before: Option<NaiveDateTime>,
    pub status: Option<MeetingStatus>,
    /// Changed at or after this time, as the caller sees the meeting: the whole of it on the committees
    /// below (unless the caller is excluded from one of its items), its open part elsewhere.
    pub modified_since: Option<NaiveDateTime>,
    pub whole_committees: Vec<i64>,
    pub whole_kinds: Vec<CommitteeKind>,
    /// The caller, whose exclusions from items keep it to a meeting's open part.
    pub subject: String,
    pub after: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

/// The meetings the filter lets through, each with its committee's kind.
pub fn list(conn: &mut DbConnection, filter: &MeetingFilter) -> QueryResult<Vec<(Meeting, CommitteeKind)>> {
    let mut query = meetings::table
        .inner_join(committees::table)
        .filter(meetings::committee_id.eq_any(&filter.committees).or(committees::kind.eq_any(&filter.kinds)))
        .order((meetings::starts_at, meetings::id))
        .limit(filter.limit)
        .select((Meeting::as_select(), committees::kind))
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
    if let Some(status) = filter.status {
        query = query.filter(meetings::status.eq(status));
    }
    if let Some(since) = filter.modified_since {
        let whole = meetings::committee_id
            .eq_any(&filter.whole_committees)
            .or(committees::kind.eq_any(&filter.whole_kinds))
            .and(diesel::dsl::not(diesel::dsl::exists(
                item_exclusions::table
                    .inner_join(agenda_items::table)
                    .filter(agenda_items::meeting_id.eq(meetings::id))
                    .filter(item_exclusions::subject.eq(&filter.subject)),
            )));
        query = query.filter(meetings::open_updated_at.ge(since).or(whole.and(meetings::updated_at.ge(since))));
    }
    if let Some((starts_at, id)) = filter.after {
        query = query
            .filter(meetings::starts_at.gt(starts_at).or(meetings::starts_at.eq(starts_at).and(meetings::id.gt(id))));
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Meeting>> {
    meetings::table.find(id).select(Meeting::as_select()).first(conn).optional()
}

/// A meeting with the kind of its committee, which access depends on.
pub fn find_with_kind(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(Meeting, CommitteeKind)>> {
    meetings::table
        .inner_join(committees::table)
        .filter(meetings::id.eq(id))
        .select((Meeting::as_select(), committees::kind))
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    committee_id: i64,
    fields: &MeetingFields,
    now: NaiveDateTime,
) -> StoreResult<Meeting> {
    Ok(diesel::insert_into(meetings::table)
        .values((
            fields,
            meetings::committee_id.eq(committee_id),
            meetings::status.eq(MeetingStatus::Draft),
            meetings::version.eq(1),
            meetings::open_version.eq(1),
            meetings::open_updated_at.eq(now),
            meetings::created_at.eq(now),
            meetings::updated_at.eq(now),
        ))
        .returning(meetings::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    current: &Meeting,
    fields: &MeetingFields,
    now: NaiveDateTime,
) -> StoreResult<Meeting> {
    diesel::update(at_version!(meetings, current))
        .set((
            fields,
            meetings::version.eq(current.version + 1),
            meetings::updated_at.eq(now),
            meetings::open_version.eq(current.open_version + 1),
            meetings::open_updated_at.eq(now),
        ))
        .returning(meetings::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

/// Moves the meeting to `status` (a lifecycle action), bumping its version; `cancellation_reason` is
/// kept with a cancellation.
pub fn set_status(
    conn: &mut DbConnection,
    current: &Meeting,
    status: MeetingStatus,
    cancellation_reason: Option<&str>,
    now: NaiveDateTime,
) -> StoreResult<Meeting> {
    diesel::update(at_version!(meetings, current))
        .set((
            meetings::status.eq(status),
            meetings::cancellation_reason.eq(cancellation_reason),
            meetings::version.eq(current.version + 1),
            meetings::updated_at.eq(now),
            meetings::open_version.eq(current.open_version + 1),
            meetings::open_updated_at.eq(now),
        ))
        .returning(meetings::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

/// Records that something inside the meeting changed, seen by `seen`. On PostgreSQL this also locks
/// the meeting row until the transaction ends, which serialises concurrent changes to one agenda's
/// positions.
pub fn touch(conn: &mut DbConnection, meeting_id: i64, now: NaiveDateTime, seen: Seen) -> QueryResult<()> {
    let meeting = meetings::table.find(meeting_id);
    match seen {
        Seen::ByReaders => diesel::update(meeting)
            .set((
                meetings::version.eq(meetings::version + 1),
                meetings::updated_at.eq(now),
                meetings::open_version.eq(meetings::open_version + 1),
                meetings::open_updated_at.eq(now),
            ))
            .execute(conn),
        Seen::ByMembers => diesel::update(meeting)
            .set((meetings::version.eq(meetings::version + 1), meetings::updated_at.eq(now)))
            .execute(conn),
    }
    .map(drop)
}

/// Deletes a meeting with its items and participants.
pub fn delete(conn: &mut DbConnection, current: &Meeting) -> StoreResult<()> {
    let items: Vec<i64> =
        agenda_items::table.filter(agenda_items::meeting_id.eq(current.id)).select(agenda_items::id).load(conn)?;
    if allocations::any_linked_to(conn, &items)? {
        return Err(StoreError::Conflict(
            "Cost allocations are linked to items of the meeting; unlink or delete them first.".into(),
        ));
    }
    removed_one(diesel::delete(at_version!(meetings, current)).execute(conn)?)
}
