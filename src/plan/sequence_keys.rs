//! Identity and serial columns in a unique key count the table's rows, whatever else the key holds.
//!
//! A sequence never restarts per tenant: in `PRIMARY KEY (org_id, id)` with `id` an identity, the
//! application still finds a row by `WHERE id = $1`, and other tables reference `id` alone
//! (`FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id)` next to a `UNIQUE
//! (project_id, number)`). So such a column is injective across the table (`start + index`, as
//! the sequence would give, and moved past afterwards), which settles every key that holds it;
//! driving it as one digit of the key would repeat its values once per tenant.
//!
//! The rule reads only the schema and the profile, so a child planned before its parent's
//! generator exists (while volumes are lowered) already knows the parent's column is injective.

use crate::profile::TableSettings;
use crate::schema::{Table, TypeKind};

use super::columns::left_to_inference;

/// Whether `column` of `table` counts rows: an integer column fed by a sequence (identity or
/// serial), written by seed, in a unique key, not filled by a foreign key, and left to inference
/// by the profile (its `range` or `values` would say otherwise).
pub fn counts_rows(table: &Table, column: &str, settings: Option<&TableSettings>) -> bool {
    let Some(c) = table.column(column) else { return false };
    let integer = matches!(c.ty.base_kind(), TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8);
    let keyed = table.unique_keys().any(|k| k.columns.iter().any(|k| k == column));
    let foreign = table.foreign_keys.iter().any(|fk| fk.columns.iter().any(|k| k == column));
    c.sequence.is_some() && !c.generated && integer && keyed && !foreign && left_to_inference(settings, column)
}

#[cfg(test)]
mod tests {
    use super::counts_rows;
    use crate::schema::{Column, ForeignKey, PgType, QualifiedName, Table, TypeKind, UniqueKey};

    fn column(name: &str, kind: TypeKind, sequence: bool) -> Column {
        let mut c = Column::plain(name, PgType::new(0, "t", kind));
        c.sequence = sequence.then(|| QualifiedName::new("public", format!("t_{name}_seq")));
        c
    }

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

    fn tenant_table() -> Table {
        let mut table = Table::with_columns(
            "t",
            vec![
                column("org_id", TypeKind::Int8, false),
                column("id", TypeKind::Int8, true),
                column("seq_no", TypeKind::Int4, true),
                column("code", TypeKind::Text, true),
            ],
        );
        table.primary_key = Some(key("t_pkey", &["org_id", "id"]));
        table.uniques = vec![key("t_code_key", &["org_id", "code"])];
        table
    }

    #[test]
    fn an_identity_in_a_tenant_key_counts_rows() {
        let table = tenant_table();
        assert!(counts_rows(&table, "id", None));
        assert!(!counts_rows(&table, "org_id", None), "no sequence");
        assert!(!counts_rows(&table, "seq_no", None), "in no unique key");
        assert!(!counts_rows(&table, "code", None), "not an integer");
        assert!(!counts_rows(&table, "missing", None));
    }

    #[test]
    fn a_sequence_column_filled_by_a_foreign_key_follows_its_parent() {
        let mut table = tenant_table();
        let parents = QualifiedName::new("public", "parents");
        table.foreign_keys = vec![ForeignKey::plain("t_id_fkey", &["id"], parents, &["id"])];
        assert!(!counts_rows(&table, "id", None));
    }
}
