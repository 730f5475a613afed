//! Repairing an interrupted `--jobs` load (issue 10): wherever the run is stopped, and whatever
//! empty chains of outside tables reference the profile's tables (`ext.bookmarks -> app.users`,
//! `ext.notes -> ext.bookmarks`), the next `seed`, `seed clean` or `seed --cascade` empties the
//! tables again, re-creates every index, key and foreign key, and goes on; Ctrl-C repairs at once.
//!
//! The run is stopped at points the test holds it at, never after a delay: `app.users` has a CHECK
//! and an index calling `gate(key, ..)`, which waits for advisory lock `key` while the test holds
//! it, and the test can hold `ext.bookmarks` so that its foreign key cannot be re-added.

use std::os::unix::process::ExitStatusExt;

use sqlx::{Connection, Executor, PgConnection};

use crate::bulk::{catalogs, recovery_schemas};
use crate::safety::{Running, backend_running};
use crate::support::{TempFolder, TestDb, admin_url, run_seed, scalar, temp_folder};

const SCHEMA: &str = "CREATE SCHEMA app; CREATE SCHEMA ext;
    CREATE FUNCTION public.gate(key bigint, id bigint) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS
        $$ BEGIN PERFORM pg_advisory_lock_shared(key); PERFORM pg_advisory_unlock_shared(key); RETURN id IS NOT NULL; END $$;
    CREATE TABLE app.users (id bigint PRIMARY KEY, name text, CONSTRAINT users_gated CHECK (public.gate(1, id)));
    CREATE INDEX users_gated_index ON app.users (public.gate(2, id));
    CREATE TABLE app.posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users);
    CREATE TABLE ext.bookmarks (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users);
    CREATE TABLE ext.notes (id bigint PRIMARY KEY, bookmark_id bigint NOT NULL REFERENCES ext.bookmarks);";

const SCHEMAS: [&str; 2] = ["app", "ext"];
const ROWS: i64 = 2000;

/// Where the `--jobs` run is stopped.
#[derive(Debug, Clone, Copy)]
enum Point {
    /// Its COPY into `app.users`, after the cleanup was committed.
    Copy,
    /// Re-creating the index of `app.users`, every row loaded.
    IndexBuild,
    /// Re-adding the foreign key of `ext.bookmarks`, every index back.
    ForeignKey,
}

/// The test's connections holding the run up: advisory locks 1 and 2, and maybe `ext.bookmarks`.
struct Holds {
    gates: PgConnection,
    table: Option<PgConnection>,
}

impl Holds {
    async fn take(db: &TestDb) -> Holds {
        let mut gates = db.connect().await;
        execute(&mut gates, "SELECT pg_advisory_lock(1), pg_advisory_lock(2)").await;
        Holds { gates, table: None }
    }

    async fn open(&mut self, gate: i64) {
        execute(&mut self.gates, &format!("SELECT pg_advisory_unlock({gate})")).await;
    }

    async fn lock_bookmarks(&mut self, db: &TestDb) {
        let mut conn = db.connect().await;
        execute(&mut conn, "BEGIN; LOCK TABLE ext.bookmarks IN ROW EXCLUSIVE MODE").await;
        self.table = Some(conn);
    }

    async fn release(mut self) {
        execute(&mut self.gates, "SELECT pg_advisory_unlock_all()").await;
        if let Some(mut conn) = self.table.take() {
            execute(&mut conn, "ROLLBACK").await;
        }
    }
}

async fn execute(conn: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(conn).await.expect(sql);
}

impl Point {
    /// The statement seed's backend is held in at this point.
    fn held_statement(self) -> &'static str {
        match self {
            Point::Copy => r#"COPY "app"."users""#,
            Point::IndexBuild => "CREATE INDEX users_gated_index",
            Point::ForeignKey => r#"ALTER TABLE "ext"."bookmarks" ADD CONSTRAINT"#,
        }
    }
}

/// Waits until no backend of seed runs a statement starting with `prefix` (a minute at most).
async fn ended(db: &TestDb, prefix: &str, point: Point) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
               AND application_name = 'seed' AND state = 'active' AND query LIKE $1";
    let mut conn = db.connect().await;
    while std::time::Instant::now() < deadline {
        let running: i64 =
            sqlx::query_scalar(sql).bind(format!("{prefix}%")).fetch_one(&mut conn).await.expect("pg_stat_activity");
        if running == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{point:?}: the run's recovery never ended its statement {prefix}");
}

