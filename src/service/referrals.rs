//! Demands under § 23 (standsningsret): a committee member who took part in an item declares, before
//! the meeting closes, that it goes before the council. Like the rest of a closed item, a closed
//! item's demands are closed content.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::meetings::{self, Seen};
use crate::db::referrals::{self, Referral};
use crate::db::{DbConnection, modified_since, participants};
use crate::domain::ParticipantRole;
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, item_in_full, read_item_in_full};
use crate::service::protocol::Sitting;
use crate::time;
use crate::views::referral::ReferralView;

fn object(referral: &Referral, committee: i64, closed: bool) -> Object {
    Object::of_committee("referral", referral.id, committee, closed)
}

/// The demands on the item, for whoever reads it in full (with `since`, those changed since).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Referral>> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    Ok(modified_since(referrals::list_for_item(conn, item.id)?, since))
}

/// Records a member's demand (the committee's secretaries, while the meeting is held). Refused
/// (422) for a participant who is not a member or a member's substitute, or who did not take part
/// in the item.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    participant_id: i64,
    note: Option<&str>,
) -> ApiResult<Referral> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::Referrals)?;
    let participant = participants::find(conn, item.meeting_id, participant_id)?
        .ok_or_else(|| ApiError::validation("participant_id", "is not a participant of the meeting"))?;
    if participant.role != ParticipantRole::Member && participant.substitute_for.is_none() {
        let message = "is not a member of the committee: only a member may demand that an item go before the council";
        return Err(ApiError::validation("participant_id", message));
    }
    let meeting = meetings::find(conn, item.meeting_id)?.ok_or(ApiError::NotFound)?;
    if !Sitting::of(conn, &meeting)?.takes_part(participant.id, item.id) {
        let message = "did not take part in the item: only a member who took part may demand it go before the council";
        return Err(ApiError::validation("participant_id", message));
    }
    ensure_room(referrals::count_for_item(conn, item.id)?, limits::REFERRALS, "demands on an item")?;
    let seen = (item.meeting_id, Seen::content_of(item.closed));
    let referral = referrals::create(conn, seen, item.id, participant.id, note, time::now())?;
    let view = ReferralView::from(referral.clone());
    audit::created(conn, principal, &object(&referral, place.committee_id, item.closed), &view)?;
    Ok(referral)
}

/// One demand, for whoever reads the item in full.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    id: i64,
) -> ApiResult<Referral> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    referrals::find(conn, item.id, id)?.ok_or(ApiError::NotFound)
}

/// Removes a demand recorded in error (the committee's secretaries, while the meeting is held).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    let current = referrals::find(conn, item.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    allow(place.status, Change::Referrals)?;
    referrals::delete(conn, (item.meeting_id, Seen::content_of(item.closed)), &current, time::now())?;
    let view = ReferralView::from(current.clone());
    audit::deleted(conn, principal, &object(&current, place.committee_id, item.closed), &view)
}
