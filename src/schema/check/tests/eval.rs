//! Evaluating checks on rows, with SQL's three-valued logic.

use super::super::{evaluate_at, parse, passes_at};
use super::{dec, text};
use crate::generate::Value;
use crate::generate::value::MICROS_PER_DAY;

/// 2024-06-15 12:00:00 UTC.
const NOW: i64 = (8932 * MICROS_PER_DAY) + 12 * 3_600_000_000;

/// Whether `check` passes on the row `columns`.
fn run(check: &str, columns: &[(&str, Value)]) -> Option<bool> {
    let expr = parse(check).unwrap_or_else(|e| panic!("{check}: {e}"));
    let lookup = |name: &str| columns.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    passes_at(&expr, &lookup, NOW)
}

fn pass(check: &str, columns: &[(&str, Value)]) {
    assert_eq!(run(check, columns), Some(true), "{check} on {columns:?}");
}

fn fail(check: &str, columns: &[(&str, Value)]) {
    assert_eq!(run(check, columns), Some(false), "{check} on {columns:?}");
}

#[test]
fn in_lists_through_casts() {
    let check =
        "CHECK (((status)::text = ANY ((ARRAY['draft'::character varying, 'published'::character varying])::text[])))";
    pass(check, &[("status", text("draft"))]);
    fail(check, &[("status", text("archived"))]);
    pass(check, &[("status", Value::Null)]);
    pass("CHECK ((k = ANY ('{1,2,3}'::integer[])))", &[("k", Value::Int(2))]);
    fail("CHECK ((e <> ALL (ARRAY[7, 8])))", &[("e", Value::Int(8))]);
    pass("CHECK ((kind = 'X'::bpchar))", &[("kind", text("X"))]);
    pass("CHECK ((upper((gender)::text) = ANY (ARRAY['M'::text, 'F'::text])))", &[("gender", text("f"))]);
    fail("CHECK ((upper((gender)::text) = ANY (ARRAY['M'::text, 'F'::text])))", &[("gender", text("x"))]);
}

#[test]
fn numbers_compare_across_variants() {
    let check = "CHECK ((price > (0)::numeric))";
    pass(check, &[("price", dec(1, 2))]);
    fail(check, &[("price", dec(0, 2))]);
    pass(check, &[("price", Value::Int(3))]);
    pass(check, &[("price", Value::Float(0.5))]);
    fail("CHECK (((rate >= 6.50) AND (rate <= 200.00)))", &[("rate", dec(649, 2))]);
    pass("CHECK (((rate >= 6.50) AND (rate <= 200.00)))", &[("rate", Value::Float(200.0))]);
    fail(
        "CHECK (((confidence >= (0)::double precision) AND (confidence <= (1)::double precision)))",
        &[("confidence", Value::Float(1.01))],
    );
    pass("CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))", &[("VALUE", Value::Int(2000))]);
    fail("CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))", &[("VALUE", Value::Int(1900))]);
    fail(
        "CHECK (((vacationhours >= '-40'::integer) AND (vacationhours <= 240)))",
        &[("vacationhours", Value::Int(-41))],
    );
    pass("CHECK (((h % 2) = 0))", &[("h", Value::Int(4))]);
    fail("CHECK (((h + 1) > 2))", &[("h", Value::Int(1))]);
    pass("CHECK ((a = (b + 1)))", &[("a", Value::Int(3)), ("b", Value::Int(2))]);
}

#[test]
fn text_functions() {
    let check = "CHECK (((length((email)::text) >= 5) AND (length((email)::text) <= 254)))";
    pass(check, &[("email", text("a@b.c"))]);
    fail(check, &[("email", text("a@b"))]);
    fail("CHECK ((char_length(name) > 0))", &[("name", text(""))]);
    fail("CHECK ((btrim(name) <> ''::text))", &[("name", text("   "))]);
    pass("CHECK ((TRIM(BOTH FROM c) <> ''::text))", &[("c", text(" x "))]);
    fail("CHECK ((lower(name) = name))", &[("name", text("Ab"))]);
    pass("CHECK (((vname)::text = upper((vname)::text)))", &[("vname", text("AB"))]);
    pass("CHECK ((octet_length(name) < 3))", &[("name", text("é"))]);
    fail("CHECK ((octet_length(name) < 3))", &[("name", text("éa"))]);
    pass("CHECK ((SUBSTRING(c FROM 1 FOR 2) = 'ab'::text))", &[("c", text("abc"))]);
    pass("CHECK ((POSITION(('a'::text) IN (c)) > 0))", &[("c", text("xa"))]);
    fail("CHECK ((\"left\"(c, 1) = 'a'::text))", &[("c", text("ba"))]);
    pass("CHECK (((l || 'x'::text) <> 'yx'::text))", &[("l", text("z"))]);
    fail("CHECK ((g <> 'it''s'::text))", &[("g", text("it's"))]);
}

