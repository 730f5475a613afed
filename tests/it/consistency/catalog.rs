//! What the consistency checks know of a database, read from `pg_catalog` alone: the user tables
//! with their columns (and each column's base type) and unique keys, the foreign keys, and the
//! cycles among them.
//!
//! The checks never name a table: they take every table this lists and pick columns by name and
//! type. Extension-owned tables (PostGIS's `spatial_ref_sys`) and partitions (their parent stands
//! for them) are left out, as seed leaves them out.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{PgConnection, Row};

/// One column: its name, its type with domains resolved to their base (`format_type` text), and
/// whether it is a stored generated column (seed does not choose its values).
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub type_name: String,
    pub generated: bool,
}

impl Column {
    /// `timestamp`, `timestamptz` or `date`: a moment the order rules compare.
    pub fn is_moment(&self) -> bool {
        matches!(self.type_name.as_str(), "timestamp without time zone" | "timestamp with time zone" | "date")
    }

    /// Text-like: `text`, `varchar(n)`, `char(n)`, `citext`.
    pub fn is_text(&self) -> bool {
        ["text", "character varying", "character", "citext"].iter().any(|t| self.type_name.starts_with(t))
    }
}

/// A table (ordinary or partitioned) of a user schema.
#[derive(Debug, Clone)]
pub struct Table {
    /// `schema.name`, as reports show it.
    pub name: String,
    /// `"schema"."name"`, as SQL needs it.
    pub sql: String,
    pub schema: String,
    pub relname: String,
    pub columns: Vec<Column>,
    /// The primary key is one column fed by a sequence (serial or identity).
    pub keyed_by_sequence: bool,
    pub rows: i64,
    /// The primary key's columns (empty without one).
    pub primary_key: Vec<String>,
    /// Every unique key over plain columns (the primary key too; no expression, no predicate).
    pub unique_keys: Vec<Vec<String>>,
}

/// A foreign key, its column pairs in order (child column, parent column).
#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub child: String,
    pub parent: String,
    pub pairs: Vec<(String, String)>,
    /// Every child column is NOT NULL: each row reaches a parent row.
    pub not_null: bool,
}

/// The tables, the foreign keys between them, and the tables that sit on a cycle of keys.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub tables: BTreeMap<String, Table>,
    pub foreign_keys: Vec<ForeignKey>,
}

impl Catalog {
    pub async fn read(conn: &mut PgConnection) -> Catalog {
        let mut tables = read_tables(conn).await;
        for (table, column) in read_columns(conn).await {
            if let Some(t) = tables.get_mut(&table) {
                t.columns.push(column);
            }
        }
        for (table, primary, columns) in read_unique_keys(conn).await {
            if let Some(t) = tables.get_mut(&table) {
                if primary {
                    t.primary_key = columns.clone();
                }
                t.unique_keys.push(columns);
            }
        }
        let foreign_keys =
            read_foreign_keys(conn).await.into_iter().filter(|fk| tables.contains_key(&fk.child)).collect();
        Catalog { tables, foreign_keys }
    }

    /// Every column of `table` that is part of a foreign key (its values are its parent's).
    pub fn foreign_key_columns(&self, table: &str) -> BTreeSet<String> {
        self.foreign_keys
            .iter()
            .filter(|fk| fk.child == table)
            .flat_map(|fk| fk.pairs.iter().map(|p| p.0.clone()))
            .collect()
    }

    /// The groups of tables that reach themselves through foreign keys (a self-reference is a
    /// group of one): strongly connected components, found by mutual reachability.
    pub fn cycles(&self) -> Vec<BTreeSet<String>> {
        let reach = self.reachability();
        let mut groups: Vec<BTreeSet<String>> = Vec::new();
        for (table, reached) in &reach {
            if !reached.contains(table) || groups.iter().any(|g| g.contains(table)) {
                continue;
            }
            let group = reached.iter().filter(|other| reach.get(*other).is_some_and(|r| r.contains(table))).cloned();
            groups.push(group.collect());
        }
        groups
    }

    /// Whether `child -> parent` lies on a cycle (both ends in one cycle group).
    pub fn on_cycle(&self, cycles: &[BTreeSet<String>], child: &str, parent: &str) -> bool {
        cycles.iter().any(|group| group.contains(child) && group.contains(parent))
    }

