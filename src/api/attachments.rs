//! Attachments (bilag): `/v1/items/{id}/attachments` and `/v1/attachments/{id}`.
//!
//! An upload is read whole (within the configured limit), checked by its content, and stored with its
//! metadata in one transaction, so a failed or interrupted upload leaves nothing behind. The
//! attachment of a closed item is closed content: only members see or download it.

use actix_multipart::Multipart;
use actix_web::http::header::{
    self, CacheControl, CacheDirective, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use futures_util::StreamExt;
use utoipa::ToSchema;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::{BodyRules, IfMatch, UPLOAD_TIME, client_has};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::domain::access::Principal;
use crate::domain::files::clean_filename;
use crate::domain::text::{self, Shape};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::attachments::{self, Upload};
use crate::views::attachment::AttachmentView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::InFull)
        .add(upload, Access::Secretary)
        .add(read, Access::InFull)
        .add(download, Access::InFull)
        .add(remove, Access::Secretary);
}

/// An upload: `multipart/form-data` with the file in a part named `file` (its file name is kept)
/// and, optionally, a `title`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    #[schema(min_length = 1, max_length = 300, required = false, extensions(("x-text" = json!("line"))))]
    title: String,
}

/// A file answer: its type as found in its content, offered for download under its name, tagged with
/// its hash; a client holding the same hash gets 304.
pub fn file_response(
    req: &HttpRequest,
    content_type: &str,
    filename: &str,
    sha256: &str,
    public: bool,
    content: Option<Vec<u8>>,
) -> HttpResponse {
    let etag = format!("\"{sha256}\"");
    let cache = if public {
        CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(3600)])
    } else {
        CacheControl(vec![CacheDirective::Private, CacheDirective::NoCache])
    };
    if client_has(req, &etag) {
        return HttpResponse::NotModified().insert_header((header::ETAG, etag)).insert_header(cache).finish();
    }
    let ascii: String = filename.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii.replace('"', "'")),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: filename.as_bytes().to_vec(),
            }),
        ],
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition)
        .insert_header((header::ETAG, etag))
        .insert_header(cache)
        .body(content.unwrap_or_default())
}

/// The item's attachments (anyone who sees the item in full).
#[utoipa::path(
    tag = "attachments", operation_id = "listItemAttachments",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses((status = OK, description = "The item's attachments.", body = Vec<AttachmentView>))
)]
#[get("/items/{id}/attachments")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<AttachmentView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let rows = state.read(principal, move |conn, principal| attachments::list(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(AttachmentView::from).collect()))
}

/// What an upload carried.
struct Received {
    content: Vec<u8>,
    filename: String,
    title: Option<String>,
}

