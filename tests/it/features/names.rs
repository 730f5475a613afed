//! Identifiers: quoted camelCase, Prisma's capitalised names, spaces, quotes, SQL in names and
//! non-ASCII, and the same table name in several schemas. Every identifier must be quoted, and
//! a table must never be confused with its namesake.

use super::{ROWS, seed};

/// `"teamMembers"` with camelCase columns, next to `"Team"` and an unrelated lower-case `team`.
#[tokio::test]
async fn quoted_camel_case() {
    let s = seed(
        r#"
        CREATE TABLE "Team" ("id" SERIAL PRIMARY KEY, "displayName" TEXT NOT NULL);
        CREATE TABLE team ("id" int PRIMARY KEY, "label" text);
        CREATE TABLE "teamMembers" (
            "teamId" INT NOT NULL REFERENCES "Team"("id"),
            "userId" INT NOT NULL,
            "joinedAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
            "isOwner" BOOLEAN NOT NULL DEFAULT false,
            PRIMARY KEY ("teamId", "userId")
        );
        "#,
    )
    .await;
    assert_eq!(s.count(r#""teamMembers""#).await, ROWS);
    assert_eq!(s.count(r#""Team""#).await, s.planned(r#"public."Team""#));
    assert_eq!(s.count("team").await, s.planned("public.team"));
}

/// A schema as Prisma writes it: `"User"` with a text key, an enum `"Role"`, `TIMESTAMP(3)`, a
/// unique index, and an implicit many-to-many table `"_PostToTag"` (`"A"`, `"B"`).
#[tokio::test]
async fn prisma_schema() {
    let s = seed(
        r#"
        CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
        CREATE TABLE "User" (
            "id" TEXT NOT NULL,
            "email" TEXT NOT NULL,
            "name" TEXT,
            "role" "Role" NOT NULL DEFAULT 'USER',
            "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
            "updatedAt" TIMESTAMP(3) NOT NULL,
            CONSTRAINT "User_pkey" PRIMARY KEY ("id")
        );
        CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
        CREATE TABLE "Post" (
            "id" SERIAL NOT NULL,
            "title" VARCHAR(255) NOT NULL,
            "published" BOOLEAN NOT NULL DEFAULT false,
            "authorId" TEXT NOT NULL,
            CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
        );
        CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
        CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");
        CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
        CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");
        CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
        ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
        ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
        "#,
    )
    .await;
    assert_eq!(s.count(r#""User""#).await, ROWS);
    assert_eq!(s.count(r#""_PostToTag""#).await, ROWS);
    assert_eq!(s.scalar(r#"SELECT count(DISTINCT "email") FROM "User""#).await, ROWS);
    s.execute(r#"INSERT INTO "Post" ("title", "authorId") SELECT 'after', min("id") FROM "User""#).await;
}

/// Spaces, quotes, SQL and non-ASCII in schema, table, column, constraint and type names.
#[tokio::test]
async fn spaces_quotes_and_non_ascii_names() {
    let s = seed(
        r#"
        CREATE SCHEMA "Ünïcode schema";
        CREATE TYPE "Ünïcode schema"."ståtus ""x""" AS ENUM ('ok', 'it''s "bad"', 'ñ, or not');
        CREATE TABLE "Ünïcode schema"."Üser 'x'" (
            "the id" serial PRIMARY KEY,
            "na""me" text NOT NULL CONSTRAINT "na""me not blank" CHECK ("na""me" <> ''),
            "ëmail" varchar(50) UNIQUE,
            "select" int,
            "ståtus" "Ünïcode schema"."ståtus ""x""" NOT NULL,
            "Mixed Case" boolean
        );
        CREATE TABLE "Ünïcode schema"."order ""items""" (
            "id" serial PRIMARY KEY,
            "üser id" int NOT NULL REFERENCES "Ünïcode schema"."Üser 'x'",
            "qty; DROP TABLE x; --" int NOT NULL CHECK ("qty; DROP TABLE x; --" > 0),
            "日本語" text
        );
        "#,
    )
    .await;
    assert_eq!(s.count(r#""Ünïcode schema"."Üser 'x'""#).await, ROWS);
    assert_eq!(s.count(r#""Ünïcode schema"."order ""items""""#).await, ROWS);
    assert!(s.scalar(r#"SELECT count(DISTINCT "ståtus") FROM "Ünïcode schema"."Üser 'x'""#).await > 1);
}

/// `users` in four schemas (different keys, FKs across schemas) and an enum `status` in two
/// schemas with different labels: each name resolves in its own schema.
#[tokio::test]
async fn same_table_name_in_several_schemas() {
    let s = seed(
        r#"
        CREATE SCHEMA app;
        CREATE SCHEMA billing;
        CREATE SCHEMA audit;
        CREATE TYPE app.status AS ENUM ('active', 'banned');
        CREATE TYPE billing.status AS ENUM ('paying', 'overdue', 'closed');
        CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL);
        CREATE TABLE app.users (
            id serial PRIMARY KEY,
            public_user_id int NOT NULL REFERENCES public.users,
            status app.status NOT NULL
        );
        CREATE TABLE billing.users (
            id uuid PRIMARY KEY,
            app_user_id int NOT NULL UNIQUE REFERENCES app.users,
            status billing.status NOT NULL
        );
        CREATE TABLE audit.users (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            billing_user_id uuid REFERENCES billing.users,
            at timestamptz NOT NULL
        );
        "#,
    )
    .await;
    for table in ["public.users", "app.users", "billing.users", "audit.users"] {
        assert_eq!(s.count(table).await, ROWS, "{table}");
    }
    assert_eq!(s.count("billing.users WHERE status::text IN ('paying', 'overdue', 'closed')").await, ROWS);
    s.execute("INSERT INTO app.users (public_user_id, status) SELECT min(id), 'active' FROM public.users").await;
    s.execute("INSERT INTO audit.users (at) VALUES (now())").await;
}

/// `"a.b".c` and `a."b.c"` are two tables that printed alike (`a.b.c`): skipping the first, which
/// a trigger refuses, must not cost the second its rows, and both print unambiguously.
#[tokio::test]
async fn names_with_dots_are_not_confused() {
    let db = crate::support::TestDb::new().await;
    db.execute(
        r#"
        CREATE SCHEMA a; CREATE SCHEMA "a.b";
        CREATE TABLE "a.b".c (id int PRIMARY KEY);
        CREATE TABLE a."b.c" (id int PRIMARY KEY);
        CREATE FUNCTION a.reject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
        CREATE TRIGGER no BEFORE INSERT ON "a.b".c FOR EACH ROW EXECUTE FUNCTION a.reject();
        "#,
    )
    .await;
    let run = crate::support::run_seed(&["--rows", "20"], &db.url);
    let stderr = run.stderr_text();
    assert!(run.status.success(), "{stderr}");
    assert_eq!(crate::support::scalar(&db, r#"SELECT count(*) FROM a."b.c""#).await, 20, "{stderr}");
    assert!(stderr.contains(r#"skipped "a.b".c: "#), "{stderr}");
    assert!(!stderr.contains(r#"skipped a."b.c""#), "{stderr}");
}
