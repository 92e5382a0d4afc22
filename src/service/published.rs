//! Reading a meeting's published versions (agenda and minutes, each correction a new version):
//! grantees with their role (members see closed items, those excluded from an item do not);
//! any signed-in caller those of public and internal committees; the public (`/v1/public`) those of
//! public committees, closed items as title only, whoever asks.

use chrono::{NaiveDate, NaiveDateTime};

use crate::audit::{self, Auditor};
use crate::db::committees::{self, Committee};
use crate::db::meetings::Meeting;
use crate::db::published::{self, Publication as Version, PublishedFilter};
use crate::db::{DbConnection, IdPage, attachments, exclusions, items, meetings, modified_since};
use crate::domain::access::{Principal, can_read_published};
use crate::domain::document::{Document, DocumentAttachment, DocumentDiff, DocumentEntry, diff};
use crate::domain::{CommitteeRole, DocumentKind, Publication};
use crate::error::{ApiError, ApiResult};
use crate::time;
use crate::views::meeting::Extent;
use crate::views::public::PublicMeeting;
use crate::views::publication::PublicationSummary;

/// Who reads a meeting's published documents, and as what.
pub struct Reader {
    pub meeting: Meeting,
    pub committee: Committee,
    /// The reader's role on the committee, if any.
    pub role: Option<CommitteeRole>,
    /// Items the reader is excluded from.
    pub excluded: Vec<i64>,
    /// The day it is read on: public decision texts may be held back until a day.
    pub today: NaiveDate,
}

/// The meeting's published documents as `principal` (or the public, when `None`) may read them; not
/// found otherwise, and not found before anything is published.
pub fn find_reader(conn: &mut DbConnection, principal: Option<&Principal>, meeting_id: i64) -> ApiResult<Reader> {
    let meeting = meetings::find(conn, meeting_id)?.ok_or(ApiError::NotFound)?;
    let committee = committees::find(conn, meeting.committee_id)?.ok_or(ApiError::NotFound)?;
    let role = principal.and_then(|p| p.role_on(committee.id, committee.kind));
    if !can_read_published(committee.publication, role, principal.is_some()) {
        return Err(ApiError::Hidden);
    }
    let excluded = match principal {
        Some(p) if role > Some(CommitteeRole::Reader) => exclusions::excluded_items(conn, meeting.id, &p.subject)?,
        _ => Vec::new(),
    };
    Ok(Reader { meeting, committee, role, excluded, today: time::local_day(time::now()) })
}

/// The meeting's published documents as the public sees them (closed items as number and title,
/// whoever asks): public committees' for anyone, internal committees' for signed-in callers.
pub fn find_public_reader(conn: &mut DbConnection, signed_in: bool, meeting_id: i64) -> ApiResult<Reader> {
    let meeting = meetings::find(conn, meeting_id)?.ok_or(ApiError::NotFound)?;
    let committee = committees::find(conn, meeting.committee_id)?.ok_or(ApiError::NotFound)?;
    if !can_read_published(committee.publication, None, signed_in) {
        return Err(ApiError::Hidden);
    }
    Ok(Reader { meeting, committee, role: None, excluded: Vec::new(), today: time::local_day(time::now()) })
}

impl Reader {
    /// One version as the reader sees it.
    pub fn document(&self, conn: &mut DbConnection, kind: DocumentKind, number: i32) -> ApiResult<Document> {
        let stored = published::find(conn, self.meeting.id, kind, number)?.ok_or(ApiError::NotFound)?;
        Ok(stored.as_seen_by(self.role, &self.excluded, self.today))
    }

