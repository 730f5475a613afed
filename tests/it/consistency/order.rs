//! Rule 1: time runs forward in a row. Every pair of moment columns (`timestamp`, `timestamptz`,
//! `date`) that `names::ordered` puts in order is compared; a NULL on either side breaks nothing.

use sqlx::PgConnection;

use super::catalog::{Catalog, Table};
use super::{Finding, Rule, measure, names, quote, show};

pub async fn order_within_rows(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        for (earlier, later) in ordered_pairs(table) {
            let (e, l) = (quote(&earlier), quote(&later));
            let (checked, broken, sample) = measure(
                conn,
                &table.sql,
                &format!("{e} IS NOT NULL AND {l} IS NOT NULL"),
                &format!("{e} > {l}"),
                &show(&[(&earlier, &e), (&later, &l)]),
            )
            .await;
            let subject = format!("{earlier} <= {later}");
            findings.push(Finding { rule: Rule::Order, table: table.name.clone(), subject, checked, broken, sample });
        }
    }
    findings
}

/// The (earlier, later) moment columns of a table that rule 1 orders.
fn ordered_pairs(table: &Table) -> Vec<(String, String)> {
    let moments: Vec<&str> = table.columns.iter().filter(|c| c.is_moment()).map(|c| c.name.as_str()).collect();
    let mut pairs = Vec::new();
    for earlier in &moments {
        for later in &moments {
            if earlier != later && names::ordered(earlier, later) {
                pairs.push((earlier.to_string(), later.to_string()));
            }
        }
    }
    pairs
}
