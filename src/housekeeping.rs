//! The background work of one instance: writing queued audit records, sealing the audit chain,
//! forgetting expired idempotency keys and quiet rate-limit callers, and pruning audit records past
//! their retention. One thread; it ends when the service's application state is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::db::StoreError;
use crate::db::audit::{self, NewEvent};
use crate::db::{Database, idempotency, write_transaction};
use crate::time;

/// How often queued records are written and new records sealed. The thread sleeps in between rather
/// than waiting on the queue, so that a record queued by a request wakes nobody: under load a tick's
/// records go in one transaction, instead of a transaction (and two thread switches) for every few.
const TICK: Duration = Duration::from_millis(250);
/// How often expired keys and old records are removed.
const CLEANUP: Duration = Duration::from_secs(600);
/// The most records sealed in one transaction.
const BATCH: usize = 1000;
/// How often the chain's head is logged while records are being sealed: the log is kept apart from
/// the database, so a head there shows it if the newest records are removed later.
const HEAD_LOGGED: Duration = Duration::from_secs(60);

pub struct Housekeeping {
    pub db: Database,
    pub events: Receiver<NewEvent>,
    pub queued: Arc<AtomicUsize>,
    /// Lets the HTTP layer's rate limiters forget callers that have gone quiet (kept as a closure,
    /// so that this thread needs nothing of the HTTP layer).
    pub forget_quiet_callers: Box<dyn Fn() + Send>,
    /// Audit records older than this many days are removed; 0 keeps them forever.
    pub audit_retention_days: u32,
}

impl Housekeeping {
    pub fn spawn(self) -> JoinHandle<()> {
        std::thread::Builder::new().name("housekeeping".into()).spawn(move || self.run()).expect("a thread")
    }

    fn run(self) {
        let mut pending: Vec<NewEvent> = Vec::new();
        let mut last_cleanup = Instant::now();
        let mut head_logged: Option<Instant> = None;
        loop {
            std::thread::sleep(TICK);
            let open = loop {
                match self.events.try_recv() {
                    Ok(event) => pending.push(event),
                    Err(TryRecvError::Empty) => break true,
                    Err(TryRecvError::Disconnected) => break false,
                }
            };
            self.write(&mut pending);
            if self.seal() > 0 && head_logged.is_none_or(|at| at.elapsed() >= HEAD_LOGGED) {
                self.log_head();
                head_logged = Some(Instant::now());
            }
            if last_cleanup.elapsed() >= CLEANUP {
                self.cleanup();
                last_cleanup = Instant::now();
            }
            if !open {
                // Nobody will queue more. If the database refused the last records, try once more.
                if !pending.is_empty() {
                    std::thread::sleep(TICK);
                    self.write(&mut pending);
                }
                break;
            }
        }
    }

    /// Writes queued records in one transaction; keeps them for the next tick if that fails.
    fn write(&self, pending: &mut Vec<NewEvent>) {
        if pending.is_empty() {
            return;
        }
        let written = self
            .db
            .blocking::<_, StoreError, _>(|conn| write_transaction(conn, |conn| Ok(audit::append_all(conn, pending)?)));
        match written {
            Ok(_) => {
                self.queued.fetch_sub(pending.len(), Ordering::Relaxed);
                pending.clear();
            }
            Err(e) => log::warn!("cannot write {} queued audit records yet: {e}", pending.len()),
        }
    }

    /// Seals what is unsealed, a batch at a time; how many it sealed.
    fn seal(&self) -> usize {
        let mut total = 0;
        loop {
            match self.db.blocking::<_, StoreError, _>(|conn| Ok(audit::seal(conn, BATCH as i64)?)) {
                Ok(sealed) => {
                    total += sealed;
                    if sealed < BATCH {
                        break;
                    }
                }
                Err(e) => {
                    log::warn!("cannot seal audit records yet: {e}");
                    break;
                }
            }
        }
        total
    }

    /// Logs the chain's head (`dagsorden audit verify --expect-head SEQ:HASH` checks one).
    fn log_head(&self) {
        match self.db.blocking::<_, StoreError, _>(|conn| Ok(audit::current_head(conn)?)) {
            Ok((seq, hash)) => log::info!("audit chain head {seq}:{hash}"),
            Err(e) => log::warn!("cannot read the audit chain's head: {e}"),
        }
    }

    fn cleanup(&self) {
        (self.forget_quiet_callers)();
        let now = time::now();
        match self.db.blocking::<_, StoreError, _>(|conn| Ok(idempotency::purge_expired(conn, now)?)) {
            Ok(n) if n > 0 => log::info!("forgot {n} expired idempotency keys"),
            Ok(_) => {}
            Err(e) => log::warn!("cannot forget expired idempotency keys: {e}"),
        }
        if self.audit_retention_days > 0 {
            let before = now - chrono::Duration::days(i64::from(self.audit_retention_days));
            match self.db.blocking::<_, StoreError, _>(|conn| Ok(audit::prune(conn, before, now)?)) {
                Ok(n) if n > 0 => log::info!("removed {n} audit records past their retention"),
                Ok(_) => {}
                Err(e) => log::warn!("cannot prune audit records: {e}"),
            }
        }
    }
}
