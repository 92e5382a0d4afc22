//! The Danish words and date formats of agendas and minutes, as the seed documents write them.

use crate::domain::protocol::{Stance, VoteResult, VoteSubject};
use chrono::{DateTime, FixedOffset, Locale};

use crate::domain::allocation::{AmountKind, Recurrence};
use crate::domain::{Attendance, CaseType, DecisionOutcome, DocumentKind};

/// "25-04-2022", as in "Referat Direktionen d. 25-04-2022".
pub fn date(at: &DateTime<FixedOffset>) -> String {
    at.format("%d-%m-%Y").to_string()
}

/// "25-04-2022 kl. 10:15".
pub fn date_time(at: &DateTime<FixedOffset>) -> String {
    at.format("%d-%m-%Y kl. %H:%M").to_string()
}

/// "Mandag d. 25. april 2022 kl. 12:30", with "–14:00" when the end is known and on the same day,
/// or " – tirsdag d. 26. april 2022 kl. 01:00" when it is on another.
pub fn meeting_time(starts: &DateTime<FixedOffset>, ends: Option<&DateTime<FixedOffset>>) -> String {
    const DAY_AND_TIME: &str = "%A d. %-d. %B %Y kl. %H:%M";
    let mut text = capitalised(&starts.format_localized(DAY_AND_TIME, Locale::da_DK).to_string());
    match ends {
        Some(ends) if ends.date_naive() == starts.date_naive() => text.push_str(&ends.format("–%H:%M").to_string()),
        Some(ends) => text.push_str(&format!(" – {}", ends.format_localized(DAY_AND_TIME, Locale::da_DK))),
        None => {}
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

/// What a vote was on, as the subject of a sentence: "Forslaget blev forkastet."
pub fn vote_subject(subject: VoteSubject) -> &'static str {
    match subject {
        VoteSubject::Recommendation => "Indstillingen",
        VoteSubject::Alternative => "Den alternative indstilling",
        VoteSubject::Amendment => "Ændringsforslaget",
        VoteSubject::Proposal => "Forslaget",
    }
}

pub fn vote_result(result: VoteResult) -> &'static str {
    match result {
        VoteResult::Adopted => "vedtaget",
        VoteResult::Rejected => "forkastet",
    }
}

pub fn stance(stance: Stance) -> &'static str {
    match stance {
        Stance::For => "For stemte",
        Stance::Against => "Imod stemte",
        Stance::Abstain => "Undlod at stemme",
    }
}

pub fn case_type(case_type: CaseType) -> &'static str {
    match case_type {
        CaseType::Decision => "Beslutning.",
        CaseType::Discussion => "Drøftelse.",
        CaseType::Information => "Orientering.",
    }
}

/// "Tilbagebetalingskrav", as an amount's kind reads in a table.
pub fn amount_kind(kind: AmountKind) -> &'static str {
    match kind {
        AmountKind::Expense => "Udgift",
        AmountKind::Income => "Indtægt",
        AmountKind::Saving => "Besparelse",
        AmountKind::RepaymentClaim => "Tilbagebetalingskrav",
    }
}

pub fn recurrence(recurrence: Recurrence) -> &'static str {
    match recurrence {
        Recurrence::OneOff => "Engangsbeløb",
        Recurrence::Annual => "Årligt",
    }
}

/// Øre as the minutes write kroner: "3.946.058 kr.", with øre only when there are any
/// ("1.234,50 kr.").
pub fn kroner(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let (whole, rest) = (ore.unsigned_abs() / 100, ore.unsigned_abs() % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    if rest == 0 { format!("{sign}{grouped} kr.") } else { format!("{sign}{grouped},{rest:02} kr.") }
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

    #[test]
    fn amounts_read_as_in_the_seed_minutes() {
        assert_eq!(kroner(394_605_800), "3.946.058 kr.");
        assert_eq!(kroner(2_767_800), "27.678 kr.");
        assert_eq!(kroner(123_450), "1.234,50 kr.");
        assert_eq!(kroner(5), "0,05 kr.");
        assert_eq!(kroner(100_000_000), "1.000.000 kr.");
    }
}
