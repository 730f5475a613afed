//! Rules the server keeps that the plan cannot see (issue 12's load-side classes): checks
//! deferred to COMMIT, functions found through the search_path, settings the schema reads, and
//! triggers that keep a parent's count. Each refusal is one table's, skipped alone in a `--rows`
//! run with a line that names what refused and what to set; `--strict` exits 3 naming it.

use super::skips::skip_line;
use crate::support::{TempFolder, TestDb, revalidate_constraints, run_seed, scalar};

/// Writes `NAME.toml` holding `text` in a fresh folder; returns the folder (removed when dropped)
/// and the profile's path.
fn write_profile(name: &str, text: &str) -> (TempFolder, String) {
    let folder = crate::support::temp_folder(name);
    let profile = folder.join(format!("{name}.toml"));
    std::fs::write(&profile, text).expect("write profile");
    let path = profile.to_string_lossy().into_owned();
    (folder, path)
}

/// A deferred constraint trigger that rejects every row of `audited`, and a cycle whose deferred
/// back edge must stay deferred until its last table is in.
const DEFERRED_TRIGGER: &str = r#"
    CREATE FUNCTION reject_late() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit refused row %', NEW.id; END $$;
    CREATE TABLE accounts (id int PRIMARY KEY);
    CREATE TABLE audited (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts);
    CREATE CONSTRAINT TRIGGER audit_late AFTER INSERT ON audited
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reject_late();
    CREATE TABLE notes (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts);
    CREATE TABLE stores (id int PRIMARY KEY, manager_id int NOT NULL);
    CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL REFERENCES stores DEFERRABLE);
    ALTER TABLE stores ADD FOREIGN KEY (manager_id) REFERENCES staff DEFERRABLE;
"#;

/// A deferred trigger's refusal at COMMIT used to abort the whole run with nothing loaded and no
/// table blamed. Now every other table loads (the cycle's deferred back edge included) and the
/// refused one is skipped with a line naming the trigger.
#[tokio::test]
async fn a_deferred_trigger_s_refusal_skips_its_table_alone() {
    let db = TestDb::new().await;
    db.execute(DEFERRED_TRIGGER).await;
    let run = run_seed(&["--rows", "100"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let line = skip_line(&run, "public.audited");
    assert!(line.contains("audit_late") && line.contains("audit refused row"), "{line}");
    for table in ["accounts", "notes", "stores", "staff"] {
        assert!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await > 0, "{table} is empty");
    }
    assert_eq!(scalar(&db, "SELECT count(*) FROM audited").await, 0);
    revalidate_constraints(&db).await;
}

/// With `--strict` the same refusal fails the run (exit 3), naming the table and the trigger,
/// and nothing is loaded.
#[tokio::test]
async fn a_deferred_trigger_s_refusal_is_named_with_strict() {
    let db = TestDb::new().await;
    db.execute(DEFERRED_TRIGGER).await;
    let run = run_seed(&["--rows", "100", "--strict"], &db.url);
    assert_eq!(run.status.code(), Some(3), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.contains("audited") && stderr.contains("audit_late"), "{stderr}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM accounts").await, 0);
}

/// Bulk mode fires the deferred checks table by table too, so a refusal names its table and
/// trigger, not the run's COMMIT. On one connection the refusal rolled everything back, so a
/// `--rows` run starts again without that table: every other table loads, the refused one is
/// skipped alone (`--strict` stops, exit 3). `--jobs` commits its cleanup first, so it cannot
/// start again: it stops with exit 3, naming the table.
#[tokio::test]
async fn bulk_skips_the_table_a_deferred_trigger_refuses_and_jobs_name_it() {
    let db = TestDb::new().await;
    db.execute(DEFERRED_TRIGGER).await;
    let bulk = run_seed(&["--rows", "100", "--bulk"], &db.url);
    assert!(bulk.status.success(), "{}", bulk.stderr_text());
    let line = skip_line(&bulk, "public.audited");
    assert!(line.contains("audit_late"), "{line}");
    for table in ["accounts", "notes", "stores", "staff"] {
        assert!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await > 0, "{table} is empty");
    }
    revalidate_constraints(&db).await;

    let strict = TestDb::new().await;
    strict.execute(DEFERRED_TRIGGER).await;
    let run = run_seed(&["--rows", "100", "--bulk", "--strict"], &strict.url);
    assert_eq!(run.status.code(), Some(3), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.contains("loading table public.audited failed") && stderr.contains("audit_late"), "{stderr}");
    assert_eq!(scalar(&strict, "SELECT count(*) FROM accounts").await, 0);

    let jobs = TestDb::new().await;
    jobs.execute(DEFERRED_TRIGGER).await;
    let run = run_seed(&["--rows", "100", "--bulk", "--jobs", "2"], &jobs.url);
    assert_eq!(run.status.code(), Some(3), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.contains("loading table public.audited failed") && stderr.contains("audit refused row"), "{stderr}");
    assert_eq!(scalar(&jobs, "SELECT count(*) FROM accounts").await, 0);
}

