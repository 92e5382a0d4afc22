//! Meetings: listing, reading, creating, changing and deleting them, as the caller may.

use crate::audit::{self, Auditor, Object};
use crate::db::meetings::{self, Meeting, MeetingFields, MeetingFilter};
use crate::db::participants::ParticipantFields;
use crate::db::{DbConnection, committees, exclusions, items, participants, published, roster, standing_items};
use crate::domain::CommitteeRole;
use crate::domain::access::{Principal, can_read_meetings};
use crate::domain::agenda::can_delete_meeting;
use crate::domain::lifecycle::Change;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{self, allow, find_readable, require_secretary};
use crate::service::agenda::{Agenda, entries};
use crate::time;
use crate::views::item::AgendaItemView;
use crate::views::meeting::{Extent, MeetingSummary, MeetingView};
use crate::views::participant::ParticipantView;
use crate::views::publication::PublicationSummary;

/// A meeting as one caller is shown it, and the version it is shown at (`whole` when the caller
/// sees all of it, the only version that can be written).
pub struct Shown {
    pub view: MeetingView,
    pub version: i64,
    pub whole: bool,
}

fn object(meeting: &Meeting) -> Object {
    Object::of_committee("meeting", meeting.id, meeting.committee_id, false)
}

/// The meetings `filter` selects among those the caller may read, each with how much of it the
/// caller sees.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    mut filter: MeetingFilter,
) -> ApiResult<Vec<(Meeting, Extent)>> {
    (filter.committees, filter.kinds) = principal.readable_committees();
    (filter.whole_committees, filter.whole_kinds) = principal.committees_with(CommitteeRole::Member);
    filter.subject = principal.subject.clone();
    let rows = meetings::list(conn, &filter)?;
    let ids: Vec<i64> = rows.iter().map(|(m, _)| m.id).collect();
    let excluded = exclusions::meetings_with_exclusions(conn, &principal.subject, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(meeting, kind)| {
            let role = principal.role_on(meeting.committee_id, kind);
            let extent = Extent::of(role, excluded.contains(&meeting.id));
            (meeting, extent)
        })
        .collect())
}

/// A meeting as the caller sees it. The meeting is read before its parts: a concurrent change then
/// shows up as newer parts under an older version, never as an older agenda under the newer
/// version's tag.
fn shown(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    meeting: Meeting,
    role: Option<CommitteeRole>,
) -> ApiResult<Shown> {
    let extent = access::extent(conn, principal, &meeting, role)?;
    let people = participants::list_for_meeting(conn, meeting.id)?;
    let items = items::list_for_meeting(conn, meeting.id)?;
    let versions = published::list(conn, meeting.id)?;
    let agenda = Agenda { meeting: meeting.id, committee: meeting.committee_id, role, principal, auditor };
    let (items, _) = entries(conn, &agenda, items)?;
    let latest = versions.iter().max_by_key(|v| v.published_at);
    let (version, whole) = (extent.version(&meeting), extent == Extent::Whole);
    let view = MeetingView {
        unpublished_changes: latest
            .is_some_and(|v| extent.of_copy(v.meeting_version, v.open_meeting_version) != version),
        meeting: MeetingSummary::seen(meeting, extent),
        participants: people.into_iter().map(ParticipantView::from).collect(),
        items,
        published: versions.into_iter().map(|v| PublicationSummary::seen(v, extent)).collect(),
    };
    Ok(Shown { view, version, whole })
}

/// The meeting with its participants and agenda, as the caller may see it.
pub fn read(conn: &mut DbConnection, principal: &Principal, auditor: &Auditor, id: i64) -> ApiResult<Shown> {
    let (meeting, role) = find_readable(conn, principal, id)?;
    shown(conn, principal, auditor, meeting, role)
}

/// Creates a draft meeting of `committee` (its secretaries), with the committee's standing items
/// on its agenda when asked for. A committee the caller cannot read is named as not found.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    committee: i64,
    fields: &MeetingFields,
    with_standing_items: bool,
) -> ApiResult<Shown> {
    let committee = committees::find(conn, committee)?
        .filter(|c| can_read_meetings(principal.role_on(c.id, c.kind)))
        .ok_or_else(|| ApiError::validation("committee_id", "no such committee"))?;
    let role = principal.role_on(committee.id, committee.kind);
    require_secretary(role)?;
    let now = time::now();
    let standing = if with_standing_items { standing_items::list(conn, committee.id)? } else { Vec::new() };
    let mut meeting = meetings::create(conn, committee.id, fields, now)?;
    for template in standing {
        let item = items::create(conn, meeting.id, &template.into(), None, now)?;
        let object = Object::of_committee("item", item.id, committee.id, item.closed);
        audit::created(conn, principal, &object, &AgendaItemView::from(item))?;
    }
    // The participants start from the committee's roster on the meeting's day.
    let members = roster::on(conn, committee.id, time::local_day(meeting.starts_at))?;
    for member in members.into_iter().take(limits::PARTICIPANTS) {
        let participant = participants::create(conn, meeting.id, &ParticipantFields::from(member), now)?;
        let object = Object::of_committee("participant", participant.id, committee.id, false);
        audit::created(conn, principal, &object, &ParticipantView::from(participant))?;
    }
    meeting = meetings::find(conn, meeting.id)?.ok_or(ApiError::NotFound)?;
    audit::created(conn, principal, &object(&meeting), &MeetingSummary::from(meeting.clone()))?;
    shown(conn, principal, auditor, meeting, role)
}

/// Changes the meeting's details (its secretaries, while its state allows): `change` makes the new
/// fields of the current ones.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    id: i64,
    expected: &impl Expected,
    change: impl FnOnce(&Meeting) -> ApiResult<MeetingFields>,
) -> ApiResult<Shown> {
    let (current, role) = find_readable(conn, principal, id)?;
    require_secretary(role)?;
    expected.check(current.version)?;
    allow(current.status, Change::Details)?;
    let fields = change(&current)?;
    let meeting = meetings::update(conn, &current, &fields, time::now())?;
    let summary = MeetingSummary::from(meeting.clone());
    audit::updated(conn, principal, &object(&meeting), &MeetingSummary::from(current), &summary)?;
    shown(conn, principal, auditor, meeting, role)
}

/// Deletes a draft meeting with its agenda and participants (its secretaries).
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let (current, role) = find_readable(conn, principal, id)?;
    require_secretary(role)?;
    expected.check(current.version)?;
    if !can_delete_meeting(current.status) {
        return Err(ApiError::Conflict("Only draft meetings can be deleted.".into()));
    }
    meetings::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &MeetingSummary::from(current.clone()))
}
