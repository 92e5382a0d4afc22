//! `/v1/users`: the people who have signed in (admins). Deactivating a user (fratrædelse) refuses
//! every later request with the user's tokens, including unexpired ones, on every instance.

use actix_web::{get, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::Authenticated;
use super::State;
use super::extract::filled_text;
use super::extract::{JsonBody, QueryParams, Timestamp};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use crate::audit::{self, Object};
use crate::db::users::{self, User};
use crate::db::{DbConnection, members};
use crate::domain::access::Principal;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::access::require_admin;
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Admin).add(read, Access::Admin).add(deactivate, Access::Admin).add(reactivate, Access::Admin);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "subject": "mvdl@kalundborg.dk", "name": "Michel van der Linden", "email": "mvdl@kalundborg.dk", "groups_seen": ["direktionen"], "local_groups": [], "active": true, "deactivated_at": null, "deactivation_reason": null, "first_seen_at": "2022-04-19T08:01:00+02:00", "last_seen_at": "2022-04-25T12:10:00+02:00", "version": 3})))]
pub struct UserView {
    pub id: i64,
    /// The token's `sub`.
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The external group ids in the user's most recent token.
    pub groups_seen: Vec<String>,
    /// Groups the user was added to here (see `/v1/access-groups/{id}/members`).
    pub local_groups: Vec<i64>,
    pub active: bool,
    pub deactivated_at: Option<DateTime<FixedOffset>>,
    pub deactivation_reason: Option<String>,
    pub first_seen_at: DateTime<FixedOffset>,
    pub last_seen_at: DateTime<FixedOffset>,
    pub version: i64,
}

fn view(conn: &mut DbConnection, user: User) -> ApiResult<UserView> {
    let local_groups = members::groups_of(conn, &user.subject)?;
    Ok(UserView {
        id: user.id,
        groups_seen: serde_json::from_str(&user.groups_seen).unwrap_or_default(),
        subject: user.subject,
        name: user.name,
        email: user.email,
        local_groups,
        active: user.active,
        deactivated_at: user.deactivated_at.map(time::to_api),
        deactivation_reason: user.deactivation_reason,
        first_seen_at: time::to_api(user.first_seen_at),
        last_seen_at: time::to_api(user.last_seen_at),
        version: user.version,
    })
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
    let page = state
        .read(principal, move |conn, principal| {
            require_admin(principal)?;
            let rows = match &query.subject {
                Some(subject) => users::find_by_subject(conn, subject)?
                    .filter(|u| {
                        query.active.is_none_or(|a| u.active == a)
                            && u.id > page.after
                            && page.modified_since.is_none_or(|since| u.updated_at >= since)
                    })
                    .into_iter()
                    .collect(),
                None => users::list(conn, query.active, &page)?,
            };
            let page = pagination::page(rows, limit, |u| pagination::id_cursor(u.id), |u| u);
            let data = page.data.into_iter().map(|u| view(conn, u)).collect::<ApiResult<_>>()?;
            Ok(Page { data, next_cursor: page.next_cursor })
        })
        .await?;
    Ok(web::Json(page))
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
    let user = state
        .read(principal, move |conn, principal| {
            require_admin(principal)?;
            let user = users::find(conn, id)?.ok_or(ApiError::NotFound)?;
            view(conn, user)
        })
        .await?;
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
    let user = state
        .write(principal, move |conn, principal| {
            require_admin(principal)?;
            let user = users::find(conn, id)?.ok_or(ApiError::NotFound)?;
            if user.subject == principal.subject {
                return Err(ApiError::Conflict("You cannot deactivate yourself.".into()));
            }
            let old = view(conn, user.clone())?;
            let user = users::set_active(conn, &user, false, Some(input.reason), time::now())?;
            let new = view(conn, user)?;
            audit::change(conn, principal, "deactivate", &Object::new("user", new.id), Some(&old), Some(&new))?;
            Ok(new)
        })
        .await?;
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
    let user = state
        .write(principal, move |conn, principal| {
            require_admin(principal)?;
            let user = users::find(conn, id)?.ok_or(ApiError::NotFound)?;
            let old = view(conn, user.clone())?;
            let user = users::set_active(conn, &user, true, None, time::now())?;
            let new = view(conn, user)?;
            audit::change(conn, principal, "reactivate", &Object::new("user", new.id), Some(&old), Some(&new))?;
            Ok(new)
        })
        .await?;
    Ok(web::Json(user))
}