#[test]
fn patterns() {
    pass("CHECK (((code)::text ~ '^[A-Z]{3}$'::text))", &[("code", text("ABC"))]);
    fail("CHECK (((code)::text ~ '^[A-Z]{3}$'::text))", &[("code", text("ABCD"))]);
    pass("CHECK ((code2 ~* '^[a-z]+$'::text))", &[("code2", text("AbC"))]);
    fail("CHECK ((code2 !~ '\\s'::text))", &[("code2", text("a b"))]);
    pass("CHECK ((code2 ~~ 'ab%_'::text))", &[("code2", text("abc"))]);
    fail("CHECK ((code2 ~~ 'ab%_'::text))", &[("code2", text("ab"))]);
    fail("CHECK ((code2 !~~ '%x%'::text))", &[("code2", text("axb"))]);
    pass("CHECK ((code2 ~~* 'A%'::text))", &[("code2", text("abc"))]);
    pass("CHECK ((w ~ '^\\d{3}-\\d{4}$'::text))", &[("w", text("555-1234"))]);
    assert_eq!(run("CHECK ((c ~ '(a)\\1'::text))", &[("c", text("aa"))]), None);
}

#[test]
fn dates_times_and_now() {
    pass("CHECK ((birth_date > '1900-01-01'::date))", &[("birth_date", Value::Date(0))]);
    fail("CHECK ((birth_date > '1900-01-01'::date))", &[("birth_date", Value::Date(-36524))]);
    pass(
        "CHECK ((scheduled_at > created_at))",
        &[("scheduled_at", Value::Timestamp(2)), ("created_at", Value::Timestamp(1))],
    );
    fail("CHECK ((ends_at >= starts_at))", &[("ends_at", Value::Timestamp(1)), ("starts_at", Value::Timestamp(2))]);
    pass("CHECK ((ts2 <= now()))", &[("ts2", Value::Timestamp(NOW))]);
    fail("CHECK ((ts2 < CURRENT_TIMESTAMP))", &[("ts2", Value::Timestamp(NOW))]);
    pass("CHECK ((birth_date <= CURRENT_DATE))", &[("birth_date", Value::Date(8932))]);
    fail("CHECK ((birth_date <= CURRENT_DATE))", &[("birth_date", Value::Date(8933))]);
    let adult = "CHECK (((birthdate >= '1930-01-01'::date) AND (birthdate <= (now() - '18 years'::interval))))";
    pass(adult, &[("birthdate", Value::Date(2357))]); // 2006-06-15
    fail(adult, &[("birthdate", Value::Date(2358))]);
    pass("CHECK ((ts2 > '2020-01-01 00:00:00+00'::timestamp with time zone))", &[("ts2", Value::Timestamp(NOW))]);
    fail("CHECK ((ts3 >= '2030-01-01 10:00:00'::timestamp without time zone))", &[("ts3", Value::Timestamp(NOW))]);
    pass("CHECK ((d > (now() - '1 year'::interval)))", &[("d", Value::Date(8700))]);
    pass("CHECK ((EXTRACT(year FROM d) > (2000)::numeric))", &[("d", Value::Date(8932))]);
    fail("CHECK ((date_part('year'::text, d) > (2000)::double precision))", &[("d", Value::Date(10))]);
    pass("CHECK ((m > '1 day'::interval))", &[("m", Value::Interval { months: 0, days: 2, micros: 0 })]);
    pass("CHECK ((n > '08:00:00'::time without time zone))", &[("n", Value::Time(9 * 3_600_000_000))]);
}

#[test]
fn nulls_and_three_valued_logic() {
    let one = "CHECK ((num_nonnulls(a, b) = 1))";
    pass(one, &[("a", Value::Int(1)), ("b", Value::Null)]);
    fail(one, &[("a", Value::Int(1)), ("b", Value::Int(2))]);
    fail(one, &[("a", Value::Null), ("b", Value::Null)]);
    fail("CHECK (((a IS NULL) <> (b IS NULL)))", &[("a", Value::Null), ("b", Value::Null)]);
    pass("CHECK (((c IS NULL) OR (c > 0)))", &[("c", Value::Null)]);
    fail("CHECK (((c IS NULL) OR (c > 0)))", &[("c", Value::Int(0))]);
    pass("CHECK ((c > 0))", &[("c", Value::Null)]);
    fail("CHECK ((i IS TRUE))", &[("i", Value::Null)]);
    pass("CHECK ((NOT j))", &[("j", Value::Bool(false))]);
    pass("CHECK ((y IS DISTINCT FROM 'z'::text))", &[("y", Value::Null)]);
    fail("CHECK ((NOT (a IS DISTINCT FROM b)))", &[("a", Value::Null), ("b", Value::Int(1))]);
    pass("CHECK ((COALESCE(a, b) > 0))", &[("a", Value::Null), ("b", Value::Int(1))]);
    fail("CHECK ((VALUE IS NOT NULL))", &[("VALUE", Value::Null)]);
}

