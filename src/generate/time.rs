//! Time that runs forward: gaps that look real, and creation moments that follow their parents.
//!
//! Two rules the application assumes, kept by construction (the planner decides where they apply,
//! in `plan::time`):
//!
//! - **In a row**, a later lifecycle moment (`updated_at`, `ends_at`) follows an earlier one by a
//!   [`GapSpread::Tail`] gap: most soon after, a long tail, never a constant offset, and never past
//!   the column's own span (so nothing piles up on the reference moment).
//! - **Across rows**, a table's creation column is a [`Creation`]: a closed form of the row index
//!   (so moments grow with a sequence key, as in a real table), raised to just after the creation
//!   moment of every parent the row references. A parent's moment is recomputed from its index
//!   the same way, through its own parents: pure, no lookups, and only the creation column of each
//!   ancestor is computed (never whole rows), so the cost is the number of FK paths to the roots.

use super::rng::{RowRng, StreamKey};
use super::value::MICROS_PER_DAY;

/// How a gap between two ordered values is drawn, within `min_gap..=max_gap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapSpread {
    /// Uniform (what a CHECK such as `b > a` asks for, nothing more).
    Uniform,
    /// Mostly small, with a long tail (a cubed uniform draw): updates soon after creation, a few
    /// months later. The tail is cut where the column's span ends (`room`), never clamped onto it.
    Tail,
}

impl GapSpread {
    /// A gap of at least `min_gap`, at most `max_gap` and at most `room` (when `room >= min_gap`).
    pub fn draw(self, rng: &mut RowRng, min_gap: i64, max_gap: i64, room: i128) -> i64 {
        match self {
            GapSpread::Uniform => rng.range_i64(min_gap, max_gap),
            GapSpread::Tail => {
                let cap = i128::from(max_gap).min(room).max(i128::from(min_gap));
                let u = rng.unit();
                let extra = (cap - i128::from(min_gap)) as f64 * u * u * u;
                min_gap.saturating_add(extra as i64)
            }
        }
    }
}

/// Nested parent moments computed for one row, at most: real FK graphs are far shallower; a tree's
/// self-reference chain is about ln(rows) long.
pub const MAX_TIME_DEPTH: u32 = 48;

/// A table's creation column, made from the row index and its parents' creation moments.
#[derive(Debug, Clone, PartialEq)]
pub struct Creation {
    /// The column's slot in the table's row.
    pub slot: usize,
    /// Whether the column holds dates (days) rather than timestamps (micros).
    pub date: bool,
    /// The span moments are laid out over, in micros since 2000-01-01.
    pub lo: i64,
    pub hi: i64,
    /// The FKs (indexes into `TableGen::fks`) whose parents have a creation column of their own.
    pub parents: Vec<usize>,
    pub key: StreamKey,
    /// The FK (one of `parents`) whose parent is owned by its first row here, across an FK cycle
    /// (an organization's owner is its first user): that row is created with the parent, at the
    /// same moment, so each follows the other ([`super::tenant`] picks the owner).
    pub founder: Option<usize>,
    /// The back edges (table, FK) of a cycle into this table ([`super::back_edge`]): a row they
    /// take when none was created before theirs is held at or before the earliest such row.
    pub back_edges: Vec<(usize, usize)>,
}

impl Creation {
    /// Row `row`'s own moment of `rows`: spread evenly over the span in index order, jittered
    /// within its share, so moments grow with the key.
    pub fn base(&self, row: u64, rows: u64) -> i64 {
        let share = (row as f64 + self.key.unit(row)) / rows.max(1) as f64;
        let span = (self.hi - self.lo).max(0) as f64;
        self.lo + (span * share.min(1.0)) as i64
    }

    /// The moment of a row whose parents' latest creation moment is `latest`: its own moment,
    /// or a short tail gap after `latest` when that is later; never outside the span (which the
    /// column's type, CHECKs and partition bounds set).
    pub fn moment(&self, row: u64, rows: u64, latest: Option<i64>) -> i64 {
        let own = self.base(row, rows);
        let Some(latest) = latest.filter(|l| *l >= own) else { return own };
        let mut rng = RowRng::at(self.key.derive("after parent"), row);
        let room = i128::from(self.hi) - i128::from(latest);
        let gap = GapSpread::Tail.draw(&mut rng, 0, 2 * MICROS_PER_DAY, room);
        // A parent past this span (a narrower CHECK here) cannot be followed: the CHECK wins.
        latest.saturating_add(gap).min(self.hi)
    }

