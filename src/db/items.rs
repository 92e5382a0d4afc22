//! Agenda items (punkter), kept in a contiguous order 1..n per meeting.
//!
//! Positions are unique per meeting. Shifting a block of them moves it through negative numbers
//! first, because both backends check the uniqueness row by row within one UPDATE. Every change
//! first touches the meeting (see `meetings::touch`), which also serialises concurrent changes to one
//! agenda on PostgreSQL.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::committees::Committee;
use super::error::{StoreError, StoreResult};
use super::meetings::{Meeting, Seen};
use super::removed_one;
use super::schema::{agenda_items as items, committees, meetings as meetings_table};
use super::{DbConnection, allocations, attachments, meetings};
use crate::domain::agenda::AgendaSection;
use crate::domain::closing::{LegalBasis, public_title};
use crate::domain::{CaseType, CommitteeKind, DecisionOutcome, MeetingStatus};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i32,
    pub title: String,
    pub closed: bool,
    pub case_number: Option<String>,
    pub journal_number: Option<String>,
    pub document_number: Option<String>,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    pub financial_consequences: Option<String>,
    pub decision_outcome: Option<DecisionOutcome>,
    pub decision_text: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When the decision was last recorded.
    pub decided_at: Option<NaiveDateTime>,
    /// Why the decision was recorded although the committee had no quorum for the item.
    pub quorum_override: Option<String>,
    /// The running number fixed when the agenda was published (committees numbering by year or
    /// term); none for numbering per meeting, where the position is the number.
    #[diesel(column_name = number)]
    pub fixed_number: Option<i32>,
    /// Why a closed item is closed (see `domain::closing`).
    pub legal_basis: Option<LegalBasis>,
    /// The grounds written out: closed content.
    pub closed_grounds: Option<String>,
    /// A closed item's title is withheld from those who do not read it in full.
    pub title_withheld: bool,
    /// A closed item's decision as the public may read it in the minutes, and from which day.
    pub public_decision_text: Option<String>,
    pub public_decision_from: Option<NaiveDate>,
    /// The part of the agenda it stands in, when set (see [`Item::section`]).
    #[diesel(column_name = section)]
    pub chosen_section: Option<AgendaSection>,
}

impl Item {
    /// The item's number as the agenda shows it.
    pub fn number(&self) -> i32 {
        self.fixed_number.unwrap_or(self.position)
    }

    /// The part of the agenda it stands in: as set, or by its case type.
    pub fn section(&self) -> AgendaSection {
        AgendaSection::of(self.chosen_section, self.case_type)
    }

    /// Its title for someone who does not read it in full.
    pub fn public_title(&self) -> &str {
        public_title(&self.title, self.closed && self.title_withheld)
    }
}

/// A decision as recorded on an item; all `None` clears it.
#[derive(Clone, Debug, Default)]
pub struct Decision {
    pub outcome: Option<DecisionOutcome>,
    pub text: Option<String>,
    pub quorum_override: Option<String>,
    pub public_text: Option<String>,
    pub public_from: Option<NaiveDate>,
}

