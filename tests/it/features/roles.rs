//! A person is a tenant for one role only: on a social schema, authors, likers, reporters and
//! moderators all belong to the row's organization (a true tenant, whatever the columns are
//! called), but a like is not forced to be by its post's author, nor a moderator's removed comment
//! to be the moderator's own: chains agree on a person only where both end in the same column name.

use crate::support::{TestDb, run_seed, scalar};

const SOCIAL: &str = r#"
    CREATE SCHEMA social;
    CREATE TABLE social.orgs (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE social.persons (id serial PRIMARY KEY, org_id int NOT NULL REFERENCES social.orgs, name text);
    CREATE TABLE social.channels (id serial PRIMARY KEY, "orgId" int NOT NULL REFERENCES social.orgs, name text);
    CREATE TABLE social.invites (id serial PRIMARY KEY, org int NOT NULL REFERENCES social.orgs, email text);
    CREATE TABLE social.posts (
        id serial PRIMARY KEY,
        channel_id int NOT NULL REFERENCES social.channels,
        "authorId" int NOT NULL REFERENCES social.persons,
        body text
    );
    CREATE TABLE social.comments (
        id serial PRIMARY KEY,
        post_id int NOT NULL REFERENCES social.posts,
        "writtenBy" int NOT NULL REFERENCES social.persons,
        body text
    );
    CREATE TABLE social.likes (
        id serial PRIMARY KEY,
        post_id int NOT NULL REFERENCES social.posts,
        person_id int NOT NULL REFERENCES social.persons
    );
    CREATE TABLE social.reports (
        id serial PRIMARY KEY,
        comment_id int NOT NULL REFERENCES social.comments,
        reporter_id int NOT NULL REFERENCES social.persons,
        reason text
    );
    CREATE TABLE social.mod_remove_comment (
        id serial PRIMARY KEY,
        mod_person_id int NOT NULL REFERENCES social.persons,
        comment_id int NOT NULL REFERENCES social.comments,
        reason text
    );
"#;

/// The organization of each table's row, as SQL over its alias `x`.
const COMMENT_ORG: &str = r#"(SELECT ch."orgId" FROM social.comments c JOIN social.posts p ON p.id = c.post_id
    JOIN social.channels ch ON ch.id = p.channel_id WHERE c.id = x.comment_id)"#;
const POST_ORG: &str = r#"(SELECT ch."orgId" FROM social.posts p JOIN social.channels ch ON ch.id = p.channel_id
    WHERE p.id = x.post_id)"#;

/// (table, its person column, the row's organization): the person must be of that organization.
fn members() -> [(&'static str, &'static str, &'static str); 5] {
    [
        ("posts", "\"authorId\"", r#"(SELECT "orgId" FROM social.channels WHERE id = x.channel_id)"#),
        ("comments", "\"writtenBy\"", POST_ORG),
        ("likes", "person_id", POST_ORG),
        ("reports", "reporter_id", COMMENT_ORG),
        ("mod_remove_comment", "mod_person_id", COMMENT_ORG),
    ]
}

#[tokio::test]
async fn people_agree_within_a_role_and_organizations_whatever_the_names() {
    let db = TestDb::new().await;
    db.execute(SOCIAL).await;
    let volumes = [
        ("orgs", 4),
        ("persons", 80),
        ("channels", 12),
        ("invites", 10),
        ("posts", 300),
        ("comments", 600),
        ("likes", 900),
        ("reports", 200),
        ("mod_remove_comment", 200),
    ];
    let tables: String = volumes.iter().map(|(t, n)| format!("[tables.\"social.{t}\"]\nrows = {n}\n\n")).collect();
    let (_dir, profile, plan_text) = super::tenants::planned_with_profile(&db, "people-roles", "social", &tables);
    assert!(!plan_text.contains("in the same social.persons"), "a rule joins two roles of a person:\n{plan_text}");
    let run = run_seed(&["--profile", &profile], &db.url);
    assert!(run.status.success(), "{}", run.stderr_text());
    for (table, person, org) in members() {
        let broken = format!(
            "SELECT count(*) FROM social.{table} x JOIN social.persons u ON u.id = x.{person} WHERE u.org_id <> {org}"
        );
        assert_eq!(scalar(&db, &broken).await, 0, "{table}.{person} of another organization");
    }
    // Other roles stay free: most likes are by others than the post's author, most removed
    // comments are not the moderator's own.
    let own_likes = r#"SELECT count(*) FROM social.likes l JOIN social.posts p ON p.id = l.post_id
                       WHERE p."authorId" = l.person_id"#;
    assert!(scalar(&db, own_likes).await < 900 / 5, "likes by the post's author");
    let own_removals = r#"SELECT count(*) FROM social.mod_remove_comment m
                          JOIN social.comments c ON c.id = m.comment_id WHERE c."writtenBy" = m.mod_person_id"#;
    assert!(scalar(&db, own_removals).await < 200 / 5, "moderators removing their own comments");
}
