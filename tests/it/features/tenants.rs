//! Tenant and owner consistency across foreign keys: an FK whose parent is also reachable through
//! another FK's parent (a message's organization through its session) copies that parent, so
//! related rows agree. Chains of one and two FKs (through a table whose own FK inherits), a
//! diamond (two chains, one wins), and FKs that stay independent: another name, or nullable.

use super::seed;

const SCHEMA: &str = r#"
    CREATE TABLE orgs (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE users (id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs, email text NOT NULL);
    CREATE TABLE projects (
        id int PRIMARY KEY,
        org_id int NOT NULL REFERENCES orgs,
        lead_id int NOT NULL REFERENCES users,
        name text NOT NULL
    );
    -- chain of one FK: a session's organization is its project's
    CREATE TABLE sessions (
        id int PRIMARY KEY,
        org_id int NOT NULL REFERENCES orgs,
        project_id int NOT NULL REFERENCES projects,
        created_by int REFERENCES users,
        title text
    );
    CREATE TABLE messages (
        id int PRIMARY KEY,
        org_id int NOT NULL REFERENCES orgs,
        session_id int NOT NULL REFERENCES sessions,
        created_by int REFERENCES users,
        body text
    );
    -- chain of two FKs: tasks have no organization of their own; the note's nullable creator
    -- reaches an organization in one FK, but the NOT NULL task it belongs to wins
    CREATE TABLE tasks (id int PRIMARY KEY, project_id int NOT NULL REFERENCES projects, owner_id int REFERENCES users);
    CREATE TABLE task_notes (
        id int PRIMARY KEY,
        task_id int NOT NULL REFERENCES tasks,
        created_by int REFERENCES users,
        org_id int NOT NULL REFERENCES orgs
    );
    -- a diamond: the organization is reachable through the project and through the user
    CREATE TABLE assignments (
        id int PRIMARY KEY,
        org_id int NOT NULL REFERENCES orgs,
        project_id int NOT NULL REFERENCES projects,
        user_id int NOT NULL REFERENCES users
    );
"#;

/// The plan's line for `table`'s FK on `column`.
fn relationship(s: &super::Seeded, table: &str, column: &str) -> String {
    let lines = s.table(table)["foreign_keys"].as_array().expect("foreign_keys").clone();
    lines
        .iter()
        .filter_map(|l| l.as_str())
        .find(|l| l.starts_with(&format!("{column} ->")))
        .unwrap_or_else(|| panic!("no FK on {table}.{column}: {lines:?}"))
        .to_string()
}

#[tokio::test]
async fn foreign_keys_follow_their_related_rows_tenant() {
    let s = seed(SCHEMA).await;
    // One FK: every session in its project's organization, every message in its session's.
    let sessions = "sessions s JOIN projects p ON p.id = s.project_id WHERE s.org_id <> p.org_id";
    assert_eq!(s.count(sessions).await, 0);
    let messages = "messages m JOIN sessions s ON s.id = m.session_id WHERE m.org_id <> s.org_id";
    assert_eq!(s.count(messages).await, 0);
    // A project's organization is its lead's; two FKs: a note's organization is its task's project's.
    let projects = "projects p JOIN users u ON u.id = p.lead_id WHERE p.org_id <> u.org_id";
    assert_eq!(s.count(projects).await, 0);
    let notes = "task_notes n JOIN tasks t ON t.id = n.task_id JOIN projects p ON p.id = t.project_id \
                 WHERE n.org_id <> p.org_id";
    assert_eq!(s.count(notes).await, 0);
    // The diamond: the project wins (first in FK order), and the plan says so.
    let assignments = "assignments a JOIN projects p ON p.id = a.project_id WHERE a.org_id <> p.org_id";
    assert_eq!(s.count(assignments).await, 0);
    assert!(
        relationship(&s, "public.assignments", "org_id").contains("reached by project_id -> public.projects.org_id")
    );
    assert!(relationship(&s, "public.messages", "org_id").contains("reached by session_id -> public.sessions.org_id"));
    let chain = relationship(&s, "public.task_notes", "org_id");
    assert!(chain.contains("reached by task_id -> public.tasks.project_id -> public.projects.org_id"), "{chain}");
    // Another name is another role: an assignment's user is not forced to be its project's lead;
    // but the project is one of the user's organization (whatever the columns are called).
    let user = relationship(&s, "public.assignments", "user_id");
    assert!(!user.contains("lead_id"), "{user}");
    let project = relationship(&s, "public.assignments", "project_id");
    assert!(project.contains("a row of public.projects in the public.orgs row of user_id"), "{project}");
    assert_eq!(s.count("assignments a JOIN users u ON u.id = a.user_id WHERE u.org_id <> a.org_id").await, 0);
    // A nullable FK is an optional reference: a message's author is not its session's creator
    // (only a user of the message's organization).
    let author = relationship(&s, "public.messages", "created_by");
    assert!(!author.contains("sessions.created_by") && author.contains("in the public.orgs row of org_id"), "{author}");
    // Without the rule, uniform picks would disagree in most rows: the data really varies.
    assert!(s.scalar("SELECT count(DISTINCT org_id) FROM messages").await > 5);
}

/// A profile rule on the FK's column keeps it independent (the opt-out), and `seed plan` says
/// uniform; the FK without a rule still follows its session.
#[tokio::test]
async fn a_profile_rule_keeps_a_foreign_key_independent() {
    use crate::support::{TestDb, run_seed, scalar, temp_folder};
    let db = TestDb::new().await;
    let schema = SCHEMA.replace("CREATE TABLE ", "CREATE TABLE app.").replace("REFERENCES ", "REFERENCES app.");
    db.execute(&format!("CREATE SCHEMA app; {schema}")).await;
    let dir = temp_folder("tenant-opt-out");
    let profile = dir.join("app.toml");
    // `infer = false` frees the session too, which would otherwise be picked within the organization.
    let text = "schemas = [\"app\"]\n\n[tables.\"app.messages\"]\ncolumns.org_id = { null_rate = 0 }\n\
                columns.session_id = { infer = false }\n";
    std::fs::write(&profile, text).expect("write profile");
    let profile = profile.display().to_string();
    let plan = run_seed(&["plan", "--profile", &profile, "--json"], &db.url);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("plan JSON");
    let org_fk = |table: &str| {
        let tables = plan["tables"].as_array().expect("tables");
        let entry = tables.iter().find(|t| t["table"] == table).expect("table in the plan");
        let lines = entry["foreign_keys"].as_array().expect("foreign_keys");
        lines.iter().filter_map(|l| l.as_str()).find(|l| l.starts_with("org_id ->")).expect("org_id").to_string()
    };
    assert!(org_fk("app.messages").starts_with("org_id -> app.orgs: uniform"), "{plan:#}");
    assert!(org_fk("app.sessions").contains("the row reached by project_id"), "{plan:#}");
    let run = run_seed(&["--profile", &profile], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let messages = "SELECT count(*) FROM app.messages m JOIN app.sessions s ON s.id = m.session_id \
                    WHERE m.org_id <> s.org_id";
    assert!(scalar(&db, messages).await > 0, "the rule keeps messages.org_id independent");
    let sessions = "SELECT count(*) FROM app.sessions s JOIN app.projects p ON p.id = s.project_id \
                    WHERE s.org_id <> p.org_id";
    assert_eq!(scalar(&db, sessions).await, 0);
}

/// The other direction: a session's organization comes from its user, and its project, from a
/// table laid out per organization, is one of that organization's projects (when it has any).
#[tokio::test]
async fn a_foreign_key_picks_among_the_rows_its_owner_owns() {
    use crate::support::{TestDb, run_seed, scalar, temp_folder};
    let db = TestDb::new().await;
    db.execute(
        "CREATE SCHEMA app;
         CREATE TABLE app.orgs (id int PRIMARY KEY, name text);
         CREATE TABLE app.users (id int PRIMARY KEY, org_id int NOT NULL REFERENCES app.orgs);
         CREATE TABLE app.projects (id int PRIMARY KEY, org_id int NOT NULL REFERENCES app.orgs);
         CREATE TABLE app.sessions (
             id int PRIMARY KEY,
             user_id int NOT NULL REFERENCES app.users,
             org_id int NOT NULL REFERENCES app.orgs,
             project_id int REFERENCES app.projects
         );",
    )
    .await;
    let dir = temp_folder("tenant-within");
    let profile = dir.join("app.toml");
    let text = "schemas = [\"app\"]\n\n[tables.\"app.orgs\"]\nrows = 20\n\n\
                [tables.\"app.users\"]\nrows = { per = \"app.orgs\", count = \"1..=4\" }\n\n\
                [tables.\"app.projects\"]\nrows = { per = \"app.orgs\", count = \"0..=3\" }\n\n\
                [tables.\"app.sessions\"]\nrows = 300\n";
    std::fs::write(&profile, text).expect("write profile");
    let profile = profile.display().to_string();
    let plan = run_seed(&["plan", "--profile", &profile], &db.url);
    let plan_text = String::from_utf8_lossy(&plan.stdout).to_string();
    assert!(
        plan_text.contains("project_id -> app.projects: a row of app.projects owned by the app.orgs row of org_id"),
        "{plan_text}"
    );
    let run = run_seed(&["--profile", &profile], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let users = "SELECT count(*) FROM app.sessions s JOIN app.users u ON u.id = s.user_id WHERE s.org_id <> u.org_id";
    assert_eq!(scalar(&db, users).await, 0);
    // Never another organization's project: NULL when the session's organization has none.
    let projects =
        "SELECT count(*) FROM app.sessions s JOIN app.projects p ON p.id = s.project_id WHERE s.org_id <> p.org_id";
    assert_eq!(scalar(&db, projects).await, 0, "a project of another organization");
    assert!(scalar(&db, "SELECT count(*) FROM app.sessions WHERE project_id IS NOT NULL").await > 100);
    let orphans = "SELECT count(*) FROM app.sessions s WHERE project_id IS NULL \
                   AND EXISTS (SELECT 1 FROM app.projects p WHERE p.org_id = s.org_id)";
    assert!(scalar(&db, orphans).await < 60, "NULL only by the null rate where the organization has projects");
}

/// The issue's multi-tenant application: issues of an organization's projects (a composite FK),
/// users who belong to an organization, comments with authors and audit rows with actors (under
/// names that say nothing of organizations), and organizations owned by a user (a cycle).
const MULTI_TENANT: &str = r#"
    CREATE SCHEMA app;
    CREATE TABLE app.organizations (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE app.users (id serial PRIMARY KEY, org_id int NOT NULL REFERENCES app.organizations, email text NOT NULL);
    ALTER TABLE app.organizations ADD COLUMN owner_id int NOT NULL REFERENCES app.users;
    CREATE TABLE app.projects (
        org_id int NOT NULL REFERENCES app.organizations,
        id serial,
        name text NOT NULL,
        PRIMARY KEY (org_id, id)
    );
    CREATE TABLE app.issues (
        id serial PRIMARY KEY,
        org_id int NOT NULL,
        project_id int NOT NULL,
        reporter_id int NOT NULL REFERENCES app.users,
        title text NOT NULL,
        FOREIGN KEY (org_id, project_id) REFERENCES app.projects (org_id, id)
    );
    CREATE TABLE app.comments (
        id serial PRIMARY KEY,
        "issueId" int NOT NULL REFERENCES app.issues,
        "writtenBy" int NOT NULL REFERENCES app.users,
        body text
    );
    CREATE TABLE app.audit_events (
        id bigserial PRIMARY KEY,
        tenant int NOT NULL REFERENCES app.organizations,
        actor int REFERENCES app.users,
        action text NOT NULL
    );
"#;

/// Rows of the multi-tenant schema that break "everyone in a row belongs to its organization",
/// by rule, and how many rows each rule checked.
const MULTI_TENANT_CHECKS: [(&str, &str); 4] = [
    ("issue reporters", "FROM app.issues i JOIN app.users u ON u.id = i.reporter_id WHERE u.org_id <> i.org_id"),
    (
        "comment authors",
        r#"FROM app.comments c JOIN app.issues i ON i.id = c."issueId" JOIN app.users u ON u.id = c."writtenBy"
           WHERE u.org_id <> i.org_id"#,
    ),
    ("audit actors", "FROM app.audit_events e JOIN app.users u ON u.id = e.actor WHERE u.org_id <> e.tenant"),
    ("organization owners", "FROM app.organizations o JOIN app.users u ON u.id = o.owner_id WHERE u.org_id <> o.id"),
];

/// Loads the multi-tenant schema with `tables` (profile text after the schema line) and checks
/// that no row has a reporter, author, actor or owner from another organization.
async fn multi_tenant_agrees(name: &str, tables: &str) {
    use crate::support::{TestDb, run_seed, scalar};
    let db = TestDb::new().await;
    db.execute(MULTI_TENANT).await;
    let (_dir, profile, plan_text) = planned_with_profile(&db, name, "app", tables);
    // Whichever of the two picks within the other's organization (projects are laid out per
    // organization by their (org_id, id) key, so the project may be the one that follows).
    let agreed = ["rule reporter_id ", "rule org_id, project_id in the same app.organizations as reporter_id"];
    assert!(agreed.iter().any(|rule| plan_text.contains(rule)), "{plan_text}");
    assert!(plan_text.contains("rule owner_id in the same app.organizations as the row itself"), "{plan_text}");
    let run = run_seed(&["--profile", &profile], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    for (rule, rows) in MULTI_TENANT_CHECKS {
        assert_eq!(scalar(&db, &format!("SELECT count(*) {rows}")).await, 0, "{rule} of another organization");
        let checked = rows.split(" WHERE ").next().unwrap_or(rows);
        assert!(scalar(&db, &format!("SELECT count(*) {checked}")).await >= 25, "{rule}: too few rows to tell");
    }
    // Agreement, not sameness: each organization's issues have several reporters.
    let reporters = "SELECT max(n) FROM (SELECT count(DISTINCT reporter_id) AS n FROM app.issues GROUP BY org_id) r";
    assert!(scalar(&db, reporters).await > 1);
}

#[tokio::test]
async fn everyone_in_a_row_belongs_to_its_organization() {
    let volumes = "[tables.\"app.organizations\"]\nrows = 30\n\n[tables.\"app.users\"]\nrows = 300\n\n\
                   [tables.\"app.projects\"]\nrows = 90\n\n[tables.\"app.issues\"]\nrows = 856\n\n\
                   [tables.\"app.comments\"]\nrows = 2105\n\n[tables.\"app.audit_events\"]\nrows = 1749\n";
    multi_tenant_agrees("multi-tenant", volumes).await;
}

#[tokio::test]
async fn everyone_in_a_row_belongs_to_its_organization_with_fan_outs() {
    let volumes = "[tables.\"app.organizations\"]\nrows = 30\n\n\
                   [tables.\"app.users\"]\nrows = { per = \"app.organizations\", count = \"1..=20\" }\n\n\
                   [tables.\"app.projects\"]\nrows = { per = \"app.organizations\", count = \"1..=5\" }\n\n\
                   [tables.\"app.issues\"]\nrows = { per = \"app.projects\", count = \"0..=15\" }\n\n\
                   [tables.\"app.comments\"]\nrows = { per = \"app.issues\", count = \"0..=4\" }\n\n\
                   [tables.\"app.audit_events\"]\nrows = { per = \"app.organizations\", count = \"10..=90\" }\n";
    multi_tenant_agrees("multi-tenant-per", volumes).await;
}

/// Writes a profile of `schema` with `tables` (profile text after the schema line) into a fresh
/// folder (kept while the first value lives), and plans it: (folder, profile path, plan text).
pub(super) fn planned_with_profile(
    db: &crate::support::TestDb,
    name: &str,
    schema: &str,
    tables: &str,
) -> (crate::support::TempFolder, String, String) {
    let dir = crate::support::temp_folder(name);
    let profile = dir.join(format!("{schema}.toml"));
    std::fs::write(&profile, format!("schemas = [\"{schema}\"]\n\n{tables}")).expect("write profile");
    let profile = profile.display().to_string();
    let plan = crate::support::run_seed(&["plan", "--profile", &profile], &db.url);
    assert!(plan.status.success(), "{}", plan.stderr_text());
    (dir, profile, String::from_utf8_lossy(&plan.stdout).to_string())
}

const MEMBERSHIP: &str = r#"
    CREATE SCHEMA app;
    CREATE TABLE app.users (id serial PRIMARY KEY, name text);
    CREATE TABLE app.teams (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE app.team_members (
        team_id int NOT NULL REFERENCES app.teams,
        user_id int NOT NULL REFERENCES app.users,
        PRIMARY KEY (team_id, user_id)
    );
    CREATE TABLE app.customers (
        id serial PRIMARY KEY,
        team_id int NOT NULL REFERENCES app.teams,
        "accountManager" int REFERENCES app.users,
        name text
    );
"#;

/// `member_of`: a customer's account manager is a member of the customer's team (a row of the
/// membership table links them), when the memberships are laid out per team; the plan says so
/// where they are not.
#[tokio::test]
async fn a_declared_member_belongs_to_the_rows_group() {
    use crate::support::{TestDb, run_seed, scalar, temp_folder};
    let db = TestDb::new().await;
    db.execute(MEMBERSHIP).await;
    let dir = temp_folder("member-of");
    let write = |name: &str, members: &str| {
        let path = dir.join(name);
        let text = format!(
            "schemas = [\"app\"]\n\n[tables.\"app.teams\"]\nrows = 20\n\n[tables.\"app.users\"]\nrows = 100\n\n\
             [tables.\"app.team_members\"]\n{members}\n\n[tables.\"app.customers\"]\nrows = 300\n\
             columns.accountManager = {{ member_of = \"team_members\" }}\n"
        );
        std::fs::write(&path, text).expect("write profile");
        path.display().to_string()
    };
    let laid_out = write("per.toml", "rows = { per = \"app.teams\", count = \"1..=6\" }");
    let plan = run_seed(&["plan", "--profile", &laid_out], &db.url);
    let plan_text = String::from_utf8_lossy(&plan.stdout).to_string();
    assert!(plan_text.contains("the member of a app.team_members row in the app.teams row of team_id"), "{plan_text}");
    let run = run_seed(&["--profile", &laid_out], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    let strangers = r#"SELECT count(*) FROM app.customers c WHERE "accountManager" IS NOT NULL AND NOT EXISTS
                       (SELECT 1 FROM app.team_members m WHERE m.team_id = c.team_id AND m.user_id = c."accountManager")"#;
    assert_eq!(scalar(&db, strangers).await, 0, "an account manager outside the customer's team");
    assert!(scalar(&db, r#"SELECT count(DISTINCT "accountManager") FROM app.customers"#).await > 1);
    assert!(scalar(&db, r#"SELECT count("accountManager") FROM app.customers"#).await > 200);
    // Memberships not laid out per team cannot be searched from indexes: the plan says so.
    let scattered = write("scattered.toml", "rows = 60");
    let plan = run_seed(&["plan", "--profile", &scattered], &db.url);
    let plan_text = String::from_utf8_lossy(&plan.stdout).to_string();
    assert!(plan_text.contains("`member_of` cannot hold by construction"), "{plan_text}");
}

/// Corpus shapes the tenant pass once missed: a rental unique by (moment, item, customer), whose
/// item and customer must be of one store; a request whose creator, where its post is NULL, is its
/// topic's creator (not its approver, whose key comes first); a report unique per (post, reporter), whose
/// reporter is not forced to be the post's author.
const CORPUS_SHAPES: &str = r#"
    CREATE TABLE stores (id int PRIMARY KEY, name text);
    CREATE TABLE inventory (id int PRIMARY KEY, store_id int NOT NULL REFERENCES stores);
    CREATE TABLE customers (id int PRIMARY KEY, store_id int NOT NULL REFERENCES stores, name text);
    CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL REFERENCES stores);
    CREATE TABLE rentals (
        id int PRIMARY KEY,
        rented_at timestamptz NOT NULL,
        inventory_id int NOT NULL REFERENCES inventory,
        customer_id int NOT NULL REFERENCES customers,
        staff_id int NOT NULL REFERENCES staff,
        UNIQUE (rented_at, inventory_id, customer_id)
    );
    CREATE TABLE users (id int PRIMARY KEY, name text);
    CREATE TABLE topics (
        id int PRIMARY KEY,
        approver_id int NOT NULL REFERENCES users,
        creator_id int NOT NULL REFERENCES users
    );
    CREATE TABLE posts (id int PRIMARY KEY, creator_id int NOT NULL REFERENCES users);
    CREATE TABLE requests (
        id int PRIMARY KEY,
        post_id int REFERENCES posts,
        topic_id int REFERENCES topics,
        creator_id int NOT NULL REFERENCES users
    );
    CREATE TABLE reports (
        id int PRIMARY KEY,
        post_id int NOT NULL REFERENCES posts,
        creator_id int NOT NULL REFERENCES users,
        UNIQUE (post_id, creator_id)
    );
"#;

#[tokio::test]
async fn corpus_shapes_keep_their_tenants() {
    let s = seed(CORPUS_SHAPES).await;
    let apart = "rentals r JOIN inventory i ON i.id = r.inventory_id JOIN customers c ON c.id = r.customer_id \
                 JOIN staff st ON st.id = r.staff_id WHERE i.store_id <> c.store_id OR st.store_id <> c.store_id";
    assert_eq!(s.count(apart).await, 0, "a rental's item, customer and staff of different stores");
    assert!(s.scalar("SELECT count(DISTINCT rented_at) FROM rentals").await > 1);
    let fallback = "requests q JOIN topics t ON t.id = q.topic_id WHERE q.post_id IS NULL";
    assert!(s.count(fallback).await > 0, "no request without a post but with a topic to tell");
    assert_eq!(s.count(&format!("{fallback} AND q.creator_id <> t.creator_id")).await, 0);
    let own = "reports r JOIN posts p ON p.id = r.post_id WHERE r.creator_id = p.creator_id";
    assert!(s.count(own).await < super::ROWS / 2, "most reports are by the post's author");
    let mut conn = s.db.connect().await;
    let report = crate::consistency::Report::run(&mut conn, &[crate::consistency::Rule::Tenant], &[]).await;
    report.assert_holds(crate::consistency::Rule::Tenant, "corpus shapes");
}
