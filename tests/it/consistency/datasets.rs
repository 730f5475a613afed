//! The rules of issue 11 over what `seed` makes: `minimal`, `dev`, `load --scale 0.05`, and every
//! corpus schema at `--rows 100` and `--rows 2000` (loaded by `corpus::seed_corpus_schema`, which
//! reports every rule after each load and asserts them all: [`assert_kept`]). One test per
//! bundled dataset asserts every rule ([`KEPT`], one load).

use super::{Report, Rule};
use crate::support::{TestDb, run_seed};

/// The rules every bundled profile keeps: all that hold on any data seed makes, asserted
/// together after one load per profile.
pub const KEPT: &[Rule] = Rule::GENERAL;

/// Seeds a fresh database with `args`, then asserts `rule` over it.
pub async fn on_profile(args: &[&str], rule: Rule) {
    on_profile_all(args, &[rule]).await;
}

/// Seeds a fresh database with `args` once, then asserts each of `rules` over it.
pub async fn on_profile_all(args: &[&str], rules: &[Rule]) {
    let db = TestDb::new().await;
    let run = run_seed(args, &db.url);
    assert!(run.status.success(), "seed {args:?} failed: {}", run.stderr_text());
    let fixtures = fixture_tables(&db, args).await;
    let mut conn = db.connect().await;
    let report = Report::run(&mut conn, rules, &fixtures).await;
    let label = args.join(" ");
    report.print(&label);
    for rule in rules {
        report.assert_holds(*rule, &label);
    }
}

/// The tables the profile loads from fixture files, as `seed plan --json` names them.
async fn fixture_tables(db: &TestDb, args: &[&str]) -> Vec<String> {
    let plan = run_seed(&[&["plan", "--json"], args].concat(), &db.url);
    assert!(plan.status.success(), "seed plan failed: {}", plan.stderr_text());
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("plan JSON");
    let tables = plan["tables"].as_array().cloned().unwrap_or_default();
    let fixture = |t: &serde_json::Value| t["volume"].as_str().is_some_and(|v| v.contains("(fixture"));
    tables.iter().filter(|t| fixture(t)).filter_map(|t| t["table"].as_str().map(str::to_string)).collect()
}

/// A dataset's test: every rule kept (`KEPT`), in one load.
macro_rules! rule_tests {
    ($arg:expr) => {
        /// One load, every rule that holds on any data seed makes (`KEPT`).
        #[tokio::test]
        async fn keeps_order_causality_statuses_identities_spread_and_tenants() {
            crate::consistency::datasets::on_profile_all($arg, crate::consistency::datasets::KEPT).await;
        }
    };
}

mod minimal {
    rule_tests!(&["--profile", "minimal"]);
}

mod dev {
    use crate::consistency::Rule;

    rule_tests!(&["--profile", "dev"]);

    #[tokio::test]
    async fn creation_follows_the_key() {
        crate::consistency::datasets::on_profile(&["--profile", "dev"], Rule::Correlation).await;
    }
}

mod load {
    rule_tests!(&["--profile", "load", "--scale", "0.05"]);
}

/// Asserts on a corpus load every rule of issue 11: every corpus schema keeps them all.
pub fn assert_kept(report: &Report, label: &str) {
    for rule in Rule::GENERAL {
        report.assert_holds(*rule, label);
    }
}

/// A tool, not a check: prints every rule's report over the database `SEED_CONSISTENCY_URL` names
/// (loaded by any binary, e.g. an older commit's, to recount `BASELINE.md`), leaving out the tables
/// listed in `SEED_CONSISTENCY_FIXTURES` (comma-separated `schema.table`). Asserts nothing.
#[tokio::test]
#[ignore = "a tool: SEED_CONSISTENCY_URL=... cargo test --test it -- --ignored --nocapture report_of_a_database"]
async fn report_of_a_database() {
    let Ok(url) = std::env::var("SEED_CONSISTENCY_URL") else { return };
    let fixtures: Vec<String> = std::env::var("SEED_CONSISTENCY_FIXTURES")
        .unwrap_or_default()
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.expect("connect");
    let rules = [Rule::GENERAL, &[Rule::Correlation]].concat();
    Report::run(&mut conn, &rules, &fixtures).await.print(&url);
}
