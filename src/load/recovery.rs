//! What `--jobs` does when it fails after committing its cleanup: empty the tables again.
//!
//! [`super::parallel`] commits the `TRUNCATE` and the dropped indexes and foreign keys before its
//! connections load, so a failure afterwards (a load error, a foreign key that does not hold, a
//! lost connection) or an interruption (Ctrl-C, SIGTERM, a dropped future: see [`Guard`]) would
//! otherwise leave tables half-loaded and without their keys. [`Recovery::run`] ends this run's
//! backends that are still there, then in one transaction on a fresh connection truncates what
//! the cleanup truncated, re-creates every saved index and foreign key that is missing (on empty
//! tables they hold trivially) and deletes the run's [`record`]. It returns a sentence saying
//! what state the tables are in, for the message; if it fails too, the record stays in the
//! database and the sentence says so.
//!
//! A killed process runs no recovery: the record it committed with its cleanup does. Every run
//! and `seed clean` first finish a pending record's recovery ([`finish_pending`]); `seed plan`,
//! which never writes, refuses and says how to repair ([`refuse_pending`]).

use std::sync::{Arc, Mutex};

use sqlx::{Acquire, PgConnection, Row};

use super::record::{self, LOCK_CLASS};
use super::saved::{Definition, Kind, Saved};
use super::{bulk, execute};
use crate::clean::{self, CleanOptions};
use crate::connect::Target;
use crate::error::{Error, Result};
use crate::events::{Reporter, Silent};
use crate::schema::{QualifiedName, quote_ident, quote_literal};

/// The backends of this run's extra connections: (pid, start time), to end them if interrupted.
pub(super) type Pids = Arc<Mutex<Vec<(i32, String)>>>;

pub(super) async fn connect(target: &Target, pids: &Pids) -> Result<PgConnection> {
    let mut conn = target.connect().await?;
    let id = identify(&mut conn).await?;
    if let Ok(mut list) = pids.lock() {
        list.push(id);
    }
    Ok(conn)
}

/// The backend serving `conn`: (pid, start time), which tells it from a later one with its pid.
pub(super) async fn identify(conn: &mut PgConnection) -> Result<(i32, String)> {
    let row =
        sqlx::query("SELECT pg_backend_pid(), backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()")
            .fetch_one(&mut *conn)
            .await
            .map_err(Error::database("identifying a loading connection"))?;
    Ok((row.try_get(0).unwrap_or(0), row.try_get(1).unwrap_or_default()))
}

/// A connection of this run holding the lock on record `id` until it ends: other runs see the
/// record belongs to a live run (see [`record`]).
pub(super) async fn hold(target: &Target, pids: &Pids, id: i32) -> Result<PgConnection> {
    let mut conn = connect(target, pids).await?;
    let sql = format!("SELECT pg_advisory_lock({LOCK_CLASS}, {id})");
    execute(&mut conn, &sql, "locking the record of this --jobs load").await?;
    Ok(conn)
}

/// Empties the tables again and re-creates what is missing, after a failure past the cleanup.
#[derive(Clone)]
pub(super) struct Recovery {
    pub(super) target: Target,
    /// The plan's tables, which the cleanup truncated.
    pub(super) tables: Vec<QualifiedName>,
    /// The outside tables it truncated with them.
    pub(super) outside: Vec<QualifiedName>,
    pub(super) saved: Saved,
    /// Whether the run may empty outside tables that hold rows (`--cascade`).
    pub(super) cleaning: CleanOptions,
    /// This run's extra connections (loading, restoring, holding the record's lock).
    pub(super) pids: Pids,
    /// The id of the run's [`record`].
    pub(super) record: i32,
    /// The backend of the run's own connection, whose transaction commits the cleanup.
    pub(super) coordinator: (i32, String),
    /// Whether that commit returned. Until then its outcome is unknown: the recovery ends that
    /// backend (which settles it) and looks for the record to know whether anything was committed.
    pub(super) committed: bool,
}

