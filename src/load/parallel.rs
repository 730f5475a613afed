//! Bulk mode over several connections (`--jobs N`), and what it does when it fails midway.
//!
//! A transaction belongs to one connection, so a parallel load cannot be one transaction. The
//! run's transaction empties the tables and drops their indexes and foreign keys ([`bulk::prepare`])
//! and commits; then `N` connections copy at once, each chunk in its own transaction: a whole
//! table is truncated again in that transaction and copied with `FREEZE`, a table bigger than
//! one connection's share is split into `N` row ranges (rows are pure functions of their index, so
//! any range can be generated alone) copied without `FREEZE`, which needs the truncating
//! transaction. Tables with triggers break the load into phases, in plan order ([`phases`]), so
//! their triggers see what they would see without `--jobs`. Then the indexes are rebuilt on `N` connections (biggest tables first), the
//! foreign keys re-added and sequences moved on one, and statistics gathered on `N` again.
//!
//! If anything fails after the cleanup was committed (a load error, a foreign key that does not
//! hold, Ctrl-C, SIGTERM, a dropped future), [`super::recovery`] empties the tables again and
//! re-creates every missing index and foreign key: no half-load remains, and the error says so.
//! If the process dies instead, the [`record`] committed with the cleanup lets the next run do it;
//! the foreign keys, sequences and the record's deletion are one last transaction, so the record
//! exists exactly as long as the tables may be half-loaded. Statistics are gathered before it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Acquire, PgConnection, Postgres, Transaction};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::copy::{self, Chunk, TableStats};
use super::record;
use super::recovery::{Guard, Pids, Recovery, connect, hold, identify, with_state};
use super::saved::{self, Definition, Saved};
use super::{bulk, execute, fix_sequences};
use crate::clean::CleanOptions;
use crate::connect::Target;
use crate::error::{Error, Result};
use crate::events::{Event, Reporter, Step};
use crate::plan::Plan;
use crate::schema::QualifiedName;

/// Tables smaller than this are never split: a chunk has a fixed cost (a connection round, a COPY).
const MIN_SPLIT_ROWS: u64 = 100_000;

/// Cleans, loads and restores on `jobs` connections; the run's transaction commits the cleanup,
/// and with it the [`record`] of what to restore should the process die.
pub async fn run(
    mut tx: Transaction<'_, Postgres>,
    plan: &Plan,
    jobs: usize,
    target: &Target,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<u64> {
    let started = Instant::now();
    let triggered = saved::triggered_tables(&mut tx, &plan.clean).await?;
    let (saved, outside) = bulk::prepare(&mut tx, plan, cleaning, reporter).await?;
    let phases = phases(plan, &saved, jobs, &triggered);
    let pids = Pids::default();
    let cleanup = Cleanup { tables: plan.clean.clone(), outside, saved: &saved, cleaning };
    let (mut guard, mut holder, id) = record_cleanup(&mut tx, cleanup, target, &pids).await?;
    if let Err(source) = tx.commit().await {
        let error = Error::Database { context: "committing the cleanup before the parallel load".into(), source };
        return Err(with_state(error, &guard.recover().await));
    }
    guard.committed();
    match load_and_restore(plan, (&saved, phases), jobs, target, reporter, &pids, (&mut holder, id)).await {
        Ok(total) => {
            guard.disarm();
            reporter.report(Event::Finished { rows: total, elapsed: started.elapsed() });
            Ok(total)
        }
        Err(error) => Err(with_state(error, &guard.recover().await)),
    }
}

/// What the run's transaction did before the parallel load: what a repair must undo.
struct Cleanup<'a> {
    /// The plan's tables, which it truncated.
    tables: Vec<QualifiedName>,
    /// The outside tables it truncated with them.
    outside: Vec<QualifiedName>,
    /// What it dropped.
    saved: &'a Saved,
    /// How far the cleanup could reach (`--cascade`); the in-process repair reaches as far.
    cleaning: CleanOptions,
}

/// Writes the [`record`] in the cleanup's transaction, locks it on a connection of its own (the
/// `holder`), and arms the guard before the commit: a drop while the commit is in flight must
/// find out whether it happened. Returns the guard, the holder and the record's id.
async fn record_cleanup(
    tx: &mut PgConnection,
    cleanup: Cleanup<'_>,
    target: &Target,
    pids: &Pids,
) -> Result<(Guard, PgConnection, i32)> {
    let id = record::write(tx, &cleanup.tables, &cleanup.outside, cleanup.saved).await?;
    let coordinator = identify(tx).await?;
    let holder = hold(target, pids, id).await?;
    let recovery = Recovery {
        target: target.clone(),
        tables: cleanup.tables,
        outside: cleanup.outside,
        saved: cleanup.saved.clone(),
        cleaning: cleanup.cleaning,
        pids: Arc::clone(pids),
        record: id,
        coordinator,
        committed: false,
    };
    Ok((Guard::arm(recovery), holder, id))
}

