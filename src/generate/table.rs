//! Whole rows: keys computed from the row index, foreign keys recomputed from a parent index.
//!
//! A [`Dataset`] holds one [`TableGen`] per planned table. A row is filled in three steps:
//! foreign keys (pick a parent *index* by the relationship's [`Picker`], then recompute that
//! parent's key columns: no key pools, no lookups; an FK that inherits its parent follows another
//! FK's pick instead, see [`super::inherit`], and one kept within the row's tenant picks in that
//! tenant's range of parent rows, see [`super::tenant`]), then the other columns in dependency order.
//! Unique keys over several columns are satisfied by [`UniqueDriver`]: a keyed permutation of the
//! row index decomposed in mixed radix, one digit per key part (a join table's pairs).

use rand::distr::Distribution;
use rand_distr::Zipf;

use super::ascending::Ascending;
use super::column::{ColumnGen, weighted_index};
use super::inherit::Inherit;
use super::presence::{self, Presence};
use super::rng::{Permutation, RowRng, StreamKey};
use super::tenant::{KeyLayout, TenantPairs, TenantPick};
use super::time::{Creation, MAX_TIME_DEPTH};
use super::value::Value;
use crate::profile::Count;

/// Parents per block of the fan-out prefix sums: memory is `parents / BLOCK` words (2 bytes a
/// parent row), and a random access ([`FanOut::locate`], what children following a chain through
/// this table and creation moments recomputed from parents do) walks up to `BLOCK` parents, each
/// a zipf draw. 4, not 16: since rows recompute their parents' creation moments, that walk was
/// 4% of the client's instructions on bench/creator.toml (callgrind: 1.351 -> 1.273 billion).
const BLOCK: u64 = 4;

#[derive(Debug, Clone)]
pub struct TableGen {
    pub rows: u64,
    pub columns: Vec<ColumnSlot>,
    /// Indexes of the columns not filled by a foreign key, in the order they are generated.
    pub order: Vec<usize>,
    pub fks: Vec<FkGen>,
    /// Indexes of the FKs in the order they are filled: each after the FK it follows or picks
    /// within (see `plan::inherit::fill_order`).
    pub fk_order: Vec<usize>,
    pub fan_out: Option<FanOut>,
    pub drivers: Vec<UniqueDriver>,
    /// Rows given as they are (fixture files): values by row, then column.
    pub fixed_rows: Option<Vec<Vec<Value>>>,
    /// CHECKs that construction does not guarantee: each row is verified, and regenerated from
    /// other random streams (up to [`MAX_ATTEMPTS`]) when it fails.
    pub checks: Vec<RowCheck>,
    /// The creation column, made from the row index and the parents' creation moments.
    pub creation: Option<Creation>,
}

impl TableGen {
    /// Whether every row is made at the first attempt (no row checks, no match that can fail):
    /// then what was written is what attempt 0 computes, and children may recompute it.
    pub fn first_attempt_only(&self) -> bool {
        self.checks.is_empty()
            && self.fks.iter().all(|fk| !matches!(fk.picker, Picker::Matching { earlier: false, .. }))
    }
}

/// Attempts at a row that satisfies the table's [`RowCheck`]s; the last one is kept regardless
/// and the server's CHECK has the final word.
pub const MAX_ATTEMPTS: u32 = 32;

#[derive(Debug, Clone)]
pub struct RowCheck {
    pub name: String,
    pub expr: crate::schema::check::Expr,
    /// Column names the expression may read, with their slots.
    pub columns: Vec<(String, usize)>,
    /// Stored generated columns the expression reads, with their generation expressions: never
    /// written, so computed here from the written columns, as the server will.
    pub generated: Vec<(String, crate::schema::check::Expr)>,
}

impl RowCheck {
    /// `false` only when the check surely fails on this row (unknown functions count as passing).
    fn passes(&self, row: &[Value]) -> bool {
        self.verdict(row) != Some(false)
    }

    /// Whether the row passes (`Some`), or `None` when seed cannot evaluate the check on it (a
    /// function or operator it lacks): then only the server can say (see `plan::server_checks`).
    pub fn verdict(&self, row: &[Value]) -> Option<bool> {
        let written = |name: &str| self.columns.iter().find(|(c, _)| c == name).map(|(_, slot)| row[*slot].clone());
        let lookup = |name: &str| {
            written(name).or_else(|| {
                let (_, expr) = self.generated.iter().find(|(c, _)| c == name)?;
                crate::schema::check::value_of(expr, &written)
            })
        };
        crate::schema::check::passes(&self.expr, &lookup)
    }
}

/// The stream for attempt `n` at a row: attempt 0 is the key itself.
fn attempt_key(key: StreamKey, attempt: u32) -> StreamKey {
    if attempt == 0 { key } else { StreamKey(super::rng::combine(key.0, 0xa77e_0000 + u64::from(attempt))) }
}

#[derive(Debug, Clone)]
pub struct ColumnSlot {
    pub name: String,
    pub generator: ColumnGen,
    pub null_rate: f64,
    pub unique: Option<UniqueSource>,
    pub key: StreamKey,
    /// The row's branch of a CHECK that lets columns take turns decides NULLs and values (see
    /// [`super::presence`]).
    pub presence: Option<Presence>,
}

/// Where a unique column's injective index comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueSource {
    Row,
    Digit {
        driver: usize,
        position: usize,
    },
    /// The row's position under its fan-out parent (0 for a parent's first row): distinct within
    /// the parent, and 1..n once offset (see `plan::positions`).
    Position,
}

