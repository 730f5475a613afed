//! Deferred checks attributed to the table that caused them.
//!
//! A deferred constraint (a `DEFERRABLE INITIALLY DEFERRED` foreign key or unique key, a
//! `CREATE CONSTRAINT TRIGGER ... INITIALLY DEFERRED`) is checked at COMMIT, long after the COPY
//! that queued it: a refusal there aborts the whole run and names no table. So after each table's
//! COPY, still inside its savepoint, [`check`] fires the pending checks (`SET CONSTRAINTS ...
//! IMMEDIATE`) and sets the initially deferred ones back to `DEFERRED`. A refusal then rolls back
//! that table alone, and names the constraint or trigger. The back edges of cycles that the plan
//! defers ([`crate::plan::Plan::deferred`]) are left alone until both ends are loaded: their rows
//! point at rows that do not exist yet.

use sqlx::{PgConnection, Row};

use super::execute;
use crate::error::{Error, Result, explain_located};
use crate::plan::Plan;
use crate::schema::{QualifiedName, quote_ident};

/// A deferrable constraint of the database (a constraint trigger is one too).
#[derive(Debug, Clone)]
struct Deferrable {
    table: QualifiedName,
    name: String,
    /// The table a foreign key references.
    references: Option<QualifiedName>,
    initially_deferred: bool,
    trigger: bool,
}

impl Deferrable {
    fn sql_name(&self) -> String {
        format!("{}.{}", quote_ident(&self.table.schema), quote_ident(&self.name))
    }
}

/// The deferrable constraints a load may queue checks for, read once before it.
#[derive(Debug, Clone, Default)]
pub struct DeferredChecks(Vec<Deferrable>);

/// Reads every deferrable constraint of the user schemas (a trigger may write outside the loaded
/// tables, so not only theirs).
pub async fn read(conn: &mut PgConnection) -> Result<DeferredChecks> {
    let rows = sqlx::query(
        "SELECT n.nspname, t.relname, c.conname, rn.nspname, r.relname, c.condeferred, c.contype = 't' \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         LEFT JOIN pg_class r ON r.oid = c.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace \
         WHERE c.condeferrable AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(Error::database("reading the deferrable constraints"))?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let text = |i: usize| row.try_get::<Option<String>, _>(i).ok().flatten().unwrap_or_default();
        let references =
            row.try_get::<Option<String>, _>(4).ok().flatten().map(|name| QualifiedName::new(text(3), name));
        found.push(Deferrable {
            table: QualifiedName::new(text(0), text(1)),
            name: text(2),
            references,
            initially_deferred: row.try_get(5).unwrap_or(false),
            trigger: row.try_get(6).unwrap_or(false),
        });
    }
    Ok(DeferredChecks(found))
}

/// Fires the checks queued so far, now that table `loaded` of `plan` (and every one before it)
/// is in; a refusal is that table's, and names the constraint or trigger that refused.
pub async fn check(conn: &mut PgConnection, checks: &DeferredChecks, plan: &Plan, loaded: usize) -> Result<()> {
    let due = due(checks, plan, loaded);
    if due.is_empty() {
        return Ok(());
    }
    execute(conn, "SAVEPOINT seed_check", "setting a savepoint").await?;
    let names: Vec<String> = due.iter().map(|d| d.sql_name()).collect();
    let all = format!("SET CONSTRAINTS {} IMMEDIATE", names.join(", "));
    match sqlx::raw_sql(sqlx::AssertSqlSafe(all)).execute(&mut *conn).await {
        Ok(_) => {
            execute(conn, "RELEASE SAVEPOINT seed_check", "releasing a savepoint").await?;
            defer_again(conn, &due).await
        }
        Err(error) => {
            execute(conn, "ROLLBACK TO SAVEPOINT seed_check", "rolling back to the savepoint").await?;
            Err(blame(conn, &due, plan, loaded, &error).await)
        }
    }
}

/// The constraints to check now: those deferred (initially, or by the plan), but the plan's
/// deferred back edges whose two ends are not both loaded yet (and any of the same name, which
/// `SET CONSTRAINTS` cannot tell apart).
fn due<'c>(checks: &'c DeferredChecks, plan: &Plan, loaded: usize) -> Vec<&'c Deferrable> {
    let later = |table: &QualifiedName| plan.tables.iter().skip(loaded + 1).any(|t| &t.name == table);
    let by_plan = |d: &Deferrable| plan.deferred.iter().any(|c| c.table == d.table && c.name == d.name);
    let open: Vec<(&str, &str)> = checks
        .0
        .iter()
        .filter(|d| by_plan(d))
        .filter(|d| later(&d.table) || d.references.as_ref().is_some_and(later))
        .map(|d| (d.table.schema.as_str(), d.name.as_str()))
        .collect();
    let mut due: Vec<&Deferrable> = Vec::new();
    for d in checks.0.iter().filter(|d| d.initially_deferred || by_plan(d)) {
        let blocked = open.contains(&(d.table.schema.as_str(), d.name.as_str()));
        if !blocked && !due.iter().any(|o| o.table.schema == d.table.schema && o.name == d.name) {
            due.push(d);
        }
    }
    due
}

/// Sets the initially deferred constraints back to `DEFERRED` for the tables still to come.
async fn defer_again(conn: &mut PgConnection, due: &[&Deferrable]) -> Result<()> {
    let names: Vec<String> = due.iter().filter(|d| d.initially_deferred).map(|d| d.sql_name()).collect();
    if names.is_empty() {
        return Ok(());
    }
    let sql = format!("SET CONSTRAINTS {} DEFERRED", names.join(", "));
    execute(conn, &sql, "deferring the initially deferred constraints again").await
}

/// The load error for a refused check: fires the due constraints one at a time (the table's own
/// first) to find which refused, then rolls that back too.
async fn blame(conn: &mut PgConnection, due: &[&Deferrable], plan: &Plan, loaded: usize, error: &sqlx::Error) -> Error {
    let table = &plan.tables[loaded].name;
    let mut order: Vec<&&Deferrable> = due.iter().filter(|d| &d.table == table).collect();
    order.extend(due.iter().filter(|d| &d.table != table));
    let mut culprit = None;
    for d in order {
        let sql = format!("SET CONSTRAINTS {} IMMEDIATE", d.sql_name());
        if sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await.is_err() {
            culprit = Some(*d);
            break;
        }
    }
    let _ = execute(conn, "ROLLBACK TO SAVEPOINT seed_check", "rolling back to the savepoint").await;
    let what = match culprit {
        Some(d) if d.trigger => format!("deferred constraint trigger {} on {}", d.name, d.table.plain()),
        Some(d) => format!("deferred constraint {} on {}", d.name, d.table.plain()),
        None => "a deferred constraint".to_string(),
    };
    Error::Load { table: table.plain(), message: format!("{what} refused its rows: {}", explain_located(error)) }
}