    /// For each table, every table it reaches through one or more foreign keys.
    fn reachability(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for fk in &self.foreign_keys {
            edges.entry(fk.child.as_str()).or_default().insert(fk.parent.as_str());
        }
        let mut reach = BTreeMap::new();
        for start in edges.keys() {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut stack: Vec<&str> = edges[start].iter().copied().collect();
            while let Some(next) = stack.pop() {
                if seen.insert(next.to_string()) {
                    stack.extend(edges.get(next).into_iter().flatten().copied());
                }
            }
            reach.insert(start.to_string(), seen);
        }
        reach
    }
}

/// The user tables: not a system or toast schema, not a partition, not owned by an extension.
const USER_TABLES: &str = "c.relkind IN ('r', 'p') AND NOT c.relispartition \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";

async fn read_tables(conn: &mut PgConnection) -> BTreeMap<String, Table> {
    let sql = format!(
        "SELECT n.nspname || '.' || c.relname, format('%I.%I', n.nspname, c.relname), n.nspname::text, c.relname::text, \
         coalesce((SELECT bool_and(a.attidentity <> '' OR pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%') \
                     AND count(*) = 1 \
                   FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) \
                   LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
                   WHERE k.conrelid = c.oid AND k.contype = 'p'), false) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {USER_TABLES} ORDER BY 1"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await.expect("list tables");
    let mut tables = BTreeMap::new();
    for row in rows {
        let (name, sql): (String, String) = (row.get(0), row.get(1));
        let count = format!("SELECT count(*) FROM {sql}");
        let rows: i64 = sqlx::query(sqlx::AssertSqlSafe(count)).fetch_one(&mut *conn).await.expect("count").get(0);
        let (schema, relname) = (row.get(2), row.get(3));
        let keyed_by_sequence = row.get(4);
        let (primary_key, unique_keys) = (Vec::new(), Vec::new());
        let table = Table {
            name: name.clone(),
            sql,
            schema,
            relname,
            columns: Vec::new(),
            keyed_by_sequence,
            rows,
            primary_key,
            unique_keys,
        };
        tables.insert(name, table);
    }
    tables
}

async fn read_columns(conn: &mut PgConnection) -> Vec<(String, Column)> {
    let sql = format!(
        "SELECT n.nspname || '.' || c.relname, a.attname::text, \
         format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END, NULL), a.attgenerated <> '' \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_type t ON t.oid = a.atttypid \
         WHERE a.attnum > 0 AND NOT a.attisdropped AND {USER_TABLES} ORDER BY 1, a.attnum"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("list columns");
    rows.iter().map(|r| (r.get(0), Column { name: r.get(1), type_name: r.get(2), generated: r.get(3) })).collect()
}

/// Each unique index over plain columns (key columns only, no expression, no predicate): its
/// table, whether it is the primary key, and its columns in order.
async fn read_unique_keys(conn: &mut PgConnection) -> Vec<(String, bool, Vec<String>)> {
    let sql = format!(
        "SELECT n.nspname || '.' || c.relname, i.indisprimary, array_agg(a.attname::text ORDER BY k.i) \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, i) \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum \
         WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND k.i <= i.indnkeyatts \
         AND {USER_TABLES} GROUP BY i.indexrelid, 1, 2 ORDER BY 1, 2 DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("list unique keys");
    rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

async fn read_foreign_keys(conn: &mut PgConnection) -> Vec<ForeignKey> {
    let sql = "SELECT k.oid::int8, cn.nspname || '.' || cc.relname, pn.nspname || '.' || pc.relname, \
               ca.attname::text, pa.attname::text, ca.attnotnull \
               FROM pg_constraint k \
               JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace \
               JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
               CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(child_col, parent_col, i) \
               JOIN pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = u.child_col \
               JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.parent_col \
               WHERE k.contype = 'f' AND k.conparentid = 0 AND NOT cc.relispartition ORDER BY 1, u.i";
    let rows = sqlx::query(sql).fetch_all(conn).await.expect("list foreign keys");
    let mut keys: BTreeMap<i64, ForeignKey> = BTreeMap::new();
    for row in rows {
        let fk = keys.entry(row.get(0)).or_insert_with(|| ForeignKey {
            child: row.get(1),
            parent: row.get(2),
            pairs: Vec::new(),
            not_null: true,
        });
        fk.pairs.push((row.get(3), row.get(4)));
        fk.not_null &= row.get::<bool, _>(5);
    }
    keys.into_values().collect()
}
