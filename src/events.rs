//! What the engine reports while it works. The library never prints: the binary subscribes a
//! [`Reporter`] that draws progress bars on a terminal and plain lines elsewhere.

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
    /// Deferred and re-added constraints validated, sequences moved: about to commit.
    Finishing,
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
    },
}

pub trait Reporter: Send + Sync {
    fn report(&self, event: Event<'_>);
}

/// A reporter that ignores everything (library use, tests).
pub struct Silent;

impl Reporter for Silent {
    fn report(&self, _event: Event<'_>) {}
}
