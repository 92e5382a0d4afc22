//! Times: stored as UTC without zone (both backends), shown in the municipality's zone.
//!
//! Stored times are truncated to microseconds, the precision PostgreSQL keeps, so that a value reads
//! back equal on both backends.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SubsecRound, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;

/// The current time, as stored.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A stored time as the API shows it: RFC 3339 with the Europe/Copenhagen offset of that instant.
pub fn to_api(stored: NaiveDateTime) -> DateTime<FixedOffset> {
    Copenhagen.from_utc_datetime(&stored).fixed_offset()
}

/// A time from a request, in any offset, as stored.
pub fn to_stored(value: DateTime<FixedOffset>) -> NaiveDateTime {
    value.naive_utc().trunc_subsecs(6)
}

/// The Copenhagen calendar day of a stored time.
pub fn local_day(stored: NaiveDateTime) -> NaiveDate {
    to_api(stored).date_naive()
}

/// The instant a local calendar day begins in Copenhagen, as stored.
pub fn start_of_local_day(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Danish DST changes happen at 02:00/03:00, so midnight is never skipped; `earliest` covers
    // any zone rule change regardless.
    Copenhagen.from_local_datetime(&midnight).earliest().map(|local| local.naive_utc()).unwrap_or(midnight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_times_carry_the_copenhagen_offset_of_their_instant() {
        let summer = NaiveDate::from_ymd_opt(2022, 4, 25).unwrap().and_hms_opt(10, 30, 0).unwrap();
        assert_eq!(to_api(summer).to_rfc3339(), "2022-04-25T12:30:00+02:00");
        let winter = NaiveDate::from_ymd_opt(2021, 12, 6).unwrap().and_hms_opt(11, 30, 0).unwrap();
        assert_eq!(to_api(winter).to_rfc3339(), "2021-12-06T12:30:00+01:00");
    }

    #[test]
    fn request_times_are_stored_in_utc_at_microsecond_precision() {
        let sent = DateTime::parse_from_rfc3339("2021-04-26T12:30:00.123456789+02:00").unwrap();
        assert_eq!(to_stored(sent).to_string(), "2021-04-26 10:30:00.123456");
        assert_eq!(to_api(to_stored(sent)), sent.trunc_subsecs(6));
    }

    #[test]
    fn local_days_begin_at_copenhagen_midnight() {
        let day = NaiveDate::from_ymd_opt(2022, 4, 25).unwrap();
        assert_eq!(start_of_local_day(day).to_string(), "2022-04-24 22:00:00");
        let day = NaiveDate::from_ymd_opt(2022, 1, 10).unwrap();
        assert_eq!(start_of_local_day(day).to_string(), "2022-01-09 23:00:00");
    }
}
