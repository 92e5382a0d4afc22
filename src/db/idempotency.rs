//! Idempotency keys: the first request with a key reserves it; its answer is stored for retries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::idempotency_keys as keys;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = keys)]
pub struct Stored {
    pub subject: String,
    pub request_key: String,
    pub fingerprint: String,
    /// `None` while the first request is still being handled.
    pub status: Option<i32>,
    /// The answer's headers worth replaying, as a JSON object.
    pub headers: Option<String>,
    pub body: Option<Vec<u8>>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// What holds the key now, if anything (an expired key holds nothing).
pub fn find(conn: &mut DbConnection, subject: &str, key: &str, now: NaiveDateTime) -> QueryResult<Option<Stored>> {
    keys::table.find((subject, key)).filter(keys::expires_at.gt(now)).select(Stored::as_select()).first(conn).optional()
}

/// Takes the key for a request, in its write transaction; if it is held (and not expired), returns
/// what holds it.
pub fn take(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    fingerprint: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<Option<Stored>> {
    if let Some(existing) = keys::table.find((subject, key)).select(Stored::as_select()).first(conn).optional()? {
        if existing.expires_at > now {
            return Ok(Some(existing));
        }
        diesel::delete(keys::table.find((subject, key))).execute(conn)?;
    }
    diesel::insert_into(keys::table)
        .values((
            keys::subject.eq(subject),
            keys::request_key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::created_at.eq(now),
            keys::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(None)
}

/// Stores the answer to the request that reserved the key.
pub fn complete(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    status: i32,
    headers: &str,
    body: &[u8],
) -> QueryResult<()> {
    // Only a key still waiting for its answer: one answer per key, never overwritten.
    diesel::update(keys::table.find((subject, key)).filter(keys::status.is_null()))
        .set((keys::status.eq(status), keys::headers.eq(headers), keys::body.eq(body)))
        .execute(conn)
        .map(drop)
}

/// Forgets expired keys.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(keys::table.filter(keys::expires_at.le(now))).execute(conn)
}
