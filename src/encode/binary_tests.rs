use super::*;

fn ty(oid: u32, kind: TypeKind) -> PgType {
    PgType::new(oid, format!("{kind:?}"), kind)
}

/// The bytes of one field (length prefix included).
fn field(value: Value, ty: &PgType) -> Result<Vec<u8>, EncodeError> {
    let mut w = BinaryRowWriter::new();
    w.field(&value, ty)?;
    Ok(w.take().to_vec())
}

/// A length prefix, then `body`.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

#[test]
fn framing_bytes() {
    let int4 = ty(23, TypeKind::Int4);
    let mut w = BinaryRowWriter::new();
    w.header();
    w.begin_row(2);
    w.field(&Value::Int(7), &int4).unwrap();
    w.field(&Value::Null, &int4).unwrap();
    w.end_row();
    w.trailer();
    let mut expected = b"PGCOPY\n\xff\r\n\0".to_vec();
    expected.extend([0, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend([0, 2, 0, 0, 0, 4, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(w.buffer(), expected.as_slice());
    assert_eq!(w.copy_options(), "(FORMAT binary)");
}

#[test]
fn take_empties_and_flags_full() {
    let mut w = BinaryRowWriter::with_flush_threshold(8);
    w.header();
    assert!(w.is_full());
    assert_eq!(w.take().len(), 19);
    assert!(w.is_empty() && !w.is_full());
}

#[test]
fn a_failed_field_can_cancel_its_row() {
    let int2 = ty(21, TypeKind::Int2);
    let mut w = BinaryRowWriter::new();
    w.header();
    w.begin_row(2);
    w.field(&Value::Int(1), &int2).unwrap();
    assert!(w.field(&Value::Int(70_000), &int2).is_err());
    w.cancel_row();
    assert_eq!(w.len(), 19);
}

#[test]
fn scalars() {
    assert_eq!(field(Value::Int(-2), &ty(21, TypeKind::Int2)).unwrap(), framed(&[0xff, 0xfe]));
    assert_eq!(field(Value::Bool(true), &ty(16, TypeKind::Bool)).unwrap(), framed(&[1]));
    assert_eq!(field(Value::Int(2), &ty(701, TypeKind::Float8)).unwrap(), framed(&2f64.to_be_bytes()));
    let money = field(Value::Decimal { digits: -1999, scale: 2 }, &ty(790, TypeKind::Money)).unwrap();
    assert_eq!(money, framed(&(-1999i64).to_be_bytes()));
    assert_eq!(field(Value::Date(-1), &ty(1082, TypeKind::Date)).unwrap(), framed(&(-1i32).to_be_bytes()));
    let jsonb = field(Value::Text("{}".into()), &ty(3802, TypeKind::Jsonb)).unwrap();
    assert_eq!(jsonb, framed(b"\x01{}"));
    assert_eq!(field(Value::Text("x".into()), &ty(18, TypeKind::SingleChar)).unwrap(), framed(b"x"));
    let uuid = field(Value::Uuid([7; 16]), &ty(2950, TypeKind::Uuid)).unwrap();
    assert_eq!(uuid, framed(&[7; 16]));
}

#[test]
fn char_n_is_sent_unpadded_like_text_input() {
    // bpcharrecv pads to n itself, exactly as for text input.
    let bpchar = ty(1042, TypeKind::Char(Some(4)));
    assert_eq!(field(Value::Text("ab".into()), &bpchar).unwrap(), framed(b"ab"));
}

#[test]
fn interval_is_micros_days_months() {
    let value = Value::Interval { months: 1, days: 2, micros: 3 };
    let mut body = 3i64.to_be_bytes().to_vec();
    body.extend(2i32.to_be_bytes());
    body.extend(1i32.to_be_bytes());
    assert_eq!(field(value, &ty(1186, TypeKind::Interval)).unwrap(), framed(&body));
}

#[test]
fn arrays_carry_their_shape_and_element_oid() {
    let mood = ty(90_001, TypeKind::Enum { labels: vec![] });
    let arr = ty(90_002, TypeKind::Array { element: Box::new(mood), dimensions: 1 });
    let value = Value::Array { dims: vec![2], items: vec![Value::Text("ok".into()), Value::Null] };
    let mut body = Vec::new();
    for word in [1i32, 1, 90_001, 2, 1, 2] {
        body.extend(word.to_be_bytes());
    }
    body.extend(b"ok");
    body.extend((-1i32).to_be_bytes());
    assert_eq!(field(value, &arr).unwrap(), framed(&body));

    let empty = Value::Array { dims: vec![0], items: vec![] };
    let mut body = Vec::new();
    for word in [0i32, 0, 90_001] {
        body.extend(word.to_be_bytes());
    }
    assert_eq!(field(empty, &arr).unwrap(), framed(&body));
}

#[test]
fn types_without_binary_form_are_refused() {
    let err = field(Value::Text("::1".into()), &ty(869, TypeKind::Inet)).unwrap_err();
    assert!(matches!(err, EncodeError::NoBinary { .. }), "{err}");
    let arr = ty(1041, TypeKind::Array { element: Box::new(ty(869, TypeKind::Inet)), dimensions: 1 });
    let value = Value::Array { dims: vec![1], items: vec![Value::Text("::1".into())] };
    assert!(matches!(field(value, &arr), Err(EncodeError::NoBinary { .. })));
}

#[test]
fn bad_values_name_value_and_type() {
    let varchar = PgType::new(1043, "character varying(10)", TypeKind::Varchar(Some(10)));
    let err = field(Value::Text("x".repeat(300)), &varchar).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a value of 300 characters is too long for type character varying(10); generate at most 10"
    );
    assert!(field(Value::Text("1".into()), &ty(23, TypeKind::Int4)).is_err());
}
