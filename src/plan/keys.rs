//! One table's generator: its columns, how each foreign key picks a parent, how each unique key holds.
//!
//! Foreign keys are assigned widest first, so an FK whose columns another FK already fills (the
//! `organization_id` of `(organization_id, project_id) -> projects`) is implied, and the parents
//! agree. Unique keys are then satisfied by construction, cheapest way first: a column that is
//! already injective settles every key that contains it; a single part becomes injective (a
//! sequence, an index suffix, a permutation of parents); several parts share a
//! [`UniqueDriver`]. A key that cannot hold the volume fails here, with the arithmetic. Expression
//! keys count through the columns they keep apart ([`super::key_parts`]); a key made only of
//! expressions that may merge values fails here too, naming the index. Last, an FK still picking
//! uniformly may follow another FK's parent to its own, so related rows agree on their tenant or
//! owner ([`inherit`]): constraints first, consistency where they leave a choice.

use std::collections::{BTreeSet, HashMap};

use crate::generate::column::ColumnGen;
use crate::generate::rng::{Permutation, StreamKey};
use crate::generate::table::{ColumnSlot, FkGen, Picker, RowCheck, TableGen, UniqueDriver, UniqueSource, combinations};
use crate::profile::Profile;
use crate::schema::check;
use crate::schema::{Exclusion, QualifiedName, Table, TypeKind, UniqueKey};

use super::exclusion::{self, Handling};
use super::fixture::Fixture;
use super::key_parts::key_parts;
use super::volume::Volumes;
use super::{PlanError, Scoped, TablePlan, columns, fk_values, inherit, positions, sequence_keys, time};

pub struct TableContext<'a> {
    pub schema: &'a crate::schema::Schema,
    pub scoped: &'a [Scoped<'a>],
    pub position: &'a HashMap<&'a QualifiedName, usize>,
    pub volumes: &'a Volumes,
    pub seed: u64,
    pub profile: Option<&'a Profile>,
    /// The generators of the tables before this one (empty while volumes are being lowered).
    pub built: &'a [TableGen],
}

/// Builds the generator and the printable plan of the table at load position `i`.
pub fn build_table(context: &TableContext, i: usize) -> Result<Built, PlanError> {
    let table = context.scoped[i].table;
    match &context.volumes.fixtures[i] {
        Some(fixture) => {
            let (generator, plan) = fixture_table(table, fixture);
            Ok(Built::Table(Box::new((generator, plan))))
        }
        None => Builder::new(context, i).build(),
    }
}

/// A built table, or the lower volume its unique keys can hold (only for volumes the user did not
/// set: an explicit volume a key cannot hold is an error).
pub enum Built {
    Table(Box<(TableGen, TablePlan)>),
    Clamp { rows: u64, reason: String },
}

/// The columns of the table at load position `t`, by generator slot: its fixture's, or its
/// written (not generated) ones.
pub(super) fn column_names(volumes: &Volumes, scoped: &[Scoped], t: usize) -> Vec<String> {
    match &volumes.fixtures[t] {
        Some(fixture) => fixture.columns.clone(),
        None => scoped[t].table.columns.iter().filter(|c| !c.generated).map(|c| c.name.clone()).collect(),
    }
}

fn fixture_table(table: &Table, fixture: &Fixture) -> (TableGen, TablePlan) {
    let types = fixture.columns.iter().filter_map(|c| table.column(c)).map(|c| c.ty.clone()).collect();
    let generator = TableGen {
        rows: fixture.rows.len() as u64,
        columns: fixture
            .columns
            .iter()
            .map(|name| ColumnSlot {
                name: name.clone(),
                generator: ColumnGen::Null,
                null_rate: 0.0,
                unique: None,
                key: StreamKey(0),
                presence: None,
            })
            .collect(),
        order: vec![],
        fks: vec![],
        fk_order: vec![],
        fan_out: None,
        drivers: vec![],
        fixed_rows: Some(fixture.rows.clone()),
        creation: None,
        checks: vec![],
    };
    let plan = TablePlan {
        name: table.name.clone(),
        rows: fixture.rows.len() as u64,
        columns: fixture.columns.clone(),
        types,
        binary: false,
        fixture: Some(fixture.path.clone()),
        sequences: sequences(table, &fixture.columns),
        restarts: vec![],
        volume: format!("{} (fixture {})", fixture.rows.len(), fixture.path.display()),
        relationships: vec![],
        notes: vec![],
        inferred: vec![],
        server_checks: Default::default(),
    };
    (generator, plan)
}

pub(super) fn sequences(table: &Table, written: &[String]) -> Vec<(String, QualifiedName)> {
    table
        .columns
        .iter()
        .filter(|c| written.contains(&c.name))
        .filter_map(|c| c.sequence.clone().map(|s| (c.name.clone(), s)))
        .collect()
}

struct Builder<'a> {
    context: &'a TableContext<'a>,
    i: usize,
    table: &'a Table,
    rows: u64,
    /// Schema column index of each written column (slot).
    written: Vec<usize>,
    slots: Vec<ColumnSlot>,
    fks: Vec<FkGen>,
    drivers: Vec<UniqueDriver>,
    /// Which FK fills each slot.
    filled_by: HashMap<usize, usize>,
    /// Sets of slots known to be unique together.
    unique_sets: Vec<BTreeSet<usize>>,
    relationships: Vec<String>,
    /// FKs that take their parent from another FK's (a chain, or the rows it owns), and how.
    inherited: Vec<(usize, String)>,
    notes: Vec<String>,
    /// Rules inferred from names and types (see [`TablePlan::inferred`]).
    inferred: Vec<String>,
    /// The most rows the unique keys can hold, when below a default volume.
    clamp: Option<(u64, String)>,
}

impl<'a> Builder<'a> {
    fn new(context: &'a TableContext<'a>, i: usize) -> Self {
        let table = context.scoped[i].table;
        let written: Vec<usize> = (0..table.columns.len()).filter(|&c| !table.columns[c].generated).collect();
        Builder {
            context,
            i,
            table,
            rows: context.volumes.rows[i],
            written,
            slots: vec![],
            fks: vec![],
            drivers: vec![],
            filled_by: HashMap::new(),
            unique_sets: vec![],
            relationships: vec![],
            inherited: vec![],
            notes: vec![],
            inferred: vec![],
            clamp: None,
        }
    }