impl Recovery {
    /// Runs the recovery; returns what state the tables are in, for the message.
    pub(super) async fn run(&self) -> String {
        let committed = "Bulk mode with --jobs had already committed the cleanup";
        match self.try_run().await {
            Ok(Some(recreated)) => format!(
                "{committed}, so the profile's {} tables were emptied again and the {recreated} indexes, keys and \
                 foreign keys it had dropped re-created: no half-load remains",
                self.tables.len()
            ),
            Ok(None) if !self.committed => {
                "the cleanup had not been committed: nothing was committed, the database is as it was before the run"
                    .to_string()
            }
            Ok(None) => "its record of what to restore was already gone: the load had completed and been committed \
                         (the tables hold the whole load with every index and key), or another seed run had already \
                         emptied them again and re-created what was missing"
                .to_string(),
            Err(error) => format!("{committed}, and emptying the tables again failed ({error}): {}", pending_hint()),
        }
    }

    /// `Some(re-created definitions)` when the cleanup was committed, `None` when it was not or
    /// the load completed (the record is gone either way).
    async fn try_run(&self) -> Result<Option<usize>> {
        let mut conn = connect_again(&self.target).await?;
        self.end_backends(&mut conn).await?;
        let mut tx = conn.begin().await.map_err(Error::database("starting the recovery"))?;
        let sql = format!("SELECT pg_advisory_xact_lock({LOCK_CLASS}, {})", self.record);
        execute(&mut tx, &sql, "locking the record of this --jobs load").await?;
        if !record::exists(&mut tx, self.record).await? {
            return Ok(None);
        }
        let emptied = Emptied { tables: &self.tables, outside: &self.outside, cleaning: self.cleaning };
        let recreated = empty_and_restore(&mut tx, emptied, &self.saved, &Silent).await?;
        record::remove(&mut tx, self.record).await?;
        tx.commit().await.map_err(Error::database("committing the recovery"))?;
        Ok(Some(recreated))
    }

    /// Ends this run's backends that are still there (an interrupted run's tasks may not have
    /// closed their connections yet), so their locks do not hold the recovery up; and the run's
    /// own backend while its commit's outcome is unknown.
    async fn end_backends(&self, conn: &mut PgConnection) -> Result<()> {
        let mut ids: Vec<(i32, String)> = self.pids.lock().map(|l| l.clone()).unwrap_or_default();
        if !self.committed {
            ids.push(self.coordinator.clone());
        }
        for (pid, started) in ids {
            let sql = format!(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid = {pid} AND backend_start::text = {}",
                quote_literal(&started)
            );
            execute(conn, &sql, "ending an interrupted loading connection").await?;
        }
        Ok(())
    }
}

/// A connection for the recovery. The run may have failed for want of connection slots ("too many
/// clients"), which its own connections, just closed, free a moment later: a few tries.
async fn connect_again(target: &Target) -> Result<PgConnection> {
    for _ in 0..5 {
        match target.connect().await {
            Err(Error::Connect { .. }) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            other => return other,
        }
    }
    target.connect().await
}

/// What a repair empties again: what a `--jobs` cleanup emptied.
pub(super) struct Emptied<'a> {
    /// The plan's tables.
    pub(super) tables: &'a [QualifiedName],
    /// The outside tables the cleanup emptied with them.
    pub(super) outside: &'a [QualifiedName],
    /// `--cascade`: outside tables that hold rows by now may be emptied too.
    pub(super) cleaning: CleanOptions,
}