    /// What changed from version `from` to version `to`, as the reader may see it, and the closed
    /// items it may show them.
    pub fn diff(
        &self,
        conn: &mut DbConnection,
        kind: DocumentKind,
        from: i32,
        to: i32,
    ) -> ApiResult<(DocumentDiff, Vec<i64>)> {
        let old = published::find(conn, self.meeting.id, kind, from)?.ok_or(ApiError::NotFound)?;
        let new = published::find(conn, self.meeting.id, kind, to)?.ok_or(ApiError::NotFound)?;
        let changes = diff(&old, &new, self.role, &self.excluded, self.today);
        let mut shown = old.as_seen_by(self.role, &self.excluded, self.today).closed_items_shown();
        shown.extend(new.as_seen_by(self.role, &self.excluded, self.today).closed_items_shown());
        shown.sort_unstable();
        shown.dedup();
        Ok((changes, shown))
    }

    /// Records the closed items shown to the reader (members only) as read.
    pub fn audit_reads(&self, auditor: &Auditor, principal: &Principal, closed_items: &[i64]) {
        audit::closed_reads(auditor, principal, self.committee.id, closed_items);
    }
}

/// The earlier version of a comparison: `from`, or the one before `to`.
pub fn resolve_from(from: Option<i32>, to: i32) -> ApiResult<i32> {
    match from.unwrap_or(to - 1) {
        0 => Err(ApiError::validation("from", "version 1 has no earlier version; name one with `from`")),
        n if n < 1 => Err(ApiError::validation("from", "must be at least 1")),
        n => Ok(n),
    }
}

impl Reader {
    /// An attachment as this version names it, with its content and, if its item is closed, the
    /// item's id; if the reader sees that item in full.
    pub fn attachment(
        &self,
        conn: &mut DbConnection,
        kind: DocumentKind,
        number: i32,
        attachment_id: i64,
    ) -> ApiResult<(DocumentAttachment, Vec<u8>, Option<i64>)> {
        let document = self.document(conn, kind, number)?;
        let (named, closed) = document
            .items
            .iter()
            .filter_map(DocumentEntry::full)
            .find_map(|item| {
                let closed = item.closed.then_some(item.id);
                item.attachments.iter().find(|a| a.id == attachment_id).map(|a| (a.clone(), closed))
            })
            .ok_or(ApiError::NotFound)?;
        let content = attachments::content(conn, attachment_id)?.ok_or(ApiError::NotFound)?;
        Ok((named, content, closed))
    }
}

/// The meeting's versions as summaries, newest of each kind last (with `since`, those published since).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<PublicationSummary>> {
    let reader = find_reader(conn, Some(principal), meeting_id)?;
    let extent = Extent::of(reader.role, !reader.excluded.is_empty());
    let rows = modified_since(published::list(conn, reader.meeting.id)?, since);
    Ok(rows.into_iter().map(|p| PublicationSummary::seen(p, extent)).collect())
}

/// One version as the caller may see it; the closed items it shows are recorded as read.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    (meeting_id, kind, number): (i64, DocumentKind, i32),
) -> ApiResult<Document> {
    let reader = find_reader(conn, Some(principal), meeting_id)?;
    let document = reader.document(conn, kind, number)?;
    reader.audit_reads(auditor, principal, &document.closed_items_shown());
    Ok(document)
}

/// One item's decision extract (beslutningsudskrift): the latest minutes of its meeting with that
/// item alone, for whoever reads the item in full in them; not found before the minutes are
/// published.
pub fn decision_extract(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
) -> ApiResult<Document> {
    let (item, _) = items::find_with_committee(conn, item_id)?.ok_or(ApiError::NotFound)?;
    let reader = find_reader(conn, Some(principal), item.meeting_id)?;
    let latest = published::latest_number(conn, item.meeting_id, DocumentKind::Minutes)?.ok_or(ApiError::NotFound)?;
    let mut document = reader.document(conn, DocumentKind::Minutes, latest)?;
    let entry = document
        .items
        .into_iter()
        .find(|entry| entry.full().is_some_and(|full| full.id == item.id))
        .ok_or(ApiError::Hidden)?;
    document.items = vec![entry];
    reader.audit_reads(auditor, principal, &document.closed_items_shown());
    Ok(document)
}

