//! A small subset of PostgreSQL's regular expressions (ARE), enough for the patterns CHECK
//! constraints use: literals, `.`, anchors, bracket classes (`[A-Z0-9_]`, `[^@]`, `[[:alpha:]]`),
//! `\d \w \s` and their negations, groups with alternation, and the quantifiers `* + ? {n} {n,}
//! {n,m}` (greedy or not). Patterns outside the subset (back-references, lookahead, word
//! boundaries, embedded options) are refused, so callers know to fall back.
//!
//! The tree is compiled to an automaton and matched in [`super::nfa`], sampled in
//! [`super::sample`]. `LIKE` patterns are converted with [`like_to_regex`].

pub(crate) use super::nfa::is_match;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Empty,
    Char(char),
    /// `.`: any character, newlines included (PostgreSQL's default).
    Any,
    Class(Class),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

/// A bracket expression or a class escape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Class {
    pub(crate) items: Vec<ClassItem>,
    pub(crate) negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ClassItem {
    Range(char, char),
    /// A named class: `digit`, `alpha`, `alnum`, `upper`, `lower`, `space`, `word`, `xdigit`,
    /// `punct`; `\D`-style negations are separate [`Class`]es.
    Named(&'static str),
}

/// Refuse patterns that would make matching or sampling absurdly expensive.
const MAX_REPEAT: u32 = 1000;

/// Parses `pattern`; `None` when it is outside the subset or malformed.
pub(crate) fn parse(pattern: &str) -> Option<Node> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = RegexParser { chars, pos: 0, depth: 0 };
    let node = parser.alternation()?;
    (parser.pos == parser.chars.len()).then_some(node)
}

struct RegexParser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl RegexParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn alternation(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 50 {
            return None;
        }
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        self.depth -= 1;
        Some(if branches.len() == 1 { branches.pop()? } else { Node::Alt(branches) })
    }

    fn concat(&mut self) -> Option<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Some(match items.len() {
            0 => Node::Empty,
            1 => items.pop()?,
            _ => Node::Concat(items),
        })
    }

    fn atom(&mut self) -> Option<Node> {
        match self.next()? {
            '.' => Some(Node::Any),
            '^' => Some(Node::Start),
            '$' => Some(Node::End),
            '[' => self.bracket().map(Node::Class),
            '\\' => self.escape(),
            '(' => self.group(),
            '*' | '+' | '?' | '{' => None,
            c => Some(Node::Char(c)),
        }
    }

    fn group(&mut self) -> Option<Node> {
        if self.peek() == Some('?') {
            if self.chars.get(self.pos + 1) != Some(&':') {
                return None;
            }
            self.pos += 2;
        }
        let inner = self.alternation()?;
        (self.next()? == ')').then_some(inner)
    }

    fn escape(&mut self) -> Option<Node> {
        let c = self.next()?;
        let class = |items, negated| Some(Node::Class(Class { items, negated }));
        match c {
            'd' | 'w' | 's' => class(vec![named_escape(c)], false),
            'D' | 'W' | 'S' => class(vec![named_escape(c.to_ascii_lowercase())], true),
            'A' => Some(Node::Start),
            'Z' => Some(Node::End),
            'n' => Some(Node::Char('\n')),
            't' => Some(Node::Char('\t')),
            'r' => Some(Node::Char('\r')),
            c if c.is_alphanumeric() => None,
            c => Some(Node::Char(c)),
        }
    }

    fn quantified(&mut self, atom: Node) -> Option<Node> {
        let mut node = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('{') => self.bounds()?,
                Some(c @ ('*' | '+' | '?')) => {
                    self.pos += 1;
                    simple_bounds(c)
                }
                _ => return Some(node),
            };
            if matches!(node, Node::Start | Node::End) {
                return None;
            }
            if self.peek() == Some('?') {
                self.pos += 1;
            }
            node = Node::Repeat { node: Box::new(node), min, max };
        }
    }

    /// `{n}`, `{n,}` or `{n,m}`, consumed.
    fn bounds(&mut self) -> Option<(u32, Option<u32>)> {
        self.pos += 1;
        let min = self.integer()?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            if self.peek() == Some('}') { None } else { Some(self.integer()?) }
        } else {
            Some(min)
        };
        if self.next()? != '}' || max.is_some_and(|m| m < min || m > MAX_REPEAT) || min > MAX_REPEAT {
            return None;
        }
        Some((min, max))
    }

    fn integer(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect::<String>().parse().ok()
    }

    /// After `[`: the items up to the closing `]`.
    fn bracket(&mut self) -> Option<Class> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                return Some(Class { items, negated });
            }
            first = false;
            items.push(self.bracket_item(c)?);
        }
    }

    fn bracket_item(&mut self, c: char) -> Option<ClassItem> {
        let low = match c {
            '[' if self.peek() == Some(':') => return self.posix_class(),
            '[' if matches!(self.peek(), Some('.' | '=')) => return None,
            '\\' => match self.next()? {
                e @ ('d' | 'w' | 's') => return Some(named_escape(e)),
                'n' => '\n',
                't' => '\t',
                e if e.is_alphanumeric() => return None,
                e => e,
            },
            c => c,
        };
        let is_range = self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']');
        if !is_range {
            return Some(ClassItem::Range(low, low));
        }
        self.pos += 1;
        let high = match self.next()? {
            '\\' => self.next()?,
            '[' => return None,
            h => h,
        };
        (low <= high).then_some(ClassItem::Range(low, high))
    }

    /// After `[` and before `:name:]`.
    fn posix_class(&mut self) -> Option<ClassItem> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if self.next()? != ':' || self.next()? != ']' {
            return None;
        }
        let known = ["alpha", "digit", "alnum", "upper", "lower", "space", "xdigit", "punct", "word"];
        known.into_iter().find(|k| *k == name).map(ClassItem::Named)
    }
}

