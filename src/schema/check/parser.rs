//! A precedence-climbing parser for PostgreSQL expressions, in the fully parenthesised form
//! `pg_get_constraintdef` prints (and most of what people write by hand).
//!
//! Precedence follows PostgreSQL's table, lowest first: `OR`, `AND`, `NOT`, `IS`, comparisons,
//! `LIKE`/`IN`/`BETWEEN`, other operators, `+ -`, `* / %`, `^`, `AT TIME ZONE`, `COLLATE`, unary
//! minus, `::`. SQL-syntax functions live in [`super::special`].

use super::CheckParseError;
use super::ast::{BinaryOp, CompareOp, Expr};
use super::lexer::{Spanned, Token};
use crate::generate::Value;

pub(crate) const P_OR: u8 = 1;
pub(crate) const P_AND: u8 = 2;
pub(crate) const P_NOT: u8 = 3;
pub(crate) const P_IS: u8 = 4;
pub(crate) const P_CMP: u8 = 5;
pub(crate) const P_LIKE: u8 = 6;
pub(crate) const P_OTHER: u8 = 7;
pub(crate) const P_ADD: u8 = 8;
pub(crate) const P_MUL: u8 = 9;
pub(crate) const P_POW: u8 = 10;
pub(crate) const P_AT: u8 = 11;
pub(crate) const P_COLLATE: u8 = 12;
pub(crate) const P_UNARY: u8 = 13;
pub(crate) const P_CAST: u8 = 15;

/// How deep parentheses and operators may nest before we give up (no stack overflow on garbage).
const MAX_DEPTH: usize = 200;

pub(crate) struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    end: usize,
    depth: usize,
}

/// What an infix token does, found by looking ahead without consuming.
enum Infix {
    Binary(BinaryOp, u8),
    And,
    Or,
    Is,
    NotKeyword,
    Like,
    In,
    Between,
    AtTimeZone,
    Collate,
    Cast,
}

impl Parser {
    pub(crate) fn new(tokens: Vec<Spanned>, end: usize) -> Self {
        Parser { tokens, pos: 0, end, depth: 0 }
    }

