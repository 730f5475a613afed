//! `numeric` (and `money`) values: postgres-types has no numeric type, so this is ours.
//!
//! A [`Num`] is an integer magnitude and a power of ten, built from `Value::Decimal`,
//! `Value::Int` or `Value::Float` (its shortest round-trip digits). [`Num::fit`] applies a
//! column's `numeric(p, s)` the way the server does (round half away from zero to `s` digits,
//! then refuse more than `p - s` integer digits). The binary form is PostgreSQL's `numeric_send`:
//! ndigits, weight, sign, dscale, then base-10000 digits, most significant first. Magnitudes that
//! fit a `u64` (nearly all) never touch 128-bit division, which is a library call.

use std::fmt::Write as _;

/// Decimal digits of the largest magnitude (an i128 has 39).
const MAX_DIGITS: usize = 40;
/// The largest display scale PostgreSQL keeps (`NUMERIC_DSCALE_MAX`).
const MAX_DSCALE: i32 = 0x3FFF;
/// Base-10000 digits of the largest magnitude, shifted by up to three decimal places.
const MAX_GROUPS: usize = 12;

const SIGN_POS: u16 = 0x0000;
const SIGN_NEG: u16 = 0x4000;
const SIGN_NAN: u16 = 0xC000;
const SIGN_PINF: u16 = 0xD000;
const SIGN_NINF: u16 = 0xF000;

/// Why a number does not fit its column's `numeric(p, s)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Misfit {
    Infinite,
    TooManyDigits,
    OutOfRange,
}

impl Misfit {
    /// The explanation, in the terms of the column's type.
    pub(crate) fn explain(self, precision: Option<u16>, scale: Option<u16>) -> String {
        let (p, s) = (precision.unwrap_or(0), scale.unwrap_or(0));
        match self {
            Misfit::Infinite => format!("a field with precision {p}, scale {s} cannot hold an infinite value"),
            Misfit::TooManyDigits => {
                let max = i32::from(p) - i32::from(s);
                format!("numeric({p},{s}) holds at most {max} digits before the decimal point (below 10^{max})")
            }
            Misfit::OutOfRange => "the value is outside numeric's range".to_string(),
        }
    }
}

/// A numeric value ready to encode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    NaN,
    Infinity { negative: bool },
    Finite(Dec),
}

/// `mag * 10^exp`, shown with `dscale` fractional digits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dec {
    mag: u128,
    exp: i32,
    dscale: i32,
    negative: bool,
}

impl Num {
    /// `digits * 10^-scale`, displayed with `scale` fractional digits (so 0.00 stays 0.00).
    pub(crate) fn from_decimal(digits: i128, scale: u16) -> Num {
        let (exp, dscale) = (-i32::from(scale), i32::from(scale));
        Num::Finite(Dec { mag: digits.unsigned_abs(), exp, dscale, negative: digits < 0 })
    }

    pub(crate) fn from_int(v: i64) -> Num {
        Num::from_decimal(i128::from(v), 0)
    }

    /// A float by its shortest round-trip decimal digits: 0.1 is 0.1, not 0.1000000000000000055.
    pub(crate) fn from_f64(f: f64) -> Num {
        if f.is_nan() {
            return Num::NaN;
        }
        if f.is_infinite() {
            return Num::Infinity { negative: f < 0.0 };
        }
        let mut text = StackText::default();
        let _ = write!(text, "{:e}", f.abs());
        let (mantissa, exponent) = text.as_str().split_once('e').unwrap_or((text.as_str(), "0"));
        let fraction = mantissa.split_once('.').map_or(0, |(_, frac)| frac.len() as i32);
        let mag = mantissa.bytes().filter(u8::is_ascii_digit).fold(0u128, |m, b| m * 10 + u128::from(b - b'0'));
        let exp = exponent.parse::<i32>().unwrap_or(0) - fraction;
        Num::Finite(Dec { mag, exp, dscale: (-exp).max(0), negative: f < 0.0 })
    }

