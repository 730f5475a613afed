//! `seed --profile minimal` end to end: the "done when" list, against a real PostgreSQL.

use sqlx::{Connection, Row};

use crate::support::{TestDb, run_seed, table_checksums};

const SCHEMAS: &str = "('creator', 'story', 'episode')";

#[tokio::test]
async fn minimal_fills_every_table_with_the_profiles_volumes_and_is_repeatable() {
    let db = TestDb::new().await;
    let first = run_seed(&["--profile", "minimal"], &db.url);
    assert!(first.status.success(), "seed failed: {}", first.stderr_text());
    let once = table_checksums(&db).await;
    assert!(once.len() >= 55, "expected the three applications' tables, got {}", once.len());
    for (table, (rows, _)) in &once {
        assert!(*rows > 0, "{table} is empty");
    }
    assert_eq!(once["creator.users"].0, 10, "rows = 10 in the profile");
    assert_eq!(once["creator.plans"].0, 5, "the plans fixture has 5 rows");
    assert_eq!(once["story.prices"].0, 9, "the prices fixture has 9 rows");
    assert_eq!(once["episode.organizations"].0, 3);
    assert_eq!(once["episode.blocks"].0, 5, "the profile's default");

    // Related rows agree on their tenant and owner (users, projects and content are per tenant).
    crate::dev::assert_tenants_whole(&db).await;

    let second = run_seed(&["--profile", "minimal"], &db.url);
    assert!(second.status.success(), "second run failed: {}", second.stderr_text());
    assert_eq!(once, table_checksums(&db).await, "the same seed must give byte-identical tables");

    let other_seed = run_seed(&["--profile", "minimal", "--seed", "7"], &db.url);
    assert!(other_seed.status.success(), "{}", other_seed.stderr_text());
    assert_ne!(once["creator.users"].1, table_checksums(&db).await["creator.users"].1, "--seed changes the data");
}

#[tokio::test]
async fn after_a_load_every_foreign_key_and_check_revalidates() {
    let db = TestDb::new().await;
    let output = run_seed(&["--profile", "minimal"], &db.url);
    assert!(output.status.success(), "seed failed: {}", output.stderr_text());
    let mut conn = db.connect().await;
    let constraints = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT format('%I.%I', n.nspname, c.relname), k.conname, pg_get_constraintdef(k.oid) \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname IN {SCHEMAS} AND k.contype IN ('f', 'c') AND k.conparentid = 0 AND k.conislocal"
    )))
    .fetch_all(&mut conn)
    .await
    .expect("constraints");
    assert!(constraints.len() > 100, "the example schemas have many FKs and CHECKs: {}", constraints.len());
    let mut tx = conn.begin().await.expect("begin");
    for row in &constraints {
        let (table, name, definition): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        // Re-adding a constraint validates every existing row against it.
        let sql = format!(
            "ALTER TABLE {table} DROP CONSTRAINT \"{name}\"; ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{table}.{name} does not hold: {e}\n{definition}"));
    }
    tx.rollback().await.expect("rollback");
}

#[tokio::test]
async fn a_failed_load_names_the_table_and_changes_nothing() {
    let db = TestDb::new().await;
    assert!(run_seed(&["--profile", "minimal"], &db.url).status.success());
    let before = table_checksums(&db).await;
    let dir = tempdir("failed-load");
    // A fixture row that violates plans' CHECK (monthly_price_cents >= 0).
    let plans = std::fs::read_to_string("seeds/creator/plans.csv").expect("plans fixture");
    let broken = plans.replacen(",0,USD,", ",-5,USD,", 1);
    assert_ne!(plans, broken, "the fixture's first plan costs 0");
    std::fs::write(dir.join("plans.csv"), broken).expect("write fixture");
    let profile = std::fs::read_to_string("profiles/minimal.toml")
        .expect("profile")
        .replace("../seeds/creator/plans.csv", &dir.join("plans.csv").display().to_string())
        .replace("\"../seeds/", &format!("\"{}/seeds/", env!("CARGO_MANIFEST_DIR")));
    let profile_path = dir.join("broken.toml");
    std::fs::write(&profile_path, profile).expect("write profile");

    let output = run_seed(&["--profile", &profile_path.display().to_string(), "--seed", "99"], &db.url);
    assert_eq!(output.status.code(), Some(3), "a database failure exits 3: {}", output.stderr_text());
    assert!(output.stderr_text().contains("creator.plans"), "names the table: {}", output.stderr_text());
    assert_eq!(before, table_checksums(&db).await, "the failed run must leave every table as it was");
}

#[tokio::test]
async fn a_typo_exits_2_before_writing_naming_file_line_and_the_real_name() {
    let db = TestDb::new().await;
    let dir = tempdir("typo");
    let profile = format!(
        "[schema]\ncreator = \"{root}/seeds/creator/schema.sql\"\n\n[tables.\"creator.userz\"]\nrows = 3\n",
        root = env!("CARGO_MANIFEST_DIR")
    );
    let path = dir.join("typo.toml");
    std::fs::write(&path, profile).expect("write");
    let output = run_seed(&["--profile", &path.display().to_string()], &db.url);
    assert_eq!(output.status.code(), Some(2), "{}", output.stderr_text());
    let message = output.stderr_text();
    assert!(message.contains(&format!("{}:4:", path.display())), "file and line: {message}");
    assert!(message.contains("did you mean `creator.users`"), "suggestion: {message}");
    // The DDL was applied inside the run's transaction, so nothing at all was written.
    let mut conn = db.connect().await;
    let schemas: i64 = sqlx::query("SELECT count(*) FROM pg_namespace WHERE nspname = 'creator'")
        .fetch_one(&mut conn)
        .await
        .expect("count")
        .get(0);
    assert_eq!(schemas, 0, "the failed run must not leave the schema behind");

    let column_typo = format!(
        "[schema]\ncreator = \"{root}/seeds/creator/schema.sql\"\n\n[tables.\"creator.users\"]\ncolumns.emial = {{ unique = true }}\n",
        root = env!("CARGO_MANIFEST_DIR")
    );
    std::fs::write(&path, column_typo).expect("write");
    let output = run_seed(&["--profile", &path.display().to_string()], &db.url);
    assert_eq!(output.status.code(), Some(2), "{}", output.stderr_text());
    assert!(output.stderr_text().contains("did you mean `email`"), "{}", output.stderr_text());
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("seed-it-{name}-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
