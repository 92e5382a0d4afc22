//! Personal calendar feeds: one row per secret feed URL, found by the SHA-256 of its token.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::removed_one;

use super::DbConnection;
use super::error::StoreResult;
use super::schema::calendar_feeds as feeds;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = feeds)]
pub struct CalendarFeed {
    pub id: i64,
    pub subject: String,
    pub name: Option<String>,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub version: i64,
}

impl super::Modified for CalendarFeed {
    fn modified_at(&self) -> NaiveDateTime {
        self.created_at
    }
}

/// `last_used_at` is kept to this precision: a client polling every few minutes costs a write an hour.
const USE_PRECISION: Duration = Duration::hours(1);

pub fn list(conn: &mut DbConnection, subject: &str) -> QueryResult<Vec<CalendarFeed>> {
    feeds::table.filter(feeds::subject.eq(subject)).order(feeds::id).select(CalendarFeed::as_select()).load(conn)
}

pub fn find(conn: &mut DbConnection, subject: &str, id: i64) -> QueryResult<Option<CalendarFeed>> {
    feeds::table
        .filter(feeds::id.eq(id))
        .filter(feeds::subject.eq(subject))
        .select(CalendarFeed::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_token_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<CalendarFeed>> {
    feeds::table.filter(feeds::token_hash.eq(hash)).select(CalendarFeed::as_select()).first(conn).optional()
}

pub fn create(
    conn: &mut DbConnection,
    subject: &str,
    name: Option<&str>,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<CalendarFeed> {
    diesel::insert_into(feeds::table)
        .values((
            feeds::subject.eq(subject),
            feeds::name.eq(name),
            feeds::token_hash.eq(token_hash),
            feeds::created_at.eq(now),
            feeds::version.eq(1),
        ))
        .returning(feeds::all_columns)
        .get_result(conn)
}

/// Notes that the feed was fetched, at most once per [`USE_PRECISION`].
pub fn record_use(conn: &mut DbConnection, feed: &CalendarFeed, now: NaiveDateTime) -> QueryResult<()> {
    if feed.last_used_at.is_some_and(|at| now - at < USE_PRECISION) {
        return Ok(());
    }
    diesel::update(feeds::table.find(feed.id)).set(feeds::last_used_at.eq(now)).execute(conn).map(drop)
}

/// Revokes a feed: its URL stops working at once.
pub fn delete(conn: &mut DbConnection, current: &CalendarFeed) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(feeds, current)).execute(conn)?)
}

/// How many calendar feeds a user has.
pub fn count(conn: &mut DbConnection, subject: &str) -> QueryResult<i64> {
    feeds::table.filter(feeds::subject.eq(subject)).count().get_result(conn)
}
