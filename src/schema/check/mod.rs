//! CHECK constraint understanding: the texts `pg_get_constraintdef()` prints, parsed, turned into
//! restrictions the generators satisfy by construction, and evaluated on candidate rows.
//!
//! - [`parse`]: `CHECK (((rating >= 0) AND (rating <= 5)))` into an [`Expr`] ([`lexer`],
//!   [`parser`], [`special`], [`types`]);
//! - [`restrictions`]: an [`Expr`] into [`Restriction`]s (`OneOf`, `Range`, `Length`,
//!   `Pattern`, `Compare`, `NonNulls`...) and whether the whole check was understood ([`analyze`]);
//! - [`evaluate`] / [`passes`]: a row checked with SQL's three-valued logic ([`eval`]), to verify
//!   generated rows and to test checks we only partly understand;
//! - [`Pattern`]: strings for `col ~ '^[A-Z]{3}$'` from a small regex subset ([`regex`], [`nfa`],
//!   [`sample`]), compiled once per column;
//! - [`inline`]: calls to the schema's own one-expression SQL functions replaced by their bodies.
//!
//! Everything here is pure: no database access. Domain checks work the same way with the column
//! `VALUE`. The planner (`plan`) reports checks that are not fully understood, with the
//! constraint's text, so the user can override the column in the profile.

mod analyze;
mod ast;
mod datetime;
mod eval;
mod inline;
mod lexer;
mod nfa;
mod parser;
mod pattern;
mod regex;
mod sample;
mod special;
mod types;

#[cfg(test)]
mod tests;

use std::time::{SystemTime, UNIX_EPOCH};

pub use analyze::{Analysis, Bound, Interval, Restriction, restrictions};
pub use ast::{BinaryOp, CompareOp, Expr};
pub use inline::{SqlFunction, inline};
pub use pattern::Pattern;

pub(crate) use datetime::parse_timestamp;

use crate::generate::Value;

/// A CHECK text we could not parse, with the byte offset where parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse CHECK expression: {message} (at byte {offset})")]
pub struct CheckParseError {
    pub message: String,
    pub offset: usize,
}

impl CheckParseError {
    pub(crate) fn new(message: &str, offset: usize) -> Self {
        CheckParseError { message: message.to_string(), offset }
    }
}

/// Parses a constraint definition as `pg_get_constraintdef` prints it (`CHECK ((price > 0))`,
/// optionally followed by `NOT VALID` or `NO INHERIT`), or a bare expression.
pub fn parse(definition: &str) -> Result<Expr, CheckParseError> {
    let body = strip_wrapping(definition);
    let tokens = lexer::tokenize(body)?;
    if tokens.is_empty() {
        return Err(CheckParseError::new("empty expression", 0));
    }
    let mut parser = parser::Parser::new(tokens, body.len());
    let expr = parser.expr(0)?;
    if !parser.at_end() {
        return Err(parser.error("unexpected text after the expression"));
    }
    Ok(expr)
}

/// The expression of a constraint definition as `pg_get_constraintdef` prints it:
/// `CHECK ((price > 0)) NOT VALID` -> `((price > 0))`.
pub fn expression(definition: &str) -> &str {
    strip_wrapping(definition)
}

/// `CHECK (...) NOT VALID` -> `(...)`. Offsets in errors are relative to what remains.
fn strip_wrapping(definition: &str) -> &str {
    let mut text = definition.trim();
    for suffix in [" NOT VALID", " NO INHERIT"] {
        if let Some(rest) = text.strip_suffix(suffix) {
            text = rest.trim_end();
        }
    }
    let upper = text.get(..5).map(str::to_ascii_uppercase);
    if upper.as_deref() == Some("CHECK") && text[5..].trim_start().starts_with('(') {
        text = text[5..].trim_start();
    }
    text
}

/// Parses and analyses a constraint definition in one step.
pub fn analyze(definition: &str) -> Result<Analysis, CheckParseError> {
    parse(definition).map(|expr| restrictions(&expr))
}

/// The check's value on a row: `Some(b)` for true or false; `None` for NULL *or* when the evaluator
/// does not know a column, function or operator ([`passes`] tells them apart). `lookup` returns
/// `None` for an unknown column and `Some(Value::Null)` for NULL. `now()` is the system clock.
pub fn evaluate(expr: &Expr, lookup: &dyn Fn(&str) -> Option<Value>) -> Option<bool> {
    evaluate_at(expr, lookup, system_now())
}

/// [`evaluate`] with `now()` fixed at `now` (microseconds since 2000-01-01 UTC, as in
/// `Value::Timestamp`).
pub fn evaluate_at(expr: &Expr, lookup: &dyn Fn(&str) -> Option<Value>, now: i64) -> Option<bool> {
    eval::evaluate_with(expr, lookup, Some(now)).ok().flatten()
}

/// Whether the row passes the check: `Some(true)` when the expression is true or NULL (SQL's rule
/// for CHECK), `Some(false)` when it is false, `None` when the evaluator does not know.
pub fn passes(expr: &Expr, lookup: &dyn Fn(&str) -> Option<Value>) -> Option<bool> {
    passes_at(expr, lookup, system_now())
}

/// [`passes`] with `now()` fixed at `now` (microseconds since 2000-01-01 UTC).
pub fn passes_at(expr: &Expr, lookup: &dyn Fn(&str) -> Option<Value>, now: i64) -> Option<bool> {
    eval::passes_with(expr, lookup, Some(now))
}

/// The value of an expression on a row (a stored generated column's, from the columns it reads);
/// `None` when the evaluator does not know a column, function or operator. Generation
/// expressions are immutable, so there is no `now()`.
pub fn value_of(expr: &Expr, lookup: &dyn Fn(&str) -> Option<Value>) -> Option<Value> {
    eval::Context { lookup, now: None }.eval(expr).ok()
}

/// Microseconds since 2000-01-01 UTC, from the system clock.
fn system_now() -> i64 {
    const UNIX_TO_2000: i64 = 946_684_800_000_000;
    let since_unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or_default();
    i64::try_from(since_unix).unwrap_or(i64::MAX).saturating_sub(UNIX_TO_2000)
}
