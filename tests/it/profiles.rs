//! Profile rules on key columns: honoured where the keys are known, refused where they are not.

use crate::support::{TestDb, run_seed, scalar, temp_folder};

/// A profile extending the bundled `minimal` with `extra`, in a folder of its own.
fn profile_extending_minimal(name: &str, extra: &str) -> (crate::support::TempFolder, String) {
    let dir = temp_folder(name);
    let minimal = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/minimal.toml");
    let path = dir.join("profile.toml");
    std::fs::write(&path, format!("extends = \"{minimal}\"\n\n{extra}")).expect("write profile");
    (dir, path.display().to_string())
}

#[tokio::test]
async fn a_value_on_a_foreign_key_to_fixture_rows_picks_those_rows() {
    let db = TestDb::new().await;
    let (_dir, one) =
        profile_extending_minimal("fk-value", "[tables.\"creator.users\"]\ncolumns.plan_id = { value = 1 }\n");
    let output = run_seed(&["--profile", &one], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let other = scalar(&db, "SELECT count(*) FROM creator.users WHERE plan_id IS DISTINCT FROM 1").await;
    assert_eq!(other, 0, "every user is on plan 1");

    let (_dir, weighted) = profile_extending_minimal(
        "fk-values",
        "[tables.\"creator.users\"]\nrows = 200\ncolumns.plan_id = { values = [2, 3], weights = [1, 3] }\n",
    );
    let output = run_seed(&["--profile", &weighted], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let outside = scalar(&db, "SELECT count(*) FROM creator.users WHERE plan_id NOT IN (2, 3)").await;
    let (two, three) = (
        scalar(&db, "SELECT count(*) FROM creator.users WHERE plan_id = 2").await,
        scalar(&db, "SELECT count(*) FROM creator.users WHERE plan_id = 3").await,
    );
    assert_eq!(outside, 0);
    assert!(three > two * 2 && two > 0, "weights 1:3, got {two}:{three}");
}

#[tokio::test]
async fn a_value_that_is_no_parent_key_is_a_plan_error_with_its_line() {
    let db = TestDb::new().await;
    let (_dir, path) =
        profile_extending_minimal("fk-missing", "[tables.\"creator.users\"]\ncolumns.plan_id = { value = 999 }\n");
    let output = run_seed(&["--profile", &path], &db.url);
    let stderr = output.stderr_text();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("profile.toml:4:9") && stderr.contains("999 is not a key"), "{stderr}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'creator'").await, 0, "nothing written");
}
