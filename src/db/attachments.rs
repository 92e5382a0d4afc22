//! Attachments (bilag) and their content. Lists read the metadata only; the content lives in its own
//! table and is read for downloads. Part of the meeting aggregate: every change touches the meeting.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::StoreResult;
use super::meetings::Seen;
use super::schema::{attachment_contents as contents, attachments};
use super::{DbConnection, meetings, removed_one};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub meeting_id: i64,
    /// `None` once its item has been deleted (kept for the published versions that name it).
    pub item_id: Option<i64>,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Whether a published version names it.
    pub published: bool,
    pub removed_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    /// Its item is closed (see [`NewAttachment::closed`]).
    pub closed: bool,
}

impl super::Modified for Attachment {
    fn modified_at(&self) -> NaiveDateTime {
        self.created_at
    }
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment {
    pub meeting_id: i64,
    pub item_id: Option<i64>,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_by: String,
    /// Its item is closed: the attachment is closed content (kept up to date by the database when
    /// the item is closed or opened).
    pub closed: bool,
}

/// The item's attachments on the working copy, in the order they were added.
pub fn list_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::item_id.eq(item_id))
        .filter(attachments::removed_at.is_null())
        .order(attachments::id)
        .select(Attachment::as_select())
        .load(conn)
}

/// The working copy's attachments of every item of a meeting.
pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::meeting_id.eq(meeting_id))
        .filter(attachments::item_id.is_not_null())
        .filter(attachments::removed_at.is_null())
        .order(attachments::id)
        .select(Attachment::as_select())
        .load(conn)
}

/// An attachment on the working copy.
pub fn find_current(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Attachment>> {
    attachments::table
        .filter(attachments::id.eq(id))
        .filter(attachments::removed_at.is_null())
        .filter(attachments::item_id.is_not_null())
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

/// The bytes of an attachment, removed or not (published versions keep theirs).
pub fn content(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Vec<u8>>> {
    contents::table.find(id).select(contents::content).first(conn).optional()
}

/// Stores an attachment and its content in the caller's transaction: both or neither.
pub fn create(
    conn: &mut DbConnection,
    new: &NewAttachment,
    content: &[u8],
    now: NaiveDateTime,
) -> StoreResult<Attachment> {
    meetings::touch(conn, new.meeting_id, now, Seen::content_of(new.closed))?;
    let attachment: Attachment = diesel::insert_into(attachments::table)
        .values((new, attachments::version.eq(1), attachments::created_at.eq(now)))
        .returning(attachments::all_columns)
        .get_result(conn)?;
    diesel::insert_into(contents::table)
        .values((contents::attachment_id.eq(attachment.id), contents::content.eq(content)))
        .execute(conn)?;
    Ok(attachment)
}

/// Takes an attachment off the working copy. One that a published version names is kept (removed
/// from the working copy only); any other is deleted with its content.
pub fn remove(conn: &mut DbConnection, current: &Attachment, now: NaiveDateTime) -> StoreResult<()> {
    meetings::touch(conn, current.meeting_id, now, Seen::content_of(current.closed))?;
    let target = at_version!(attachments, current);
    let changed = if current.published {
        diesel::update(target)
            .set((attachments::removed_at.eq(now), attachments::version.eq(current.version + 1)))
            .execute(conn)?
    } else {
        diesel::delete(target).execute(conn)?
    };
    removed_one(changed)
}

/// Before an item is deleted: its unpublished attachments go with it; published ones stay for the
/// versions that name them (their item becomes `None`).
pub fn release_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<()> {
    diesel::delete(attachments::table.filter(attachments::item_id.eq(item_id)).filter(attachments::published.eq(false)))
        .execute(conn)
        .map(drop)
}

/// Records that a published version names these attachments.
pub fn mark_published(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(attachments::table.filter(attachments::id.eq_any(ids)))
        .set(attachments::published.eq(true))
        .execute(conn)
        .map(drop)
}

/// How many attachments an item has on the working copy.
pub fn count_for_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<i64> {
    attachments::table
        .filter(attachments::item_id.eq(item_id))
        .filter(attachments::removed_at.is_null())
        .count()
        .get_result(conn)
}
