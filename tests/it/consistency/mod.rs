//! The measuring stick for issue 11: SQL checks of the rules an application assumes of its data
//! (time runs forward, statuses and timestamps agree, identities agree, values fit their table,
//! tenants stay whole, nothing piles up), run over any loaded database.
//!
//! The checks find their columns by names and types alone (`names`), over every table the catalog
//! lists (`catalog`): no schema's table is named anywhere, so the same checks judge the example
//! applications and every corpus schema. Each rule is one function returning a [`Finding`] per
//! table and column pair (rows checked, rows breaking it, one breaking row as a sample); `handmade`
//! proves each finds violations inserted by hand and none in good rows, `datasets` runs them on
//! what `seed` makes, and `BASELINE.md` records what they counted before the rules were built.

pub mod catalog;
mod causality;
pub mod datasets;
mod fit;
mod handmade;
mod identity;
pub mod names;
mod order;
mod pile_up;
mod status;
mod tenants;

use sqlx::{PgConnection, Row};

pub use catalog::Catalog;

/// The rules of issue 11 the checks measure, by the numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// 1: lifecycle columns of a row in order.
    Order,
    /// 2: a row created at or after every row it references.
    Causality,
    /// 3: a status or a boolean agrees with the moment column it names.
    Status,
    /// 4: emails name their row's person (a share: at least 95%).
    Email,
    /// 4: slugs come from their row's name or title (a share: at least 95%).
    Slug,
    /// 4: a full name is its row's first and last name (a share: at least 95%).
    FullName,
    /// 4: a username or handle contains a part of its row's name (a share: at least 95%).
    Username,
    /// 5: the column naming a row fits its table: companies and things are not named like people,
    /// people are, tags are short words (a share: at least 95%).
    Fit,
    /// 7: a code or document number holds no whitespace (a share: at least 95%).
    Code,
    /// 6: two chains of NOT NULL foreign keys reach the same row of a table they both reach.
    Tenant,
    /// 7: no moment column holds more than 5% of its values at one moment; no UUID suffix shared.
    PileUp,
    /// 7: in a sequence-keyed table, creation moments grow with the key (`pg_stats.correlation`).
    Correlation,
}

impl Rule {
    /// The rules that hold on any data seed makes (`Correlation` needs `ANALYZE` and holds for `dev`).
    pub const GENERAL: &[Rule] = &[
        Rule::Order,
        Rule::Causality,
        Rule::Status,
        Rule::Email,
        Rule::Slug,
        Rule::FullName,
        Rule::Username,
        Rule::Fit,
        Rule::Code,
        Rule::Tenant,
        Rule::PileUp,
    ];

    /// Rules judged by a share of good rows rather than by zero broken rows.
    pub fn is_share(self) -> bool {
        matches!(self, Rule::Email | Rule::Slug | Rule::FullName | Rule::Username | Rule::Fit | Rule::Code)
    }
}

/// One rule over one table and column pair: how many rows it looked at, how many broke it, and one
/// breaking row to show.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Rule,
    pub table: String,
    /// What was compared, e.g. `created_at <= updated_at`.
    pub subject: String,
    pub checked: i64,
    pub broken: i64,
    pub sample: Option<String>,
}

impl Finding {
    /// Share of checked rows that keep the rule (1.0 when none were checked).
    pub fn kept_share(&self) -> f64 {
        if self.checked == 0 { 1.0 } else { 1.0 - self.broken as f64 / self.checked as f64 }
    }

    /// Whether this finding fails its rule: any broken row, or under 95% kept for shares.
    pub fn fails(&self) -> bool {
        if self.rule.is_share() { self.kept_share() < 0.95 } else { self.broken > 0 }
    }
}