/// Loads the `phases` one after the other, re-creates the indexes and gathers statistics on `jobs`
/// connections, then completes the load in one transaction on `holder`: foreign keys, sequences,
/// and the record deleted.
async fn load_and_restore(
    plan: &Plan,
    (saved, phases): (&Saved, Vec<Vec<Chunk>>),
    jobs: usize,
    target: &Target,
    reporter: &dyn Reporter,
    pids: &Pids,
    (holder, id): (&mut PgConnection, i32),
) -> Result<u64> {
    let mut total = 0;
    for chunks in phases {
        total += load_chunks(plan, chunks, jobs, target, reporter, pids).await?;
    }
    reporter.report(Event::Finishing);
    let rows = |table: &QualifiedName| plan.tables.iter().find(|t| &t.name == table).map_or(0, |t| t.rows);
    // Biggest tables' indexes first, so the longest builds do not start last.
    let mut indexes = saved.indexes.clone();
    indexes.sort_by_key(|d| std::cmp::Reverse(rows(&d.table)));
    super::step(reporter, Step::RebuildingIndexes { count: indexes.len() });
    in_parallel(indexes.into_iter().map(Task::Restore).collect(), jobs, target, pids).await?;
    let mut tables: Vec<QualifiedName> = plan.tables.iter().map(|t| t.name.clone()).collect();
    tables.sort_by_key(|t| std::cmp::Reverse(rows(t)));
    super::step(reporter, Step::Analyzing { tables: tables.len() });
    in_parallel(tables.into_iter().map(Task::Analyze).collect(), jobs, target, pids).await?;
    let mut tx = holder.begin().await.map_err(Error::database("starting the transaction that completes the load"))?;
    // One connection: two foreign keys between the same tables, added at once, can deadlock.
    super::step(reporter, Step::AddingForeignKeys { count: saved.foreign_keys.len() });
    for definition in &saved.foreign_keys {
        bulk::restore(&mut tx, definition).await?;
    }
    super::step(reporter, Step::MovingSequences);
    fix_sequences(&mut tx, plan).await?;
    record::remove(&mut tx, id).await?;
    tx.commit().await.map_err(Error::database("committing the foreign keys and sequences of the load"))?;
    Ok(total)
}

/// The chunks of work in phases, each loaded after the one before has committed, biggest chunks
/// first within a phase. Without triggers there is one phase. A table with triggers is a phase of
/// its own, in plan order, loaded whole on one connection: its triggers see the tables before it
/// complete, and in the order of its rows, as without `--jobs` (a trigger that counts a table's
/// rows into its parent lost counts when the child was copied before its parent, or beside it).
/// The tables from the first triggered one on are not frozen: a frozen COPY truncates its table
/// again, which would wipe the rows a trigger wrote there.
fn phases(plan: &Plan, saved: &Saved, jobs: usize, triggered: &[QualifiedName]) -> Vec<Vec<Chunk>> {
    let is_triggered = |index: usize| triggered.contains(&plan.tables[index].name);
    let first_triggered = (0..plan.tables.len()).find(|&i| is_triggered(i)).unwrap_or(plan.tables.len());
    let mut phases: Vec<Vec<Chunk>> = Vec::new();
    let mut phase_of_table = Vec::with_capacity(plan.tables.len());
    let mut before = 0;
    for index in 0..plan.tables.len() {
        phase_of_table.push(2 * before + usize::from(is_triggered(index)));
        before += usize::from(is_triggered(index));
    }
    for chunk in chunks(plan, saved, jobs, |index| !is_triggered(index), |index| index < first_triggered) {
        let phase = phase_of_table[chunk.table];
        if phases.len() <= phase {
            phases.resize_with(phase + 1, Vec::new);
        }
        phases[phase].push(chunk);
    }
    phases.retain(|chunks| !chunks.is_empty());
    phases
}

