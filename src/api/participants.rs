//! `/v1/meetings/{id}/participants`: who attends a meeting (mødedeltagere, fravær, afbud).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::{IfMatch, JsonBody, MergePatch, merged, not_null, present};
use super::extract::{filled_text, line, party_letter};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::participants::ParticipantFields;
use crate::domain::access::Principal;
use crate::domain::{Attendance, ParticipantRole};
use crate::error::ApiResult;
use crate::service::{item_attendance, participants, protocol};
use crate::views::item_attendance::ItemAttendanceView;
use crate::views::participant::{ItemQuorum, ParticipantView};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Reader)
        .add(create, Access::Secretary)
        .add(read, Access::Reader)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary)
        .add(absent_from_items, Access::Secretary)
        .add(quorum, Access::Reader);
}

fn approver_is_a_user(participant: &NewParticipant) -> Result<(), ValidationError> {
    if participant.approver && participant.user_subject.is_none() {
        Err(ValidationError::new("approver").with_message("an approver needs a user_subject to sign as".into()))
    } else {
        Ok(())
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "approver_is_a_user", skip_on_field_errors = true))]
#[schema(examples(json!({"name": "Michel van der Linden", "role": "member", "attendance": "present", "user_subject": "mvdl@kalundborg.dk", "approver": true})))]
pub struct NewParticipant {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: String,
    #[validate(length(min = 1, max = 256), custom(function = line))]
    #[schema(min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub user_subject: Option<String>,
    /// Defaults to `member`.
    #[serde(default)]
    pub role: ParticipantRole,
    /// Defaults to `present`.
    #[serde(default)]
    pub attendance: Attendance,
    /// Whether the participant signs off the minutes; defaults to `false`.
    #[serde(default)]
    pub approver: bool,
    /// The party's list letter, e.g. `A` or `V`: the minutes name members "Name (A)" and votes by
    /// party group "A, V og O".
    #[validate(custom(function = party_letter))]
    #[schema(min_length = 1, max_length = 3, pattern = r"^[A-ZÆØÅ]{1,3}$")]
    pub party: Option<String>,
    /// For a substitute (stedfortræder): the participant of the meeting they stand in for.
    pub substitute_for: Option<i64>,
    /// The seat on the committee's roster the participant holds (a member on the roster on the
    /// meeting's day); the quorum counts seats.
    pub roster_member_id: Option<i64>,
    /// The item of this meeting the participant arrived at, when they came late.
    pub arrived_at_item: Option<i64>,
    /// The last item of this meeting the participant took part in before leaving.
    pub left_after_item: Option<i64>,
}

impl From<NewParticipant> for ParticipantFields {
    fn from(p: NewParticipant) -> Self {
        ParticipantFields {
            name: p.name,
            user_subject: p.user_subject,
            role: p.role,
            attendance: p.attendance,
            approver: p.approver,
            party: p.party,
            substitute_for: p.substitute_for,
            roster_member_id: p.roster_member_id,
            arrived_at_item: p.arrived_at_item,
            left_after_item: p.left_after_item,
        }
    }
}

/// Changes to a participant (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"attendance": "apologies"})))]
pub struct ParticipantPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub user_subject: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub role: Option<ParticipantRole>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub attendance: Option<Attendance>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub approver: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 3, pattern = r"^[A-ZÆØÅ]{1,3}$")]
    pub party: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub substitute_for: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub roster_member_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub arrived_at_item: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub left_after_item: Option<Option<i64>>,
}

impl MergePatch for ParticipantPatch {
    type Fields = ParticipantFields;
    type Body = NewParticipant;

    fn apply(self, current: ParticipantFields) -> NewParticipant {
        NewParticipant {
            name: self.name.unwrap_or(current.name),
            user_subject: self.user_subject.unwrap_or(current.user_subject),
            role: self.role.unwrap_or(current.role),
            attendance: self.attendance.unwrap_or(current.attendance),
            approver: self.approver.unwrap_or(current.approver),
            party: self.party.unwrap_or(current.party),
            substitute_for: self.substitute_for.unwrap_or(current.substitute_for),
            roster_member_id: self.roster_member_id.unwrap_or(current.roster_member_id),
            arrived_at_item: self.arrived_at_item.unwrap_or(current.arrived_at_item),
            left_after_item: self.left_after_item.unwrap_or(current.left_after_item),
        }
    }
}

/// The meeting's participants, in the order they were added.
#[utoipa::path(
    tag = "participants", operation_id = "listParticipants",
    params(("id" = i64, Path, description = "Meeting id"), SinceQuery),
    responses((status = OK, description = "The meeting's participants.", body = Vec<ParticipantView>))
)]
#[get("/meetings/{id}/participants")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<ParticipantView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let rows = state.read(principal, move |conn, principal| participants::list(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(ParticipantView::from).collect()))
}

