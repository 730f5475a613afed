//! A cycle's back edge that still runs forward in time: a team's owner is created at or before its
//! team, though users (who reference teams) are loaded after teams.
//!
//! In a cycle of tables (`teams.owner_id -> users`, `users.current_team_id -> teams`), the FK that
//! points at the table loaded later is the back edge. A row's creation moment cannot be raised
//! after its back-edge parent's the way it is after earlier tables' ([`super::time`]): that
//! parent's moment follows this table's rows, so computing one from the other would go round the
//! cycle. The row keeps its own moment, and the back edge picks a parent created at or before it
//! ([`Picker::CreatedFirst`]):
//!
//! - up to [`PROBES`] parents drawn from the row's stream among those of an earlier share of their
//!   table (row `i` of `n` draws among the first `floor(i * parents / n)`, whose own moments lie
//!   before the row's): the first whose creation moment, recomputed from its index, is not after
//!   the row's is taken;
//! - when none is (the first rows: nobody signed up before the first team), the parent at the
//!   row's own share, `floor(i * parents / n)`, is taken, and it is created *with* the row: its
//!   moment is held at the row's where it would be later (the cycle's equal moments, as an
//!   organization's founder's in [`super::tenant`]). That parent finds from its own index the rows
//!   it may be taken by (the inverse share, [`spread_start`]) and asks each whether it fell back
//!   ([`Dataset::created_with`]).
//!
//! Probes read parents of an earlier share only, whose fallbacks are rows earlier still, so the
//! recursion ends.
//!
//! A row held at another row's moment (that fallback parent, or an organization's founder, held at
//! its organization's) is earlier than its index says, so a self-reference (`deleted_by`, an
//! earlier row) may pick a row created after it: such a row takes the earlier row it would pick
//! when that was created by then, else the first of [`PROBES`] others that was, else NULL where
//! it may be ([`Dataset::created_by_then`]). Everything is recomputed from indexes: pure, and any
//! row generates alone.

use super::rng::RowRng;
use super::table::{Creations, Dataset, Picker, drawn_null};
use super::tenant::{spread_parent, spread_start};
use super::time::{Creation, micros_of};

/// Parents tried before falling back to the one created with the row.
pub const PROBES: u64 = 4;

/// What a back edge picks for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackEdgePick {
    /// The parent row.
    pub parent: u64,
    /// The row's moment as written (micros), when the parent is the fallback created with it.
    pub with_row: Option<i64>,
}

impl Creation {
    /// A moment as the column will hold it, in micros (a date rounds up to its midnight).
    pub fn written(&self, micros: i64) -> i64 {
        micros_of(&self.in_unit(micros)).unwrap_or(micros)
    }

    /// The latest moment of this column's unit written at or before `micros` (a date: that day).
    pub fn at_most(&self, micros: i64) -> i64 {
        match self.date {
            true => micros.div_euclid(super::value::MICROS_PER_DAY) * super::value::MICROS_PER_DAY,
            false => micros,
        }
    }
}

impl Dataset {
    /// The parent back edge `f` of table `t` picks for `row` (`None`: NULL, drawn as any FK's
    /// NULLs, or no parent rows). The same at every attempt at the row, so a parent that fell back
    /// finds it from the first attempt.
    pub(super) fn created_first(
        &self,
        t: usize,
        f: usize,
        row: u64,
        cache: Option<&Creations>,
        depth: u32,
    ) -> Option<BackEdgePick> {
        let (table, fk) = (&self.tables[t], &self.tables[t].fks[f]);
        let Picker::CreatedFirst { parents, rows } = fk.picker else { return None };
        let (Some(own), Some(theirs)) = (&table.creation, &self.tables[fk.parent].creation) else { return None };
        if parents == 0 || drawn_null(fk, fk.key, row) {
            return None;
        }
        let moment = own.written(self.creation_at_depth(t, row, None, cache, depth + 1));
        let share = spread_parent(row, parents, rows)?.min(parents - 1);
        let mut rng = RowRng::at(fk.key.derive("created first"), row);
        for _ in 0..PROBES.min(share) {
            let parent = rng.below(share);
            if theirs.written(self.parent_creation(fk.parent, parent, cache, depth + 1)) <= moment {
                return Some(BackEdgePick { parent, with_row: None });
            }
        }
        Some(BackEdgePick { parent: share, with_row: Some(moment) })
    }