    pub(crate) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    pub(crate) fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.pos + ahead).map(|(_, t)| t)
    }

    pub(crate) fn advance(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        token
    }

    pub(crate) fn error(&self, message: impl AsRef<str>) -> CheckParseError {
        let offset = self.tokens.get(self.pos).map_or(self.end, |(i, _)| *i);
        CheckParseError::new(message.as_ref(), offset)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// Whether the next token is the keyword `word` (case-insensitive, unquoted).
    pub(crate) fn at_keyword(&self, word: &str) -> bool {
        self.keyword_at(0, word)
    }

    pub(crate) fn keyword_at(&self, ahead: usize, word: &str) -> bool {
        matches!(self.peek_at(ahead), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(word))
    }

    pub(crate) fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.at_keyword(word);
        if found {
            self.pos += 1;
        }
        found
    }

    pub(crate) fn expect_keyword(&mut self, word: &str) -> Result<(), CheckParseError> {
        if self.eat_keyword(word) { Ok(()) } else { Err(self.error(format!("expected {word}"))) }
    }

    pub(crate) fn eat(&mut self, token: &Token) -> bool {
        let found = self.peek() == Some(token);
        if found {
            self.pos += 1;
        }
        found
    }

    pub(crate) fn expect(&mut self, token: &Token, what: &str) -> Result<(), CheckParseError> {
        if self.eat(token) { Ok(()) } else { Err(self.error(format!("expected {what}"))) }
    }

    /// Parses an expression whose operators all bind at least as tightly as `min`.
    pub(crate) fn expr(&mut self, min: u8) -> Result<Expr, CheckParseError> {
        self.nest()?;
        let entered = self.depth;
        let mut left = self.prefix(min)?;
        while let Some(infix) = self.infix() {
            let prec = infix_precedence(&infix);
            if prec < min {
                break;
            }
            if !matches!(infix, Infix::And | Infix::Or) {
                self.nest()?;
            }
            left = self.apply_infix(infix, left, prec)?;
        }
        self.depth = entered - 1;
        Ok(left)
    }

    /// Counts one more level of the tree being built ([`Parser::leave`] undoes it); an error past [`MAX_DEPTH`], so that neither
    /// parsing nor walking the tree can overflow the stack.
    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn nest(&mut self) -> Result<(), CheckParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(self.error("expression nests too deeply")) } else { Ok(()) }
    }

    fn prefix(&mut self, min: u8) -> Result<Expr, CheckParseError> {
        if self.at_keyword("NOT") && min <= P_NOT {
            self.pos += 1;
            return Ok(Expr::Not(self.expr(P_NOT)?.boxed()));
        }
        match self.peek() {
            Some(Token::Op(op)) if op == "-" => {
                self.pos += 1;
                Ok(negate(self.expr(P_UNARY)?))
            }
            Some(Token::Op(op)) if op == "+" => {
                self.pos += 1;
                self.expr(P_UNARY)
            }
            _ => self.primary(),
        }
    }

    fn infix(&self) -> Option<Infix> {
        let token = self.peek()?;
        let word = match token {
            Token::Op(op) => return Some(operator_infix(op)),
            Token::Cast => return Some(Infix::Cast),
            Token::Ident(word) => word.to_ascii_uppercase(),
            _ => return None,
        };
        Some(match word.as_str() {
            "AND" => Infix::And,
            "OR" => Infix::Or,
            "IS" | "ISNULL" | "NOTNULL" => Infix::Is,
            "NOT" if self.negatable_follows() => Infix::NotKeyword,
            "LIKE" | "ILIKE" => Infix::Like,
            "IN" => Infix::In,
            "BETWEEN" => Infix::Between,
            "AT" if self.keyword_at(1, "TIME") => Infix::AtTimeZone,
            "COLLATE" => Infix::Collate,
            _ => return None,
        })
    }

    fn negatable_follows(&self) -> bool {
        ["LIKE", "ILIKE", "IN", "BETWEEN", "SIMILAR"].iter().any(|w| self.keyword_at(1, w))
    }

    fn apply_infix(&mut self, infix: Infix, left: Expr, prec: u8) -> Result<Expr, CheckParseError> {
        match infix {
            Infix::And => Ok(junction(left, self.after_keyword(P_AND + 1)?, true)),
            Infix::Or => Ok(junction(left, self.after_keyword(P_OR + 1)?, false)),
            Infix::Binary(op, _) => self.binary(op, left, prec),
            Infix::Is => self.is_suffix(left),
            Infix::NotKeyword => {
                self.pos += 1;
                self.negatable(left, true)
            }
            Infix::Like | Infix::In | Infix::Between => self.negatable(left, false),
            Infix::AtTimeZone => self.at_time_zone(left),
            Infix::Collate => self.collate(left),
            Infix::Cast => {
                self.pos += 1;
                let ty = super::types::parse_type(self)?;
                Ok(Expr::Cast { expr: left.boxed(), ty })
            }
        }
    }

    fn after_keyword(&mut self, min: u8) -> Result<Expr, CheckParseError> {
        self.pos += 1;
        self.expr(min)
    }

    /// `left op right`, or `left op ANY/ALL (right)`.
    fn binary(&mut self, op: BinaryOp, left: Expr, prec: u8) -> Result<Expr, CheckParseError> {
        self.pos += 1;
        let quantifier = ["ANY", "SOME", "ALL"].into_iter().find(|w| self.at_keyword(w));
        if let Some(word) = quantifier
            && self.peek_at(1) == Some(&Token::LParen)
        {
            self.pos += 2;
            let right = self.expr(0)?;
            self.expect(&Token::RParen, "')' after ANY/ALL")?;
            let all = word == "ALL";
            return Ok(Expr::Quantified { op, all, left: left.boxed(), right: right.boxed() });
        }
        let right = self.expr(prec + 1)?;
        Ok(Expr::Binary { op, left: left.boxed(), right: right.boxed() })
    }

    /// After `IS`, `ISNULL` or `NOTNULL`.
    fn is_suffix(&mut self, left: Expr) -> Result<Expr, CheckParseError> {
        let Some(Token::Ident(word)) = self.advance() else {
            return Err(self.error("expected IS"));
        };
        let expr = left.boxed();
        match word.to_ascii_uppercase().as_str() {
            "ISNULL" => {
                return Ok(Expr::IsNull { expr, negated: false });
            }
            "NOTNULL" => {
                return Ok(Expr::IsNull { expr, negated: true });
            }
            _ => {}
        }
        let negated = self.eat_keyword("NOT");
        let Some(Token::Ident(what)) = self.advance() else {
            return Err(self.error("expected NULL, TRUE, FALSE or DISTINCT after IS"));
        };
        match what.to_ascii_uppercase().as_str() {
            "NULL" | "UNKNOWN" => Ok(Expr::IsNull { expr, negated }),
            "TRUE" => Ok(Expr::IsBool { expr, value: true, negated }),
            "FALSE" => Ok(Expr::IsBool { expr, value: false, negated }),
            "DISTINCT" => {
                self.expect_keyword("FROM")?;
                let right = self.expr(P_IS + 1)?.boxed();
                Ok(Expr::IsDistinct { left: expr, right, negated })
            }
            other => Err(self.error(format!("IS {other} is not supported"))),
        }
    }

    /// `[NOT] LIKE | ILIKE | IN | BETWEEN`, the `NOT` already consumed when `negated`.
    fn negatable(&mut self, left: Expr, negated: bool) -> Result<Expr, CheckParseError> {
        let Some(Token::Ident(word)) = self.advance() else {
            return Err(self.error("expected an operator"));
        };
        match word.to_ascii_uppercase().as_str() {
            "LIKE" => self.like(left, false, negated),
            "ILIKE" => self.like(left, true, negated),
            "IN" => self.in_list(left, negated),
            "BETWEEN" => self.between(left, negated),
            _ => Err(self.error("SIMILAR TO is not supported (PostgreSQL prints it as ~ similar_to_escape(...))")),
        }
    }

    fn like(&mut self, left: Expr, case_insensitive: bool, negated: bool) -> Result<Expr, CheckParseError> {
        let right = self.expr(P_LIKE + 1)?;
        if self.at_keyword("ESCAPE") {
            return Err(self.error("LIKE ... ESCAPE is not supported"));
        }
        let op = BinaryOp::Like { case_insensitive, negated };
        Ok(Expr::Binary { op, left: left.boxed(), right: right.boxed() })
    }

    fn in_list(&mut self, left: Expr, negated: bool) -> Result<Expr, CheckParseError> {
        self.expect(&Token::LParen, "'(' after IN")?;
        let list = self.comma_list(&Token::RParen)?;
        Ok(Expr::InList { expr: left.boxed(), list, negated })
    }

    fn between(&mut self, left: Expr, negated: bool) -> Result<Expr, CheckParseError> {
        if self.eat_keyword("SYMMETRIC") {
            return Err(self.error("BETWEEN SYMMETRIC is not supported"));
        }
        self.eat_keyword("ASYMMETRIC");
        let low = self.expr(P_LIKE + 1)?.boxed();
        self.expect_keyword("AND")?;
        let high = self.expr(P_LIKE + 1)?.boxed();
        Ok(Expr::Between { expr: left.boxed(), low, high, negated })
    }

    fn at_time_zone(&mut self, left: Expr) -> Result<Expr, CheckParseError> {
        self.pos += 2;
        self.expect_keyword("ZONE")?;
        let zone = self.expr(P_AT + 1)?;
        Ok(Expr::Func { name: "timezone".into(), args: vec![zone, left] })
    }

    fn collate(&mut self, left: Expr) -> Result<Expr, CheckParseError> {
        self.pos += 1;
        let mut collation = self.name_part()?;
        while self.eat(&Token::Dot) {
            collation = self.name_part()?;
        }
        Ok(Expr::Collate { expr: left.boxed(), collation })
    }

    /// One identifier: quoted kept verbatim, unquoted lowercased.
    pub(crate) fn name_part(&mut self) -> Result<String, CheckParseError> {
        match self.advance() {
            Some(Token::Ident(word)) => Ok(word.to_lowercase()),
            Some(Token::Quoted(word)) => Ok(word),
            _ => Err(self.error("expected a name")),
        }
    }

    /// Expressions separated by commas, up to and including `close`.
    pub(crate) fn comma_list(&mut self, close: &Token) -> Result<Vec<Expr>, CheckParseError> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr(0)?);
            if self.eat(close) {
                return Ok(items);
            }
            self.expect(&Token::Comma, "',' or a closing bracket")?;
        }
    }

    fn primary(&mut self) -> Result<Expr, CheckParseError> {
        let Some(token) = self.advance() else {
            return Err(self.error("unexpected end of expression"));
        };
        match token {
            Token::Num(text) => number(&text).ok_or_else(|| self.error(format!("bad number {text}"))),
            Token::Str(text) => Ok(Expr::Literal(Value::Text(text))),
            Token::LParen => self.parenthesized(),
            Token::Ident(word) => super::special::word(self, word),
            Token::Quoted(name) => super::special::name(self, name, false),
            Token::RParen => Err(self.error("unexpected ')'")),
            other => Err(self.error(format!("unexpected {other:?}"))),
        }
    }

    fn parenthesized(&mut self) -> Result<Expr, CheckParseError> {
        let inner = self.expr(0)?;
        if self.peek() == Some(&Token::Comma) {
            return Err(self.error("row constructors are not supported"));
        }
        self.expect(&Token::RParen, "')'")?;
        Ok(inner)
    }
}