/// Every finding of every rule over one database.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// Runs `rules` over every table of the database. `fixtures` are tables loaded from files:
    /// their rows are the user's, not seed's, so no finding is kept about them (rows that
    /// reference them are still checked), and as reference data they are no tenant.
    pub async fn run(conn: &mut PgConnection, rules: &[Rule], fixtures: &[String]) -> Report {
        let catalog = Catalog::read(conn).await;
        let mut findings = Vec::new();
        for rule in rules {
            findings.extend(match rule {
                Rule::Order => order::order_within_rows(conn, &catalog).await,
                Rule::Causality => causality::created_after_parents(conn, &catalog).await,
                Rule::Status => status::statuses_agree(conn, &catalog).await,
                Rule::Email => identity::emails_name_their_person(conn, &catalog).await,
                Rule::Slug => identity::slugs_come_from_names(conn, &catalog).await,
                Rule::FullName => identity::full_names_join_first_and_last(conn, &catalog).await,
                Rule::Username => identity::usernames_come_from_names(conn, &catalog).await,
                Rule::Fit => fit::values_fit_their_tables(conn, &catalog).await,
                Rule::Code => fit::codes_look_like_codes(conn, &catalog).await,
                Rule::Tenant => tenants::chains_agree(conn, &catalog, fixtures).await,
                Rule::PileUp => {
                    let mut found = pile_up::no_moment_piles_up(conn, &catalog).await;
                    found.extend(pile_up::uuids_differ_across_tables(conn, &catalog).await);
                    found
                }
                Rule::Correlation => pile_up::creation_follows_the_key(conn, &catalog).await,
            });
        }
        findings.retain(|f| !fixtures.contains(&f.table));
        Report { findings }
    }

    pub fn of(&self, rule: Rule) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// (rows checked, rows broken) of a rule, summed over its findings.
    pub fn totals(&self, rule: Rule) -> (i64, i64) {
        self.of(rule).fold((0, 0), |(c, b), f| (c + f.checked, b + f.broken))
    }

    /// One line per rule (`consistency: LABEL RULE broken/checked`), then one per failing finding.
    pub fn print(&self, label: &str) {
        let mut rules: Vec<Rule> = self.findings.iter().map(|f| f.rule).collect();
        rules.sort();
        rules.dedup();
        for rule in rules {
            let (checked, broken) = self.totals(rule);
            let failing = self.of(rule).filter(|f| f.fails()).count();
            println!("consistency: {label} {rule:?} broken={broken} checked={checked} failing_pairs={failing}");
            for f in self.of(rule).filter(|f| f.fails()) {
                let sample: String = f.sample.as_deref().unwrap_or("").chars().take(160).collect();
                println!("  {rule:?} {}: {} broken {}/{} e.g. {sample}", f.table, f.subject, f.broken, f.checked);
            }
        }
    }

    /// Panics naming every finding of `rule` that fails it.
    pub fn assert_holds(&self, rule: Rule, label: &str) {
        let failing: Vec<String> = self
            .of(rule)
            .filter(|f| f.fails())
            .map(|f| format!("{} {}: {}/{} {:?}", f.table, f.subject, f.broken, f.checked, f.sample))
            .collect();
        let first: Vec<&str> = failing.iter().take(20).map(String::as_str).collect();
        assert!(
            failing.is_empty(),
            "{label}: rule {rule:?} broken in {} places, first:\n{}",
            failing.len(),
            first.join("\n")
        );
    }
}

/// `"name"`, with inner quotes doubled: every identifier the checks put into SQL.
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Counts over `from`: rows where `checked` holds, rows where `broken` holds, and `sample` of the
/// first broken row (by text order): the one query shape every rule uses.
pub async fn measure(
    conn: &mut PgConnection,
    from: &str,
    checked: &str,
    broken: &str,
    sample: &str,
) -> (i64, i64, Option<String>) {
    let sql = format!(
        "SELECT count(*) FILTER (WHERE {checked}), count(*) FILTER (WHERE {broken}), \
         min(({sample})::text) FILTER (WHERE {broken}) FROM {from}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_one(conn)
        .await
        .unwrap_or_else(|e| panic!("consistency check failed: {e}\n{sql}"));
    (row.get(0), row.get(1), row.get(2))
}

/// `'text'`, with inner quotes doubled.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// SQL that shows a row's values as `label=value label=value` (NULL spelled out), for samples.
pub fn show(parts: &[(&str, &str)]) -> String {
    let shown: Vec<String> = parts
        .iter()
        .map(|(label, sql)| format!("{} || coalesce(({sql})::text, 'NULL')", literal(&format!("{label}="))))
        .collect();
    format!("concat_ws(' ', {})", shown.join(", "))
}
