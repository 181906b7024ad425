//! Calendar dates of Unix times (proleptic Gregorian, UTC), for every place that prints one:
//! KMIP date-time text, log timestamps, certificate validity, the CLI.

/// A Unix time broken into its UTC calendar fields.
///
/// ```
/// let t = kmipkit::time::UtcTime::from_unix(951_782_400);
/// assert_eq!((t.year, t.month, t.day), (2000, 2, 29));
/// assert_eq!(t.to_string(), "2000-02-29T00:00:00Z");
/// assert_eq!(kmipkit::time::UtcTime::from_unix(-1).to_string(), "1969-12-31T23:59:59Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    /// The year (may be before 1970 or after 9999).
    pub year: i64,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 59 (Unix time has no leap seconds).
    pub second: u8,
}

impl UtcTime {
    /// The calendar fields of `secs` seconds since 1970-01-01T00:00:00Z.
    pub fn from_unix(secs: i64) -> Self {
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let rest = secs.rem_euclid(86_400);
        // Each narrowing below is of a value the arithmetic bounds (month 1..=12, rest < 86,400).
        Self {
            year,
            month: month as u8,
            day: day as u8,
            hour: (rest / 3600) as u8,
            minute: (rest % 3600 / 60) as u8,
            second: (rest % 60) as u8,
        }
    }
}

/// RFC 3339 in UTC with a `Z`: `2000-02-29T00:00:00Z`.
impl std::fmt::Display for UtcTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The day number since 1970-01-01 of a date (H. Hinnant's days_from_civil).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01 (H. Hinnant's civil_from_days; valid for every
/// day count of an i64 second).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_extremes() {
        for days in [-719_468, -1, 0, 1, 10_957, 2_932_896, 106_751_991_167_300] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            UtcTime::from_unix(1_767_225_599).to_string(),
            "2025-12-31T23:59:59Z"
        );
        // The extremes of i64 seconds neither panic nor overflow.
        let _ = UtcTime::from_unix(i64::MAX).to_string();
        let _ = UtcTime::from_unix(i64::MIN).to_string();
    }
}