#[derive(Debug, Clone)]
pub struct FkGen {
    /// The parent's position in the dataset.
    pub parent: usize,
    /// (child column, parent column) pairs.
    pub pairs: Vec<(usize, usize)>,
    pub picker: Picker,
    pub null_rate: f64,
    pub key: StreamKey,
    /// Take the parent from another FK's parent row instead of picking one (see [`Inherit`]);
    /// `picker` is then the fallback when the chain gives nothing.
    pub inherit: Option<Inherit>,
    /// Pick among the parent rows owned, through the parent table's fan-out, by the row another FK
    /// of this table picked (`source`), or by the row reached from it along `hops` (see
    /// [`Dataset::owned_pick`]); `picker` is the fallback when it owns none.
    pub within: Option<Inherit>,
    /// Pick a parent of the row's tenant (see [`super::tenant`]): on its own, or when `inherit`
    /// or `within` give no row (their source is NULL); `picker` is the last fallback.
    pub tenant: Option<TenantPick>,
    /// The row's branch of a CHECK that lets columns take turns decides whether the FK is set
    /// (see [`super::presence`]): when it is not, its nullable columns are NULL and the FK counts
    /// as having picked nothing; `null_rate` then only says how often.
    pub presence: Option<Presence>,
    /// Columns of `pairs` that are NOT NULL (`org_id` of `(org_id, comment_id)`): they keep the
    /// values of the parent picked as if the FK were set, when the row's branch leaves it unset.
    pub kept: Vec<usize>,
}

#[derive(Debug, Clone)]
pub enum Picker {
    /// Any of the parent's rows, uniformly.
    Uniform { parents: u64 },
    /// A self-reference: an earlier row of the same table. The first row gets NULL, or itself
    /// when `root_is_self` (NOT NULL trees whose root points at itself).
    Earlier { root_is_self: bool },
    /// The table's fan-out parent (`rows = { per = ... }`).
    FanOut,
    /// One-to-one: distinct rows get distinct parents.
    Injective(Permutation),
    /// A digit of a unique driver (one part of a composite unique key).
    Digit { driver: usize, position: usize },
    /// A parent whose `shared` columns equal what a wider FK already wrote into this row:
    /// (child slot, parent column) pairs. Probed deterministically from a random start; for a
    /// self-reference only earlier rows are probed, and a row with none is its own parent (or NULL).
    Matching { shared: Vec<(usize, usize)>, parents: u64, earlier: bool },
    /// One of the parent rows `rows` (the profile named their keys), weighted by running totals
    /// `cumulative` (empty: uniform).
    Among { rows: Vec<u64>, cumulative: Vec<f64> },
    /// A parent created before the row, where both tables' creation moments grow with their
    /// index (see [`super::time`]): row `i` of `rows` picks uniformly among the first
    /// `ceil((i + 1) * parents / rows)` parents, as a new row can only reference rows that exist.
    Before { parents: u64, rows: u64 },
    /// The table's `rows` rows split evenly over the `parents` parents in order: each parent's
    /// rows are together, so children can pick within a parent's rows (see [`super::tenant`]).
    Spread { parents: u64, rows: u64 },
    /// A cycle's back edge into a table with a creation column (a team's owner, where users
    /// reference teams): row `i` of `rows` takes a parent created at or before it, else the one
    /// at its share of the `parents`, created with it (see [`super::back_edge`]).
    CreatedFirst { parents: u64, rows: u64 },
}

/// Parents probed for a [`Picker::Matching`] before giving up (the server then reports the row).
const MATCH_PROBES: u64 = 20_000;

/// A unique key over several parts, satisfied by decomposing a permuted index in mixed radix.
#[derive(Debug, Clone)]
pub struct UniqueDriver {
    pub radices: Vec<u64>,
    pub permutation: Permutation,
    /// Index by the row's position under its fan-out parent (the parent is the key's other part).
    pub per_parent: bool,
    /// Decompose the index itself, and permute only the first digit: with the parent as the
    /// first digit, row `i` goes to parent `permutation(i % parents)` at position `i / parents`,
    /// so each parent's positions run 0..n without gaps (see `plan::positions`), and the parents
    /// that get rows are spread over the parent table.
    pub in_order: bool,
    /// Digits that grow with the row instead (see [`super::ascending`]), set by `plan::time`.
    pub ascending: Option<Ascending>,
    /// Two FK digits that pick their pair within one tenant row (see [`TenantPairs`]).
    pub tenants: Option<TenantPairs>,
    /// An FK and a column laid out per the FK's parent (see [`KeyLayout`]).
    pub laid_out: Option<KeyLayout>,
}

impl UniqueDriver {
    pub fn new(radices: Vec<u64>, per_parent: bool, key: StreamKey) -> Self {
        let capacity = combinations(&radices);
        UniqueDriver {
            radices,
            permutation: Permutation::new(capacity, key),
            per_parent,
            in_order: false,
            ascending: None,
            tenants: None,
            laid_out: None,
        }
    }

    /// A driver of two FK digits whose pairs lie within one tenant row each: `pairs.capacity()`
    /// combinations, permuted, so they never repeat.
    pub fn within_tenants(pairs: TenantPairs, key: StreamKey) -> Self {
        let capacity = pairs.capacity();
        UniqueDriver { tenants: Some(pairs), ..UniqueDriver::new(vec![capacity], false, key) }
    }

    /// A driver whose digits are the index's own but for the first (see [`UniqueDriver::in_order`]).
    pub fn in_order(radices: Vec<u64>, key: StreamKey) -> Self {
        let first = radices.first().copied().unwrap_or(1);
        UniqueDriver {
            permutation: Permutation::new(first, key),
            in_order: true,
            ..UniqueDriver::new(radices, false, key)
        }
    }

    pub fn capacity(&self) -> u64 {
        match self.in_order {
            // The permutation covers the first digit only.
            true => combinations(&self.radices),
            false => self.permutation.len(),
        }
    }

