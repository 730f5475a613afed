//! Rule 6: tenants and owners stay whole. From each table, every chain of foreign keys of up to
//! three steps (never visiting a table twice; NOT NULL keys after the first, so that a nullable
//! owner such as `post_schedules.social_account_id` is checked where it is set) is followed; where two chains that leave the
//! row by different keys end at the same tenant-like table in the same role, the row must reach
//! the same row of it through both (`issues.project_id -> projects.org_id` and
//! `issues.reporter_id -> users.org_id` reach one organization). Rows are told apart by
//! `(tableoid, ctid)`, so no key is assumed.
//!
//! What is left alone, because the data may rightly differ there:
//! - two single keys into one table (`sender_id`, `recipient_id`): no tenant question;
//! - chains into a people table (users, members, persons, ...) whose last keys have different
//!   column names: a role differs (a like's `user_id` and its post's `author_id`, a moderator's
//!   `mod_person_id` and the removed comment's `creator_id`). Other tenants (organizations, teams,
//!   instances) must agree whatever the columns are called;
//! - tables fewer than three tables reference by a NOT NULL key (lookups such as a user's plan):
//!   a tenant or owner is what many tables hang from;
//! - tables loaded from fixtures: reference data (platforms, currencies), not tenants;
//! - a chain whose last key is its table's primary key into a supertype (a table the primary keys
//!   of two or more tables reference: `person.businessentityid` and `store.businessentityid` into
//!   `businessentity`): it reaches the entity its last row *is*, not a tenant or owner of the row.
//!   A contact's person is not the business it is a contact for, nor an order's employee its
//!   vendor, so such a chain agrees with no other by nature;
//! - a chain of one key whose columns, with those of the other chain's first key, make a unique
//!   key of the row (`forum_post_votes (forum_post_id, creator_id)`): the key says each post has
//!   many voters, so at most one of them could be the post's author. The row links two parties
//!   (a voter and someone's post); the rule would forbid all but one row per post, which the
//!   issue does not ask.

use sqlx::PgConnection;

use super::catalog::{Catalog, ForeignKey};
use super::names::is_people_table;
use super::{Finding, Rule, measure, quote, show};

/// The longest chain followed, in foreign keys.
const MAX_STEPS: usize = 3;
/// How many tables must reference a table by a NOT NULL key for it to count as a tenant or owner.
const TENANT_REFERRERS: usize = 3;

pub async fn chains_agree(conn: &mut PgConnection, catalog: &Catalog, fixtures: &[String]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let tenant_like =
        |c: &Vec<&ForeignKey>| is_tenant_like(catalog, end_of(c)) && !fixtures.iter().any(|f| f == end_of(c));
    for table in catalog.tables.values() {
        let chains: Vec<Vec<&ForeignKey>> = chains_from(catalog, &table.name).into_iter().filter(tenant_like).collect();
        for (i, first) in chains.iter().enumerate() {
            for second in &chains[i + 1..] {
                if agrees_by_nature(first, second) || apart_by_key(catalog, &table.name, first, second) {
                    continue;
                }
                findings.push(pair_finding(conn, catalog, &table.name, first, second).await);
            }
        }
    }
    findings
}

/// Pairs that need no check: different ends, the same first key, both a single key, or a people
/// table reached by last keys in different roles (column names).
fn agrees_by_nature(a: &[&ForeignKey], b: &[&ForeignKey]) -> bool {
    let role = |c: &[&ForeignKey]| -> Vec<String> { c[c.len() - 1].pairs.iter().map(|p| p.0.clone()).collect() };
    let other_roles = is_people_table(end_of(a)) && role(a) != role(b);
    end_of(a) != end_of(b) || std::ptr::eq(a[0], b[0]) || (a.len() == 1 && b.len() == 1) || other_roles
}

/// Pairs the schema's keys set apart: a chain that ends in a subtype's own entity, or a row that
/// links two parties by a unique key (see the module doc).
fn apart_by_key(catalog: &Catalog, table: &str, a: &[&ForeignKey], b: &[&ForeignKey]) -> bool {
    ends_in_itself(catalog, a)
        || ends_in_itself(catalog, b)
        || links(catalog, table, a, b)
        || links(catalog, table, b, a)
}

/// A chain whose last key is its table's primary key, into a supertype (a table the primary keys
/// of at least two tables reference: a person and a store are both business entities). It
/// reaches the entity its last row *is*, not one it belongs to.
fn ends_in_itself(catalog: &Catalog, chain: &[&ForeignKey]) -> bool {
    let last = chain[chain.len() - 1];
    let subtypes: std::collections::BTreeSet<&str> = catalog
        .foreign_keys
        .iter()
        .filter(|fk| fk.parent == last.parent && is_a(catalog, fk))
        .map(|fk| fk.child.as_str())
        .collect();
    is_a(catalog, last) && subtypes.len() >= 2
}

/// An FK whose columns are its table's primary key: each row is one row of the parent.
fn is_a(catalog: &Catalog, fk: &ForeignKey) -> bool {
    let Some(child) = catalog.tables.get(&fk.child) else { return false };
    let columns: std::collections::BTreeSet<&str> = fk.pairs.iter().map(|(c, _)| c.as_str()).collect();
    !child.primary_key.is_empty()
        && child.primary_key.iter().map(String::as_str).collect::<std::collections::BTreeSet<_>>() == columns
}

