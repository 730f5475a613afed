//! `value` and `values` on a foreign-key column: honoured, or refused, never ignored.
//!
//! A foreign-key column takes its value from the parent row its key picks, so a profile rule on
//! it can only be kept by picking among the parent rows that hold the given keys. Those rows are
//! known at plan time only for a fixture parent (reference data such as `plans`), which is also
//! where a user writes `plan_id = { value = 1 }`: there the rule picks exactly those rows, weights
//! included, and the foreign key still holds. Anywhere else (a generated parent, a composite key,
//! a fan-out or self-reference, or another rule such as `range`) the rule is a plan error naming
//! the profile line, since silently dropping it would load data the user did not ask for.

use crate::encode::literal;
use crate::generate::Value;
use crate::generate::column::ColumnGen;
use crate::generate::table::{ColumnSlot, FkGen, Picker};
use crate::profile::{ColumnSettings, TableSettings};
use crate::schema::Table;

use super::fixture::Fixture;
use super::{PlanError, scope};

/// Parent keys listed in a message before `...`.
const KEYS_SHOWN: usize = 10;

/// What the rules need to know about one table being built.
pub struct Child<'a> {
    pub table: &'a Table,
    pub settings: Option<&'a TableSettings>,
    /// Schema column index of each written column (slot).
    pub written: &'a [usize],
    /// The column generators, with the profile's rules applied.
    pub slots: &'a [ColumnSlot],
}

/// Turns the `value`/`values` of foreign-key columns into pickers over the fixture rows holding
/// those keys; refuses every other rule on a foreign-key column.
pub fn apply(
    child: &Child,
    fks: &mut [FkGen],
    fixtures: &[Option<Fixture>],
    parent_names: &[String],
) -> Result<(), PlanError> {
    for settings in child.settings.map(|s| s.columns.as_slice()).unwrap_or_default() {
        let column = scope::resolve_column(child.table, &settings.name)?;
        let Some(slot) = child.written.iter().position(|&c| c == column) else { continue };
        let Some(fk) = fks.iter_mut().find(|fk| fk.pairs.iter().any(|(s, _)| *s == slot)) else { continue };
        let parent = &parent_names[fk.parent];
        let refuse = |why: String| {
            PlanError::at(
                &settings.name.location,
                format!("column `{}` is filled by a foreign key to `{parent}`: {why}", settings.name.name),
            )
        };
        if let Some(rule) = ignored_rule(settings) {
            return Err(refuse(format!(
                "`{rule}` cannot shape it (its values are the parent's keys); remove `{rule}`, or use `value`/`values` with keys of a fixture parent"
            )));
        }
        if settings.value.is_none() && settings.values.is_none() {
            continue;
        }
        let (values, cumulative) = match &child.slots[slot].generator {
            ColumnGen::Fixed(value) => (std::slice::from_ref(value), &[][..]),
            ColumnGen::Choice { values, cumulative } => (values.as_slice(), cumulative.as_slice()),
            _ => continue,
        };
        let rows = given_rows(fk, fixtures, values).map_err(refuse)?;
        fk.picker = Picker::Among { rows, cumulative: cumulative.to_vec() };
    }
    Ok(())
}

/// A rule that a foreign-key column would silently ignore.
fn ignored_rule(settings: &ColumnSettings) -> Option<&'static str> {
    [
        (settings.generator.is_some(), "generator"),
        (settings.range.is_some(), "range"),
        (settings.length.is_some(), "length"),
    ]
    .into_iter()
    .find_map(|(set, rule)| set.then_some(rule))
}

/// The fixture rows of the parent whose key equals each value, in order.
fn given_rows(fk: &FkGen, fixtures: &[Option<Fixture>], values: &[Value]) -> Result<Vec<u64>, String> {
    let [(_, key_column)] = fk.pairs.as_slice() else {
        return Err(
            "it is one column of a composite key, so `value`/`values` cannot name a parent row; remove the setting"
                .into(),
        );
    };
    if !matches!(fk.picker, Picker::Uniform { .. }) {
        return Err("the key is a fan-out parent or a self-reference, which decides the parent row itself; remove `value`/`values`".into());
    }
    let Some(fixture) = &fixtures[fk.parent] else {
        return Err("the parent's rows are generated, so the keys `value`/`values` name are not known; remove the setting, or load the parent from a fixture".into());
    };
    let keys: Vec<&Value> = fixture.rows.iter().filter_map(|row| row.get(*key_column)).collect();
    values
        .iter()
        .map(|value| {
            keys.iter().position(|key| *key == value).map(|row| row as u64).ok_or_else(|| {
                let shown: Vec<String> = keys.iter().take(KEYS_SHOWN).map(|k| literal(k)).collect();
                let more = if keys.len() > KEYS_SHOWN { ", ..." } else { "" };
                format!(
                    "{} is not a key of its fixture {} (keys: {}{more}); give one of those",
                    literal(value),
                    fixture.path.display(),
                    shown.join(", ")
                )
            })
        })
        .collect()
}
