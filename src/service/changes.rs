//! The change feed: what changed, in commit order, as one caller may see it. The feed endpoint
//! and the webhook worker both read it from here, so that a subscriber is sent exactly what it
//! would read.

use crate::audit::{self, Auditor};
use crate::db::DbConnection;
use crate::db::changes::{self, Change, ChangeFilter, Current};
use crate::domain::access::{ItemView, Principal, item_role, item_view};
use crate::domain::events::Event;
use crate::domain::{CommitteeKind, CommitteeRole};
use crate::error::{ApiError, ApiResult};
use crate::time;
use crate::views::change::{ChangeAction, ChangeData, ChangeEntry, ChangePage};
use crate::views::id_cursor;
use crate::views::item::entry;
use crate::views::meeting::{Extent, MeetingSummary};
use crate::views::publication::PublicationSummary;

/// The caller's filter for changes after `after`.
pub fn filter_for(principal: &Principal, after: i64, limit: i64, events: Vec<Event>) -> ChangeFilter {
    let (read_ids, read_kinds) = principal.readable_committees();
    let (member_ids, member_kinds) = principal.committees_with(CommitteeRole::Member);
    ChangeFilter {
        after,
        until: 0,
        limit,
        events: events.into_iter().map(|e| e.name().to_owned()).collect(),
        committee_id: None,
        read_ids,
        read_kinds,
        member_ids,
        member_kinds,
        subject: principal.subject.clone(),
        all_committees: principal.is_admin(),
    }
}

/// A page of changes as `principal` may see them. The newest id is read first and the page stops
/// there, so that a page is a consistent prefix of what was committed when the read began.
/// `next_cursor` names the last entry shown (the cursor sent, when none is): it moves only when the
/// caller is shown something, so that it does not tell when changes the caller may not see happen.
pub fn page(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    mut filter: ChangeFilter,
) -> ApiResult<ChangePage> {
    filter.until = changes::newest(conn)?;
    let limit = usize::try_from(filter.limit).unwrap_or(0);
    filter.limit += 1;
    let mut rows = changes::list(conn, &filter)?;
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    let next = rows.last().map_or(filter.after, |(c, _)| c.id);
    let plain: Vec<Change> = rows.iter().map(|(c, _)| c.clone()).collect();
    let current = changes::current(conn, &plain, &principal.subject)?;
    let mut closed_shown: Vec<(i64, i64)> = Vec::new();
    let mut data = Vec::with_capacity(rows.len());
    for (change, kind) in rows {
        let event = change.event.parse().map_err(|_| ApiError::internal(format!("unknown event {}", change.event)))?;
        let view = render(&change, kind, principal, &current, &mut closed_shown);
        data.push(ChangeEntry {
            cursor: id_cursor(change.id),
            occurred_at: time::to_api(change.occurred_at),
            action: match change.action.as_str() {
                "create" => ChangeAction::Create,
                "delete" => ChangeAction::Delete,
                _ => ChangeAction::Update,
            },
            event,
            resource: change.resource,
            id: change.resource_id,
            committee_id: change.committee_id,
            meeting_id: change.meeting_id,
            data: view,
        });
    }
    for (committee, item) in closed_shown {
        audit::closed_reads(auditor, principal, committee, &[item]);
    }
    Ok(ChangePage { data, next_cursor: id_cursor(next), has_more })
}

/// The changed resource as the caller may see it now, if it still exists and is still shown.
fn render(
    change: &Change,
    kind: Option<CommitteeKind>,
    principal: &Principal,
    current: &Current,
    closed_shown: &mut Vec<(i64, i64)>,
) -> Option<ChangeData> {
    if change.action == "delete" {
        return None;
    }
    let id = change.resource_id;
    let committee = change.committee_id.unwrap_or_default();
    let role = kind.and_then(|kind| principal.role_on(committee, kind));
    let extent = Extent::of(role, change.meeting_id.is_some_and(|m| current.excluded_meetings.contains(&m)));
    // The caller's view of an item: full, or its allowlisted fields.
    let view_of = |item: i64| -> Option<ItemView> {
        let closed = current.closed_items.iter().find(|(i, _)| *i == item).map(|(_, closed)| *closed)?;
        Some(item_view(closed, item_role(role, current.excluded.contains(&item))))
    };
    match change.resource.as_str() {
        "committee" => {
            current.committees.iter().find(|c| c.id == id).map(|c| ChangeData::Committee(Box::new(c.clone().into())))
        }
        "meeting" => current
            .meetings
            .iter()
            .find(|m| m.id == id)
            .map(|m| ChangeData::Meeting(Box::new(MeetingSummary::seen(m.clone(), extent)))),
        "item" => {
            let item = current.items.iter().find(|i| i.id == id)?;
            let item_role = item_role(role, current.excluded.contains(&id));
            if item.closed && item_view(true, item_role) == ItemView::Full {
                closed_shown.push((committee, id));
            }
            Some(ChangeData::Item(entry(item.clone(), item_role)))
        }
        "participant" => {
            current.participants.iter().find(|p| p.id == id).map(|p| ChangeData::Participant(p.clone().into()))
        }
        "attachment" => {
            let attachment = current.attachments.iter().find(|a| a.id == id && a.removed_at.is_none())?;
            // An attachment of a closed item is closed content: shown only with the item in full.
            (view_of(attachment.item_id?)? == ItemView::Full).then(|| ChangeData::Attachment(attachment.clone().into()))
        }
        "publication" => current
            .publications
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, p)| ChangeData::Publication(PublicationSummary::seen(p.clone(), extent))),
        _ => None,
    }
}
