//! Unique key digits that ascend with the row, so a row a composite unique key drives is created
//! after its parents and its creation moment still grows with its key.
//!
//! A [`super::table::UniqueDriver`] normally permutes the row index before decomposing it, which
//! scatters the parents a key picks over their tables: row 5 may take the newest post and row 150
//! the oldest, so a row lifted to just after its parent's creation no longer grows with its key
//! (`pg_stats.correlation` of `platform_posts.created_at` was 0.33). Where the planner finds a
//! *lead* digit (a parent with a creation column and at least as many rows as the table,
//! `plan::time::ascending`), the digits are instead:
//!
//! - the lead: `floor(row * radix / rows)`, strictly increasing in the row, so the combination
//!   is unique whatever the other digits are, and row `i` of `n` takes the parent at the same
//!   share `i / n` of its table, created about as far into the span as the row itself;
//! - or, for a position key (`(post_id, position)`, [`Ascending::numbered`]), the lead where
//!   several rows share a parent, and the position the row's place among them (0..n, no gaps);
//! - a parent with a creation column: one created before the row ([`super::time::parent_before`]);
//!   a self-reference: an earlier row (the first row, itself);
//! - any other part: a uniform draw.
//!
//! Every digit is a pure function of the row index, so slices still generate alone.

use super::rng::{StreamKey, combine};
use super::time::parent_before;

/// How a driver's digits follow the row's place in the table (see the module doc).
#[derive(Debug, Clone, PartialEq)]
pub struct Ascending {
    /// The table's rows.
    pub rows: u64,
    /// The digit that grows with the row.
    pub lead: usize,
    /// The digit that numbers the rows sharing a lead value (a position), if any.
    pub numbered: Option<usize>,
    /// Each digit's kind, by position.
    pub kinds: Vec<DigitKind>,
    pub key: StreamKey,
}

/// What a digit other than the lead picks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigitKind {
    /// A parent table with a creation column: a parent created before the row.
    Before,
    /// The table itself: an earlier row.
    Earlier,
    /// Anything else: uniformly.
    Uniform,
}

impl Ascending {
    /// Row `row`'s digits, one per radix, into `out`.
    pub fn digits(&self, radices: &[u64], row: u64, out: &mut Vec<u64>) {
        out.clear();
        let rows = self.rows.max(1);
        let row = row % rows;
        let lead_radix = radices.get(self.lead).copied().unwrap_or(1).max(1);
        let lead = share_of(row, lead_radix, rows);
        for (i, &radix) in radices.iter().enumerate() {
            let key = StreamKey(combine(self.key.0, i as u64));
            let digit = match self.kinds.get(i).copied().unwrap_or(DigitKind::Uniform) {
                _ if i == self.lead => lead,
                _ if Some(i) == self.numbered => row - first_row(lead, lead_radix, rows),
                DigitKind::Before => parent_before(key, row, radix, rows).unwrap_or(0),
                DigitKind::Earlier if row > 0 => key.below(row, row.min(radix).max(1)),
                DigitKind::Earlier => 0,
                DigitKind::Uniform => key.below(row, radix.max(1)),
            };
            out.push(digit);
        }
    }
}

/// `floor(row * radix / rows)`: the value at the row's share of `radix` values.
fn share_of(row: u64, radix: u64, rows: u64) -> u64 {
    (u128::from(row) * u128::from(radix) / u128::from(rows)) as u64
}

/// The first row whose share of `radix` values is `value`: `ceil(value * rows / radix)`.
fn first_row(value: u64, radix: u64, rows: u64) -> u64 {
    (u128::from(value) * u128::from(rows)).div_ceil(u128::from(radix)) as u64
}

/// The most rows that share one lead value of `radix` among `rows` (what a position part needs).
pub fn most_per_lead(radix: u64, rows: u64) -> u64 {
    rows.div_ceil(radix.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ascending(rows: u64, kinds: Vec<DigitKind>, numbered: Option<usize>) -> Ascending {
        Ascending { rows, lead: 0, numbered, kinds, key: StreamKey(17) }
    }

    #[test]
    fn the_lead_grows_with_the_row_and_keeps_combinations_apart() {
        let a = ascending(200, vec![DigitKind::Before, DigitKind::Before], None);
        let radices = [8904, 1527];
        let mut digits = Vec::new();
        let mut seen = HashSet::new();
        let mut last = 0;
        for row in 0..200 {
            a.digits(&radices, row, &mut digits);
            assert!(digits[0] >= last && digits[0] < 8904 && digits[1] < 1527, "row {row}: {digits:?}");
            assert!(digits[1] <= (row + 1) * 1527 / 200, "row {row}: the other parent is created before it");
            last = digits[0];
            assert!(seen.insert(digits.clone()), "row {row} repeats a combination");
        }
        assert!(last > 8800, "the lead reaches the whole parent table: {last}");
    }

    #[test]
    fn positions_number_each_lead_value_s_rows_without_gaps() {
        let (parents, rows) = (7, 30);
        let a = ascending(rows, vec![DigitKind::Before, DigitKind::Uniform], Some(1));
        let radices = [parents, most_per_lead(parents, rows)];
        let mut digits = Vec::new();
        let mut positions: Vec<Vec<u64>> = vec![vec![]; parents as usize];
        let mut last = 0;
        for row in 0..rows {
            a.digits(&radices, row, &mut digits);
            assert!(digits[0] >= last && digits[1] < radices[1], "row {row}: {digits:?}");
            last = digits[0];
            positions[digits[0] as usize].push(digits[1]);
        }
        for p in positions {
            assert_eq!(p, (0..p.len() as u64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_self_reference_digit_points_at_an_earlier_row() {
        let a = ascending(100, vec![DigitKind::Before, DigitKind::Earlier], None);
        let mut digits = Vec::new();
        for row in 0..100 {
            a.digits(&[100, 100], row, &mut digits);
            assert!(digits[1] < row.max(1), "row {row}: {digits:?}");
        }
    }
}
