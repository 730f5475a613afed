//! Primary expressions that start with a word: keywords (`NULL`, `ARRAY[...]`, `CURRENT_DATE`),
//! SQL-syntax functions (`SUBSTRING(x FROM 1 FOR 2)`, `TRIM(BOTH FROM x)`, `EXTRACT(year FROM d)`,
//! `POSITION(a IN b)`), columns, function calls and typed literals (`date '2020-01-01'`).

use super::CheckParseError;
use super::ast::Expr;
use super::lexer::Token;
use super::parser::{P_LIKE, Parser};
use crate::generate::Value;

type Parsed = Result<Expr, CheckParseError>;

/// Keywords that cannot start an operand.
const RESERVED: [&str; 17] = [
    "AND", "OR", "IS", "IN", "LIKE", "ILIKE", "BETWEEN", "THEN", "ELSE", "END", "WHEN", "FROM", "AS", "NOT", "CHECK",
    "WHERE", "SIMILAR",
];

/// Niladic SQL functions, printed without parentheses.
const NILADIC: [&str; 11] = [
    "CURRENT_DATE",
    "CURRENT_TIMESTAMP",
    "LOCALTIMESTAMP",
    "CURRENT_TIME",
    "LOCALTIME",
    "CURRENT_USER",
    "SESSION_USER",
    "CURRENT_ROLE",
    "USER",
    "CURRENT_CATALOG",
    "CURRENT_SCHEMA",
];

/// An operand starting with the unquoted word `word`.
pub(crate) fn word(p: &mut Parser, word: String) -> Parsed {
    let upper = word.to_ascii_uppercase();
    let call = p.peek() == Some(&Token::LParen);
    match upper.as_str() {
        "NULL" => Ok(Expr::Literal(Value::Null)),
        "TRUE" => Ok(Expr::Literal(Value::Bool(true))),
        "FALSE" => Ok(Expr::Literal(Value::Bool(false))),
        "VALUE" if !call && p.peek() != Some(&Token::Dot) => Ok(Expr::Column("VALUE".into())),
        "ARRAY" => array(p),
        "CASE" => case(p),
        "CAST" if call => cast(p),
        "EXTRACT" if call => extract(p),
        "SUBSTRING" if call => substring(p),
        "POSITION" if call => position(p),
        "TRIM" if call => trim(p),
        "ROW" | "EXISTS" | "SELECT" | "OVERLAY" => Err(p.error(format!("{upper} is not supported"))),
        w if NILADIC.contains(&w) && !(call && w == "CURRENT_SCHEMA") => niladic(p, &upper),
        w if RESERVED.contains(&w) => Err(p.error(format!("unexpected {upper}"))),
        _ => name(p, word.to_lowercase(), true),
    }
}

/// An operand starting with a name: a (possibly qualified) column, a function call, or a typed
/// literal such as `date '2020-01-01'` (only after an unquoted name).
pub(crate) fn name(p: &mut Parser, first: String, unquoted: bool) -> Parsed {
    let mut last = first;
    let mut qualified = false;
    while p.eat(&Token::Dot) {
        last = p.name_part()?;
        qualified = true;
    }
    if p.eat(&Token::LParen) {
        return call(p, last);
    }
    if unquoted
        && !qualified
        && let Some(Token::Str(text)) = p.peek()
    {
        let literal = Expr::Literal(Value::Text(text.clone()));
        p.advance();
        return Ok(Expr::Cast { expr: literal.boxed(), ty: last });
    }
    Ok(Expr::Column(last))
}

fn call(p: &mut Parser, name: String) -> Parsed {
    if p.at_keyword("DISTINCT") || p.at_keyword("VARIADIC") || p.at_keyword("ALL") {
        return Err(p.error(format!("unsupported argument syntax in {name}(...)")));
    }
    if matches!(p.peek(), Some(Token::Op(op)) if op == "*") {
        return Err(p.error(format!("{name}(*) is not supported")));
    }
    let args = p.comma_list(&Token::RParen)?;
    Ok(Expr::Func { name, args })
}

fn niladic(p: &mut Parser, upper: &str) -> Parsed {
    if p.peek() == Some(&Token::LParen) && matches!(p.peek_at(1), Some(Token::Num(_))) {
        p.advance();
        p.advance();
        p.expect(&Token::RParen, "')' after the precision")?;
    }
    Ok(Expr::Func { name: upper.to_ascii_lowercase(), args: Vec::new() })
}