fn simple_bounds(quantifier: char) -> (u32, Option<u32>) {
    match quantifier {
        '*' => (0, None),
        '+' => (1, None),
        _ => (0, Some(1)),
    }
}

fn named_escape(c: char) -> ClassItem {
    ClassItem::Named(match c {
        'd' => "digit",
        'w' => "word",
        _ => "space",
    })
}

impl ClassItem {
    fn contains(self, c: char) -> bool {
        match self {
            ClassItem::Range(low, high) => low <= c && c <= high,
            ClassItem::Named(name) => named_contains(name, c),
        }
    }
}

fn named_contains(name: &str, c: char) -> bool {
    match name {
        "alpha" => c.is_alphabetic(),
        "digit" => c.is_ascii_digit(),
        "alnum" => c.is_alphanumeric(),
        "upper" => c.is_uppercase(),
        "lower" => c.is_lowercase(),
        "space" => c.is_whitespace(),
        "xdigit" => c.is_ascii_hexdigit(),
        "punct" => c.is_ascii_punctuation(),
        _ => c.is_alphanumeric() || c == '_',
    }
}

impl Class {
    /// Whether `c` is in the class (case-insensitively: either case of `c`).
    pub(crate) fn matches(&self, c: char, case_insensitive: bool) -> bool {
        let hit = |c: char| self.items.iter().any(|item| item.contains(c));
        let found = hit(c) || (case_insensitive && case_variants(c).any(hit));
        found != self.negated
    }
}

fn case_variants(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().chain(c.to_uppercase())
}

/// Whether `a` is `b`, or one of its case variants when `case_insensitive`.
pub(crate) fn same_char(a: char, b: char, case_insensitive: bool) -> bool {
    a == b || (case_insensitive && case_variants(a).any(|v| v == b))
}

/// Converts a `LIKE` pattern (`%`, `_`, `\` escapes) into an anchored regular expression.
pub(crate) fn like_to_regex(pattern: &str) -> String {
    let mut out = String::from("^");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '\\' => push_literal(&mut out, chars.next().unwrap_or('\\')),
            c => push_literal(&mut out, c),
        }
    }
    out.push('$');
    out
}

/// Converts a `SIMILAR TO` pattern into the anchored POSIX regex PostgreSQL's
/// `similar_to_escape()` makes of it: `%` and `_` as in `LIKE`, `.` literal, `escape` (`\` by
/// default, `None` for none) before a literal character, bracket classes and the regex operators
/// (`|`, `*`, `+`, `?`, `{m,n}`, groups) kept.
pub(crate) fn similar_to_regex(pattern: &str, escape: Option<char>) -> String {
    let mut out = String::from("^(");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if Some(c) == escape => push_literal(&mut out, chars.next().unwrap_or(c)),
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '[' => {
                out.push('[');
                for opening in ['^', ']'] {
                    if chars.next_if_eq(&opening).is_some() {
                        out.push(opening);
                    }
                }
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == ']' {
                        break;
                    }
                }
            }
            '.' | '^' | '$' | '\\' => push_literal(&mut out, c),
            c => out.push(c),
        }
    }
    out.push_str(")$");
    out
}

fn push_literal(out: &mut String, c: char) {
    if ".^$|()[]{}*+?\\".contains(c) {
        out.push('\\');
    }
    out.push(c);
}
