//! Partial and composite unique keys at scale (issue 12, class 6): keys that mix text and
//! foreign-key columns, tenant-scoped partial indexes, nullable columns (NULLs distinct and
//! `NULLS NOT DISTINCT`), expression keys and keys on columns with a CHECK on their length, at
//! `--rows 100` and `--rows 2000`. Every key holds by construction: `--strict` loads every table
//! whole, and each key is counted again afterwards.

use super::seed_at;

/// A multi-tenant schema whose unique keys share columns: `code` in `(code, tenant_id)` and
/// `(code, project_id)`, `tenant_id` in `(tenant_id, handle)` and `(tenant_id, external_ref)`,
/// `slack_user_id` in keys with `workspace_id` and with `tenant_id`. Each column can be a part of
/// one key's driver only; before, the second key's driver took the shared part over and the
/// first key repeated (`(code, project_id)=(ITM-00002, 37)` at 100 rows).
const SHARED_PARTS: &str = r#"
    CREATE TABLE tenants (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE projects (id serial PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants, name text NOT NULL);
    CREATE TABLE items (
        id serial PRIMARY KEY,
        tenant_id int NOT NULL REFERENCES tenants,
        project_id int NOT NULL REFERENCES projects,
        code text NOT NULL,
        UNIQUE (code, tenant_id),
        UNIQUE (code, project_id)
    );
    CREATE TABLE accounts (
        id serial PRIMARY KEY,
        tenant_id int NOT NULL REFERENCES tenants,
        handle int NOT NULL CHECK (handle > 0),
        external_ref int NOT NULL,
        UNIQUE (tenant_id, handle),
        UNIQUE (tenant_id, external_ref)
    );
    CREATE TABLE workspaces (
        id serial PRIMARY KEY,
        tenant_id int NOT NULL REFERENCES tenants,
        slack_team_id text NOT NULL,
        deleted_at timestamptz
    );
    CREATE UNIQUE INDEX workspaces_slack ON workspaces (slack_team_id, tenant_id) WHERE deleted_at IS NULL;
    CREATE TABLE members (
        id serial PRIMARY KEY,
        workspace_id int NOT NULL REFERENCES workspaces,
        tenant_id int NOT NULL REFERENCES tenants,
        slack_user_id text NOT NULL,
        display_name text,
        UNIQUE (workspace_id, slack_user_id),
        UNIQUE (tenant_id, slack_user_id),
        UNIQUE (workspace_id, display_name)
    );
"#;

/// Partial tenant keys over text (`(some_text_id, tenant_id) WHERE deleted_at IS NULL`, the text
/// words plus a number), expression keys, nullable parts both ways, CHECKs on length.
const TENANT_TEXT: &str = r#"
    CREATE TABLE tenants (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE topics (name text PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants);
    CREATE TABLE users (
        id serial PRIMARY KEY,
        tenant_id int NOT NULL REFERENCES tenants,
        email text NOT NULL,
        username varchar(20) NOT NULL CHECK (length(username) >= 3),
        some_text_id text NOT NULL,
        deleted_at timestamptz
    );
    CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
    CREATE UNIQUE INDEX users_username ON users (username, tenant_id) WHERE deleted_at IS NULL;
    CREATE UNIQUE INDEX users_some_text ON users (some_text_id, tenant_id) WHERE deleted_at IS NULL;
    CREATE TABLE subscriptions (
        id serial PRIMARY KEY,
        topic_name text NOT NULL REFERENCES topics,
        tenant_id int NOT NULL REFERENCES tenants,
        external_user_id text NOT NULL,
        deleted_at timestamptz
    );
    CREATE UNIQUE INDEX subscriptions_topic ON subscriptions (topic_name, tenant_id) WHERE deleted_at IS NULL;
    CREATE UNIQUE INDEX subscriptions_user ON subscriptions (external_user_id, tenant_id) WHERE deleted_at IS NULL;
    CREATE TABLE codes (
        id serial PRIMARY KEY,
        tenant_id int NOT NULL REFERENCES tenants,
        code text NOT NULL UNIQUE CHECK (length(code) = 6),
        short_name text NOT NULL CHECK (char_length(short_name) BETWEEN 3 AND 10),
        label varchar(12) NOT NULL CHECK (length(label) >= 10),
        deleted_at timestamptz,
        UNIQUE (tenant_id, short_name)
    );
    CREATE UNIQUE INDEX codes_label ON codes (lower(label), tenant_id) WHERE deleted_at IS NULL;
    CREATE TABLE preferences (
        id serial PRIMARY KEY,
        tenant_id int REFERENCES tenants,
        topic_name text REFERENCES topics,
        kind text,
        note text,
        UNIQUE NULLS NOT DISTINCT (tenant_id, topic_name),
        UNIQUE NULLS NOT DISTINCT (tenant_id, kind),
        UNIQUE (tenant_id, note)
    );
"#;

/// Keys counted again after the load: (table, key columns, WHERE of a partial key, NULLs equal).
const KEYS: &[(&str, &str, &str, bool)] = &[
    ("items", "code, tenant_id", "true", false),
    ("items", "code, project_id", "true", false),
    ("accounts", "tenant_id, handle", "true", false),
    ("accounts", "tenant_id, external_ref", "true", false),
    ("workspaces", "slack_team_id, tenant_id", "deleted_at IS NULL", false),
    ("members", "workspace_id, slack_user_id", "true", false),
    ("members", "tenant_id, slack_user_id", "true", false),
    ("members", "workspace_id, display_name", "display_name IS NOT NULL", false),
    ("users", "lower(email)", "true", false),
    ("users", "username, tenant_id", "deleted_at IS NULL", false),
    ("users", "some_text_id, tenant_id", "deleted_at IS NULL", false),
    ("subscriptions", "topic_name, tenant_id", "deleted_at IS NULL", false),
    ("subscriptions", "external_user_id, tenant_id", "deleted_at IS NULL", false),
    ("codes", "code", "true", false),
    ("codes", "tenant_id, short_name", "true", false),
    ("codes", "lower(label), tenant_id", "deleted_at IS NULL", false),
    ("preferences", "tenant_id, topic_name", "true", true),
    ("preferences", "tenant_id, kind", "true", true),
];

async fn holds_at(schema_sql: &str, rows: i64) {
    let s = seed_at(schema_sql, rows, &[]).await;
    for (table, columns, filter, nulls_equal) in KEYS {
        let exists = format!("SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'");
        if s.scalar(&exists).await == 0 {
            continue;
        }
        // NULLs distinct: a key with a NULL part never repeats.
        let keep_nulls = if *nulls_equal { "true".to_string() } else { format!("num_nulls({columns}) = 0") };
        let repeated =
            format!("(SELECT 1 FROM {table} WHERE {filter} AND {keep_nulls} GROUP BY {columns} HAVING count(*) > 1) d");
        assert_eq!(s.count(&repeated).await, 0, "{table} ({columns}) repeats at {rows} rows");
    }
}

#[tokio::test]
async fn keys_sharing_columns_hold_at_100_rows() {
    holds_at(SHARED_PARTS, 100).await;
}

#[tokio::test]
async fn keys_sharing_columns_hold_at_2000_rows() {
    holds_at(SHARED_PARTS, 2000).await;
}

#[tokio::test]
async fn tenant_text_keys_hold_at_100_rows() {
    holds_at(TENANT_TEXT, 100).await;
}

#[tokio::test]
async fn tenant_text_keys_hold_at_2000_rows() {
    holds_at(TENANT_TEXT, 2000).await;
}
