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
use super::{State, etagged, tagged};
use crate::domain::DocumentKind;
use crate::domain::document::{Document, DocumentDiff};
use crate::error::{ApiError, ApiResult, Problem};
use crate::render;
use crate::service::published::{self, resolve_from};
use crate::views::publication::{DecisionExtract, PublicationSummary};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Reader)
        .add(read, Access::Reader)
        .add(compare, Access::Reader)
        .add(attachment, Access::InFull)
        .add(html, Access::Reader)
        .add(markdown, Access::Reader)
        .add(extract, Access::InFull)
        .add(extract_html, Access::InFull)
        .add(extract_markdown, Access::InFull);
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
    let body = match format {
        Format::Html => render::document::html(document, &link).map_err(ApiError::internal)?,
        Format::Markdown => render::document::markdown(document, &link),
    };
    Ok(page(document.entity_tag(), format, body))
}

/// A page rendered from a published version, which changes only when a held-back public decision
/// text is released (see `Document::entity_tag`).
fn page(tag: String, format: Format, body: String) -> HttpResponse {
    let mut response = tagged(actix_web::http::StatusCode::OK, tag);
    match format {
        Format::Html => response
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, DOCUMENT_POLICY))
            .body(body),
        Format::Markdown => response.content_type("text/markdown; charset=utf-8").body(body),
    }
}

/// A rendered document is a page with its own styles and nothing else.
const DOCUMENT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

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
    let rows = state.read(principal, move |conn, principal| published::list(conn, principal, id, since)).await?;
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
        .read(principal, move |conn, principal| published::read(conn, principal, &auditor, (id, kind, number)))
        .await?;
    Ok(tagged(actix_web::http::StatusCode::OK, document.entity_tag()).json(document))
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
        .read(principal, move |conn, principal| published::compare(conn, principal, &auditor, (id, kind, number), from))
        .await?;
    Ok(web::Json(diff))
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
            published::attachment(conn, principal, &auditor, (id, kind, number), attachment_id)
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
        .read(principal, move |conn, principal| published::read(conn, principal, &auditor, (id, kind, number)))
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

async fn decision_extract(state: State, principal: Authenticated, id: i64) -> ApiResult<Document> {
    let auditor = state.auditor.clone();
    state.read(principal, move |conn, principal| published::decision_extract(conn, principal, &auditor, id)).await
}

/// The item's decision extract (beslutningsudskrift): its title, case references and decision,
/// labelled by body and date, with the votes, dissents and protocol entries, from the latest
/// published minutes of its meeting; for whoever reads the item in full in them. Not found before
/// the minutes are published.
#[utoipa::path(
    tag = "published", operation_id = "getDecisionExtract",
    params(("id" = i64, Path, description = "Item id")),
    responses((status = OK, description = "The decision extract.", body = DecisionExtract, headers(("ETag" = String))))
)]
#[get("/items/{id}/decision-extract")]
async fn extract(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let document = decision_extract(state, principal, id.into_inner()).await?;
    let extract = DecisionExtract::of(document).ok_or(ApiError::NotFound)?;
    Ok(etagged(actix_web::http::StatusCode::OK, i64::from(extract.minutes_version), true).json(extract))
}

/// The item's decision extract as a print-friendly HTML page.
#[utoipa::path(
    tag = "published", operation_id = "getDecisionExtractHtml",
    params(("id" = i64, Path, description = "Item id")),
    responses((status = OK, description = "An HTML page.", content_type = "text/html", body = String, headers(("ETag" = String))))
)]
#[get("/items/{id}/decision-extract/html")]
async fn extract_html(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let document = decision_extract(state, principal, id.into_inner()).await?;
    let body = render::document::extract_html(&document).map_err(ApiError::internal)?;
    Ok(page(document.entity_tag(), Format::Html, body))
}

/// The item's decision extract as Markdown.
#[utoipa::path(
    tag = "published", operation_id = "getDecisionExtractMarkdown",
    params(("id" = i64, Path, description = "Item id")),
    responses((status = OK, description = "Markdown text.", content_type = "text/markdown", body = String, headers(("ETag" = String))))
)]
#[get("/items/{id}/decision-extract/markdown")]
async fn extract_markdown(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let document = decision_extract(state, principal, id.into_inner()).await?;
    Ok(page(document.entity_tag(), Format::Markdown, render::document::extract_markdown(&document)))
}