    /// A moment in the column's own unit: dates round up, so a date is never before a parent's
    /// timestamp.
    pub fn in_unit(&self, micros: i64) -> super::Value {
        match self.date {
            true => super::Value::Date(
                micros.div_euclid(MICROS_PER_DAY) as i32 + i32::from(micros.rem_euclid(MICROS_PER_DAY) > 0),
            ),
            false => super::Value::Timestamp(micros),
        }
    }
}

/// The parent row `row` of `rows` picks among the first parents in proportion to its place in its
/// table (see `Picker::Before`); `None` when there are no parents.
pub fn parent_before(key: StreamKey, row: u64, parents: u64, rows: u64) -> Option<u64> {
    if parents == 0 {
        return None;
    }
    let bound = (u128::from(row) + 1).saturating_mul(u128::from(parents)).div_ceil(u128::from(rows.max(1)));
    Some(key.below(row, u64::try_from(bound).unwrap_or(parents).clamp(1, parents)))
}

/// `value` as a moment of `unit` when it is a moment of the other calendar unit (a date as its
/// midnight, a timestamp as the next midnight's date, so the order holds), else `None`.
pub fn converted(value: &super::Value, unit: super::column::MomentUnit) -> Option<super::Value> {
    use super::column::MomentUnit;
    match (value, unit) {
        (super::Value::Date(d), MomentUnit::Timestamp) => Some(super::Value::Timestamp(i64::from(*d) * MICROS_PER_DAY)),
        (super::Value::Timestamp(t), MomentUnit::Date) => {
            Some(super::Value::Date(t.div_euclid(MICROS_PER_DAY) as i32 + i32::from(t.rem_euclid(MICROS_PER_DAY) > 0)))
        }
        _ => None,
    }
}

/// A moment in micros from a value a creation column holds (a date counts from its midnight).
pub fn micros_of(value: &super::Value) -> Option<i64> {
    match value {
        super::Value::Timestamp(t) => Some(*t),
        super::Value::Date(d) => Some(i64::from(*d) * MICROS_PER_DAY),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creation() -> Creation {
        Creation {
            slot: 0,
            date: false,
            lo: 0,
            hi: 1000 * MICROS_PER_DAY,
            parents: vec![],
            key: StreamKey(7),
            founder: None,
            back_edges: vec![],
        }
    }

    #[test]
    fn tail_gaps_are_mostly_small_never_constant_and_stay_in_room() {
        let gaps: Vec<i64> =
            (0..2000).map(|i| GapSpread::Tail.draw(&mut RowRng::at(StreamKey(3), i), 0, 1000, 600)).collect();
        assert!(gaps.iter().all(|g| (0..=600).contains(g)), "room caps the tail");
        let small = gaps.iter().filter(|g| **g < 100).count();
        assert!(small > 1000, "most gaps are small: {small}");
        assert!(gaps.iter().any(|g| *g > 400), "a long tail");
        let mut distinct = gaps.clone();
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() > 300, "not a constant offset");
    }

    #[test]
    fn base_moments_grow_with_the_row_index() {
        let c = creation();
        let moments: Vec<i64> = (0..500).map(|row| c.base(row, 500)).collect();
        assert!(moments.windows(2).all(|w| w[0] <= w[1]));
        assert!(moments[0] >= c.lo && moments[499] <= c.hi);
    }

    #[test]
    fn a_row_comes_after_its_latest_parent_within_the_span() {
        let c = creation();
        for row in 0..300 {
            let parent = c.hi - (row as i64) * MICROS_PER_DAY / 7;
            let moment = c.moment(row, 300, Some(parent));
            assert!(moment >= parent && moment <= c.hi, "row {row}");
        }
        assert_eq!(c.moment(3, 300, None), c.base(3, 300));
        assert_eq!(c.moment(3, 300, Some(c.hi + 5)), c.hi, "a CHECK's bound wins over a later parent");
    }

    #[test]
    fn parents_picked_before_a_row_lie_in_its_share_of_the_parents() {
        let key = StreamKey(11);
        for row in 0..1000 {
            let parent = parent_before(key, row, 50, 1000).unwrap();
            assert!(parent < (row + 1) * 50 / 1000 + 1, "row {row}: {parent}");
        }
        assert_eq!(parent_before(key, 5, 0, 10), None);
        let last: std::collections::HashSet<u64> =
            (900..1000).filter_map(|r| parent_before(key, r, 50, 1000)).collect();
        assert!(last.len() > 30, "late rows reach the whole parent table: {}", last.len());
    }

    #[test]
    fn dates_round_up_so_they_never_precede_a_timestamp() {
        let c = Creation { date: true, ..creation() };
        assert_eq!(c.in_unit(MICROS_PER_DAY), super::super::Value::Date(1));
        assert_eq!(c.in_unit(MICROS_PER_DAY + 1), super::super::Value::Date(2));
    }
}
