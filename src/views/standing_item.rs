//! A committee's standing item as the API shows it: in full, or a closed one as its title.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::standing_items::StandingItem;
use crate::domain::access::{ItemView, item_view};
use crate::domain::agenda::AgendaSection;
use crate::domain::closing::LegalBasis;
use crate::domain::{CaseType, CommitteeRole};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_id": 1, "position": 1, "title": "Eventuelt", "closed": false, "case_type": "information", "summary": null, "recommendation": null, "handled_by": null, "presentation": null, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct StandingItemView {
    pub id: i64,
    pub committee_id: i64,
    /// Where it goes in a new agenda, relative to the other standing items.
    pub position: i32,
    pub title: String,
    pub closed: bool,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    /// A closed standing item's legal basis, which each meeting's item starts with.
    pub legal_basis: Option<LegalBasis>,
    /// The grounds written out: closed content.
    pub closed_grounds: Option<String>,
    /// The part of the agenda its items stand in (none: by case type).
    pub section: Option<AgendaSection>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A closed standing item as someone below member sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedStandingItemView {
    pub id: i64,
    pub position: i32,
    pub title: String,
    /// Always `true`.
    pub closed: bool,
    pub legal_basis: Option<LegalBasis>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum StandingItemEntry {
    Full(Box<StandingItemView>),
    TitleOnly(ClosedStandingItemView),
}

impl From<StandingItem> for StandingItemView {
    fn from(s: StandingItem) -> Self {
        StandingItemView {
            id: s.id,
            committee_id: s.committee_id,
            position: s.position,
            title: s.title,
            closed: s.closed,
            case_type: s.case_type,
            summary: s.summary,
            recommendation: s.recommendation,
            handled_by: s.handled_by,
            presentation: s.presentation,
            legal_basis: s.legal_basis,
            closed_grounds: s.closed_grounds,
            section: s.section,
            version: s.version,
            created_at: time::to_api(s.created_at),
            updated_at: time::to_api(s.updated_at),
        }
    }
}

/// The standing item as a caller with `role` on its committee is shown it.
pub fn entry(item: StandingItem, role: Option<CommitteeRole>) -> StandingItemEntry {
    match item_view(item.closed, role) {
        ItemView::Full => StandingItemEntry::Full(Box::new(item.into())),
        ItemView::TitleOnly => StandingItemEntry::TitleOnly(ClosedStandingItemView {
            id: item.id,
            position: item.position,
            title: item.title,
            closed: true,
            legal_basis: item.legal_basis,
        }),
    }
}
