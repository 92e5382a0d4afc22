//! `/v1/meetings`: meetings with their participants and agenda.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::line;
use super::extract::{Day, IfMatch, JsonBody, QueryParams, Timestamp, not_null, present};
use super::items::{Agenda, AgendaEntry, AgendaItemView, entries};
use super::lifecycle::allow;
use super::pagination::{self, Page};
use super::participants::ParticipantView;
use super::policy::{Access, Routes};
use super::published::PublicationSummary;
use super::{State, created};
use crate::audit::{self, Auditor, Object};
use crate::db::meetings::{self, Meeting, MeetingFields, MeetingFilter};
use crate::db::{DbConnection, committees, exclusions, items, participants, published, standing_items};
use crate::domain::access::{Principal, can_edit_meetings, can_read_meetings};
use crate::domain::agenda::{can_delete_meeting, is_web_link};
use crate::domain::lifecycle::Change;
use crate::domain::{CommitteeRole, MeetingStatus};
use crate::error::{ApiError, ApiResult, Problem};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn)
        .add(create, Access::Secretary)
        .add(read, Access::Reader)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary);
}

/// A meeting without its participants and agenda, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "online_link": null, "status": "agenda_published", "cancellation_reason": null, "version": 14, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00"})))]
pub struct MeetingSummary {
    pub id: i64,
    pub committee_id: i64,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    /// Mødested: a room, a local unit, or "Virtuelt via Teams".
    pub location: Option<String>,
    /// A link to join online.
    pub online_link: Option<String>,
    pub status: MeetingStatus,
    /// Why the meeting was cancelled, when it was.
    pub cancellation_reason: Option<String>,
    /// Changes with every change to the meeting, its participants or its agenda that the caller can
    /// see (a closed item's hidden content changes it only for those who read it).
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// How much of a meeting a caller sees, which decides the version and time of change it is shown:
/// the whole meeting, or what those who do not read closed items see. A member of the committee who
/// is excluded from none of the meeting's items sees the whole; a reader, or a member excluded from
/// an item, sees the open part, whose version and time move only when that part changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extent {
    Whole,
    Open,
}

impl Extent {
    /// The extent of a caller with `role`, excluded from some item of the meeting or not.
    pub fn of(role: Option<CommitteeRole>, excluded: bool) -> Extent {
        if role >= Some(CommitteeRole::Member) && !excluded { Extent::Whole } else { Extent::Open }
    }

    /// The caller's extent on `meeting`.
    pub fn on(
        conn: &mut DbConnection,
        principal: &Principal,
        meeting: &Meeting,
        role: Option<CommitteeRole>,
    ) -> ApiResult<Extent> {
        let excluded = role >= Some(CommitteeRole::Member)
            && !exclusions::excluded_items(conn, meeting.id, &principal.subject)?.is_empty();
        Ok(Extent::of(role, excluded))
    }

    pub fn version(self, meeting: &Meeting) -> i64 {
        match self {
            Extent::Whole => meeting.version,
            Extent::Open => meeting.open_version,
        }
    }

    pub fn updated_at(self, meeting: &Meeting) -> chrono::NaiveDateTime {
        match self {
            Extent::Whole => meeting.updated_at,
            Extent::Open => meeting.open_updated_at,
        }
    }

    /// The meeting version a publication or a sign-off was made from, as this extent counts it.
    pub fn of_copy(self, whole: i64, open: i64) -> i64 {
        match self {
            Extent::Whole => whole,
            Extent::Open => open,
        }
    }

    /// The meeting's ETag: only the whole meeting's can be written.
    pub fn etag(self, meeting: &Meeting) -> String {
        super::extract::etag(self.version(meeting), self == Extent::Whole)
    }
}

