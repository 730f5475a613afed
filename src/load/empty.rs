//! The dev loop's cleanup: small tables are emptied with one `DELETE`, not a `TRUNCATE`.
//!
//! `TRUNCATE` gives every table and index a new file, and on PostgreSQL 15 building each empty
//! index syncs its file to disk: for the 60 tables of `--profile minimal` that was 0.23 s on an
//! idle machine and up to 1 s on a busy one, more than the rest of the run together, and `COMMIT`
//! then unlinks the old files. Deleting a few hundred rows costs 20 to 70 ms. So when every table of
//! the plan is small (under [`MAX_BYTES`] on disk in all) and deleting is exactly equivalent to
//! what [`crate::clean`] would do, the tables are locked as `TRUNCATE` would lock them and emptied
//! by one statement with a data-modifying CTE per table (foreign keys between them are checked at
//! the end of that statement, when every table is empty, so cycles need no ordering).
//!
//! Equivalent means: no table outside the plan references the plan's tables (otherwise cleanup's
//! refusal and `--cascade` rules apply: [`crate::clean`] runs), and no table has enabled user
//! triggers (`--disable-triggers` switches them off first), rules or row-level security (a
//! `DELETE` would fire, rewrite or filter what `TRUNCATE` does not), and the connecting role may
//! `DELETE` from every table (a role granted only `TRUNCATE` gets the `TRUNCATE`).
//! A superuser skips the foreign-key triggers during the delete (`session_replication_role`), which
//! is safe because every referencing table is emptied by the same statement. Deleted rows stay as
//! dead tuples until autovacuum, which for tables this small is immediate and cheap.

use sqlx::{PgConnection, Row};

use super::execute;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::schema::{QualifiedName, quote_literal};

/// Largest total heap size of the plan's tables (and partitions) emptied by `DELETE`: about ten
/// thousand rows, which delete in well under the time of one `TRUNCATE` of many tables.
pub const MAX_BYTES: i64 = 2 << 20;

/// Empties the plan's tables with `DELETE` when that is cheap and equivalent to cleanup's
/// `TRUNCATE`. Returns how many tables it emptied, or `None` when the caller must clean instead.
pub async fn empty_small_tables(conn: &mut PgConnection, plan: &Plan) -> Result<Option<usize>> {
    if plan.clean.is_empty() {
        return Ok(None);
    }
    let list = regclass_array(&plan.clean);
    let facts = sqlx::query(sqlx::AssertSqlSafe(facts_sql(&list)))
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database("checking whether the profile's tables are small"))?;
    let get = |i: usize| facts.try_get::<bool, _>(i).map_err(Error::database("reading the table facts"));
    let (equivalent, small, superuser) = (get(0)?, get(1)?, get(2)?);
    if !(equivalent && small) {
        return Ok(None);
    }
    let names: Vec<String> = plan.clean.iter().map(|t| t.to_string()).collect();
    let lock = format!("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", names.join(", "));
    execute(conn, &lock, "locking the profile's tables").await?;
    if superuser {
        execute(conn, "SET LOCAL session_replication_role = replica", "skipping foreign-key triggers").await?;
    }
    execute(conn, &delete_sql(&plan.clean), "emptying the profile's tables").await?;
    if superuser {
        execute(conn, "SET LOCAL session_replication_role = origin", "restoring foreign-key triggers").await?;
    }
    Ok(Some(plan.clean.len()))
}

fn regclass_array(tables: &[QualifiedName]) -> String {
    let names: Vec<String> = tables.iter().map(|t| quote_literal(&t.to_string())).collect();
    format!("ARRAY[{}]::text[]::regclass[]", names.join(", "))
}

/// One row: (deleting is equivalent to truncating and allowed, the tables are small, we are
/// superuser).
/// Partitions (found through pg_inherits) count with their root table.
fn facts_sql(list: &str) -> String {
    format!(
        "WITH RECURSIVE owned(oid) AS (SELECT unnest({list})::oid \
                UNION SELECT i.inhrelid FROM pg_inherits i JOIN owned o ON i.inhparent = o.oid) \
         SELECT \
           NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contype = 'f' \
                         AND k.confrelid IN (SELECT oid FROM owned) AND k.conrelid NOT IN (SELECT oid FROM owned)) \
           AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' \
                             AND t.tgrelid IN (SELECT oid FROM owned)) \
           AND NOT EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.rulename <> '_RETURN' AND r.ev_class IN (SELECT oid FROM owned)) \
           AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid IN (SELECT oid FROM owned) AND c.relrowsecurity) \
           AND (SELECT bool_and(has_table_privilege(t, 'DELETE')) FROM unnest({list}) t), \
           coalesce((SELECT sum(pg_relation_size(oid)) FROM owned), 0) <= {MAX_BYTES}, \
           current_setting('is_superuser') = 'on'"
    )
}

/// `WITH d0 AS (DELETE FROM a), d1 AS (DELETE FROM b) SELECT 1`: one statement, so foreign keys
/// between the tables are checked once all of them are empty.
fn delete_sql(tables: &[QualifiedName]) -> String {
    let parts: Vec<String> = tables.iter().enumerate().map(|(i, t)| format!("d{i} AS (DELETE FROM {t})")).collect();
    format!("WITH {} SELECT 1", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_statement_deletes_every_table() {
        let tables = [QualifiedName::new("app", "users"), QualifiedName::new("app", "teams")];
        assert_eq!(
            delete_sql(&tables),
            r#"WITH d0 AS (DELETE FROM "app"."users"), d1 AS (DELETE FROM "app"."teams") SELECT 1"#
        );
    }
}
