//! Time rules a profile declares where names do not reveal them:
//! `columns.opened = { creation = true }` (the row's creation, see `super::creation`),
//! `columns.closed_at = { after = "opened_at" }` (the moment follows another of its row) and
//! `columns.shipped_at = { when = { state = ["shipped", "delivered"] } }` (the moment is set
//! exactly when that column holds one of the values). A declared rule holds whatever the names
//! say, and `infer = false` does not switch it off (it is not inferred).

use crate::generate::column::{ColumnGen, MomentUnit};
use crate::generate::table::ColumnSlot;
use crate::generate::value::Value;
use crate::profile::{ColumnSettings, Condition, Location, TableSettings};
use crate::schema::Table;

use super::super::{PlanError, scope};
use super::{LATER_DAYS, follow};

/// Applies every `after` and `when` of the table's settings; one `inferred` line each.
pub fn apply(
    table: &Table,
    settings: Option<&TableSettings>,
    slots: &mut [ColumnSlot],
    nullable: &[bool],
    inferred: &mut Vec<String>,
) -> Result<(), PlanError> {
    for column in settings.map(|s| s.columns.as_slice()).unwrap_or_default() {
        let Some(slot) = slots.iter().position(|s| s.name == column.name.name) else { continue };
        if column.creation == Some(true) && !is_moment(&slots[slot]) {
            let message =
                format!("`creation = true` names a date or timestamp column; `{}` is not one", column.name.name);
            return Err(PlanError::at(&column.name.location, message));
        }
        if let Some(after) = &column.after {
            let earlier = slot_named(table, slots, &after.name, &after.location)?;
            let moments = is_moment(&slots[slot]) && is_moment(&slots[earlier]);
            if !moments || !follow(slots, slot, earlier, LATER_DAYS, None) {
                let why = if moments { "it would read itself" } else { "both must be dates or timestamps" };
                return Err(PlanError::at(
                    &after.location,
                    format!("`{}` cannot follow `{}`: {why}", column.name.name, after.name),
                ));
            }
            inferred.push(format!("{} after {} (profile)", column.name.name, after.name));
        }
        if let Some(condition) = &column.when {
            inferred.push(gate(table, column, condition, slots, slot, nullable)?);
        }
    }
    Ok(())
}

/// Makes `slot` a [`ColumnGen::When`] over the condition's column; the plan's line for it.
fn gate(
    table: &Table,
    column: &ColumnSettings,
    condition: &Condition,
    slots: &mut [ColumnSlot],
    slot: usize,
    nullable: &[bool],
) -> Result<String, PlanError> {
    let [(name, values)] = condition.entries.as_slice() else {
        return Err(PlanError::at(&condition.location, "`when` names one column: `when = { status = [\"shipped\"] }`"));
    };
    let deciding = slot_named(table, slots, name, &condition.location)?;
    if !nullable.get(slot).copied().unwrap_or(false) {
        let message =
            format!("`{}` is NOT NULL, so it cannot be NULL when `{name}` holds other values", column.name.name);
        return Err(PlanError::at(&condition.location, message));
    }
    let values: Vec<Value> =
        values.iter().map(value_of).collect::<Result<_, _>>().map_err(|m| PlanError::at(&condition.location, m))?;
    let listed: Vec<String> = values.iter().map(shown).collect();
    let then = Box::new(std::mem::replace(&mut slots[slot].generator, ColumnGen::Null));
    slots[slot].generator = ColumnGen::When { column: deciding, values, then };
    slots[slot].null_rate = 0.0;
    Ok(format!("{} set when {name} = {} (profile)", column.name.name, listed.join(" or ")))
}

fn slot_named(table: &Table, slots: &[ColumnSlot], name: &str, at: &Location) -> Result<usize, PlanError> {
    slots.iter().position(|s| s.name == name).ok_or_else(|| {
        let known = slots.iter().map(|s| s.name.clone());
        PlanError::at(
            at,
            format!("table `{}` has no column `{name}`{}", table.name.plain(), scope::suggestion(name, known)),
        )
    })
}

fn is_moment(slot: &ColumnSlot) -> bool {
    matches!(slot.generator.underlying(), ColumnGen::Moment { unit: MomentUnit::Date | MomentUnit::Timestamp, .. })
}

fn shown(value: &Value) -> String {
    match value {
        Value::Text(text) => format!("'{text}'"),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// A `when` value as the deciding column holds it: text, a boolean or an integer.
fn value_of(value: &toml::Value) -> Result<Value, String> {
    match value {
        toml::Value::String(s) => Ok(Value::Text(s.clone())),
        toml::Value::Boolean(b) => Ok(Value::Bool(*b)),
        toml::Value::Integer(i) => Ok(Value::Int(*i)),
        other => Err(format!("`when` values are text, booleans or integers, not {}", other.type_str())),
    }
}
