//! `/v1/items/{id}/votes` and `/v1/items/{id}/dissents`: how the meeting decided an item, as the
//! protocol records it (kommunestyrelsesloven § 13). A closed item's votes and dissents are closed
//! content.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, QueryParams, filled_text, line};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::domain::access::Principal;
use crate::domain::protocol::{Position, VoteMethod, VoteSubject};
use crate::error::{ApiError, ApiResult};
use crate::service::votes::{self, VoteDraft};
use crate::views::vote::{DissentView, VoteView};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::InFull)
        .add(create, Access::Secretary)
        .add(read, Access::InFull)
        .add(remove, Access::Secretary)
        .add(list_dissents, Access::InFull)
        .add(create_dissent, Access::Secretary)
        .add(read_dissent, Access::InFull)
        .add(remove_dissent, Access::Secretary);
}

/// A vote as taken: what it was on, how, and each position. Its result is counted from the
/// positions.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"subject": "proposal", "motion": "Enhedslistens forslag om at udskyde salget af grunden", "method": "by_group", "positions": [{"stance": "for", "party": "Ø", "count": 2}, {"stance": "against", "party": "A", "count": 5}, {"stance": "against", "party": "V", "count": 3}, {"stance": "against", "party": "O", "count": 1}, {"stance": "abstain", "party": "F", "count": 1}]})))]
pub struct NewVote {
    pub subject: VoteSubject,
    /// What was voted on, as the minutes name it ("Enhedslistens forslag om …").
    #[validate(length(min = 1, max = 1000), custom(function = line))]
    #[schema(min_length = 1, max_length = 1000, extensions(("x-text" = json!("line"))))]
    pub motion: String,
    pub method: VoteMethod,
    /// Roll call: one per participant who voted (`participant_id`). By group: one per party group
    /// and position (`party`, `count`); a group that split has one for each position.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub positions: Vec<Position>,
}

/// A dissent to enter against a vote.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"vote_id": 2, "participant_id": 7, "text": "Enhedslisten kan ikke støtte salget, da grunden bør bruges til almene boliger."})))]
pub struct NewDissent {
    /// A vote on the item in whose minority the participant was.
    pub vote_id: i64,
    /// A participant who took part in the item.
    pub participant_id: i64,
    /// The dissent as the member asks it entered: brief.
    #[validate(length(min = 1, max = 2000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("filled-text"))))]
    pub text: String,
}

fn views(rows: Vec<crate::db::votes::Vote>) -> ApiResult<Vec<VoteView>> {
    rows.into_iter().map(|v| VoteView::try_from(v).map_err(ApiError::from)).collect()
}

/// The item's votes in the order they were taken (whoever sees the item in full).
#[utoipa::path(
    tag = "protocol", operation_id = "listItemVotes",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses((status = OK, description = "The item's votes.", body = Vec<VoteView>))
)]
#[get("/items/{id}/votes")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<VoteView>>> {
    let (id, since, auditor) = (id.into_inner(), since.0.since(), state.auditor.clone());
    let rows = state.read(principal, move |conn, principal| votes::list(conn, principal, &auditor, id, since)).await?;
    Ok(web::Json(views(rows)?))
}

/// Record a vote on the item (the committee's secretaries, once the meeting is held): after the
/// item's other votes, its result counted from the positions.
#[utoipa::path(
    tag = "protocol", operation_id = "recordItemVote",
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewVote,
    responses(
        (status = CREATED, description = "The vote as recorded, with its result.", body = VoteView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/votes")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewVote>,
) -> ApiResult<HttpResponse> {
    let (item_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let draft =
        VoteDraft { subject: input.subject, motion: input.motion, method: input.method, positions: input.positions };
    let vote = state.write(principal, move |conn, principal| votes::create(conn, principal, item_id, &draft)).await?;
    Ok(created(format!("/v1/items/{item_id}/votes/{}", vote.id), VoteView::try_from(vote)?))
}

/// Read one vote.
#[utoipa::path(
    tag = "protocol", operation_id = "getItemVote",
    params(("id" = i64, Path, description = "Item id"), ("vote_id" = i64, Path, description = "Vote id")),
    responses((status = OK, description = "The vote.", body = VoteView, headers(("ETag" = String))))
)]
#[get("/items/{id}/votes/{vote_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let ((item_id, id), auditor) = (path.into_inner(), state.auditor.clone());
    let vote =
        state.read(principal, move |conn, principal| votes::read(conn, principal, &auditor, item_id, id)).await?;
    Ok(current(VoteView::try_from(vote)?))
}

