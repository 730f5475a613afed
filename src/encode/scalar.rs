//! One check for both formats: a [`Value`] is checked against its column's [`PgType`] and handed
//! to a [`Sink`] in the type's own units (an `i16` for int2, cents for money, a rounded [`Num`]).
//!
//! This is where conversions happen (an `Int` into a float, numeric or money column, a `Float`
//! into numeric) and where a value that does not fit its column becomes an [`EncodeError`]: ints
//! out of range, strings too long for `varchar(n)` (counted in characters), unknown enum labels,
//! dates outside PostgreSQL's range. `binary` and `text` implement [`Sink`] and only serialize, so
//! both formats accept and refuse exactly the same values. Domains are checked as their base type.
//!
//! A sink rather than a returned enum: the writers are generic over it, so each match arm below
//! compiles to the format's write directly, without building and re-matching a value per field.

use super::EncodeError;
use super::datetime::{date_in_range, date_to_timestamp, time_in_range, timestamp_in_range};
use super::numeric::Num;
use crate::generate::Value;
use crate::schema::{PgType, TypeKind};

/// Where a checked value goes: one method per wire form.
pub(crate) trait Sink {
    fn bool(&mut self, v: bool);
    fn int2(&mut self, v: i16);
    fn int4(&mut self, v: i32);
    fn int8(&mut self, v: i64);
    fn float4(&mut self, v: f32);
    fn float8(&mut self, v: f64);
    fn numeric(&mut self, v: &Num);
    fn money(&mut self, cents: i64);
    /// text, varchar, bpchar, name, `"char"`, enum labels and json: the string as is.
    fn text(&mut self, s: &str);
    fn jsonb(&mut self, s: &str);
    fn bytes(&mut self, b: &[u8]);
    fn uuid(&mut self, u: &[u8; 16]);
    fn date(&mut self, days: i32);
    fn time(&mut self, micros: i64);
    fn timestamp(&mut self, micros: i64, with_zone: bool);
    fn interval(&mut self, months: i32, days: i32, micros: i64);
    fn oid(&mut self, oid: u32);
    /// A `time with time zone` in UTC; `false` if the format cannot carry it.
    fn time_tz(&mut self, micros: i64) -> bool;
    /// The literal of a type known only by its text form; `false` if the format cannot carry it.
    fn literal(&mut self, s: &str) -> bool;
}

/// Checks `value` against the column type `ty` (domains looked through) and writes it to `sink`.
pub(crate) fn encode<S: Sink>(value: &Value, ty: &PgType, sink: &mut S) -> Result<(), EncodeError> {
    use TypeKind as K;
    match (ty.base_kind(), value) {
        (K::Bool, Value::Bool(b)) => sink.bool(*b),
        (K::Int2, Value::Int(i)) => sink.int2(int(*i, value, ty)?),
        (K::Int4, Value::Int(i)) => sink.int4(int(*i, value, ty)?),
        (K::Int8, Value::Int(i)) => sink.int8(*i),
        (K::Float4, Value::Float(f)) => sink.float4(float4(*f, value, ty)?),
        (K::Float4, Value::Int(i)) => sink.float4(*i as f32),
        (K::Float8, Value::Float(f)) => sink.float8(*f),
        (K::Float8, Value::Int(i)) => sink.float8(*i as f64),
        (K::Numeric { precision, scale }, _) => numeric(value, ty, *precision, *scale, sink)?,
        (K::Money, _) => sink.money(money(value, ty)?),
        (K::Text | K::Varchar(_) | K::Char(_) | K::Name, Value::Text(s)) => sink.text(string(s, value, ty)?),
        (K::SingleChar, Value::Text(s)) if s.len() <= 1 => sink.text(no_nul(s, value, ty)?),
        (K::SingleChar, Value::Text(_)) => return Err(EncodeError::invalid(value, ty, "\"char\" holds one byte")),
        (K::Bytea, Value::Bytes(b)) => sink.bytes(b),
        (K::Uuid, Value::Uuid(u)) => sink.uuid(u),
        (K::Date, Value::Date(d)) if date_in_range(*d) => sink.date(*d),
        (K::Time, Value::Time(t)) if time_in_range(*t) => sink.time(*t),
        (K::TimeTz, Value::Time(t)) if time_in_range(*t) => return supported(sink.time_tz(*t), ty),
        (K::Timestamp, Value::Timestamp(_) | Value::Date(_)) => sink.timestamp(timestamp(value, ty)?, false),
        (K::TimestampTz, Value::Timestamp(_) | Value::Date(_)) => sink.timestamp(timestamp(value, ty)?, true),
        (K::Interval, Value::Interval { months, days, micros }) => sink.interval(*months, *days, *micros),
        (K::Json, Value::Text(s)) => sink.text(no_nul(s, value, ty)?),
        (K::Jsonb, Value::Text(s)) => sink.jsonb(no_nul(s, value, ty)?),
        (K::Oid, Value::Int(i)) => sink.oid(int(*i, value, ty)?),
        (K::Enum { labels }, Value::Text(s)) => sink.text(label(s, labels, value, ty)?),
        (K::Date, Value::Date(_)) | (K::Time | K::TimeTz, Value::Time(_)) => {
            return Err(EncodeError::out_of_range(value, ty));
        }
        (kind, Value::Text(s)) if is_literal_only(kind) => return supported(sink.literal(no_nul(s, value, ty)?), ty),
        _ => return Err(EncodeError::mismatch(value, ty)),
    }
    Ok(())
}

