//! The audit trail's hash chain: each sealed record's hash covers the record, its place in the chain
//! and the previous record's hash, so that removing, inserting or altering a sealed record shows.
//!
//! The chain may begin after its first records only where retention removed them: removal moves the
//! chain's anchor and is itself recorded in the chain, naming the anchor it left; an anchor no such
//! record names is a removal from the start. Removing the newest records shows against a head kept
//! elsewhere: the service logs its head as it seals, and `audit verify --expect-head` checks one.

use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a record the chain protects.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor: &'a str,
    pub actor_kind: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub committee_id: Option<i64>,
    pub closed: bool,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

/// The hash of the record at position `seq`, following `prev_hash`.
pub fn hash(prev_hash: &str, seq: i64, record: &Record<'_>) -> String {
    // JSON of the fields in a fixed order: unambiguous, and the same on every platform.
    let canonical = serde_json::to_string(record).expect("plain data serialises");
    let digest = Sha256::new()
        .chain_update(prev_hash)
        .chain_update(b"\n")
        .chain_update(seq.to_string())
        .chain_update(b"\n")
        .chain_update(canonical)
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A sealed record as stored.
pub struct Sealed<'a> {
    pub seq: i64,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    pub record: Record<'a>,
}

/// What is wrong with a chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Fault {
    /// Records are missing before `seq` (removed).
    Gap { expected: i64, found: i64 },
    /// The record at `seq` does not point to its predecessor (removed or replaced before it).
    BrokenLink { seq: i64 },
    /// The record at `seq` was changed after it was sealed.
    Altered { seq: i64, id: i64 },
    /// The chain begins after `anchor_seq`, and no retention record says that records were removed
    /// up to there: records were removed from its start.
    Truncated { anchor_seq: i64 },
    /// The chain does not reach the head kept elsewhere: records were removed from its end.
    HeadMissing { seq: i64 },
    /// The record at the head kept elsewhere is not the one that was there.
    HeadChanged { seq: i64 },
}

/// What a retention record says it removed: every record up to and including `through_seq`, the
/// last of which had `through_hash`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct Removal {
    pub through_seq: i64,
    pub through_hash: String,
}

/// Whether the chain's anchor is where retention left it: no anchor (a chain from its first record),
/// or the one the latest retention record names.
pub fn anchor_attested(anchor_seq: i64, anchor_hash: &str, latest_removal: Option<&Removal>) -> Result<(), Fault> {
    if anchor_seq == 0 && anchor_hash == GENESIS {
        return Ok(());
    }
    match latest_removal {
        Some(removal) if removal.through_seq == anchor_seq && removal.through_hash == anchor_hash => Ok(()),
        _ => Err(Fault::Truncated { anchor_seq }),
    }
}

/// Whether the head kept elsewhere (`expected`) is still in the chain: the chain reaches it and the
/// record there is the same.
pub fn head_kept(expected: (i64, &str), found: Option<&str>) -> Result<(), Fault> {
    match found {
        None => Err(Fault::HeadMissing { seq: expected.0 }),
        Some(hash) if hash != expected.1 => Err(Fault::HeadChanged { seq: expected.0 }),
        Some(_) => Ok(()),
    }
}

/// Walks the chain from `anchor` (the position and hash before the first record present);
/// returns the head (last position and hash) of an intact chain.
pub struct Walker {
    seq: i64,
    hash: String,
}

impl Walker {
    pub fn from(anchor_seq: i64, anchor_hash: &str) -> Walker {
        Walker { seq: anchor_seq, hash: anchor_hash.to_owned() }
    }

    pub fn step(&mut self, sealed: &Sealed<'_>) -> Result<(), Fault> {
        if sealed.seq != self.seq + 1 {
            return Err(Fault::Gap { expected: self.seq + 1, found: sealed.seq });
        }
        if sealed.prev_hash != self.hash {
            return Err(Fault::BrokenLink { seq: sealed.seq });
        }
        if hash(sealed.prev_hash, sealed.seq, &sealed.record) != sealed.hash {
            return Err(Fault::Altered { seq: sealed.seq, id: sealed.record.id });
        }
        self.seq = sealed.seq;
        self.hash = sealed.hash.to_owned();
        Ok(())
    }

