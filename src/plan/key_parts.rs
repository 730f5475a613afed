//! Which parts of a unique key `seed` can keep apart by construction.
//!
//! A unique index on expressions holds when distinct rows give distinct expression values. Some
//! expressions keep a column's values apart (`lower(email)`, `(code)::text`): making that column
//! injective makes the expression injective, so the planner ([`super::keys`]) treats them as the
//! column itself. Others may merge values (`left(tag, 1)`, `date(created_at)`): no choice of
//! column values is known to keep them apart. Beside a column they only add distinctions; a key
//! made only of them is reported by the planner before anything is written.

use crate::schema::check::{self, Expr};
use crate::schema::{Table, UniqueKey};

use super::keys::mentions;

/// A unique key's parts, as the planner can use them.
#[derive(Debug, Default, PartialEq)]
pub struct KeyParts {
    /// Columns whose distinct values keep the key apart: the key's own columns and the columns
    /// that understood expressions read.
    pub columns: Vec<String>,
    /// Expressions that read columns but may give two rows the same value.
    pub opaque: Vec<String>,
}

/// Splits `key` into the columns that keep it apart and the expressions that may not.
/// Expressions that read no column (`(true)`) are in neither.
pub fn key_parts(key: &UniqueKey, table: &Table) -> KeyParts {
    let mut parts = KeyParts { columns: key.columns.clone(), opaque: Vec::new() };
    for expression in &key.expressions {
        let parsed = check::parse(expression).ok();
        if let Some(column) = parsed.as_ref().and_then(kept_column) {
            parts.columns.push(column.to_string());
        } else if table.columns.iter().any(|c| mentions(expression, &c.name)) {
            parts.opaque.push(expression.clone());
        }
    }
    parts
}

/// The column whose distinct values keep `expr` distinct: the column itself, seen through casts
/// to text types and `COLLATE`, and through `lower()` / `upper()` (generated text is lowercase
/// ASCII keyed by the row, so folding case never merges two generated values).
fn kept_column(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Column(name) => Some(name),
        Expr::Cast { expr, ty } if keeps_values(ty) => kept_column(expr),
        Expr::Collate { expr, .. } => kept_column(expr),
        Expr::Func { name, args } if matches!(name.as_str(), "lower" | "upper") && args.len() == 1 => {
            kept_column(&args[0])
        }
        _ => None,
    }
}

/// Casts that never merge two values: to unbounded text types (a `varchar(n)` cast truncates,
/// a numeric one rounds).
fn keeps_values(ty: &str) -> bool {
    matches!(ty, "text" | "character varying" | "varchar" | "citext")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts_of(expressions: &[&str]) -> KeyParts {
        let key = UniqueKey {
            name: "k".into(),
            columns: vec![],
            expressions: expressions.iter().map(|e| e.to_string()).collect(),
            predicate: None,
            definition: String::new(),
            nulls_not_distinct: false,
        };
        let text = || crate::schema::PgType::new(25, "text", crate::schema::TypeKind::Text);
        let columns = ["email", "tag", "Code"].map(|c| crate::schema::Column::plain(c, text()));
        let table = Table::with_columns("t", columns.to_vec());
        key_parts(&key, &table)
    }

    #[test]
    fn case_folding_and_text_casts_keep_the_column() {
        let parts = parts_of(&["lower((email)::text)", "upper(\"Code\")", "(tag)::character varying"]);
        assert_eq!(parts.columns, vec!["email", "Code", "tag"]);
        assert!(parts.opaque.is_empty());
    }

    #[test]
    fn expressions_that_may_merge_values_are_opaque() {
        let parts = parts_of(&["\"left\"(tag, 1)", "(tag)::character varying(2)", "md5(email) || 'x'"]);
        assert!(parts.columns.is_empty());
        assert_eq!(parts.opaque.len(), 3);
    }

    #[test]
    fn constant_expressions_are_neither() {
        assert_eq!(parts_of(&["(true)"]), KeyParts::default());
    }
}
