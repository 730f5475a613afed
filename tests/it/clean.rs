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
