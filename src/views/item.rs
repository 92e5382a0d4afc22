//! An agenda item as a caller is shown it: in full, or a closed item as its number, title (unless
//! withheld) and legal basis.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::items::Item;
use crate::domain::access::{ItemView, item_view};
use crate::domain::agenda::AgendaSection;
use crate::domain::closing::LegalBasis;
use crate::domain::{CaseType, CommitteeRole, DecisionOutcome};
use crate::time;

/// A decision (beslutning): its outcome, its wording in the minutes and when it was recorded.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"outcome": "approved_with_conditions", "text": "Godkendt inden for de rammer og målgrupper, som blev drøftet på mødet.", "decided_at": "2022-04-25T14:05:00+02:00"})))]
pub struct Decision {
    pub outcome: Option<DecisionOutcome>,
    /// The decision as written in the minutes, e.g. "Taget til efterretning."
    pub text: Option<String>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// The secretary's reason for recording the decision without a quorum (§ 11).
    #[serde(default)]
    pub quorum_override: Option<String>,
    /// A closed item's decision as the public reads it in the minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_text: Option<String>,
    /// The day the public text is published from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_from: Option<NaiveDate>,
}

impl Decision {
    /// The item's decision, when one is recorded.
    pub fn of(item: &Item) -> Option<Decision> {
        (item.decision_outcome.is_some() || item.decision_text.is_some()).then(|| Decision {
            outcome: item.decision_outcome,
            text: item.decision_text.clone(),
            decided_at: item.decided_at.map(time::to_api),
            quorum_override: item.quorum_override.clone(),
            public_text: item.public_decision_text.clone(),
            public_from: item.public_decision_from,
        })
    }
}

/// An agenda item in full.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "meeting_id": 1, "number": 2, "position": 2, "title": "Implementering af FirstAgenda", "closed": false, "case_number": "22-003462", "journal_number": "00.22.04", "document_number": null, "case_type": "decision", "summary": "Med denne sag skal Direktionen tage stilling til en strategi for implementering af FirstAgenda.", "recommendation": "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.", "handled_by": "Direktionen.", "presentation": "Eftersom FirstAgenda kan implementeres bredt blandt Kalundborg Kommunes enheder og samarbejdspartnere, etableres der såkaldte AD-grupper.", "financial_consequences": "Meromkostningen for ubegrænsede licenser i størrelsesordenen 50.000 kr. bliver fordelt på de enheder, der anvender FirstAgenda.", "decision": {"outcome": "approved_with_conditions", "text": "Godkendt inden for de rammer og målgrupper, som blev drøftet på mødet.", "decided_at": "2022-04-25T14:05:00+02:00"}, "legal_basis": null, "closed_grounds": null, "title_withheld": false, "section": "for_decision", "version": 4, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-21T14:02:00+02:00"})))]
pub struct AgendaItemView {
    pub id: i64,
    pub meeting_id: i64,
    /// The item's number in the agenda ("Punkt 3"): its position.
    pub number: i32,
    pub position: i32,
    pub title: String,
    /// A closed (lukket) item's content is shown only to the committee's members.
    pub closed: bool,
    /// Sagsnr., e.g. `21-046857K` or `326-2021-15058`.
    pub case_number: Option<String>,
    /// J.nr.: KLE classification `NN.NN.NN`.
    pub journal_number: Option<String>,
    /// Dokumentnr.
    pub document_number: Option<String>,
    pub case_type: Option<CaseType>,
    /// Resume og sagens baggrund.
    pub summary: Option<String>,
    /// Indstilling(er).
    pub recommendation: Option<String>,
    /// Behandling: the bodies that treat the case.
    pub handled_by: Option<String>,
    /// Sagsfremstilling.
    pub presentation: Option<String>,
    /// Økonomiske konsekvenser.
    pub financial_consequences: Option<String>,
    pub decision: Option<Decision>,
    /// A closed item's legal basis (see `NewItem.legal_basis`).
    pub legal_basis: Option<LegalBasis>,
    /// The grounds written out: closed content.
    pub closed_grounds: Option<String>,
    /// Whether the title is withheld from those who do not read the item in full.
    pub title_withheld: bool,
    /// The part of the agenda it stands in (as set, or by its case type).
    pub section: AgendaSection,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A closed item as someone below member sees it: these keys and nothing else.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"number": 4, "position": 4, "title": "Status, Økonomiudvalget", "closed": true, "legal_basis": "offentlighedsloven_30_1"})))]
pub struct ClosedItemView {
    pub number: i32,
    pub position: i32,
    /// Its title, or "Lukket punkt" where the title itself is withheld.
    pub title: String,
    /// Always `true`.
    pub closed: bool,
    /// Why it is closed.
    pub legal_basis: Option<LegalBasis>,
}

/// An agenda item as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AgendaEntry {
    Full(Box<AgendaItemView>),
    TitleOnly(ClosedItemView),
}

impl From<Item> for AgendaItemView {
    fn from(i: Item) -> Self {
        let decision = Decision::of(&i);
        let section = i.section();
        AgendaItemView {
            id: i.id,
            meeting_id: i.meeting_id,
            number: i.number(),
            position: i.position,
            title: i.title,
            closed: i.closed,
            case_number: i.case_number,
            journal_number: i.journal_number,
            document_number: i.document_number,
            case_type: i.case_type,
            summary: i.summary,
            recommendation: i.recommendation,
            handled_by: i.handled_by,
            presentation: i.presentation,
            financial_consequences: i.financial_consequences,
            decision,
            legal_basis: i.legal_basis,
            closed_grounds: i.closed_grounds,
            title_withheld: i.title_withheld,
            section,
            version: i.version,
            created_at: time::to_api(i.created_at),
            updated_at: time::to_api(i.updated_at),
        }
    }
}

/// The item as a caller holding `role` may see it. Built from an allowlist: the title-only view
/// copies the four fields it shows and drops the item.
pub fn entry(item: Item, role: Option<CommitteeRole>) -> AgendaEntry {
    match item_view(item.closed, role) {
        ItemView::Full => AgendaEntry::Full(Box::new(item.into())),
        ItemView::TitleOnly => AgendaEntry::TitleOnly(ClosedItemView {
            number: item.number(),
            position: item.position,
            title: item.public_title().to_owned(),
            closed: true,
            legal_basis: item.legal_basis,
        }),
    }
}
