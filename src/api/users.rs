//! `/v1/users`: the people who have signed in (admins). Deactivating a user (fratrædelse) refuses
//! every later request with the user's tokens, including unexpired ones, on every instance.

use actix_web::{get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::Authenticated;
use super::State;
use super::extract::filled_text;
use super::extract::{JsonBody, QueryParams, Timestamp};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use crate::domain::access::Principal;
use crate::error::{ApiResult, Problem};
use crate::service::users;
use crate::views::user::UserView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Admin).add(read, Access::Admin).add(deactivate, Access::Admin).add(reactivate, Access::Admin);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Only active (`true`) or deactivated (`false`) users.
    pub active: Option<bool>,
    /// The user with this subject.
    #[param(max_length = 256, pattern = r"^[^\x00]*$")]
    pub subject: Option<String>,
    /// Only users who first signed in, or whose name, e-mail, groups or status changed, at or after
    /// this time (RFC 3339; encode `+` as `%2B`).
    pub modified_since: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"reason": "Fratrådt 30. april 2022."})))]
pub struct Deactivation {
    /// Why, e.g. "Fratrådt 30.11.2026".
    #[validate(length(min = 1, max = 500), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("filled-text"))))]
    pub reason: String,
}

/// List users (admins).
#[utoipa::path(
    tag = "users", operation_id = "listUsers",
    params(UserQuery),
    responses(
        (status = OK, description = "A page of users.", body = Page<UserView>),
    )
)]
#[get("/users")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<UserQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
    let query = query.0;
    let (limit, page) = pagination::id_page(query.limit, query.cursor.as_deref(), query.modified_since)?;
    let rows = state
        .read(principal, move |conn, principal| {
            users::list(conn, principal, query.active, query.subject.as_deref(), &page)
        })
        .await?;
    Ok(web::Json(pagination::page(rows, limit, |u| pagination::id_cursor(u.id), |u| u)))
}

/// Read a user (admins).
#[utoipa::path(
    tag = "users", operation_id = "getUser",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = OK, description = "The user.", body = UserView),
    )
)]
#[get("/users/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let user = state.read(principal, move |conn, principal| users::read(conn, principal, id)).await?;
    Ok(web::Json(user))
}

/// Deactivate a user who has left (admins). Every later request with the user's tokens is refused.
#[utoipa::path(
    tag = "users", operation_id = "deactivateUser",
    params(("id" = i64, Path, description = "User id")),
    request_body = Deactivation,
    responses(
        (status = OK, description = "The user, deactivated.", body = UserView),
        (status = CONFLICT, description = "Admins cannot deactivate themselves.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/deactivate")]
async fn deactivate(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<Deactivation>,
) -> ApiResult<web::Json<UserView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let reason = Some(input.reason);
    let user = state.write(principal, move |conn, principal| users::set_active(conn, principal, id, reason)).await?;
    Ok(web::Json(user))
}

/// Reactivate a user (admins).
#[utoipa::path(
    tag = "users", operation_id = "reactivateUser",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = OK, description = "The user, active again.", body = UserView),
    )
)]
#[post("/users/{id}/reactivate")]
async fn reactivate(state: State, principal: Principal, id: web::Path<i64>) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let user = state.write(principal, move |conn, principal| users::set_active(conn, principal, id, None)).await?;
    Ok(web::Json(user))
}
