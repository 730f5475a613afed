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

/// Text allocations a row buffer let go of, kept for the next text slot on the same thread.
/// Bounded in count and size, so a burst of long values is not hoarded.
mod spare {
    use std::cell::RefCell;

    use super::Value;

    const MAX_KEPT: usize = 256;
    const MAX_CAPACITY: usize = 64 * 1024;

    thread_local! {
        static SPARE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    /// An empty string, with an allocation when one was kept.
    pub(super) fn take() -> String {
        SPARE.with(|spare| spare.borrow_mut().pop()).unwrap_or_default()
    }

    /// Keeps the text allocations of `value` (its items', for an array); drops the rest.
    pub(super) fn keep(value: Value) {
        match value {
            Value::Text(text) if (1..=MAX_CAPACITY).contains(&text.capacity()) => SPARE.with(|spare| {
                let mut spare = spare.borrow_mut();
                if spare.len() < MAX_KEPT {
                    spare.push(text);
                }
            }),
            Value::Array { items, .. } => items.into_iter().for_each(keep),
            _ => {}
        }
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
