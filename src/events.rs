//! What the engine reports while it works. The library never prints: the binary subscribes a
//! [`Reporter`] that draws progress bars on a terminal and plain lines elsewhere.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::plan::Plan;
use crate::schema::QualifiedName;

#[derive(Debug)]
pub enum Event<'a> {
    Connected {
        target: &'a str,
    },
    /// A profile's DDL file was applied because its schema had no tables.
    SchemaApplied {
        schema: &'a str,
        file: &'a PathBuf,
    },
    PlanReady {
        plan: &'a Plan,
    },
    Cleaned {
        tables: usize,
    },
    /// `seed clean` found none of the profile's tables: `missing` are the schemas the profile
    /// would create (a run creates them; a clean does not).
    NothingToClean {
        missing: &'a [String],
    },
    /// A `--jobs` run killed past its cleanup (started at `started`) left a recovery record: its
    /// `tables` were emptied again and `recreated` missing indexes, keys and foreign keys re-created.
    Recovered {
        started: &'a str,
        tables: usize,
        recreated: usize,
    },
    /// `--cascade`: tables outside the profile that reference its tables and held rows, emptied
    /// with them (only reported when there are some).
    CascadeEmptied {
        tables: &'a [QualifiedName],
    },
    TableStarted {
        table: &'a QualifiedName,
        rows: u64,
    },
    /// Rows sent so far for the current table (about every MiB of COPY data).
    RowsWritten {
        table: &'a QualifiedName,
        rows: u64,
    },
    TableDone {
        table: &'a QualifiedName,
        rows: u64,
        bytes: u64,
        elapsed: Duration,
    },
    /// Every row is in: the [`Step`]s after the COPYs follow (keys, sequences, statistics).
    Finishing,
    /// A step after the COPYs begins; it may take a while and reports no progress of its own.
    Step {
        step: Step,
    },
    /// A statement of the run has waited more than a second for a lock another session holds.
    LockWait {
        wait: &'a LockWait,
    },
    /// `COMMIT` is being sent: if the run is interrupted from here on, whether the server
    /// committed is unknown (it may have, before the connection closed).
    Committing,
    Finished {
        rows: u64,
        elapsed: Duration,
    },
    /// A table left out of the run, with why (`--rows` mode, or `skip = true` in the profile).
    TableSkipped {
        table: &'a QualifiedName,
        reason: &'a str,
        /// The profile asked for it (`skip = true`), so it is no surprise to warn about.
        requested: bool,
    },
}

/// The long steps after the COPYs, in the order a load may take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Deferred foreign keys checked (`SET CONSTRAINTS ALL IMMEDIATE`).
    CheckingDeferredKeys { count: usize },
    /// Bulk mode: the dropped indexes and key constraints re-created.
    RebuildingIndexes { count: usize },
    /// Dropped foreign keys re-added; each re-add checks every row.
    AddingForeignKeys { count: usize },
    /// Sequences moved past the written values.
    MovingSequences,
    /// Bulk mode: statistics gathered for the loaded tables (`ANALYZE`).
    Analyzing { tables: usize },
}

impl Step {
    /// A step with nothing to do (no index to rebuild, no foreign key to re-add) is not reported.
    pub fn is_empty(&self) -> bool {
        match *self {
            Step::CheckingDeferredKeys { count }
            | Step::RebuildingIndexes { count }
            | Step::AddingForeignKeys { count }
            | Step::Analyzing { tables: count } => count == 0,
            Step::MovingSequences => false,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match *self {
            Step::CheckingDeferredKeys { count } => write!(f, "checking {count} deferred foreign key{}", plural(count)),
            Step::RebuildingIndexes { count } => {
                write!(f, "rebuilding {count} index{}", if count == 1 { "" } else { "es" })
            }
            Step::AddingForeignKeys { count } => {
                write!(f, "re-adding {count} foreign key{} (checks every row)", plural(count))
            }
            Step::MovingSequences => write!(f, "moving sequences"),
            Step::Analyzing { tables } => write!(f, "analyzing {tables} table{}", plural(tables)),
        }
    }
}

/// A lock the run has been waiting for, and who holds it (`pg_blocking_pids`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockWait {
    /// The table (`schema.table`), or the kind of lock when it is not a table's (`transactionid`
    /// for a row another transaction changed).
    pub object: String,
    /// The lock mode asked for (`AccessExclusiveLock` for a `TRUNCATE`).
    pub mode: String,
    pub holders: Vec<LockHolder>,
    /// `--lock-timeout`: when the statement gives up; `None`: it waits as long as it takes.
    pub gives_up_after: Option<Duration>,
}

/// A backend holding a lock the run waits for, as `pg_stat_activity` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub pid: i32,
    pub application: String,
    pub user: String,
    /// `idle in transaction`, `active`, ...
    pub state: String,
    /// The start of its last statement, on one line.
    pub query: String,
}

pub trait Reporter: Send + Sync {
    fn report(&self, event: Event<'_>);
}

/// A reporter that ignores everything (library use, tests).
pub struct Silent;

impl Reporter for Silent {
    fn report(&self, _event: Event<'_>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_as_what_they_do_and_empty_ones_are_known() {
        assert_eq!(Step::RebuildingIndexes { count: 1 }.to_string(), "rebuilding 1 index");
        assert_eq!(Step::RebuildingIndexes { count: 3 }.to_string(), "rebuilding 3 indexes");
        assert_eq!(Step::AddingForeignKeys { count: 2 }.to_string(), "re-adding 2 foreign keys (checks every row)");
        assert!(Step::Analyzing { tables: 0 }.is_empty() && !Step::MovingSequences.is_empty());
    }
}
