//! The plan: what a run will do, decided before anything is written.
//!
//! Third stage of the pipeline, and pure: `build(schema, profile, options)` resolves the profile
//! against the introspected schema, orders tables by foreign keys ([`order`]), computes volumes
//! ([`volume`]), chooses a generator per column ([`columns`]) and a way to satisfy every key
//! ([`keys`]), keeps every row's references on one tenant ([`owners`], after every table is built),
//! and checks capacities. Every mistake is reported here with the profile's file and line
//! or the table and column, never as a failed load. `seed plan` prints the result ([`display`]).

mod columns;
mod display;
mod exclusion;
pub mod fixture;
mod fk_values;
mod inherit;
mod key_parts;
mod keys;
pub mod order;
mod owners;
mod positions;
mod scope;
mod sequence_keys;
pub mod server_checks;
mod time;
mod trigger_rows;
mod volume;

pub use scope::profile_key;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::generate::{Dataset, TableGen};
use crate::profile::{Location, Profile, TableSettings};
use crate::schema::{Fires, PgType, QualifiedName, Schema, Table, TableKind};

/// Why a table the profile marks `skip = true` is left out: the user asked, so it is no warning.
pub const SKIP_REQUESTED: &str = "`skip = true` in the profile";

/// A mistake found while planning: where it is, and what to do about it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{message}", where_.as_ref().map(|w| format!("{w}: ")).unwrap_or_default())]
pub struct PlanError {
    /// `file:line:column` of a profile, a fixture file and line, or `table.column`.
    pub where_: Option<String>,
    pub message: String,
}

impl PlanError {
    pub fn at(location: &Location, message: impl Into<String>) -> Self {
        PlanError { where_: Some(location.to_string()), message: message.into() }
    }

    pub fn table(table: &QualifiedName, message: impl Into<String>) -> Self {
        PlanError { where_: Some(format!("table {}", table.plain())), message: message.into() }
    }
}

/// What the command line adds to a profile.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Overrides the profile's seed.
    pub seed: Option<u64>,
    /// Multiplies every volume (after the profile's own `scale`).
    pub scale: Option<f64>,
    /// Without a profile: every table of every user schema, about this many rows each.
    pub rows: Option<u64>,
    /// How the run loads (bulk mode, `--jobs`); the planner does not read it.
    pub load: crate::load::LoadOptions,
    /// With `rows` (no profile): fail instead of skipping a table that cannot be filled.
    pub strict: bool,
    /// Tables to leave out, with why: found unfillable while loading (e.g. a trigger rejected
    /// their rows). Only with `rows` and without `strict`.
    pub skip: Vec<(QualifiedName, String)>,
    /// `--disable-triggers`: the loaded tables' own triggers do not fire during the run, so the
    /// tables they would fill are generated like any other.
    pub disable_triggers: bool,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: u64,
    /// Tables in load order; `dataset.tables` is aligned with it.
    pub tables: Vec<TablePlan>,
    pub dataset: Dataset,
    /// Groups of tables that reference each other, by name.
    pub cycles: Vec<Vec<QualifiedName>>,
    /// FKs checked at commit instead of per statement (deferrable back edges).
    pub deferred: Vec<ConstraintRef>,
    /// FKs dropped before the load and re-added (so re-validated) after it.
    pub dropped: Vec<ConstraintRef>,
    /// Every table the run owns: emptied in one TRUNCATE before the load. Skipped tables are not
    /// among them: their rows stay as they are.
    pub clean: Vec<QualifiedName>,
    /// Tables left out, with why and what would include them.
    pub skipped: Vec<(QualifiedName, String)>,
    /// Triggers switched off for the run (`--disable-triggers`) and back on before it commits.
    pub triggers_off: Vec<TriggerRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintRef {
    pub table: QualifiedName,
    pub name: String,
    /// `pg_get_constraintdef`, to re-create it.
    pub definition: String,
}

/// A user trigger of a table the run writes, and how to switch it back on.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerRef {
    pub table: QualifiedName,
    pub name: String,
    /// Fired in every session (`ENABLE ALWAYS`), not only in ordinary ones.
    pub always: bool,
}

