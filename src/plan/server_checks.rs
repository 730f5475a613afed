//! CHECKs seed cannot evaluate, left to the server: which ones, and what a refused row may change.
//!
//! Most CHECKs hold by construction (`columns::restrict`) or are verified per row by seed's own
//! evaluator (`RowCheck`). A CHECK that calls a function seed does not have (a plpgsql function, a
//! volatile one, one in an extension) or uses an operator it lacks cannot be decided on the client.
//! For those, the load asks the server before each COPY (`load::server_check`): the candidate rows
//! go to a temporary table, one `SELECT` returns those the CHECK refuses, and they are made again
//! from the next attempt's random streams until the server accepts them.
//!
//! A regenerated row must stay what its children recompute: a child reads a parent's values by
//! recomputing them from the parent's row index at the first attempt. So only columns no other row
//! reads are regenerated: not unique keys, not foreign-key columns, not columns another table's
//! foreign key (or this table's own) points at, not the creation moment children start after, nor
//! anything those are computed from. A CHECK that reads none of the others is left to the COPY,
//! and the plan says so.
//!
//! Which CHECKs need the server is found by evaluating them on the table's first rows: a CHECK
//! that does not parse, or that is not wholly understood and that seed's evaluator cannot decide on
//! some of those rows, goes to the server. Pure, like the rest of the plan: rows are functions of their index.

use crate::generate::Value;
use crate::generate::table::{Dataset, Picker, RowScratch, TableGen};
use crate::schema::{Table, check};

use super::TablePlan;
use super::keys::mentions;

/// Rows of a table its CHECKs are tried on to find those seed cannot evaluate.
const PROBED_ROWS: u64 = 64;

/// The CHECKs of a table the server evaluates before COPY, and what a refused row changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerChecks {
    pub checks: Vec<ServerCheck>,
    /// The slots made again for a refused row: the columns no other row reads that the checks
    /// read, and those computed from them.
    pub regenerated: Vec<usize>,
}

impl ServerChecks {
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }
}

/// One CHECK the server evaluates.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerCheck {
    pub name: String,
    /// The expression as `pg_get_constraintdef` prints it, without `CHECK` and `NOT VALID`.
    pub expression: String,
}

/// Finds, for every generated table of the plan, the CHECKs only the server can evaluate; records
/// them in its [`TablePlan::server_checks`] with a note each. `tables[i]` is table `i`'s schema.
pub fn assign(tables: &[&Table], dataset: &Dataset, plans: &mut [TablePlan]) {
    for (t, table) in tables.iter().enumerate() {
        let generator = &dataset.tables[t];
        if generator.fixed_rows.is_some() || generator.rows == 0 {
            continue;
        }
        let unevaluable = unevaluable_checks(table, dataset, t);
        if unevaluable.is_empty() {
            continue;
        }
        let free = free_slots(dataset, t);
        let plan = &mut plans[t];
        let mut found = ServerChecks::default();
        for constraint in unevaluable {
            let reads = read_slots(table, &plan.columns, &constraint.definition);
            let regenerated = with_readers(generator, &free, reads.iter().copied().filter(|s| free[*s]).collect());
            let expression = check::expression(&constraint.definition).to_string();
            if regenerated.is_empty() {
                plan.notes.push(format!(
                    "CHECK {} cannot be evaluated by seed and reads only columns other rows recompute (keys, \
                     foreign keys, creation moments): the server decides at COPY, and a refusal skips the table",
                    constraint.name
                ));
                continue;
            }
            let names: Vec<&str> = regenerated.iter().map(|&s| plan.columns[s].as_str()).collect();
            // This line says more than "not understood".
            let understanding = format!("CHECK {} is ", constraint.name);
            plan.notes.retain(|note| !(note.starts_with(&understanding) && note.contains("understood: ")));
            plan.notes.push(format!(
                "CHECK {} is evaluated by the server before COPY (seed cannot evaluate it): refused rows get new \
                 values of {}: {}",
                constraint.name,
                names.join(", "),
                constraint.definition
            ));
            found.checks.push(ServerCheck { name: constraint.name.clone(), expression });
            for slot in regenerated {
                if !found.regenerated.contains(&slot) {
                    found.regenerated.push(slot);
                }
            }
        }
        found.regenerated.sort_unstable();
        plan.server_checks = found;
    }
}

