//! The protocol's votes and dissents on an item (kommunestyrelsesloven § 13; the rules are in
//! `domain::protocol`). Both are closed content with a closed item: read by whoever reads the item
//! in full, recorded by the committee's secretaries. Votes are recorded once the meeting is held
//! (and corrected with the minutes); a dissent only while the meeting is held.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::items::{Item, ItemPlace};
use crate::db::meetings::{self, Seen};
use crate::db::votes::{self, Dissent, Vote, VoteFields};
use crate::db::{DbConnection, modified_since, participants};
use crate::domain::access::Principal;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::domain::protocol::{Position, VoteMethod, VoteSubject, check_positions, in_minority, result_of};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::Expected;
use crate::service::access::{allow, ensure_room, item_in_full, read_item_in_full};
use crate::service::protocol::Sitting;
use crate::time;
use crate::views::vote::{DissentView, VoteView};

/// A vote as the secretary records it; its result follows from the positions.
#[derive(Clone, Debug)]
pub struct VoteDraft {
    pub subject: VoteSubject,
    pub motion: String,
    pub method: VoteMethod,
    pub positions: Vec<Position>,
}

fn object(kind: &'static str, id: i64, item: &Item, place: &ItemPlace) -> Object {
    Object::of_committee(kind, id, place.committee_id, item.closed)
}

/// The item's votes in the order taken (with `since`, those changed since), for whoever reads the
/// item in full; a read of a closed item's is audited.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Vote>> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    Ok(modified_since(votes::list_for_item(conn, item.id)?, since))
}

/// Records a vote after the item's others (the committee's secretaries, once the meeting is held):
/// its positions are checked against the method and the meeting's participants.
pub fn create(conn: &mut DbConnection, principal: &Principal, item_id: i64, draft: &VoteDraft) -> ApiResult<Vote> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::Decisions)?;
    let people: Vec<i64> = participants::list_for_meeting(conn, item.meeting_id)?.iter().map(|p| p.id).collect();
    let problems = check_positions(draft.method, &draft.positions, &people);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems.into_iter().map(|(f, m)| FieldError::new(f, m)).collect()));
    }
    ensure_room(votes::count_for_item(conn, item.id)?, limits::VOTES, "votes on an item")?;
    let fields = VoteFields {
        subject: draft.subject,
        motion: draft.motion.clone(),
        method: draft.method,
        positions: draft.positions.clone(),
        result: result_of(&draft.positions),
    };
    let vote = votes::create(conn, item.meeting_id, Seen::content_of(item.closed), item.id, &fields, time::now())?;
    audit::created(conn, principal, &object("vote", vote.id, &item, &place), &VoteView::try_from(vote.clone())?)?;
    Ok(vote)
}

/// One vote, for whoever reads the item in full.
pub fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    id: i64,
) -> ApiResult<Vote> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    votes::find(conn, item.id, id)?.ok_or(ApiError::NotFound)
}

/// Removes a vote with the dissents against it (the committee's secretaries, while decisions may be
/// recorded).
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    let current = votes::find(conn, item.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    allow(place.status, Change::Decisions)?;
    votes::delete(conn, item.meeting_id, Seen::content_of(item.closed), &current, time::now())?;
    let view = VoteView::try_from(current.clone())?;
    audit::deleted(conn, principal, &object("vote", current.id, &item, &place), &view)
}

/// The item's dissents in the order entered, for whoever reads the item in full.
pub fn list_dissents(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Dissent>> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    Ok(modified_since(votes::dissents_for_item(conn, item.id)?, since))
}

/// Enters a participant's dissent against a vote (§ 13, stk. 2; the committee's secretaries, while
/// the meeting is held). Refused (422) for a participant who did not take part in the item or who
/// was not in the vote's minority.
pub fn create_dissent(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    (vote_id, participant_id): (i64, i64),
    text: &str,
) -> ApiResult<Dissent> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    allow(place.status, Change::Dissents)?;
    let vote = votes::find(conn, item.id, vote_id)?
        .ok_or_else(|| ApiError::validation("vote_id", "no vote with this id on the item"))?;
    let participant = participants::find(conn, item.meeting_id, participant_id)?
        .ok_or_else(|| ApiError::validation("participant_id", "is not a participant of the meeting"))?;
    let meeting = meetings::find(conn, item.meeting_id)?.ok_or(ApiError::NotFound)?;
    if !Sitting::of(conn, &meeting)?.takes_part(participant.id, item.id) {
        let message = "did not take part in the item: only a member who took part may have a dissent entered";
        return Err(ApiError::validation("participant_id", message));
    }
    let positions = vote.positions()?;
    if !in_minority(vote.method, &positions, vote.result, participant.id, participant.party.as_deref()) {
        let message = "was not in the vote's minority: only a member in the minority may have a dissent entered";
        return Err(ApiError::validation("participant_id", message));
    }
    ensure_room(votes::count_dissents_for_item(conn, item.id)?, limits::DISSENTS, "dissents on an item")?;
    let seen = (item.meeting_id, Seen::content_of(item.closed));
    let dissent = votes::create_dissent(conn, seen, &vote, participant.id, text, time::now())?;
    let view = DissentView::from(dissent.clone());
    audit::created(conn, principal, &object("dissent", dissent.id, &item, &place), &view)?;
    Ok(dissent)
}

/// One dissent, for whoever reads the item in full.
pub fn read_dissent(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    item_id: i64,
    id: i64,
) -> ApiResult<Dissent> {
    let (item, _) = read_item_in_full(conn, principal, auditor, item_id)?;
    votes::find_dissent(conn, item.id, id)?.ok_or(ApiError::NotFound)
}

/// Removes a dissent (the committee's secretaries, while the meeting is held).
pub fn remove_dissent(
    conn: &mut DbConnection,
    principal: &Principal,
    item_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (item, _, place) = item_in_full(conn, principal, item_id, true)?;
    let current = votes::find_dissent(conn, item.id, id)?.ok_or(ApiError::NotFound)?;
    expected.check(current.version)?;
    allow(place.status, Change::Dissents)?;
    votes::delete_dissent(conn, item.meeting_id, Seen::content_of(item.closed), &current, time::now())?;
    let view = DissentView::from(current.clone());
    audit::deleted(conn, principal, &object("dissent", current.id, &item, &place), &view)
}
