//! Before a run touches a database: finish what a killed `--jobs` run left there.
//!
//! A `--jobs` run killed past its cleanup (SIGKILL, a crash) leaves tables half-loaded and without
//! some of their indexes and foreign keys, and a [`record`] of what to restore. Planning or loading
//! on top of that would read a damaged schema, so [`finish_pending`] (every run, `seed clean`)
//! first empties those tables again and re-creates what is missing, in one transaction, and
//! [`refuse_pending`] (`seed plan`, which never writes) stops and says how to repair. A record
//! whose run still loads (its lock is held) is waited for a few seconds, then refused.

use sqlx::{Acquire, PgConnection};

use super::execute;
use super::record::{self, LOCK_CLASS, Record};
use super::recovery::{Emptied, empty_and_restore, with_state};
use crate::clean::CleanOptions;
use crate::error::{Error, Result};
use crate::events::{Event, Reporter};

/// How long a run waits for a record's lock: a just-killed run's backends take a moment to end.
const LOCK_WAIT: &str = "5s";

/// Finishes the recovery of every record a dead `--jobs` run left, each in one transaction;
/// `cleaning` says how far it may reach, as for the run's own cleanup.
pub async fn finish_pending(conn: &mut PgConnection, cleaning: CleanOptions, reporter: &dyn Reporter) -> Result<()> {
    for pending in record::pending(conn).await? {
        let mut tx = conn.begin().await.map_err(Error::database("starting the recovery of an interrupted load"))?;
        claim(&mut tx, &pending).await?;
        if !record::exists(&mut tx, pending.id).await? {
            continue;
        }
        let failed = |error| {
            with_state(error, &format!("{}; nothing changed, fix the cause and run seed again", what(&pending)))
        };
        let emptied = Emptied { tables: &pending.tables, outside: &pending.outside, cleaning };
        let restored = empty_and_restore(&mut tx, emptied, &pending.saved, reporter).await;
        let recreated = restored.map_err(failed)?;
        record::remove(&mut tx, pending.id).await?;
        tx.commit().await.map_err(Error::database("committing the recovery of an interrupted load"))?;
        reporter.report(Event::Recovered { started: &pending.started, tables: pending.tables.len(), recreated });
    }
    Ok(())
}

/// Refuses to go on while a record is pending (for `seed plan`, which never writes).
pub async fn refuse_pending(conn: &mut PgConnection) -> Result<()> {
    match record::pending(conn).await?.first() {
        None => Ok(()),
        Some(pending) => Err(Error::Refused(format!(
            "{}. `seed plan` never writes, so it stops here: run `seed clean --profile NAME` or \
             `seed --profile NAME` against this database, which first empty those tables again and re-create what \
             is missing",
            what(pending)
        ))),
    }
}

/// Takes the record's lock for the transaction; refuses when its run still holds it.
async fn claim(conn: &mut PgConnection, pending: &Record) -> Result<()> {
    let context = "locking the record of an interrupted --jobs load";
    execute(conn, &format!("SET LOCAL lock_timeout = '{LOCK_WAIT}'"), context).await?;
    let sql = format!("SELECT pg_advisory_xact_lock({LOCK_CLASS}, {})", pending.id);
    match sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await {
        Err(error) if error.as_database_error().and_then(|e| e.code()).as_deref() == Some("55P03") => {
            Err(Error::Refused(format!(
                "a `seed --jobs` run started at {} is still loading tables of this database (or ended less than \
                 {LOCK_WAIT} ago): wait for it to finish, then run seed again",
                pending.started
            )))
        }
        Err(source) => Err(Error::Database { context: context.into(), source }),
        Ok(_) => execute(conn, "SET LOCAL lock_timeout = DEFAULT", context).await,
    }
}

/// What a record means, for messages.
fn what(pending: &Record) -> String {
    format!(
        "a `seed --jobs` run started at {} was interrupted after committing its cleanup and before completing its load \
         (killed, or its recovery failed): the {} tables it emptied may be half-loaded and up to {} of their \
         indexes, keys and foreign keys are missing (recorded in schema {})",
        pending.started,
        pending.tables.len(),
        pending.saved.restore_order().count(),
        record::SCHEMA
    )
}
