//! `seed clean`: empties exactly the profile's tables, and nothing else.

use crate::support::{TestDb, checksums_in, run_seed, scalar, table_checksums};

#[tokio::test]
async fn clean_empties_exactly_the_profiles_tables() {
    let db = TestDb::new().await;
    let load = run_seed(&["--profile", "minimal"], &db.url);
    assert!(load.status.success(), "{}", load.stderr_text());
    db.execute(
        "CREATE TABLE public.keep (id serial PRIMARY KEY, note text); \
         INSERT INTO public.keep (note) SELECT 'row ' || i FROM generate_series(1, 7) i; \
         CREATE SCHEMA other; CREATE TABLE other.users AS SELECT * FROM creator.users;",
    )
    .await;
    let outside = checksums_in(&db, &["public", "other"]).await;
    let sequence = scalar(&db, "SELECT last_value FROM public.keep_id_seq").await;
    let loaded = table_checksums(&db).await;

    let output = run_seed(&["clean", "--profile", "minimal"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let after = table_checksums(&db).await;
    let names = |sums: &std::collections::BTreeMap<String, (i64, String)>| sums.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&after), names(&loaded), "the profile's tables are emptied, not dropped");
    for (table, (rows, _)) in &after {
        assert_eq!(*rows, 0, "{table} was not emptied");
    }
    assert_eq!(checksums_in(&db, &["public", "other"]).await, outside, "a table outside the profile was touched");
    assert!(outside["other.users"].0 > 0 && outside["public.keep"].0 == 7);
    assert_eq!(scalar(&db, "SELECT last_value FROM public.keep_id_seq").await, sequence);
}

/// Schemas a user might have in the database, and whether each exists.
async fn schemas_present(db: &TestDb, names: &[&str]) -> i64 {
    let list: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    scalar(db, &format!("SELECT count(*) FROM pg_namespace WHERE nspname IN ({})", list.join(", "))).await
}

#[tokio::test]
async fn clean_on_a_database_without_the_schemas_says_there_is_nothing_to_clean_and_creates_nothing() {
    let db = TestDb::new().await;
    let output = run_seed(&["clean", "--profile", "minimal"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert!(
        output.stderr_text().contains("nothing to clean: schemas creator, episode, story do not exist"),
        "{}",
        output.stderr_text()
    );
    assert_eq!(schemas_present(&db, crate::support::APP_SCHEMAS).await, 0, "clean created a schema");
}

/// One schema of the profile exists, the other does not: the existing one is emptied, the missing
/// one is not created.
#[tokio::test]
async fn clean_empties_the_schemas_that_exist_and_creates_none() {
    let db = TestDb::new().await;
    let dir = crate::support::temp_folder("clean-partial");
    let shop = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad/schema.sql");
    std::fs::write(dir.join("extra.sql"), "CREATE SCHEMA extra; CREATE TABLE extra.things (id int PRIMARY KEY);")
        .expect("ddl");
    std::fs::write(dir.join("p.toml"), format!("[schema]\nshop = \"{shop}\"\nextra = \"extra.sql\"\n"))
        .expect("profile");
    db.execute(&std::fs::read_to_string(shop).expect("schema")).await;
    db.execute("INSERT INTO shop.notes (body) VALUES ('a'), ('b')").await;
    let output = run_seed(&["clean", "--profile", &dir.join("p.toml").display().to_string()], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM shop.notes").await, 0, "the existing schema's tables are emptied");
    assert_eq!(schemas_present(&db, &["extra"]).await, 0, "clean created a schema");
}
