//! Webhook subscriptions and their deliveries (see the `webhooks` migration): what is queued for whom,
//! which instance is sending what, and how each attempt went.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::{StoreError, StoreResult};
use super::removed_one;
use super::schema::{webhook_deliveries as deliveries, webhook_subscriptions as subscriptions};
use super::{DbConnection, IdPage};
use crate::domain::events::Event;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: i64,
    /// A user's `sub` or a client's `client_id`.
    pub owner_subject: String,
    pub owner_is_client: bool,
    pub url: String,
    /// Comma-separated event names; empty for all (see [`Subscription::events`]).
    pub events: String,
    pub description: Option<String>,
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// The changes up to this id have been queued.
    pub last_change_id: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Subscription {
    pub fn events(&self) -> Vec<Event> {
        self.events.split(',').filter_map(|e| e.parse().ok()).collect()
    }

    pub fn fields(&self) -> SubscriptionFields {
        SubscriptionFields {
            url: self.url.clone(),
            events: self.events(),
            description: self.description.clone(),
            enabled: self.enabled,
        }
    }

    pub fn owned_by(&self, subject: &str, client: bool) -> bool {
        self.owner_subject == subject && self.owner_is_client == client
    }
}

/// What the owner sets about a subscription.
#[derive(Clone, Debug)]
pub struct SubscriptionFields {
    pub url: String,
    pub events: Vec<Event>,
    pub description: Option<String>,
    pub enabled: bool,
}

