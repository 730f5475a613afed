//! Keys and uniqueness: composite keys, FKs sharing a column, one-to-one FKs, unique constraints
//! and indexes (partial, expression, NULLS NOT DISTINCT), exclusion constraints, tables without a
//! key, and tables whose unique keys hold only a few rows.

use super::{ROWS, seed};
use crate::support::{TestDb, run_seed, scalar};

/// A composite primary key, and a composite FK to it from a table whose own composite key
/// includes the FK's columns.
#[tokio::test]
async fn composite_primary_key_and_composite_foreign_key() {
    let s = seed(
        r#"
        CREATE TABLE warehouses (
            region text NOT NULL,
            code int NOT NULL,
            name text,
            PRIMARY KEY (region, code)
        );
        CREATE TABLE bins (
            region text NOT NULL,
            code int NOT NULL,
            bin smallint NOT NULL,
            capacity int,
            PRIMARY KEY (region, code, bin),
            FOREIGN KEY (region, code) REFERENCES warehouses
        );
        "#,
    )
    .await;
    assert_eq!(s.count("warehouses").await, ROWS);
    assert_eq!(s.count("bins").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT (region, code)) FROM warehouses").await, ROWS);
    // Every bin's (region, code) is one real warehouse (the FK re-validated too).
    assert_eq!(
        s.count("bins b WHERE NOT EXISTS (SELECT 1 FROM warehouses w WHERE (w.region, w.code) = (b.region, b.code))")
            .await,
        0
    );
}

