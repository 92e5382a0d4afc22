//! Standing items (faste punkter): a committee's template of the items every meeting starts with.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::error::{StoreError, StoreResult};
use super::items::ItemFields;
use super::removed_one;
use super::schema::standing_items as standing;
use crate::domain::CaseType;
use crate::domain::agenda::AgendaSection;
use crate::domain::closing::LegalBasis;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = standing)]
pub struct StandingItem {
    pub id: i64,
    pub committee_id: i64,
    pub position: i32,
    pub title: String,
    pub closed: bool,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Why a closed standing item is closed; its meetings' items start with the same.
    pub legal_basis: Option<LegalBasis>,
    pub closed_grounds: Option<String>,
    /// The part of the agenda its items stand in (none: by case type).
    pub section: Option<AgendaSection>,
}

impl super::Modified for StandingItem {
    fn modified_at(&self) -> NaiveDateTime {
        self.updated_at
    }
}

#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = standing, treat_none_as_null = true)]
pub struct StandingItemFields {
    pub position: i32,
    pub title: String,
    pub closed: bool,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    pub legal_basis: Option<LegalBasis>,
    pub closed_grounds: Option<String>,
    pub section: Option<AgendaSection>,
}

impl StandingItem {
    pub fn fields(&self) -> StandingItemFields {
        StandingItemFields {
            position: self.position,
            title: self.title.clone(),
            closed: self.closed,
            case_type: self.case_type,
            summary: self.summary.clone(),
            recommendation: self.recommendation.clone(),
            handled_by: self.handled_by.clone(),
            presentation: self.presentation.clone(),
            legal_basis: self.legal_basis,
            closed_grounds: self.closed_grounds.clone(),
            section: self.section,
        }
    }
}

/// The committee's standing items in agenda order (by position, then as they were added).
pub fn list(conn: &mut DbConnection, committee_id: i64) -> QueryResult<Vec<StandingItem>> {
    standing::table
        .filter(standing::committee_id.eq(committee_id))
        .order((standing::position, standing::id))
        .select(StandingItem::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, committee_id: i64, id: i64) -> QueryResult<Option<StandingItem>> {
    standing::table
        .filter(standing::id.eq(id))
        .filter(standing::committee_id.eq(committee_id))
        .select(StandingItem::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    committee_id: i64,
    fields: &StandingItemFields,
    now: NaiveDateTime,
) -> StoreResult<StandingItem> {
    Ok(diesel::insert_into(standing::table)
        .values((
            fields,
            standing::committee_id.eq(committee_id),
            standing::version.eq(1),
            standing::created_at.eq(now),
            standing::updated_at.eq(now),
        ))
        .returning(standing::all_columns)
        .get_result(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    current: &StandingItem,
    fields: &StandingItemFields,
    now: NaiveDateTime,
) -> StoreResult<StandingItem> {
    diesel::update(at_version!(standing, current))
        .set((fields, standing::version.eq(current.version + 1), standing::updated_at.eq(now)))
        .returning(standing::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(StoreError::Stale)
}

pub fn delete(conn: &mut DbConnection, current: &StandingItem) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(standing, current)).execute(conn)?)
}

/// A new meeting's item, as its committee's template has it.
impl From<StandingItem> for ItemFields {
    fn from(s: StandingItem) -> Self {
        ItemFields {
            title: s.title,
            closed: s.closed,
            case_number: None,
            journal_number: None,
            document_number: None,
            case_type: s.case_type,
            summary: s.summary,
            recommendation: s.recommendation,
            handled_by: s.handled_by,
            presentation: s.presentation,
            financial_consequences: None,
            legal_basis: s.legal_basis,
            closed_grounds: s.closed_grounds,
            title_withheld: false,
            section: s.section,
        }
    }
}

/// How many standing items a committee has.
pub fn count(conn: &mut DbConnection, committee_id: i64) -> QueryResult<i64> {
    standing::table.filter(standing::committee_id.eq(committee_id)).count().get_result(conn)
}
