//! The whole job in one transaction: introspect, apply missing schemas, plan, clean, load, commit.
//!
//! This is the engine the binary and library users call. Everything that writes happens inside one
//! transaction, so a failed or interrupted run leaves the database exactly as it was; `plan` runs
//! the same steps up to the plan and rolls back, so it never writes. A run and `clean` first finish
//! what a killed `--jobs` run left (`load::finish_pending`); `plan` refuses while there is some.
//! Each command runs watched for lock waits (`load::locks`): a run stuck behind another
//! session's lock says whose.

use std::path::PathBuf;

use sqlx::{Acquire, PgConnection, Postgres, Transaction};

use crate::clean::{self, CleanOptions};
use crate::connect::ServerSettings;
use crate::error::{Error, Result};
use crate::events::{Event, Reporter};
use crate::load;
use crate::plan::{self, Plan, PlanOptions};
use crate::profile::Profile;
use crate::schema::{Fires, QualifiedName, Schema, introspect::introspect};

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
    let pid = load::locks::backend_pid(conn).await;
    let work = seed_unwatched(conn, profile, options, cleaning, reporter);
    load::locks::watched(work, options.load.target.as_ref(), pid, reporter).await
}

async fn seed_unwatched(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<Summary> {
    load::finish_pending(conn, cleaning, reporter).await?;
    let mut tx = begin(conn, profile, options).await?;
    let mut options = options.clone();
    // The --jobs connections set them for their sessions.
    let settings = server_settings(profile, &options);
    options.load.target = options.load.target.take().map(|target| target.with_settings(settings));
    let skippable = profile.is_none() && options.rows.is_some() && !options.strict;
    let mut reloads = 0;
    loop {
        let (schema, plan) = prepare(&mut tx, profile, &options, reporter).await?;
        // Bulk mode cleans, loads and commits itself (see load::bulk). It is never chosen on its own
        // for a `--rows` run that skips refused tables: that needs the transactional mode's savepoints.
        if load::bulk::wanted(&mut tx, &options.load, &plan, !skippable).await? {
            // One connection: a refusal rolled everything back, so a `--rows` run may start again
            // without the refused table (with --jobs the cleanup has committed: no second try).
            let again = skippable && options.load.jobs < 2;
            match load::bulk::run(tx, &plan, &options.load, cleaning, reporter).await {
                Ok(rows) => {
                    report_skipped(&plan, reporter);
                    return Ok(Summary { rows, tables: plan.tables.len() });
                }
                Err(Error::Load { table, message }) if again => {
                    let Some(name) = plan.tables.iter().map(|t| &t.name).find(|n| n.plain() == table) else {
                        return Err(Error::Load { table, message });
                    };
                    let reason = refusal(&schema, name, &message, options.disable_triggers);
                    options.skip.push((name.clone(), reason));
                    reloads += 1;
                    if reloads >= MAX_RELOADS {
                        return Err(gave_up(&options.skip));
                    }
                    tx = begin(conn, profile, &options).await?;
                    continue;
                }
                Err(error) => return Err(error),
            }
        }
        let loaded = if skippable {
            load::execute(&mut tx, "SAVEPOINT seed_attempt", "setting a savepoint").await?;
            let held = clean::may_hold_rows(&mut tx, &plan.clean).await?;
            clean(&mut tx, &plan, cleaning, reporter).await?;
            load_skipping(&mut tx, (schema, plan), &mut options, &held, reporter).await?
        } else {
            clean(&mut tx, &plan, cleaning, reporter).await?;
            match load::load(&mut tx, &plan, reporter).await {
                Ok(rows) => Some((plan, rows)),
                Err(error) => {
                    // Rolled back first: the advice reads the catalog, which a failed transaction cannot.
                    let _ = tx.rollback().await;
                    return Err(load::search_path::advise(conn, error).await);
                }
            }
        };
        match loaded {
            Some((plan, rows)) => {
                reporter.report(Event::Committing);
                tx.commit().await.map_err(Error::database("committing the load"))?;
                report_skipped(&plan, reporter);
                return Ok(Summary { rows, tables: plan.tables.len() });
            }
            // Leaving a refused table out changed a table already loaded, or it held rows the
            // cleanup emptied: load everything again, with its rows back. Each round leaves one
            // more table out (`options.skip`), each reported as skipped; at most MAX_RELOADS.
            None => {
                load::execute(&mut tx, "ROLLBACK TO SAVEPOINT seed_attempt", "rolling back to the savepoint").await?;
                reloads += 1;
                if reloads >= MAX_RELOADS {
                    return Err(gave_up(&options.skip));
                }
            }
        }
    }
}

/// Loads started again (from the cleanup) because leaving a refused table out changed what was
/// already loaded: each one loads everything up to the next refusal, so a schema with many
/// refused tables would take as many loads. Past this many the run stops and says what it found.
pub const MAX_RELOADS: usize = 16;

/// The error of a run that reached [`MAX_RELOADS`]: every table refused so far, with why (the
/// last one is the refusal that would have needed one more load).
fn gave_up(skipped: &[(QualifiedName, String)]) -> Error {
    let table = skipped.last().map(|(table, _)| table.plain()).unwrap_or_default();
    let refused: Vec<String> = skipped.iter().map(|(table, reason)| format!("{}: {reason}", table.plain())).collect();
    Error::Load {
        table,
        message: format!(
            "seed gave up after {MAX_RELOADS} loads, each started again because a refused table changed what was \
             already loaded; nothing was written. Refused so far (skip them with `skip = true` in a profile, or fix \
             what they say): {}",
            refused.join(" | ")
        ),
    }
}

/// Starts the command's transaction, with the settings the schema reads set in it (`SET LOCAL`).
async fn begin<'c>(
    conn: &'c mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
) -> Result<Transaction<'c, Postgres>> {
    let mut tx = conn.begin().await.map_err(Error::database("starting the transaction"))?;
    server_settings(profile, options).apply(&mut tx, true).await?;
    Ok(tx)
}

