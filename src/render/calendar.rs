//! Meetings as an iCalendar feed (RFC 5545) for calendar clients: times in the Europe/Copenhagen
//! zone (with its VTIMEZONE), a UID that stays the same for a meeting, a SEQUENCE that grows with
//! every change, and cancelled meetings as STATUS:CANCELLED so that clients remove them.

use chrono::NaiveDateTime;
use ics::parameters::TzIDParam;
use ics::properties::{
    Description, DtEnd, DtStart, LastModified, Location, Method, Name, RRule, Sequence, Status, Summary, TzName, URL,
};
use ics::{Daylight, Event, ICalendar, Standard, TimeZone, escape_text};

use crate::time;

const ZONE: &str = "Europe/Copenhagen";

/// Where a meeting stands, as a calendar shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventStatus {
    /// Planned, agenda not yet published.
    Tentative,
    Confirmed,
    Cancelled,
}

/// One meeting in a feed.
#[derive(Clone, Debug)]
pub struct MeetingEvent {
    /// Unique and stable for the meeting, e.g. `meeting-42@dagsorden.kalundborg.dk`.
    pub uid: String,
    /// Grows with every change clients should pick up.
    pub sequence: i64,
    pub summary: String,
    /// UTC, as stored.
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub status: EventStatus,
    pub last_modified: NaiveDateTime,
}

fn local(at: NaiveDateTime) -> String {
    time::to_api(at).format("%Y%m%dT%H%M%S").to_string()
}

fn utc(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Text for a TEXT property: escaped, without control characters other than line breaks.
fn text(value: &str) -> String {
    let clean: String =
        value.replace("\r\n", "\n").chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).collect();
    escape_text(clean).into_owned()
}

/// The Copenhagen zone's rules since 1996: summer time from the last Sunday of March at 02:00 to
/// the last Sunday of October at 03:00.
fn copenhagen() -> TimeZone<'static> {
    let mut summer = Daylight::new("19810329T020000", "+0100", "+0200");
    summer.push(TzName::new("CEST"));
    summer.push(RRule::new("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
    let mut winter = Standard::new("19961027T030000", "+0200", "+0100");
    winter.push(TzName::new("CET"));
    winter.push(RRule::new("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"));
    let mut zone = TimeZone::daylight(ZONE, summer);
    zone.add_standard(winter);
    zone
}

/// A feed named `name` with these meetings, stamped `now`.
pub fn feed(name: &str, events: &[MeetingEvent], now: NaiveDateTime) -> String {
    let mut calendar = ICalendar::new("2.0", "-//dagsorden//Dagsordener og referater//DA");
    calendar.push(Method::new("PUBLISH"));
    calendar.push(Name::new(text(name)));
    calendar.push(ics::properties::RefreshInterval::new("PT1H"));
    calendar.add_timezone(copenhagen());
    let stamp = utc(now);
    for meeting in events {
        let mut event = Event::new(text(&meeting.uid), stamp.clone());
        let mut start = DtStart::new(local(meeting.starts_at));
        start.add(TzIDParam::new(ZONE));
        event.push(start);
        if let Some(ends) = meeting.ends_at {
            let mut end = DtEnd::new(local(ends));
            end.add(TzIDParam::new(ZONE));
            event.push(end);
        }
        event.push(Summary::new(text(&meeting.summary)));
        if let Some(location) = &meeting.location {
            event.push(Location::new(text(location)));
        }
        if let Some(description) = &meeting.description {
            event.push(Description::new(text(description)));
        }
        if let Some(url) = &meeting.url {
            event.push(URL::new(url.clone()));
        }
        event.push(Sequence::new(meeting.sequence.to_string()));
        event.push(LastModified::new(utc(meeting.last_modified)));
        event.push(match meeting.status {
            EventStatus::Tentative => Status::tentative(),
            EventStatus::Confirmed => Status::confirmed(),
            EventStatus::Cancelled => Status::cancelled(),
        });
        calendar.add_event(event);
    }
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn times_are_local_to_copenhagen_and_text_is_escaped() {
        let meeting = MeetingEvent {
            uid: "meeting-1@test".into(),
            sequence: 3,
            summary: "Direktionen: Direktionsmøde; ekstra, vigtigt".into(),
            starts_at: at(2022, 4, 25, 10, 30),
            ends_at: Some(at(2022, 4, 25, 12, 0)),
            location: Some("Ung - Sprog\r\nKalundborg".into()),
            description: None,
            url: None,
            status: EventStatus::Cancelled,
            last_modified: at(2022, 4, 20, 8, 0),
        };
        let ics = feed("Direktionen", &[meeting], at(2022, 4, 21, 9, 0));
        assert!(ics.contains("DTSTART;TZID=Europe/Copenhagen:20220425T123000\r\n"), "{ics}");
        assert!(ics.contains("DTEND;TZID=Europe/Copenhagen:20220425T140000\r\n"), "{ics}");
        assert!(ics.contains("SUMMARY:Direktionen: Direktionsmøde\\; ekstra\\, vigtigt\r\n"), "{ics}");
        assert!(ics.contains("LOCATION:Ung - Sprog\\nKalundborg\r\n"), "{ics}");
        assert!(ics.contains("STATUS:CANCELLED\r\n") && ics.contains("SEQUENCE:3\r\n"), "{ics}");
        assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20220421T090000Z\r\n"), "{ics}");
        // Winter time is an hour behind UTC+2.
        let winter = MeetingEvent { starts_at: at(2021, 12, 6, 11, 30), ends_at: None, ..feed_event() };
        assert!(feed("x", &[winter], at(2021, 1, 1, 0, 0)).contains("DTSTART;TZID=Europe/Copenhagen:20211206T123000"));
    }

    fn feed_event() -> MeetingEvent {
        MeetingEvent {
            uid: "u".into(),
            sequence: 1,
            summary: "s".into(),
            starts_at: at(2022, 1, 1, 0, 0),
            ends_at: None,
            location: None,
            description: None,
            url: None,
            status: EventStatus::Confirmed,
            last_modified: at(2022, 1, 1, 0, 0),
        }
    }
}
