//! Time runs forward: lifecycle moments in order within a row, rows created after the rows they
//! reference, statuses and their moments agreeing, creation moments growing with sequence keys.
//!
//! The checks find columns by their names alone (any schema), so they run over a small schema of
//! name variants written here and over the bundled `minimal` and `dev` profiles.

use std::collections::HashMap;

use sqlx::Row;

use crate::support::{TestDb, run_seed, scalar};

/// Lifecycle words that come after a row's creation (a subset of what seed infers, enough to
/// catch a generator that ignores the order).
const LATER: &str = "(updated|modified|deleted|archived|closed|completed|finished|published|sent|processed|delivered|\
                     confirmed|verified|accepted|approved|paid|shipped|revoked|expires|expiry|last_login|last_seen|\
                     last_used|last_active|last_modified)";

/// Moment columns by table oid: (qualified name, [(column, snake_case name)]).
type Moments = HashMap<i64, (String, Vec<(String, String)>)>;

/// A check: (rule, where, a query counting the rows that break it).
type Check = (String, String, String);

/// `(rule, where, broken rows)` for every rule the names reveal, over every user schema.
async fn time_violations(db: &TestDb) -> Vec<(String, String, i64)> {
    let mut conn = db.connect().await;
    let tables = moment_columns(&mut conn).await;
    let mut checks = row_checks(&tables);
    checks.extend(causality_checks(&tables, foreign_keys(&mut conn).await));
    checks.extend(status_checks(&mut conn, &tables).await);
    let mut broken = Vec::new();
    for (rule, at, sql) in checks {
        let n = scalar(db, &sql).await;
        if n > 0 {
            broken.push((rule, at, n));
        }
    }
    broken.sort();
    broken
}

