//! Closed items under the law (kommunestyrelsesloven § 10 and § 8, stk. 7; see docs/DOMAIN.md, "The
//! minutes and the law").
//!
//! Items, not meetings, are closed, each on its own grounds: a closed item names its legal basis
//! from the list below (or `other`, with the grounds written out). The basis is public: it says why
//! the public cannot read the item, which the public is entitled to know; the free-text grounds may
//! name what is confidential and are closed content. A secretary may withhold even the title, and
//! writes the decision as far as confidentiality allows it to be published: the public reads that
//! text in the minutes instead of only "Lukket punkt", from a given day on if the parties must be
//! told first.

use chrono::NaiveDate;
use strum::EnumIter;

stored_enum! {
    /// Why an item is closed: the provision that keeps its content from the public.
    pub enum LegalBasis [Hash, EnumIter] {
        /// Offentlighedsloven § 30, nr. 1: individuals' private matters, their finances included.
        #[serde(rename = "offentlighedsloven_30_1")]
        #[strum(serialize = "offentlighedsloven_30_1")]
        PrivateMatters,
        /// Offentlighedsloven § 30, nr. 2: technical arrangements, processes, operations and
        /// business matters of a company or association.
        #[serde(rename = "offentlighedsloven_30_2")]
        #[strum(serialize = "offentlighedsloven_30_2")]
        BusinessMatters,
        /// Offentlighedsloven § 33, nr. 3: the public sector's financial interests (purchases, sales,
        /// tenders, negotiations).
        #[serde(rename = "offentlighedsloven_33_3")]
        #[strum(serialize = "offentlighedsloven_33_3")]
        PublicFinancialInterests,
        /// Offentlighedsloven § 33, nr. 5: other private or public interests that by their nature
        /// require secrecy.
        #[serde(rename = "offentlighedsloven_33_5")]
        #[strum(serialize = "offentlighedsloven_33_5")]
        OtherVitalInterests,
        /// Forvaltningsloven § 27, stk. 1, nr. 3: preventing, investigating and prosecuting offences.
        #[serde(rename = "forvaltningsloven_27_1_3")]
        #[strum(serialize = "forvaltningsloven_27_1_3")]
        LawEnforcement,
        /// Forvaltningsloven § 27, stk. 1, nr. 4: public control, regulation and planning.
        #[serde(rename = "forvaltningsloven_27_1_4")]
        #[strum(serialize = "forvaltningsloven_27_1_4")]
        ControlAndPlanning,
        /// Forvaltningsloven § 27, stk. 1, nr. 5: the public sector's financial interests.
        #[serde(rename = "forvaltningsloven_27_1_5")]
        #[strum(serialize = "forvaltningsloven_27_1_5")]
        FinancialInterests,
        /// Forvaltningsloven § 27, stk. 1, nr. 6: personal or internal matters of individuals,
        /// companies or associations.
        #[serde(rename = "forvaltningsloven_27_1_6")]
        #[strum(serialize = "forvaltningsloven_27_1_6")]
        PersonalMatters,
        /// Forvaltningsloven § 27, stk. 1, nr. 7: trade secrets and operating matters.
        #[serde(rename = "forvaltningsloven_27_1_7")]
        #[strum(serialize = "forvaltningsloven_27_1_7")]
        TradeSecrets,
        /// Straffeloven § 152: the duty of confidentiality of public servants.
        #[serde(rename = "straffeloven_152")]
        #[strum(serialize = "straffeloven_152")]
        DutyOfConfidentiality,
        /// Another provision, named in the item's `closed_grounds`.
        Other,
        /// Closed before the service recorded bases: only items closed then carry it.
        NotRecorded,
    }
}

impl LegalBasis {
    /// How the minutes cite it; `other` is cited by its grounds, which are closed content.
    pub fn citation(self) -> Option<&'static str> {
        Some(match self {
            LegalBasis::PrivateMatters => "Offentlighedsloven § 30, nr. 1",
            LegalBasis::BusinessMatters => "Offentlighedsloven § 30, nr. 2",
            LegalBasis::PublicFinancialInterests => "Offentlighedsloven § 33, nr. 3",
            LegalBasis::OtherVitalInterests => "Offentlighedsloven § 33, nr. 5",
            LegalBasis::LawEnforcement => "Forvaltningsloven § 27, stk. 1, nr. 3",
            LegalBasis::ControlAndPlanning => "Forvaltningsloven § 27, stk. 1, nr. 4",
            LegalBasis::FinancialInterests => "Forvaltningsloven § 27, stk. 1, nr. 5",
            LegalBasis::PersonalMatters => "Forvaltningsloven § 27, stk. 1, nr. 6",
            LegalBasis::TradeSecrets => "Forvaltningsloven § 27, stk. 1, nr. 7",
            LegalBasis::DutyOfConfidentiality => "Straffeloven § 152",
            LegalBasis::Other | LegalBasis::NotRecorded => return None,
        })
    }
}

/// What the public reads instead of a withheld title.
pub const WITHHELD_TITLE: &str = "Lukket punkt";

/// A closed item's title as those who do not read it in full see it.
pub fn public_title(title: &str, withheld: bool) -> &str {
    if withheld { WITHHELD_TITLE } else { title }
}