#[derive(Debug, Clone)]
pub struct TablePlan {
    pub name: QualifiedName,
    pub rows: u64,
    /// The COPY column list, aligned with the table generator's columns.
    pub columns: Vec<String>,
    pub types: Vec<PgType>,
    /// Binary COPY when every column's type has a binary encoder, text COPY otherwise.
    pub binary: bool,
    pub fixture: Option<PathBuf>,
    /// Sequences to move past the written values: (column, sequence).
    pub sequences: Vec<(String, QualifiedName)>,
    /// Sequences restarted (sequence, next value) just before this table is copied: its triggers
    /// draw keys from them for rows of other tables that the plan models or writes past (see
    /// [`trigger_rows`]).
    pub restarts: Vec<(QualifiedName, i64)>,
    /// How the volume was decided, for `seed plan`: `25`, `1..=5 per creator.users`.
    pub volume: String,
    /// One line per foreign key: how its parent is chosen.
    pub relationships: Vec<String>,
    /// Notes on columns: unique keys, understood and not understood CHECKs.
    pub notes: Vec<String>,
    /// Rules inferred from names and types that the generated rows keep, one line each
    /// (`updated_at after created_at`); a profile's `infer = false` on a column turns its rules off.
    pub inferred: Vec<String>,
    /// CHECKs seed cannot evaluate, which the server evaluates on candidate rows before COPY.
    pub server_checks: server_checks::ServerChecks,
}

/// One table in the run, with the profile's settings for it.
struct Scoped<'a> {
    table: &'a Table,
    settings: Option<&'a TableSettings>,
}

/// Builds the plan. Pure: the same schema, profile and options always give the same plan.
///
/// With `--rows` and no profile, a table that cannot be filled is skipped with its reason (and so
/// are the tables that need it through a NOT NULL foreign key) rather than failing the run, unless
/// `strict`; the plan lists every skipped table and why.
pub fn build(schema: &Schema, profile: Option<&Profile>, options: &PlanOptions) -> Result<Plan, PlanError> {
    if options.disable_triggers && options.load.jobs > 1 {
        return Err(PlanError {
            where_: None,
            message:
                "--disable-triggers switches triggers off inside the run's one transaction, which --jobs gives up: \
                      use one of the two"
                    .to_string(),
        });
    }
    let skippable = options.rows.is_some() && profile.is_none() && !options.strict;
    let mut excluded: Vec<(QualifiedName, String)> = if skippable { options.skip.clone() } else { vec![] };
    loop {
        match build_once(schema, profile, options, &excluded) {
            Ok(plan) => return Ok(plan),
            Err(Failure::Table(name, error)) if skippable && !excluded.iter().any(|(n, _)| *n == name) => {
                excluded.push((name, error.message));
            }
            Err(Failure::Table(_, error) | Failure::Plan(error)) => return Err(error),
        }
    }
}

/// Why one planning pass failed: a table that could be skipped, or the plan as a whole.
enum Failure {
    Table(QualifiedName, PlanError),
    Plan(PlanError),
}

impl From<PlanError> for Failure {
    fn from(error: PlanError) -> Self {
        Failure::Plan(error)
    }
}

fn build_once(
    schema: &Schema,
    profile: Option<&Profile>,
    options: &PlanOptions,
    excluded: &[(QualifiedName, String)],
) -> Result<Plan, Failure> {
    let seed = options.seed.or(profile.map(|p| p.seed)).unwrap_or(crate::profile::DEFAULT_SEED);
    let (mut scoped, mut skipped) = scope_tables(schema, profile)?;
    if options.rows.is_some() && profile.is_none() {
        // Skipped like `skip = true`: neither filled nor emptied, their rows stay as they are.
        skipped.extend(exclude(&mut scoped, excluded));
    } else {
        check_parents_in_scope(&scoped)?;
    }
    let fillers = if options.disable_triggers { HashMap::new() } else { trigger_rows::filled(schema, &scoped) };
    let refs: Vec<&Table> = scoped.iter().map(|s| s.table).collect();
    let order = order::load_order_after(&refs, &trigger_rows::after(&refs, &fillers));
    let scoped: Vec<Scoped> = order.order.iter().map(|&i| Scoped { ..scoped[i].clone_ref() }).collect();
    let position: HashMap<&QualifiedName, usize> = scoped.iter().enumerate().map(|(i, s)| (&s.table.name, i)).collect();
    let context = Context { schema, scoped: &scoped, position: &position, profile, options, seed };
    let (mut tables, mut generators, modelled) = build_tables(&context, &fillers)?;
    let settings: Vec<Option<&TableSettings>> = scoped.iter().map(|s| s.settings).collect();
    let models: Vec<(usize, TableGen)> = modelled.iter().map(|&i| (i, generators[i].clone())).collect();
    owners::agree(&mut generators, &mut tables, &settings)?;
    time::back_edges::created_first(&mut generators, &mut tables, &settings);
    // The rows triggers make are what they are: no tenant rule may pick them another way.
    for (i, model) in models {
        generators[i] = model;
    }
    let dataset = Dataset { tables: generators };
    refuse_self_dependent(&dataset, &scoped)?;
    let in_order: Vec<&Table> = scoped.iter().map(|s| s.table).collect();
    server_checks::assign(&in_order, &dataset, &mut tables);
    let (deferred, dropped) = split_back_edges(&scoped, &order, &refs);
    let clean: Vec<QualifiedName> = scoped.iter().map(|s| s.table.name.clone()).collect();
    let triggers_off = if options.disable_triggers { firing_triggers(schema, &clean) } else { vec![] };
    Ok(Plan {
        seed,
        clean,
        triggers_off,
        cycles: order.cycles.iter().map(|c| c.iter().map(|&i| refs[i].name.clone()).collect()).collect(),
        tables,
        dataset,
        deferred,
        dropped,
        skipped,
    })
}

