//! Operators: comparisons across numeric variants, dates and timestamps, arithmetic, `||`, and
//! pattern matching (`~`, `LIKE`).

use std::cmp::Ordering;

use super::super::ast::{BinaryOp, CompareOp};
use super::super::{datetime, regex};
use super::{Eval, Unknown, cast};
use crate::generate::Value;
use crate::generate::value::MICROS_PER_DAY;

/// `left op right`, NULL in, NULL out.
pub(super) fn binary(op: &BinaryOp, left: Value, right: Value) -> Eval {
    if left.is_null() || right.is_null() {
        return Ok(Value::Null);
    }
    match op {
        BinaryOp::Compare(c) => compare_to(&left, &right, |o| holds(*c, o)),
        BinaryOp::Regex { case_insensitive, negated } => matches(&left, &right, *case_insensitive, *negated, false),
        BinaryOp::Like { case_insensitive, negated } => matches(&left, &right, *case_insensitive, *negated, true),
        BinaryOp::Concat => concat(left, right),
        BinaryOp::Other(_) => Err(Unknown),
        arith => arithmetic(arith, left, right),
    }
}

fn holds(op: CompareOp, order: Ordering) -> bool {
    match op {
        CompareOp::Eq => order == Ordering::Equal,
        CompareOp::Ne => order != Ordering::Equal,
        CompareOp::Lt => order == Ordering::Less,
        CompareOp::Le => order != Ordering::Greater,
        CompareOp::Gt => order == Ordering::Greater,
        CompareOp::Ge => order != Ordering::Less,
    }
}

/// `Bool(test(order))`, or NULL when either side is NULL.
pub(super) fn compare_to(left: &Value, right: &Value, test: impl Fn(Ordering) -> bool) -> Eval {
    Ok(compare(left, right)?.map_or(Value::Null, |o| Value::Bool(test(o))))
}

/// The order of two values; `None` when either is NULL. A text compared with a typed value is
/// read as that type, as PostgreSQL reads an untyped literal.
pub(super) fn compare(left: &Value, right: &Value) -> Result<Option<Ordering>, Unknown> {
    use Value::*;
    Ok(Some(match (left, right) {
        (Null, _) | (_, Null) => return Ok(None),
        (Text(a), Text(b)) => a.cmp(b),
        (Bool(a), Bool(b)) => a.cmp(b),
        (Date(a), Date(b)) => a.cmp(b),
        (Timestamp(a), Timestamp(b)) | (Time(a), Time(b)) => a.cmp(b),
        (Date(d), Timestamp(t)) => day_micros(*d).cmp(&i128::from(*t)),
        (Timestamp(t), Date(d)) => i128::from(*t).cmp(&day_micros(*d)),
        (Uuid(a), Uuid(b)) => a.cmp(b),
        (Bytes(a), Bytes(b)) => a.cmp(b),
        (Interval { .. }, Interval { .. }) => left.interval_micros().cmp(&right.interval_micros()),
        (Array { items: a, .. }, Array { items: b, .. }) => return compare_items(a, b),
        (Text(_), other) => return compare(&coerce_like(left, other)?, right),
        (other, Text(_)) => return compare(left, &coerce_like(right, other)?),
        _ => return compare_numbers(left, right),
    }))
}

fn day_micros(days: i32) -> i128 {
    i128::from(days) * i128::from(MICROS_PER_DAY)
}

fn compare_items(a: &[Value], b: &[Value]) -> Result<Option<Ordering>, Unknown> {
    for (x, y) in a.iter().zip(b) {
        match compare(x, y)? {
            Some(Ordering::Equal) => {}
            other => return Ok(other),
        }
    }
    Ok(Some(a.len().cmp(&b.len())))
}

/// Reads `text` as the type of `like`.
fn coerce_like(text: &Value, like: &Value) -> Eval {
    let ty = match like {
        Value::Int(_) => "bigint",
        Value::Float(_) => "double precision",
        Value::Decimal { .. } => "numeric",
        Value::Bool(_) => "boolean",
        Value::Date(_) => "date",
        Value::Timestamp(_) => "timestamp with time zone",
        Value::Time(_) => "time",
        Value::Interval { .. } => "interval",
        Value::Uuid(_) => "uuid",
        _ => return Err(Unknown),
    };
    cast(text.clone(), ty)
}

