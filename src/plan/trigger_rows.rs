//! Tables kept by triggers: which tables the run's triggers fill, and what the plan can know of
//! the rows they insert.
//!
//! A table that a trigger of another loaded table inserts into (lemmy's `*_aggregates`, a wallet
//! per account, an audit log) is left to the trigger: seed writes no rows there (its own would
//! collide with the trigger's), and it comes after the trigger's table in the load order, and so
//! do the tables that reference it. Those tables still need its keys, computed, never looked up:
//! when the trigger runs once per inserted row (`FOR EACH ROW` on `INSERT`, no `WHEN`) and its
//! function inserts here exactly once (one `VALUES` row, no branch or loop: see
//! [`crate::schema::TriggerInsert::once`]), row `j` of the trigger's table makes row `j` here,
//! and the plan models it: the columns the insert copies from `NEW` are the firing row's, and a
//! column left to a sequence of its own gets `first + j`, the sequence being restarted at `first`
//! just before the trigger's table is copied ([`TablePlan::restarts`]). Other columns are unknown
//! (NULL in the model): a foreign key to one of them cannot be computed, and its table is skipped
//! with a line naming the trigger and what to set. Where the trigger does not run once per row,
//! the table holds no modelled rows, and the tables that need it say so the same way.
//!
//! When the profile gives such a table rows, seed writes them and the trigger adds its own: a key
//! drawn from a sequence of its own is then restarted past seed's rows before the trigger fires.

use std::collections::HashMap;

use crate::generate::column::ColumnGen;
use crate::generate::rng::StreamKey;
use crate::generate::table::{ColumnSlot, FkGen, Picker, TableGen, UniqueSource};
use crate::schema::{QualifiedName, Schema, Table, Trigger, TriggerInsert};

use super::{Scoped, TablePlan};

/// A table another in-scope table's trigger inserts into.
#[derive(Debug, Clone)]
pub struct Filler<'a> {
    /// The table whose trigger fires.
    pub by: &'a Table,
    pub trigger: &'a Trigger,
    pub insert: &'a TriggerInsert,
    /// Whether this is the only insert into the table of all the run's triggers.
    pub alone: bool,
}

impl Filler<'_> {
    /// `trigger on_account of public.accounts`, for the plan and messages.
    pub fn describe(&self) -> String {
        format!("trigger {} of {}", self.trigger.name, self.by.name.plain())
    }

    /// Whether the trigger makes exactly one row here per row of its table.
    pub fn one_per_row(&self) -> bool {
        self.alone && self.trigger.per_inserted_row && self.insert.once
    }

    /// Why the table's rows are left to the trigger unmodelled, when they are: `loaded_first`
    /// says whether the trigger's table is loaded before it and written by seed.
    pub fn unmodelled(&self, loaded_first: bool) -> String {
        let why = match (self.one_per_row(), loaded_first) {
            (false, _) => "it does not insert exactly one row per row",
            (true, false) => "its table is not loaded before this one, or its rows come from triggers too",
            (true, true) => "",
        };
        format!("filled by {}: rows come from the loads that fire it (seed cannot tell which: {why})", self.describe())
    }
}