    pub fn head(&self) -> (i64, &str) {
        (self.seq, &self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, new_value: Option<&str>) -> Record<'_> {
        Record {
            id,
            occurred_at: chrono::NaiveDate::from_ymd_opt(2022, 4, 25)
                .unwrap()
                .and_hms_micro_opt(10, 30, 0, 123_456)
                .unwrap(),
            actor: "alice",
            actor_kind: "user",
            action: "update",
            object_type: "item",
            object_id: Some("7"),
            committee_id: Some(1),
            closed: false,
            old_value: None,
            new_value,
            request_id: Some("abc"),
        }
    }

    /// Seals records 1..=n into a chain of (seq, prev_hash, hash).
    fn chain(values: &[&'static str]) -> Vec<(i64, String, String)> {
        let mut prev = GENESIS.to_owned();
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let seq = i as i64 + 1;
                let h = hash(&prev, seq, &record(seq, Some(v)));
                let link = (seq, prev.clone(), h.clone());
                prev = h;
                link
            })
            .collect()
    }

    fn walk(links: &[(i64, String, String)], values: &[&'static str]) -> Result<i64, Fault> {
        let mut walker = Walker::from(0, GENESIS);
        for ((seq, prev, h), v) in links.iter().zip(values) {
            walker.step(&Sealed { seq: *seq, prev_hash: prev, hash: h, record: record(*seq, Some(v)) })?;
        }
        Ok(walker.head().0)
    }

    #[test]
    fn an_intact_chain_verifies_and_any_change_to_it_shows() {
        let values = ["a", "b", "c", "d"];
        let links = chain(&values);
        assert_eq!(walk(&links, &values), Ok(4));

        let altered = ["a", "b", "C", "d"];
        assert_eq!(walk(&links, &altered), Err(Fault::Altered { seq: 3, id: 3 }));

        let mut removed = links.clone();
        removed.remove(1);
        assert_eq!(walk(&removed, &["a", "c", "d"]), Err(Fault::Gap { expected: 2, found: 3 }));

        // Renumbering after a removal does not help: the link to the predecessor is gone.
        let mut renumbered = removed.clone();
        renumbered[1].0 = 2;
        assert_eq!(walk(&renumbered, &["a", "c", "d"]), Err(Fault::BrokenLink { seq: 2 }));
    }

    #[test]
    fn an_anchor_needs_the_retention_record_that_left_it() {
        assert_eq!(anchor_attested(0, GENESIS, None), Ok(()));
        let removal = Removal { through_seq: 40, through_hash: "ab".repeat(32) };
        assert_eq!(anchor_attested(40, &"ab".repeat(32), Some(&removal)), Ok(()));
        // Moved further without a record of it, or with none at all: removed from the start.
        assert_eq!(anchor_attested(55, &"cd".repeat(32), Some(&removal)), Err(Fault::Truncated { anchor_seq: 55 }));
        assert_eq!(anchor_attested(40, &"ab".repeat(32), None), Err(Fault::Truncated { anchor_seq: 40 }));
        assert_eq!(anchor_attested(40, &"cd".repeat(32), Some(&removal)), Err(Fault::Truncated { anchor_seq: 40 }));
    }

    #[test]
    fn a_head_kept_elsewhere_must_still_be_there() {
        assert_eq!(head_kept((9, "h9"), Some("h9")), Ok(()));
        assert_eq!(head_kept((9, "h9"), None), Err(Fault::HeadMissing { seq: 9 }));
        assert_eq!(head_kept((9, "h9"), Some("other")), Err(Fault::HeadChanged { seq: 9 }));
    }

    #[test]
    fn hashes_depend_on_position_and_predecessor() {
        let r = record(1, Some("x"));
        assert_ne!(hash(GENESIS, 1, &r), hash(GENESIS, 2, &r));
        assert_ne!(hash(GENESIS, 1, &r), hash(&"1".repeat(64), 1, &r));
        assert_eq!(hash(GENESIS, 1, &r).len(), 64);
    }
}
