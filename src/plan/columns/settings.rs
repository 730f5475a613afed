//! The profile's word on a column: `generator`, `value`, `values`/`weights`, `range`, `length`,
//! `null_rate`, `unique`. Each is checked against the column's type, and a mistake names the
//! profile line.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::generate::column::{ColumnGen, IntSpread, MomentUnit};
use crate::generate::table::{ColumnSlot, UniqueSource};
use crate::generate::text::TextKind;
use crate::generate::value::{MICROS_PER_DAY, Value};
use crate::profile::ColumnSettings;
use crate::schema::{Column, TypeKind};

use super::super::{PlanError, scope};
use super::value_for_column;

/// The longest text `length` may ask for, in characters: a value is built whole in memory (and
/// PostgreSQL refuses a field over 1 GB), so a larger bound would only crash the run.
pub const MAX_TEXT_LENGTH: u32 = 10_000_000;

/// The most elements `length` may ask of an array: each row holds its arrays whole in memory.
pub const MAX_ARRAY_LENGTH: u32 = 100_000;

/// Named generators besides the text kinds.
const OTHER_GENERATORS: &[&str] = &["uuid", "null"];

pub fn apply(column: &Column, settings: &ColumnSettings, slot: &mut ColumnSlot) -> Result<(), PlanError> {
    let error =
        |message: String| PlanError::at(&settings.name.location, format!("column `{}`: {message}", column.name));
    if let Some(generator) = &settings.generator {
        slot.generator = named_generator(&generator.name, &slot.generator).ok_or_else(|| {
            let names = TextKind::NAMES.iter().chain(OTHER_GENERATORS).map(|s| s.to_string());
            // The hint ends its own sentence (`; did you mean `email`?`).
            let hint = match scope::suggestion(&generator.name, names) {
                hint if hint.is_empty() => ".".to_string(),
                hint => hint,
            };
            PlanError::at(
                &generator.location,
                format!(
                    "unknown generator `{}`{hint} Known generators: {}, {}",
                    generator.name,
                    TextKind::NAMES.join(", "),
                    OTHER_GENERATORS.join(", ")
                ),
            )
        })?;
    }
    if let Some(value) = &settings.value {
        slot.generator = ColumnGen::Fixed(toml_to_value(column, value).map_err(error)?);
    }
    if let Some(values) = &settings.values {
        slot.generator = choice(column, values, settings.weights.as_deref()).map_err(error)?;
    } else if settings.weights.is_some() {
        return Err(error("`weights` needs `values` beside it".into()));
    }
    if let Some([lo, hi]) = &settings.range {
        slot.generator = range(column, lo, hi).map_err(error)?;
    }
    if let Some([min, max]) = settings.length {
        apply_length(&mut slot.generator, min, max).map_err(error)?;
    }
    if let Some(rate) = settings.null_rate {
        if !(0.0..=1.0).contains(&rate) {
            return Err(error(format!("`null_rate = {rate}` must be between 0 and 1")));
        }
        if rate > 0.0 && column.not_null {
            return Err(error("`null_rate` is above 0 but the column is NOT NULL".into()));
        }
        slot.null_rate = rate;
    }
    if settings.unique == Some(true) {
        slot.unique = Some(UniqueSource::Row);
    }
    Ok(())
}

fn named_generator(name: &str, current: &ColumnGen) -> Option<ColumnGen> {
    if let Some(kind) = TextKind::from_name(name) {
        let (min, max) = match current {
            ColumnGen::Text { min, max, .. } => {
                (*min, (*max).max(if kind == TextKind::Paragraph { 400 } else { 120 }).min(text_cap(current)))
            }
            _ => (1, 120),
        };
        return Some(ColumnGen::Text { kind: Some(kind), min, max });
    }
    match name {
        "uuid" => Some(ColumnGen::Uuid),
        "null" => Some(ColumnGen::Null),
        _ => None,
    }
}

fn text_cap(current: &ColumnGen) -> u32 {
    match current {
        ColumnGen::Text { max, .. } if *max < 120 => *max,
        _ => 10_000,
    }
}

fn choice(column: &Column, values: &[toml::Value], weights: Option<&[f64]>) -> Result<ColumnGen, String> {
    if values.is_empty() {
        return Err("`values` is empty".into());
    }
    let values = values.iter().map(|v| toml_to_value(column, v)).collect::<Result<Vec<_>, _>>()?;
    let cumulative = match weights {
        None => vec![],
        Some(w) if w.len() != values.len() => {
            return Err(format!("`weights` has {} entries but `values` has {}", w.len(), values.len()));
        }
        Some(w) if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 => {
            return Err("`weights` must be non-negative numbers that do not all equal 0".into());
        }
        Some(w) => w
            .iter()
            .scan(0.0, |total, x| {
                *total += x;
                Some(*total)
            })
            .collect(),
    };
    Ok(ColumnGen::Choice { values, cumulative })
}

