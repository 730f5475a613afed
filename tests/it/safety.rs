//! Nothing lost, nothing wrongly touched (issue 5): a run killed, interrupted or cut off changes
//! nothing; cleanup stays inside the profile unless `--cascade`; a remote host or a database other
//! than the profile's is refused before connecting; passwords never show; identifiers are quoted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, Row};

use crate::bulk::{catalogs, wait_for_record};
use crate::support::{
    SeedOutput, TempFolder, TestDb, checksums_in, run_seed, scalar, seed_command, table_checksums, temp_folder,
};

/// A `seed` run in the background; its stderr lines arrive on a channel as it writes them.
pub(crate) struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    pub(crate) fn start(args: &[&str], url: &str) -> Running {
        let mut child = seed_command(args, url).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("spawn");
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines, seen: Vec::new() }
    }

    /// Waits until `count` stderr lines satisfy `matches`; false if the run ended first.
    fn wait_for_lines(&mut self, count: usize, matches: impl Fn(&str) -> bool) -> bool {
        while self.seen.iter().filter(|l| matches(l)).count() < count {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => self.seen.push(line),
                Err(_) => return false,
            }
        }
        true
    }

    pub(crate) fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// [`Running::finish`], or None (the process killed) if it is still running after `limit`.
    fn finish_within(mut self, limit: Duration) -> Option<(ExitStatus, String)> {
        let started = Instant::now();
        while self.child.try_wait().expect("try_wait").is_none() {
            if started.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(self.finish())
    }

    /// Waits for the process; returns its status and everything it wrote to stderr.
    pub(crate) fn finish(mut self) -> (ExitStatus, String) {
        let status = self.child.wait().expect("wait");
        self.seen.extend(self.lines.iter());
        (status, self.seen.join("\n"))
    }
}

/// The pid of the backend serving `seed` in `db` once it runs a COPY.
async fn backend_in_copy(db: &TestDb) -> i32 {
    backend_running(db, "COPY ").await.unwrap_or_else(|| panic!("seed never ran a COPY in {}", db.name))
}

/// A database holding the `minimal` profile's rows, and their checksums.
type Checksums = std::collections::BTreeMap<String, (i64, String)>;

async fn loaded_minimal() -> (TestDb, Checksums) {
    let db = TestDb::new().await;
    let output = run_seed(&["--profile", "minimal"], &db.url);
    assert!(output.status.success(), "minimal failed: {}", output.stderr_text());
    let sums = table_checksums(&db).await;
    (db, sums)
}