/// `CASE [operand] WHEN a THEN b ... [ELSE c] END`, after `CASE`.
fn case(p: &mut Parser) -> Parsed {
    let operand = if p.at_keyword("WHEN") { None } else { Some(p.expr(0)?.boxed()) };
    let mut whens = Vec::new();
    while p.eat_keyword("WHEN") {
        let when = p.expr(0)?;
        p.expect_keyword("THEN")?;
        whens.push((when, p.expr(0)?));
    }
    if whens.is_empty() {
        return Err(p.error("expected WHEN"));
    }
    let otherwise = if p.eat_keyword("ELSE") { Some(p.expr(0)?.boxed()) } else { None };
    p.expect_keyword("END")?;
    Ok(Expr::Case { operand, whens, otherwise })
}

/// `ARRAY[a, b]`, with nested `[...]` for more dimensions.
fn array(p: &mut Parser) -> Parsed {
    p.expect(&Token::LBracket, "'[' after ARRAY (array subqueries are not supported)")?;
    array_items(p)
}

fn array_items(p: &mut Parser) -> Parsed {
    let mut items = Vec::new();
    if p.eat(&Token::RBracket) {
        return Ok(Expr::Array(items));
    }
    loop {
        if p.eat(&Token::LBracket) {
            p.nest()?;
            items.push(array_items(p)?);
            p.leave();
        } else {
            items.push(p.expr(0)?);
        }
        if p.eat(&Token::RBracket) {
            return Ok(Expr::Array(items));
        }
        p.expect(&Token::Comma, "',' or ']' in ARRAY[...]")?;
    }
}

/// `CAST(expr AS type)`
fn cast(p: &mut Parser) -> Parsed {
    p.advance();
    let expr = p.expr(0)?;
    p.expect_keyword("AS")?;
    let ty = super::types::parse_type(p)?;
    p.expect(&Token::RParen, "')' after CAST")?;
    Ok(Expr::Cast { expr: expr.boxed(), ty })
}

/// `EXTRACT(field FROM expr)` -> `extract('field', expr)`.
fn extract(p: &mut Parser) -> Parsed {
    p.advance();
    let field = match p.advance() {
        Some(Token::Ident(w)) => w.to_lowercase(),
        Some(Token::Str(s)) => s.to_lowercase(),
        _ => return Err(p.error("expected a field name in EXTRACT")),
    };
    p.expect_keyword("FROM")?;
    let source = p.expr(0)?;
    p.expect(&Token::RParen, "')' after EXTRACT")?;
    Ok(Expr::Func { name: "extract".into(), args: vec![Expr::Literal(Value::Text(field)), source] })
}

/// `SUBSTRING(s FROM a [FOR n])`, `SUBSTRING(s FOR n)` or `SUBSTRING(s, a, n)` -> `substring(s, a[, n])`.
fn substring(p: &mut Parser) -> Parsed {
    p.advance();
    let text = p.expr(0)?;
    if p.eat(&Token::Comma) {
        let mut args = vec![text];
        args.extend(p.comma_list(&Token::RParen)?);
        return Ok(Expr::Func { name: "substring".into(), args });
    }
    let start = if p.eat_keyword("FROM") { p.expr(0)? } else { Expr::Literal(Value::Int(1)) };
    let mut args = vec![text, start];
    if p.eat_keyword("FOR") {
        args.push(p.expr(0)?);
    }
    if p.at_keyword("SIMILAR") {
        return Err(p.error("SUBSTRING ... SIMILAR is not supported"));
    }
    p.expect(&Token::RParen, "')' after SUBSTRING")?;
    Ok(Expr::Func { name: "substring".into(), args })
}

/// `POSITION(needle IN haystack)` -> `strpos(haystack, needle)`.
fn position(p: &mut Parser) -> Parsed {
    p.advance();
    let needle = p.expr(P_LIKE + 1)?;
    p.expect_keyword("IN")?;
    let haystack = p.expr(0)?;
    p.expect(&Token::RParen, "')' after POSITION")?;
    Ok(Expr::Func { name: "strpos".into(), args: vec![haystack, needle] })
}

/// `TRIM([BOTH | LEADING | TRAILING] [chars] FROM text)` or `TRIM(text)` -> `btrim`/`ltrim`/`rtrim`.
fn trim(p: &mut Parser) -> Parsed {
    p.advance();
    let name = if p.eat_keyword("LEADING") {
        "ltrim"
    } else if p.eat_keyword("TRAILING") {
        "rtrim"
    } else {
        p.eat_keyword("BOTH");
        "btrim"
    };
    let chars = if p.at_keyword("FROM") { None } else { Some(p.expr(0)?) };
    let args: Vec<Expr> = if p.eat_keyword("FROM") {
        let text = p.expr(0)?;
        std::iter::once(text).chain(chars).collect()
    } else {
        chars.into_iter().collect()
    };
    p.expect(&Token::RParen, "')' after TRIM")?;
    if args.is_empty() {
        return Err(p.error("TRIM needs an argument"));
    }
    Ok(Expr::Func { name: name.into(), args })
}