async fn moment_columns(conn: &mut sqlx::PgConnection) -> Moments {
    let moments = "SELECT c.relnamespace::regnamespace::text, c.relname, a.attname, \
                   lower(regexp_replace(a.attname, '([a-z0-9])([A-Z])', '\\1_\\2', 'g')), c.oid::int8 \
                   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                   WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped \
                   AND a.atttypid IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) \
                   AND c.relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema') \
                   ORDER BY 1, 2, a.attnum";
    let rows = sqlx::query(moments).fetch_all(conn).await.expect("moments");
    let mut tables = Moments::new();
    for row in rows {
        let (schema, table, column, snake, oid): (String, String, String, String, i64) =
            (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        let entry = tables.entry(oid).or_insert_with(|| (format!("\"{schema}\".\"{table}\""), vec![]));
        entry.1.push((column, snake));
    }
    tables
}

/// The table's creation column, by name.
fn creation(tables: &Moments, oid: i64) -> Option<String> {
    let is_creation = regex_like("^(date_)?(created|inserted|creation)");
    tables.get(&oid)?.1.iter().find(|(_, snake)| is_creation(snake)).map(|(c, _)| c.clone())
}

/// Later events after the creation, ends of pairs after their starts.
fn row_checks(tables: &Moments) -> Vec<Check> {
    let mut checks = Vec::new();
    for (oid, (table, columns)) in tables {
        let Some(created) = creation(tables, *oid) else { continue };
        let later = columns
            .iter()
            .filter(|(c, s)| *c != created && regex_like(LATER)(s))
            .map(|(c, _)| (created.clone(), c.clone()));
        for (earlier, column) in later.chain(pairs(columns)) {
            let sql = format!("SELECT count(*) FROM {table} WHERE \"{column}\" < \"{earlier}\"");
            checks.push(("in a row".into(), format!("{table}.{column} >= {earlier}"), sql));
        }
    }
    checks
}

/// A row created at or after every row it references, where both tables have a creation column.
fn causality_checks(tables: &Moments, foreign_keys: Vec<(i64, i64, String, String)>) -> Vec<Check> {
    let mut checks = Vec::new();
    for (child, parent, child_column, parent_column) in foreign_keys {
        let (Some(child_created), Some(parent_created)) = (creation(tables, child), creation(tables, parent)) else {
            continue;
        };
        let (child_table, parent_table) = (&tables[&child].0, &tables[&parent].0);
        checks.push((
            "across rows".into(),
            format!("{child_table}.{child_column} -> {parent_table}"),
            format!(
                "SELECT count(*) FROM {child_table} c JOIN {parent_table} p ON c.\"{child_column}\" = p.\"{parent_column}\" \
                 WHERE c.\"{child_created}\" < p.\"{parent_created}\""
            ),
        ));
    }
    checks
}

/// A matcher for a POSIX-like alternation of words, on snake_case names.
fn regex_like(pattern: &'static str) -> impl Fn(&str) -> bool {
    let anchored = pattern.starts_with('^');
    let words: Vec<&str> =
        pattern.trim_start_matches("^(date_)?").trim_matches(|c| c == '(' || c == ')').split('|').collect();
    move |name: &str| {
        words.iter().any(|w| match anchored {
            true => name.starts_with(w) || name.strip_prefix("date_").is_some_and(|n| n.starts_with(w)),
            false => name.split('_').collect::<Vec<_>>().windows(w.split('_').count()).any(|ws| ws.join("_") == *w),
        })
    }
}

/// (start, end) column pairs whose names differ only in the start/end word.
fn pairs(columns: &[(String, String)]) -> Vec<(String, String)> {
    let swap = [
        ("start", "end"),
        ("starts", "ends"),
        ("started", "ended"),
        ("from", "until"),
        ("from", "to"),
        ("first", "last"),
    ];
    let mut found = Vec::new();
    for (start, snake) in columns {
        for (open, close) in swap {
            let words: Vec<&str> = snake.split('_').collect();
            if !words.contains(&open) {
                continue;
            }
            let closing: Vec<&str> = words.iter().map(|w| if *w == open { close } else { w }).collect();
            if let Some((end, _)) = columns.iter().find(|(_, s)| *s == closing.join("_")) {
                found.push((start.clone(), end.clone()));
            }
        }
    }
    found
}

/// Single-column FKs (child oid, parent oid, child column, parent column), those inside an FK
/// cycle too (equal moments keep the rule there, and a back edge picks a parent created first).
async fn foreign_keys(conn: &mut sqlx::PgConnection) -> Vec<(i64, i64, String, String)> {
    let sql = "SELECT k.conrelid::int8, k.confrelid::int8, a.attname::text, p.attname::text \
               FROM pg_constraint k \
               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] \
               JOIN pg_attribute p ON p.attrelid = k.confrelid AND p.attnum = k.confkey[1] \
               WHERE k.contype = 'f' AND k.conparentid = 0 AND array_length(k.conkey, 1) = 1";
    let rows = sqlx::query(sql).fetch_all(conn).await.expect("foreign keys");
    rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()
}

/// A moment named after a status value (`published_at` and `status = 'published'`) is set exactly
/// for that status; one named after a flag (`deleted_at` and `is_deleted`) exactly when it is true.
async fn status_checks(conn: &mut sqlx::PgConnection, tables: &Moments) -> Vec<Check> {
    let sql = "SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, NULL) FROM pg_attribute a \
               JOIN pg_class c ON c.oid = a.attrelid WHERE a.attnum > 0 AND NOT a.attisdropped \
               AND (a.attname ~* '^(status|state|stage)$' OR a.atttypid = 'bool'::regtype AND a.attname ~ '^is_')";
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await.expect("statuses");
    let mut checks = Vec::new();
    for row in rows {
        let (oid, column, ty): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
        let Some((table, moments)) = tables.get(&oid) else { continue };
        for (moment, snake) in moments {
            let Some(event) = snake.strip_suffix("_at") else { continue };
            let condition = match ty.as_str() {
                "boolean" if column == format!("is_{event}") => format!("\"{column}\" IS TRUE"),
                "boolean" => continue,
                _ => format!("\"{column}\"::text = '{event}'"),
            };
            if ty != "boolean" {
                let values = format!("SELECT count(*) FROM {table} WHERE \"{column}\"::text = '{event}'");
                let n: i64 =
                    sqlx::query(sqlx::AssertSqlSafe(values)).fetch_one(&mut *conn).await.expect("values").get(0);
                if n == 0 {
                    continue;
                }
            }
            // A row at a later stage, whose own moment is set and not before this one, went
            // through this stage too (published content has its `scheduled_at`).
            let later: Vec<String> = moments
                .iter()
                .filter(|(other, _)| other != moment && ty != "boolean")
                .filter_map(|(other, snake)| snake.strip_suffix("_at").map(|e| (other, e)))
                .map(|(other, e)| format!("(\"{column}\"::text = '{e}' AND \"{other}\" >= \"{moment}\")"))
                .collect();
            let later = if later.is_empty() { "false".to_string() } else { later.join(" OR ") };
            checks.push((
                "status".into(),
                format!("{table}.{moment} set iff {condition} (or a later stage)"),
                format!(
                    "SELECT count(*) FROM {table} WHERE ({condition}) IS DISTINCT FROM (\"{moment}\" IS NOT NULL) \
                     AND NOT coalesce({later}, false)"
                ),
            ));
        }
    }
    checks
}

/// `pg_stats.correlation` of the creation column of every table keyed by a sequence or
/// identity, after ANALYZE: (table, correlation) for those below `floor`, tables whose parents a
/// composite unique key picks included.
async fn uncorrelated(db: &TestDb, floor: f64) -> Vec<(String, f64)> {
    db.execute("ANALYZE").await;
    let mut conn = db.connect().await;
    let sql = "SELECT s.schemaname || '.' || s.tablename, s.correlation::float8 FROM pg_stats s \
               JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = s.schemaname::regnamespace \
               WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema') \
               AND lower(s.attname) ~ '^(created|inserted|creation)' AND c.reltuples >= 50 \
               AND EXISTS (SELECT 1 FROM pg_attribute k WHERE k.attrelid = c.oid AND k.attnum > 0 \
                   AND (k.attidentity <> '' OR pg_get_serial_sequence(c.oid::regclass::text, k.attname) IS NOT NULL))";
    let rows = sqlx::query(sql).fetch_all(&mut conn).await.expect("pg_stats");
    rows.iter().map(|r| (r.get(0), r.get(1))).filter(|(_, corr): &(String, f64)| *corr < floor).collect()
}

/// Every spelling the names come in: camelCase, `_on`/`_date` suffixes, dates and timestamps,
/// pairs, a self-reference, statuses and flags, a CHECK that says the same as the names, and
/// parents a composite unique key picks (two parents, a parent and a position, a self-reference).
const SCHEMA: &str = r#"
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    "createdAt" timestamptz NOT NULL DEFAULT now(),
    "updatedAt" timestamptz,
    "lastLoginAt" timestamptz,
    is_verified boolean,
    verified_at timestamptz
);
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    account_id int NOT NULL REFERENCES accounts (id),
    created_at timestamp NOT NULL,
    updated_at timestamp,
    published_at timestamp CHECK (published_at >= created_at),
    scheduled_at timestamp,
    status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
    is_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamp,
    starts_at timestamp,
    ends_at timestamp
);
CREATE TABLE replies (
    id serial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    parent_id int REFERENCES replies (id),
    date_created timestamptz NOT NULL,
    last_modified timestamptz
);
CREATE TABLE periods (
    id serial PRIMARY KEY,
    account_id int REFERENCES accounts (id),
    created_on date NOT NULL,
    closed_on date,
    period_start date,
    period_end date,
    valid_from date,
    valid_until date,
    first_seen timestamptz,
    last_seen timestamptz
);
CREATE TABLE post_shares (
    id serial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    account_id int NOT NULL REFERENCES accounts (id),
    "createdAt" timestamptz NOT NULL,
    UNIQUE (post_id, account_id)
);
CREATE TABLE post_images (
    id serial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    position int NOT NULL,
    inserted_on date,
    UNIQUE (post_id, position)
);
CREATE TABLE post_versions (
    id serial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    previous_version_id int REFERENCES post_versions (id),
    created_at timestamp NOT NULL,
    UNIQUE (post_id, previous_version_id)
);
"#;

