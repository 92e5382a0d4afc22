//! A meeting's participants: listed, added, read, changed and removed, as the caller may.

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::meetings::Meeting;
use crate::db::participants::{self, Participant, ParticipantFields};
use crate::db::{DbConnection, exclusions, items, modified_since, referrals, roster, votes};
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, find_readable, require_secretary};
use crate::time;
use crate::views::participant::ParticipantView;

/// A participant of a meeting the caller may read, with the meeting; with
/// `edit`, only for the committee's secretaries.
fn find_participant(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    id: i64,
    edit: bool,
) -> ApiResult<(Participant, Meeting)> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    if edit {
        require_secretary(role)?;
    }
    let participant = participants::find(conn, meeting_id, id)?.ok_or(ApiError::NotFound)?;
    Ok((participant, meeting))
}

/// What a participant refers to belongs to their meeting (422 otherwise): the participant a
/// substitute stands in for, the roster seat (of the committee, on the meeting's day), and the
/// items they arrived at and left after, in that order.
fn check_references(
    conn: &mut DbConnection,
    meeting: &Meeting,
    this: Option<i64>,
    fields: &ParticipantFields,
) -> ApiResult<()> {
    if let Some(other) = fields.substitute_for
        && (Some(other) == this || participants::find(conn, meeting.id, other)?.is_none())
    {
        return Err(ApiError::validation("substitute_for", "must be another participant of the meeting"));
    }
    if let Some(seat) = fields.roster_member_id {
        let day = time::local_day(meeting.starts_at);
        let on_roster = roster::on(conn, meeting.committee_id, day)?.iter().any(|m| m.id == seat);
        if !on_roster {
            return Err(ApiError::validation(
                "roster_member_id",
                "must be a member of the committee's roster on the meeting's day",
            ));
        }
    }
    let agenda = match (fields.arrived_at_item, fields.left_after_item) {
        (None, None) => Vec::new(),
        _ => items::list_for_meeting(conn, meeting.id)?,
    };
    let position = |field: &str, item: Option<i64>| -> ApiResult<Option<i32>> {
        let Some(id) = item else { return Ok(None) };
        match agenda.iter().find(|item| item.id == id) {
            Some(item) => Ok(Some(item.position)),
            None => Err(ApiError::validation(field, "must be an item of the meeting")),
        }
    };
    let arrived = position("arrived_at_item", fields.arrived_at_item)?;
    let left = position("left_after_item", fields.left_after_item)?;
    if let (Some(arrived), Some(left)) = (arrived, left)
        && left < arrived
    {
        return Err(ApiError::validation("left_after_item", "must not come before the item they arrived at"));
    }
    Ok(())
}

fn object(participant: &Participant, committee: i64) -> Object {
    Object::of_committee("participant", participant.id, committee, false)
}

/// The meeting's participants, in the order they were added (with `since`, those changed since).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Participant>> {
    let (meeting, _) = find_readable(conn, principal, meeting_id)?;
    Ok(modified_since(participants::list_for_meeting(conn, meeting.id)?, since))
}

/// Adds a participant (the committee's secretaries, while the meeting allows).
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    fields: &ParticipantFields,
) -> ApiResult<Participant> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    require_secretary(role)?;
    allow(meeting.status, Change::Participants)?;
    check_references(conn, &meeting, None, fields)?;
    let count = participants::count_for_meeting(conn, meeting.id)?;
    ensure_room(count, limits::PARTICIPANTS, "participants of a meeting")?;
    let participant = participants::create(conn, meeting.id, fields, time::now())?;
    let view = ParticipantView::from(participant.clone());
    audit::created(conn, principal, &object(&participant, meeting.committee_id), &view)?;
    Ok(participant)
}

/// A participant of a meeting the caller may read.
pub fn read(conn: &mut DbConnection, principal: &Principal, meeting_id: i64, id: i64) -> ApiResult<Participant> {
    find_participant(conn, principal, meeting_id, id, false).map(|(participant, ..)| participant)
}

/// Changes a participant (the committee's secretaries, while the meeting allows): `change` makes
/// the new fields of the current ones.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(ParticipantFields) -> ApiResult<ParticipantFields>,
) -> ApiResult<Participant> {
    let (current, meeting) = find_participant(conn, principal, meeting_id, id, true)?;
    expected.check(current.version)?;
    allow(meeting.status, Change::Participants)?;
    let fields = change(current.fields())?;
    check_references(conn, &meeting, Some(current.id), &fields)?;
    let committee = meeting.committee_id;
    let participant = participants::update(conn, &current, &fields, time::now())?;
    let (old, new) = (ParticipantView::from(current), ParticipantView::from(participant.clone()));
    audit::updated(conn, principal, &object(&participant, committee), &old, &new)?;
    Ok(participant)
}

/// Removes a participant (the committee's secretaries, while the meeting allows).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (current, meeting) = find_participant(conn, principal, meeting_id, id, true)?;
    let committee = meeting.committee_id;
    expected.check(current.version)?;
    allow(meeting.status, Change::Participants)?;
    // A roll call names its voters: the protocol must keep them.
    for vote in votes::list_for_meeting(conn, meeting_id)? {
        if vote.positions()?.iter().any(|p| p.participant_id == Some(current.id)) {
            return Err(ApiError::Conflict("The participant is named in a vote; remove the vote first.".into()));
        }
    }
    // So do its disqualifications and demands under § 23 (and an exclusion may be an access rule).
    let named_in_exclusion = exclusions::list_for_meeting(conn, meeting_id)?
        .iter()
        .any(|e| e.participant_id == Some(current.id) || e.substitute_id == Some(current.id));
    if named_in_exclusion
        || referrals::list_for_meeting(conn, meeting_id)?.iter().any(|r| r.participant_id == current.id)
    {
        let message = "The participant is named in an exclusion or a demand under § 23; remove that first.";
        return Err(ApiError::Conflict(message.into()));
    }
    participants::delete(conn, &current, time::now())?;
    audit::deleted(conn, principal, &object(&current, committee), &ParticipantView::from(current.clone()))
}
