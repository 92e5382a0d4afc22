//! Published versions of a meeting's agenda and minutes, for signed-in callers:
//! `/v1/meetings/{id}/published/…`. Grantees read them with their role (members see closed items);
//! any signed-in caller reads those of public and internal committees, closed items as title only.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::Authenticated;
use super::attachments::file_response;
use super::extract::QueryParams;
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, etagged};
use crate::audit::{self, Auditor};
use crate::db::committees::Committee;
use crate::db::meetings::Meeting;
use crate::db::modified_since;
use crate::db::{DbConnection, attachments, committees, exclusions, meetings, published};
use crate::domain::access::{Principal, can_read_published};
use crate::domain::document::{Document, DocumentAttachment, DocumentDiff, DocumentEntry, diff};
use crate::domain::{CommitteeRole, DocumentKind};
use crate::error::{ApiError, ApiResult, Problem};
use crate::render;
use crate::views::meeting::Extent;
use crate::views::publication::PublicationSummary;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Reader)
        .add(read, Access::Reader)
        .add(compare, Access::Reader)
        .add(attachment, Access::InFull)
        .add(html, Access::Reader)
        .add(markdown, Access::Reader);
}

/// Who reads a meeting's published documents, and as what.
pub struct Reader {
    pub meeting: Meeting,
    pub committee: Committee,
    /// The reader's role on the committee, if any.
    pub role: Option<CommitteeRole>,
    /// Items the reader is excluded from.
    pub excluded: Vec<i64>,
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
    Ok(Reader { meeting, committee, role, excluded })
}

/// The meeting's published documents as the public sees them (closed items as number and title,
/// whoever asks): public committees' for anyone, internal committees' for signed-in callers.
pub fn find_public_reader(conn: &mut DbConnection, signed_in: bool, meeting_id: i64) -> ApiResult<Reader> {
    let meeting = meetings::find(conn, meeting_id)?.ok_or(ApiError::NotFound)?;
    let committee = committees::find(conn, meeting.committee_id)?.ok_or(ApiError::NotFound)?;
    if !can_read_published(committee.publication, None, signed_in) {
        return Err(ApiError::Hidden);
    }
    Ok(Reader { meeting, committee, role: None, excluded: Vec::new() })
}

/// How a version is rendered for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
}

/// A rendered version, whose attachments are downloaded under `attachments` (a path prefix).
pub fn rendered(document: &Document, format: Format, attachments: &str) -> ApiResult<HttpResponse> {
    let link = |id: i64| format!("{attachments}/{id}");
    // A published version never changes: its number is its ETag.
    let mut response = etagged(actix_web::http::StatusCode::OK, i64::from(document.number), true);
    Ok(match format {
        Format::Html => {
            let page = render::document::html(document, &link).map_err(ApiError::internal)?;
            response
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CONTENT_SECURITY_POLICY, DOCUMENT_POLICY))
                .body(page)
        }
        Format::Markdown => {
            response.content_type("text/markdown; charset=utf-8").body(render::document::markdown(document, &link))
        }
    })
}

/// A rendered document is a page with its own styles and nothing else.
const DOCUMENT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

impl Reader {
    /// One version as the reader sees it.
    pub fn document(&self, conn: &mut DbConnection, kind: DocumentKind, number: i32) -> ApiResult<Document> {
        let stored = published::find(conn, self.meeting.id, kind, number)?.ok_or(ApiError::NotFound)?;
        Ok(stored.as_seen_by(self.role, &self.excluded))
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
        let changes = diff(&old, &new, self.role, &self.excluded);
        let mut shown = old.as_seen_by(self.role, &self.excluded).closed_items_shown();
        shown.extend(new.as_seen_by(self.role, &self.excluded).closed_items_shown());
        shown.sort_unstable();
        shown.dedup();
        Ok((changes, shown))
    }

    /// Records the closed items shown to the reader (members only) as read.
    pub fn audit_reads(&self, auditor: &Auditor, principal: &Principal, closed_items: &[i64]) {
        audit::closed_reads(auditor, principal, self.committee.id, closed_items);
    }
}

/// Versions, newest of each kind last.
#[utoipa::path(
    tag = "published", operation_id = "listPublishedVersions",
    params(("id" = i64, Path, description = "Meeting id"), SinceQuery),
    responses((status = OK, description = "The meeting's published versions.", body = Vec<PublicationSummary>))
)]
#[get("/meetings/{id}/published")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<PublicationSummary>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let rows = state
        .read(principal, move |conn, principal| {
            let reader = find_reader(conn, Some(principal), id)?;
            let extent = Extent::of(reader.role, !reader.excluded.is_empty());
            let rows = modified_since(published::list(conn, reader.meeting.id)?, since);
            Ok(rows.into_iter().map(|p| PublicationSummary::seen(p, extent)).collect())
        })
        .await?;
    Ok(web::Json(rows))
}

/// The path of one published version.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VersionPath {
    /// Meeting id.
    pub id: i64,
    pub kind: DocumentKind,
    /// The version: 1 is the first publication, each correction adds one.
    #[param(minimum = 1)]
    pub number: i32,
}

