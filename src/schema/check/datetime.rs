//! Literal texts PostgreSQL prints for numbers, dates, times and intervals, read into the epoch
//! [`Value`] uses (days or microseconds since 2000-01-01), and the calendar arithmetic the
//! evaluator needs (`now() - '18 years'::interval`).

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::generate::Value;
use crate::generate::value::MICROS_PER_DAY;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// `6.50` -> `Decimal { digits: 650, scale: 2 }`; `-3` -> `Decimal { digits: -3, scale: 0 }`.
pub(crate) fn parse_decimal(text: &str) -> Option<Value> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
    let scale = u16::try_from(fraction.len()).ok()?;
    Some(Value::Decimal { digits: if negative { -digits } else { digits }, scale })
}

/// `'YYYY-MM-DD'` (optionally ` BC`, or `infinity`) as days since 2000-01-01.
pub(crate) fn parse_date(text: &str) -> Option<i32> {
    let text = text.trim();
    match text {
        "infinity" => return Some(i32::MAX),
        "-infinity" => return Some(i32::MIN),
        _ => {}
    }
    let date = date_part(text)?;
    i32::try_from((date - epoch()).num_days()).ok()
}

fn date_part(text: &str) -> Option<NaiveDate> {
    let (text, bc) = match text.strip_suffix(" BC") {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
    let day: u32 = day.parse().ok()?;
    NaiveDate::from_ymd_opt(if bc { 1 - year } else { year }, month, day)
}

/// `'HH:MM[:SS[.ffffff]]'` as microseconds since midnight.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let (time, _) = split_zone(text.trim());
    let format = if time.matches(':').count() == 1 { "%H:%M" } else { "%H:%M:%S%.f" };
    let time = NaiveTime::parse_from_str(time, format).ok()?;
    Some(i64::from(time.num_seconds_from_midnight()) * 1_000_000 + i64::from(time.nanosecond() / 1000))
}

/// `'YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][+HH[:MM]]'` as microseconds since 2000-01-01 00:00 UTC. The
/// zone is applied when `with_zone` (a text without one is taken as UTC) and ignored otherwise,
/// as PostgreSQL does for `timestamp without time zone`.
pub(crate) fn parse_timestamp(text: &str, with_zone: bool) -> Option<i64> {
    let text = text.trim();
    match text {
        "infinity" => return Some(i64::MAX),
        "-infinity" => return Some(i64::MIN),
        _ => {}
    }
    let (date_text, time_text) = match text.find([' ', 'T']) {
        Some(i) if text.get(i + 1..).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit())) => {
            (&text[..i], &text[i + 1..])
        }
        _ => (text, ""),
    };
    let date = date_part(date_text)?;
    let (clock, zone) = split_zone(time_text);
    let micros_of_day = if clock.is_empty() { 0 } else { parse_time(clock)? };
    let offset = if with_zone { zone_seconds(zone)? } else { 0 };
    let days = (date - epoch()).num_days();
    days.checked_mul(MICROS_PER_DAY)?.checked_add(micros_of_day)?.checked_sub(offset.checked_mul(1_000_000)?)
}

/// Splits `10:00:00+02` into the clock and the zone (`+02`, `-05:30`, `Z` or empty).
fn split_zone(text: &str) -> (&str, &str) {
    match text.find(['+', '-', 'Z']) {
        Some(i) => (text[..i].trim_end(), &text[i..]),
        None => (text, ""),
    }
}

/// `+02` -> 7200, `-05:30` -> -19800; empty or `Z` -> 0.
fn zone_seconds(zone: &str) -> Option<i64> {
    if zone.is_empty() || zone == "Z" {
        return Some(0);
    }
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    let (hours, rest) = digits.split_at(digits.len().min(2));
    let hours: i64 = hours.parse().ok()?;
    let minutes: i64 = if rest.len() >= 2 { rest[..2].parse().ok()? } else { 0 };
    Some(sign * (hours * 3600 + minutes * 60))
}

