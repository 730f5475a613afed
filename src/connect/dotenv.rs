//! Reading `.env` from the current folder, one `KEY=value` per line, as README documents.
//!
//! dotenvy does the parsing and loading, but two of its habits do not suit a file that holds a
//! database URL: a quote left open pulls the following lines into the value (an unclosed quote in
//! `DATABASE_URL` became a database name with a newline in it, and a connection error), and its
//! parse errors quote the whole line, password included. So each line is checked first, on its
//! own: a quote must close on its line, and a line dotenvy cannot parse is reported by file and line
//! number, never by its text. Only a file that passes is loaded.

use std::path::Path;

use crate::error::{Error, Result};

/// Loads `path` into the environment (variables already set win). A missing file is fine; an
/// unreadable or malformed one is an error naming the file and, when it is one line, that line.
pub fn load(path: &Path) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(malformed(path, None, &format!("cannot read it: {error}"))),
    };
    if let Err((line, reason)) = check(&text) {
        return Err(malformed(path, Some(line), &reason));
    }
    dotenvy::from_read(text.as_bytes()).map_err(|error| malformed(path, None, &describe(&error)))
}

fn malformed(path: &Path, line: Option<usize>, reason: &str) -> Error {
    Error::DotEnv { file: path.to_path_buf(), line, reason: reason.to_string() }
}

/// The first malformed line of a `.env` text (numbered from 1) and what is wrong with it.
fn check(text: &str) -> std::result::Result<(), (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(quote) = open_quote(line) {
            return Err((
                number,
                format!("a value opens a {quote} quote that does not close on this line (each value ends on its line)"),
            ));
        }
        if let Some(Err(error)) = dotenvy::from_read_iter(line.as_bytes()).next() {
            return Err((number, describe(&error)));
        }
    }
    Ok(())
}

/// The quote (`'` or `"`) still open at the end of `line`, read as dotenvy reads it: outside quotes
/// a backslash escapes the next character and a `#` after whitespace starts a comment; inside
/// either kind of quote a backslash escapes the next character.
fn open_quote(line: &str) -> Option<char> {
    if line.trim_start().starts_with('#') {
        return None;
    }
    let mut chars = line.chars();
    let mut open: Option<char> = None;
    let mut after_space = false;
    while let Some(c) = chars.next() {
        match (open, c) {
            (_, '\\') => {
                chars.next();
            }
            (Some(quote), c) if c == quote => open = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => open = Some(c),
            (None, '#') if after_space => return None,
            (None, _) => {}
        }
        after_space = open.is_none() && c.is_whitespace();
    }
    open
}

/// dotenvy's error without the line's text (it may hold a password): where on the line, or why.
fn describe(error: &dotenvy::Error) -> String {
    match error {
        dotenvy::Error::LineParse(_, position) => {
            format!("it is not `KEY=value` (cannot read it from character {})", position + 1)
        }
        dotenvy::Error::Io(error) => format!("cannot read it: {error}"),
        dotenvy::Error::EnvVar(error) => error.to_string(),
        _ => "it cannot be read".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_malformed_at_its_line() {
        let text = "# db\nPGUSER=me\nDATABASE_URL='postgres://u:s3cret@h/db\nPGDATABASE=other\n";
        let (line, reason) = check(text).expect_err("unclosed");
        assert_eq!(line, 3);
        assert!(reason.contains("' quote") && !reason.contains("s3cret"), "{reason}");
        assert_eq!(check("A=\"x\nB=y\"\n").expect_err("double").0, 1, "no value spans lines");
    }

    #[test]
    fn quotes_escapes_and_comments_as_dotenvy_reads_them() {
        let fine = [
            "A='x y'",
            "A=\"x \\\" y\"",
            "A=x\\'y",
            "A=x # it's a comment",
            "# it's a comment",
            "A='#' # 'x",
            "export A=\"v\"",
            "",
        ];
        for line in fine {
            assert_eq!(open_quote(line), None, "{line}");
            assert!(check(line).is_ok(), "{line}");
        }
        assert_eq!(open_quote("A=it's"), Some('\''));
        assert_eq!(open_quote("A=x#'y"), Some('\''), "a # inside a word is no comment");
    }

    #[test]
    fn a_line_dotenvy_cannot_parse_is_named_without_its_text() {
        let (line, reason) = check("A=1\nnot a pair s3cret\n").expect_err("no =");
        assert_eq!(line, 2);
        assert!(!reason.contains("s3cret"), "{reason}");
    }
}