fn supported(written: bool, ty: &PgType) -> Result<(), EncodeError> {
    if written { Ok(()) } else { Err(EncodeError::NoBinary { ty: ty.name.clone() }) }
}

/// Types whose values `seed` only knows as text literals (a `Value::Text` passes through).
fn is_literal_only(kind: &TypeKind) -> bool {
    use TypeKind as K;
    matches!(
        kind,
        K::TimeTz
            | K::Xml
            | K::Inet
            | K::Cidr
            | K::MacAddr
            | K::MacAddr8
            | K::Bit(_)
            | K::VarBit(_)
            | K::TsVector
            | K::TsQuery
            | K::Point
            | K::Line
            | K::Lseg
            | K::Box
            | K::Path
            | K::Polygon
            | K::Circle
            | K::Range { .. }
            | K::MultiRange { .. }
            | K::Composite { .. }
            | K::Other { .. }
    )
}

/// The items of an array value, checked against its shape (`dims` multiply to the item count).
pub(crate) fn array_items<'a>(value: &'a Value, ty: &PgType) -> Result<(&'a [u32], &'a [Value]), EncodeError> {
    let Value::Array { dims, items } = value else {
        return Err(EncodeError::mismatch(value, ty));
    };
    let count = if dims.is_empty() { Some(0) } else { dims.iter().try_fold(1usize, |n, &d| n.checked_mul(d as usize)) };
    if dims.len() > 6 || dims.iter().any(|&d| i32::try_from(d).is_err()) {
        return Err(EncodeError::invalid(value, ty, "arrays have at most 6 dimensions below 2^31"));
    }
    if count != Some(items.len()) {
        let reason = format!("dimensions {dims:?} do not hold {} items", items.len());
        return Err(EncodeError::invalid(value, ty, reason));
    }
    Ok((dims, items))
}

fn int<T: TryFrom<i64>>(i: i64, value: &Value, ty: &PgType) -> Result<T, EncodeError> {
    T::try_from(i).map_err(|_| EncodeError::out_of_range(value, ty))
}

fn float4(f: f64, value: &Value, ty: &PgType) -> Result<f32, EncodeError> {
    let single = f as f32;
    if f.is_finite() && !single.is_finite() {
        return Err(EncodeError::out_of_range(value, ty));
    }
    Ok(single)
}

fn numeric<S: Sink>(
    value: &Value,
    ty: &PgType,
    p: Option<u16>,
    s: Option<u16>,
    sink: &mut S,
) -> Result<(), EncodeError> {
    let mut num = match value {
        Value::Int(i) => Num::from_int(*i),
        Value::Decimal { digits, scale } => Num::from_decimal(*digits, *scale),
        Value::Float(f) => Num::from_f64(*f),
        _ => return Err(EncodeError::mismatch(value, ty)),
    };
    if let Err(misfit) = num.fit(p, s) {
        let (value, ty, detail) = (super::literal(value), ty.name.clone(), misfit.explain(p, s));
        return Err(EncodeError::NumericOverflow { value, ty, detail });
    }
    sink.numeric(&num);
    Ok(())
}

/// Money in cents: an `Int` is whole currency units, decimals and floats are rounded to cents.
fn money(value: &Value, ty: &PgType) -> Result<i64, EncodeError> {
    let cents = match value {
        Value::Int(i) => i.checked_mul(100),
        Value::Decimal { digits, scale } => Num::from_decimal(*digits, *scale).to_units(2),
        Value::Float(f) => Num::from_f64(*f).to_units(2),
        _ => return Err(EncodeError::mismatch(value, ty)),
    };
    cents.ok_or_else(|| EncodeError::out_of_range(value, ty))
}

