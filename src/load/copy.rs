//! One table's COPY: generated rows or a fixture file, streamed in ~1 MiB messages.
//!
//! A COPY is always finished or aborted (a dropped `PgCopyIn` has left connections broken:
//! CRATES.md). An encoding error names the table, column and row; a server error keeps the
//! server's own context (`COPY users, line 48213, column email`).

use std::ops::Range;
use std::time::Instant;

use sqlx::PgConnection;
use sqlx::postgres::PgCopyIn;

use crate::encode::{BinaryRowWriter, RowWriter, TextRowWriter};
use crate::error::{Error, Result};
use crate::events::{Event, Reporter};
use crate::generate::Value;
use crate::generate::table::RowScratch;
use crate::plan::{Plan, TablePlan};
use crate::schema::quote_ident;

use super::server_check::Attempts;
use crate::error::explain_located;

#[derive(Debug, Clone, Copy)]
pub struct TableStats {
    pub rows: u64,
    pub bytes: u64,
}

/// What one COPY writes: rows `rows` of table `table` (all of them, or a chunk).
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The table's position in the plan.
    pub table: usize,
    pub rows: Range<u64>,
    /// `COPY ... (FREEZE)`: rows are written frozen. The table must have been created or truncated
    /// in the current transaction.
    pub freeze: bool,
}

impl Chunk {
    /// The whole table.
    pub fn whole(plan: &Plan, table: usize, freeze: bool) -> Chunk {
        Chunk { table, rows: 0..plan.tables[table].rows, freeze }
    }
}

/// Copies a whole table, reporting its start, progress and end.
pub async fn copy_table(
    conn: &mut PgConnection,
    plan: &Plan,
    chunk: &Chunk,
    reporter: &dyn Reporter,
) -> Result<TableStats> {
    let table = &plan.tables[chunk.table];
    let started = Instant::now();
    reporter.report(Event::TableStarted { table: &table.name, rows: table.rows });
    let stats = copy_rows(conn, plan, chunk, Some(reporter)).await?;
    reporter.report(Event::TableDone {
        table: &table.name,
        rows: stats.rows,
        bytes: stats.bytes,
        elapsed: started.elapsed(),
    });
    Ok(stats)
}

/// Copies `chunk`; reports progress (about every MiB) when given a reporter.
pub async fn copy_rows(
    conn: &mut PgConnection,
    plan: &Plan,
    chunk: &Chunk,
    progress: Option<&dyn Reporter>,
) -> Result<TableStats> {
    let table = &plan.tables[chunk.table];
    if chunk.rows.start == 0 {
        super::sequences::restart_for_triggers(conn, table).await?;
    }
    match &table.fixture {
        Some(path) => copy_fixture(conn, table, path, chunk.freeze).await,
        None if table.binary => copy_generated(conn, plan, chunk, BinaryRowWriter::new(), progress).await,
        None => copy_generated(conn, plan, chunk, TextRowWriter::new(), progress).await,
    }
}

fn copy_statement(table: &TablePlan, options: &str, freeze: bool) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| quote_ident(c)).collect();
    let options = match (freeze, options) {
        (false, _) => options.to_string(),
        (true, "") => "(FREEZE)".to_string(),
        (true, _) => format!("{}, FREEZE)", options.trim_end_matches(')')),
    };
    format!("COPY {} ({}) FROM STDIN {options}", table.name, columns.join(", "))
}

pub(super) fn load_error(table: &TablePlan, error: &sqlx::Error) -> Error {
    Error::Load { table: table.name.plain(), message: explain_located(error) }
}

async fn copy_fixture(
    conn: &mut PgConnection,
    table: &TablePlan,
    path: &std::path::Path,
    freeze: bool,
) -> Result<TableStats> {
    let bytes = std::fs::read(path).map_err(|source| Error::ReadFile { file: path.to_path_buf(), source })?;
    let statement = copy_statement(table, "(FORMAT csv, HEADER true)", freeze);
    let mut copy = conn.copy_in_raw(&statement).await.map_err(|e| load_error(table, &e))?;
    if let Err(error) = copy.send(bytes.as_slice()).await {
        let _ = copy.abort("seed: sending the fixture failed").await;
        return Err(load_error(table, &error));
    }
    let rows = copy.finish().await.map_err(|e| {
        let mut error = load_error(table, &e);
        if let Error::Load { message, .. } = &mut error {
            message.push_str(&format!(" (fixture {})", path.display()));
        }
        error
    })?;
    Ok(TableStats { rows, bytes: bytes.len() as u64 })
}

