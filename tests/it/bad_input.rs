//! Bad input never panics (issue 5): every case of the corpus in `tests/bad/` gets its documented
//! exit code and a one-paragraph message naming the file and line or the object, and random or
//! mutated profiles never make the parser panic.
//!
//! A corpus case is a profile whose header says what to expect:
//!
//! ```toml
//! # expect: 2 did you mean `email`      (exit code, then a fragment of the message)
//! # url: postgres://u:SECRET@127.0.0.1:1/db   (optional; {db} is the test database, {noright} a
//! #                                              role without privileges)
//! # setup: schema.sql parts/grants.sql   (optional; applied by the admin to a database of its own,
//! #                                          in order; {noright} is the role without privileges)
//! # args: --bulk                         (optional; flags before `--quiet --profile CASE`)
//! ```
//!
//! Paths in a case are relative to `tests/bad/`; `tests/bad/parts/` holds files cases point at.

use std::path::{Path, PathBuf};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use seed::profile::parse_str;
use sqlx::{Connection, Executor, PgConnection};

use crate::support::{SeedOutput, TestDb, admin_url, run_seed, scalar};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad");

#[derive(Debug)]
struct Case {
    path: PathBuf,
    code: i32,
    fragment: String,
    url: Option<String>,
    setup: Option<String>,
    args: Vec<String>,
}

fn corpus() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("tests/bad")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths.into_iter().map(|path| read_case(&path)).collect()
}

fn read_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).expect("case");
    let header = |key: &str| text.lines().find_map(|l| l.strip_prefix(&format!("# {key}: "))).map(str::to_string);
    let expect = header("expect").unwrap_or_else(|| panic!("{}: no `# expect:` line", path.display()));
    let (code, fragment) =
        expect.split_once(' ').unwrap_or_else(|| panic!("{}: `# expect: CODE TEXT`", path.display()));
    Case {
        path: path.to_path_buf(),
        code: code.parse().unwrap_or_else(|_| panic!("{}: exit code {code}", path.display())),
        fragment: fragment.to_string(),
        url: header("url"),
        setup: header("setup"),
        args: header("args").map(|a| a.split_whitespace().map(str::to_string).collect()).unwrap_or_default(),
    }
}

/// A login role with no privileges beyond PUBLIC's, dropped afterwards.
struct Role {
    name: String,
}

