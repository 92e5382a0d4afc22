//! Calendar feeds (iCalendar): a public committee's published meetings for anyone, and a personal
//! feed per user with every meeting they may read, behind a secret URL (calendar clients cannot send
//! bearer tokens) that the user can revoke.
//!
//! The personal feed answers as its user would be answered now: a user who has been deactivated, or
//! has lost their grants, gets an empty or no feed, at once.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

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
use crate::service::Expected;
use crate::service::access::ensure_room;
use crate::time;
use crate::views::calendar_feed::CalendarFeedView;

/// How far back a feed reaches; every future meeting is in it.
const HISTORY: Duration = Duration::days(365);

/// The most meetings one feed holds.
const MAX_EVENTS: i64 = 2000;

/// Personal feed tokens start with this, so that a leaked one is recognisable.
const TOKEN_PREFIX: &str = "dgsf_";

fn require_user(principal: &Principal) -> ApiResult<()> {
    if principal.client {
        Err(ApiError::Forbidden("Calendar feeds belong to users, not to service clients.".into()))
    } else {
        Ok(())
    }
}

/// What is stored of a feed's secret: its SHA-256, in hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
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

/// A new feed's secret: the prefix and 32 random bytes.
pub fn new_token() -> ApiResult<String> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(ApiError::internal)?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret)))
}

fn object(feed: &CalendarFeed) -> Object {
    Object::new("calendar_feed", feed.id)
}

/// The caller's feeds (with `since`, those made or used since).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<CalendarFeed>> {
    require_user(principal)?;
    Ok(modified_since(calendar_feeds::list(conn, &principal.subject)?, since))
}

/// Makes a feed for the caller, found later by the hash of its secret.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    name: Option<&str>,
    token_hash: &str,
) -> ApiResult<CalendarFeed> {
    require_user(principal)?;
    let count = calendar_feeds::count(conn, &principal.subject)?;
    ensure_room(count, limits::CALENDAR_FEEDS, "calendar feeds per user")?;
    let feed = calendar_feeds::create(conn, &principal.subject, name, token_hash, time::now())?;
    audit::created(conn, principal, &object(&feed), &CalendarFeedView::from(feed.clone()))?;
    Ok(feed)
}

pub fn read(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<CalendarFeed> {
    require_user(principal)?;
    calendar_feeds::find(conn, &principal.subject, id)?.ok_or(ApiError::NotFound)
}

/// Revokes one of the caller's feeds: its URL stops working at once.
pub fn revoke(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let feed = read(conn, principal, id)?;
    expected.check(feed.version)?;
    calendar_feeds::delete(conn, &feed)?;
    audit::deleted(conn, principal, &object(&feed), &CalendarFeedView::from(feed))
}

/// A committee's published meetings as an iCalendar document, for whoever may read what it
/// publishes; links point below `origin`, event ids name `host`.
pub fn committee_feed(
    conn: &mut DbConnection,
    visitor: Option<&Principal>,
    id: i64,
    (origin, host): (&str, &str),
    now: NaiveDateTime,
) -> ApiResult<String> {
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
            let latest = versions.iter().filter(|v| v.meeting_id == meeting.id).max_by_key(|v| v.published_at)?;
            Some(published_event(meeting, &committee.name, latest, origin, host))
        })
        .collect();
    Ok(feed(&committee.name, &events, now))
}

/// The personal feed whose secret hashes to `token_hash`, as its user may read now.
pub fn personal_feed(conn: &mut DbConnection, token_hash: &str, host: &str, now: NaiveDateTime) -> ApiResult<String> {
    let subscription = calendar_feeds::find_by_token_hash(conn, token_hash)?.ok_or(ApiError::NotFound)?;
    let principal = access::resolve_stored_user(conn, &subscription.subject)?.ok_or(ApiError::NotFound)?;
    calendar_feeds::record_use(conn, &subscription, now)?;
    let events = personal_events(conn, &principal, host)?;
    Ok(feed(subscription.name.as_deref().unwrap_or("Mine møder"), &events, now))
}
