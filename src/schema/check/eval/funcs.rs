//! The functions CHECK constraints call: lengths, case, trimming, null counting, array sizes,
//! `jsonb_typeof`, the clock (`now()`, `CURRENT_DATE`), `COALESCE` and friends, and
//! `similar_to_escape()` (what `SIMILAR TO` is printed as).

use std::cmp::Ordering;

use super::super::ast::Expr;
use super::super::datetime;
use super::super::regex::similar_to_regex;
use super::{Context, Eval, Unknown, ops};
use crate::generate::Value;
use crate::generate::value::MICROS_PER_DAY;

/// Calls the function `name` on `args`.
pub(super) fn call(ctx: &Context<'_>, name: &str, args: &[Expr]) -> Eval {
    match name {
        "num_nulls" | "num_nonnulls" => return count_nulls(ctx, args, name == "num_nulls"),
        "coalesce" => return coalesce(ctx, args),
        _ => {}
    }
    let values = args.iter().map(|arg| ctx.eval(arg)).collect::<Result<Vec<_>, _>>()?;
    if let Some(value) = clock(ctx, name, &values) {
        return value;
    }
    if matches!(name, "greatest" | "least") {
        return extreme(values, name == "greatest");
    }
    if name == "nullif" {
        return nullif(values);
    }
    if values.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    strict(name, &values)
}

/// Functions that return NULL on any NULL argument.
fn strict(name: &str, values: &[Value]) -> Eval {
    match (name, values) {
        ("length" | "char_length" | "character_length", [Value::Text(t)]) => count(t.chars().count()),
        ("length" | "octet_length", [Value::Bytes(b)]) => count(b.len()),
        ("octet_length", [Value::Text(t)]) => count(t.len()),
        ("lower", [Value::Text(t)]) => Ok(Value::Text(t.to_lowercase())),
        ("upper", [Value::Text(t)]) => Ok(Value::Text(t.to_uppercase())),
        ("btrim" | "ltrim" | "rtrim", [Value::Text(t), rest @ ..]) => trim(name, t, rest),
        ("array_length", [Value::Array { dims, items }, Value::Int(dim)]) => array_length(dims, items, *dim),
        ("cardinality", [Value::Array { items, .. }]) => count(items.len()),
        ("jsonb_typeof" | "json_typeof", [Value::Text(t)]) => json_type(t),
        ("abs", [n]) => abs(n),
        ("substring" | "substr", [Value::Text(t), Value::Int(from), rest @ ..]) => substring(t, *from, rest),
        ("left", [Value::Text(t), Value::Int(n)]) => Ok(Value::Text(left(t, *n))),
        ("right", [Value::Text(t), Value::Int(n)]) => Ok(Value::Text(right(t, *n))),
        ("strpos", [Value::Text(t), Value::Text(needle)]) => strpos(t, needle),
        ("extract" | "date_part", [Value::Text(field), moment]) => extract(field, moment, name == "date_part"),
        ("timezone", [Value::Text(zone), Value::Timestamp(t)]) if is_utc(zone) => Ok(Value::Timestamp(*t)),
        ("similar_to_escape", [Value::Text(pattern)]) => Ok(Value::Text(similar_to_regex(pattern, Some('\\')))),
        ("similar_to_escape", [Value::Text(pattern), Value::Text(escape)]) => {
            Ok(Value::Text(similar_to_regex(pattern, escape.chars().next())))
        }
        _ => Err(Unknown),
    }
}

fn count(n: usize) -> Eval {
    i64::try_from(n).map(Value::Int).map_err(|_| Unknown)
}

/// `now()` and friends; `None` when `name` is not a clock function.
fn clock(ctx: &Context<'_>, name: &str, values: &[Value]) -> Option<Eval> {
    let is_clock = matches!(
        name,
        "now"
            | "current_timestamp"
            | "localtimestamp"
            | "transaction_timestamp"
            | "statement_timestamp"
            | "clock_timestamp"
            | "current_date"
            | "current_time"
            | "localtime"
    );
    if !is_clock || !values.is_empty() {
        return None;
    }
    let Some(now) = ctx.now else {
        return Some(Err(Unknown));
    };
    Some(Ok(match name {
        "current_date" => match i32::try_from(now.div_euclid(MICROS_PER_DAY)) {
            Ok(days) => Value::Date(days),
            Err(_) => return Some(Err(Unknown)),
        },
        "current_time" | "localtime" => Value::Time(now.rem_euclid(MICROS_PER_DAY)),
        _ => Value::Timestamp(now),
    }))
}

