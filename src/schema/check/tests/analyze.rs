//! Restrictions recognised from each shape of check.

use super::*;
use crate::schema::check::{CompareOp, Interval};

#[test]
fn varchar_in_list_through_casts() {
    let got = understood(
        "CHECK (((status)::text = ANY ((ARRAY['draft'::character varying, 'published'::character varying])::text[])))",
    );
    assert_eq!(got, vec![one_of("status", vec![text("draft"), text("published")])]);
}

#[test]
fn text_in_list_and_single_values() {
    assert_eq!(
        understood("CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))"),
        vec![one_of("status", vec![text("a"), text("b")])]
    );
    assert_eq!(understood("CHECK ((kind = 'X'::bpchar))"), vec![one_of("kind", vec![text("X")])]);
    assert_eq!(
        understood("CHECK ((e = ANY (ARRAY[1, 2, 3])))"),
        vec![one_of("e", vec![Value::Int(1), Value::Int(2), Value::Int(3)])]
    );
    assert_eq!(
        understood("CHECK ((k = ANY ('{1,2,3}'::integer[])))"),
        vec![one_of("k", vec![Value::Int(1), Value::Int(2), Value::Int(3)])]
    );
    assert_eq!(understood("CHECK ((l = ANY ('{x,y}'::text[])))"), vec![one_of("l", vec![text("x"), text("y")])]);
    assert_eq!(understood("CHECK ((b = 1))"), vec![one_of("b", vec![Value::Int(1)])]);
}

#[test]
fn or_of_values_is_one_list() {
    assert_eq!(
        understood("CHECK (((c = 'x'::text) OR (c = 'y'::text)))"),
        vec![one_of("c", vec![text("x"), text("y")])]
    );
    assert_eq!(understood("CHECK (((a = 1) OR (a = 2)))"), vec![one_of("a", vec![Value::Int(1), Value::Int(2)])]);
    assert_eq!(
        understood("CHECK (((c = ANY (ARRAY['x'::text, 'y'::text])) OR (c IS NULL)))"),
        vec![nullable(one_of("c", vec![text("x"), text("y")]))]
    );
}

#[test]
fn upper_in_list_keeps_fixed_points() {
    let got = understood("CHECK ((upper((gender)::text) = ANY (ARRAY['M'::text, 'F'::text])))");
    assert_eq!(got, vec![one_of("gender", vec![text("M"), text("F")])]);
    let got = understood("CHECK ((upper(x) = ANY (ARRAY['M'::text, 'f'::text])))");
    assert_eq!(got, vec![one_of("x", vec![text("M")])]);
    let got = understood(
        "CHECK (((persontype IS NULL) OR (upper((persontype)::text) = ANY (ARRAY['SC'::text, 'VC'::text]))))",
    );
    assert_eq!(got, vec![nullable(one_of("persontype", vec![text("SC"), text("VC")]))]);
}

#[test]
fn ranges_merge_and_keep_their_types() {
    assert_eq!(
        understood("CHECK (((rating >= 0) AND (rating <= 5)))"),
        vec![range("rating", incl(Value::Int(0)), incl(Value::Int(5)))]
    );
    assert_eq!(understood("CHECK ((price > (0)::numeric))"), vec![range("price", excl(dec(0, 0)), None)]);
    assert_eq!(understood("CHECK ((rate >= 6.50))"), vec![range("rate", incl(dec(650, 2)), None)]);
    assert_eq!(
        understood("CHECK (((confidence >= (0)::double precision) AND (confidence <= (1)::double precision)))"),
        vec![range("confidence", incl(Value::Float(0.0)), incl(Value::Float(1.0)))]
    );
    assert_eq!(
        understood("CHECK (((vacationhours >= '-40'::integer) AND (vacationhours <= 240)))"),
        vec![range("vacationhours", incl(Value::Int(-40)), incl(Value::Int(240)))]
    );
    assert_eq!(understood("CHECK ((f >= '-1.5'::numeric))"), vec![range("f", incl(dec(-15, 1)), None)]);
    assert_eq!(
        understood("CHECK (((f >= ('-10'::integer)::numeric) AND (f <= 10.5)))"),
        vec![range("f", incl(dec(-10, 0)), incl(dec(105, 1)))]
    );
    assert_eq!(
        understood("CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))"),
        vec![range("VALUE", incl(Value::Int(1901)), incl(Value::Int(2155)))]
    );
}