    /// Applies the column's `numeric(precision, scale)` (rounding), or checks the unconstrained
    /// type's limits.
    pub(crate) fn fit(&mut self, precision: Option<u16>, scale: Option<u16>) -> Result<(), Misfit> {
        match (self, precision) {
            (Num::Finite(dec), Some(p)) => dec.fit_typmod(i32::from(p), i32::from(scale.unwrap_or(0))),
            (Num::Finite(dec), None) => dec.check_limits(),
            (Num::Infinity { .. }, Some(_)) => Err(Misfit::Infinite),
            _ => Ok(()),
        }
    }

    /// Whole units of `10^-scale` (cents for `money` with scale 2), rounded; `None` on overflow.
    pub(crate) fn to_units(self, scale: u16) -> Option<i64> {
        let Num::Finite(mut dec) = self else { return None };
        dec.round_to(i32::from(scale));
        let shift = u32::try_from(dec.exp + i32::from(scale)).ok()?;
        let units = if dec.mag == 0 { 0 } else { dec.mag.checked_mul(10u128.checked_pow(shift)?)? };
        let units = i64::try_from(units).ok()?;
        Some(if dec.negative { -units } else { units })
    }

    /// PostgreSQL's binary `numeric` (what `numeric_recv` reads).
    pub(crate) fn write_binary(&self, out: &mut Vec<u8>) {
        match self {
            Num::NaN => write_header(out, 0, 0, SIGN_NAN, 0),
            Num::Infinity { negative: false } => write_header(out, 0, 0, SIGN_PINF, 0),
            Num::Infinity { negative: true } => write_header(out, 0, 0, SIGN_NINF, 0),
            Num::Finite(dec) => dec.write_binary(out),
        }
    }

    /// The text form PostgreSQL reads back to the same value and display scale.
    pub(crate) fn write_text(&self, out: &mut Vec<u8>) {
        match self {
            Num::NaN => out.extend_from_slice(b"NaN"),
            Num::Infinity { negative: false } => out.extend_from_slice(b"Infinity"),
            Num::Infinity { negative: true } => out.extend_from_slice(b"-Infinity"),
            Num::Finite(dec) => dec.write_text(out),
        }
    }
}

impl Dec {
    /// Digits before the decimal point (negative for 0.00x, 0 for zero).
    fn integer_digits(&self) -> i32 {
        let log = match u64::try_from(self.mag) {
            Ok(small) => small.checked_ilog10(),
            Err(_) => self.mag.checked_ilog10(),
        };
        log.map_or(0, |log| log as i32 + 1 + self.exp)
    }

    fn fit_typmod(&mut self, precision: i32, scale: i32) -> Result<(), Misfit> {
        self.round_to(scale);
        self.dscale = scale;
        if self.integer_digits() > precision - scale {
            return Err(Misfit::TooManyDigits);
        }
        Ok(())
    }

    /// The unconstrained type's limits: display scale and the i16 weight of the binary form.
    fn check_limits(&self) -> Result<(), Misfit> {
        let weight = (self.integer_digits() - 1).div_euclid(4);
        if self.dscale > MAX_DSCALE || (self.mag > 0 && i16::try_from(weight).is_err()) {
            return Err(Misfit::OutOfRange);
        }
        Ok(())
    }

    /// Rounds half away from zero to `scale` fractional digits.
    fn round_to(&mut self, scale: i32) {
        let target = -scale;
        if self.exp >= target {
            return;
        }
        let dropped = (target - self.exp) as u32;
        self.exp = target;
        // Past 38 dropped digits even the largest magnitude is below half a unit.
        self.mag = if dropped > 38 { 0 } else { div_round(self.mag, dropped) };
    }

