//! Recognising one comparison, membership test or pattern match as restrictions.
//!
//! Each side of a comparison is classified as a column seen through functions
//! ([`Operand::Column`] with its [`Wrap`]s, outermost first: `length(btrim(x))` is
//! `[Length, Btrim]`), a constant folded by the evaluator, or `now()` plus an offset.

use super::{Bound, Interval, Restriction};
use crate::generate::Value;
use crate::schema::check::ast::{BinaryOp, CompareOp, Expr};
use crate::schema::check::eval::{self, Context};
use crate::schema::check::regex::like_to_regex;
use crate::schema::check::types::is_transparent_cast;

/// A function a column is seen through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wrap {
    Length { bytes: bool },
    Lower,
    Upper,
    Btrim,
    ArrayLength,
    Cardinality,
    JsonTypeof,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    Column { name: String, wraps: Vec<Wrap> },
    Constant(Value),
    Now(Interval),
    Other,
}

/// Restrictions for one leaf of the expression (`negated` when under a `NOT`); `None` when not
/// recognised.
pub(super) fn leaf(expr: &Expr, negated: bool) -> Option<Vec<Restriction>> {
    match expr {
        Expr::Binary { op: BinaryOp::Compare(op), left, right } => {
            let op = if negated { op.negated() } else { *op };
            compare(classify(left), op, classify(right))
        }
        Expr::Binary { op: BinaryOp::Regex { case_insensitive, negated: n }, left, right } => {
            let regex = text_constant(right)?;
            pattern(left, regex, *case_insensitive, *n != negated)
        }
        Expr::Binary { op: BinaryOp::Like { case_insensitive, negated: n }, left, right } => {
            let regex = like_to_regex(&text_constant(right)?);
            pattern(left, regex, *case_insensitive, *n != negated)
        }
        Expr::Quantified { op: BinaryOp::Compare(op), all, left, right } => {
            let (op, all) = if negated { (op.negated(), !*all) } else { (*op, *all) };
            let Value::Array { items, .. } = fold(right)? else {
                return None;
            };
            quantified(classify(left), op, all, items)
        }
        Expr::InList { expr, list, negated: n } => {
            let items = list.iter().map(fold).collect::<Option<Vec<_>>>()?;
            let (op, all) = if *n != negated { (CompareOp::Ne, true) } else { (CompareOp::Eq, false) };
            quantified(classify(expr), op, all, items)
        }
        Expr::Between { expr, low, high, negated: n } if !(*n || negated) => {
            let mut out = compare(classify(expr), CompareOp::Ge, classify(low))?;
            out.extend(compare(classify(expr), CompareOp::Le, classify(high))?);
            Some(out)
        }
        Expr::IsBool { expr, value, negated: n } => is_bool(expr, *value, *n != negated),
        Expr::IsDistinct { left, right, negated: n } => distinct(classify(left), classify(right), *n != negated),
        Expr::Literal(Value::Bool(b)) if *b != negated => Some(Vec::new()),
        Expr::Literal(Value::Null) => Some(Vec::new()),
        _ => boolean_column(expr, negated),
    }
}

/// Folds a constant expression (no columns, no clock) to its value.
pub(super) fn fold(expr: &Expr) -> Option<Value> {
    let none = |_: &str| None;
    Context { lookup: &none, now: None }.eval(expr).ok()
}

fn text_constant(expr: &Expr) -> Option<String> {
    match fold(expr)? {
        Value::Text(text) => Some(text),
        _ => None,
    }
}

pub(super) fn classify(expr: &Expr) -> Operand {
    if let Some((name, wraps)) = column_ref(expr) {
        return Operand::Column { name, wraps };
    }
    if let Some(offset) = now_offset(expr) {
        return Operand::Now(offset);
    }
    fold(expr).map_or(Operand::Other, Operand::Constant)
}

/// A column seen through transparent casts and the functions of [`Wrap`].
fn column_ref(expr: &Expr) -> Option<(String, Vec<Wrap>)> {
    let (wrap, inner) = match expr {
        Expr::Column(name) => return Some((name.clone(), Vec::new())),
        Expr::Cast { expr, ty } if is_transparent_cast(ty) => return column_ref(expr),
        Expr::Collate { expr, .. } => return column_ref(expr),
        Expr::Func { name, args } => (wrap_of(name, args)?, args.first()?),
        _ => return None,
    };
    let (name, mut wraps) = column_ref(inner)?;
    wraps.insert(0, wrap);
    Some((name, wraps))
}