fn infix_precedence(infix: &Infix) -> u8 {
    match infix {
        Infix::Binary(_, prec) => *prec,
        Infix::And => P_AND,
        Infix::Or => P_OR,
        Infix::Is => P_IS,
        Infix::NotKeyword | Infix::Like | Infix::In | Infix::Between => P_LIKE,
        Infix::AtTimeZone => P_AT,
        Infix::Collate => P_COLLATE,
        Infix::Cast => P_CAST,
    }
}

fn operator_infix(op: &str) -> Infix {
    let compare = |c| Infix::Binary(BinaryOp::Compare(c), P_CMP);
    let regex = |ci, neg| BinaryOp::Regex { case_insensitive: ci, negated: neg };
    let like = |ci, neg| BinaryOp::Like { case_insensitive: ci, negated: neg };
    let (op, prec) = match op {
        "=" => return compare(CompareOp::Eq),
        "<>" | "!=" => return compare(CompareOp::Ne),
        "<" => return compare(CompareOp::Lt),
        "<=" => return compare(CompareOp::Le),
        ">" => return compare(CompareOp::Gt),
        ">=" => return compare(CompareOp::Ge),
        "+" => (BinaryOp::Add, P_ADD),
        "-" => (BinaryOp::Sub, P_ADD),
        "*" => (BinaryOp::Mul, P_MUL),
        "/" => (BinaryOp::Div, P_MUL),
        "%" => (BinaryOp::Mod, P_MUL),
        "^" => (BinaryOp::Pow, P_POW),
        "||" => (BinaryOp::Concat, P_OTHER),
        "~" => (regex(false, false), P_OTHER),
        "~*" => (regex(true, false), P_OTHER),
        "!~" => (regex(false, true), P_OTHER),
        "!~*" => (regex(true, true), P_OTHER),
        "~~" => (like(false, false), P_OTHER),
        "~~*" => (like(true, false), P_OTHER),
        "!~~" => (like(false, true), P_OTHER),
        "!~~*" => (like(true, true), P_OTHER),
        other => (BinaryOp::Other(other.to_string()), P_OTHER),
    };
    Infix::Binary(op, prec)
}