    fn write_binary(&self, out: &mut Vec<u8>) {
        let sign = if self.negative && self.mag > 0 { SIGN_NEG } else { SIGN_POS };
        let dscale = self.dscale as u16;
        if self.mag == 0 {
            return write_header(out, 0, 0, sign, dscale);
        }
        // Align to a group boundary: mag * 10^shift groups exactly, the lowest at 10000^low.
        let shift = self.exp.rem_euclid(4) as u32;
        let low = (self.exp - shift as i32) / 4;
        let mut groups = [0i16; MAX_GROUPS];
        let count = match u64::try_from(self.mag).ok().and_then(|m| m.checked_mul([1, 10, 100, 1000][shift as usize])) {
            Some(aligned) => groups_u64(aligned, &mut groups),
            None => groups_wide(&self.digits(), shift as usize, &mut groups),
        };
        let zeros = groups.iter().take_while(|&&g| g == 0).count();
        let weight = low + count as i32 - 1;
        write_header(out, (count - zeros) as i16, weight as i16, sign, dscale);
        for group in groups[zeros..count].iter().rev() {
            out.extend_from_slice(&group.to_be_bytes());
        }
    }

    fn write_text(&self, out: &mut Vec<u8>) {
        if self.negative && self.mag > 0 {
            out.push(b'-');
        }
        let digits = self.digits();
        let integer = self.integer_digits();
        if integer <= 0 {
            out.push(b'0');
        }
        for at in 0..integer.max(0) {
            out.push(b'0' + digits.at(at));
        }
        if self.dscale > 0 {
            out.push(b'.');
            for at in integer..integer + self.dscale {
                out.push(b'0' + digits.at(at));
            }
        }
    }

    fn digits(&self) -> Digits {
        let mut digits = Digits { buf: [0; MAX_DIGITS], start: MAX_DIGITS };
        let mut rest = self.mag;
        while u64::try_from(rest).is_err() {
            digits.push_front(rest % 1_000_000_000_000_000_000, 18);
            rest /= 1_000_000_000_000_000_000;
        }
        digits.push_front(rest, 0);
        digits
    }
}

/// Divides by `10^power` (at most 38), rounding half away from zero (the sign is kept apart).
fn div_round(mag: u128, power: u32) -> u128 {
    if let (Ok(small), true) = (u64::try_from(mag), power <= 19) {
        let unit = 10u64.pow(power);
        return u128::from(small / unit + u64::from(small % unit >= unit / 2));
    }
    let unit = 10u128.pow(power);
    mag / unit + u128::from(mag % unit >= unit / 2)
}

/// Base-10000 digits, least significant first; returns how many.
fn groups_u64(mut aligned: u64, groups: &mut [i16; MAX_GROUPS]) -> usize {
    let mut count = 0;
    while aligned > 0 {
        groups[count] = (aligned % 10_000) as i16;
        aligned /= 10_000;
        count += 1;
    }
    count
}

/// The same from decimal digits, for magnitudes past `u64`.
fn groups_wide(digits: &Digits, shift: usize, groups: &mut [i16; MAX_GROUPS]) -> usize {
    let mut count = 0;
    for (i, &digit) in digits.buf[digits.start..].iter().rev().enumerate() {
        let power = i + shift;
        groups[power / 4] += i16::from(digit) * [1, 10, 100, 1000][power % 4];
        count = power / 4 + 1;
    }
    count
}

/// Decimal digits, most significant first, in `buf[start..]`.
struct Digits {
    buf: [u8; MAX_DIGITS],
    start: usize,
}

impl Digits {
    /// Prepends `v`'s digits (`v` below 10^19), zero-padded to `width`.
    fn push_front(&mut self, v: u128, width: usize) {
        let (mut v, stop) = (v as u64, self.start.saturating_sub(width));
        while v > 0 || self.start > stop {
            self.start -= 1;
            self.buf[self.start] = (v % 10) as u8;
            v /= 10;
        }
    }

    /// The digit at position `at` from the most significant one (zero past either end).
    fn at(&self, at: i32) -> u8 {
        usize::try_from(at).ok().and_then(|at| self.buf.get(self.start + at)).copied().unwrap_or(0)
    }
}

fn write_header(out: &mut Vec<u8>, ndigits: i16, weight: i16, sign: u16, dscale: u16) {
    out.extend_from_slice(&ndigits.to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&dscale.to_be_bytes());
}

/// A fixed buffer for formatting one float without allocating.
#[derive(Default)]
struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
#[path = "numeric_tests.rs"]
mod tests;
