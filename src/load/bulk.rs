//! Bulk mode: the way `pgbench -i` and pg_restore load, for big loads.
//!
//! The transactional mode ([`super::load`]) keeps every index and foreign key in place and checks
//! them row by row: right for a few hundred rows, slow for millions (a primary key roughly doubles
//! the server's cost per row, a foreign key check is one lookup per row). Bulk mode instead:
//!
//! 1. empties the tables with `TRUNCATE` (the same checks as [`crate::clean`]);
//! 2. drops their indexes, key constraints and foreign keys, after reading their definitions from
//!    the catalog ([`super::saved`]);
//! 3. loads every table with `COPY ... (FREEZE)`: rows are written already frozen and visible, so
//!    no later VACUUM has to rewrite the pages (FREEZE needs the table truncated in the same
//!    transaction, which step 1 did);
//! 4. re-creates the indexes, then the foreign keys (re-adding one validates every row), moves the
//!    sequences, and runs `ANALYZE` on the loaded tables.
//!
//! With one connection (the default) all of it is one transaction: a failure anywhere rolls back
//! and the database is unchanged, exactly like the transactional mode. With `--jobs N` > 1, see
//! `load::parallel`: several connections cannot share a transaction, so steps 1 and 2 are
//! committed first and a failure afterwards empties the tables again.
//!
//! It is on by default when a plan writes at least [`BULK_THRESHOLD`] rows (`--bulk` and
//! `--no-bulk` decide otherwise). Measured on 2 cores (BENCHMARKS.md): at 100 000 pgbench rows bulk
//! mode took 0.37 s against 1.2 s, at the `dev` profile's 110 000 rows 3.4 s against 4.0 s; at the
//! `minimal` profile's few hundred rows dropping and re-creating ~150 indexes and foreign keys costs
//! more than it saves.

use std::time::Instant;

use sqlx::{PgConnection, Postgres, Transaction};

use super::copy::{self, Chunk};
use super::saved::{self, Definition, Kind, Saved};
use super::{LoadOptions, execute, fix_sequences, parallel, triggers};
use crate::clean::{self, CleanOptions};
use crate::error::{Error, Result};
use crate::events::{Event, Reporter, Step};
use crate::plan::Plan;
use crate::schema::QualifiedName;

/// Total rows from which a run loads in bulk mode unless told otherwise.
pub const BULK_THRESHOLD: u64 = 100_000;

/// Whether a run of `plan` loads in bulk mode: as `--bulk` / `--no-bulk` say; otherwise, when
/// `may_choose`, from [`BULK_THRESHOLD`] rows, unless a loaded table has user triggers (they run
/// during the COPY and may query other tables through the keys and indexes bulk mode drops).
pub async fn wanted(conn: &mut PgConnection, options: &LoadOptions, plan: &Plan, may_choose: bool) -> Result<bool> {
    match options.bulk {
        Some(bulk) => Ok(bulk),
        None if !may_choose => Ok(false),
        None if plan.tables.iter().map(|t| t.rows).sum::<u64>() < BULK_THRESHOLD => Ok(false),
        // Triggers switched off for the run (--disable-triggers) cannot need the keys.
        None if !plan.triggers_off.is_empty() => Ok(true),
        None => Ok(!saved::has_user_triggers(conn, &plan.clean).await?),
    }
}

/// Cleans and loads `plan` in bulk mode and commits: the run's transaction ends here.
pub async fn run(
    mut tx: Transaction<'_, Postgres>,
    plan: &Plan,
    options: &LoadOptions,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<u64> {
    if let (jobs @ 2.., Some(target)) = (options.jobs, &options.target) {
        return parallel::run(tx, plan, jobs, target, cleaning, reporter).await;
    }
    let started = Instant::now();
    triggers::disable(&mut tx, plan).await?;
    let (saved, _) = prepare(&mut tx, plan, cleaning, reporter).await?;
    // Read after the keys are dropped: what is left deferrable is constraint triggers.
    let checks = super::deferred::read(&mut tx).await?;
    let mut total = 0;
    for index in 0..plan.tables.len() {
        let freeze = saved.is_ordinary(&plan.tables[index].name);
        total += copy::copy_table(&mut tx, plan, &Chunk::whole(plan, index, freeze), reporter).await?.rows;
        // A refusal at COMMIT would name no table: fire the deferred checks table by table.
        super::deferred::check(&mut tx, &checks, plan, index).await?;
    }
    reporter.report(Event::Finishing);
    super::step(reporter, Step::RebuildingIndexes { count: saved.indexes.len() });
    for definition in &saved.indexes {
        restore(&mut tx, definition).await?;
    }
    super::step(reporter, Step::AddingForeignKeys { count: saved.foreign_keys.len() });
    for definition in &saved.foreign_keys {
        restore(&mut tx, definition).await?;
    }
    super::step(reporter, Step::MovingSequences);
    fix_sequences(&mut tx, plan).await?;
    super::step(reporter, Step::Analyzing { tables: plan.tables.len() });
    analyze(&mut tx, plan).await?;
    triggers::restore(&mut tx, plan).await?;
    reporter.report(Event::Committing);
    tx.commit().await.map_err(Error::database("committing the load"))?;
    reporter.report(Event::Finished { rows: total, elapsed: started.elapsed() });
    Ok(total)
}

/// Steps 1 and 2: empties the plan's tables and drops their indexes and foreign keys. Returns what
/// it dropped, and the outside tables it truncated with the plan's (empty ones that reference
/// them, and with `--cascade` those holding rows).
pub(super) async fn prepare(
    conn: &mut PgConnection,
    plan: &Plan,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<(Saved, Vec<QualifiedName>)> {
    let outside = clean::empty_owned(conn, &plan.clean, &[], cleaning, reporter).await?;
    reporter.report(Event::Cleaned { tables: plan.clean.len() });
    let saved = Saved::read(conn, &plan.clean).await?;
    for (sql, definition) in saved.drop_sql() {
        execute(conn, &sql, &format!("dropping {} for the bulk load", definition.describe())).await?;
    }
    Ok((saved, outside))
}

/// Re-creates one dropped index or constraint. A failure names the table: a unique key or foreign
/// key that the loaded rows do not satisfy is a load error of that table.
pub(super) async fn restore(conn: &mut PgConnection, definition: &Definition) -> Result<()> {
    let action = match definition.kind {
        Kind::ForeignKey => format!("re-adding foreign key {} after the load (this checks every row)", definition.name),
        Kind::Constraint => format!("re-creating constraint {} after the load", definition.name),
        Kind::Index => format!("re-creating index {} after the load", definition.name),
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(definition.create_sql())).execute(&mut *conn).await.map(|_| ()).map_err(|e| {
        Error::Load { table: definition.table.plain(), message: format!("{action}: {}", crate::error::explain(&e)) }
    })
}

/// Fresh statistics for the loaded tables (the planner would otherwise guess from empty tables).
pub(super) async fn analyze(conn: &mut PgConnection, plan: &Plan) -> Result<()> {
    if plan.tables.is_empty() {
        return Ok(());
    }
    let tables: Vec<String> = plan.tables.iter().map(|t| t.name.to_string()).collect();
    execute(conn, &format!("ANALYZE {}", tables.join(", ")), "analyzing the loaded tables").await
}