/// Where a run is killed: points the test observes or holds the run at, never a delay (a release
/// build ends a `dev` load before a delay a debug build needs).
enum KillPoint {
    /// Waiting to lock the tables for the cleanup, which a transaction of the test holds up.
    CleanupWaits,
    FirstCopy,
    /// While the COPY of a given table runs.
    CopyOf(&'static str),
    TablesDone(usize),
    /// Moving the sequences, the last step before the commit, which the test holds up.
    MovingSequences,
}

/// A transaction of the test holding up the run where a point needs it; rolled back when done.
async fn hold_for(db: &TestDb, point: &KillPoint) -> Option<sqlx::PgConnection> {
    let sql = match point {
        KillPoint::CleanupWaits => "BEGIN; LOCK TABLE creator.users IN ACCESS SHARE MODE",
        // `ALTER SEQUENCE` locks out the run's own `ALTER SEQUENCE ... RESTART` until it ends.
        KillPoint::MovingSequences => "BEGIN; ALTER SEQUENCE creator.projects_id_seq CACHE 1",
        _ => return None,
    };
    let mut conn = db.connect().await;
    sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
    Some(conn)
}

/// Returns once the run has reached `point`; with the test's hold, it cannot get past it.
async fn reach(db: &TestDb, run: &mut Running, point: &KillPoint) {
    match point {
        KillPoint::CleanupWaits => assert!(backend_waiting(db, "").await.is_some(), "the cleanup never waited"),
        KillPoint::FirstCopy => drop(backend_in_copy(db).await),
        KillPoint::CopyOf(table) => {
            assert!(backend_running(db, &format!("COPY {table}")).await.is_some(), "no COPY of {table}")
        }
        KillPoint::TablesDone(n) => assert!(run.wait_for_lines(*n, |l| l.ends_with(" MB")), "{n} tables never done"),
        KillPoint::MovingSequences => {
            let prefix = r#"ALTER SEQUENCE "creator"."projects_id_seq""#;
            assert!(backend_waiting(db, prefix).await.is_some(), "the run never moved the sequence")
        }
    }
}

#[tokio::test]
async fn sigkill_at_any_point_of_a_load_changes_no_table() {
    let (db, before) = loaded_minimal().await;
    let points = [
        KillPoint::CleanupWaits,
        KillPoint::FirstCopy,
        KillPoint::TablesDone(10),
        KillPoint::CopyOf(r#""creator"."content""#),
        KillPoint::TablesDone(40),
        KillPoint::MovingSequences,
    ];
    for (i, point) in points.iter().enumerate() {
        let hold = hold_for(&db, point).await;
        let mut run = Running::start(&["--profile", "dev"], &db.url);
        reach(&db, &mut run, point).await;
        run.child.kill().expect("SIGKILL");
        let (status, stderr) = run.finish();
        if let Some(mut conn) = hold {
            sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.expect("rollback");
        }
        assert_eq!(status.signal(), Some(9), "point {i}: seed ended before the kill: {stderr}");
        assert_eq!(before, table_checksums(&db).await, "point {i}: a killed run must change nothing");
    }
}

#[tokio::test]
async fn a_backend_terminated_mid_copy_changes_nothing_and_says_so() {
    let (db, before) = loaded_minimal().await;
    let run = Running::start(&["--profile", "dev"], &db.url);
    let pid = backend_in_copy(&db).await;
    let mut conn = db.connect().await;
    let ended: bool =
        sqlx::query("SELECT pg_terminate_backend($1)").bind(pid).fetch_one(&mut conn).await.expect("terminate").get(0);
    assert!(ended);
    let (status, stderr) = run.finish();
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("the connection to the server was lost"), "{stderr}");
    assert!(stderr.contains("Nothing was committed"), "{stderr}");
    assert_eq!(before, table_checksums(&db).await);
}

/// Sends `signal` to a transactional run mid-load: it rolls back, exits with `code` and one line
/// containing `word`.
async fn signal_rolls_back(signal: &str, code: i32, word: &str) {
    let (db, before) = loaded_minimal().await;
    let mut run = Running::start(&["--profile", "dev"], &db.url);
    assert!(run.wait_for_lines(5, |l| l.ends_with(" MB")), "the load never started");
    run.signal(signal);
    let (status, stderr) = run.finish();
    assert_eq!(status.code(), Some(code), "{stderr}");
    let messages: Vec<&str> = stderr.lines().filter(|l| l.starts_with("seed:")).collect();
    assert_eq!(messages.len(), 1, "{stderr}");
    assert!(messages[0].contains(word) && messages[0].contains("nothing was committed"), "{stderr}");
    assert_eq!(before, table_checksums(&db).await);
}

/// Planning is pure work that can take a while (here a fan-out visiting 3 x 10^8 parent rows):
/// Ctrl-C still ends the run at once, with exit 130.
#[tokio::test]
async fn ctrl_c_is_honoured_during_long_planning() {
    let db = TestDb::new().await;
    let run = Running::start(&["plan", "--profile", "minimal", "--scale", "3e7"], &db.url);
    let mut conn = db.connect().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    // Planning: the run's transaction waits, idle, for more than a second.
    let planning = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'seed' \
                    AND state = 'idle in transaction' AND now() - state_change > interval '1 second'";
    while sqlx::query_scalar::<_, i64>(planning).bind(&db.name).fetch_one(&mut conn).await.expect("activity") == 0 {
        assert!(Instant::now() < deadline, "the run never started planning");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    run.signal("INT");
    let (status, stderr) = run.finish_within(Duration::from_secs(5)).expect("Ctrl-C was ignored while planning");
    assert_eq!(status.code(), Some(130), "{stderr}");
}

/// A role that may TRUNCATE but not DELETE the profile's tables still gets its run: the dev
/// loop's `DELETE` shortcut (load::empty) steps aside for the `TRUNCATE` the role may run.
#[tokio::test]
async fn a_role_without_delete_privilege_still_cleans_with_truncate() {
    let db = TestDb::new().await;
    let role = format!("seed_truncate_only_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&crate::support::admin_url()).await.expect("admin");
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN")))
        .await
        .expect("role");
    db.execute(&format!(
        "CREATE SCHEMA p; CREATE TABLE p.a (id int PRIMARY KEY, name text);
         CREATE TABLE p.b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES p.a);
         INSERT INTO p.a VALUES (1, 'old'); INSERT INTO p.b VALUES (1, 1);
         GRANT USAGE ON SCHEMA p TO {role}; GRANT SELECT, INSERT, TRUNCATE ON p.a, p.b TO {role};"
    ))
    .await;
    let dir = temp_folder("truncate_only");
    std::fs::write(dir.join("p.toml"), "schemas = [\"p\"]\n[defaults]\nrows = 4\n").expect("profile");
    let url = db.url.replacen("postgres@", &format!("{role}@"), 1);
    let output = run_seed(&["--quiet", "--profile", &dir.join("p.toml").display().to_string()], &url);
    db.execute(&format!("DROP OWNED BY {role}")).await;
    let _ = admin.execute(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {role}"))).await;
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM p.b").await, 4);
}

#[tokio::test]
async fn ctrl_c_rolls_back_and_exits_130_with_one_line() {
    signal_rolls_back("INT", 130, "interrupted").await;
}

#[tokio::test]
async fn sigterm_rolls_back_like_ctrl_c_and_exits_143() {
    signal_rolls_back("TERM", 143, "terminated").await;
}

const SCHEMAS: [&str; 3] = ["creator", "story", "episode"];

/// After an interrupted `--jobs` run, the message says which state the tables are in, and it is
/// that state: as before the run, or emptied again. Every index and constraint is back either way.
async fn assert_told_the_truth(db: &TestDb, before: &Checksums, catalog: &[String], stderr: &str) {
    let messages: Vec<&str> = stderr.lines().filter(|l| l.starts_with("seed:")).collect();
    assert_eq!(messages.len(), 1, "{stderr}");
    let data = checksums_in(db, &SCHEMAS).await;
    if messages[0].contains("nothing was committed") {
        assert_eq!(&data, before, "the message says nothing changed: {stderr}");
    } else {
        assert!(messages[0].contains("emptied again"), "the message says what the tables hold: {stderr}");
        assert!(data.values().all(|(rows, _)| *rows == 0), "the message says emptied: {data:?}");
    }
    assert_eq!(catalogs(db, &SCHEMAS).await, catalog, "every index and constraint is back: {stderr}");
}

/// Where Ctrl-C reaches a `--jobs` run around the commit of its cleanup (observed, never a delay).
enum AroundCleanup {
    /// Before the commit: the cleanup waits for a lock the test holds.
    Waiting,
    /// As soon as the run says it cleaned: the commit may be in flight.
    Cleaned,
    /// Once the committed record of the cleanup is visible.
    Committed,
    FirstCopy,
}

#[tokio::test]
async fn ctrl_c_around_a_parallel_cleanup_keeps_every_index_and_says_what_the_tables_hold() {
    let (db, _) = loaded_minimal().await;
    let before = checksums_in(&db, &SCHEMAS).await;
    let catalog = catalogs(&db, &SCHEMAS).await;
    for point in [AroundCleanup::Waiting, AroundCleanup::Cleaned, AroundCleanup::Committed, AroundCleanup::FirstCopy] {
        let output = run_seed(&["--profile", "minimal", "--no-bulk"], &db.url);
        assert!(output.status.success(), "{}", output.stderr_text());
        let hold = match point {
            AroundCleanup::Waiting => hold_for(&db, &KillPoint::CleanupWaits).await,
            _ => None,
        };
        let mut run = Running::start(&["--profile", "dev", "--jobs", "2"], &db.url);
        match point {
            AroundCleanup::Waiting => reach(&db, &mut run, &KillPoint::CleanupWaits).await,
            AroundCleanup::Cleaned => assert!(run.wait_for_lines(1, |l| l.starts_with("cleaned")), "no cleanup"),
            AroundCleanup::Committed => wait_for_record(&db).await,
            AroundCleanup::FirstCopy => reach(&db, &mut run, &KillPoint::FirstCopy).await,
        }
        run.signal("INT");
        if let Some(mut conn) = hold {
            sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.expect("rollback");
        }
        let (status, stderr) = run.finish();
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert_told_the_truth(&db, &before, &catalog, &stderr).await;
    }
    assert_eq!(scalar(&db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'seed_recovery'").await, 0);
}

/// A database holding `minimal`, its checksums and catalog, and what a `--jobs 2` run of `dev` did
/// when `signal` came mid-load: its exit status and stderr.
async fn stop_parallel_load(signal: &str) -> (TestDb, Checksums, Vec<String>, ExitStatus, String) {
    let (db, _) = loaded_minimal().await;
    let before = checksums_in(&db, &SCHEMAS).await;
    let catalog = catalogs(&db, &SCHEMAS).await;
    let mut run = Running::start(&["--profile", "dev", "--jobs", "2"], &db.url);
    assert!(run.wait_for_lines(3, |l| l.ends_with(" MB")), "the load never started");
    run.signal(signal);
    let (status, stderr) = run.finish();
    (db, before, catalog, status, stderr)
}

#[tokio::test]
async fn sigterm_mid_parallel_load_empties_the_tables_again_with_every_index_back() {
    let (db, before, catalog, status, stderr) = stop_parallel_load("TERM").await;
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("emptied again"), "{stderr}");
    assert_told_the_truth(&db, &before, &catalog, &stderr).await;
}

#[tokio::test]
async fn sigkill_mid_parallel_load_is_repaired_before_anything_else_touches_the_database() {
    let (db, before, catalog, status, stderr) = stop_parallel_load("KILL").await;
    assert_eq!(status.signal(), Some(9), "seed ended before the kill: {stderr}");
    assert_ne!(catalogs(&db, &SCHEMAS).await, catalog, "the kill came after the cleanup dropped the indexes");

    let plan = run_seed(&["plan", "--profile", "minimal"], &db.url);
    assert_eq!(plan.status.code(), Some(4), "plan never writes, so it refuses: {}", plan.stderr_text());
    assert!(
        plan.stderr_text().contains("interrupted") && plan.stderr_text().contains("seed clean"),
        "{}",
        plan.stderr_text()
    );

    let repair = run_seed(&["--profile", "minimal", "--no-bulk"], &db.url);
    assert!(repair.status.success(), "{}", repair.stderr_text());
    assert!(repair.stderr_text().contains("emptied again"), "the run says what it repaired: {}", repair.stderr_text());
    assert_eq!(catalogs(&db, &SCHEMAS).await, catalog, "every index and constraint is back");
    assert_eq!(checksums_in(&db, &SCHEMAS).await, before);
    assert_eq!(scalar(&db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'seed_recovery'").await, 0);
}

/// An outside schema: `audit.log` references `creator.users` and `audit.log_notes` references
/// `audit.log`, both with rows and serial ids; `audit.keep` references nothing.
const AUDIT: &str = "CREATE SCHEMA audit;
    CREATE TABLE audit.log (id serial PRIMARY KEY, user_id varchar(36) REFERENCES creator.users (id), note text);
    CREATE TABLE audit.log_notes (id serial PRIMARY KEY, log_id int REFERENCES audit.log (id));
    CREATE TABLE audit.keep (id serial PRIMARY KEY, note text);
    INSERT INTO audit.log (user_id, note) SELECT id, 'kept' FROM creator.users LIMIT 3;
    INSERT INTO audit.log_notes (log_id) SELECT id FROM audit.log;
    INSERT INTO audit.keep (note) VALUES ('a'), ('b');";

async fn sequence_state(db: &TestDb, sequence: &str) -> (i64, bool) {
    let mut conn = db.connect().await;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT last_value, is_called FROM {sequence}")))
        .fetch_one(&mut conn)
        .await
        .expect("sequence");
    (row.get(0), row.get(1))
}

#[tokio::test]
async fn an_outside_table_holding_rows_stops_the_run_unless_cascade() {
    let (db, before) = loaded_minimal().await;
    db.execute(AUDIT).await;
    let audit_before = checksums_in(&db, &["audit"]).await;
    let sequence_before = sequence_state(&db, "audit.log_id_seq").await;

    let refused = run_seed(&["--profile", "minimal", "--seed", "5"], &db.url);
    assert_eq!(refused.status.code(), Some(4), "{}", refused.stderr_text());
    assert!(refused.stderr_text().contains("audit.log"), "names the table: {}", refused.stderr_text());
    assert!(refused.stderr_text().contains("--cascade"), "says how to go on: {}", refused.stderr_text());
    assert_eq!(before, table_checksums(&db).await);
    assert_eq!(audit_before, checksums_in(&db, &["audit"]).await);
    let refused_clean = run_seed(&["clean", "--profile", "minimal"], &db.url);
    assert_eq!(refused_clean.status.code(), Some(4), "{}", refused_clean.stderr_text());
    assert_eq!(before, table_checksums(&db).await);

    let cascaded = run_seed(&["--profile", "minimal", "--seed", "5", "--cascade", "--quiet"], &db.url);
    assert!(cascaded.status.success(), "{}", cascaded.stderr_text());
    let message = cascaded.stderr_text();
    assert!(message.contains("audit.log") && message.contains("audit.log_notes"), "lists what was emptied: {message}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit.log").await, 0);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit.log_notes").await, 0);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit.keep").await, 2, "unrelated tables are untouched");
    assert_eq!(sequence_before, sequence_state(&db, "audit.log_id_seq").await, "outside sequences stay");
    assert_ne!(before, table_checksums(&db).await, "the run went ahead");
}

#[tokio::test]
async fn sequences_and_tables_outside_the_profile_are_untouched() {
    let (db, _) = loaded_minimal().await;
    db.execute("CREATE TABLE public.keep (id serial PRIMARY KEY, note text); INSERT INTO public.keep (note) SELECT 'x' FROM generate_series(1, 7);")
        .await;
    let outside = checksums_in(&db, &["public"]).await;
    for args in [&["--profile", "minimal", "--seed", "3"][..], &["clean", "--profile", "minimal"]] {
        let output = run_seed(args, &db.url);
        assert!(output.status.success(), "{}", output.stderr_text());
        assert_eq!(sequence_state(&db, "public.keep_id_seq").await, (7, true));
        assert_eq!(outside, checksums_in(&db, &["public"]).await);
    }
}

/// `load::fix_sequences` moves sequences with `ALTER SEQUENCE ... RESTART` (transactional), not
/// `setval` (which a rollback does not undo): a run that fails after it (here: a second sequence
/// whose MAXVALUE is too small) leaves the first sequence where it was, above the rows that are
/// back, so the application's next insert does not collide.
#[tokio::test]
async fn a_failed_run_leaves_sequences_as_they_were() {
    let db = TestDb::new().await;
    let dir = temp_folder("sequences");
    std::fs::write(
        dir.join("s.sql"),
        "CREATE SCHEMA sq; CREATE TABLE sq.a (id serial PRIMARY KEY, name text);
         CREATE SEQUENCE sq.b_seq MAXVALUE 3;
         CREATE TABLE sq.b (id int PRIMARY KEY DEFAULT nextval('sq.b_seq'), a_id int REFERENCES sq.a);",
    )
    .expect("ddl");
    let profile = |a: u64, b: u64| {
        format!("[schema]\nsq = \"s.sql\"\n[tables.\"sq.a\"]\nrows = {a}\n[tables.\"sq.b\"]\nrows = {b}\n")
    };
    std::fs::write(dir.join("big.toml"), profile(50, 2)).expect("profile");
    std::fs::write(dir.join("small.toml"), profile(3, 5)).expect("profile");
    let big = run_seed(&["--profile", &dir.join("big.toml").display().to_string()], &db.url);
    assert!(big.status.success(), "{}", big.stderr_text());
    let sequence = sequence_state(&db, "sq.a_id_seq").await;
    let failed = run_seed(&["--profile", &dir.join("small.toml").display().to_string()], &db.url);
    assert_eq!(failed.status.code(), Some(3), "{}", failed.stderr_text());
    assert_eq!(scalar(&db, "SELECT max(id)::int8 FROM sq.a").await, 50);
    assert_eq!(sequence, sequence_state(&db, "sq.a_id_seq").await, "the rollback must restore the sequence");
}

/// A sequence a table outside the profile also draws from only moves forward: moving it back to
/// the profile table's highest id would make the outside table's next insert collide.
#[tokio::test]
async fn a_sequence_shared_with_an_outside_table_only_moves_forward() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE SEQUENCE public.gid;
         CREATE TABLE public.other (id bigint PRIMARY KEY DEFAULT nextval('public.gid'), note text);
         INSERT INTO public.other (note) SELECT 'x' FROM generate_series(1, 1000);",
    )
    .await;
    let dir = temp_folder("shared_sequence");
    std::fs::write(
        dir.join("s.sql"),
        "CREATE SCHEMA sh; CREATE TABLE sh.a (id bigint PRIMARY KEY DEFAULT nextval('public.gid'), name text);",
    )
    .expect("ddl");
    std::fs::write(dir.join("p.toml"), "[schema]\nsh = \"s.sql\"\n[tables.\"sh.a\"]\nrows = 5\n").expect("profile");
    let output = run_seed(&["--quiet", "--profile", &dir.join("p.toml").display().to_string()], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert_eq!(sequence_state(&db, "public.gid").await, (1000, true), "the shared sequence stays ahead");
    db.execute("INSERT INTO public.other (note) VALUES ('next')").await;
    assert_eq!(scalar(&db, "SELECT max(id)::int8 FROM public.other").await, 1001);
    let plan = run_seed(&["plan", "--profile", &dir.join("p.toml").display().to_string()], &db.url);
    let text = plan.stdout_text();
    assert!(!text.contains("RESTART IDENTITY") && text.contains("only forward"), "the plan says what it does: {text}");
}

fn assert_no_password(output: &SeedOutput, secret: &str) {
    let all = format!("{}{}", output.stdout_text(), output.stderr_text());
    assert!(!all.contains(secret), "the password leaked: {all}");
}

/// `connect()` calls to an Internet address made by `seed` with `args`, traced by strace; None
/// when strace cannot trace here.
fn traced_connects(args: &[&str], url: &str) -> Option<Vec<String>> {
    let folder = temp_folder("strace");
    let trace = folder.join("trace.txt");
    let mut command = std::process::Command::new("strace");
    command.args(["-f", "-e", "trace=connect", "-o"]).arg(&trace).arg(env!("CARGO_BIN_EXE_seed"));
    let output = command
        .args(args)
        .args(["--database-url", url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATABASE_URL")
        .output()
        .ok()?;
    let text = std::fs::read_to_string(&trace).ok()?;
    output.status.code()?;
    Some(text.lines().filter(|l| l.contains("connect(") && l.contains("AF_INET")).map(str::to_string).collect())
}

#[tokio::test]
async fn a_remote_host_is_refused_before_any_connection_attempt() {
    let remote = "postgres://u:SECRET@10.255.255.1:5432/db";
    for args in [&["--profile", "minimal"][..], &["clean", "--profile", "minimal"], &["--rows", "3"]] {
        let started = Instant::now();
        let output = run_seed(args, remote);
        // A connection to this non-routable address would hang until the 30 s connect timeout;
        // returning well before it (any load on the machine) shows none was attempted.
        assert!(started.elapsed() < Duration::from_secs(15), "refused without waiting on the network");
        assert_eq!(output.status.code(), Some(4), "{}", output.stderr_text());
        let message = output.stderr_text();
        assert!(message.contains("10.255.255.1") && message.contains("--allow-remote"), "{message}");
        assert!(message.contains("Nothing was connected to"), "{message}");
        assert_no_password(&output, "SECRET");
    }
    // strace proves it: the refusal makes no connect() call, while a local target does.
    let local = traced_connects(&["--profile", "minimal"], "postgres://u:SECRET@127.0.0.1:1/db");
    match local {
        Some(calls) if !calls.is_empty() => {
            let refused = traced_connects(&["--profile", "minimal"], remote).expect("strace ran before");
            assert!(refused.is_empty(), "a refused run connected: {refused:?}");
        }
        _ => eprintln!("strace cannot trace here: relying on the elapsed time"),
    }
}

#[tokio::test]
async fn allowing_remote_hosts_lets_the_run_try() {
    let remote = "postgres://u:SECRET@10.255.255.1:5432/db";
    let mut command = seed_command(&["--profile", "minimal", "--allow-remote"], remote);
    let output = command.env("PGCONNECT_TIMEOUT", "2").output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "a connection was attempted (and failed): {stderr}");
    assert!(stderr.contains("cannot connect to postgres://u@10.255.255.1:5432/db"), "{stderr}");
    assert!(!stderr.contains("SECRET"), "{stderr}");

    let dir = temp_folder("allow-remote");
    let path = dir.join("remote.toml");
    let minimal = format!("{}/profiles/minimal.toml", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, format!("extends = \"{minimal}\"\nallow_remote = true\n")).expect("profile");
    let mut command = seed_command(&["--profile", &path.display().to_string()], remote);
    let output = command.env("PGCONNECT_TIMEOUT", "2").output().expect("run");
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
}

#[tokio::test]
async fn a_profile_pinned_to_another_database_is_refused() {
    let (db, before) = loaded_minimal().await;
    let dir = temp_folder("pin");
    let path = dir.join("pinned.toml");
    let minimal = format!("{}/profiles/minimal.toml", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, format!("extends = \"{minimal}\"\ndatabase = \"app_dev\"\nseed = 9\n")).expect("profile");
    let path_text = path.display().to_string();
    let output = run_seed(&["--profile", &path_text], &db.url);
    assert_eq!(output.status.code(), Some(4), "{}", output.stderr_text());
    let message = output.stderr_text();
    assert!(message.contains("`app_dev`") && message.contains(&format!("`{}`", db.name)), "both names: {message}");
    assert_eq!(before, table_checksums(&db).await);

    std::fs::write(&path, format!("extends = \"{minimal}\"\ndatabase = \"{}\"\nseed = 9\n", db.name)).expect("write");
    let output = run_seed(&["--profile", &path_text], &db.url);
    assert!(output.status.success(), "the right database runs: {}", output.stderr_text());
}

/// A server that asks for a cleartext password, records it, and rejects it.
fn fake_server_rejecting_passwords(address: &str) -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind(format!("{address}:0")).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut startup = read_startup(&mut stream);
        if startup.get(..4) == Some(&[0x04, 0xd2, 0x16, 0x2f]) {
            stream.write_all(b"N").expect("no TLS");
            startup = read_startup(&mut stream);
        }
        assert!(!startup.is_empty());
        stream.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).expect("ask for a password");
        let mut header = [0u8; 5];
        stream.read_exact(&mut header).expect("password message");
        let mut body = vec![0u8; u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize - 4];
        stream.read_exact(&mut body).expect("password");
        let fields = b"SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"u\"\0\0";
        let mut error = vec![b'E'];
        error.extend(((fields.len() + 4) as u32).to_be_bytes());
        error.extend(fields);
        stream.write_all(&error).expect("reject");
        String::from_utf8_lossy(&body).trim_end_matches('\0').to_string()
    });
    (port, handle)
}