fn timestamp(value: &Value, ty: &PgType) -> Result<i64, EncodeError> {
    let micros = match value {
        Value::Date(d) if date_in_range(*d) => date_to_timestamp(*d),
        Value::Timestamp(t) => *t,
        _ => return Err(EncodeError::out_of_range(value, ty)),
    };
    if !timestamp_in_range(micros) {
        return Err(EncodeError::out_of_range(value, ty));
    }
    Ok(micros)
}

/// Text for a text-like column: no NUL byte, within `varchar(n)`/`char(n)`/`name` limits.
fn string<'a>(s: &'a str, value: &Value, ty: &PgType) -> Result<&'a str, EncodeError> {
    let s = no_nul(s, value, ty)?;
    if let Some(max) = ty.max_length() {
        check_length(s, max as usize, ty)?;
    } else if matches!(ty.base_kind(), TypeKind::Name) && s.len() > 63 {
        return Err(EncodeError::invalid(value, ty, "names hold at most 63 bytes"));
    }
    Ok(s)
}

/// Like the server: too long only if a character past `max` is not a space (trailing spaces are
/// cut silently). Bytes bound characters from above, so short strings are never counted.
fn check_length(s: &str, max: usize, ty: &PgType) -> Result<(), EncodeError> {
    if s.len() <= max {
        return Ok(());
    }
    match s.char_indices().nth(max) {
        Some((at, _)) if s[at..].bytes().any(|b| b != b' ') => {
            Err(EncodeError::TooLong { chars: s.chars().count(), max, ty: ty.name.clone() })
        }
        _ => Ok(()),
    }
}

fn label<'a>(s: &'a str, labels: &[String], value: &Value, ty: &PgType) -> Result<&'a str, EncodeError> {
    if labels.is_empty() || labels.iter().any(|l| l == s) {
        return Ok(s);
    }
    let reason = format!("not one of its labels ({})", labels.join(", "));
    Err(EncodeError::invalid(value, ty, reason))
}

