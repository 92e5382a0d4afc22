//! `/v1/items/{id}/exclusions`: conflicts of interest (inhabilitet). A user excluded from an item sees
//! it as a non-member would, whatever their grants (the committee's secretaries record them).

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::{IfMatch, JsonBody};
use super::extract::{filled_text, line};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::exclusions::ExclusionFacts;
use crate::domain::access::Principal;
use crate::domain::protocol::RaisedBy;
use crate::error::{ApiResult, Problem};
use crate::service::exclusions;
use crate::views::exclusion::ExclusionView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Secretary)
        .add(create, Access::Secretary)
        .add(read, Access::Secretary)
        .add(remove, Access::Secretary);
}

fn someone(exclusion: &NewExclusion) -> Result<(), ValidationError> {
    if exclusion.subject.is_none() && exclusion.participant_id.is_none() {
        Err(ValidationError::new("subject")
            .with_message("an exclusion names a subject, a participant_id, or both".into()))
    } else {
        Ok(())
    }
}

/// Who is excluded from an item: a user (`subject`), a participant of the meeting
/// (`participant_id`), or both. With a participant the exclusion is also a protocol entry (§ 14):
/// who raised it, the committee's ruling, whether the member left the room, and the substitute
/// called in; the minutes show it, and the quorum counts the substitute in the member's seat.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "someone", skip_on_field_errors = true))]
#[schema(examples(json!({"participant_id": 7, "reason": "Nærtstående part i sagen.", "raised_by": "member", "ruling": "Udvalget fandt, at Jens Lund var inhabil.", "left_room": true, "substitute_id": 9})))]
pub struct NewExclusion {
    /// The user's subject (as in a participant's `user_subject`); taken from the participant's
    /// when absent.
    #[validate(length(min = 1, max = 256), custom(function = line))]
    #[schema(min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub subject: Option<String>,
    #[validate(length(min = 1, max = 500), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("filled-text"))))]
    pub reason: Option<String>,
    /// The participant of the meeting found or declared disqualified.
    pub participant_id: Option<i64>,
    /// Whether the member declared it or the committee raised it (with a participant).
    pub raised_by: Option<RaisedBy>,
    /// The committee's ruling, as the minutes word it (with a participant).
    #[validate(length(min = 1, max = 2000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("filled-text"))))]
    pub ruling: Option<String>,
    /// Whether the member left the room for the item; `false` records a refusal to leave. Defaults
    /// to `true` with a participant.
    pub left_room: Option<bool>,
    /// The participant called in as substitute for the item (with a participant).
    pub substitute_id: Option<i64>,
}

impl NewExclusion {
    fn facts(&self) -> ExclusionFacts {
        ExclusionFacts {
            participant_id: self.participant_id,
            raised_by: self.raised_by,
            ruling: self.ruling.clone(),
            left_room: self.left_room.or(self.participant_id.map(|_| true)),
            substitute_id: self.substitute_id,
        }
    }
}

/// Who is excluded from the item (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "listExclusions",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses(
        (status = OK, description = "The item's exclusions.", body = Vec<ExclusionView>),
    )
)]
#[get("/items/{id}/exclusions")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<ExclusionView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let rows = state.read(principal, move |conn, principal| exclusions::list(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(ExclusionView::from).collect()))
}

/// Exclude a user or a participant from the item (the committee's secretaries): disqualification
/// (inhabilitet, § 14), and with a participant a protocol entry.
#[utoipa::path(
    tag = "items", operation_id = "createExclusion",
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewExclusion,
    responses(
        (status = CREATED, description = "The new exclusion.", body = ExclusionView, headers(("ETag" = String), ("Location" = String))),
        (status = CONFLICT, description = "The user or participant is already excluded.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/items/{id}/exclusions")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewExclusion>,
) -> ApiResult<HttpResponse> {
    let (item_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let exclusion = state
        .write(principal, move |conn, principal| {
            exclusions::create(
                conn,
                principal,
                item_id,
                input.subject.as_deref(),
                input.reason.as_deref(),
                &input.facts(),
            )
        })
        .await?;
    Ok(created(format!("/v1/items/{item_id}/exclusions/{}", exclusion.id), ExclusionView::from(exclusion)))
}

/// Read an exclusion (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "getExclusion",
    params(("id" = i64, Path, description = "Item id"), ("exclusion_id" = i64, Path, description = "Exclusion id")),
    responses(
        (status = OK, description = "The exclusion.", body = ExclusionView, headers(("ETag" = String))),
    )
)]
#[get("/items/{id}/exclusions/{exclusion_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    let exclusion =
        state.read(principal, move |conn, principal| exclusions::read(conn, principal, item_id, id)).await?;
    Ok(current(ExclusionView::from(exclusion)))
}

/// End an exclusion (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "deleteExclusion",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("exclusion_id" = i64, Path, description = "Exclusion id"),
        ("If-Match" = String, Header, description = "ETag of the exclusion"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/items/{id}/exclusions/{exclusion_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| exclusions::remove(conn, principal, item_id, id, &if_match))
        .await
        .map(removed)
}
