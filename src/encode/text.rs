//! COPY TEXT: tab-separated fields, `\N` for NULL, one row per line, every value in its type's
//! input syntax. The fallback for tables with a column [`binary`](super::binary) cannot encode:
//! any type's literal (inet, ranges, composites, extension types) passes through as text.
//!
//! Each field is rendered straight into the output buffer. Values that may hold arbitrary text
//! (strings, literals, bytea, arrays) are then scanned once, and only one that holds a backslash,
//! tab, newline or carriage return is rewritten with COPY's escapes (via a reused scratch buffer). Array elements are quoted the same way, by array rules, before the
//! whole field is COPY-escaped, so `a"b` in a text[] becomes `{"a\"b"}` then `{"a\\"b"}`.

use super::ascii::{write_f32, write_f64, write_hex, write_i64, write_padded, write_u64, write_uuid};
use super::datetime::{write_date, write_interval, write_time, write_timestamp};
use super::numeric::Num;
use super::scalar::{Sink, array_items, encode};
use super::{DEFAULT_FLUSH_BYTES, EncodeError, Frame, RowWriter};
use crate::generate::Value;
use crate::schema::{PgType, TypeKind};

/// Writes rows in COPY TEXT format into a reused buffer.
#[derive(Debug)]
pub struct TextRowWriter {
    frame: Frame,
    scratch: Vec<u8>,
    first_field: bool,
}

impl Default for TextRowWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl TextRowWriter {
    pub fn new() -> Self {
        Self::with_flush_threshold(DEFAULT_FLUSH_BYTES)
    }

    /// A writer whose [`is_full`](RowWriter::is_full) turns true at `bytes` buffered bytes.
    pub fn with_flush_threshold(bytes: usize) -> Self {
        TextRowWriter { frame: Frame::new(bytes), scratch: Vec::new(), first_field: true }
    }
}

/// Checked values in PostgreSQL's input syntax (before COPY escaping), appended to the row buffer.
struct Out<'a> {
    buf: &'a mut Vec<u8>,
    /// Set when arbitrary text was written, which may need COPY escapes; numbers, dates and
    /// the like never do, and skip the scan.
    free_text: bool,
}

impl<'a> Out<'a> {
    fn new(buf: &'a mut Vec<u8>) -> Self {
        Out { buf, free_text: false }
    }
}

impl Sink for Out<'_> {
    fn bool(&mut self, v: bool) {
        self.buf.push(if v { b't' } else { b'f' });
    }
    fn int2(&mut self, v: i16) {
        write_i64(self.buf, i64::from(v));
    }
    fn int4(&mut self, v: i32) {
        write_i64(self.buf, i64::from(v));
    }
    fn int8(&mut self, v: i64) {
        write_i64(self.buf, v);
    }
    fn float4(&mut self, v: f32) {
        write_f32(self.buf, v);
    }
    fn float8(&mut self, v: f64) {
        write_f64(self.buf, v);
    }
    fn numeric(&mut self, v: &Num) {
        v.write_text(self.buf);
    }
    fn money(&mut self, cents: i64) {
        write_money(self.buf, cents);
    }
    fn text(&mut self, s: &str) {
        self.free_text = true;
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn jsonb(&mut self, s: &str) {
        self.free_text = true;
        self.buf.extend_from_slice(s.as_bytes());
    }
    /// bytea's hex format; the backslash is doubled later by COPY escaping.
    fn bytes(&mut self, b: &[u8]) {
        self.free_text = true;
        self.buf.extend_from_slice(b"\\x");
        write_hex(self.buf, b);
    }
    fn uuid(&mut self, u: &[u8; 16]) {
        write_uuid(self.buf, u);
    }
    fn date(&mut self, days: i32) {
        write_date(self.buf, days);
    }
    fn time(&mut self, micros: i64) {
        write_time(self.buf, micros);
    }
    fn timestamp(&mut self, micros: i64, with_zone: bool) {
        write_timestamp(self.buf, micros, with_zone);
    }
    fn interval(&mut self, months: i32, days: i32, micros: i64) {
        write_interval(self.buf, months, days, micros);
    }
    fn oid(&mut self, oid: u32) {
        write_u64(self.buf, u64::from(oid));
    }
    fn time_tz(&mut self, micros: i64) -> bool {
        write_time(self.buf, micros);
        self.buf.extend_from_slice(b"+00");
        true
    }
    fn literal(&mut self, s: &str) -> bool {
        self.free_text = true;
        self.buf.extend_from_slice(s.as_bytes());
        true
    }
}

