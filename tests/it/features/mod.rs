//! One test per PostgreSQL feature of issue 3 ("Seed any real schema"), each on a small
//! hand-written schema that isolates the feature, so a regression names the feature it breaks
//! (the corpus only says which schema failed).
//!
//! Every test goes through [`seed`]: a fresh database, the schema, `seed plan --rows 50 --json`
//! for the expected volumes, then `seed --rows 50 --strict` (a skipped table would hide the very
//! failure the test is about), and the checks every load must pass: exit 0, nothing skipped,
//! every table of the database planned, every table holding its planned rows, and every FK and
//! CHECK re-validated. Each test then checks what is specific to its feature.

mod check_classes;
mod checks;
mod columns;
mod cycles;
mod keys;
mod multi_tenant;
mod names;
mod partitions;
mod roles;
mod server_checks;
mod server_rules;
mod skips;
mod tenants;
mod trigger_tables;
mod types;
mod uniques_at_scale;

use serde_json::Value;

use crate::support::{SeedOutput, TestDb, revalidate_constraints, run_seed, scalar};

/// Rows per table in every feature test: enough for collisions to show, small enough to be fast.
pub const ROWS: i64 = 50;

/// A database after a successful `seed --rows 50 --strict`, with the plan it followed.
pub struct Seeded {
    pub db: TestDb,
    pub plan: Value,
    #[allow(dead_code)]
    pub run: SeedOutput,
}

impl Seeded {
    /// The plan's entry for `table` (`schema.name` as seed prints it: `public."Team"`).
    pub fn table(&self, table: &str) -> &Value {
        self.find_table(|t| t["table"] == table).unwrap_or_else(|| panic!("{table} is not in the plan: {}", self.plan))
    }

    fn find_table(&self, wanted: impl Fn(&Value) -> bool) -> Option<&Value> {
        self.plan["tables"].as_array().expect("plan tables").iter().find(|t| wanted(t))
    }

    /// The rows the plan gives `table`.
    pub fn planned(&self, table: &str) -> i64 {
        self.table(table)["rows"].as_i64().expect("rows")
    }

    /// The first column of the first row of `sql`, as an i64.
    pub async fn scalar(&self, sql: &str) -> i64 {
        scalar(&self.db, sql).await
    }

    /// Runs `sql` (one statement), panicking with the error if it fails.
    pub async fn execute(&self, sql: &str) {
        self.db.execute(sql).await;
    }

    /// Runs `sql` and returns the server's error, if any.
    pub async fn try_execute(&self, sql: &str) -> Result<(), String> {
        let mut conn = self.db.connect().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// `SELECT count(*) FROM sql_from` (a table, or a table with a WHERE clause).
    pub async fn count(&self, sql_from: &str) -> i64 {
        self.scalar(&format!("SELECT count(*) FROM {sql_from}")).await
    }
}

/// Seeds `schema_sql` with `--rows 50 --strict` and runs the checks every load must pass.
pub async fn seed(schema_sql: &str) -> Seeded {
    seed_with(schema_sql, &[]).await
}

/// [`seed`] with more arguments for both `seed plan` and `seed`.
pub async fn seed_with(schema_sql: &str, extra: &[&str]) -> Seeded {
    seed_at(schema_sql, ROWS, extra).await
}

/// [`seed_with`] at `rows` rows per table instead of [`ROWS`]: what only shows at scale.
pub async fn seed_at(schema_sql: &str, rows: i64, extra: &[&str]) -> Seeded {
    let db = TestDb::new().await;
    db.execute(schema_sql).await;
    let rows = rows.to_string();
    let mut args = vec!["--rows", &rows, "--strict"];
    args.extend_from_slice(extra);
    load(db, &args).await
}

/// Plans and runs `args` (`--rows N --strict`, or `--profile P`) on `db`, then runs the checks
/// every load must pass.
pub async fn load(db: TestDb, args: &[&str]) -> Seeded {
    let mut plan_args = vec!["plan", "--json"];
    // `seed plan` does not take the load's --bulk, --no-bulk and --jobs N: the plan is the same.
    let mut args_left = args.iter();
    while let Some(&arg) = args_left.next() {
        match arg {
            "--bulk" | "--no-bulk" => {}
            "--jobs" => {
                let _ = args_left.next();
            }
            _ => plan_args.push(arg),
        }
    }
    let plan = run_seed(&plan_args, &db.url);
    assert!(plan.status.success(), "seed plan failed ({:?}): {}", plan.status.code(), plan.stderr_text());
    let plan: Value = serde_json::from_slice(&plan.stdout).expect("plan JSON");
    assert_eq!(plan["skipped"], serde_json::json!([]), "the plan skips tables: {plan:#}");

    let run = run_seed(args, &db.url);
    assert!(run.status.success(), "seed failed ({:?}): {}\nplan: {plan:#}", run.status.code(), run.stderr_text());
    assert!(!run.stderr_text().contains("skipped "), "seed skipped tables: {}", run.stderr_text());

    let seeded = Seeded { db, plan, run };
    check_every_table(&seeded).await;
    revalidate_constraints(&seeded.db).await;
    seeded
}

/// Every user table is in the plan, and holds exactly its planned rows (a table filled by
/// triggers is planned with 0 generated rows; its test checks what the triggers wrote).
async fn check_every_table(seeded: &Seeded) {
    use sqlx::Row;
    let mut conn = seeded.db.connect().await;
    let tables = sqlx::query(
        "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') \
         ORDER BY 1, 2",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list tables");
    for row in tables {
        let (schema, name, kind): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let plain = format!("{schema}.{name}");
        let entry = seeded
            .find_table(|t| t["schema"] == schema.as_str() && t["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{plain} is not in the plan: {}", seeded.plan));
        let planned = entry["rows"].as_i64().expect("rows");
        let by_triggers = entry["volume"].as_str().is_some_and(|v| v.contains("filled by trigger"));
        // ONLY: an inheritance parent's count would include its children's rows.
        let only = if kind == "p" { "" } else { "ONLY " };
        let count = seeded.count(&format!("{only}{}.{}", quote(&schema), quote(&name))).await;
        if by_triggers {
            assert_eq!(planned, 0, "{plain}: a table filled by triggers gets no generated rows");
        } else {
            assert!(planned > 0, "{plain} is planned with no rows: {entry}");
            assert_eq!(count, planned, "{plain} should hold its planned rows");
        }
    }
}

/// An identifier, quoted.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