/// Add a participant (the committee's secretaries).
#[utoipa::path(
    tag = "participants", operation_id = "createParticipant",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = NewParticipant,
    responses(
        (status = CREATED, description = "The new participant.", body = ParticipantView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/meetings/{id}/participants")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewParticipant>,
) -> ApiResult<HttpResponse> {
    let (meeting_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let fields = ParticipantFields::from(input);
    let participant = state
        .write(principal, move |conn, principal| participants::create(conn, principal, meeting_id, &fields))
        .await?;
    let location = format!("/v1/meetings/{meeting_id}/participants/{}", participant.id);
    Ok(created(location, ParticipantView::from(participant)))
}

/// Read a participant.
#[utoipa::path(
    tag = "participants", operation_id = "getParticipant",
    params(("id" = i64, Path, description = "Meeting id"), ("participant_id" = i64, Path, description = "Participant id")),
    responses((status = OK, description = "The participant.", body = ParticipantView, headers(("ETag" = String))))
)]
#[get("/meetings/{id}/participants/{participant_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (meeting_id, id) = path.into_inner();
    let participant =
        state.read(principal, move |conn, principal| participants::read(conn, principal, meeting_id, id)).await?;
    Ok(current(ParticipantView::from(participant)))
}

/// Change a participant, e.g. record an absence (the committee's secretaries).
#[utoipa::path(
    tag = "participants", operation_id = "updateParticipant",
    params(
        ("id" = i64, Path, description = "Meeting id"),
        ("participant_id" = i64, Path, description = "Participant id"),
        ("If-Match" = String, Header, description = "ETag of the version being changed"),
    ),
    request_body(content = ParticipantPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The participant as changed.", body = ParticipantView, headers(("ETag" = String))),
    )
)]
#[patch("/meetings/{id}/participants/{participant_id}")]
async fn update(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
    body: JsonBody<ParticipantPatch>,
) -> ApiResult<HttpResponse> {
    let ((meeting_id, id), patch) = (path.into_inner(), body.into_inner());
    let participant = state
        .write(principal, move |conn, principal| {
            participants::update(conn, principal, meeting_id, id, &if_match, merged(patch))
        })
        .await?;
    Ok(current(ParticipantView::from(participant)))
}

/// Remove a participant (the committee's secretaries).
#[utoipa::path(
    tag = "participants", operation_id = "deleteParticipant",
    params(
        ("id" = i64, Path, description = "Meeting id"),
        ("participant_id" = i64, Path, description = "Participant id"),
        ("If-Match" = String, Header, description = "ETag of the version being deleted"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/meetings/{id}/participants/{participant_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (meeting_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| participants::remove(conn, principal, meeting_id, id, &if_match))
        .await
        .map(removed)
}

/// The items a participant did not take part in.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"from": 12, "to": 15})))]
pub struct ItemRange {
    /// The first item's number.
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub from: i32,
    /// The last item's number (the same as `from` for one item).
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub to: i32,
    #[validate(length(min = 1, max = 500), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("filled-text"))))]
    pub note: Option<String>,
}

/// Record once that a participant did not take part in a range of items ("deltog ikke under
/// punkterne 12-15"; the committee's secretaries): an absence on each item of the range, kept where
/// it is recorded already. The minutes list it with the participant.
#[utoipa::path(
    tag = "participants", operation_id = "recordAbsenceFromItems",
    params(("id" = i64, Path, description = "Meeting id"), ("participant_id" = i64, Path, description = "Participant id")),
    request_body = ItemRange,
    responses((status = OK, description = "The participant's absences from the items of the range.", body = Vec<ItemAttendanceView>))
)]
#[post("/meetings/{id}/participants/{participant_id}/item-absences")]
async fn absent_from_items(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    body: JsonBody<ItemRange>,
) -> ApiResult<web::Json<Vec<ItemAttendanceView>>> {
    let (path, range) = (path.into_inner(), body.into_inner());
    range.validate()?;
    let absences = state
        .write(principal, move |conn, principal| {
            item_attendance::absent_from_range(conn, principal, path, (range.from, range.to), range.note.clone())
        })
        .await?;
    Ok(web::Json(absences.into_iter().map(ItemAttendanceView::from).collect()))
}

/// Whether the committee had a quorum for each item (§ 11: more than half its members took part):
/// its roster's members on the meeting's day, and of them those who took part in the item, or whose
/// substitute did. Empty when the committee keeps no roster.
#[utoipa::path(
    tag = "protocol", operation_id = "getMeetingQuorum",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = OK, description = "The quorum for each item, in agenda order.", body = Vec<ItemQuorum>))
)]
#[get("/meetings/{id}/quorum")]
async fn quorum(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<web::Json<Vec<ItemQuorum>>> {
    let id = id.into_inner();
    let rows = state.read(principal, move |conn, principal| protocol::quorum_by_item(conn, principal, id)).await?;
    Ok(web::Json(rows.into_iter().map(|(number, quorum)| ItemQuorum { number, quorum }).collect()))
}