fn read_startup(stream: &mut std::net::TcpStream) -> Vec<u8> {
    let mut length = [0u8; 4];
    stream.read_exact(&mut length).expect("startup length");
    let mut body = vec![0u8; u32::from_be_bytes(length) as usize - 4];
    stream.read_exact(&mut body).expect("startup");
    body
}

#[tokio::test]
async fn no_output_ever_shows_the_password() {
    let db = TestDb::new().await;
    let with_password = db.url.replacen("postgres@", "postgres:SECRET@", 1);
    assert_ne!(with_password, db.url, "the admin URL names the user postgres");
    let success = run_seed(&["--profile", "minimal"], &with_password);
    assert!(success.status.success(), "trust auth ignores the password: {}", success.stderr_text());
    assert_no_password(&success, "SECRET");
    let plan = run_seed(&["plan", "--profile", "minimal"], &with_password);
    assert!(plan.status.success(), "{}", plan.stderr_text());
    assert_no_password(&plan, "SECRET");
    for url in [
        "postgres://u:SECRET@127.0.0.1:1/db",
        "postgres://postgres:SECRET@127.0.0.1:5432/seed_no_such_database",
        "postgres://u:SECRET@127.0.0.1:notaport/db",
        "postgres://u@127.0.0.1:1/db?password=SECRET",
        "postgres://u:SECRET/x@127.0.0.1:1/db",
        "postgres://u:SECRET?x@127.0.0.1:1/db",
        "host=127.0.0.1 port=1 user=u password=SECRET dbname=x",
        "host=127.0.0.1 port=notaport user=u password=SECRET dbname=x",
    ] {
        let output = run_seed(&["--profile", "minimal"], url);
        assert!(matches!(output.status.code(), Some(2..=4)), "{url}: {}", output.stderr_text());
        assert_no_password(&output, "SECRET");
    }
    let (port, server) = fake_server_rejecting_passwords("127.0.0.1");
    let output = run_seed(&["--profile", "minimal"], &format!("postgres://u:SECRET@127.0.0.1:{port}/db"));
    assert_eq!(server.join().expect("fake server"), "SECRET", "the password was really sent");
    assert_eq!(output.status.code(), Some(3), "{}", output.stderr_text());
    assert!(output.stderr_text().contains("password authentication failed"), "{}", output.stderr_text());
    assert_no_password(&output, "SECRET");
}

