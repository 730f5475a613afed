//! Rule 4: identities agree in a row. An email's local part contains a name part of its own row
//! (a word of at least two letters of a first, last, user, full or display name column), and a slug
//! starts with its row's name or title slugified (the first 20 characters, so that a slug cut to
//! its column's length still counts). Both are shares: issue 11 asks for at least 95% per column.
//! Rows without a name part (or name, or title) are not checked.

use sqlx::PgConnection;

use super::catalog::{Catalog, Column, Table};
use super::{Finding, Rule, measure, names, quote, show};

/// ASCII letters and digits of a lowercased text, in SQL.
fn letters(sql: &str) -> String {
    format!("regexp_replace(lower({sql}), '[^a-z0-9]', '', 'g')")
}

pub async fn emails_name_their_person(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        let parts: Vec<&Column> =
            table.columns.iter().filter(|c| c.is_text() && names::is_name_part(&c.name)).collect();
        if parts.is_empty() {
            continue;
        }
        for email in table.columns.iter().filter(|c| c.is_text() && names::is_email(&c.name)) {
            findings.push(email_finding(conn, table, &email.name, &parts).await);
        }
    }
    findings
}

async fn email_finding(conn: &mut PgConnection, table: &Table, email: &str, parts: &[&Column]) -> Finding {
    let e = quote(email);
    let local = letters(&format!("split_part({e}, '@', 1)"));
    let words: Vec<String> =
        parts.iter().map(|p| format!("regexp_split_to_array(lower({}), '[^a-z0-9]+')", quote(&p.name))).collect();
    let any_part: Vec<String> = parts.iter().map(|p| format!("{} IS NOT NULL", quote(&p.name))).collect();
    let checked = format!("{e} IS NOT NULL AND ({})", any_part.join(" OR "));
    let named = format!(
        "EXISTS (SELECT 1 FROM unnest(array[]::text[] || {}) w WHERE length(w) >= 2 AND strpos({local}, w) > 0)",
        words.join(" || ")
    );
    let mut shown: Vec<(&str, String)> = vec![(email, e.clone())];
    shown.extend(parts.iter().map(|p| (p.name.as_str(), quote(&p.name))));
    let shown: Vec<(&str, &str)> = shown.iter().map(|(l, s)| (*l, s.as_str())).collect();
    let (checked, broken, sample) =
        measure(conn, &table.sql, &checked, &format!("{checked} AND NOT {named}"), &show(&shown)).await;
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    let subject = format!("{email} contains a word of {}", names.join(" or "));
    Finding { rule: Rule::Email, table: table.name.clone(), subject, checked, broken, sample }
}

pub async fn slugs_come_from_names(conn: &mut PgConnection, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in catalog.tables.values() {
        let text: Vec<&Column> = table.columns.iter().filter(|c| c.is_text()).collect();
        let Some(source) = text
            .iter()
            .filter(|c| names::slug_source_rank(&c.name) > 0)
            .max_by_key(|c| names::slug_source_rank(&c.name))
        else {
            continue;
        };
        for slug in text.iter().filter(|c| names::is_slug(&c.name)) {
            findings.push(slug_finding(conn, table, &slug.name, &source.name).await);
        }
    }
    findings
}

async fn slug_finding(conn: &mut PgConnection, table: &Table, slug: &str, source: &str) -> Finding {
    let (s, n) = (quote(slug), quote(source));
    let slugified = format!("trim(both '-' from regexp_replace(lower({n}), '[^a-z0-9]+', '-', 'g'))");
    let head = format!("least(length({slugified}), 20)");
    let checked = format!("{s} IS NOT NULL AND {n} IS NOT NULL AND {slugified} <> ''");
    let broken = format!("{checked} AND left({s}, {head}) <> left({slugified}, {head})");
    let (checked, broken, sample) =
        measure(conn, &table.sql, &checked, &broken, &show(&[(slug, &s), (source, &n)])).await;
    let subject = format!("{slug} starts with {source} slugified");
    Finding { rule: Rule::Slug, table: table.name.clone(), subject, checked, broken, sample }
}
