//! `/v1/meetings`: meetings with their participants and agenda.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::line;
use super::extract::{Day, IfMatch, JsonBody, QueryParams, Timestamp, etag, not_null, present};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created_at, removed};
use crate::db::meetings::{Meeting, MeetingFields, MeetingFilter};
use crate::domain::MeetingStatus;
use crate::domain::access::Principal;
use crate::domain::agenda::is_web_link;
use crate::error::{ApiResult, Problem};
use crate::service::meetings;
use crate::time;
use crate::views::meeting::{MeetingSummary, MeetingView};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn)
        .add(create, Access::Secretary)
        .add(read, Access::Reader)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary);
}

fn end_after_start(meeting: &NewMeeting) -> Result<(), ValidationError> {
    match meeting.ends_at {
        Some(end) if end.0 <= meeting.starts_at.0 => {
            Err(ValidationError::new("ends_at").with_message("must be after starts_at".into()))
        }
        _ => Ok(()),
    }
}

fn web_link(link: &str) -> Result<(), ValidationError> {
    if is_web_link(link) {
        Ok(())
    } else {
        Err(ValidationError::new("url")
            .with_message("must be an http or https link, e.g. https://teams.microsoft.com/…".into()))
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "end_after_start", skip_on_field_errors = true))]
#[schema(examples(json!({"committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "standing_items": true})))]
pub struct NewMeeting {
    pub committee_id: i64,
    #[validate(length(min = 1, max = 300), custom(function = line))]
    #[schema(min_length = 1, max_length = 300, extensions(("x-text" = json!("line"))))]
    pub title: String,
    /// RFC 3339 with an offset, e.g. `2022-04-25T12:30:00+02:00`.
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    #[validate(length(min = 1, max = 300), custom(function = line))]
    #[schema(min_length = 1, max_length = 300, extensions(("x-text" = json!("line"))))]
    pub location: Option<String>,
    #[validate(length(max = 2000), custom(function = "web_link"))]
    #[schema(max_length = 2000, pattern = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?$")]
    pub online_link: Option<String>,
    /// An extraordinary meeting (ekstraordinært møde), marked as such in its agenda and minutes;
    /// defaults to `false`.
    #[serde(default)]
    pub extraordinary: bool,
    /// Start the agenda with the committee's standing items (faste punkter); defaults to `false`.
    #[serde(default)]
    pub standing_items: bool,
}

impl From<NewMeeting> for MeetingFields {
    fn from(m: NewMeeting) -> Self {
        MeetingFields {
            title: m.title,
            starts_at: time::to_stored(m.starts_at.0),
            ends_at: m.ends_at.map(|end| time::to_stored(end.0)),
            location: m.location,
            online_link: m.online_link,
            extraordinary: m.extraordinary,
        }
    }
}

/// Changes to a meeting (JSON merge patch). A meeting cannot move to another committee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"location": "Virtuelt via Teams", "online_link": "https://teams.microsoft.com/l/meetup-join/19%3ameeting"})))]
pub struct MeetingPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 300, extensions(("x-text" = json!("line"))))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub starts_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Timestamp>)]
    pub ends_at: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300, extensions(("x-text" = json!("line"))))]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?$")]
    pub online_link: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub extraordinary: Option<bool>,
}

