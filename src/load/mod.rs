//! Loading a plan into the database: COPY per table, inside the caller's transaction.
//!
//! Last stage of the pipeline, the way pgbench and pg_restore load: one `COPY ... FROM STDIN` per
//! table (binary when every column has a binary encoder, text otherwise, CSV for fixtures), rows
//! generated straight into a reused ~1 MiB buffer. Cycles are handled around the COPYs: deferrable
//! back edges are deferred, the others dropped before and re-added after (re-adding validates
//! them). Sequences are then moved past the written values. The caller commits or rolls back, so a
//! failure anywhere leaves the database as it was.
//!
//! That is the transactional mode, for small loads (the dev loop, where [`empty`] replaces the
//! `TRUNCATE` by a cheaper `DELETE` when it is equivalent). Big loads use [`bulk`] mode: keys and
//! indexes dropped ([`saved`]) and rebuilt around `COPY ... FREEZE`, on one connection or, with
//! `--jobs`, several (`parallel`, with `recovery` when it fails midway, and a `record` in the
//! database that the next run's `resume` finishes when the process was killed). Generating on a thread
//! of its own feeding the COPY was measured and gained nothing: the socket's buffers already let
//! the server consume one buffer while the next is generated (BENCHMARKS.md).

pub mod bulk;
mod copy;
pub mod empty;
mod parallel;
pub mod record;
mod recovery;
mod resume;
pub mod saved;
pub mod triggers;

use std::time::Instant;

use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::events::{Event, Reporter};
use crate::plan::{ConstraintRef, Plan};
use crate::schema::{quote_ident, quote_literal};

pub use bulk::BULK_THRESHOLD;
pub use copy::{Chunk, TableStats};
pub use recovery::interrupted_state;
pub use resume::{finish_pending, refuse_pending};

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
}

/// Loads every table of `plan` (already cleaned) in order. Runs inside the caller's transaction.
pub async fn load(conn: &mut PgConnection, plan: &Plan, reporter: &dyn Reporter) -> Result<u64> {
    let started = Instant::now();
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
    let mut total = 0;
    for index in 0..plan.tables.len() {
        total += copy::copy_table(conn, plan, &Chunk::whole(plan, index, false), reporter).await?.rows;
    }
    reporter.report(Event::Finishing);
    // Deferred checks fire now: ALTER TABLE refuses a table with pending trigger events.
    execute(conn, "SET CONSTRAINTS ALL IMMEDIATE", "checking the deferred foreign keys").await?;
    for constraint in &plan.dropped {
        let context =
            format!("re-adding foreign key {} on {} after the load", constraint.name, constraint.table.plain());
        execute(conn, &add_sql(constraint), &context).await?;
    }
    fix_sequences(conn, plan).await?;
    triggers::restore(conn, plan).await?;
    reporter.report(Event::Finished { rows: total, elapsed: started.elapsed() });
    Ok(total)
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

/// Moves every sequence the plan wrote through past the highest value in its column.
async fn fix_sequences(conn: &mut PgConnection, plan: &Plan) -> Result<()> {
    for table in &plan.tables {
        for (column, sequence) in &table.sequences {
            let context = format!("moving sequence {} past {}.{}", sequence.plain(), table.name.plain(), column);
            // The next value: past the highest written, and not below the sequence's minimum.
            let next_sql = format!(
                "SELECT GREATEST(COALESCE(max({})::int8, 0) + 1, (SELECT seqmin FROM pg_sequence WHERE seqrelid = {}::regclass))::int8 FROM {}",
                quote_ident(column),
                quote_literal(&sequence.to_string()),
                table.name
            );
            let next: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(next_sql))
                .fetch_one(&mut *conn)
                .await
                .map_err(Error::database(context.clone()))?;
            // ALTER SEQUENCE ... RESTART is transactional; setval() is not, and would survive a
            // rollback, leaving sequences below the rows of a failed run's untouched tables.
            execute(conn, &format!("ALTER SEQUENCE {sequence} RESTART WITH {next}"), &context).await?;
        }
    }
    Ok(())
}

pub(crate) async fn execute(conn: &mut PgConnection, sql: &str, context: &str) -> Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(|source| Error::Database { context: context.to_string(), source })
}
