//! CHECKs that call the schema's own SQL functions: `CHECK (app.is_valid_slug(slug))` where
//! `is_valid_slug(s text)` is `LANGUAGE sql IMMUTABLE AS $$ SELECT s ~ '^[a-z0-9-]+$' $$`.
//!
//! The call is replaced by the function's body with its arguments put in for its parameters, as
//! PostgreSQL's own planner inlines such functions, so the analysis sees the real rule
//! (`slug ~ '^[a-z0-9-]+$'`) and the generators build values for it. Only a body that is one
//! expression (`SELECT expr` or `RETURN expr`, no `FROM`) is inlined; any other call is left as it
//! is, for the evaluator to report as unknown.

use super::ast::Expr;

/// Calls one level deep: a body is not searched for further calls to inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlFunction {
    /// Unqualified, as the parser keeps names (`is_valid_slug`).
    pub name: String,
    /// One per argument, in order; `""` for an unnamed one (read as `$1`, `$2`...).
    pub params: Vec<String>,
    /// `prosrc` (` SELECT s ~ '...' `) or `pg_get_function_sqlbody` (`RETURN (n > 0)`).
    pub body: String,
}

impl SqlFunction {
    /// The body as an expression of its parameters (`$n` read as a column named `$n`); `None`
    /// when it is not one expression the parser reads.
    fn expression(&self) -> Option<Expr> {
        let text = self.body.trim().trim_end_matches(';').trim_end();
        let head = text.split_whitespace().next()?;
        let expression = match head.to_ascii_uppercase().as_str() {
            "SELECT" | "RETURN" => &text[head.len()..],
            _ => return None,
        };
        super::parse(&quote_positional(expression)).ok()
    }

    /// The argument `column` names in the body, if it names one.
    fn argument<'a>(&self, column: &str, args: &'a [Expr]) -> Option<&'a Expr> {
        let positional = column.strip_prefix('$').and_then(|n| n.parse::<usize>().ok());
        let index = match positional {
            Some(n) => n.checked_sub(1)?,
            None => self.params.iter().position(|p| !p.is_empty() && p == column)?,
        };
        args.get(index)
    }
}

/// `expr` with every call to one of `functions` (by name and number of arguments) replaced by
/// its body, arguments substituted.
pub fn inline(expr: Expr, functions: &[SqlFunction]) -> Expr {
    if functions.is_empty() {
        return expr;
    }
    let expr = expr.map_children(&mut |child| inline(child, functions));
    let Expr::Func { name, args } = &expr else { return expr };
    let called = functions.iter().find(|f| f.name == *name && f.params.len() == args.len());
    match called.and_then(|f| Some((f, f.expression()?))) {
        Some((function, body)) => substitute(body, function, args),
        None => expr,
    }
}

fn substitute(body: Expr, function: &SqlFunction, args: &[Expr]) -> Expr {
    if let Expr::Column(name) = &body
        && let Some(arg) = function.argument(name, args)
    {
        return arg.clone();
    }
    body.map_children(&mut |child| substitute(child, function, args))
}

/// `$1` outside quotes becomes the quoted name `"$1"`, which the parser reads as a column.
fn quote_positional(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str("\"$");
                while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                    out.push(digit);
                }
                out.push('"');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}