/// `num_nulls(...)` / `num_nonnulls(...)`: arguments are counted, never NULL themselves.
fn count_nulls(ctx: &Context<'_>, args: &[Expr], nulls: bool) -> Eval {
    let mut n = 0;
    for arg in args {
        if ctx.eval(arg)?.is_null() == nulls {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

/// The first non-NULL argument; later ones are not evaluated.
fn coalesce(ctx: &Context<'_>, args: &[Expr]) -> Eval {
    for arg in args {
        let value = ctx.eval(arg)?;
        if !value.is_null() {
            return Ok(value);
        }
    }
    Ok(Value::Null)
}

fn extreme(values: Vec<Value>, greatest: bool) -> Eval {
    let mut best: Option<Value> = None;
    for value in values.into_iter().filter(|v| !v.is_null()) {
        let better = match &best {
            None => true,
            Some(current) => {
                let order = ops::compare(&value, current)?.ok_or(Unknown)?;
                order == if greatest { Ordering::Greater } else { Ordering::Less }
            }
        };
        if better {
            best = Some(value);
        }
    }
    Ok(best.unwrap_or(Value::Null))
}

fn nullif(values: Vec<Value>) -> Eval {
    let [a, b] = <[Value; 2]>::try_from(values).map_err(|_| Unknown)?;
    if ops::compare(&a, &b)? == Some(Ordering::Equal) { Ok(Value::Null) } else { Ok(a) }
}

fn trim(name: &str, text: &str, rest: &[Value]) -> Eval {
    let set: Vec<char> = match rest {
        [] => vec![' '],
        [Value::Text(chars)] => chars.chars().collect(),
        _ => return Err(Unknown),
    };
    let strip = |c: char| set.contains(&c);
    Ok(Value::Text(
        match name {
            "ltrim" => text.trim_start_matches(strip),
            "rtrim" => text.trim_end_matches(strip),
            _ => text.trim_matches(strip),
        }
        .to_string(),
    ))
}

/// `array_length(a, dim)`: NULL for an empty array or a missing dimension.
fn array_length(dims: &[u32], items: &[Value], dim: i64) -> Eval {
    let length = dim.checked_sub(1).and_then(|i| usize::try_from(i).ok()).and_then(|i| dims.get(i));
    match length {
        Some(&n) if !items.is_empty() && n > 0 => Ok(Value::Int(i64::from(n))),
        _ => Ok(Value::Null),
    }
}

fn json_type(text: &str) -> Eval {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|_| Unknown)?;
    let kind = match json {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    };
    Ok(Value::Text(kind.to_string()))
}

fn abs(value: &Value) -> Eval {
    match value {
        Value::Int(n) => n.checked_abs().map(Value::Int).ok_or(Unknown),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Decimal { digits, scale } => {
            Ok(Value::Decimal { digits: digits.checked_abs().ok_or(Unknown)?, scale: *scale })
        }
        _ => Err(Unknown),
    }
}

/// `substring(text, from[, count])`, 1-based; positions before the start count against `count`.
fn substring(text: &str, from: i64, rest: &[Value]) -> Eval {
    let end = match rest {
        [] => i64::MAX,
        [Value::Int(n)] if *n >= 0 => from.saturating_add(*n),
        _ => return Err(Unknown),
    };
    let start = from.max(1);
    let taken = text.chars().skip(usize::try_from(start - 1).unwrap_or(usize::MAX));
    let len = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
    Ok(Value::Text(taken.take(len).collect()))
}

fn left(text: &str, n: i64) -> String {
    let total = text.chars().count() as i64;
    let keep = if n >= 0 { n.min(total) } else { total.saturating_add(n).max(0) };
    text.chars().take(usize::try_from(keep).unwrap_or(0)).collect()
}

fn right(text: &str, n: i64) -> String {
    let total = text.chars().count() as i64;
    let keep = if n >= 0 { n.min(total) } else { total.saturating_add(n).max(0) };
    text.chars().skip(usize::try_from(total - keep).unwrap_or(0)).collect()
}

fn strpos(text: &str, needle: &str) -> Eval {
    let position = text.find(needle).map_or(0, |byte| text[..byte].chars().count() + 1);
    count(position)
}

/// `EXTRACT(field FROM d)` (numeric) or `date_part('field', d)` (double precision).
fn extract(field: &str, moment: &Value, float: bool) -> Eval {
    let (days, micros) = match moment {
        Value::Date(d) => (*d, 0),
        Value::Timestamp(t) => {
            (i32::try_from(t.div_euclid(MICROS_PER_DAY)).map_err(|_| Unknown)?, t.rem_euclid(MICROS_PER_DAY))
        }
        _ => return Err(Unknown),
    };
    let (year, month, day) = datetime::date_fields(days).ok_or(Unknown)?;
    let n = match field {
        "year" => i64::from(year),
        "month" => i64::from(month),
        "day" => i64::from(day),
        "hour" => micros / 3_600_000_000,
        "minute" => micros / 60_000_000 % 60,
        _ => return Err(Unknown),
    };
    Ok(if float { Value::Float(n as f64) } else { Value::Decimal { digits: i128::from(n), scale: 0 } })
}

fn is_utc(zone: &str) -> bool {
    matches!(zone.to_ascii_uppercase().as_str(), "UTC" | "GMT" | "Z" | "ETC/UTC" | "UCT")
}
