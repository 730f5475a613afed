//! Type names after `::` (`character varying(20)[]`, `timestamp(3) with time zone`), and what a
//! printed type name means to the evaluator.

use super::CheckParseError;
use super::lexer::Token;
use super::parser::Parser;

/// Parses a type name after `::` and returns it as PostgreSQL prints it: words lowercased (quoted
/// names verbatim, schema dropped), then the modifier and array brackets: `numeric(5,2)[]`.
pub(crate) fn parse_type(p: &mut Parser) -> Result<String, CheckParseError> {
    let mut name = p.name_part()?;
    while p.eat(&Token::Dot) {
        name = p.name_part()?;
    }
    let mut words = vec![name];
    continue_words(p, &mut words)?;
    let mut ty = words.join(" ");
    if words.len() == 1 || !words[0].starts_with("time") {
        ty.push_str(&modifier(p)?);
    }
    while p.eat(&Token::LBracket) {
        if let Some(Token::Num(_)) = p.peek() {
            p.advance();
        }
        p.expect(&Token::RBracket, "']' in an array type")?;
        ty.push_str("[]");
    }
    Ok(ty)
}

/// The words of multi-word type names: `double precision`, `character varying`, `bit varying`,
/// `time(6) with time zone`.
fn continue_words(p: &mut Parser, words: &mut Vec<String>) -> Result<(), CheckParseError> {
    let first = words[0].clone();
    let follower = match first.as_str() {
        "double" => Some("precision"),
        "character" | "char" | "bit" | "national" => Some("varying"),
        _ => None,
    };
    if let Some(word) = follower
        && p.eat_keyword(word)
    {
        words.push(word.to_string());
    }
    if first == "timestamp" || first == "time" {
        let precision = modifier(p)?;
        words[0].push_str(&precision);
        for zone in ["with", "without"] {
            if p.at_keyword(zone) && p.keyword_at(1, "time") && p.keyword_at(2, "zone") {
                p.advance();
                p.advance();
                p.advance();
                words.extend([zone.to_string(), "time".to_string(), "zone".to_string()]);
            }
        }
    }
    Ok(())
}

/// `(n)` or `(n,m)` after a type name, printed without spaces; empty when absent.
fn modifier(p: &mut Parser) -> Result<String, CheckParseError> {
    if p.peek() != Some(&Token::LParen) || !matches!(p.peek_at(1), Some(Token::Num(_))) {
        return Ok(String::new());
    }
    p.advance();
    let mut parts = Vec::new();
    loop {
        match p.advance() {
            Some(Token::Num(n)) => parts.push(n),
            _ => return Err(p.error("expected a number in a type modifier")),
        }
        if p.eat(&Token::RParen) {
            return Ok(format!("({})", parts.join(",")));
        }
        p.expect(&Token::Comma, "',' in a type modifier")?;
    }
}

/// What a type name means for evaluation: the family of values a cast produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeFamily {
    Text,
    /// `char(n)`/`bpchar`: trailing blanks do not count.
    BlankPadded,
    Int,
    Numeric,
    Float,
    Bool,
    Date,
    Timestamp,
    TimestampTz,
    Time,
    Interval,
    Uuid,
    Json,
    /// Types we keep as text without interpreting (enums, tsvector, inet, citext...).
    Opaque,
}

/// Splits `integer[]` into (`integer`, true); the modifier is dropped: `numeric(5,2)` is `numeric`.
pub(crate) fn element_type(ty: &str) -> (&str, bool) {
    match ty.strip_suffix("[]") {
        Some(element) => (element.trim_end_matches("[]"), true),
        None => (ty, false),
    }
}

/// The family of a (non-array) type name.
pub(crate) fn family(ty: &str) -> TypeFamily {
    let base = strip_modifier(ty);
    match base.as_str() {
        "text" | "character varying" | "varchar" | "name" | "citext" | "unknown" => TypeFamily::Text,
        "bpchar" | "character" | "char" => TypeFamily::BlankPadded,
        "integer" | "int" | "int4" | "bigint" | "int8" | "smallint" | "int2" | "oid" => TypeFamily::Int,
        "numeric" | "decimal" | "money" => TypeFamily::Numeric,
        "double precision" | "float8" | "real" | "float4" | "float" => TypeFamily::Float,
        "boolean" | "bool" => TypeFamily::Bool,
        "date" => TypeFamily::Date,
        "timestamp without time zone" | "timestamp" => TypeFamily::Timestamp,
        "timestamp with time zone" | "timestamptz" => TypeFamily::TimestampTz,
        "time without time zone" | "time" => TypeFamily::Time,
        "interval" => TypeFamily::Interval,
        "uuid" => TypeFamily::Uuid,
        "json" | "jsonb" => TypeFamily::Json,
        _ => TypeFamily::Opaque,
    }
}

/// `timestamp(3) with time zone` -> `timestamp with time zone`, `numeric(5,2)` -> `numeric`.
fn strip_modifier(ty: &str) -> String {
    let mut out = String::with_capacity(ty.len());
    let mut depth = 0u32;
    for c in ty.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a cast to `ty` keeps a column's order and equality, so that a restriction on
/// `(col)::ty` is a restriction on `col`: the implicit casts PostgreSQL inserts (`varchar` to
/// `text`, `integer` to `numeric`).
pub(crate) fn is_transparent_cast(ty: &str) -> bool {
    matches!(
        ty,
        "text"
            | "character varying"
            | "varchar"
            | "bpchar"
            | "name"
            | "citext"
            | "numeric"
            | "double precision"
            | "bigint"
            // PostgreSQL casts a domain's VALUE to an integer base type in nested domains.
            | "integer"
            | "smallint"
            | "tsvector"
    ) || ty.starts_with("character varying(")
}
