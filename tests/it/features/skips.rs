//! Tables the server refuses during a `--rows` load (issue 3): each is rolled back alone under a
//! savepoint of its own and skipped with a one-line reason that says what resolves it, the tables
//! loaded before it are not loaded again, and the result is consistent.

use crate::support::{SeedOutput, TestDb, revalidate_constraints, run_seed, scalar};

const REJECT: &str = r#"
    CREATE FUNCTION reject() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'no rows
    here, ever'; END $$;
"#;

async fn seed_rows(schema_sql: &str) -> (TestDb, SeedOutput) {
    let db = TestDb::new().await;
    db.execute(REJECT).await;
    db.execute(schema_sql).await;
    let run = run_seed(&["--rows", "20"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    revalidate_constraints(&db).await;
    (db, run)
}

/// The line `skipped TABLE: ... (its rows left as they were)` of a run.
pub(super) fn skip_line(run: &SeedOutput, table: &str) -> String {
    let prefix = format!("skipped {table}: ");
    let stderr = run.stderr_text();
    let at = stderr.find(&prefix).unwrap_or_else(|| panic!("{table} not skipped: {stderr}"));
    stderr[at..].lines().next().unwrap_or_default().to_string()
}

/// A refused table costs only itself: the table before it is loaded once, not again from the
/// start; a table that needs it through a NOT NULL key is skipped too, one with a nullable key
/// gets NULLs. The reasons are one line each and name what resolves them: `--disable-triggers`
/// for a trigger's refusal, the profile's settings for a CHECK no generated row passes (one seed
/// cannot evaluate, which the server refuses at every attempt).
#[tokio::test]
async fn refused_tables_are_skipped_alone_with_what_resolves_them() {
    let (db, run) = seed_rows(
        r#"
        CREATE TABLE a_first (id int PRIMARY KEY);
        CREATE TABLE refused (id int PRIMARY KEY, first_id int NOT NULL REFERENCES a_first);
        CREATE TRIGGER no BEFORE INSERT ON refused FOR EACH ROW EXECUTE FUNCTION reject();
        CREATE TABLE needs (id int PRIMARY KEY, refused_id int NOT NULL REFERENCES refused);
        CREATE TABLE may (id int PRIMARY KEY, refused_id int REFERENCES refused);
        CREATE FUNCTION is_never(int) RETURNS bool LANGUAGE plpgsql AS 'BEGIN RETURN false; END';
        CREATE TABLE odd (n int NOT NULL CHECK (is_never(n)));
        "#,
    )
    .await;
    let stderr = run.stderr_text();
    assert_eq!(stderr.matches("public.a_first ").count(), 1, "a_first loaded more than once: {stderr}");
    assert_eq!(stderr.matches("cleaned ").count(), 1, "cleaned more than once: {stderr}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM a_first").await, 20);
    assert_eq!(scalar(&db, "SELECT count(*) FROM may WHERE refused_id IS NULL").await, 20);
    for empty in ["refused", "needs", "odd"] {
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {empty}")).await, 0, "{empty}");
    }
    let by_trigger = skip_line(&run, "public.refused");
    // The server's two-line message is folded into one line (error::explain joins lines with "; ").
    assert!(by_trigger.contains("no rows; here, ever") && by_trigger.contains("--disable-triggers"), "{by_trigger}");
    let by_check = skip_line(&run, "public.odd");
    assert!(by_check.contains("odd_n_check") && by_check.contains("columns.<name>"), "{by_check}");
    assert!(!by_check.contains("--disable-triggers"), "{by_check}");
    assert!(skip_line(&run, "public.needs").contains("public.refused"));
}

/// Leaving a refused table out can change a table already loaded (here `p`, whose nullable back
/// edge pointed at `q`'s rows): then the load starts again from the run's savepoint, and `p` ends
/// with NULLs rather than dangling keys.
#[tokio::test]
async fn a_refusal_that_changes_a_loaded_table_loads_again() {
    let (db, run) = seed_rows(
        r#"
        CREATE TABLE p (id int PRIMARY KEY, q_id int);
        CREATE TABLE q (id int PRIMARY KEY, p_id int NOT NULL REFERENCES p);
        ALTER TABLE p ADD FOREIGN KEY (q_id) REFERENCES q;
        CREATE TRIGGER no BEFORE INSERT ON q FOR EACH ROW EXECUTE FUNCTION reject();
        "#,
    )
    .await;
    assert!(skip_line(&run, "public.q").contains("--disable-triggers"));
    assert_eq!(scalar(&db, "SELECT count(*) FROM p WHERE q_id IS NULL").await, 20);
    assert_eq!(scalar(&db, "SELECT count(*) FROM q").await, 0);
}

/// A skipped table is neither filled nor emptied, as `skip = true` is not: rows put there by hand
/// survive a `--rows` run, whether the plan skipped the table (an expression unique index seed
/// cannot keep apart), skipped it with a table it needs, or the server refused it mid-load (then
/// the load starts again from the run's savepoint, with the cleanup that emptied it undone). A
/// table with a nullable key to a skipped one is loaded, the key NULL.
#[tokio::test]
async fn rows_of_skipped_tables_are_left_as_they_were() {
    let db = TestDb::new().await;
    db.execute(REJECT).await;
    db.execute(
        r#"
        CREATE TABLE tags (id int PRIMARY KEY, tag text NOT NULL);
        CREATE UNIQUE INDEX tags_initial ON tags (left(tag, 1));
        CREATE TABLE tag_links (id int PRIMARY KEY, tag_id int NOT NULL REFERENCES tags);
        CREATE TABLE posts (id int PRIMARY KEY, tag_id int REFERENCES tags);
        CREATE TABLE guarded (id int PRIMARY KEY, note text);
        INSERT INTO tags VALUES (1, 'apple'), (2, 'banana');
        INSERT INTO tag_links VALUES (1, 2);
        INSERT INTO guarded VALUES (1, 'by hand');
        CREATE TRIGGER no BEFORE INSERT ON guarded FOR EACH ROW EXECUTE FUNCTION reject();
        "#,
    )
    .await;
    let run = run_seed(&["--rows", "20"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    for table in ["public.tags", "public.tag_links", "public.guarded"] {
        assert!(skip_line(&run, table).ends_with("(its rows left as they were)"), "{}", run.stderr_text());
    }
    let kept = "SELECT (SELECT count(*) FROM tags WHERE tag IN ('apple', 'banana')) * 100 \
                + (SELECT count(*) FROM tag_links WHERE tag_id = 2) * 10 + (SELECT count(*) FROM guarded)";
    assert_eq!(scalar(&db, kept).await, 211, "every hand-inserted row is still there");
    assert_eq!(scalar(&db, "SELECT count(*) FROM posts WHERE tag_id IS NULL").await, 20);
    revalidate_constraints(&db).await;
}

/// With `--disable-triggers`, a table refused mid-load (a CHECK no row passes) gets its
/// triggers switched back on like every other: leaving it out of the run must not leave them off.
#[tokio::test]
async fn a_refused_table_s_triggers_are_switched_back_on() {
    let db = TestDb::new().await;
    db.execute(
        r#"
        CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE FUNCTION is_never(int) RETURNS bool LANGUAGE plpgsql AS 'BEGIN RETURN false; END';
        CREATE TABLE a_first (id int PRIMARY KEY);
        CREATE TABLE odd (n int NOT NULL CHECK (is_never(n)));
        CREATE TRIGGER kept BEFORE INSERT ON odd FOR EACH ROW EXECUTE FUNCTION keep();
        "#,
    )
    .await;
    let run = run_seed(&["--rows", "20", "--disable-triggers"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    skip_line(&run, "public.odd");
    assert_eq!(scalar(&db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'kept' AND tgenabled = 'O'").await, 1);
}