#[test]
fn the_tighter_bound_wins() {
    let got = understood("CHECK (((a > 0) AND (a >= 0) AND (a < 10) AND (a <= 5)))");
    assert_eq!(got, vec![range("a", excl(Value::Int(0)), incl(Value::Int(5)))]);
    let got = understood("CHECK ((k >= ALL (ARRAY[1, 2])))");
    assert_eq!(got, vec![range("k", incl(Value::Int(2)), None)]);
    let got = understood("CHECK ((k > ANY (ARRAY[3, 1, 2])))");
    assert_eq!(got, vec![range("k", excl(Value::Int(1)), None)]);
}

#[test]
fn negations_flip_comparisons() {
    assert_eq!(understood("CHECK ((NOT (d < 0)))"), vec![range("d", incl(Value::Int(0)), None)]);
    assert_eq!(understood("CHECK ((0 < d))"), vec![range("d", excl(Value::Int(0)), None)]);
    assert_eq!(understood("CHECK ((e <> 3))"), vec![not_equal("e", Value::Int(3))]);
    assert_eq!(
        understood("CHECK ((e <> ALL (ARRAY[7, 8])))"),
        vec![not_equal("e", Value::Int(7)), not_equal("e", Value::Int(8))]
    );
    assert_eq!(
        understood("CHECK ((NOT (e = ANY (ARRAY[7, 8]))))"),
        vec![not_equal("e", Value::Int(7)), not_equal("e", Value::Int(8))]
    );
    assert_eq!(
        understood("CHECK ((NOT ((a > 1) OR (a < -1))))"),
        vec![range("a", incl(Value::Int(-1)), incl(Value::Int(1)))]
    );
}

#[test]
fn dates_and_timestamps() {
    assert_eq!(
        understood("CHECK ((birth_date > '1900-01-01'::date))"),
        vec![range("birth_date", excl(Value::Date(-36524)), None)]
    );
    assert_eq!(
        understood("CHECK ((ts2 > '2020-01-01 00:00:00+00'::timestamp with time zone))"),
        vec![range("ts2", excl(Value::Timestamp(631_152_000_000_000)), None)]
    );
    assert_eq!(
        understood("CHECK ((ts3 >= '2020-01-01 10:00:00'::timestamp without time zone))"),
        vec![range("ts3", incl(Value::Timestamp(631_152_000_000_000 + 36_000_000_000)), None)]
    );
}

#[test]
fn comparisons_with_now() {
    let now = |column: &str, offset: Interval, inclusive: bool| Restriction::NotAfterNow {
        column: column.into(),
        offset,
        inclusive,
        nullable: false,
    };
    assert_eq!(understood("CHECK ((ts2 <= now()))"), vec![now("ts2", Interval::default(), true)]);
    assert_eq!(understood("CHECK ((ts2 < CURRENT_TIMESTAMP))"), vec![now("ts2", Interval::default(), false)]);
    assert_eq!(understood("CHECK ((birth_date <= CURRENT_DATE))"), vec![now("birth_date", Interval::default(), true)]);
    assert_eq!(understood("CHECK ((ts3 < LOCALTIMESTAMP))"), vec![now("ts3", Interval::default(), false)]);
    let got =
        understood("CHECK (((birthdate >= '1930-01-01'::date) AND (birthdate <= (now() - '18 years'::interval))))");
    assert_eq!(
        got,
        vec![
            range("birthdate", incl(Value::Date(-25567)), None),
            now("birthdate", Interval { months: -216, days: 0, micros: 0 }, true),
        ]
    );
    let got = understood("CHECK ((starts_at >= (now() + '1 day'::interval)))");
    assert_eq!(
        got,
        vec![Restriction::NotBeforeNow {
            column: "starts_at".into(),
            offset: Interval { months: 0, days: 1, micros: 0 },
            inclusive: true,
            nullable: false,
        }]
    );
}

#[test]
fn lengths() {
    assert_eq!(
        understood("CHECK (((length((email)::text) >= 5) AND (length((email)::text) <= 254)))"),
        vec![length("email", Some(5), Some(254))]
    );
    assert_eq!(understood("CHECK ((char_length(name) > 0))"), vec![length("name", Some(1), None)]);
    assert_eq!(understood("CHECK ((length(code) = 3))"), vec![length("code", Some(3), Some(3))]);
    assert_eq!(
        understood("CHECK ((octet_length(name) < 100))"),
        vec![Restriction::Length { column: "name".into(), min: None, max: Some(99), bytes: true, nullable: false }]
    );
    assert_eq!(understood("CHECK (((length(c) <= 10) OR (c IS NULL)))"), vec![nullable(length("c", None, Some(10)))]);
}

