//! Rules about agendas and their items that hold whatever the storage: the shape of the identifiers
//! a case carries, and what a valid reordering of an agenda is.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use chrono::{Datelike, NaiveDate};

use super::MeetingStatus;

stored_enum! {
    /// How a committee numbers its agenda items.
    pub enum Numbering [Default] {
        /// 1..n in each meeting, in agenda order.
        #[default]
        Meeting,
        /// Running through the calendar year (Holbæk's finance committee: items 147-164 in one meeting).
        Year,
        /// Running through the election term (1 January after the municipal election, four years).
        Term,
    }
}

stored_enum! {
    /// The part of the agenda an item stands in, as municipalities group their agendas.
    pub enum AgendaSection [Hash, PartialOrd, Ord] {
        /// Til behandling: items the committee decides or discusses.
        ForDecision,
        /// Til efterretning og orientering: items the committee is told about.
        ForInformation,
        /// Meddelelser: announcements.
        Announcements,
        /// Eventuelt: any other business.
        AnyOtherBusiness,
    }
}

impl AgendaSection {
    /// The section an item stands in when none is set: by its case type.
    pub fn of(section: Option<AgendaSection>, case_type: Option<super::CaseType>) -> AgendaSection {
        section.unwrap_or(match case_type {
            Some(super::CaseType::Information) => AgendaSection::ForInformation,
            _ => AgendaSection::ForDecision,
        })
    }

    /// Its heading in a rendered agenda.
    pub fn heading(self) -> &'static str {
        match self {
            AgendaSection::ForDecision => "Til behandling",
            AgendaSection::ForInformation => "Til efterretning og orientering",
            AgendaSection::Announcements => "Meddelelser",
            AgendaSection::AnyOtherBusiness => "Eventuelt",
        }
    }
}

/// The first year of a municipal election term: terms run four years from 1 January after the
/// November elections (2018-2021, 2022-2025, 2026-2029).
const A_TERM_STARTS: i32 = 2022;

/// The first and the last day of the period whose running numbers `day` belongs to; none for
/// numbering per meeting.
pub fn numbering_period(numbering: Numbering, day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first_year = match numbering {
        Numbering::Meeting => return None,
        Numbering::Year => day.year(),
        Numbering::Term => A_TERM_STARTS + (day.year() - A_TERM_STARTS).div_euclid(4) * 4,
    };
    let last_year = if numbering == Numbering::Term { first_year + 3 } else { first_year };
    Some((NaiveDate::from_ymd_opt(first_year, 1, 1)?, NaiveDate::from_ymd_opt(last_year, 12, 31)?))
}

/// KLE journal number: three two-digit groups (`81.44.00`), optionally followed by a facet such as
/// `G01` or `P20` as case-management systems print it.
static JOURNAL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{2}\.\d{2}\.\d{2}(?:[A-ZÆØÅ]\d{2})?$").expect("valid regex"));

/// Case and document numbers come from several case-management systems (`21-046857K`,
/// `326-2021-15058`); they are letters, digits and the separators `-`, `/` and `.`.
static CASE_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$").expect("valid regex"));

/// A link to join a meeting online: http or https, a host name or address, an optional port and path.
static WEB_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?$").expect("valid regex"));

pub fn is_web_link(value: &str) -> bool {
    WEB_LINK.is_match(value)
}

pub fn is_journal_number(value: &str) -> bool {
    JOURNAL_NUMBER.is_match(value)
}

pub fn is_case_reference(value: &str) -> bool {
    CASE_REFERENCE.is_match(value)
}

/// A meeting can be deleted only while it is a draft: once its agenda has been published it is part
/// of the record and can at most be cancelled.
pub fn can_delete_meeting(status: MeetingStatus) -> bool {
    status == MeetingStatus::Draft
}

/// Why a requested order of an agenda's items is not a reordering of that agenda.
#[derive(Debug, PartialEq, Eq)]
pub enum OrderError {
    /// An id appears more than once.
    Duplicate(i64),
    /// An id is not an item of this agenda.
    Unknown(i64),
    /// Items of the agenda are missing from the request.
    Missing(usize),
}

/// A requested order is valid when it names every item of the agenda exactly once.
pub fn check_reordering(current: &[i64], requested: &[i64]) -> Result<(), OrderError> {
    let current: HashSet<i64> = current.iter().copied().collect();
    let mut seen = HashSet::with_capacity(requested.len());
    for &id in requested {
        if !seen.insert(id) {
            return Err(OrderError::Duplicate(id));
        }
        if !current.contains(&id) {
            return Err(OrderError::Unknown(id));
        }
    }
    match current.len() - seen.len() {
        0 => Ok(()),
        missing => Err(OrderError::Missing(missing)),
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn running_numbers_restart_with_the_year_or_the_election_term() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(numbering_period(Numbering::Meeting, day(2022, 5, 26)), None);
        assert_eq!(numbering_period(Numbering::Year, day(2022, 5, 26)), Some((day(2022, 1, 1), day(2022, 12, 31))));
        assert_eq!(numbering_period(Numbering::Term, day(2025, 12, 31)), Some((day(2022, 1, 1), day(2025, 12, 31))));
        assert_eq!(numbering_period(Numbering::Term, day(2026, 1, 1)), Some((day(2026, 1, 1), day(2029, 12, 31))));
        assert_eq!(numbering_period(Numbering::Term, day(2021, 6, 1)), Some((day(2018, 1, 1), day(2021, 12, 31))));
    }

    #[test]
    fn journal_numbers_from_the_seeds_are_valid() {
        for number in ["81.44.00", "81.04.04", "00.32.00", "00.22.04", "00.01.10", "00.01.10G01", "27.24.00P20"] {
            assert!(is_journal_number(number), "{number}");
        }
        for number in ["81.44", "81.44.0", "8I.44.00", "81-44-00", "81.44.00 ", "81.44.00g01", "", "81.44.00G1"] {
            assert!(!is_journal_number(number), "{number:?}");
        }
    }

    #[test]
    fn case_references_from_the_seeds_are_valid() {
        for number in ["21-046857K", "22-003462", "326-2021-15058", "326-2021-97139", "326-2020-309952", "7"] {
            assert!(is_case_reference(number), "{number}");
        }
        for number in ["", "-21", "21-", "21 046857", "21-046857K\n", "sag/ø", &"1".repeat(65)] {
            assert!(!is_case_reference(number), "{number:?}");
        }
    }

    #[test]
    fn web_links_are_http_or_https_with_a_host() {
        for link in
            ["https://teams.microsoft.com/l/meetup-join/19%3ameeting", "http://10.0.0.5:8080/room", "https://zoom.us"]
        {
            assert!(is_web_link(link), "{link}");
        }
        for link in
            ["javascript:alert(1)", "ftp://x/y", "https://", "https:// space", "teams.microsoft.com/x", "https://x/a b"]
        {
            assert!(!is_web_link(link), "{link:?}");
        }
    }

    #[test]
    fn a_reordering_names_every_item_once() {
        assert_eq!(check_reordering(&[1, 2, 3], &[3, 1, 2]), Ok(()));
        assert_eq!(check_reordering(&[], &[]), Ok(()));
        assert_eq!(check_reordering(&[1, 2, 3], &[3, 3, 1]), Err(OrderError::Duplicate(3)));
        assert_eq!(check_reordering(&[1, 2, 3], &[3, 4, 1]), Err(OrderError::Unknown(4)));
        assert_eq!(check_reordering(&[1, 2, 3], &[3, 1]), Err(OrderError::Missing(1)));
    }
}
