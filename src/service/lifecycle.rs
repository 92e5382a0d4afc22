//! A meeting's lifecycle: publishing its agenda, holding it, publishing its minutes, cancelling it.

use chrono::NaiveDateTime;

use crate::audit::{self, Object};
use crate::db::committees::Committee;
use crate::db::items::Item;
use crate::db::meetings::Meeting;
use crate::db::{DbConnection, committees, items, meetings, published};
use crate::domain::DocumentKind;
use crate::domain::access::Principal;
use crate::domain::agenda::numbering_period;
use crate::domain::lifecycle::{Action, Facts, transition};
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{ensure_room, find_readable, require_secretary};
use crate::service::publishing::{build_document, sign_off_facts};
use crate::time;
use crate::views::meeting::{ActionResult, MeetingSummary};
use crate::views::publication::PublicationSummary;

/// Gives the meeting's items that have none a running number, in agenda order, after the highest
/// its committee has given in the period (committees numbering by year or term; see
/// `domain::agenda::numbering_period`). Numbers once given are kept.
fn fix_numbers(conn: &mut DbConnection, committee: &Committee, meeting: &Meeting, now: NaiveDateTime) -> ApiResult<()> {
    let Some((first, last)) = numbering_period(committee.numbering, time::local_day(meeting.starts_at)) else {
        return Ok(());
    };
    let unnumbered: Vec<Item> =
        items::list_for_meeting(conn, meeting.id)?.into_iter().filter(|item| item.fixed_number.is_none()).collect();
    if unnumbered.is_empty() {
        return Ok(());
    }
    committees::lock(conn, committee.id)?;
    let before = last.succ_opt().map(time::start_of_local_day);
    let mut next = items::highest_number(conn, committee.id, time::start_of_local_day(first), before)?;
    for item in &unnumbered {
        next += 1;
        items::fix_number(conn, item, next, now)?;
    }
    Ok(())
}

/// Takes `action` on the meeting (its secretaries): checks the lifecycle rules, moves the meeting
/// and stores the version it publishes, all in the caller's one transaction. What it did, and the
/// meeting's new version.
pub fn act(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    action: Action,
    reason: Option<String>,
) -> ApiResult<(ActionResult, i64)> {
    let (meeting, role) = find_readable(conn, principal, id)?;
    require_secretary(role)?;
    expected.check(meeting.version)?;
    let committee = committees::find(conn, meeting.committee_id)?.ok_or(ApiError::NotFound)?;
    let now = time::now();
    let facts = Facts {
        items: usize::try_from(items::count(conn, meeting.id)?).unwrap_or(0),
        started: meeting.starts_at <= now,
        reason: reason.is_some(),
        sign_off: if action == Action::PublishMinutes {
            sign_off_facts(conn, &meeting, committee.requires_sign_off)?
        } else {
            None
        },
    };
    let step = transition(meeting.status, action, &facts)?;
    let cancellation = if action == Action::Cancel { reason.as_deref() } else { None };
    let moved = meetings::set_status(conn, &meeting, step.to, cancellation, now)?;
    let published = match step.publishes {
        Some((kind, _)) => {
            ensure_room(published::count(conn, moved.id)?, limits::VERSIONS, "published versions of a meeting")?;
            let number = published::next_number(conn, moved.id, kind)?;
            if kind == DocumentKind::Agenda {
                fix_numbers(conn, &committee, &moved, now)?;
            }
            let signed = meeting.version;
            let document = build_document(conn, &moved, &committee, kind, number, reason.clone(), signed)?;
            published::insert(conn, &document, &moved, now, &principal.subject)?;
            Some(PublicationSummary::new(kind, number, reason.clone(), moved.version, now))
        }
        None => None,
    };
    let object = Object::of_committee("meeting", moved.id, moved.committee_id, false);
    let before = MeetingSummary::from(meeting);
    let after = ActionResult { meeting: MeetingSummary::from(moved.clone()), published };
    audit::change(conn, principal, action.name(), &object, Some(&before), Some(&after))?;
    Ok((after, moved.version))
}
