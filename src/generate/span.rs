//! The span of values a generator keeps to, in its values' own units.
//!
//! A column that follows another (`b > a`, [`ColumnGen::After`]) is the other's value plus a gap,
//! which knows nothing of `b`'s own type or bounds: `a` near the top of `int` pushes `b` past it.
//! The planner caps what `b` follows so the smallest gap still fits ([`ColumnGen::cap_high`]),
//! and the generated value is clamped into `b`'s span ([`clamp_into`]), which keeps the order.

use super::column::{ColumnGen, MomentUnit};
use super::value::Value;

/// What a span counts: plain integers, scaled decimal digits, or days or microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    Int,
    Decimal(u16),
    Moment(MomentUnit),
}

/// The lowest and highest value a generator gives, in `kind` units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub kind: SpanKind,
    pub lo: i128,
    pub hi: i128,
}

impl ColumnGen {
    /// The generator under any [`ColumnGen::After`]: the column's own kind of value.
    pub fn underlying(&self) -> &ColumnGen {
        match self {
            ColumnGen::After { fallback, .. }
            | ColumnGen::When { then: fallback, .. }
            | ColumnGen::Staged { otherwise: fallback, .. } => fallback.underlying(),
            other => other,
        }
    }

    /// The span of the values this generator (or the one under it) keeps to, if bounded.
    pub fn span(&self) -> Option<Span> {
        let (kind, lo, hi) = match self.underlying() {
            ColumnGen::Int { lo, hi, .. } => (SpanKind::Int, i128::from(*lo), i128::from(*hi)),
            ColumnGen::Decimal { lo, hi, scale } => (SpanKind::Decimal(*scale), *lo, *hi),
            ColumnGen::Moment { lo, hi, unit } => (SpanKind::Moment(*unit), i128::from(*lo), i128::from(*hi)),
            _ => return None,
        };
        Some(Span { kind, lo, hi })
    }

    /// Lowers the highest value to `cap` (and the lowest, if it was above) when this generator's
    /// span counts in `kind`; whether anything changed.
    pub fn cap_high(&mut self, kind: SpanKind, cap: i128) -> bool {
        if self.span().is_none_or(|span| span.kind != kind || span.hi <= cap) {
            return false;
        }
        match self {
            ColumnGen::After { fallback, .. } | ColumnGen::When { then: fallback, .. } => fallback.cap_high(kind, cap),
            ColumnGen::Staged { then, otherwise, .. } => {
                let changed = then.cap_high(kind, cap);
                otherwise.cap_high(kind, cap) || changed
            }
            ColumnGen::Int { lo, hi, .. } | ColumnGen::Moment { lo, hi, .. } => {
                let cap = i64::try_from(cap).unwrap_or(i64::MIN);
                *hi = cap;
                *lo = (*lo).min(cap);
                true
            }
            ColumnGen::Decimal { lo, hi, .. } => {
                *hi = cap;
                *lo = (*lo).min(cap);
                true
            }
            _ => false,
        }
    }
}

impl Span {
    /// `value` counted in this span's units, when it is that kind of value.
    pub fn units_of(&self, value: &Value) -> Option<i128> {
        match (value, self.kind) {
            (Value::Int(i), SpanKind::Int) => Some(i128::from(*i)),
            (Value::Decimal { digits, scale }, SpanKind::Decimal(s)) if *scale == s => Some(*digits),
            (Value::Date(d), SpanKind::Moment(MomentUnit::Date)) => Some(i128::from(*d)),
            (Value::Timestamp(t), SpanKind::Moment(MomentUnit::Timestamp))
            | (Value::Time(t), SpanKind::Moment(MomentUnit::Time)) => Some(i128::from(*t)),
            _ => None,
        }
    }
}

/// Moves `value` into `span` when it counts in the span's units (otherwise leaves it alone).
pub fn clamp_into(value: &mut Value, span: Span) {
    let clamp = |x: i128| x.clamp(span.lo, span.hi.max(span.lo));
    match (value, span.kind) {
        (Value::Int(i), SpanKind::Int) => *i = clamp(i128::from(*i)) as i64,
        (Value::Decimal { digits, scale }, SpanKind::Decimal(s)) if *scale == s => *digits = clamp(*digits),
        (Value::Date(d), SpanKind::Moment(MomentUnit::Date)) => *d = clamp(i128::from(*d)) as i32,
        (Value::Timestamp(t), SpanKind::Moment(MomentUnit::Timestamp))
        | (Value::Time(t), SpanKind::Moment(MomentUnit::Time)) => *t = clamp(i128::from(*t)) as i64,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capping_reaches_under_after_and_keeps_kinds_apart() {
        let int = ColumnGen::Int { lo: -10, hi: 10, spread: crate::generate::column::IntSpread::Uniform };
        let spread = crate::generate::time::GapSpread::Uniform;
        let mut after = ColumnGen::After { column: 0, min_gap: 1, max_gap: 5, fallback: Box::new(int), spread };
        assert!(!after.cap_high(SpanKind::Moment(MomentUnit::Date), 3));
        assert!(after.cap_high(SpanKind::Int, 3));
        assert_eq!(after.span(), Some(Span { kind: SpanKind::Int, lo: -10, hi: 3 }));
        assert!(!after.cap_high(SpanKind::Int, 7), "a higher cap changes nothing");
    }

    #[test]
    fn values_are_clamped_in_their_own_units() {
        let span = Span { kind: SpanKind::Moment(MomentUnit::Date), lo: 0, hi: 100 };
        let mut date = Value::Date(130);
        clamp_into(&mut date, span);
        assert_eq!(date, Value::Date(100));
        let mut int = Value::Int(130);
        clamp_into(&mut int, span);
        assert_eq!(int, Value::Int(130), "an Int is not counted in days");
    }
}
