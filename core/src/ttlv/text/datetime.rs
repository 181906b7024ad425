//! ISO 8601 date-times to and from seconds (or microseconds) since the Unix epoch, in UTC,
//! without a date crate: the proleptic Gregorian calendar of H. Hinnant's `days_from_civil`.

const SECS_PER_DAY: i64 = 86_400;
const MICROS_PER_SEC: i64 = 1_000_000;

use crate::time::{civil_from_days, days_from_civil};

/// `2012-04-27T08:12:23+00:00` (the form of the OASIS test vectors), or `None` when the year is
/// outside 0000–9999 and has no ISO 8601 basic form.
pub(crate) fn format_date_time(secs: i64) -> Option<String> {
    let (date, time) = split(secs)?;
    Some(format!("{date}T{time}+00:00"))
}

/// `2012-04-27T08:12:23.000001+00:00`: always six fraction digits, or `None` as above.
pub(crate) fn format_date_time_extended(micros: i64) -> Option<String> {
    let secs = micros.div_euclid(MICROS_PER_SEC);
    let fraction = micros.rem_euclid(MICROS_PER_SEC);
    let (date, time) = split(secs)?;
    Some(format!("{date}T{time}.{fraction:06}+00:00"))
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as seconds since the epoch and the
/// microseconds of the fraction. A zone is required; a fraction finer than a microsecond is cut
/// to the microsecond (servers write nanoseconds; KMIP keeps at most microseconds).
pub(crate) fn parse_date_time(text: &str) -> Result<(i64, i64), String> {
    let fail = |what: &str| {
        format!("`{text}` is not an ISO 8601 date-time like 2012-04-27T08:12:23+00:00: {what}")
    };
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return Err(fail("expected YYYY-MM-DDTHH:MM:SS"));
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(fail("expected HH:MM:SS after T"));
    }
    let field = |range: std::ops::Range<usize>, name: &str| {
        digits(&b[range]).ok_or_else(|| fail(&format!("bad {name}")))
    };
    let year = field(0..4, "year")?;
    let month = field(5..7, "month")?;
    let day = field(8..10, "day")?;
    let hour = field(11..13, "hour")?;
    let minute = field(14..16, "minute")?;
    let second = field(17..19, "second")?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(fail("no such day"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(fail("no such time of day"));
    }

    let mut rest = &b[19..];
    let mut micros = 0;
    if let Some((b'.', after)) = rest.split_first() {
        let len = after.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 || len > 9 {
            return Err(fail("the fraction needs 1 to 9 digits"));
        }
        let mut nanos = digits(&after[..len]).ok_or_else(|| fail("bad fraction"))?;
        nanos *= 10i64.pow(9 - len as u32);
        micros = nanos / 1000;
        rest = &after[len..];
    }

    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2]).ok_or_else(|| fail("bad zone hours"))?;
            let minutes = digits(&[*m1, *m2]).ok_or_else(|| fail("bad zone minutes"))?;
            if hours > 23 || minutes > 59 {
                return Err(fail("no such zone offset"));
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        [] => return Err(fail("a zone (Z or +hh:mm) is required")),
        _ => return Err(fail("expected Z or +hh:mm at the end")),
    };
    let days = days_from_civil(year, month, day);
    let secs = days * SECS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
    Ok((secs, micros))
}

/// Seconds since the epoch -> date string and time string, for years 0000–9999.
fn split(secs: i64) -> Option<(String, String)> {
    let days = secs.div_euclid(SECS_PER_DAY);
    let time = secs.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = format!("{:02}:{:02}:{:02}", time / 3600, time / 60 % 60, time % 60);
    Some((date, time))
}

fn digits(bytes: &[u8]) -> Option<i64> {
    bytes.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_values() {
        assert_eq!(format_date_time(0).unwrap(), "1970-01-01T00:00:00+00:00");
        assert_eq!(parse_date_time("1970-01-01T00:00:00Z").unwrap(), (0, 0));
        // The KMIP specification's Date-Time example.
        assert_eq!(
            parse_date_time("2008-03-14T11:56:40Z").unwrap().0,
            0x47DA67F8
        );
        assert_eq!(
            format_date_time(0x47DA67F8).unwrap(),
            "2008-03-14T11:56:40+00:00"
        );
        assert_eq!(
            parse_date_time("2012-04-27T08:12:23+00:00").unwrap().0,
            1_335_514_343
        );
    }

    #[test]
    fn leap_years_and_negative() {
        assert_eq!(
            parse_date_time("2000-02-29T00:00:00Z").unwrap().0,
            951_782_400
        );
        assert!(parse_date_time("1900-02-29T00:00:00Z").is_err());
        assert!(parse_date_time("2023-02-29T00:00:00Z").is_err());
        assert_eq!(
            parse_date_time("2024-02-29T12:00:00Z").unwrap().0,
            1_709_208_000
        );
        assert_eq!(format_date_time(-1).unwrap(), "1969-12-31T23:59:59+00:00");
        assert_eq!(parse_date_time("1969-12-31T23:59:59Z").unwrap().0, -1);
        assert_eq!(
            parse_date_time("0000-01-01T00:00:00Z").unwrap().0,
            -62_167_219_200
        );
        assert_eq!(
            format_date_time(-62_167_219_200).unwrap(),
            "0000-01-01T00:00:00+00:00"
        );
        assert_eq!(format_date_time(-62_167_219_201), None);
        assert_eq!(
            format_date_time(253_402_300_799).unwrap(),
            "9999-12-31T23:59:59+00:00"
        );
        assert_eq!(format_date_time(253_402_300_800), None);
        assert_eq!(format_date_time(i64::MIN), None);
        assert_eq!(format_date_time(i64::MAX), None);
        assert_eq!(format_date_time_extended(i64::MIN), None);
    }

    #[test]
    fn every_day_round_trips() {
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn zones_and_fractions() {
        assert_eq!(
            parse_date_time("2001-01-01T10:00:00+10:00").unwrap().0,
            978_307_200
        );
        assert_eq!(
            parse_date_time("2000-12-31T23:00:00-01:00").unwrap().0,
            978_307_200
        );
        assert_eq!(
            parse_date_time("1970-01-01T00:00:01.5Z").unwrap(),
            (1, 500_000)
        );
        assert_eq!(
            parse_date_time("1970-01-01T00:00:00.000001Z").unwrap(),
            (0, 1)
        );
        // Nanoseconds, as Cosmian KMS writes them, are cut to the microsecond.
        assert_eq!(
            parse_date_time("2026-12-03T13:37:49.939484989Z").unwrap().1,
            939_484
        );
        assert!(parse_date_time("1970-01-01T00:00:00.0000000001Z").is_err());
        assert_eq!(
            format_date_time_extended(-1).unwrap(),
            "1969-12-31T23:59:59.999999+00:00"
        );
        assert_eq!(
            format_date_time_extended(1_500_000).unwrap(),
            "1970-01-01T00:00:01.500000+00:00"
        );
        for bad in [
            "",
            "2012-04-27",
            "2012-04-27T08:12:23",
            "2012-04-27T25:00:00Z",
            "2012-13-01T00:00:00Z",
            "2012-04-27T08:12:23+24:00",
            "2012-04-27T08:12:23+0000",
            "２012-04-27T08:12:23Z",
            "2012-04-27T08:12:23.Z",
        ] {
            assert!(parse_date_time(bad).is_err(), "{bad}");
        }
    }
}