/// Tables that held rows and are refused each cost a load from the start (skipping one must keep
/// its rows, which the cleanup emptied): bounded at `MAX_RELOADS`, after which the run stops and
/// names every table refused so far. Fewer such tables are each skipped, their rows kept.
#[tokio::test]
async fn reloads_are_bounded_and_name_what_was_refused() {
    let db = TestDb::new().await;
    let held = |count: usize| {
        format!(
            "CREATE FUNCTION never(x text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RETURN false; END $$;
             CREATE TABLE fine (id int PRIMARY KEY);
             DO $$ BEGIN FOR i IN 1..{count} LOOP
                 EXECUTE format('CREATE TABLE held_%s (id int PRIMARY KEY, x text NOT NULL)', i);
                 EXECUTE format('INSERT INTO held_%s VALUES (1, %L)', i, 'kept');
                 EXECUTE format('ALTER TABLE held_%s ADD CONSTRAINT held_%s_never CHECK (never(x)) NOT VALID', i, i);
             END LOOP; END $$;"
        )
    };
    db.execute(&held(3)).await;
    let run = run_seed(&["--rows", "20"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    for i in 1..=3 {
        assert!(skip_line(&run, &format!("public.held_{i}")).contains(&format!("held_{i}_never")));
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM held_{i}")).await, 1, "held_{i} keeps its row");
    }
    assert_eq!(scalar(&db, "SELECT count(*) FROM fine").await, 20);

    let many = TestDb::new().await;
    many.execute(&held(seed::run::MAX_RELOADS + 1)).await;
    let run = run_seed(&["--rows", "20"], &many.url);
    assert_eq!(run.status.code(), Some(3), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.contains(&format!("gave up after {} loads", seed::run::MAX_RELOADS)), "{stderr}");
    let named = (1..=seed::run::MAX_RELOADS + 1).filter(|i| stderr.contains(&format!("held_{i}_never"))).count();
    assert_eq!(named, seed::run::MAX_RELOADS, "each refused table is named once: {stderr}");
    assert_eq!(scalar(&many, "SELECT count(*) FROM held_1").await, 1, "nothing was written");
}

/// A trigger that raises unless `app.current_tenant` is set, and writes it into each row.
const TENANT_SETTING: &str = r#"
    CREATE FUNCTION require_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('app.current_tenant', true) IS NULL
           OR current_setting('app.current_tenant', true) = '' THEN
            RAISE EXCEPTION 'app.current_tenant is not set';
        END IF;
        NEW.owner := current_setting('app.current_tenant');
        RETURN NEW;
    END $$;
    CREATE TABLE tenants (id int PRIMARY KEY);
    CREATE TABLE docs (
        id int PRIMARY KEY,
        tenant_id int NOT NULL REFERENCES tenants,
        owner text NOT NULL);
    CREATE TRIGGER tenant_required BEFORE INSERT ON docs FOR EACH ROW EXECUTE FUNCTION require_tenant();
"#;

/// `--set` puts a setting the schema reads on the run's connections: in the transaction, and on
/// every `--jobs` connection. Without it the trigger refuses the table (skipped alone).
#[tokio::test]
async fn set_gives_the_schema_the_settings_it_reads() {
    let db = TestDb::new().await;
    db.execute(TENANT_SETTING).await;
    let without = run_seed(&["--rows", "20"], &db.url);
    assert!(skip_line(&without, "public.docs").contains("app.current_tenant is not set"), "{}", without.stderr_text());
    for jobs in ["1", "2"] {
        let run = run_seed(&["--rows", "20", "--set", "app.current_tenant=7", "--jobs", jobs], &db.url);
        assert!(run.status.success(), "--jobs {jobs}: {}", run.stderr_text());
        assert!(!run.stderr_text().contains("skipped"), "--jobs {jobs}: {}", run.stderr_text());
        assert_eq!(scalar(&db, "SELECT count(*) FROM docs WHERE owner = '7'").await, 20, "--jobs {jobs}");
    }
}

/// A profile's `[settings]` do the same, and `--set` wins over them.
#[tokio::test]
async fn a_profile_s_settings_are_set_and_set_wins() {
    let db = TestDb::new().await;
    db.execute(TENANT_SETTING).await;
    let text = "schemas = [\"public\"]\n[defaults]\nrows = 10\n[settings]\n\"app.current_tenant\" = \"3\"\n";
    let (_folder, path) = write_profile("tenant", text);
    let run = run_seed(&["--profile", &path], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM docs WHERE owner = '3'").await, 10);
    let run = run_seed(&["--profile", &path, "--set", "app.current_tenant=4"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM docs WHERE owner = '4'").await, 10);
}

/// A name that cannot be a setting is refused before anything connects (exit 2), in a flag and
/// in a profile (with its line).
#[tokio::test]
async fn bad_setting_names_are_refused() {
    let run = run_seed(&["--rows", "5", "--set", "app.current-tenant=1"], "postgres://nobody@127.0.0.1:1/none");
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr_text());
    assert!(run.stderr_text().contains("not a setting name"), "{}", run.stderr_text());
    let (_folder, path) = write_profile("bad", "[settings]\n\"app tenant\" = \"1\"\n");
    let run = run_seed(&["--profile", &path], "postgres://nobody@127.0.0.1:1/none");
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.contains("not a setting name") && stderr.contains("bad.toml:2"), "{stderr}");
}

/// A trigger that keeps `projects.issue_count` up to date, and more issues than projects (so a
/// `--jobs` load, biggest chunks first, used to copy the issues before or beside their projects).
const COUNTING_TRIGGER: &str = r#"
    CREATE TABLE projects (id int PRIMARY KEY, issue_count int NOT NULL DEFAULT 0);
    CREATE TABLE issues (id int PRIMARY KEY, project_id int NOT NULL REFERENCES projects);
    CREATE FUNCTION count_issue() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE projects SET issue_count = issue_count + 1 WHERE id = NEW.project_id; RETURN NEW; END $$;
    CREATE TRIGGER counted AFTER INSERT ON issues FOR EACH ROW EXECUTE FUNCTION count_issue();
    CREATE TABLE labels (id int PRIMARY KEY, name text NOT NULL);
"#;

/// With `--jobs 2` the trigger's counts used to be lost (the issues were copied while their
/// projects were not there yet, or the projects' frozen COPY truncated them again): now the
/// tables with triggers load in plan order and the data is the same as without `--jobs`.
#[tokio::test]
async fn triggers_keep_their_effect_with_jobs() {
    let db = TestDb::new().await;
    db.execute(COUNTING_TRIGGER).await;
    let text = "schemas = [\"public\"]\n[tables.projects]\nrows = 50\n[tables.issues]\nrows = 2000\n";
    let (_folder, path) = write_profile("counts", text);
    let run = run_seed(&["--profile", &path], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let expected = crate::support::checksums_in(&db, &["public"]).await;
    for attempt in 0..3 {
        let run = run_seed(&["--profile", &path, "--jobs", "2"], &db.url);
        assert!(run.status.success(), "{}", run.stderr_text());
        let sums = crate::support::checksums_in(&db, &["public"]).await;
        assert_eq!(sums, expected, "--jobs 2, attempt {attempt}");
    }
    revalidate_constraints(&db).await;
}

/// A trigger calling an unqualified function that lives in a schema outside the session's
/// search_path (the application's role would set it).
const FUNCTION_ELSEWHERE: &str = r#"
    CREATE SCHEMA util;
    CREATE FUNCTION util.fold_code(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower($1)';
    CREATE FUNCTION normalize_code() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.code := fold_code(NEW.code); RETURN NEW; END $$;
    CREATE TABLE items (id int PRIMARY KEY, code text NOT NULL);
    CREATE TRIGGER normalized BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION normalize_code();
    CREATE TABLE plain (id int PRIMARY KEY);
"#;

/// The refusal says which schema holds the function and how to give seed that search_path; with
/// it (`--set search_path=...`) the table loads. `--strict` fails (exit 3) with the same advice.
#[tokio::test]
async fn a_function_outside_the_search_path_is_found_and_the_fix_named() {
    let db = TestDb::new().await;
    db.execute(FUNCTION_ELSEWHERE).await;
    let run = run_seed(&["--rows", "20"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let line = skip_line(&run, "public.items");
    assert!(line.contains("function fold_code is in schema util"), "{line}");
    assert!(line.contains("--set 'search_path=") && line.contains("PGOPTIONS") && line.contains("options="), "{line}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM plain").await, 20);
    let strict = run_seed(&["--rows", "20", "--strict"], &db.url);
    assert_eq!(strict.status.code(), Some(3), "{}", strict.stderr_text());
    assert!(strict.stderr_text().contains("function fold_code is in schema util"), "{}", strict.stderr_text());
    let fixed = run_seed(&["--rows", "20", "--set", "search_path=public, util"], &db.url);
    assert!(fixed.status.success() && !fixed.stderr_text().contains("skipped"), "{}", fixed.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM items WHERE code = lower(code)").await, 20);
}