fn range(column: &Column, lo: &toml::Value, hi: &toml::Value) -> Result<ColumnGen, String> {
    let (lo, hi) = (toml_to_value(column, lo)?, toml_to_value(column, hi)?);
    let generator = match (&lo, &hi) {
        (Value::Int(a), Value::Int(b)) if a <= b => match column.ty.base_kind() {
            TypeKind::Numeric { scale, .. } => {
                let unit = 10i128.pow(u32::from(scale.unwrap_or(2)));
                ColumnGen::Decimal { lo: i128::from(*a) * unit, hi: i128::from(*b) * unit, scale: scale.unwrap_or(2) }
            }
            TypeKind::Float4 | TypeKind::Float8 => ColumnGen::Float { lo: *a as f64, hi: *b as f64 },
            _ => ColumnGen::Int { lo: *a, hi: *b, spread: IntSpread::Uniform },
        },
        (Value::Float(a), Value::Float(b)) if a <= b => ColumnGen::Float { lo: *a, hi: *b },
        (Value::Decimal { digits: a, scale }, Value::Decimal { digits: b, .. }) if a <= b => {
            ColumnGen::Decimal { lo: *a, hi: *b, scale: *scale }
        }
        (Value::Date(a), Value::Date(b)) if a <= b => {
            ColumnGen::Moment { lo: i64::from(*a), hi: i64::from(*b), unit: MomentUnit::Date }
        }
        (Value::Timestamp(a), Value::Timestamp(b)) if a <= b => {
            ColumnGen::Moment { lo: *a, hi: *b, unit: MomentUnit::Timestamp }
        }
        _ => {
            return Err(format!("`range` needs two {} values, lowest first", column.ty.name));
        }
    };
    Ok(generator)
}

fn apply_length(generator: &mut ColumnGen, min: u32, max: u32) -> Result<(), String> {
    if min > max {
        return Err(format!("`length = [{min}, {max}]`: the minimum is above the maximum"));
    }
    let (lo, hi, limit, unit) = match generator {
        ColumnGen::Text { min: lo, max: hi, .. } => (lo, hi, MAX_TEXT_LENGTH, "characters per text"),
        ColumnGen::Array { min: lo, max: hi, .. } => (lo, hi, MAX_ARRAY_LENGTH, "elements per array"),
        _ => return Err("`length` applies to text and array columns".into()),
    };
    if max > limit {
        return Err(format!(
            "`length = [{min}, {max}]` is too long: at most {limit} {unit} (each value is built whole in memory); lower the maximum"
        ));
    }
    *lo = min;
    *hi = max;
    Ok(())
}

/// A profile value as a value of the column's type.
pub fn toml_to_value(column: &Column, value: &toml::Value) -> Result<Value, String> {
    let kind = column.ty.base_kind();
    let converted = match value {
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(f) => match kind {
            TypeKind::Numeric { scale, .. } => {
                let scale = scale.unwrap_or(2);
                Value::Decimal { digits: (f * 10f64.powi(i32::from(scale))).round() as i128, scale }
            }
            _ => Value::Float(*f),
        },
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::String(s) => string_value(kind, s)?,
        toml::Value::Datetime(d) => string_value(kind, &d.to_string())?,
        toml::Value::Array(items) => {
            let element = match kind {
                TypeKind::Array { element, .. } => Column { ty: (**element).clone(), ..column.clone() },
                _ => {
                    return Err(format!("an array was given but the column's type is {}", column.ty.name));
                }
            };
            let items = items.iter().map(|i| toml_to_value(&element, i)).collect::<Result<Vec<_>, _>>()?;
            Value::Array { dims: vec![items.len() as u32], items }
        }
        toml::Value::Table(_) => Value::Text(serde_json::to_string(value).map_err(|e| e.to_string())?),
    };
    check_kind(kind, &converted, &column.ty.name)?;
    Ok(value_for_column(&column.ty, &converted))
}

pub(super) fn string_value(kind: &TypeKind, text: &str) -> Result<Value, String> {
    match kind {
        TypeKind::Date => {
            parse_date(text).map(Value::Date).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
        }
        TypeKind::Timestamp | TypeKind::TimestampTz => parse_timestamp(text)
            .map(Value::Timestamp)
            .ok_or_else(|| format!("`{text}` is not a timestamp (YYYY-MM-DD HH:MM:SS or RFC 3339)")),
        TypeKind::Uuid => uuid::Uuid::parse_str(text)
            .map(|u| Value::Uuid(*u.as_bytes()))
            .map_err(|_| format!("`{text}` is not a UUID")),
        TypeKind::Enum { labels } if !labels.iter().any(|l| l == text) => {
            Err(format!("`{text}` is not a label of this enum; labels: {}", labels.join(", ")))
        }
        _ => Ok(Value::Text(text.to_string())),
    }
}

fn check_kind(kind: &TypeKind, value: &Value, type_name: &str) -> Result<(), String> {
    let fits = match (kind, value) {
        (TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8 | TypeKind::Money | TypeKind::Oid, Value::Int(_)) => true,
        (
            TypeKind::Numeric { .. } | TypeKind::Float4 | TypeKind::Float8,
            Value::Int(_) | Value::Float(_) | Value::Decimal { .. },
        ) => true,
        (TypeKind::Bool, Value::Bool(_)) => true,
        (
            TypeKind::Int2
            | TypeKind::Int4
            | TypeKind::Int8
            | TypeKind::Bool
            | TypeKind::Numeric { .. }
            | TypeKind::Float4
            | TypeKind::Float8,
            _,
        ) => false,
        (_, Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
            matches!(kind, TypeKind::Json | TypeKind::Jsonb | TypeKind::Other { .. })
        }
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        Err(format!("{} does not fit the column's type {type_name}", crate::encode::literal(value)))
    }
}

fn parse_date(text: &str) -> Option<i32> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let naive = DateTime::parse_from_rfc3339(text)
        .map(|d| d.naive_utc())
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0))?;
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1)?.and_hms_opt(0, 0, 0)?;
    let delta = naive - epoch;
    delta.num_microseconds().or_else(|| Some(delta.num_days() * MICROS_PER_DAY))
}
