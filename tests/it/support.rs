//! Test support: a fresh database per test, dropped afterwards, and helpers to run the binary.
//!
//! The server is the local one (trust auth). `SEED_TEST_ADMIN_URL` overrides the maintenance
//! connection used to create and drop the test databases.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor, PgConnection, Row};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn admin_url() -> String {
    std::env::var("SEED_TEST_ADMIN_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database that exists for the life of this value, then is dropped (even if the test panics).
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let name = format!(
            "seed_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
        );
        let mut admin = PgConnection::connect(&admin_url()).await.expect("connect admin");
        admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).await.expect("create test database");
        let base = admin_url();
        let url = match base.rfind('/') {
            Some(slash) => format!("{}/{}", &base[..slash], name),
            None => panic!("admin url without database: {base}"),
        };
        TestDb { name, url }
    }

    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url).await.expect("connect test database")
    }

    /// Runs a multi-statement SQL script.
    pub async fn execute(&self, sql: &str) {
        let mut conn = self.connect().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("executing SQL failed: {e}\n{sql}"));
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, so the cleanup gets a runtime of its own on a thread.
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(rt) = rt {
                rt.block_on(async move {
                    if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        let _ = admin.execute(sqlx::AssertSqlSafe(sql)).await;
                    }
                });
            }
        });
        let _ = handle.join();
    }
}

/// The output of a `seed` run.
pub struct SeedOutput {
    pub status: std::process::ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl SeedOutput {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Runs the `seed` binary from the crate's folder (where `profiles/` is) against `url`.
pub fn run_seed(args: &[&str], url: &str) -> SeedOutput {
    let output = seed_command(args, url).output().expect("run seed");
    SeedOutput { status: output.status, stdout: output.stdout, stderr: output.stderr }
}

/// The `seed` command [`run_seed`] runs, to spawn it and signal it while it works.
pub fn seed_command(args: &[&str], url: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_seed"));
    command
        .args(args)
        .arg("--database-url")
        .arg(url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATABASE_URL")
        .env_remove("PGPASSWORD")
        .env_remove("SEED_PROFILES");
    command
}

/// The schemas of the three example applications (`profiles/minimal.toml`).
pub const APP_SCHEMAS: &[&str] = &["creator", "story", "episode"];

/// Row count and an order-independent checksum of every table of the example schemas.
pub async fn table_checksums(db: &TestDb) -> BTreeMap<String, (i64, String)> {
    checksums_in(db, APP_SCHEMAS).await
}

/// Row count and an order-independent md5 of every table (ordinary or partitioned) of `schemas`.
pub async fn checksums_in(db: &TestDb, schemas: &[&str]) -> BTreeMap<String, (i64, String)> {
    let mut conn = db.connect().await;
    let list: Vec<String> = schemas.iter().map(|s| format!("'{}'", s.replace('\'', "''"))).collect();
    let tables = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname IN ({}) AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1",
        list.join(", ")
    )))
    .fetch_all(&mut conn)
    .await
    .expect("list tables");
    let mut sums = BTreeMap::new();
    for row in tables {
        let table: String = row.get(0);
        let sql =
            format!("SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await.expect("checksum");
        sums.insert(table, (row.get(0), row.get(1)));
    }
    sums
}

/// The first column of the first row of `sql`, as an i64.
pub async fn scalar(db: &TestDb, sql: &str) -> i64 {
    let mut conn = db.connect().await;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut conn).await.expect(sql).get(0)
}

/// A fresh folder under the system's temporary folder for this test, removed when dropped.
pub struct TempFolder(std::path::PathBuf);

impl std::ops::Deref for TempFolder {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_folder(name: &str) -> TempFolder {
    let dir =
        std::env::temp_dir().join(format!("seed-it-{name}-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempFolder(dir)
}

/// Re-adds every local FK and CHECK of the user schemas inside a transaction that is rolled back:
/// re-adding validates every existing row. Returns how many constraints held.
pub async fn revalidate_constraints(db: &TestDb) -> usize {
    use sqlx::{Connection, Row};
    let mut conn = db.connect().await;
    let constraints = sqlx::query(
        "SELECT format('%I.%I', n.nspname, c.relname), k.conname, pg_get_constraintdef(k.oid) \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE k.contype IN ('f', 'c') AND k.conparentid = 0 AND k.conislocal AND NOT c.relispartition \
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list constraints");
    let mut tx = conn.begin().await.expect("begin");
    for row in &constraints {
        let (table, name, definition): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let name = name.replace('"', "\"\"");
        let sql = format!(
            "ALTER TABLE {table} DROP CONSTRAINT \"{name}\"; ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{table}.{name} does not hold after the load: {e}\n{definition}"));
    }
    tx.rollback().await.expect("rollback");
    constraints.len()
}
