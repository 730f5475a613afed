//! Dates, times, timestamps and intervals: PostgreSQL's ranges and their text forms.
//!
//! Values arrive already in PostgreSQL's units (days and microseconds since 2000-01-01, see
//! `generate::value`), so the binary format is a plain integer; only the checks and the text
//! rendering live here. Calendar arithmetic is proleptic Gregorian, as in PostgreSQL, written out
//! because the server's range (4714-11-24 BC to 5874897 AD for dates) exceeds chrono's.

use super::ascii::{two_digits, write_i64, write_padded};
use crate::generate::value::MICROS_PER_DAY;

/// 4714-11-24 BC (Julian day 0), the first valid date, in days since 2000-01-01.
const DATE_MIN: i32 = -2_451_545;
/// 5874898-01-01, the first date past the end.
const DATE_END: i32 = 2_145_031_949;
/// 4714-11-24 00:00:00 BC in microseconds since 2000-01-01.
const TIMESTAMP_MIN: i64 = DATE_MIN as i64 * MICROS_PER_DAY;
/// 294277-01-01 00:00:00, the first timestamp past the end.
const TIMESTAMP_END: i64 = 106_751_983 * MICROS_PER_DAY;

/// Whether PostgreSQL accepts this date; `i32::MIN`/`i32::MAX` are `-infinity`/`infinity`.
pub(super) fn date_in_range(days: i32) -> bool {
    days == i32::MIN || days == i32::MAX || (DATE_MIN..DATE_END).contains(&days)
}

/// Whether PostgreSQL accepts this timestamp; `i64::MIN`/`i64::MAX` are `-infinity`/`infinity`.
pub(super) fn timestamp_in_range(micros: i64) -> bool {
    micros == i64::MIN || micros == i64::MAX || (TIMESTAMP_MIN..TIMESTAMP_END).contains(&micros)
}

/// A date as the timestamp of its midnight (infinities stay infinite).
pub(super) fn date_to_timestamp(days: i32) -> i64 {
    match days {
        i32::MIN => i64::MIN,
        i32::MAX => i64::MAX,
        _ => i64::from(days) * MICROS_PER_DAY,
    }
}

/// `time` runs from 00:00:00 to 24:00:00 inclusive.
pub(super) fn time_in_range(micros: i64) -> bool {
    (0..=MICROS_PER_DAY).contains(&micros)
}

/// `YYYY-MM-DD`, with ` BC` for years before 1.
pub(super) fn write_date(out: &mut Vec<u8>, days: i32) {
    if !write_infinity(out, i64::from(days), i64::from(i32::MIN), i64::from(i32::MAX)) {
        let bc = write_ymd(out, i64::from(days));
        write_era(out, bc);
    }
}

/// `HH:MM:SS[.ffffff]`, trailing zeros of the fraction dropped as the server prints them.
pub(super) fn write_time(out: &mut Vec<u8>, micros: i64) {
    write_clock(out, micros.unsigned_abs());
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, then `+00` for timestamptz (values are UTC), then ` BC`.
pub(super) fn write_timestamp(out: &mut Vec<u8>, micros: i64, with_zone: bool) {
    if write_infinity(out, micros, i64::MIN, i64::MAX) {
        return;
    }
    let bc = write_ymd(out, micros.div_euclid(MICROS_PER_DAY));
    out.push(b' ');
    write_time(out, micros.rem_euclid(MICROS_PER_DAY));
    if with_zone {
        out.extend_from_slice(b"+00");
    }
    write_era(out, bc);
}

/// `±N mons ±N days ±HH:MM:SS[.ffffff]`. Every part carries its sign: with IntervalStyle
/// `sql_standard` the server would otherwise apply a leading `-` to the unsigned parts too.
pub(super) fn write_interval(out: &mut Vec<u8>, months: i32, days: i32, micros: i64) {
    write_signed(out, i64::from(months));
    out.extend_from_slice(b" mons ");
    write_signed(out, i64::from(days));
    out.extend_from_slice(b" days ");
    out.push(if micros < 0 { b'-' } else { b'+' });
    write_clock(out, micros.unsigned_abs());
}

fn write_signed(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        out.push(b'+');
    }
    write_i64(out, v);
}

/// `HH:MM:SS[.ffffff]` of a duration (hours may pass 24 and 99).
fn write_clock(out: &mut Vec<u8>, micros: u64) {
    let seconds = micros / 1_000_000;
    let hours = seconds / 3600;
    let [m1, m0] = two_digits(seconds / 60 % 60);
    let [s1, s0] = two_digits(seconds % 60);
    if hours < 100 {
        let [h1, h0] = two_digits(hours);
        out.extend_from_slice(&[h1, h0, b':', m1, m0, b':', s1, s0]);
    } else {
        write_padded(out, hours, 2);
        out.extend_from_slice(&[b':', m1, m0, b':', s1, s0]);
    }
    write_fraction(out, micros % 1_000_000);
}

fn write_infinity(out: &mut Vec<u8>, value: i64, min: i64, max: i64) -> bool {
    match value {
        v if v == min => out.extend_from_slice(b"-infinity"),
        v if v == max => out.extend_from_slice(b"infinity"),
        _ => return false,
    }
    true
}

