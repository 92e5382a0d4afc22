//! A personal calendar feed as the API shows it (its secret URL only the once it is made).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::calendar_feeds::CalendarFeed;
use crate::time;

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
