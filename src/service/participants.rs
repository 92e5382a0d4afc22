//! A meeting's participants: listed, added, read, changed and removed, as the caller may.

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::participants::{self, Participant, ParticipantFields};
use crate::db::{DbConnection, modified_since, votes};
use crate::domain::MeetingStatus;
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, find_readable, require_secretary};
use crate::time;
use crate::views::participant::ParticipantView;

/// A participant of a meeting the caller may read, with the meeting's committee and status; with
/// `edit`, only for the committee's secretaries.
fn find_participant(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    id: i64,
    edit: bool,
) -> ApiResult<(Participant, i64, MeetingStatus)> {
    let (meeting, role) = find_readable(conn, principal, meeting_id)?;
    if edit {
        require_secretary(role)?;
    }
    let participant = participants::find(conn, meeting_id, id)?.ok_or(ApiError::NotFound)?;
    Ok((participant, meeting.committee_id, meeting.status))
}

/// A substitute stands in for another participant of the same meeting (422 otherwise).
fn check_substitute(
    conn: &mut DbConnection,
    meeting_id: i64,
    this: Option<i64>,
    stands_in_for: Option<i64>,
) -> ApiResult<()> {
    match stands_in_for {
        Some(other) if Some(other) == this || participants::find(conn, meeting_id, other)?.is_none() => {
            Err(ApiError::validation("substitute_for", "must be another participant of the meeting"))
        }
        _ => Ok(()),
    }
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
    check_substitute(conn, meeting.id, None, fields.substitute_for)?;
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
    let (current, committee, status) = find_participant(conn, principal, meeting_id, id, true)?;
    expected.check(current.version)?;
    allow(status, Change::Participants)?;
    let fields = change(current.fields())?;
    check_substitute(conn, meeting_id, Some(current.id), fields.substitute_for)?;
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
    let (current, committee, status) = find_participant(conn, principal, meeting_id, id, true)?;
    expected.check(current.version)?;
    allow(status, Change::Participants)?;
    // A roll call names its voters: the protocol must keep them.
    for vote in votes::list_for_meeting(conn, meeting_id)? {
        if vote.positions()?.iter().any(|p| p.participant_id == Some(current.id)) {
            return Err(ApiError::Conflict("The participant is named in a vote; remove the vote first.".into()));
        }
    }
    participants::delete(conn, &current, time::now())?;
    audit::deleted(conn, principal, &object(&current, committee), &ParticipantView::from(current.clone()))
}
