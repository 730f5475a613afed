//! What `--jobs` does when it fails after committing its cleanup: empty the tables again.
//!
//! [`super::parallel`] commits the `TRUNCATE` and the dropped indexes and foreign keys before its
//! connections load, so a failure afterwards (a load error, a foreign key that does not hold, a
//! lost connection) or an interruption (Ctrl-C, a dropped future: see [`Guard`]) would otherwise
//! leave tables half-loaded and without their keys. [`Recovery::run`] ends this run's loading
//! backends that are still there, then in one transaction on a fresh connection truncates what the
//! cleanup truncated and re-creates every saved index and foreign key that is missing (on empty
//! tables they hold trivially). It returns a sentence saying what state the tables are in, for the
//! error message; if it fails too, the sentence lists the definitions that may be missing.

use std::sync::{Arc, Mutex};

use sqlx::{Acquire, PgConnection, Row};

use super::saved::{Definition, Kind, Saved};
use super::{bulk, execute};
use crate::connect::Target;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::schema::{QualifiedName, quote_ident, quote_literal};

/// The backends of this run's extra connections: (pid, start time), to end them if interrupted.
pub(super) type Pids = Arc<Mutex<Vec<(i32, String)>>>;

pub(super) async fn connect(target: &Target, pids: &Pids) -> Result<PgConnection> {
    let mut conn = target.connect().await?;
    let row =
        sqlx::query("SELECT pg_backend_pid(), backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .map_err(Error::database("identifying a loading connection"))?;
    let id = (row.try_get(0).unwrap_or(0), row.try_get(1).unwrap_or_default());
    if let Ok(mut list) = pids.lock() {
        list.push(id);
    }
    Ok(conn)
}

/// Empties the tables again and re-creates what is missing, after a failure past the cleanup.
#[derive(Clone)]
pub(super) struct Recovery {
    target: Target,
    /// What the cleanup truncated: the plan's tables and the (empty) tables referencing them.
    tables: Vec<QualifiedName>,
    saved: Saved,
    pids: Pids,
}

impl Recovery {
    pub(super) fn new(target: &Target, plan: &Plan, saved: &Saved) -> Recovery {
        let mut tables = plan.clean.clone();
        for fk in &saved.foreign_keys {
            if !tables.contains(&fk.table) {
                tables.push(fk.table.clone());
            }
        }
        Recovery { target: target.clone(), tables, saved: saved.clone(), pids: Arc::default() }
    }

    /// Runs the recovery; returns what state the tables are in, for the error message.
    pub(super) async fn run(&self) -> String {
        let committed = "Bulk mode with --jobs had already committed the cleanup";
        match self.try_run().await {
            Ok(()) => format!(
                "{committed}, so the profile's {} tables were emptied again and their indexes and foreign keys \
                 re-created: no half-load remains",
                self.tables.len()
            ),
            Err(error) => {
                let missing: Vec<String> = self.saved.restore_order().map(|d| format!("{};", d.create_sql())).collect();
                format!(
                    "{committed}, and emptying the tables again failed ({error}): the profile's tables may hold part of \
                     the load, and some of these may be missing: {}",
                    missing.join(" ")
                )
            }
        }
    }

    async fn try_run(&self) -> Result<()> {
        let mut conn = self.target.connect().await?;
        self.end_workers(&mut conn).await?;
        let mut tx = conn.begin().await.map_err(Error::database("starting the recovery"))?;
        let list: Vec<String> = self.tables.iter().map(|t| t.to_string()).collect();
        execute(&mut tx, &format!("TRUNCATE {}", list.join(", ")), "emptying the tables again").await?;
        for definition in self.saved.restore_order() {
            if !exists(&mut tx, definition).await? {
                bulk::restore(&mut tx, definition).await?;
            }
        }
        tx.commit().await.map_err(Error::database("committing the recovery"))
    }

    /// Ends this run's loading backends that are still there (an interrupted run's tasks may not
    /// have closed their connections yet), so their locks do not hold the recovery up.
    async fn end_workers(&self, conn: &mut PgConnection) -> Result<()> {
        let ids: Vec<(i32, String)> = self.pids.lock().map(|l| l.clone()).unwrap_or_default();
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
        other => Error::Load { table: "(parallel load)".into(), message: format!("{other}. {state}") },
    }
}

/// Runs the recovery if the load is dropped midway (Ctrl-C, a cancelled future): the run's future
/// is gone, so it runs on a thread of its own, blocking until the tables are empty again.
pub(super) struct Guard {
    pub(super) recovery: Option<Recovery>,
}

impl Guard {
    pub(super) fn pids(&self) -> Pids {
        self.recovery.as_ref().map(|r| Arc::clone(&r.pids)).unwrap_or_default()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let Some(recovery) = self.recovery.take() else { return };
        let handle = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                runtime.block_on(recovery.run());
            }
        });
        let _ = handle.join();
    }
}