#[test]
fn blank_and_empty_strings() {
    let blank = Restriction::NotBlank { column: "name".into(), nullable: false };
    assert_eq!(understood("CHECK ((btrim(name) <> ''::text))"), vec![blank.clone()]);
    assert_eq!(understood("CHECK ((TRIM(BOTH FROM name) <> ''::text))"), vec![blank.clone()]);
    assert_eq!(understood("CHECK ((length(btrim(name)) > 0))"), vec![blank]);
    assert_eq!(understood("CHECK (((vname)::text <> ''::text))"), vec![not_equal("vname", text(""))]);
    assert_eq!(understood("CHECK ((name <> ''::text))"), vec![not_equal("name", text(""))]);
    assert_eq!(understood("CHECK (((VALUE)::tsvector <> ''::tsvector))"), vec![not_equal("VALUE", text(""))]);
}

#[test]
fn patterns_and_like() {
    assert_eq!(understood("CHECK (((code)::text ~ '^[A-Z]{3}$'::text))"), vec![pattern("code", "^[A-Z]{3}$", false)]);
    assert_eq!(understood("CHECK ((VALUE ~* '^[^@]+@[^@]+$'::text))"), vec![pattern("VALUE", "^[^@]+@[^@]+$", true)]);
    assert_eq!(understood("CHECK ((code2 ~~ 'ab%_'::text))"), vec![pattern("code2", "^ab.*.$", false)]);
    assert_eq!(understood("CHECK ((code2 ~~* 'A%'::text))"), vec![pattern("code2", "^A.*$", true)]);
    assert_eq!(
        understood("CHECK ((code2 !~ '\\s'::text))"),
        vec![Restriction::NotPattern {
            column: "code2".into(),
            regex: "\\s".into(),
            case_insensitive: false,
            nullable: false,
        }]
    );
    assert_eq!(
        understood("CHECK ((code2 !~~ '%x%'::text))"),
        vec![Restriction::NotPattern {
            column: "code2".into(),
            regex: "^.*x.*$".into(),
            case_insensitive: false,
            nullable: false,
        }]
    );
    let got = understood("CHECK ((lower(c) ~ '^[a-z]+(-[a-z]+)*$'::text))");
    assert_eq!(
        got,
        vec![
            pattern("c", "^[a-z]+(-[a-z]+)*$", false),
            Restriction::Case { column: "c".into(), upper: false, nullable: false }
        ]
    );
}

#[test]
fn two_columns() {
    let compare = |left: &str, op, right: &str| Restriction::Compare {
        left: left.into(),
        op,
        right: right.into(),
        nullable: false,
    };
    assert_eq!(
        understood("CHECK ((scheduled_at > created_at))"),
        vec![compare("scheduled_at", CompareOp::Gt, "created_at")]
    );
    assert_eq!(
        understood("CHECK ((productassemblyid <> componentid))"),
        vec![compare("productassemblyid", CompareOp::Ne, "componentid")]
    );
    assert_eq!(
        understood("CHECK (((enddate >= startdate) OR (enddate IS NULL)))"),
        vec![nullable(compare("enddate", CompareOp::Ge, "startdate"))]
    );
    let got = understood(
        "CHECK (((actualenddate >= actualstartdate) OR (actualenddate IS NULL) OR (actualstartdate IS NULL)))",
    );
    assert_eq!(got, vec![nullable(compare("actualenddate", CompareOp::Ge, "actualstartdate"))]);
}

