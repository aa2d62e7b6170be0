//! RFC 3339 date-times for reports: a tolerant reader and a writer of the
//! UTC `Z` form, over unix seconds.
//!
//! ```text
//! date-time      = full-date "T" full-time
//! full-date      = date-fullyear "-" date-month "-" date-mday
//! full-time      = partial-time time-offset
//! partial-time   = time-hour ":" time-minute ":" time-second
//!                  [time-secfrac]
//! time-offset    = "Z" / time-numoffset
//! time-numoffset = ("+" / "-") time-hour ":" time-minute
//! ```
//!
//! # Readings
//!
//! Real reports bend this: the reader also takes a date-time without a zone
//! (read as UTC), lower-case `t` and `z`, a space for `T`, an offset without
//! its colon (`+0100`) and surrounding white space. Fractions of a second
//! are dropped (the report's granularity is the second). A leap second
//! (`:60`) counts as the first second of the next minute, as POSIX time does.
//! Years are 0000 to 9999, before and after applying the offset, so that
//! every value read can be written back.

use alloc::string::String;
use core::fmt::Write as _;

const SECONDS_PER_DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z.
const MIN: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z.
const MAX: i64 = 253_402_300_799;

/// Reads a date-time (see the module readings) into unix seconds.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    let year = digits(s, 0, 4)?;
    let month = digits(s, 5, 2)?;
    let day = digits(s, 8, 2)?;
    let hour = digits(s, 11, 2)?;
    let minute = digits(s, 14, 2)?;
    let second = digits(s, 17, 2)?;
    let seps = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| s.get(i) != Some(&c))
        || !matches!(s.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = frac.get(n..)?;
    }
    let offset = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [_, _, b':', _, _] => (digits(tail, 0, 2)?, digits(tail, 3, 2)?),
                [_, _, _, _] => (digits(tail, 0, 2)?, digits(tail, 2, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = i64::from(h * 3600 + m * 60);
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(year), month, day);
    let local = days * SECONDS_PER_DAY
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    let utc = local - offset;
    (MIN..=MAX).contains(&utc).then_some(utc)
}

/// Whether `t` can be written as a four-digit-year date-time.
pub(crate) fn in_range(t: i64) -> bool {
    (MIN..=MAX).contains(&t)
}

/// Writes unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (clamped to years
/// 0000-9999).
pub(crate) fn format(t: i64) -> String {
    let t = t.clamp(MIN, MAX);
    let (year, month, day) = civil_from_days(t.div_euclid(SECONDS_PER_DAY));
    let secs = t.rem_euclid(SECONDS_PER_DAY);
    let mut out = String::with_capacity(20);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    out
}

/// Writes unix seconds as an RFC 5322 date in UTC:
/// `Thu, 01 Jan 1970 00:00:00 +0000`.
pub(crate) fn format_rfc5322(t: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.clamp(MIN, MAX);
    let days = t.div_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let secs = t.rem_euclid(SECONDS_PER_DAY);
    let weekday = usize::try_from(days.rem_euclid(7)).unwrap_or(0);
    let month_name = usize::try_from(month)
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .unwrap_or(&"Jan");
    let mut out = String::with_capacity(31);
    let _ = write!(
        out,
        "{}, {day:02} {month_name} {year:04} {:02}:{:02}:{:02} +0000",
        DAYS.get(weekday).unwrap_or(&"Thu"),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    out
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let field = s.get(at..at.checked_add(n)?)?;
    field.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (years shifted to
/// start in March, so that the leap day ends the year).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_variants() {
        let t = 1_459_468_800; // 2016-04-01T00:00:00Z
        for text in [
            "2016-04-01T00:00:00Z",
            "2016-04-01t00:00:00z",
            "2016-04-01 00:00:00",
            "2016-04-01T00:00:00",
            " 2016-04-01T00:00:00.999Z ",
            "2016-04-01T02:00:00+02:00",
            "2016-03-31T23:00:00-0100",
        ] {
            assert_eq!(parse(text), Some(t), "{text}");
        }
        assert_eq!(parse("2016-04-01T23:59:60Z"), Some(t + 86_400));
    }

    #[test]
    fn refuses() {
        for text in [
            "",
            "2016-04-01",
            "2016-13-01T00:00:00Z",
            "2015-02-29T00:00:00Z",
            "2016-04-01T24:00:00Z",
            "2016-04-01T00:00:00.Z",
            "2016-04-01T00:00:00+2",
            "2016-04-01T00:00:00Q",
            "0000-01-01T00:00:00+01:00",
            "+016-04-01T00:00:00Z",
            "2016/04/01T00:00:00Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert_eq!(parse("2016-02-29T00:00:00Z"), Some(1_456_704_000));
    }

    #[test]
    fn writes() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert_eq!(format(1_459_555_199), "2016-04-01T23:59:59Z");
        assert_eq!(format(MIN), "0000-01-01T00:00:00Z");
        assert_eq!(format(MAX), "9999-12-31T23:59:59Z");
        assert_eq!(format(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc5322(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            format_rfc5322(1_494_377_670),
            "Wed, 10 May 2017 00:54:30 +0000"
        );
    }

    #[test]
    fn round_trip_every_day_boundary() {
        let mut t = MIN;
        while t <= MAX {
            assert_eq!(parse(&format(t)), Some(t));
            t += 86_399 * 37;
        }
    }
}
