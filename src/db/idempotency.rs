//! Idempotency keys: the first request with a key reserves it; its answer is stored for retries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

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

/// Reserves the key for a request; if it is taken (and not expired), returns what holds it.
pub fn reserve(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    fingerprint: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<Option<Stored>> {
    let held =
        |conn: &mut DbConnection| keys::table.find((subject, key)).select(Stored::as_select()).first(conn).optional();
    if let Some(existing) = held(conn)? {
        if existing.expires_at > now {
            return Ok(Some(existing));
        }
        diesel::delete(keys::table.find((subject, key))).execute(conn)?;
    }
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::subject.eq(subject),
            keys::request_key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::created_at.eq(now),
            keys::expires_at.eq(expires_at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(None),
        // Another request with the same key reserved it in between.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => held(conn),
        Err(other) => Err(other),
    }
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
    diesel::update(keys::table.find((subject, key)))
        .set((keys::status.eq(status), keys::headers.eq(headers), keys::body.eq(body)))
        .execute(conn)
        .map(drop)
}

/// Frees the key after a failure the client may retry (a 5xx).
pub fn release(conn: &mut DbConnection, subject: &str, key: &str) -> QueryResult<()> {
    diesel::delete(keys::table.find((subject, key))).execute(conn).map(drop)
}

/// Forgets expired keys.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(keys::table.filter(keys::expires_at.le(now))).execute(conn)
}
