//! The audit trail's storage: append-only records, sealed into a hash chain in the order they became
//! visible (see `domain::audit`), pruned from the start under a retention policy with an anchor that
//! keeps the rest verifiable.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{audit_anchor, audit_events};
use super::{DbConnection, write_transaction};
use crate::domain::audit::{self, Fault, GENESIS, Record, Removal, Sealed, Walker};

/// A record to append.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewEvent {
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub actor_kind: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub committee_id: Option<i64>,
    pub closed: bool,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct Event {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub actor_kind: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub committee_id: Option<i64>,
    pub closed: bool,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub request_id: Option<String>,
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl Event {
    fn record(&self) -> Record<'_> {
        Record {
            id: self.id,
            occurred_at: self.occurred_at,
            actor: &self.actor,
            actor_kind: &self.actor_kind,
            action: &self.action,
            object_type: &self.object_type,
            object_id: self.object_id.as_deref(),
            committee_id: self.committee_id,
            closed: self.closed,
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            request_id: self.request_id.as_deref(),
        }
    }
}

pub fn append(conn: &mut DbConnection, event: &NewEvent) -> QueryResult<()> {
    diesel::insert_into(audit_events::table).values(event).execute(conn).map(drop)
}

/// Appends many records in a few statements (the queued reads of a tick, thousands under load).
pub fn append_all(conn: &mut DbConnection, events: &[NewEvent]) -> QueryResult<usize> {
    super::bulk::insert_audit_events(conn, events)
}

/// Serialises sealing among the instances of the service (SQLite serialises writers anyway).
const SEAL_LOCK_KEY: i64 = 0x6461_6773_6175_6474; // "dagsaudt"

/// The position and hash the chain continues from.
fn head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    let last: Option<(Option<i64>, Option<String>)> = audit_events::table
        .filter(audit_events::seq.is_not_null())
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .first(conn)
        .optional()?;
    if let Some((Some(seq), Some(hash))) = last {
        return Ok((seq, hash));
    }
    anchor(conn)
}

fn anchor(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    let anchor: Option<(i64, String)> =
        audit_anchor::table.select((audit_anchor::seq, audit_anchor::hash)).first(conn).optional()?;
    Ok(anchor.unwrap_or((0, GENESIS.to_owned())))
}

/// Seals up to `limit` unsealed records, oldest first; returns how many.
pub fn seal(conn: &mut DbConnection, limit: i64) -> QueryResult<usize> {
    write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(SEAL_LOCK_KEY)
                .execute(pg)?;
        }
        let pending: Vec<Event> = audit_events::table
            .filter(audit_events::seq.is_null())
            .order(audit_events::id)
            .limit(limit)
            .select(Event::as_select())
            .load(conn)?;
        if pending.is_empty() {
            return Ok(0);
        }
        let (mut seq, mut prev) = head(conn)?;
        let mut seals = Vec::with_capacity(pending.len());
        for event in &pending {
            seq += 1;
            let hash = audit::hash(&prev, seq, &event.record());
            seals.push(Seal { id: event.id, seq, prev_hash: std::mem::replace(&mut prev, hash.clone()), hash });
        }
        write_seals(conn, &seals)?;
        Ok(pending.len())
    })
}

struct Seal {
    id: i64,
    seq: i64,
    prev_hash: String,
    hash: String,
}

