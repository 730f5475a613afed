//! The checks proved on a schema of our own, with rows written by hand (no generation involved):
//! consistent rows break nothing, and each rule counts exactly the rows broken on purpose. The
//! schema holds the name variants the checks must read: snake_case and camelCase (`createdAt`,
//! `lastLoginAt`), `_on` dates, `valid_from`/`valid_until`, a status beside `published_at`, a
//! boolean beside `verified_at`, email, username and full name with first and last name (a full
//! name with a number after it, another cut short), slugs with name and title, a company-like
//! `tenants`, a `labels` table of short words, `projects` titled as things, `templates` whose name
//! says no kind of rows, an issue `reference`
//! (a code) beside a `postal_code` with a space (no code of ours), a
//! self-reference, and three chains (`project_id`, `reporter_id`, the nullable `assignee_id`) to a
//! tenant three tables reference.

use super::{Report, Rule};
use crate::support::TestDb;

const SCHEMA: &str = r#"
CREATE SCHEMA hm;
CREATE TABLE hm.tenants (id int PRIMARY KEY, name text NOT NULL, slug text NOT NULL, uid uuid,
    "createdAt" timestamptz NOT NULL);
CREATE TABLE hm.users (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES hm.tenants, uid uuid,
    first_name text, last_name text, email text, is_verified boolean, verified_at timestamptz,
    created_at timestamp NOT NULL, "lastLoginAt" timestamp, full_name text, username text);
CREATE TABLE hm.labels (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES hm.tenants, name text);
CREATE TABLE hm.projects (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES hm.tenants,
    parent_id int REFERENCES hm.projects, title text, slug text, status text, published_at timestamptz,
    "createdAt" timestamptz NOT NULL, start_on date, end_on date);
CREATE TABLE hm.issues (id int PRIMARY KEY, project_id int NOT NULL REFERENCES hm.projects,
    reporter_id int NOT NULL REFERENCES hm.users, assignee_id int REFERENCES hm.users,
    created_on date NOT NULL, updated_on date,
    valid_from date, valid_until date, reference text, postal_code text);
CREATE TABLE hm.events (id serial PRIMARY KEY, created_at timestamptz NOT NULL);
CREATE TABLE hm.templates (id int PRIMARY KEY, name text);
"#;

const GOOD_ROWS: &str = r#"
INSERT INTO hm.tenants VALUES
    (1, 'Acme Corp', 'acme-corp', 'a0000000-0000-4000-8000-000000000001', '2024-01-01 10:00+00'),
    (2, 'Globex', 'globex-2', 'a0000000-0000-4000-8000-000000000002', '2024-01-02 11:00+00');
INSERT INTO hm.users VALUES
    (1, 1, 'b0000000-0000-4000-8000-000000000011', 'Ada', 'Lovelace', 'ada.lovelace@example.com', true,
     '2024-02-02 09:00+00', '2024-02-01 08:00', '2024-03-01 12:00', 'Ada Lovelace 2', 'ada_l'),
    (2, 2, 'b0000000-0000-4000-8000-000000000012', 'Alan', 'Turing', 'turing7@example.com', false, NULL,
     '2024-02-03 08:00', NULL, 'Alan Turing', 'aturing'),
    (3, 1, 'b0000000-0000-4000-8000-000000000013', 'Grace', 'Hopper', 'grace.h@example.com', NULL, NULL,
     '2024-02-04 08:00', '2024-02-05 08:00', 'Grace Hop', 'ghopper');
INSERT INTO hm.labels VALUES (1, 1, 'bug'), (2, 2, 'feature');
INSERT INTO hm.templates VALUES (1, 'Weekly Digest'), (2, 'Launch Checklist');
INSERT INTO hm.projects VALUES
    (1, 1, NULL, 'Compiler Work', 'compiler-work', 'published', '2024-02-20 10:00+00', '2024-02-10 10:00+00',
     '2024-02-11', '2024-06-30'),
    (2, 1, 1, 'Draft Thing', 'draft-thing-2', 'draft', NULL, '2024-02-12 10:00+00', NULL, NULL),
    (3, 2, NULL, 'Engine', 'engine', 'archived', '2024-02-25 10:00+00', '2024-02-15 10:00+00', '2024-03-01',
     '2024-03-01');
INSERT INTO hm.issues VALUES
    (1, 1, 1, 3, '2024-03-01', '2024-03-02', '2024-03-01', '2024-04-01', 'ISS-00001', 'SW1A 1AA'),
    (2, 2, 3, NULL, '2024-03-05', NULL, '2024-03-05', NULL, 'ISS-00002', NULL),
    (3, 3, 2, 2, '2024-03-07', '2024-03-07', NULL, NULL, 'ISS-00003', '94107');