#[tokio::test]
async fn name_variants_keep_time_in_order_within_rows_and_across_them() {
    let db = TestDb::new().await;
    db.execute(SCHEMA).await;
    let output = run_seed(&["--rows", "400"], &db.url);
    assert!(output.status.success(), "seed failed: {}", output.stderr_text());
    assert_eq!(time_violations(&db).await, vec![], "rows that break a time rule");
    assert_eq!(uncorrelated(&db, 0.9).await, vec![], "creation moments that do not grow with the key");
    // The rules are really there (the checks above would pass on empty columns).
    for (sql, what) in [
        ("SELECT count(*) FROM posts WHERE updated_at > created_at", "updates after creation"),
        ("SELECT count(*) FROM posts WHERE published_at IS NOT NULL", "published posts"),
        ("SELECT count(*) FROM posts WHERE status = 'published' AND scheduled_at < published_at", "scheduled first"),
        ("SELECT count(*) FROM replies r JOIN replies p ON p.id = r.parent_id", "replies to replies"),
        ("SELECT count(*) FROM periods WHERE period_end > period_start", "periods"),
        ("SELECT count(*) FROM accounts WHERE verified_at IS NOT NULL", "verified accounts"),
    ] {
        assert!(scalar(&db, sql).await > 10, "{what}");
    }
    // Gaps look real: many distinct, most soon after.
    let distinct = "SELECT count(DISTINCT updated_at - created_at) FROM posts";
    assert!(scalar(&db, distinct).await > 100, "a constant offset");
    let plan = run_seed(&["plan", "--rows", "400"], &db.url).stdout_text();
    for rule in [
        "rule updatedAt after createdAt",
        "rule ends_at after starts_at",
        "rule valid_until after valid_from",
        "rule published_at set when status = 'published'",
        "rule scheduled_at set when status = 'scheduled' or 'published'",
        "rule published_at after scheduled_at",
        "rule deleted_at set when is_deleted is true",
        "rule date_created after public.replies.date_created via parent_id",
        "rule created_at after public.accounts.createdAt via account_id",
        "rule post_id, account_id picked in creation order (a unique key picks them)",
        "rule post_id picked in creation order (a unique key picks them)",
        "rule post_id, previous_version_id picked in creation order (a unique key picks them)",
    ] {
        assert!(plan.contains(rule), "{rule} missing from:\n{plan}");
    }
    assert!(!plan.contains("where it references an earlier row"), "a self-reference left to chance:\n{plan}");
    let versions = "SELECT count(*) FROM post_versions v JOIN post_versions p ON p.id = v.previous_version_id";
    assert!(scalar(&db, versions).await > 300, "versions follow earlier versions");
}

