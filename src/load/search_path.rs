//! Advice for a function or relation that "does not exist" inside a trigger, CHECK or default.
//!
//! Such a function often exists, in a schema that the application's role or database puts on
//! its `search_path` (`ALTER ROLE app SET search_path = public, util`) and this session's does
//! not have. seed never changes the session's `search_path`; when a load fails that way, this
//! looks the name up in the catalog and says which schema holds it and how to give seed that
//! search_path: `--set` or a profile's `[settings]`, the URL's `options`, or `PGOPTIONS`.

use sqlx::PgConnection;

use crate::error::Error;

/// What kind of object a message says is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    Function,
    Relation,
}

/// `error` with advice added when it is a load that failed on a missing function or relation
/// held by a schema outside the session's search_path. Runs outside the failed transaction.
pub async fn advise(conn: &mut PgConnection, error: Error) -> Error {
    match error {
        Error::Load { table, message } => {
            let advice = advice(conn, &message).await.unwrap_or_default();
            Error::Load { table, message: format!("{message}{advice}") }
        }
        other => other,
    }
}

/// `; function f is in schema util, ...`, or nothing.
pub async fn advice(conn: &mut PgConnection, message: &str) -> Option<String> {
    let (kind, name) = missing_object(message)?;
    let catalog = match kind {
        Missing::Function => "SELECT 1 FROM pg_proc o WHERE o.pronamespace = n.oid AND o.proname = $1",
        Missing::Relation => "SELECT 1 FROM pg_class o WHERE o.relnamespace = n.oid AND o.relname = $1",
    };
    let sql = format!(
        "SELECT string_agg(quote_ident(n.nspname), ', ' ORDER BY n.nspname), current_setting('search_path') \
         FROM pg_namespace n WHERE n.nspname <> ALL (current_schemas(true)) AND EXISTS ({catalog})"
    );
    let (schemas, path): (Option<String>, String) =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_one(&mut *conn).await.ok()?;
    Some(advice_text(kind, name, &schemas?, &path))
}

fn advice_text(kind: Missing, name: &str, schemas: &str, path: &str) -> String {
    let what = if kind == Missing::Function { "function" } else { "relation" };
    let wanted = format!("{path}, {schemas}");
    // In `options` a space separates settings: the URL and PGOPTIONS spell the list without any.
    let compact = wanted.replace(' ', "");
    let encoded = compact.replace('%', "%25").replace(',', "%2C").replace('"', "%22").replace('$', "%24");
    format!(
        "; {what} {name} is in schema {schemas}, which this session's search_path ({path}) does not include (the \
         application's role or database probably sets it): give seed that search_path with \
         `--set 'search_path={wanted}'` (or `\"search_path\" = '{wanted}'` under [settings] in a profile), \
         `?options=-c%20search_path%3D{encoded}` in the URL, or PGOPTIONS='-c search_path={compact}'"
    )
}

/// The unqualified name in `function NAME(...) does not exist` or `relation "NAME" does not
/// exist`; `None` for any other message, or a qualified name (not a search_path matter).
fn missing_object(message: &str) -> Option<(Missing, &str)> {
    if !message.contains(" does not exist") {
        return None;
    }
    let (kind, rest) = if let Some(at) = message.find("function ") {
        (Missing::Function, &message[at + "function ".len()..])
    } else {
        let at = message.find("relation \"")?;
        (Missing::Relation, &message[at + "relation ".len()..])
    };
    let end = match kind {
        Missing::Function => rest.find('(')?,
        Missing::Relation => rest[1..].find('"')? + 2,
    };
    let name = rest[..end].trim_matches('"');
    (!name.contains('.') && !name.is_empty()).then_some((kind, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_name_is_read_from_the_server_s_message() {
        let function = "function normalize_code(text) does not exist [PL/pgSQL function t() line 2]";
        assert_eq!(missing_object(function), Some((Missing::Function, "normalize_code")));
        let relation = "relation \"codes\" does not exist [SQL statement \"SELECT 1 FROM codes\"]";
        assert_eq!(missing_object(relation), Some((Missing::Relation, "codes")));
        assert_eq!(missing_object("function util.f(integer) does not exist"), None);
        assert_eq!(missing_object("duplicate key value violates unique constraint"), None);
    }

    #[test]
    fn the_advice_names_the_schema_and_each_way_to_set_it() {
        let text = advice_text(Missing::Function, "f", "util", "\"$user\", public");
        assert!(text.contains("function f is in schema util"), "{text}");
        assert!(text.contains("--set 'search_path=\"$user\", public, util'"), "{text}");
        assert!(text.contains("PGOPTIONS='-c search_path=\"$user\",public,util'"), "{text}");
        assert!(text.contains("options=-c%20search_path%3D%22%24user%22%2Cpublic%2Cutil"), "{text}");
    }
}
