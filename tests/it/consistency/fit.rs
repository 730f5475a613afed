//! Rule 5: values fit their table. The column that names a row (`name`, `title`, `team_name` in
//! `teams`) says what the table holds: in a company-like table (organizations, teams, companies,
//! workspaces, accounts, brands) and in products, plans, projects, boards and channels it is no
//! person's name; in a people table (users, members, customers, ...) every name column is a
//! person's name; in tags, categories and labels it is a short word; and in a table whose name
//! says nothing of its rows (`templates`, `sources`: no word of it names people or another kind)
//! it is no person's name either (a `display_name` there may be someone's). A share: at least 95%
//! per column, as issue 11 asks of the other identity rules.
//!
//! "A person's name" is measured, not guessed: two capitalised words that both occur among the
//! database's own first and last names (every `first_name`/`last_name` column, and the full-name
//! columns of people tables), so `Charlie Ryan` for a team counts and `Ryan Group` does not. A
//! people table's names need only the shape (capitalised words; a trailing number, as a unique
//! key may add, is allowed).
//!
//! Rule 7's codes, here because they too are values that fit their column: a code or document
//! number (`invoice_number`, `sku`, `productnumber`; not a postal code or a phone number) holds no
//! whitespace (`INV-00042`, not `totam velit veni00000001`). Also a share of 95% per column.

use sqlx::PgConnection;

use super::catalog::{Catalog, Table};
use super::names::{self, RowKind};
use super::{Finding, Rule, measure, quote, show};

/// The words of people's names in the database, lowercased, one per row (a temporary table of
/// the check's connection).
const PERSON_WORDS: &str = "pg_temp.consistency_person_words";

/// A full name: capitalised words, at least two, and an optional number a unique key adds.
const FULL_NAME: &str = r"^[A-Z][A-Za-z'.-]*( [A-Z][A-Za-z'.-]*)+( [0-9]+)?$";
/// A first or a last name: capitalised words, and an optional number.
const NAME_PART: &str = r"^[A-Z][A-Za-z'.-]*( [A-Z][A-Za-z'.-]*)*( [0-9]+)?$";
/// Two capitalised words: the shape of a person's name that a company may not have.
const TWO_WORDS: &str = r"^[A-Z][A-Za-z'-]* [A-Z][A-Za-z'-]*( [0-9]+)?$";
/// A short word: up to three words of letters (`Pricing & Packaging`), an optional number.
const SHORT_WORDS: &str = r"^[[:alpha:]][[:alpha:]&'-]*( [[:alpha:]&'-]+){0,2}( [0-9]+)?$";
/// The longest tag, category or label counted as short.
const SHORT_LENGTH: usize = 32;

pub async fn values_fit_their_tables(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    collect_person_words(conn, catalog).await;
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        let kind = names::row_kind(&table.name);
        if kind.is_none() && !names::says_no_kind(&table.name) {
            continue;
        }
        let keys = catalog.foreign_key_columns(&table.name);
        for column in table.columns.iter().filter(|c| c.is_text() && !c.generated && !keys.contains(&c.name)) {
            if let Some((subject, kept)) = expectation(kind, &table.name, &column.name) {
                findings.push(fit_finding(conn, table, &column.name, &subject, &kept).await);
            }
        }
    }
    findings
}

/// What a column of a table of `kind` must hold, as (subject, SQL that holds for a fitting value),
/// or None when rule 5 says nothing of it.
fn expectation(kind: Option<RowKind>, table: &str, column: &str) -> Option<(String, String)> {
    let v = quote(column);
    let matches = |pattern: &str| format!("{v} ~ {}", super::literal(pattern));
    match kind {
        Some(RowKind::People) => {
            let (role, part) = names::person_name(column)?;
            if !role.is_empty() && role != names::table_noun(table) {
                return None;
            }
            let pattern = if part == "full" { FULL_NAME } else { NAME_PART };
            Some((format!("{column} is a person's name"), matches(pattern)))
        }
        Some(RowKind::Company | RowKind::Thing) if names::names_its_row(column, table) => {
            let what = if kind == Some(RowKind::Company) { "company-like" } else { "a thing's name" };
            Some((format!("{column} is {what}, no person's name"), not_a_person(&v)))
        }
        None if names::names_its_row(column, table) && names::words(column)[0] != "display" => {
            Some((format!("{column} is no person's name (the table names no people)"), not_a_person(&v)))
        }
        Some(RowKind::Tags) if names::names_its_row(column, table) => {
            let kept = format!("length({v}) <= {SHORT_LENGTH} AND {}", matches(SHORT_WORDS));
            Some((format!("{column} is a short word"), kept))
        }
        _ => None,
    }
}

/// SQL that holds unless `v` is two capitalised words that both occur among people's names.
fn not_a_person(v: &str) -> String {
    let word = |n: u8| format!("lower(split_part({v}, ' ', {n})) IN (SELECT w FROM {PERSON_WORDS})");
    format!("NOT ({v} ~ {} AND {} AND {})", super::literal(TWO_WORDS), word(1), word(2))
}

async fn fit_finding(conn: &mut PgConnection, table: &Table, column: &str, subject: &str, kept: &str) -> Finding {
    let c = quote(column);
    let checked = format!("{c} IS NOT NULL");
    let broken = format!("{checked} AND NOT ({kept})");
    let (checked, broken, sample) = measure(conn, &table.sql, &checked, &broken, &show(&[(column, &c)])).await;
    Finding { rule: Rule::Fit, table: table.name.clone(), subject: subject.to_string(), checked, broken, sample }
}

/// Fills [`PERSON_WORDS`]: the words of every first and last name column, and of the full names
/// of people tables.
async fn collect_person_words(conn: &mut PgConnection, catalog: &Catalog) {
    let mut sources = vec!["SELECT NULL::text AS n".to_string()];
    for table in catalog.tables.values() {
        let people = names::row_kind(&table.name) == Some(RowKind::People);
        for column in table.columns.iter().filter(|c| c.is_text()) {
            let is_person = match names::person_name(&column.name) {
                Some((_, "full")) => people,
                Some(_) => true,
                None => false,
            };
            if is_person {
                sources.push(format!("SELECT {} AS n FROM {}", quote(&column.name), table.sql));
            }
        }
    }
    let statements = [
        format!("DROP TABLE IF EXISTS {PERSON_WORDS}"),
        format!("CREATE TEMPORARY TABLE {} (w text PRIMARY KEY)", PERSON_WORDS.trim_start_matches("pg_temp.")),
        format!(
            "INSERT INTO {PERSON_WORDS} SELECT DISTINCT lower(w) FROM ({}) names, \
             regexp_split_to_table(n, '\\s+') w WHERE w <> ''",
            sources.join(" UNION ALL ")
        ),
    ];
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("consistency check failed: {e}\n{sql}"));
    }
}

/// Codes and document numbers hold no whitespace.
pub async fn codes_look_like_codes(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        let keys = catalog.foreign_key_columns(&table.name);
        let codes = table.columns.iter().filter(|c| c.is_text() && !c.generated && !keys.contains(&c.name));
        for column in codes.filter(|c| names::is_code(&c.name)) {
            let c = quote(&column.name);
            let checked = format!("{c} IS NOT NULL");
            let broken = format!("{checked} AND {c} ~ '\\s'");
            let (checked, broken, sample) =
                measure(conn, &table.sql, &checked, &broken, &show(&[(&column.name, &c)])).await;
            let subject = format!("{} is a code, without spaces", column.name);
            findings.push(Finding { rule: Rule::Code, table: table.name.clone(), subject, checked, broken, sample });
        }
    }
    findings
}
