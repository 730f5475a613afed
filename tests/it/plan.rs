//! `seed plan`: what it prints is what a run does, the bundled profiles plan, and it writes nothing.

use sqlx::Row;

use crate::support::{TestDb, run_seed, table_checksums};

/// The planned row count of every table, from `seed plan --json`.
fn planned_rows(args: &[&str], db: &TestDb) -> Vec<(String, u64)> {
    let output = run_seed(&[&["plan", "--json"], args].concat(), &db.url);
    assert!(output.status.success(), "seed plan failed: {}", output.stderr_text());
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
    let tables = plan["tables"].as_array().expect("tables");
    tables
        .iter()
        .map(|t| (t["table"].as_str().unwrap_or_default().to_string(), t["rows"].as_u64().unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn the_load_profile_plans_its_millions_of_rows() {
    let db = TestDb::new().await;
    let tables = planned_rows(&["--profile", "load"], &db);
    let rows = |name: &str| tables.iter().find(|(t, _)| t == name).map(|(_, r)| *r).unwrap_or_default();
    // Over a million content ids: a serial key ranges over what int4 holds, not a million.
    assert!(rows("creator.content") > 2_000_000, "{}", rows("creator.content"));
    let total: u64 = tables.iter().map(|(_, r)| r).sum();
    assert!((10_000_000..12_000_000).contains(&total), "load plans about 10.9 million rows, got {total}");
}

/// bench/run.sh loads this profile: when a change to the profiles it extends left it unable to
/// plan (a `per` parent it skips), the benchmark measured nothing.
#[tokio::test]
async fn the_benchmark_profile_plans_about_a_million_rows() {
    let db = TestDb::new().await;
    let manifest = env!("CARGO_MANIFEST_DIR");
    let tables = planned_rows(&["--profile", &format!("{manifest}/bench/creator.toml")], &db);
    let total: u64 = tables.iter().map(|(_, r)| r).sum();
    assert!((900_000..1_100_000).contains(&total), "bench/creator.toml plans about a million rows, got {total}");
    assert!(tables.iter().all(|(t, _)| t.starts_with("creator.")), "only the creator platform: {tables:?}");
}

#[tokio::test]
async fn the_plan_says_cleanup_moves_sequences_rather_than_restarting_them() {
    let db = TestDb::new().await;
    let output = run_seed(&["plan", "--profile", "minimal"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let text = output.stdout_text();
    assert!(!text.contains("RESTART IDENTITY"), "cleanup does not restart identities:\n{text}");
    assert!(text.contains("sequences are not restarted"), "{text}");
}

/// Everything a plan could change: the catalog's relations, and every sequence's state.
async fn catalog_snapshot(db: &TestDb) -> Vec<String> {
    let mut conn = db.connect().await;
    let sql = "SELECT format('%s.%s %s', n.nspname, c.relname, c.relkind) FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg_temp%' \
               UNION ALL SELECT format('schema %s', nspname) FROM pg_namespace \
               UNION ALL SELECT format('sequence %s.%s %s %s', schemaname, sequencename, last_value, increment_by) \
               FROM pg_sequences ORDER BY 1";
    sqlx::query(sql).fetch_all(&mut conn).await.expect("catalog").iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn plan_writes_nothing_to_a_database_without_the_schemas() {
    let db = TestDb::new().await;
    let before = catalog_snapshot(&db).await;
    let output = run_seed(&["plan", "--profile", "minimal"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(catalog_snapshot(&db).await, before, "seed plan changed the catalog");
}

#[tokio::test]
async fn plan_writes_nothing_to_a_loaded_database() {
    let db = TestDb::new().await;
    let load = run_seed(&["--profile", "minimal"], &db.url);
    assert!(load.status.success(), "{}", load.stderr_text());
    let (catalog, data) = (catalog_snapshot(&db).await, table_checksums(&db).await);
    let output = run_seed(&["plan", "--profile", "minimal", "--seed", "7"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(catalog_snapshot(&db).await, catalog, "seed plan changed the catalog or a sequence");
    assert_eq!(table_checksums(&db).await, data, "seed plan changed table contents");
}

#[tokio::test]
async fn a_closed_pipe_ends_the_output_quietly() {
    // `seed plan ... | head -1`: the reader is gone before seed writes.
    let db = TestDb::new().await;
    let mut child = crate::support::seed_command(&["plan", "--profile", "minimal"], &db.url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run seed");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait for seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn an_error_written_to_a_stderr_nobody_reads_keeps_its_exit_code() {
    // `seed ... 2>&1 | true`: the reader is gone before seed writes its message. The message is
    // lost; the exit code (2: a profile that does not exist) must not become a panic's 101.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let status = crate::support::seed_command(&["--profile", "no-such-profile"], "postgres://127.0.0.1:5432/postgres")
        .stdout(std::process::Stdio::null())
        .stderr(writer)
        .status()
        .expect("run seed");
    assert_eq!(status.code(), Some(2));
}