#[test]
fn null_combinations() {
    let exactly_one = vec![non_nulls(&["a", "b"], 1, 1)];
    assert_eq!(understood("CHECK ((num_nonnulls(a, b) = 1))"), exactly_one);
    assert_eq!(understood("CHECK ((num_nulls(a, b) = 1))"), exactly_one);
    assert_eq!(understood("CHECK (((a IS NULL) <> (b IS NULL)))"), exactly_one);
    assert_eq!(
        understood("CHECK ((((a IS NOT NULL) AND (b IS NULL)) OR ((a IS NULL) AND (b IS NOT NULL))))"),
        exactly_one
    );
    assert_eq!(understood("CHECK (((a IS NOT NULL) OR (b IS NOT NULL)))"), vec![non_nulls(&["a", "b"], 1, 2)]);
    assert_eq!(understood("CHECK ((num_nonnulls(a, b, c) >= 2))"), vec![non_nulls(&["a", "b", "c"], 2, 3)]);
    assert_eq!(understood("CHECK ((num_nulls(a, b) >= 1))"), vec![non_nulls(&["a", "b"], 0, 1)]);
    assert_eq!(understood("CHECK ((VALUE IS NOT NULL))"), vec![not_null("VALUE")]);
    assert_eq!(understood("CHECK (((a IS NOT NULL) AND (b IS NULL)))"), vec![not_null("a"), non_nulls(&["b"], 0, 0)]);
    let got = understood("CHECK (((a IS NULL) OR (b IS NOT NULL)))");
    assert_eq!(
        got,
        vec![Restriction::NullPatterns {
            columns: vec!["a".into(), "b".into()],
            allowed: vec![vec![false, false], vec![false, true], vec![true, true]],
        }]
    );
}

#[test]
fn case_rules() {
    let lower = Restriction::Case { column: "name".into(), upper: false, nullable: false };
    assert_eq!(understood("CHECK ((lower(name) = name))"), vec![lower.clone()]);
    assert_eq!(understood("CHECK ((name = lower(name)))"), vec![lower]);
    assert_eq!(
        understood("CHECK (((vname)::text = upper((vname)::text)))"),
        vec![Restriction::Case { column: "vname".into(), upper: true, nullable: false }]
    );
}

#[test]
fn arrays_and_json() {
    let max = |max| Restriction::MaxCardinality { column: "tags".into(), max, nullable: false };
    assert_eq!(understood("CHECK ((array_length(tags, 1) <= 10))"), vec![max(10)]);
    assert_eq!(understood("CHECK ((cardinality(tags) <= 10))"), vec![max(10)]);
    assert_eq!(understood("CHECK ((cardinality(tags) < 3))"), vec![max(2)]);
    assert_eq!(
        understood("CHECK ((cardinality(tags) > 0))"),
        vec![Restriction::MinCardinality { column: "tags".into(), min: 1, nullable: false }]
    );
    assert_eq!(
        understood("CHECK ((jsonb_typeof(meta) = 'object'::text))"),
        vec![Restriction::JsonType { column: "meta".into(), kind: "object".into(), nullable: false }]
    );
}

#[test]
fn booleans() {
    assert_eq!(understood("CHECK (i)"), vec![one_of("i", vec![Value::Bool(true)])]);
    assert_eq!(understood("CHECK ((NOT j))"), vec![one_of("j", vec![Value::Bool(false)])]);
    assert_eq!(understood("CHECK ((i IS TRUE))"), vec![one_of("i", vec![Value::Bool(true)]), not_null("i")]);
    assert_eq!(understood("CHECK (((h > 1) IS NOT FALSE))"), vec![range("h", excl(Value::Int(1)), None)]);
    assert_eq!(understood("CHECK (((h < 0) IS NOT TRUE))"), vec![range("h", incl(Value::Int(0)), None)]);
    assert_eq!(understood("CHECK ((y IS DISTINCT FROM 'z'::text))"), vec![not_equal("y", text("z"))]);
}

#[test]
fn disjunctions_of_understood_branches() {
    let got = understood("CHECK (((x < 1) OR (x > 5)))");
    assert_eq!(
        got,
        vec![Restriction::AnyOf {
            branches: vec![vec![range("x", None, excl(Value::Int(1)))], vec![range("x", excl(Value::Int(5)), None)]],
        }]
    );
    let got = understood(
        "CHECK ((((productassemblyid IS NULL) AND (bomlevel = 0) AND (perassemblyqty = 1.00)) OR ((productassemblyid IS NOT NULL) AND (bomlevel >= 1))))",
    );
    assert_eq!(
        got,
        vec![Restriction::AnyOf {
            branches: vec![
                vec![
                    non_nulls(&["productassemblyid"], 0, 0),
                    one_of("bomlevel", vec![Value::Int(0)]),
                    one_of("perassemblyqty", vec![dec(100, 2)]),
                ],
                vec![not_null("productassemblyid"), range("bomlevel", incl(Value::Int(1)), None)],
            ],
        }]
    );
}

#[test]
fn null_test_beside_another_column_is_a_choice() {
    let got = understood("CHECK (((a IS NULL) OR (b > 0)))");
    assert_eq!(
        got,
        vec![Restriction::AnyOf {
            branches: vec![vec![non_nulls(&["a"], 0, 0)], vec![range("b", excl(Value::Int(0)), None)]],
        }]
    );
}