/// `single` is one key straight to the end table, and a unique key of `table` is made of its
/// columns and those of `other`'s first key, some of each (a vote's `(forum_post_id,
/// creator_id)`): each row of `other`'s parent goes with many rows of the end table, so at most one
/// of them could be the one `other` reaches.
fn links(catalog: &Catalog, table: &str, single: &[&ForeignKey], other: &[&ForeignKey]) -> bool {
    let columns = |fk: &ForeignKey| fk.pairs.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>();
    let (mine, theirs) = (columns(single[0]), columns(other[0]));
    let keys = catalog.tables.get(table).map(|t| t.unique_keys.as_slice()).unwrap_or_default();
    single.len() == 1
        && keys.iter().any(|key| {
            key.iter().all(|c| mine.contains(c) || theirs.contains(c))
                && key.iter().any(|c| mine.contains(c))
                && key.iter().any(|c| theirs.contains(c))
        })
}

/// The table a chain ends at.
fn end_of<'a>(chain: &[&'a ForeignKey]) -> &'a str {
    chain[chain.len() - 1].parent.as_str()
}

/// A table at least `TENANT_REFERRERS` other tables reference by a NOT NULL key.
fn is_tenant_like(catalog: &Catalog, table: &str) -> bool {
    let referrers: std::collections::BTreeSet<&str> = catalog
        .foreign_keys
        .iter()
        .filter(|fk| fk.parent == table && fk.not_null && fk.child != table)
        .map(|fk| fk.child.as_str())
        .collect();
    referrers.len() >= TENANT_REFERRERS
}

/// Every chain of foreign keys from `start`, up to `MAX_STEPS`, visiting no table twice, every
/// key after the first NOT NULL.
fn chains_from<'a>(catalog: &'a Catalog, start: &str) -> Vec<Vec<&'a ForeignKey>> {
    let mut chains = Vec::new();
    let mut open: Vec<Vec<&ForeignKey>> = vec![Vec::new()];
    while let Some(chain) = open.pop() {
        let at = chain.last().map_or(start, |fk| fk.parent.as_str());
        for fk in catalog.foreign_keys.iter().filter(|fk| fk.child == at && (fk.not_null || chain.is_empty())) {
            let visited = fk.parent == start || chain.iter().any(|step| step.parent == fk.parent);
            if visited || !catalog.tables.contains_key(&fk.parent) {
                continue;
            }
            let mut longer = chain.clone();
            longer.push(fk);
            if longer.len() < MAX_STEPS {
                open.push(longer.clone());
            }
            chains.push(longer);
        }
    }
    chains
}

/// Joins for one chain from alias `t`, its steps aliased `{prefix}1`, `{prefix}2`, ...
fn chain_joins(catalog: &Catalog, chain: &[&ForeignKey], prefix: &str) -> String {
    let mut joins = String::new();
    for (step, fk) in chain.iter().enumerate() {
        let from = if step == 0 { "t".to_string() } else { format!("{prefix}{step}") };
        let to = format!("{prefix}{}", step + 1);
        let on: Vec<String> =
            fk.pairs.iter().map(|(c, p)| format!("{from}.{} = {to}.{}", quote(c), quote(p))).collect();
        joins.push_str(&format!(" JOIN {} {to} ON {}", catalog.tables[&fk.parent].sql, on.join(" AND ")));
    }
    joins
}

/// The values of a chain's last key, as the row before its end holds them: `(a1.org_id)`.
fn last_key(chain: &[&ForeignKey], prefix: &str) -> String {
    let holder = if chain.len() == 1 { "t".to_string() } else { format!("{prefix}{}", chain.len() - 1) };
    let columns: Vec<String> =
        chain[chain.len() - 1].pairs.iter().map(|(c, _)| format!("{holder}.{}", quote(c))).collect();
    format!("row({})", columns.join(", "))
}

/// `project_id > org_id`: a chain by its child columns.
fn describe(chain: &[&ForeignKey]) -> String {
    let steps: Vec<String> =
        chain.iter().map(|fk| fk.pairs.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join("+")).collect();
    steps.join(" > ")
}

async fn pair_finding(
    conn: &mut PgConnection,
    catalog: &Catalog,
    table: &str,
    a: &[&ForeignKey],
    b: &[&ForeignKey],
) -> Finding {
    let from =
        format!("{} t{}{}", catalog.tables[table].sql, chain_joins(catalog, a, "a"), chain_joins(catalog, b, "b"));
    let (ea, eb) = (format!("a{}", a.len()), format!("b{}", b.len()));
    let broken = format!("({ea}.tableoid, {ea}.ctid) <> ({eb}.tableoid, {eb}.ctid)");
    let (da, db) = (describe(a), describe(b));
    let sample = show(&[(&da, &last_key(a, "a")), (&db, &last_key(b, "b"))]);
    let (checked, broken, sample) = measure(conn, &from, "true", &broken, &sample).await;
    let subject = format!("{da} and {db} reach the same {}", end_of(a));
    Finding { rule: Rule::Tenant, table: table.to_string(), subject, checked, broken, sample }
}