    /// The earliest moment among the rows that took row `row` of a table with `creation` as the
    /// parent created with them, over the back edges into it (`None`: no row did).
    pub(super) fn created_with(
        &self,
        creation: &Creation,
        row: u64,
        cache: Option<&Creations>,
        depth: u32,
    ) -> Option<i64> {
        let mut earliest: Option<i64> = None;
        for &(t, f) in &creation.back_edges {
            let Some(Picker::CreatedFirst { parents, rows }) = self.tables[t].fks.get(f).map(|fk| &fk.picker) else {
                continue;
            };
            let (first, end) = (spread_start(row, *parents, *rows), spread_start(row + 1, *parents, *rows).min(*rows));
            for taker in first..end {
                let with = self.created_first(t, f, taker, cache, depth + 1).and_then(|pick| pick.with_row);
                earliest = earlier(earliest, with);
            }
        }
        earliest
    }
}

impl Dataset {
    /// Whether rows of table `t` may be held at another row's moment (see the module doc).
    pub(super) fn holds_rows(&self, t: usize) -> bool {
        let creation = self.tables[t].creation.as_ref();
        creation.is_some_and(|c| c.founder.is_some() || !c.back_edges.is_empty())
    }

    /// The moment row `row` of table `t` is held at or before, as written: its tenant row's when
    /// it is the founder, the earliest row's that took it across a back edge, whichever is
    /// earlier; `None` when none holds it.
    fn held_at(&self, t: usize, row: u64, cache: Option<&Creations>, depth: u32) -> Option<i64> {
        let creation = self.tables[t].creation.as_ref()?;
        let founded = creation.founder.and_then(|f| {
            let parent = self.tables[t].fks.get(f)?.parent;
            let tenant = self.first_pick(t, row, f).filter(|&p| self.first_of(t, f, p) == row)?;
            Some(creation.written(self.parent_creation(parent, tenant, cache, depth + 1)))
        });
        let taken = self.created_with(creation, row, cache, depth).map(|with| creation.at_most(with));
        earlier(founded, taken)
    }

    /// What self-reference `f` of table `t` takes for `row`, which picked `picked` (see the
    /// module doc): `picked` unless the row is held at a moment before `picked` was created.
    pub(super) fn created_by_then(
        &self,
        t: usize,
        f: usize,
        row: u64,
        picked: Option<u64>,
        cache: Option<&Creations>,
    ) -> Option<u64> {
        let (table, fk) = (&self.tables[t], &self.tables[t].fks[f]);
        let (Some(first), Some(creation)) = (picked.filter(|&p| p < row), &table.creation) else { return picked };
        let Some(held) = self.held_at(t, row, cache, 0) else { return picked };
        let by_then = |p: u64| creation.written(self.parent_creation(t, p, cache, 1)) <= held;
        if by_then(first) {
            return picked;
        }
        let mut rng = RowRng::at(fk.key.derive("created by then"), row);
        let other = (0..PROBES).map(|_| rng.below(row)).find(|&p| by_then(p));
        match other {
            Some(p) => Some(p),
            None if fk.null_rate > 0.0 => None,
            None => picked,
        }
    }
}

