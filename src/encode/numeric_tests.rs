use super::*;

fn binary(num: Num) -> Vec<u8> {
    let mut out = Vec::new();
    num.write_binary(&mut out);
    out
}

fn text(num: Num) -> String {
    let mut out = Vec::new();
    num.write_text(&mut out);
    String::from_utf8(out).unwrap()
}

/// What `numeric_send` writes: header then base-10000 digits.
fn wire(weight: i16, sign: u16, dscale: u16, groups: &[i16]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend((groups.len() as i16).to_be_bytes());
    out.extend(weight.to_be_bytes());
    out.extend(sign.to_be_bytes());
    out.extend(dscale.to_be_bytes());
    for g in groups {
        out.extend(g.to_be_bytes());
    }
    out
}

fn fitted(digits: i128, scale: u16, p: u16, s: u16) -> Result<Num, Misfit> {
    fit(Num::from_decimal(digits, scale), Some(p), Some(s))
}

fn fit(mut num: Num, p: Option<u16>, s: Option<u16>) -> Result<Num, Misfit> {
    num.fit(p, s).map(|()| num)
}

#[test]
fn zero_keeps_its_display_scale() {
    assert_eq!(binary(Num::from_int(0)), wire(0, SIGN_POS, 0, &[]));
    assert_eq!(binary(Num::from_decimal(0, 2)), wire(0, SIGN_POS, 2, &[]));
    assert_eq!(text(Num::from_decimal(0, 2)), "0.00");
    assert_eq!(text(Num::from_decimal(-0, 0)), "0");
    assert_eq!(text(Num::from_f64(-0.0)), "0");
}

#[test]
fn negative_and_fractional() {
    assert_eq!(binary(Num::from_decimal(-125, 1)), wire(0, SIGN_NEG, 1, &[12, 5000]));
    assert_eq!(text(Num::from_decimal(-125, 1)), "-12.5");
    assert_eq!(binary(Num::from_decimal(5, 3)), wire(-1, SIGN_POS, 3, &[50]));
    assert_eq!(text(Num::from_decimal(5, 3)), "0.005");
    assert_eq!(binary(Num::from_decimal(1200, 2)), wire(0, SIGN_POS, 2, &[12]));
    assert_eq!(binary(Num::from_int(10_000)), wire(1, SIGN_POS, 0, &[1]));
}

#[test]
fn wide_values_use_every_group() {
    let num = Num::from_decimal(12_345_678_901_234_567_890_123, 3);
    assert_eq!(text(num), "12345678901234567890.123");
    assert_eq!(binary(num), wire(4, SIGN_POS, 3, &[1234, 5678, 9012, 3456, 7890, 1230]));
    let max = Num::from_decimal(i128::MIN, 0);
    assert_eq!(text(max), i128::MIN.to_string());
}

#[test]
fn rounds_half_away_from_zero_to_the_scale() {
    assert_eq!(text(fitted(12_345, 3, 5, 2).unwrap()), "12.35");
    assert_eq!(text(fitted(-12_345, 3, 5, 2).unwrap()), "-12.35");
    assert_eq!(text(fitted(12_344, 3, 5, 2).unwrap()), "12.34");
    assert_eq!(text(fitted(-4, 3, 5, 2).unwrap()), "0.00");
    assert_eq!(text(fitted(5, 3, 5, 2).unwrap()), "0.01");
    assert_eq!(text(fitted(7, 0, 5, 2).unwrap()), "7.00");
    assert_eq!(binary(fitted(-4, 3, 5, 2).unwrap()), wire(0, SIGN_POS, 2, &[]));
}

#[test]
fn precision_overflow_is_an_error() {
    assert!(fitted(99_999, 2, 5, 2).is_ok());
    assert_eq!(fitted(999_995, 3, 5, 2), Err(Misfit::TooManyDigits));
    assert!(Misfit::TooManyDigits.explain(Some(5), Some(2)).contains("at most 3 digits"));
    assert!(fitted(1_000, 0, 5, 2).is_err());
    // numeric(2, 4): below 0.01 only.
    assert!(fitted(99, 4, 2, 4).is_ok());
    assert!(fitted(1, 2, 2, 4).is_err());
}

