//! Delivering webhooks: the background work of one instance, beside `housekeeping`.
//!
//! The outbox is the change feed's table, written by triggers in the transaction of every change
//! (see the `changes` migration): an acknowledged change always has its row. This worker
//!
//! 1. queues, for each enabled subscription, the changes after its cursor that its owner may see
//!    (the change feed's own filter) and moves the cursor past them, in one transaction;
//! 2. takes the deliveries that are due under a lease, makes each one's body as the owner may see
//!    the resource now (the feed's entry), signs it (Standard Webhooks) and sends it;
//! 3. records each attempt: delivered, to be retried (after a growing wait), failed, or skipped
//!    (the owner can no longer sign in, or no longer sees the change).
//!
//! A crash between sending and recording leaves the delivery under its lease; when the lease runs
//! out it is sent again, with the same `webhook-id`, so that a receiver can tell a repeat. Several
//! instances share the work: queueing moves a cursor only from where it was found, and a lease
//! keeps a delivery to one instance.

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Auditor;
use crate::config::WebhookOptions;
use crate::db::StoreError;
use crate::db::webhooks::{self as store, Attempt, Delivery, Status, Subscription};
use crate::db::{Database, DbConnection, access, changes, write_transaction};
use crate::domain::access::Principal;
use crate::domain::webhooks::{AfterAttempt, after_attempt, signature};
use crate::error::ApiResult;
use crate::service::changes::{filter_for, page};
use crate::time;
use crate::views::change::ChangeEntry;

/// How often the worker looks for work when nothing wakes it.
const TICK: Duration = Duration::from_millis(500);
/// Changes queued for one subscription at a time.
const QUEUE_BATCH: i64 = 200;
/// Subscriptions queued for in one round.
const SUBSCRIPTIONS_PER_ROUND: i64 = 100;
/// Deliveries sent at once (each on its own thread).
const PARALLEL: usize = 8;
/// How often old delivery records are removed.
const CLEANUP: Duration = Duration::from_secs(600);
/// How much of a receiver's answer to a failed delivery is kept, to show with it.
const ANSWER_KEPT: usize = 500;

/// What a receiver is sent: Standard Webhooks' envelope around the change feed's entry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"type": "minutes.published", "timestamp": "2022-04-27T09:00:01+02:00", "data": {"cursor": "id.4711", "occurred_at": "2022-04-27T09:00:00+02:00", "event": "minutes.published", "resource": "publication", "id": 2, "committee_id": 1, "meeting_id": 1, "action": "create", "data": {"kind": "minutes", "number": 1, "meeting_version": 21, "published_at": "2022-04-27T09:00:00+02:00", "reason": null}}})))]
pub struct WebhookPayload {
    /// The event, e.g. `agenda.published`.
    #[serde(rename = "type")]
    pub event: crate::domain::events::Event,
    /// When this body was made (the change's own time is `data.occurred_at`).
    pub timestamp: DateTime<FixedOffset>,
    /// The change, as `GET /v1/changes` gives it to the subscription's owner: `data.data` is the
    /// resource as the owner may see it now, or `null`.
    pub data: ChangeEntry,
}

/// Wakes the worker after a change is committed, so that deliveries go out at once rather than at
/// the next tick. Dropping every `Wake` stops the worker.
#[derive(Clone)]
pub struct Wake(SyncSender<()>);

impl Wake {
    pub fn now(&self) {
        // A wake-up already waiting is as good as another.
        let _ = self.0.try_send(());
    }
}

/// The worker thread of one instance: it ends when every [`Wake`] is dropped (with the service).
pub struct Worker {
    work: Work,
    wake: Receiver<()>,
}

/// What the worker and its sending threads share.
struct Work {
    db: Database,
    auditor: Auditor,
    options: WebhookOptions,
}

impl Worker {
    pub fn new(db: Database, auditor: Auditor, options: WebhookOptions) -> (Worker, Wake) {
        let (sender, wake) = sync_channel(1);
        (Worker { work: Work { db, auditor, options }, wake }, Wake(sender))
    }

