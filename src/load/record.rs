//! The durable record of a `--jobs` run's committed cleanup, kept in the database it cleaned.
//!
//! [`super::parallel`] commits its `TRUNCATE` and dropped indexes and foreign keys before loading.
//! A recovery running in the process ([`super::recovery`]) cannot help when the process is killed
//! (SIGKILL, a crash, the machine going down): the tables would stay half-loaded and the keys gone
//! for good. So the transaction that commits the cleanup also writes, in the same commit, what
//! must be restored: the tables to empty (the profile's, and the outside tables emptied with them)
//! and every saved index and constraint definition, one row of [`SCHEMA`]`.pending`. The transaction that completes the load deletes it (and the schema with
//! the last row), so a record exists exactly while the tables may be half-loaded. Every later run
//! finishes a pending record's recovery before anything else (`recovery::finish_pending`).
//!
//! The schema is created by the first `--jobs` run only, never by the other modes, and is
//! skipped by introspection. While a run loads, a connection of it holds a session advisory lock
//! on its record's id ([`LOCK_CLASS`]): a record whose lock is free belongs to a dead run.

use sqlx::{PgConnection, Row};

use super::execute;
use super::saved::{Definition, Kind, Saved};
use crate::error::{Error, Result};
use crate::schema::QualifiedName;

/// The schema holding the records. Introspection never reads it as a user schema.
pub const SCHEMA: &str = "seed_recovery";

/// First key of the advisory locks on records (`pg_advisory_lock(LOCK_CLASS, id)`): "seed".
pub(super) const LOCK_CLASS: i32 = 0x5eed;

const CREATE: &str = "CREATE SCHEMA IF NOT EXISTS seed_recovery;
    COMMENT ON SCHEMA seed_recovery IS 'seed --jobs: what an interrupted load must restore; the next seed run does it';
    CREATE TABLE IF NOT EXISTS seed_recovery.pending (
        id serial PRIMARY KEY,
        started timestamptz NOT NULL DEFAULT now(),
        table_schemas text[] NOT NULL, table_names text[] NOT NULL,
        kinds text[] NOT NULL, def_schemas text[] NOT NULL, def_tables text[] NOT NULL,
        names text[] NOT NULL, definitions text[] NOT NULL);
    ALTER TABLE seed_recovery.pending
        ADD COLUMN IF NOT EXISTS outside_schemas text[] NOT NULL DEFAULT '{}',
        ADD COLUMN IF NOT EXISTS outside_names text[] NOT NULL DEFAULT '{}'";

/// A cleanup committed by a `--jobs` run whose load has not completed.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: i32,
    /// When the run started cleaning, as the server writes it.
    pub started: String,
    /// The profile's tables, which the cleanup truncated.
    pub tables: Vec<QualifiedName>,
    /// The outside tables it truncated with them (a record of an older seed has none).
    pub outside: Vec<QualifiedName>,
    /// What it dropped, to re-create.
    pub saved: Saved,
}

/// Writes the record of a cleanup; call it in the transaction that commits the cleanup.
pub(super) async fn write(
    conn: &mut PgConnection,
    tables: &[QualifiedName],
    outside: &[QualifiedName],
    saved: &Saved,
) -> Result<i32> {
    let context = "creating schema seed_recovery, where a --jobs load records what to restore if it is killed \
                   (this needs the CREATE privilege on the database: grant it, or load without --jobs)";
    execute(conn, CREATE, context).await?;
    let column = |f: fn(&Definition) -> String| saved.restore_order().map(f).collect::<Vec<String>>();
    let row = sqlx::query(
        "INSERT INTO seed_recovery.pending \
           (table_schemas, table_names, kinds, def_schemas, def_tables, names, definitions, outside_schemas, \
            outside_names) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(tables.iter().map(|t| t.schema.clone()).collect::<Vec<_>>())
    .bind(tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>())
    .bind(column(|d| d.kind.name().to_string()))
    .bind(column(|d| d.table.schema.clone()))
    .bind(column(|d| d.table.name.clone()))
    .bind(column(|d| d.name.clone()))
    .bind(column(|d| d.definition.clone()))
    .bind(outside.iter().map(|t| t.schema.clone()).collect::<Vec<_>>())
    .bind(outside.iter().map(|t| t.name.clone()).collect::<Vec<_>>())
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::database("recording what a --jobs load must restore if it is interrupted"))?;
    row.try_get(0).map_err(Error::database("reading the id of the recovery record"))
}

