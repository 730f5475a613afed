//! The whole job in one transaction: introspect, apply missing schemas, plan, clean, load, commit.
//!
//! This is the engine the binary and library users call. Everything that writes happens inside one
//! transaction, so a failed or interrupted run leaves the database exactly as it was; `plan` runs
//! the same steps up to the plan and rolls back, so it never writes. A run and `clean` first finish
//! what a killed `--jobs` run left (`load::finish_pending`); `plan` refuses while there is some.

use sqlx::{Acquire, PgConnection};

use crate::clean::{self, CleanOptions};
use crate::error::{Error, Result};
use crate::events::{Event, Reporter};
use crate::load;
use crate::plan::{self, Plan, PlanOptions};
use crate::profile::Profile;
use crate::schema::{Schema, introspect::introspect};

/// What a run did.
#[derive(Debug, Clone)]
pub struct Summary {
    pub rows: u64,
    pub tables: usize,
}

/// Cleans the profile's tables and fills them, in one transaction.
pub async fn seed(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<Summary> {
    seed_with(conn, profile, options, CleanOptions::default(), reporter).await
}

/// [`seed`], with a say in how far cleanup may reach (`--cascade`).
pub async fn seed_with(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<Summary> {
    load::finish_pending(conn, reporter).await?;
    let mut tx = conn.begin().await.map_err(Error::database("starting the transaction"))?;
    let mut options = options.clone();
    let skippable = profile.is_none() && options.rows.is_some() && !options.strict;
    loop {
        let plan = prepare(&mut tx, profile, &options, reporter).await?;
        // Bulk mode cleans, loads and commits itself (see load::bulk). It is never chosen on its own
        // for a `--rows` run that skips refused tables: that needs the transactional mode's savepoints.
        if load::bulk::wanted(&mut tx, &options.load, &plan, !skippable).await? {
            let rows = load::bulk::run(tx, &plan, &options.load, cleaning, reporter).await?;
            for (table, reason) in &plan.skipped {
                reporter.report(Event::TableSkipped { table, reason });
            }
            return Ok(Summary { rows, tables: plan.tables.len() });
        }
        if skippable {
            load::execute(&mut tx, "SAVEPOINT seed_attempt", "setting a savepoint").await?;
        }
        match clean_and_load(&mut tx, &plan, cleaning, reporter).await {
            Ok(rows) => {
                tx.commit().await.map_err(Error::database("committing the load"))?;
                for (table, reason) in &plan.skipped {
                    reporter.report(Event::TableSkipped { table, reason });
                }
                return Ok(Summary { rows, tables: plan.tables.len() });
            }
            // A table the server refused (a trigger, a check we could not see): with `--rows`, leave
            // it out with the server's reason and load the rest again from the savepoint.
            Err(Error::Load { table, message }) if skippable => {
                let Some(failed) = plan.tables.iter().find(|t| t.name.plain() == table) else {
                    return Err(Error::Load { table, message });
                };
                load::execute(&mut tx, "ROLLBACK TO SAVEPOINT seed_attempt", "rolling back to the savepoint").await?;
                options.skip.push((failed.name.clone(), format!("the server refused its rows: {message}")));
            }
            Err(error) => return Err(error),
        }
    }
}

async fn clean_and_load(
    tx: &mut PgConnection,
    plan: &Plan,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<u64> {
    load::triggers::disable(tx, plan).await?;
    // Small tables are emptied by DELETE when that is equivalent and cheaper (load::empty).
    let cleaned = match load::empty::empty_small_tables(tx, plan).await? {
        Some(tables) => tables,
        None => clean::clean_with(tx, plan, cleaning, reporter).await?,
    };
    reporter.report(Event::Cleaned { tables: cleaned });
    load::load(tx, plan, reporter).await
}

/// Builds the plan as a run would (applying missing schemas inside a transaction), then rolls back.
pub async fn plan_only(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<Plan> {
    load::refuse_pending(conn).await?;
    let mut tx = conn.begin().await.map_err(Error::database("starting the transaction"))?;
    let plan = prepare(&mut tx, profile, options, reporter).await?;
    tx.rollback().await.map_err(Error::database("rolling back"))?;
    Ok(plan)
}

/// Empties the profile's tables (the same set a run would fill), in one transaction; with
/// `cleaning.cascade`, also the outside tables that reference them.
pub async fn clean_only(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<usize> {
    load::finish_pending(conn, reporter).await?;
    let mut tx = conn.begin().await.map_err(Error::database("starting the transaction"))?;
    let plan = prepare(&mut tx, profile, options, reporter).await?;
    let cleaned = clean::clean_with(&mut tx, &plan, cleaning, reporter).await?;
    tx.commit().await.map_err(Error::database("committing the cleanup"))?;
    reporter.report(Event::Cleaned { tables: cleaned });
    Ok(cleaned)
}

async fn prepare(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<Plan> {
    let mut schema = introspect(conn).await?;
    if let Some(profile) = profile
        && apply_missing_schemas(conn, &schema, profile, reporter).await?
    {
        schema = introspect(conn).await?;
    }
    let plan = plan::build(&schema, profile, options)?;
    reporter.report(Event::PlanReady { plan: &plan });
    Ok(plan)
}

/// Applies each DDL file whose schema has no tables yet. Returns whether anything was applied.
async fn apply_missing_schemas(
    conn: &mut PgConnection,
    schema: &Schema,
    profile: &Profile,
    reporter: &dyn Reporter,
) -> Result<bool> {
    let mut applied = false;
    for (space, file) in &profile.ddl_files {
        if schema.tables.iter().any(|t| &t.name.schema == space) {
            continue;
        }
        let sql = std::fs::read_to_string(file).map_err(|source| Error::ReadFile { file: file.clone(), source })?;
        let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str())).execute(&mut *conn).await;
        result.map_err(|source| Error::ddl(space, file, &sql, source))?;
        reporter.report(Event::SchemaApplied { schema: space, file });
        applied = true;
    }
    Ok(applied)
}
