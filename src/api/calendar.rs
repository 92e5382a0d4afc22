//! Calendar feeds (iCalendar): a public committee's published meetings for anyone, and a personal
//! feed per user with every meeting they may read, behind a secret URL (calendar clients cannot send
//! bearer tokens) that the user can revoke.
//!
//! The personal feed answers as its user would be answered now: a user who has been deactivated, or
//! has lost their grants, gets an empty or no feed, at once.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, FixedOffset};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::line;
use super::extract::{IfMatch, JsonBody};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, Visitor, created, etagged};
use crate::audit::{self, Object};
use crate::db::calendar_feeds::{self, CalendarFeed};
use crate::db::meetings::{Meeting, MeetingFilter};
use crate::db::modified_since;
use crate::db::published::{Publication as Version, PublishedFilter};
use crate::db::{DbConnection, access, committees, meetings, published};
use crate::domain::MeetingStatus;
use crate::domain::access::{Principal, can_read_published};
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::render::calendar::{EventStatus, MeetingEvent, feed};
use crate::service::access::ensure_room;
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::People)
        .add(create, Access::People)
        .add(read, Access::FeedOwner)
        .add(revoke, Access::FeedOwner);
}

pub fn public_routes(cfg: &mut Routes) {
    cfg.add(committee_feed, Access::Public).add(personal_feed, Access::FeedSecret);
}

/// How far back a feed reaches; every future meeting is in it.
const HISTORY: Duration = Duration::days(365);
/// The most meetings one feed holds.
const MAX_EVENTS: i64 = 2000;
/// Personal feed tokens start with this, so that a leaked one is recognisable.
const TOKEN_PREFIX: &str = "dgsf_";

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "name": "Min kalender", "last_used_at": "2022-04-25T06:00:00+02:00", "version": 1, "created_at": "2022-04-19T09:15:00+02:00"})))]
pub struct CalendarFeedView {
    pub id: i64,
    pub name: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    /// The last time a calendar client fetched it (to the hour).
    pub last_used_at: Option<DateTime<FixedOffset>>,
    pub version: i64,
}

impl From<CalendarFeed> for CalendarFeedView {
    fn from(f: CalendarFeed) -> Self {
        CalendarFeedView {
            id: f.id,
            name: f.name,
            created_at: time::to_api(f.created_at),
            last_used_at: f.last_used_at.map(time::to_api),
            version: f.version,
        }
    }
}

