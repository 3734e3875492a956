//! UTC timestamps for records and approvals: RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`), the compact form
//! used in experiment ids (`YYYYMMDDTHHMMSSZ`), and a strict parser for exactly the RFC 3339 form
//! written here. The calendar is `chrono`'s; this module only fixes the shapes. Only instants at
//! or after 1970-01-01 are handled.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// The current time as seconds and nanoseconds since the Unix epoch (0 if the clock is before it).
pub fn now() -> (u64, u32) {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs(), d.subsec_nanos()),
        Err(_) => (0, 0),
    }
}

/// The instant `secs` after the epoch; past `chrono`'s last representable instant (the year
/// 262142, far beyond any clock or parsed date here) it is that last instant.
fn instant(secs: u64) -> DateTime<Utc> {
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `secs` since the epoch as RFC 3339 UTC, e.g. `2000-02-29T00:00:00Z`.
pub fn rfc3339(secs: u64) -> String {
    utc(secs, "-", ":")
}

/// `secs` since the epoch in the compact, sortable form used by experiment ids: `20000229T000000Z`.
pub fn compact(secs: u64) -> String {
    utc(secs, "", "")
}

/// `YYYY{d}MM{d}DDTHH{t}MM{t}SSZ`.
fn utc(secs: u64, d: &str, t: &str) -> String {
    let at = instant(secs);
    let (year, month, day) = (at.year(), at.month(), at.day());
    let (hour, minute, second) = (at.hour(), at.minute(), at.second());
    format!("{year:04}{d}{month:02}{d}{day:02}T{hour:02}{t}{minute:02}{t}{second:02}Z")
}

/// Parses exactly the form [`rfc3339`] writes (`YYYY-MM-DDTHH:MM:SSZ`, year 1970..=9999) back to
/// seconds since the epoch; `None` for anything else, including impossible dates. The shape is
/// checked here byte by byte (`chrono`'s RFC 3339 parser also takes offsets, spaces and
/// fractions, which records never hold); the date and time are checked by `chrono`.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let s = &b[from..to];
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    if year < 1970 {
        return None;
    }
    let at = NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?.and_hms_opt(
        num(11, 13)?,
        num(14, 16)?,
        num(17, 19)?,
    )?;
    u64::try_from(at.and_utc().timestamp()).ok()
}