/// The table's CHECKs that do not parse, or that are not wholly understood and that seed's
/// evaluator cannot decide on one of the first rows.
fn unevaluable_checks<'t>(table: &'t Table, dataset: &Dataset, t: usize) -> Vec<&'t crate::schema::CheckConstraint> {
    let generator = &dataset.tables[t];
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let probed = |rows: &mut Vec<Vec<Value>>| {
        if rows.is_empty() {
            let mut scratch = RowScratch::default();
            let mut row_values = vec![Value::Null; generator.columns.len()];
            for row in 0..generator.rows.min(PROBED_ROWS) {
                dataset.fill_row(t, row, None, &mut scratch, &mut row_values);
                rows.push(row_values.clone());
            }
        }
    };
    table
        .checks
        .iter()
        .filter(|constraint| {
            // A check with no row check either does not parse or is wholly understood.
            let Some(row_check) = generator.checks.iter().find(|c| c.name == constraint.name) else {
                return check::parse(&constraint.definition).is_err();
            };
            // Understood wholly, it is evaluated too (and most checks are: no rows to make).
            if check::restrictions(&row_check.expr).fully_understood {
                return false;
            }
            probed(&mut rows);
            rows.iter().any(|row| row_check.verdict(row).is_none())
        })
        .collect()
}

/// Per slot: whether no other row reads it, so a refused row may get a new value there. Other
/// rows read unique keys, foreign-key columns, what foreign keys point at (and the columns a
/// self-reference matches on), the creation moment, and whatever those are computed from.
fn free_slots(dataset: &Dataset, t: usize) -> Vec<bool> {
    let table = &dataset.tables[t];
    let mut read = vec![false; table.columns.len()];
    for (slot, column) in table.columns.iter().enumerate() {
        read[slot] = column.unique.is_some() || !table.order.contains(&slot);
    }
    if let Some(creation) = &table.creation {
        read[creation.slot] = true;
    }
    for fk in dataset.tables.iter().flat_map(|other| &other.fks).filter(|fk| fk.parent == t) {
        for &(_, parent_column) in &fk.pairs {
            mark(&mut read, parent_column);
        }
    }
    for fk in &table.fks {
        if let Picker::Matching { shared, .. } = &fk.picker {
            for &(child, _) in shared {
                mark(&mut read, child);
            }
        }
    }
    // What a read column is computed from is read too (a `b > a` where `b` is a key).
    loop {
        let before = read.clone();
        for slot in (0..read.len()).filter(|&s| before[s]) {
            for source in table.columns[slot].generator.reads() {
                mark(&mut read, source);
            }
        }
        if read == before {
            return read.into_iter().map(|r| !r).collect();
        }
    }
}

fn mark(flags: &mut [bool], slot: usize) {
    if let Some(flag) = flags.get_mut(slot) {
        *flag = true;
    }
}

/// The written slots a CHECK reads: the columns it names, and those the generated columns it
/// names are computed from.
fn read_slots(table: &Table, written: &[String], definition: &str) -> Vec<usize> {
    let sources: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| c.generated && mentions(definition, &c.name))
        .filter_map(|c| c.default.as_deref())
        .collect();
    written
        .iter()
        .enumerate()
        .filter(|(_, name)| std::iter::once(definition).chain(sources.iter().copied()).any(|text| mentions(text, name)))
        .map(|(slot, _)| slot)
        .collect()
}

