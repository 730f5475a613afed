//! Rules the server keeps that the plan cannot see (issue 12's load-side classes): checks
//! deferred to COMMIT, functions found through the search_path, settings the schema reads, and
//! triggers that keep a parent's count. Each refusal is one table's, skipped alone in a `--rows`
//! run with a line that names what refused and what to set; `--strict` exits 3 naming it.

use super::skips::skip_line;
use crate::support::{TestDb, revalidate_constraints, run_seed, scalar};

/// A deferred constraint trigger that rejects every row of `audited`, and a cycle whose deferred
/// back edge must stay deferred until its last table is in.
const DEFERRED_TRIGGER: &str = r#"
    CREATE FUNCTION reject_late() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit refused row %', NEW.id; END $$;
    CREATE TABLE accounts (id int PRIMARY KEY);
    CREATE TABLE audited (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts);
    CREATE CONSTRAINT TRIGGER audit_late AFTER INSERT ON audited
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reject_late();
    CREATE TABLE notes (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts);
    CREATE TABLE stores (id int PRIMARY KEY, manager_id int NOT NULL);
    CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL REFERENCES stores);
    ALTER TABLE stores ADD FOREIGN KEY (manager_id) REFERENCES staff DEFERRABLE INITIALLY DEFERRED;
"#;

/// A deferred trigger's refusal at COMMIT used to abort the whole run with nothing loaded and no
/// table blamed. Now every other table loads (the cycle's deferred back edge included) and the
/// refused one is skipped with a line naming the trigger.
#[tokio::test]
async fn a_deferred_trigger_s_refusal_skips_its_table_alone() {
    let db = TestDb::new().await;
    db.execute(DEFERRED_TRIGGER).await;
    let run = run_seed(&["--rows", "100"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let line = skip_line(&run, "public.audited");
    assert!(line.contains("audit_late") && line.contains("audit refused row"), "{line}");
    for table in ["accounts", "notes", "stores", "staff"] {
        assert!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await > 0, "{table} is empty");
    }
    assert_eq!(scalar(&db, "SELECT count(*) FROM audited").await, 0);
    revalidate_constraints(&db).await;
}

/// With `--strict` the same refusal fails the run (exit 3), naming the table and the trigger,
/// and nothing is loaded.
#[tokio::test]
async fn a_deferred_trigger_s_refusal_is_named_with_strict() {
    let db = TestDb::new().await;
    db.execute(DEFERRED_TRIGGER).await;
    let run = run_seed(&["--rows", "100", "--strict"], &db.url);
    assert_eq!(run.status.code(), Some(3), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.contains("audited") && stderr.contains("audit_late"), "{stderr}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM accounts").await, 0);
}