/// A new feed, with its secret URL: shown this once, stored only as a hash.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "name": "Min kalender", "last_used_at": null, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "url": "/v1/public/calendar-feeds/dgsf_q3Rk9sVb7LmX2cT8yN4pW1eJ6hA0dF5gZ3uK8oI7sQw"})))]
pub struct NewCalendarFeedView {
    #[serde(flatten)]
    pub feed: CalendarFeedView,
    /// Subscribe to this in a calendar client; anyone holding it sees the meetings in it.
    pub url: String,
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

fn require_user(principal: &Principal) -> ApiResult<()> {
    if principal.client {
        Err(ApiError::Forbidden("Calendar feeds belong to users, not to service clients.".into()))
    } else {
        Ok(())
    }
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
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
    let rows = state
        .read(principal, move |conn, principal| {
            require_user(principal)?;
            Ok(modified_since(calendar_feeds::list(conn, &principal.subject)?, since))
        })
        .await?;
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
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(ApiError::internal)?;
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let token_hash = hash(&token);
    let feed = state
        .write(principal, move |conn, principal| {
            require_user(principal)?;
            let count = calendar_feeds::count(conn, &principal.subject)?;
            ensure_room(count, limits::CALENDAR_FEEDS, "calendar feeds per user")?;
            let feed =
                calendar_feeds::create(conn, &principal.subject, input.name.as_deref(), &token_hash, time::now())?;
            let object = Object::new("calendar_feed", feed.id);
            audit::created(conn, principal, &object, &CalendarFeedView::from(feed.clone()))?;
            Ok(feed)
        })
        .await?;
    let (origin, _) = origin(&req);
    let view = NewCalendarFeedView {
        url: format!("{origin}/v1/public/calendar-feeds/{token}"),
        feed: CalendarFeedView::from(feed),
    };
    Ok(created(format!("/v1/me/calendar-feeds/{}", view.feed.id), view.feed.version).json(view))
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
    let feed = state
        .read(principal, move |conn, principal| {
            require_user(principal)?;
            calendar_feeds::find(conn, &principal.subject, id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(etagged(StatusCode::OK, feed.version, true).json(CalendarFeedView::from(feed)))
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
    state
        .write(principal, move |conn, principal| {
            require_user(principal)?;
            let feed = calendar_feeds::find(conn, &principal.subject, id)?.ok_or(ApiError::NotFound)?;
            if_match.check(feed.version)?;
            calendar_feeds::delete(conn, &feed)?;
            audit::deleted(conn, principal, &Object::new("calendar_feed", feed.id), &CalendarFeedView::from(feed))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A published meeting as a calendar shows it: as its latest version published it, and cancelled
/// if it has been cancelled since.
fn published_event(meeting: &Meeting, committee: &str, latest: &Version, origin: &str, host: &str) -> MeetingEvent {
    let cancelled = meeting.status == MeetingStatus::Cancelled;
    MeetingEvent {
        uid: format!("meeting-{}@{host}", meeting.id),
        sequence: if cancelled { meeting.open_version } else { latest.open_meeting_version },
        summary: format!("{committee}: {}", latest.title),
        starts_at: latest.starts_at,
        ends_at: latest.ends_at,
        location: latest.location.clone(),
        description: None,
        url: Some(format!(
            "{origin}/v1/public/meetings/{}/published/{}/{}/html",
            meeting.id,
            latest.kind.as_ref(),
            latest.number
        )),
        status: if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed },
        last_modified: if cancelled { meeting.open_updated_at } else { latest.published_at },
    }
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
            let committee = committees::find(conn, id)?.ok_or(ApiError::NotFound)?;
            if !can_read_published(committee.publication, None, visitor.is_some()) {
                return Err(ApiError::Hidden);
            }
            let filter = PublishedFilter {
                levels: vec![committee.publication],
                committee_id: Some(committee.id),
                starts_from: Some(now - HISTORY),
                limit: MAX_EVENTS,
                ..PublishedFilter::default()
            };
            let rows = published::published_meetings(conn, &filter)?;
            let ids: Vec<i64> = rows.iter().map(|(m, _)| m.id).collect();
            let versions = published::list_for(conn, &ids)?;
            let events: Vec<MeetingEvent> = rows
                .iter()
                .filter_map(|(meeting, _)| {
                    let latest =
                        versions.iter().filter(|v| v.meeting_id == meeting.id).max_by_key(|v| v.published_at)?;
                    Some(published_event(meeting, &committee.name, latest, &origin, &host))
                })
                .collect();
            Ok(feed(&committee.name, &events, now))
        })
        .await?;
    Ok(calendar_response(body))
}

/// The meetings a user may read, for their personal feed: drafts as tentative.
fn personal_events(conn: &mut DbConnection, principal: &Principal, host: &str) -> ApiResult<Vec<MeetingEvent>> {
    let (committee_ids, kinds) = principal.readable_committees();
    let filter = MeetingFilter {
        committees: committee_ids,
        kinds,
        starts_from: Some(time::now() - HISTORY),
        limit: MAX_EVENTS,
        ..MeetingFilter::default()
    };
    let rows: Vec<Meeting> = meetings::list(conn, &filter)?.into_iter().map(|(meeting, _)| meeting).collect();
    let mut names: HashMap<i64, String> = HashMap::new();
    for meeting in &rows {
        if !names.contains_key(&meeting.committee_id)
            && let Some(committee) = committees::find(conn, meeting.committee_id)?
        {
            names.insert(committee.id, committee.name);
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| MeetingEvent {
            uid: format!("meeting-{}@{host}", m.id),
            // What a calendar shows of a meeting is its open part: its sequence and time of change
            // move only with that, whoever reads the feed.
            sequence: m.open_version,
            summary: format!("{}: {}", names.get(&m.committee_id).map_or("", String::as_str), m.title),
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            location: m.location.clone(),
            description: m.online_link.clone(),
            url: m.online_link.clone(),
            status: match m.status {
                MeetingStatus::Draft => EventStatus::Tentative,
                MeetingStatus::Cancelled => EventStatus::Cancelled,
                _ => EventStatus::Confirmed,
            },
            last_modified: m.open_updated_at,
        })
        .collect())
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
    let token_hash = hash(&token.into_inner());
    let (_, host) = origin(&req);
    let now = time::now();
    let body = state
        .read_public(None, move |conn, _| {
            let subscription = calendar_feeds::find_by_token_hash(conn, &token_hash)?.ok_or(ApiError::NotFound)?;
            let principal = access::resolve_stored_user(conn, &subscription.subject)?.ok_or(ApiError::NotFound)?;
            calendar_feeds::record_use(conn, &subscription, now)?;
            let events = personal_events(conn, &principal, &host)?;
            Ok(feed(subscription.name.as_deref().unwrap_or("Mine møder"), &events, now))
        })
        .await?;
    Ok(calendar_response(body))
}