/// An interval as PostgreSQL prints it (`1 year 2 mons 3 days 04:05:06`, `-18 years`, `1 day`).
pub(crate) fn parse_interval(text: &str) -> Option<Value> {
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i64);
    let words: Vec<&str> = text.trim().trim_start_matches('@').split_whitespace().collect();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        if word.contains(':') {
            let negative = word.starts_with('-');
            let clock = parse_time(word.trim_start_matches(['-', '+']))?;
            micros += if negative { -clock } else { clock };
            i += 1;
            continue;
        }
        let amount: f64 = word.parse().ok()?;
        let unit = words.get(i + 1)?.trim_end_matches(',').to_ascii_lowercase();
        add_unit(amount, &unit, &mut months, &mut days, &mut micros)?;
        i += 2;
    }
    if words.last() == Some(&"ago") {
        (months, days, micros) = (-months, -days, -micros);
    }
    Some(Value::Interval { months: i32::try_from(months).ok()?, days: i32::try_from(days).ok()?, micros })
}

fn add_unit(amount: f64, unit: &str, months: &mut i64, days: &mut i64, micros: &mut i64) -> Option<()> {
    let unit = if unit.len() > 2 { unit.strip_suffix('s').unwrap_or(unit) } else { unit };
    let (target, per_unit) = match unit {
        "millennium" | "millennia" => (&mut *months, 12_000.0),
        "century" | "centurie" => (&mut *months, 1_200.0),
        "decade" => (&mut *months, 120.0),
        "year" | "yr" | "y" => (&mut *months, 12.0),
        "mon" | "month" => (&mut *months, 1.0),
        "week" | "w" => (&mut *days, 7.0),
        "day" | "d" => (&mut *days, 1.0),
        "hour" | "hr" | "h" => (&mut *micros, 3_600_000_000.0),
        "min" | "minute" | "m" => (&mut *micros, 60_000_000.0),
        "sec" | "second" | "s" => (&mut *micros, 1_000_000.0),
        "ms" | "msec" | "millisecond" => (&mut *micros, 1000.0),
        "us" | "usec" | "microsecond" => (&mut *micros, 1.0),
        _ => return None,
    };
    // `as` saturates, so absurd amounts cannot overflow.
    *target = target.saturating_add((amount * per_unit) as i64);
    Some(())
}

fn to_datetime(micros: i64) -> Option<NaiveDateTime> {
    let days = micros.div_euclid(MICROS_PER_DAY);
    let rest = micros.rem_euclid(MICROS_PER_DAY);
    let date = add_days(epoch(), days)?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(
        u32::try_from(rest / 1_000_000).ok()?,
        u32::try_from(rest % 1_000_000).ok()? * 1000,
    )?;
    Some(date.and_time(time))
}

fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(u64::try_from(days).ok()?))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// `timestamp + interval`: months by the calendar (clamping the day), then days, then time.
pub(crate) fn add_interval(timestamp: i64, months: i32, days: i32, micros: i64) -> Option<i64> {
    let moment = to_datetime(timestamp)?;
    let shifted = if months >= 0 {
        moment.checked_add_months(Months::new(months.unsigned_abs()))?
    } else {
        moment.checked_sub_months(Months::new(months.unsigned_abs()))?
    };
    let date = add_days(shifted.date(), i64::from(days))?;
    let day_micros = (date - epoch()).num_days().checked_mul(MICROS_PER_DAY)?;
    let time = shifted.time();
    let clock = i64::from(time.num_seconds_from_midnight()) * 1_000_000 + i64::from(time.nanosecond() / 1000);
    day_micros.checked_add(clock)?.checked_add(micros)
}

/// The year, month and day of a date (days since 2000-01-01), for `EXTRACT`.
pub(crate) fn date_fields(days: i32) -> Option<(i32, u32, u32)> {
    let date = add_days(epoch(), i64::from(days))?;
    Some((date.year(), date.month(), date.day()))
}
