//! Loading a plan into the database: COPY per table, inside the caller's transaction.
//!
//! Last stage of the pipeline, the way pgbench and pg_restore load: one `COPY ... FROM STDIN` per
//! table (binary when every column has a binary encoder, text otherwise, CSV for fixtures), rows
//! generated straight into a reused ~1 MiB buffer. Cycles are handled around the COPYs: deferrable
//! back edges are deferred, the others dropped before and re-added after (re-adding validates
//! them). Sequences are then moved past the written values ([`sequences`]; a shared one only
//! forward); the few whose keys triggers hand out to rows the plan computes are restarted just
//! before the trigger's table is copied. The caller commits or rolls back, so a
//! failure anywhere leaves the database as it was.
//!
//! That is the transactional mode, for small loads (the dev loop, where [`empty`] replaces the
//! `TRUNCATE` by a cheaper `DELETE` when it is equivalent). Big loads use [`bulk`] mode: keys and
//! indexes dropped ([`saved`]) and rebuilt around `COPY ... FREEZE`, on one connection or, with
//! `--jobs`, several (`parallel`, with `recovery` when it fails midway, and a `record` in the
//! database that the next run's `resume` finishes when the process was killed). While a run works,
//! [`locks`] says who holds a lock it waits for. Generating on a thread
//! of its own feeding the COPY was measured and gained nothing: the socket's buffers already let
//! the server consume one buffer while the next is generated (BENCHMARKS.md).

pub mod bulk;
mod copy;
pub mod deferred;
pub mod empty;
pub mod locks;
mod parallel;
pub mod record;
mod recovery;
mod resume;
pub mod saved;
pub mod search_path;
mod sequences;
pub mod server_check;
pub mod triggers;

use std::time::Instant;

use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::events::{Event, Reporter, Step};
use crate::plan::{ConstraintRef, Plan};
use crate::schema::quote_ident;

pub use bulk::BULK_THRESHOLD;
pub use copy::{Chunk, TableStats};
pub use deferred::DeferredChecks;
pub use recovery::interrupted_state;
pub use resume::{finish_pending, refuse_pending};
use sequences::fix_sequences;

use crate::connect::Target;

/// How to load: the transactional default or bulk mode, and over how many connections.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `Some(true)`: bulk mode (`--bulk`); `Some(false)`: the transactional mode (`--no-bulk`);
    /// `None`: bulk mode when the plan writes at least [`BULK_THRESHOLD`] rows.
    pub bulk: Option<bool>,
    /// Connections loading at once in bulk mode (`--jobs`); 0 and 1 mean one connection and one
    /// transaction. More give up the single transaction (see [`bulk`]).
    pub jobs: usize,
    /// Where the extra connections of `jobs` > 1 connect.
    pub target: Option<Target>,
    /// Settings the schema reads (`--set`), over the profile's `[settings]`: set in the run's
    /// transaction and on every connection of the load.
    pub settings: crate::connect::ServerSettings,
}

/// Loads every table of `plan` (already cleaned) in order. Runs inside the caller's transaction.
pub async fn load(conn: &mut PgConnection, plan: &Plan, reporter: &dyn Reporter) -> Result<u64> {
    let started = Instant::now();
    let checks = begin(conn, plan).await?;
    let mut total = 0;
    for index in 0..plan.tables.len() {
        total += copy_table(conn, plan, index, &checks, reporter).await?;
    }
    finish(conn, plan, total, started, reporter).await?;
    Ok(total)
}

/// Before the first COPY: defers the deferrable back edges of cycles and drops the others.
/// Returns the deferrable constraints whose checks each table's COPY is followed by.
pub async fn begin(conn: &mut PgConnection, plan: &Plan) -> Result<DeferredChecks> {
    for constraint in &plan.deferred {
        execute(
            conn,
            &format!(
                "SET CONSTRAINTS {}.{} DEFERRED",
                quote_ident(&constraint.table.schema),
                quote_ident(&constraint.name)
            ),
            "deferring a cyclic foreign key",
        )
        .await?;
    }
    for constraint in &plan.dropped {
        execute(conn, &drop_sql(constraint), "dropping a cyclic foreign key for the load").await?;
    }
    deferred::read(conn).await
}

