//! COPY wire formats (binary and text) for generated values.
//!
//! `generate` produces rows of type-agnostic [`Value`]s; this module turns them into the bytes of a
//! `COPY ... FROM STDIN` stream for columns of known [`PgType`]s, and `load` sends those bytes.
//!
//! Two formats, chosen per table with [`table_uses_binary`]:
//! - [`BinaryRowWriter`] writes COPY BINARY. It is the default because the server skips parsing
//!   text: on a 1M-row load binary COPY saved ~31% of server CPU, and the server is the bottleneck.
//! - [`TextRowWriter`] writes COPY TEXT. It is the fallback for tables with a column we cannot encode
//!   in binary (inet, ranges, composites, extension types...): text COPY accepts any type's literal.
//!
//! Both writers check each value against its column type the same way (module `scalar`), so a value
//! that does not fit (text in an int4 column, 300 characters in a varchar(10)) is an
//! [`EncodeError`] whichever format is used, before the server sees it. Neither allocates per value:
//! rows are written into one reused buffer that the caller sends (by reference) and clears about
//! every MiB.

mod ascii;
mod binary;
mod datetime;
mod literal;
mod numeric;
mod scalar;
mod text;

#[cfg(test)]
mod bench;

/// For unit tests of the writers: what `f` writes, as text.
#[cfg(test)]
fn written(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8(out).expect("writers write UTF-8")
}

use bytes::Bytes;

pub use binary::BinaryRowWriter;
pub use literal::literal;
pub use text::{TextRowWriter, write_record};

use crate::generate::Value;
use crate::schema::PgType;

/// Buffered bytes past which [`RowWriter::is_full`] asks the caller to send them.
pub const DEFAULT_FLUSH_BYTES: usize = 1 << 20;

/// Why a value could not be encoded for its column. The caller adds the table and column.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("cannot store {value} in a column of type {ty}")]
    Mismatch { value: String, ty: String },
    #[error("{value} is out of range for type {ty}")]
    OutOfRange { value: String, ty: String },
    #[error("a value of {chars} characters is too long for type {ty}; generate at most {max}")]
    TooLong { chars: usize, max: usize, ty: String },
    #[error("{value} does not fit type {ty}: {detail}")]
    NumericOverflow { value: String, ty: String, detail: String },
    #[error("invalid value {value} for type {ty}: {reason}")]
    Invalid { value: String, ty: String, reason: String },
    #[error(
        "type {ty} has no binary COPY encoding in seed; load this table with text COPY \
         (see encode::table_uses_binary)"
    )]
    NoBinary { ty: String },
}

impl EncodeError {
    pub(crate) fn mismatch(value: &Value, ty: &PgType) -> Self {
        EncodeError::Mismatch { value: literal(value), ty: ty.name.clone() }
    }

    pub(crate) fn out_of_range(value: &Value, ty: &PgType) -> Self {
        EncodeError::OutOfRange { value: literal(value), ty: ty.name.clone() }
    }

    pub(crate) fn invalid(value: &Value, ty: &PgType, reason: impl Into<String>) -> Self {
        EncodeError::Invalid { value: literal(value), ty: ty.name.clone(), reason: reason.into() }
    }
}

/// Whether a table whose columns have these types can be loaded with binary COPY.
pub fn table_uses_binary(types: &[&PgType]) -> bool {
    types.iter().all(|ty| ty.binary_supported())
}

/// What `load` needs from either format: frame rows into a reused buffer, hand the bytes over.
///
/// A stream is `header`, then per row `begin_row`, one `field` per column and `end_row`, then
/// `trailer`. Whenever [`is_full`](RowWriter::is_full), send [`buffer`](RowWriter::buffer) and
/// [`clear`](RowWriter::clear) it (or [`take`](RowWriter::take) the bytes).
pub trait RowWriter {
    /// The options of the COPY statement for this format, e.g. `(FORMAT binary)`.
    fn copy_options(&self) -> &'static str;
    fn header(&mut self);
    fn begin_row(&mut self, field_count: i16);
    /// Encodes one value. On error the buffer holds a partial row: call `cancel_row`.
    fn field(&mut self, value: &Value, ty: &PgType) -> Result<(), EncodeError>;
    fn end_row(&mut self);
    /// Removes the row begun last (after a failed `field`).
    fn cancel_row(&mut self);
    fn trailer(&mut self);
    /// The writer's buffer: the same for both formats.
    fn frame(&self) -> &Frame;
    fn frame_mut(&mut self) -> &mut Frame;
    /// Bytes buffered and not yet taken.
    fn len(&self) -> usize {
        self.frame().buf.len()
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether the buffer has reached the flush threshold.
    fn is_full(&self) -> bool {
        self.frame().buf.len() >= self.frame().flush_at
    }
    /// The buffered bytes, to send by reference and then [`clear`](RowWriter::clear).
    fn buffer(&self) -> &[u8] {
        &self.frame().buf
    }
    /// Empties the buffer, keeping its allocation.
    fn clear(&mut self) {
        let frame = self.frame_mut();
        frame.buf.clear();
        frame.row_start = 0;
    }
    /// The buffered bytes without a copy, for sending from another task; the writer starts a new
    /// buffer of the same capacity (one allocation per MiB). Call between rows.
    fn take(&mut self) -> Bytes {
        let frame = self.frame_mut();
        frame.row_start = 0;
        let fresh = Vec::with_capacity(frame.buf.capacity());
        Bytes::from(std::mem::replace(&mut frame.buf, fresh))
    }
}

/// The reused buffer rows are framed into, and where the current row began (to cancel it).
#[derive(Debug)]
pub struct Frame {
    pub(crate) buf: Vec<u8>,
    pub(crate) row_start: usize,
    flush_at: usize,
}

impl Frame {
    fn new(flush_at: usize) -> Self {
        Frame { buf: Vec::with_capacity(flush_at + flush_at / 8), row_start: 0, flush_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::TypeKind;

    #[test]
    fn binary_only_when_every_column_supports_it() {
        let int = PgType::new(23, "integer", TypeKind::Int4);
        let inet = PgType::new(869, "inet", TypeKind::Inet);
        assert!(table_uses_binary(&[&int]));
        assert!(!table_uses_binary(&[&int, &inet]));
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let err = EncodeError::mismatch(&Value::Text("é".repeat(100)), &PgType::new(23, "integer", TypeKind::Int4));
        let message = err.to_string();
        assert!(message.chars().count() < 140, "{message}");
        assert!(message.ends_with("in a column of type integer"));
    }
}