/// `CASE` picks the first `WHEN` that holds; a NULL condition goes on to the next, and a missing
/// `ELSE` is NULL (which passes).
#[test]
fn case_expressions() {
    let by_kind = "CHECK (\nCASE\n    WHEN (kind = 'post'::text) THEN (post_id IS NOT NULL)\n    ELSE (comment_id IS NOT NULL)\nEND)";
    let row = |kind: Value, post: Value, comment: Value| [("kind", kind), ("post_id", post), ("comment_id", comment)];
    pass(by_kind, &row(text("post"), Value::Int(1), Value::Null));
    fail(by_kind, &row(text("post"), Value::Null, Value::Int(1)));
    pass(by_kind, &row(text("other"), Value::Null, Value::Int(1)));
    fail(by_kind, &row(Value::Null, Value::Int(1), Value::Null));
    let operand = "CHECK ((CASE k WHEN 1 THEN x WHEN 2 THEN y END > 0))";
    pass(operand, &[("k", Value::Int(2)), ("x", Value::Int(-1)), ("y", Value::Int(1))]);
    fail(operand, &[("k", Value::Int(1)), ("x", Value::Int(-1)), ("y", Value::Int(1))]);
    pass(operand, &[("k", Value::Int(3)), ("x", Value::Int(-1)), ("y", Value::Int(-1))]);
}

#[test]
fn arrays_and_json() {
    let tags = |n: usize| Value::Array { dims: vec![n as u32], items: vec![text("t"); n] };
    pass("CHECK ((array_length(tags, 1) <= 2))", &[("tags", tags(2))]);
    fail("CHECK ((array_length(tags, 1) <= 2))", &[("tags", tags(3))]);
    pass("CHECK ((array_length(tags, 1) >= 1))", &[("tags", tags(0))]);
    fail("CHECK ((cardinality(tags) >= 1))", &[("tags", tags(0))]);
    pass("CHECK ((tags <> '{}'::text[]))", &[("tags", tags(1))]);
    fail("CHECK ((tags <> ARRAY[]::text[]))", &[("tags", tags(0))]);
    pass("CHECK ((jsonb_typeof(meta) = 'object'::text))", &[("meta", text(r#"{"a": 1}"#))]);
    fail("CHECK ((jsonb_typeof(meta) = 'object'::text))", &[("meta", text("[1]"))]);
}

#[test]
fn unknowns_are_reported_not_guessed() {
    assert_eq!(run("CHECK ((tags @> ARRAY['x'::text]))", &[("tags", text("x"))]), None);
    assert_eq!(run("CHECK ((missing > 0))", &[]), None);
    assert_eq!(run("CHECK ((p ~ similar_to_escape('ab%'::text, 'x'::text, 'y'::text)))", &[("p", text("ab"))]), None);
    assert_eq!(run("CHECK ((p ~ similar_to_escape('ab%'::text)))", &[("p", text("abc"))]), Some(true));
    assert_eq!(run("CHECK ((p ~ similar_to_escape('ab%'::text)))", &[("p", text("xab"))]), Some(false));
    // A deciding operand wins over an unknown one.
    assert_eq!(run("CHECK (((a > 0) AND (tags @> ARRAY['x'::text])))", &[("a", Value::Int(0))]), Some(false));
    assert_eq!(run("CHECK (((a > 0) OR (tags @> ARRAY['x'::text])))", &[("a", Value::Int(1))]), Some(true));
}

#[test]
fn evaluate_distinguishes_true_false_and_null() {
    let expr = parse("CHECK ((c > 0))").expect("parses");
    let row = |v: Value| move |name: &str| (name == "c").then(|| v.clone());
    assert_eq!(evaluate_at(&expr, &row(Value::Int(1)), NOW), Some(true));
    assert_eq!(evaluate_at(&expr, &row(Value::Int(0)), NOW), Some(false));
    assert_eq!(evaluate_at(&expr, &row(Value::Null), NOW), None);
    assert_eq!(passes_at(&expr, &row(Value::Null), NOW), Some(true));
}
