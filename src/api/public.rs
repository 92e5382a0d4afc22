//! The public read API, `/v1/public/…`: no token needed. It shows only published versions, of the
//! committees whose publication level is `public` (and, to a signed-in caller, `internal`); closed
//! items are number and title only, whoever asks. This is what a municipality's website reads.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::attachments::file_response;
use super::extract::{Day, QueryParams, Timestamp};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::public_versions::Entry;
use super::published::{AttachmentPath, DiffQuery, Format, VersionPath, rendered};
use super::{State, Visitor};
use crate::db::published::PublishedFilter;
use crate::domain::document::{Document, DocumentDiff};
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::published::{self, resolve_from};
use crate::views::public::{PublicCommittee, PublicMeeting};

pub fn routes(cfg: &mut Routes) {
    cfg.add(committee_list, Access::Public)
        .add(meeting_list, Access::Public)
        .add(meeting_detail, Access::Public)
        .add(version, Access::Public)
        .add(compare, Access::Public)
        .add(html, Access::Public)
        .add(markdown, Access::Public)
        .add(attachment, Access::Public);
}

/// Committees whose agendas and minutes are published.
#[utoipa::path(
    tag = "public", operation_id = "listPublicCommittees",
    params(ListQuery),
    responses((status = OK, description = "A page of published committees.", body = Page<PublicCommittee>)),
    security((), ("bearer" = []))
)]
#[get("/committees")]
async fn committee_list(
    state: State,
    visitor: Visitor,
    query: QueryParams<ListQuery>,
) -> ApiResult<web::Json<Page<PublicCommittee>>> {
    let (limit, page) = query.0.page()?;
    let rows =
        state.read_public(visitor.0, move |conn, visitor| published::public_committees(conn, visitor, &page)).await?;
    Ok(web::Json(pagination::page(rows, limit, |c| pagination::id_cursor(c.id), PublicCommittee::from)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicMeetingQuery {
    /// Only this committee's meetings.
    pub committee_id: Option<i64>,
    /// Only meetings starting on or after this day (Europe/Copenhagen).
    pub from: Option<Day>,
    /// Only meetings starting on or before this day (Europe/Copenhagen).
    pub to: Option<Day>,
    /// Only meetings with a version published at or after this time (RFC 3339; encode `+` as `%2B`).
    pub modified_since: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^t\.-?[0-9]{1,16}\.[0-9]{1,18}$", max_length = 38)]
    pub cursor: Option<String>,
}

/// Meetings with a published agenda or minutes, by start time. What the public sees of a meeting
/// changes only when a version of it is published, which is what `modified_since` looks at.
#[utoipa::path(
    tag = "public", operation_id = "listPublicMeetings",
    params(PublicMeetingQuery),
    responses((status = OK, description = "A page of published meetings.", body = Page<PublicMeeting>)),
    security((), ("bearer" = []))
)]
#[get("/meetings")]
async fn meeting_list(
    state: State,
    visitor: Visitor,
    query: QueryParams<PublicMeetingQuery>,
) -> ApiResult<web::Json<Page<PublicMeeting>>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let filter = PublishedFilter {
        levels: Vec::new(),
        committee_id: query.committee_id,
        starts_from: query.from.map(Day::start),
        starts_before: query.to.and_then(Day::end),
        published_since: query.modified_since.map(Timestamp::stored),
        after: pagination::after_time(query.cursor.as_deref())?,
        limit: i64::from(limit) + 1,
    };
    let rows = state
        .read_public(visitor.0, move |conn, visitor| published::public_meetings(conn, visitor, filter.clone()))
        .await?;
    let page = pagination::page(
        rows,
        limit,
        |(m, _, _)| pagination::time_cursor(m.starts_at, m.id),
        |(m, c, v)| PublicMeeting::new(m, c, v),
    );
    Ok(web::Json(Page { data: page.data.into_iter().flatten().collect(), next_cursor: page.next_cursor }))
}

/// A published meeting as it was last published, with its versions.
#[utoipa::path(
    tag = "public", operation_id = "getPublicMeeting",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = OK, description = "The meeting as it was last published.", body = PublicMeeting)),
    security((), ("bearer" = []))
)]
#[get("/meetings/{id}")]
async fn meeting_detail(state: State, visitor: Visitor, id: web::Path<i64>) -> ApiResult<web::Json<PublicMeeting>> {
    let id = id.into_inner();
    let meeting =
        state.read_public(visitor.0, move |conn, visitor| published::public_meeting(conn, visitor, id)).await?;
    Ok(web::Json(meeting))
}

async fn public_document(state: &State, visitor: Visitor, path: &VersionPath) -> ApiResult<Document> {
    let path = (path.id, path.kind, path.number);
    let (document, _) =
        state.read_public(visitor.0, move |conn, visitor| published::public_document(conn, visitor, path)).await?;
    Ok(document)
}