impl super::Modified for Item {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

/// Everything about an item a client sets, except its position.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = items, treat_none_as_null = true)]
pub struct ItemFields {
    pub title: String,
    pub closed: bool,
    pub case_number: Option<String>,
    pub journal_number: Option<String>,
    pub document_number: Option<String>,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    pub financial_consequences: Option<String>,
    pub legal_basis: Option<LegalBasis>,
    pub closed_grounds: Option<String>,
    pub title_withheld: bool,
    pub section: Option<AgendaSection>,
}

impl Item {
    pub fn fields(&self) -> ItemFields {
        ItemFields {
            title: self.title.clone(),
            closed: self.closed,
            case_number: self.case_number.clone(),
            journal_number: self.journal_number.clone(),
            document_number: self.document_number.clone(),
            case_type: self.case_type,
            summary: self.summary.clone(),
            recommendation: self.recommendation.clone(),
            handled_by: self.handled_by.clone(),
            presentation: self.presentation.clone(),
            financial_consequences: self.financial_consequences.clone(),
            legal_basis: self.legal_basis,
            closed_grounds: self.closed_grounds.clone(),
            title_withheld: self.title_withheld,
            section: self.chosen_section,
        }
    }
}

pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<Item>> {
    items::table.filter(items::meeting_id.eq(meeting_id)).order(items::position).select(Item::as_select()).load(conn)
}

/// Where an item sits: its committee (id and kind), which access depends on, and its meeting's
/// status, which the lifecycle rules depend on.
#[derive(Clone, Copy, Debug)]
pub struct ItemPlace {
    pub committee_id: i64,
    pub kind: CommitteeKind,
    pub status: MeetingStatus,
}

pub fn find_with_committee(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(Item, ItemPlace)>> {
    let row: Option<(Item, i64, CommitteeKind, MeetingStatus)> = items::table
        .inner_join(meetings_table::table.inner_join(committees::table))
        .filter(items::id.eq(id))
        .select((Item::as_select(), committees::id, committees::kind, meetings_table::status))
        .first(conn)
        .optional()?;
    Ok(row.map(|(item, committee_id, kind, status)| (item, ItemPlace { committee_id, kind, status })))
}

/// The items carrying `case_number` in the meetings of these committees (by id, or by kind; every
/// committee with `None`), with their meeting and committee, in meeting order.
pub fn for_case(
    conn: &mut DbConnection,
    case_number: &str,
    committees_of: Option<(&[i64], &[CommitteeKind])>,
    limit: i64,
) -> QueryResult<Vec<(Item, Meeting, Committee)>> {
    let mut query = items::table
        .inner_join(meetings_table::table.inner_join(committees::table))
        .filter(items::case_number.eq(case_number))
        .order((meetings_table::starts_at, meetings_table::id, items::position))
        .limit(limit)
        .select((Item::as_select(), Meeting::as_select(), Committee::as_select()))
        .into_boxed();
    if let Some((ids, kinds)) = committees_of {
        query = query.filter(committees::id.eq_any(ids).or(committees::kind.eq_any(kinds)));
    }
    query.load(conn)
}

/// How many items a meeting's agenda has.
pub fn count(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<i32> {
    let n: i64 = items::table.filter(items::meeting_id.eq(meeting_id)).count().get_result(conn)?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

/// Moves the items at `from..` by `by` places (+1 or -1), bumping their versions: their position is
/// part of what a client sees.
fn shift_from(conn: &mut DbConnection, meeting_id: i64, from: i32, by: i32, now: NaiveDateTime) -> QueryResult<()> {
    let block = items::table.filter(items::meeting_id.eq(meeting_id));
    diesel::update(block.filter(items::position.ge(from)))
        .set(items::position.eq((items::position + by) * -1))
        .execute(conn)?;
    diesel::update(block.filter(items::position.lt(0)))
        .set((
            items::position.eq(items::position * -1),
            items::version.eq(items::version + 1),
            items::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds an item at `position` (1-based; at the end when `None`), moving later items down.
pub fn create(
    conn: &mut DbConnection,
    meeting_id: i64,
    fields: &ItemFields,
    position: Option<i32>,
    now: NaiveDateTime,
) -> StoreResult<Item> {
    meetings::touch(conn, meeting_id, now, Seen::ByReaders)?;
    let end = count(conn, meeting_id)? + 1;
    let position = match position {
        None => end,
        Some(p) if (1..=end).contains(&p) => p,
        Some(_) => return Err(StoreError::invalid("position", format!("must be between 1 and {end}"))),
    };
    if position < end {
        shift_from(conn, meeting_id, position, 1, now)?;
    }
    Ok(diesel::insert_into(items::table)
        .values((
            fields,
            items::meeting_id.eq(meeting_id),
            items::position.eq(position),
            items::version.eq(1),
            items::created_at.eq(now),
            items::updated_at.eq(now),
        ))
        .returning(items::all_columns)
        .get_result(conn)?)
}

pub fn update(conn: &mut DbConnection, current: &Item, fields: &ItemFields, now: NaiveDateTime) -> StoreResult<Item> {
    // Those who do not read closed items see a closed item's number, its title unless withheld, its
    // legal basis, and whether it is closed.
    let hidden = current.closed
        && fields.closed
        && public_title(&current.title, current.title_withheld) == public_title(&fields.title, fields.title_withheld)
        && current.legal_basis == fields.legal_basis;
    meetings::touch(conn, current.meeting_id, now, if hidden { Seen::ByMembers } else { Seen::ByReaders })?;
    // An opened item's decision is public as it stands: a public wording of it has no place.
    let (public_text, public_from) =
        if fields.closed { (current.public_decision_text.clone(), current.public_decision_from) } else { (None, None) };
    diesel::update(at_version!(items, current))
        .set((
            fields,
            items::public_decision_text.eq(public_text),
            items::public_decision_from.eq(public_from),
            items::version.eq(current.version + 1),
            items::updated_at.eq(now),
        ))
        .returning(items::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

/// Records an item's decision, or clears it when both parts are `None`.
pub fn set_decision(
    conn: &mut DbConnection,
    current: &Item,
    decision: Decision,
    now: NaiveDateTime,
) -> StoreResult<Item> {
    meetings::touch(conn, current.meeting_id, now, Seen::content_of(current.closed))?;
    let decided_at = (decision.outcome.is_some() || decision.text.is_some()).then_some(now);
    diesel::update(at_version!(items, current))
        .set((
            items::decision_outcome.eq(decision.outcome),
            items::decision_text.eq(decision.text),
            items::quorum_override.eq(decision.quorum_override),
            items::public_decision_text.eq(decision.public_text),
            items::public_decision_from.eq(decision.public_from),
            items::decided_at.eq(decided_at),
            items::version.eq(current.version + 1),
            items::updated_at.eq(now),
        ))
        .returning(items::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

/// Removes an item and closes the gap it leaves.
pub fn delete(conn: &mut DbConnection, current: &Item, now: NaiveDateTime) -> StoreResult<()> {
    if allocations::any_linked_to(conn, &[current.id])? {
        return Err(StoreError::Conflict(
            "Cost allocations are linked to the item; unlink or delete them first.".into(),
        ));
    }
    meetings::touch(conn, current.meeting_id, now, Seen::ByReaders)?;
    attachments::release_item(conn, current.id)?;
    removed_one(diesel::delete(at_version!(items, current)).execute(conn)?)?;
    shift_from(conn, current.meeting_id, current.position + 1, -1, now)?;
    Ok(())
}

/// Gives the meeting's items the order of `ids` (already checked to be a permutation of them).
pub fn reorder(conn: &mut DbConnection, meeting_id: i64, ids: &[i64], now: NaiveDateTime) -> StoreResult<()> {
    meetings::touch(conn, meeting_id, now, Seen::ByReaders)?;
    let current: Vec<(i64, i32)> =
        items::table.filter(items::meeting_id.eq(meeting_id)).select((items::id, items::position)).load(conn)?;
    let mut moved = 0;
    for (index, id) in ids.iter().enumerate() {
        let position = i32::try_from(index + 1).map_err(StoreError::internal)?;
        if current.iter().any(|&(item, old)| item == *id && old != position) {
            diesel::update(items::table.find(id)).set(items::position.eq(-position)).execute(conn)?;
            moved += 1;
        }
    }
    if moved > 0 {
        diesel::update(items::table.filter(items::meeting_id.eq(meeting_id)).filter(items::position.lt(0)))
            .set((
                items::position.eq(items::position * -1),
                items::version.eq(items::version + 1),
                items::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The highest running number the committee's items carry in meetings starting from `from` and
/// before `before`; 0 when none has one.
pub fn highest_number(
    conn: &mut DbConnection,
    committee_id: i64,
    from: NaiveDateTime,
    before: Option<NaiveDateTime>,
) -> QueryResult<i32> {
    let mut query = items::table
        .inner_join(meetings_table::table)
        .filter(meetings_table::committee_id.eq(committee_id))
        .filter(meetings_table::starts_at.ge(from))
        .select(diesel::dsl::max(items::number))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(meetings_table::starts_at.lt(before));
    }
    Ok(query.first::<Option<i32>>(conn)?.unwrap_or(0))
}

/// Fixes the item's running number.
pub fn fix_number(conn: &mut DbConnection, current: &Item, number: i32, now: NaiveDateTime) -> StoreResult<Item> {
    diesel::update(at_version!(items, current))
        .set((items::number.eq(number), items::version.eq(current.version + 1), items::updated_at.eq(now)))
        .returning(items::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}
