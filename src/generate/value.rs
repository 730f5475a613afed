//! The values generators produce and encoders consume.
//!
//! A [`Value`] is type-agnostic on purpose: generators say *what* a value is (an integer, a moment,
//! a string) and the encoders in `encode` turn it into the exact wire form of the column's type
//! (int2 vs int8, timestamp vs timestamptz, jsonb's version byte). Row buffers are reused, so a
//! `Text` slot keeps its allocation from one row to the next.

/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

#[derive(Debug, Clone, PartialEq, Default)]
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

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Turns this slot into an empty `Text`, keeping its allocation if it already was one.
    pub fn text_mut(&mut self) -> &mut String {
        if !matches!(self, Value::Text(_)) {
            *self = Value::Text(String::new());
        }
        match self {
            Value::Text(text) => {
                text.clear();
                text
            }
            _ => unreachable!("the slot was just made Text"),
        }
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
