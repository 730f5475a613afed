//! Foreign keys that pick a parent of the row's own tenant, found from indexes alone.
//!
//! An issue's reporter should be a user of the organization. Picking a user and then
//! checking would be generate-and-filter; instead the users are *laid out* per organization, so
//! an organization's users are one range of user indexes, and the reporter is a row of that range.
//! A layout is an FK whose pick is monotone in the row index: a fan-out ([`Picker::FanOut`],
//! `rows = { per = ... }`) or a spread ([`Picker::Spread`], rows split evenly over the parents in
//! order). Layouts compose: with episodes laid out per project and projects per organization, an
//! organization's episodes are one range too, so the descent may take several FKs.
//!
//! The tenant row itself comes from the row: another FK's parent followed along NOT NULL FKs (the
//! issue's project's organization, an [`Inherit`]), or the row itself when the row *is* the tenant
//! (an organization's owner is one of its own users). Several owners may be listed: the first that
//! gives a row wins, so a row whose first owner is NULL still picks within the next one.
//!
//! The row picked in the range may be a membership row (`team_members`), followed up to the FK's
//! parent (`through`: the member's user): a customer's owner is a member of the customer's team.
//! A composite unique key of two such FKs (a platform post's `(social_post_id, social_account_id)`)
//! picks its pair within one tenant row ([`TenantPairs`]): the combinations are numbered tenant by
//! tenant, so a permuted index names a tenant, then one parent row of each of its two ranges (and
//! the digits of the key's columns, where it has some besides the two FKs).
//! A unique key of an FK and a column (`(team_id, name)`) may be laid out too ([`KeyLayout`]): its
//! rows spread over the parents in order, the column's digit a permutation of the row's place
//! among its parent's rows, so others can pick a team's tags.
//! Everything is a pure function of the row index: no lookups, any row generates alone.

use super::inherit::Inherit;
use super::rng::{Permutation, StreamKey};
use super::table::{Dataset, Picker, TableGen};

/// How an FK picks a parent that belongs to the row's tenant (see the module doc).
#[derive(Debug, Clone, PartialEq)]
pub struct TenantPick {
    /// Where the tenant row comes from, tried in order.
    pub owners: Vec<Owner>,
    /// (table position, FK index): from the table picked in down to the tenant table, each
    /// table laid out per the next by that FK (a fan-out or a spread).
    pub descent: Vec<(usize, usize)>,
    /// (table position, FK index): from the row picked in `descent`'s first table up to the FK's
    /// parent; empty when that table is the parent itself.
    pub through: Vec<(usize, usize)>,
}

/// A tenant row's source.
#[derive(Debug, Clone, PartialEq)]
pub enum Owner {
    /// The row itself: its table is the tenant table.
    Row,
    /// The row another FK of the same row picked, followed along `hops`.
    Chain(Inherit),
}

impl Owner {
    /// The FK of the row this owner reads, if any.
    pub fn source(&self) -> Option<usize> {
        match self {
            Owner::Row => None,
            Owner::Chain(chain) => Some(chain.source),
        }
    }
}

/// The first row index of `parent`'s rows in a table of `rows` rows spread evenly over
/// `parents` parents in order (`parent == parents` gives `rows`).
pub fn spread_start(parent: u64, parents: u64, rows: u64) -> u64 {
    match parents {
        0 => 0,
        _ => ((u128::from(parent) * u128::from(rows)).div_ceil(u128::from(parents))) as u64,
    }
}

/// The parent of row `row` of a table of `rows` rows spread evenly over `parents` parents.
pub fn spread_parent(row: u64, parents: u64, rows: u64) -> Option<u64> {
    (parents > 0 && rows > 0).then(|| ((u128::from(row) * u128::from(parents)) / u128::from(rows)) as u64)
}

/// The rows `[lo, hi)` of `descent`'s first table that belong to the tenant row `tenant`.
pub fn tenant_range(tables: &[TableGen], descent: &[(usize, usize)], tenant: u64) -> (u64, u64) {
    descent.iter().rev().fold((tenant, tenant + 1), |(lo, hi), &(table, fk)| {
        (layout_start(tables, table, fk, lo), layout_start(tables, table, fk, hi))
    })
}

