//! Recording the audit trail: who did what, to what, when.
//!
//! A change is recorded in the transaction that makes it, so that a committed change always has its
//! record and a rolled-back one has none. Reads of closed content and denied attempts are queued and
//! written by the housekeeping thread within a second or so, off the request's path; a crash may lose
//! the last of those, never a change's. The housekeeping thread also seals new records into the hash
//! chain (see `domain::audit`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use serde::Serialize;

use crate::db::DbConnection;
use crate::db::audit::{self as store, NewEvent};
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::request_context;
use crate::time;

/// What a record is about.
#[derive(Clone, Debug)]
pub struct Object {
    pub kind: &'static str,
    pub id: Option<String>,
    /// The committee whose access rules apply to the record's values.
    pub committee: Option<i64>,
    /// The values include closed content.
    pub closed: bool,
}

impl Object {
    pub fn new(kind: &'static str, id: impl ToString) -> Object {
        Object { kind, id: Some(id.to_string()), committee: None, closed: false }
    }

    /// Something of a committee's: its record is shown to auditors as the committee's content is.
    pub fn of_committee(kind: &'static str, id: impl ToString, committee: i64, closed: bool) -> Object {
        Object { kind, id: Some(id.to_string()), committee: Some(committee), closed }
    }
}

/// Who acted.
pub struct Actor<'a> {
    pub subject: &'a str,
    pub kind: &'static str,
}

impl<'a> From<&'a Principal> for Actor<'a> {
    fn from(principal: &'a Principal) -> Self {
        Actor { subject: &principal.subject, kind: if principal.client { "client" } else { "user" } }
    }
}

fn json(value: Option<&impl Serialize>) -> Option<String> {
    value.and_then(|v| serde_json::to_string(v).ok())
}

pub fn event(
    actor: Actor<'_>,
    action: &str,
    object: &Object,
    old: Option<&impl Serialize>,
    new: Option<&impl Serialize>,
) -> NewEvent {
    NewEvent {
        occurred_at: time::now(),
        actor: actor.subject.to_owned(),
        actor_kind: actor.kind.to_owned(),
        action: action.to_owned(),
        object_type: object.kind.to_owned(),
        object_id: object.id.clone(),
        committee_id: object.committee,
        closed: object.closed,
        old_value: json(old),
        new_value: json(new),
        request_id: request_context::current(),
    }
}

/// Records a change in the caller's transaction: the change and its record commit together.
pub fn change(
    conn: &mut DbConnection,
    principal: &Principal,
    action: &str,
    object: &Object,
    old: Option<&impl Serialize>,
    new: Option<&impl Serialize>,
) -> ApiResult<()> {
    Ok(store::append(conn, &event(principal.into(), action, object, old, new))?)
}

pub fn created(conn: &mut DbConnection, principal: &Principal, object: &Object, new: &impl Serialize) -> ApiResult<()> {
    change(conn, principal, "create", object, None::<&()>, Some(new))
}

pub fn updated(
    conn: &mut DbConnection,
    principal: &Principal,
    object: &Object,
    old: &impl Serialize,
    new: &impl Serialize,
) -> ApiResult<()> {
    change(conn, principal, "update", object, Some(old), Some(new))
}

pub fn deleted(conn: &mut DbConnection, principal: &Principal, object: &Object, old: &impl Serialize) -> ApiResult<()> {
    change(conn, principal, "delete", object, Some(old), None::<&()>)
}

/// Queues a record of a read of closed content that is not an item itself (e.g. an allocation of a
/// closed item). Blocks while the queue is full, like [`closed_reads`].
pub fn closed_read(auditor: &Auditor, principal: &Principal, object: &Object) {
    auditor.later(event(principal.into(), "read", object, None::<&()>, None::<&()>));
}

/// Queues a record of each closed item the caller was shown in full. Blocks while the queue is full:
/// call it on the blocking thread that read the items.
pub fn closed_reads(auditor: &Auditor, principal: &Principal, committee: i64, items: &[i64]) {
    for item in items {
        let object = Object::of_committee("item", item, committee, true);
        auditor.later(event(principal.into(), "read", &object, None::<&()>, None::<&()>));
    }
}

/// The queue of records written by the housekeeping thread.
#[derive(Clone)]
pub struct Auditor {
    queue: SyncSender<NewEvent>,
    queued: Arc<AtomicUsize>,
}

/// Records waiting for the housekeeping thread; beyond this, recording waits for room.
const QUEUE: usize = 10_000;

impl Auditor {
    pub fn new() -> (Auditor, Receiver<NewEvent>, Arc<AtomicUsize>) {
        let (queue, receiver) = sync_channel(QUEUE);
        let queued = Arc::new(AtomicUsize::new(0));
        (Auditor { queue, queued: queued.clone() }, receiver, queued)
    }

    /// Queues a record. Blocks while the queue is full, so call it off the async workers.
    pub fn later(&self, event: NewEvent) {
        self.queued.fetch_add(1, Ordering::Relaxed);
        if self.queue.send(event).is_err() {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            log::error!("the audit queue is closed; a record was lost");
        }
    }

    /// Queues a record without waiting; when the queue is full the record is dropped and logged.
    /// For denied attempts, which a flood of bad requests must not turn into memory or waiting.
    pub fn try_later(&self, event: NewEvent) {
        match self.queue.try_send(event) {
            Ok(()) => {
                self.queued.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Full(event)) => {
                log::warn!("the audit queue is full; dropped a record of {} on {}", event.action, event.object_type);
            }
            Err(TrySendError::Disconnected(_)) => log::error!("the audit queue is closed; a record was lost"),
        }
    }

    /// Records waiting to be written.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }
}
