//! Exclusion constraints, in the shapes `seed` can satisfy by construction.
//!
//! `EXCLUDE USING gist (code WITH =)` with only `=` operators is a unique key under another name
//! (NULLs never conflict either way), so the planner ([`super::keys`]) plans it as one. `&&` on
//! a range column, alone or beside `=` columns (`room_id WITH =, during WITH &&`), holds when no
//! two rows' ranges overlap at all: the column gets ranges derived from the row index, each in
//! its own slot. Any other shape (`&&` on circles, `<>`, expressions) cannot be promised; the
//! planner reports it before anything is written.

use crate::schema::{Exclusion, Table, TypeKind, UniqueKey};

/// How an exclusion constraint is satisfied.
#[derive(Debug, PartialEq)]
pub enum Handling {
    /// Only `=` on columns: a unique key.
    Unique(UniqueKey),
    /// `&&` on this range column (beside `=` columns, or alone): ranges that never overlap.
    Disjoint(String),
    /// A shape `seed` cannot promise.
    Unsupported,
}

/// How `exclusion`, declared on `table`, can be satisfied.
pub fn handling(exclusion: &Exclusion, table: &Table) -> Handling {
    let mut equal = Vec::new();
    let mut overlapping = Vec::new();
    for (column, operator) in &exclusion.parts {
        match (column, operator.as_str()) {
            (Some(column), "=") => equal.push(column.clone()),
            (Some(column), "&&") if is_range(table, column) => overlapping.push(column.clone()),
            _ => return Handling::Unsupported,
        }
    }
    match overlapping.as_slice() {
        [] if !equal.is_empty() => Handling::Unique(UniqueKey {
            name: exclusion.name.clone(),
            columns: equal,
            expressions: Vec::new(),
            predicate: exclusion.predicate.clone(),
            definition: exclusion.definition.clone(),
            nulls_not_distinct: false,
        }),
        [range] => Handling::Disjoint(range.clone()),
        _ => Handling::Unsupported,
    }
}

fn is_range(table: &Table, column: &str) -> bool {
    table.column(column).is_some_and(|c| matches!(c.ty.base_kind(), TypeKind::Range { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, PgType};

    fn table() -> Table {
        let int = PgType::new(23, "integer", TypeKind::Int4);
        let range = PgType::new(3904, "int4range", TypeKind::Range { subtype: Box::new(int.clone()) });
        let circle = PgType::new(718, "circle", TypeKind::Circle);
        let columns = vec![Column::plain("room", int), Column::plain("during", range), Column::plain("area", circle)];
        Table::with_columns("t", columns)
    }

    fn exclusion(parts: &[(Option<&str>, &str)]) -> Exclusion {
        Exclusion {
            name: "x".into(),
            parts: parts.iter().map(|(c, o)| (c.map(str::to_string), o.to_string())).collect(),
            predicate: None,
            definition: String::new(),
        }
    }

    #[test]
    fn equality_only_is_a_unique_key() {
        let Handling::Unique(key) = handling(&exclusion(&[(Some("room"), "=")]), &table()) else {
            panic!("expected a unique key");
        };
        assert_eq!(key.columns, vec!["room"]);
    }

    #[test]
    fn overlap_on_a_range_makes_ranges_disjoint() {
        let both = exclusion(&[(Some("room"), "="), (Some("during"), "&&")]);
        assert_eq!(handling(&both, &table()), Handling::Disjoint("during".into()));
        assert_eq!(handling(&exclusion(&[(Some("during"), "&&")]), &table()), Handling::Disjoint("during".into()));
    }

    #[test]
    fn other_shapes_are_unsupported() {
        for parts in [
            vec![(Some("area"), "&&")],
            vec![(Some("room"), "<>")],
            vec![(None, "=")],
            vec![(Some("during"), "&&"), (Some("during"), "&&")],
        ] {
            assert_eq!(handling(&exclusion(&parts), &table()), Handling::Unsupported, "{parts:?}");
        }
    }
}
