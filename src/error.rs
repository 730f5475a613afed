//! The library's error type, and the exit code each kind maps to (a documented contract).
//!
//! Every message is one paragraph a user can act on: it names the file and line or the object,
//! says what went wrong in the server's own words (without sqlx's "at line N", which is a line of
//! the server's C source, not of the user's file), and, where the cause is usual, what to do.

use std::path::{Path, PathBuf};

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};

use crate::plan::PlanError;
use crate::profile::ProfileError;
use crate::schema::introspect::IntrospectError;

/// Exit codes of the `seed` binary, documented in README.md.
pub mod exit {
    pub const OK: i32 = 0;
    /// Something unexpected inside seed.
    pub const INTERNAL: i32 = 1;
    /// Bad usage, profile, fixture or plan: nothing was written.
    pub const USAGE: i32 = 2;
    /// The database refused or failed (connection, DDL, load): the transaction was rolled back.
    pub const DATABASE: i32 = 3;
    /// Refused for safety (rows outside the profile would be lost, a remote host, a database other
    /// than the profile's): nothing was written, and for a target refusal nothing was connected to.
    pub const REFUSED: i32 = 4;
    /// Interrupted (Ctrl-C): the transaction was rolled back.
    pub const INTERRUPTED: i32 = 130;
    /// Terminated (SIGTERM): handled like Ctrl-C.
    pub const TERMINATED: i32 = 143;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// `reason` is already free of the password.
    #[error("cannot connect to {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    #[error(
        "{}: applying the DDL for schema `{schema}` failed: {}. Nothing was written: fix the file (or create the schema yourself) and run seed again",
        at(file, *line),
        explain(source)
    )]
    Ddl { schema: String, file: PathBuf, line: Option<(usize, usize)>, source: sqlx::Error },
    #[error(
        "cannot read {}: {source}. Paths in a profile are relative to the profile's folder; nothing was written",
        file.display()
    )]
    ReadFile { file: PathBuf, source: std::io::Error },
    #[error(
        "malformed {}{}: {reason}. Fix it (one KEY=value per line) or remove it; nothing was connected to",
        file.display(),
        line.map(|n| format!(" line {n}")).unwrap_or_default()
    )]
    DotEnv { file: PathBuf, line: Option<usize>, reason: String },
    #[error("cannot write to standard output: {source}")]
    Output { source: std::io::Error },
    #[error("loading table {table} failed: {message}")]
    Load { table: String, message: String },
    #[error("{0}")]
    Refused(String),
    /// Bad usage outside a profile: a malformed connection string (never echoed with its password).
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {}", explain(source))]
    Database { context: String, source: sqlx::Error },
    /// The connection died under a run (server restart, `pg_terminate_backend`, network).
    #[error("{}", lost(during, *committing))]
    ConnectionLost { during: Box<Error>, committing: bool },
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Profile(_) | Error::Plan(_) | Error::ReadFile { .. } | Error::DotEnv { .. } | Error::Usage(_) => {
                exit::USAGE
            }
            Error::Refused(_) => exit::REFUSED,
            Error::Output { .. } => exit::INTERNAL,
            Error::Connect { .. }
            | Error::Introspect(_)
            | Error::Ddl { .. }
            | Error::Load { .. }
            | Error::Database { .. }
            | Error::ConnectionLost { .. } => exit::DATABASE,
        }
    }

    pub(crate) fn database(context: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Error {
        let context = context.into();
        move |source| Error::Database { context, source }
    }

    /// A failed DDL file, located at the line and column the server points at.
    pub fn ddl(schema: &str, file: &Path, sql: &str, source: sqlx::Error) -> Error {
        let line = server_position(&source).map(|chars| line_and_column(sql, chars));
        Error::Ddl { schema: schema.to_string(), file: file.to_path_buf(), line, source }
    }

    /// Whether the run failed while committing (then whether it committed is unknown).
    pub fn is_commit(&self) -> bool {
        matches!(self, Error::Database { context, .. } if context.starts_with("committing"))
    }
}

/// The server's words for a failure: message, detail and hint, then advice for usual causes.
pub fn explain(error: &sqlx::Error) -> String {
    describe(error, false)
}

/// [`explain`] plus where the server was (`COPY users, line 48213, column email`) and the
/// constraint that failed: for errors during a load.
pub fn explain_located(error: &sqlx::Error) -> String {
    describe(error, true)
}