/// The first row of table `t` laid out under `parent` by FK `f` (a fan-out or a spread).
fn layout_start(tables: &[TableGen], t: usize, f: usize, parent: u64) -> u64 {
    let Some(table) = tables.get(t) else { return 0 };
    match (table.fks.get(f).map(|fk| &fk.picker), &table.fan_out) {
        (Some(Picker::FanOut), Some(fan)) if parent >= fan.parents => fan.total,
        (Some(Picker::FanOut), Some(fan)) => fan.start_of(parent),
        (Some(Picker::Spread { parents, rows }), _) => spread_start(parent, *parents, *rows),
        _ => 0,
    }
}

/// The pairs of a composite unique key of two FKs whose parents belong to one tenant row: the
/// combinations of each tenant row's two ranges of parent rows, numbered tenant by tenant. The
/// key may hold columns too (`(rental_date, inventory_id, customer_id)`): each pair then comes
/// with every combination of the columns' digits, so the key still never repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantPairs {
    /// One per tenant row that holds a combination, in tenant order.
    blocks: Vec<PairBlock>,
    /// The table's rows, where its rows take the pairs in creation order (see
    /// [`TenantPairs::in_creation_order`]).
    ascending_over: Option<u64>,
    /// The key's digit positions of the two FKs.
    fks: [usize; 2],
    /// The key's other digits (columns): (position, radix), in position order.
    columns: Vec<(usize, u64)>,
}

/// A tenant row's combinations: they end at `end` (counted over all blocks), the first FK's
/// range starts at `first` and holds `width` rows, the second FK's starts at `second`.
#[derive(Debug, Clone, PartialEq)]
struct PairBlock {
    end: u64,
    first: u64,
    width: u64,
    second: u64,
}

impl TenantPairs {
    /// From each tenant row's two ranges `[lo, hi)` of parent rows, in tenant order.
    pub fn new(ranges: impl Iterator<Item = ((u64, u64), (u64, u64))>) -> Self {
        let mut end = 0u64;
        let mut blocks = Vec::new();
        for ((a, a_end), (b, b_end)) in ranges {
            let (width, height) = (a_end.saturating_sub(a), b_end.saturating_sub(b));
            if width > 0 && height > 0 {
                end = end.saturating_add(width.saturating_mul(height));
                blocks.push(PairBlock { end, first: a, width, second: b });
            }
        }
        TenantPairs { blocks, ascending_over: None, fks: [0, 1], columns: Vec::new() }
    }

    /// The pairs of a key whose two FKs are its digits `fks`, and whose other digits are the
    /// columns `columns` ((position, radix)): each pair comes with every combination of those.
    pub fn with_columns(self, fks: [usize; 2], columns: Vec<(usize, u64)>) -> Self {
        TenantPairs { fks, columns, ..self }
    }

    /// Row `i` of `rows` takes combination `floor(i * capacity / rows)`: strictly increasing (the
    /// capacity holds the rows), so pairs never repeat, and spread evenly over the tenant rows in
    /// their order, so a row's parents (each tenant's laid out together, in order) grow with it, as
    /// its creation moment does (`plan::time` had made the key's digits ascend for that).
    pub fn in_creation_order(self, rows: u64) -> Self {
        TenantPairs { ascending_over: Some(rows), ..self }
    }

    /// The combination row `index` takes: its share of the capacity in creation order, else
    /// `permuted` (the driver's permutation of the index).
    pub(super) fn combination(&self, index: u64, permuted: u64) -> u64 {
        match self.ascending_over {
            Some(rows) if rows > 0 => (u128::from(index) * u128::from(self.capacity()) / u128::from(rows)) as u64,
            _ => permuted,
        }
    }

    /// How many distinct keys there are: the sum over tenant rows of the product of their counts,
    /// times the combinations of the columns' digits.
    pub fn capacity(&self) -> u64 {
        self.blocks.last().map_or(0, |b| b.end).saturating_mul(self.per_pair())
    }

    /// How many combinations of the columns' digits each pair comes with.
    fn per_pair(&self) -> u64 {
        self.columns.iter().try_fold(1u64, |acc, (_, radix)| acc.checked_mul(*radix)).unwrap_or(u64::MAX).max(1)
    }

