//! The syntax tree for printed forms, and parse errors.

use super::super::{BinaryOp, CompareOp, Expr, parse};
use crate::generate::Value;

fn col(name: &str) -> Box<Expr> {
    Box::new(Expr::Column(name.into()))
}

fn lit(value: Value) -> Box<Expr> {
    Box::new(Expr::Literal(value))
}

fn cmp(op: CompareOp, left: Box<Expr>, right: Box<Expr>) -> Expr {
    Expr::Binary { op: BinaryOp::Compare(op), left, right }
}

#[test]
fn strips_check_and_not_valid() {
    let expected = cmp(CompareOp::Gt, col("a"), lit(Value::Int(0)));
    assert_eq!(parse("CHECK ((a > 0)) NOT VALID"), Ok(expected.clone()));
    assert_eq!(parse("a > 0"), Ok(expected.clone()));
    assert_eq!(parse("check ((a > 0)) NO INHERIT"), Ok(expected));
}

#[test]
fn casts_keep_their_type_names() {
    let cast = |ty: &str| Expr::Cast { expr: col("c"), ty: ty.into() };
    for (text, ty) in [
        ("(c)::character varying(20)[]", "character varying(20)[]"),
        ("c::double precision", "double precision"),
        ("(c)::timestamp with time zone", "timestamp with time zone"),
        ("(c)::timestamp(3) without time zone", "timestamp(3) without time zone"),
        ("(c)::numeric(5,2)", "numeric(5,2)"),
        ("c::public.\"MyEnum\"", "MyEnum"),
        ("c::bit varying(5)", "bit varying(5)"),
        ("c::\"char\"", "char"),
        ("CAST(c AS integer)", "integer"),
    ] {
        assert_eq!(parse(text), Ok(cast(ty)), "{text}");
    }
}

#[test]
fn precedence() {
    let got = parse("a = 1 OR b = 2 AND NOT c IS NULL").expect("parses");
    let expected = Expr::Or(vec![
        cmp(CompareOp::Eq, col("a"), lit(Value::Int(1))),
        Expr::And(vec![
            cmp(CompareOp::Eq, col("b"), lit(Value::Int(2))),
            Expr::Not(Box::new(Expr::IsNull { expr: col("c"), negated: false })),
        ]),
    ]);
    assert_eq!(got, expected);
    let got = parse("a + 2 * 3 > -b").expect("parses");
    let product = Expr::Binary { op: BinaryOp::Mul, left: lit(Value::Int(2)), right: lit(Value::Int(3)) };
    let sum = Expr::Binary { op: BinaryOp::Add, left: col("a"), right: Box::new(product) };
    assert_eq!(got, cmp(CompareOp::Gt, Box::new(sum), Box::new(Expr::Neg(col("b")))));
}

