//! The indexes and foreign keys bulk mode takes off the loaded tables, read from the catalog first.
//!
//! Building an index once over loaded data is much cheaper than updating it row by row, and a
//! foreign key re-added after the load checks every row in one join instead of one lookup per row
//! (pg_restore and `pgbench -i` load the same way). So before the load, [`Saved::read`] records
//! every index of the loaded tables (primary keys, unique and exclusion constraints, plain indexes)
//! with `pg_get_indexdef` / `pg_get_constraintdef`, and every foreign key from or to them; after
//! it, they are re-created in [`Saved::restore_order`]: indexes first, then foreign keys, whose
//! re-adding validates every row. The definitions are read with an empty `search_path`, so every
//! name in them is schema-qualified and they mean the same thing on any connection.
//!
//! Left in place (maintained during the load, as in the default mode): every index and key when a
//! loaded table has user triggers (they run during the COPY and may use them), indexes of
//! partitioned tables (re-creating one would rename its partitions' indexes), replica-identity and
//! clustered indexes (re-creating them would lose that role), invalid indexes, and indexes or
//! constraints that a view or other object depends on.

use sqlx::{PgConnection, Row};

use crate::error::{Error, Result};
use crate::schema::{QualifiedName, quote_ident, quote_literal};

/// Whether a definition is a constraint (dropped with `ALTER TABLE`) or a plain index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A primary key, unique or exclusion constraint: its index goes with it.
    Constraint,
    Index,
    ForeignKey,
}

impl Kind {
    /// `constraint`, `index` or `foreign key`: for messages and the recovery record.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Constraint => "constraint",
            Kind::Index => "index",
            Kind::ForeignKey => "foreign key",
        }
    }
}

/// One index or constraint to drop before the load and re-create after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub kind: Kind,
    /// The table the index or constraint belongs to.
    pub table: QualifiedName,
    /// The constraint's or index's name (an index lives in its table's schema).
    pub name: String,
    /// `pg_get_constraintdef` (constraints) or `pg_get_indexdef` (indexes): fully qualified.
    pub definition: String,
}

impl Definition {
    pub fn drop_sql(&self) -> String {
        match self.kind {
            Kind::Index => format!("DROP INDEX {}.{}", quote_ident(&self.table.schema), quote_ident(&self.name)),
            Kind::Constraint | Kind::ForeignKey => {
                format!("ALTER TABLE {} DROP CONSTRAINT {}", self.table, quote_ident(&self.name))
            }
        }
    }

    pub fn create_sql(&self) -> String {
        match self.kind {
            Kind::Index => self.definition.clone(),
            Kind::Constraint | Kind::ForeignKey => {
                format!("ALTER TABLE {} ADD CONSTRAINT {} {}", self.table, quote_ident(&self.name), self.definition)
            }
        }
    }

    /// `index users_email_key on creator.users`, for messages.
    pub fn describe(&self) -> String {
        format!("{} {} on {}", self.kind.name(), self.name, self.table.plain())
    }
}

/// Everything bulk mode drops: indexes and key constraints, and the foreign keys that use them.
#[derive(Debug, Clone, Default)]
pub struct Saved {
    pub indexes: Vec<Definition>,
    pub foreign_keys: Vec<Definition>,
    /// The loaded tables that are ordinary tables (COPY FREEZE does not take partitioned ones).
    pub ordinary: Vec<QualifiedName>,
}

impl Saved {
    /// Reads the definitions of `tables`' indexes and of every foreign key from or to them.
    pub async fn read(conn: &mut PgConnection, tables: &[QualifiedName]) -> Result<Saved> {
        let list = table_array(tables);
        // Restored at the end of the transaction, or by the next `set_config` below.
        let old = scalar(conn, "SELECT current_setting('search_path')").await?;
        scalar(conn, "SELECT set_config('search_path', '', true)").await?;
        let read = Self::read_qualified(conn, &list).await;
        let reset = format!("SELECT set_config('search_path', {}, true)", quote_literal(&old));
        scalar(conn, &reset).await?;
        read
    }