/// `slots` and every free slot whose generator reads one of them, transitively, in slot order.
fn with_readers(table: &TableGen, free: &[bool], mut slots: Vec<usize>) -> Vec<usize> {
    loop {
        let added: Vec<usize> = (0..table.columns.len())
            .filter(|s| free[*s] && !slots.contains(s))
            .filter(|&s| table.columns[s].generator.reads().iter().any(|r| slots.contains(r)))
            .collect();
        if added.is_empty() {
            slots.sort_unstable();
            return slots;
        }
        slots.extend(added);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{self, PlanOptions};
    use crate::schema::{CheckConstraint, Column, ForeignKey, PgType, QualifiedName, Schema, TypeKind, UniqueKey};

    fn primary_key(table: &str) -> Option<UniqueKey> {
        Some(UniqueKey {
            name: format!("{table}_pkey"),
            columns: vec!["id".into()],
            expressions: vec![],
            predicate: None,
            definition: String::new(),
            nulls_not_distinct: false,
        })
    }

    fn int() -> PgType {
        PgType::new(23, "integer", TypeKind::Int4)
    }

    fn text() -> PgType {
        PgType::new(25, "text", TypeKind::Text)
    }

    /// `codes(id, code, note)` whose CHECK calls a function seed does not have, and `uses(code_id)`
    /// pointing at it.
    fn schema(check: &str) -> Schema {
        let mut codes = Table::with_columns(
            "codes",
            vec![Column::plain("id", int()), Column::plain("code", text()), Column::plain("note", text())],
        );
        codes.primary_key = primary_key("codes");
        codes.checks =
            vec![CheckConstraint { name: "codes_valid".into(), definition: check.into(), functions: vec![] }];
        let mut uses = Table::with_columns("uses", vec![Column::plain("id", int()), Column::plain("code_id", int())]);
        uses.primary_key = primary_key("uses");
        uses.foreign_keys =
            vec![ForeignKey::plain("uses_code", &["code_id"], QualifiedName::new("public", "codes"), &["id"])];
        Schema { tables: vec![codes, uses] }
    }

    fn planned(check: &str) -> plan::Plan {
        let options = PlanOptions { rows: Some(10), ..Default::default() };
        plan::build(&schema(check), None, &options).expect("plan")
    }

    fn codes(plan: &plan::Plan) -> &TablePlan {
        plan.tables.iter().find(|t| t.name.name == "codes").expect("codes")
    }

    #[test]
    fn a_check_calling_an_unknown_function_goes_to_the_server_and_regenerates_what_it_reads() {
        let plan = planned("CHECK (app.valid_code(code))");
        let codes = codes(&plan);
        assert_eq!(codes.server_checks.checks.len(), 1, "{:?}", codes.notes);
        assert_eq!(codes.server_checks.checks[0].expression, "(app.valid_code(code))");
        let names: Vec<&str> = codes.server_checks.regenerated.iter().map(|&s| codes.columns[s].as_str()).collect();
        assert_eq!(names, ["code"]);
        assert!(codes.notes.iter().any(|n| n.contains("codes_valid is evaluated by the server")), "{:?}", codes.notes);
    }

    #[test]
    fn a_check_seed_evaluates_stays_on_the_client() {
        let plan = planned("CHECK (length(code) > 0)");
        assert!(codes(&plan).server_checks.is_empty());
        // Only the unknown part matters: a check seed decides on every row is its own.
        let plan = planned("CHECK (note IS NULL OR note IS NOT NULL OR app.f(code))");
        assert!(codes(&plan).server_checks.is_empty(), "{:?}", codes(&plan).notes);
    }

    #[test]
    fn a_check_on_a_key_others_read_is_left_to_the_copy() {
        let plan = planned("CHECK (app.valid_id(id))");
        let codes = codes(&plan);
        assert!(codes.server_checks.is_empty());
        assert!(codes.notes.iter().any(|n| n.contains("reads only columns other rows recompute")), "{:?}", codes.notes);
    }

    #[test]
    fn a_check_that_does_not_parse_goes_to_the_server() {
        let plan = planned("CHECK (code OPERATOR(app.===) 'x')");
        assert_eq!(codes(&plan).server_checks.checks.len(), 1, "{:?}", codes(&plan).notes);
    }
}