/// Writes a non-NULL `value` in `ty`'s input syntax, before COPY escaping. Returns whether it
/// may hold arbitrary text (which COPY escaping must then scan).
fn write_input(buf: &mut Vec<u8>, scratch: &mut Vec<u8>, value: &Value, ty: &PgType) -> Result<bool, EncodeError> {
    match ty.base_kind() {
        TypeKind::Array { element, .. } => write_array(buf, scratch, value, element, ty).map(|()| true),
        _ => {
            let mut out = Out::new(buf);
            encode(value, ty, &mut out)?;
            Ok(out.free_text)
        }
    }
}

/// `{...}` with nested braces per dimension; elements quoted by array rules.
fn write_array(
    buf: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    value: &Value,
    element: &PgType,
    ty: &PgType,
) -> Result<(), EncodeError> {
    let (dims, items) = array_items(value, ty)?;
    if items.is_empty() {
        buf.extend_from_slice(b"{}");
        return Ok(());
    }
    // box is the one built-in type whose array delimiter is not a comma.
    let delimiter = if matches!(element.base_kind(), TypeKind::Box) { b';' } else { b',' };
    write_level(buf, scratch, dims, items, element, delimiter)
}

fn write_level(
    buf: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    dims: &[u32],
    items: &[Value],
    element: &PgType,
    delimiter: u8,
) -> Result<(), EncodeError> {
    buf.push(b'{');
    let chunk = items.len() / dims[0] as usize;
    for (i, part) in items.chunks(chunk).enumerate() {
        if i > 0 {
            buf.push(delimiter);
        }
        match dims.len() {
            1 => write_element(buf, scratch, &part[0], element, delimiter)?,
            _ => write_level(buf, scratch, &dims[1..], part, element, delimiter)?,
        }
    }
    buf.push(b'}');
    Ok(())
}

fn write_element(
    buf: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    item: &Value,
    element: &PgType,
    delimiter: u8,
) -> Result<(), EncodeError> {
    match item {
        Value::Null => buf.extend_from_slice(b"NULL"),
        Value::Array { .. } => {
            return Err(EncodeError::invalid(item, element, "arrays are flat: use dims for nesting"));
        }
        _ => {
            let start = buf.len();
            encode(item, element, &mut Out::new(buf))?;
            quote_element(buf, start, scratch, delimiter);
        }
    }
    Ok(())
}

/// A composite type's literal, `(12,"some text",2024-01-01)`: each field in its type's input
/// syntax (arrays and nested composites included), quoted by `record_in`'s rules, a NULL field
/// left empty. Without COPY's escapes: a composite column's value is this text, and the row
/// writer escapes it like any other field.
pub fn write_record<'a>(
    fields: impl IntoIterator<Item = (&'a Value, &'a PgType)>,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let mut scratch = Vec::new();
    out.push(b'(');
    for (i, (value, ty)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if !value.is_null() {
            let start = out.len();
            write_input(out, &mut scratch, value, ty)?;
            quote_field(out, start, &mut scratch);
        }
    }
    out.push(b')');
    Ok(())
}

/// `-12.34`: money's input reads a plain decimal (no currency symbol needed).
fn write_money(out: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        out.push(b'-');
    }
    let abs = cents.unsigned_abs();
    write_u64(out, abs / 100);
    out.push(b'.');
    write_padded(out, abs % 100, 2);
}