/// Reads the parts of an upload, with no pause longer than the configured timeout.
async fn receive(req: &HttpRequest, payload: web::Payload, rules: BodyRules) -> ApiResult<Received> {
    let essence = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !essence.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(ApiError::UnsupportedMediaType(
            "Send the file as multipart/form-data, in a part named `file`.".into(),
        ));
    }
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > rules.upload_limit + super::extract::MULTIPART_OVERHEAD) {
        return Err(ApiError::PayloadTooLarge(rules.upload_limit));
    }
    let malformed = || ApiError::Malformed("The multipart body could not be read.".into(), Vec::new());
    let mut parts = Multipart::new(req.headers(), payload);
    let (mut file, mut filename, mut title) = (None::<Vec<u8>>, None, None);
    let receiving = async {
        while let Some(part) =
            actix_web::rt::time::timeout(rules.timeout, parts.next()).await.map_err(|_| ApiError::RequestTimeout)?
        {
            let mut part = part.map_err(|_| malformed())?;
            let name = part.name().unwrap_or_default().to_owned();
            let limit = match name.as_str() {
                "file" if file.is_none() => rules.upload_limit,
                "title" if title.is_none() => 4 * 300,
                "file" | "title" => {
                    return Err(ApiError::Validation(vec![FieldError::new(name, "sent more than once")]));
                }
                _ => return Err(ApiError::Validation(vec![FieldError::new(name, "is not a part of an upload")])),
            };
            if name == "file" {
                filename = part.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
            }
            let mut bytes = Vec::new();
            while let Some(chunk) =
                actix_web::rt::time::timeout(rules.timeout, part.next()).await.map_err(|_| ApiError::RequestTimeout)?
            {
                let chunk = chunk.map_err(|_| malformed())?;
                if bytes.len() + chunk.len() > limit {
                    return Err(if name == "file" {
                        ApiError::PayloadTooLarge(rules.upload_limit)
                    } else {
                        ApiError::validation("title", "must be at most 300 characters")
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            if name == "file" {
                file = Some(bytes);
            } else {
                let text = String::from_utf8(bytes).map_err(|_| ApiError::validation("title", "must be UTF-8 text"))?;
                title = Some(text);
            }
        }
        Ok(())
    };
    actix_web::rt::time::timeout(UPLOAD_TIME, receiving).await.map_err(|_| ApiError::RequestTimeout)??;
    let content = file.ok_or_else(|| ApiError::validation("file", "an upload needs a part named `file`"))?;
    let filename = filename
        .as_deref()
        .and_then(clean_filename)
        .ok_or_else(|| ApiError::validation("file", "the file part needs a file name (e.g. notat.pdf)"))?;
    if let Some(text) = &title {
        if text.chars().count() > 300 {
            return Err(ApiError::validation("title", "must be at most 300 characters"));
        }
        if let Some(reason) = text::refusal(text, Shape::Line) {
            return Err(ApiError::validation("title", reason));
        }
    }
    Ok(Received { content, filename, title })
}

/// Attach a file to the item (the committee's secretaries). The file's type is found in its
/// content (PDF, Office and OpenDocument files, PNG/JPEG/GIF/WebP/TIFF images, UTF-8 text) and its
/// name must agree with it; the configured size limit applies (413 beyond it).
#[utoipa::path(
    tag = "attachments", operation_id = "uploadAttachment",
    params(("id" = i64, Path, description = "Item id")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses(
        (status = CREATED, description = "The new attachment's details.", body = AttachmentView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/attachments")]
async fn upload(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rules = req.app_data::<BodyRules>().copied().ok_or_else(|| ApiError::internal("no body rules"))?;
    // Who may upload is settled before the file is read.
    let principal = state
        .read(principal, move |conn, principal| {
            attachments::may_attach(conn, principal, id)?;
            Ok(principal.clone())
        })
        .await?;
    let received = receive(&req, payload, rules).await?;
    let upload = Upload::new(received.content, received.filename, received.title)?;
    let attachment =
        state.write(principal, move |conn, principal| attachments::create(conn, principal, id, &upload)).await?;
    Ok(created(format!("/v1/attachments/{}", attachment.id), AttachmentView::from(attachment)))
}

/// An attachment's details.
#[utoipa::path(
    tag = "attachments", operation_id = "getAttachment",
    params(("id" = i64, Path, description = "Attachment id")),
    responses((status = OK, description = "The attachment's details.", body = AttachmentView, headers(("ETag" = String))))
)]
#[get("/attachments/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let attachment = state.read(principal, move |conn, principal| attachments::read(conn, principal, id)).await?;
    Ok(current(AttachmentView::from(attachment)))
}

/// Download an attachment: served as the type found in its content, as a download under its file
/// name, with its SHA-256 as ETag (If-None-Match gives 304).
#[utoipa::path(
    tag = "attachments", operation_id = "downloadAttachment",
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = OK, description = "The file.", content_type = "*/*", body = String,
            headers(("ETag" = String), ("Content-Disposition" = String))),
        (status = NOT_MODIFIED, description = "The client's copy (If-None-Match) is current."),
    )
)]
#[get("/attachments/{id}/content")]
async fn download(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let auditor = state.auditor.clone();
    let (attachment, content) =
        state.read(principal, move |conn, principal| attachments::download(conn, principal, &auditor, id)).await?;
    let a = attachment;
    Ok(file_response(&req, &a.content_type, &a.filename, &a.sha256, false, Some(content)))
}

/// Remove an attachment from the item (the committee's secretaries). Published versions that name
/// it keep it.
#[utoipa::path(
    tag = "attachments", operation_id = "deleteAttachment",
    params(("id" = i64, Path, description = "Attachment id"), ("If-Match" = String, Header, description = "ETag of the attachment")),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/attachments/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .write(principal, move |conn, principal| attachments::remove(conn, principal, id, &if_match))
        .await
        .map(removed)
}