/// The profile's `[settings]`, then `--set` (which wins).
fn server_settings(profile: Option<&Profile>, options: &PlanOptions) -> ServerSettings {
    let from_profile = profile.map(|p| p.server_settings.clone()).unwrap_or_default();
    from_profile.overridden_by(&options.load.settings)
}

fn report_skipped(plan: &Plan, reporter: &dyn Reporter) {
    for (table, reason) in &plan.skipped {
        let requested = reason == plan::SKIP_REQUESTED;
        reporter.report(Event::TableSkipped { table, reason, requested });
    }
}

async fn clean(tx: &mut PgConnection, plan: &Plan, cleaning: CleanOptions, reporter: &dyn Reporter) -> Result<()> {
    load::triggers::disable(tx, plan).await?;
    // Small tables are emptied by DELETE when that is equivalent and cheaper (load::empty).
    let cleaned = match load::empty::empty_small_tables(tx, plan).await? {
        Some(tables) => tables,
        None => clean::clean_with(tx, plan, cleaning, reporter).await?,
    };
    reporter.report(Event::Cleaned { tables: cleaned });
    Ok(())
}

/// Loads a `--rows` plan table by table, each under a savepoint of its own. A table the server
/// refuses (a trigger, a check we could not see) is rolled back alone and left out with the
/// server's reason; the plan is rebuilt without it (and the tables that need it) and, when the
/// tables already loaded are planned exactly as before, the load goes on with the next table.
/// `None` when leaving it out changed a table already loaded, or when a table left out was among
/// the `held` tables (those that held rows before the cleanup emptied them): a skipped table keeps
/// its rows, so the caller rolls the cleanup back and loads everything again.
async fn load_skipping(
    tx: &mut PgConnection,
    (mut schema, mut plan): (Schema, Plan),
    options: &mut PlanOptions,
    held: &[QualifiedName],
    reporter: &dyn Reporter,
) -> Result<Option<(Plan, u64)>> {
    let started = std::time::Instant::now();
    let checks = load::begin(tx, &plan).await?;
    let (mut total, mut index) = (0, 0);
    while index < plan.tables.len() {
        load::execute(tx, "SAVEPOINT seed_table", "setting a savepoint").await?;
        match load::copy_table(tx, &plan, index, &checks, reporter).await {
            Ok(rows) => {
                load::execute(tx, "RELEASE SAVEPOINT seed_table", "releasing a savepoint").await?;
                total += rows;
                index += 1;
            }
            Err(Error::Load { message, .. }) => {
                load::execute(tx, "ROLLBACK TO SAVEPOINT seed_table", "rolling back to the savepoint").await?;
                let advice = load::search_path::advice(tx, &message).await.unwrap_or_default();
                let message = message + &advice;
                let table = plan.tables[index].name.clone();
                let reason = refusal(&schema, &table, &message, options.disable_triggers);
                options.skip.push((table, reason));
                // Off the async task like the first plan, so Ctrl-C is still heard.
                let next;
                (schema, next) = build_off_thread(schema, None, options).await?;
                let emptied = plan.clean.iter().any(|t| !next.clean.contains(t) && held.contains(t));
                if emptied || !load::continues(&plan, &next, index) {
                    return Ok(None);
                }
                plan = next;
            }
            Err(error) => return Err(error),
        }
    }
    load::finish(tx, &plan, total, started, reporter).await?;
    Ok(Some((plan, total)))
}

