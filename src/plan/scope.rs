//! Which tables a run owns, and resolving the names a profile wrote to real tables and columns.
//!
//! A profile owns every table of the schemas it lists plus the tables it names. Names may be
//! qualified (`creator.users`) or not (`users`, looked up in the profile's schemas first). An unknown
//! name is an error at the profile's line with the closest real name, so a typo never reaches the
//! database.

use crate::profile::Named;
use crate::schema::{QualifiedName, Schema, Table};

use super::PlanError;

/// Finds the table a profile names, or says which name was probably meant.
pub fn resolve_table<'s>(schema: &'s Schema, preferred: &[String], named: &Named) -> Result<&'s Table, PlanError> {
    let written = named.name.as_str();
    if written.contains('.') {
        // The printed form first: `public."a.b"` and `"public.a".b` must not be confused.
        let printed = schema.tables.iter().find(|t| t.name.plain() == written);
        if let Some(table) = printed.or_else(|| schema.tables.iter().find(|t| t.name.is_written_as(written))) {
            return Ok(table);
        }
    } else {
        let matches: Vec<&Table> = schema.tables.iter().filter(|t| t.name.name == written).collect();
        let in_preferred: Vec<&Table> =
            matches.iter().copied().filter(|t| preferred.contains(&t.name.schema)).collect();
        match (in_preferred.as_slice(), matches.as_slice()) {
            ([one], _) | ([], [one]) => return Ok(one),
            ([], []) => {}
            (_, many) => {
                let names: Vec<String> = many.iter().map(|t| format!("`{}`", t.name.plain())).collect();
                return Err(PlanError::at(
                    &named.location,
                    format!("table `{written}` is ambiguous: it could be {}; write the schema too", names.join(" or ")),
                ));
            }
        }
    }
    let candidates =
        schema.tables.iter().map(|t| if written.contains('.') { t.name.plain() } else { t.name.name.clone() });
    Err(PlanError::at(
        &named.location,
        format!("table `{written}` does not exist in the database{}", suggestion(written, candidates)),
    ))
}

/// Finds a column of `table`, or says which one was probably meant.
pub fn resolve_column(table: &Table, named: &Named) -> Result<usize, PlanError> {
    table.column_index(&named.name).ok_or_else(|| {
        let names = table.columns.iter().map(|c| c.name.clone());
        PlanError::at(
            &named.location,
            format!(
                "column `{}` does not exist in table `{}`{}",
                named.name,
                table.name.plain(),
                suggestion(&named.name, names)
            ),
        )
    })
}

/// `; did you mean `x`?` for the closest candidate, if any is close enough.
pub fn suggestion(written: &str, candidates: impl Iterator<Item = String>) -> String {
    let best = candidates
        .map(|c| (strsim::damerau_levenshtein(&written.to_lowercase(), &c.to_lowercase()), c))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    match best {
        Some((distance, name)) if distance <= (written.chars().count() / 3).max(2) => {
            format!("; did you mean `{name}`?")
        }
        _ => String::new(),
    }
}

/// A table's name as a profile's TOML key: `"public.users"`, or `'public."Team"'` (a literal
/// string, so the quotes `plain` prints need no escaping).
pub fn profile_key(name: &QualifiedName) -> String {
    let written = name.plain();
    if written.contains('"') && !written.contains('\'') {
        format!("'{written}'")
    } else {
        format!("\"{}\"", written.replace('\\', "\\\\").replace('"', "\\\""))
    }
}