/// How an item is closed, as a client sets it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Closing<'a> {
    pub closed: bool,
    pub legal_basis: Option<LegalBasis>,
    pub grounds: Option<&'a str>,
    pub title_withheld: bool,
    /// The basis the item already has: `not_recorded` may be kept, never chosen.
    pub kept: Option<LegalBasis>,
}

/// Why a closing is refused, as the field at fault and the reason; `None` when it may stand.
pub fn closing_refusal(closing: Closing) -> Option<(&'static str, &'static str)> {
    let Closing { closed, legal_basis, grounds, title_withheld, kept } = closing;
    if !closed {
        return if legal_basis.is_some() {
            Some(("legal_basis", "only a closed item has a legal basis for being closed"))
        } else if grounds.is_some() {
            Some(("closed_grounds", "only a closed item has grounds for being closed"))
        } else if title_withheld {
            Some(("title_withheld", "only a closed item's title can be withheld"))
        } else {
            None
        };
    }
    match legal_basis {
        None => Some((
            "legal_basis",
            "a closed item names its legal basis (kommunestyrelsesloven § 10): one of the listed provisions, \
             or `other` with the grounds written out",
        )),
        Some(LegalBasis::NotRecorded) if kept != Some(LegalBasis::NotRecorded) => {
            Some(("legal_basis", "`not_recorded` marks items closed before bases were recorded; name the provision"))
        }
        Some(LegalBasis::Other) if grounds.is_none_or(|g| g.trim().is_empty()) => {
            Some(("closed_grounds", "the basis `other` needs the grounds written out"))
        }
        _ => None,
    }
}

/// The decision text the public reads, as a secretary sets it.
#[derive(Clone, Copy, Debug, Default)]
pub struct PublicDecision<'a> {
    pub closed: bool,
    pub text: Option<&'a str>,
    pub from: Option<NaiveDate>,
}

/// Why a public decision text is refused, as the field at fault and the reason.
pub fn public_decision_refusal(public: PublicDecision) -> Option<(&'static str, &'static str)> {
    if !public.closed && public.text.is_some() {
        Some(("public_text", "only a closed item's decision has a public wording: an open item's decision is public"))
    } else if public.text.is_none() && public.from.is_some() {
        Some(("public_from", "a day to publish from needs the public text it holds back"))
    } else {
        None
    }
}

/// Whether a public decision text held back until `from` may be read on `today`.
pub fn released(from: Option<NaiveDate>, today: NaiveDate) -> bool {
    from.is_none_or(|day| day <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn closed(basis: Option<LegalBasis>) -> Closing<'static> {
        Closing { closed: true, legal_basis: basis, ..Closing::default() }
    }

    #[test]
    fn a_closed_item_needs_a_basis() {
        assert_eq!(closing_refusal(closed(None)).map(|r| r.0), Some("legal_basis"));
        assert_eq!(closing_refusal(closed(Some(LegalBasis::PrivateMatters))), None);
    }

    #[test]
    fn not_recorded_is_kept_never_chosen() {
        assert_eq!(closing_refusal(closed(Some(LegalBasis::NotRecorded))).map(|r| r.0), Some("legal_basis"));
        let kept = Closing { kept: Some(LegalBasis::NotRecorded), ..closed(Some(LegalBasis::NotRecorded)) };
        assert_eq!(closing_refusal(kept), None);
    }

    #[test]
    fn other_needs_grounds() {
        assert_eq!(closing_refusal(closed(Some(LegalBasis::Other))).map(|r| r.0), Some("closed_grounds"));
        let blank = Closing { grounds: Some("  "), ..closed(Some(LegalBasis::Other)) };
        assert_eq!(closing_refusal(blank).map(|r| r.0), Some("closed_grounds"));
        let written = Closing { grounds: Some("Lov om social service § 12"), ..closed(Some(LegalBasis::Other)) };
        assert_eq!(closing_refusal(written), None);
    }

    #[test]
    fn an_open_item_has_nothing_of_closing() {
        let open = Closing::default();
        assert_eq!(closing_refusal(open), None);
        assert_eq!(
            closing_refusal(Closing { legal_basis: Some(LegalBasis::Other), ..open }).map(|r| r.0),
            Some("legal_basis")
        );
        assert_eq!(closing_refusal(Closing { grounds: Some("x"), ..open }).map(|r| r.0), Some("closed_grounds"));
        assert_eq!(closing_refusal(Closing { title_withheld: true, ..open }).map(|r| r.0), Some("title_withheld"));
    }

    #[test]
    fn public_text_only_for_closed_items_and_a_day_only_with_text() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 10);
        assert_eq!(public_decision_refusal(PublicDecision { closed: true, text: Some("Godkendt."), from: day }), None);
        assert_eq!(
            public_decision_refusal(PublicDecision { closed: false, text: Some("Godkendt."), from: None }).map(|r| r.0),
            Some("public_text")
        );
        assert_eq!(
            public_decision_refusal(PublicDecision { closed: true, text: None, from: day }).map(|r| r.0),
            Some("public_from")
        );
    }

    #[test]
    fn held_back_until_the_day_begins() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert!(!released(Some(day), day.pred_opt().unwrap()));
        assert!(released(Some(day), day));
        assert!(released(None, day));
    }

    #[test]
    fn every_basis_is_cited_apart() {
        let mut citations: Vec<_> = LegalBasis::iter().filter_map(LegalBasis::citation).collect();
        citations.sort_unstable();
        citations.dedup();
        assert_eq!(citations.len(), LegalBasis::iter().count() - 2);
    }
}