/// Why a refused table is skipped, on one line: the server's words, and what would let it load
/// (`--disable-triggers` when its triggers rejected the rows, else the profile's settings).
fn refusal(schema: &Schema, table: &QualifiedName, message: &str, triggers_off: bool) -> String {
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let has_triggers = schema.table(table).is_some_and(|t| t.triggers.iter().any(|t| t.fires != Fires::Replica));
    // A trigger's failure carries its function in the server's context.
    let by_trigger = !triggers_off && has_triggers && message.contains("function");
    let key = plan::profile_key(table);
    let resolve = if by_trigger {
        format!(
            "a trigger of the table rejected them: run with --disable-triggers, or give the table rows that pass \
             with `fixture = \"rows.csv\"` under [tables.{key}] in a profile"
        )
    } else {
        format!(
            "set the columns it names in a profile (`columns.<name> = {{ values = [...] }}` or `fixture = \"rows.csv\"` \
             under [tables.{key}]), or `skip = true`"
        )
    };
    format!("the server refused its rows: {message}; {resolve}")
}

/// Builds the plan as a run would (applying missing schemas inside a transaction), then rolls back.
pub async fn plan_only(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<Plan> {
    let pid = load::locks::backend_pid(conn).await;
    let work = plan_unwatched(conn, profile, options, reporter);
    load::locks::watched(work, options.load.target.as_ref(), pid, reporter).await
}

async fn plan_unwatched(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<Plan> {
    load::refuse_pending(conn).await?;
    let mut tx = begin(conn, profile, options).await?;
    let (_, plan) = prepare(&mut tx, profile, options, reporter).await?;
    tx.rollback().await.map_err(Error::database("rolling back"))?;
    Ok(plan)
}

/// Empties the profile's tables (the same set a run would fill), in one transaction; with
/// `cleaning.cascade`, also the outside tables that reference them. It creates nothing: a schema
/// the profile would create is applied only to plan against, inside a savepoint rolled back before
/// the cleanup, and its tables, which did not exist, are not cleaned. When none of the profile's
/// tables exists there is nothing to clean, and it says so.
pub async fn clean_only(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<usize> {
    let pid = load::locks::backend_pid(conn).await;
    let work = clean_unwatched(conn, profile, options, cleaning, reporter);
    load::locks::watched(work, options.load.target.as_ref(), pid, reporter).await
}

async fn clean_unwatched(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    cleaning: CleanOptions,
    reporter: &dyn Reporter,
) -> Result<usize> {
    load::finish_pending(conn, cleaning, reporter).await?;
    let mut tx = begin(conn, profile, options).await?;
    let existing = introspect(&mut tx).await?;
    load::execute(&mut tx, "SAVEPOINT seed_schemas", "setting a savepoint").await?;
    let (_, mut plan) =
        prepare_from(&mut tx, existing.clone(), profile, options, &WithoutSchemaApplied(reporter)).await?;
    load::execute(&mut tx, "ROLLBACK TO SAVEPOINT seed_schemas", "rolling back the planned schemas").await?;
    plan.clean.retain(|name| existing.tables.iter().any(|table| &table.name == name));
    if plan.clean.is_empty() {
        tx.rollback().await.map_err(Error::database("rolling back"))?;
        reporter.report(Event::NothingToClean { missing: &missing_schemas(&existing, profile) });
        return Ok(0);
    }
    let cleaned = clean::clean_with(&mut tx, &plan, cleaning, reporter).await?;
    reporter.report(Event::Committing);
    tx.commit().await.map_err(Error::database("committing the cleanup"))?;
    reporter.report(Event::Cleaned { tables: cleaned });
    Ok(cleaned)
}

/// The names of the profile's DDL schemas that hold no table in `schema`.
fn missing_schemas(schema: &Schema, profile: Option<&Profile>) -> Vec<String> {
    profile.map_or_else(Vec::new, |p| missing_ddl(schema, p).map(|(space, _)| space.clone()).collect())
}

/// The profile's (schema, DDL file) pairs whose schema holds no table in `schema`.
fn missing_ddl<'p>(schema: &Schema, profile: &'p Profile) -> impl Iterator<Item = &'p (String, PathBuf)> {
    profile.ddl_files.iter().filter(|(space, _)| !schema.tables.iter().any(|t| &t.name.schema == space))
}

/// Passes every event on but [`Event::SchemaApplied`]: `clean` applies a missing schema only to
/// plan against it, and rolls it back.
struct WithoutSchemaApplied<'a>(&'a dyn Reporter);