/// The tables the in-scope tables' triggers insert into (themselves excepted), with the first
/// trigger that does.
pub fn filled<'a>(schema: &'a Schema, scoped: &[Scoped<'a>]) -> HashMap<QualifiedName, Filler<'a>> {
    let mut filled: HashMap<QualifiedName, Filler<'a>> = HashMap::new();
    for entry in scoped {
        for (trigger, insert, target) in schema.trigger_targets(entry.table) {
            let in_scope = scoped.iter().any(|s| s.table.name == target.name);
            if !in_scope || target.name == entry.table.name {
                continue;
            }
            match filled.get_mut(&target.name) {
                Some(first) => first.alone = false,
                None => {
                    filled.insert(target.name.clone(), Filler { by: entry.table, trigger, insert, alone: true });
                }
            }
        }
    }
    filled
}

/// Load-order constraints: each filled table after the table whose trigger fills it, as
/// `(filled, by)` positions in `tables`, sorted so the order never depends on a map's.
pub fn after(tables: &[&Table], fillers: &HashMap<QualifiedName, Filler>) -> Vec<(usize, usize)> {
    let at = |name: &QualifiedName| tables.iter().position(|t| &t.name == name);
    let mut pairs: Vec<(usize, usize)> =
        fillers.iter().filter_map(|(name, filler)| Some((at(name)?, at(&filler.by.name)?))).collect();
    pairs.sort_unstable();
    pairs
}

/// The plan's note on a table the profile gives rows that a trigger fills too.
pub fn also_filled(filler: &Filler, restarts: &[(QualifiedName, i64)], before: bool) -> String {
    let keys = match (restarts, before) {
        ([], _) | (_, false) => "its keys may collide with the trigger's rows: if they do, give the table no rows and \
                                 let the trigger fill it, or run with --disable-triggers"
            .to_string(),
        _ => {
            let moved: Vec<String> =
                restarts.iter().map(|(s, at)| format!("{} restarted at {at}", s.plain())).collect();
            format!("the trigger's keys come after seed's ({})", moved.join(", "))
        }
    };
    format!("also filled by {} (rows beside the profile's): {keys}", filler.describe())
}

/// The sequence feeding `column` of `table` when no other column of the schema draws from it,
/// with where a restart puts it: its minimum, or 1 when that is lower. `None` for a shared
/// sequence (restarting it would collide with other tables' rows) or a step other than 1.
fn own_sequence(schema: &Schema, table: &Table, column: &str) -> Option<(QualifiedName, i64)> {
    let feeds = table.column(column)?;
    let sequence = feeds.sequence.as_ref()?;
    let (min, increment) = feeds.sequence_steps?;
    let users = schema.tables.iter().flat_map(|t| &t.columns).filter(|c| c.sequence.as_ref() == Some(sequence)).count();
    (users == 1 && increment == 1).then(|| (sequence.clone(), min.max(1)))
}

/// The modelled rows of a table left to `filler`: one per row of the trigger's table (at load
/// position `by`, `rows` rows), none written. Returns the generator, the plan and the sequences
/// to restart before the trigger's table is copied.
pub fn model(
    schema: &Schema,
    table: &Table,
    filler: &Filler,
    (by, rows): (usize, u64),
    by_columns: &[String],
    seed: u64,
) -> (TableGen, TablePlan, Vec<(QualifiedName, i64)>) {
    let written: Vec<&crate::schema::Column> = table.columns.iter().filter(|c| !c.generated).collect();
    let mut restarts = Vec::new();
    let mut pairs = Vec::new();
    let mut known = Vec::new();
    let columns: Vec<ColumnSlot> = written
        .iter()
        .enumerate()
        .map(|(slot, column)| {
            let copied = filler.insert.columns.iter().find(|(c, _)| *c == column.name).map(|(_, from)| from);
            let mut generator = ColumnGen::Null;
            let mut unique = None;
            match copied {
                Some(Some(from)) => {
                    if let Some(p) = by_columns.iter().position(|c| c == from) {
                        pairs.push((slot, p));
                        known.push(column.name.clone());
                    }
                }
                Some(None) => {}
                None => {
                    if let Some((sequence, first)) = own_sequence(schema, table, &column.name) {
                        generator = ColumnGen::Sequence { start: first };
                        unique = Some(UniqueSource::Row);
                        known.push(format!("{} from {} restarted at {first}", column.name, sequence.plain()));
                        restarts.push((sequence, first));
                    }
                }
            }
            let key = StreamKey::new(seed, &table.name.plain(), &column.name);
            ColumnSlot { name: column.name.clone(), generator, null_rate: 0.0, unique, key, presence: None }
        })
        .collect();
    let filled: Vec<usize> = pairs.iter().map(|(s, _)| *s).collect();
    let fks = match pairs.is_empty() {
        true => vec![],
        false => vec![FkGen {
            parent: by,
            pairs,
            // Row `j` here was made by row `j` there.
            picker: Picker::Spread { parents: rows, rows },
            null_rate: 0.0,
            key: StreamKey::new(seed, &table.name.plain(), "fk:trigger"),
            inherit: None,
            within: None,
            tenant: None,
            presence: None,
            kept: vec![],
        }],
    };
    let generator = TableGen {
        rows,
        order: (0..columns.len()).filter(|s| !filled.contains(s)).collect(),
        fk_order: (0..fks.len()).collect(),
        columns,
        fks,
        fan_out: None,
        drivers: vec![],
        fixed_rows: None,
        checks: vec![],
        creation: None,
    };
    let known = match known.is_empty() {
        true => "no column seed can compute".to_string(),
        false => known.join(", "),
    };
    let plan = TablePlan {
        name: table.name.clone(),
        rows: 0,
        columns: written.iter().map(|c| c.name.clone()).collect(),
        types: written.iter().map(|c| c.ty.clone()).collect(),
        binary: false,
        fixture: None,
        sequences: super::keys::sequences(table, &written.iter().map(|c| c.name.clone()).collect::<Vec<_>>()),
        restarts: vec![],
        volume: format!(
            "0 (filled by {}: one row per row of {}, {rows} rows; {known})",
            filler.describe(),
            filler.by.name.plain()
        ),
        relationships: vec![],
        notes: vec![],
        inferred: vec![],
        server_checks: Default::default(),
    };
    (generator, plan, restarts)
}

/// For a table the profile gives rows that a trigger also fills: the sequence its key column
/// draws from, restarted past the keys seed writes (`lo + rows` of a key generated as `lo + i`),
/// so the trigger's rows, inserted first, take the keys after them.
pub fn past_written(schema: &Schema, table: &Table, generator: &TableGen) -> Vec<(QualifiedName, i64)> {
    generator
        .columns
        .iter()
        .filter_map(|slot| {
            let lo = match (&slot.generator, slot.unique) {
                (ColumnGen::Sequence { start: lo } | ColumnGen::Int { lo, .. }, Some(UniqueSource::Row)) => *lo,
                _ => return None,
            };
            let (sequence, first) = own_sequence(schema, table, &slot.name)?;
            let past = lo.checked_add(i64::try_from(generator.rows).ok()?)?;
            Some((sequence, past.max(first)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::generate::Value;
    use crate::plan::{Plan, PlanOptions, build};
    use crate::schema::{
        Column, Fires, ForeignKey, PgType, QualifiedName, Schema, Table, Trigger, TriggerInsert, TypeKind,
    };

    fn table(name: &str, columns: &[&str], fks: &[(&str, &str)]) -> Table {
        let int = PgType::new(23, "integer", TypeKind::Int4);
        let columns = columns.iter().map(|c| Column::plain(c, int.clone())).collect();
        let mut table = Table::with_columns(name, columns);
        table.columns[0].sequence = Some(QualifiedName::new("public", format!("{name}_id_seq")));
        table.columns[0].sequence_steps = Some((1, 1));
        table.foreign_keys = fks
            .iter()
            .map(|(column, parent)| {
                let parent = QualifiedName::new("public", *parent);
                ForeignKey::plain(&format!("{name}_{column}_fkey"), &[column], parent, &["id"])
            })
            .collect();
        table
    }

    /// Accounts whose trigger makes a wallet each (`once` or not), and payments that need a wallet.
    fn wallets(once: bool) -> Schema {
        let mut accounts = table("accounts", &["id"], &[]);
        accounts.triggers.push(Trigger {
            name: "on_account".into(),
            fires: Fires::Origin,
            per_inserted_row: true,
            inserts: vec![TriggerInsert {
                table: "wallets".into(),
                columns: vec![("account_id".into(), Some("id".into()))],
                once,
            }],
        });
        let payments = table("payments", &["id", "wallet_id"], &[("wallet_id", "wallets")]);
        Schema {
            tables: vec![accounts, payments, table("wallets", &["id", "account_id"], &[("account_id", "accounts")])],
        }
    }

    fn rows(plan: &Plan, table: &str) -> Vec<Vec<Value>> {
        let t = plan.tables.iter().position(|p| p.name.name == table).expect("planned");
        let mut scratch = Default::default();
        let mut out = vec![Value::Null; plan.dataset.tables[t].columns.len()];
        (0..plan.dataset.tables[t].rows)
            .map(|row| {
                plan.dataset.fill_row(t, row, None, &mut scratch, &mut out);
                out.clone()
            })
            .collect()
    }

    #[test]
    fn one_row_per_row_is_modelled_after_the_trigger_s_table() {
        let options = PlanOptions { rows: Some(30), strict: true, ..Default::default() };
        let plan = build(&wallets(true), None, &options).expect("plan");
        let order: Vec<&str> = plan.tables.iter().map(|t| t.name.name.as_str()).collect();
        assert_eq!(order, ["accounts", "wallets", "payments"]);
        assert_eq!(plan.tables[1].rows, 0, "seed writes no wallets");
        assert!(plan.tables[1].volume.contains("trigger on_account of public.accounts"), "{}", plan.tables[1].volume);
        assert_eq!(plan.tables[0].restarts, [(QualifiedName::new("public", "wallets_id_seq"), 1)]);
        let (accounts, wallets) = (rows(&plan, "accounts"), rows(&plan, "wallets"));
        assert_eq!(wallets.len(), 30);
        for (j, wallet) in wallets.iter().enumerate() {
            assert_eq!(wallet[0], Value::Int(j as i64 + 1), "the sequence hands out 1, 2, ...");
            assert_eq!(wallet[1], accounts[j][0], "wallet {j} is account {j}'s");
        }
        for payment in rows(&plan, "payments") {
            assert!(wallets.iter().any(|w| w[0] == payment[1]), "{payment:?}");
        }
    }

    #[test]
    fn rows_that_cannot_be_told_leave_their_dependents_out_naming_the_trigger() {
        let options = PlanOptions { rows: Some(30), strict: true, ..Default::default() };
        let error = build(&wallets(false), None, &options).expect_err("payments need wallets");
        assert!(error.message.contains("on_account") && error.message.contains("--disable-triggers"), "{error}");
        let lenient = PlanOptions { rows: Some(30), ..Default::default() };
        let plan = build(&wallets(false), None, &lenient).expect("plan");
        assert_eq!(plan.skipped.len(), 1, "{:?}", plan.skipped);
        assert_eq!(plan.skipped[0].0.name, "payments");
    }
}
