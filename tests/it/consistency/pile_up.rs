//! Rule 7: time looks like now and values look made by people.
//!
//! - No moment column piles up on one value. A column piles up when one moment holds more than 5%
//!   of its non-NULL values, at least 3 rows, and more than three times the mean count of the
//!   column's other values (0 when there are none). The last clause spares columns with few distinct values by nature
//!   (a `date` inside a 30-day window, a moment many rows copy on purpose) while the reference-moment
//!   pile-up issue 11 measured (16 804 of 19 086 rows at 2026-01-01 00:00) stays far past it.
//!   Generated columns are skipped: seed does not choose their values.
//! - UUID columns that are no foreign key never share their last 12 hex digits with another table's.
//! - In a table keyed by a sequence or identity, after `ANALYZE`, the creation column has
//!   `pg_stats.correlation >= 0.9`: moments grow with the key, as in a real table.

use sqlx::{PgConnection, Row};

use super::catalog::{Catalog, Table};
use super::causality::creation_column;
use super::{Finding, Rule, literal, quote};

pub async fn no_moment_piles_up(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        let keys = catalog.foreign_key_columns(&table.name);
        for column in table.columns.iter().filter(|c| c.is_moment() && !c.generated && !keys.contains(&c.name)) {
            findings.push(pile_up_finding(conn, table, &column.name).await);
        }
    }
    findings
}

async fn pile_up_finding(conn: &mut PgConnection, table: &Table, column: &str) -> Finding {
    let c = quote(column);
    let sql = format!(
        "SELECT coalesce(sum(n), 0)::int8, count(*), coalesce(max(n), 0), (array_agg(v::text ORDER BY n DESC, v))[1] \
         FROM (SELECT {c} v, count(*) n FROM {} WHERE {c} IS NOT NULL GROUP BY {c}) g",
        table.sql
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(conn).await.expect("pile-up");
    let (checked, distinct, top, value): (i64, i64, i64, Option<String>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let others = if distinct > 1 { (checked - top) as f64 / (distinct - 1) as f64 } else { 0.0 };
    let piles = top as f64 > 0.05 * checked as f64 && top >= 3 && top as f64 > 3.0 * others;
    Finding {
        rule: Rule::PileUp,
        table: table.name.clone(),
        subject: format!("{column}: no moment holds over 5% of the values"),
        checked,
        broken: if piles { top } else { 0 },
        sample: value.map(|v| format!("{top} rows at {v}, {distinct} distinct")),
    }
}

pub async fn uuids_differ_across_tables(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut parts = Vec::new();
    for table in catalog.tables.values() {
        let keys = catalog.foreign_key_columns(&table.name);
        for column in table.columns.iter().filter(|c| c.type_name == "uuid" && !c.generated && !keys.contains(&c.name))
        {
            parts.push(format!(
                "SELECT DISTINCT right(replace({c}::text, '-', ''), 12) s, {t} tbl, {col} col FROM {} WHERE {c} IS NOT NULL",
                table.sql,
                c = quote(&column.name),
                t = literal(&table.name),
                col = literal(&column.name)
            ));
        }
    }
    if parts.len() < 2 {
        return Vec::new();
    }
    let sql = format!(
        "WITH u AS ({}), shared AS (SELECT s FROM u GROUP BY s HAVING count(DISTINCT tbl) > 1) \
         SELECT tbl, col, count(*), count(x.s), min(x.s) FROM u LEFT JOIN shared x ON x.s = u.s \
         GROUP BY tbl, col ORDER BY 1, 2",
        parts.join(" UNION ALL ")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("uuid suffixes");
    rows.iter()
        .map(|r| Finding {
            rule: Rule::PileUp,
            table: r.get(0),
            subject: format!("{}: last 12 hex digits not shared with another table's UUIDs", r.get::<String, _>(1)),
            checked: r.get(2),
            broken: r.get(3),
            sample: r.get(4),
        })
        .collect()
}

/// Runs `ANALYZE`, then one finding per sequence-keyed table with a creation column: broken (1)
/// when `pg_stats.correlation` of that column is under 0.9.
pub async fn creation_follows_the_key(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    sqlx::raw_sql("ANALYZE").execute(&mut *conn).await.expect("analyze");
    let mut findings = Vec::new();
    for table in catalog.tables.values().filter(|t| t.keyed_by_sequence && t.rows > 1) {
        let Some(created) = creation_column(table) else { continue };
        let sql = format!(
            "SELECT correlation::float8 FROM pg_stats WHERE schemaname = {} AND tablename = {} AND attname = {} \
             ORDER BY inherited DESC LIMIT 1",
            literal(&table.schema),
            literal(&table.relname),
            literal(created)
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_optional(&mut *conn).await.expect("pg_stats");
        let correlation: Option<f64> = row.and_then(|r| r.get(0));
        findings.push(Finding {
            rule: Rule::Correlation,
            table: table.name.clone(),
            subject: format!("{created} grows with the key"),
            checked: 1,
            broken: i64::from(correlation.is_none_or(|c| c < 0.9)),
            sample: Some(format!("correlation {}", correlation.map_or("none".to_string(), |c| format!("{c:.3}")))),
        });
    }
    findings
}
