//! Identities agree in a row and values fit their table (issue 11, items 4, 5 and 7): on a small
//! schema of our own with the name variants (snake_case, camelCase, roles, CHECK patterns), and on
//! `minimal` and `dev`. Each rule is a SQL count of the rows that break it: zero.

use crate::support::{TestDb, run_seed, scalar, temp_folder};

const SCHEMA: &str = r#"
CREATE SCHEMA app;
CREATE TABLE app.organizations (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    slug varchar(60) NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    billing_email text NOT NULL
);
CREATE TABLE app."UserProfiles" (
    id uuid PRIMARY KEY,
    "organizationId" bigint NOT NULL REFERENCES app.organizations,
    "firstName" text NOT NULL,
    "lastName" text NOT NULL,
    "fullName" text NOT NULL,
    "emailAddress" varchar(254) NOT NULL UNIQUE,
    "userName" text NOT NULL UNIQUE
);
CREATE TABLE app.customers (id serial PRIMARY KEY, name varchar(120) NOT NULL, email text NOT NULL, contact_email text NOT NULL);
CREATE TABLE app.messages (
    id serial PRIMARY KEY,
    sender_name text NOT NULL, sender_email text NOT NULL,
    recipient_name text NOT NULL, recipient_email text NOT NULL
);
CREATE TABLE app.product_categories (id serial PRIMARY KEY, name text NOT NULL UNIQUE, slug text NOT NULL UNIQUE);
CREATE TABLE app.products (id uuid PRIMARY KEY, name varchar(80) NOT NULL, sku varchar(32) NOT NULL UNIQUE, tags text[] NOT NULL);
CREATE TABLE app.boards (
    id uuid PRIMARY KEY,
    "organizationId" bigint NOT NULL REFERENCES app.organizations,
    title text NOT NULL,
    invoice_number text NOT NULL
);
CREATE TABLE app.board_items (
    id serial PRIMARY KEY,
    board_id uuid NOT NULL REFERENCES app.boards,
    position int NOT NULL CHECK (position >= 0),
    "sortOrder" smallint NOT NULL,
    UNIQUE (board_id, position)
);
CREATE TABLE app.board_comments (id serial PRIMARY KEY, board_id uuid NOT NULL REFERENCES app.boards, seq int NOT NULL, UNIQUE (board_id, seq));
"#;

const PROFILE: &str = r#"
seed = 3
schemas = ["app"]

[defaults]
rows = 200

[tables."app.board_items"]
rows = { per = "app.boards", count = "0..=12" }

[tables."app.customers"]
columns.contact_email = { infer = false }
"#;

/// `lower(x)` with everything but letters and digits removed, as emails and usernames hold names.
fn plain(column: &str) -> String {
    format!("lower(regexp_replace({column}, '[^a-zA-Z0-9]', '', 'g'))")
}

/// `x` as a slug: lowercase runs of letters and digits joined by `-`.
fn slug_of(column: &str) -> String {
    format!("trim(both '-' from regexp_replace(lower({column}), '[^a-z0-9]+', '-', 'g'))")
}

/// The last word of a name (`Abigale Lemke` -> `Lemke`).
fn last_word(column: &str) -> String {
    format!("regexp_replace({column}, '^.* ', '')")
}

/// (rule, SQL counting the rows that break it) on the schema above.
fn own_schema_rules() -> Vec<(&'static str, String)> {
    let (first, last) = (plain(r#""firstName""#), plain(r#""lastName""#));
    vec![
        (
            "a profile's names, email and username are one person",
            format!(
                r#"SELECT count(*) FROM app."UserProfiles" WHERE position({first} || '.' || {last} IN "emailAddress") <> 1
                   OR position({first} || '_' || {last} IN "userName") <> 1 OR "fullName" <> "firstName" || ' ' || "lastName""#
            ),
        ),
        (
            "a customer's email names the customer",
            format!("SELECT count(*) FROM app.customers WHERE position({} IN email) = 0", plain(&last_word("name"))),
        ),
        (
            "a message's sender and recipient are two people, each with their own email",
            format!(
                "SELECT count(*) FROM app.messages WHERE position({} IN sender_email) = 0 OR position({} IN recipient_email) = 0",
                plain(&last_word("sender_name")),
                plain(&last_word("recipient_name"))
            ),
        ),
        (
            "an organization is named like a company, its slug and billing email come from that name",
            format!(
                "SELECT count(*) FROM app.organizations WHERE slug NOT LIKE {} || '%' OR position({} IN billing_email) = 0 \
                 OR name !~ ' (Inc|LLC|Group|and Sons|Ltd|Co)'",
                slug_of("name"),
                plain("split_part(name, ' ', 1)")
            ),
        ),
        (
            "a category is a short word, its slug comes from it",
            format!(
                "SELECT count(*) FROM app.product_categories WHERE name !~ '^[a-z]+( [0-9]+)?$' OR slug NOT LIKE {} || '%'",
                slug_of("name")
            ),
        ),
        (
            "codes look like codes, tags are whole words",
            "SELECT (SELECT count(*) FROM app.products WHERE sku !~ '^SKU-[0-9]{5,}$' \
             OR EXISTS (SELECT FROM unnest(tags) t WHERE t !~ '^[a-z]+$')) \
             + (SELECT count(*) FROM app.boards WHERE invoice_number !~ '^INV-[0-9]{5}$')"
                .to_string(),
        ),
        (
            "positions within a board are 1..n",
            r#"SELECT count(*) FROM (SELECT board_id, count(*) n, min(position) lo, max(position) hi,
               min("sortOrder") slo, max("sortOrder") shi FROM app.board_items GROUP BY 1) s
               WHERE lo <> 1 OR hi <> n OR slo <> 1 OR shi <> n"#
                .to_string(),
        ),
        (
            "comments on a board (not filled per board) are numbered 1..n too",
            "SELECT count(*) FROM (SELECT board_id, count(*) n, min(seq) lo, max(seq) hi FROM app.board_comments GROUP BY 1) s \
             WHERE lo <> 1 OR hi <> n"
                .to_string(),
        ),
        (
            "UUID keys of different tables never share their last 12 hex digits",
            r#"SELECT count(*) - count(DISTINCT tail) FROM (SELECT right(id::text, 12) tail FROM app."UserProfiles"
               UNION ALL SELECT right(id::text, 12) FROM app.products UNION ALL SELECT right(id::text, 12) FROM app.boards) u"#
                .to_string(),
        ),
    ]
}