    pub fn spawn(self) -> JoinHandle<()> {
        std::thread::Builder::new().name("webhooks".into()).spawn(move || self.run()).expect("a thread")
    }

    fn run(self) {
        let work = &self.work;
        let agent = crate::outbound::webhook_agent(work.options.timeout, work.options.allowed_networks.clone());
        let mut last_cleanup = Instant::now();
        // Woken by a commit, or after a tick; until the service is gone.
        while let Ok(()) | Err(RecvTimeoutError::Timeout) = self.wake.recv_timeout(TICK) {
            if let Err(e) = work.queue() {
                log::warn!("cannot queue webhook deliveries yet: {e}");
            }
            // Send while there is work due: a backlog goes out without waiting for ticks.
            loop {
                match work.send_due(&agent) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        log::warn!("cannot send webhook deliveries yet: {e}");
                        break;
                    }
                }
            }
            if last_cleanup.elapsed() >= CLEANUP {
                work.cleanup();
                last_cleanup = Instant::now();
            }
        }
    }
}

impl Work {
    /// Queues the changes each subscription's owner may see, up to the newest.
    fn queue(&self) -> ApiResult<()> {
        let now = time::now();
        self.db.blocking(|conn| {
            let newest = changes::newest(conn)?;
            for subscription in store::behind(conn, newest, SUBSCRIPTIONS_PER_ROUND)? {
                // An owner that cannot sign in (a deactivated user, a disabled client) is sent
                // nothing: what changes meanwhile is passed over (the change feed has it).
                let (queued, to) = match owner(conn, &subscription)? {
                    None => (Vec::new(), newest),
                    Some(owner) => {
                        let events = subscription.events();
                        let mut filter = filter_for(&owner, subscription.last_change_id, QUEUE_BATCH, events);
                        filter.until = newest;
                        let rows = changes::list(conn, &filter)?;
                        let to = match rows.last() {
                            Some((last, _)) if rows.len() as i64 == QUEUE_BATCH => last.id,
                            _ => newest,
                        };
                        (rows.into_iter().map(|(c, _)| (c.id, c.event)).collect::<Vec<_>>(), to)
                    }
                };
                write_transaction(conn, |conn| {
                    store::enqueue(conn, subscription.id, subscription.last_change_id, to, &queued, now)
                })?;
            }
            Ok(())
        })
    }

    /// Sends the deliveries that are due; how many it took.
    fn send_due(&self, agent: &ureq::Agent) -> ApiResult<usize> {
        let now = time::now();
        // Long enough for the attempt to end (the agent's timeout) before anyone else takes it.
        let lease = chrono::Duration::from_std(self.options.timeout * 2 + Duration::from_secs(5))
            .unwrap_or(chrono::Duration::seconds(60));
        let claimed = self.db.blocking::<_, StoreError, _>(|conn| {
            Ok(write_transaction(conn, |conn| store::claim_due(conn, now, now + lease, PARALLEL))?)
        })?;
        let count = claimed.len();
        std::thread::scope(|scope| {
            for delivery in claimed {
                scope.spawn(move || {
                    if let Err(e) = self.deliver(agent, &delivery) {
                        // The lease runs out and the delivery is taken again.
                        log::warn!("webhook delivery {} was not sent: {e}", delivery.id);
                    }
                });
            }
        });
        Ok(count)
    }

