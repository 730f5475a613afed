//! Cycles of foreign keys: through nullable FKs, through deferrable FKs, through NOT NULL
//! non-deferrable FKs on both sides (store <-> staff), and self-references (trees), nullable and
//! NOT NULL. A cycle must load with its references filled, not by writing NULL everywhere.

use super::{ROWS, seed};
use crate::support::{TestDb, run_seed, scalar, temp_folder};

/// Nodes of `table` (self-referencing through `parent`) that never reach a root by walking up:
/// 0 for a tree (a root is NULL, or points at itself).
fn unrooted(table: &str, id: &str, parent: &str) -> String {
    format!(
        "{table} WHERE {id} NOT IN (WITH RECURSIVE rooted(id) AS ( \
             SELECT {id} FROM {table} WHERE {parent} IS NULL OR {parent} = {id} \
             UNION SELECT c.{id} FROM {table} c JOIN rooted r ON c.{parent} = r.id) \
         SELECT id FROM rooted)"
    )
}

/// A cycle through nullable, non-deferrable FKs: both references are mostly filled.
#[tokio::test]
async fn cycle_through_nullable_foreign_keys() {
    let s = seed(
        r#"
        CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL, favorite_book_id int);
        CREATE TABLE books (id serial PRIMARY KEY, title text NOT NULL, author_id int REFERENCES authors);
        ALTER TABLE authors ADD FOREIGN KEY (favorite_book_id) REFERENCES books;
        "#,
    )
    .await;
    assert_eq!(s.plan["cycles"].as_array().map(Vec::len), Some(1), "{}", s.plan);
    assert!(s.count("authors WHERE favorite_book_id IS NOT NULL").await > ROWS / 2);
    assert!(s.count("books WHERE author_id IS NOT NULL").await > ROWS / 2);
}

/// A cycle of NOT NULL deferrable FKs: checked at commit, nothing dropped.
#[tokio::test]
async fn cycle_through_deferrable_foreign_keys() {
    let s = seed(
        r#"
        CREATE TABLE a (id int PRIMARY KEY, b_id int NOT NULL);
        CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a DEFERRABLE INITIALLY DEFERRED);
        ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b DEFERRABLE INITIALLY IMMEDIATE;
        "#,
    )
    .await;
    assert!(!s.plan["deferred"].as_array().expect("deferred").is_empty(), "{}", s.plan);
    assert_eq!(s.plan["dropped_and_readded"], serde_json::json!([]), "{}", s.plan);
    assert_eq!(s.count("a").await, ROWS);
    assert_eq!(s.count("b").await, ROWS);
}

/// store <-> staff: NOT NULL, non-deferrable on both sides (pagila's shape, with the unique
/// manager): the back edge is dropped and re-added, which re-validates it.
#[tokio::test]
async fn cycle_through_not_null_non_deferrable_foreign_keys() {
    let s = seed(
        r#"
        CREATE TABLE store (store_id serial PRIMARY KEY, manager_staff_id int NOT NULL, address text NOT NULL);
        CREATE TABLE staff (
            staff_id serial PRIMARY KEY,
            store_id int NOT NULL REFERENCES store,
            name text NOT NULL
        );
        ALTER TABLE store ADD CONSTRAINT store_manager_staff_id_fkey FOREIGN KEY (manager_staff_id) REFERENCES staff;
        CREATE UNIQUE INDEX idx_unq_manager_staff_id ON store (manager_staff_id);
        "#,
    )
    .await;
    assert!(!s.plan["dropped_and_readded"].as_array().expect("dropped").is_empty(), "{}", s.plan);
    assert_eq!(s.count("store").await, ROWS);
    assert_eq!(s.count("staff").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT manager_staff_id) FROM store").await, ROWS);
}

/// Three tables, each with a NOT NULL non-deferrable FK to the next.
#[tokio::test]
async fn three_table_not_null_cycle() {
    let s = seed(
        r#"
        CREATE TABLE x (id int PRIMARY KEY, y_id int NOT NULL);
        CREATE TABLE y (id int PRIMARY KEY, z_id int NOT NULL);
        CREATE TABLE z (id int PRIMARY KEY, x_id int NOT NULL REFERENCES x);
        ALTER TABLE x ADD FOREIGN KEY (y_id) REFERENCES y;
        ALTER TABLE y ADD FOREIGN KEY (z_id) REFERENCES z;
        "#,
    )
    .await;
    for table in ["x", "y", "z"] {
        assert_eq!(s.count(table).await, ROWS, "{table}");
    }
}

/// A nullable self-reference: a forest whose every node reaches a root, with real parents.
#[tokio::test]
async fn nullable_self_reference() {
    let s = seed(
        r#"
        CREATE TABLE categories (id serial PRIMARY KEY, parent_id int REFERENCES categories, name text NOT NULL);
        "#,
    )
    .await;
    assert!(s.count("categories WHERE parent_id IS NOT NULL").await > ROWS / 2);
    assert_eq!(s.count(&unrooted("categories", "id", "parent_id")).await, 0);
}

/// A NOT NULL self-reference: the root points at itself, every parent exists, and every node
/// reaches the root.
#[tokio::test]
async fn not_null_self_reference() {
    let s = seed(
        r#"
        CREATE TABLE nodes (id serial PRIMARY KEY, parent_id int NOT NULL REFERENCES nodes, label text);
        "#,
    )
    .await;
    assert_eq!(s.count("nodes").await, ROWS);
    assert!(s.count("nodes WHERE parent_id = id").await >= 1, "no root points at itself");
    assert_eq!(s.count("nodes n WHERE NOT EXISTS (SELECT 1 FROM nodes p WHERE p.id = n.parent_id)").await, 0);
    assert_eq!(s.count(&unrooted("nodes", "id", "parent_id")).await, 0);
}