fn describe(error: &sqlx::Error, located: bool) -> String {
    let Some(pg) = error.as_database_error().and_then(|db| db.try_downcast_ref::<PgDatabaseError>()) else {
        return one_paragraph(&error.to_string());
    };
    let mut text = pg.message().to_string();
    if let Some(detail) = pg.detail() {
        text.push_str(&format!(" ({detail})"));
    }
    if located {
        if let Some(at) = pg.r#where() {
            text.push_str(&format!(" [{at}]"));
        }
        if let Some(constraint) = pg.constraint() {
            text.push_str(&format!(" constraint: {constraint}"));
        }
    }
    if let Some(hint) = pg.hint() {
        text.push_str(&format!(". {}", hint.trim_end_matches('.')));
    }
    if let Some(advice) = advice(pg.code(), pg.message()) {
        text.push_str(&format!(". {advice}"));
    }
    one_paragraph(&text)
}

/// The server's multi-line parts (a JSON error's context: `JSON data, line 1: ...` then `COPY
/// ...`) joined with `; `, so every message stays one paragraph.
fn one_paragraph(text: &str) -> String {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("; ")
}

/// What to do about the usual SQLSTATEs (and for 42501, about the server's `message`).
fn advice(code: &str, message: &str) -> Option<&'static str> {
    Some(match code {
        "42501" if message.starts_with("must be owner of") => {
            "Altering a table or sequence needs to own it, not only the TRUNCATE and INSERT privileges: connect as the owner (or a member of the owning role). Bulk mode (from 100 000 rows, --bulk or --jobs; --no-bulk avoids it) drops and re-creates indexes and keys, a cycle of foreign keys that are not deferrable drops and re-adds them, --disable-triggers switches triggers, and every run moves the sequences of the keys it writes"
        }
        "42501" => {
            "The connecting user lacks a privilege this run needs: connect as the tables' owner, or GRANT it (seed needs to read the catalog, create missing schemas, TRUNCATE and COPY into the tables; bulk mode, cycles of foreign keys, --disable-triggers and moving sequences need to own them)"
        }
        "3D000" => "Create it (`createdb NAME`) or name an existing database in the URL",
        "28P01" | "28000" => {
            "Check the user name and password (from the URL, PGPASSWORD or ~/.pgpass; the password is never shown)"
        }
        "53100" => {
            "The server's disk is full: free space where the server keeps its data (or the table's tablespace), or load fewer rows"
        }
        "53300" => "The server has no free connection slot: try again when fewer clients are connected",
        "57P03" => "The server is starting up or shutting down: try again in a moment",
        "55P03" => {
            "Another session held a lock this run needs for longer than --lock-timeout allows (while waiting, seed names it): let it commit or end it, then run seed again"
        }
        _ => return None,
    })
}

fn lost(during: &Error, committing: bool) -> String {
    if committing {
        format!(
            "the connection to the server was lost while committing ({during}): the server may or may not have committed. Check the tables; running seed again gives the same data either way"
        )
    } else {
        format!(
            "the connection to the server was lost ({during}). Nothing was committed: the server rolls back a transaction whose connection ends, so every table is as it was before the run. Check the server (its log says why the connection ended) and run seed again"
        )
    }
}

fn at(file: &Path, line: Option<(usize, usize)>) -> String {
    match line {
        Some((line, column)) => format!("{}:{line}:{column}", file.display()),
        None => file.display().to_string(),
    }
}

/// The character position (from 1) the server gives for an error in the statement text.
fn server_position(error: &sqlx::Error) -> Option<usize> {
    let pg = error.as_database_error()?.try_downcast_ref::<PgDatabaseError>()?;
    match pg.position()? {
        PgErrorPosition::Original(chars) => Some(chars),
        PgErrorPosition::Internal { .. } => None,
    }
}

/// Line and column (from 1) of the `chars`-th character (from 1) of `text`.
fn line_and_column(text: &str, chars: usize) -> (usize, usize) {
    let before: String = text.chars().take(chars.saturating_sub(1)).collect();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_lines_and_columns() {
        assert_eq!(line_and_column("abc", 1), (1, 1));
        assert_eq!(line_and_column("ab\ncd\nef", 5), (2, 2));
        assert_eq!(line_and_column("é\nx", 3), (2, 1));
        assert_eq!(line_and_column("", 9), (1, 1));
    }

    #[test]
    fn server_lines_are_folded_into_one_paragraph() {
        assert_eq!(
            one_paragraph("a [JSON data, line 1: {x...\nCOPY t, line 2]\n"),
            "a [JSON data, line 1: {x...; COPY t, line 2]"
        );
    }

    #[test]
    fn exit_codes_follow_the_kind() {
        let refused = Error::Refused("no".into());
        assert_eq!(refused.exit_code(), exit::REFUSED);
        let lost = Error::ConnectionLost { during: Box::new(refused), committing: false };
        assert_eq!(lost.exit_code(), exit::DATABASE);
        assert!(lost.to_string().contains("Nothing was committed"), "{lost}");
    }
}