/// Deletes record `id`, and the schema once no record is left; call it in the transaction that
/// completes the load or its recovery.
pub(super) async fn remove(conn: &mut PgConnection, id: i32) -> Result<()> {
    let context = "deleting the record of a finished --jobs load";
    // Locked first: a run writing its record meanwhile is waited for, and then seen.
    let sql = format!(
        "DELETE FROM seed_recovery.pending WHERE id = {id}; LOCK TABLE seed_recovery.pending IN EXCLUSIVE MODE"
    );
    execute(conn, &sql, context).await?;
    let left: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM seed_recovery.pending)")
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database(context))?;
    if !left {
        execute(conn, "DROP SCHEMA seed_recovery CASCADE", context).await?;
    }
    Ok(())
}

/// Whether record `id` exists (none does when the schema is gone).
pub(super) async fn exists(conn: &mut PgConnection, id: i32) -> Result<bool> {
    Ok(pending(conn).await?.iter().any(|r| r.id == id))
}

/// Every pending record, oldest first; none when the schema does not exist. Outside a
/// transaction: the schema may go between two statements.
pub async fn pending(conn: &mut PgConnection) -> Result<Vec<Record>> {
    let context = "looking for an interrupted --jobs load (schema seed_recovery)";
    let present: bool = sqlx::query_scalar("SELECT to_regclass('seed_recovery.pending') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database(context))?;
    if !present {
        return Ok(Vec::new());
    }
    // The outside tables through to_jsonb: a record an older seed wrote has no such columns.
    let rows = sqlx::query(
        "SELECT id, started::text, table_schemas, table_names, kinds, def_schemas, def_tables, names, definitions, \
                ARRAY(SELECT jsonb_array_elements_text(coalesce(to_jsonb(p) -> 'outside_schemas', '[]'))), \
                ARRAY(SELECT jsonb_array_elements_text(coalesce(to_jsonb(p) -> 'outside_names', '[]'))) \
         FROM seed_recovery.pending p ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await;
    let rows = match rows {
        // The last record was deleted, and the schema dropped, since the check above.
        Err(error) if error.as_database_error().and_then(|e| e.code()).as_deref() == Some("42P01") => Vec::new(),
        other => other.map_err(Error::database(context))?,
    };
    rows.iter().map(|row| parse(row).map_err(Error::database(context))).collect()
}

fn parse(row: &sqlx::postgres::PgRow) -> std::result::Result<Record, sqlx::Error> {
    let texts = |i: usize| row.try_get::<Vec<String>, _>(i);
    let names = |schemas: usize| -> std::result::Result<Vec<QualifiedName>, sqlx::Error> {
        Ok(texts(schemas)?.into_iter().zip(texts(schemas + 1)?).map(|(s, n)| QualifiedName::new(s, n)).collect())
    };
    let (tables, outside) = (names(2)?, names(9)?);
    let mut saved = Saved::default();
    let fields = texts(4)?.into_iter().zip(texts(5)?).zip(texts(6)?).zip(texts(7)?).zip(texts(8)?);
    for ((((kind, schema), table), name), definition) in fields {
        let kind = kind_from(&kind);
        let definition = Definition { kind, table: QualifiedName::new(schema, table), name, definition };
        match kind {
            Kind::ForeignKey => saved.foreign_keys.push(definition),
            Kind::Constraint | Kind::Index => saved.indexes.push(definition),
        }
    }
    Ok(Record { id: row.try_get(0)?, started: row.try_get(1)?, tables, outside, saved })
}

fn kind_from(name: &str) -> Kind {
    match name {
        "constraint" => Kind::Constraint,
        "foreign key" => Kind::ForeignKey,
        _ => Kind::Index,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in [Kind::Constraint, Kind::Index, Kind::ForeignKey] {
            assert_eq!(kind_from(kind.name()), kind);
        }
    }
}
