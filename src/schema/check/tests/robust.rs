//! No input makes the module panic: truncated texts are errors, garbage is an error or a harmless
//! expression, and analysis, evaluation and sampling cope with whatever parses.

use super::super::sample::sample_matching;
use super::super::{parse, passes_at, restrictions};
use super::corpus::CORPUS;
use crate::generate::Value;

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Parses, and if that works analyses and evaluates on a row of NULLs and a row of zeros.
fn exercise(text: &str) {
    let Ok(expr) = parse(text) else { return };
    let _ = restrictions(&expr);
    let values = [
        Value::Null,
        Value::Int(0),
        Value::Text("0".into()),
        Value::Date(i32::MAX),
        Value::Timestamp(-1),
        Value::Decimal { digits: -1, scale: 40 },
        Value::Float(f64::NAN),
        Value::Interval { months: i32::MIN, days: 0, micros: 0 },
        Value::Array { dims: vec![2], items: vec![Value::Null, Value::Int(1)] },
    ];
    for value in values {
        let lookup = |_: &str| Some(value.clone());
        let _ = passes_at(&expr, &lookup, 0);
    }
}

#[test]
fn truncated_corpus_texts_are_errors() {
    for (_, text) in CORPUS {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for &(end, _) in chars.iter().skip("CHECK (".len()) {
            let prefix = &text[..end];
            assert!(parse(prefix).is_err(), "prefix parsed: {prefix}");
            exercise(prefix);
        }
    }
}

#[test]
fn garbage_is_an_error() {
    for text in [
        "",
        "CHECK",
        "CHECK (",
        "CHECK ()",
        "((((",
        "))))",
        "'",
        "\"",
        "E'\\",
        "::",
        "a::",
        "a = ANY (",
        "ARRAY[1,",
        "a IS",
        "a IS NOT",
        "a BETWEEN 1",
        "a BETWEEN 1 AND",
        "NOT",
        "-",
        "a +",
        "f(",
        "f(a,",
        "a IN (",
        "x ~",
        "CAST(a AS",
        "EXTRACT(year",
        "SUBSTRING(a FROM",
        "TRIM(",
        "a COLLATE",
        "a AT TIME",
        "a.b.",
        "1 2",
        "a b",
        "CHECK ((a > 0)) junk",
        "\u{0}",
        "a ; DROP TABLE x",
        "$1 > 0",
        "a::numeric(",
        "a::numeric(5,",
        "a[1]",
        "CASE WHEN a THEN b",
        "CASE END",
        "CASE a WHEN",
        "(a,",
        "AND",
        "a AND",
        "a OR OR b",
        "ARRAY(SELECT 1)",
    ] {
        assert!(parse(text).is_err(), "parsed: {text:?}");
        exercise(text);
    }
}

#[test]
fn mutated_corpus_texts_never_panic() {
    let mut rng = Lcg(42);
    let alphabet: Vec<char> = "()[],.:;'\"=<>!~*+-/%^|&@#? aZ09_ \\E\u{e9}".chars().collect();
    for round in 0..4000 {
        let (_, base) = CORPUS[round % CORPUS.len()];
        let mut chars: Vec<char> = base.chars().collect();
        for _ in 0..=rng.next(4) {
            let at = rng.next(chars.len() + 1);
            match rng.next(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 => chars.insert(at, alphabet[rng.next(alphabet.len())]),
                _ => chars.truncate(at),
            }
        }
        exercise(&chars.into_iter().collect::<String>());
    }
}

#[test]
fn token_soup_never_panics() {
    let mut rng = Lcg(7);
    let tokens = [
        "(",
        ")",
        "a",
        "VALUE",
        "'x'",
        "1",
        "1.5",
        "-",
        "::",
        "text",
        "integer[]",
        "=",
        "<>",
        "AND",
        "OR",
        "NOT",
        "IS",
        "NULL",
        "TRUE",
        "ANY",
        "ALL",
        "ARRAY[",
        "]",
        ",",
        "IN",
        "BETWEEN",
        "~",
        "~~*",
        "||",
        "now()",
        "length(",
        "num_nonnulls(",
        "'{1,2}'",
        "'2020-01-01'",
        "date",
        "interval",
        "'1 day'",
        "*",
        "/",
        "%",
    ];
    for _ in 0..20_000 {
        let len = 1 + rng.next(12);
        let text: Vec<&str> = (0..len).map(|_| tokens[rng.next(tokens.len())]).collect();
        exercise(&text.join(" "));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(parse(&deep).is_err());
    let nots = format!("{}a", "NOT ".repeat(100_000));
    assert!(parse(&nots).is_err());
    let negs = format!("{}a", "- ".repeat(100_000));
    assert!(parse(&negs).is_err());
}

#[test]
fn sampling_garbage_patterns_never_panics() {
    let mut rng = Lcg(3);
    let pieces = ["[", "]", "^", "$", "(", ")", "|", "*", "+", "?", "{2}", "{1,3}", "a", "\\d", "[^a]", ".", "{", "\\"];
    for _ in 0..5000 {
        let len = 1 + rng.next(8);
        let pattern: String = (0..len).map(|_| pieces[rng.next(pieces.len())]).collect();
        let mut pick = |n: u32| u32::try_from(rng.next(n as usize)).unwrap_or(0);
        let _ = sample_matching(&pattern, &mut pick);
    }
}

#[test]
fn extreme_values_do_not_overflow() {
    for text in [
        "CHECK ((d > (now() - '100000000 years'::interval)))",
        "CHECK ((d + 2147483647) > d)",
        "CHECK ((a * 9223372036854775807) > 1)",
        "CHECK (('-9223372036854775808'::bigint - 1) < a)",
        "CHECK ((d > 'infinity'::date))",
        "CHECK ((d > '-infinity'::timestamp with time zone))",
        "CHECK ((m > '99999999999 years'::interval))",
        "CHECK ((array_length(tags, -9223372036854775808) > 0))",
        "CHECK ((SUBSTRING(c FROM -9223372036854775808 FOR 9223372036854775807) = 'a'::text))",
        "CHECK ((x > 99999999999999999999999999999999999999999999999999.5))",
        "CHECK ((\"left\"(c, '-9223372036854775808'::bigint) = \"right\"(c, '-9223372036854775808'::bigint)))",
        "CHECK ((abs(a) > (- '-9223372036854775808'::bigint)))",
        "CHECK (((a % 0) = 0) OR ((a / 0) = 1) OR ((f / (0)::double precision) > (1)::double precision))",
    ] {
        exercise(text);
        let expr = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let extremes = [
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Date(i32::MAX),
            Value::Timestamp(i64::MIN),
            Value::Date(i32::MIN),
            Value::Text("abc".into()),
            Value::Decimal { digits: i128::MIN, scale: u16::MAX },
        ];
        for value in extremes {
            let lookup = |_: &str| Some(value.clone());
            let _ = passes_at(&expr, &lookup, i64::MAX);
        }
    }
}
