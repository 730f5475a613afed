//! Columns that take turns: a CHECK that allows several patterns of NULLs (and of values) over a
//! few columns, `num_nonnulls(comment_id, post_id, user_id) = 1` or `(kind = 'post' AND post_id
//! IS NOT NULL AND comment_id IS NULL) OR (kind = 'comment' AND ...)`.
//!
//! Each row chooses one allowed pattern (a *branch*) first, from the row index and a key every
//! column of the group shares, so the columns agree without seeing each other; each column then
//! follows the branch: NULL, present, or free (its own NULL rate), with the branch's own generator
//! when the branch narrows its values (`kind = 'post'`). The branch does not change between
//! attempts at a row, so a child recomputing a parent's key reads what was written.

use super::column::ColumnGen;
use super::rng::StreamKey;

/// The branches a column follows, and the key that chooses one per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    /// The same for every column of the group.
    pub key: StreamKey,
    pub branches: Vec<Shape>,
}

/// What one branch asks of one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// 0: present; 1: NULL; in between: the column's own rate (the branch leaves it free).
    pub null_rate: f64,
    /// The values the branch allows, when narrower than the column's own generator's.
    pub generator: Option<ColumnGen>,
}

impl Presence {
    /// The branch row `row` follows.
    pub fn branch(&self, row: u64) -> Option<&Shape> {
        let count = self.branches.len() as u64;
        (count > 0).then(|| &self.branches[self.key.below(row, count) as usize])
    }

    /// Whether the column is NULL in row `row`; `draw` is the column's own uniform draw, for a
    /// branch that leaves it free.
    pub fn is_null(&self, row: u64, draw: impl FnOnce() -> f64) -> bool {
        match self.branch(row) {
            Some(shape) => shape.null_rate >= 1.0 || (shape.null_rate > 0.0 && draw() < shape.null_rate),
            None => false,
        }
    }

    /// The generator of row `row`'s branch, when it has its own.
    pub fn generator(&self, row: u64) -> Option<&ColumnGen> {
        self.branch(row).and_then(|shape| shape.generator.as_ref())
    }

    /// The share of rows where the column is NULL (branches are equally likely).
    pub fn null_share(&self) -> f64 {
        match self.branches.len() {
            0 => 0.0,
            n => self.branches.iter().map(|shape| shape.null_rate).sum::<f64>() / n as f64,
        }
    }
}

/// Whether two columns (or FKs) can both be set in one row: not when they follow the same
/// branches and no branch sets both (`num_nonnulls(comment_id, post_id) = 1`).
pub fn ever_together(a: Option<&Presence>, b: Option<&Presence>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if a.key == b.key && a.branches.len() == b.branches.len() => {
            a.branches.iter().zip(&b.branches).any(|(x, y)| x.null_rate < 1.0 && y.null_rate < 1.0)
        }
        _ => true,
    }
}

/// Whether a column (or FK) with NULL rate `rate` and an optional [`Presence`] is NULL in `row`:
/// a rate forced to 0 or 1 after the branches were laid (a key column, a parent with no rows) wins
/// over them; `draw` is the column's own uniform draw.
pub fn is_null(rate: f64, presence: Option<&Presence>, row: u64, draw: impl FnOnce() -> f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    if rate <= 0.0 {
        return false;
    }
    match presence {
        Some(presence) => presence.is_null(row, draw),
        None => draw() < rate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(rates: &[f64]) -> Presence {
        let branches = rates.iter().map(|&null_rate| Shape { null_rate, generator: None }).collect();
        Presence { key: StreamKey(7), branches }
    }

    #[test]
    fn columns_of_one_group_agree_on_the_branch_of_every_row() {
        // num_nonnulls(a, b) = 1: a is present in branch 0, b in branch 1.
        let (a, b) = (presence(&[0.0, 1.0]), presence(&[1.0, 0.0]));
        let mut seen = [0; 2];
        for row in 0..1000 {
            let a_null = is_null(a.null_share(), Some(&a), row, || 0.5);
            let b_null = is_null(b.null_share(), Some(&b), row, || 0.5);
            assert_ne!(a_null, b_null, "row {row}: exactly one is set");
            seen[usize::from(a_null)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 400), "both branches are used: {seen:?}");
    }

    #[test]
    fn columns_that_take_turns_are_never_set_together() {
        let (a, b, c) = (presence(&[0.0, 1.0]), presence(&[1.0, 0.0]), presence(&[0.0, 0.0]));
        assert!(!ever_together(Some(&a), Some(&b)));
        assert!(ever_together(Some(&a), Some(&c)));
        assert!(ever_together(Some(&a), None));
    }

    #[test]
    fn a_rate_forced_later_wins_over_the_branches() {
        let p = presence(&[0.0, 1.0]);
        assert!((0..100).all(|row| !is_null(0.0, Some(&p), row, || 0.0)));
        assert!((0..100).all(|row| is_null(1.0, Some(&p), row, || 0.9)));
    }
}