    /// Makes one attempt at a delivery and records how it went.
    fn deliver(&self, agent: &ureq::Agent, delivery: &Delivery) -> ApiResult<()> {
        let prepared = self.db.blocking(|conn| -> ApiResult<_> {
            let Some(subscription) = store::find(conn, delivery.subscription_id)? else { return Ok(None) };
            let Some(owner) = owner(conn, &subscription)? else {
                store::skip(conn, delivery, "its owner can no longer sign in")?;
                return Ok(None);
            };
            // The change as the owner may see it now: the feed's entry for it, if the feed still
            // shows it to the owner.
            let filter = filter_for(&owner, delivery.change_id - 1, 1, Vec::new());
            let entry = page(conn, &owner, &self.auditor, filter)?
                .data
                .into_iter()
                .find(|entry| entry.cursor == crate::views::id_cursor(delivery.change_id));
            let Some(entry) = entry else {
                store::skip(conn, delivery, "its owner no longer sees the change")?;
                return Ok(None);
            };
            let payload = WebhookPayload { event: entry.event, timestamp: time::to_api(time::now()), data: entry };
            let body = serde_json::to_vec(&payload).map_err(crate::error::ApiError::internal)?;
            Ok(Some((subscription, body)))
        })?;
        let Some((subscription, body)) = prepared else { return Ok(()) };

        let (status, error) = send(agent, &subscription, delivery, &body);
        let attempts = u32::try_from(delivery.attempts).unwrap_or(0) + 1;
        let next = after_attempt(status, attempts, self.options.max_attempts, self.options.first_retry);
        let at = time::now();
        let attempt = Attempt {
            at,
            status,
            error,
            next: match next {
                AfterAttempt::Delivered => Status::Delivered,
                AfterAttempt::Retry(_) => Status::Pending,
                AfterAttempt::Failed | AfterAttempt::Gone => Status::Failed,
            },
            retry_at: match next {
                AfterAttempt::Retry(wait) => chrono::Duration::from_std(wait).ok().map(|wait| at + wait),
                _ => None,
            },
        };
        self.db.blocking(|conn| {
            write_transaction(conn, |conn| {
                store::record(conn, delivery, &attempt)?;
                if next == AfterAttempt::Gone {
                    store::disable(conn, subscription.id, "the receiver answered 410 Gone", at)?;
                }
                Ok(())
            })
        })
    }

    fn cleanup(&self) {
        if self.options.retention_days == 0 {
            return;
        }
        let before = time::now() - chrono::Duration::days(i64::from(self.options.retention_days));
        match self.db.blocking::<_, StoreError, _>(|conn| Ok(store::prune(conn, before)?)) {
            Ok(n) if n > 0 => log::info!("removed {n} webhook delivery records past their retention"),
            Ok(_) => {}
            Err(e) => log::warn!("cannot remove old webhook delivery records: {e}"),
        }
    }
}

/// The subscription's owner as it is now: `None` when it can no longer sign in.
fn owner(conn: &mut DbConnection, subscription: &Subscription) -> ApiResult<Option<Principal>> {
    if subscription.owner_is_client {
        Ok(access::resolve_stored_client(conn, &subscription.owner_subject)?)
    } else {
        Ok(access::resolve_stored_user(conn, &subscription.owner_subject)?)
    }
}

/// Sends one attempt; the receiver's status, or why there was none, and what it said when it was
/// not a success.
fn send(
    agent: &ureq::Agent,
    subscription: &Subscription,
    delivery: &Delivery,
    body: &[u8],
) -> (Option<u16>, Option<String>) {
    let id = crate::domain::webhooks::message_id(delivery.id);
    let timestamp = chrono::Utc::now().timestamp();
    let signed = signature(&subscription.secret, &id, timestamp, body);
    let sent = agent
        .post(&subscription.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signed)
        .send(body);
    match sent {
        Ok(mut response) => {
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                return (Some(status), None);
            }
            let said = response.body_mut().with_config().limit(64 * 1024).read_to_string().unwrap_or_default();
            let said: String = said.chars().take(ANSWER_KEPT).collect();
            let error = match status {
                300..=399 => format!("answered {status}: redirects are not followed"),
                _ if said.trim().is_empty() => format!("answered {status}"),
                _ => format!("answered {status}: {}", said.trim()),
            };
            (Some(status), Some(error))
        }
        Err(e) => (None, Some(e.to_string())),
    }
}
