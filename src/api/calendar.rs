//! Calendar feeds (iCalendar): a public committee's published meetings for anyone, and a personal
//! feed per user with every meeting they may read, behind a secret URL (calendar clients cannot send
//! bearer tokens) that the user can revoke.
//!
//! The personal feed answers as its user would be answered now: a user who has been deactivated, or
//! has lost their grants, gets an empty or no feed, at once.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::line;
use super::extract::{IfMatch, JsonBody};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, Visitor, created_at, current, removed};
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::calendars;
use crate::time;
use crate::views::calendar_feed::{CalendarFeedView, NewCalendarFeedView};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::People)
        .add(create, Access::People)
        .add(read, Access::FeedOwner)
        .add(revoke, Access::FeedOwner);
}

pub fn public_routes(cfg: &mut Routes) {
    cfg.add(committee_feed, Access::Public).add(personal_feed, Access::FeedSecret);
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Min kalender"})))]
pub struct NewCalendarFeed {
    /// What the feed is for, e.g. "Outlook på telefonen".
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: Option<String>,
}

/// The service's own address as the client reached it, for absolute links in feeds.
fn origin(req: &HttpRequest) -> (String, String) {
    let info = req.connection_info();
    let host: String =
        info.host().chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    let host = if host.is_empty() { "localhost".to_owned() } else { host };
    (format!("{}://{host}", info.scheme()), host)
}

fn calendar_response(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(body)
}

/// The caller's personal calendar feeds.
#[utoipa::path(
    tag = "calendars", operation_id = "listCalendarFeeds",
    params(SinceQuery),
    responses(
        (status = OK, description = "The caller's calendar feeds (without their secrets).", body = Vec<CalendarFeedView>),
    )
)]
#[get("/me/calendar-feeds")]
async fn list(
    state: State,
    principal: Authenticated,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<CalendarFeedView>>> {
    let since = since.0.since();
    let rows = state.read(principal, move |conn, principal| calendars::list(conn, principal, since)).await?;
    Ok(web::Json(rows.into_iter().map(CalendarFeedView::from).collect()))
}

/// Make a personal calendar feed: every meeting the caller may read, at a secret URL to subscribe to
/// in a calendar client. The URL is in this answer only.
#[utoipa::path(
    tag = "calendars", operation_id = "createCalendarFeed",
    request_body = NewCalendarFeed,
    responses(
        (status = CREATED, description = "The new feed with its secret URL, shown this once.", body = NewCalendarFeedView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/me/calendar-feeds")]
async fn create(
    state: State,
    principal: Principal,
    req: HttpRequest,
    body: JsonBody<NewCalendarFeed>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let token = calendars::new_token()?;
    let token_hash = calendars::hash(&token);
    let feed = state
        .write(principal, move |conn, principal| calendars::create(conn, principal, input.name.as_deref(), &token_hash))
        .await?;
    let (origin, _) = origin(&req);
    let view = NewCalendarFeedView {
        url: format!("{origin}/v1/public/calendar-feeds/{token}"),
        feed: CalendarFeedView::from(feed),
    };
    Ok(created_at(format!("/v1/me/calendar-feeds/{}", view.feed.id), view.feed.version).json(view))
}

/// One of the caller's calendar feeds (without its URL).
#[utoipa::path(
    tag = "calendars", operation_id = "getCalendarFeed",
    params(("id" = i64, Path, description = "Feed id")),
    responses(
        (status = OK, description = "The feed (without its secret).", body = CalendarFeedView, headers(("ETag" = String))),
    )
)]
#[get("/me/calendar-feeds/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let feed = state.read(principal, move |conn, principal| calendars::read(conn, principal, id)).await?;
    Ok(current(CalendarFeedView::from(feed)))
}

/// Revoke a calendar feed: its URL stops working at once.
#[utoipa::path(
    tag = "calendars", operation_id = "revokeCalendarFeed",
    params(("id" = i64, Path, description = "Feed id"), ("If-Match" = String, Header, description = "ETag of the feed")),
    responses(
        (status = NO_CONTENT, description = "Revoked."),
    )
)]
#[delete("/me/calendar-feeds/{id}")]
async fn revoke(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(principal, move |conn, principal| calendars::revoke(conn, principal, id, &if_match)).await.map(removed)
}

/// A committee's published meetings, as a calendar to subscribe to: the public committees' for
/// anyone. Each meeting is shown as its latest published version has it.
#[utoipa::path(
    tag = "public", operation_id = "getCommitteeCalendar",
    params(("id" = i64, Path, description = "Committee id")),
    responses((status = OK, description = "An iCalendar feed.", content_type = "text/calendar", body = String)),
    security((), ("bearer" = []))
)]
#[get("/committees/{id}/calendar.ics")]
async fn committee_feed(
    state: State,
    visitor: Visitor,
    id: web::Path<i64>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (origin, host) = origin(&req);
    let now = time::now();
    let body = state
        .read_public(visitor.0, move |conn, visitor| {
            calendars::committee_feed(conn, visitor, id, (&origin, &host), now)
        })
        .await?;
    Ok(calendar_response(body))
}

/// A personal calendar feed: every meeting its user may read now, from a year ago on. The token is
/// the secret part of the URL made at `POST /v1/me/calendar-feeds`.
#[utoipa::path(
    tag = "public", operation_id = "getPersonalCalendar",
    params(("token" = String, Path, description = "The feed's secret", pattern = "^dgsf_[A-Za-z0-9_-]{43}$", max_length = 48)),
    responses((status = OK, description = "An iCalendar feed.", content_type = "text/calendar", body = String)),
    security(())
)]
#[get("/calendar-feeds/{token}")]
async fn personal_feed(state: State, token: web::Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token_hash = calendars::hash(&token.into_inner());
    let (_, host) = origin(&req);
    let now = time::now();
    let body = state.read_public(None, move |conn, _| calendars::personal_feed(conn, &token_hash, &host, now)).await?;
    Ok(calendar_response(body))
}