/// `(project_id, tenant_id)` -> projects and `(user_id, tenant_id)` -> users share `tenant_id`:
/// the two parents must belong to the same tenant (the FK constraints check it).
#[tokio::test]
async fn foreign_keys_sharing_a_column_agree() {
    let s = seed(
        r#"
        CREATE TABLE tenants (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE projects (
            id int PRIMARY KEY,
            tenant_id int NOT NULL REFERENCES tenants,
            name text NOT NULL,
            UNIQUE (id, tenant_id)
        );
        CREATE TABLE users (
            id int PRIMARY KEY,
            tenant_id int NOT NULL REFERENCES tenants,
            email text NOT NULL,
            UNIQUE (id, tenant_id)
        );
        CREATE TABLE assignments (
            id serial PRIMARY KEY,
            tenant_id int NOT NULL REFERENCES tenants,
            project_id int NOT NULL,
            user_id int NOT NULL,
            FOREIGN KEY (project_id, tenant_id) REFERENCES projects (id, tenant_id),
            FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("assignments").await, s.planned("public.assignments"));
    let disagreeing = "assignments a JOIN projects p ON p.id = a.project_id JOIN users u ON u.id = a.user_id \
                       WHERE p.tenant_id <> u.tenant_id OR a.tenant_id <> p.tenant_id";
    assert_eq!(s.count(disagreeing).await, 0);
}

/// A FK whose columns are unique is one-to-one: each parent is used at most once.
#[tokio::test]
async fn one_to_one_foreign_key_uses_each_parent_once() {
    let s = seed(
        r#"
        CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
        CREATE TABLE profiles (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL UNIQUE REFERENCES users,
            bio text
        );
        CREATE TABLE avatars (
            id bigserial PRIMARY KEY,
            user_id bigint REFERENCES users,
            url text,
            CONSTRAINT avatars_user_key UNIQUE (user_id)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("profiles").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT user_id) FROM profiles").await, ROWS);
    let avatars_with_user = s.count("avatars WHERE user_id IS NOT NULL").await;
    assert!(avatars_with_user > 0, "every avatar lost its user");
    assert_eq!(s.scalar("SELECT count(DISTINCT user_id) FROM avatars").await, avatars_with_user);
}

/// Composite primary key of a join table (mixed-radix pairs): 50 distinct (user, team) pairs.
#[tokio::test]
async fn join_table_composite_primary_key() {
    let s = seed(
        r#"
        CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE teams (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE memberships (
            user_id int NOT NULL REFERENCES users,
            team_id int NOT NULL REFERENCES teams,
            role text NOT NULL CHECK (role IN ('member', 'admin')),
            PRIMARY KEY (user_id, team_id),
            UNIQUE (team_id, role, user_id)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("memberships").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT (user_id, team_id)) FROM memberships").await, ROWS);
}

/// Unique constraints on short columns: values are distinct by construction, not by luck.
#[tokio::test]
async fn unique_constraints_on_narrow_columns() {
    let s = seed(
        r#"
        CREATE TABLE codes (
            id serial PRIMARY KEY,
            code char(2) NOT NULL UNIQUE,
            slot smallint NOT NULL UNIQUE CHECK (slot BETWEEN 1 AND 60),
            day date NOT NULL UNIQUE CHECK (day >= '2024-01-01' AND day < '2024-03-01'),
            email text UNIQUE,
            CONSTRAINT codes_pair UNIQUE (code, slot)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("codes").await, ROWS);
    for column in ["code", "slot", "day"] {
        assert_eq!(s.scalar(&format!("SELECT count(DISTINCT {column}) FROM codes")).await, ROWS, "{column}");
    }
}

/// `CHECK (lock = 'X')` with a unique key holds one row: the plan lowers the volume and says why;
/// a unique boolean holds two, a unique enum one per label, a unique index on a constant one.
#[tokio::test]
async fn capacity_of_unique_keys_is_planned() {
    let s = seed(
        r#"
        CREATE TYPE tier AS ENUM ('free', 'pro', 'team');
        CREATE TABLE settings (
            lock char(1) NOT NULL DEFAULT 'X' CHECK (lock = 'X'),
            theme text,
            CONSTRAINT settings_lock UNIQUE (lock)
        );
        CREATE TABLE switches (id serial PRIMARY KEY, enabled boolean NOT NULL UNIQUE);
        CREATE TABLE plans (id serial PRIMARY KEY, tier tier NOT NULL UNIQUE, price int NOT NULL);
        CREATE TABLE site_totals (id serial PRIMARY KEY, users int NOT NULL);
        CREATE UNIQUE INDEX site_totals_one_row ON site_totals ((true));
        "#,
    )
    .await;
    assert_eq!(s.planned("public.settings"), 1);
    assert_eq!(s.count("settings").await, 1);
    assert_eq!(s.count("settings WHERE lock = 'X'").await, 1);
    let why = s.table("public.settings")["volume"].as_str().unwrap_or_default().to_string();
    assert!(why.contains("settings_lock") && why.contains("lock"), "the plan should say which key holds 1 row: {why}");
    assert_eq!(s.count("switches").await, 2);
    assert_eq!(s.count("plans").await, 3);
    assert_eq!(s.count("site_totals").await, 1);
}

/// `UNIQUE NULLS NOT DISTINCT` on a nullable column: NULL counts as a value, so at most one.
#[tokio::test]
async fn nulls_not_distinct_allows_one_null() {
    let s = seed(
        r#"
        CREATE TABLE devices (
            id serial PRIMARY KEY,
            serial_no text UNIQUE NULLS NOT DISTINCT,
            label text
        );
        CREATE TABLE ports (
            id serial PRIMARY KEY,
            device_id int REFERENCES devices,
            number smallint,
            CONSTRAINT ports_device_number UNIQUE NULLS NOT DISTINCT (device_id, number)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("devices").await, ROWS);
    assert!(s.count("devices WHERE serial_no IS NULL").await <= 1);
    assert_eq!(s.count("ports").await, ROWS);
    assert_eq!(s.scalar("SELECT count(*) - count(DISTINCT ROW(device_id, number)) FROM ports").await, 0);
}

/// A partial unique index (`WHERE is_primary`): one primary address per owner.
#[tokio::test]
async fn partial_unique_index() {
    let s = seed(
        r#"
        CREATE TABLE owners (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE addresses (
            id serial PRIMARY KEY,
            owner_id int NOT NULL REFERENCES owners,
            is_primary boolean NOT NULL,
            line text NOT NULL
        );
        CREATE UNIQUE INDEX addresses_one_primary ON addresses (owner_id) WHERE is_primary;
        "#,
    )
    .await;
    assert_eq!(s.count("addresses").await, ROWS);
    let primaries = "(SELECT owner_id FROM addresses WHERE is_primary GROUP BY owner_id HAVING count(*) > 1) d";
    assert_eq!(s.count(primaries).await, 0);
}

/// Expression unique indexes, `lower(initial)` and `lower(email)`: the key's column is made
/// injective, so values differ after lowering. `initial` is one character: 36 values that lower
/// distinctly (random ones would repeat within 50 rows), so the plan holds 36 rows and says why.
#[tokio::test]
async fn expression_unique_index() {
    let s = seed(
        r#"
        CREATE TABLE members (
            id serial PRIMARY KEY,
            initial varchar(1) NOT NULL,
            email text NOT NULL
        );
        CREATE UNIQUE INDEX members_initial_lower ON members (lower(initial));
        CREATE UNIQUE INDEX members_email_lower ON members (lower(email));
        "#,
    )
    .await;
    assert_eq!(s.planned("public.members"), 36);
    let why = s.table("public.members")["volume"].to_string();
    assert!(why.contains("members_initial_lower"), "the plan should name the key that holds 36 rows: {why}");
    assert_eq!(s.count("members").await, 36);
    assert_eq!(s.scalar("SELECT count(DISTINCT lower(initial)) FROM members").await, 36);
    assert_eq!(s.scalar("SELECT count(DISTINCT lower(email)) FROM members").await, 36);
}

/// Tables without a primary key (logs, events), also as FK children.
#[tokio::test]
async fn tables_without_primary_key() {
    let s = seed(
        r#"
        CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE events (
            at timestamptz NOT NULL,
            kind text NOT NULL,
            payload jsonb
        );
        CREATE TABLE account_log (
            account_id int NOT NULL REFERENCES accounts,
            message text NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("events").await, ROWS);
    assert_eq!(s.count("account_log").await, ROWS);
}

/// Expressions that keep a column's values apart (`upper()`, casts to text) are keys on that
/// column; an expression next to a plain column (`(tenant, left(slug, 2))`) only adds
/// distinctions, so keeping the column apart is enough, and the column's values bound the rows.
#[tokio::test]
async fn expression_unique_index_beside_columns() {
    let s = seed(
        r#"
        CREATE TABLE handles (id serial PRIMARY KEY, handle varchar(30) NOT NULL, code int NOT NULL);
        CREATE UNIQUE INDEX handles_upper ON handles (upper((handle)::text));
        CREATE UNIQUE INDEX handles_code_text ON handles (((code)::text));
        CREATE TABLE slugs (id serial PRIMARY KEY, tenant int NOT NULL, slug text NOT NULL);
        CREATE UNIQUE INDEX slugs_tenant_prefix ON slugs (tenant, left(slug, 2));
        CREATE TABLE shelves (tenant smallint NOT NULL CHECK (tenant BETWEEN 1 AND 5), label text NOT NULL);
        CREATE UNIQUE INDEX shelves_tenant_prefix ON shelves (tenant, left(label, 2));
        "#,
    )
    .await;
    assert_eq!(s.scalar("SELECT count(DISTINCT upper(handle)) FROM handles").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT code) FROM handles").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT (tenant, left(slug, 2))) FROM slugs").await, ROWS);
    assert_eq!(s.planned("public.shelves"), 5);
}

/// A unique index on an expression seed cannot keep apart (`left(tag, 1)`) is found by the plan,
/// which names the table, the index definition and the settings that resolve it: `--strict`
/// fails before writing, plain `--rows` skips the table with that message and loads the rest.
#[tokio::test]
async fn unknown_expression_unique_index_is_reported() {
    assert_reported(
        r#"
        CREATE TABLE labels (id serial PRIMARY KEY, tag text NOT NULL);
        CREATE UNIQUE INDEX labels_initial ON labels (left(tag, 1));
        "#,
        "labels",
        &["labels_initial", "\"left\"(tag, 1)"],
    )
    .await;
}

/// Exclusion constraints: all-`=` ones are unique keys; `&&` on a range column, alone or beside
/// `=` columns (a room booked twice at once), gets ranges that never overlap.
#[tokio::test]
async fn exclusion_constraints() {
    let s = seed(
        r#"
        CREATE EXTENSION btree_gist;
        CREATE TABLE codes (id serial PRIMARY KEY, code text NOT NULL, EXCLUDE USING gist (code WITH =));
        CREATE TABLE pairs (a smallint NOT NULL, b int NOT NULL, EXCLUDE USING gist (a WITH =, b WITH =));
        CREATE TABLE rooms (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE bookings (
            id serial PRIMARY KEY,
            room_id int NOT NULL REFERENCES rooms,
            during tstzrange NOT NULL,
            EXCLUDE USING gist (room_id WITH =, during WITH &&)
        );
        CREATE TYPE timerange AS RANGE (subtype = time);
        CREATE TYPE floatrange AS RANGE (subtype = float8);
        CREATE TABLE opening_hours (
            hours timerange NOT NULL, weight floatrange NOT NULL,
            EXCLUDE USING gist (hours WITH &&), EXCLUDE USING gist (weight WITH &&)
        );
        CREATE TABLE spans (
            id serial PRIMARY KEY,
            span int4range NOT NULL, big int8range NOT NULL, amount numrange NOT NULL, days daterange,
            at tsrange NOT NULL,
            EXCLUDE USING gist (span WITH &&),
            EXCLUDE USING gist (big WITH &&),
            EXCLUDE USING gist (amount WITH &&),
            EXCLUDE USING gist (days WITH &&),
            EXCLUDE USING gist (at WITH &&)
        );
        "#,
    )
    .await;
    assert_eq!(s.scalar("SELECT count(DISTINCT code) FROM codes").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT (a, b)) FROM pairs").await, ROWS);
    assert_eq!(s.count("bookings").await, ROWS);
    assert_eq!(s.count("spans").await, ROWS);
    let overlaps = "bookings x JOIN bookings y ON x.id < y.id AND x.room_id = y.room_id AND x.during && y.during";
    assert_eq!(s.count(overlaps).await, 0);
}

/// An exclusion constraint of another shape (`&&` on circles) is found by the plan, which names
/// the constraint and the settings that resolve it; plain `--rows` skips the table.
#[tokio::test]
async fn unknown_exclusion_constraint_is_reported() {
    assert_reported(
        r#"
        CREATE TABLE zones (id serial PRIMARY KEY, area circle NOT NULL, CONSTRAINT zones_apart EXCLUDE USING gist (area WITH &&));
        "#,
        "zones",
        &["zones_apart", "area WITH &&"],
    )
    .await;
}

/// `schema_sql` plus a plain table: `--strict` fails the plan with a message naming `table`, each
/// of `parts` and the settings that resolve it; plain `--rows` skips `table` with that message and
/// loads the rest.
async fn assert_reported(schema_sql: &str, table: &str, parts: &[&str]) {
    let db = TestDb::new().await;
    db.execute(schema_sql).await;
    db.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)").await;
    let strict = run_seed(&["plan", "--rows", "50", "--strict"], &db.url);
    assert_eq!(strict.status.code(), Some(2), "{}", strict.stderr_text());
    let message = strict.stderr_text();
    let qualified = format!("public.{table}");
    for part in parts.iter().chain(&[qualified.as_str(), "rows = 1", "skip = true"]) {
        assert!(message.contains(part), "the error should name {part:?}: {message}");
    }
    let run = run_seed(&["--rows", "50"], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let skipped = run.stderr_text();
    assert!(skipped.contains(&format!("skipped {qualified}")) && skipped.contains(parts[0]), "{skipped}");
    assert_eq!(scalar(&db, &format!("SELECT count(*) FROM {table}")).await, 0);
    assert_eq!(scalar(&db, "SELECT count(*) FROM notes").await, 50);
}

/// A composite self-reference `(tenant, parent) -> (tenant, id)` where `tenant` has no FK of its
/// own: `tenant` is the row's own value (a part of its key), and the parent is an earlier row of
/// the same tenant. Building `tenant` from the parent's `tenant` recursed forever (exit 134).
#[tokio::test]
async fn composite_self_reference_sharing_an_own_column() {
    for parent in ["parent int NOT NULL", "parent int"] {
        let s = seed(&format!(
            "CREATE TABLE tree (tenant int NOT NULL, id int NOT NULL, {parent}, PRIMARY KEY (tenant, id), \
             FOREIGN KEY (tenant, parent) REFERENCES tree (tenant, id));"
        ))
        .await;
        assert_eq!(s.count("tree").await, ROWS, "{parent}");
        assert_eq!(s.scalar("SELECT count(DISTINCT (tenant, id)) FROM tree").await, ROWS, "{parent}");
        let orphans = "tree c WHERE c.parent IS NOT NULL AND NOT EXISTS \
                       (SELECT 1 FROM tree p WHERE p.tenant = c.tenant AND p.id = c.parent)";
        assert_eq!(s.count(orphans).await, 0, "{parent}");
        let under_another = "tree c JOIN tree p ON p.tenant = c.tenant AND p.id = c.parent WHERE p.id <> c.id";
        assert!(s.count(under_another).await > 0, "{parent}: no row has another row of its tenant as parent");
    }
}

/// A composite FK `(tenant, org_id) -> orgs` whose `tenant` is also a part of the child's own
/// key `(tenant, id)`: every project's pair is a real org, and the project keys never repeat.
#[tokio::test]
async fn composite_foreign_key_sharing_a_key_column() {
    let s = seed(
        r#"
        CREATE TABLE orgs (tenant int NOT NULL, id int NOT NULL, PRIMARY KEY (tenant, id));
        CREATE TABLE projects (
            tenant int NOT NULL,
            id int NOT NULL,
            org_id int NOT NULL,
            PRIMARY KEY (tenant, id),
            FOREIGN KEY (tenant, org_id) REFERENCES orgs
        );
        "#,
    )
    .await;
    assert_eq!(s.count("projects").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT (tenant, id)) FROM projects").await, ROWS);
    let orphans = "projects p WHERE NOT EXISTS (SELECT 1 FROM orgs o WHERE (o.tenant, o.id) = (p.tenant, p.org_id))";
    assert_eq!(s.count(orphans).await, 0);
}

/// `(a, b) -> (b, a)` on one table: each row's `a` is its parent's `b`, which is that row's
/// parent's `a`, and so on without end (at the root, forever). The lookups are bounded: the
/// plan names the table instead of overflowing the stack; without `--strict` it is skipped.
#[tokio::test]
async fn self_dependent_key_is_refused_not_a_stack_overflow() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE TABLE swapped (a int NOT NULL, b int NOT NULL, UNIQUE (b, a), FOREIGN KEY (a, b) REFERENCES swapped (b, a)); \
         CREATE TABLE plain (id int PRIMARY KEY);",
    )
    .await;
    let strict = run_seed(&["--rows", "5", "--strict"], &db.url);
    assert_eq!(strict.status.code(), Some(2), "{}", strict.stderr_text());
    assert!(strict.stderr_text().contains("public.swapped"), "{}", strict.stderr_text());
    let lenient = run_seed(&["--rows", "5"], &db.url);
    assert!(lenient.status.success(), "{}", lenient.stderr_text());
    assert!(lenient.stderr_text().contains("skipped public.swapped"), "{}", lenient.stderr_text());
    assert_eq!(scalar(&db, "SELECT count(*) FROM plain").await, 5);
}

/// A text primary key with no other hint looks like an id (a prefix from the table's name and a
/// base36 index), not like filler words; a varchar(36) key too, and a child's FK copies it.
#[tokio::test]
async fn text_primary_keys_look_like_ids() {
    let s = seed(
        r#"
        CREATE TABLE users (id varchar(36) PRIMARY KEY, email text NOT NULL);
        CREATE TABLE "Project" (id text PRIMARY KEY, user_id varchar(36) NOT NULL REFERENCES users);
        "#,
    )
    .await;
    let pattern = |table: &str, prefix: &str| format!("{table} WHERE id !~ '^{prefix}_[0-9a-z]{{8}}$'");
    assert_eq!(s.count(&pattern("users", "usr")).await, 0);
    assert_eq!(s.count(&pattern("\"Project\"", "prj")).await, 0);
    assert_eq!(s.scalar("SELECT count(DISTINCT id) FROM users").await, ROWS);
}