impl Role {
    async fn create() -> Role {
        let name = format!("seed_noright_{}", std::process::id());
        let mut admin = PgConnection::connect(&admin_url()).await.expect("admin");
        let sql = format!("DROP ROLE IF EXISTS {name}; CREATE ROLE {name} LOGIN");
        admin.execute(sqlx::AssertSqlSafe(sql)).await.expect("create role");
        Role { name }
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        let sql = format!("DROP ROLE IF EXISTS {}", self.name);
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                    let _ = admin.execute(sqlx::AssertSqlSafe(sql)).await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// What is wrong with a case's outcome, if anything.
fn judge(case: &Case, output: &SeedOutput) -> Result<(), String> {
    let stderr = output.stderr_text();
    let message = stderr.trim_end();
    if output.status.code() != Some(case.code) {
        return Err(format!("exit code {:?}, expected {}", output.status.code(), case.code));
    }
    if !message.starts_with("seed: ") || message.contains('\n') {
        return Err("the error is not one paragraph starting with `seed: `".into());
    }
    if !message.contains(&case.fragment) {
        return Err(format!("the message lacks `{}`", case.fragment));
    }
    if message.contains("panicked") || message.contains("SECRET") || !output.stdout.is_empty() {
        return Err("a panic, a password or output on stdout".into());
    }
    Ok(())
}

/// Schemas other than the system's and `public`: a failed case must leave none behind.
async fn user_schemas(db: &TestDb) -> i64 {
    scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', 'information_schema')")
        .await
}

async fn run_case(case: &Case, shared: &TestDb, role: &Role) -> Result<(), String> {
    let own = match &case.setup {
        Some(files) => {
            let db = TestDb::new().await;
            for file in files.split_whitespace() {
                let sql = std::fs::read_to_string(Path::new(CORPUS).join(file)).expect("setup file");
                db.execute(&sql.replace("{noright}", &role.name)).await;
            }
            Some(db)
        }
        None => None,
    };
    let db = own.as_ref().unwrap_or(shared);
    let url = case.url.as_deref().unwrap_or(&db.url).replace("{db}", &db.name).replace("{noright}", &role.name);
    let path = case.path.display().to_string();
    let args: Vec<&str> = case.args.iter().map(String::as_str).chain(["--quiet", "--profile", &path]).collect();
    let output = run_seed(&args, &url);
    judge(case, &output).map_err(|why| format!("{why}\n  stderr: {}", output.stderr_text().trim_end()))?;
    if own.is_none() && user_schemas(shared).await != 0 {
        return Err("the failed run left a schema behind".into());
    }
    Ok(())
}

#[tokio::test]
async fn every_bad_profile_and_fixture_gets_its_exit_code_and_message() {
    let cases = corpus();
    assert!(cases.len() >= 30, "the corpus holds {} cases", cases.len());
    let shared = TestDb::new().await;
    let role = Role::create().await;
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(why) = run_case(case, &shared, &role).await {
            failures.push(format!("{}: {why}", case.path.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn the_corpus_covers_every_exit_code_but_success() {
    let codes: std::collections::BTreeSet<i32> = corpus().iter().map(|c| c.code).collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), vec![2, 3, 4]);
}

// --- the profile parser under random input ---------------------------------------------------

fn key() -> impl Strategy<Value = String> {
    let keys = [
        "seed",
        "extends",
        "schema",
        "schemas",
        "scale",
        "database",
        "allow_remote",
        "defaults",
        "tables",
        "rows",
        "null_rate",
        "fixture",
        "skip",
        "columns",
        "per",
        "count",
        "zipf",
        "max",
        "min",
        "generator",
        "values",
        "weights",
        "range",
        "unique",
        "length",
        "value",
        "\"creator.users\"",
        "x",
        "\"\"",
    ];
    prop::sample::select(keys.to_vec()).prop_map(str::to_string)
}

fn scalar_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        prop::sample::select(vec!["nan", "-inf", "1e400", "true", "\"1..=5\"", "\"5..1\"", "\"..\"", "0", "-1"])
            .prop_map(str::to_string),
        "[a-z0-9._=\"'\\\\ -]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("1979-05-27T07:32:00Z".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar_value().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((key(), inner), 0..4).prop_map(|pairs| {
                let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", fields.join(", "))
            }),
        ]
    })
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        key().prop_map(|k| format!("[tables.{k}]")),
        prop::sample::select(vec!["[defaults]", "[schema]", "[tables]", "[[tables]]", "[", "]"])
            .prop_map(str::to_string),
        (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        (key(), key(), value()).prop_map(|(a, b, v)| format!("{a}.{b} = {v}")),
        "\\PC{0,20}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..25).prop_map(|lines| lines.join("\n"))
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1..20usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), prop_oneof!["\\PC{1,4}", "[\\[\\]{}=\",.\n#']{1,3}"]).prop_map(|(at, s)| Edit::Insert(at, s)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let at = |i: usize| if chars.is_empty() { 0 } else { i % chars.len() };
        match edit {
            Edit::Delete(i, n) => {
                let start = at(*i);
                chars.drain(start..(start + n).min(chars.len()));
            }
            Edit::Insert(i, s) => {
                let start = at(*i);
                chars.splice(start..start, s.chars());
            }
            Edit::DuplicateLine(i) | Edit::SwapLines(i, _) => {
                let mut lines: Vec<String> = chars.iter().collect::<String>().lines().map(str::to_string).collect();
                if !lines.is_empty() {
                    let a = i % lines.len();
                    match edit {
                        Edit::SwapLines(_, j) => {
                            let b = j % lines.len();
                            lines.swap(a, b);
                        }
                        _ => lines.insert(a, lines[a].clone()),
                    }
                }
                chars = lines.join("\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// Parses `text`; an error must name the file and a line.
fn parse_never_panics(text: &str) -> Result<(), TestCaseError> {
    if let Err(error) = parse_str(Path::new("fuzz.toml"), text) {
        let message = error.to_string();
        prop_assert!(message.starts_with("fuzz.toml:"), "no location: {message}");
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

#[test]
fn the_profile_parser_never_panics_on_random_toml() {
    let started = Instant::now();
    runner(2000).run(&document(), |text| parse_never_panics(&text)).expect("no panic, errors located");
    // Bounded by the case count; the time is printed, never asserted (timing is for benchmarks).
    println!("{} cases in {:?}", 2000, started.elapsed());
}

#[test]
fn the_profile_parser_never_panics_on_mutated_bundled_profiles() {
    let bundled = [
        include_str!("../../profiles/minimal.toml"),
        include_str!("../../profiles/dev.toml"),
        include_str!("../../profiles/load.toml"),
    ];
    let started = Instant::now();
    let strategy = (0..bundled.len(), prop::collection::vec(edit(), 1..8));
    runner(2000)
        .run(&strategy, |(base, edits)| parse_never_panics(&apply(bundled[base], &edits)))
        .expect("no panic, errors located");
    // Bounded by the case count; the time is printed, never asserted (timing is for benchmarks).
    println!("{} cases in {:?}", 2000, started.elapsed());
}