#[test]
fn identifiers() {
    assert_eq!(
        parse(r#"CHECK (("Weird ""Col""" > 0))"#),
        Ok(cmp(CompareOp::Gt, col("Weird \"Col\""), lit(Value::Int(0))))
    );
    assert_eq!(parse("t.Amount > 0"), Ok(cmp(CompareOp::Gt, col("amount"), lit(Value::Int(0)))));
    assert_eq!(parse("VALUE > 0"), Ok(cmp(CompareOp::Gt, col("VALUE"), lit(Value::Int(0)))));
}

#[test]
fn literals() {
    assert_eq!(parse("'it''s'"), Ok(Expr::Literal(Value::Text("it's".into()))));
    assert_eq!(parse(r"E'a\nb'"), Ok(Expr::Literal(Value::Text("a\nb".into()))));
    assert_eq!(parse("6.50"), Ok(Expr::Literal(Value::Decimal { digits: 650, scale: 2 })));
    assert_eq!(parse("-1.5e3"), Ok(Expr::Literal(Value::Float(-1500.0))));
    assert_eq!(
        parse("99999999999999999999"),
        Ok(Expr::Literal(Value::Decimal { digits: 99_999_999_999_999_999_999, scale: 0 }))
    );
    assert_eq!(parse("NULL"), Ok(Expr::Literal(Value::Null)));
    let date = Expr::Cast { expr: lit(Value::Text("2020-01-01".into())), ty: "date".into() };
    assert_eq!(parse("date '2020-01-01'"), Ok(date));
}

#[test]
fn sql_syntax_functions() {
    let func = |name: &str, args: Vec<Expr>| Expr::Func { name: name.into(), args };
    let one = Expr::Literal(Value::Int(1));
    let two = Expr::Literal(Value::Int(2));
    assert_eq!(parse("SUBSTRING(c FROM 1 FOR 2)"), Ok(func("substring", vec![Expr::Column("c".into()), one, two])));
    let a = Expr::Cast { expr: lit(Value::Text("a".into())), ty: "text".into() };
    assert_eq!(parse("POSITION(('a'::text) IN (c))"), Ok(func("strpos", vec![Expr::Column("c".into()), a])));
    assert_eq!(parse("TRIM(BOTH FROM c)"), Ok(func("btrim", vec![Expr::Column("c".into())])));
    assert_eq!(
        parse("TRIM(LEADING 'x' FROM c)"),
        Ok(func("ltrim", vec![Expr::Column("c".into()), Expr::Literal(Value::Text("x".into()))]))
    );
    assert_eq!(
        parse("EXTRACT(year FROM d)"),
        Ok(func("extract", vec![Expr::Literal(Value::Text("year".into())), Expr::Column("d".into())]))
    );
    assert_eq!(parse("CURRENT_DATE"), Ok(func("current_date", vec![])));
    assert_eq!(parse("CURRENT_TIMESTAMP(3)"), Ok(func("current_timestamp", vec![])));
    assert_eq!(parse("\"left\"(c, 1)"), Ok(func("left", vec![Expr::Column("c".into()), Expr::Literal(Value::Int(1))])));
    assert_eq!(parse("(e AT TIME ZONE 'UTC'::text)").map(|e| matches!(e, Expr::Func { .. })), Ok(true));
}

#[test]
fn membership_and_ranges() {
    let got = parse("x NOT IN (1, 2)").expect("parses");
    assert_eq!(
        got,
        Expr::InList {
            expr: col("x"),
            list: vec![Expr::Literal(Value::Int(1)), Expr::Literal(Value::Int(2))],
            negated: true
        }
    );
    let got = parse("x NOT BETWEEN 1 AND 5 AND y").expect("parses");
    assert_eq!(
        got,
        Expr::And(vec![
            Expr::Between { expr: col("x"), low: lit(Value::Int(1)), high: lit(Value::Int(5)), negated: true },
            Expr::Column("y".into()),
        ])
    );
    let got = parse("x <> ALL (ARRAY[[1, 2], [3, 4]])").expect("parses");
    assert!(matches!(got, Expr::Quantified { all: true, .. }));
    let got = parse("a IS NOT DISTINCT FROM b").expect("parses");
    assert_eq!(got, Expr::IsDistinct { left: col("a"), right: col("b"), negated: true });
    let got = parse("x NOT ILIKE 'a%'").expect("parses");
    assert!(matches!(got, Expr::Binary { op: BinaryOp::Like { case_insensitive: true, negated: true }, .. }));
}

#[test]
fn unsupported_syntax_is_a_clear_error() {
    for text in [
        "x BETWEEN SYMMETRIC 1 AND 2",
        "x LIKE 'a' ESCAPE '!'",
        "ROW(1, 2) = ROW(a, b)",
        "(a, b) = (1, 2)",
        "count(*) > 0",
        "x SIMILAR TO 'a'",
        "EXISTS (SELECT 1)",
    ] {
        assert!(parse(text).is_err(), "{text}");
    }
}

/// `CASE` as PostgreSQL prints it, with and without an operand and `ELSE`.
#[test]
fn case_expressions() {
    let case = "CHECK (\nCASE\n    WHEN (o > 0) THEN true\n    ELSE false\nEND)";
    let got = parse(case).expect("parses");
    let Expr::Case { operand: None, whens, otherwise: Some(otherwise) } = got else { panic!("{got:?}") };
    assert_eq!(whens.len(), 1);
    assert_eq!(*otherwise, Expr::Literal(Value::Bool(false)));
    let got =
        parse("CASE kind WHEN 'a'::text THEN (x IS NOT NULL) WHEN 'b'::text THEN (y IS NOT NULL) END").expect("parses");
    assert!(matches!(got, Expr::Case { operand: Some(_), otherwise: None, ref whens } if whens.len() == 2), "{got:?}");
    assert!(parse("CASE WHEN a THEN 1 ELSE 2 END > 0").is_ok());
}