/// A table with no columns to write (none at all, or only generated ones) still holds rows:
/// COPY cannot name zero columns, so insert defaults.
async fn insert_columnless(conn: &mut PgConnection, table: &TablePlan, chunk: &Chunk) -> Result<TableStats> {
    let count = chunk.rows.end - chunk.rows.start;
    let sql = format!("INSERT INTO {} SELECT FROM generate_series(1, {count})", table.name);
    let done = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await.map_err(|e| load_error(table, &e))?;
    Ok(TableStats { rows: done.rows_affected(), bytes: 0 })
}

async fn copy_generated<W: RowWriter>(
    conn: &mut PgConnection,
    plan: &Plan,
    chunk: &Chunk,
    mut writer: W,
    progress: Option<&dyn Reporter>,
) -> Result<TableStats> {
    let table = &plan.tables[chunk.table];
    if table.columns.is_empty() {
        return insert_columnless(conn, table, chunk).await;
    }
    // Rows a CHECK only the server can evaluate refused are written at the attempt it accepted.
    let attempts = super::server_check::settle(conn, plan, chunk).await?;
    let statement = copy_statement(table, writer.copy_options(), chunk.freeze);
    let mut copy = conn.copy_in_raw(&statement).await.map_err(|e| load_error(table, &e))?;
    match stream_rows(&mut copy, plan, (chunk, attempts.as_ref()), &mut writer, progress).await {
        Ok(bytes) => {
            let rows = copy.finish().await.map_err(|e| load_error(table, &e))?;
            Ok(TableStats { rows, bytes })
        }
        Err(error) => {
            let _ = copy.abort("seed: generating rows failed").await;
            Err(error)
        }
    }
}

async fn stream_rows<W: RowWriter>(
    copy: &mut PgCopyIn<&mut PgConnection>,
    plan: &Plan,
    (chunk, attempts): (&Chunk, Option<&Attempts>),
    writer: &mut W,
    progress: Option<&dyn Reporter>,
) -> Result<u64> {
    let index = chunk.table;
    let table = &plan.tables[index];
    let generator = &plan.dataset.tables[index];
    let mut values = vec![Value::Null; table.columns.len()];
    let mut scratch = RowScratch::default();
    let mut cursor = generator.fan_out.as_ref().map(|fan| fan.cursor(chunk.rows.start));
    let field_count = table.columns.len() as i16;
    let mut bytes = 0u64;
    writer.header();
    for row in chunk.rows.clone() {
        let position = cursor.as_mut().map(|c| c.next_position());
        plan.dataset.fill_row(index, row, position, &mut scratch, &mut values);
        if let Some(attempt) = attempts.map(|a| a.attempt_of(row)).filter(|&a| a > 0) {
            let regenerated = &table.server_checks.regenerated;
            plan.dataset.refill(index, row, attempt, regenerated, &scratch, &mut values);
        }
        writer.begin_row(field_count);
        write_fields(writer, table, row, &values)?;
        writer.end_row();
        if writer.is_full() {
            bytes += send(copy, writer, table).await?;
            if let Some(reporter) = progress {
                reporter.report(Event::RowsWritten { table: &table.name, rows: row + 1 - chunk.rows.start });
            }
        }
    }
    writer.trailer();
    bytes += send(copy, writer, table).await?;
    Ok(bytes)
}

/// Encodes row `row`'s `values` into the row begun in `writer`; an error names the column.
#[inline(always)]
pub(super) fn write_fields<W: RowWriter>(writer: &mut W, table: &TablePlan, row: u64, values: &[Value]) -> Result<()> {
    for ((value, ty), column) in values.iter().zip(&table.types).zip(&table.columns) {
        writer.field(value, ty).map_err(|e| Error::Load {
            table: table.name.plain(),
            message: format!("row {row}, column {column}: {e}"),
        })?;
    }
    Ok(())
}

pub(super) async fn send<W: RowWriter>(
    copy: &mut PgCopyIn<&mut PgConnection>,
    writer: &mut W,
    table: &TablePlan,
) -> Result<u64> {
    let len = writer.len() as u64;
    copy.send(writer.buffer()).await.map_err(|e| load_error(table, &e))?;
    writer.clear();
    Ok(len)
}
