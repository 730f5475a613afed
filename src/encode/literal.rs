//! Values as SQL literals, for messages: `'yes'`, `30245557447`, `12.50`, `'2026-01-31'`.
//!
//! Errors show the values a user wrote or a generator made; Rust's Debug form (`Text("yes")`,
//! `Decimal { digits: 1250, scale: 2 }`) means nothing to someone who writes SQL and TOML. The
//! rendering reuses the text forms COPY sends, so a message shows what the server would read.

use super::ascii::{write_f64, write_hex, write_i64, write_uuid};
use super::datetime::{write_date, write_interval, write_time, write_timestamp};
use super::numeric::Num;
use crate::generate::Value;

/// Longest literal a message shows before cutting it with `...`.
const MAX_CHARS: usize = 80;

/// `value` as SQL would spell it, cut to [`MAX_CHARS`] characters.
pub fn literal(value: &Value) -> String {
    let mut out = Vec::new();
    write_literal(&mut out, value);
    let text = String::from_utf8_lossy(&out);
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.into_owned(),
    }
}

fn write_literal(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"NULL"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(v) => write_i64(out, *v),
        Value::Float(f) if f.is_finite() => write_f64(out, *f),
        Value::Float(f) => quoted(out, |out| write_f64(out, *f)),
        Value::Decimal { digits, scale } => Num::from_decimal(*digits, *scale).write_text(out),
        Value::Text(text) => write_quoted_text(out, text),
        Value::Bytes(bytes) => quoted(out, |out| {
            out.extend_from_slice(b"\\x");
            write_hex(out, bytes);
        }),
        Value::Uuid(uuid) => quoted(out, |out| write_uuid(out, uuid)),
        Value::Date(days) => quoted(out, |out| write_date(out, *days)),
        Value::Time(micros) => quoted(out, |out| write_time(out, *micros)),
        Value::Timestamp(micros) => quoted(out, |out| write_timestamp(out, *micros, false)),
        Value::Interval { months, days, micros } => quoted(out, |out| write_interval(out, *months, *days, *micros)),
        Value::Array { items, .. } => {
            out.extend_from_slice(b"ARRAY[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                write_literal(out, item);
            }
            out.push(b']');
        }
    }
}

fn quoted(out: &mut Vec<u8>, inside: impl FnOnce(&mut Vec<u8>)) {
    out.push(b'\'');
    inside(out);
    out.push(b'\'');
}

/// `'it''s'`: quotes doubled, as in SQL.
fn write_quoted_text(out: &mut Vec<u8>, text: &str) {
    quoted(out, |out| out.extend_from_slice(text.replace('\'', "''").as_bytes()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_sql_literals() {
        let cases = [
            (Value::Text("yes".into()), "'yes'"),
            (Value::Text("it's".into()), "'it''s'"),
            (Value::Int(30_245_557_447), "30245557447"),
            (Value::Decimal { digits: 1250, scale: 2 }, "12.50"),
            (Value::Decimal { digits: -5, scale: 2 }, "-0.05"),
            (Value::Bool(true), "true"),
            (Value::Null, "NULL"),
            (Value::Date(0), "'2000-01-01'"),
            (Value::Timestamp(90_061_000_000), "'2000-01-02 01:01:01'"),
            (Value::Bytes(vec![1, 255]), "'\\x01ff'"),
            (Value::Array { dims: vec![2], items: vec![Value::Int(1), Value::Text("a".into())] }, "ARRAY[1, 'a']"),
        ];
        for (value, expected) in cases {
            assert_eq!(literal(&value), expected, "{value:?}");
        }
    }
}
