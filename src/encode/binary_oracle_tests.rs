//! Our binary encoder against postgres-types' `ToSql`, the reference the design card names.
//!
//! The writer is hand-written for speed (see the module doc of `binary`), so these property tests
//! check that, for every type both cover, it writes exactly the bytes `ToSql::to_sql` writes for the
//! same value: a change that breaks the wire form of one type fails here, without a server.

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use postgres_types::{IsNull, ToSql, Type};
use proptest::prelude::*;

use super::*;
use crate::generate::value::MICROS_PER_DAY;

fn ty(oid: u32, kind: TypeKind) -> PgType {
    PgType::new(oid, format!("{kind:?}"), kind)
}

/// Our bytes for one field, without the length prefix (`None` for NULL).
fn ours(value: Value, ty: &PgType) -> Option<Vec<u8>> {
    let mut w = BinaryRowWriter::new();
    w.field(&value, ty).expect("the value fits its type");
    let bytes = w.take().to_vec();
    let (len, body) = bytes.split_at(4);
    (i32::from_be_bytes([len[0], len[1], len[2], len[3]]) >= 0).then(|| body.to_vec())
}

/// postgres-types' bytes for the same value.
fn reference<T: ToSql>(value: T, ty: &Type) -> Option<Vec<u8>> {
    let mut out = BytesMut::new();
    match value.to_sql(ty, &mut out).expect("postgres-types encodes it") {
        IsNull::Yes => None,
        IsNull::No => Some(out.to_vec()),
    }
}

/// Microseconds since 2000-01-01 as chrono's naive timestamp.
fn naive(micros: i64) -> NaiveDateTime {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("a valid date");
    epoch + chrono::Duration::microseconds(micros)
}

/// A timestamp range chrono and PostgreSQL both hold: years 1 to 9999.
const MICROS_SPAN: i64 = 3_155_000_000_000_000 * 20;

proptest! {
    #[test]
    fn integers_and_floats(i in any::<i64>(), f in any::<f64>(), g in any::<f32>(), b in any::<bool>()) {
        prop_assert_eq!(ours(Value::Int(i), &ty(20, TypeKind::Int8)), reference(i, &Type::INT8));
        let i4 = i as i32;
        prop_assert_eq!(ours(Value::Int(i4.into()), &ty(23, TypeKind::Int4)), reference(i4, &Type::INT4));
        let i2 = i as i16;
        prop_assert_eq!(ours(Value::Int(i2.into()), &ty(21, TypeKind::Int2)), reference(i2, &Type::INT2));
        prop_assert_eq!(ours(Value::Float(f), &ty(701, TypeKind::Float8)), reference(f, &Type::FLOAT8));
        prop_assert_eq!(ours(Value::Float(g.into()), &ty(700, TypeKind::Float4)), reference(g, &Type::FLOAT4));
        prop_assert_eq!(ours(Value::Bool(b), &ty(16, TypeKind::Bool)), reference(b, &Type::BOOL));
        prop_assert_eq!(ours(Value::Null, &ty(20, TypeKind::Int8)), reference(None::<i64>, &Type::INT8));
    }

    #[test]
    fn text_bytes_and_uuid(s in "\\PC{0,40}", bytes in proptest::collection::vec(any::<u8>(), 0..40), id in any::<[u8; 16]>()) {
        prop_assert_eq!(ours(Value::Text(s.clone()), &ty(25, TypeKind::Text)), reference(s.as_str(), &Type::TEXT));
        prop_assert_eq!(
            ours(Value::Text(s.clone()), &ty(1043, TypeKind::Varchar(None))),
            reference(s.as_str(), &Type::VARCHAR)
        );
        prop_assert_eq!(ours(Value::Bytes(bytes.clone()), &ty(17, TypeKind::Bytea)), reference(bytes.as_slice(), &Type::BYTEA));
        prop_assert_eq!(ours(Value::Uuid(id), &ty(2950, TypeKind::Uuid)), reference(uuid::Uuid::from_bytes(id), &Type::UUID));
    }

    #[test]
    fn dates_and_times(micros in -MICROS_SPAN..MICROS_SPAN, day_micros in 0i64..86_400_000_000) {
        let at = naive(micros);
        prop_assert_eq!(ours(Value::Timestamp(micros), &ty(1114, TypeKind::Timestamp)), reference(at, &Type::TIMESTAMP));
        let utc: DateTime<Utc> = DateTime::from_naive_utc_and_offset(at, Utc);
        prop_assert_eq!(ours(Value::Timestamp(micros), &ty(1184, TypeKind::TimestampTz)), reference(utc, &Type::TIMESTAMPTZ));
        let days = micros.div_euclid(MICROS_PER_DAY) as i32;
        prop_assert_eq!(ours(Value::Date(days), &ty(1082, TypeKind::Date)), reference(at.date(), &Type::DATE));
        let time = NaiveTime::MIN + chrono::Duration::microseconds(day_micros);
        prop_assert_eq!(ours(Value::Time(day_micros), &ty(1083, TypeKind::Time)), reference(time, &Type::TIME));
    }

    #[test]
    fn json_and_arrays(n in any::<i64>(), word in "[a-z]{0,12}", items in proptest::collection::vec(any::<i32>(), 1..12)) {
        let doc = serde_json::json!({ "n": n, "word": word });
        let text = serde_json::to_string(&doc).expect("json serialises");
        prop_assert_eq!(ours(Value::Text(text.clone()), &ty(3802, TypeKind::Jsonb)), reference(&doc, &Type::JSONB));
        prop_assert_eq!(ours(Value::Text(text), &ty(114, TypeKind::Json)), reference(&doc, &Type::JSON));
        let int4 = ty(23, TypeKind::Int4);
        let array = ty(1007, TypeKind::Array { element: Box::new(int4), dimensions: 1 });
        let value = Value::Array { dims: vec![items.len() as u32], items: items.iter().map(|&i| Value::Int(i.into())).collect() };
        prop_assert_eq!(ours(value, &array), reference(items.clone(), &Type::INT4_ARRAY));
    }
}
