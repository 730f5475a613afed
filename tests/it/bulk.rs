//! Bulk mode (`--bulk`, `--jobs N`) against a real PostgreSQL: the same data as the transactional
//! mode, every index and constraint back afterwards, nothing half-loaded after a failure; and the
//! pgbench profile's volumes and values.

use sqlx::Row;

use crate::support::{TempFolder, TestDb, checksums_in, revalidate_constraints, run_seed, scalar, temp_folder};

/// Every index and constraint of `schema`, by name, with its definition and whether it is
/// validated: what a bulk load must leave exactly as it found it.
pub(crate) async fn catalog(db: &TestDb, schema: &str) -> String {
    let mut conn = db.connect().await;
    let sql = format!(
        "SELECT coalesce((SELECT string_agg(format('index %s.%s: %s', tablename, indexname, indexdef), E'\\n' \
                                   ORDER BY tablename, indexname) FROM pg_indexes WHERE schemaname = '{schema}'), '') \
             || E'\\n' || \
                coalesce((SELECT string_agg(format('constraint %s.%s: %s valid=%s', conrelid::regclass, conname, \
                                                   pg_get_constraintdef(oid), convalidated), E'\\n' \
                                   ORDER BY conrelid::regclass::text, conname) \
                          FROM pg_constraint WHERE connamespace = '{schema}'::regnamespace), '')"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await.expect("read the catalog").get(0)
}

pub(crate) async fn catalogs(db: &TestDb, schemas: &[&str]) -> Vec<String> {
    let mut all = Vec::new();
    for schema in schemas {
        all.push(catalog(db, schema).await);
    }
    all
}

#[tokio::test]
async fn bulk_mode_loads_the_same_tables_and_puts_every_index_and_constraint_back() {
    let db = TestDb::new().await;
    let schemas = ["creator", "story", "episode"];
    let first = run_seed(&["--profile", "minimal", "--no-bulk"], &db.url);
    assert!(first.status.success(), "{}", first.stderr_text());
    let data = checksums_in(&db, &schemas).await;
    let constraints = catalogs(&db, &schemas).await;
    assert!(constraints.iter().map(|c| c.matches("index ").count()).sum::<usize>() > 80, "{constraints:?}");

    for mode in [&["--bulk"][..], &["--jobs", "2"][..]] {
        let args = [&["--profile", "minimal"][..], mode].concat();
        let output = run_seed(&args, &db.url);
        assert!(output.status.success(), "{mode:?}: {}", output.stderr_text());
        assert_eq!(checksums_in(&db, &schemas).await, data, "{mode:?} must write the same rows");
        assert_eq!(catalogs(&db, &schemas).await, constraints, "{mode:?} must re-create every index and constraint");
        assert!(revalidate_constraints(&db).await > 100);
    }
    assert_eq!(recovery_schemas(&db).await, 0, "a finished --jobs run leaves no recovery record behind");
}

/// Whether the `seed_recovery` schema (the durable record of a `--jobs` run) exists: 1 or 0.
pub(crate) async fn recovery_schemas(db: &TestDb) -> i64 {
    scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'seed_recovery'").await
}

/// Returns once a `--jobs` run's record of its committed cleanup is visible.
pub(crate) async fn wait_for_record(db: &TestDb) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while recovery_schemas(db).await == 0 {
        assert!(std::time::Instant::now() < deadline, "the --jobs run never committed its cleanup");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn only_runs_with_jobs_create_the_recovery_schema() {
    let db = TestDb::new().await;
    for mode in [&["--bulk"][..], &["--no-bulk"][..]] {
        let output = run_seed(&[&["--profile", "minimal"][..], mode].concat(), &db.url);
        assert!(output.status.success(), "{mode:?}: {}", output.stderr_text());
        assert_eq!(recovery_schemas(&db).await, 0, "{mode:?}");
    }
}

const SHOP: &str = "CREATE SCHEMA shop;
    CREATE TABLE shop.parents (id int PRIMARY KEY, name text NOT NULL);
    CREATE UNIQUE INDEX parents_name_key ON shop.parents (name);
    CREATE TABLE shop.children (
        id int PRIMARY KEY,
        parent_id int NOT NULL REFERENCES shop.parents (id),
        qty int NOT NULL CHECK (qty > 0)
    );
    CREATE INDEX children_parent_idx ON shop.children (parent_id);";

/// A profile for the shop schema whose children come from a fixture with `rows` (after the header).
/// The folder goes with it: keep it while the profile is used.
fn shop_profile(name: &str, rows: &str) -> (TempFolder, String) {
    let dir = temp_folder(name);
    std::fs::write(dir.join("children.csv"), format!("id,parent_id,qty\n{rows}")).expect("write fixture");
    let profile = dir.join("shop.toml");
    let text = "schemas = [\"shop\"]\n\n[tables.\"shop.parents\"]\nrows = 20\n\n\
                [tables.\"shop.children\"]\nfixture = \"children.csv\"\n";
    std::fs::write(&profile, text).expect("write profile");
    let path = profile.display().to_string();
    (dir, path)
}

/// A loaded shop: good data from the transactional mode, and its checksums and catalog.
async fn loaded_shop(name: &str) -> (TestDb, std::collections::BTreeMap<String, (i64, String)>, String) {
    let db = TestDb::new().await;
    db.execute(SHOP).await;
    let (_folder, good) = shop_profile(&format!("{name}-good"), "1,1,5\n2,2,3\n3,2,1\n");
    let output = run_seed(&["--profile", &good], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let data = checksums_in(&db, &["shop"]).await;
    assert_eq!(data["shop.children"].0, 3);
    let constraints = catalog(&db, "shop").await;
    (db, data, constraints)
}

#[tokio::test]
async fn a_foreign_key_that_does_not_hold_rolls_the_bulk_load_back() {
    let (db, data, constraints) = loaded_shop("bulk-fk").await;
    let (_folder, bad) = shop_profile("bulk-fk-bad", "1,1,5\n2,999,3\n");
    let output = run_seed(&["--profile", &bad, "--bulk"], &db.url);
    assert_eq!(output.status.code(), Some(3), "{}", output.stderr_text());
    let message = output.stderr_text();
    assert!(message.contains("children_parent_id_fkey"), "the message names the foreign key: {message}");
    assert_eq!(checksums_in(&db, &["shop"]).await, data, "one transaction: the tables are as before");
    assert_eq!(catalog(&db, "shop").await, constraints, "and so are their indexes and constraints");
}

#[tokio::test]
async fn a_check_violation_fails_the_bulk_copy_and_changes_nothing() {
    let (db, data, constraints) = loaded_shop("bulk-check").await;
    let (_folder, bad) = shop_profile("bulk-check-bad", "1,1,5\n2,2,-3\n");
    let output = run_seed(&["--profile", &bad, "--bulk"], &db.url);
    assert_eq!(output.status.code(), Some(3), "{}", output.stderr_text());
    assert!(output.stderr_text().contains("children_qty_check"), "{}", output.stderr_text());
    assert_eq!(checksums_in(&db, &["shop"]).await, data);
    assert_eq!(catalog(&db, "shop").await, constraints);
}

/// `--jobs 2` commits its cleanup before loading: a failure empties the tables again.
async fn assert_emptied_with_everything_back(db: &TestDb, constraints: &str, message: &str) {
    assert!(message.contains("emptied again"), "the message says what state the tables are in: {message}");
    for table in ["shop.parents", "shop.children"] {
        assert_eq!(scalar(db, &format!("SELECT count(*) FROM {table}")).await, 0, "{table} is not half-loaded");
    }
    assert_eq!(catalog(db, "shop").await, constraints, "indexes and constraints are back");
}

#[tokio::test]
async fn a_parallel_load_whose_foreign_key_fails_leaves_the_tables_empty_not_half_loaded() {
    let (db, _, constraints) = loaded_shop("jobs-fk").await;
    let (_folder, bad) = shop_profile("jobs-fk-bad", "1,1,5\n2,999,3\n");
    let output = run_seed(&["--profile", &bad, "--jobs", "2"], &db.url);
    assert_eq!(output.status.code(), Some(3), "{}", output.stderr_text());
    assert!(output.stderr_text().contains("children_parent_id_fkey"), "{}", output.stderr_text());
    assert_emptied_with_everything_back(&db, &constraints, &output.stderr_text()).await;
}

#[tokio::test]
async fn a_parallel_load_whose_copy_fails_leaves_the_tables_empty_not_half_loaded() {
    let (db, _, constraints) = loaded_shop("jobs-check").await;
    let (_folder, bad) = shop_profile("jobs-check-bad", "1,1,5\n2,2,-3\n");
    let output = run_seed(&["--profile", &bad, "--jobs", "2"], &db.url);
    assert_eq!(output.status.code(), Some(3), "{}", output.stderr_text());
    assert_emptied_with_everything_back(&db, &constraints, &output.stderr_text()).await;
}

#[tokio::test]
async fn the_pgbench_profile_gives_pgbenchs_rows_at_scale_1_and_2() {
    let db = TestDb::new().await;
    for (scale, mode) in [(1i64, "--no-bulk"), (2, "--bulk")] {
        let output = run_seed(&["--profile", "pgbench", "--scale", &scale.to_string(), mode], &db.url);
        assert!(output.status.success(), "{}", output.stderr_text());
        let count = |table: &str| format!("SELECT count(*) FROM pgbench.{table}");
        assert_eq!(scalar(&db, &count("pgbench_branches")).await, scale);
        assert_eq!(scalar(&db, &count("pgbench_tellers")).await, 10 * scale);
        assert_eq!(scalar(&db, &count("pgbench_accounts")).await, 100_000 * scale);
        assert_eq!(scalar(&db, &count("pgbench_history")).await, 0);
        let odd = "SELECT (SELECT count(*) FROM pgbench.pgbench_branches \
                             WHERE bid NOT BETWEEN 1 AND {s} OR bbalance IS DISTINCT FROM 0 OR filler IS NOT NULL) \
                        + (SELECT count(*) FROM pgbench.pgbench_tellers \
                             WHERE bid <> (tid - 1) / 10 + 1 OR tbalance IS DISTINCT FROM 0 OR filler IS NOT NULL) \
                        + (SELECT count(*) FROM pgbench.pgbench_accounts \
                             WHERE bid <> (aid - 1) / 100000 + 1 OR abalance IS DISTINCT FROM 0 OR filler IS DISTINCT FROM '')";
        assert_eq!(scalar(&db, &odd.replace("{s}", &scale.to_string())).await, 0, "values as pgbench writes them");
    }
    // --jobs 2 splits the accounts into two row ranges copied at once: the same rows.
    let bulk = checksums_in(&db, &["pgbench"]).await;
    let output = run_seed(&["--profile", "pgbench", "--scale", "2", "--jobs", "2"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(checksums_in(&db, &["pgbench"]).await, bulk, "chunked loading writes the same rows");
    if !pgbench_installed() {
        eprintln!("pgbench is not installed: skipping the comparison with pgbench's own tables");
        return;
    }
    let ours = checksums_in(&db, &["pgbench"]).await;
    let constraints = catalog(&db, "pgbench").await;
    let status = std::process::Command::new("pgbench")
        .args(["-i", "-q", "--foreign-keys", "-s", "2", &db.url])
        .env("PGOPTIONS", "-c search_path=pgbench")
        .output()
        .expect("run pgbench");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert_eq!(checksums_in(&db, &["pgbench"]).await, ours, "the same rows as pgbench -i -s 2");
    assert_eq!(catalog(&db, "pgbench").await, constraints, "the same keys as pgbench -i --foreign-keys");
    assert_eq!(ours.len(), 4, "{ours:?}");
}

fn pgbench_installed() -> bool {
    std::process::Command::new("pgbench").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[tokio::test]
async fn bulk_mode_keeps_the_keys_that_triggers_rely_on() {
    let (db, data, constraints) = loaded_shop("bulk-trigger").await;
    // Selecting p.name while grouping by p.id is valid only while parents_pkey exists.
    db.execute(
        "CREATE FUNCTION shop.check_parent() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM p.id, p.name FROM shop.parents p WHERE p.id = NEW.parent_id GROUP BY p.id; RETURN NEW; END $$;
         CREATE TRIGGER children_check BEFORE INSERT ON shop.children FOR EACH ROW EXECUTE FUNCTION shop.check_parent();",
    )
    .await;
    let constraints_with_trigger = catalog(&db, "shop").await;
    assert_eq!(constraints_with_trigger, constraints);
    let (_folder, good) = shop_profile("bulk-trigger-again", "1,1,5\n2,2,3\n3,2,1\n");
    let output = run_seed(&["--profile", &good, "--bulk"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(checksums_in(&db, &["shop"]).await, data);
    assert_eq!(catalog(&db, "shop").await, constraints);
}

#[tokio::test]
async fn introspection_never_takes_the_recovery_schema_for_user_tables() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE public.things (id int PRIMARY KEY); CREATE SCHEMA seed_recovery; CREATE TABLE seed_recovery.other (id int);")
        .await;
    let output = run_seed(&["plan", "--rows", "5"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert!(output.stdout_text().contains("things"), "{}", output.stdout_text());
    assert!(!output.stdout_text().contains("seed_recovery"), "{}", output.stdout_text());
}

#[tokio::test]
async fn a_run_never_recovers_the_record_of_a_parallel_load_that_is_still_running() {
    let db = TestDb::new().await;
    let args = ["--profile", "pgbench", "--scale", "5", "--jobs", "2"];
    let output = run_seed(&args[..4], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let mut loading = crate::support::seed_command(&args, &db.url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    wait_for_record(&db).await;
    // Holds the load up before it completes: re-creating the branches' key waits for this lock.
    let mut blocker = db.connect().await;
    let hold = "BEGIN; LOCK TABLE pgbench.pgbench_branches IN ROW EXCLUSIVE MODE";
    sqlx::raw_sql(hold).execute(&mut blocker).await.expect("lock");
    let clean = run_seed(&["clean", "--profile", "pgbench"], &db.url);
    sqlx::raw_sql("ROLLBACK").execute(&mut blocker).await.expect("unlock");
    assert_eq!(clean.status.code(), Some(4), "{}", clean.stderr_text());
    assert!(clean.stderr_text().contains("still loading"), "{}", clean.stderr_text());
    assert!(loading.wait().expect("wait").success(), "the running load was left alone");
    assert_eq!(scalar(&db, "SELECT count(*) FROM pgbench.pgbench_accounts").await, 500_000);
    assert_eq!(recovery_schemas(&db).await, 0);
}
