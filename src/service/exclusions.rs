//! Exclusions (inhabilitet): a user excluded from an item sees it as a non-member would, whatever
//! their grants; the committee's secretaries record them.

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::exclusions::{self, Exclusion, ExclusionFacts};
use crate::db::items::Item;
use crate::db::meetings::{self, Seen};
use crate::db::{DbConnection, modified_since, participants};
use crate::domain::access::Principal;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{ensure_room, find_readable_item, require_secretary};
use crate::time;
use crate::views::exclusion::ExclusionView;

/// The item, for one of its committee's secretaries (who is not excluded from it).
fn item_for_secretary(conn: &mut DbConnection, principal: &Principal, item_id: i64) -> ApiResult<(Item, i64)> {
    let (item, role, place) = find_readable_item(conn, principal, item_id)?;
    require_secretary(role)?;
    Ok((item, place.committee_id))
}

/// The user an exclusion shuts out: the one named, or the participant's. A protocol entry's facts
/// name participants of the item's meeting (422 otherwise), and only a participant's exclusion has
/// them.
fn protocol_subject(
    conn: &mut DbConnection,
    item: &Item,
    subject: Option<&str>,
    facts: &ExclusionFacts,
) -> ApiResult<Option<String>> {
    let Some(id) = facts.participant_id else {
        let protocol = facts.raised_by.is_some() || facts.ruling.is_some() || facts.left_room.is_some();
        if protocol || facts.substitute_id.is_some() {
            return Err(ApiError::validation("participant_id", "is needed for a protocol entry's facts"));
        }
        return Ok(subject.map(str::to_owned));
    };
    let participant = participants::find(conn, item.meeting_id, id)?
        .ok_or_else(|| ApiError::validation("participant_id", "must be a participant of the meeting"))?;
    if let Some(substitute) = facts.substitute_id
        && (substitute == id || participants::find(conn, item.meeting_id, substitute)?.is_none())
    {
        return Err(ApiError::validation("substitute_id", "must be another participant of the meeting"));
    }
    match (subject, participant.user_subject) {
        (Some(named), Some(own)) if named != own => {
            Err(ApiError::validation("subject", "must be the participant's user_subject when both are given"))
        }
        (Some(named), _) => Ok(Some(named.to_owned())),
        (None, own) => Ok(own),
    }
}

fn object(exclusion: &Exclusion, committee: i64, item: &Item) -> Object {
    Object::of_committee("exclusion", exclusion.id, committee, item.closed)
}

/// Who is excluded from the item (the committee's secretaries); with `since`, changed since then.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Exclusion>> {
    let (item, _) = item_for_secretary(conn, principal, item_id)?;
    Ok(modified_since(exclusions::list_for_item(conn, item.id)?, since))
}

/// Excludes `subject` from the item (the committee's secretaries). What the excluded user sees of
/// the meeting changes with it, so the meeting's version moves for members.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    subject: Option<&str>,
    reason: Option<&str>,
    facts: &ExclusionFacts,
) -> ApiResult<Exclusion> {
    let (item, committee) = item_for_secretary(conn, principal, item_id)?;
    ensure_room(exclusions::count_for_item(conn, item.id)?, limits::EXCLUSIONS, "exclusions from an item")?;
    let subject = protocol_subject(conn, &item, subject, facts)?;
    let now = time::now();
    meetings::touch(conn, item.meeting_id, now, Seen::ByMembers)?;
    let exclusion = exclusions::create(conn, item.id, subject.as_deref(), reason, facts, &principal.subject, now)?;
    audit::created(conn, principal, &object(&exclusion, committee, &item), &ExclusionView::from(exclusion.clone()))?;
    Ok(exclusion)
}

/// One exclusion from the item (the committee's secretaries).
pub fn read(conn: &mut DbConnection, principal: &Principal, item_id: i64, id: i64) -> ApiResult<Exclusion> {
    let (item, _) = item_for_secretary(conn, principal, item_id)?;
    exclusions::find(conn, item.id, id)?.ok_or(ApiError::NotFound)
}

/// Ends an exclusion (the committee's secretaries).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (item, committee) = item_for_secretary(conn, principal, item_id)?;
    let exclusion = exclusions::find(conn, item.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(exclusion.version)?;
    meetings::touch(conn, item.meeting_id, time::now(), Seen::ByMembers)?;
    exclusions::delete(conn, &exclusion)?;
    audit::deleted(conn, principal, &object(&exclusion, committee, &item), &ExclusionView::from(exclusion.clone()))
}