/// Chunks of work, biggest first: whole tables (frozen where `may_freeze` and the table is
/// ordinary) and the ranges of the big ones (where `may_split`).
fn chunks(
    plan: &Plan,
    saved: &Saved,
    jobs: usize,
    may_split: impl Fn(usize) -> bool,
    may_freeze: impl Fn(usize) -> bool,
) -> Vec<Chunk> {
    let total: u64 = plan.tables.iter().map(|t| t.rows).sum();
    let share = total.div_ceil(jobs as u64);
    let mut chunks = Vec::new();
    for (index, table) in plan.tables.iter().enumerate() {
        if may_split(index) && table.fixture.is_none() && table.rows > share && table.rows >= MIN_SPLIT_ROWS {
            let n = jobs as u64;
            let bound = |k: u64| table.rows * k / n;
            chunks.extend((0..n).map(|k| Chunk { table: index, rows: bound(k)..bound(k + 1), freeze: false }));
        } else {
            chunks.push(Chunk::whole(plan, index, may_freeze(index) && saved.is_ordinary(&table.name)));
        }
    }
    chunks.sort_by_key(|c| std::cmp::Reverse(c.rows.end - c.rows.start));
    chunks
}

/// One finished chunk, sent to the coordinator.
struct Done {
    table: usize,
    stats: TableStats,
    started: Instant,
    finished: Instant,
}

/// Per table: chunks still running, rows and bytes so far, first start and last end.
struct Tally {
    remaining: usize,
    stats: TableStats,
    span: Option<(Instant, Instant)>,
}

/// Loads `chunks` on up to `jobs` connections at once.
async fn load_chunks(
    plan: &Plan,
    chunks: Vec<Chunk>,
    jobs: usize,
    target: &Target,
    reporter: &dyn Reporter,
    pids: &Pids,
) -> Result<u64> {
    let mut tallies: Vec<Tally> = plan
        .tables
        .iter()
        .map(|_| Tally { remaining: 0, stats: TableStats { rows: 0, bytes: 0 }, span: None })
        .collect();
    for chunk in &chunks {
        tallies[chunk.table].remaining += 1;
    }
    let shared = Arc::new(plan.clone());
    let queue = Arc::new(Mutex::new(VecDeque::from(chunks)));
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let mut workers = JoinSet::new();
    for _ in 0..jobs {
        let work =
            copy_worker(Arc::clone(&shared), Arc::clone(&queue), target.clone(), sender.clone(), Arc::clone(pids));
        workers.spawn(work);
    }
    drop(sender);
    let mut total = 0;
    loop {
        tokio::select! {
            Some(done) = receiver.recv() => total += record(plan, &mut tallies, done, reporter),
            joined = workers.join_next() => match joined {
                None => break,
                Some(result) => {
                    if let Err(error) = flatten(result) {
                        workers.abort_all();
                        while workers.join_next().await.is_some() {}
                        return Err(error);
                    }
                }
            },
        }
    }
    while let Ok(done) = receiver.try_recv() {
        total += record(plan, &mut tallies, done, reporter);
    }
    Ok(total)
}

/// Adds a finished chunk to its table's tally; reports the table when its last chunk is in.
fn record(plan: &Plan, tallies: &mut [Tally], done: Done, reporter: &dyn Reporter) -> u64 {
    let tally = &mut tallies[done.table];
    tally.remaining -= 1;
    tally.stats.rows += done.stats.rows;
    tally.stats.bytes += done.stats.bytes;
    tally.span = Some(match tally.span {
        None => (done.started, done.finished),
        Some((first, last)) => (first.min(done.started), last.max(done.finished)),
    });
    if tally.remaining == 0 {
        let elapsed = tally.span.map_or(Duration::ZERO, |(first, last)| last - first);
        let table = &plan.tables[done.table].name;
        reporter.report(Event::TableDone { table, rows: tally.stats.rows, bytes: tally.stats.bytes, elapsed });
    }
    done.stats.rows
}

async fn copy_worker(
    plan: Arc<Plan>,
    queue: Arc<Mutex<VecDeque<Chunk>>>,
    target: Target,
    done: mpsc::UnboundedSender<Done>,
    pids: Pids,
) -> Result<()> {
    let mut conn = connect(&target, &pids).await?;
    while let Some(chunk) = pop(&queue) {
        let started = Instant::now();
        let stats = if chunk.freeze {
            // FREEZE needs the table truncated in the copying transaction: truncate it (again).
            let mut tx = conn.begin().await.map_err(Error::database("starting a chunk's transaction"))?;
            let name = &plan.tables[chunk.table].name;
            execute(&mut tx, &format!("TRUNCATE {name}"), "emptying a table before its frozen COPY").await?;
            let stats = copy::copy_rows(&mut tx, &plan, &chunk, None).await?;
            tx.commit().await.map_err(Error::database(format!("committing the rows of {}", name.plain())))?;
            stats
        } else {
            copy::copy_rows(&mut conn, &plan, &chunk, None).await?
        };
        let _ = done.send(Done { table: chunk.table, stats, started, finished: Instant::now() });
    }
    Ok(())
}