impl MeetingPatch {
    fn apply(self, current: &Meeting) -> NewMeeting {
        NewMeeting {
            committee_id: current.committee_id,
            title: self.title.unwrap_or_else(|| current.title.clone()),
            starts_at: self.starts_at.unwrap_or_else(|| Timestamp(time::to_api(current.starts_at))),
            ends_at: self.ends_at.unwrap_or_else(|| current.ends_at.map(|end| Timestamp(time::to_api(end)))),
            location: self.location.unwrap_or_else(|| current.location.clone()),
            online_link: self.online_link.unwrap_or_else(|| current.online_link.clone()),
            extraordinary: self.extraordinary.unwrap_or(current.extraordinary),
            standing_items: false,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeetingQuery {
    /// Only this committee's meetings.
    pub committee_id: Option<i64>,
    /// Only meetings starting on or after this day (Europe/Copenhagen).
    pub from: Option<Day>,
    /// Only meetings starting on or before this day (Europe/Copenhagen).
    pub to: Option<Day>,
    pub status: Option<MeetingStatus>,
    /// Only meetings changed at or after this time (RFC 3339; encode `+` as `%2B`).
    pub modified_since: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^t\.-?[0-9]{1,16}\.[0-9]{1,18}$", max_length = 38)]
    pub cursor: Option<String>,
}

/// List the meetings the caller may read, by start time.
#[utoipa::path(tag = "meetings", operation_id = "listMeetings", params(MeetingQuery), responses((status = OK, description = "A page of the meetings the caller may read.", body = Page<MeetingSummary>)))]
#[get("/meetings")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<MeetingQuery>,
) -> ApiResult<web::Json<Page<MeetingSummary>>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let filter = MeetingFilter {
        committee_id: query.committee_id,
        starts_from: query.from.map(Day::start),
        starts_before: query.to.and_then(Day::end),
        status: query.status,
        modified_since: query.modified_since.map(Timestamp::stored),
        after: pagination::after_time(query.cursor.as_deref())?,
        limit: i64::from(limit) + 1,
        ..MeetingFilter::default()
    };
    let rows = state.read(principal, move |conn, principal| meetings::list(conn, principal, filter)).await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |(m, _)| pagination::time_cursor(m.starts_at, m.id),
        |(m, extent)| MeetingSummary::seen(m, extent),
    )))
}

/// Create a meeting (the committee's secretaries). It starts as a draft; its participants start
/// from the committee's roster on the meeting's day (each member present, holding their seat).
#[utoipa::path(
    tag = "meetings", operation_id = "createMeeting",
    request_body = NewMeeting,
    responses(
        (status = CREATED, description = "The new meeting, a draft.", body = MeetingView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/meetings")]
async fn create(state: State, principal: Principal, body: JsonBody<NewMeeting>) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let auditor = state.auditor.clone();
    let standing = input.standing_items;
    let (committee, fields) = (input.committee_id, MeetingFields::from(input));
    let shown = state
        .write(principal, move |conn, principal| {
            meetings::create(conn, principal, &auditor, committee, &fields, standing)
        })
        .await?;
    let (view, etag) = (shown.view, etag(shown.version, shown.whole));
    let location = format!("/v1/meetings/{}", view.meeting.id);
    Ok(created_at(location, view.meeting.version).insert_header((header::ETAG, etag)).json(view))
}

/// Read a meeting with its participants and agenda.
#[utoipa::path(
    tag = "meetings", operation_id = "getMeeting",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = OK, description = "The meeting as the caller may see it.", body = MeetingView, headers(("ETag" = String))))
)]
#[get("/meetings/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let auditor = state.auditor.clone();
    let shown = state.read(principal, move |conn, principal| meetings::read(conn, principal, &auditor, id)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(shown.version, shown.whole))).json(shown.view))
}

/// Change a meeting (the committee's secretaries).
#[utoipa::path(
    tag = "meetings", operation_id = "updateMeeting",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = MeetingPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The meeting as changed.", body = MeetingView, headers(("ETag" = String))),
    )
)]
#[patch("/meetings/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<MeetingPatch>,
) -> ApiResult<HttpResponse> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let auditor = state.auditor.clone();
    let shown = state
        .write(principal, move |conn, principal| {
            let change = |current: &Meeting| {
                let changed = patch.apply(current);
                changed.validate()?;
                Ok(MeetingFields::from(changed))
            };
            meetings::update(conn, principal, &auditor, id, &if_match, change)
        })
        .await?;
    let (view, etag) = (shown.view, etag(shown.version, shown.whole));
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag)).json(view))
}

/// Delete a draft meeting with its agenda and participants (the committee's secretaries).
#[utoipa::path(
    tag = "meetings", operation_id = "deleteMeeting",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses(
        (status = NO_CONTENT, description = "Deleted."),
        (status = CONFLICT, description = "The meeting is no longer a draft.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/meetings/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(principal, move |conn, principal| meetings::remove(conn, principal, id, &if_match)).await.map(removed)
}
