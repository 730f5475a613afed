//! Partition keys the bounds must aim rows at (issue 3): keys on timestamptz, numeric and text
//! ranges, several columns; and the ones seed cannot aim at (an incomplete set of hash partitions,
//! an expression key), which the plan skips before anything is written, saying what resolves it.

use super::{ROWS, seed};
use crate::support::{TestDb, run_seed};

/// The partition each row went to, with how many rows: every row must have found one.
async fn rows_per_partition(s: &super::Seeded, table: &str) -> i64 {
    s.scalar(&format!("SELECT count(DISTINCT tableoid) FROM {table}")).await
}

/// Range keys on timestamptz (bounds print with their zone), numeric and text, each with a gap
/// between partitions and no DEFAULT.
#[tokio::test]
async fn range_keys_of_every_kind() {
    let s = seed(
        r#"
        CREATE TABLE ev (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE ev_1999 PARTITION OF ev FOR VALUES FROM ('1999-01-01') TO ('1999-02-01');
        CREATE TABLE amounts (id int NOT NULL, v numeric NOT NULL) PARTITION BY RANGE (v);
        CREATE TABLE amounts_small PARTITION OF amounts FOR VALUES FROM (0) TO (10);
        CREATE TABLE amounts_big PARTITION OF amounts FOR VALUES FROM (1000) TO (2000);
        CREATE TABLE words (id int NOT NULL, w text NOT NULL) PARTITION BY RANGE (w);
        CREATE TABLE words_a PARTITION OF words FOR VALUES FROM ('a') TO ('b');
        CREATE TABLE words_x PARTITION OF words FOR VALUES FROM ('x') TO ('y');
        "#,
    )
    .await;
    for table in ["ev", "amounts", "words"] {
        assert_eq!(s.count(table).await, ROWS, "{table}");
        assert!(rows_per_partition(&s, table).await >= 1, "{table}");
    }
    assert_eq!(s.count("ev WHERE at >= '1999-01-01+00' AND at < '1999-02-01+00'").await, ROWS);
}

/// A range key on two columns: the first column equal at both ends, the second bounded.
#[tokio::test]
async fn multi_column_range_key() {
    let s = seed(
        r#"
        CREATE TABLE sales (id int NOT NULL, region text NOT NULL, yr int NOT NULL)
            PARTITION BY RANGE (region, yr);
        CREATE TABLE sales_eu PARTITION OF sales FOR VALUES FROM ('eu', 2000) TO ('eu', 2010);
        CREATE TABLE sales_us PARTITION OF sales FOR VALUES FROM ('us', 1990) TO ('us', 1995);
        "#,
    )
    .await;
    assert_eq!(s.count("sales").await, ROWS);
}

/// A foreign key declared on one partition only (pagila's `payment_p2022_01`), none on the
/// partitioned table: the rows routed there must reference existing parents, loaded first.
#[tokio::test]
async fn foreign_key_of_a_partition_only() {
    let s = seed(
        r#"
        CREATE TABLE z_customer (id int PRIMARY KEY);
        CREATE TABLE pay (id int NOT NULL, customer_id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE pay_2022 PARTITION OF pay FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
        ALTER TABLE pay_2022 ADD FOREIGN KEY (customer_id) REFERENCES z_customer;
        "#,
    )
    .await;
    assert_eq!(s.count("pay_2022 JOIN z_customer c ON c.id = customer_id").await, ROWS);
}

/// Plans `schema_sql` with `--rows` and returns (the skipped entries of the JSON plan, the
/// stderr of a `--strict` run, and whether that run failed).
async fn plan_skips(schema_sql: &str) -> (serde_json::Value, String, Option<i32>) {
    let db = TestDb::new().await;
    db.execute(schema_sql).await;
    let plan = run_seed(&["plan", "--rows", "20", "--json"], &db.url);
    assert!(plan.status.success(), "{}", plan.stderr_text());
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("plan JSON");
    let strict = run_seed(&["--rows", "20", "--strict"], &db.url);
    (plan["skipped"].clone(), strict.stderr_text(), strict.status.code())
}

/// Hash partitions for only some remainders: seed cannot compute PostgreSQL's row hash, so the
/// plan skips the table, naming it, its key and the setting that resolves it; `--strict` fails
/// before writing anything. A complete set loads.
#[tokio::test]
async fn incomplete_hash_partitions_are_skipped_by_the_plan() {
    let (skipped, strict, code) = plan_skips(
        r#"
        CREATE TABLE hp (id int NOT NULL, x text) PARTITION BY HASH (id);
        CREATE TABLE hp_0 PARTITION OF hp FOR VALUES WITH (MODULUS 4, REMAINDER 0);
        CREATE TABLE hp_2 PARTITION OF hp FOR VALUES WITH (MODULUS 4, REMAINDER 2);
        CREATE TABLE whole (id int NOT NULL) PARTITION BY HASH (id);
        CREATE TABLE whole_0 PARTITION OF whole FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE whole_1 PARTITION OF whole FOR VALUES WITH (MODULUS 4, REMAINDER 1);
        CREATE TABLE whole_3 PARTITION OF whole FOR VALUES WITH (MODULUS 4, REMAINDER 3);
        "#,
    )
    .await;
    let skipped = skipped.as_array().expect("skipped");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["table"], "public.hp");
    let reason = skipped[0]["reason"].as_str().expect("reason");
    for part in ["HASH (id)", "columns.id", "DEFAULT partition"] {
        assert!(reason.contains(part), "{part} missing from: {reason}");
    }
    assert_eq!(code, Some(2), "{strict}");
    assert!(strict.contains("public.hp") && strict.contains("HASH (id)"), "{strict}");
}

/// A list key on `lower(name)`: `name` takes the listed values, which `lower` leaves unchanged.
#[tokio::test]
async fn case_folded_list_key() {
    let s = seed(
        r#"
        CREATE TABLE people (id int NOT NULL, name text NOT NULL) PARTITION BY LIST (lower(name));
        CREATE TABLE people_ab PARTITION OF people FOR VALUES IN ('alice', 'bob', 'Carol');
        CREATE TABLE codes (code varchar(8) NOT NULL) PARTITION BY LIST (upper(code));
        CREATE TABLE codes_x PARTITION OF codes FOR VALUES IN ('X1', 'Y2');
        "#,
    )
    .await;
    assert_eq!(s.count("people WHERE name IN ('alice', 'bob')").await, ROWS);
    assert_eq!(s.count("codes").await, ROWS);
}

/// Any other expression key: the plan skips the table, naming the key and the column to set.
#[tokio::test]
async fn other_expression_keys_are_skipped_by_the_plan() {
    let (skipped, _, _) = plan_skips(
        r#"
        CREATE TABLE buckets (id int NOT NULL) PARTITION BY RANGE ((id % 10));
        CREATE TABLE buckets_low PARTITION OF buckets FOR VALUES FROM (0) TO (5);
        "#,
    )
    .await;
    let reason = skipped[0]["reason"].as_str().expect("a skipped table");
    assert!(reason.contains("RANGE (((id % 10)))") && reason.contains("columns.id"), "{reason}");
}