    fn build(mut self) -> Result<Built, PlanError> {
        let choice = columns::choose_all(
            self.table,
            &self.written,
            self.context.schema,
            self.context.scoped[self.i].settings,
            self.context.profile,
            self.context.seed,
        )?;
        self.slots = choice.slots;
        self.notes.extend(choice.notes);
        self.inferred.extend(choice.inferred);
        let referencing: Vec<&Table> = self.context.scoped.iter().map(|s| s.table).collect();
        columns::keep_referenced_columns(self.table, &referencing, &self.written, &mut self.slots);
        self.assign_foreign_keys()?;
        self.apply_given_parents()?;
        self.number_positions();
        self.assign_unique_keys()?;
        if let Some((rows, reason)) = self.clamp.take() {
            return Ok(Built::Clamp { rows, reason });
        }
        self.apply_null_rules_to_foreign_keys();
        self.inherit_foreign_keys();
        let creation = self.creation();
        self.describe_foreign_keys();
        let order = self.generation_order();
        let names: Vec<String> = self.slots.iter().map(|s| s.name.clone()).collect();
        let types: Vec<_> = self.written.iter().map(|&c| self.table.columns[c].ty.clone()).collect();
        let binary = types.iter().all(|t| t.binary_supported()) && !self.reads_fixture_literals();
        let checks = self.row_checks();
        self.note_generated_checks();
        let plan = TablePlan {
            name: self.table.name.clone(),
            rows: self.rows,
            sequences: sequences(self.table, &names),
            restarts: vec![],
            columns: names,
            types,
            binary,
            fixture: None,
            volume: self.context.volumes.described[self.i].clone(),
            relationships: self.relationships,
            notes: self.notes,
            inferred: self.inferred,
            server_checks: Default::default(),
        };
        let generator = TableGen {
            rows: self.rows,
            columns: self.slots,
            order,
            fk_order: inherit::fill_order(&self.fks),
            fks: self.fks,
            fan_out: self.context.volumes.fan_outs[self.i].as_ref().map(|(_, fan)| fan.clone()),
            drivers: self.drivers,
            fixed_rows: None,
            checks,
            creation,
        };
        Ok(Built::Table(Box::new((generator, plan))))
    }

    /// Position columns of a table filled `per` a parent count 1..n within it ([`positions`]).
    fn number_positions(&mut self) {
        let per = self.context.volumes.fan_outs[self.i]
            .as_ref()
            .map(|(parent, fan)| (self.context.scoped[*parent].table.name.plain(), fan.count.max()));
        let filled_by = &self.filled_by;
        let widest: Vec<Option<i64>> = match per {
            Some(_) => (0..self.slots.len()).map(|slot| self.widest_high(slot)).collect(),
            None => vec![],
        };
        let rows = positions::Rows {
            per: per.as_ref().map(|(name, most)| (name.as_str(), *most)),
            settings: self.context.scoped[self.i].settings,
            filled_by_fk: &|slot| filled_by.contains_key(&slot),
            widest: &|slot| widest.get(slot).copied().flatten(),
        };
        positions::number_within_parent(&rows, &mut self.slots, &mut self.inferred);
    }

    /// The profile's `value`/`values` on foreign-key columns (see [`fk_values`]).
    fn apply_given_parents(&mut self) -> Result<(), PlanError> {
        let child = fk_values::Child {
            table: self.table,
            settings: self.context.scoped[self.i].settings,
            written: &self.written,
            slots: &self.slots,
        };
        let parents: Vec<String> = self.context.scoped.iter().map(|s| s.table.name.plain()).collect();
        fk_values::apply(&child, &mut self.fks, &self.context.volumes.fixtures, &parents)
    }

    fn slot_of(&self, column: &str) -> Option<usize> {
        self.written.iter().position(|&c| self.table.columns[c].name == column)
    }

    fn assign_foreign_keys(&mut self) -> Result<(), PlanError> {
        let mut fks: Vec<_> = self.table.foreign_keys.iter().collect();
        // Widest first, self-references last: columns a self-reference shares with another FK
        // come from that FK, and the self-reference picks an earlier row that agrees.
        fks.sort_by_key(|fk| (fk.referenced_table == self.table.name, std::cmp::Reverse(fk.columns.len())));
        let fan_parent = self.context.volumes.fan_outs[self.i].as_ref().map(|(p, _)| *p);
        let mut fan_used = false;
        for fk in fks {
            let child: Vec<usize> = fk.columns.iter().filter_map(|c| self.slot_of(c)).collect();
            if child.iter().all(|s| self.filled_by.contains_key(s)) {
                self.relationships.push(format!(
                    "{} -> {}: implied by a wider foreign key",
                    fk.columns.join(", "),
                    fk.referenced_table.plain()
                ));
                continue;
            }
            let Some(&parent) = self.context.position.get(&fk.referenced_table) else {
                // The parent is skipped (`--rows` mode): a nullable foreign key stays NULL.
                let parent = fk.referenced_table.plain();
                self.null_foreign_key(fk, format!("`{parent}` is skipped"));
                continue;
            };
            let parent_columns = self.parent_columns(parent, &fk.referenced_columns, &fk.name)?;
            // NULL only when every column may be NULL: with MATCH SIMPLE one NULL would do, but the
            // NOT NULL columns of a composite key still need the parent's values.
            let nullable = fk.columns.iter().all(|c| self.table.column(c).is_some_and(|c| !c.not_null));
            if let Some(unknown) = self.unknown_trigger_keys(parent, &parent_columns) {
                let parent_name = fk.referenced_table.plain();
                if !nullable {
                    return Err(PlanError::table(
                        &self.table.name,
                        format!(
                            "foreign key {} references `{parent_name}`.{unknown}, whose rows are {}, with values \
                             seed cannot compute: run with --disable-triggers (`{parent_name}` is then generated), \
                             or give `{}` rows = 0",
                            fk.name,
                            self.context.volumes.described[parent].trim_start_matches(char::is_numeric).trim_start(),
                            self.table.name.plain()
                        ),
                    ));
                }
                self.null_foreign_key(fk, format!("`{parent_name}`.{unknown} comes from its triggers"));
                continue;
            }
            let parent_rows = self.context.volumes.rows[parent];
            let picker = if parent == self.i {
                Picker::Earlier { root_is_self: !nullable }
            } else if fan_parent == Some(parent) && !fan_used {
                fan_used = true;
                Picker::FanOut
            } else {
                Picker::Uniform { parents: parent_rows }
            };
            if parent_rows == 0 && !nullable && self.rows > 0 && parent != self.i {
                let described = &self.context.volumes.described[parent];
                let by_triggers = match described.contains("filled by trigger") {
                    true => format!(" ({described}; or run with --disable-triggers: it is then generated)"),
                    false => String::new(),
                };
                return Err(PlanError::table(
                    &self.table.name,
                    format!(
                        "foreign key {} needs rows in `{}`, which gets 0 rows{by_triggers}: give it rows or give `{}` rows = 0",
                        fk.name,
                        fk.referenced_table.plain(),
                        self.table.name.plain()
                    ),
                ));
            }
            // A fan-out child belongs to its parent: never NULL.
            let null_rate = match (nullable, parent_rows, &picker) {
                (_, _, Picker::FanOut) => 0.0,
                (true, 0, _) => 1.0,
                (true, _, _) => self.default_null_rate(),
                _ => 0.0,
            };
            let fk_index = self.fks.len();
            let pairs: Vec<(usize, usize)> =
                fk.columns.iter().zip(&parent_columns).filter_map(|(c, &p)| self.slot_of(c).map(|s| (s, p))).collect();
            // A self-reference's column that references itself (`tenant` of `(tenant, parent) ->
            // (tenant, id)`) is the row's own value, never copied from the parent: copying it
            // would read the parent's copy, and so on up the tree (or forever, at a root).
            let own = |&(slot, parent_column): &(usize, usize)| parent == self.i && slot == parent_column;
            for (slot, _) in pairs.iter().filter(|pair| !own(pair)) {
                self.filled_by.entry(*slot).or_insert(fk_index);
            }
            // Columns an earlier (wider) FK fills, or the row's own ones, keep their value; this FK
            // then picks a parent that agrees with them (`(y_id, tenant_id)` after `(x_id, tenant_id)`).
            let (pairs, shared): (Vec<_>, Vec<_>) =
                pairs.into_iter().partition(|pair| !own(pair) && self.filled_by[&pair.0] == fk_index);
            let picker = match shared.is_empty() {
                true => picker,
                false => Picker::Matching { shared, parents: parent_rows, earlier: parent == self.i },
            };
            let key = StreamKey::new(self.context.seed, &self.table.name.plain(), &format!("fk:{}", fk.name));
            self.fks.push(FkGen {
                parent,
                pairs,
                picker,
                null_rate,
                key,
                inherit: None,
                within: None,
                tenant: None,
                presence: None,
                kept: vec![],
            });
        }
        Ok(())
    }

