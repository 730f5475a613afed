//! Building restrictions from a column (seen through functions) and constants, and merging the
//! bounds of one check: `(rating >= 0) AND (rating <= 5)` is one range.

use std::cmp::Ordering;

use super::leaf::{Wrap, bound, order};
use super::{Analysis, Bound, Restriction};
use crate::generate::Value;
use crate::schema::check::ast::CompareOp;

/// `f(column) op value`, for the functions `f` of `wraps`.
pub(super) fn against_constant(
    column: String,
    wraps: &[Wrap],
    op: CompareOp,
    value: Value,
) -> Option<Vec<Restriction>> {
    if value.is_null() {
        return Some(Vec::new());
    }
    if matches!(value, Value::Float(f) if f.is_nan()) {
        return None;
    }
    let nullable = false;
    let restriction = match (wraps, op) {
        ([], CompareOp::Eq) => Restriction::OneOf { column, values: vec![value], nullable },
        ([], CompareOp::Ne) => Restriction::NotEqual { column, value, nullable },
        ([], _) => {
            let (min, max) = bound(value, op);
            Restriction::Range { column, min, max, nullable }
        }
        ([Wrap::Length { bytes }], _) => length(column, *bytes, op, int(&value)?)?,
        ([Wrap::Length { .. }, Wrap::Btrim], _) | ([Wrap::Btrim], _) => not_blank(column, wraps.len(), op, &value)?,
        ([Wrap::Lower | Wrap::Upper], CompareOp::Eq) => return one_of(column, wraps, vec![value]),
        ([Wrap::ArrayLength], CompareOp::Lt | CompareOp::Le) => {
            let max = int(&value)? - i64::from(op == CompareOp::Lt);
            Restriction::MaxCardinality { column, max: clamp(max.max(0)), nullable }
        }
        ([Wrap::Cardinality], _) => return cardinality(column, op, int(&value)?),
        ([Wrap::JsonTypeof], CompareOp::Eq) => return one_of(column, wraps, vec![value]),
        _ => return None,
    };
    Some(vec![restriction])
}

/// `f(column) IN (values)`.
pub(super) fn one_of(column: String, wraps: &[Wrap], values: Vec<Value>) -> Option<Vec<Restriction>> {
    let nullable = false;
    let restriction = match wraps {
        [] => Restriction::OneOf { column, values, nullable },
        [w @ (Wrap::Lower | Wrap::Upper)] => {
            let upper = *w == Wrap::Upper;
            let fixed = |v: &Value| match v {
                Value::Text(t) => *t == if upper { t.to_uppercase() } else { t.to_lowercase() },
                _ => false,
            };
            Restriction::OneOf { column, values: values.into_iter().filter(fixed).collect(), nullable }
        }
        [Wrap::JsonTypeof] => match values.as_slice() {
            [Value::Text(kind)] => Restriction::JsonType { column, kind: kind.clone(), nullable },
            _ => return None,
        },
        _ => return None,
    };
    Some(vec![restriction])
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        Value::Decimal { digits, scale: 0 } => i64::try_from(*digits).ok(),
        _ => None,
    }
}