#[tokio::test]
async fn identities_agree_and_values_fit_their_table_on_a_schema_of_our_own() {
    let db = TestDb::new().await;
    db.execute(SCHEMA).await;
    let dir = temp_folder("identity");
    let profile = dir.join("app.toml");
    std::fs::write(&profile, PROFILE).expect("write profile");
    let profile = profile.to_string_lossy().into_owned();

    let plan = run_seed(&["plan", "--profile", &profile], &db.url);
    assert!(plan.status.success(), "{}", plan.stderr_text());
    let plan = plan.stdout_text();
    for rule in [
        "rule emailAddress from firstName, lastName, fullName, userName",
        "rule fullName from firstName, lastName",
        "rule billing_email from name",
        "rule name: company-like (table organizations)",
        "rule slug from name",
        "rule name: product-like (table products)",
        "rule sku: a code (SKU-00042)",
        "rule tags: elements are tags",
        "rule title: project-like (table boards)",
        "rule name: a short word (table product_categories)",
        "rule position: 1..n within each app.boards row",
        "rule seq: 1..n within each app.boards row",
        "rule email from name",
    ] {
        assert!(plan.contains(rule), "missing `{rule}` in\n{plan}");
    }
    assert!(!plan.contains("contact_email from"), "infer = false turns the rule off:\n{plan}");

    let output = run_seed(&["--profile", &profile], &db.url);
    assert!(output.status.success(), "{}", output.stderr_text());
    assert!(scalar(&db, "SELECT count(*) FROM app.board_items").await > 100, "the fan-out filled the boards");
    for (rule, sql) in own_schema_rules() {
        assert_eq!(scalar(&db, &sql).await, 0, "{rule}:\n{sql}");
    }
}

/// Rows of `table` whose `position` is not 1..n within their `parent`.
fn numbered_within(table: &str, parent: &str, position: &str) -> (&'static str, String) {
    let sql = format!(
        "SELECT count(*) FROM (SELECT {parent}, count(*) n, min({position}) lo, max({position}) hi FROM {table} \
         GROUP BY 1) s WHERE lo <> 1 OR hi <> n"
    );
    ("positions count 1..n within their parent", sql)
}

/// (rule, SQL counting the rows that break it) on the example applications.
fn example_rules() -> Vec<(&'static str, String)> {
    let has_name = |email: &str, name: &str| format!("position({} IN {email}) = 0", plain(&last_word(name)));
    vec![
        (
            "creator.users' emails",
            format!("SELECT count(*) FROM creator.users WHERE {}", has_name("email", "last_name")),
        ),
        ("story.users' emails", format!("SELECT count(*) FROM story.users WHERE {}", has_name("email", "full_name"))),
        (
            "episode.users' emails",
            format!("SELECT count(*) FROM episode.users WHERE {}", has_name("email", "full_name")),
        ),
        ("story.authors' handles", format!("SELECT count(*) FROM story.authors WHERE {}", has_name("handle", "name"))),
        (
            "story.teams' slugs",
            format!("SELECT count(*) FROM story.teams WHERE slug NOT LIKE {} || '%'", slug_of("name")),
        ),
        (
            "episode.organizations' slugs",
            format!("SELECT count(*) FROM episode.organizations WHERE slug NOT LIKE {} || '%'", slug_of("name")),
        ),
        numbered_within("story.story_chapters", "story_id", "position"),
        numbered_within("creator.post_media", "social_post_id", "position"),
        numbered_within("episode.blocks", "episode_id", "position"),
    ]
}

#[tokio::test]
async fn identities_agree_in_minimal_and_dev() {
    for profile in ["minimal", "dev"] {
        let db = TestDb::new().await;
        let output = run_seed(&["--profile", profile], &db.url);
        assert!(output.status.success(), "{profile}: {}", output.stderr_text());
        for (rule, sql) in example_rules() {
            assert_eq!(scalar(&db, &sql).await, 0, "{profile}, {rule}:\n{sql}");
        }
    }
}
