//! The public read API, `/v1/public/…`: no token needed. It shows only published versions, of the
//! committees whose publication level is `public` (and, to a signed-in caller, `internal`); closed
//! items are number and title only, whoever asks. This is what a municipality's website reads.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::attachments::file_response;
use super::extract::{Day, QueryParams, Timestamp, etag};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::public_versions::Entry;
use super::published::{AttachmentPath, DiffQuery, Format, VersionPath, find_public_reader, rendered, resolve_from};
use super::{State, Visitor};
use crate::db::committees::{self, Committee};
use crate::db::meetings::Meeting;
use crate::db::published::{self, Publication as Version, PublishedFilter};
use crate::domain::document::{Document, DocumentDiff};
use crate::domain::{CommitteeKind, DocumentKind, MeetingStatus, Publication};
use crate::error::{ApiError, ApiResult, Problem};
use crate::time;

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

/// Publication levels a visitor reads: public, and internal too when signed in.
fn levels(signed_in: bool) -> Vec<Publication> {
    if signed_in { vec![Publication::Public, Publication::Internal] } else { vec![Publication::Public] }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "name": "Direktionen", "kind": "executive_board", "publication": "public"})))]
pub struct PublicCommittee {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
    pub publication: Publication,
}

impl From<Committee> for PublicCommittee {
    fn from(c: Committee) -> Self {
        PublicCommittee { id: c.id, name: c.name, kind: c.kind, publication: c.publication }
    }
}

/// A published version of a meeting's agenda or minutes, with where to read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicVersion {
    pub kind: DocumentKind,
    pub number: i32,
    /// Why this version corrects the one before it.
    pub reason: Option<String>,
    pub published_at: DateTime<FixedOffset>,
    /// The version as JSON; add `/html` or `/markdown` for a page to read.
    pub href: String,
}

/// A meeting as it was last published.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee": {"id": 1, "name": "Direktionen", "kind": "executive_board", "publication": "public"}, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "status": "minutes_published", "versions": [{"kind": "agenda", "number": 1, "reason": null, "published_at": "2022-04-20T10:00:00+02:00", "href": "/v1/public/meetings/1/published/agenda/1"}, {"kind": "minutes", "number": 1, "reason": null, "published_at": "2022-04-27T09:00:00+02:00", "href": "/v1/public/meetings/1/published/minutes/1"}]})))]
pub struct PublicMeeting {
    pub id: i64,
    pub committee: PublicCommittee,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub location: Option<String>,
    /// `agenda_published`, `minutes_published`, or `cancelled` (after its agenda was published).
    pub status: MeetingStatus,
    /// Every published version, agenda before minutes, oldest first.
    pub versions: Vec<PublicVersion>,
}

fn public_meeting(meeting: Meeting, committee: Committee, versions: Vec<Version>) -> Option<PublicMeeting> {
    let latest = versions.iter().max_by_key(|v| v.published_at)?.clone();
    let status = if meeting.status == MeetingStatus::Cancelled {
        MeetingStatus::Cancelled
    } else if versions.iter().any(|v| v.kind == DocumentKind::Minutes) {
        MeetingStatus::MinutesPublished
    } else {
        MeetingStatus::AgendaPublished
    };
    Some(PublicMeeting {
        id: meeting.id,
        committee: committee.into(),
        title: latest.title,
        starts_at: time::to_api(latest.starts_at),
        ends_at: latest.ends_at.map(time::to_api),
        location: latest.location,
        status,
        versions: versions
            .into_iter()
            .map(|v| PublicVersion {
                href: format!("/v1/public/meetings/{}/published/{}/{}", meeting.id, v.kind.as_ref(), v.number),
                kind: v.kind,
                number: v.number,
                reason: v.reason,
                published_at: time::to_api(v.published_at),
            })
            .collect(),
    })
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
    let rows = state
        .read_public(visitor.0, move |conn, visitor| {
            Ok(committees::published(conn, &levels(visitor.is_some()), &page)?)
        })
        .await?;
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
    let mut filter = PublishedFilter {
        levels: Vec::new(),
        committee_id: query.committee_id,
        starts_from: query.from.map(Day::start),
        starts_before: query.to.and_then(Day::end),
        published_since: query.modified_since.map(Timestamp::stored),
        after: pagination::after_time(query.cursor.as_deref())?,
        limit: i64::from(limit) + 1,
    };
    let rows = state
        .read_public(visitor.0, move |conn, visitor| {
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
                .collect::<Vec<_>>())
        })
        .await?;
    let page = pagination::page(
        rows,
        limit,
        |(m, _, _)| pagination::time_cursor(m.starts_at, m.id),
        |(m, c, v)| public_meeting(m, c, v),
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
    let meeting = state
        .read_public(visitor.0, move |conn, visitor| {
            let reader = find_public_reader(conn, visitor.is_some(), id)?;
            let versions = published::list(conn, reader.meeting.id)?;
            public_meeting(reader.meeting, reader.committee, versions).ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(web::Json(meeting))
}

async fn public_document(state: &State, visitor: Visitor, path: &VersionPath) -> ApiResult<Document> {
    let (id, kind, number) = (path.id, path.kind, path.number);
    state
        .read_public(visitor.0, move |conn, visitor| {
            find_public_reader(conn, visitor.is_some(), id)?.document(conn, kind, number)
        })
        .await
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
        .read_public(visitor.0, move |conn, visitor| {
            let reader = find_public_reader(conn, visitor.is_some(), id)?;
            Ok((reader.document(conn, kind, number)?, reader.committee.publication))
        })
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
        etag: etag(i64::from(number), true),
        publication,
        checked_at: std::time::Instant::now(),
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
        .read_public(visitor.0, move |conn, visitor| {
            Ok(find_public_reader(conn, visitor.is_some(), id)?.diff(conn, kind, from, number)?.0)
        })
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
            let reader = find_public_reader(conn, visitor.is_some(), id)?;
            let (named, content, _) = reader.attachment(conn, kind, number, attachment_id)?;
            Ok((named, content, reader.committee.publication == Publication::Public))
        })
        .await?;
    // An internal committee's files are for signed-in callers: no shared cache may keep them.
    Ok(file_response(&req, &named.content_type, &named.filename, &named.sha256, public, Some(content)))
}
