//! Splits an expression's text into tokens, following PostgreSQL's lexical rules closely enough
//! for what `pg_get_constraintdef` prints (and for what people write by hand).

use super::CheckParseError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// An unquoted identifier or keyword, as written.
    Ident(String),
    /// A `"quoted"` identifier, with `""` unescaped.
    Quoted(String),
    /// A string constant, with its escapes resolved.
    Str(String),
    /// A numeric constant, as written.
    Num(String),
    /// An operator: `=`, `<>`, `~*`, `||`, `@>`...
    Op(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    /// `::`
    Cast,
}

/// A token and the byte offset where it starts.
pub(crate) type Spanned = (usize, Token);

const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?";

/// Tokenizes `text`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Spanned>, CheckParseError> {
    let mut lexer = Lexer { chars: text.char_indices().collect(), pos: 0, len: text.len() };
    let mut tokens = Vec::new();
    while let Some(token) = lexer.next_token()? {
        tokens.push(token);
    }
    Ok(tokens)
}

struct Lexer {
    chars: Vec<(usize, char)>,
    pos: usize,
    len: usize,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|&(_, c)| c)
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.len, |&(i, _)| i)
    }

    fn error(&self, message: &str) -> CheckParseError {
        CheckParseError::new(message, self.offset())
    }

    fn next_token(&mut self) -> Result<Option<Spanned>, CheckParseError> {
        self.skip_blanks_and_comments();
        let Some(c) = self.peek(0) else {
            return Ok(None);
        };
        let start = self.offset();
        let token = match c {
            '(' | ')' | '[' | ']' | ',' => self.punctuation(c),
            ':' if self.peek(1) == Some(':') => {
                self.pos += 2;
                Token::Cast
            }
            '.' if !self.peek(1).is_some_and(|d| d.is_ascii_digit()) => {
                self.pos += 1;
                Token::Dot
            }
            '\'' => Token::Str(self.string(false)?),
            '"' => Token::Quoted(self.quoted_ident()?),
            'E' | 'e' if self.peek(1) == Some('\'') => {
                self.pos += 1;
                Token::Str(self.string(true)?)
            }
            c if c.is_ascii_digit() || c == '.' => Token::Num(self.number()),
            c if c.is_alphabetic() || c == '_' => Token::Ident(self.ident()),
            c if OP_CHARS.contains(c) => Token::Op(self.operator()),
            _ => return Err(self.error(&format!("unexpected character {c:?}"))),
        };
        Ok(Some((start, token)))
    }

    fn skip_blanks_and_comments(&mut self) {
        loop {
            while self.peek(0).is_some_and(char::is_whitespace) {
                self.pos += 1;
            }
            if self.peek(0) == Some('-') && self.peek(1) == Some('-') {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
            } else {
                return;
            }
        }
    }

    fn punctuation(&mut self, c: char) -> Token {
        self.pos += 1;
        match c {
            '(' => Token::LParen,
            ')' => Token::RParen,
            '[' => Token::LBracket,
            ']' => Token::RBracket,
            _ => Token::Comma,
        }
    }

    /// A `'...'` constant; `escapes` for `E'...'` (backslash escapes).
    fn string(&mut self, escapes: bool) -> Result<String, CheckParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(self.error("unterminated string constant"));
            };
            self.pos += 1;
            match c {
                '\'' if self.peek(0) == Some('\'') => {
                    self.pos += 1;
                    out.push('\'');
                }
                '\'' => return Ok(out),
                '\\' if escapes => out.push(self.escape()?),
                c => out.push(c),
            }
        }
    }

    /// The character after a backslash in an `E'...'` string.
    fn escape(&mut self) -> Result<char, CheckParseError> {
        let Some(c) = self.peek(0) else {
            return Err(self.error("unterminated string constant"));
        };
        self.pos += 1;
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'x' => self.code_point(16, 2)?,
            'u' => self.code_point(16, 4)?,
            'U' => self.code_point(16, 8)?,
            '0'..='7' => {
                self.pos -= 1;
                self.code_point(8, 3)?
            }
            other => other,
        })
    }

    fn code_point(&mut self, radix: u32, max_digits: usize) -> Result<char, CheckParseError> {
        let mut value: u32 = 0;
        let mut digits = 0;
        while digits < max_digits
            && let Some(d) = self.peek(0).and_then(|c| c.to_digit(radix))
        {
            value = value.saturating_mul(radix).saturating_add(d);
            digits += 1;
            self.pos += 1;
        }
        match char::from_u32(value) {
            Some(c) if digits > 0 => Ok(c),
            _ => Err(self.error("invalid escape in string constant")),
        }
    }

    fn quoted_ident(&mut self) -> Result<String, CheckParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(self.error("unterminated quoted identifier"));
            };
            self.pos += 1;
            match c {
                '"' if self.peek(0) == Some('"') => {
                    self.pos += 1;
                    out.push('"');
                }
                '"' => return Ok(out),
                c => out.push(c),
            }
        }
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek(0).filter(|&c| keep(c)) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn ident(&mut self) -> String {
        self.take_while(|c| c.is_alphanumeric() || c == '_' || c == '$')
    }

    /// Digits, an optional fraction and an optional exponent: `12`, `6.50`, `.5`, `1e-3`.
    fn number(&mut self) -> String {
        let mut out = self.take_while(|c| c.is_ascii_digit() || c == '_');
        if self.peek(0) == Some('.') && self.peek(1) != Some('.') {
            self.pos += 1;
            out.push('.');
            out.push_str(&self.take_while(|c| c.is_ascii_digit()));
        }
        let sign_ok = matches!(self.peek(1), Some('+' | '-')) && self.peek(2).is_some_and(|c| c.is_ascii_digit());
        if matches!(self.peek(0), Some('e' | 'E')) && (self.peek(1).is_some_and(|c| c.is_ascii_digit()) || sign_ok) {
            out.push('e');
            self.pos += 1;
            if sign_ok {
                out.push(self.peek(0).unwrap_or('+'));
                self.pos += 1;
            }
            out.push_str(&self.take_while(|c| c.is_ascii_digit()));
        }
        out.replace('_', "")
    }

    /// The longest run of operator characters, trimmed the way PostgreSQL does: a multi-character
    /// operator cannot end in `+` or `-` unless it holds one of `~ ! @ # % ^ & | \` ?` (so `>-1` is
    /// `>` then `-1`), and `--` starts a comment.
    fn operator(&mut self) -> String {
        let start = self.pos;
        let mut end = self.pos;
        while self.chars.get(end).is_some_and(|&(_, c)| OP_CHARS.contains(c)) {
            if self.chars.get(end + 1).is_some_and(|&(_, c)| c == '-') && self.chars[end].1 == '-' {
                break;
            }
            end += 1;
        }
        let mut op: String = self.chars[start..end.max(start + 1)].iter().map(|&(_, c)| c).collect();
        let special = op.chars().any(|c| "~!@#%^&|`?".contains(c));
        while op.len() > 1 && !special && (op.ends_with('+') || op.ends_with('-')) {
            op.pop();
        }
        self.pos = start + op.chars().count();
        op
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        tokenize(text).map(|t| t.into_iter().map(|(_, tok)| tok).collect()).unwrap_or_default()
    }

    #[test]
    fn splits_casts_strings_and_operators() {
        assert_eq!(
            kinds("((code)::text ~ '^[A-Z]{3}$'::text)"),
            vec![
                Token::LParen,
                Token::LParen,
                Token::Ident("code".into()),
                Token::RParen,
                Token::Cast,
                Token::Ident("text".into()),
                Token::Op("~".into()),
                Token::Str("^[A-Z]{3}$".into()),
                Token::Cast,
                Token::Ident("text".into()),
                Token::RParen,
            ]
        );
    }

    #[test]
    fn unescapes_strings_and_identifiers() {
        assert_eq!(kinds("'it''s'"), vec![Token::Str("it's".into())]);
        assert_eq!(kinds(r"E'a\nb\\c\x41'"), vec![Token::Str("a\nb\\cA".into())]);
        assert_eq!(kinds(r#""Weird ""Col""""#), vec![Token::Quoted("Weird \"Col\"".into())]);
        assert_eq!(kinds(r"'\d'"), vec![Token::Str(r"\d".into())]);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("6.50 1e3 .5 1_000"),
            vec![
                Token::Num("6.50".into()),
                Token::Num("1e3".into()),
                Token::Num(".5".into()),
                Token::Num("1000".into()),
            ]
        );
    }

    #[test]
    fn operators_follow_postgres_rules() {
        assert_eq!(
            kinds("a>-1"),
            vec![Token::Ident("a".into()), Token::Op(">".into()), Token::Op("-".into()), Token::Num("1".into())]
        );
        assert_eq!(kinds("!~~*"), vec![Token::Op("!~~*".into())]);
        assert_eq!(
            kinds("a -- comment\n<> b"),
            vec![Token::Ident("a".into()), Token::Op("<>".into()), Token::Ident("b".into())]
        );
    }

    #[test]
    fn errors_instead_of_panicking() {
        assert!(tokenize("'open").is_err());
        assert!(tokenize("\"open").is_err());
        assert!(tokenize("E'\\").is_err());
        assert!(tokenize("a ; b").is_err());
    }
}