/// Waits until seed's backend runs a statement starting with `prefix`; with the holds in place,
/// it cannot get past it.
async fn reached(db: &TestDb, prefix: &str, point: Point) {
    assert!(backend_running(db, prefix).await.is_some(), "{point:?}: the run never ran {prefix}");
}

/// Starts `seed --profile P --bulk --jobs 2` and returns it held at `point`, with the holds.
async fn held_at(db: &TestDb, profile: &str, point: Point) -> (Running, Holds) {
    let mut holds = Holds::take(db).await;
    let run = Running::start(&["--profile", profile, "--bulk", "--jobs", "2"], &db.url);
    reached(db, r#"COPY "app"."users""#, point).await;
    if let Point::IndexBuild | Point::ForeignKey = point {
        holds.open(1).await;
        reached(db, "CREATE INDEX users_gated_index", point).await;
    }
    if let Point::ForeignKey = point {
        holds.lock_bookmarks(db).await;
        holds.open(2).await;
        reached(db, r#"ALTER TABLE "ext"."bookmarks" ADD CONSTRAINT"#, point).await;
    }
    (run, holds)
}

fn profile() -> (TempFolder, String) {
    let dir = temp_folder("repair");
    let path = dir.join("app.toml");
    std::fs::write(&path, format!("schemas = [\"app\"]\n[defaults]\nrows = {ROWS}\n")).expect("profile");
    (dir, path.display().to_string())
}

/// A database with the schema, `app` loaded; its catalog of every index and constraint.
async fn loaded(profile: &str) -> (TestDb, Vec<String>) {
    let db = TestDb::new().await;
    db.execute(SCHEMA).await;
    let output = run_seed(&["--profile", profile], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let catalog = catalogs(&db, &SCHEMAS).await;
    assert_eq!(catalog[1].matches("FOREIGN KEY").count(), 2, "{catalog:?}");
    (db, catalog)
}

/// Every index and constraint is back and valid, the outside tables are empty, no record is left,
/// and the profile's tables hold `rows` each.
async fn assert_repaired(db: &TestDb, catalog: &[String], rows: i64, context: &str) {
    assert_eq!(catalogs(db, &SCHEMAS).await, catalog, "{context}: every index, key and foreign key is back");
    assert!(!catalog.iter().any(|c| c.contains("valid=false")), "{context}: {catalog:?}");
    assert_eq!(recovery_schemas(db).await, 0, "{context}: no record left");
    for table in ["ext.bookmarks", "ext.notes"] {
        assert_eq!(scalar(db, &format!("SELECT count(*) FROM {table}")).await, 0, "{context}: {table}");
    }
    assert_eq!(scalar(db, "SELECT count(*) FROM app.users").await, rows, "{context}: app.users");
}

#[tokio::test]
async fn a_killed_parallel_load_with_outside_chains_is_repaired_by_seed_clean_or_cascade() {
    let (_dir, profile) = profile();
    let (db, catalog) = loaded(&profile).await;
    let repairs: [(&[&str], i64); 3] = [
        (&["--profile", &profile], ROWS),
        (&["clean", "--profile", &profile], 0),
        (&["--profile", &profile, "--cascade"], ROWS),
    ];
    for point in [Point::Copy, Point::IndexBuild, Point::ForeignKey] {
        for (repair, rows) in repairs {
            let context = format!("killed at {point:?}, repaired by {repair:?}");
            let (run, holds) = held_at(&db, &profile, point).await;
            run.signal("KILL");
            let (status, stderr) = run.finish();
            holds.release().await;
            assert_eq!(status.signal(), Some(9), "{context}: seed ended before the kill: {stderr}");
            assert_eq!(recovery_schemas(&db).await, 1, "{context}: the kill left a record");
            let output = run_seed(repair, &db.url);
            assert!(output.status.success(), "{context}: {}", output.stderr_text());
            assert!(output.stderr_text().contains("emptied again"), "{context}: {}", output.stderr_text());
            assert_repaired(&db, &catalog, rows, &context).await;
            if rows == 0 {
                let reload = run_seed(&["--profile", &profile], &db.url);
                assert!(reload.status.success(), "{}", reload.stderr_text());
            }
        }
    }
}

/// A row written into an outside chain after the kill (its foreign key to the profile was dropped)
/// is not emptied by the repair of a plain run, which refuses and changes nothing; `--cascade`
/// empties it and says so.
#[tokio::test]
async fn a_repair_refuses_outside_rows_written_after_the_kill_unless_cascade() {
    let (_dir, profile) = profile();
    let (db, catalog) = loaded(&profile).await;
    let (run, holds) = held_at(&db, &profile, Point::IndexBuild).await;
    run.signal("KILL");
    let _ = run.finish();
    holds.release().await;
    db.execute("INSERT INTO ext.bookmarks VALUES (1, 123456789); INSERT INTO ext.notes VALUES (1, 1)").await;
    let refused = run_seed(&["--profile", &profile], &db.url);
    assert_eq!(refused.status.code(), Some(4), "{}", refused.stderr_text());
    assert!(refused.stderr_text().contains("ext.bookmarks"), "{}", refused.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM ext.notes").await, 1, "nothing changed");
    assert_eq!(recovery_schemas(&db).await, 1, "the record stays until the repair is done");
    let cascade = run_seed(&["--profile", &profile, "--cascade"], &db.url);
    assert!(cascade.status.success(), "{}", cascade.stderr_text());
    assert!(cascade.stderr_text().contains("ext.notes"), "the emptied tables are listed: {}", cascade.stderr_text());
    assert_repaired(&db, &catalog, ROWS, "--cascade").await;
}

#[tokio::test]
async fn ctrl_c_mid_parallel_load_with_outside_chains_empties_the_tables_again_at_once() {
    let (_dir, profile) = profile();
    let (db, catalog) = loaded(&profile).await;
    for point in [Point::Copy, Point::IndexBuild, Point::ForeignKey] {
        let (run, holds) = held_at(&db, &profile, point).await;
        run.signal("INT");
        // The run's own recovery ends its backends held at the gates, then needs ext.bookmarks:
        // release the holds only once the held statement is gone, or a run that had not yet
        // seen the signal could pass the gate, finish and commit.
        ended(&db, point.held_statement(), point).await;
        holds.release().await;
        let (status, stderr) = run.finish();
        assert_eq!(status.code(), Some(130), "{point:?}: {stderr}");
        assert!(stderr.contains("emptied again"), "{point:?}: {stderr}");
        assert_repaired(&db, &catalog, 0, &format!("Ctrl-C at {point:?}")).await;
        let reload = run_seed(&["--profile", &profile], &db.url);
        assert!(reload.status.success(), "{}", reload.stderr_text());
    }
}

/// The outside chain alone, without the gates (which a role that is not superuser could not create
/// in `public`).
const CHAIN: &str = "CREATE SCHEMA app; CREATE SCHEMA ext;
    CREATE TABLE app.users (id bigint PRIMARY KEY, name text);
    CREATE TABLE app.posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users);
    CREATE TABLE ext.bookmarks (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users);
    CREATE TABLE ext.notes (id bigint PRIMARY KEY, bookmark_id bigint NOT NULL REFERENCES ext.bookmarks);";

/// The third way the issue interrupted a `--jobs` load: more connections than the server gives
/// (here a role limited to 4 in this database). The run's own recovery empties the tables again,
/// the outside chain with them, and says so.
#[tokio::test]
async fn a_parallel_load_out_of_connections_empties_the_tables_again() {
    let db = TestDb::new().await;
    let role = format!("seed_few_connections_{}", std::process::id());
    let mut admin = PgConnection::connect(&admin_url()).await.expect("admin");
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN")))
        .await
        .expect("role");
    let name = &db.name;
    db.execute(&format!(
        "GRANT CREATE ON DATABASE \"{name}\" TO {role}; ALTER DATABASE \"{name}\" CONNECTION LIMIT 4; \
         SET ROLE {role}; {CHAIN} RESET ROLE;"
    ))
    .await;
    let url = db.url.replacen("postgres@", &format!("{role}@"), 1);
    let (_dir, profile) = profile();
    let first = run_seed(&["--profile", &profile], &url);
    let catalog = catalogs(&db, &SCHEMAS).await;
    let run = run_seed(&["--profile", &profile, "--bulk", "--jobs", "8"], &url);
    let (after, users) = (catalogs(&db, &SCHEMAS).await, scalar(&db, "SELECT count(*) FROM app.users").await);
    let records = recovery_schemas(&db).await;
    db.execute(&format!("DROP OWNED BY {role}")).await;
    let _ = admin.execute(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {role}"))).await;
    assert!(first.status.success(), "{}", first.stderr_text());
    assert_eq!(run.status.code(), Some(3), "{}", run.stderr_text());
    assert!(run.stderr_text().contains("too many connections"), "{}", run.stderr_text());
    assert!(run.stderr_text().contains("emptied again"), "{}", run.stderr_text());
    assert_eq!((after, users, records), (catalog, 0, 0), "every key back, the tables empty, no record left");
}