/// A composite self-reference sharing the tenant column: `(tenant_id, parent_id)` ->
/// `(tenant_id, id)`, so a folder's parent is in the same tenant.
#[tokio::test]
async fn composite_self_reference_within_a_tenant() {
    let s = seed(
        r#"
        CREATE TABLE tenants (id int PRIMARY KEY);
        CREATE TABLE folders (
            tenant_id int NOT NULL REFERENCES tenants,
            id int NOT NULL,
            parent_id int,
            name text NOT NULL,
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, parent_id) REFERENCES folders (tenant_id, id)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("folders").await, ROWS);
    // A real hierarchy: tenants hold several folders, and some folders sit under another folder
    // of their tenant (not only roots pointing at themselves).
    assert!(s.scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM folders GROUP BY tenant_id) t").await > 1);
    let under_another =
        "folders c JOIN folders p ON p.tenant_id = c.tenant_id AND p.id = c.parent_id WHERE p.id <> c.id";
    assert!(s.count(under_another).await > 0, "no folder has another folder as its parent");
}

/// A cycle whose back edge is an owner (`teams.owner_id -> users` while users' current team is
/// nullable, so users are not laid out per team): each team's owner is created at or before the
/// team, mostly earlier (equal only where nobody was created before it), NOT NULL or nullable,
/// and a user still after its current team; `seed plan` says the rule.
#[tokio::test]
async fn a_back_edge_owner_is_created_at_or_before_its_row() {
    for owner in ["NOT NULL", ""] {
        let s = seed(&format!(
            r#"
            CREATE TABLE users (
                id uuid PRIMARY KEY, email text NOT NULL UNIQUE, current_team_id uuid,
                created_at timestamptz NOT NULL
            );
            CREATE TABLE teams (
                id uuid PRIMARY KEY, name text NOT NULL, owner_id uuid {owner} REFERENCES users,
                created_at timestamptz NOT NULL
            );
            ALTER TABLE users ADD FOREIGN KEY (current_team_id) REFERENCES teams;
            "#
        ))
        .await;
        let owned = "teams t JOIN users u ON u.id = t.owner_id";
        assert_eq!(s.count(&format!("{owned} WHERE u.created_at > t.created_at")).await, 0, "owner {owner}");
        let earlier = s.count(&format!("{owned} WHERE u.created_at < t.created_at")).await;
        assert!(earlier > ROWS * 3 / 4, "owner {owner}: only {earlier} owners created before their team");
        assert!(s.scalar("SELECT count(DISTINCT owner_id) FROM teams").await > ROWS / 4, "owner {owner}: a few owners");
        let before_team = "users u JOIN teams t ON t.id = u.current_team_id WHERE u.created_at < t.created_at";
        assert_eq!(s.count(before_team).await, 0, "owner {owner}: a user before its current team");
        let rules = s.table("public.teams")["inferred"].to_string();
        let rule = "created_at after public.users.created_at via owner_id, a cycle's back edge";
        assert!(rules.contains(rule), "owner {owner}: {rules}");
    }
}

/// An organization's owner is its first user, held at the organization's moment (the cycle's
/// equal moments). With users laid out per organization in skewed counts, the users before a
/// founder's index are mostly created after it, so its self-reference (`referred_by`, an earlier
/// user) takes one created by then, else NULL: the founder stays at its organization's moment.
#[tokio::test]
async fn a_founder_refers_only_to_users_created_by_its_moment() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL, owner_user_id uuid NOT NULL, \
             created_at timestamptz NOT NULL); \
         CREATE TABLE users (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations, \
             referred_by uuid REFERENCES users, email text NOT NULL, created_at timestamptz NOT NULL); \
         ALTER TABLE organizations ADD FOREIGN KEY (owner_user_id) REFERENCES users; \
         CREATE TABLE projects (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations, \
             created_at timestamptz NOT NULL); \
         CREATE TABLE invoices (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations, \
             created_at timestamptz NOT NULL);",
    )
    .await;
    let folder = temp_folder("founder_refers");
    let profile = folder.join("p.toml");
    let volumes = "schemas = [\"public\"]\n[defaults]\nrows = 60\n[tables.\"public.organizations\"]\nrows = 200\n\
                   [tables.\"public.users\"]\nrows = { per = \"public.organizations\", count = { zipf = 1.1, min = 1, max = 40 } }\n";
    std::fs::write(&profile, volumes).expect("profile");
    let profile = profile.to_string_lossy().to_string();
    let run = run_seed(&["--profile", &profile], &db.url);
    assert!(run.status.success(), "seed failed: {}", run.stderr_text());
    let plan = run_seed(&["plan", "--profile", &profile], &db.url).stdout_text();
    assert!(plan.contains("first row (its owner) equal to"), "no founder:\n{plan}");
    let late_owner = "SELECT count(*) FROM organizations o JOIN users u ON u.id = o.owner_user_id \
                      WHERE u.created_at > o.created_at";
    assert_eq!(scalar(&db, late_owner).await, 0, "owners created after their organization");
    let late_referrer =
        "SELECT count(*) FROM users u JOIN users r ON r.id = u.referred_by WHERE r.created_at > u.created_at";
    assert_eq!(scalar(&db, late_referrer).await, 0, "users referred by a later user");
    assert!(scalar(&db, "SELECT count(*) FROM users WHERE referred_by IS NOT NULL").await > 100, "referrers kept");
}
