//! Tables kept by triggers (issue 12, class 7): a table another table's trigger fills is left to
//! the trigger and loaded after it; where the trigger makes one row per row, the plan computes
//! those rows' keys (copied from `NEW`, or drawn from a sequence restarted just before), so the
//! tables that reference them load too. Where it cannot, only those tables are skipped, each with
//! one line naming the trigger and what to set. A table the profile gives rows as well gets them
//! beside the trigger's, with keys that never collide.

use super::skips::skip_line;
use super::{Seeded, seed_at};
use crate::support::{TempFolder, TestDb, revalidate_constraints, run_seed, scalar};

/// `accounts`' trigger makes a wallet (keyed by a serial, copying the account's id) and an
/// audit row (a bigserial key, no foreign key to `accounts`) per account; `payments` needs a
/// wallet, `audit_notes` an audit row.
const WALLETS: &str = r#"
    CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        table_name text NOT NULL,
        row_id int NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE wallets (
        id serial PRIMARY KEY,
        account_id int NOT NULL UNIQUE REFERENCES accounts,
        balance int NOT NULL DEFAULT 0
    );
    CREATE FUNCTION on_account() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO wallets (account_id) VALUES (NEW.id);
        INSERT INTO audit_log (table_name, row_id) VALUES (TG_TABLE_NAME, NEW.id);
        RETURN NULL;
    END $$;
    CREATE TRIGGER on_account AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION on_account();
    CREATE TABLE payments (id serial PRIMARY KEY, wallet_id int NOT NULL REFERENCES wallets, amount int NOT NULL);
    CREATE TABLE audit_notes (id serial PRIMARY KEY, audit_id bigint NOT NULL REFERENCES audit_log, body text NOT NULL);
"#;

async fn wallets_load_at(rows: i64) -> Seeded {
    let s = seed_at(WALLETS, rows, &[]).await;
    let accounts = s.count("accounts").await;
    assert_eq!(accounts, rows);
    assert_eq!(s.count("wallets").await, accounts, "one wallet per account, made by the trigger");
    assert_eq!(s.count("audit_log").await, accounts, "one audit row per account, made by the trigger");
    assert_eq!(s.planned("public.payments"), rows, "payments are not skipped");
    assert_eq!(s.planned("public.audit_notes"), rows);
    for table in ["public.wallets", "public.audit_log"] {
        let volume = s.table(table)["volume"].as_str().unwrap_or_default().to_string();
        assert!(volume.contains("trigger on_account of public.accounts"), "the plan names the trigger: {volume}");
    }
    s
}

/// Before, `wallets` and `audit_log` were planned with 0 rows and `payments` and `audit_notes`
/// were skipped ("needs rows in `public.wallets`, which gets 0 rows"). A second run, its
/// sequences past the first run's keys, computes the same keys: they are restarted before the
/// trigger fires.
#[tokio::test]
async fn dependents_of_trigger_filled_tables_load_at_100_rows() {
    let s = wallets_load_at(100).await;
    let again = run_seed(&["--rows", "100", "--strict"], &s.db.url);
    assert!(again.status.success(), "{}", again.stderr_text());
    assert_eq!(s.count("payments").await, 100);
    assert_eq!(s.scalar("SELECT max(id)::int8 FROM wallets").await, 100, "the wallets' keys start again from 1");
    revalidate_constraints(&s.db).await;
    s.execute("INSERT INTO accounts (name) VALUES ('after the load')").await;
    assert_eq!(s.count("wallets").await, 101, "the trigger's next wallet takes the next key");
}

#[tokio::test]
async fn dependents_of_trigger_filled_tables_load_at_2000_rows() {
    wallets_load_at(2000).await;
}

fn write_profile(name: &str, text: &str) -> (TempFolder, String) {
    let folder = crate::support::temp_folder(name);
    let profile = folder.join(format!("{name}.toml"));
    std::fs::write(&profile, text).expect("write profile");
    let path = profile.to_string_lossy().into_owned();
    (folder, path)
}

/// A table the profile gives rows that the trigger fills too: seed's rows and the trigger's are
/// both there, the trigger's keys after seed's (before, the trigger took keys 1.. and the load
/// of `audit_log` failed on `audit_log_pkey`).
#[tokio::test]
async fn rows_the_profile_gives_beside_a_trigger_s_never_collide() {
    for rows in [100, 2000] {
        let db = TestDb::new().await;
        db.execute(WALLETS).await;
        let text =
            format!("schemas = [\"public\"]\n[defaults]\nrows = {rows}\n[tables.\"public.audit_log\"]\nrows = 20\n");
        let (_folder, path) = write_profile("beside", &text);
        let run = run_seed(&["--profile", &path], &db.url);
        assert!(run.status.success(), "{rows}: {}", run.stderr_text());
        assert_eq!(scalar(&db, "SELECT count(*) FROM audit_log").await, 20 + rows, "{rows}");
        assert_eq!(scalar(&db, "SELECT count(*) FROM audit_log WHERE table_name = 'accounts'").await, rows);
        assert_eq!(scalar(&db, "SELECT count(*) FROM payments").await, rows, "{rows}");
        revalidate_constraints(&db).await;
    }
}