    fn digits(&self, index: u64, out: &mut Vec<u64>) {
        if let Some(ascending) = &self.ascending {
            return ascending.digits(&self.radices, index, out);
        }
        out.clear();
        if let Some(layout) = &self.laid_out {
            return layout.digits(index, out);
        }
        let index = index % self.capacity().max(1);
        let mut x = if self.in_order { index } else { self.permutation.apply(index) };
        if let Some(pairs) = &self.tenants {
            return pairs.digits(pairs.combination(index, x), out);
        }
        for (i, radix) in self.radices.iter().enumerate() {
            let digit = x % radix;
            out.push(if self.in_order && i == 0 { self.permutation.apply(digit) } else { digit });
            x /= radix;
        }
    }
}

/// How many combinations of digits `radices` hold (saturating).
pub fn combinations(radices: &[u64]) -> u64 {
    radices.iter().try_fold(1u64, |acc, r| acc.checked_mul(*r)).unwrap_or(u64::MAX)
}

/// Rows laid out parent by parent: parent `p` owns `count(p)` consecutive rows.
#[derive(Debug, Clone)]
pub struct FanOut {
    pub parents: u64,
    pub count: Count,
    key: StreamKey,
    zipf: Option<Zipf<f64>>,
    block_starts: Vec<u64>,
    pub total: u64,
}

impl FanOut {
    pub fn new(parents: u64, count: Count, key: StreamKey) -> Self {
        let zipf = match count {
            Count::Zipf { exponent, min, max } => Zipf::new((max - min + 1) as f64, exponent).ok(),
            _ => None,
        };
        let mut fan = FanOut { parents, count, key, zipf, block_starts: Vec::new(), total: 0 };
        let mut total = 0u64;
        for p in 0..parents {
            if p % BLOCK == 0 {
                fan.block_starts.push(total);
            }
            total += fan.count_for(p);
        }
        fan.total = total;
        fan
    }

    /// How many rows parent `p` owns: a pure function of (key, p).
    pub fn count_for(&self, p: u64) -> u64 {
        let mut rng = RowRng::at(self.key, p);
        match (&self.count, &self.zipf) {
            (Count::Exact(n), _) => *n,
            (Count::Range { min, max }, _) => rng.range_i64(*min as i64, *max as i64) as u64,
            (Count::Zipf { min, .. }, Some(zipf)) => min + (zipf.sample(&mut rng) as u64).saturating_sub(1),
            (Count::Zipf { min, .. }, None) => *min,
        }
    }

    /// The (parent, position under the parent) of `row`, by random access.
    pub fn locate(&self, row: u64) -> (u64, u64) {
        let block = self.block_starts.partition_point(|start| *start <= row).saturating_sub(1);
        let mut start = self.block_starts.get(block).copied().unwrap_or(0);
        let mut parent = block as u64 * BLOCK;
        loop {
            let count = self.count_for(parent);
            if row < start + count || parent + 1 >= self.parents {
                return (parent, row - start);
            }
            start += count;
            parent += 1;
        }
    }

    /// The first row `parent` owns (rows are laid out parent by parent).
    pub fn start_of(&self, parent: u64) -> u64 {
        let block = parent / BLOCK;
        let start = self.block_starts.get(block as usize).copied().unwrap_or(self.total);
        start + (block * BLOCK..parent).map(|p| self.count_for(p)).sum::<u64>()
    }

    /// A sequential walker from `row`: the cheap way to lay out a chunk.
    pub fn cursor(&self, row: u64) -> FanCursor<'_> {
        let (parent, local) = self.locate(row);
        FanCursor { fan: self, parent, local, count: self.count_for(parent) }
    }
}

pub struct FanCursor<'a> {
    fan: &'a FanOut,
    parent: u64,
    local: u64,
    count: u64,
}

impl FanCursor<'_> {
    /// The position of the current row; advances to the next.
    pub fn next_position(&mut self) -> (u64, u64) {
        while self.local >= self.count && self.parent + 1 < self.fan.parents {
            self.parent += 1;
            self.local = 0;
            self.count = self.fan.count_for(self.parent);
        }
        let position = (self.parent, self.local);
        self.local += 1;
        position
    }
}

/// Reused per-row scratch: driver digits, and the parent each FK picked (for inherited FKs).
#[derive(Debug, Default)]
pub struct RowScratch {
    digits: Vec<Vec<u64>>,
    picks: Vec<Option<u64>>,
    /// Recent parent creation moments per table: (row, micros). Consecutive rows mostly share
    /// their parents (a fan-out lays children out parent by parent), so their ancestors' moments
    /// are computed once. Values are pure, so the cache never changes what is written.
    creations: std::cell::RefCell<Vec<(u64, i64)>>,
    /// The row's position under its fan-out parent, if the table has one.
    position: Option<u64>,
}

/// Every planned table's generator, addressable by position: what a foreign key recomputes from.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub tables: Vec<TableGen>,
}

impl Dataset {
    /// Fills `out` (one slot per column) with row `row` of table `t`. `position` is the row's
    /// fan-out position when the caller walks a cursor; otherwise it is located.
    pub fn fill_row(
        &self,
        t: usize,
        row: u64,
        position: Option<(u64, u64)>,
        scratch: &mut RowScratch,
        out: &mut [Value],
    ) {
        let table = &self.tables[t];
        if let Some(rows) = &table.fixed_rows {
            if let Some(fixed) = rows.get(row as usize) {
                out.clone_from_slice(fixed);
            }
            return;
        }
        let position = position.or_else(|| table.fan_out.as_ref().map(|f| f.locate(row)));
        self.compute_digits(table, row, position, scratch);
        let mut picks = std::mem::take(&mut scratch.picks);
        for attempt in 0..MAX_ATTEMPTS {
            let complete = self.fill_attempt(t, RowAt { row, position, attempt }, scratch, &mut picks, out);
            if complete && table.checks.iter().all(|check| check.passes(out)) {
                break;
            }
        }
        scratch.picks = picks;
    }