/// A table whose values depend on themselves through its foreign keys cannot be generated.
fn refuse_self_dependent(dataset: &Dataset, scoped: &[Scoped]) -> Result<(), Failure> {
    match (0..scoped.len()).find(|&i| dataset.self_dependent(i)) {
        None => Ok(()),
        Some(i) => {
            let name = &scoped[i].table.name;
            let message = "its foreign keys make a key column's value depend on itself (a column copied from \
                           the parent's column that is copied back): give the table a fixture, or rows = 0";
            Err(Failure::Table(name.clone(), PlanError::table(name, message)))
        }
    }
}

/// Every table's plan and generator, in load order, and the positions of the modelled ones.
type Built = (Vec<TablePlan>, Vec<TableGen>, Vec<usize>);

/// What every table's build reads.
struct Context<'a> {
    schema: &'a Schema,
    scoped: &'a [Scoped<'a>],
    position: &'a HashMap<&'a QualifiedName, usize>,
    profile: Option<&'a Profile>,
    options: &'a PlanOptions,
    seed: u64,
}

/// Builds every table; where a default volume is more than a table's unique keys can hold, the
/// volume is lowered to that capacity and the volumes (fan-out, parents' counts) are recomputed.
/// Tables left to triggers get no generated rows, and where the plan can tell the triggers'
/// rows, a model of them ([`trigger_rows`]) for the tables that reference them: returned last,
/// by position.
fn build_tables(context: &Context, fillers: &HashMap<QualifiedName, trigger_rows::Filler>) -> Result<Built, Failure> {
    let Context { schema, scoped, position, profile, options, seed } = *context;
    let mut capped: HashMap<usize, (u64, String)> = HashMap::new();
    let mut models: HashMap<usize, (usize, String)> = HashMap::new();
    for (i, entry) in scoped.iter().enumerate() {
        let explicit = entry.settings.is_some_and(|s| s.rows.is_some() || s.fixture.is_some());
        let Some(filler) = fillers.get(&entry.table.name).filter(|_| !explicit) else { continue };
        let by = position.get(&filler.by.name).copied().filter(|&by| by < i && !capped.contains_key(&by));
        match by.filter(|_| filler.one_per_row()) {
            Some(by) => {
                models.insert(i, (by, filler.describe()));
            }
            None => {
                capped.insert(i, (0, filler.unmodelled(by.is_some())));
            }
        }
    }
    loop {
        let volumes = volume::volumes(scoped, position, profile, options, seed, &capped, &models)?;
        let mut tables: Vec<TablePlan> = Vec::with_capacity(scoped.len());
        let mut generators = Vec::with_capacity(scoped.len());
        let mut lowered = false;
        for i in 0..scoped.len() {
            let table = scoped[i].table;
            if let Some(&(by, _)) = models.get(&i) {
                if lowered {
                    continue;
                }
                let filler = &fillers[&table.name];
                let columns = keys::column_names(&volumes, scoped, by);
                let (generator, plan, restarts) =
                    trigger_rows::model(schema, table, filler, (by, volumes.rows[by]), &columns, seed);
                tables[copied_first(by, &models)].restarts.extend(restarts);
                generators.push(generator);
                tables.push(plan);
                continue;
            }
            // After a lowered volume this pass is thrown away: positions no longer line up.
            let built = if lowered { &[][..] } else { &generators[..] };
            let context = keys::TableContext { schema, scoped, position, volumes: &volumes, seed, profile, built };
            let built = keys::build_table(&context, i).map_err(|e| Failure::Table(table.name.clone(), e))?;
            match built {
                keys::Built::Table(built) => {
                    let (generator, mut plan) = *built;
                    if let (false, Some(filler)) = (lowered, fillers.get(&table.name)) {
                        let by = position.get(&filler.by.name).copied().filter(|&by| by < i);
                        let restarts = trigger_rows::past_written(schema, table, &generator);
                        plan.notes.push(trigger_rows::also_filled(filler, &restarts, by.is_some()));
                        if let Some(by) = by {
                            tables[copied_first(by, &models)].restarts.extend(restarts);
                        }
                    }
                    generators.push(generator);
                    tables.push(plan);
                }
                keys::Built::Clamp { rows, reason } => {
                    capped.insert(i, (rows, reason));
                    lowered = true;
                }
            }
        }
        if !lowered {
            let mut modelled: Vec<usize> = models.into_keys().collect();
            modelled.sort_unstable();
            return Ok((tables, generators, modelled));
        }
    }
}

