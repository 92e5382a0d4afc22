//! `GET /v1/changes`: every create, update, publication and deletion of the committees, meetings,
//! items, participants, attachments and published versions the caller may see, in commit order, from
//! a cursor the caller keeps. Webhooks deliver the same entries (see `webhooks`).

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Authenticated;
use super::State;
use super::attachments::AttachmentView;
use super::committees::CommitteeView;
use super::extract::QueryParams;
use super::items::{AgendaEntry, entry};
use super::meetings::{Extent, MeetingSummary};
use super::pagination;
use super::participants::ParticipantView;
use super::policy::{Access, Routes};
use super::published::PublicationSummary;
use crate::audit::{self, Auditor};
use crate::db::DbConnection;
use crate::db::changes::{self, Change, ChangeFilter, Current};
use crate::domain::access::{ItemView, Principal, item_role, item_view};
use crate::domain::events::{Event, comma_separated};
use crate::domain::{CommitteeKind, CommitteeRole};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangeQuery {
    /// `next_cursor` of the previous page; from the beginning without it.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
    /// The same as `cursor`, its earlier name, still read (send one of the two).
    #[param(ignore)]
    pub since: Option<String>,
    /// Only these events, comma-separated (e.g. `agenda.published,minutes.published`).
    #[serde(default, deserialize_with = "comma_separated")]
    #[param(style = Form, explode = false, max_items = 19)]
    pub events: Option<Vec<Event>>,
    /// Only this committee's changes.
    pub committee_id: Option<i64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Delete,
}

/// The resource as it is now, as the caller may see it: the same view its own endpoint gives.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ChangeData {
    Committee(Box<CommitteeView>),
    Meeting(Box<MeetingSummary>),
    /// A closed item, to a caller below member: its allowlisted fields only.
    Item(AgendaEntry),
    Participant(ParticipantView),
    Attachment(AttachmentView),
    Publication(PublicationSummary),
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEntry {
    /// Resume after this entry by passing it as `cursor`.
    pub cursor: String,
    pub occurred_at: DateTime<FixedOffset>,
    pub event: Event,
    /// `committee`, `meeting`, `item`, `participant`, `attachment` or `publication`.
    pub resource: String,
    pub id: i64,
    pub committee_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub action: ChangeAction,
    /// The resource now; `null` when it no longer exists or is no longer shown to the caller (remove
    /// it from a copy). A meeting's deletion stands for its items, participants and attachments.
    pub data: Option<ChangeData>,
}

/// A page of the feed. `next_cursor` is always given: pass it as `cursor` to get what changed after.
/// It is the last entry's cursor, or the one sent when there is nothing new: it moves only when
/// something the caller may see has changed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"has_more": false, "next_cursor": "id.4711", "data": [{"cursor": "id.4711", "occurred_at": "2022-04-27T09:00:00+02:00", "event": "minutes.published", "resource": "publication", "id": 2, "committee_id": 1, "meeting_id": 1, "action": "create", "data": {"kind": "minutes", "number": 1, "meeting_version": 21, "published_at": "2022-04-27T09:00:00+02:00", "reason": null}}]})))]
pub struct ChangePage {
    pub data: Vec<ChangeEntry>,
    #[schema(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub next_cursor: String,
    /// More changes are waiting: ask again at once.
    pub has_more: bool,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Malformed("A query parameter is invalid.".into(), vec![FieldError::new(field, message)])
}

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
            cursor: pagination::id_cursor(change.id),
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
    Ok(ChangePage { data, next_cursor: pagination::id_cursor(next), has_more })
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

/// What changed since a cursor, in commit order, as the caller may see it. A client keeps a copy by
/// applying each entry: `data` replaces its copy of the resource, `null` removes it (with a meeting,
/// its items, participants and attachments). A closed item's change reaches a non-member only when
/// what it sees of the item (number, title) changed, and then as that alone.
#[utoipa::path(
    tag = "changes", operation_id = "listChanges",
    params(ChangeQuery),
    responses(
        (status = OK, description = "A page of the feed.", body = ChangePage),
        (status = UNPROCESSABLE_ENTITY, description = "`events` names an event there is not.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<ChangeQuery>,
) -> ApiResult<web::Json<ChangePage>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let (name, cursor) = match (query.cursor, query.since) {
        (Some(_), Some(_)) => return Err(invalid("since", "send `cursor` or `since`, not both")),
        (Some(cursor), None) => ("cursor", Some(cursor)),
        (None, since) => ("since", since),
    };
    let after = match cursor.as_deref() {
        Some(cursor) => {
            pagination::after_id(Some(cursor)).map_err(|_| invalid(name, "is not a cursor of this feed"))?
        }
        None => None,
    }
    .unwrap_or(0);
    let events = query.events.unwrap_or_default();
    let committee_id = query.committee_id;
    let state_ref = state.clone();
    let page = state
        .read(principal, move |conn, principal| {
            let mut filter = filter_for(principal, after, i64::from(limit), events);
            filter.committee_id = committee_id;
            page(conn, principal, &state_ref.auditor, filter)
        })
        .await?;
    Ok(web::Json(page))
}