/// Copies the whole of table `index` of the plan, then fires the deferred checks its rows
/// queued, so a refusal is the table's (see [`deferred`]); returns its rows.
pub async fn copy_table(
    conn: &mut PgConnection,
    plan: &Plan,
    index: usize,
    checks: &DeferredChecks,
    reporter: &dyn Reporter,
) -> Result<u64> {
    let rows = copy::copy_table(conn, plan, &Chunk::whole(plan, index, false), reporter).await?.rows;
    deferred::check(conn, checks, plan, index).await?;
    Ok(rows)
}

/// After the last COPY: checks the deferred keys, re-adds the dropped ones (which validates
/// them), moves the sequences and switches the triggers back on.
pub async fn finish(
    conn: &mut PgConnection,
    plan: &Plan,
    total: u64,
    started: Instant,
    reporter: &dyn Reporter,
) -> Result<()> {
    reporter.report(Event::Finishing);
    step(reporter, Step::CheckingDeferredKeys { count: plan.deferred.len() });
    // Deferred checks fire now: ALTER TABLE refuses a table with pending trigger events.
    execute(conn, "SET CONSTRAINTS ALL IMMEDIATE", "checking the deferred foreign keys").await?;
    step(reporter, Step::AddingForeignKeys { count: plan.dropped.len() });
    for constraint in &plan.dropped {
        let context =
            format!("re-adding foreign key {} on {} after the load", constraint.name, constraint.table.plain());
        execute(conn, &add_sql(constraint), &context).await?;
    }
    step(reporter, Step::MovingSequences);
    fix_sequences(conn, plan).await?;
    triggers::restore(conn, plan).await?;
    reporter.report(Event::Finished { rows: total, elapsed: started.elapsed() });
    Ok(())
}

/// Whether a load begun with `old`, whose first `loaded` tables are in, can go on with `new` (the
/// plan rebuilt without a refused table): the tables already loaded are planned exactly as before,
/// at the same places, and the same keys are deferred and dropped and triggers switched off.
/// Leaving a table out can change an earlier one (a cycle's back edge to it, a table its triggers
/// would have filled); then the load must start again.
pub fn continues(old: &Plan, new: &Plan, loaded: usize) -> bool {
    let same = |i: usize| {
        format!("{:?}", old.tables[i]) == format!("{:?}", new.tables[i])
            && format!("{:?}", old.dataset.tables[i]) == format!("{:?}", new.dataset.tables[i])
    };
    // The triggers switched off follow `clean`, which loses the refused tables: they are switched
    // back on from the plan the load finishes with.
    old.seed == new.seed
        && old.triggers_off == new.triggers_off
        && old.deferred == new.deferred
        && old.dropped == new.dropped
        && new.tables.len() >= loaded
        && old.tables.len() >= loaded
        && (0..loaded).all(same)
}

fn drop_sql(constraint: &ConstraintRef) -> String {
    format!("ALTER TABLE {} DROP CONSTRAINT {}", constraint.table, quote_ident(&constraint.name))
}

fn add_sql(constraint: &ConstraintRef) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {}",
        constraint.table,
        quote_ident(&constraint.name),
        constraint.definition
    )
}

/// Reports the start of `what`, unless it has nothing to do.
fn step(reporter: &dyn Reporter, what: Step) {
    if !what.is_empty() {
        reporter.report(Event::Step { step: what });
    }
}

pub(crate) async fn execute(conn: &mut PgConnection, sql: &str, context: &str) -> Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(|source| Error::Database { context: context.to_string(), source })
}