#[test]
fn impossible_branches_are_dropped() {
    let got = understood("CHECK ((((x >= 9) AND (x <= 7)) OR ((x >= 7) AND (x <= 9))))");
    assert_eq!(got, vec![range("x", incl(Value::Int(7)), incl(Value::Int(9)))]);
    assert!(!analysis("CHECK (((x > 9) AND (x < 7)) OR ((x > 9) AND (x < 9)))").fully_understood);
    assert!(!analysis("CHECK ((f > 'NaN'::numeric))").fully_understood);
}

#[test]
fn partial_understanding_keeps_the_rest() {
    let got = analysis("CHECK (((a >= 0) AND ((a % 2) = 0) AND (b > 0)))");
    assert!(!got.fully_understood);
    assert_eq!(got.restrictions, vec![range("a", incl(Value::Int(0)), None), range("b", excl(Value::Int(0)), None)]);
    for text in [
        "CHECK (((h % 2) = 0))",
        "CHECK (((h + 1) > 2))",
        "CHECK ((tags @> ARRAY['x'::text]))",
        "CHECK ((p ~ similar_to_escape('ab%'::text, '#'::text, 'x'::text)))",
        "CHECK ((e > (d + 1)))",
        "CHECK (((e)::date > d))",
        "CHECK ((upper(x) <> 'A'::text))",
        "CHECK ((COALESCE(a, b) > 0))",
    ] {
        assert!(!analysis(text).fully_understood, "{text}");
    }
}

/// PostgreSQL writes `(VALUE)::integer` in a domain built on an integer domain: the cast does not
/// change an integer, so its bounds are the column's.
#[test]
fn integer_casts_keep_their_bounds() {
    let got = analysis("CHECK (((VALUE)::integer < 10))");
    assert!(got.fully_understood);
    assert_eq!(got.restrictions, vec![range("VALUE", None, excl(Value::Int(10)))]);
}

#[test]
fn trivial_checks() {
    assert_eq!(understood("CHECK (true)"), vec![]);
    assert_eq!(understood("CHECK ((a > NULL::integer))"), vec![]);
    assert_eq!(understood("CHECK (((a IS NULL) OR (a IS NOT NULL)))"), vec![]);
}

/// A `CASE` of conditions is the disjunction of its branches: the kind that leads to each, and
/// what the branch asks (a branch reached when no `WHEN` holds also allows a NULL kind).
#[test]
fn case_of_conditions_is_a_choice_of_branches() {
    let got = understood(
        "CHECK (\nCASE\n    WHEN (kind = 'post'::app.kind) THEN (post_ref IS NOT NULL)\n    ELSE (comment_ref IS NOT NULL)\nEND)",
    );
    let post = vec![one_of("kind", vec![text("post")]), not_null("kind"), not_null("post_ref")];
    let other = vec![not_equal("kind", text("post")), not_null("comment_ref")];
    assert_eq!(got, vec![Restriction::AnyOf { branches: vec![post, other] }]);
    let got =
        understood("CHECK (CASE kind WHEN 'a'::text THEN (x IS NOT NULL) WHEN 'b'::text THEN (y IS NOT NULL) END)");
    let [Restriction::AnyOf { branches }] = got.as_slice() else { panic!("{got:?}") };
    assert_eq!(branches.len(), 3, "two WHENs and the missing ELSE: {branches:?}");
}

/// Key-like text: `SIMILAR TO` (printed as `~ similar_to_escape(...)`) is a pattern, and "valid
/// characters" (`!~ '[^...]'`) is a pattern of those characters only.
#[test]
fn similar_to_and_valid_characters_are_patterns() {
    assert_eq!(
        understood("CHECK ((ref ~ similar_to_escape('[A-Z]{2}[0-9]{6}'::text)))"),
        vec![pattern("ref", "^([A-Z]{2}[0-9]{6})$", false)]
    );
    assert_eq!(understood("CHECK ((name !~ '[^a-zA-Z0-9_]'::text))"), vec![pattern("name", "^[a-zA-Z0-9_]*$", false)]);
    assert_eq!(understood("CHECK ((code !~* '[^a-z]'::text))"), vec![pattern("code", "^[a-z]*$", true)]);
    let got = understood("CHECK ((name !~ '[^a-z]+x'::text))");
    assert!(matches!(got.as_slice(), [Restriction::NotPattern { .. }]), "{got:?}");
}