    async fn read_qualified(conn: &mut PgConnection, list: &str) -> Result<Saved> {
        let ordinary = query(conn, &ordinary_sql(list)).await?;
        // Triggers fire during the COPY and may rely on any table's keys (ON CONFLICT, GROUP BY a
        // primary key) and indexes (lookups): with triggers, only foreign keys come off.
        let indexes = match triggered(conn, list).await? {
            true => Vec::new(),
            false => query(conn, &indexes_sql(list)).await?,
        };
        let foreign_keys = query(conn, &foreign_keys_sql(list)).await?;
        Ok(Saved {
            ordinary: ordinary.into_iter().map(|r| QualifiedName::new(r.0, r.1)).collect(),
            indexes: indexes
                .into_iter()
                .map(|(schema, table, name, definition, is_constraint)| Definition {
                    kind: if is_constraint { Kind::Constraint } else { Kind::Index },
                    table: QualifiedName::new(schema, table),
                    name,
                    definition,
                })
                .collect(),
            foreign_keys: foreign_keys
                .into_iter()
                .map(|(schema, table, name, definition, _)| Definition {
                    kind: Kind::ForeignKey,
                    table: QualifiedName::new(schema, table),
                    name,
                    definition,
                })
                .collect(),
        })
    }

    /// Foreign keys first (they hold on to the unique indexes), then indexes and constraints.
    pub fn drop_sql(&self) -> Vec<(String, &Definition)> {
        self.foreign_keys.iter().chain(&self.indexes).map(|d| (d.drop_sql(), d)).collect()
    }

    /// Indexes and constraints first, then the foreign keys that need them.
    pub fn restore_order(&self) -> impl Iterator<Item = &Definition> {
        self.indexes.iter().chain(&self.foreign_keys)
    }

    pub fn is_ordinary(&self, table: &QualifiedName) -> bool {
        self.ordinary.contains(table)
    }
}

/// Whether any of `tables` (or their partitions) has an enabled user trigger.
pub async fn has_user_triggers(conn: &mut PgConnection, tables: &[QualifiedName]) -> Result<bool> {
    triggered(conn, &table_array(tables)).await
}

/// Those of `tables` that have (or whose partitions have) an enabled user trigger.
pub async fn triggered_tables(conn: &mut PgConnection, tables: &[QualifiedName]) -> Result<Vec<QualifiedName>> {
    triggered_in(conn, &table_array(tables)).await
}

async fn triggered(conn: &mut PgConnection, list: &str) -> Result<bool> {
    Ok(!triggered_in(conn, list).await?.is_empty())
}

async fn triggered_in(conn: &mut PgConnection, list: &str) -> Result<Vec<QualifiedName>> {
    let sql = format!(
        "WITH RECURSIVE owned(oid, root) AS (SELECT r, r FROM unnest({list}::oid[]) r \
                UNION SELECT i.inhrelid, o.root FROM pg_inherits i JOIN owned o ON i.inhparent = o.oid) \
         SELECT DISTINCT n.nspname::text, c.relname::text FROM owned o JOIN pg_class c ON c.oid = o.root \
                JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE EXISTS (SELECT 1 FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' \
                       AND t.tgrelid = o.oid)"
    );
    let context = "looking for triggers on the tables to load";
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await.map_err(Error::database(context))?;
    let name = |row: &sqlx::postgres::PgRow| -> std::result::Result<QualifiedName, sqlx::Error> {
        Ok(QualifiedName::new(row.try_get::<String, _>(0)?, row.try_get::<String, _>(1)?))
    };
    rows.iter().map(|row| name(row).map_err(Error::database(context))).collect()
}

/// `ARRAY['"s"."t"', ...]::regclass[]` for the tables.
fn table_array(tables: &[QualifiedName]) -> String {
    let names: Vec<String> = tables.iter().map(|t| quote_literal(&t.to_string())).collect();
    format!("ARRAY[{}]::text[]::regclass[]", names.join(", "))
}

