//! Vault record expiry, the same everywhere: a record whose `expires_at` is
//! not 0 (never) and not after now has expired. `seal` and `register` refuse
//! it as a recipient, `verify` reports it `INVALID <file>: expired at …`,
//! `vault record` warns when asked to write one, `inspect` says so.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Whether an expiry (`expires_at`, Unix seconds, 0 = never) has passed at
/// `now`: the library's rule (`VaultFields` expire at `expires_at`).
pub(crate) fn has_expired(expires_at: u64, now: u64) -> bool {
    expires_at != 0 && expires_at <= now
}

/// An expiry as the tool prints it: `never` for 0, otherwise the UTC time
/// and the Unix seconds, e.g. `2025-12-05T00:00:00Z (Unix 1764892800)`.
pub(crate) fn describe(expires_at: u64) -> String {
    if expires_at == 0 {
        "never".to_owned()
    } else {
        format!("{} (Unix {expires_at})", utc(expires_at))
    }
}

/// Unix seconds as an RFC 3339 UTC time, `YYYY-MM-DDTHH:MM:SSZ` (total: any
/// `u64`, years past 9999 written in full).
pub(crate) fn utc(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_date(days);
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The proleptic Gregorian date `days` days after 1970-01-01: count from
/// 0000-03-01 (so that the leap day ends a year), split into 400-year eras
/// of 146 097 days, then years of 365 days less the leap days, then months
/// of the March-based year (153 days every five months).
fn civil_date(days: u64) -> (u64, u64, u64) {
    // 1970-01-01 is day 719 468 counted from 0000-03-01.
    let day_number = days + 719_468;
    let era = day_number / 146_097;
    let day_of_era = day_number % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153; // 0 = March … 11 = February
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 { march_month + 3 } else { march_month - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times() {
        // Values checked with `date -u -d @N`.
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1), "1970-01-01T00:00:01Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_764_892_800), "2025-12-05T00:00:00Z");
        assert_eq!(utc(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(utc(253_402_300_800), "10000-01-01T00:00:00Z");
        // Total: the largest expiry a record can hold.
        assert!(utc(u64::MAX).ends_with("Z"));
    }

    #[test]
    fn expiry_rule() {
        assert!(!has_expired(0, u64::MAX), "0 is never");
        assert!(has_expired(10, 10), "expired at its time");
        assert!(has_expired(10, 11));
        assert!(!has_expired(11, 10));
        assert_eq!(describe(0), "never");
        assert_eq!(describe(1), "1970-01-01T00:00:01Z (Unix 1)");
    }
}