    /// A nullable foreign key whose parent's values cannot be had: always NULL, and why.
    fn null_foreign_key(&mut self, fk: &crate::schema::ForeignKey, why: String) {
        let slots: Vec<usize> = fk.columns.iter().filter_map(|c| self.slot_of(c)).collect();
        for slot in slots {
            self.slots[slot].generator = ColumnGen::Null;
            self.slots[slot].null_rate = 1.0;
        }
        let parent = fk.referenced_table.plain();
        self.notes.push(format!("{} -> {parent}: always NULL, {why}", fk.columns.join(", ")));
    }

    /// For a parent whose rows triggers make: the referenced columns the model does not know
    /// (neither copied from the firing row nor drawn from a restarted sequence), as `(a, b)`.
    fn unknown_trigger_keys(&self, parent: usize, parent_columns: &[usize]) -> Option<String> {
        let model = self.context.built.get(parent).filter(|_| self.context.volumes.made_by_triggers[parent])?;
        let copied = |slot: usize| model.fks.iter().any(|fk| fk.pairs.iter().any(|(s, _)| *s == slot));
        let unknown: Vec<&str> = parent_columns
            .iter()
            .filter(|&&p| matches!(model.columns[p].generator, ColumnGen::Null) && !copied(p))
            .map(|&p| model.columns[p].name.as_str())
            .collect();
        (!unknown.is_empty()).then(|| format!("({})", unknown.join(", ")))
    }

    /// Makes FKs copy their parent along other FKs where related rows should agree ([`inherit`]).
    fn inherit_foreign_keys(&mut self) {
        let names: Vec<String> = self.context.scoped.iter().map(|s| s.table.name.plain()).collect();
        let tables = inherit::Tables { this: self.i, built: self.context.built, names: &names };
        let settings = self.context.scoped[self.i].settings;
        let slots = &self.slots;
        let configured = |slot: usize| {
            settings.is_some_and(|s| s.columns.iter().any(|c| slots.get(slot).is_some_and(|x| x.name == c.name.name)))
        };
        self.inherited = inherit::derive(&tables, &mut self.fks, slots, &configured);
        let columns = |fk: &FkGen| fk.pairs.iter().map(|(s, _)| slots[*s].name.as_str()).collect::<Vec<_>>().join(", ");
        for (f, _) in &self.inherited {
            let fk = &self.fks[*f];
            let rule = match (&fk.inherit, &fk.within) {
                (Some(chain), _) => format!("{} agrees with {}'s", columns(fk), columns(&self.fks[chain.source])),
                (None, Some(owner)) => {
                    format!("{} among {}'s {}", columns(fk), columns(&self.fks[owner.source]), names[fk.parent])
                }
                (None, None) => continue,
            };
            self.inferred.push(rule);
        }
    }

    /// A CHECK or the profile can force an FK column's NULLs (`parent_id IS NOT NULL AND level >= 1`),
    /// but an FK's NULLs are decided by its picker: carry forced rates (0 or 1) over, and the
    /// branches of a CHECK that lets the FK take turns with other columns (`num_nonnulls(...) = 1`). A nullable
    /// column whose slot rate is exactly 0 or 1 was forced: defaults lie strictly between. A parent
    /// with no rows leaves the FK always NULL.
    fn apply_null_rules_to_foreign_keys(&mut self) {
        for fk in &mut self.fks {
            let nullable = |slot: usize| !self.table.columns[self.written[slot]].not_null;
            let taking_turns = fk.pairs.iter().find_map(|(s, _)| self.slots[*s].presence.as_ref().map(|p| (*s, p)));
            let fixed = matches!(fk.picker, Picker::FanOut | Picker::Injective(_) | Picker::Digit { .. });
            if let Some((slot, presence)) = taking_turns.filter(|_| !fixed && fk.null_rate < 1.0) {
                // A CHECK lets the FK take turns with other columns: the row's branch decides, and
                // NOT NULL columns it shares (a tenant's) keep a value.
                fk.null_rate = self.slots[slot].null_rate;
                fk.presence = Some(presence.clone());
                fk.kept = fk.pairs.iter().map(|(s, _)| *s).filter(|s| !nullable(*s)).collect();
                continue;
            }
            if !fk.pairs.iter().all(|(s, _)| nullable(*s)) {
                continue;
            }
            let rates: Vec<f64> =
                fk.pairs.iter().filter(|(s, _)| nullable(*s)).map(|(s, _)| self.slots[*s].null_rate).collect();
            if matches!(fk.picker, Picker::FanOut | Picker::Injective(_) | Picker::Digit { .. }) || fk.null_rate == 1.0
            {
                continue;
            }
            if rates.contains(&1.0) {
                fk.null_rate = 1.0;
            } else if rates.contains(&0.0) {
                fk.null_rate = 0.0;
            } else if let Some(rate) = rates.iter().copied().reduce(f64::max) {
                // Name rules (a `deleted_by` is mostly NULL) apply to FK columns too.
                fk.null_rate = rate;
            }
        }
    }

    /// CHECKs whose hold construction cannot promise: partly understood ones, and those reading a
    /// column an FK fills (`productassemblyid <> componentid`). Rows are verified against them.
    fn row_checks(&self) -> Vec<RowCheck> {
        self.table
            .checks
            .iter()
            .filter_map(|constraint| {
                let expr = constraint.parse().ok()?;
                let understood = check::restrictions(&expr).fully_understood;
                let generated = self.generated_expressions(&constraint.definition);
                // The columns the generated ones are computed from are read too.
                let sources = self.generated_columns(&constraint.definition).filter_map(|c| c.default.as_deref());
                let reads =
                    std::iter::once(constraint.definition.as_str()).chain(sources).collect::<Vec<_>>().join(" ");
                let columns = self.mentioned_columns(&reads);
                let reads_foreign_key = columns.iter().any(|(_, slot)| self.filled_by.contains_key(slot));
                (!understood || reads_foreign_key || !generated.is_empty()).then(|| RowCheck {
                    name: constraint.name.clone(),
                    expr,
                    columns,
                    generated,
                })
            })
            .chain(self.domain_row_checks())
            .chain(self.partition_row_check())
            .collect()
    }

