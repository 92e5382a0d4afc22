//! `/v1/items/{id}/referrals`: demands under § 23 (standsningsret) that an item go before the
//! council, declared to the protocol by a member who took part in it before the meeting closes.
//! The minutes show them, and the case's items carry the flag.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, QueryParams, filled_text};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::referrals;
use crate::views::referral::ReferralView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::InFull)
        .add(create, Access::Secretary)
        .add(read, Access::InFull)
        .add(remove, Access::Secretary);
}

/// A member's demand that the item go before the council.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"participant_id": 4})))]
pub struct NewReferral {
    /// The member (or a member's substitute) who took part in the item and demands it.
    pub participant_id: i64,
    /// What the member asks added to the protocol, if anything.
    #[validate(length(min = 1, max = 2000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("filled-text"))))]
    pub note: Option<String>,
}

/// The item's demands under § 23, in the order declared (whoever sees the item in full).
#[utoipa::path(
    tag = "protocol", operation_id = "listItemReferrals",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses((status = OK, description = "The item's demands under § 23.", body = Vec<ReferralView>))
)]
#[get("/items/{id}/referrals")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<ReferralView>>> {
    let (id, since, auditor) = (id.into_inner(), since.0.since(), state.auditor.clone());
    let rows =
        state.read(principal, move |conn, principal| referrals::list(conn, principal, &auditor, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(ReferralView::from).collect()))
}

/// Record a member's demand that the item go before the council (§ 23; the committee's
/// secretaries, while the meeting is held). Refused with 422 for a participant who is not a member
/// or did not take part in the item.
#[utoipa::path(
    tag = "protocol", operation_id = "recordItemReferral",
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewReferral,
    responses(
        (status = CREATED, description = "The demand as recorded.", body = ReferralView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/referrals")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewReferral>,
) -> ApiResult<HttpResponse> {
    let (item_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let referral = state
        .write(principal, move |conn, principal| {
            referrals::create(conn, principal, item_id, input.participant_id, input.note.as_deref())
        })
        .await?;
    Ok(created(format!("/v1/items/{item_id}/referrals/{}", referral.id), ReferralView::from(referral)))
}

/// Read one demand under § 23.
#[utoipa::path(
    tag = "protocol", operation_id = "getItemReferral",
    params(("id" = i64, Path, description = "Item id"), ("referral_id" = i64, Path, description = "Referral id")),
    responses((status = OK, description = "The demand.", body = ReferralView, headers(("ETag" = String))))
)]
#[get("/items/{id}/referrals/{referral_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let ((item_id, id), auditor) = (path.into_inner(), state.auditor.clone());
    let referral =
        state.read(principal, move |conn, principal| referrals::read(conn, principal, &auditor, item_id, id)).await?;
    Ok(current(ReferralView::from(referral)))
}

/// Remove a demand recorded in error (the committee's secretaries, while the meeting is held).
#[utoipa::path(
    tag = "protocol", operation_id = "deleteItemReferral",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("referral_id" = i64, Path, description = "Referral id"),
        ("If-Match" = String, Header, description = "ETag of the demand"),
    ),
    responses((status = NO_CONTENT, description = "Removed."))
)]
#[delete("/items/{id}/referrals/{referral_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| referrals::remove(conn, principal, item_id, id, &if_match))
        .await
        .map(removed)
}