/// A statement of the restore phase that may run beside others of its kind.
enum Task {
    /// Re-create an index or key constraint (different tables' builds do not block each other).
    Restore(Definition),
    /// Gather one table's statistics.
    Analyze(QualifiedName),
}

/// Runs `tasks` on `jobs` connections, each taking the next task when it is free.
async fn in_parallel(tasks: Vec<Task>, jobs: usize, target: &Target, pids: &Pids) -> Result<()> {
    let workers = jobs.min(tasks.len());
    let queue = Arc::new(Mutex::new(VecDeque::from(tasks)));
    let mut set = JoinSet::new();
    for _ in 0..workers {
        set.spawn(task_worker(Arc::clone(&queue), target.clone(), Arc::clone(pids)));
    }
    join(set).await
}

async fn task_worker(queue: Arc<Mutex<VecDeque<Task>>>, target: Target, pids: Pids) -> Result<()> {
    let mut conn = connect(&target, &pids).await?;
    while let Some(task) = pop(&queue) {
        match task {
            Task::Restore(definition) => bulk::restore(&mut conn, &definition).await?,
            Task::Analyze(table) => {
                execute(&mut conn, &format!("ANALYZE {table}"), "analyzing the loaded tables").await?;
            }
        }
    }
    Ok(())
}

fn pop<T>(queue: &Mutex<VecDeque<T>>) -> Option<T> {
    queue.lock().map_or(None, |mut q| q.pop_front())
}

/// Waits for every task; on the first error, stops the others (closing their connections rolls
/// their transactions back) and returns it.
async fn join(mut set: JoinSet<Result<()>>) -> Result<()> {
    while let Some(result) = set.join_next().await {
        if let Err(error) = flatten(result) {
            set.abort_all();
            while set.join_next().await.is_some() {}
            return Err(error);
        }
    }
    Ok(())
}

fn flatten(result: std::result::Result<Result<()>, tokio::task::JoinError>) -> Result<()> {
    result.unwrap_or_else(|error| {
        Err(Error::Load { table: "(parallel load)".into(), message: format!("a loading task stopped: {error}") })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{self, PlanOptions};
    use crate::schema::{Column, PgType, Schema, Table, TypeKind};

    fn plan_of(names: &[&str], rows: u64) -> Plan {
        let int = || PgType::new(23, "integer".to_string(), TypeKind::Int4);
        let tables = names.iter().map(|n| Table::with_columns(n, vec![Column::plain("id", int())])).collect();
        let options = PlanOptions { rows: Some(rows), ..Default::default() };
        plan::build(&Schema { tables }, None, &options).expect("plan")
    }

    /// (table position, frozen, rows) of each phase's chunks, in table order.
    fn shape(phases: &[Vec<Chunk>]) -> Vec<Vec<(usize, bool, u64)>> {
        let of = |c: &Chunk| (c.table, c.freeze, c.rows.end - c.rows.start);
        phases
            .iter()
            .map(|p| p.iter().map(of).collect::<std::collections::BTreeSet<_>>().into_iter().collect())
            .collect()
    }

    /// Without triggers: one phase, tables over a connection's share split into ranges.
    #[test]
    fn without_triggers_everything_is_one_phase() {
        let plan = plan_of(&["a", "b", "c"], 200_000);
        let saved = Saved { ordinary: plan.clean.clone(), ..Saved::default() };
        let phases = phases(&plan, &saved, 4, &[]);
        assert_eq!(phases.len(), 1);
        assert_eq!(phases[0].len(), 12, "{:?}", shape(&phases));
        assert!(phases[0].iter().all(|c| c.rows.end - c.rows.start == 50_000), "{:?}", shape(&phases));
    }

    /// A table with triggers is a phase of its own between the tables before and after it, loaded
    /// whole; from it on nothing is frozen (a frozen COPY would truncate what its triggers wrote).
    #[test]
    fn a_triggered_table_is_a_phase_of_its_own_loaded_whole() {
        let plan = plan_of(&["a", "b", "c", "d"], 200_000);
        let saved = Saved { ordinary: plan.clean.clone(), ..Saved::default() };
        let triggered = [plan.tables[1].name.clone()];
        let phases = phases(&plan, &saved, 4, &triggered);
        let shape = shape(&phases);
        assert_eq!(shape.len(), 3, "{shape:?}");
        assert!(shape[0].iter().all(|&(table, frozen, _)| table == 0 && frozen), "{shape:?}");
        assert_eq!(shape[1], [(1, false, 200_000)]);
        assert!(shape[2].iter().all(|&(table, frozen, _)| table >= 2 && !frozen), "{shape:?}");
    }
}