    /// Regenerates the columns `slots` (own columns no other row reads: see
    /// `plan::server_checks`) of row `row` of table `t`, which [`Dataset::fill_row`] just made in
    /// `out` with `scratch`, from the streams of server attempt `attempt` (1 and up): the row the
    /// server is asked about after it refused the earlier attempts. The other columns keep what
    /// attempt 0 wrote, so children still recompute them from the row's index. Rows failing the
    /// table's own [`RowCheck`]s are regenerated again, as in `fill_row`.
    pub fn refill(&self, t: usize, row: u64, attempt: u32, slots: &[usize], scratch: &RowScratch, out: &mut [Value]) {
        let table = &self.tables[t];
        for local in 0..MAX_ATTEMPTS {
            // Past the attempts fill_row uses (0..MAX_ATTEMPTS), so no stream is reused.
            let attempt = attempt.saturating_mul(MAX_ATTEMPTS).saturating_add(local);
            for &c in table.order.iter().filter(|c| slots.contains(c)) {
                fill_own_column(table, c, row, scratch, out, attempt);
            }
            if table.checks.iter().all(|check| check.passes(out)) {
                break;
            }
        }
    }

    /// One attempt at a row: FKs that pick on their own first, then those that inherit from them.
    fn fill_attempt(
        &self,
        t: usize,
        at: RowAt,
        scratch: &RowScratch,
        picks: &mut Vec<Option<u64>>,
        out: &mut [Value],
    ) -> bool {
        let table = &self.tables[t];
        let mut complete = true;
        let (row, attempt) = (at.row, at.attempt);
        // A self-reference looks for an earlier row that agrees on the row's own key columns
        // (`tenant` of `(tenant, parent) -> (tenant, id)`): they come first.
        for &c in table.fks.iter().flat_map(|fk| own_shared_columns(table, fk)) {
            fill_own_column(table, c, row, scratch, out, attempt);
        }
        picks.clear();
        picks.resize(table.fks.len(), None);
        for &f in &table.fk_order {
            match self.fill_foreign_key(t, f, at, scratch, out, picks) {
                Ok(pick) => picks[f] = pick,
                Err(NoMatch) => complete = false,
            }
        }
        for &c in &table.order {
            match &table.creation {
                Some(creation) if creation.slot == c => {
                    out[c] = creation.in_unit(self.creation_micros(t, row, Some(picks), Some(&scratch.creations)));
                }
                _ => fill_own_column(table, c, row, scratch, out, attempt),
            }
        }
        complete
    }

    /// One column of one row of table `t` (a parent key a child needs). Past [`MAX_DEPTH`] nested
    /// lookups the value is NULL (and [`Dataset::self_dependent`] finds such tables at plan time).
    pub fn value_into(&self, t: usize, row: u64, column: usize, out: &mut Value) {
        let Some(_depth) = Depth::enter() else {
            out.set_null();
            return;
        };
        let table = &self.tables[t];
        if let Some(rows) = &table.fixed_rows {
            match rows.get(row as usize).and_then(|r| r.get(column)) {
                Some(value) => out.clone_from(value),
                None => out.set_null(),
            }
            return;
        }
        if let Some(creation) = table.creation.as_ref().filter(|c| c.slot == column) {
            *out = creation.in_unit(self.creation_micros(t, row, None, None));
            return;
        }
        let slot = &table.columns[column];
        if table.order.contains(&column) && slot.generator.depends_on().is_none() {
            // Key columns are attempt-independent (see fill_slot), so attempt 0 gives the value
            // the row was written with; no need to build the whole row (or recurse through it).
            if !matches!(slot.unique, Some(UniqueSource::Digit { .. } | UniqueSource::Position)) {
                return fill_slot(slot, row, &RowScratch::default(), &[], out, 0);
            }
            return with_lookup(|Lookup { scratch, .. }| {
                let position = table.fan_out.as_ref().map(|f| f.locate(row));
                self.compute_digits(table, row, position, scratch);
                fill_slot(slot, row, scratch, &[], out, 0);
            });
        }
        if self.foreign_key_value(t, row, column, out) {
            return;
        }
        with_lookup(|Lookup { scratch, values }| {
            // A pooled scratch may have served another dataset: its cached moments are not ours.
            scratch.creations.get_mut().clear();
            // NULL slots, as a fresh row would have (their strings go to the spare pool).
            values.iter_mut().for_each(Value::set_null);
            values.resize(table.columns.len(), Value::Null);
            self.fill_row(t, row, None, scratch, values);
            std::mem::swap(out, &mut values[column]);
        });
    }

    /// A column an FK fills, from that FK's pick alone, when the table's rows are always made at
    /// the first attempt (no row checks, no match that can fail): what was written is what attempt
    /// 0 picks. Building the whole row instead can recurse through self-references exponentially.
    fn foreign_key_value(&self, t: usize, row: u64, column: usize, out: &mut Value) -> bool {
        let table = &self.tables[t];
        let Some(f) = table.fks.iter().position(|fk| fk.pairs.iter().any(|(child, _)| *child == column)) else {
            return false;
        };
        let fk = &table.fks[f];
        if !table.first_attempt_only() || matches!(fk.picker, Picker::Matching { .. }) {
            return false;
        }
        let parent_column = fk.pairs.iter().find(|(child, _)| *child == column).map(|(_, p)| *p);
        let pick = match fk.kept.contains(&column) {
            true => self.first_pick_if_set(t, row, f),
            false => self.first_pick(t, row, f),
        };
        match (pick, parent_column) {
            (Some(p), Some(parent_column)) if !(fk.parent == t && p == row) => {
                self.value_into(fk.parent, p, parent_column, out)
            }
            (None, _) => out.set_null(),
            _ => return false,
        }
        true
    }