/// The table whose COPY fires the triggers that make table `t`'s rows: `t` itself when seed
/// writes it, else, up a chain of tables whose triggers fill each other, the first one seed writes.
fn copied_first(t: usize, models: &HashMap<usize, (usize, String)>) -> usize {
    models.get(&t).map_or(t, |&(by, _)| copied_first(by, models))
}

impl Scoped<'_> {
    fn clone_ref(&self) -> Self {
        Scoped { table: self.table, settings: self.settings }
    }
}

type ScopeResult<'a> = (Vec<Scoped<'a>>, Vec<(QualifiedName, String)>);

/// The profile's schemas' tables plus the tables it names, minus skipped ones and partitions.
fn scope_tables<'a>(schema: &'a Schema, profile: Option<&'a Profile>) -> Result<ScopeResult<'a>, PlanError> {
    let mut scoped: Vec<Scoped> = Vec::new();
    let mut skipped = Vec::new();
    let preferred: Vec<String> =
        profile.map(|p| p.schemas.iter().map(|s| s.name.clone()).collect()).unwrap_or_default();
    if let Some(profile) = profile {
        for space in &profile.schemas {
            if !schema.tables.iter().any(|t| t.name.schema == space.name) {
                let known = schema.schema_names().into_iter().map(str::to_string);
                return Err(PlanError::at(
                    &space.location,
                    format!(
                        "schema `{}` has no tables in the database{}",
                        space.name,
                        scope::suggestion(&space.name, known)
                    ),
                ));
            }
        }
    }
    let whole_database = profile.is_none();
    for table in &schema.tables {
        let in_schemas = whole_database || preferred.contains(&table.name.schema);
        if in_schemas && !table.is_partition() {
            scoped.push(Scoped { table, settings: None });
        }
    }
    for settings in profile.map(|p| p.tables.as_slice()).unwrap_or_default() {
        let table = scope::resolve_table(schema, &preferred, &settings.name)?;
        // Every name the profile wrote is checked before anything else can fail.
        for column in &settings.columns {
            scope::resolve_column(table, &column.name)?;
        }
        if table.is_partition() {
            return Err(PlanError::at(
                &settings.name.location,
                format!(
                    "`{}` is a partition of `{}`: rows are routed through the partitioned table; configure that one instead",
                    table.name.plain(),
                    table.partition_of.as_ref().map(|p| p.plain()).unwrap_or_default()
                ),
            ));
        }
        match scoped.iter_mut().find(|s| s.table.name == table.name) {
            Some(entry) => entry.settings = Some(settings),
            None => scoped.push(Scoped { table, settings: Some(settings) }),
        }
    }
    scoped.retain(|s| {
        let skip = s.settings.is_some_and(|t| t.skip);
        if skip {
            skipped.push((s.table.name.clone(), SKIP_REQUESTED.to_string()));
        }
        !skip
    });
    Ok((scoped, skipped))
}