fn wrap_of(name: &str, args: &[Expr]) -> Option<Wrap> {
    let one = args.len() == 1;
    Some(match name {
        "length" | "char_length" | "character_length" if one => Wrap::Length { bytes: false },
        "octet_length" if one => Wrap::Length { bytes: true },
        "lower" if one => Wrap::Lower,
        "upper" if one => Wrap::Upper,
        "btrim" if one => Wrap::Btrim,
        "array_length" if args.get(1) == Some(&Expr::Literal(Value::Int(1))) => Wrap::ArrayLength,
        "cardinality" if one => Wrap::Cardinality,
        "jsonb_typeof" | "json_typeof" if one => Wrap::JsonTypeof,
        _ => return None,
    })
}

/// `now()`, `CURRENT_DATE`..., possibly cast, plus or minus a constant interval.
fn now_offset(expr: &Expr) -> Option<Interval> {
    match expr {
        Expr::Func { name, args } if args.is_empty() => matches!(
            name.as_str(),
            "now"
                | "current_timestamp"
                | "localtimestamp"
                | "current_date"
                | "transaction_timestamp"
                | "statement_timestamp"
        )
        .then_some(Interval::default()),
        Expr::Cast { expr, .. } => now_offset(expr),
        Expr::Binary { op: op @ (BinaryOp::Add | BinaryOp::Sub), left, right } => {
            let base = now_offset(left)?;
            let Value::Interval { months, days, micros } = fold(right)? else {
                return None;
            };
            let sign = if *op == BinaryOp::Add { 1 } else { -1 };
            Some(Interval {
                months: base.months.checked_add(months.checked_mul(sign)?)?,
                days: base.days.checked_add(days.checked_mul(sign)?)?,
                micros: base.micros.checked_add(micros.checked_mul(i64::from(sign))?)?,
            })
        }
        _ => None,
    }
}

/// `left op right`, the column first.
fn compare(left: Operand, op: CompareOp, right: Operand) -> Option<Vec<Restriction>> {
    match (left, right) {
        (column @ Operand::Column { .. }, other) => column_vs(column, op, other),
        (other, column @ Operand::Column { .. }) => column_vs(column, op.flipped(), other),
        _ => None,
    }
}

fn column_vs(column: Operand, op: CompareOp, other: Operand) -> Option<Vec<Restriction>> {
    let Operand::Column { name, wraps } = column else {
        return None;
    };
    match other {
        Operand::Constant(value) => super::merge::against_constant(name, &wraps, op, value),
        Operand::Now(offset) if wraps.is_empty() => now_bound(name, op, offset),
        Operand::Column { name: other, wraps: other_wraps } => columns(name, &wraps, op, other, &other_wraps),
        _ => None,
    }
}

fn now_bound(column: String, op: CompareOp, offset: Interval) -> Option<Vec<Restriction>> {
    let (inclusive, nullable) = (matches!(op, CompareOp::Le | CompareOp::Ge), false);
    Some(vec![match op {
        CompareOp::Lt | CompareOp::Le => Restriction::NotAfterNow { column, offset, inclusive, nullable },
        CompareOp::Gt | CompareOp::Ge => Restriction::NotBeforeNow { column, offset, inclusive, nullable },
        _ => return None,
    }])
}

/// Two columns: `a > b`, or `lower(x) = x`.
fn columns(left: String, lw: &[Wrap], op: CompareOp, right: String, rw: &[Wrap]) -> Option<Vec<Restriction>> {
    let nullable = false;
    match (lw, rw) {
        ([], []) if left != right => Some(vec![Restriction::Compare { left, op, right, nullable }]),
        ([w], []) | ([], [w]) if left == right && op == CompareOp::Eq => {
            let upper = match w {
                Wrap::Upper => true,
                Wrap::Lower => false,
                _ => return None,
            };
            Some(vec![Restriction::Case { column: left, upper, nullable }])
        }
        _ => None,
    }
}

/// `col op ANY/ALL (values)`.
fn quantified(left: Operand, op: CompareOp, all: bool, values: Vec<Value>) -> Option<Vec<Restriction>> {
    let Operand::Column { name, wraps } = left else {
        return None;
    };
    let values: Vec<Value> = values.into_iter().filter(|v| !v.is_null()).collect();
    match (op, all) {
        (CompareOp::Eq, false) => super::merge::one_of(name, &wraps, values),
        (_, true) => {
            let parts = values.into_iter().map(|v| super::merge::against_constant(name.clone(), &wraps, op, v));
            parts.collect::<Option<Vec<_>>>().map(|p| p.concat())
        }
        (_, false) => {
            let loosest = super::merge::loosest(op, values)?;
            super::merge::against_constant(name, &wraps, op, loosest)
        }
    }
}