fn write_era(out: &mut Vec<u8>, bc: bool) {
    if bc {
        out.extend_from_slice(b" BC");
    }
}

/// `.ffffff` without trailing zeros, nothing for whole seconds.
fn write_fraction(out: &mut Vec<u8>, micros: u64) {
    if micros == 0 {
        return;
    }
    let mut text = [b'.'; 7];
    let mut rest = micros;
    for slot in text[1..].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let zeros = text[1..].iter().rev().take_while(|&&digit| digit == b'0').count();
    let len = out.len();
    out.extend_from_slice(&text);
    out.truncate(len + 7 - zeros);
}

/// Writes the calendar date of a day number; returns whether it is BC (the year is then 1 - y).
fn write_ymd(out: &mut Vec<u8>, days: i64) -> bool {
    let (year, month, day) = civil_from_days(days);
    let bc = year <= 0;
    let shown = (if bc { 1 - year } else { year }) as u64;
    let [mo1, mo0] = two_digits(u64::from(month));
    let [d1, d0] = two_digits(u64::from(day));
    if shown < 10_000 {
        let ([y3, y2], [y1, y0]) = (two_digits(shown / 100), two_digits(shown));
        out.extend_from_slice(&[y3, y2, y1, y0, b'-', mo1, mo0, b'-', d1, d0]);
    } else {
        write_padded(out, shown, 4);
        out.extend_from_slice(&[b'-', mo1, mo0, b'-', d1, d0]);
    }
    bc
}

/// (astronomical year, month, day) of a day counted from 2000-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days_since_2000: i64) -> (i64, u32, u32) {
    let z = days_since_2000 + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Used by tests to build values from calendar dates.
#[cfg(test)]
pub(super) fn days_from_civil(year: i64, month: u32, day: u32) -> i32 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468 - 10_957) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::written as run;

    #[test]
    fn dates_around_and_before_the_epoch() {
        assert_eq!(run(|o| write_date(o, 0)), "2000-01-01");
        assert_eq!(run(|o| write_date(o, -1)), "1999-12-31");
        assert_eq!(run(|o| write_date(o, days_from_civil(1970, 1, 1))), "1970-01-01");
        assert_eq!(run(|o| write_date(o, days_from_civil(1900, 2, 28) + 1)), "1900-03-01");
        assert_eq!(run(|o| write_date(o, days_from_civil(2024, 2, 28) + 1)), "2024-02-29");
        assert_eq!(run(|o| write_date(o, days_from_civil(0, 12, 31))), "0001-12-31 BC");
        assert_eq!(run(|o| write_date(o, DATE_MIN)), "4714-11-24 BC");
        assert_eq!(run(|o| write_date(o, DATE_END - 1)), "5874897-12-31");
        assert_eq!(run(|o| write_date(o, i32::MAX)), "infinity");
    }

    #[test]
    fn date_range_is_the_servers() {
        assert_eq!(days_from_civil(-4713, 11, 24), DATE_MIN);
        assert_eq!(days_from_civil(5_874_898, 1, 1), DATE_END);
        assert!(date_in_range(DATE_MIN) && !date_in_range(DATE_MIN - 1));
        assert!(!date_in_range(DATE_END) && date_in_range(i32::MIN));
        let end = i64::from(days_from_civil(294_277, 1, 1)) * MICROS_PER_DAY;
        assert_eq!(end, TIMESTAMP_END);
        assert!(timestamp_in_range(TIMESTAMP_END - 1) && !timestamp_in_range(TIMESTAMP_END));
    }

    #[test]
    fn times_and_timestamps() {
        assert_eq!(run(|o| write_time(o, 0)), "00:00:00");
        assert_eq!(run(|o| write_time(o, MICROS_PER_DAY)), "24:00:00");
        assert_eq!(run(|o| write_time(o, 3_723_000_450)), "01:02:03.00045");
        assert_eq!(run(|o| write_timestamp(o, -1, true)), "1999-12-31 23:59:59.999999+00");
        assert_eq!(run(|o| write_timestamp(o, TIMESTAMP_MIN, false)), "4714-11-24 00:00:00 BC");
        assert_eq!(run(|o| write_timestamp(o, i64::MIN, true)), "-infinity");
    }

    proptest::proptest! {
        #[test]
        fn calendar_round_trips(days in DATE_MIN..DATE_END) {
            let (year, month, day) = civil_from_days(i64::from(days));
            proptest::prop_assert!((1..=12).contains(&month) && (1..=31).contains(&day));
            proptest::prop_assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn intervals() {
        assert_eq!(run(|o| write_interval(o, 0, 0, 0)), "+0 mons +0 days +00:00:00");
        assert_eq!(run(|o| write_interval(o, 14, -3, -3_723_500_000)), "+14 mons -3 days -01:02:03.5");
        assert_eq!(run(|o| write_interval(o, 0, 0, i64::MIN)), "+0 mons +0 days -2562047788:00:54.775808");
    }
}