/// Removes the excluded tables from the scope, then every table that needs one of them through
/// a NOT NULL foreign key, transitively. Returns what was removed, with why.
fn exclude(scoped: &mut Vec<Scoped>, excluded: &[(QualifiedName, String)]) -> Vec<(QualifiedName, String)> {
    let mut removed: Vec<(QualifiedName, String)> = Vec::new();
    for (name, reason) in excluded {
        if let Some(at) = scoped.iter().position(|s| &s.table.name == name) {
            scoped.remove(at);
            removed.push((name.clone(), reason.clone()));
        }
    }
    loop {
        let in_scope = |name: &QualifiedName| scoped.iter().any(|s| &s.table.name == name);
        let needy = scoped.iter().enumerate().find_map(|(i, s)| {
            s.table.foreign_keys.iter().find_map(|fk| {
                let required = fk.columns.iter().any(|c| s.table.column(c).is_some_and(|c| c.not_null));
                (required && fk.referenced_table != s.table.name && !in_scope(&fk.referenced_table)).then(|| {
                    let why = format!(
                        "its NOT NULL foreign key {} needs `{}`, which is skipped",
                        fk.name,
                        fk.referenced_table.plain()
                    );
                    (i, why)
                })
            })
        });
        let Some((i, why)) = needy else { return removed };
        removed.push((scoped.remove(i).table.name.clone(), why));
    }
}

/// The triggers that would fire in this run's session on `tables` and their partitions.
fn firing_triggers(schema: &Schema, tables: &[QualifiedName]) -> Vec<TriggerRef> {
    let mut found = Vec::new();
    let mut pending: Vec<QualifiedName> = tables.to_vec();
    while let Some(name) = pending.pop() {
        let Some(table) = schema.table(&name) else { continue };
        for trigger in table.triggers.iter().filter(|t| t.fires != Fires::Replica) {
            let always = trigger.fires == Fires::Always;
            found.push(TriggerRef { table: name.clone(), name: trigger.name.clone(), always });
        }
        pending.extend(schema.partitions_of(&name).into_iter().map(|p| p.name.clone()));
    }
    found
}

/// Keys are computed, not looked up: a parent outside the run has rows we cannot know.
fn check_parents_in_scope(scoped: &[Scoped]) -> Result<(), PlanError> {
    for entry in scoped {
        for fk in &entry.table.foreign_keys {
            let inside = scoped.iter().any(|s| s.table.name == fk.referenced_table);
            if !inside {
                let location = entry.settings.map(|s| s.name.location.clone());
                let message = format!(
                    "table `{}` references `{}` (constraint {}), which the profile does not include: add `{}` to the profile's tables or its schema to `schemas`",
                    entry.table.name.plain(),
                    fk.referenced_table.plain(),
                    fk.name,
                    fk.referenced_table.plain()
                );
                return Err(match location {
                    Some(l) => PlanError::at(&l, message),
                    None => PlanError::table(&entry.table.name, message),
                });
            }
        }
    }
    Ok(())
}

fn split_back_edges(
    scoped: &[Scoped],
    order: &order::LoadOrder,
    refs: &[&Table],
) -> (Vec<ConstraintRef>, Vec<ConstraintRef>) {
    let mut deferred = Vec::new();
    let mut dropped = Vec::new();
    for (table_index, fk_name) in &order.back_edges {
        let table = refs[*table_index];
        let Some(fk) = table.foreign_keys.iter().find(|f| &f.name == fk_name) else {
            continue;
        };
        let on = fk.declared_on.clone().unwrap_or_else(|| table.name.clone());
        let reference = ConstraintRef { table: on, name: fk.name.clone(), definition: fk.definition.clone() };
        if fk.deferrable { deferred.push(reference) } else { dropped.push(reference) }
    }
    debug_assert!(scoped.len() == refs.len());
    (deferred, dropped)
}

/// Whether a table is loaded through COPY into itself (partitioned parents route to partitions).
pub fn is_loadable(table: &Table) -> bool {
    matches!(table.kind, TableKind::Ordinary | TableKind::Partitioned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, TypeKind};

    fn table(name: &str) -> Table {
        Table::with_columns(name, vec![Column::plain("id", PgType::new(23, "integer".to_string(), TypeKind::Int4))])
    }

    /// A `--rows` table left out (here: refused by the server mid-load) is not emptied either, as
    /// `skip = true` is not: its rows stay as they are.
    #[test]
    fn skipped_tables_are_not_cleaned() {
        let schema = Schema { tables: vec![table("kept"), table("filled")] };
        let kept = QualifiedName::new("public", "kept");
        let options = PlanOptions { rows: Some(5), skip: vec![(kept.clone(), "refused".into())], ..Default::default() };
        let plan = build(&schema, None, &options).expect("plan");
        assert_eq!(plan.clean, [QualifiedName::new("public", "filled")]);
        assert!(plan.skipped.iter().any(|(table, _)| *table == kept), "{:?}", plan.skipped);
    }
}