fn clamp(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// `length(col) op n`.
fn length(column: String, bytes: bool, op: CompareOp, n: i64) -> Option<Restriction> {
    let (min, max) = match op {
        CompareOp::Gt => (Some(n.saturating_add(1)), None),
        CompareOp::Ge => (Some(n), None),
        CompareOp::Lt => (None, Some(n.saturating_sub(1))),
        CompareOp::Le => (None, Some(n)),
        CompareOp::Eq => (Some(n), Some(n)),
        CompareOp::Ne => return None,
    };
    if max.is_some_and(|m| m < 0) {
        return None;
    }
    let min = min.filter(|&m| m > 0).map(clamp);
    Some(Restriction::Length { column, min, max: max.map(clamp), bytes, nullable: false })
}

/// `btrim(col) <> ''` or `length(btrim(col)) > 0`.
fn not_blank(column: String, depth: usize, op: CompareOp, value: &Value) -> Option<Restriction> {
    let blank = match (depth, op) {
        (1, CompareOp::Ne) => matches!(value, Value::Text(t) if t.is_empty()),
        (2, CompareOp::Gt | CompareOp::Ne) => int(value) == Some(0),
        (2, CompareOp::Ge) => int(value) == Some(1),
        _ => false,
    };
    blank.then_some(Restriction::NotBlank { column, nullable: false })
}

/// `cardinality(col) op n`.
fn cardinality(column: String, op: CompareOp, n: i64) -> Option<Vec<Restriction>> {
    let nullable = false;
    let max =
        |m: i64| (m >= 0).then(|| Restriction::MaxCardinality { column: column.clone(), max: clamp(m), nullable });
    let min = |m: i64| Restriction::MinCardinality { column: column.clone(), min: clamp(m), nullable };
    Some(match op {
        CompareOp::Lt => vec![max(n.saturating_sub(1))?],
        CompareOp::Le => vec![max(n)?],
        CompareOp::Gt => vec![min(n.saturating_add(1))],
        CompareOp::Ge => vec![min(n)],
        CompareOp::Eq => vec![min(n), max(n)?],
        CompareOp::Ne => return None,
    })
}

/// For `col > ANY (values)`: the value that lets the most through (the smallest for `>`).
pub(super) fn loosest(op: CompareOp, values: Vec<Value>) -> Option<Value> {
    let keep = match op {
        CompareOp::Gt | CompareOp::Ge => Ordering::Less,
        CompareOp::Lt | CompareOp::Le => Ordering::Greater,
        _ => return None,
    };
    let mut best: Option<Value> = None;
    for value in values {
        let better = match &best {
            None => true,
            Some(current) => order(&value, current)? == keep,
        };
        if better {
            best = Some(value);
        }
    }
    best
}

/// `c = 'x' OR c = 'y' [OR c IS NULL]`: one list of values.
pub(super) fn union_of_values(branches: &[Analysis], null_columns: &[&str]) -> Option<Vec<Restriction>> {
    let mut column: Option<&str> = None;
    let mut values: Vec<Value> = Vec::new();
    for branch in branches {
        let [Restriction::OneOf { column: c, values: vs, .. }] = branch.restrictions.as_slice() else {
            return None;
        };
        if !branch.fully_understood || column.is_some_and(|seen| seen != c) {
            return None;
        }
        column = Some(c);
        values.extend(vs.iter().filter(|v| !values.contains(v)).cloned().collect::<Vec<_>>());
    }
    let column = column?;
    if null_columns.iter().any(|c| *c != column) {
        return None;
    }
    let nullable = !null_columns.is_empty();
    Some(vec![Restriction::OneOf { column: column.to_string(), values, nullable }])
}

/// Whether a restriction can obviously never hold: a range whose minimum is above its maximum, a
/// length range that is empty, an empty list of values.
pub(super) fn is_unsatisfiable(restriction: &Restriction) -> bool {
    match restriction {
        Restriction::Range { min: Some(lo), max: Some(hi), .. } => match order(&lo.value, &hi.value) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => !(lo.inclusive && hi.inclusive),
            _ => false,
        },
        Restriction::Length { min: Some(lo), max: Some(hi), .. } => lo > hi,
        Restriction::OneOf { values, .. } => values.is_empty(),
        _ => false,
    }
}

/// Merges the ranges, lengths and maximum cardinalities that are about the same column.
pub(super) fn merge(found: Vec<Restriction>) -> Vec<Restriction> {
    let mut out: Vec<Restriction> = Vec::with_capacity(found.len());
    for restriction in found {
        if out.contains(&restriction) {
            continue;
        }
        if !out.iter_mut().any(|existing| absorb(existing, &restriction)) {
            out.push(restriction);
        }
    }
    out
}

/// Folds `new` into `existing` when both bound the same thing; false when they do not.
fn absorb(existing: &mut Restriction, new: &Restriction) -> bool {
    use Restriction::*;
    match (existing, new) {
        (Range { column, min, max, nullable }, Range { column: c, min: m, max: x, nullable: n })
            if column == c && nullable == n =>
        {
            let (Some(lo), Some(hi)) = (tighter(min, m, Ordering::Greater), tighter(max, x, Ordering::Less)) else {
                return false;
            };
            (*min, *max) = (lo, hi);
            true
        }
        (Length { column, min, max, bytes, nullable }, Length { column: c, min: m, max: x, bytes: b, nullable: n })
            if column == c && bytes == b && nullable == n =>
        {
            *min = (*min).max(*m);
            *max = match (*max, *x) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            true
        }
        (MaxCardinality { column, max, nullable }, MaxCardinality { column: c, max: m, nullable: n })
            if column == c && nullable == n =>
        {
            *max = (*max).min(*m);
            true
        }
        _ => false,
    }
}

/// The tighter of two optional bounds (`wins`: `Greater` for minimums); `None` when the values
/// cannot be compared.
fn tighter(a: &Option<Bound>, b: &Option<Bound>, wins: Ordering) -> Option<Option<Bound>> {
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (a, b) => return Some(a.clone().or_else(|| b.clone())),
    };
    Some(Some(match order(&a.value, &b.value)? {
        Ordering::Equal => Bound { value: a.value.clone(), inclusive: a.inclusive && b.inclusive },
        o if o == wins => a.clone(),
        _ => b.clone(),
    }))
}