/// Applies COPY TEXT escapes to `out[start..]`: `\\`, `\t`, `\n`, `\r`.
fn escape_copy(out: &mut Vec<u8>, start: usize, scratch: &mut Vec<u8>) {
    // Branch-free per chunk so it vectorizes; other control bytes only cost a slower copy.
    let special = |chunk: &[u8]| chunk.iter().fold(false, |any, &b| any | (b == b'\\') | (b < 0x0E));
    if !out[start..].chunks(64).any(special) {
        return;
    }
    scratch.clear();
    scratch.extend_from_slice(&out[start..]);
    out.truncate(start);
    out.reserve(scratch.len() * 2);
    for &b in scratch.iter() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// Quotes the array element `out[start..]` if `array_in` would misread it bare: empty, `NULL` in
/// any case, or holding braces, quotes, backslashes, the delimiter or ASCII whitespace.
fn quote_element(out: &mut Vec<u8>, start: usize, scratch: &mut Vec<u8>, delimiter: u8) {
    let element = &out[start..];
    let special = |chunk: &[u8]| {
        chunk.iter().fold(false, |any, &b| {
            let space = (b == b' ') | (b.wrapping_sub(b'\t') < 5); // \t \n \v \f \r
            any | space | (b == b'{') | (b == b'}') | (b == b'"') | (b == b'\\') | (b == delimiter)
        })
    };
    if !element.is_empty() && !element.eq_ignore_ascii_case(b"NULL") && !element.chunks(64).any(special) {
        return;
    }
    scratch.clear();
    scratch.extend_from_slice(element);
    out.truncate(start);
    out.reserve(scratch.len() * 2 + 2);
    out.push(b'"');
    for &b in scratch.iter() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Quotes the composite field `out[start..]` if `record_in` would misread it bare: empty (that
/// is NULL), or holding parentheses, commas, quotes, backslashes or ASCII whitespace. Inside
/// quotes, `"` and `\` are doubled, as `record_out` writes them.
fn quote_field(out: &mut Vec<u8>, start: usize, scratch: &mut Vec<u8>) {
    let field = &out[start..];
    let special = |b: &u8| matches!(b, b'(' | b')' | b',' | b'"' | b'\\' | b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    if !field.is_empty() && !field.iter().any(special) {
        return;
    }
    scratch.clear();
    scratch.extend_from_slice(field);
    out.truncate(start);
    out.reserve(scratch.len() * 2 + 2);
    out.push(b'"');
    for &b in scratch.iter() {
        if b == b'"' || b == b'\\' {
            out.push(b);
        }
        out.push(b);
    }
    out.push(b'"');
}

impl RowWriter for TextRowWriter {
    fn copy_options(&self) -> &'static str {
        ""
    }

    /// Text COPY has no header.
    fn header(&mut self) {}

    fn begin_row(&mut self, _field_count: i16) {
        self.frame.row_start = self.frame.buf.len();
        self.first_field = true;
    }

    fn field(&mut self, value: &Value, ty: &PgType) -> Result<(), EncodeError> {
        if !std::mem::take(&mut self.first_field) {
            self.frame.buf.push(b'\t');
        }
        if value.is_null() {
            self.frame.buf.extend_from_slice(b"\\N");
            return Ok(());
        }
        let start = self.frame.buf.len();
        let free_text = write_input(&mut self.frame.buf, &mut self.scratch, value, ty)?;
        if free_text {
            escape_copy(&mut self.frame.buf, start, &mut self.scratch);
        }
        Ok(())
    }

    fn end_row(&mut self) {
        self.frame.buf.push(b'\n');
    }

    fn cancel_row(&mut self) {
        self.frame.buf.truncate(self.frame.row_start);
    }

    /// Nothing: the end of the COPY data is the protocol's CopyDone, not `\.`.
    fn trailer(&mut self) {}

    fn frame(&self) -> &Frame {
        &self.frame
    }

    fn frame_mut(&mut self) -> &mut Frame {
        &mut self.frame
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
