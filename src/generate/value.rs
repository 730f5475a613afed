//! The values generators produce and encoders consume.
//!
//! A [`Value`] is type-agnostic on purpose: generators say *what* a value is (an integer, a moment,
//! a string) and the encoders in `encode` turn it into the exact wire form of the column's type
//! (int2 vs int8, timestamp vs timestamptz, jsonb's version byte). Row buffers are reused, so a
//! `Text` slot keeps its allocation from one row to the next.

/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

#[derive(Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A decimal number: `digits * 10^-scale` (`Decimal { digits: 1234, scale: 2 }` is 12.34).
    Decimal {
        digits: i128,
        scale: u16,
    },
    /// Text, json text, enum labels, and literals of types encoded as text (inet, ltree, ...).
    Text(String),
    Bytes(Vec<u8>),
    Uuid([u8; 16]),
    /// Days since 2000-01-01, PostgreSQL's epoch.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    /// Microseconds since 2000-01-01 00:00:00 (UTC for timestamptz).
    Timestamp(i64),
    Interval {
        months: i32,
        days: i32,
        micros: i64,
    },
    /// An array, row-major: `dims` holds the length of each dimension (one entry for 1-D).
    Array {
        dims: Vec<u32>,
        items: Vec<Value>,
    },
}

/// Written out rather than derived for `clone_from`: a row slot assigned a fixed or chosen text
/// (`out.clone_from(value)`, row after row) copies into the slot's existing allocation.
impl Clone for Value {
    fn clone(&self) -> Self {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(n) => Value::Int(*n),
            Value::Float(f) => Value::Float(*f),
            Value::Decimal { digits, scale } => Value::Decimal { digits: *digits, scale: *scale },
            Value::Text(text) => Value::Text(text.clone()),
            Value::Bytes(bytes) => Value::Bytes(bytes.clone()),
            Value::Uuid(uuid) => Value::Uuid(*uuid),
            Value::Date(days) => Value::Date(*days),
            Value::Time(micros) => Value::Time(*micros),
            Value::Timestamp(micros) => Value::Timestamp(*micros),
            Value::Interval { months, days, micros } => {
                Value::Interval { months: *months, days: *days, micros: *micros }
            }
            Value::Array { dims, items } => Value::Array { dims: dims.clone(), items: items.clone() },
        }
    }

    fn clone_from(&mut self, source: &Self) {
        match (self, source) {
            (Value::Text(text), Value::Text(from)) => text.clone_from(from),
            (Value::Bytes(bytes), Value::Bytes(from)) => bytes.clone_from(from),
            (Value::Array { dims, items }, Value::Array { dims: from_dims, items: from_items }) => {
                dims.clone_from(from_dims);
                items.clone_from(from_items);
            }
            (slot, Value::Text(from)) => slot.text_mut().push_str(from),
            (slot, _) => *slot = source.clone(),
        }
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Turns this slot into an empty `Text`, keeping its allocation if it already was one, else
    /// taking a spare one (see [`Value::set_null`]).
    pub fn text_mut(&mut self) -> &mut String {
        if !matches!(self, Value::Text(_)) {
            *self = Value::Text(spare::take());
        }
        match self {
            Value::Text(text) => {
                text.clear();
                text
            }
            _ => unreachable!("the slot was just made Text"),
        }
    }

    /// Makes this slot NULL, keeping its text allocations for the next [`Value::text_mut`] on
    /// this thread: a nullable text column, or an array that shrinks, would otherwise free a
    /// string in one row and allocate it again in the next.
    pub fn set_null(&mut self) {
        spare::keep(std::mem::take(self));
    }

    /// Empty dimension and item vectors for a new array in a slot that was not one, with
    /// allocations kept by [`Value::set_null`] when there are some.
    pub fn spare_array() -> (Vec<u32>, Vec<Value>) {
        spare::take_array()
    }

    /// An interval's length in microseconds, as PostgreSQL compares intervals: a month is 30
    /// days, a day 24 hours.
    pub fn interval_micros(&self) -> Option<i128> {
        match self {
            Value::Interval { months, days, micros } => {
                Some((i128::from(*months) * 30 + i128::from(*days)) * i128::from(MICROS_PER_DAY) + i128::from(*micros))
            }
            _ => None,
        }
    }

    /// The text, if this is a `Text` value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Allocations a row buffer let go of (strings, and an array's vectors), kept for the next text or
/// array slot on the same thread. Bounded in count and size, so a burst of long values is not
/// hoarded.
mod spare {
    use std::cell::RefCell;

    use super::Value;

    /// At most this many of each kind, of at most [`MAX_BYTES`] each: 4 MiB per kind and thread.
    const MAX_KEPT: usize = 64;
    const MAX_BYTES: usize = 64 * 1024;

    #[derive(Default)]
    struct Spare {
        texts: Vec<String>,
        dims: Vec<Vec<u32>>,
        items: Vec<Vec<Value>>,
    }

    thread_local! {
        static SPARE: RefCell<Spare> = RefCell::new(Spare::default());
    }

    /// An empty string, with an allocation when one was kept.
    pub(super) fn take() -> String {
        SPARE.with(|spare| spare.borrow_mut().texts.pop()).unwrap_or_default()
    }

    /// Empty vectors for an array's dimensions and items, with allocations when some were kept.
    pub(super) fn take_array() -> (Vec<u32>, Vec<Value>) {
        SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            (spare.dims.pop().unwrap_or_default(), spare.items.pop().unwrap_or_default())
        })
    }

    /// Keeps the allocations of `value` (for an array, its vectors and its items' strings).
    pub(super) fn keep(value: Value) {
        match value {
            Value::Text(text) => {
                let bytes = text.capacity();
                SPARE.with(|spare| push_bounded(&mut spare.borrow_mut().texts, text, bytes));
            }
            Value::Array { mut dims, mut items } => {
                items.drain(..).for_each(keep);
                dims.clear();
                SPARE.with(|spare| {
                    let mut spare = spare.borrow_mut();
                    let (dims_bytes, items_bytes) = (vec_bytes(&dims), vec_bytes(&items));
                    push_bounded(&mut spare.dims, dims, dims_bytes);
                    push_bounded(&mut spare.items, items, items_bytes);
                });
            }
            _ => {}
        }
    }

    /// Keeps `item` (whose allocation is `bytes` long) unless that is empty, too large, or the
    /// kind is full.
    fn push_bounded<T>(kept: &mut Vec<T>, item: T, bytes: usize) {
        if kept.len() < MAX_KEPT && (1..=MAX_BYTES).contains(&bytes) {
            kept.push(item);
        }
    }

    #[allow(clippy::ptr_arg)] // a slice has no capacity
    fn vec_bytes<T>(vec: &Vec<T>) -> usize {
        vec.capacity() * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_from_copies_text_into_the_slot_s_allocation() {
        let mut slot = Value::Text(String::with_capacity(64));
        let before = slot.as_text().map(str::as_ptr);
        slot.clone_from(&Value::Text("pro".to_string()));
        assert_eq!(slot, Value::Text("pro".to_string()));
        assert_eq!(slot.as_text().map(str::as_ptr), before);
        let mut other = Value::Int(3);
        other.clone_from(&slot);
        assert_eq!(other, slot);
    }

    #[test]
    fn a_nulled_text_slot_s_allocation_serves_the_next_text_slot() {
        let mut slot = Value::Text(String::with_capacity(100));
        let kept = slot.as_text().map(str::as_ptr);
        slot.set_null();
        assert!(slot.is_null());
        let mut next = Value::Null;
        let text = next.text_mut();
        assert!(text.is_empty());
        assert_eq!(Some(text.as_ptr()), kept);
        assert!(text.capacity() >= 100);
    }
}