/// Remove a vote and the dissents against it (the committee's secretaries).
#[utoipa::path(
    tag = "protocol", operation_id = "deleteItemVote",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("vote_id" = i64, Path, description = "Vote id"),
        ("If-Match" = String, Header, description = "ETag of the vote"),
    ),
    responses((status = NO_CONTENT, description = "Removed."))
)]
#[delete("/items/{id}/votes/{vote_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| votes::remove(conn, principal, item_id, id, &if_match))
        .await
        .map(removed)
}

/// The item's dissents in the order they were entered (whoever sees the item in full).
#[utoipa::path(
    tag = "protocol", operation_id = "listItemDissents",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses((status = OK, description = "The item's dissents.", body = Vec<DissentView>))
)]
#[get("/items/{id}/dissents")]
async fn list_dissents(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<DissentView>>> {
    let (id, since, auditor) = (id.into_inner(), since.0.since(), state.auditor.clone());
    let rows = state
        .read(principal, move |conn, principal| votes::list_dissents(conn, principal, &auditor, id, since))
        .await?;
    Ok(web::Json(rows.into_iter().map(DissentView::from).collect()))
}

/// Enter a member's dissent against a vote (§ 13, stk. 2; the committee's secretaries, while the
/// meeting is held). Refused with 422 for a participant who did not take part in the item or was
/// not in the vote's minority.
#[utoipa::path(
    tag = "protocol", operation_id = "recordItemDissent",
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewDissent,
    responses(
        (status = CREATED, description = "The dissent as entered.", body = DissentView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/dissents")]
async fn create_dissent(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewDissent>,
) -> ApiResult<HttpResponse> {
    let (item_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let dissent = state
        .write(principal, move |conn, principal| {
            votes::create_dissent(conn, principal, item_id, (input.vote_id, input.participant_id), &input.text)
        })
        .await?;
    Ok(created(format!("/v1/items/{item_id}/dissents/{}", dissent.id), DissentView::from(dissent)))
}

/// Read one dissent.
#[utoipa::path(
    tag = "protocol", operation_id = "getItemDissent",
    params(("id" = i64, Path, description = "Item id"), ("dissent_id" = i64, Path, description = "Dissent id")),
    responses((status = OK, description = "The dissent.", body = DissentView, headers(("ETag" = String))))
)]
#[get("/items/{id}/dissents/{dissent_id}")]
async fn read_dissent(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let ((item_id, id), auditor) = (path.into_inner(), state.auditor.clone());
    let dissent = state
        .read(principal, move |conn, principal| votes::read_dissent(conn, principal, &auditor, item_id, id))
        .await?;
    Ok(current(DissentView::from(dissent)))
}

/// Remove a dissent (the committee's secretaries, while the meeting is held).
#[utoipa::path(
    tag = "protocol", operation_id = "deleteItemDissent",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("dissent_id" = i64, Path, description = "Dissent id"),
        ("If-Match" = String, Header, description = "ETag of the dissent"),
    ),
    responses((status = NO_CONTENT, description = "Removed."))
)]
#[delete("/items/{id}/dissents/{dissent_id}")]
async fn remove_dissent(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| votes::remove_dissent(conn, principal, item_id, id, &if_match))
        .await
        .map(removed)
}