impl super::Modified for Subscription {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

/// Makes a subscription that queues the changes after `after_change` (those committed later).
pub fn create(
    conn: &mut DbConnection,
    owner: (&str, bool),
    fields: &SubscriptionFields,
    secret: &str,
    after_change: i64,
    now: NaiveDateTime,
) -> QueryResult<Subscription> {
    diesel::insert_into(subscriptions::table)
        .values((
            subscriptions::owner_subject.eq(owner.0),
            subscriptions::owner_is_client.eq(owner.1),
            subscriptions::url.eq(&fields.url),
            subscriptions::events.eq(event_names(&fields.events)),
            subscriptions::description.eq(&fields.description),
            subscriptions::secret.eq(secret),
            subscriptions::enabled.eq(fields.enabled),
            subscriptions::last_change_id.eq(after_change),
            subscriptions::version.eq(1),
            subscriptions::created_at.eq(now),
            subscriptions::updated_at.eq(now),
        ))
        .returning(subscriptions::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Subscription>> {
    subscriptions::table.find(id).select(Subscription::as_select()).first(conn).optional()
}

/// A page of subscriptions: the owner's, or every one (`owner` none, for admins).
pub fn list(conn: &mut DbConnection, owner: Option<(&str, bool)>, page: &IdPage) -> QueryResult<Vec<Subscription>> {
    let mut query = subscriptions::table
        .filter(subscriptions::id.gt(page.after))
        .order(subscriptions::id)
        .limit(page.limit)
        .select(Subscription::as_select())
        .into_boxed();
    if let Some((subject, client)) = owner {
        query =
            query.filter(subscriptions::owner_subject.eq(subject)).filter(subscriptions::owner_is_client.eq(client));
    }
    if let Some(since) = page.modified_since {
        query = query.filter(subscriptions::updated_at.ge(since));
    }
    query.load(conn)
}

/// Changes a subscription that is still at `current`'s version (412 otherwise). Turning it on
/// again clears why it was turned off.
pub fn update(
    conn: &mut DbConnection,
    current: &Subscription,
    fields: &SubscriptionFields,
    now: NaiveDateTime,
) -> StoreResult<Subscription> {
    let reason = if fields.enabled { None } else { current.disabled_reason.clone() };
    diesel::update(at_version!(subscriptions, current))
        .set((
            subscriptions::url.eq(&fields.url),
            subscriptions::events.eq(event_names(&fields.events)),
            subscriptions::description.eq(&fields.description),
            subscriptions::enabled.eq(fields.enabled),
            subscriptions::disabled_reason.eq(reason),
            subscriptions::version.eq(current.version + 1),
            subscriptions::updated_at.eq(now),
        ))
        .returning(subscriptions::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn set_secret(
    conn: &mut DbConnection,
    current: &Subscription,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<Subscription> {
    diesel::update(subscriptions::table.find(current.id))
        .set((
            subscriptions::secret.eq(secret),
            subscriptions::version.eq(subscriptions::version + 1),
            subscriptions::updated_at.eq(now),
        ))
        .returning(subscriptions::all_columns)
        .get_result(conn)
}

/// Turns a subscription off for a reason of the service's (the receiver answered 410 Gone).
pub fn disable(conn: &mut DbConnection, id: i64, reason: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set((
            subscriptions::enabled.eq(false),
            subscriptions::disabled_reason.eq(reason),
            subscriptions::version.eq(subscriptions::version + 1),
            subscriptions::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Deletes a subscription at `current`'s version (412 otherwise), with its deliveries.
pub fn delete(conn: &mut DbConnection, current: &Subscription) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(subscriptions, current)).execute(conn)?)
}

/// Deletes the subscriptions of an owner that no longer exists (a removed client).
pub fn delete_owned_by(conn: &mut DbConnection, subject: &str, client: bool) -> QueryResult<usize> {
    diesel::delete(
        subscriptions::table
            .filter(subscriptions::owner_subject.eq(subject))
            .filter(subscriptions::owner_is_client.eq(client)),
    )
    .execute(conn)
}

/// The enabled subscriptions with changes to queue: those behind `newest`.
pub fn behind(conn: &mut DbConnection, newest: i64, limit: i64) -> QueryResult<Vec<Subscription>> {
    subscriptions::table
        .filter(subscriptions::enabled.eq(true))
        .filter(subscriptions::last_change_id.lt(newest))
        .order(subscriptions::id)
        .limit(limit)
        .select(Subscription::as_select())
        .load(conn)
}

/// Queues these changes for the subscription and moves it on to `to`, if it is still where the
/// caller found it (`from`): of two instances queueing at once, one does. Returns whether it did.
pub fn enqueue(
    conn: &mut DbConnection,
    subscription: i64,
    from: i64,
    to: i64,
    changes: &[(i64, String)],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        subscriptions::table.filter(subscriptions::id.eq(subscription)).filter(subscriptions::last_change_id.eq(from)),
    )
    .set(subscriptions::last_change_id.eq(to))
    .execute(conn)?;
    if moved == 0 {
        return Ok(false);
    }
    for (change, event) in changes {
        diesel::insert_into(deliveries::table)
            .values((
                deliveries::subscription_id.eq(subscription),
                deliveries::change_id.eq(change),
                deliveries::event.eq(event),
                deliveries::status.eq(Status::Pending.as_str()),
                deliveries::attempts.eq(0),
                deliveries::next_attempt_at.eq(now),
                deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Every attempt failed.
    Failed,
    /// Not sent: its owner can no longer sign in, or no longer sees the change.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Delivered => "delivered",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub change_id: i64,
    pub event: String,
    /// One of [`Status`].
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub leased_until: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Takes up to `limit` deliveries that are due and that no instance is sending, and leases them to
/// the caller until `until`: the oldest due of each subscription with none under lease, so that a
/// healthy receiver gets a subscription's changes in commit order and a long backlog of one
/// subscription holds back no other.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: usize,
) -> QueryResult<Vec<Delivery>> {
    // A turned-off subscription's deliveries wait until it is turned on again.
    let enabled = subscriptions::table.filter(subscriptions::enabled.eq(true)).select(subscriptions::id);
    let pending = deliveries::table
        .filter(deliveries::status.eq(Status::Pending.as_str()))
        .filter(deliveries::subscription_id.eq_any(enabled));
    let busy: Vec<i64> =
        pending.filter(deliveries::leased_until.gt(now)).select(deliveries::subscription_id).distinct().load(conn)?;
    let oldest: Vec<(i64, Option<i64>)> = pending
        .filter(deliveries::next_attempt_at.le(now))
        .group_by(deliveries::subscription_id)
        .select((deliveries::subscription_id, diesel::dsl::min(deliveries::id)))
        .load(conn)?;
    let mut ids: Vec<i64> =
        oldest.into_iter().filter(|(subscription, _)| !busy.contains(subscription)).filter_map(|(_, id)| id).collect();
    ids.sort_unstable();
    ids.truncate(limit);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(deliveries::table.filter(deliveries::id.eq_any(&ids)))
        .set(deliveries::leased_until.eq(until))
        .execute(conn)?;
    deliveries::table.filter(deliveries::id.eq_any(&ids)).order(deliveries::id).select(Delivery::as_select()).load(conn)
}

/// How an attempt went.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub at: NaiveDateTime,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Where the delivery goes from here, and when it is tried next.
    pub next: Status,
    pub retry_at: Option<NaiveDateTime>,
}

/// Records an attempt and gives up the lease.
pub fn record(conn: &mut DbConnection, delivery: &Delivery, attempt: &Attempt) -> QueryResult<()> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::status.eq(attempt.next.as_str()),
            deliveries::attempts.eq(delivery.attempts + 1),
            deliveries::next_attempt_at.eq(attempt.retry_at),
            deliveries::leased_until.eq(None::<NaiveDateTime>),
            deliveries::last_attempt_at.eq(attempt.at),
            deliveries::last_status.eq(attempt.status.map(i32::from)),
            deliveries::last_error.eq(&attempt.error),
            deliveries::delivered_at.eq((attempt.next == Status::Delivered).then_some(attempt.at)),
        ))
        .execute(conn)
        .map(drop)
}

/// Marks a delivery as not sent, and why; it makes no attempt.
pub fn skip(conn: &mut DbConnection, delivery: &Delivery, reason: &str) -> QueryResult<()> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::status.eq(Status::Skipped.as_str()),
            deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
            deliveries::leased_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(reason),
        ))
        .execute(conn)
        .map(drop)
}

/// A page of a subscription's deliveries, newest first, of one status if given.
pub fn list_deliveries(
    conn: &mut DbConnection,
    subscription: i64,
    status: Option<Status>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    let mut query = deliveries::table
        .filter(deliveries::subscription_id.eq(subscription))
        .order(deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(deliveries::status.eq(status.as_str()));
    }
    if let Some(before) = before {
        query = query.filter(deliveries::id.lt(before));
    }
    query.load(conn)
}

pub fn find_delivery(conn: &mut DbConnection, subscription: i64, id: i64) -> QueryResult<Option<Delivery>> {
    deliveries::table
        .filter(deliveries::id.eq(id))
        .filter(deliveries::subscription_id.eq(subscription))
        .select(Delivery::as_select())
        .first(conn)
        .optional()
}

/// Queues a delivery that failed or was skipped for one more attempt now.
pub fn retry(conn: &mut DbConnection, delivery: &Delivery, now: NaiveDateTime) -> QueryResult<Delivery> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((deliveries::status.eq(Status::Pending.as_str()), deliveries::next_attempt_at.eq(now)))
        .returning(deliveries::all_columns)
        .get_result(conn)
}

/// Removes the records of finished deliveries made before `before`.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        deliveries::table
            .filter(deliveries::status.ne(Status::Pending.as_str()))
            .filter(deliveries::created_at.lt(before)),
    )
    .execute(conn)
}

/// Events as stored: their names, comma-separated.
fn event_names(events: &[Event]) -> String {
    events.iter().map(|e| e.name()).collect::<Vec<_>>().join(",")
}
