//! What a trigger function inserts, read from its source (`pg_proc.prosrc`).
//!
//! A plain-text reading, which is what we have for PL/pgSQL: every `INSERT INTO name`, the
//! columns it names and, for a one-row `VALUES`, which of them take a column of the firing row
//! (`NEW.id`). The planner ([`crate::plan`]) decides from this which tables triggers fill, and
//! whether it can tell their rows (one per firing row, keys copied from it or drawn from a
//! sequence): a function with any branch or loop is read as possibly skipping or repeating an
//! insert, so its rows are never modelled, only left to it.

use super::TriggerInsert;

/// Every `INSERT INTO` of `source`, in order.
pub(super) fn inserts(source: &str) -> Vec<TriggerInsert> {
    let branching = branches(source);
    let lower = source.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("insert") {
        let start = from + at;
        from = start + "insert".len();
        if lower[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = lower[from..].trim_start();
        let Some(after_into) = rest.strip_prefix("into") else { continue };
        if !after_into.starts_with(char::is_whitespace) {
            continue;
        }
        let offset = source.len() - after_into.len();
        let (table, rest) = read_name(source[offset..].trim_start());
        if table.is_empty() {
            continue;
        }
        let (columns, one_row) = values(rest);
        found.push(TriggerInsert { table, columns, once: one_row && !branching });
    }
    found
}

/// Whether the function has anything that could skip or repeat a statement: a condition, a
/// loop, an exception block, dynamic SQL, or an upsert.
fn branches(source: &str) -> bool {
    const WORDS: &[&str] =
        &["if", "case", "loop", "while", "for", "foreach", "exception", "execute", "exit", "continue", "conflict"];
    source.split(|c: char| !is_ident(c)).any(|word| WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)))
}

/// After the table's name: the named columns, each with the `NEW` column its value is, and
/// whether it inserts exactly one row (one `VALUES` row, no `ON CONFLICT`).
fn values(rest: &str) -> (Vec<(String, Option<String>)>, bool) {
    let Some((names, after)) = rest.trim_start().strip_prefix('(').and_then(parenthesized) else {
        return (vec![], false);
    };
    let names: Vec<String> = split_top(names).map(|n| read_name(n.trim()).0).collect();
    let after = after.trim_start();
    let tuple = after.get(..6).filter(|k| k.eq_ignore_ascii_case("values")).map(|_| after[6..].trim_start());
    let Some((exprs, after)) = tuple.and_then(|t| t.strip_prefix('(')).and_then(parenthesized) else {
        return (names.into_iter().map(|n| (n, None)).collect(), false);
    };
    let exprs: Vec<&str> = split_top(exprs).collect();
    let one_row = exprs.len() == names.len() && !after.trim_start().starts_with(',');
    let columns = names.into_iter().zip(exprs.iter().map(|e| new_column(e.trim())).chain(std::iter::repeat(None)));
    (columns.collect(), one_row)
}

/// `NEW.id` (any case, the column possibly quoted): `id`.
fn new_column(expr: &str) -> Option<String> {
    let column = expr.get(..4).filter(|p| p.eq_ignore_ascii_case("new."))?;
    let (name, rest) = read_name(&expr[column.len()..]);
    (!name.is_empty() && !name.contains('.') && rest.trim().is_empty()).then_some(name)
}

/// `text` just after an opening parenthesis: what is inside it, and what follows the closing one
/// (nested parentheses and quoted strings and names skipped).
fn parenthesized(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return Some((&text[..at], &text[at + 1..])),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `text` split at its commas outside parentheses and quotes.
fn split_top(text: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0);
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// A possibly qualified, possibly quoted name at the start of `text`, in `schema.name` form
/// (quotes removed, unquoted parts lowercased as PostgreSQL folds them), and the text after it.
fn read_name(text: &str) -> (String, &str) {
    let mut parts: Vec<String> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut end = 0;
    loop {
        let mut part = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '"') {
            chars.next();
            while let Some((at, c)) = chars.next() {
                end = at + c.len_utf8();
                if c == '"' {
                    if chars.peek().is_some_and(|(_, c)| *c == '"') {
                        chars.next();
                        part.push('"');
                        continue;
                    }
                    break;
                }
                part.push(c);
            }
        } else {
            while let Some(&(at, c)) = chars.peek() {
                if !is_ident(c) {
                    break;
                }
                part.push(c.to_ascii_lowercase());
                end = at + c.len_utf8();
                chars.next();
            }
        }
        if part.is_empty() {
            break;
        }
        parts.push(part);
        if chars.peek().is_none_or(|(_, c)| *c != '.') {
            break;
        }
        chars.next();
    }
    (parts.join("."), &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(source: &str) -> Vec<String> {
        inserts(source).into_iter().map(|i| i.table).collect()
    }

    #[test]
    fn trigger_sources_name_the_tables_they_insert_into() {
        let source = "BEGIN\n INSERT INTO comment_aggregates (comment_id) SELECT id FROM new_comment;\n insert into r.\"Audit Log\"(x) values (1);\n -- insertion\nEND";
        assert_eq!(tables(source), vec!["comment_aggregates".to_string(), "r.Audit Log".to_string()]);
        assert!(tables("SELECT 1; -- inserted into nothing").is_empty());
    }

    #[test]
    fn one_values_row_copies_the_firing_row_s_columns() {
        let source = "BEGIN INSERT INTO wallets (account_id, \"Owner\", note, kind) VALUES (NEW.id, new.\"Owner\", \
                      'x, y', lower(NEW.kind)); RETURN NULL; END";
        let found = inserts(source);
        assert_eq!(found.len(), 1);
        let columns: Vec<(&str, Option<&str>)> =
            found[0].columns.iter().map(|(c, v)| (c.as_str(), v.as_deref())).collect();
        assert_eq!(columns, [("account_id", Some("id")), ("Owner", Some("Owner")), ("note", None), ("kind", None)]);
        assert!(found[0].once);
    }

    #[test]
    fn branches_loops_several_rows_and_selects_are_not_once() {
        let not_once = [
            "BEGIN IF NEW.active THEN INSERT INTO log (id) VALUES (NEW.id); END IF; RETURN NULL; END",
            "BEGIN INSERT INTO log (id) VALUES (NEW.id), (NEW.id + 1); RETURN NULL; END",
            "BEGIN INSERT INTO log (id) SELECT NEW.id; RETURN NULL; END",
            "BEGIN INSERT INTO log (id) VALUES (NEW.id) ON CONFLICT DO NOTHING; RETURN NULL; END",
            "BEGIN INSERT INTO log VALUES (NEW.id); RETURN NULL; END",
        ];
        for source in not_once {
            let found = inserts(source);
            assert_eq!(found.len(), 1, "{source}");
            assert!(!found[0].once, "{source}");
        }
    }
}