impl Reporter for WithoutSchemaApplied<'_> {
    fn report(&self, event: Event<'_>) {
        if !matches!(event, Event::SchemaApplied { .. }) {
            self.0.report(event);
        }
    }
}

async fn prepare(
    conn: &mut PgConnection,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<(Schema, Plan)> {
    let schema = introspect(conn).await?;
    prepare_from(conn, schema, profile, options, reporter).await
}

/// [`prepare`] from an introspected `schema`: applies the profile's missing schemas, plans.
async fn prepare_from(
    conn: &mut PgConnection,
    mut schema: Schema,
    profile: Option<&Profile>,
    options: &PlanOptions,
    reporter: &dyn Reporter,
) -> Result<(Schema, Plan)> {
    if let Some(profile) = profile
        && apply_missing_schemas(conn, &schema, profile, reporter).await?
    {
        schema = introspect(conn).await?;
    }
    let (schema, plan) = build_off_thread(schema, profile, options).await?;
    reporter.report(Event::PlanReady { plan: &plan });
    Ok((schema, plan))
}

/// Plans on a blocking thread: planning is pure work that can take a while (a fan-out visits
/// every parent row), and while it runs on this task nothing else of the run's future is polled,
/// so a Ctrl-C waiting beside it (the binary's `select!`) would go unanswered. The schema travels
/// to the thread and back.
async fn build_off_thread(schema: Schema, profile: Option<&Profile>, options: &PlanOptions) -> Result<(Schema, Plan)> {
    let (profile, options) = (profile.cloned(), options.clone());
    let build = move || plan::build(&schema, profile.as_ref(), &options).map(|plan| (schema, plan));
    match tokio::task::spawn_blocking(build).await {
        Ok(built) => Ok(built?),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Only when the runtime shuts down under it: the run is ending anyway.
        Err(_) => Err(Error::Plan(plan::PlanError {
            where_: None,
            message: "planning was cancelled: seed is shutting down".into(),
        })),
    }
}

/// Applies each DDL file whose schema has no tables yet. Returns whether anything was applied.
async fn apply_missing_schemas(
    conn: &mut PgConnection,
    schema: &Schema,
    profile: &Profile,
    reporter: &dyn Reporter,
) -> Result<bool> {
    let mut applied = false;
    for (space, file) in missing_ddl(schema, profile) {
        let sql = std::fs::read_to_string(file).map_err(|source| Error::ReadFile { file: file.clone(), source })?;
        let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str())).execute(&mut *conn).await;
        result.map_err(|source| Error::ddl(space, file, &sql, source))?;
        reporter.report(Event::SchemaApplied { schema: space, file });
        applied = true;
    }
    Ok(applied)
}