/// Stores the seals of a batch. On PostgreSQL in one statement over arrays: a round trip per record
/// made sealing, not the load, the limit of how many closed reads a second could be recorded. SQLite
/// runs in the process, where a statement per record costs microseconds.
fn write_seals(conn: &mut DbConnection, seals: &[Seal]) -> QueryResult<()> {
    use diesel::sql_types::{Array, BigInt, Text};
    match conn {
        DbConnection::Postgresql(pg) => {
            diesel::sql_query(
                "UPDATE audit_events AS e SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash \
                 FROM unnest($1, $2, $3, $4) AS s(id, seq, prev_hash, hash) WHERE e.id = s.id",
            )
            .bind::<Array<BigInt>, _>(seals.iter().map(|s| s.id).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(seals.iter().map(|s| s.seq).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(seals.iter().map(|s| s.prev_hash.as_str()).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(seals.iter().map(|s| s.hash.as_str()).collect::<Vec<_>>())
            .execute(pg)?;
        }
        DbConnection::Sqlite(_) => {
            for seal in seals {
                diesel::update(audit_events::table.find(seal.id))
                    .set((
                        audit_events::seq.eq(seal.seq),
                        audit_events::prev_hash.eq(&seal.prev_hash),
                        audit_events::hash.eq(&seal.hash),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// When the oldest record not yet sealed happened.
pub fn oldest_unsealed(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    audit_events::table
        .filter(audit_events::seq.is_null())
        .select(diesel::dsl::min(audit_events::occurred_at))
        .first(conn)
}

/// The result of walking the whole chain.
#[derive(Debug)]
pub struct Verification {
    pub sealed: i64,
    pub unsealed: i64,
    pub head_seq: i64,
    pub head_hash: String,
    pub fault: Option<Fault>,
}

/// The removal the latest retention record names, if any.
fn latest_removal(conn: &mut DbConnection) -> QueryResult<Option<Removal>> {
    let value: Option<Option<String>> = audit_events::table
        .filter(audit_events::action.eq(PRUNE_ACTION))
        .filter(audit_events::object_type.eq(PRUNE_OBJECT))
        .order(audit_events::id.desc())
        .select(audit_events::new_value)
        .first(conn)
        .optional()?;
    Ok(value.flatten().and_then(|json| serde_json::from_str(&json).ok()))
}

/// The hash of the sealed record at `seq`, if the chain has one there.
fn hash_at(conn: &mut DbConnection, seq: i64) -> QueryResult<Option<String>> {
    Ok(audit_events::table
        .filter(audit_events::seq.eq(seq))
        .select(audit_events::hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// The chain's head now: the last sealed position and hash.
pub fn current_head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    head(conn)
}

/// Walks the chain from its anchor, in pages; checks that the anchor is where retention left it and,
/// given a head kept elsewhere, that the chain still holds it.
pub fn verify(conn: &mut DbConnection, expected_head: Option<(i64, String)>) -> QueryResult<Verification> {
    const PAGE: i64 = 1000;
    let (anchor_seq, anchor_hash) = anchor(conn)?;
    let mut walker = Walker::from(anchor_seq, &anchor_hash);
    let mut sealed = 0;
    let mut fault = None;
    'pages: loop {
        let (after, _) = walker.head();
        let page: Vec<Event> = audit_events::table
            .filter(audit_events::seq.gt(after))
            .order(audit_events::seq)
            .limit(PAGE)
            .select(Event::as_select())
            .load(conn)?;
        for event in &page {
            let step = walker.step(&Sealed {
                seq: event.seq.unwrap_or_default(),
                prev_hash: event.prev_hash.as_deref().unwrap_or_default(),
                hash: event.hash.as_deref().unwrap_or_default(),
                record: event.record(),
            });
            if let Err(found) = step {
                fault = Some(found);
                break 'pages;
            }
            sealed += 1;
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    if fault.is_none() {
        fault = audit::anchor_attested(anchor_seq, &anchor_hash, latest_removal(conn)?.as_ref()).err();
    }
    if let (None, Some((seq, hash))) = (&fault, &expected_head) {
        let found = if *seq <= walker.head().0 { hash_at(conn, *seq)? } else { None };
        fault = audit::head_kept((*seq, hash), found.as_deref()).err();
    }
    let unsealed = audit_events::table.filter(audit_events::seq.is_null()).count().get_result(conn)?;
    let (head_seq, head_hash) = walker.head();
    Ok(Verification { sealed, unsealed, head_seq, head_hash: head_hash.to_owned(), fault })
}

/// What a retention record is: the service removed records from the start of the chain.
const PRUNE_ACTION: &str = "prune";
const PRUNE_OBJECT: &str = "audit";

/// Removes sealed records older than `before` from the start of the chain, moving the anchor to the
/// last one removed so that the rest still verifies, and records that in the chain (the record that
/// lets `verify` tell retention from tampering). Returns how many were removed.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime, now: NaiveDateTime) -> QueryResult<usize> {
    write_transaction(conn, |conn| {
        let last: Option<(Option<i64>, Option<String>)> = audit_events::table
            .filter(audit_events::seq.is_not_null())
            .filter(audit_events::occurred_at.lt(before))
            .order(audit_events::seq.desc())
            .select((audit_events::seq, audit_events::hash))
            .first(conn)
            .optional()?;
        let Some((Some(seq), Some(hash))) = last else { return Ok(0) };
        let removed = diesel::delete(audit_events::table.filter(audit_events::seq.le(seq))).execute(conn)?;
        diesel::delete(audit_anchor::table).execute(conn)?;
        diesel::insert_into(audit_anchor::table)
            .values((audit_anchor::id.eq(1), audit_anchor::seq.eq(seq), audit_anchor::hash.eq(&hash)))
            .execute(conn)?;
        let removal = Removal { through_seq: seq, through_hash: hash };
        append(
            conn,
            &NewEvent {
                occurred_at: now,
                actor: "dagsorden".into(),
                actor_kind: "service".into(),
                action: PRUNE_ACTION.into(),
                object_type: PRUNE_OBJECT.into(),
                object_id: None,
                committee_id: None,
                closed: false,
                old_value: None,
                new_value: Some(serde_json::json!({"through_seq": removal.through_seq, "through_hash": removal.through_hash, "removed": removed, "before": before}).to_string()),
                request_id: None,
            },
        )?;
        Ok(removed)
    })
}

/// Which records to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConnection, filter: &Filter) -> QueryResult<Vec<Event>> {
    let mut query = audit_events::table
        .filter(audit_events::id.gt(filter.after.unwrap_or(0)))
        .order(audit_events::id)
        .limit(filter.limit)
        .select(Event::as_select())
        .into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action));
    }
    if let Some(object_type) = &filter.object_type {
        query = query.filter(audit_events::object_type.eq(object_type));
    }
    if let Some(object_id) = &filter.object_id {
        query = query.filter(audit_events::object_id.eq(object_id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_events::occurred_at.lt(to));
    }
    query.load(conn)
}
