//! Tests of CHECK understanding, on texts exactly as `pg_get_constraintdef()` prints them.
//! `corpus` holds the real schemas' checks; the others come from a scratch PostgreSQL 15
//! database where each shape was declared and printed back.

mod analyze;
mod corpus;
mod eval;
mod inline;
mod parse;
mod regex;
mod robust;

use super::{Analysis, Bound, Restriction, analyze as analyze_text};
use crate::generate::Value;

/// The analysis of `text`, which must parse.
fn analysis(text: &str) -> Analysis {
    match analyze_text(text) {
        Ok(analysis) => analysis,
        Err(error) => panic!("{text}: {error}"),
    }
}

/// The restrictions of `text`, which must be fully understood.
fn understood(text: &str) -> Vec<Restriction> {
    let analysis = analysis(text);
    assert!(analysis.fully_understood, "{text} not fully understood: {analysis:?}");
    analysis.restrictions
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn dec(digits: i128, scale: u16) -> Value {
    Value::Decimal { digits, scale }
}

fn incl(value: Value) -> Option<Bound> {
    Some(Bound { value, inclusive: true })
}

fn excl(value: Value) -> Option<Bound> {
    Some(Bound { value, inclusive: false })
}

fn one_of(column: &str, values: Vec<Value>) -> Restriction {
    Restriction::OneOf { column: column.into(), values, nullable: false }
}

fn range(column: &str, min: Option<Bound>, max: Option<Bound>) -> Restriction {
    Restriction::Range { column: column.into(), min, max, nullable: false }
}

fn length(column: &str, min: Option<u32>, max: Option<u32>) -> Restriction {
    Restriction::Length { column: column.into(), min, max, bytes: false, nullable: false }
}

fn not_equal(column: &str, value: Value) -> Restriction {
    Restriction::NotEqual { column: column.into(), value, nullable: false }
}

fn pattern(column: &str, regex: &str, case_insensitive: bool) -> Restriction {
    Restriction::Pattern { column: column.into(), regex: regex.into(), case_insensitive, nullable: false }
}

fn non_nulls(columns: &[&str], min: usize, max: usize) -> Restriction {
    Restriction::NonNulls { columns: columns.iter().map(|c| c.to_string()).collect(), min, max }
}

fn not_null(column: &str) -> Restriction {
    Restriction::NotNull { column: column.into() }
}

/// `restriction` with `nullable` set.
fn nullable(restriction: Restriction) -> Restriction {
    let mut restriction = restriction;
    restriction.set_nullable();
    restriction
}