/// `col ~ 're'` / `col !~ 're'` and the `LIKE` forms.
fn pattern(left: &Expr, regex: String, case_insensitive: bool, negated: bool) -> Option<Vec<Restriction>> {
    let Operand::Column { name: column, wraps } = classify(left) else {
        return None;
    };
    let nullable = false;
    if negated {
        if let Some(allowed) = only_characters(&regex).filter(|_| wraps.is_empty()) {
            return Some(vec![Restriction::Pattern { column, regex: allowed, case_insensitive, nullable }]);
        }
        return wraps.is_empty().then(|| vec![Restriction::NotPattern { column, regex, case_insensitive, nullable }]);
    }
    let mut out = vec![Restriction::Pattern { column: column.clone(), regex, case_insensitive, nullable }];
    match wraps.as_slice() {
        [] => {}
        [Wrap::Lower] => out.push(Restriction::Case { column, upper: false, nullable }),
        [Wrap::Upper] => out.push(Restriction::Case { column, upper: true, nullable }),
        _ => return None,
    }
    Some(out)
}

/// "Valid characters": `col !~ '[^a-z0-9_]'` (no character outside the class) is `col ~
/// '^[a-z0-9_]*$'`, which the generators can build values for.
fn only_characters(regex: &str) -> Option<String> {
    let class = regex.strip_prefix("[^")?.strip_suffix(']')?;
    let closes_early = class.char_indices().any(|(at, c)| c == ']' && at > 0 && !class[..at].ends_with('\\'));
    let inside_brackets = class.contains("[:") || class.contains('[');
    (!class.is_empty() && !closes_early && !inside_brackets).then(|| format!("^[{class}]*$"))
}

/// `x IS [NOT] TRUE/FALSE`: on a boolean column, a value (and NOT NULL for `IS TRUE`/`IS FALSE`);
/// on a condition, the condition or its negation.
fn is_bool(expr: &Expr, value: bool, negated: bool) -> Option<Vec<Restriction>> {
    let wanted = value != negated;
    let mut out = match classify(expr) {
        Operand::Column { name, wraps } if wraps.is_empty() => {
            vec![Restriction::OneOf { column: name, values: vec![Value::Bool(wanted)], nullable: false }]
        }
        _ => {
            let analysis = super::restrictions(&if wanted { expr.clone() } else { Expr::Not(expr.clone().boxed()) });
            analysis.fully_understood.then_some(analysis.restrictions)?
        }
    };
    if !negated {
        out.extend(expr.columns().into_iter().map(|column| Restriction::NotNull { column }));
    }
    Some(out)
}

/// `col IS [NOT] DISTINCT FROM constant`.
fn distinct(left: Operand, right: Operand, negated: bool) -> Option<Vec<Restriction>> {
    let (Operand::Column { name, wraps }, Operand::Constant(value)) = (left, right) else {
        return None;
    };
    if !wraps.is_empty() || value.is_null() {
        return None;
    }
    if !negated {
        return Some(vec![Restriction::NotEqual { column: name, value, nullable: false }]);
    }
    Some(vec![
        Restriction::OneOf { column: name.clone(), values: vec![value], nullable: false },
        Restriction::NotNull { column: name },
    ])
}

/// `CHECK (flag)` or `CHECK (NOT flag)` on a boolean column.
fn boolean_column(expr: &Expr, negated: bool) -> Option<Vec<Restriction>> {
    let Operand::Column { name, wraps } = classify(expr) else {
        return None;
    };
    wraps
        .is_empty()
        .then(|| vec![Restriction::OneOf { column: name, values: vec![Value::Bool(!negated)], nullable: false }])
}

/// A bound from a constant and a comparison (`> 0` is `min: 0, exclusive`).
pub(super) fn bound(value: Value, op: CompareOp) -> (Option<Bound>, Option<Bound>) {
    let inclusive = matches!(op, CompareOp::Ge | CompareOp::Le);
    let bound = Some(Bound { value, inclusive });
    match op {
        CompareOp::Gt | CompareOp::Ge => (bound, None),
        _ => (None, bound),
    }
}

/// The evaluator's order of two constants.
pub(super) fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    eval::order(a, b)
}