    fn compute_digits(&self, table: &TableGen, row: u64, position: Option<(u64, u64)>, scratch: &mut RowScratch) {
        scratch.position = position.map(|(_, local)| local);
        // Never shrink: pooled scratches serve tables with more and fewer drivers in turn, and
        // dropping the extra digit buffers would allocate them again for the next such table.
        if scratch.digits.len() < table.drivers.len() {
            scratch.digits.resize_with(table.drivers.len(), Vec::new);
        }
        for (driver, digits) in table.drivers.iter().zip(scratch.digits.iter_mut()) {
            let index = match (driver.per_parent, position) {
                (true, Some((_, local))) => local,
                _ => row,
            };
            driver.digits(index, digits);
        }
    }

    /// The parent FK `f` of table `t` picks for `row` at the first attempt: what was written when
    /// the table's rows are always made at the first attempt ([`TableGen::first_attempt_only`]).
    pub(super) fn first_pick(&self, t: usize, row: u64, f: usize) -> Option<u64> {
        match unset_by_branch(&self.tables[t].fks[f], row, 0) {
            true => None,
            false => self.first_pick_if_set(t, row, f),
        }
    }

    /// [`Dataset::first_pick`] as if the row's branch set the FK: the parent its NOT NULL
    /// columns ([`FkGen::kept`]) were copied from.
    fn first_pick_if_set(&self, t: usize, row: u64, f: usize) -> Option<u64> {
        let table = &self.tables[t];
        let fk = &table.fks[f];
        if matches!(fk.picker, Picker::CreatedFirst { .. }) && !relates(fk) {
            return self.created_first(t, f, row, None, 0).map(|pick| pick.parent);
        }
        // Locating a fan-out row and driving unique keys cost: only the pickers that read them pay.
        let plain_sources = sources(fk).filter_map(|s| table.fks.get(s)).filter(|s| !relates(s));
        let positional = std::iter::once(fk)
            .chain(plain_sources)
            .any(|fk| matches!(fk.picker, Picker::FanOut | Picker::Digit { .. }));
        with_lookup(|Lookup { scratch, .. }| {
            let position = match positional {
                true => table.fan_out.as_ref().map(|fan| fan.locate(row)),
                false => None,
            };
            if positional {
                self.compute_digits(table, row, position, scratch);
            }
            let scratch = &*scratch;
            let source = |s: usize| match table.fks.get(s) {
                Some(other) if unset_by_branch(other, row, 0) => None,
                Some(other) if !relates(other) => pick_parent(other, row, position, scratch, 0),
                Some(_) => self.first_pick(t, row, s),
                None => None,
            };
            let picked =
                self.related_parent(fk, row, 0, &source).unwrap_or_else(|| pick_parent(fk, row, position, scratch, 0));
            match fk.picker {
                Picker::Earlier { .. } if !relates(fk) && self.holds_rows(t) => {
                    self.created_by_then(t, f, row, picked, None)
                }
                _ => picked,
            }
        })
    }

    /// The parent an FK takes from the rest of its row rather than its own picker: the row its
    /// chain ends at (`inherit`), a row its owner owns (`within`), else a row of its tenant
    /// (`tenant`). `None`: none applies, the FK picks on its own. `source` gives the parent row
    /// another FK of the row picked.
    fn related_parent(
        &self,
        fk: &FkGen,
        row: u64,
        attempt: u32,
        source: &dyn Fn(usize) -> Option<u64>,
    ) -> Option<Option<u64>> {
        if !relates(fk) {
            return None;
        }
        let key = attempt_key(fk.key, attempt);
        if drawn_null(fk, key, row) {
            return Some(None);
        }
        let settled = match (&fk.inherit, &fk.within) {
            (Some(inherit), _) => self.follow(inherit, source(inherit.source)).map(Some),
            (None, Some(within)) => self.owned_pick(fk, self.follow(within, source(within.source)), row, attempt),
            (None, None) => None,
        };
        settled.or_else(|| self.tenant_pick(fk.tenant.as_ref()?, key, fk.null_rate > 0.0, row, source))
    }

    /// For an FK picking `within` its owner's rows (its NULLs already drawn): a row of the parent
    /// table owned by `owner` (its fan-out parent). When the owner owns no row, NULL if the FK may
    /// be NULL (another owner's row would disagree); `None` (pick on its own, or within its tenant)
    /// when it may not, or when the owner is NULL.
    fn owned_pick(&self, fk: &FkGen, owner: Option<u64>, row: u64, attempt: u32) -> Option<Option<u64>> {
        let key = attempt_key(fk.key, attempt);
        let fan = self.tables.get(fk.parent)?.fan_out.as_ref()?;
        let owner = owner?;
        match fan.count_for(owner) {
            0 => (fk.null_rate > 0.0).then_some(None),
            count => Some(Some(fan.start_of(owner) + key.derive("owned").below(row, count))),
        }
    }