fn no_nul<'a>(s: &'a str, value: &Value, ty: &PgType) -> Result<&'a str, EncodeError> {
    if s.as_bytes().contains(&0) {
        return Err(EncodeError::invalid(value, ty, "PostgreSQL text cannot contain a NUL byte"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(kind: TypeKind) -> PgType {
        PgType::new(0, format!("{kind:?}"), kind)
    }

    /// Records the last call a sink received, e.g. `int2 -32768`.
    #[derive(Default)]
    struct Record(String);

    impl Sink for Record {
        fn bool(&mut self, v: bool) {
            self.0 = format!("bool {v}")
        }
        fn int2(&mut self, v: i16) {
            self.0 = format!("int2 {v}")
        }
        fn int4(&mut self, v: i32) {
            self.0 = format!("int4 {v}")
        }
        fn int8(&mut self, v: i64) {
            self.0 = format!("int8 {v}")
        }
        fn float4(&mut self, v: f32) {
            self.0 = format!("float4 {v}")
        }
        fn float8(&mut self, v: f64) {
            self.0 = format!("float8 {v}")
        }
        fn numeric(&mut self, v: &Num) {
            self.0 = format!("numeric {v:?}")
        }
        fn money(&mut self, cents: i64) {
            self.0 = format!("money {cents}")
        }
        fn text(&mut self, s: &str) {
            self.0 = format!("text {s}")
        }
        fn jsonb(&mut self, s: &str) {
            self.0 = format!("jsonb {s}")
        }
        fn bytes(&mut self, b: &[u8]) {
            self.0 = format!("bytes {b:?}")
        }
        fn uuid(&mut self, u: &[u8; 16]) {
            self.0 = format!("uuid {u:?}")
        }
        fn date(&mut self, days: i32) {
            self.0 = format!("date {days}")
        }
        fn time(&mut self, micros: i64) {
            self.0 = format!("time {micros}")
        }
        fn timestamp(&mut self, micros: i64, tz: bool) {
            self.0 = format!("timestamp {micros} {tz}")
        }
        fn interval(&mut self, m: i32, d: i32, us: i64) {
            self.0 = format!("interval {m} {d} {us}")
        }
        fn oid(&mut self, oid: u32) {
            self.0 = format!("oid {oid}")
        }
        fn time_tz(&mut self, micros: i64) -> bool {
            self.0 = format!("timetz {micros}");
            true
        }
        fn literal(&mut self, s: &str) -> bool {
            self.0 = format!("literal {s}");
            true
        }
    }

    fn check(value: Value, ty: &PgType) -> Result<String, EncodeError> {
        let mut record = Record::default();
        encode(&value, ty, &mut record)?;
        Ok(record.0)
    }

    #[test]
    fn ints_are_range_checked() {
        assert_eq!(check(Value::Int(-32768), &ty(TypeKind::Int2)).unwrap(), "int2 -32768");
        let err = check(Value::Int(40_000), &ty(TypeKind::Int2)).unwrap_err();
        assert!(matches!(err, EncodeError::OutOfRange { .. }), "{err}");
        assert!(check(Value::Int(1 << 40), &ty(TypeKind::Int4)).is_err());
        assert!(check(Value::Int(-1), &ty(TypeKind::Oid)).is_err());
    }

    #[test]
    fn text_is_only_for_text_like_columns() {
        let err = check(Value::Text("12".into()), &ty(TypeKind::Int4)).unwrap_err();
        assert_eq!(err.to_string(), "cannot store '12' in a column of type Int4");
        let inet = ty(TypeKind::Inet);
        assert_eq!(check(Value::Text("::1".into()), &inet).unwrap(), "literal ::1");
        assert!(check(Value::Int(1), &inet).is_err());
    }

    #[test]
    fn varchar_counts_characters() {
        let varchar = ty(TypeKind::Varchar(Some(3)));
        assert!(check(Value::Text("été".into()), &varchar).is_ok());
        assert!(check(Value::Text("abc   ".into()), &varchar).is_ok());
        let err = check(Value::Text("abcd".into()), &varchar).unwrap_err();
        assert!(matches!(err, EncodeError::TooLong { chars: 4, max: 3, .. }), "{err}");
        assert!(check(Value::Text("abcd".into()), &ty(TypeKind::Char(Some(3)))).is_err());
        assert!(check(Value::Text("n".repeat(64)), &ty(TypeKind::Name)).is_err());
    }

    #[test]
    fn domains_check_their_base_type() {
        let base = ty(TypeKind::Varchar(Some(2)));
        let domain = ty(TypeKind::Domain { base: Box::new(base), checks: vec![], not_null: false });
        assert!(check(Value::Text("abc".into()), &domain).is_err());
        assert_eq!(check(Value::Text("ab".into()), &domain).unwrap(), "text ab");
    }

    #[test]
    fn enum_labels_single_chars_and_nul_bytes() {
        let mood = ty(TypeKind::Enum { labels: vec!["sad".into(), "ok".into()] });
        assert!(check(Value::Text("ok".into()), &mood).is_ok());
        assert!(check(Value::Text("happy".into()), &mood).is_err());
        assert!(check(Value::Text("a\0b".into()), &ty(TypeKind::Text)).is_err());
        assert!(check(Value::Text("ab".into()), &ty(TypeKind::SingleChar)).is_err());
    }

    #[test]
    fn conversions() {
        assert_eq!(check(Value::Int(3), &ty(TypeKind::Float8)).unwrap(), "float8 3");
        assert_eq!(check(Value::Int(3), &ty(TypeKind::Money)).unwrap(), "money 300");
        assert!(check(Value::Float(1e39), &ty(TypeKind::Float4)).is_err());
        assert_eq!(check(Value::Date(1), &ty(TypeKind::Timestamp)).unwrap(), "timestamp 86400000000 false");
        assert!(check(Value::Date(-2_451_546), &ty(TypeKind::Date)).is_err());
        assert!(check(Value::Time(-1), &ty(TypeKind::Time)).is_err());
        assert!(check(Value::Date(1), &ty(TypeKind::Time)).is_err());
    }

    #[test]
    fn array_shapes() {
        let arr = ty(TypeKind::Array { element: Box::new(ty(TypeKind::Int4)), dimensions: 2 });
        let ok = Value::Array { dims: vec![2, 2], items: vec![Value::Int(1); 4] };
        assert!(array_items(&ok, &arr).is_ok());
        let bad = Value::Array { dims: vec![2, 2], items: vec![Value::Int(1); 3] };
        assert!(array_items(&bad, &arr).is_err());
        assert!(array_items(&Value::Array { dims: vec![], items: vec![] }, &arr).is_ok());
        assert!(array_items(&Value::Array { dims: vec![0], items: vec![] }, &arr).is_ok());
    }
}
