//! Attachments (bilag) on an item's working copy. The attachment of a closed item is closed content:
//! only those who read the item in full see or download it. An upload is stored with its metadata
//! in one transaction, so a failed one leaves nothing behind.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::audit::{self, Auditor, Object};
use crate::db::attachments::{self, Attachment, NewAttachment};
use crate::db::items::{Item, ItemPlace};
use crate::db::{DbConnection, modified_since};
use crate::domain::access::Principal;
use crate::domain::files::classify;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, item_in_full};
use crate::time;
use crate::views::attachment::AttachmentView;

/// An attachment on the working copy, with its item, if the caller sees the item in full.
fn find_attachment(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    edit: bool,
) -> ApiResult<(Attachment, Item, ItemPlace)> {
    let attachment = attachments::find_current(conn, id)?.ok_or(ApiError::NotFound)?;
    let item_id = attachment.item_id.ok_or(ApiError::NotFound)?;
    let (item, _, place) = item_in_full(conn, principal, item_id, edit)?;
    Ok((attachment, item, place))
}

fn object(attachment: &Attachment, item: &Item, place: &ItemPlace) -> Object {
    Object::of_committee("attachment", attachment.id, place.committee_id, item.closed)
}

/// A file received for an item, its type found in its content and its hash taken.
#[derive(Clone)]
pub struct Upload {
    content: Vec<u8>,
    filename: String,
    title: String,
    media_type: &'static str,
    sha256: String,
}

impl Upload {
    /// Checks the content against the (cleaned) file name; the title defaults to the name's stem.
    pub fn new(content: Vec<u8>, filename: String, title: Option<String>) -> ApiResult<Upload> {
        let kind = classify(&content, &filename).map_err(|refusal| ApiError::validation("file", refusal.message()))?;
        let sha256 = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
        let title =
            title.unwrap_or_else(|| filename.rsplit_once('.').map_or(filename.clone(), |(stem, _)| stem.to_owned()));
        Ok(Upload { content, filename, title, media_type: kind.media_type, sha256 })
    }
}

/// The item's attachments (with `since`, those changed since), for whoever sees the item in full.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Attachment>> {
    let (item, ..) = item_in_full(conn, principal, item_id, false)?;
    Ok(modified_since(attachments::list_for_item(conn, item.id)?, since))
}

/// Whether the caller may attach a file to the item now: settled before a file is read.
pub fn may_attach(conn: &mut DbConnection, principal: &Principal, item_id: i64) -> ApiResult<()> {
    let (_, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::Attachments)
}

/// Attaches a file to the item (the committee's secretaries, while the item's attachments may change).
pub fn create(conn: &mut DbConnection, principal: &Principal, item_id: i64, upload: &Upload) -> ApiResult<Attachment> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::Attachments)?;
    let new = NewAttachment {
        meeting_id: item.meeting_id,
        item_id: Some(item.id),
        title: upload.title.clone(),
        filename: upload.filename.clone(),
        content_type: upload.media_type.to_owned(),
        size: i64::try_from(upload.content.len()).map_err(ApiError::internal)?,
        sha256: upload.sha256.clone(),
        created_by: principal.subject.clone(),
        closed: item.closed,
    };
    ensure_room(attachments::count_for_item(conn, item.id)?, limits::ATTACHMENTS, "attachments to an item")?;
    let attachment = attachments::create(conn, &new, &upload.content, time::now())?;
    let view = AttachmentView::from(attachment.clone());
    audit::created(conn, principal, &object(&attachment, &item, &place), &view)?;
    Ok(attachment)
}

pub fn read(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Attachment> {
    find_attachment(conn, principal, id, false).map(|(attachment, ..)| attachment)
}

/// An attachment with its content; the download of a closed item's attachment is recorded as a read.
pub fn download(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    id: i64,
) -> ApiResult<(Attachment, Vec<u8>)> {
    let (attachment, item, place) = find_attachment(conn, principal, id, false)?;
    if item.closed {
        audit::closed_reads(auditor, principal, place.committee_id, &[item.id]);
    }
    let content = attachments::content(conn, attachment.id)?.ok_or(ApiError::NotFound)?;
    Ok((attachment, content))
}

/// Removes an attachment from its item; published versions that name it keep it.
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let (attachment, item, place) = find_attachment(conn, principal, id, true)?;
    expected.check(attachment.version)?;
    allow(place.status, Change::Attachments)?;
    attachments::remove(conn, &attachment, time::now())?;
    let view = AttachmentView::from(attachment.clone());
    audit::deleted(conn, principal, &object(&attachment, &item, &place), &view)
}