    /// Fills `fk`'s columns; returns the parent row it took. `picks` holds the parent rows the
    /// row's FKs filled before it took. `Err(NoMatch)`: no parent agrees with what a wider FK
    /// chose, and the row is tried again.
    fn fill_foreign_key(
        &self,
        t: usize,
        f: usize,
        at: RowAt,
        scratch: &RowScratch,
        out: &mut [Value],
        picks: &[Option<u64>],
    ) -> Result<Option<u64>, NoMatch> {
        let fk = &self.tables[t].fks[f];
        let RowAt { row, position, attempt } = at;
        let unset = unset_by_branch(fk, row, attempt);
        if unset && fk.kept.is_empty() {
            fk.pairs.iter().for_each(|&(child, _)| out[child].set_null());
            return Ok(None);
        }
        let own = || pick_parent(fk, row, position, scratch, attempt);
        let source = |s: usize| picks.get(s).copied().flatten();
        let parent_row = match &fk.picker {
            Picker::Matching { shared, parents, earlier } if !relates(fk) => {
                self.matching_parent(fk, shared, *parents, *earlier, row, attempt, out)?
            }
            Picker::CreatedFirst { .. } if !relates(fk) => {
                self.created_first(t, f, row, Some(&scratch.creations), 0).map(|pick| pick.parent)
            }
            Picker::Earlier { .. } if !relates(fk) && self.holds_rows(t) => {
                self.created_by_then(t, f, row, own(), Some(&scratch.creations))
            }
            _ => self.related_parent(fk, row, attempt, &source).unwrap_or_else(own),
        };
        for &(child, parent_column) in &fk.pairs {
            match parent_row {
                _ if unset && !fk.kept.contains(&child) => out[child].set_null(),
                Some(p) if fk.parent == t && p == row => {
                    // A root pointing at itself: its own key, computed before this call.
                    self.value_into(t, p, parent_column, &mut out[child]);
                }
                Some(p) => self.value_into(fk.parent, p, parent_column, &mut out[child]),
                None => out[child].set_null(),
            }
        }
        Ok(if unset { None } else { parent_row })
    }
}

impl Dataset {
    /// The creation moment (micros) of row `row` of table `t`, which has a [`Creation`]: its own
    /// moment, raised to after each referenced parent's, recomputed from the parent's index
    /// (`picks`: the row's own picks, when it is being made; else the first attempt's, which is
    /// what was written). Only earlier rows are followed, so the recursion ends; past
    /// [`MAX_TIME_DEPTH`] a row keeps its own moment.
    fn creation_micros(&self, t: usize, row: u64, picks: Option<&[Option<u64>]>, cache: Option<&Creations>) -> i64 {
        self.creation_at_depth(t, row, picks, cache, 0)
    }

    pub(super) fn creation_at_depth(
        &self,
        t: usize,
        row: u64,
        picks: Option<&[Option<u64>]>,
        cache: Option<&Creations>,
        depth: u32,
    ) -> i64 {
        let table = &self.tables[t];
        let Some(creation) = &table.creation else { return 0 };
        let (mut latest, mut founded): (Option<i64>, Option<i64>) = (None, None);
        // The earliest row that took this one, across a back edge, as the parent created with it.
        let mut taken_by = None;
        if depth < MAX_TIME_DEPTH {
            taken_by = self.created_with(creation, row, cache, depth);
            for &f in &creation.parents {
                let pick = match picks {
                    Some(picks) => picks.get(f).copied().flatten(),
                    None => self.first_pick(t, row, f),
                };
                let parent = table.fks[f].parent;
                let Some(p) = pick.filter(|&p| parent != t || p < row) else { continue };
                let moment = self.parent_creation(parent, p, cache, depth + 1);
                if creation.founder == Some(f) && self.first_of(t, f, p) == row {
                    founded = Some(moment);
                    continue;
                }
                latest = Some(latest.map_or(moment, |l| l.max(moment)));
            }
        }
        let moment = match founded {
            Some(with) if latest.is_none_or(|l| l <= with) => with.clamp(creation.lo, creation.hi),
            _ => creation.moment(row, table.rows, latest.max(founded)),
        };
        match taken_by.map(|with| creation.at_most(with)) {
            // Held at the row that took it, where its own moment is later and its parents allow.
            Some(with) if creation.written(moment) > with && latest.max(founded).is_none_or(|l| l <= with) => {
                with.max(creation.lo)
            }
            _ => moment,
        }
    }

    /// A parent row's creation moment, from the cache when the previous row asked for it too.
    pub(super) fn parent_creation(&self, t: usize, row: u64, cache: Option<&Creations>, depth: u32) -> i64 {
        let entry = t * CACHED_PER_TABLE + (row % CACHED_PER_TABLE as u64) as usize;
        let cached = cache.and_then(|c| c.borrow().get(entry).copied()).filter(|(r, _)| *r == row);
        if let Some((_, moment)) = cached {
            return moment;
        }
        let moment = self.creation_at_depth(t, row, None, cache, depth);
        if let Some(cache) = cache {
            let mut cache = cache.borrow_mut();
            if cache.len() < self.tables.len() * CACHED_PER_TABLE {
                cache.resize(self.tables.len() * CACHED_PER_TABLE, (u64::MAX, 0));
            }
            cache[entry] = (row, moment);
        }
        moment
    }
}

/// Per-table cache of recent parent creation moments (see [`RowScratch`]): `CACHED_PER_TABLE`
/// entries per table, a row in the entry of its index modulo that, so the few rows a parent owns
/// (children picked among their owner's rows) stay cached together.
pub(super) type Creations = std::cell::RefCell<Vec<(u64, i64)>>;
const CACHED_PER_TABLE: usize = 16;

/// What a nested lookup (a parent's value recomputed for a child) works in: driver digits, and a
/// whole row when the value needs one. Lookups nest (a parent's own parent), so each level takes
/// one from the thread's pool and gives it back, and rows after the first allocate nothing.
#[derive(Default)]
struct Lookup {
    scratch: RowScratch,
    values: Vec<Value>,
}