fn ordinary_sql(list: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, '', '', false FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.oid = ANY({list}) AND c.relkind = 'r'"
    )
}

/// Indexes of ordinary tables, each with its constraint when it backs one. Nothing else may depend
/// on it (a view using a primary key's functional dependency would block the drop).
fn indexes_sql(list: &str) -> String {
    format!(
        "SELECT n.nspname, t.relname, coalesce(k.conname, ic.relname), \
                coalesce(pg_get_constraintdef(k.oid), pg_get_indexdef(i.indexrelid)), k.oid IS NOT NULL \
         FROM pg_index i \
         JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_class ic ON ic.oid = i.indexrelid \
         LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x') \
         WHERE i.indrelid = ANY({list}) AND t.relkind = 'r' \
           AND i.indisvalid AND NOT i.indisreplident AND NOT i.indisclustered \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid IN (i.indexrelid, coalesce(k.oid, 0)) \
                           AND d.deptype = 'n' AND d.classid <> 'pg_constraint'::regclass) \
         ORDER BY 1, 2, 3"
    )
}

/// Top-level foreign keys (not a partition's copy) from or to the tables.
fn foreign_keys_sql(list: &str) -> String {
    format!(
        "SELECT n.nspname, t.relname, k.conname, pg_get_constraintdef(k.oid), false \
         FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE k.contype = 'f' AND k.conparentid = 0 AND (k.conrelid = ANY({list}) OR k.confrelid = ANY({list})) \
         ORDER BY 1, 2, 3"
    )
}

type CatalogRow = (String, String, String, String, bool);

async fn query(conn: &mut PgConnection, sql: &str) -> Result<Vec<CatalogRow>> {
    let context = "reading the indexes and foreign keys of the tables to load";
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database(context))?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0).map_err(Error::database(context))?,
                row.try_get(1).map_err(Error::database(context))?,
                row.try_get(2).map_err(Error::database(context))?,
                row.try_get(3).map_err(Error::database(context))?,
                row.try_get(4).map_err(Error::database(context))?,
            ))
        })
        .collect()
}

async fn scalar(conn: &mut PgConnection, sql: &str) -> Result<String> {
    let context = "setting search_path to read qualified definitions";
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database(context))?;
    row.try_get(0).map_err(Error::database(context))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(kind: Kind, name: &str, definition: &str) -> Definition {
        Definition { kind, table: QualifiedName::new("app", "Users"), name: name.into(), definition: definition.into() }
    }

    #[test]
    fn constraints_and_indexes_drop_and_come_back_by_name() {
        let pk = definition(Kind::Constraint, "users_pkey", "PRIMARY KEY (id)");
        assert_eq!(pk.drop_sql(), r#"ALTER TABLE "app"."Users" DROP CONSTRAINT "users_pkey""#);
        assert_eq!(pk.create_sql(), r#"ALTER TABLE "app"."Users" ADD CONSTRAINT "users_pkey" PRIMARY KEY (id)"#);
        let index =
            definition(Kind::Index, "by email", "CREATE INDEX \"by email\" ON app.\"Users\" USING btree (email)");
        assert_eq!(index.drop_sql(), r#"DROP INDEX "app"."by email""#);
        assert_eq!(index.create_sql(), index.definition);
    }

    #[test]
    fn foreign_keys_drop_first_and_come_back_last() {
        let saved = Saved {
            indexes: vec![definition(Kind::Constraint, "users_pkey", "PRIMARY KEY (id)")],
            foreign_keys: vec![definition(
                Kind::ForeignKey,
                "users_boss_fkey",
                "FOREIGN KEY (boss) REFERENCES app.\"Users\"(id)",
            )],
            ordinary: vec![],
        };
        let drops: Vec<String> = saved.drop_sql().iter().map(|(_, d)| d.name.clone()).collect();
        assert_eq!(drops, ["users_boss_fkey", "users_pkey"]);
        let restores: Vec<&str> = saved.restore_order().map(|d| d.name.as_str()).collect();
        assert_eq!(restores, ["users_pkey", "users_boss_fkey"]);
    }
}