/// `[::1]` in a URL is this machine, and is reached: sqlx kept the brackets and failed to look
/// the host up.
#[tokio::test]
async fn a_bracketed_ipv6_loopback_host_is_reached() {
    let (port, server) = fake_server_rejecting_passwords("[::1]");
    let output = run_seed(&["--profile", "minimal"], &format!("postgres://u:SECRET@[::1]:{port}/db"));
    let message = output.stderr_text();
    assert_eq!(output.status.code(), Some(3), "{message}");
    assert!(message.contains("password authentication failed") && message.contains("@::1:"), "{message}");
    assert_eq!(server.join().expect("fake server"), "SECRET", "the server on ::1 was reached");
    assert_no_password(&output, "SECRET");
}

/// Names made of SQL: a schema, tables and columns with quotes, semicolons and comments.
const HOSTILE: &str = r#"CREATE TABLE public.x (id int); INSERT INTO public.x VALUES (1);
    CREATE SCHEMA "inj""; DROP TABLE x; --";
    CREATE TABLE "inj""; DROP TABLE x; --"."""; DROP TABLE x; --" (
        "id""; DROP TABLE x; --" serial PRIMARY KEY,
        "na'me; DROP TABLE x; --" text NOT NULL,
        "Quote""d" int);
    CREATE TABLE "inj""; DROP TABLE x; --"."child'); DROP TABLE x; --" (
        id serial PRIMARY KEY,
        "parent"") REFERENCES x; --" int REFERENCES "inj""; DROP TABLE x; --"."""; DROP TABLE x; --");
    CREATE TABLE public.watch (r int REFERENCES "inj""; DROP TABLE x; --"."""; DROP TABLE x; --");"#;

#[tokio::test]
async fn hostile_identifiers_and_values_load_and_drop_nothing() {
    let db = TestDb::new().await;
    db.execute(HOSTILE).await;
    let dir = temp_folder("hostile");
    let path = dir.join("hostile.toml");
    let profile = r#"schemas = ['inj"; DROP TABLE x; --']
[tables.'inj"; DROP TABLE x; --."; DROP TABLE x; --']
rows = 7
columns."na'me; DROP TABLE x; --" = { values = ["'); DROP TABLE x; --", "Robert'); DROP TABLE students;--"] }
"#;
    std::fs::write(&path, profile).expect("profile");
    for args in [&["--profile", &path.display().to_string()][..], &["clean", "--profile", &path.display().to_string()]]
    {
        let output = run_seed(args, &db.url);
        assert!(output.status.success(), "{}", output.stderr_text());
        assert_eq!(scalar(&db, "SELECT count(*) FROM public.x").await, 1, "x survives");
        assert_eq!(
            scalar(
                &db,
                "SELECT count(*) FROM pg_tables WHERE schemaname <> 'pg_catalog' AND schemaname <> 'information_schema'"
            )
            .await,
            4
        );
    }
    let output = run_seed(&["--profile", &path.display().to_string()], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let table = r#""inj""; DROP TABLE x; --"."""; DROP TABLE x; --""#;
    assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await, 7);
    let hostile_values = format!(
        "SELECT count(*) FROM {table} WHERE \"na'me; DROP TABLE x; --\" IN ('''); DROP TABLE x; --', 'Robert''); DROP TABLE students;--')"
    );
    assert_eq!(scalar(&db, &hostile_values).await, 7, "values are data");
}

