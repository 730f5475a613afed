//! Fixture files: reference rows (plans, platforms, niches) loaded exactly as given.
//!
//! A fixture is a CSV file with a header of column names. The planner reads it to know its row
//! count, to check the header against the table, and to let children reference its keys (the keys
//! are parsed by the column's type). The loader streams the file itself to `COPY ... (FORMAT csv)`,
//! so what lands is byte for byte what the file says; an empty unquoted field is NULL, as in COPY.

use std::path::{Path, PathBuf};

use crate::generate::Value;
use crate::schema::{Table, TypeKind};

use super::{PlanError, scope};

#[derive(Debug, Clone)]
pub struct Fixture {
    pub path: PathBuf,
    /// Column names from the header, in file order.
    pub columns: Vec<String>,
    /// Parsed cells by row, then column; `Value::Text` for types kept as literals.
    pub rows: Vec<Vec<Value>>,
}

pub fn read(path: &Path, table: &Table) -> Result<Fixture, PlanError> {
    let text = std::fs::read_to_string(path).map_err(|e| PlanError {
        where_: Some(path.display().to_string()),
        message: format!("cannot read the fixture for table `{}`: {e}", table.name.plain()),
    })?;
    let records = parse_csv(&text).map_err(|(line, message)| fixture_error(path, line, message))?;
    let Some((header, body)) = records.split_first() else {
        return Err(fixture_error(
            path,
            1,
            "the file is empty: a fixture starts with a header line of column names".into(),
        ));
    };
    let columns: Vec<String> = header.cells.iter().map(|c| c.clone().unwrap_or_default()).collect();
    let mut indexes = Vec::with_capacity(columns.len());
    for name in &columns {
        let index = table.column_index(name).ok_or_else(|| {
            let names = table.columns.iter().map(|c| c.name.clone());
            fixture_error(
                path,
                1,
                format!(
                    "column `{name}` does not exist in table `{}`{}",
                    table.name.plain(),
                    scope::suggestion(name, names)
                ),
            )
        })?;
        indexes.push(index);
    }
    let rows = body
        .iter()
        .map(|record| {
            if record.cells.len() != columns.len() {
                return Err(fixture_error(
                    path,
                    record.line,
                    format!(
                        "this row has {} fields but the header names {} columns",
                        record.cells.len(),
                        columns.len()
                    ),
                ));
            }
            Ok(record
                .cells
                .iter()
                .zip(&indexes)
                .map(|(cell, &c)| parse_cell(cell.as_deref(), &table.columns[c].ty.base().kind))
                .collect())
        })
        .collect::<Result<Vec<Vec<Value>>, PlanError>>()?;
    Ok(Fixture { path: path.to_path_buf(), columns, rows })
}

fn fixture_error(path: &Path, line: usize, message: String) -> PlanError {
    PlanError { where_: Some(format!("{}:{line}", path.display())), message }
}

/// A cell as a value of the column's type, where children may need it as a key.
fn parse_cell(cell: Option<&str>, kind: &TypeKind) -> Value {
    let Some(text) = cell else { return Value::Null };
    let parsed = match kind {
        TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8 => text.trim().parse().ok().map(Value::Int),
        TypeKind::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "yes" | "on" | "1" => Some(Value::Bool(true)),
            "f" | "false" | "no" | "off" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        TypeKind::Uuid => uuid::Uuid::parse_str(text.trim()).ok().map(|u| Value::Uuid(*u.as_bytes())),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::Text(text.to_string()))
}

#[derive(Debug)]
struct Record {
    /// The line the record starts on (from 1).
    line: usize,
    /// `None` for an empty unquoted field (NULL).
    cells: Vec<Option<String>>,
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and newlines.
fn parse_csv(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut cells = Vec::new();
        loop {
            let (cell, end) = parse_field(&mut chars, &mut line).map_err(|m| (start, m))?;
            cells.push(cell);
            match end {
                FieldEnd::Comma => continue,
                FieldEnd::Line | FieldEnd::Eof => break,
            }
        }
        let blank = cells.len() == 1 && cells[0].is_none();
        if !blank {
            records.push(Record { line: start, cells });
        }
    }
    Ok(records)
}

enum FieldEnd {
    Comma,
    Line,
    Eof,
}

fn parse_field(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    line: &mut usize,
) -> Result<(Option<String>, FieldEnd), String> {
    let mut cell = String::new();
    let quoted = chars.peek() == Some(&'"');
    if quoted {
        chars.next();
        loop {
            match chars.next() {
                Some('"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                Some('"') => break,
                Some(c) => {
                    if c == '\n' {
                        *line += 1;
                    }
                    cell.push(c);
                }
                None => {
                    return Err("a quoted field is not closed before the end of the file".into());
                }
            }
        }
    }
    loop {
        match chars.next() {
            Some(',') => return Ok((field(cell, quoted), FieldEnd::Comma)),
            Some('\n') => {
                *line += 1;
                return Ok((field(cell, quoted), FieldEnd::Line));
            }
            Some('\r') => {}
            Some(c) if quoted => return Err(format!("unexpected `{c}` after a closing quote")),
            Some(c) => cell.push(c),
            None => return Ok((field(cell, quoted), FieldEnd::Eof)),
        }
    }
}

fn field(cell: String, quoted: bool) -> Option<String> {
    (quoted || !cell.is_empty()).then_some(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_commas_newlines_and_nulls() {
        let records =
            parse_csv("id,name,tags\n1,\"a, \"\"b\"\"\",\"{x,y}\"\n2,,\"\"\n\"3\",\"multi\nline\",z\n").expect("csv");
        assert_eq!(records.len(), 4);
        assert_eq!(records[1].cells, vec![Some("1".into()), Some("a, \"b\"".into()), Some("{x,y}".into())]);
        assert_eq!(records[2].cells, vec![Some("2".into()), None, Some(String::new())]);
        assert_eq!(records[3].cells[1], Some("multi\nline".into()));
        assert_eq!(records[3].line, 4);
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        let error = parse_csv("a\n\"oops\n").expect_err("unclosed");
        assert_eq!(error.0, 2);
    }
}