INSERT INTO hm.events (created_at) SELECT '2024-04-01 00:00+00'::timestamptz + i * interval '1 hour'
    FROM generate_series(1, 10) i;
"#;

/// A fresh database with the schema, the good rows, then `breakage`; every rule reported.
async fn report_after(breakage: &str) -> Report {
    let db = TestDb::new().await;
    db.execute(&format!("{SCHEMA}{GOOD_ROWS}{breakage}")).await;
    let mut conn = db.connect().await;
    let rules = [Rule::GENERAL, &[Rule::Correlation]].concat();
    let report = Report::run(&mut conn, &rules, &[]).await;
    report.print("handmade");
    report
}

/// Broken rows per rule, for the rules that are not `except`; all must be 0.
fn assert_others_hold(report: &Report, except: Rule) {
    for rule in [Rule::GENERAL, &[Rule::Correlation]].concat().into_iter().filter(|r| *r != except) {
        assert_eq!(report.totals(rule).1, 0, "{rule:?} should hold");
    }
}

/// The finding of `rule` on `table` whose subject contains `subject`.
fn broken(report: &Report, rule: Rule, table: &str, subject: &str) -> i64 {
    let found: Vec<_> = report.of(rule).filter(|f| f.table == table && f.subject.contains(subject)).collect();
    assert_eq!(found.len(), 1, "one {rule:?} finding on {table} about {subject:?}: {found:?}");
    found[0].broken
}

