//! Number and hex formatting straight into the output buffer, for the text format and its
//! neighbours (`datetime`, `numeric`). Nothing here allocates.

use std::io::Write as _;

/// Writes `v` in decimal.
pub(super) fn write_u64(out: &mut Vec<u8>, v: u64) {
    write_padded(out, v, 1);
}

pub(super) fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Writes `v` in decimal with at least `width` digits (zero-padded on the left, at most 20).
///
/// The digits are built left-aligned in a fixed array that is appended whole and then cut back:
/// a constant-size copy compiles to two stores, where a variable one is a `memcpy` call.
pub(super) fn write_padded(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let count = v.checked_ilog10().map_or(1, |log| log as usize + 1).max(width).min(20);
    let mut digits = [b'0'; 20];
    for slot in digits[..count].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let len = out.len();
    out.extend_from_slice(&digits);
    out.truncate(len + count);
}

/// Two decimal digits of `v` (below 100).
pub(super) fn two_digits(v: u64) -> [u8; 2] {
    [b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8]
}

/// Writes a float the way PostgreSQL reads it back exactly: shortest round-trip digits,
/// `Infinity`, `-Infinity` and `NaN` spelled out.
pub(super) fn write_f64(out: &mut Vec<u8>, f: f64) {
    if !write_special(out, f) {
        let _ = write!(out, "{f:?}");
    }
}

/// Like [`write_f64`], with the shortest digits that round-trip through `real`.
pub(super) fn write_f32(out: &mut Vec<u8>, f: f32) {
    if !write_special(out, f64::from(f)) {
        let _ = write!(out, "{f:?}");
    }
}

fn write_special(out: &mut Vec<u8>, f: f64) -> bool {
    let text: &[u8] = if f.is_nan() {
        b"NaN"
    } else if f == f64::INFINITY {
        b"Infinity"
    } else if f == f64::NEG_INFINITY {
        b"-Infinity"
    } else {
        return false;
    };
    out.extend_from_slice(text);
    true
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex, two digits per byte.
pub(super) fn write_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
}

/// A UUID in its canonical hyphenated form.
pub(super) fn write_uuid(out: &mut Vec<u8>, uuid: &[u8; 16]) {
    let mut text = [b'-'; 36];
    let mut at = 0;
    for (i, &b) in uuid.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        text[at] = HEX[usize::from(b >> 4)];
        text[at + 1] = HEX[usize::from(b & 15)];
        at += 2;
    }
    out.extend_from_slice(&text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::written as run;

    #[test]
    fn integers() {
        assert_eq!(run(|o| write_i64(o, 0)), "0");
        assert_eq!(run(|o| write_i64(o, i64::MIN)), "-9223372036854775808");
        assert_eq!(run(|o| write_u64(o, u64::MAX)), "18446744073709551615");
        assert_eq!(run(|o| write_padded(o, 7, 4)), "0007");
        assert_eq!(run(|o| write_padded(o, 12345, 4)), "12345");
        assert_eq!(run(|o| write_padded(o, 0, 2)), "00");
    }

    #[test]
    fn floats_read_back_exactly() {
        assert_eq!(run(|o| write_f64(o, f64::NEG_INFINITY)), "-Infinity");
        assert_eq!(run(|o| write_f64(o, f64::NAN)), "NaN");
        assert_eq!(run(|o| write_f64(o, 0.1)), "0.1");
        assert_eq!(run(|o| write_f64(o, 1e300)), "1e300");
        assert_eq!(run(|o| write_f32(o, 0.1)), "0.1");
        for f in [1.0 / 3.0, 5e-324, f64::MAX, -2.5e-8] {
            assert_eq!(run(|o| write_f64(o, f)).parse::<f64>().unwrap(), f);
        }
    }

    #[test]
    fn uuid_is_hyphenated() {
        let uuid: [u8; 16] = core::array::from_fn(|i| (i * 17) as u8);
        assert_eq!(run(|o| write_uuid(o, &uuid)), "00112233-4455-6677-8899-aabbccddeeff");
    }
}
