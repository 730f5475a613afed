use super::*;

fn ty(kind: TypeKind) -> PgType {
    PgType::new(0, format!("{kind:?}"), kind)
}

fn array_of(kind: TypeKind) -> PgType {
    ty(TypeKind::Array { element: Box::new(ty(kind)), dimensions: 1 })
}

fn texts(items: &[&str]) -> Value {
    let items = items.iter().map(|s| if *s == "<null>" { Value::Null } else { Value::Text(s.to_string()) });
    let items: Vec<Value> = items.collect();
    Value::Array { dims: vec![items.len() as u32], items }
}

/// One field as it appears in the COPY stream.
fn field(value: Value, ty: &PgType) -> Result<String, EncodeError> {
    let mut w = TextRowWriter::new();
    w.field(&value, ty)?;
    Ok(String::from_utf8(w.take().to_vec()).unwrap())
}

#[test]
fn rows_are_tab_separated_lines() {
    let int4 = ty(TypeKind::Int4);
    let mut w = TextRowWriter::new();
    w.header();
    for row in 0..2 {
        w.begin_row(3);
        w.field(&Value::Int(row), &int4).unwrap();
        w.field(&Value::Null, &int4).unwrap();
        w.field(&Value::Text("a\tb\\c\nd\re".into()), &ty(TypeKind::Text)).unwrap();
        w.end_row();
    }
    w.trailer();
    assert_eq!(w.buffer(), b"0\t\\N\ta\\tb\\\\c\\nd\\re\n1\t\\N\ta\\tb\\\\c\\nd\\re\n".as_slice());
    assert_eq!(w.copy_options(), "");
}

#[test]
fn cancel_row_drops_the_partial_row() {
    let int4 = ty(TypeKind::Int4);
    let mut w = TextRowWriter::new();
    w.begin_row(2);
    w.field(&Value::Int(1), &int4).unwrap();
    assert!(w.field(&Value::Text("x".into()), &int4).is_err());
    w.cancel_row();
    assert!(w.is_empty());
}

#[test]
fn scalars_in_input_syntax() {
    assert_eq!(field(Value::Bool(false), &ty(TypeKind::Bool)).unwrap(), "f");
    assert_eq!(field(Value::Float(f64::NEG_INFINITY), &ty(TypeKind::Float8)).unwrap(), "-Infinity");
    assert_eq!(field(Value::Float(0.1), &ty(TypeKind::Float4)).unwrap(), "0.1");
    let numeric = ty(TypeKind::Numeric { precision: Some(6), scale: Some(2) });
    assert_eq!(field(Value::Decimal { digits: -5, scale: 3 }, &numeric).unwrap(), "-0.01");
    assert_eq!(field(Value::Int(-1), &ty(TypeKind::Money)).unwrap(), "-1.00");
    assert_eq!(field(Value::Bytes(vec![0xde, 0xad]), &ty(TypeKind::Bytea)).unwrap(), "\\\\xdead");
    assert_eq!(field(Value::Date(-1), &ty(TypeKind::Date)).unwrap(), "1999-12-31");
    assert_eq!(field(Value::Timestamp(1_500_000), &ty(TypeKind::TimestampTz)).unwrap(), "2000-01-01 00:00:01.5+00");
    assert_eq!(field(Value::Time(0), &ty(TypeKind::TimeTz)).unwrap(), "00:00:00+00");
    assert_eq!(field(Value::Text("10.0.0.1/8".into()), &ty(TypeKind::Inet)).unwrap(), "10.0.0.1/8");
}

#[test]
fn dates_before_2000_and_bc() {
    let date = ty(TypeKind::Date);
    let bc = super::super::datetime::days_from_civil(-99, 3, 15);
    assert_eq!(field(Value::Date(bc), &date).unwrap(), "0100-03-15 BC");
    assert!(field(Value::Date(-2_451_546), &date).is_err());
    let ts = ty(TypeKind::Timestamp);
    assert_eq!(field(Value::Timestamp(-86_400_000_000 * 366), &ts).unwrap(), "1998-12-31 00:00:00");
}

#[test]
fn array_elements_are_quoted_when_needed() {
    let arr = array_of(TypeKind::Text);
    let value = texts(&["plain", "", "a b", "NULL", "null", "<null>", "{x}", "a,b", "q\"t", "b\\s", "é"]);
    let expected = r#"{plain,"","a b","NULL","null",NULL,"{x}","a,b","q\\"t","b\\\\s",é}"#;
    assert_eq!(field(value, &arr).unwrap(), expected);
    // A tab inside an element: quoted for the array, then COPY-escaped.
    assert_eq!(field(texts(&["a\tb"]), &arr).unwrap(), "{\"a\\tb\"}");
}

#[test]
fn multi_dimensional_and_empty_arrays() {
    let arr = ty(TypeKind::Array { element: Box::new(ty(TypeKind::Int4)), dimensions: 2 });
    let value = Value::Array { dims: vec![2, 3], items: (1..=6).map(Value::Int).collect() };
    assert_eq!(field(value, &arr).unwrap(), "{{1,2,3},{4,5,6}}");
    let empty = Value::Array { dims: vec![], items: vec![] };
    assert_eq!(field(empty, &arr).unwrap(), "{}");
}

#[test]
fn non_text_elements_quote_by_their_rendering() {
    let stamps = array_of(TypeKind::Timestamp);
    let value = Value::Array { dims: vec![2], items: vec![Value::Timestamp(0), Value::Null] };
    assert_eq!(field(value, &stamps).unwrap(), "{\"2000-01-01 00:00:00\",NULL}");
    let bytes = array_of(TypeKind::Bytea);
    let value = Value::Array { dims: vec![1], items: vec![Value::Bytes(vec![1])] };
    assert_eq!(field(value, &bytes).unwrap(), r#"{"\\\\x01"}"#);
    let boxes = array_of(TypeKind::Box);
    let value = texts(&["(1,1),(0,0)", "(2,2),(1,1)"]);
    assert_eq!(field(value, &boxes).unwrap(), "{(1,1),(0,0);(2,2),(1,1)}");
}

#[test]
fn bad_values_are_errors() {
    assert!(field(Value::Text("1".into()), &ty(TypeKind::Int4)).is_err());
    let err = field(Value::Text("x".repeat(300)), &ty(TypeKind::Varchar(Some(10)))).unwrap_err();
    assert!(matches!(err, EncodeError::TooLong { chars: 300, max: 10, .. }));
    let arr = array_of(TypeKind::Int2);
    let value = Value::Array { dims: vec![1], items: vec![Value::Int(1 << 20)] };
    assert!(field(value, &arr).is_err());
}