    /// The key's digits of combination `x` (below [`TenantPairs::capacity`]), into `out` by
    /// position: the pair is `x / per_pair` (so pairs keep the order of `x`), the columns' digits
    /// the rest.
    pub(super) fn digits(&self, x: u64, out: &mut Vec<u64>) {
        let per_pair = self.per_pair();
        let (pair, mut rest) = (x / per_pair, x % per_pair);
        let at = self.blocks.partition_point(|b| b.end <= pair);
        let Some(block) = self.blocks.get(at) else { return };
        let offset = pair - at.checked_sub(1).map_or(0, |before| self.blocks[before].end);
        out.resize(2 + self.columns.len(), 0);
        let [first, second] = self.fks;
        for (position, parent) in
            [(first, block.first + offset % block.width), (second, block.second + offset / block.width)]
        {
            if let Some(digit) = out.get_mut(position) {
                *digit = parent;
            }
        }
        for &(position, radix) in &self.columns {
            if let Some(digit) = out.get_mut(position) {
                *digit = rest % radix.max(1);
            }
            rest /= radix.max(1);
        }
    }
}

/// A unique key of an FK and a column, laid out per the FK's parent: row `i` of `rows` takes the
/// parent of a spread over `parents`, and the column's digit is its place among that parent's
/// rows, permuted over the column's `values` per parent (so parents do not share one sequence).
/// Distinct rows of one parent have distinct places, so the key never repeats; `values` is at
/// least the most rows a parent holds, as the key's capacity (`parents x values >= rows`) says.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyLayout {
    pub parents: u64,
    pub rows: u64,
    pub values: u64,
    /// The FK's digit position (0 or 1); the column's is the other.
    pub fk: usize,
    pub key: StreamKey,
}

impl KeyLayout {
    /// The key's two digits for row `row`, into `out`.
    pub(super) fn digits(&self, row: u64, out: &mut Vec<u64>) {
        let parent = spread_parent(row, self.parents, self.rows).unwrap_or(0);
        let place = row.saturating_sub(spread_start(parent, self.parents, self.rows));
        let value = Permutation::new(self.values, StreamKey(self.key.word(parent))).apply(place % self.values.max(1));
        match self.fk {
            0 => out.extend([parent, value]),
            _ => out.extend([value, parent]),
        }
    }
}

impl Dataset {
    /// The first row of table `t` laid out under row `parent` by FK `f`: its founder.
    pub(super) fn first_of(&self, t: usize, f: usize, parent: u64) -> u64 {
        layout_start(&self.tables, t, f, parent)
    }

