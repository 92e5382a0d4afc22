//! The application layer: what the service does, as named functions that take a database
//! connection, the caller (a `Principal`) and plain inputs, and return domain values, views or an
//! error. The HTTP handlers in `api` extract a request, call one of these and respond; the webhook
//! worker and the data generator call them too. Access is decided here, with the rules of
//! `domain::access`, before anything is read or changed.

pub mod access;
pub mod access_groups;
pub mod agenda;
pub mod allocations;
pub mod attachments;
pub mod audit_trail;
pub mod calendars;
pub mod cases;
pub mod changes;
pub mod clients;
pub mod committees;
pub mod exclusions;
pub mod grants;
pub mod identity;
pub mod item_amounts;
pub mod item_attendance;
pub mod items;
pub mod lifecycle;
pub mod me;
pub mod meetings;
pub mod participants;
pub mod protocol;
pub mod published;
pub mod publishing;
pub mod referrals;
pub mod roster;
pub mod search;
pub mod sign_offs;
pub mod standing_items;
pub mod users;
pub mod votes;
pub mod webhooks;

use crate::error::ApiResult;

/// The version a caller says it is changing (an `If-Match` header, to the HTTP layer): checked
/// against the stored version before anything changes, so that no update is lost.
pub trait Expected {
    /// Succeeds when `version` is the one the caller expects.
    fn check(&self, version: i64) -> ApiResult<()>;
}
