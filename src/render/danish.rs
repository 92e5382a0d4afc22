//! The Danish words and date formats of agendas and minutes, as the seed documents write them.

use chrono::{DateTime, FixedOffset, Locale};

use crate::domain::{Attendance, CaseType, DecisionOutcome, DocumentKind};

/// "25-04-2022", as in "Referat Direktionen d. 25-04-2022".
pub fn date(at: &DateTime<FixedOffset>) -> String {
    at.format("%d-%m-%Y").to_string()
}

/// "25-04-2022 kl. 10:15".
pub fn date_time(at: &DateTime<FixedOffset>) -> String {
    at.format("%d-%m-%Y kl. %H:%M").to_string()
}

/// "Mandag d. 25. april 2022 kl. 12:30" (with "–14:00" when the end is known and on the same day).
pub fn meeting_time(starts: &DateTime<FixedOffset>, ends: Option<&DateTime<FixedOffset>>) -> String {
    let text = starts.format_localized("%A d. %-d. %B %Y kl. %H:%M", Locale::da_DK).to_string();
    let mut text = capitalised(&text);
    if let Some(ends) = ends.filter(|e| e.date_naive() == starts.date_naive()) {
        text.push_str(&ends.format("–%H:%M").to_string());
    }
    text
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// "Dagsorden" or "Referat".
pub fn document_kind(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Agenda => "Dagsorden",
        DocumentKind::Minutes => "Referat",
    }
}

/// How a decision without its own wording reads in the minutes.
pub fn outcome(outcome: DecisionOutcome) -> &'static str {
    match outcome {
        DecisionOutcome::Approved => "Godkendt.",
        DecisionOutcome::ApprovedWithConditions => "Godkendt med bemærkninger.",
        DecisionOutcome::Noted => "Taget til efterretning.",
        DecisionOutcome::Discussed => "Drøftet.",
        DecisionOutcome::Rejected => "Ikke godkendt.",
        DecisionOutcome::Postponed => "Udsat.",
        DecisionOutcome::Withdrawn => "Udgår.",
    }
}

pub fn case_type(case_type: CaseType) -> &'static str {
    match case_type {
        CaseType::Decision => "Beslutning.",
        CaseType::Discussion => "Drøftelse.",
        CaseType::Information => "Orientering.",
    }
}

/// What the participant list says after an absent participant's name.
pub fn absence(attendance: Attendance) -> Option<&'static str> {
    match attendance {
        Attendance::Present => None,
        Attendance::Absent => Some("Fravær"),
        Attendance::Apologies => Some("Afbud"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn dates_read_as_in_the_seed_minutes() {
        let start = at("2022-04-25T12:30:00+02:00");
        assert_eq!(date(&start), "25-04-2022");
        assert_eq!(meeting_time(&start, None), "Mandag d. 25. april 2022 kl. 12:30");
        assert_eq!(meeting_time(&at("2021-04-26T12:30:00+02:00"), None), "Mandag d. 26. april 2021 kl. 12:30");
        let end = at("2022-04-25T14:00:00+02:00");
        assert_eq!(meeting_time(&start, Some(&end)), "Mandag d. 25. april 2022 kl. 12:30–14:00");
        assert_eq!(meeting_time(&at("2021-12-06T09:05:00+01:00"), None), "Mandag d. 6. december 2021 kl. 09:05");
    }
}