#[tokio::test]
async fn consistent_rows_break_no_rule_and_every_rule_looks() {
    let report = report_after("").await;
    assert_others_hold(&report, Rule::Correlation);
    assert_eq!(report.totals(Rule::Correlation).1, 0);
    for rule in [Rule::GENERAL, &[Rule::Correlation]].concat() {
        assert!(report.totals(rule).0 > 0, "{rule:?} checked no row of the handmade schema");
    }
    assert!(
        report.findings.iter().all(|f| !f.fails()),
        "{:?}",
        report.findings.iter().filter(|f| f.fails()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn order_counts_lifecycle_pairs_in_both_cases_and_ignores_nulls() {
    let report = report_after(
        r#"UPDATE hm.users SET "lastLoginAt" = created_at - interval '1 day' WHERE id = 1;
           UPDATE hm.issues SET valid_until = valid_from - 1, updated_on = NULL WHERE id = 1;
           UPDATE hm.projects SET end_on = start_on - 10 WHERE id = 1;
           UPDATE hm.projects SET published_at = "createdAt" - interval '1 hour' WHERE id = 3;
           UPDATE hm.issues SET updated_on = NULL WHERE id = 3;"#,
    )
    .await;
    assert_others_hold(&report, Rule::Order);
    assert_eq!(broken(&report, Rule::Order, "hm.users", "created_at <= lastLoginAt"), 1);
    assert_eq!(broken(&report, Rule::Order, "hm.issues", "valid_from <= valid_until"), 1);
    assert_eq!(broken(&report, Rule::Order, "hm.issues", "created_on <= updated_on"), 0);
    assert_eq!(broken(&report, Rule::Order, "hm.projects", "start_on <= end_on"), 1);
    assert_eq!(broken(&report, Rule::Order, "hm.projects", "createdAt <= published_at"), 1);
    assert_eq!(report.totals(Rule::Order).1, 4);
}

#[tokio::test]
async fn causality_counts_children_older_than_their_parents_self_references_too() {
    let report = report_after(
        r#"UPDATE hm.issues SET created_on = '2024-02-05', valid_from = NULL, valid_until = NULL, updated_on = NULL
               WHERE id = 1;
           UPDATE hm.projects SET "createdAt" = '2024-02-09 10:00+00' WHERE id = 2;"#,
    )
    .await;
    assert_others_hold(&report, Rule::Causality);
    assert_eq!(broken(&report, Rule::Causality, "hm.issues", "via project_id"), 1);
    assert_eq!(broken(&report, Rule::Causality, "hm.issues", "via reporter_id"), 0);
    assert_eq!(broken(&report, Rule::Causality, "hm.projects", "via parent_id (on a cycle)"), 1);
    assert_eq!(report.totals(Rule::Causality).1, 2);
}

#[tokio::test]
async fn status_counts_moments_that_disagree_with_status_and_flags() {
    let report = report_after(
        "UPDATE hm.projects SET published_at = NULL WHERE id = 1;
         UPDATE hm.projects SET published_at = '2024-02-21 10:00+00' WHERE id = 2;
         UPDATE hm.users SET verified_at = NULL WHERE id = 1;
         UPDATE hm.users SET verified_at = '2024-02-04 08:00+00' WHERE id = 2;",
    )
    .await;
    assert_others_hold(&report, Rule::Status);
    assert_eq!(broken(&report, Rule::Status, "hm.projects", "published_at"), 2);
    assert_eq!(broken(&report, Rule::Status, "hm.users", "is_verified is true exactly when verified_at"), 2);
}

#[tokio::test]
async fn identities_count_emails_and_slugs_foreign_to_their_row() {
    let report = report_after(
        "UPDATE hm.users SET email = 'keshaun.monahan1@example.net' WHERE id = 1;
         UPDATE hm.tenants SET slug = 'ps4-w72se-o88aguz90' WHERE id = 1;
         UPDATE hm.projects SET slug = 'engine-2' WHERE id = 1;",
    )
    .await;
    for rule in [Rule::Order, Rule::Causality, Rule::Status, Rule::Tenant, Rule::PileUp, Rule::Correlation] {
        assert_eq!(report.totals(rule).1, 0, "{rule:?}");
    }
    assert_eq!(broken(&report, Rule::Email, "hm.users", "email"), 1);
    assert_eq!(broken(&report, Rule::Slug, "hm.tenants", "slug starts with name"), 1);
    assert_eq!(broken(&report, Rule::Slug, "hm.projects", "slug starts with title"), 1);
    assert!(report.of(Rule::Email).all(|f| f.fails()), "2 of 3 emails is under 95%");
}

#[tokio::test]
async fn names_count_full_names_usernames_codes_and_values_foreign_to_their_row_or_table() {
    let report = report_after(
        "UPDATE hm.tenants SET name = 'Grace Turing', slug = 'grace-turing' WHERE id = 2;
         UPDATE hm.labels SET name = 'quia voluptatem dolorem sit amet' WHERE id = 1;
         UPDATE hm.users SET full_name = 'tempora quis' WHERE id = 2;
         UPDATE hm.users SET username = 'xk_77' WHERE id = 3;
         UPDATE hm.issues SET reference = 'totam velit veni00000001' WHERE id = 2;
         UPDATE hm.templates SET name = 'Alan Hopper' WHERE id = 1;",
    )
    .await;
    for rule in [Rule::Order, Rule::Causality, Rule::Status, Rule::Email, Rule::Slug, Rule::Tenant, Rule::PileUp] {
        assert_eq!(report.totals(rule).1, 0, "{rule:?}");
    }
    assert_eq!(broken(&report, Rule::Fit, "hm.tenants", "name is company-like"), 1);
    assert_eq!(broken(&report, Rule::Fit, "hm.labels", "name is a short word"), 1);
    assert_eq!(broken(&report, Rule::Fit, "hm.users", "full_name is a person's name"), 1);
    assert_eq!(broken(&report, Rule::Fit, "hm.users", "first_name is a person's name"), 0);
    assert_eq!(broken(&report, Rule::Fit, "hm.projects", "title is a thing's name"), 0);
    assert_eq!(broken(&report, Rule::Fit, "hm.templates", "name is no person's name"), 1);
    assert_eq!(report.totals(Rule::Fit).1, 4);
    assert_eq!(broken(&report, Rule::FullName, "hm.users", "full_name is first_name last_name"), 1);
    assert_eq!(broken(&report, Rule::Username, "hm.users", "username contains"), 1);
    assert!(report.of(Rule::Username).all(|f| f.fails()), "2 of 3 usernames is under 95%");
    assert_eq!(broken(&report, Rule::Code, "hm.issues", "reference is a code"), 1);
    assert_eq!(report.of(Rule::Code).count(), 1, "a postal code is no code of ours");
}

#[tokio::test]
async fn tenants_count_rows_whose_chains_reach_different_tenants() {
    let report = report_after(
        "UPDATE hm.issues SET reporter_id = 2 WHERE id = 1;
         UPDATE hm.issues SET assignee_id = 2 WHERE id = 2;",
    )
    .await;
    assert_others_hold(&report, Rule::Tenant);
    let pair = |a: &str, b: &str| {
        let found =
            report.of(Rule::Tenant).find(|f| f.table == "hm.issues" && f.subject.contains(a) && f.subject.contains(b));
        found.unwrap_or_else(|| panic!("issues reach tenants by {a} and {b}")).broken
    };
    assert_eq!(pair("project_id > tenant_id", "reporter_id > tenant_id"), 1);
    // A nullable owner is checked where it is set: issue 2 only (issue 1's assignee agrees).
    assert_eq!(pair("project_id > tenant_id", "assignee_id > tenant_id"), 1);
    assert_eq!(pair("reporter_id > tenant_id", "assignee_id > tenant_id"), 2);
    assert_eq!(report.totals(Rule::Tenant).1, 4);
}

#[tokio::test]
async fn pile_up_counts_moments_on_one_value_and_shared_uuid_suffixes() {
    let report = report_after(
        "UPDATE hm.events SET created_at = '2026-01-01 00:00+00' WHERE id <= 8;
         UPDATE hm.users SET uid = 'c0000000-0000-4000-8000-000000000001' WHERE id = 3;",
    )
    .await;
    assert_eq!(broken(&report, Rule::PileUp, "hm.events", "created_at"), 8);
    assert_eq!(broken(&report, Rule::PileUp, "hm.tenants", "uid: last 12"), 1);
    assert_eq!(broken(&report, Rule::PileUp, "hm.users", "uid: last 12"), 1);
    assert_eq!(report.totals(Rule::PileUp).1, 10);
}

#[tokio::test]
async fn correlation_counts_tables_whose_creation_runs_against_the_key() {
    let report =
        report_after("UPDATE hm.events SET created_at = '2024-05-01 00:00+00'::timestamptz - id * interval '1 hour';")
            .await;
    assert_others_hold(&report, Rule::Correlation);
    assert_eq!(broken(&report, Rule::Correlation, "hm.events", "created_at grows with the key"), 1);
}

/// Business entities that people and shops *are* (their primary keys reference it), contacts and
/// customers naming two of them, votes unique per (post, voter), and flags with no such key.
const KEYED: &str = r#"
CREATE SCHEMA hk;
CREATE TABLE hk.entities (id int PRIMARY KEY);
CREATE TABLE hk.people (id int PRIMARY KEY REFERENCES hk.entities, name text);
CREATE TABLE hk.shops (id int PRIMARY KEY REFERENCES hk.entities, name text);
CREATE TABLE hk.contacts (entity_id int NOT NULL REFERENCES hk.entities,
    person_id int NOT NULL REFERENCES hk.people, PRIMARY KEY (entity_id, person_id));
CREATE TABLE hk.customers (id int PRIMARY KEY, person_id int NOT NULL REFERENCES hk.people,
    shop_id int NOT NULL REFERENCES hk.shops);
CREATE TABLE hk.users (id int PRIMARY KEY);
CREATE TABLE hk.posts (id int PRIMARY KEY, creator_id int NOT NULL REFERENCES hk.users);
CREATE TABLE hk.votes (id int PRIMARY KEY, post_id int NOT NULL REFERENCES hk.posts,
    creator_id int NOT NULL REFERENCES hk.users, UNIQUE (post_id, creator_id));
CREATE TABLE hk.flags (id int PRIMARY KEY, post_id int NOT NULL REFERENCES hk.posts,
    creator_id int NOT NULL REFERENCES hk.users);
INSERT INTO hk.entities VALUES (1), (2);
INSERT INTO hk.people VALUES (1, 'Ada');
INSERT INTO hk.shops VALUES (2, 'Corner Shop');
INSERT INTO hk.contacts VALUES (2, 1);
INSERT INTO hk.customers VALUES (1, 1, 2);
INSERT INTO hk.users VALUES (1), (2);
INSERT INTO hk.posts VALUES (1, 1);
INSERT INTO hk.votes VALUES (1, 1, 2);
INSERT INTO hk.flags VALUES (1, 1, 2);
"#;

/// The tenant rule leaves alone what the keys set apart: a chain that ends in the entity its row
/// is (a person is a business entity; its contact's shop is another), and a voter beside the
/// post's author where (post, voter) is unique. The same voter in a flag, with no key, is counted.
#[tokio::test]
async fn tenants_leave_alone_what_the_keys_set_apart() {
    let db = TestDb::new().await;
    db.execute(KEYED).await;
    let mut conn = db.connect().await;
    let report = Report::run(&mut conn, &[Rule::Tenant], &[]).await;
    report.print("handmade keys");
    let on = |table: &str| report.of(Rule::Tenant).filter(|f| f.table == table).count();
    assert_eq!((on("hk.contacts"), on("hk.customers"), on("hk.votes")), (0, 0, 0));
    assert_eq!(broken(&report, Rule::Tenant, "hk.flags", "creator_id and post_id > creator_id"), 1);
    assert_eq!(report.totals(Rule::Tenant).1, 1);
}
