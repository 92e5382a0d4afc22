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
use super::{State, created};
use crate::audit::{self, Auditor, Object};
use crate::db::meetings::{self, Meeting, MeetingFields, MeetingFilter};
use crate::db::{DbConnection, committees, exclusions, items, participants, published, standing_items};
use crate::domain::access::{Principal, can_read_meetings};
use crate::domain::agenda::{can_delete_meeting, is_web_link};
use crate::domain::lifecycle::Change;
use crate::domain::{CommitteeRole, MeetingStatus};
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::access;
use crate::service::access::{allow, find_readable, require_secretary};
use crate::service::agenda::{Agenda, entries};
use crate::time;
use crate::views::item::AgendaItemView;
use crate::views::meeting::{Extent, MeetingSummary, MeetingView};
use crate::views::participant::ParticipantView;
use crate::views::publication::PublicationSummary;

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

fn object(meeting: &Meeting) -> Object {
    Object::of_committee("meeting", meeting.id, meeting.committee_id, false)
}

/// A meeting as the caller sees it, with its ETag. The meeting is read before its parts: a
/// concurrent change then shows up as newer parts under an older version, never as an older agenda
/// under the newer version's tag.
fn view(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    meeting: Meeting,
    role: Option<CommitteeRole>,
) -> ApiResult<(MeetingView, String)> {
    let extent = access::extent(conn, principal, &meeting, role)?;
    let people = participants::list_for_meeting(conn, meeting.id)?;
    let items = items::list_for_meeting(conn, meeting.id)?;
    let versions = published::list(conn, meeting.id)?;
    let agenda = Agenda { meeting: meeting.id, committee: meeting.committee_id, role, principal, auditor };
    let (items, _) = entries(conn, &agenda, items)?;
    let latest = versions.iter().max_by_key(|v| v.published_at);
    let etag = etag(extent.version(&meeting), extent == Extent::Whole);
    let view = MeetingView {
        unpublished_changes: latest
            .is_some_and(|v| extent.of_copy(v.meeting_version, v.open_meeting_version) != extent.version(&meeting)),
        meeting: MeetingSummary::seen(meeting, extent),
        participants: people.into_iter().map(ParticipantView::from).collect(),
        items,
        published: versions.into_iter().map(|v| PublicationSummary::seen(v, extent)).collect(),
    };
    Ok((view, etag))
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
    let mut filter = MeetingFilter {
        committee_id: query.committee_id,
        starts_from: query.from.map(Day::start),
        starts_before: query.to.and_then(Day::end),
        status: query.status,
        modified_since: query.modified_since.map(Timestamp::stored),
        after: pagination::after_time(query.cursor.as_deref())?,
        limit: i64::from(limit) + 1,
        ..MeetingFilter::default()
    };
    let rows = state
        .read(principal, move |conn, principal| {
            (filter.committees, filter.kinds) = principal.readable_committees();
            (filter.whole_committees, filter.whole_kinds) = principal.committees_with(CommitteeRole::Member);
            filter.subject = principal.subject.clone();
            let rows = meetings::list(conn, &filter)?;
            let ids: Vec<i64> = rows.iter().map(|(m, _)| m.id).collect();
            let excluded = exclusions::meetings_with_exclusions(conn, &principal.subject, &ids)?;
            Ok(rows
                .into_iter()
                .map(|(meeting, kind)| {
                    let role = principal.role_on(meeting.committee_id, kind);
                    let extent = Extent::of(role, excluded.contains(&meeting.id));
                    (meeting, extent)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |(m, _)| pagination::time_cursor(m.starts_at, m.id),
        |(m, extent)| MeetingSummary::seen(m, extent),
    )))
}

/// Create a meeting (the committee's secretaries). It starts as a draft.
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
    let (view, etag) = state
        .write(principal, move |conn, principal| {
            let committee = committees::find(conn, input.committee_id)?
                .filter(|c| can_read_meetings(principal.role_on(c.id, c.kind)))
                .ok_or_else(|| ApiError::validation("committee_id", "no such committee"))?;
            let role = principal.role_on(committee.id, committee.kind);
            require_secretary(role)?;
            let now = time::now();
            let standing = if input.standing_items { standing_items::list(conn, committee.id)? } else { Vec::new() };
            let mut meeting = meetings::create(conn, committee.id, &input.into(), now)?;
            for template in standing {
                let item = items::create(conn, meeting.id, &template.into(), None, now)?;
                let object = Object::of_committee("item", item.id, committee.id, item.closed);
                audit::created(conn, principal, &object, &AgendaItemView::from(item))?;
            }
            meeting = meetings::find(conn, meeting.id)?.ok_or(ApiError::NotFound)?;
            audit::created(conn, principal, &object(&meeting), &MeetingSummary::from(meeting.clone()))?;
            view(conn, principal, &auditor, meeting, role)
        })
        .await?;
    let location = format!("/v1/meetings/{}", view.meeting.id);
    Ok(created(location, view.meeting.version).insert_header((header::ETAG, etag)).json(view))
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
    let (view, etag) = state
        .read(principal, move |conn, principal| {
            let (meeting, role) = find_readable(conn, principal, id)?;
            view(conn, principal, &auditor, meeting, role)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag)).json(view))
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
    let (view, etag) = state
        .write(principal, move |conn, principal| {
            let (current, role) = find_readable(conn, principal, id)?;
            require_secretary(role)?;
            if_match.check(current.version)?;
            allow(current.status, Change::Details)?;
            let changed = patch.apply(&current);
            changed.validate()?;
            let meeting = meetings::update(conn, &current, &changed.into(), time::now())?;
            let summary = MeetingSummary::from(meeting.clone());
            audit::updated(conn, principal, &object(&meeting), &MeetingSummary::from(current), &summary)?;
            view(conn, principal, &auditor, meeting, role)
        })
        .await?;
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
    state
        .write(principal, move |conn, principal| {
            let (current, role) = find_readable(conn, principal, id)?;
            require_secretary(role)?;
            if_match.check(current.version)?;
            if !can_delete_meeting(current.status) {
                return Err(ApiError::Conflict("Only draft meetings can be deleted.".into()));
            }
            meetings::delete(conn, &current)?;
            audit::deleted(conn, principal, &object(&current), &MeetingSummary::from(current.clone()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