/// What changed from version `from` to `number`, as the caller may see it.
pub fn compare(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    (meeting_id, kind, number): (i64, DocumentKind, i32),
    from: i32,
) -> ApiResult<DocumentDiff> {
    let reader = find_reader(conn, Some(principal), meeting_id)?;
    let (diff, shown) = reader.diff(conn, kind, from, number)?;
    reader.audit_reads(auditor, principal, &shown);
    Ok(diff)
}

/// An attachment as a version names it, with its content, for a caller who sees its item in full.
pub fn attachment(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    (meeting_id, kind, number): (i64, DocumentKind, i32),
    attachment_id: i64,
) -> ApiResult<(DocumentAttachment, Vec<u8>)> {
    let reader = find_reader(conn, Some(principal), meeting_id)?;
    let (named, content, closed) = reader.attachment(conn, kind, number, attachment_id)?;
    if let Some(item) = closed {
        reader.audit_reads(auditor, principal, &[item]);
    }
    Ok((named, content))
}

/// Publication levels a visitor reads: public, and internal too when signed in.
fn levels(signed_in: bool) -> Vec<Publication> {
    if signed_in { vec![Publication::Public, Publication::Internal] } else { vec![Publication::Public] }
}

/// A page of the committees whose agendas and minutes the visitor may read.
pub fn public_committees(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    page: &IdPage,
) -> ApiResult<Vec<Committee>> {
    Ok(committees::published(conn, &levels(visitor.is_some()), page)?)
}

/// A page of the published meetings `filter` selects among those the visitor may read, each with
/// its committee and versions.
pub fn public_meetings(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    mut filter: PublishedFilter,
) -> ApiResult<Vec<(Meeting, Committee, Vec<Version>)>> {
    filter.levels = levels(visitor.is_some());
    let rows = published::published_meetings(conn, &filter)?;
    let ids: Vec<i64> = rows.iter().map(|(m, _)| m.id).collect();
    let mut versions = published::list_for(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(meeting, committee)| {
            let (mine, rest) = versions.drain(..).partition(|v: &Version| v.meeting_id == meeting.id);
            versions = rest;
            (meeting, committee, mine)
        })
        .collect())
}

/// A meeting as it was last published.
pub fn public_meeting(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    meeting_id: i64,
) -> ApiResult<PublicMeeting> {
    let reader = find_public_reader(conn, visitor.is_some(), meeting_id)?;
    let versions = published::list(conn, reader.meeting.id)?;
    PublicMeeting::new(reader.meeting, reader.committee, versions).ok_or(ApiError::NotFound)
}

/// One version as the public sees it, with the publication level of its committee.
pub fn public_document(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    (meeting_id, kind, number): (i64, DocumentKind, i32),
) -> ApiResult<(Document, Publication)> {
    let reader = find_public_reader(conn, visitor.is_some(), meeting_id)?;
    Ok((reader.document(conn, kind, number)?, reader.committee.publication))
}

/// What changed from version `from` to `number`, as the public sees it.
pub fn public_compare(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    (meeting_id, kind, number): (i64, DocumentKind, i32),
    from: i32,
) -> ApiResult<DocumentDiff> {
    Ok(find_public_reader(conn, visitor.is_some(), meeting_id)?.diff(conn, kind, from, number)?.0)
}

/// An attachment as a version names it, with its content and whether its committee is public.
pub fn public_attachment(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    (meeting_id, kind, number): (i64, DocumentKind, i32),
    attachment_id: i64,
) -> ApiResult<(DocumentAttachment, Vec<u8>, bool)> {
    let reader = find_public_reader(conn, visitor.is_some(), meeting_id)?;
    let (named, content, _) = reader.attachment(conn, kind, number, attachment_id)?;
    Ok((named, content, reader.committee.publication == Publication::Public))
}
