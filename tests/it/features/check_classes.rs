//! Issue 12, class 4: CHECKs across several columns' nullness and kind, key-like regexes and
//! CHECKs that call the schema's own SQL functions. One schema, a table per form, loaded as a new
//! user would (`--rows 100`, then `--rows 2000`): every table is filled, but the one whose CHECK
//! calls a plpgsql function, which seed cannot read and skips alone with a line naming the
//! constraint. Columns are nullable where the rule is about NULLs, NOT NULL elsewhere, so a row
//! cannot pass by being NULL; every CHECK is re-validated after each load.

use crate::support::{TestDb, revalidate_constraints, run_seed, scalar};

const SCHEMA: &str = r#"
    CREATE SCHEMA app;
    CREATE TYPE app.kind AS ENUM ('post', 'comment', 'user');
    CREATE TABLE app.users (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE app.posts (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES app.users, title text NOT NULL);
    CREATE TABLE app.comments (id bigserial PRIMARY KEY, post_id int NOT NULL REFERENCES app.posts, body text NOT NULL);

    CREATE TABLE app.contacts (
        id serial PRIMARY KEY,
        email text, phone varchar(20), fax_number bigint, note text NOT NULL,
        CONSTRAINT one_channel CHECK (num_nonnulls(email, phone, fax_number) = 1)
    );
    CREATE TABLE app.drafts (
        id serial PRIMARY KEY,
        published_at timestamptz, archived_on date,
        CONSTRAINT not_both CHECK (num_nulls(published_at, archived_on) >= 1)
    );
    CREATE TABLE app.payouts (
        id serial PRIMARY KEY,
        iban text, paypal text, amount numeric(12,2) NOT NULL CHECK (amount > 0),
        CONSTRAINT xor_target CHECK ((iban IS NULL) <> (paypal IS NULL))
    );
    CREATE TABLE app.labels (
        id serial PRIMARY KEY,
        color text, icon uuid,
        CONSTRAINT something CHECK (color IS NOT NULL OR icon IS NOT NULL)
    );
    -- Another table references email: it is always set, the handle and phone take turns.
    CREATE TABLE app.accounts (
        id serial PRIMARY KEY, email text UNIQUE, handle text, phone text,
        CONSTRAINT two_ways CHECK (num_nonnulls(email, handle, phone) = 2)
    );
    CREATE TABLE app.invites (id serial PRIMARY KEY, email text NOT NULL REFERENCES app.accounts (email));
    -- One of the two is NOT NULL: the other one is always NULL.
    CREATE TABLE app.pins (
        id serial PRIMARY KEY,
        lat double precision NOT NULL, place text,
        CONSTRAINT one_position CHECK (num_nonnulls(place, lat) = 1)
    );

    CREATE TABLE app.events (
        id serial PRIMARY KEY,
        kind app.kind NOT NULL,
        post_ref int, comment_ref bigint,
        CONSTRAINT kind_target CHECK (CASE WHEN kind = 'post' THEN post_ref IS NOT NULL ELSE comment_ref IS NOT NULL END)
    );
    CREATE TABLE app.notifications (
        id serial PRIMARY KEY,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
        address text, phone_number text, device uuid,
        CONSTRAINT channel_target CHECK (CASE channel WHEN 'email' THEN address IS NOT NULL
            WHEN 'sms' THEN phone_number IS NOT NULL ELSE device IS NOT NULL END)
    );
    CREATE TABLE app.reactions (
        id serial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('post', 'comment')),
        post_id int REFERENCES app.posts,
        comment_id bigint REFERENCES app.comments,
        CONSTRAINT by_kind CHECK ((kind = 'post' AND post_id IS NOT NULL AND comment_id IS NULL)
            OR (kind = 'comment' AND comment_id IS NOT NULL AND post_id IS NULL))
    );
    CREATE TABLE app.attachments (
        id serial PRIMARY KEY,
        comment_id bigint REFERENCES app.comments,
        post_id int REFERENCES app.posts,
        user_id int REFERENCES app.users,
        file text NOT NULL,
        CONSTRAINT one_owner CHECK (num_nonnulls(comment_id, post_id, user_id) = 1)
    );

    CREATE TABLE app.builds (
        id serial PRIMARY KEY,
        commit text NOT NULL UNIQUE CHECK (commit ~ '^[0-9a-f]{40}$'),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{3}-[0-9]{4}$'),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        sku text NOT NULL UNIQUE CHECK (sku ~* '^sku-[a-z0-9]{8}$'),
        invoice text NOT NULL UNIQUE CHECK (invoice LIKE 'INV-%'),
        ref text NOT NULL UNIQUE CHECK (ref SIMILAR TO '[A-Z]{2}[0-9]{6}'),
        name text NOT NULL UNIQUE CHECK (name !~ '[^a-zA-Z0-9_]')
    );

    CREATE FUNCTION app.is_valid_slug(s text) RETURNS boolean LANGUAGE sql IMMUTABLE
        AS $$ SELECT s ~ '^[a-z0-9]+(-[a-z0-9]+)*$' $$;
    CREATE FUNCTION app.positive(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN n > 0;
    CREATE FUNCTION app.within(n integer, lo integer, hi integer) RETURNS boolean LANGUAGE sql IMMUTABLE
        AS 'SELECT $1 BETWEEN $2 AND $3';
    CREATE FUNCTION app.odd(n integer) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
        AS $$ BEGIN RETURN n % 2 = 1; END $$;
    CREATE TABLE app.pages (
        id serial PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (app.is_valid_slug(slug)),
        weight int NOT NULL CHECK (app.positive(weight)),
        rank int NOT NULL CHECK (app.within(rank, 10, 20))
    );
    CREATE TABLE app.oddities (
        id serial PRIMARY KEY,
        n int NOT NULL CONSTRAINT n_is_odd CHECK (app.odd(n))
    );
"#;

/// Every table filled at both sizes, the plpgsql one through the server's verdicts (class 5);
/// the nullness rules hold with every allowed pattern in use (a rule satisfied by always
/// writing the same column would pass too, but is not data anyone would recognise).
#[tokio::test]
async fn nullness_kind_regex_and_function_checks_load_at_100_and_2000_rows() {
    let db = TestDb::new().await;
    db.execute(SCHEMA).await;
    for rows in [100i64, 2000] {
        let run = run_seed(&["--rows", &rows.to_string()], &db.url);
        let stderr = run.stderr_text();
        assert!(run.status.success(), "--rows {rows}: {stderr}");
        // The plpgsql CHECK is beyond the plan; the server decides it before COPY (class 5).
        assert_eq!(stderr.matches("skipped ").count(), 0, "--rows {rows}: every table loads: {stderr}");
        for table in [
            "users",
            "posts",
            "comments",
            "contacts",
            "drafts",
            "payouts",
            "labels",
            "pins",
            "events",
            "reactions",
            "attachments",
            "builds",
            "pages",
            "notifications",
            "accounts",
            "invites",
            "oddities",
        ] {
            assert_eq!(scalar(&db, &format!("SELECT count(*) FROM app.{table}")).await, rows, "app.{table}");
        }
        revalidate_constraints(&db).await;
        let distinct =
            |table: &str, columns: &str| format!("SELECT count(*) FROM (SELECT DISTINCT {columns} FROM app.{table}) t");
        let nulls = |columns: &[&str]| columns.iter().map(|c| format!("{c} IS NULL")).collect::<Vec<_>>().join(", ");
        assert_eq!(scalar(&db, &distinct("contacts", &nulls(&["email", "phone", "fax_number"]))).await, 3);
        assert_eq!(scalar(&db, &distinct("drafts", &nulls(&["published_at", "archived_on"]))).await, 3);
        assert_eq!(scalar(&db, &distinct("payouts", &nulls(&["iban", "paypal"]))).await, 2);
        assert_eq!(scalar(&db, &distinct("labels", &nulls(&["color", "icon"]))).await, 3);
        assert_eq!(scalar(&db, &distinct("attachments", &nulls(&["comment_id", "post_id", "user_id"]))).await, 3);
        assert_eq!(scalar(&db, &distinct("events", "kind")).await, 3, "every kind, the CASE's ELSE too");
        assert_eq!(scalar(&db, &distinct("reactions", "kind")).await, 2);
        assert_eq!(scalar(&db, &distinct("notifications", "channel")).await, 3);
        assert_eq!(scalar(&db, "SELECT count(*) FROM app.pins WHERE place IS NOT NULL").await, 0);
        assert_eq!(scalar(&db, "SELECT count(*) FROM app.accounts WHERE email IS NULL").await, 0);
        assert_eq!(scalar(&db, &distinct("accounts", "handle IS NULL")).await, 2, "the handle still takes turns");
        assert_eq!(scalar(&db, "SELECT count(DISTINCT slug) FROM app.pages").await, rows);
    }
    let plan = run_seed(&["plan", "--rows", "100"], &db.url).stdout_text();
    assert!(plan.contains("comment_id, post_id, user_id take turns"), "the plan says which owners take turns: {plan}");
    assert!(
        !plan.contains("post_id agrees with comment_id's"),
        "owners that never meet do not follow each other: {plan}"
    );
    assert!(plan.contains("calls is_valid_slug(): read through the SQL body"), "{plan}");
}

/// "Exactly one owner" where the owners are tenant-scoped composite FKs `(org_id, post_id)` and
/// `(org_id, comment_id)`: when the row's branch leaves an FK unset, its nullable column is NULL
/// and the tenant column it shares keeps a value from a real parent, so the set FK still finds
/// its parent within the same tenant.
#[tokio::test]
async fn exactly_one_tenant_scoped_owner_loads_at_100_and_2000_rows() {
    let db = TestDb::new().await;
    db.execute(
        r#"
        CREATE TABLE orgs (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE posts (org_id int NOT NULL REFERENCES orgs, id int NOT NULL, title text NOT NULL,
            PRIMARY KEY (org_id, id));
        CREATE TABLE comments (org_id int NOT NULL REFERENCES orgs, id int NOT NULL, post_id int NOT NULL,
            PRIMARY KEY (org_id, id), FOREIGN KEY (org_id, post_id) REFERENCES posts (org_id, id));
        CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE attachments (
            id serial PRIMARY KEY,
            org_id int NOT NULL REFERENCES orgs,
            post_id int, comment_id int, user_id int REFERENCES users,
            FOREIGN KEY (org_id, post_id) REFERENCES posts (org_id, id),
            FOREIGN KEY (org_id, comment_id) REFERENCES comments (org_id, id),
            CONSTRAINT one_owner CHECK (num_nonnulls(post_id, comment_id, user_id) = 1)
        );
        "#,
    )
    .await;
    for rows in [100i64, 2000] {
        let run = run_seed(&["--rows", &rows.to_string(), "--strict"], &db.url);
        assert!(run.status.success(), "--rows {rows}: {}", run.stderr_text());
        assert_eq!(scalar(&db, "SELECT count(*) FROM attachments").await, rows);
        let patterns = "SELECT count(*) FROM (SELECT DISTINCT post_id IS NULL, comment_id IS NULL FROM attachments) t";
        assert_eq!(scalar(&db, patterns).await, 3);
        revalidate_constraints(&db).await;
    }
}
