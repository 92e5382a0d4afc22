//! The change feed: the `changes` rows the triggers write (see the `changes` migration), filtered by
//! what the caller may see, and the resources they name, loaded a page at a time.

use chrono::NaiveDateTime;
use diesel::IntoSql;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::DbConnection;
use super::attachments::Attachment;
use super::committees::Committee;
use super::items::Item;
use super::meetings::Meeting;
use super::participants::Participant;
use super::published::Publication;
use super::schema::{
    agenda_items, attachments, changes, committees, item_exclusions, meeting_participants, meetings,
    published_documents,
};
use crate::domain::CommitteeKind;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = changes)]
pub struct Change {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub resource: String,
    pub resource_id: i64,
    pub committee_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub item_id: Option<i64>,
    pub action: String,
    pub event: String,
    pub closed: bool,
    pub open_change: bool,
}

/// Which changes a caller is shown (see `domain::access` for the rules these encode).
#[derive(Clone, Debug, Default)]
pub struct ChangeFilter {
    /// After this change id.
    pub after: i64,
    /// Up to and including this one: the newest when the read began (see [`newest`]).
    pub until: i64,
    pub limit: i64,
    /// Only these events (all when empty).
    pub events: Vec<String>,
    /// Only this committee's.
    pub committee_id: Option<i64>,
    /// Committees (by id or kind) the caller holds a role on: their meetings and open content.
    pub read_ids: Vec<i64>,
    pub read_kinds: Vec<CommitteeKind>,
    /// Committees on which the caller is a member: also their closed items' changes, except those of
    /// items the caller is excluded from.
    pub member_ids: Vec<i64>,
    pub member_kinds: Vec<CommitteeKind>,
    pub subject: String,
    /// Admins see every committee's own changes (not its content).
    pub all_committees: bool,
}

/// The newest change id, or 0.
pub fn newest(conn: &mut DbConnection) -> QueryResult<i64> {
    Ok(changes::table.select(diesel::dsl::max(changes::id)).first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// The changes the filter lets through, oldest first, each with its committee's kind (none once the
/// committee is deleted).
pub fn list(conn: &mut DbConnection, filter: &ChangeFilter) -> QueryResult<Vec<(Change, Option<CommitteeKind>)>> {
    use crate::domain::Publication as Level;
    let mut query = changes::table
        .left_join(committees::table.on(committees::id.nullable().eq(changes::committee_id)))
        .filter(changes::id.gt(filter.after))
        .filter(changes::id.le(filter.until))
        .select((Change::as_select(), committees::kind.nullable()))
        .order(changes::id)
        .limit(filter.limit)
        .into_boxed();
    if !filter.events.is_empty() {
        query = query.filter(changes::event.eq_any(filter.events.clone()));
    }
    if let Some(committee) = filter.committee_id {
        query = query.filter(changes::committee_id.eq(committee));
    }
    let reads = changes::committee_id
        .assume_not_null()
        .eq_any(filter.read_ids.clone())
        .or(committees::kind.nullable().assume_not_null().eq_any(filter.read_kinds.clone()));
    let member = changes::committee_id
        .assume_not_null()
        .eq_any(filter.member_ids.clone())
        .or(committees::kind.nullable().assume_not_null().eq_any(filter.member_kinds.clone()));
    // Excluded from the item changed or, for a meeting's update that only its closed content caused,
    // from any of its items: such a member is shown the meeting's open part only.
    let excluded = exists(
        item_exclusions::table
            .filter(item_exclusions::item_id.nullable().eq(changes::item_id))
            .filter(item_exclusions::subject.eq(filter.subject.clone())),
    )
    .or(changes::resource.eq("meeting").and(exists(
        item_exclusions::table
            .inner_join(agenda_items::table)
            .filter(agenda_items::meeting_id.nullable().eq(changes::meeting_id))
            .filter(item_exclusions::subject.eq(filter.subject.clone())),
    )));
    // A committee is known to whoever holds a role on it, to every employee when its publication says
    // so, and to admins; that one was deleted tells nothing.
    let committee_visible = filter
        .all_committees
        .into_sql::<diesel::sql_types::Bool>()
        .or(changes::action.eq("delete"))
        .or(committees::publication.nullable().assume_not_null().eq_any([Level::Public, Level::Internal]))
        .or(reads.clone());
    let content_visible =
        reads.and(changes::closed.eq(false).or(changes::open_change.eq(true)).or(member.and(not(excluded))));
    query = query.filter(
        changes::resource
            .eq("committee")
            .and(committee_visible)
            .or(changes::resource.ne("committee").and(content_visible)),
    );
    query.load(conn)
}

/// The current rows a page of changes names, by resource.
#[derive(Default)]
pub struct Current {
    pub committees: Vec<Committee>,
    pub meetings: Vec<Meeting>,
    pub items: Vec<Item>,
    pub participants: Vec<Participant>,
    pub attachments: Vec<Attachment>,
    pub publications: Vec<(i64, Publication)>,
    /// Whether each item above and each attachment's item is closed, by id.
    pub closed_items: Vec<(i64, bool)>,
    /// Of those items, the ones the caller is excluded from.
    pub excluded: Vec<i64>,
    /// Of the meetings the changes name, those with an item the caller is excluded from.
    pub excluded_meetings: Vec<i64>,
}

/// Loads what the changes name: one query per kind of resource, not one per change.
pub fn current(conn: &mut DbConnection, page: &[Change], subject: &str) -> QueryResult<Current> {
    let ids = |resource: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = page.iter().filter(|c| c.resource == resource).map(|c| c.resource_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let attachments: Vec<Attachment> = attachments::table
        .filter(attachments::id.eq_any(ids("attachment")))
        .select(Attachment::as_select())
        .load(conn)?;
    let mut item_ids = ids("item");
    item_ids.extend(attachments.iter().filter_map(|a| a.item_id));
    Ok(Current {
        committees: committees::table
            .filter(committees::id.eq_any(ids("committee")))
            .select(Committee::as_select())
            .load(conn)?,
        meetings: meetings::table
            .filter(meetings::id.eq_any(ids("meeting")))
            .select(Meeting::as_select())
            .load(conn)?,
        items: agenda_items::table.filter(agenda_items::id.eq_any(&item_ids)).select(Item::as_select()).load(conn)?,
        participants: meeting_participants::table
            .filter(meeting_participants::id.eq_any(ids("participant")))
            .select(Participant::as_select())
            .load(conn)?,
        attachments,
        publications: published_documents::table
            .filter(published_documents::id.eq_any(ids("publication")))
            .select((published_documents::id, Publication::as_select()))
            .load(conn)?,
        closed_items: agenda_items::table
            .filter(agenda_items::id.eq_any(&item_ids))
            .select((agenda_items::id, agenda_items::closed))
            .load(conn)?,
        excluded: item_exclusions::table
            .filter(item_exclusions::item_id.eq_any(&item_ids))
            .filter(item_exclusions::subject.eq(subject))
            .select(item_exclusions::item_id)
            .load(conn)?,
        excluded_meetings: {
            let mut meetings: Vec<i64> = page.iter().filter_map(|c| c.meeting_id).collect();
            meetings.sort_unstable();
            meetings.dedup();
            super::exclusions::meetings_with_exclusions(conn, subject, &meetings)?
        },
    })
}