    /// The parent `pick` gives for `row`: `None` when no owner gives a tenant row, or the tenant
    /// has no row to pick (the FK then picks on its own); `Some(None)` for NULL, when the FK may be
    /// NULL and the tenant has none. `source` gives the parent row another FK of the row picked.
    pub(super) fn tenant_pick(
        &self,
        pick: &TenantPick,
        key: StreamKey,
        nullable: bool,
        row: u64,
        source: &dyn Fn(usize) -> Option<u64>,
    ) -> Option<Option<u64>> {
        // The row itself as the tenant: its owner is its first member (an organization's founder).
        let (tenant, founder) = pick.owners.iter().find_map(|owner| match owner {
            Owner::Row => Some((row, true)),
            Owner::Chain(chain) => self.follow(chain, source(chain.source)).map(|tenant| (tenant, false)),
        })?;
        let (lo, hi) = tenant_range(&self.tables, &pick.descent, tenant);
        if hi <= lo {
            return nullable.then_some(None);
        }
        let member = if founder { lo } else { lo + key.derive("tenant").below(row, hi - lo) };
        let parent = pick.through.iter().try_fold(member, |at, &(table, fk)| self.first_pick(table, at, fk));
        match parent {
            Some(parent) => Some(Some(parent)),
            None => nullable.then_some(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_ranges_hold_exactly_the_rows_of_their_parent() {
        for (rows, parents) in [(300u64, 30u64), (7, 3), (3, 7), (1000, 999), (0, 4)] {
            for parent in 0..parents {
                let (lo, hi) = (spread_start(parent, parents, rows), spread_start(parent + 1, parents, rows));
                for row in 0..rows {
                    let inside = (lo..hi).contains(&row);
                    assert_eq!(spread_parent(row, parents, rows) == Some(parent), inside, "{rows}/{parents} row {row}");
                }
            }
            assert_eq!(spread_start(parents, parents, rows), rows);
        }
    }

    /// In creation order, rows take distinct pairs, spread over every tenant, and each row's first
    /// parent never precedes the previous row's tenant block: parents grow with the row.
    #[test]
    fn tenant_pairs_in_creation_order_never_repeat_and_follow_the_tenants() {
        let pairs = TenantPairs::new([((0, 3), (0, 2)), ((3, 5), (2, 6)), ((5, 9), (6, 7))].into_iter());
        let rows = 13;
        let ordered = pairs.clone().in_creation_order(rows);
        let mut seen = std::collections::HashSet::new();
        let mut last_second = 0;
        for row in 0..rows {
            let mut out = Vec::new();
            ordered.digits(ordered.combination(row, 0), &mut out);
            assert!(seen.insert(out.clone()), "row {row} repeats {out:?}");
            assert!(out[1] >= last_second, "row {row}: {out:?} after {last_second}");
            last_second = out[1];
        }
        assert_eq!(pairs.combination(5, 11), 11, "without the order, the permuted index");
        assert!(seen.iter().any(|p| p[1] == 6), "the last tenant gets rows too: {seen:?}");
    }

    #[test]
    fn tenant_pairs_cover_each_pair_of_a_tenant_once_and_never_cross_tenants() {
        // Tenant 0: first rows 0..2, second 0..3; tenant 1 holds no first row; tenant 2: 2..5 x 3..4.
        let pairs = TenantPairs::new([((0, 2), (0, 3)), ((2, 2), (3, 3)), ((2, 5), (3, 4))].into_iter());
        assert_eq!(pairs.capacity(), 2 * 3 + 3);
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for x in 0..pairs.capacity() {
            out.clear();
            pairs.digits(x, &mut out);
            let tenant = |first: u64, second: u64| (first < 2 && second < 3) || (first >= 2 && second == 3);
            assert!(tenant(out[0], out[1]), "{x}: {out:?}");
            assert!(seen.insert(out.clone()), "{x}: {out:?} twice");
        }
    }

    /// A key of a column and two FKs (`(rental_date, inventory_id, customer_id)`): each digit at
    /// its position, the pairs still within one tenant, and no key twice.
    #[test]
    fn tenant_pairs_with_a_column_place_each_digit_and_never_repeat() {
        let pairs =
            TenantPairs::new([((0, 2), (0, 3)), ((2, 5), (3, 4))].into_iter()).with_columns([1, 2], vec![(0, 4)]);
        assert_eq!(pairs.capacity(), (2 * 3 + 3) * 4);
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for x in 0..pairs.capacity() {
            out.clear();
            pairs.digits(x, &mut out);
            let [column, first, second] = out[..] else { panic!("{x}: {out:?}") };
            assert!(column < 4, "{x}: {out:?}");
            assert!((first < 2 && second < 3) || (first >= 2 && second == 3), "{x}: {out:?}");
            assert!(seen.insert(out.clone()), "{x}: {out:?} twice");
        }
    }

    #[test]
    fn a_laid_out_key_holds_each_parents_rows_together_and_never_repeats() {
        let layout = KeyLayout { parents: 7, rows: 40, values: 6, fk: 1, key: StreamKey(9) };
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for row in 0..40 {
            out.clear();
            layout.digits(row, &mut out);
            assert_eq!(Some(out[1]), spread_parent(row, 7, 40), "row {row}");
            assert!(out[0] < 6 && seen.insert(out.clone()), "row {row}: {out:?}");
        }
    }

    #[test]
    fn spread_fills_parents_evenly() {
        let counts: Vec<u64> = (0..30).map(|p| spread_start(p + 1, 30, 856) - spread_start(p, 30, 856)).collect();
        assert!(counts.iter().all(|c| *c == 28 || *c == 29), "{counts:?}");
    }
}
