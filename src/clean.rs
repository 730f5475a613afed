//! Cleanup: empty exactly the tables a plan owns, inside the load's transaction.
//!
//! One `TRUNCATE` of the plan's tables. A table outside the plan that references one of them (or
//! references such a table, and so on) would make TRUNCATE fail, or with `CASCADE` silently empty
//! it: such tables are found first, locked, and checked. If one holds rows the run stops and names
//! it, unless the user opted into cascading (`--cascade`): then they are emptied too and reported
//! by name. Empty ones are truncated with the rest, which loses nothing. Sequences are not
//! restarted here (`RESTART IDENTITY` would reach sequences of outside tables): the loader moves
//! the plan's own sequences past the rows it writes, and every other sequence is left alone.

use sqlx::{PgConnection, Row};

use crate::error::{Error, Result};
use crate::events::{Event, Reporter, Silent};
use crate::load::execute;
use crate::plan::Plan;
use crate::schema::{QualifiedName, quote_literal};

/// How far cleanup may reach beyond the profile.
#[derive(Debug, Clone, Copy, Default)]
pub struct CleanOptions {
    /// Also empty tables outside the profile that reference its tables and hold rows
    /// (`--cascade`). Without it, such a table stops the run.
    pub cascade: bool,
}

/// Empties the plan's tables, refusing to touch outside tables that hold rows. Returns how many
/// of the plan's tables were truncated.
pub async fn clean(conn: &mut PgConnection, plan: &Plan) -> Result<usize> {
    clean_with(conn, plan, CleanOptions::default(), &Silent).await
}

/// Empties the plan's tables, and with `options.cascade` the outside tables that reference them.
pub async fn clean_with(
    conn: &mut PgConnection,
    plan: &Plan,
    options: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<usize> {
    empty_owned(conn, &plan.clean, &[], options, reporter).await?;
    Ok(plan.clean.len())
}

/// Empties `owned` with the outside tables that reference them (directly or through other such
/// tables), under the rules of [`clean_with`]; `known_outside` are outside tables to treat alike
/// even where no foreign key leads to them any more (a `--jobs` load's repair: its cleanup dropped
/// those keys). Returns the outside tables it truncated with `owned`.
pub async fn empty_owned(
    conn: &mut PgConnection,
    owned: &[QualifiedName],
    known_outside: &[QualifiedName],
    options: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<Vec<QualifiedName>> {
    if owned.is_empty() && known_outside.is_empty() {
        return Ok(Vec::new());
    }
    let reached: Vec<QualifiedName> = owned.iter().chain(known_outside).cloned().collect();
    let mut outside = known_outside.to_vec();
    outside.extend(outside_referencing(conn, &reached).await?);
    let holding = lock_and_find_rows(conn, &outside).await?;
    if !holding.is_empty() && !options.cascade {
        return Err(refusal(&holding));
    }
    let targets: Vec<String> = owned.iter().chain(&outside).map(|t| t.to_string()).collect();
    execute(conn, &format!("TRUNCATE {}", targets.join(", ")), "emptying the profile's tables").await?;
    if !holding.is_empty() {
        reporter.report(Event::CascadeEmptied { tables: &holding });
    }
    Ok(outside)
}

fn refusal(holding: &[QualifiedName]) -> Error {
    let names: Vec<String> = holding.iter().map(|t| t.plain()).collect();
    let (subject, verbs, it) = match names.as_slice() {
        [one] => (format!("table {one} is"), "references its tables and holds rows", "it"),
        _ => (format!("tables {} are", names.join(", ")), "reference its tables and hold rows", "them"),
    };
    Error::Refused(format!(
        "refusing to clean: {subject} outside the profile but {verbs}, so emptying the profile's tables would delete or orphan them. Nothing was written. Add {it} to the profile, empty {it} yourself, or pass --cascade to empty {it} too"
    ))
}

/// Locks the outside tables against writers, then returns those that hold rows.
async fn lock_and_find_rows(conn: &mut PgConnection, outside: &[QualifiedName]) -> Result<Vec<QualifiedName>> {
    if outside.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = outside.iter().map(|t| t.to_string()).collect();
    let sql = format!("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", list.join(", "));
    execute(conn, &sql, "locking the tables that reference the profile").await?;
    holding_rows(conn, outside).await
}

/// Those of `tables` that hold rows, in one statement.
async fn holding_rows(conn: &mut PgConnection, tables: &[QualifiedName]) -> Result<Vec<QualifiedName>> {
    let tests: Vec<String> = tables.iter().map(|t| format!("EXISTS (SELECT 1 FROM {t})")).collect();
    let found = each(conn, &tests, "checking which tables hold rows").await?;
    Ok(tables.iter().zip(found).filter(|(_, held)| *held).map(|(t, _)| t.clone()).collect())
}

/// Those of `tables` that may hold rows: that hold some, or that the role may not read (a role
/// may truncate a table it cannot select from).
pub async fn may_hold_rows(conn: &mut PgConnection, tables: &[QualifiedName]) -> Result<Vec<QualifiedName>> {
    let tests: Vec<String> =
        tables.iter().map(|t| format!("has_table_privilege({}, 'SELECT')", quote_literal(&t.to_string()))).collect();
    let readable = each(conn, &tests, "checking which tables seed may read").await?;
    let (readable, unreadable): (Vec<_>, Vec<_>) = tables.iter().cloned().zip(readable).partition(|(_, r)| *r);
    let readable: Vec<QualifiedName> = readable.into_iter().map(|(t, _)| t).collect();
    let mut held = holding_rows(conn, &readable).await?;
    held.extend(unreadable.into_iter().map(|(t, _)| t));
    Ok(held)
}

/// One boolean per test, in one statement.
async fn each(conn: &mut PgConnection, tests: &[String], context: &str) -> Result<Vec<bool>> {
    if tests.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT ARRAY[{}]", tests.join(", "));
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await.map_err(Error::database(context))?;
    row.try_get(0).map_err(Error::database(context))
}

/// Tables outside `owned` that reference a table in `owned`, directly or through other such
/// tables (TRUNCATE needs every referencing table in the same statement).
async fn outside_referencing(conn: &mut PgConnection, owned: &[QualifiedName]) -> Result<Vec<QualifiedName>> {
    let mut reached = owned.to_vec();
    let mut outside = Vec::new();
    loop {
        let found = referencing(conn, &reached).await?;
        if found.is_empty() {
            return Ok(outside);
        }
        reached.extend(found.iter().cloned());
        outside.extend(found);
    }
}

/// Tables not in `tables` with a foreign key to a table in `tables`.
async fn referencing(conn: &mut PgConnection, tables: &[QualifiedName]) -> Result<Vec<QualifiedName>> {
    let names: Vec<String> = tables.iter().map(|t| quote_literal(&t.to_string())).collect();
    let list = names.join(", ");
    let sql = format!(
        "SELECT DISTINCT n.nspname, c.relname FROM pg_constraint k \
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE k.contype = 'f' AND k.confrelid IN (SELECT x::regclass FROM unnest(ARRAY[{list}]::text[]) x) \
         AND k.conrelid NOT IN (SELECT x::regclass FROM unnest(ARRAY[{list}]::text[]) x) \
         AND NOT c.relispartition ORDER BY 1, 2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database("finding tables that reference the profile"))?;
    rows.iter()
        .map(|row| {
            let schema: String = row.try_get(0).map_err(Error::database("reading pg_constraint"))?;
            let name: String = row.try_get(1).map_err(Error::database("reading pg_constraint"))?;
            Ok(QualifiedName::new(schema, name))
        })
        .collect()
}