#[test]
fn nan_fits_a_constrained_column_but_infinity_does_not() {
    // What the server does: 'NaN'::numeric(5,2) is NaN, 'Infinity'::numeric(5,2) is an error.
    assert_eq!(fit(Num::from_f64(f64::NAN), Some(5), Some(2)), Ok(Num::NaN));
    assert!(fit(Num::from_f64(f64::INFINITY), Some(5), Some(2)).is_err());
    assert_eq!(binary(Num::NaN), wire(0, SIGN_NAN, 0, &[]));
    assert_eq!(binary(Num::from_f64(f64::NEG_INFINITY)), wire(0, SIGN_NINF, 0, &[]));
    assert_eq!(text(Num::from_f64(f64::INFINITY)), "Infinity");
}

#[test]
fn floats_convert_by_shortest_digits() {
    assert_eq!(text(Num::from_f64(0.1)), "0.1");
    assert_eq!(text(Num::from_f64(-1234.5)), "-1234.5");
    assert_eq!(text(Num::from_f64(1e20)), "100000000000000000000");
    assert_eq!(text(Num::from_f64(2.5e-7)), "0.00000025");
    assert_eq!(binary(Num::from_f64(0.1)), wire(-1, SIGN_POS, 1, &[1000]));
    assert_eq!(text(fit(Num::from_f64(2.675), Some(4), Some(2)).unwrap()), "2.68");
    assert!(fit(Num::from_f64(1e308), None, None).is_ok());
}

#[test]
fn money_units() {
    assert_eq!(Num::from_decimal(12_345, 3).to_units(2), Some(1235));
    assert_eq!(Num::from_int(-7).to_units(2), Some(-700));
    assert_eq!(Num::from_f64(0.015).to_units(2), Some(2));
    assert_eq!(Num::from_f64(1e30).to_units(2), None);
    assert_eq!(Num::NaN.to_units(2), None);
}

#[test]
fn wide_and_narrow_grouping_agree() {
    for mag in [1u128, 9_999, 10_000, 123_456_789, 18_446_744_073_709_551] {
        for shift in 0..4u32 {
            let dec = Dec { mag, exp: 0, dscale: 0, negative: false };
            let (mut narrow, mut wide) = ([0; MAX_GROUPS], [0; MAX_GROUPS]);
            let n = groups_u64(mag as u64 * 10u64.pow(shift), &mut narrow);
            assert_eq!(groups_wide(&dec.digits(), shift as usize, &mut wide), n);
            assert_eq!(narrow, wide, "{mag} shifted {shift}");
        }
    }
}

#[test]
fn magnitudes_past_u64() {
    let num = Num::from_decimal(-123_456_789_012_345_678_901_234_567_890, 1);
    assert_eq!(text(num), "-12345678901234567890123456789.0");
    let groups = [1, 2345, 6789, 123, 4567, 8901, 2345, 6789];
    assert_eq!(binary(num), wire(7, SIGN_NEG, 1, &groups));
    assert_eq!(text(fitted(i128::MAX, 30, 12, 3).unwrap()), "170141183.460");
}

proptest::proptest! {
    #[test]
    fn text_matches_plain_decimal_formatting(digits in proptest::num::i64::ANY, scale in 0u16..25) {
        let sign = if digits < 0 { "-" } else { "" };
        let abs = format!("{:0>width$}", digits.unsigned_abs(), width = usize::from(scale) + 1);
        let (int, frac) = abs.split_at(abs.len() - usize::from(scale));
        let expected = if scale == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
        let expected = if digits == 0 { expected.trim_start_matches('-').to_string() } else { expected };
        proptest::prop_assert_eq!(text(Num::from_decimal(i128::from(digits), scale)), expected);
    }

    #[test]
    fn binary_groups_rebuild_the_value(digits in proptest::num::i64::ANY, scale in 0u16..12) {
        let bytes = binary(Num::from_decimal(i128::from(digits), scale));
        let word = |i: usize| i16::from_be_bytes([bytes[2 * i], bytes[2 * i + 1]]);
        let (ndigits, weight) = (word(0) as usize, i32::from(word(1)));
        // Sum of group * 10000^(weight - i), scaled by 10^scale to stay an integer.
        let mut total: i128 = 0;
        for i in 0..ndigits {
            let power = 4 * (weight - i as i32) + i32::from(scale);
            let group = i128::from(word(4 + i));
            total += if power >= 0 { group * 10i128.pow(power as u32) } else { group / 10i128.pow((-power) as u32) };
        }
        proptest::prop_assert_eq!(total, i128::from(digits).abs());
    }
}
