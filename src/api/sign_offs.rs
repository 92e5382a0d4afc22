//! `/v1/meetings/{id}/sign-offs`: approvers sign off the minutes (who, when, which version).
//!
//! An approver is a participant marked `approver` with a `user_subject`; only that user signs for
//! them, with the meeting's ETag in If-Match: the signature is on the version they read. A later
//! change to the meeting leaves the signature on the older version, listed as such.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody};
use super::policy::{Access, Routes};
use super::{State, created};
use crate::audit::{self, Object};
use crate::db::meetings::Meeting;
use crate::db::sign_offs::{self, SignOff};
use crate::db::{committees, participants};
use crate::domain::access::Principal;
use crate::domain::lifecycle::{Change, unsigned_approvers};
use crate::error::{ApiError, ApiResult};
use crate::service::access;
use crate::service::access::{allow, find_readable};
use crate::time;
use crate::views::meeting::Extent;

pub fn routes(cfg: &mut Routes) {
    cfg.add(status, Access::Reader).add(sign, Access::Approver).add(withdraw, Access::Approver);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "participant_id": 2, "meeting_version": 21, "current": true, "signed_at": "2022-04-26T16:20:00+02:00", "version": 1})))]
pub struct SignOffView {
    pub id: i64,
    pub participant_id: i64,
    /// The meeting version (ETag) signed.
    pub meeting_version: i64,
    /// Whether that is the meeting's current version.
    pub current: bool,
    pub signed_at: DateTime<FixedOffset>,
    pub version: i64,
}

impl SignOffView {
    /// The sign-off of `meeting` as a caller with `extent` on it sees it.
    fn new(s: &SignOff, meeting: &Meeting, extent: Extent) -> Self {
        SignOffView {
            id: s.id,
            participant_id: s.participant_id,
            meeting_version: extent.of_copy(s.meeting_version, s.open_meeting_version),
            current: s.meeting_version == meeting.version,
            signed_at: time::to_api(s.signed_at),
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Approver {
    pub participant_id: i64,
    pub name: String,
    pub sign_off: Option<SignOffView>,
}

/// Where the sign-off of the minutes stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"meeting_version": 21, "required": true, "complete": false, "unsigned": ["Jan Lysgaard Thomsen"], "approvers": [{"participant_id": 2, "name": "Michel van der Linden", "sign_off": {"id": 1, "participant_id": 2, "meeting_version": 21, "current": true, "signed_at": "2022-04-26T16:20:00+02:00", "version": 1}}, {"participant_id": 3, "name": "Jan Lysgaard Thomsen", "sign_off": null}]})))]
pub struct SignOffStatus {
    /// The meeting's current version: the one a sign-off must name to count.
    pub meeting_version: i64,
    /// Whether the committee requires sign-off before the minutes are published.
    pub required: bool,
    pub approvers: Vec<Approver>,
    /// Approvers who have not signed the current version.
    pub unsigned: Vec<String>,
    /// Whether every approver has signed the current version (and there is at least one).
    pub complete: bool,
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
    let status = state
        .read(principal, move |conn, principal| {
            let (meeting, role) = find_readable(conn, principal, id)?;
            let extent = access::extent(conn, principal, &meeting, role)?;
            let committee = committees::find(conn, meeting.committee_id)?.ok_or(ApiError::NotFound)?;
            let signatures = sign_offs::list_for_meeting(conn, meeting.id)?;
            let approvers: Vec<Approver> = participants::list_for_meeting(conn, meeting.id)?
                .into_iter()
                .filter(|p| p.approver)
                .map(|p| Approver {
                    sign_off: signatures
                        .iter()
                        .find(|s| s.participant_id == p.id)
                        .map(|s| SignOffView::new(s, &meeting, extent)),
                    participant_id: p.id,
                    name: p.name,
                })
                .collect();
            let named: Vec<(String, Option<i64>)> = approvers
                .iter()
                .map(|a| {
                    let signed = signatures.iter().find(|s| s.participant_id == a.participant_id);
                    (a.name.clone(), signed.map(|s| s.meeting_version))
                })
                .collect();
            let unsigned = unsigned_approvers(&named, meeting.version);
            Ok(SignOffStatus {
                meeting_version: extent.version(&meeting),
                required: committee.requires_sign_off,
                complete: !approvers.is_empty() && unsigned.is_empty(),
                approvers,
                unsigned,
            })
        })
        .await?;
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
    let (view, version) = state
        .write(principal, move |conn, principal| {
            let (meeting, _) = find_readable(conn, principal, id)?;
            let approver = participants::list_for_meeting(conn, meeting.id)?
                .into_iter()
                .find(|p| p.approver && p.user_subject.as_deref() == Some(principal.subject.as_str()))
                .ok_or_else(|| ApiError::Forbidden("Only the meeting's approvers sign off its minutes.".into()))?;
            if_match.check(meeting.version)?;
            allow(meeting.status, Change::SignOff)?;
            let signed = sign_offs::sign(conn, &meeting, approver.id, &principal.subject, time::now())?;
            let view = SignOffView::new(&signed, &meeting, Extent::Whole);
            let object = Object::of_committee("sign_off", signed.id, meeting.committee_id, false);
            audit::created(conn, principal, &object, &view)?;
            Ok((view, signed.version))
        })
        .await?;
    Ok(created(format!("/v1/meetings/{id}/sign-offs/{}", view.id), version).json(view))
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
        .write(principal, move |conn, principal| {
            let (meeting, _) = find_readable(conn, principal, meeting_id)?;
            let signed = sign_offs::find(conn, meeting.id, id)?.ok_or(ApiError::NotFound)?;
            if signed.subject != principal.subject {
                return Err(ApiError::Forbidden("Only the approver who signed withdraws a sign-off.".into()));
            }
            if_match.check(signed.version)?;
            allow(meeting.status, Change::SignOff)?;
            sign_offs::withdraw(conn, &signed)?;
            let object = Object::of_committee("sign_off", signed.id, meeting.committee_id, false);
            audit::deleted(conn, principal, &object, &SignOffView::new(&signed, &meeting, Extent::Whole))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