/// Numbers in any variant: exactly for integers and decimals, as floats otherwise.
fn compare_numbers(left: &Value, right: &Value) -> Result<Option<Ordering>, Unknown> {
    if let (Some((a, sa)), Some((b, sb))) = (exact(left), exact(right)) {
        let scale = sa.max(sb);
        let a = a.checked_mul(10i128.checked_pow(u32::from(scale - sa)).ok_or(Unknown)?).ok_or(Unknown)?;
        let b = b.checked_mul(10i128.checked_pow(u32::from(scale - sb)).ok_or(Unknown)?).ok_or(Unknown)?;
        return Ok(Some(a.cmp(&b)));
    }
    let (a, b) = (as_f64(left).ok_or(Unknown)?, as_f64(right).ok_or(Unknown)?);
    Ok(Some(a.total_cmp(&b)))
}

/// An integer or decimal as (digits, scale).
pub(super) fn exact(value: &Value) -> Option<(i128, u16)> {
    match value {
        Value::Int(n) => Some((i128::from(*n), 0)),
        Value::Decimal { digits, scale } => Some((*digits, *scale)),
        _ => None,
    }
}

pub(super) fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Int(n) => Some(*n as f64),
        Value::Float(f) => Some(*f),
        Value::Decimal { digits, scale } => Some(*digits as f64 / 10f64.powi(i32::from(*scale))),
        _ => None,
    }
}

pub(super) fn negate(value: Value) -> Eval {
    Ok(match value {
        Value::Null => Value::Null,
        Value::Int(n) => Value::Int(n.checked_neg().ok_or(Unknown)?),
        Value::Float(f) => Value::Float(-f),
        Value::Decimal { digits, scale } => Value::Decimal { digits: digits.checked_neg().ok_or(Unknown)?, scale },
        Value::Interval { months, days, micros } => Value::Interval {
            months: months.checked_neg().ok_or(Unknown)?,
            days: days.checked_neg().ok_or(Unknown)?,
            micros: micros.checked_neg().ok_or(Unknown)?,
        },
        _ => return Err(Unknown),
    })
}

fn concat(left: Value, right: Value) -> Eval {
    match (left, right) {
        (Value::Text(mut a), Value::Text(b)) => {
            a.push_str(&b);
            Ok(Value::Text(a))
        }
        _ => Err(Unknown),
    }
}

/// `~` (`like` false) or `LIKE`.
fn matches(text: &Value, pattern: &Value, ci: bool, negated: bool, like: bool) -> Eval {
    let (Value::Text(text), Value::Text(pattern)) = (text, pattern) else {
        return Err(Unknown);
    };
    let pattern = if like { regex::like_to_regex(pattern) } else { pattern.clone() };
    let node = regex::parse(&pattern).ok_or(Unknown)?;
    Ok(Value::Bool(regex::is_match(&node, text, ci).ok_or(Unknown)? != negated))
}

fn arithmetic(op: &BinaryOp, left: Value, right: Value) -> Eval {
    use Value::*;
    match (&left, &right) {
        (Int(a), Int(b)) => int_arith(op, *a, *b),
        (Date(_) | Timestamp(_) | Interval { .. }, _) | (_, Date(_) | Timestamp(_) | Interval { .. }) => {
            temporal(op, left, right)
        }
        _ => match (exact(&left), exact(&right)) {
            (Some(a), Some(b)) if matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul) => {
                decimal_arith(op, a, b)
            }
            _ => float_arith(op, as_f64(&left).ok_or(Unknown)?, as_f64(&right).ok_or(Unknown)?),
        },
    }
}

fn int_arith(op: &BinaryOp, a: i64, b: i64) -> Eval {
    let result = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => a.checked_div(b),
        BinaryOp::Mod => a.checked_rem(b),
        BinaryOp::Pow => return float_arith(op, a as f64, b as f64),
        _ => None,
    };
    result.map(Value::Int).ok_or(Unknown)
}