/// A published version of the agenda or minutes. Closed items are number and title below member.
#[utoipa::path(
    tag = "published", operation_id = "getPublishedVersion",
    params(VersionPath),
    responses((status = OK, description = "The published version as the caller may see it.", body = Document, headers(("ETag" = String))))
)]
#[get("/meetings/{id}/published/{kind}/{number}")]
async fn read(state: State, principal: Authenticated, path: web::Path<VersionPath>) -> ApiResult<HttpResponse> {
    let VersionPath { id, kind, number } = path.into_inner();
    let auditor = state.auditor.clone();
    let document = state
        .read(principal, move |conn, principal| {
            let reader = find_reader(conn, Some(principal), id)?;
            let document = reader.document(conn, kind, number)?;
            reader.audit_reads(&auditor, principal, &document.closed_items_shown());
            Ok(document)
        })
        .await?;
    // A published version never changes: its number is its ETag.
    Ok(etagged(actix_web::http::StatusCode::OK, i64::from(document.number), true).json(document))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier version to compare with; the one before by default.
    #[param(minimum = 1)]
    pub from: Option<i32>,
}

/// What changed in this version since an earlier one of the same kind: the meeting's fields, the
/// participants, and the items added, removed or changed (field by field).
#[utoipa::path(
    tag = "published", operation_id = "comparePublishedVersions",
    params(VersionPath, DiffQuery),
    responses(
        (status = OK, description = "What changed between the two versions.", body = DocumentDiff),
        (status = UNPROCESSABLE_ENTITY, description = "`from` names no earlier version.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/meetings/{id}/published/{kind}/{number}/diff")]
async fn compare(
    state: State,
    principal: Authenticated,
    path: web::Path<VersionPath>,
    query: QueryParams<DiffQuery>,
) -> ApiResult<web::Json<DocumentDiff>> {
    let VersionPath { id, kind, number } = path.into_inner();
    let from = resolve_from(query.0.from, number)?;
    let auditor = state.auditor.clone();
    let diff = state
        .read(principal, move |conn, principal| {
            let reader = find_reader(conn, Some(principal), id)?;
            let (diff, shown) = reader.diff(conn, kind, from, number)?;
            reader.audit_reads(&auditor, principal, &shown);
            Ok(diff)
        })
        .await?;
    Ok(web::Json(diff))
}

/// The earlier version of a comparison: `from`, or the one before `to`.
pub fn resolve_from(from: Option<i32>, to: i32) -> ApiResult<i32> {
    match from.unwrap_or(to - 1) {
        0 => Err(ApiError::validation("from", "version 1 has no earlier version; name one with `from`")),
        n if n < 1 => Err(ApiError::validation("from", "must be at least 1")),
        n => Ok(n),
    }
}

/// The path of an attachment of one published version.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AttachmentPath {
    /// Meeting id.
    pub id: i64,
    pub kind: DocumentKind,
    #[param(minimum = 1)]
    pub number: i32,
    pub attachment_id: i64,
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

/// Download an attachment of a published version, as it was published (also after it has been
/// removed from the meeting).
#[utoipa::path(
    tag = "published", operation_id = "downloadPublishedAttachment",
    params(AttachmentPath),
    responses(
        (status = OK, description = "The file.", content_type = "*/*", body = String,
            headers(("ETag" = String), ("Content-Disposition" = String))),
        (status = NOT_MODIFIED, description = "The client's copy (If-None-Match) is current."),
    )
)]
#[get("/meetings/{id}/published/{kind}/{number}/attachments/{attachment_id}")]
async fn attachment(
    state: State,
    principal: Authenticated,
    path: web::Path<AttachmentPath>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let AttachmentPath { id, kind, number, attachment_id } = path.into_inner();
    let auditor = state.auditor.clone();
    let (named, content) = state
        .read(principal, move |conn, principal| {
            let reader = find_reader(conn, Some(principal), id)?;
            let (named, content, closed) = reader.attachment(conn, kind, number, attachment_id)?;
            if let Some(item) = closed {
                reader.audit_reads(&auditor, principal, &[item]);
            }
            Ok((named, content))
        })
        .await?;
    Ok(file_response(&req, &named.content_type, &named.filename, &named.sha256, false, Some(content)))
}

async fn render_version(
    state: State,
    principal: Authenticated,
    path: VersionPath,
    format: Format,
) -> ApiResult<HttpResponse> {
    let VersionPath { id, kind, number } = path;
    let auditor = state.auditor.clone();
    let document = state
        .read(principal, move |conn, principal| {
            let reader = find_reader(conn, Some(principal), id)?;
            let document = reader.document(conn, kind, number)?;
            reader.audit_reads(&auditor, principal, &document.closed_items_shown());
            Ok(document)
        })
        .await?;
    rendered(&document, format, &format!("/v1/meetings/{id}/published/{}/{number}/attachments", kind.as_ref()))
}

/// The version as a print-friendly HTML page in the shape of the municipality's minutes. Members
/// see closed items in full; others see them as "Lukket: title".
#[utoipa::path(
    tag = "published", operation_id = "getPublishedVersionHtml",
    params(VersionPath),
    responses((status = OK, description = "An HTML page.", content_type = "text/html", body = String, headers(("ETag" = String))))
)]
#[get("/meetings/{id}/published/{kind}/{number}/html")]
async fn html(state: State, principal: Authenticated, path: web::Path<VersionPath>) -> ApiResult<HttpResponse> {
    render_version(state, principal, path.into_inner(), Format::Html).await
}

/// The version as Markdown, in the shape of the municipality's minutes.
#[utoipa::path(
    tag = "published", operation_id = "getPublishedVersionMarkdown",
    params(VersionPath),
    responses((status = OK, description = "Markdown text.", content_type = "text/markdown", body = String, headers(("ETag" = String))))
)]
#[get("/meetings/{id}/published/{kind}/{number}/markdown")]
async fn markdown(state: State, principal: Authenticated, path: web::Path<VersionPath>) -> ApiResult<HttpResponse> {
    render_version(state, principal, path.into_inner(), Format::Markdown).await
}