/// Empties the tables again and re-creates every definition of `saved` that is missing; returns
/// how many it re-created. Runs in the caller's transaction.
///
/// Emptied under cleanup's rules ([`clean::empty_owned`]), and every outside table that references
/// the tables now is found again: the cleanup's dropped foreign keys no longer lead to its own
/// outside tables (they are named instead), the chains behind those (`ext.notes ->
/// ext.bookmarks`) kept theirs, and `TRUNCATE` needs every referencing table in one statement.
/// An outside table that holds rows by now is refused, unless `--cascade`.
pub(super) async fn empty_and_restore(
    conn: &mut PgConnection,
    emptied: Emptied<'_>,
    saved: &Saved,
    reporter: &dyn Reporter,
) -> Result<usize> {
    clean::empty_owned(conn, emptied.tables, emptied.outside, emptied.cleaning, reporter).await?;
    let mut recreated = 0;
    for definition in saved.restore_order() {
        if !exists(conn, definition).await? {
            bulk::restore(conn, definition).await?;
            recreated += 1;
        }
    }
    Ok(recreated)
}

async fn exists(conn: &mut PgConnection, definition: &Definition) -> Result<bool> {
    let sql = match definition.kind {
        Kind::Index => format!(
            "SELECT to_regclass({}) IS NOT NULL",
            quote_literal(&format!("{}.{}", quote_ident(&definition.table.schema), quote_ident(&definition.name)))
        ),
        Kind::Constraint | Kind::ForeignKey => format!(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {}::regclass AND conname = {})",
            quote_literal(&definition.table.to_string()),
            quote_literal(&definition.name)
        ),
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database("checking which indexes and constraints are missing"))?;
    row.try_get(0).map_err(Error::database("checking which indexes and constraints are missing"))
}

/// Adds the state of the tables to a failure's message.
pub(super) fn with_state(error: Error, state: &str) -> Error {
    match error {
        Error::Load { table, message } => Error::Load { table, message: format!("{message}. {state}") },
        Error::Database { context, source } => Error::Database { context: format!("{context} ({state})"), source },
        Error::Connect { target, reason } => Error::Connect { target, reason: format!("{reason}. {state}") },
        Error::Refused(message) => Error::Refused(format!("{message}. {state}")),
        other => Error::Load { table: "(parallel load)".into(), message: format!("{other}. {state}") },
    }
}

/// What the recovery of an interrupted run found, for the binary's message (see [`interrupted_state`]).
static TOLD: Mutex<Option<String>> = Mutex::new(None);

/// The state of the tables as the recovery of a dropped `--jobs` run left it, once: `None` when
/// no such recovery ran (nothing past a cleanup was committed).
pub fn interrupted_state() -> Option<String> {
    TOLD.lock().ok().and_then(|mut told| told.take())
}

/// Runs the recovery if the load is dropped midway (Ctrl-C, a cancelled future): the run's future
/// is gone, so it runs on a thread of its own, blocking until the tables are empty again.
pub(super) struct Guard {
    recovery: Option<Recovery>,
}

impl Guard {
    pub(super) fn arm(recovery: Recovery) -> Guard {
        Guard { recovery: Some(recovery) }
    }

    /// The cleanup's commit returned.
    pub(super) fn committed(&mut self) {
        if let Some(recovery) = self.recovery.as_mut() {
            recovery.committed = true;
        }
    }

    /// The load completed: nothing to recover.
    pub(super) fn disarm(&mut self) {
        self.recovery = None;
    }

    /// Recovers now; armed until done, so a drop meanwhile still recovers.
    pub(super) async fn recover(&mut self) -> String {
        let state = match &self.recovery {
            Some(recovery) => recovery.run().await,
            None => String::new(),
        };
        self.recovery = None;
        state
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let Some(recovery) = self.recovery.take() else { return };
        let handle = std::thread::spawn(move || {
            let state = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(recovery.run()),
                Err(error) => format!("the recovery could not start ({error}): {}", pending_hint()),
            };
            if let Ok(mut told) = TOLD.lock() {
                *told = Some(state);
            }
        });
        let _ = handle.join();
    }
}

fn pending_hint() -> String {
    format!(
        "the profile's tables may hold part of the load and lack some of their indexes, keys and foreign keys; what \
         to restore is recorded in the database (schema {}), and the next `seed --profile NAME` or \
         `seed clean --profile NAME` against it empties those tables again and re-creates them",
        record::SCHEMA
    )
}