fn decimal_arith(op: &BinaryOp, (a, sa): (i128, u16), (b, sb): (i128, u16)) -> Eval {
    let (digits, scale) = if matches!(op, BinaryOp::Mul) {
        (a.checked_mul(b), sa.checked_add(sb).ok_or(Unknown)?)
    } else {
        let scale = sa.max(sb);
        let a = a.checked_mul(10i128.checked_pow(u32::from(scale - sa)).ok_or(Unknown)?).ok_or(Unknown)?;
        let b = b.checked_mul(10i128.checked_pow(u32::from(scale - sb)).ok_or(Unknown)?).ok_or(Unknown)?;
        (if matches!(op, BinaryOp::Add) { a.checked_add(b) } else { a.checked_sub(b) }, scale)
    };
    Ok(Value::Decimal { digits: digits.ok_or(Unknown)?, scale })
}

fn float_arith(op: &BinaryOp, a: f64, b: f64) -> Eval {
    let result = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div if b != 0.0 => a / b,
        BinaryOp::Mod if b != 0.0 => a % b,
        BinaryOp::Pow => a.powf(b),
        _ => return Err(Unknown),
    };
    Ok(Value::Float(result))
}

/// Dates, timestamps and intervals: `ts ± interval`, `date ± int`, `date - date`, `ts - ts`.
fn temporal(op: &BinaryOp, left: Value, right: Value) -> Eval {
    use Value::*;
    let sign = match op {
        BinaryOp::Add => 1,
        BinaryOp::Sub => -1,
        _ => return Err(Unknown),
    };
    if is_infinite(&left) || is_infinite(&right) {
        return Err(Unknown);
    }
    match (left, right) {
        (Date(d), Int(n)) => add_days(d, n.checked_mul(sign).ok_or(Unknown)?),
        (Int(n), Date(d)) if sign == 1 => add_days(d, n),
        (Date(a), Date(b)) if sign == -1 => Ok(Int(i64::from(a) - i64::from(b))),
        (Timestamp(a), Timestamp(b)) if sign == -1 => Ok(micros_interval(a.checked_sub(b).ok_or(Unknown)?)),
        (Date(d), interval @ Interval { .. }) => {
            shift(i64::from(d).checked_mul(MICROS_PER_DAY).ok_or(Unknown)?, &interval, sign)
        }
        (Timestamp(t), interval @ Interval { .. }) => shift(t, &interval, sign),
        (interval @ Interval { .. }, Timestamp(t)) if sign == 1 => shift(t, &interval, 1),
        (Interval { months: m1, days: d1, micros: u1 }, Interval { months: m2, days: d2, micros: u2 }) => {
            let (m2, d2, u2) = if sign == 1 {
                (m2, d2, u2)
            } else {
                (m2.checked_neg().ok_or(Unknown)?, d2.checked_neg().ok_or(Unknown)?, u2.checked_neg().ok_or(Unknown)?)
            };
            let months = m1.checked_add(m2).ok_or(Unknown)?;
            let days = d1.checked_add(d2).ok_or(Unknown)?;
            Ok(Interval { months, days, micros: u1.checked_add(u2).ok_or(Unknown)? })
        }
        _ => Err(Unknown),
    }
}

/// `'infinity'` and `'-infinity'` dates and timestamps: PostgreSQL refuses most arithmetic on them.
fn is_infinite(value: &Value) -> bool {
    matches!(value, Value::Date(i32::MAX | i32::MIN) | Value::Timestamp(i64::MAX | i64::MIN))
}

fn add_days(date: i32, days: i64) -> Eval {
    let sum = i64::from(date).checked_add(days).ok_or(Unknown)?;
    Ok(Value::Date(i32::try_from(sum).map_err(|_| Unknown)?))
}

fn micros_interval(micros: i64) -> Value {
    let days = micros / MICROS_PER_DAY;
    Value::Interval { months: 0, days: i32::try_from(days).unwrap_or(i32::MAX), micros: micros % MICROS_PER_DAY }
}

fn shift(timestamp: i64, interval: &Value, sign: i64) -> Eval {
    let Value::Interval { months, days, micros } = *interval else {
        return Err(Unknown);
    };
    let (months, days, micros) = if sign == 1 {
        (months, days, micros)
    } else {
        (months.checked_neg().ok_or(Unknown)?, days.checked_neg().ok_or(Unknown)?, micros.checked_neg().ok_or(Unknown)?)
    };
    datetime::add_interval(timestamp, months, days, micros).map(Value::Timestamp).ok_or(Unknown)
}