/// A published version: closed items as number and title only. A version never changes, so it is
/// served from memory once read; `If-None-Match` with its ETag gives 304.
#[utoipa::path(
    tag = "public", operation_id = "getPublicVersion",
    params(VersionPath),
    responses(
        (status = OK, description = "The published version.", body = Document, headers(("ETag" = String))),
        (status = NOT_MODIFIED, description = "The client's copy (If-None-Match) is current."),
    ),
    security((), ("bearer" = []))
)]
#[get("/meetings/{id}/published/{kind}/{number}")]
async fn version(
    state: State,
    req: HttpRequest,
    visitor: Visitor,
    path: web::Path<VersionPath>,
) -> ApiResult<HttpResponse> {
    let VersionPath { id, kind, number } = path.into_inner();
    let signed_in = visitor.0.is_some();
    if let Some(entry) = state.public_versions.get(id, kind, number) {
        match entry.readable(signed_in) {
            Some(true) => return Ok(entry.response(&req)),
            Some(false) => return Err(ApiError::Hidden),
            None => {}
        }
    }
    let found = state
        .read_public(visitor.0, move |conn, visitor| published::public_document(conn, visitor, (id, kind, number)))
        .await;
    let (document, publication) = match found {
        Ok(found) => found,
        Err(refusal) => {
            state.public_versions.remove(id, kind, number);
            return Err(refusal);
        }
    };
    let body = serde_json::to_vec(&document).map_err(ApiError::internal)?;
    let entry = Entry {
        body: body.into(),
        etag: document.entity_tag(),
        publication,
        checked_at: std::time::Instant::now(),
        release: document.next_release,
    };
    Ok(state.public_versions.insert(id, kind, number, entry).response(&req))
}

/// What changed in this version since an earlier one of the same kind.
#[utoipa::path(
    tag = "public", operation_id = "comparePublicVersions",
    params(VersionPath, DiffQuery),
    responses(
        (status = OK, description = "What changed between the two versions.", body = DocumentDiff),
        (status = UNPROCESSABLE_ENTITY, description = "`from` names no earlier version.", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/meetings/{id}/published/{kind}/{number}/diff")]
async fn compare(
    state: State,
    visitor: Visitor,
    path: web::Path<VersionPath>,
    query: QueryParams<DiffQuery>,
) -> ApiResult<web::Json<DocumentDiff>> {
    let VersionPath { id, kind, number } = path.into_inner();
    let from = resolve_from(query.0.from, number)?;
    let diff = state
        .read_public(visitor.0, move |conn, visitor| published::public_compare(conn, visitor, (id, kind, number), from))
        .await?;
    Ok(web::Json(diff))
}

fn attachments_base(path: &VersionPath) -> String {
    format!("/v1/public/meetings/{}/published/{}/{}/attachments", path.id, path.kind.as_ref(), path.number)
}

/// A published version as a print-friendly HTML page.
#[utoipa::path(
    tag = "public", operation_id = "getPublicVersionHtml",
    params(VersionPath),
    responses((status = OK, description = "An HTML page.", content_type = "text/html", body = String, headers(("ETag" = String)))),
    security((), ("bearer" = []))
)]
#[get("/meetings/{id}/published/{kind}/{number}/html")]
async fn html(state: State, visitor: Visitor, path: web::Path<VersionPath>) -> ApiResult<HttpResponse> {
    let path = path.into_inner();
    let document = public_document(&state, visitor, &path).await?;
    rendered(&document, Format::Html, &attachments_base(&path))
}

/// A published version as Markdown.
#[utoipa::path(
    tag = "public", operation_id = "getPublicVersionMarkdown",
    params(VersionPath),
    responses((status = OK, description = "Markdown text.", content_type = "text/markdown", body = String, headers(("ETag" = String)))),
    security((), ("bearer" = []))
)]
#[get("/meetings/{id}/published/{kind}/{number}/markdown")]
async fn markdown(state: State, visitor: Visitor, path: web::Path<VersionPath>) -> ApiResult<HttpResponse> {
    let path = path.into_inner();
    let document = public_document(&state, visitor, &path).await?;
    rendered(&document, Format::Markdown, &attachments_base(&path))
}

/// Download an attachment of an open item of a published version.
#[utoipa::path(
    tag = "public", operation_id = "downloadPublicAttachment",
    params(AttachmentPath),
    responses(
        (status = OK, description = "The file.", content_type = "*/*", body = String,
            headers(("ETag" = String), ("Content-Disposition" = String))),
        (status = NOT_MODIFIED, description = "The client's copy (If-None-Match) is current."),
    ),
    security((), ("bearer" = []))
)]
#[get("/meetings/{id}/published/{kind}/{number}/attachments/{attachment_id}")]
async fn attachment(
    state: State,
    visitor: Visitor,
    path: web::Path<AttachmentPath>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let AttachmentPath { id, kind, number, attachment_id } = path.into_inner();
    let (named, content, public) = state
        .read_public(visitor.0, move |conn, visitor| {
            published::public_attachment(conn, visitor, (id, kind, number), attachment_id)
        })
        .await?;
    // An internal committee's files are for signed-in callers: no shared cache may keep them.
    Ok(file_response(&req, &named.content_type, &named.filename, &named.sha256, public, Some(content)))
}
