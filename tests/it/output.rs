//! What a run shows its user when stderr is not a terminal (CI, pipes): plain lines, and the ones
//! that `--quiet` must not hide.

use crate::support::{TestDb, run_seed};

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