thread_local! {
    static LOOKUPS: std::cell::RefCell<Vec<Lookup>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn with_lookup<R>(f: impl FnOnce(&mut Lookup) -> R) -> R {
    let mut lookup = LOOKUPS.with(|pool| pool.borrow_mut().pop()).unwrap_or_default();
    let result = f(&mut lookup);
    LOOKUPS.with(|pool| pool.borrow_mut().push(lookup));
    result
}

/// Rows of each table [`Dataset::self_dependent`] builds: a value that depends on itself does
/// so from the first rows (trees start at row 0; digit cycles are short).
const PROBED_ROWS: u64 = 16;

impl Dataset {
    /// Whether some early row of table `t` needs a value that depends on itself through foreign
    /// keys (`(a, b) -> (b, a)` on one table): lookups run past [`MAX_DEPTH`] and give NULL.
    pub fn self_dependent(&self, t: usize) -> bool {
        let table = &self.tables[t];
        let mut scratch = RowScratch::default();
        let mut out = vec![Value::Null; table.columns.len()];
        Depth::reset();
        for row in 0..table.rows.min(PROBED_ROWS) {
            self.fill_row(t, row, None, &mut scratch, &mut out);
        }
        Depth::reset()
    }
}

/// Nested parent lookups (a child's key recomputed from its parent's, and so on) allowed on one
/// thread. Schema shapes exist where a value depends on itself, and the stack must not pay for
/// them; real chains are as deep as the FK graph plus a tree's depth (about ln(rows)).
const MAX_DEPTH: u32 = 128;

thread_local! {
    static DEPTH: std::cell::Cell<DepthState> = const { std::cell::Cell::new(DepthState { depth: 0, hit: false, ever: false }) };
}

/// The current lookup depth; whether [`MAX_DEPTH`] was hit in the current outermost lookup (every
/// lookup then fails fast, so a self-dependent value costs no more than one path down), and since
/// the last [`Depth::reset`].
#[derive(Clone, Copy)]
struct DepthState {
    depth: u32,
    hit: bool,
    ever: bool,
}

/// One level of nested lookups, left when dropped.
struct Depth;

impl Depth {
    fn enter() -> Option<Depth> {
        DEPTH.with(|cell| {
            let mut state = cell.get();
            let entered = !state.hit && state.depth < MAX_DEPTH;
            if entered {
                state.depth += 1;
            } else {
                state.hit = true;
                state.ever = true;
            }
            cell.set(state);
            // Not `then_some`: it would build (and drop, leaving a level) a guard never entered.
            entered.then(|| Depth)
        })
    }

    /// Whether the bound was hit since the last reset; clears that.
    fn reset() -> bool {
        DEPTH.with(|cell| {
            let mut state = cell.get();
            let ever = state.ever;
            state.ever = false;
            cell.set(state);
            ever
        })
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|cell| {
            let mut state = cell.get();
            state.depth = state.depth.saturating_sub(1);
            state.hit &= state.depth > 0;
            cell.set(state);
        });
    }
}

/// Which row, where under its fan-out parent, and which attempt at it.
#[derive(Debug, Clone, Copy)]
struct RowAt {
    row: u64,
    position: Option<(u64, u64)>,
    attempt: u32,
}

/// No parent agrees with the row's shared key columns.
struct NoMatch;

impl Dataset {
    /// The first parent, probing from a random start, whose shared columns equal this row's.
    #[allow(clippy::too_many_arguments)]
    fn matching_parent(
        &self,
        fk: &FkGen,
        shared: &[(usize, usize)],
        parents: u64,
        earlier: bool,
        row: u64,
        attempt: u32,
        out: &[Value],
    ) -> Result<Option<u64>, NoMatch> {
        let key = attempt_key(fk.key, attempt);
        if parents == 0 || drawn_null(fk, key, row) {
            return Ok(None);
        }
        // A self-reference looks among earlier rows only, so chains of parents end.
        let candidates = if earlier { row.min(parents) } else { parents };
        if candidates == 0 {
            return if earlier { Ok(Some(row)) } else { Err(NoMatch) };
        }
        let start = key.below(row, candidates);
        if shared.iter().any(|&(child, _)| out[child].is_null()) {
            // MATCH SIMPLE: a NULL in the key switches the constraint off; any parent will do.
            return Ok(Some(start));
        }
        let mut candidate = Value::Null;
        let found = (0..candidates.min(MATCH_PROBES)).map(|offset| (start + offset) % candidates).find(|&p| {
            shared.iter().all(|&(child, parent_column)| {
                self.value_into(fk.parent, p, parent_column, &mut candidate);
                candidate == out[child]
            })
        });
        match (found, earlier) {
            (Some(p), _) => Ok(Some(p)),
            // The first row of its group in a tree: the root, pointing at itself.
            (None, true) => Ok(Some(row)),
            (None, false) => Err(NoMatch),
        }
    }
}

/// The columns a self-reference shares with its own row, which the row generates itself.
fn own_shared_columns<'a>(table: &'a TableGen, fk: &'a FkGen) -> impl Iterator<Item = &'a usize> {
    let shared = match &fk.picker {
        Picker::Matching { shared, earlier: true, .. } => shared.as_slice(),
        _ => &[],
    };
    shared.iter().map(|(child, _)| child).filter(|child| table.order.contains(child))
}

/// Fills column `c` of the row in `out` from its own generator (not from a foreign key).
#[inline]
fn fill_own_column(table: &TableGen, c: usize, row: u64, scratch: &RowScratch, out: &mut [Value], attempt: u32) {
    let mut value = std::mem::take(&mut out[c]);
    fill_slot(&table.columns[c], row, scratch, out, &mut value, attempt);
    out[c] = value;
}

/// Whether this attempt at `row` draws NULL for `fk`.
pub(super) fn drawn_null(fk: &FkGen, key: StreamKey, row: u64) -> bool {
    match fk.presence {
        // The branch decides after the pick (see `unset_by_branch`).
        Some(_) => fk.null_rate >= 1.0,
        None => fk.null_rate > 0.0 && key.derive("null").unit(row) < fk.null_rate,
    }
}

/// Whether the row's branch of a CHECK leaves `fk` unset at this attempt (see [`FkGen::presence`]).
fn unset_by_branch(fk: &FkGen, row: u64, attempt: u32) -> bool {
    let Some(presence) = &fk.presence else { return false };
    let key = attempt_key(fk.key, attempt);
    presence::is_null(fk.null_rate, Some(presence), row, || key.derive("null").unit(row))
}