/// The earlier of two moments, either of which may be missing.
fn earlier(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::column::{ColumnGen, MomentUnit};
    use crate::generate::rng::StreamKey;
    use crate::generate::table::{ColumnSlot, FkGen, TableGen};
    use crate::generate::value::MICROS_PER_DAY;

    #[test]
    fn each_row_falls_back_to_the_parent_whose_share_names_it() {
        for (parents, rows) in [(600u64, 120u64), (8, 5), (5, 8), (7, 7), (3, 50)] {
            for row in 0..rows {
                let parent = spread_parent(row, parents, rows).unwrap();
                let takers = spread_start(parent, parents, rows)..spread_start(parent + 1, parents, rows);
                assert!(takers.contains(&row), "{parents}/{rows}: row {row} -> {parent}, takers {takers:?}");
            }
        }
    }

    fn slot(name: &str) -> ColumnSlot {
        let generator = ColumnGen::Moment { lo: 0, hi: 1, unit: MomentUnit::Timestamp };
        ColumnSlot {
            name: name.into(),
            generator,
            null_rate: 0.0,
            unique: None,
            key: StreamKey::new(3, "t", name),
            presence: None,
        }
    }

    fn table(rows: u64, fk: FkGen, creation: Creation) -> TableGen {
        TableGen {
            rows,
            columns: vec![slot("id"), slot("fk"), slot("created_at")],
            order: vec![0, 2],
            fks: vec![fk],
            fk_order: vec![0],
            fan_out: None,
            drivers: vec![],
            fixed_rows: None,
            checks: vec![],
            creation: Some(creation),
        }
    }

    /// Teams (table 0, `owner_id` a back edge) and users (table 1, `current_team_id` a forward
    /// FK picking teams created before the user, 10% NULL), both created over one year.
    fn teams_and_users(teams: u64, users: u64) -> Dataset {
        let fk = |parent: usize, picker: Picker, null_rate: f64| FkGen {
            parent,
            pairs: vec![(1, 0)],
            picker,
            null_rate,
            key: StreamKey(parent as u64 + 40),
            inherit: None,
            within: None,
            tenant: None,
            presence: None,
            kept: vec![],
        };
        let creation = |parents: Vec<usize>, back_edges: Vec<(usize, usize)>, key: u64| Creation {
            slot: 2,
            date: false,
            lo: 0,
            hi: 365 * MICROS_PER_DAY,
            parents,
            key: StreamKey(key),
            founder: None,
            back_edges,
        };
        let owner = fk(1, Picker::CreatedFirst { parents: users, rows: teams }, 0.0);
        let current_team = fk(0, Picker::Before { parents: teams, rows: users }, 0.1);
        Dataset {
            tables: vec![
                table(teams, owner, creation(vec![], vec![], 1)),
                table(users, current_team, creation(vec![0], vec![(0, 0)], 2)),
            ],
        }
    }

    #[test]
    fn an_owner_is_created_at_or_before_its_team_and_mostly_earlier() {
        for (teams, users) in [(120u64, 600u64), (5, 8), (50, 50), (80, 30)] {
            let data = teams_and_users(teams, users);
            let moment = |t: usize, row: u64| data.creation_at_depth(t, row, None, None, 0);
            let mut owners = std::collections::HashSet::new();
            let mut fallbacks = 0;
            for team in 0..teams {
                let pick = data.created_first(0, 0, team, None, 0).expect("a NOT NULL owner");
                assert!(pick.parent < users);
                assert!(moment(1, pick.parent) <= moment(0, team), "{teams}/{users}: team {team}, {pick:?}");
                fallbacks += usize::from(pick.with_row.is_some());
                owners.insert(pick.parent);
            }
            assert!(
                fallbacks <= 2 + teams as usize / 10,
                "{teams}/{users}: {fallbacks} owners created with their team"
            );
            assert!(owners.len() as u64 > teams.min(users) / 3, "{teams}/{users}: owners {owners:?}");
            for user in 0..users {
                if let Some(team) = data.first_pick(1, user, 0) {
                    assert!(moment(1, user) >= moment(0, team), "{teams}/{users}: user {user} before team {team}");
                }
            }
        }
    }

    #[test]
    fn dates_are_written_from_their_midnight_and_held_at_the_day() {
        let creation = Creation {
            slot: 0,
            date: true,
            lo: 0,
            hi: 100 * MICROS_PER_DAY,
            parents: vec![],
            key: StreamKey(1),
            founder: None,
            back_edges: vec![],
        };
        assert_eq!(creation.written(MICROS_PER_DAY + 1), 2 * MICROS_PER_DAY);
        assert_eq!(creation.at_most(2 * MICROS_PER_DAY - 1), MICROS_PER_DAY);
        let timestamps = Creation { date: false, ..creation };
        assert_eq!(timestamps.written(7), 7);
        assert_eq!(timestamps.at_most(7), 7);
    }
}