/// A 2 MiB tmpfs mounted for a tablespace: the server's disk filling up, for one table only.
/// Mounting needs root (CI runs as root); elsewhere `mount` returns None and the test says so.
struct SmallDisk {
    dir: TempFolder,
    tablespace: String,
}

impl SmallDisk {
    fn mount(name: &str) -> Option<SmallDisk> {
        let dir = temp_folder(name);
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs"])
            .arg(&*dir)
            .output()
            .is_ok_and(|o| o.status.success());
        let owned = mounted
            && std::process::Command::new("chown")
                .arg("postgres:postgres")
                .arg(&*dir)
                .status()
                .is_ok_and(|s| s.success());
        let disk = SmallDisk { dir, tablespace: format!("seed_small_{}", std::process::id()) };
        owned.then_some(disk)
    }

    fn psql(sql: &str) -> std::process::Output {
        std::process::Command::new("psql")
            .args(["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql])
            .output()
            .expect("run psql")
    }

    fn create_tablespace(&self) {
        let sql = format!("CREATE TABLESPACE {} LOCATION '{}'", self.tablespace, self.dir.display());
        let output = SmallDisk::psql(&sql);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        SmallDisk::psql(&format!("DROP TABLESPACE IF EXISTS {}", self.tablespace));
        let _ = std::process::Command::new("umount").arg("-l").arg(&*self.dir).status();
    }
}

/// The server's disk filling mid-COPY fails the run with a message naming the table and the full
/// disk: in the default and the bulk mode every table is as before (one transaction); with
/// `--jobs 2`, whose cleanup is committed first, the profile's tables are empty, not half-loaded.
#[tokio::test]
async fn a_full_disk_mid_load_changes_nothing() {
    let Some(disk) = SmallDisk::mount("small-disk") else {
        eprintln!("cannot mount a tmpfs here (not root?): skipping the full-disk test");
        return;
    };
    disk.create_tablespace();
    let db = TestDb::new().await;
    let dir = temp_folder("full-disk");
    std::fs::write(
        dir.join("s.sql"),
        format!(
            "CREATE SCHEMA fd; CREATE TABLE fd.authors (id int PRIMARY KEY, name text NOT NULL);
             CREATE TABLE fd.notes (id int PRIMARY KEY, author_id int NOT NULL REFERENCES fd.authors,
                                    body text NOT NULL CHECK (length(body) >= 200)) TABLESPACE {};",
            disk.tablespace
        ),
    )
    .expect("ddl");
    let profile = |notes: u64| {
        format!("[schema]\nfd = \"s.sql\"\n[tables.\"fd.authors\"]\nrows = 20\n[tables.\"fd.notes\"]\nrows = {notes}\n")
    };
    std::fs::write(dir.join("few.toml"), profile(100)).expect("profile");
    std::fs::write(dir.join("many.toml"), profile(40_000)).expect("profile");
    let few = run_seed(&["--profile", &dir.join("few.toml").display().to_string()], &db.url);
    assert!(few.status.success(), "{}", few.stderr_text());
    let before = checksums_in(&db, &["fd"]).await;
    let many = dir.join("many.toml").display().to_string();
    // Bulk first: its TRUNCATE gives the table a new file, removed with the rollback. `--jobs`
    // truncates in committed steps. The default mode empties small tables with DELETE, so its
    // rolled-back rows stay in the full file as dead tuples until a VACUUM: it goes last.
    let fails_with_a_full_disk = |output: &SeedOutput, mode: &str| {
        assert_eq!(output.status.code(), Some(3), "{mode}: {}", output.stderr_text());
        let message = output.stderr_text();
        assert!(message.contains("fd.notes") && message.contains("No space left on device"), "{mode}: {message}");
        assert!(message.contains("disk is full"), "{mode}: the message says what to do: {message}");
    };
    let bulk = run_seed(&["--profile", &many, "--bulk"], &db.url);
    fails_with_a_full_disk(&bulk, "--bulk");
    assert_eq!(checksums_in(&db, &["fd"]).await, before, "--bulk: every table as before");

    let parallel = run_seed(&["--profile", &many, "--jobs", "2"], &db.url);
    fails_with_a_full_disk(&parallel, "--jobs 2");
    assert!(parallel.stderr_text().contains("emptied again"), "{}", parallel.stderr_text());
    for table in ["fd.authors", "fd.notes"] {
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await, 0, "{table} is not half-loaded");
    }

    let few = run_seed(&["--profile", &dir.join("few.toml").display().to_string()], &db.url);
    assert!(few.status.success(), "{}", few.stderr_text());
    let transactional = run_seed(&["--profile", &many, "--no-bulk"], &db.url);
    fails_with_a_full_disk(&transactional, "--no-bulk");
    assert_eq!(checksums_in(&db, &["fd"]).await, before, "--no-bulk: every table as before");
    drop(db);
}

/// The pid of a backend of `seed` in `db` running a statement that starts with `prefix`, once
/// there is one (`None` after a minute).
pub(crate) async fn backend_running(db: &TestDb, prefix: &str) -> Option<i32> {
    backend_where(db, prefix, "state = 'active'").await
}

/// [`backend_running`], for a statement waiting for a lock.
async fn backend_waiting(db: &TestDb, prefix: &str) -> Option<i32> {
    backend_where(db, prefix, "state = 'active' AND wait_event_type = 'Lock'").await
}

async fn backend_where(db: &TestDb, prefix: &str, condition: &str) -> Option<i32> {
    let mut conn = db.connect().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let sql = format!(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'seed' AND query LIKE $2 \
         AND {condition}"
    );
    while Instant::now() < deadline {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&db.name)
            .bind(format!("{prefix}%"))
            .fetch_optional(&mut conn)
            .await
            .expect("pg_stat_activity");
        if let Some(row) = row {
            return Some(row.get(0));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

#[tokio::test]
async fn a_killed_run_s_long_statement_ends_with_it() {
    // Bulk mode re-creates this index after the COPY, and its build waits for an advisory lock the
    // test holds: it never ends by itself. A SIGKILLed seed cannot cancel it; the server must
    // notice seed is gone (seed asks it to check every second), or the build waits on holding its
    // locks and the next run waits for it.
    let db = TestDb::new().await;
    db.execute(
        "CREATE FUNCTION gated_key(n int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS \
         $$ BEGIN PERFORM pg_advisory_lock_shared(7); PERFORM pg_advisory_unlock_shared(7); RETURN n; END $$; \
         CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL); \
         CREATE INDEX items_gated ON items (gated_key(n));",
    )
    .await;
    let mut gate = db.connect().await;
    sqlx::raw_sql("SELECT pg_advisory_lock(7)").execute(&mut gate).await.expect("gate");
    let run = Running::start(&["--rows", "5000", "--bulk"], &db.url);
    let pid = backend_running(&db, "CREATE INDEX").await.expect("seed never re-created the index");
    run.signal("KILL");
    let (status, _) = run.finish();
    assert_eq!(status.signal(), Some(9));
    let mut conn = db.connect().await;
    let alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = $1";
    // A guard against hanging, not a measure: with the gate held the build would wait for ever.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sqlx::query(alive).bind(pid).fetch_one(&mut conn).await.expect("pg_stat_activity").get::<i64, _>(0) > 0 {
        assert!(Instant::now() < deadline, "the dead run's index build still waits, holding its locks");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sqlx::raw_sql("SELECT pg_advisory_unlock(7)").execute(&mut gate).await.expect("open the gate");
    // Its transaction rolled back: no rows, and the index it had dropped is there.
    assert_eq!(scalar(&db, "SELECT count(*) FROM items").await, 0);
    assert_eq!(scalar(&db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'items_gated'").await, 1);
}
