//! Rule 2: time runs forward across rows. Through every foreign key (self-references too) whose
//! child and parent both have a creation column (`names::is_creation`), the child row is created at
//! or after the row it references; equal moments keep the rule, which is what lets rows on a cycle of
//! keys (`organizations.owner_id -> users -> organizations`) keep it. Findings on a cycle say so.

use sqlx::PgConnection;

use super::catalog::{Catalog, ForeignKey, Table};
use super::{Finding, Rule, measure, names, quote, show};

pub async fn created_after_parents(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let cycles = catalog.cycles();
    let mut findings = Vec::new();
    for fk in &catalog.foreign_keys {
        let (Some(child), Some(parent)) = (catalog.tables.get(&fk.child), catalog.tables.get(&fk.parent)) else {
            continue;
        };
        let (Some(child_created), Some(parent_created)) = (creation_column(child), creation_column(parent)) else {
            continue;
        };
        let (c, p) = (format!("c.{}", quote(child_created)), format!("p.{}", quote(parent_created)));
        let from = format!("{} c JOIN {} p ON {}", child.sql, parent.sql, join_condition(fk));
        let (checked, broken, sample) = measure(
            conn,
            &from,
            &format!("{c} IS NOT NULL AND {p} IS NOT NULL"),
            &format!("{c} < {p}"),
            &show(&[(child_created, &c), (&format!("{}.{parent_created}", parent.name), &p)]),
        )
        .await;
        let columns: Vec<&str> = fk.pairs.iter().map(|(c, _)| c.as_str()).collect();
        let cycle = if catalog.on_cycle(&cycles, &fk.child, &fk.parent) { " (on a cycle)" } else { "" };
        let subject = format!("{child_created} >= {}.{parent_created} via {}{cycle}", parent.name, columns.join(", "));
        findings.push(Finding { rule: Rule::Causality, table: child.name.clone(), subject, checked, broken, sample });
    }
    findings
}

/// The table's creation column: its first moment column named like one (`created_at`, `createdAt`).
pub fn creation_column(table: &Table) -> Option<&str> {
    table.columns.iter().find(|c| c.is_moment() && names::is_creation(&c.name)).map(|c| c.name.as_str())
}

/// `c.child_col = p.parent_col AND ...` for aliases `c` (child) and `p` (parent).
fn join_condition(fk: &ForeignKey) -> String {
    let parts: Vec<String> = fk.pairs.iter().map(|(c, p)| format!("c.{} = p.{}", quote(c), quote(p))).collect();
    parts.join(" AND ")
}
