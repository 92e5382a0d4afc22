//! The lifecycle actions of a meeting: `/v1/meetings/{id}/publish-agenda`, `/hold`,
//! `/publish-minutes` and `/cancel`. Each takes the meeting's ETag in If-Match, so that what is
//! published is what the secretary last read.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::extract::filled_text;
use super::extract::{IfMatch, JsonBody};
use super::policy::{Access, Routes};
use super::{State, etagged};
use crate::domain::access::Principal;
use crate::domain::lifecycle::{Action, Refusal};
use crate::error::{ApiError, ApiResult};
use crate::service::lifecycle;
use crate::views::meeting::ActionResult;

pub fn routes(cfg: &mut Routes) {
    cfg.add(publish_agenda, Access::Secretary)
        .add(hold, Access::Secretary)
        .add(publish_minutes, Access::Secretary)
        .add(cancel, Access::Secretary);
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::State(message) => ApiError::MeetingState(message),
            Refusal::ReasonRequired => {
                ApiError::validation("reason", "a correction of a published version must say why it was made")
            }
            Refusal::Unsigned(names) => ApiError::MeetingState(format!(
                "The committee requires sign-off of the minutes; not yet signed by: {}.",
                names.join(", ")
            )),
        }
    }
}

/// Publishing: the reason is required for a correction (version 2 onwards).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"reason": "Rettelse: punkt 3 manglede bilaget Årsskriv 2021."})))]
pub struct PublishRequest {
    /// Why this version corrects the published one, e.g. "Rettelse: bilag til punkt 3 tilføjet".
    #[validate(length(min = 1, max = 2000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("filled-text"))))]
    pub reason: Option<String>,
}

/// Holding a meeting takes no fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({})))]
pub struct HoldRequest {}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"reason": "Mødet er aflyst; punkterne behandles den 2. maj."})))]
pub struct CancelRequest {
    /// Why the meeting is cancelled; shown with it.
    #[validate(length(min = 1, max = 2000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("filled-text"))))]
    pub reason: Option<String>,
}

/// Takes `action` on the meeting: checks who asks and the lifecycle rules, moves the meeting and
/// stores the version it publishes, all in one transaction.
async fn act(
    state: State,
    principal: Principal,
    id: i64,
    if_match: IfMatch,
    action: Action,
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let (result, version) = state
        .write(principal, move |conn, principal| lifecycle::act(conn, principal, id, &if_match, action, reason))
        .await?;
    let status = if result.published.is_some() { StatusCode::CREATED } else { StatusCode::OK };
    let mut response = etagged(status, version, true);
    if let Some(published) = &result.published {
        response.insert_header((header::LOCATION, published.location(id)));
    }
    Ok(response.json(result))
}

/// Publish the agenda (version 1), or a correction of it with a reason (version n+1). The meeting
/// must have items; the committee's secretaries only.
#[utoipa::path(
    tag = "lifecycle", operation_id = "publishMeetingAgenda",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the meeting")),
    request_body = PublishRequest,
    responses(
        (status = CREATED, description = "The meeting with the agenda published as a new version.", body = ActionResult, headers(("ETag" = String, description = "The meeting's new ETag"), ("Location" = String, description = "The published version"))),
    )
)]
#[post("/meetings/{id}/publish-agenda")]
async fn publish_agenda(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<PublishRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    act(state, principal, id.into_inner(), if_match, Action::PublishAgenda, body.reason).await
}

/// Record that the meeting has been held (from `agenda_published`, once it has started): decisions
/// and sign-off can now be entered, and the agenda's items are fixed.
#[utoipa::path(
    tag = "lifecycle", operation_id = "holdMeeting",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the meeting")),
    request_body = HoldRequest,
    responses(
        (status = OK, description = "The meeting, held.", body = ActionResult, headers(("ETag" = String, description = "The meeting's new ETag"))),
    )
)]
#[post("/meetings/{id}/hold")]
async fn hold(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<HoldRequest>,
) -> ApiResult<HttpResponse> {
    let HoldRequest {} = body.into_inner();
    act(state, principal, id.into_inner(), if_match, Action::Hold, None).await
}

/// Publish the minutes (version 1), or a correction of them with a reason (version n+1). When the
/// committee requires sign-off, every approver must have signed the meeting's current version.
#[utoipa::path(
    tag = "lifecycle", operation_id = "publishMeetingMinutes",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the meeting")),
    request_body = PublishRequest,
    responses(
        (status = CREATED, description = "The meeting with the minutes published as a new version.", body = ActionResult, headers(("ETag" = String, description = "The meeting's new ETag"), ("Location" = String, description = "The published version"))),
    )
)]
#[post("/meetings/{id}/publish-minutes")]
async fn publish_minutes(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<PublishRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    act(state, principal, id.into_inner(), if_match, Action::PublishMinutes, body.reason).await
}

/// Cancel a meeting that has not been held. A published agenda stays readable, marked cancelled.
#[utoipa::path(
    tag = "lifecycle", operation_id = "cancelMeeting",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the meeting")),
    request_body = CancelRequest,
    responses(
        (status = OK, description = "The meeting, cancelled.", body = ActionResult, headers(("ETag" = String, description = "The meeting's new ETag"))),
    )
)]
#[post("/meetings/{id}/cancel")]
async fn cancel(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<CancelRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    act(state, principal, id.into_inner(), if_match, Action::Cancel, body.reason).await
}
