//! Values that identify a row and read like it: slugs made from the row's own name or title, and
//! codes that look like codes (`INV-00042`, or `K7QZ` where only four characters fit).
//!
//! The planner (`plan::columns::identity` and `plan::columns::fit`) decides which columns get
//! these; here is only how one value is written, into the row's reused `String`. A slug reads a
//! column generated earlier in the same row (the table's generation order puts its source first),
//! so it stays a pure function of the row index.

use std::fmt::Write;

use super::rng::RowRng;
use super::text;
use super::value::Value;

/// `name = "Lemke & Sons"` -> `lemke-sons`: lowercase ASCII letters and digits, runs of anything
/// else become one `-`, never at either end. A unique slug ends in `-` and its index (`-7`)
/// unless the name already does (a unique name ends in its index, which slugifies to the same
/// suffix): either way it ends in `-` and the index, so distinct indexes give distinct slugs. With
/// no name to read (NULL, or no letter in it) the slug is made of filler words.
pub fn write_slug(source: &Value, rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    slugify(source.as_text().unwrap_or_default(), out);
    if out.is_empty() {
        text::TextKind::Slug.write(rng, unique, out);
        return;
    }
    if let Some(k) = unique {
        let len = out.len();
        let _ = write!(out, "-{}", k + 1);
        let suffix = len..out.len();
        if len > suffix.len() && out[..len].ends_with(&out[suffix.clone()]) {
            out.truncate(len);
        }
    }
}

fn slugify(source: &str, out: &mut String) {
    let mut gap = false;
    for c in source.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
}

/// Digits a code's number takes at least (`INV-00042`).
pub const CODE_DIGITS: usize = 5;

/// `INV-00042`: the prefix and a number, the index + 1 for a unique column (so distinct indexes
/// give distinct codes), else a random one.
pub fn write_code(prefix: &str, rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    let number = unique.map_or_else(|| rng.below(100_000), |k| k + 1);
    let _ = write!(out, "{prefix}-{number:0width$}", width = CODE_DIGITS);
}

/// Capitals and digits a short code is made of (no `0`/`O` or `1`/`I` to mistake for each other).
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// The fewest characters a short code takes: 32^4, about a million, distinct codes.
pub const SHORT_CODE_MIN: u32 = 4;

/// `K7QZ`: a code too short for a prefix and a number, `len` capitals and digits: the index in
/// base 32 for a unique column (distinct for the first 32^`len` indexes), else random ones.
pub fn write_short_code(len: u32, rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    let mut digits = unique.unwrap_or_else(|| rng.next_word());
    for _ in 0..len {
        out.push(char::from(CODE_ALPHABET[(digits % 32) as usize]));
        digits /= 32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::StreamKey;

    fn slug(source: &str, unique: Option<u64>) -> String {
        let mut out = String::new();
        write_slug(&Value::Text(source.into()), &mut RowRng::at(StreamKey(1), 0), unique, &mut out);
        out
    }

    #[test]
    fn slugs_come_from_the_source_text() {
        assert_eq!(slug("Lemke & Sons", None), "lemke-sons");
        assert_eq!(slug("  Falcon Redesign!", None), "falcon-redesign");
        assert_eq!(slug("Crème brûlée", None), "cr-me-br-l-e");
        assert_eq!(slug("Lemke LLC", Some(2)), "lemke-llc-3");
    }

    #[test]
    fn a_unique_source_s_index_is_not_repeated() {
        assert_eq!(slug("Lemke LLC 3", Some(2)), "lemke-llc-3");
        assert_eq!(slug("Lemke LLC 13", Some(2)), "lemke-llc-13-3");
    }

    #[test]
    fn unique_slugs_stay_distinct_whatever_the_names() {
        let names = ["Ada Lee", "Ada Lee 2", "Ada-Lee", "ada lee 12", "", "!!"];
        let mut seen = std::collections::HashSet::new();
        for k in 0..600u64 {
            let name = names[(k % names.len() as u64) as usize];
            assert!(seen.insert(slug(name, Some(k))), "{name} {k}");
        }
    }

    #[test]
    fn without_a_name_a_slug_is_still_made() {
        let mut out = String::new();
        write_slug(&Value::Null, &mut RowRng::at(StreamKey(1), 0), None, &mut out);
        assert!(!out.is_empty() && out.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{out}");
    }

    #[test]
    fn codes_hold_a_prefix_and_a_padded_number() {
        let mut out = String::new();
        write_code("INV", &mut RowRng::at(StreamKey(1), 0), Some(41), &mut out);
        assert_eq!(out, "INV-00042");
    }

    #[test]
    fn short_codes_are_capitals_and_digits_distinct_by_index() {
        let mut seen = std::collections::HashSet::new();
        for k in 0..5000u64 {
            let mut out = String::new();
            write_short_code(4, &mut RowRng::at(StreamKey(1), k), Some(k), &mut out);
            assert!(out.len() == 4 && out.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{out}");
            assert!(seen.insert(out), "{k}");
        }
        let mut random = String::new();
        write_short_code(6, &mut RowRng::at(StreamKey(1), 3), None, &mut random);
        assert!(random.len() == 6 && !random.contains(' '), "{random}");
    }
}
