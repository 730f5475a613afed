//! Moving the sequences that feed the columns a run wrote, so the application's next insert does
//! not collide with a generated row.
//!
//! A sequence the profile's tables own alone is restarted just past the highest written value:
//! the tables were emptied, so it may move back, and the same run leaves it at the same place.
//! A sequence anything else may draw from (a default of a table outside the profile, or one no
//! profile table owns, like `CREATE SEQUENCE gid` shared by several tables) only ever moves
//! forward: the rows of those other tables were not emptied, and moving it back below them would
//! make their next insert fail with a duplicate key. A sequence several columns use is moved once,
//! past the highest of them.
//!
//! `ALTER SEQUENCE ... RESTART` is transactional; `setval()` is not, and would survive a rollback,
//! leaving sequences below the rows of a failed run's untouched tables.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use super::execute;
use crate::error::{Error, Result};
use crate::plan::{Plan, TablePlan};
use crate::schema::{QualifiedName, quote_ident, quote_literal};

/// Whether a sequence is used outside the profile's tables (`$1`: their names, SQL-quoted; a
/// partition counts as its root) or owned by none of them.
const SHARED_SQL: &str = "WITH profile AS (SELECT unnest($1::text[])::regclass::oid AS oid)
SELECT EXISTS (
    SELECT 1 FROM pg_depend d JOIN pg_attrdef a ON a.oid = d.objid
    WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
      AND d.refobjid = $2::regclass
      AND COALESCE(pg_partition_root(a.adrelid), a.adrelid) NOT IN (SELECT oid FROM profile)
) OR NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = $2::regclass AND d.refclassid = 'pg_class'::regclass
      AND d.deptype IN ('a', 'i') AND d.refobjid IN (SELECT oid FROM profile)
)";

/// Restarts the sequences `table`'s triggers draw keys from for rows of other tables whose keys
/// the plan computes ([`TablePlan::restarts`]), just before `table` is copied: the trigger then
/// hands out the keys the plan expects, every time the table is loaded (again after a rollback).
pub(super) async fn restart_for_triggers(conn: &mut PgConnection, table: &TablePlan) -> Result<()> {
    for (sequence, next) in &table.restarts {
        let context = format!("restarting sequence {} for the triggers of {}", sequence.plain(), table.name.plain());
        execute(conn, &format!("ALTER SEQUENCE {sequence} RESTART WITH {next}"), &context).await?;
    }
    Ok(())
}

/// Moves every sequence the plan wrote through past the highest value in its columns.
pub(super) async fn fix_sequences(conn: &mut PgConnection, plan: &Plan) -> Result<()> {
    let tables: Vec<String> = plan.tables.iter().map(|t| t.name.to_string()).collect();
    for (sequence, next) in needed(conn, plan).await? {
        let context = format!("moving sequence {}", sequence.plain());
        let shared: bool = sqlx::query_scalar(SHARED_SQL)
            .bind(&tables)
            .bind(sequence.to_string())
            .fetch_one(&mut *conn)
            .await
            .map_err(Error::database(context.clone()))?;
        if !shared || is_behind(conn, &sequence, next, &context).await? {
            execute(conn, &format!("ALTER SEQUENCE {sequence} RESTART WITH {next}"), &context).await?;
        }
    }
    Ok(())
}

/// Per sequence, the value its next `nextval` must return: past the highest written in any of
/// its columns, and not below its minimum.
async fn needed(conn: &mut PgConnection, plan: &Plan) -> Result<BTreeMap<QualifiedName, i64>> {
    let mut needed = BTreeMap::new();
    for table in &plan.tables {
        for (column, sequence) in &table.sequences {
            let context = format!("moving sequence {} past {}.{}", sequence.plain(), table.name.plain(), column);
            let next_sql = format!(
                "SELECT GREATEST(COALESCE(max({})::int8, 0) + 1, (SELECT seqmin FROM pg_sequence WHERE seqrelid = {}::regclass))::int8 FROM {}",
                quote_ident(column),
                quote_literal(&sequence.to_string()),
                table.name
            );
            let next: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(next_sql))
                .fetch_one(&mut *conn)
                .await
                .map_err(Error::database(context))?;
            let entry = needed.entry(sequence.clone()).or_insert(next);
            *entry = (*entry).max(next);
        }
    }
    Ok(needed)
}

/// Whether the sequence's next `nextval` would return less than `next` (computed as numeric:
/// one step past a sequence at the top of int8 must not overflow).
async fn is_behind(conn: &mut PgConnection, sequence: &QualifiedName, next: i64, context: &str) -> Result<bool> {
    let sql = format!(
        "SELECT (CASE WHEN is_called THEN last_value::numeric + (SELECT seqincrement FROM pg_sequence WHERE seqrelid = {}::regclass) ELSE last_value END) < $1::numeric FROM {sequence}",
        quote_literal(&sequence.to_string())
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(next)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database(context))
}