/// What the plan cannot tell: a trigger that inserts only under a condition (its table gets
/// no modelled rows), and a key the trigger leaves to a default that is not a sequence. Only
/// the tables that need those keys are skipped, each with one line naming the trigger and
/// `--disable-triggers`; everything else loads, the trigger-filled tables by their triggers.
#[tokio::test]
async fn what_triggers_make_unknowably_skips_only_its_dependents() {
    for rows in ["100", "2000"] {
        let db = TestDb::new().await;
        db.execute(
            r#"
            CREATE TABLE users (id serial PRIMARY KEY, active boolean NOT NULL);
            CREATE TABLE profiles (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users,
                                   handle text NOT NULL UNIQUE DEFAULT md5(random()::text));
            CREATE FUNCTION on_user() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.active THEN INSERT INTO profiles (user_id) VALUES (NEW.id); END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER on_user AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION on_user();
            CREATE TABLE badges (id serial PRIMARY KEY, profile_id int NOT NULL REFERENCES profiles);
            CREATE TABLE teams (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE team_pages (team_id int NOT NULL REFERENCES teams, slug text NOT NULL UNIQUE DEFAULT md5(random()::text));
            CREATE FUNCTION on_team() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO team_pages (team_id) VALUES (NEW.id); RETURN NEW; END $$;
            CREATE TRIGGER on_team AFTER INSERT ON teams FOR EACH ROW EXECUTE FUNCTION on_team();
            CREATE TABLE page_views (id serial PRIMARY KEY, page_slug text NOT NULL REFERENCES team_pages (slug));
            "#,
        )
        .await;
        let run = run_seed(&["--rows", rows], &db.url);
        assert!(run.status.success(), "{}", run.stderr_text());
        let n: i64 = rows.parse().expect("rows");
        let badges = skip_line(&run, "public.badges");
        assert!(badges.contains("on_user") && badges.contains("--disable-triggers"), "{badges}");
        let views = skip_line(&run, "public.page_views");
        assert!(views.contains("on_team") && views.contains("slug") && views.contains("--disable-triggers"), "{views}");
        assert_eq!(run.stderr_text().matches("skipped ").count(), 2, "{}", run.stderr_text());
        assert_eq!(scalar(&db, "SELECT count(*) FROM users").await, n);
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM profiles").await,
            scalar(&db, "SELECT count(*) FROM users WHERE active").await
        );
        assert_eq!(scalar(&db, "SELECT count(*) FROM team_pages").await, n);
        revalidate_constraints(&db).await;
        let strict = run_seed(&["plan", "--rows", rows, "--strict"], &db.url);
        assert_eq!(strict.status.code(), Some(2), "{}", strict.stderr_text());
        assert!(strict.stderr_text().contains("on_user"), "{}", strict.stderr_text());
    }
}

/// Triggers that fill each other's tables: `a`'s makes a `b` row, whose trigger makes a `c` row.
/// `c`'s sequence is restarted before `a` is copied (the COPY that fires both), not before `b`'s
/// empty one, so `d` finds the keys `c` gets even though its sequence stood at 500.
#[tokio::test]
async fn a_chain_of_triggers_is_followed_to_the_table_seed_writes() {
    let schema = r#"
        CREATE TABLE a (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE b (id serial PRIMARY KEY, a_id int NOT NULL REFERENCES a);
        CREATE TABLE c (id serial PRIMARY KEY, b_id int NOT NULL REFERENCES b);
        CREATE TABLE d (id serial PRIMARY KEY, c_id int NOT NULL REFERENCES c);
        CREATE FUNCTION fa() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO b (a_id) VALUES (NEW.id); RETURN NULL; END $$;
        CREATE TRIGGER ta AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION fa();
        CREATE FUNCTION fb() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO c (b_id) VALUES (NEW.id); RETURN NULL; END $$;
        CREATE TRIGGER tb AFTER INSERT ON b FOR EACH ROW EXECUTE FUNCTION fb();
        SELECT setval('c_id_seq', 500);
    "#;
    for rows in [100, 2000] {
        let s = seed_at(schema, rows, &[]).await;
        for table in ["b", "c", "d"] {
            assert_eq!(s.count(table).await, rows, "{table} at {rows}");
        }
        assert!(s.table("public.c")["volume"].as_str().unwrap_or_default().contains("trigger tb of public.b"));
    }
}
