//! Where `seed` connects, as documented: `--database-url`, else `DATABASE_URL`, else `DATABASE_URL`
//! from a `.env` in the current folder (never a parent's), else libpq's `PG*` variables.
//!
//! Each case runs `seed plan` (it connects, reads and writes nothing) from a temporary folder,
//! with every other source pointing at a database that does not exist: the run succeeds only if
//! the source that should win is the one used.

use std::path::Path;

use crate::support::{SeedOutput, TestDb, run_seed, temp_folder};

const MISSING: &str = "postgres://postgres@127.0.0.1:5432/seed_no_such_database";

/// The libpq variables that reach the test database (the local server, trust auth).
fn pg_variables(db: &TestDb) -> Vec<(&'static str, String)> {
    vec![
        ("PGHOST", "127.0.0.1".into()),
        ("PGPORT", "5432".into()),
        ("PGUSER", "postgres".into()),
        ("PGDATABASE", db.name.clone()),
    ]
}

/// `seed plan --profile <minimal by path> [args]` from `dir`, with only `env` set among the
/// connection variables.
fn plan_in(dir: &Path, args: &[&str], env: &[(&str, String)]) -> SeedOutput {
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/minimal.toml");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_seed"));
    command.arg("plan").arg("--profile").arg(profile).args(args).current_dir(dir);
    for name in ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"] {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let output = command.output().expect("run seed");
    SeedOutput { status: output.status, stdout: output.stdout, stderr: output.stderr }
}

fn assert_ok(output: &SeedOutput, case: &str) {
    assert!(output.status.success(), "{case}: {}", output.stderr_text());
}

#[tokio::test]
async fn the_flag_wins_over_every_other_source() {
    let db = TestDb::new().await;
    let dir = temp_folder("conn-flag");
    std::fs::write(dir.join(".env"), format!("DATABASE_URL={MISSING}\n")).expect("write .env");
    let mut env = vec![("DATABASE_URL", MISSING.to_string())];
    env.extend(pg_variables(&db).into_iter().map(|(k, _)| (k, "seed_no_such_database".to_string())));
    assert_ok(&plan_in(&dir, &["--database-url", &db.url], &env), "--database-url");
}

#[tokio::test]
async fn database_url_wins_over_dot_env_and_pg_variables() {
    let db = TestDb::new().await;
    let dir = temp_folder("conn-env");
    std::fs::write(dir.join(".env"), format!("DATABASE_URL={MISSING}\n")).expect("write .env");
    let env = vec![("DATABASE_URL", db.url.clone()), ("PGDATABASE", "seed_no_such_database".to_string())];
    assert_ok(&plan_in(&dir, &[], &env), "DATABASE_URL");
}

#[tokio::test]
async fn dot_env_wins_over_pg_variables() {
    let db = TestDb::new().await;
    let dir = temp_folder("conn-dotenv");
    std::fs::write(dir.join(".env"), format!("# the dev database\nDATABASE_URL={}\n", db.url)).expect("write .env");
    let env = vec![("PGDATABASE", "seed_no_such_database".to_string())];
    assert_ok(&plan_in(&dir, &[], &env), ".env");
}

#[tokio::test]
async fn pg_variables_are_used_when_nothing_else_is_set() {
    let db = TestDb::new().await;
    let dir = temp_folder("conn-pg");
    assert_ok(&plan_in(&dir, &[], &pg_variables(&db)), "PG* variables");
}

#[tokio::test]
async fn a_dot_env_in_a_parent_folder_is_not_read() {
    let db = TestDb::new().await;
    let dir = temp_folder("conn-parent");
    std::fs::write(dir.join(".env"), format!("DATABASE_URL={}\n", db.url)).expect("write .env");
    let child = dir.join("app");
    std::fs::create_dir_all(&child).expect("child folder");
    let env = vec![
        ("PGHOST", "127.0.0.1".to_string()),
        ("PGUSER", "postgres".to_string()),
        ("PGDATABASE", "seed_no_such_database".to_string()),
    ];
    let output = plan_in(&child, &[], &env);
    assert_eq!(output.status.code(), Some(3), "the parent's .env was used: {}", output.stderr_text());
    assert!(output.stderr_text().contains("seed_no_such_database"), "{}", output.stderr_text());
}

/// An unclosed quote used to pull the next line into the value (a database name with a newline,
/// exit 3): it is a malformed `.env`, named with its line, and the password is not echoed.
#[tokio::test]
async fn a_malformed_dot_env_is_an_error_not_ignored() {
    let dir = temp_folder("conn-malformed");
    for text in
        ["DATABASE_URL='postgres://u:s3cret@h/unclosed\n", "DATABASE_URL=\"postgres://u:s3cret@h/db\nPGUSER=me\n"]
    {
        std::fs::write(dir.join(".env"), text).expect("write .env");
        let output = plan_in(&dir, &[], &[]);
        let stderr = output.stderr_text();
        assert_eq!(output.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(".env line 1:") && stderr.contains("quote"), "{text}: {stderr}");
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
}

/// Issue 10, item 5. A one-letter password was scrubbed inside words ("c***nnecti***n refused"),
/// which mangled the message and showed where its letter stood; an unencoded `p@Zq/W9rd` in a URL
/// was read as host `Zq` and printed pieces of the password. Now the password is scrubbed only as
/// a token, and such a URL is refused before connecting (exit 2) with how to encode it.
#[tokio::test]
async fn passwords_are_scrubbed_as_tokens_and_a_broken_user_info_is_refused() {
    let refused = run_seed(&["plan", "--rows", "1"], "postgres://u:o@127.0.0.1:1/db");
    let message = refused.stderr_text();
    assert_eq!(refused.status.code(), Some(3), "{message}");
    assert!(message.contains("connection refused") && !message.contains("***"), "{message}");

    let broken = run_seed(&["plan", "--rows", "1"], "postgres://u:p@Zq/W9rd@127.0.0.1:1/db");
    let message = broken.stderr_text();
    assert_eq!(broken.status.code(), Some(2), "{message}");
    assert!(message.contains("percent-encoded") && message.contains("%40"), "{message}");
    assert!(!message.contains("Zq") && !message.contains("W9rd"), "{message}");
}
