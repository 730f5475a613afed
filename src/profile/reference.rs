//! `now = "..."`: the reference moment generated times end at.
//!
//! A fixed date (`"2026-01-01"`, or a timestamp `"2026-01-01 12:00:00"`) keeps runs byte-identical
//! on every day and machine; `"today"` is today's midnight (UTC), read once when the profile is
//! read, for dashboards that show "the last 30 days": runs on one day are identical, the next day's
//! data moves with the calendar. Without the key, 2026-01-01 (see `generate::column`).

use chrono::{NaiveDate, NaiveDateTime};

const MICROS_PER_DAY: i64 = 86_400_000_000;
/// Seconds from the Unix epoch to 2000-01-01, PostgreSQL's epoch.
const POSTGRES_EPOCH_SECONDS: i64 = 946_684_800;

/// The reference moment `text` names, in micros since 2000-01-01, or why it names none.
pub fn parse(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("today") {
        return today();
    }
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).ok_or("calendar")?;
    let moment = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok())
        .or_else(|| NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)));
    match moment {
        Some(moment) => {
            (moment - epoch).num_microseconds().ok_or_else(|| format!("`now = \"{text}\"` is too far away"))
        }
        None => Err(format!(
            "`now = \"{text}\"` is neither a date (\"2026-01-01\"), a timestamp (\"2026-01-01 12:00:00\") nor \"today\""
        )),
    }
}

/// Today's midnight, UTC.
fn today() -> Result<i64, String> {
    let since_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970: set `now` to a date".to_string())?;
    let micros = (since_unix.as_secs() as i64 - POSTGRES_EPOCH_SECONDS) * 1_000_000;
    Ok(micros - micros.rem_euclid(MICROS_PER_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_timestamps_and_today() {
        assert_eq!(parse("2000-01-02"), Ok(MICROS_PER_DAY));
        assert_eq!(parse("2000-01-01 00:00:01"), Ok(1_000_000));
        assert_eq!(parse("2026-01-01"), Ok(9497 * MICROS_PER_DAY));
        let today = parse("today").unwrap();
        assert_eq!(today.rem_euclid(MICROS_PER_DAY), 0);
        assert!(today > 9497 * MICROS_PER_DAY, "after the default reference");
        assert!(parse("yesterday").unwrap_err().contains("neither a date"));
    }
}
