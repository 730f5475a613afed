//! `value::type`: reading literal texts as dates, numbers, arrays (`'{1,2}'::integer[]`), and
//! converting between numeric variants. Casts to types we do not interpret (enums, `tsvector`,
//! `inet`) keep the value as it is.

use super::super::datetime;
use super::super::types::{TypeFamily, element_type, family};
use super::{Eval, Unknown};
use crate::generate::Value;
use crate::generate::value::MICROS_PER_DAY;

/// Casts `value` to the type named `ty` (as printed: `character varying(20)[]`).
pub(crate) fn cast(value: Value, ty: &str) -> Eval {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let (element, is_array) = element_type(ty);
    if !is_array {
        return cast_scalar(value, family(element));
    }
    let items = match value {
        Value::Text(text) => parse_array(&text).ok_or(Unknown)?,
        Value::Array { items, .. } => items,
        _ => return Err(Unknown),
    };
    let family = family(element);
    let items = items.into_iter().map(|item| cast_scalar(item, family)).collect::<Result<Vec<_>, _>>()?;
    let len = u32::try_from(items.len()).map_err(|_| Unknown)?;
    Ok(Value::Array { dims: vec![len], items })
}

fn cast_scalar(value: Value, family: TypeFamily) -> Eval {
    if value.is_null() {
        return Ok(Value::Null);
    }
    match family {
        TypeFamily::Text | TypeFamily::Json => to_text(value),
        TypeFamily::BlankPadded => match to_text(value)? {
            Value::Text(text) => Ok(Value::Text(text.trim_end_matches(' ').to_string())),
            other => Ok(other),
        },
        TypeFamily::Int => to_int(value),
        TypeFamily::Numeric => to_numeric(value),
        TypeFamily::Float => to_float(value),
        TypeFamily::Bool => to_bool(value),
        TypeFamily::Date => to_date(value),
        TypeFamily::Timestamp | TypeFamily::TimestampTz => to_timestamp(value, family == TypeFamily::TimestampTz),
        TypeFamily::Time => to_time(value),
        TypeFamily::Interval => match value {
            Value::Text(text) => datetime::parse_interval(&text).ok_or(Unknown),
            interval @ Value::Interval { .. } => Ok(interval),
            _ => Err(Unknown),
        },
        TypeFamily::Uuid => to_uuid(value),
        TypeFamily::Opaque => Ok(value),
    }
}

fn to_text(value: Value) -> Eval {
    Ok(Value::Text(match value {
        Value::Text(text) => return Ok(Value::Text(text)),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => (if b { "true" } else { "false" }).to_string(),
        Value::Decimal { digits, scale } => decimal_text(digits, scale),
        _ => return Err(Unknown),
    }))
}

fn decimal_text(digits: i128, scale: u16) -> String {
    let sign = if digits < 0 { "-" } else { "" };
    let text = format!("{:0>width$}", digits.unsigned_abs(), width = usize::from(scale) + 1);
    let (whole, fraction) = text.split_at(text.len() - usize::from(scale));
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

fn to_int(value: Value) -> Eval {
    match value {
        Value::Int(n) => Ok(Value::Int(n)),
        Value::Text(text) => text.trim().parse().map(Value::Int).map_err(|_| Unknown),
        Value::Bool(b) => Ok(Value::Int(i64::from(b))),
        Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(Value::Int(f.round() as i64)),
        Value::Decimal { digits, scale } => {
            let divisor = 10i128.checked_pow(u32::from(scale)).ok_or(Unknown)?;
            let half = if digits < 0 { -divisor / 2 } else { divisor / 2 };
            let rounded = digits.checked_add(half).ok_or(Unknown)? / divisor;
            i64::try_from(rounded).map(Value::Int).map_err(|_| Unknown)
        }
        _ => Err(Unknown),
    }
}

fn to_numeric(value: Value) -> Eval {
    match value {
        Value::Int(n) => Ok(Value::Decimal { digits: i128::from(n), scale: 0 }),
        decimal @ Value::Decimal { .. } => Ok(decimal),
        Value::Text(text) => datetime::parse_decimal(&text).or_else(|| special_float(&text)).ok_or(Unknown),
        Value::Float(f) if f.is_finite() => datetime::parse_decimal(&format!("{f}")).ok_or(Unknown),
        Value::Float(f) => Ok(Value::Float(f)),
        _ => Err(Unknown),
    }
}

fn special_float(text: &str) -> Option<Value> {
    match text.trim().to_ascii_lowercase().as_str() {
        "nan" => Some(Value::Float(f64::NAN)),
        "infinity" | "inf" => Some(Value::Float(f64::INFINITY)),
        "-infinity" | "-inf" => Some(Value::Float(f64::NEG_INFINITY)),
        _ => None,
    }
}

fn to_float(value: Value) -> Eval {
    match value {
        Value::Text(text) => text.trim().parse().map(Value::Float).or_else(|_| special_float(&text).ok_or(Unknown)),
        other => super::ops::as_f64(&other).map(Value::Float).ok_or(Unknown),
    }
}

fn to_bool(value: Value) -> Eval {
    match value {
        Value::Bool(b) => Ok(Value::Bool(b)),
        Value::Int(n) => Ok(Value::Bool(n != 0)),
        Value::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => Ok(Value::Bool(true)),
            "f" | "false" | "n" | "no" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(Unknown),
        },
        _ => Err(Unknown),
    }
}