/// A fresh database loaded with a bundled profile, in which no row breaks a time rule.
async fn loaded_keeping_time(profile: &str) -> TestDb {
    let db = TestDb::new().await;
    let output = run_seed(&["--profile", profile], &db.url);
    assert!(output.status.success(), "seed failed: {}", output.stderr_text());
    assert_eq!(time_violations(&db).await, vec![], "rows of {profile} that break a time rule");
    db
}

#[tokio::test]
async fn minimal_keeps_every_time_rule() {
    loaded_keeping_time("minimal").await;
}

#[tokio::test]
async fn dev_keeps_every_time_rule_and_creation_grows_with_the_key() {
    let db = loaded_keeping_time("dev").await;
    let piled = "SELECT count(*) FROM creator.content WHERE scheduled_at = '2026-01-01'";
    assert!(scalar(&db, piled).await < 10, "scheduled_at piles up on the reference moment");
    assert_eq!(uncorrelated(&db, 0.9).await, vec![], "creation columns whose correlation with the key is below 0.9");
}

/// Rules the names do not reveal, declared by a profile: `after` and `when`; a bad column name
/// is an error at the profile's line.
#[tokio::test]
async fn a_profile_declares_rules_the_names_do_not_reveal() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE TABLE tickets (id serial PRIMARY KEY, opened timestamptz NOT NULL, fixed timestamptz, \
         state text NOT NULL CHECK (state IN ('open', 'fixed', 'wontfix'))); \
         CREATE TABLE notes (id serial PRIMARY KEY, ticket_id int NOT NULL REFERENCES tickets, at timestamptz NOT NULL);",
    )
    .await;
    let folder = crate::support::temp_folder("time_declared");
    let profile = folder.join("p.toml");
    let rules = "schemas = [\"public\"]\n[tables.tickets]\nrows = 300\n\
                 columns.fixed = { after = \"opened\", when = { state = [\"fixed\"] } }\n\
                 columns.opened = { creation = true }\n[tables.notes]\nrows = 600\ncolumns.at = { creation = true }\n";
    std::fs::write(&profile, rules).expect("profile");
    let profile = profile.to_string_lossy().to_string();
    let output = run_seed(&["--profile", &profile], &db.url);
    assert!(output.status.success(), "seed failed: {}", output.stderr_text());
    let broken = "SELECT count(*) FROM tickets WHERE fixed < opened OR (state = 'fixed') <> (fixed IS NOT NULL)";
    assert_eq!(scalar(&db, broken).await, 0);
    assert!(scalar(&db, "SELECT count(*) FROM tickets WHERE fixed > opened").await > 30);
    let early = "SELECT count(*) FROM notes n JOIN tickets t ON t.id = n.ticket_id WHERE n.at < t.opened";
    assert_eq!(scalar(&db, early).await, 0, "notes before their ticket");
    let plan = run_seed(&["plan", "--profile", &profile], &db.url).stdout_text();
    assert!(plan.contains("rule fixed after opened (profile)"), "{plan}");
    assert!(plan.contains("rule fixed set when state = 'fixed' (profile)"), "{plan}");
    assert!(plan.contains("rule at after public.tickets.opened via ticket_id"), "{plan}");
    std::fs::write(
        folder.join("bad.toml"),
        "schemas = [\"public\"]\n[tables.tickets]\ncolumns.fixed = { after = \"openned\" }\n",
    )
    .expect("profile");
    let bad = run_seed(&["plan", "--profile", &folder.join("bad.toml").to_string_lossy()], &db.url);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        bad.stderr_text()
            .contains("bad.toml:3:27: table `public.tickets` has no column `openned`; did you mean `opened`?"),
        "{}",
        bad.stderr_text()
    );
}

