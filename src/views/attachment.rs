//! An attachment as the API shows it (its file is fetched apart).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::attachments::Attachment;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 2, "title": "Opgaveinitieringsdokument FirstAgenda implementering", "filename": "Opgaveinitieringsdokument.pdf", "content_type": "application/pdf", "size": 184320, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "version": 1, "created_at": "2022-04-19T09:15:00+02:00"})))]
pub struct AttachmentView {
    pub id: i64,
    pub item_id: i64,
    /// What the attachment is called in the agenda ("Opgaveinitieringsdokument FirstAgenda
    /// implementering"); the file name without its extension unless given.
    pub title: String,
    pub filename: String,
    /// The type found in the content, which downloads are served as.
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// Hex SHA-256 of the content; also the download's ETag.
    pub sha256: String,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        AttachmentView {
            id: a.id,
            item_id: a.item_id.unwrap_or_default(),
            title: a.title,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            version: a.version,
            created_at: time::to_api(a.created_at),
        }
    }
}
