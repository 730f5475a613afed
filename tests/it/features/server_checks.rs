//! CHECKs seed cannot evaluate (issue 12, class 5): a plpgsql function, a built-in function its
//! evaluator lacks, an operator it lacks. The server evaluates them on each chunk's candidate
//! rows before the COPY; refused rows are regenerated until it accepts them, and a CHECK that
//! accepts nothing costs its table alone, with one line naming it.

use super::skips::skip_line;
use crate::support::{TestDb, checksums_in, revalidate_constraints, run_seed, scalar};

/// Each CHECK refuses about half of the values seed generates, so a load that did not ask the
/// server would be refused; `item_notes` reads `items` through a foreign key.
const HALF_REFUSED: &str = r#"
    CREATE SCHEMA app;
    CREATE FUNCTION app.valid_code(c text) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN RETURN substr(md5(c), 1, 1) < '8'; END $$;
    CREATE TABLE app.orgs (
        id int PRIMARY KEY,
        name text NOT NULL,
        code text NOT NULL CONSTRAINT code_is_valid CHECK (app.valid_code(code)));
    CREATE TABLE app.items (
        id int PRIMARY KEY,
        org_id int NOT NULL REFERENCES app.orgs,
        label text NOT NULL,
        size int NOT NULL,
        CONSTRAINT label_hashes_low CHECK (md5(label) < '8'),
        CONSTRAINT size_is_odd CHECK ((size # 1) < size));
    CREATE TABLE app.item_notes (
        id int PRIMARY KEY,
        item_id int NOT NULL REFERENCES app.items,
        body text);
"#;

const TABLES: [&str; 3] = ["app.orgs", "app.items", "app.item_notes"];

/// At 100 and 2000 rows every table is filled and every CHECK holds on every row.
#[tokio::test]
async fn checks_only_the_server_can_evaluate_hold_on_every_row() {
    let db = TestDb::new().await;
    db.execute(HALF_REFUSED).await;
    for rows in ["100", "2000"] {
        let run = run_seed(&["--rows", rows, "--strict"], &db.url);
        assert!(run.status.success(), "--rows {rows}: {}", run.stderr_text());
        for table in TABLES {
            let count = scalar(&db, &format!("SELECT count(*) FROM {table}")).await;
            assert_eq!(count.to_string(), rows, "{table} at --rows {rows}");
        }
        revalidate_constraints(&db).await;
    }
    // Regenerated values are still varied, not one value that happens to pass.
    assert!(scalar(&db, "SELECT count(DISTINCT code) FROM app.orgs").await > 1000);
}

/// The same rows with bulk mode and with `--jobs`: a regenerated row is a function of its index.
#[tokio::test]
async fn server_checked_rows_are_the_same_in_every_load_mode() {
    let db = TestDb::new().await;
    db.execute(HALF_REFUSED).await;
    let mut sums = Vec::new();
    for mode in [&["--no-bulk"][..], &["--bulk"], &["--bulk", "--jobs", "2"]] {
        let mut args = vec!["--rows", "300", "--strict"];
        args.extend_from_slice(mode);
        let run = run_seed(&args, &db.url);
        assert!(run.status.success(), "{mode:?}: {}", run.stderr_text());
        sums.push(checksums_in(&db, &["app"]).await);
    }
    assert_eq!(sums[0], sums[1], "--bulk");
    assert_eq!(sums[0], sums[2], "--jobs 2");
}

/// `seed plan` says which CHECKs the server evaluates, and what refused rows get anew; a CHECK
/// on a key (which children recompute) is left to the COPY, and the plan says that too.
#[tokio::test]
async fn the_plan_says_which_checks_the_server_evaluates() {
    let db = TestDb::new().await;
    db.execute(HALF_REFUSED).await;
    db.execute("ALTER TABLE app.item_notes ADD CONSTRAINT id_is_valid CHECK (app.valid_code(id::text)) NOT VALID")
        .await;
    let plan = run_seed(&["plan", "--rows", "10"], &db.url);
    let text = plan.stdout_text();
    assert!(text.contains("CHECK code_is_valid is evaluated by the server before COPY"), "{text}");
    assert!(text.contains("refused rows get new values of code"), "{text}");
    assert!(text.contains("CHECK id_is_valid cannot be evaluated by seed and reads only columns"), "{text}");
    let json = run_seed(&["plan", "--rows", "10", "--json"], &db.url);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("plan JSON");
    let of = |name: &str| {
        let tables = json["tables"].as_array().expect("tables");
        tables.iter().find(|t| t["table"] == name).map(|t| t["server_checks"].clone()).expect(name)
    };
    assert_eq!(of("app.orgs"), serde_json::json!(["code_is_valid"]));
    assert_eq!(of("app.items"), serde_json::json!(["label_hashes_low", "size_is_odd"]));
    assert_eq!(of("app.item_notes"), serde_json::json!([]));
}

/// A CHECK that accepts nothing: its table is skipped alone, with one line naming the
/// constraint; with `--strict` the run exits 3 naming it.
#[tokio::test]
async fn a_check_that_refuses_everything_skips_its_table_alone() {
    let db = TestDb::new().await;
    db.execute(HALF_REFUSED).await;
    db.execute(
        "CREATE FUNCTION app.never(x text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RETURN false; END $$;
         CREATE TABLE app.dead (id int PRIMARY KEY, org_id int REFERENCES app.orgs,
             x text NOT NULL CONSTRAINT x_never CHECK (app.never(x)));",
    )
    .await;
    let run = run_seed(&["--rows", "100"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let line = skip_line(&run, "app.dead");
    assert!(line.contains("CHECK x_never refused row 0"), "{line}");
    for table in TABLES {
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await, 100, "{table}");
    }
    let strict = run_seed(&["--rows", "100", "--strict"], &db.url);
    assert_eq!(strict.status.code(), Some(3), "{}", strict.stderr_text());
    assert!(strict.stderr_text().contains("x_never"), "{}", strict.stderr_text());
}