/// `CHECK (x <= now())` bounds a column by the profile's reference moment, not the built-in one:
/// with `now` in June, moments reach past January (before, they all ended on 2026-01-01).
#[tokio::test]
async fn a_not_after_now_check_ends_at_the_profile_s_reference_moment() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE TABLE signups (id serial PRIMARY KEY, signed_up_at timestamptz NOT NULL CHECK (signed_up_at <= now()), \
         born_on date CHECK (born_on <= CURRENT_DATE - interval '18 years'))",
    )
    .await;
    let clock_is_later = "SELECT count(*) FROM (SELECT 1) x WHERE now() > '2026-06-02'";
    assert_eq!(scalar(&db, clock_is_later).await, 1, "this test needs a clock past its reference moment");
    let folder = crate::support::temp_folder("time_check_now");
    let profile = folder.join("p.toml");
    std::fs::write(&profile, "schemas = [\"public\"]\nnow = \"2026-06-01\"\n[tables.signups]\nrows = 500\n")
        .expect("profile");
    let output = run_seed(&["--profile", &profile.to_string_lossy()], &db.url);
    assert!(output.status.success(), "seed failed: {}", output.stderr_text());
    let after_january = "SELECT count(*) FROM signups WHERE signed_up_at > '2026-01-02'";
    assert!(scalar(&db, after_january).await > 5, "moments stop at the built-in reference");
    let past_now = "SELECT count(*) FROM signups WHERE signed_up_at > '2026-06-01'";
    assert_eq!(scalar(&db, past_now).await, 0, "moments past the profile's now");
    let too_young = "SELECT count(*) FROM signups WHERE born_on > date '2026-06-01' - interval '18 years'";
    assert_eq!(scalar(&db, too_young).await, 0, "the check's offset counts from the profile's now");
}
