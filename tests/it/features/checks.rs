//! CHECK constraints shape the generators: IN lists, numeric and date bounds, length bounds,
//! regexes, comparisons between columns, `num_nonnulls` XORs and domains with checks. Columns are
//! NOT NULL where they can be, so a check cannot be satisfied by writing NULL; every CHECK is
//! re-validated after the load by [`super::seed`].

use super::{ROWS, seed};

#[tokio::test]
async fn in_lists() {
    let s = seed(
        r#"
        CREATE TABLE orders (
            id serial PRIMARY KEY,
            status text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped')),
            priority int NOT NULL CHECK (priority = ANY (ARRAY[1, 5, 10])),
            channel varchar(10) NOT NULL CHECK (channel::text = ANY (ARRAY['web'::character varying, 'store'::character varying]::text[])),
            grade char(1) NOT NULL CHECK (grade IN ('A', 'B')),
            ratio numeric(3,2) NOT NULL CHECK (ratio IN (0.25, 0.5, 0.75))
        );
        "#,
    )
    .await;
    assert_eq!(s.count("orders").await, ROWS);
    assert!(s.scalar("SELECT count(DISTINCT status) FROM orders").await > 1, "an IN list is a choice, not a constant");
}

#[tokio::test]
async fn numeric_bounds() {
    let s = seed(
        r#"
        CREATE TABLE items (
            id serial PRIMARY KEY,
            qty int NOT NULL CHECK (qty BETWEEN 5 AND 10),
            price numeric(8,2) NOT NULL CHECK (price > 0 AND price <= 9.99),
            discount real NOT NULL CHECK (discount >= 0.1 AND discount < 0.5),
            weight double precision NOT NULL CHECK (weight > 1000),
            stock smallint NOT NULL CHECK (stock >= -3) CHECK (stock < 0),
            big bigint NOT NULL CHECK (big > 5000000000)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("items").await, ROWS);
}

#[tokio::test]
async fn date_and_timestamp_bounds() {
    let s = seed(
        r#"
        CREATE TABLE bookings (
            id serial PRIMARY KEY,
            day date NOT NULL CHECK (day >= '2020-01-01' AND day < '2020-02-01'),
            at timestamptz NOT NULL CHECK (at BETWEEN '2019-06-01 00:00:00+00' AND '2019-06-02 00:00:00+00'),
            local_at timestamp NOT NULL CHECK (local_at > '2030-01-01 00:00:00'),
            born date NOT NULL CHECK (born < '1950-01-01'::date)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("bookings").await, ROWS);
}

#[tokio::test]
async fn length_bounds() {
    let s = seed(
        r#"
        CREATE TABLE handles (
            id serial PRIMARY KEY,
            code text NOT NULL CHECK (length(code) BETWEEN 3 AND 5),
            name text NOT NULL CHECK (char_length(name) >= 30),
            bio varchar(200) NOT NULL CHECK (char_length(bio) <= 12),
            tag text NOT NULL CHECK (tag <> ''),
            title text NOT NULL CHECK (length(btrim(title)) > 0)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("handles").await, ROWS);
}

/// A regex on a simple pattern; the unique one needs distinct matching values.
#[tokio::test]
async fn regex_matches() {
    let s = seed(
        r#"
        CREATE TABLE tickets (
            id serial PRIMARY KEY,
            ref text NOT NULL UNIQUE CHECK (ref ~ '^[A-Z]{3}-[0-9]{4}$'),
            sku text NOT NULL CHECK (sku ~* '^sku_[a-f0-9]{6}$'),
            phone varchar(20) NOT NULL CHECK (phone ~ '^\+[0-9]{7,12}$')
        );
        "#,
    )
    .await;
    assert_eq!(s.count("tickets").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT ref) FROM tickets").await, ROWS);
}

/// `b > a` between two columns: dates, timestamps (one nullable) and integers.
#[tokio::test]
async fn comparisons_between_columns() {
    let s = seed(
        r#"
        CREATE TABLE stays (
            id serial PRIMARY KEY,
            check_in date NOT NULL,
            check_out date NOT NULL,
            starts_at timestamptz NOT NULL,
            ends_at timestamptz,
            lo int NOT NULL,
            hi int NOT NULL,
            CHECK (check_out > check_in),
            CHECK (ends_at IS NULL OR ends_at >= starts_at),
            CONSTRAINT lo_below_hi CHECK (lo < hi)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("stays").await, ROWS);
    assert!(s.count("stays WHERE ends_at IS NOT NULL").await > 0);
}

/// Exactly one of two columns is set: `num_nonnulls(a, b) = 1` on two FKs, and the
/// `(a IS NULL) <> (b IS NULL)` spelling on two plain columns.
#[tokio::test]
async fn num_nonnulls_xor() {
    let s = seed(
        r#"
        CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);
        CREATE TABLE photos (id serial PRIMARY KEY, url text NOT NULL);
        CREATE TABLE comments (
            id serial PRIMARY KEY,
            post_id int REFERENCES posts,
            photo_id int REFERENCES photos,
            body text NOT NULL,
            CONSTRAINT one_target CHECK (num_nonnulls(post_id, photo_id) = 1)
        );
        CREATE TABLE contacts (
            id serial PRIMARY KEY,
            email text,
            phone text,
            CHECK ((email IS NULL) <> (phone IS NULL))
        );
        "#,
    )
    .await;
    assert_eq!(s.count("comments").await, ROWS);
    assert_eq!(s.count("comments WHERE num_nonnulls(post_id, photo_id) = 1").await, ROWS);
    assert_eq!(s.count("contacts WHERE (email IS NULL) <> (phone IS NULL)").await, ROWS);
}

/// Domains with checks, a NOT NULL domain, and a domain built on another domain.
#[tokio::test]
async fn domains_with_checks() {
    let s = seed(
        r#"
        CREATE DOMAIN percent AS numeric(5,2) CHECK (VALUE >= 0 AND VALUE <= 100);
        CREATE DOMAIN zip AS text NOT NULL CHECK (VALUE ~ '^[0-9]{5}$');
        CREATE DOMAIN short_code AS varchar(8) CHECK (length(VALUE) >= 4);
        CREATE DOMAIN positive AS int CHECK (VALUE > 0);
        CREATE DOMAIN digit AS positive CHECK (VALUE < 10);
        CREATE TABLE places (
            id serial PRIMARY KEY,
            share percent NOT NULL,
            zip zip,
            code short_code NOT NULL,
            rank digit NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("places").await, ROWS);
    assert_eq!(s.count("places WHERE rank BETWEEN 1 AND 9 AND zip ~ '^[0-9]{5}$' AND length(code) >= 4").await, ROWS);
}

/// Chained comparisons (`a < b AND b < c`, also as two CHECKs, with dates and bounded numerics):
/// each column follows the one before it by a gap in its own units, and stays inside its type's
/// range and its other bounds (a column near the top of its range leaves room for the next).
#[tokio::test]
async fn chained_comparisons_stay_in_range() {
    let s = seed(
        r#"
        CREATE TABLE ints (id serial PRIMARY KEY, a int NOT NULL, b int NOT NULL, c int NOT NULL,
            CHECK (a < b AND b < c));
        CREATE TABLE smalls (id serial PRIMARY KEY, a smallint NOT NULL, b smallint NOT NULL, c smallint NOT NULL,
            CHECK (a < b), CHECK (b < c));
        CREATE TABLE days (id serial PRIMARY KEY, opens date NOT NULL, closes date NOT NULL, archived date NOT NULL,
            CHECK (opens < closes AND closes < archived));
        CREATE TABLE prices (id serial PRIMARY KEY, min_price numeric(8,2) NOT NULL, price numeric(8,2) NOT NULL,
            max_price numeric(8,2) NOT NULL, CHECK (min_price <= price AND price <= max_price));
        CREATE TABLE capped (id serial PRIMARY KEY, a int NOT NULL, b int NOT NULL CHECK (b <= 100),
            c int NOT NULL CHECK (c BETWEEN 50 AND 120), CHECK (a < b AND b < c));
        "#,
    )
    .await;
    for table in ["ints", "smalls", "days", "prices", "capped"] {
        assert_eq!(s.count(table).await, ROWS, "{table}");
    }
    assert_eq!(s.count("ints WHERE NOT (a < b AND b < c)").await, 0);
    assert_eq!(s.count("prices WHERE NOT (min_price <= price AND price <= max_price)").await, 0);
    // The gaps are in the column's own units: days, not microseconds.
    assert_eq!(s.count("days WHERE archived - opens > 200").await, 0);
    assert_eq!(s.count("capped WHERE NOT (a < b AND b <= 100 AND b < c AND c BETWEEN 50 AND 120)").await, 0);
}

/// Bounds on interval columns (PostgreSQL prints them as `'01:00:00'::interval`), inclusive and
/// exclusive, in days and months too: the generated durations stay inside, and still vary.
#[tokio::test]
async fn interval_bounds() {
    let s = seed(
        r#"
        CREATE TABLE slots (
            id serial PRIMARY KEY,
            d interval NOT NULL CHECK (d >= interval '1 hour' AND d <= interval '2 hours'),
            grace interval NOT NULL CHECK (grace > interval '0' AND grace < '90 seconds'),
            notice interval NOT NULL CHECK (notice BETWEEN '2 days' AND '1 mon'),
            long_run interval NOT NULL CHECK (long_run > interval '400 days')
        );
        "#,
    )
    .await;
    assert_eq!(s.count("slots").await, ROWS);
    assert!(s.scalar("SELECT count(DISTINCT d) FROM slots").await > 1, "a bound is a range, not a constant");
}

/// A CHECK on a stored generated column (`tax = price * 0.2`, `CHECK (tax < 100)`): the row is
/// verified with the column computed from what it reads, and regenerated until the check holds;
/// the plan says the check is enforced that way and which columns a profile `range` would settle.
#[tokio::test]
async fn check_on_a_stored_generated_column() {
    let s = seed(
        r#"
        CREATE TABLE products (
            id serial PRIMARY KEY,
            price numeric(6,2) NOT NULL,
            tax numeric(8,2) GENERATED ALWAYS AS (price * 0.2) STORED,
            CHECK (tax < 100)
        );
        "#,
    )
    .await;
    assert_eq!(s.count("products").await, ROWS);
    assert_eq!(s.count("products WHERE NOT (tax < 100)").await, 0);
    let notes = s.table("public.products").to_string();
    assert!(notes.contains("products_tax_check") && notes.contains("tax") && notes.contains("range"), "{notes}");
}
