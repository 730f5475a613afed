//! The command line (issue 10): each command takes its own flags and lists them in its own
//! `--help`; a flag that does not apply, a volume of zero or a negative number is refused with
//! exit 2 and one `seed: ` paragraph saying why, before anything is connected to or written.

use crate::support::{SeedOutput, TestDb, run_seed, scalar, seed_command, temp_folder};

/// Command lines that must be refused: (arguments, a fragment of the message).
const REFUSED: &[(&str, &str)] = &[
    ("--profile minimal --scale -1", "the scale must be a positive number"),
    ("--profile minimal --scale 0", "the scale must be a positive number"),
    ("--profile minimal --scale nan", "the scale must be a positive number"),
    ("--rows 0", "the number of rows must be at least 1"),
    ("--rows -5", "the number of rows must be at least 1"),
    ("--profile minimal --rows 0", "the number of rows must be at least 1"),
    ("--profile minimal --jobs 0", "--jobs is a number of connections, at least 1"),
    ("--profile minimal --seed -1", "the seed is a whole number"),
    ("--profile minimal --bulk --no-bulk", "'--bulk' cannot be used with '--no-bulk'"),
    ("--profile minimal --no-bulk --jobs 2", "cannot be used with '--jobs <N>'"),
    ("--profile minimal --strict", "'--profile <NAME|PATH>' cannot be used with '--strict'"),
    ("--strict", "--rows <N>"),
    ("--profile minimal --json", "--json is a flag of `seed plan`, not of the load"),
    ("clean --rows 5", "--rows is a flag of the load (`seed`) and `seed plan`, not of `seed clean`"),
    ("clean --profile minimal --rows 5", "not of `seed clean`"),
    ("clean --profile minimal --jobs 2", "not of `seed clean`"),
    ("clean", "--profile <NAME|PATH>"),
    (
        "plan --profile minimal --cascade",
        "--cascade is a flag of the load (`seed`) and `seed clean`, not of `seed plan`",
    ),
    ("plan --profile minimal --jobs 2", "not of `seed plan`"),
    ("--profile minimal plan", "a command comes first, before its flags: `seed plan"),
    ("--profile plans.csv", "`plans.csv` is not a profile"),
    ("--profile seeds/creator/plans.csv", "is not a profile"),
];

fn judge(output: &SeedOutput, fragment: &str) -> Result<(), String> {
    let message = output.stderr_text();
    let message = message.trim_end();
    if output.status.code() != Some(2) {
        return Err(format!("exit code {:?}, expected 2", output.status.code()));
    }
    if !message.starts_with("seed: ") || message.contains('\n') || !output.stdout.is_empty() {
        return Err("not one paragraph on stderr starting with `seed: `".into());
    }
    if !message.contains(fragment) {
        return Err(format!("the message lacks `{fragment}`"));
    }
    Ok(())
}

/// Every refused line leaves a table outside any profile as it was (`seed clean --rows 5` used to
/// empty every user table).
#[tokio::test]
async fn flags_that_do_not_apply_zero_volumes_and_negative_numbers_are_refused() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE keep (id int PRIMARY KEY); INSERT INTO keep VALUES (1), (2)").await;
    let mut failures = Vec::new();
    for (line, fragment) in REFUSED {
        let args: Vec<&str> = line.split_whitespace().collect();
        let output = run_seed(&args, &db.url);
        if let Err(why) = judge(&output, fragment) {
            failures.push(format!("seed {line}: {why}\n  stderr: {}", output.stderr_text().trim_end()));
        }
    }
    assert!(failures.is_empty(), "{} of {} lines:\n{}", failures.len(), REFUSED.len(), failures.join("\n"));
    assert_eq!(scalar(&db, "SELECT count(*) FROM keep").await, 2, "a refused command line wrote nothing");
}

fn help(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_seed")).args(args).output().expect("run seed");
    assert_eq!(output.status.code(), Some(0), "seed {args:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether `help` has an entry (a line of its own) for `item`: `--jobs <N>`, `-q, --quiet`, `plan`.
fn lists(help: &str, item: &str) -> bool {
    help.lines().map(str::trim_start).any(|line| {
        let entry = line
            .split_once(", ")
            .filter(|(short, _)| short.len() == 2 && short.starts_with('-'))
            .map_or(line, |(_, long)| long);
        entry.split_whitespace().next() == Some(item)
    })
}

#[test]
fn each_command_lists_only_its_own_flags() {
    let flags = |text: &str, wanted: &[&str], unwanted: &[&str]| {
        for flag in wanted {
            assert!(lists(text, flag), "{flag} missing from:\n{text}");
        }
        for flag in unwanted {
            assert!(!lists(text, flag), "{flag} listed in:\n{text}");
        }
    };
    let load = help(&["--help"]);
    flags(&load, &["--profile", "--rows", "--jobs", "--bulk", "--cascade", "plan", "clean"], &["--json"]);
    flags(
        &help(&["plan", "--help"]),
        &["--profile", "--rows", "--json", "--disable-triggers"],
        &["--jobs", "--cascade"],
    );
    flags(&help(&["clean", "--help"]), &["--profile", "--cascade", "--allow-remote"], &["--rows", "--json", "--jobs"]);
    assert!(help(&["--version"]).starts_with("seed "));
}

/// `--rows N` with a profile is the row count of every table the profile gives none.
#[tokio::test]
async fn rows_with_a_profile_overrides_its_default_rows_only() {
    let db = TestDb::new().await;
    let dir = temp_folder("rows-over-profile");
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad/schema.sql");
    let profile = format!("[schema]\nshop = \"{schema}\"\n[defaults]\nrows = 4\n[tables.\"shop.teams\"]\nrows = 2\n");
    std::fs::write(dir.join("p.toml"), profile).expect("profile");
    let path = dir.join("p.toml").display().to_string();
    let output = run_seed(&["plan", "--json", "--profile", &path, "--rows", "7"], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
    let rows = |name: &str| {
        let tables = plan["tables"].as_array().expect("tables");
        tables.iter().find(|t| t["table"] == name).and_then(|t| t["rows"].as_u64())
    };
    assert_eq!((rows("shop.notes"), rows("shop.teams")), (Some(7), Some(2)));
}

/// From a folder inside the project, `--profile minimal` is the project's `profiles/minimal.toml`.
#[tokio::test]
async fn a_profile_name_is_found_from_a_folder_inside_the_project() {
    let db = TestDb::new().await;
    let mut command = seed_command(&["plan", "--profile", "minimal"], &db.url);
    command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/creator")).env_remove("SEED_PROFILES");
    let output = command.output().expect("run seed");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// `SEED_PROFILES` names the folder names are looked up in, and the message says so.
#[tokio::test]
async fn seed_profiles_names_the_folder_of_profiles() {
    let db = TestDb::new().await;
    let dir = temp_folder("seed-profiles");
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad/schema.sql");
    std::fs::write(dir.join("mine.toml"), format!("[schema]\nshop = \"{schema}\"\n")).expect("profile");
    let run = |name: &str| {
        let mut command = seed_command(&["plan", "--profile", name], &db.url);
        command.env("SEED_PROFILES", &*dir);
        command.output().expect("run seed")
    };
    assert!(run("mine").status.success());
    let missing = run("minimal");
    let message = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2));
    assert!(message.contains(&format!("Available profiles: mine (in SEED_PROFILES={})", dir.display())), "{message}");
}
