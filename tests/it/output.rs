//! What a run shows its user when stderr is not a terminal (CI, pipes): plain lines, and the ones
//! that `--quiet` must not hide.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use sqlx::Connection;

use crate::support::{TestDb, run_seed, scalar, seed_command};

/// A schema with one table `--rows` must skip at plan time: its unique index is made only of an
/// expression seed cannot keep apart.
const ONE_SKIPPED: &str = "
    CREATE TABLE kept (id int PRIMARY KEY);
    CREATE TABLE tags (id int PRIMARY KEY, tag text NOT NULL);
    CREATE UNIQUE INDEX tags_initial ON tags (left(tag, 1));
";

/// `--quiet` hides progress, not the tables a run left out (issue 10, item 3): a quiet run that
/// skipped a table and exited 0 looked like a complete one. `seed plan --json` carries them too.
#[tokio::test]
async fn quiet_still_names_the_skipped_tables() {
    let db = TestDb::new().await;
    db.execute(ONE_SKIPPED).await;
    let run = run_seed(&["--rows", "50", "-q"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let stderr = run.stderr_text();
    assert!(stderr.lines().any(|l| l.starts_with("skipped public.tags: ")), "{stderr}");
    assert!(!stderr.contains("public.kept"), "quiet shows no progress: {stderr}");

    let plan = run_seed(&["plan", "--rows", "50", "--json", "-q"], &db.url);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("plan JSON");
    let skipped = json["skipped"].as_array().expect("skipped");
    assert!(skipped.iter().any(|s| s["table"] == "public.tags" && s["reason"].as_str().is_some()), "{json}");
}

/// A table the profile itself leaves out (`skip = true`) is no surprise: `--quiet` keeps quiet
/// about it (a profile skipping a dozen tables printed a dozen lines on every quiet run), and a
/// run without `--quiet` still lists it.
#[tokio::test]
async fn quiet_says_nothing_of_the_tables_the_profile_skips() {
    let db = TestDb::new().await;
    db.execute("CREATE SCHEMA app; CREATE TABLE app.kept (id int PRIMARY KEY); CREATE TABLE app.audit (id int);").await;
    let folder = crate::support::temp_folder("requested_skip");
    let profile = folder.join("p.toml");
    std::fs::write(&profile, "schemas = [\"app\"]\n[tables.\"app.audit\"]\nskip = true\n").expect("profile");
    let profile = profile.to_string_lossy().into_owned();
    let quiet = run_seed(&["--profile", &profile, "-q"], &db.url);
    assert!(quiet.status.success(), "{}", quiet.stderr_text());
    assert!(!quiet.stderr_text().contains("skipped"), "quiet: {}", quiet.stderr_text());
    let loud = run_seed(&["--profile", &profile], &db.url);
    assert!(
        loud.stderr_text().lines().any(|l| l.starts_with("skipped app.audit: `skip = true`")),
        "{}",
        loud.stderr_text()
    );
}

/// A run that is not on a terminal tells its steps in plain lines: each table with whole rows per
/// second, each step after the COPYs as it starts (bulk mode: indexes, foreign keys, sequences,
/// statistics), and the summary. No bar, no carriage return, no escape sequence.
#[tokio::test]
async fn plain_lines_name_every_step_after_the_copies() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE t (id int PRIMARY KEY, name text UNIQUE); CREATE TABLE u (id serial PRIMARY KEY, t_id int REFERENCES t);")
        .await;
    let run = run_seed(&["--rows", "300", "--bulk"], &db.url);
    let stderr = run.stderr_text();
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "plain lines only: {stderr:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    let at = |prefix: &str| {
        lines.iter().position(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no `{prefix}`: {stderr}"))
    };
    let steps = [
        at("  public.u "),
        at("  rebuilding 3 indexes"),
        at("  re-adding 1 foreign key"),
        at("  moving sequences"),
        at("  analyzing 2 tables"),
        at("loaded 600 rows in "),
    ];
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "in the order they run: {stderr}");
    for line in lines.iter().filter(|l| l.contains("rows/s")) {
        let rate = line.split(" rows/s").next().and_then(|l| l.rsplit([' ', '(']).next()).unwrap_or_default();
        assert!(rate.parse::<u64>().is_ok(), "a rate in whole rows per second: {line}");
    }
}

/// Issue 10, item 13: a run behind another session's lock said nothing. After a second it names
/// the table and the backend holding the lock, says that it waits, and goes on once the lock is
/// released; its summary counts the wait (the run's wall time, not the load's).
#[tokio::test]
async fn a_run_waiting_for_a_lock_names_the_table_and_the_backend_holding_it() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE locked (id int PRIMARY KEY)").await;
    let mut holder = db.connect().await;
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut holder).await.expect("pid");
    let mut lock = holder.begin().await.expect("begin");
    sqlx::raw_sql("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE").execute(&mut *lock).await.expect("lock");

    let (mut child, lines) = spawn_seed(&["--rows", "10"], &db.url);
    let wait = first_line(&lines, |l| l.starts_with("waiting for a lock on public.locked"));
    lock.rollback().await.expect("release the lock");
    let wait = wait.unwrap_or_else(|| panic!("no lock-wait line; the run ended with {:?}", child.wait()));
    assert!(wait.contains(&format!("backend {pid} ")) && wait.contains("idle in transaction"), "{wait}");
    assert!(wait.contains("seed waits") && wait.contains("--lock-timeout"), "{wait}");

    assert!(child.wait().expect("wait").success(), "the run goes on once the lock is released");
    let rest: Vec<String> = lines.iter().collect();
    let summary = rest.iter().find(|l| l.starts_with("loaded ")).expect("summary");
    let seconds: f64 = summary
        .split(" rows in ")
        .nth(1)
        .and_then(|s| s.split('s').next())
        .and_then(|s| s.parse().ok())
        .expect(summary);
    // The wait line comes only after a second of waiting, and the lock was released after it.
    assert!(seconds >= 1.0, "the summary's time includes the wait: {summary}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM locked").await, 10);
}

/// `--lock-timeout`: the server gives up waiting and the run fails with exit 3, changing nothing.
#[tokio::test]
async fn lock_timeout_gives_up_on_a_held_lock() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE locked (id int PRIMARY KEY); INSERT INTO locked VALUES (-1);").await;
    let mut holder = db.connect().await;
    let mut lock = holder.begin().await.expect("begin");
    sqlx::raw_sql("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE").execute(&mut *lock).await.expect("lock");
    let run = run_seed(&["--rows", "10", "--lock-timeout", "200ms"], &db.url);
    lock.rollback().await.expect("release the lock");
    let stderr = run.stderr_text();
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("lock timeout"), "{stderr}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM locked").await, 1, "nothing changed");
}

/// `seed` with `args`, its stderr read line by line on a thread of its own.
fn spawn_seed(args: &[&str], url: &str) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = seed_command(args, url).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("spawn seed");
    let stderr = child.stderr.take().expect("stderr");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).try_for_each(|l| send.send(l)));
    (child, receive)
}

/// The first line that `wanted` accepts; `None` if the output ends (or a minute passes) first.
fn first_line(lines: &mpsc::Receiver<String>, wanted: impl Fn(&str) -> bool) -> Option<String> {
    std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(60)).ok()).find(|l| wanted(l))
}
