//! Foreign keys that copy their parent from a related row, so rows agree on their tenant or owner.
//!
//! A message has `session_id` and `organization_id`; its session has `organization_id` too. Picked
//! on their own the two would disagree (a message of one organization in another's session). An
//! [`Inherit`] makes the second FK follow the first: from the parent *index* the source FK picked,
//! recompute which row the parent's own FK picked (and so on along the chain), and take that row.
//! Every step is the pure pick of the intermediate table at the first attempt (the planner only
//! builds chains through tables whose rows are always made at the first attempt), so nothing is
//! looked up and any row can still be generated alone.

use super::table::Dataset;

/// How an FK takes its parent from another FK of the same row.
#[derive(Debug, Clone, PartialEq)]
pub struct Inherit {
    /// The FK of the same table whose parent the chain starts from.
    pub source: usize,
    /// (table position, FK index in that table): the FKs followed from the source's parent; the
    /// last one references this FK's parent table over the same columns.
    pub hops: Vec<(usize, usize)>,
}

impl Dataset {
    /// The row `inherit` ends at, from the parent row its source FK picked; `None` when the source
    /// is NULL or a step has no row: the FK then picks on its own.
    pub(super) fn follow(&self, inherit: &Inherit, source: Option<u64>) -> Option<u64> {
        inherit.hops.iter().try_fold(source?, |row, &(table, fk)| self.first_pick(table, row, fk))
    }
}
