//! `/v1/items/{id}/attendance`: who joins a meeting for one item ("deltager i behandlingen af
//! punktet") and who does not take part in it ("deltog ikke under punkt 12-15"). The attendance of a
//! closed item is closed content.

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
use crate::db::item_attendance::ItemAttendanceFields;
use crate::domain::ItemAttendanceKind;
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::item_attendance as attendance;
use crate::views::item_attendance::ItemAttendanceView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::InFull)
        .add(create, Access::Secretary)
        .add(read, Access::InFull)
        .add(remove, Access::Secretary);
}

fn guest_or_absence(entry: &NewItemAttendance) -> Result<(), ValidationError> {
    match (entry.kind, &entry.name, entry.participant_id) {
        (ItemAttendanceKind::Guest, Some(_), None) | (ItemAttendanceKind::Absent, None, Some(_)) => Ok(()),
        (ItemAttendanceKind::Guest, ..) => {
            Err(ValidationError::new("name").with_message("a guest has a name and no participant_id".into()))
        }
        (ItemAttendanceKind::Absent, ..) => Err(ValidationError::new("participant_id")
            .with_message("an absence names the meeting's participant and no name".into())),
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "guest_or_absence", skip_on_field_errors = true))]
#[schema(examples(json!({"kind": "guest", "name": "Malene Goth", "note": "Deltager i behandlingen af punktet."})))]
pub struct NewItemAttendance {
    pub kind: ItemAttendanceKind,
    /// For `absent`: a participant of the item's meeting.
    pub participant_id: Option<i64>,
    /// For `guest`.
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 500), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("filled-text"))))]
    pub note: Option<String>,
}

/// Guests and absences for the item, in the order they were recorded.
#[utoipa::path(
    tag = "items", operation_id = "listItemAttendance",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses((status = OK, description = "The item's guests and absences.", body = Vec<ItemAttendanceView>))
)]
#[get("/items/{id}/attendance")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<ItemAttendanceView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let auditor = state.auditor.clone();
    let rows =
        state.read(principal, move |conn, principal| attendance::list(conn, principal, &auditor, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(ItemAttendanceView::from).collect()))
}

/// Record a guest for the item, or a participant's absence from it (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "createItemAttendance",
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewItemAttendance,
    responses(
        (status = CREATED, description = "The new entry.", body = ItemAttendanceView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/attendance")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewItemAttendance>,
) -> ApiResult<HttpResponse> {
    let (item_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let fields = ItemAttendanceFields {
        kind: input.kind,
        participant_id: input.participant_id,
        name: input.name,
        note: input.note,
    };
    let entry =
        state.write(principal, move |conn, principal| attendance::create(conn, principal, item_id, &fields)).await?;
    Ok(created(format!("/v1/items/{item_id}/attendance/{}", entry.id), ItemAttendanceView::from(entry)))
}

/// Read one guest or absence.
#[utoipa::path(
    tag = "items", operation_id = "getItemAttendance",
    params(("id" = i64, Path, description = "Item id"), ("attendance_id" = i64, Path, description = "Attendance id")),
    responses((status = OK, description = "The entry.", body = ItemAttendanceView, headers(("ETag" = String))))
)]
#[get("/items/{id}/attendance/{attendance_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    let auditor = state.auditor.clone();
    let entry =
        state.read(principal, move |conn, principal| attendance::read(conn, principal, &auditor, item_id, id)).await?;
    Ok(current(ItemAttendanceView::from(entry)))
}

/// Remove a guest or an absence (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "deleteItemAttendance",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("attendance_id" = i64, Path, description = "Attendance id"),
        ("If-Match" = String, Header, description = "ETag of the entry"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/items/{id}/attendance/{attendance_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| attendance::remove(conn, principal, item_id, id, &if_match))
        .await
        .map(removed)
}
