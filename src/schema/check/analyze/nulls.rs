//! Rules about which columns may be NULL: `num_nonnulls(a, b) = 1`, `(a IS NULL) <> (b IS NULL)`,
//! `(a IS NOT NULL) OR (b IS NOT NULL)`, `((a IS NOT NULL) AND (b IS NULL)) OR (...)`.
//!
//! Rather than matching each spelling, an expression made only of NULL tests is evaluated on every
//! NULL/non-NULL combination of its columns, and the combinations that pass are described: as a
//! count ([`Restriction::NonNulls`], [`Restriction::NotNull`]) when they are exactly the
//! combinations with between `min` and `max` non-NULL columns, as a list otherwise.

use super::Restriction;
use crate::generate::Value;
use crate::schema::check::ast::{BinaryOp, CompareOp, Expr};
use crate::schema::check::eval::passes_with;

/// Above this many columns the combinations are not enumerated.
const MAX_COLUMNS: usize = 10;

/// The column of `col IS NULL` (through casts).
pub(super) fn is_null_test(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::IsNull { expr, negated: false } => expr.column_name(),
        _ => None,
    }
}

/// The NULL rule `expr` states, if it is made only of NULL tests.
pub(super) fn null_rule(expr: &Expr) -> Option<Vec<Restriction>> {
    if !is_null_shaped(expr) {
        return None;
    }
    let columns = expr.columns();
    if columns.is_empty() || columns.len() > MAX_COLUMNS {
        return None;
    }
    let mut allowed: Vec<u32> = Vec::new();
    for mask in 0..(1u32 << columns.len()) {
        let lookup = |name: &str| {
            let index = columns.iter().position(|c| c == name)?;
            Some(if mask & (1 << index) != 0 { Value::Int(0) } else { Value::Null })
        };
        if passes_with(expr, &lookup, None)? {
            allowed.push(mask);
        }
    }
    Some(describe(columns, &allowed))
}

/// Whether `expr` only tests columns for NULL (and combines such tests).
fn is_null_shaped(expr: &Expr) -> bool {
    match expr {
        Expr::IsNull { expr, .. } => expr.column_name().is_some(),
        Expr::Not(inner) => is_null_shaped(inner),
        Expr::IsBool { expr, .. } => is_null_shaped(expr),
        Expr::And(items) | Expr::Or(items) => items.iter().all(is_null_shaped),
        Expr::Binary { op: BinaryOp::Compare(CompareOp::Eq | CompareOp::Ne), left, right }
            if is_null_shaped(left) && is_null_shaped(right) =>
        {
            true
        }
        Expr::Binary { op: BinaryOp::Compare(_), left, right } => {
            (is_null_count(left) && is_int(right)) || (is_int(left) && is_null_count(right))
        }
        _ => false,
    }
}

fn is_null_count(expr: &Expr) -> bool {
    matches!(expr, Expr::Func { name, args }
        if (name == "num_nulls" || name == "num_nonnulls") && args.iter().all(|a| a.column_name().is_some()))
}

fn is_int(expr: &Expr) -> bool {
    matches!(expr, Expr::Literal(Value::Int(_)))
}

/// Describes the passing combinations (bit `i` of a mask set: column `i` is non-NULL).
fn describe(columns: Vec<String>, allowed: &[u32]) -> Vec<Restriction> {
    let total = 1usize << columns.len();
    if allowed.len() == total {
        return Vec::new();
    }
    let counts = allowed.iter().map(|m| m.count_ones() as usize);
    let (min, max) = (counts.clone().min().unwrap_or(0), counts.max().unwrap_or(0));
    let by_count = (0..total as u32).filter(|m| (min..=max).contains(&(m.count_ones() as usize))).count();
    if by_count == allowed.len() && !allowed.is_empty() {
        if let ([column], 1) = (columns.as_slice(), min) {
            return vec![Restriction::NotNull { column: column.clone() }];
        }
        return vec![Restriction::NonNulls { columns, min, max }];
    }
    let width = columns.len();
    let allowed = allowed.iter().map(|m| (0..width).map(|i| m & (1 << i) != 0).collect()).collect();
    vec![Restriction::NullPatterns { columns, allowed }]
}
