//! `/v1/meetings/{id}/sign-offs`: approvers sign off the minutes (who, when, which version).
//!
//! An approver is a participant marked `approver` with a `user_subject`; only that user signs for
//! them, with the meeting's ETag in If-Match: the signature is on the version they read. A later
//! change to the meeting leaves the signature on the older version, listed as such.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody};
use super::policy::{Access, Routes};
use super::{State, created_at, removed};
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::sign_offs;
use crate::views::sign_off::{SignOffStatus, SignOffView};

pub fn routes(cfg: &mut Routes) {
    cfg.add(status, Access::Reader).add(sign, Access::Approver).add(withdraw, Access::Approver);
}

/// Signing takes no fields: who signs is the caller, what is signed is the version in If-Match.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({})))]
pub struct SignRequest {}

/// The approvers and their sign-offs (anyone who may read the meeting).
#[utoipa::path(
    tag = "lifecycle", operation_id = "getSignOffs",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = OK, description = "The approvers and who has signed the current version.", body = SignOffStatus))
)]
#[get("/meetings/{id}/sign-offs")]
async fn status(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<web::Json<SignOffStatus>> {
    let id = id.into_inner();
    let status = state.read(principal, move |conn, principal| sign_offs::status(conn, principal, id)).await?;
    Ok(web::Json(status))
}

/// Sign off the minutes as the caller, an approver of the meeting, on the version in If-Match (once
/// the meeting has been held). Signing again replaces a signature on an earlier version.
#[utoipa::path(
    tag = "lifecycle", operation_id = "signMinutes",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the meeting version being signed")),
    request_body = SignRequest,
    responses(
        (status = CREATED, description = "The signature.", body = SignOffView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/meetings/{id}/sign-offs")]
async fn sign(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<SignRequest>,
) -> ApiResult<HttpResponse> {
    let (id, SignRequest {}) = (id.into_inner(), body.into_inner());
    let (view, version) =
        state.write(principal, move |conn, principal| sign_offs::sign(conn, principal, id, &if_match)).await?;
    Ok(created_at(format!("/v1/meetings/{id}/sign-offs/{}", view.id), version).json(view))
}

/// Withdraw one's own sign-off.
#[utoipa::path(
    tag = "lifecycle", operation_id = "withdrawSignOff",
    params(
        ("id" = i64, Path, description = "Meeting id"),
        ("sign_off_id" = i64, Path, description = "Sign-off id"),
        ("If-Match" = String, Header, description = "ETag of the sign-off"),
    ),
    responses(
        (status = NO_CONTENT, description = "Withdrawn."),
    )
)]
#[delete("/meetings/{id}/sign-offs/{sign_off_id}")]
async fn withdraw(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (meeting_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| sign_offs::withdraw(conn, principal, meeting_id, id, &if_match))
        .await
        .map(removed)
}