    /// For partitioned tables: the row must satisfy some leaf partition's constraint, since
    /// narrowing each key column on its own can pair values of different branches (sub-partitions,
    /// multi-column keys). Cheap where it cannot fail: a DEFAULT leaf's constraint is `NOT` of
    /// its siblings', so the OR always holds.
    fn partition_row_check(&self) -> Option<RowCheck> {
        let leaves = self.context.schema.leaf_partitions_of(&self.table.name);
        let constraints: Vec<&str> = leaves.iter().filter_map(|p| p.partition_constraint.as_deref()).collect();
        if constraints.len() != leaves.len() || constraints.is_empty() {
            return None;
        }
        let definition = constraints.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" OR ");
        let expr = check::parse(&definition).ok()?;
        let columns = self.mentioned_columns(&definition);
        Some(RowCheck { name: "partition bounds".to_string(), expr, columns, generated: vec![] })
    }

    /// The stored generated columns a CHECK reads, with their parsed generation expressions
    /// (one that does not parse is left out: the check then passes where it reads it).
    fn generated_expressions(&self, definition: &str) -> Vec<(String, check::Expr)> {
        self.generated_columns(definition)
            .filter_map(|c| Some((c.name.clone(), check::parse(c.default.as_deref()?).ok()?)))
            .collect()
    }

    fn generated_columns<'b>(&'b self, definition: &'b str) -> impl Iterator<Item = &'b crate::schema::Column> {
        self.table.columns.iter().filter(move |c| c.generated && mentions(definition, &c.name))
    }

    /// A CHECK on a generated column holds only by regenerating rows that fail it: say so, and
    /// what settles it for sure (a range on the columns the expression reads).
    fn note_generated_checks(&mut self) {
        for constraint in &self.table.checks {
            let reads: Vec<&crate::schema::Column> = self.generated_columns(&constraint.definition).collect();
            if reads.is_empty() {
                continue;
            }
            let computed = reads
                .iter()
                .map(|c| format!("`{}` = {}", c.name, c.default.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", ");
            let sources = reads
                .iter()
                .flat_map(|c| self.mentioned_columns(c.default.as_deref().unwrap_or_default()))
                .map(|(name, _)| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.notes.push(format!(
                "CHECK {} reads the generated {computed}: rows failing {} are regenerated (up to {} times), not \
                 guaranteed; to be sure, give {sources} a `range` in the profile's `[tables.{}]` columns",
                constraint.name,
                constraint.definition,
                crate::generate::table::MAX_ATTEMPTS,
                super::scope::profile_key(&self.table.name)
            ));
        }
    }

    /// The written columns an expression may read, with their slots.
    fn mentioned_columns(&self, definition: &str) -> Vec<(String, usize)> {
        self.written
            .iter()
            .enumerate()
            .map(|(slot, &c)| (self.table.columns[c].name.clone(), slot))
            .filter(|(name, _)| mentions(definition, name))
            .collect()
    }

    /// Domain checks not fully understood, verified per row with `VALUE` bound to the column.
    fn domain_row_checks(&self) -> Vec<RowCheck> {
        let mut found = Vec::new();
        for (slot, &c) in self.written.iter().enumerate() {
            for (domain, checks) in columns::domain_checks(&self.table.columns[c].ty) {
                for definition in checks {
                    let Ok(expr) = check::parse(definition) else { continue };
                    if check::restrictions(&expr).fully_understood {
                        continue;
                    }
                    let columns = vec![("VALUE".to_string(), slot), ("value".to_string(), slot)];
                    found.push(RowCheck { name: format!("domain {domain}"), expr, columns, generated: vec![] });
                }
            }
        }
        found
    }

    /// One line per FK for `seed plan`, once unique keys have settled how parents are picked.
    fn describe_foreign_keys(&mut self) {
        for (f, fk) in self.fks.iter().enumerate() {
            let parent = self.context.scoped[fk.parent].table.name.plain();
            let columns: Vec<&str> = fk.pairs.iter().map(|(slot, _)| self.slots[*slot].name.as_str()).collect();
            let rows = self.context.volumes.rows[fk.parent];
            let how = match &fk.picker {
                Picker::Uniform { parents } => format!("uniform over {parents} rows"),
                Picker::Earlier { root_is_self: true } => {
                    "an earlier row of the same table; the first row points at itself".into()
                }
                Picker::Earlier { root_is_self: false } => {
                    "an earlier row of the same table; the first row is NULL".into()
                }
                Picker::FanOut => "the fan-out parent: each parent row owns its own rows".into(),
                Picker::Injective(_) => format!("one-to-one: each of the {rows} parent rows at most once"),
                Picker::Digit { .. } => "a part of a composite unique key: combinations never repeat".into(),
                Picker::Matching { .. } => "a row that agrees on the columns it shares with a wider foreign key".into(),
                Picker::Among { rows: given, .. } => {
                    format!("{} of the {rows} rows, the keys the profile gives", given.len())
                }
                Picker::Before { parents, .. } => format!("one of the {parents} rows created before this one"),
                Picker::Spread { parents, .. } => super::owners::spread_description(*parents),
                Picker::CreatedFirst { parents, .. } => time::back_edges::description(*parents),
            };
            let nulls = if fk.null_rate > 0.0 { format!(", {:.0}% NULL", fk.null_rate * 100.0) } else { String::new() };
            let how = match self.inherited.iter().find(|(i, _)| *i == f) {
                Some((_, follows)) => format!("{follows}; where that gives no row: {how}"),
                None => how,
            };
            self.relationships.push(format!("{} -> {parent}: {how}{nulls}", columns.join(", ")));
        }
    }

    fn default_null_rate(&self) -> f64 {
        self.context.profile.and_then(|p| p.default_null_rate).unwrap_or(columns::DEFAULT_NULL_RATE)
    }

    /// The parent's columns, by generator slot.
    fn parent_column_names(&self, parent: usize) -> Vec<String> {
        column_names(self.context.volumes, self.context.scoped, parent)
    }

    /// Whether FK `f`'s columns that are in `key` reference a whole unique key of the parent, or a
    /// column that counts the parent's rows ([`sequence_keys`]): then distinct parents give distinct
    /// values there (`project_id` of `(project_id, organization_id) -> projects`), though not all of
    /// the FK's columns are in `key`.
    fn reaches_parent_key(&self, f: usize, key: &BTreeSet<usize>) -> bool {
        let fk = &self.fks[f];
        let names = self.parent_column_names(fk.parent);
        let covered: Vec<&str> = fk
            .pairs
            .iter()
            .filter(|(s, _)| key.contains(s))
            .filter_map(|(_, p)| names.get(*p))
            .map(String::as_str)
            .collect();
        let parent = &self.context.scoped[fk.parent];
        let generated = self.context.volumes.fixtures[fk.parent].is_none();
        let counts_rows = |c: &&str| generated && sequence_keys::counts_rows(parent.table, c, parent.settings);
        covered.iter().any(counts_rows)
            || parent.table.unique_keys().any(|k| {
                k.expressions.is_empty()
                    && k.predicate.is_none()
                    && !k.columns.is_empty()
                    && k.columns.iter().all(|c| covered.contains(&c.as_str()))
            })
    }

    /// The parent's generator slots holding the referenced columns.
    fn parent_columns(&self, parent: usize, referenced: &[String], fk: &str) -> Result<Vec<usize>, PlanError> {
        let parent_table = self.context.scoped[parent].table;
        let names = self.parent_column_names(parent);
        referenced
            .iter()
            .map(|r| {
                names.iter().position(|n| n == r).ok_or_else(|| {
                    PlanError::table(&parent_table.name, format!(
                        "foreign key {fk} of `{}` references column `{r}`, which the fixture of `{}` does not give: add it to the file",
                        self.table.name.plain(),
                        parent_table.name.plain()
                    ))
                })
            })
            .collect()
    }

    /// Whether a key taken from a fixture stays a literal (`Value::Text`) that only text COPY can
    /// carry into this column: fixture cells are typed for integers, UUIDs, booleans and text.
    fn reads_fixture_literals(&self) -> bool {
        self.fks.iter().filter(|fk| self.context.volumes.fixtures[fk.parent].is_some()).any(|fk| {
            fk.pairs.iter().any(|(slot, _)| {
                let ty = &self.table.columns[self.written[*slot]].ty;
                let typed = matches!(
                    ty.base_kind(),
                    TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8 | TypeKind::Uuid | TypeKind::Bool
                );
                !(typed || ty.is_textual())
            })
        })
    }

    fn assign_unique_keys(&mut self) -> Result<(), PlanError> {
        let mut keys: Vec<UniqueKey> = self.table.unique_keys().cloned().collect();
        for exclusion in &self.table.exclusions {
            match exclusion::handling(exclusion, self.table) {
                Handling::Unique(key) => keys.push(key),
                Handling::Disjoint(column) => self.disjoint_ranges(exclusion, &column)?,
                Handling::Unsupported => self.beyond_construction(format!(
                    "exclusion constraint {} ({}) is not one seed can satisfy (only `=` on columns, and `&&` on \
                     one range column)",
                    exclusion.name, exclusion.definition
                ))?,
            }
        }
        self.check_declared_unique()?;
        self.count_rows_in_sequence_keys(&keys)?;
        for key in &keys {
            let parts = key_parts(key, self.table);
            let columns: BTreeSet<usize> = parts.columns.iter().filter_map(|c| self.slot_of(c)).collect();
            if parts.columns.is_empty() && !parts.opaque.is_empty() {
                self.check_opaque(key, &parts.opaque)?;
                continue;
            }
            if columns.is_empty() {
                if self.is_constant(key) {
                    // `CREATE UNIQUE INDEX ... ((true))`: a one-row table (a singleton settings row).
                    self.check_capacity(key, 1, "its expressions read no column: every row has the same key".into())?;
                } else {
                    self.notes.push(format!("unique index {} is on expressions only: not guaranteed", key.name));
                }
                continue;
            }
            if self.unique_sets.iter().any(|set| set.is_subset(&columns)) || self.held_by_positions(&columns) {
                continue;
            }
            self.satisfy(key, &columns)?;
            self.unique_sets.push(columns);
        }
        Ok(())
    }

    /// A column the profile marks `unique = true` is a unique key of its own: a volume its values
    /// cannot hold is lowered or refused with the arithmetic, as for the schema's keys, and the
    /// keys that hold the column are settled by it.
    fn check_declared_unique(&mut self) -> Result<(), PlanError> {
        let Some(settings) = self.context.scoped[self.i].settings else { return Ok(()) };
        for column in settings.columns.iter().filter(|c| c.unique == Some(true)) {
            let Some(slot) = self.slot_of(&column.name.name).filter(|s| !self.filled_by.contains_key(s)) else {
                continue;
            };
            if let Some(capacity) = self.slots[slot].generator.capacity() {
                let key = UniqueKey {
                    name: format!("`unique = true` of column `{}`", column.name.name),
                    columns: vec![column.name.name.clone()],
                    expressions: vec![],
                    predicate: None,
                    definition: String::new(),
                    nulls_not_distinct: false,
                };
                let why = format!("column `{}` has {capacity} distinct values", column.name.name);
                self.check_capacity(&key, capacity, why)?;
            }
            self.unique_sets.push(BTreeSet::from([slot]));
        }
        Ok(())
    }

    /// Identity and serial columns in a unique key are injective across the table, so every key
    /// that holds one is settled by it ([`sequence_keys`]).
    fn count_rows_in_sequence_keys(&mut self, keys: &[UniqueKey]) -> Result<(), PlanError> {
        let settings = self.context.scoped[self.i].settings;
        for key in keys {
            for column in &key.columns {
                let Some(slot) = self.slot_of(column) else { continue };
                let free = self.slots[slot].unique.is_none() && !self.filled_by.contains_key(&slot);
                if free && sequence_keys::counts_rows(self.table, column, settings) {
                    self.make_injective(key, Part::Column(slot))?;
                    self.unique_sets.push(BTreeSet::from([slot]));
                    if key.columns.len() > 1 {
                        let key = &key.name;
                        self.inferred
                            .push(format!("{column}: 1..n across the table, as its sequence gives (in {key})"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the key is the fan-out parent and positions under it (see [`positions::satisfies`]).
    fn held_by_positions(&self, columns: &BTreeSet<usize>) -> bool {
        let fan_out_fk =
            |slot: usize| self.filled_by.get(&slot).is_some_and(|&f| matches!(self.fks[f].picker, Picker::FanOut));
        positions::satisfies(&self.slots, columns.iter().copied(), &fan_out_fk)
    }

    /// A unique index on expressions that read no column of the table (any, generated ones too)
    /// and has no `WHERE`: every row gets the same key.
    fn is_constant(&self, key: &UniqueKey) -> bool {
        let reads = |e: &String| self.table.columns.iter().any(|c| mentions(e, &c.name));
        key.columns.is_empty() && key.predicate.is_none() && !key.expressions.iter().any(reads)
    }

    /// A key made only of expressions that may merge values (`left(tag, 1)`).
    fn check_opaque(&self, key: &UniqueKey, opaque: &[String]) -> Result<(), PlanError> {
        self.beyond_construction(format!(
            "unique index {} ({}) is on {}, which seed cannot keep apart: different values of the columns \
             it reads can give the same key",
            key.name,
            key.definition,
            opaque.join(", ")
        ))
    }

    /// `&&` on a range column (beside `=` columns or alone): every row's range in its own slot, so
    /// no two rows' ranges overlap, whatever the other columns hold.
    fn disjoint_ranges(&mut self, exclusion: &Exclusion, column: &str) -> Result<(), PlanError> {
        let slot = self.slot_of(column).filter(|s| !self.filled_by.contains_key(s));
        let Some(slot) = slot.filter(|s| matches!(self.slots[*s].generator, ColumnGen::Literal(_))) else {
            return self.beyond_construction(format!(
                "exclusion constraint {} ({}) needs ranges of `{column}` that never overlap, which seed only \
                 builds for its own range generator",
                exclusion.name, exclusion.definition
            ));
        };
        if let Some(capacity) = self.slots[slot].generator.capacity() {
            let key = UniqueKey {
                name: exclusion.name.clone(),
                columns: vec![column.to_string()],
                expressions: vec![],
                predicate: None,
                definition: exclusion.definition.clone(),
                nulls_not_distinct: false,
            };
            let why = format!("column `{column}` has {capacity} ranges that never overlap");
            self.check_capacity(&key, capacity, why)?;
        }
        self.slots[slot].unique = Some(UniqueSource::Row);
        self.unique_sets.push(BTreeSet::from([slot]));
        self.notes.push(format!("{column}: ranges never overlap ({})", exclusion.name));
        Ok(())
    }

    /// A constraint seed cannot promise to satisfy: one row always does; more is a plan error
    /// (a skipped table with `--rows`) that says what resolves it.
    fn beyond_construction(&self, problem: String) -> Result<(), PlanError> {
        if self.rows <= 1 {
            return Ok(());
        }
        Err(PlanError::table(
            &self.table.name,
            format!(
                "{problem}. Give the table `rows = 1`, a `fixture` whose rows satisfy it, or `skip = true` in the profile"
            ),
        ))
    }

    fn satisfy(&mut self, key: &UniqueKey, columns: &BTreeSet<usize>) -> Result<(), PlanError> {
        if key.nulls_not_distinct {
            // NULLs count as equal here: keep them out of the key rather than allow one.
            for &slot in columns {
                self.slots[slot].null_rate = 0.0;
                if let Some(&fk) = self.filled_by.get(&slot) {
                    self.fks[fk].null_rate = 0.0;
                }
            }
        }
        let mut parts: Vec<Part> = Vec::new();
        for &slot in columns {
            let part = match self.filled_by.get(&slot) {
                Some(&fk) => Part::Fk(fk),
                None => Part::Column(slot),
            };
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        if let Some(Part::Fk(f)) =
            parts.iter().find(|p| matches!(p, Part::Fk(f) if matches!(self.fks[*f].picker, Picker::Among { .. })))
        {
            let columns: Vec<&str> = self.fks[*f].pairs.iter().map(|(s, _)| self.slots[*s].name.as_str()).collect();
            return Err(PlanError::table(
                &self.table.name,
                format!(
                    "unique key {} includes `{}`, whose parent rows the profile's `value`/`values` fix, so rows would repeat the key: remove that setting",
                    key.name,
                    columns.join(", ")
                ),
            ));
        }
        // An FK only some of whose columns are in the key (`tenant` of `(tenant, org_id) -> orgs`
        // in a key `(tenant, id)`): distinct parents may share those columns, so the FK cannot be
        // a digit of the key (unless they are a unique key of the parent); the row's own columns
        // carry the key alone when there are any.
        let partial = |part: &Part| match part {
            Part::Fk(f) => {
                self.fks[*f].pairs.iter().any(|(slot, _)| !columns.contains(slot))
                    && !self.reaches_parent_key(*f, columns)
            }
            Part::Column(_) => false,
        };
        if parts.iter().any(partial) && parts.iter().any(|p| matches!(p, Part::Column(_))) {
            parts.retain(|p| !partial(p));
        }
        if let [single] = parts.as_slice() {
            return self.make_injective(key, *single);
        }
        if let Some(slot) = self.column_settling_shared_parts(&parts) {
            self.make_injective(key, Part::Column(slot))?;
            self.unique_sets.push(BTreeSet::from([slot]));
            return Ok(());
        }
        self.drive(key, parts)
    }

    /// A part that is already a digit of another key's driver (`code` of `(code, tenant_id)` when
    /// `(code, project_id)` comes) cannot take a digit of a second driver: one would overwrite the
    /// other and the first key would no longer hold. An own column of the key that can hold a
    /// distinct value per row settles both keys at once (a key holds when any of its parts is
    /// injective): a column no key drives yet first, else the shared one. `None` when the key
    /// shares nothing, or every column is too narrow (the key then gets a driver of its own).
    fn column_settling_shared_parts(&self, parts: &[Part]) -> Option<usize> {
        let driven = |part: &Part| match *part {
            Part::Fk(f) => matches!(self.fks[f].picker, Picker::Digit { .. }),
            Part::Column(slot) => matches!(self.slots[slot].unique, Some(UniqueSource::Digit { .. })),
        };
        if !parts.iter().any(driven) {
            return None;
        }
        let wide = |slot: usize| self.slots[slot].generator.capacity().is_none_or(|c| c >= self.rows);
        let columns = || parts.iter().filter_map(|p| if let Part::Column(s) = p { Some(*s) } else { None });
        columns()
            .find(|&s| self.slots[s].unique.is_none() && wide(s))
            .or_else(|| columns().find(|&s| driven(&Part::Column(s)) && wide(s)))
    }

    fn make_injective(&mut self, key: &UniqueKey, part: Part) -> Result<(), PlanError> {
        match part {
            Part::Fk(f) => {
                let parents = self.context.volumes.rows[self.fks[f].parent];
                self.check_capacity(key, parents, format!("each of the {parents} parent rows can be used once"))?;
                let key_stream = self.fks[f].key.derive("one-to-one");
                self.fks[f].picker = Picker::Injective(Permutation::new(parents, key_stream));
                self.fks[f].null_rate = 0.0;
            }
            Part::Column(slot) => {
                self.widen_below(&[slot], self.rows);
                if let Some(capacity) = self.slots[slot].generator.capacity() {
                    self.check_capacity(
                        key,
                        capacity,
                        format!("column `{}` has {capacity} distinct values", self.slots[slot].name),
                    )?;
                }
                self.slots[slot].unique = Some(UniqueSource::Row);
            }
        }
        Ok(())
    }

    fn drive(&mut self, key: &UniqueKey, parts: Vec<Part>) -> Result<(), PlanError> {
        if let [Part::Fk(f), Part::Column(s)] | [Part::Column(s), Part::Fk(f)] = parts.as_slice()
            && self.positions_under_parent(*f, *s)
        {
            return Ok(());
        }
        if self.follow_driven_key(key, &parts)? {
            return Ok(());
        }
        let fan = parts.iter().position(|p| matches!(p, Part::Fk(f) if matches!(self.fks[*f].picker, Picker::FanOut)));
        let per_parent = fan.is_some();
        let needed = match (fan, &self.context.volumes.fan_outs[self.i]) {
            (Some(_), Some((_, layout))) => layout.count.max(),
            _ => self.rows,
        };
        let parts: Vec<Part> = parts.into_iter().enumerate().filter(|(i, _)| Some(*i) != fan).map(|(_, p)| p).collect();
        let mut radices = self.radices(&parts, needed);
        if combinations(&radices) < needed {
            let columns: Vec<usize> =
                parts.iter().filter_map(|p| if let Part::Column(s) = p { Some(*s) } else { None }).collect();
            self.widen_below(&columns, needed);
            radices = self.radices(&parts, needed);
        }
        let capacity = combinations(&radices);
        let arithmetic = self.describe_parts(&parts, &radices);
        let scope = if per_parent { "per parent" } else { "in all" };
        let why = format!("{arithmetic} = {capacity} distinct combinations {scope}");
        self.check_capacity_of(key, needed, capacity, why, !per_parent)?;
        let driver = self.drivers.len();
        let stream = StreamKey::new(self.context.seed, &self.table.name.plain(), &format!("unique:{}", key.name));
        self.drivers.push(UniqueDriver::new(radices, per_parent, stream));
        for (position, part) in parts.iter().enumerate() {
            match *part {
                Part::Fk(f) => {
                    self.fks[f].picker = Picker::Digit { driver, position };
                    self.fks[f].null_rate = 0.0;
                }
                Part::Column(slot) => self.slots[slot].unique = Some(UniqueSource::Digit { driver, position }),
            }
        }
        Ok(())
    }

    /// A key sharing a part with a key already driven (`UNIQUE (org_id, key)` beside `PRIMARY KEY
    /// (org_id, code)`): that part is a digit of the first key's driver, and driving it again would
    /// break the first key. One of this key's own free columns follows the first key instead: its
    /// other digit when the first key has two (`key` numbered within each organization as `code`
    /// is), else the row index. Returns whether it applied.
    fn follow_driven_key(&mut self, key: &UniqueKey, parts: &[Part]) -> Result<bool, PlanError> {
        let taken: Vec<(usize, usize)> = parts.iter().filter_map(|p| self.digit_of(*p)).collect();
        let free = parts.iter().find_map(|p| match *p {
            Part::Column(slot) if self.slots[slot].unique.is_none() => Some(slot),
            _ => None,
        });
        let (Some(&(driver, position)), Some(slot)) = (taken.first(), free) else { return Ok(false) };
        // A per-parent driver's digits repeat across parents: only a driver over the whole table will do.
        let (radices, per_parent) = (&self.drivers[driver].radices, self.drivers[driver].per_parent);
        let one_digit = taken.iter().all(|t| *t == (driver, position)) && radices.len() == 2 && !per_parent;
        let fits = |radix: u64| self.slots[slot].generator.capacity().is_none_or(|c| c >= radix);
        if one_digit && fits(radices[1 - position]) {
            self.slots[slot].unique = Some(UniqueSource::Digit { driver, position: 1 - position });
        } else {
            self.make_injective(key, Part::Column(slot))?;
        }
        Ok(true)
    }

    /// The driver digit a part already is, if any.
    fn digit_of(&self, part: Part) -> Option<(usize, usize)> {
        match part {
            Part::Fk(f) => match self.fks[f].picker {
                Picker::Digit { driver, position } => Some((driver, position)),
                _ => None,
            },
            Part::Column(slot) => match self.slots[slot].unique {
                Some(UniqueSource::Digit { driver, position }) => Some((driver, position)),
                _ => None,
            },
        }
    }

    /// A key of a container's FK and a position (`(board_id, position)`) in a table not filled per
    /// the container: an in-order driver numbers each container's rows 1..n ([`positions`]).
    /// Returns whether it applied.
    fn positions_under_parent(&mut self, f: usize, slot: usize) -> bool {
        let parents = self.context.volumes.rows[self.fks[f].parent];
        if !matches!(self.fks[f].picker, Picker::Uniform { .. }) || parents == 0 {
            return false;
        }
        let most = self.rows.div_ceil(parents);
        let settings = self.context.scoped[self.i].settings;
        let parent = self.context.scoped[self.fks[f].parent].table.name.plain();
        let widest = self.widest_high(slot);
        let Some(line) = positions::count_from_one(&mut self.slots[slot], settings, (most, widest), &parent) else {
            return false;
        };
        let driver = self.drivers.len();
        self.drivers.push(UniqueDriver::in_order(vec![parents, most], self.fks[f].key.derive("positions")));
        self.fks[f].picker = Picker::Digit { driver, position: 0 };
        self.fks[f].null_rate = 0.0;
        self.slots[slot].unique = Some(UniqueSource::Digit { driver, position: 1 });
        self.inferred.push(line);
        true
    }

    /// One radix per part: closed parts (parents, narrow columns) their number of values; open
    /// parts after the first a few values each ([`SPREAD`]), the first as many as the rest leave
    /// needed, and at least [`SPREAD`] too: a tenant holds several rows of `(tenant_id, id)`, not
    /// exactly one, so rows of one tenant can refer to each other.
    fn radices(&self, parts: &[Part], needed: u64) -> Vec<u64> {
        let mut radices: Vec<Option<u64>> = parts.iter().map(|p| self.closed_radix(*p, needed)).collect();
        let open: Vec<usize> = (0..parts.len()).filter(|&i| radices[i].is_none()).collect();
        let Some((&first, rest)) = open.split_first() else {
            return radices.into_iter().map(|r| r.unwrap_or(1)).collect();
        };
        for &i in rest {
            radices[i] = Some(self.spread(parts[i]));
        }
        let others: u64 = combinations(&radices.iter().flatten().copied().collect::<Vec<_>>());
        radices[first] = Some(needed.div_ceil(others.max(1)).max(self.spread(parts[first])));
        radices.into_iter().map(|r| r.unwrap_or(1)).collect()
    }

    /// The values an open part takes at least: [`SPREAD`], or fewer if its column has fewer.
    fn spread(&self, part: Part) -> u64 {
        match part {
            Part::Column(slot) => self.slots[slot].generator.capacity().map_or(SPREAD, |c| c.clamp(1, SPREAD)),
            Part::Fk(_) => 1,
        }
    }

    /// A part's fixed number of values, or `None` when it can take as many as needed.
    fn closed_radix(&self, part: Part, needed: u64) -> Option<u64> {
        match part {
            Part::Fk(f) => Some(self.context.volumes.rows[self.fks[f].parent]),
            Part::Column(slot) => self.slots[slot].generator.capacity().filter(|c| *c < needed),
        }
    }

    /// The highest value an integer slot may take where it must be distinct ([`columns::widest_high`]).
    fn widest_high(&self, slot: usize) -> Option<i64> {
        let settings = self.context.scoped[self.i].settings;
        columns::widest_high(self.table, &self.written, &self.slots, slot, settings)
    }

    /// Widens the integer columns among `slots` whose range holds fewer than `needed` values to
    /// what their type and CHECKs allow: a key needs distinct values, and the range their name
    /// suggests (`number` up to 100) is no limit on them. Keys with room keep the natural range.
    fn widen_below(&mut self, slots: &[usize], needed: u64) {
        for &slot in slots {
            let ColumnGen::Int { lo, hi, spread } = self.slots[slot].generator else { continue };
            if self.slots[slot].generator.capacity().is_some_and(|c| c >= needed) {
                continue;
            }
            if let Some(widest) = self.widest_high(slot).filter(|w| *w > hi) {
                self.slots[slot].generator = ColumnGen::Int { lo, hi: widest, spread };
            }
        }
    }

    fn describe_parts(&self, parts: &[Part], radices: &[u64]) -> String {
        let names: Vec<String> = parts
            .iter()
            .zip(radices)
            .map(|(part, radix)| match part {
                Part::Fk(f) => format!("{} {}", radix, self.context.scoped[self.fks[*f].parent].table.name.plain()),
                Part::Column(slot) => format!("{} values of {}", radix, self.slots[*slot].name),
            })
            .collect();
        names.join(" x ")
    }

    fn check_capacity(&mut self, key: &UniqueKey, capacity: u64, why: String) -> Result<(), PlanError> {
        self.check_capacity_of(key, self.rows, capacity, why, true)
    }

    fn check_capacity_of(
        &mut self,
        key: &UniqueKey,
        needed: u64,
        capacity: u64,
        why: String,
        clampable: bool,
    ) -> Result<(), PlanError> {
        if needed <= capacity {
            return Ok(());
        }
        let explicit = self.context.scoped[self.i].settings.is_some_and(|s| s.rows.is_some());
        if clampable && !explicit {
            let reason = format!("unique key {} holds at most {capacity} rows ({why})", key.name);
            if self.clamp.as_ref().is_none_or(|(rows, _)| capacity < *rows) {
                self.clamp = Some((capacity, reason));
            }
            return Ok(());
        }
        let message = format!(
            "unique key {} cannot hold {needed} rows: {why}. Lower the table's rows (at most {capacity}) or raise its parents' rows",
            key.name
        );
        let location = self.context.scoped[self.i].settings.and_then(|s| s.rows_location.clone());
        Err(match location {
            Some(l) => PlanError::at(&l, format!("table `{}`: {message}", self.table.name.plain())),
            None => PlanError::table(&self.table.name, message),
        })
    }

    /// The creation column's moments: grow with the row index, follow the parents' (see [`time`]).
    fn creation(&mut self) -> Option<crate::generate::time::Creation> {
        let table_names: Vec<String> = self.context.scoped.iter().map(|s| s.table.name.plain()).collect();
        let rows = self.rows;
        let mut context = time::CreationContext {
            t: self.i,
            rows,
            slots: &self.slots,
            fks: &mut self.fks,
            built: self.context.built,
            table_names: &table_names,
            settings: self.context.scoped[self.i].settings,
            key: StreamKey::new(self.context.seed, &self.table.name.plain(), "creation moments"),
        };
        let creation = time::creation(&mut context, &mut self.inferred)?;
        let table = time::ascending::Table {
            t: self.i,
            rows,
            slots: &self.slots,
            fks: &self.fks,
            settings: self.context.scoped[self.i].settings,
        };
        time::ascending::ascend(&table, &creation, &mut self.drivers, &mut self.inferred);
        Some(creation)
    }

    /// Generated columns (non-FK) ordered so a column comes after the one it reads.
    fn generation_order(&self) -> Vec<usize> {
        let own: Vec<usize> = (0..self.slots.len()).filter(|s| !self.filled_by.contains_key(s)).collect();
        let mut ordered: Vec<usize> = Vec::with_capacity(own.len());
        let mut pending = own;
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|&s| {
                let reads = self.slots[s].generator.reads();
                let ready = reads.iter().all(|d| ordered.contains(d) || self.filled_by.contains_key(d));
                if ready {
                    ordered.push(s);
                }
                !ready
            });
            if pending.len() == before {
                ordered.append(&mut pending);
            }
        }
        ordered
    }
}

/// The fewest values an open part of a composite unique key takes (see [`Builder::radices`]).
const SPREAD: u64 = 4;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Fk(usize),
    Column(usize),
}

/// Whether `expression` mentions `column` as an identifier (not as part of a longer name).
pub(super) fn mentions(expression: &str, column: &str) -> bool {
    let quoted = crate::schema::quote_ident(column);
    if expression.contains(&quoted) {
        return true;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    expression.match_indices(column).any(|(at, _)| {
        let before = expression[..at].chars().next_back();
        let after = expression[at + column.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn expression_columns_are_found_by_whole_name() {
        assert!(mentions("lower((email)::text)", "email"));
        assert!(!mentions("lower((email_2)::text)", "email"));
        assert!(mentions("lower(\"Email\")", "Email"));
    }
}

#[cfg(test)]
mod shared_part_tests {
    use std::collections::HashSet;

    use crate::generate::Value;
    use crate::plan::{PlanOptions, build};
    use crate::schema::{Column, ForeignKey, PgType, QualifiedName, Schema, Table, TypeKind, UniqueKey};

    fn key(name: &str, columns: &[&str]) -> UniqueKey {
        UniqueKey {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            expressions: vec![],
            predicate: None,
            definition: String::new(),
            nulls_not_distinct: false,
        }
    }

    /// `code` in `(code, tenant_id)` and `(code, project_id)`: the second key's driver took `code`
    /// over, and `(code, tenant_id)` repeated.
    #[test]
    fn keys_sharing_a_column_both_hold() {
        let int = PgType::new(23, "integer", TypeKind::Int4);
        let text = PgType::new(25, "text", TypeKind::Text);
        let parent = |name: &str| {
            let mut t = Table::with_columns(name, vec![Column::plain("id", int.clone())]);
            t.primary_key = Some(key(&format!("{name}_pkey"), &["id"]));
            t
        };
        let mut items = Table::with_columns(
            "items",
            vec![
                Column::plain("tenant_id", int.clone()),
                Column::plain("project_id", int.clone()),
                Column::plain("code", text),
            ],
        );
        items.uniques = vec![key("by_tenant", &["code", "tenant_id"]), key("by_project", &["code", "project_id"])];
        items.foreign_keys = ["tenants", "projects"]
            .iter()
            .map(|p| {
                let column = format!("{}_id", p.trim_end_matches('s'));
                ForeignKey::plain(&format!("items_{p}"), &[&column], QualifiedName::new("public", *p), &["id"])
            })
            .collect();
        let schema = Schema { tables: vec![items, parent("projects"), parent("tenants")] };
        let plan =
            build(&schema, None, &PlanOptions { rows: Some(200), strict: true, ..Default::default() }).expect("plan");
        let t = plan.tables.iter().position(|p| p.name.name == "items").expect("items");
        let mut scratch = Default::default();
        let mut out = vec![Value::Null; 3];
        let (mut by_tenant, mut by_project) = (HashSet::new(), HashSet::new());
        for row in 0..plan.tables[t].rows {
            plan.dataset.fill_row(t, row, None, &mut scratch, &mut out);
            let [tenant, project, code] = [0, 1, 2].map(|c| format!("{:?}", out[c]));
            assert!(by_tenant.insert((code.clone(), tenant)), "(code, tenant_id) repeats at row {row}");
            assert!(by_project.insert((code, project)), "(code, project_id) repeats at row {row}");
        }
    }
}