impl MeetingSummary {
    /// The meeting as a caller with `extent` sees it.
    pub fn seen(m: Meeting, extent: Extent) -> Self {
        let (version, updated_at) = (extent.version(&m), extent.updated_at(&m));
        MeetingSummary {
            id: m.id,
            committee_id: m.committee_id,
            title: m.title,
            starts_at: time::to_api(m.starts_at),
            ends_at: m.ends_at.map(time::to_api),
            location: m.location,
            online_link: m.online_link,
            status: m.status,
            cancellation_reason: m.cancellation_reason,
            version,
            created_at: time::to_api(m.created_at),
            updated_at: time::to_api(updated_at),
        }
    }
}

impl From<Meeting> for MeetingSummary {
    /// The whole meeting, as its secretaries (and the audit trail) see it.
    fn from(m: Meeting) -> Self {
        MeetingSummary::seen(m, Extent::Whole)
    }
}

/// A meeting with its participants and its agenda in order. Closed items appear as number and title
/// only to callers below member.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "online_link": null, "status": "agenda_published", "cancellation_reason": null, "version": 14, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00", "participants": [{"id": 1, "meeting_id": 1, "name": "Søren Ole Sørensen", "role": "member", "attendance": "absent", "user_subject": null, "approver": false, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"}, {"id": 2, "meeting_id": 1, "name": "Michel van der Linden", "role": "member", "attendance": "present", "user_subject": "mvdl@kalundborg.dk", "approver": true, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"}], "items": [{"id": 2, "meeting_id": 1, "number": 2, "position": 2, "title": "Implementering af FirstAgenda", "closed": false, "case_number": "22-003462", "journal_number": "00.22.04", "document_number": null, "case_type": "decision", "summary": "Med denne sag skal Direktionen tage stilling til en strategi for implementering af FirstAgenda.", "recommendation": "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.", "handled_by": "Direktionen.", "presentation": "Eftersom FirstAgenda kan implementeres bredt blandt Kalundborg Kommunes enheder og samarbejdspartnere, etableres der såkaldte AD-grupper.", "financial_consequences": "Meromkostningen for ubegrænsede licenser i størrelsesordenen 50.000 kr. bliver fordelt på de enheder, der anvender FirstAgenda.", "decision": null, "version": 3, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00"}, {"number": 4, "position": 4, "title": "Status, Økonomiudvalget", "closed": true}], "published": [{"kind": "agenda", "number": 1, "meeting_version": 12, "published_at": "2022-04-20T10:00:00+02:00", "reason": null}], "unpublished_changes": false})))]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: MeetingSummary,
    pub participants: Vec<ParticipantView>,
    pub items: Vec<AgendaEntry>,
    /// The versions of the agenda and minutes published so far.
    pub published: Vec<PublicationSummary>,
    /// Whether the meeting has changed since its latest published version (a correction would
    /// publish the changes).
    pub unpublished_changes: bool,
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

/// A meeting the caller may read, with the caller's role on its committee; not found otherwise.
pub fn find_readable(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<(Meeting, Option<CommitteeRole>)> {
    let (meeting, kind) = meetings::find_with_kind(conn, id)?.ok_or(ApiError::NotFound)?;
    let role = principal.role_on(meeting.committee_id, kind);
    if can_read_meetings(role) { Ok((meeting, role)) } else { Err(ApiError::Hidden) }
}

/// Refuses callers who may read the committee's meetings but not change them.
pub fn require_secretary(role: Option<CommitteeRole>) -> ApiResult<()> {
    if can_edit_meetings(role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("Only the committee's secretaries change its meetings.".into()))
    }
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
    let extent = Extent::on(conn, principal, &meeting, role)?;
    let people = participants::list_for_meeting(conn, meeting.id)?;
    let items = items::list_for_meeting(conn, meeting.id)?;
    let versions = published::list(conn, meeting.id)?;
    let agenda = Agenda { meeting: meeting.id, committee: meeting.committee_id, role, principal, auditor };
    let (items, _) = entries(conn, &agenda, items)?;
    let latest = versions.iter().max_by_key(|v| v.published_at);
    let etag = extent.etag(&meeting);
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