fn pick_parent(fk: &FkGen, row: u64, position: Option<(u64, u64)>, scratch: &RowScratch, attempt: u32) -> Option<u64> {
    let key = attempt_key(fk.key, attempt);
    if drawn_null(fk, key, row) {
        return None;
    }
    match &fk.picker {
        Picker::Uniform { parents } => (*parents > 0).then(|| key.below(row, *parents)),
        Picker::Earlier { root_is_self } => match row {
            0 => root_is_self.then_some(0),
            _ => Some(key.below(row, row)),
        },
        Picker::FanOut => position.map(|(parent, _)| parent),
        Picker::Injective(permutation) => Some(permutation.apply(row % permutation.len().max(1))),
        Picker::Digit { driver, position } => scratch.digits.get(*driver).and_then(|d| d.get(*position)).copied(),
        Picker::Among { rows, cumulative } => {
            let index = match cumulative.last() {
                Some(total) if *total > 0.0 => weighted_index(cumulative, key.unit(row) * total),
                _ => key.below(row, rows.len() as u64) as usize,
            };
            rows.get(index).copied()
        }
        Picker::Before { parents, rows } => super::time::parent_before(key, row, *parents, *rows),
        Picker::Spread { parents, rows } => super::tenant::spread_parent(row, *parents, *rows),
        // Both read other rows: `Dataset::matching_parent` and `Dataset::created_first` pick.
        Picker::Matching { .. } | Picker::CreatedFirst { .. } => None,
    }
}

/// Whether `fk` takes its parent from the rest of its row (see [`Dataset::related_parent`]).
fn relates(fk: &FkGen) -> bool {
    fk.inherit.is_some() || fk.within.is_some() || fk.tenant.is_some()
}

/// The FKs of the same row whose picks `fk` reads.
pub fn sources(fk: &FkGen) -> impl Iterator<Item = usize> + '_ {
    let chains = fk.inherit.iter().chain(&fk.within).map(|chain| chain.source);
    let owners = fk.tenant.iter().flat_map(|pick| pick.owners.iter().filter_map(super::tenant::Owner::source));
    chains.chain(owners)
}

fn fill_slot(slot: &ColumnSlot, row: u64, scratch: &RowScratch, values: &[Value], out: &mut Value, attempt: u32) {
    // Unique (key) columns never change between attempts: children recompute them at attempt 0.
    let key = if slot.unique.is_some() { slot.key } else { attempt_key(slot.key, attempt) };
    if presence::is_null(slot.null_rate, slot.presence.as_ref(), row, || key.derive("null").unit(row)) {
        out.set_null();
        return;
    }
    let unique = slot.unique.map(|source| match source {
        UniqueSource::Row => row,
        UniqueSource::Digit { driver, position } => {
            scratch.digits.get(driver).and_then(|d| d.get(position)).copied().unwrap_or(row)
        }
        UniqueSource::Position => scratch.position.unwrap_or(row),
    });
    let mut rng = RowRng::at(key, row);
    let generator = slot.presence.as_ref().and_then(|p| p.generator(row)).unwrap_or(&slot.generator);
    generator.fill(&mut rng, unique, values, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fan_out_cursor_and_random_access_agree() {
        let fan = FanOut::new(1000, Count::Range { min: 0, max: 7 }, StreamKey(9));
        let mut cursor = fan.cursor(0);
        let mut per_parent = vec![0u64; 1000];
        for row in 0..fan.total {
            let position = cursor.next_position();
            assert_eq!(position, fan.locate(row), "row {row}");
            per_parent[position.0 as usize] += 1;
        }
        for (p, n) in per_parent.iter().enumerate() {
            assert_eq!(*n, fan.count_for(p as u64));
            assert!(*n <= 7);
        }
        let mut mid = fan.cursor(fan.total / 2);
        assert_eq!(mid.next_position(), fan.locate(fan.total / 2));
    }

    #[test]
    fn zipf_counts_stay_in_bounds_and_skew() {
        let fan = FanOut::new(2000, Count::Zipf { exponent: 1.1, min: 1, max: 200 }, StreamKey(4));
        let counts: Vec<u64> = (0..2000).map(|p| fan.count_for(p)).collect();
        assert!(counts.iter().all(|c| (1..=200).contains(c)));
        let ones = counts.iter().filter(|c| **c == 1).count();
        assert!(ones > 400, "zipf should favour small counts: {ones}");
    }

    #[test]
    fn an_in_order_driver_numbers_each_parent_s_rows_without_gaps() {
        let driver = UniqueDriver::in_order(vec![3, 4], StreamKey(2));
        let mut digits = Vec::new();
        let mut positions: Vec<Vec<u64>> = vec![vec![]; 3];
        for i in 0..10 {
            driver.digits(i, &mut digits);
            positions[digits[0] as usize].push(digits[1]);
        }
        positions.sort();
        assert_eq!(positions, [vec![0, 1, 2], vec![0, 1, 2], vec![0, 1, 2, 3]]);
        // Fewer rows than parents: the parents that get one are spread, not the first ones.
        let driver = UniqueDriver::in_order(vec![1000, 1], StreamKey(2));
        let firsts = (0..100)
            .filter(|&i| {
                driver.digits(i, &mut digits);
                digits[0] < 100
            })
            .count();
        assert!(firsts < 50, "{firsts} of 100 rows went to the first 100 of 1000 parents");
    }

    #[test]
    fn driver_digits_cover_every_pair_once() {
        let driver = UniqueDriver::new(vec![7, 11], false, StreamKey(5));
        let mut seen = std::collections::HashSet::new();
        let mut digits = Vec::new();
        for i in 0..77 {
            driver.digits(i, &mut digits);
            assert!(digits[0] < 7 && digits[1] < 11);
            assert!(seen.insert(digits.clone()));
        }
    }
}
