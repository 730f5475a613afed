//! Calls to the schema's own SQL functions, inlined with their arguments put in.

use super::super::{Expr, SqlFunction, inline, parse, restrictions};
use super::*;

fn function(name: &str, params: &[&str], body: &str) -> SqlFunction {
    SqlFunction { name: name.into(), params: params.iter().map(|p| p.to_string()).collect(), body: body.into() }
}

fn inlined(check: &str, functions: &[SqlFunction]) -> Expr {
    inline(parse(check).expect("parses"), functions)
}

#[test]
fn named_and_positional_parameters_take_the_arguments() {
    let slug = function("is_valid_slug", &["s"], " SELECT s ~ '^[a-z0-9]+(-[a-z0-9]+)*$' ");
    let got = inlined("CHECK (app.is_valid_slug(slug))", std::slice::from_ref(&slug));
    assert_eq!(got, parse("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'").expect("parses"));
    let within = function("within", &["", "", ""], "SELECT $1 BETWEEN $2 AND $3;");
    let got = inlined("CHECK (within(rank, 10, 20))", &[within]);
    assert_eq!(restrictions(&got).restrictions, vec![range("rank", incl(Value::Int(10)), incl(Value::Int(20)))]);
    let positive = function("positive", &["n"], "RETURN (n > 0)");
    let got = inlined("CHECK ((positive(weight) AND (weight < 5)))", &[positive]);
    assert_eq!(restrictions(&got).restrictions, vec![range("weight", excl(Value::Int(0)), excl(Value::Int(5)))]);
}

#[test]
fn what_is_not_one_expression_is_left_as_a_call() {
    let call = parse("CHECK (f(a))").expect("parses");
    for body in ["SELECT a FROM t", "BEGIN ATOMIC SELECT 1; END", "", "SELECT '$1' = $1 $$"] {
        assert_eq!(inlined("CHECK (f(a))", &[function("f", &["x"], body)]), call, "{body:?}");
    }
    // Another arity, or another name: not this function.
    assert_eq!(inlined("CHECK (f(a))", &[function("f", &["x", "y"], "SELECT x")]), call);
    assert_eq!(inlined("CHECK (f(a))", &[function("g", &["x"], "SELECT x")]), call);
    // `'$1'` in a string stays text.
    let got = inlined("CHECK (f(a))", &[function("f", &[""], "SELECT $1 <> '$1'")]);
    assert_eq!(got, parse("a <> '$1'").expect("parses"));
}