fn to_date(value: Value) -> Eval {
    match value {
        Value::Date(d) => Ok(Value::Date(d)),
        Value::Text(text) => datetime::parse_date(&text).map(Value::Date).ok_or(Unknown),
        Value::Timestamp(t) => i32::try_from(t.div_euclid(MICROS_PER_DAY)).map(Value::Date).map_err(|_| Unknown),
        _ => Err(Unknown),
    }
}

fn to_timestamp(value: Value, with_zone: bool) -> Eval {
    match value {
        Value::Timestamp(t) => Ok(Value::Timestamp(t)),
        Value::Text(text) => datetime::parse_timestamp(&text, with_zone).map(Value::Timestamp).ok_or(Unknown),
        Value::Date(d) => i64::from(d).checked_mul(MICROS_PER_DAY).map(Value::Timestamp).ok_or(Unknown),
        _ => Err(Unknown),
    }
}

fn to_time(value: Value) -> Eval {
    match value {
        Value::Time(t) => Ok(Value::Time(t)),
        Value::Text(text) => datetime::parse_time(&text).map(Value::Time).ok_or(Unknown),
        Value::Timestamp(t) => Ok(Value::Time(t.rem_euclid(MICROS_PER_DAY))),
        _ => Err(Unknown),
    }
}

fn to_uuid(value: Value) -> Eval {
    match value {
        Value::Uuid(u) => Ok(Value::Uuid(u)),
        Value::Text(text) => {
            let hex: String = text.trim().trim_matches(['{', '}']).chars().filter(|c| *c != '-').collect();
            if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(Unknown);
            }
            let mut bytes = [0u8; 16];
            for (i, byte) in bytes.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| Unknown)?;
            }
            Ok(Value::Uuid(bytes))
        }
        _ => Err(Unknown),
    }
}

/// A one-dimensional array literal: `{a,b,"c d",NULL}` -> texts (NULL as `Value::Null`).
fn parse_array(text: &str) -> Option<Vec<Value>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut items = Vec::new();
    let mut chars = inner.chars().peekable();
    while chars.peek().is_some() {
        items.push(array_item(&mut chars)?);
        match chars.next() {
            Some(',') | None => {}
            Some(_) => return None,
        }
    }
    Some(items)
}

fn array_item(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<Value> {
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    if chars.next_if_eq(&'"').is_some() {
        let mut out = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => out.push(chars.next()?),
                c => out.push(c),
            }
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        return Some(Value::Text(out));
    }
    let mut out = String::new();
    while let Some(c) = chars.next_if(|&c| c != ',') {
        if c == '{' || c == '"' {
            return None;
        }
        out.push(c);
    }
    let out = out.trim();
    Some(if out.eq_ignore_ascii_case("NULL") { Value::Null } else { Value::Text(out.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_literals() {
        assert_eq!(cast(Value::Text("1900-01-01".into()), "date"), Ok(Value::Date(-36524)));
        assert_eq!(cast(Value::Int(0), "numeric"), Ok(Value::Decimal { digits: 0, scale: 0 }));
        assert_eq!(cast(Value::Int(0), "double precision"), Ok(Value::Float(0.0)));
        assert_eq!(cast(Value::Text("-40".into()), "integer"), Ok(Value::Int(-40)));
        assert_eq!(cast(Value::Text("X".into()), "bpchar"), Ok(Value::Text("X".into())));
        assert_eq!(cast(Value::Text("b".into()), "mood"), Ok(Value::Text("b".into())));
        assert_eq!(
            cast(Value::Text("{1,2,3}".into()), "integer[]"),
            Ok(Value::Array { dims: vec![3], items: vec![Value::Int(1), Value::Int(2), Value::Int(3)] })
        );
        assert_eq!(
            cast(Value::Text(r#"{x,"y z",NULL}"#.into()), "text[]"),
            Ok(Value::Array {
                dims: vec![3],
                items: vec![Value::Text("x".into()), Value::Text("y z".into()), Value::Null]
            })
        );
        assert_eq!(cast(Value::Text("{}".into()), "text[]"), Ok(Value::Array { dims: vec![0], items: vec![] }));
        assert_eq!(cast(Value::Decimal { digits: -25, scale: 1 }, "integer"), Ok(Value::Int(-3)));
        assert_eq!(cast(Value::Decimal { digits: 5, scale: 2 }, "text"), Ok(Value::Text("0.05".into())));
        assert!(cast(Value::Text("abc".into()), "integer").is_err());
        assert!(cast(Value::Text("not-a-uuid".into()), "uuid").is_err());
    }

    #[test]
    fn casts_timestamps_with_zones() {
        let utc = cast(Value::Text("2020-01-01 00:00:00+00".into()), "timestamp with time zone");
        let plus2 = cast(Value::Text("2020-01-01 02:00:00+02".into()), "timestamp with time zone");
        assert_eq!(utc, plus2);
        let naive = cast(Value::Text("2000-01-02 10:00:00".into()), "timestamp without time zone");
        assert_eq!(naive, Ok(Value::Timestamp(MICROS_PER_DAY + 36_000_000_000)));
    }
}
