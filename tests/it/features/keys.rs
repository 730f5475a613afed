//! Keys and uniqueness: composite keys, FKs sharing a column, one-to-one FKs, unique constraints
//! and indexes (partial, expression, NULLS NOT DISTINCT), tables without a key, and tables whose
//! unique keys hold only a few rows.

use super::{ROWS, seed};

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

/// An expression unique index, `lower(name)`: names differ after lowering, not only as written.
#[tokio::test]
async fn expression_unique_index() {
    let s = seed(
        r#"
        CREATE TABLE members (
            id serial PRIMARY KEY,
            name text NOT NULL,
            email text NOT NULL
        );
        CREATE UNIQUE INDEX members_name_lower ON members (lower(name));
        CREATE UNIQUE INDEX members_email_lower ON members (lower(email));
        "#,
    )
    .await;
    assert_eq!(s.count("members").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT lower(name)) FROM members").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT lower(email)) FROM members").await, ROWS);
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