/// Joins two operands of `AND` (`and`) or `OR`, flattening nested ones of the same kind.
fn junction(left: Expr, right: Expr, and: bool) -> Expr {
    let mut items = match left {
        Expr::And(items) if and => items,
        Expr::Or(items) if !and => items,
        other => vec![other],
    };
    match right {
        Expr::And(inner) if and => items.extend(inner),
        Expr::Or(inner) if !and => items.extend(inner),
        other => items.push(other),
    }
    if and { Expr::And(items) } else { Expr::Or(items) }
}

/// Unary minus, folded into numeric literals: `-1` is the literal -1.
fn negate(expr: Expr) -> Expr {
    match expr {
        Expr::Literal(Value::Int(n)) if n != i64::MIN => Expr::Literal(Value::Int(-n)),
        Expr::Literal(Value::Float(f)) => Expr::Literal(Value::Float(-f)),
        Expr::Literal(Value::Decimal { digits, scale }) => Expr::Literal(Value::Decimal { digits: -digits, scale }),
        other => Expr::Neg(other.boxed()),
    }
}

/// A numeric constant: `Int` when it fits, `Decimal` with a point (or too big), `Float` with an
/// exponent.
pub(crate) fn number(text: &str) -> Option<Expr> {
    if text.contains(['e', 'E']) {
        return text.parse::<f64>().ok().map(|f| Expr::Literal(Value::Float(f)));
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(Expr::Literal(Value::Int(n)));
    }
    let decimal = super::datetime::parse_decimal(text).map(Expr::Literal);
    decimal.or_else(|| text.parse::<f64>().ok().map(|f| Expr::Literal(Value::Float(f))))
}
