//! The profile's values against the column's type and CHECK constraints, at plan time.
//!
//! A `value`, `values` entry or `range` end the column cannot hold, or a `length` past
//! `varchar(n)`, would otherwise reach the server and fail the load (exit 3, a COPY line, no
//! profile line). Checked here, the mistake is a plan error naming the profile's file, line and
//! column, the setting, and the type or constraint it contradicts, before anything is written.
//! Only CHECKs that read this column alone are evaluated: the others depend on generated values.

use crate::encode::{RowWriter, TextRowWriter, literal};
use crate::generate::Value;
use crate::profile::ColumnSettings;
use crate::schema::check;
use crate::schema::{Column, Table, TypeKind};

use super::restrict::domain_checks;
use super::settings::toml_to_value;
use crate::plan::PlanError;

/// Checks the values and length `settings` give `column` of `table`.
pub fn settings(table: &Table, column: &Column, settings: &ColumnSettings) -> Result<(), PlanError> {
    let error =
        |message: String| PlanError::at(&settings.name.location, format!("column `{}`: {message}", column.name));
    if let (Some([_, max]), Some(limit)) = (settings.length, column.ty.max_length())
        && max > limit
    {
        return Err(error(format!(
            "`length` asks for up to {max} characters but its type {} holds at most {limit}; lower the maximum to {limit} or less",
            column.ty.name
        )));
    }
    for (setting, value) in given_values(column, settings).map_err(&error)? {
        fits_type(column, &value).map_err(|why| error(format!("{setting} {why}; give a value the type holds")))?;
        if let Some((name, definition)) = broken_check(table, column, &value) {
            return Err(error(format!(
                "{setting} {} breaks CHECK {name}: {definition}; give only values the constraint allows",
                literal(&value)
            )));
        }
    }
    Ok(())
}

/// Every value the settings name, with the setting that names it.
fn given_values(column: &Column, settings: &ColumnSettings) -> Result<Vec<(&'static str, Value)>, String> {
    let single = settings.value.iter().map(|v| ("`value`", v));
    let listed = settings.values.iter().flatten().map(|v| ("`values` entry", v));
    let ends = settings.range.iter().flatten().map(|v| ("`range` end", v));
    single.chain(listed).chain(ends).map(|(setting, v)| Ok((setting, toml_to_value(column, v)?))).collect()
}

/// Whether the column's type holds `value`, as COPY would find out. JSON text is parsed too: the
/// writers pass it through as it is, and the server would refuse it only at load.
fn fits_type(column: &Column, value: &Value) -> Result<(), String> {
    TextRowWriter::new().field(value, &column.ty).map_err(|e| e.to_string())?;
    match (column.ty.base_kind(), value) {
        (TypeKind::Json | TypeKind::Jsonb, Value::Text(text)) => serde_json::from_str::<serde_json::Value>(text)
            .map(|_| ())
            .map_err(|e| format!("{} is not valid JSON for type {} ({e})", literal(value), column.ty.name)),
        _ => Ok(()),
    }
}

/// The first CHECK that reads only this column (the table's, then its domains') and that
/// `value` fails, as (name, definition).
fn broken_check(table: &Table, column: &Column, value: &Value) -> Option<(String, String)> {
    let is_column = |name: &str| name == column.name;
    let is_domain_value = |name: &str| name.eq_ignore_ascii_case("value");
    let own = table.checks.iter().map(|c| (c.name.clone(), c.definition.as_str(), &is_column as &dyn Fn(&str) -> bool));
    let domains = domain_checks(&column.ty).into_iter().flat_map(|(domain, checks)| {
        let is_value = &is_domain_value as &dyn Fn(&str) -> bool;
        checks.iter().map(move |d| (format!("of domain {domain}"), d.as_str(), is_value))
    });
    own.chain(domains)
        .find(|(_, definition, reads)| fails(definition, *reads, value))
        .map(|(name, definition, _)| (name, definition.to_string()))
}

/// Whether a CHECK that reads no column but `reads` accepts is false for `value`.
fn fails(definition: &str, reads: &dyn Fn(&str) -> bool, value: &Value) -> bool {
    let Ok(expr) = check::parse(definition) else { return false };
    let lookup = |name: &str| reads(name).then(|| value.clone());
    expr.columns().iter().all(|c| reads(c)) && check::passes(&expr, &lookup) == Some(false)
}
