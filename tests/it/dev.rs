//! `seed --profile dev`: all three applications, with the fan-out the profile asks for.

use sqlx::Row;

use crate::support::{TestDb, run_seed};

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    let mut conn = db.connect().await;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut conn).await.expect(sql).get(0)
}

#[tokio::test]
async fn dev_loads_every_application_with_the_profiles_fan_out() {
    let db = TestDb::new().await;
    let output = run_seed(&["--profile", "dev"], &db.url);
    assert!(output.status.success(), "seed failed: {}", output.stderr_text());

    // Each user has 1 to 5 projects: every user appears, none more than 5 times.
    assert_eq!(scalar(&db, "SELECT count(*) FROM creator.users").await, 1000);
    let per_user = "SELECT min(n), max(n), count(*) FROM (SELECT u.id, count(p.id) n FROM creator.users u \
                    LEFT JOIN creator.projects p ON p.user_id = u.id GROUP BY u.id) x";
    let mut conn = db.connect().await;
    let row = sqlx::query(per_user).fetch_one(&mut conn).await.expect("fan-out");
    let (min, max, users): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(users, 1000);
    assert_eq!((min, max), (1, 5), "each user owns 1..=5 projects");

    // Content per project is skewed (zipf): most projects have few items, some have many.
    let skew = "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n) FROM \
                (SELECT count(c.id) n FROM creator.projects p LEFT JOIN creator.content c ON c.project_id = p.id GROUP BY p.id) x";
    let row = sqlx::query(skew).fetch_one(&mut conn).await.expect("skew");
    let (median, most): (i64, i64) = (row.get(0), row.get(1));
    assert!(median <= 3 && (20..=40).contains(&most), "zipf 0..=40 per project: median {median}, max {most}");

    // Team members: 1..=8 per team, and the composite key never repeats a (team, user) pair.
    let members = "SELECT min(n), max(n) FROM (SELECT t.id, count(m.user_id) n FROM story.teams t \
                   LEFT JOIN story.team_members m ON m.team_id = t.id GROUP BY t.id) x";
    let row = sqlx::query(members).fetch_one(&mut conn).await.expect("members");
    let (min, max): (i64, i64) = (row.get(0), row.get(1));
    assert!(min >= 1 && max <= 8, "1..=8 members per team, got {min}..={max}");

    // token_usage_daily: 30..=90 days per organization, unique (organization_id, date) held.
    let days =
        scalar(&db, "SELECT min(n) FROM (SELECT count(*) n FROM episode.token_usage_daily GROUP BY organization_id) x")
            .await;
    assert!(days >= 30, "{days}");
    // Related rows agree on their owner and tenant: content belongs to its project's owner, a
    // chat message to its session's organization (one FK followed through another's parent).
    let owners = "SELECT count(*) FROM creator.content c JOIN creator.projects p ON p.id = c.project_id \
                  WHERE c.user_id <> p.user_id";
    assert_eq!(scalar(&db, owners).await, 0, "content owned by someone else than its project's owner");
    let tenants = "SELECT count(*) FILTER (WHERE m.organization_id <> s.organization_id) FROM episode.chat_messages m \
                   JOIN episode.chat_sessions s ON s.id = m.session_id";
    assert_eq!(scalar(&db, tenants).await, 0, "chat messages in another organization than their session");
    // An episode referenced beside a project is one of that project's (episodes are per project),
    // also where the project is itself picked among its organization's (chat sessions).
    for (table, episode) in [("episode.chat_sessions", "episode_id"), ("episode.agent_memory", "source_episode_id")] {
        let projects = format!(
            "SELECT count(*) FILTER (WHERE e.project_id <> x.project_id) FROM {table} x \
             JOIN episode.episodes e ON e.id = x.{episode}"
        );
        assert_eq!(scalar(&db, &projects).await, 0, "{table}.{episode} in another project");
    }
    // An episode's creator is a user of its organization, which the episode takes from its
    // project through the composite FK (users are per organization).
    let creators = "SELECT count(*) FILTER (WHERE u.organization_id <> e.organization_id) FROM episode.episodes e \
                    JOIN episode.users u ON u.id = e.created_by";
    assert_eq!(scalar(&db, creators).await, 0, "episodes created by a user of another organization");
    // A turn's and a highlight's chapter is one of its own story's (chapters are per story).
    for table in ["story.story_turns", "story.highlights"] {
        let stories = format!(
            "SELECT count(*) FILTER (WHERE c.story_id <> x.story_id) FROM {table} x \
             JOIN story.story_chapters c ON c.id = x.chapter_id"
        );
        assert_eq!(scalar(&db, &stories).await, 0, "{table} pointing at another story's chapter");
    }
    // Diamonds (the last session's recipe: 2 821 rows of 62 pairs disagreed), and organizations
    // owned by another organization's user: none.
    assert_tenants_whole(&db).await;
    let tables = "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                  WHERE n.nspname IN ('creator', 'story', 'episode') AND c.relkind IN ('r', 'p') AND NOT c.relispartition";
    let names: Vec<String> =
        sqlx::query(tables).fetch_all(&mut conn).await.expect("tables").iter().map(|r| r.get(0)).collect();
    assert!(names.len() >= 55);
    for table in names {
        let rows = scalar(&db, &format!("SELECT count(*) FROM {table}")).await;
        assert!(rows > 0, "{table} is empty");
    }
}

/// Checks that every diamond of the three applications agrees: for every FK `t.a -> P` (one
/// column) and every other FK `t.b -> Q` where P has a NOT NULL FK under the same name `b` to Q,
/// `t.b` is P's; and that an organization's owner is one of its own users (a cycle).
pub async fn assert_tenants_whole(db: &TestDb) {
    let mut conn = db.connect().await;
    let pairs: Vec<(String, String)> = sqlx::query(DIAMONDS)
        .fetch_all(&mut conn)
        .await
        .expect("diamonds")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(pairs.len() >= 60, "{pairs:?}");
    for (pair, count) in &pairs {
        assert_eq!(scalar(db, count).await, 0, "{pair}: rows whose two chains reach different parents");
    }
    let owners = "SELECT count(*) FROM episode.organizations o JOIN episode.users u ON u.id = o.owner_user_id \
                  WHERE u.organization_id <> o.id";
    assert_eq!(scalar(db, owners).await, 0, "organizations owned by another organization's user");
}

/// One query per diamond of the three applications: (name, count of rows that disagree).
const DIAMONDS: &str = "
    WITH fk AS (
      SELECT c.conrelid AS t, c.confrelid AS p, a.attname AS col, fa.attname AS pcol, a.attnotnull AS not_null
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
      JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
      WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1 AND n.nspname IN ('creator', 'story', 'episode'))
    SELECT x.t::regclass || '.' || x.col || ' / ' || b.col,
           format('SELECT count(*) FROM %s x JOIN %s y ON y.%I = x.%I WHERE x.%I <> y.%I',
                  x.t::regclass, x.p::regclass, x.pcol, x.col, b.col, b.col)
    FROM fk x JOIN fk b ON b.t = x.t AND b.col <> x.col
    JOIN fk pb ON pb.t = x.p AND pb.col = b.col AND pb.p = b.p AND pb.not_null
    WHERE x.p <> x.t ORDER BY 1";
