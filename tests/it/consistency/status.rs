//! Rule 3: statuses and timestamps agree. A status-like column (`status`, `state`, `stage`) whose
//! value names an event with a moment column in the row (`published` and `published_at`,
//! `cancelled` and `canceled_at`) has that moment set; an early status (`names::EARLY_STATUSES`:
//! draft, pending, scheduled, ...) has it NULL. The statuses come from the data (a status never
//! written cannot break anything). A boolean naming the same event (`is_deleted` and `deleted_at`,
//! `email_verified` and `verified_at`) is true exactly when the moment is set.

use sqlx::{PgConnection, Row};

use super::catalog::{Catalog, Table};
use super::{Finding, Rule, literal, measure, names, quote, show};

pub async fn statuses_agree(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        for status in table.columns.iter().filter(|c| names::is_status(&c.name)) {
            let values = distinct_values(conn, table, &status.name).await;
            for moment in table.columns.iter().filter(|c| c.is_moment()) {
                findings.extend(status_finding(conn, table, &status.name, &values, &moment.name).await);
            }
        }
        for flag in table.columns.iter().filter(|c| c.type_name == "boolean") {
            for moment in table.columns.iter().filter(|c| c.is_moment() && names::flag_names(&flag.name, &c.name)) {
                findings.push(flag_finding(conn, table, &flag.name, &moment.name).await);
            }
        }
    }
    findings
}

/// Up to 200 distinct values of a status column, as text.
async fn distinct_values(conn: &mut PgConnection, table: &Table, column: &str) -> Vec<String> {
    let sql =
        format!("SELECT DISTINCT {c}::text FROM {} WHERE {c} IS NOT NULL LIMIT 200", table.sql, c = quote(column));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("status values");
    rows.iter().map(|r| r.get(0)).collect()
}

/// The status column against one moment column, when some status value names that moment.
async fn status_finding(
    conn: &mut PgConnection,
    table: &Table,
    status: &str,
    values: &[String],
    moment: &str,
) -> Option<Finding> {
    let naming: Vec<String> = values.iter().filter(|v| names::status_names(v, moment)).map(|v| literal(v)).collect();
    if naming.is_empty() {
        return None;
    }
    let early: Vec<String> = values
        .iter()
        .filter(|v| names::EARLY_STATUSES.contains(&v.to_lowercase().as_str()))
        .map(|v| literal(v))
        .collect();
    let (s, m) = (format!("{}::text", quote(status)), quote(moment));
    let in_naming = format!("{s} = ANY (ARRAY[{}]::text[])", naming.join(", "));
    let in_early = format!("{s} = ANY (ARRAY[{}]::text[])", early.join(", "));
    let broken = format!("({in_naming} AND {m} IS NULL) OR ({in_early} AND {m} IS NOT NULL)");
    let (checked, broken, sample) =
        measure(conn, &table.sql, &format!("{in_naming} OR {in_early}"), &broken, &show(&[(status, &s), (moment, &m)]))
            .await;
    let subject = format!("{status} in ({}) sets {moment}, early statuses leave it NULL", naming.join(", "));
    Some(Finding { rule: Rule::Status, table: table.name.clone(), subject, checked, broken, sample })
}

/// A boolean against the moment column naming the same event: true exactly when it is set.
async fn flag_finding(conn: &mut PgConnection, table: &Table, flag: &str, moment: &str) -> Finding {
    let (f, m) = (quote(flag), quote(moment));
    let broken = format!("({f} AND {m} IS NULL) OR (NOT {f} AND {m} IS NOT NULL)");
    let (checked, broken, sample) =
        measure(conn, &table.sql, &format!("{f} IS NOT NULL"), &broken, &show(&[(flag, &f), (moment, &m)])).await;
    let subject = format!("{flag} is true exactly when {moment} is set");
    Finding { rule: Rule::Status, table: table.name.clone(), subject, checked, broken, sample }
}
