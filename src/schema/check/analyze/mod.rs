//! From a CHECK expression to [`Restriction`]s the generators can honour by construction.
//!
//! The expression is split into conjuncts; each conjunct is recognised as a restriction on one
//! column (a list of values, a range, a length, a pattern...), a comparison between two columns, or
//! a rule about which columns may be NULL. A `CASE` of conditions is read as the disjunction of its
//! branches (`CASE WHEN kind = 'x' THEN a IS NOT NULL ELSE ... END`). The contract:
//!
//! - when [`Analysis::fully_understood`] is true, a row that satisfies every restriction passes the
//!   check;
//! - otherwise the restrictions listed are still required by the check (each comes from a conjunct
//!   that was understood), and the rest of the check has to be verified with
//!   [`passes`](super::passes) or overridden in the profile.
//!
//! Under SQL's three-valued logic a CHECK passes when it evaluates to NULL, so a NULL column
//! satisfies every restriction except [`Restriction::NotNull`], [`Restriction::NonNulls`] and
//! [`Restriction::NullPatterns`] (and an [`Restriction::AnyOf`] branch holding one). `nullable: true` only records that the check spells this out
//! (`col IS NULL OR ...`). Leaf recognition lives in [`leaf`], NULL rules in [`nulls`], the
//! merging of bounds in [`merge`].

mod leaf;
mod merge;
mod nulls;

use super::ast::{CompareOp, Expr};
use crate::generate::Value;

/// What a CHECK expression asks of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub restrictions: Vec<Restriction>,
    /// Whether every part of the expression was recognised (see the module docs).
    pub fully_understood: bool,
}

/// A bound of a [`Restriction::Range`]: a constant (an `Int`, `Decimal`, `Float`, `Date`,
/// `Timestamp`, `Time`, `Interval` or `Text` value).
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: Value,
    pub inclusive: bool,
}

/// An interval added to `now()`: `now() - '18 years'::interval` is `{ months: -216, .. }`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

/// One thing a CHECK constraint requires. Column names are unquoted and unqualified (`VALUE` in a
/// domain check). Constants are [`Value`]s, already cast: `'1900-01-01'::date` is `Value::Date`,
/// `(0)::numeric` is `Value::Decimal`, `'X'::bpchar` is `Value::Text`.
#[derive(Debug, Clone, PartialEq)]
pub enum Restriction {
    /// `col IN (...)`, `col = ANY (ARRAY[...])`, `col = 'x'`, `upper(col) IN (...)` (values kept
    /// only if `upper` leaves them unchanged), `col IS TRUE` (with a [`Restriction::NotNull`]).
    OneOf { column: String, values: Vec<Value>, nullable: bool },
    /// `col > 0`, `col BETWEEN a AND b`, `NOT (col < 0)`, `col >= ALL (...)`.
    Range { column: String, min: Option<Bound>, max: Option<Bound>, nullable: bool },
    /// `length(col)`, `char_length(col)` (characters) or `octet_length(col)` (`bytes`) bounds.
    Length { column: String, min: Option<u32>, max: Option<u32>, bytes: bool, nullable: bool },
    /// `col ~ 're'` (`~*`: `case_insensitive`), or `LIKE`/`ILIKE` converted to an anchored regex.
    /// PostgreSQL searches: an unanchored regex may match anywhere in the value.
    Pattern { column: String, regex: String, case_insensitive: bool, nullable: bool },
    /// `col !~ 're'`, `col NOT LIKE 'x%'`: the value must not match.
    NotPattern { column: String, regex: String, case_insensitive: bool, nullable: bool },
    /// `col <> 'x'`, `col NOT IN (...)` (one per value), `col IS DISTINCT FROM 'x'`.
    NotEqual { column: String, value: Value, nullable: bool },
    /// `btrim(col) <> ''`, `length(btrim(col)) > 0`: not empty and not only spaces.
    NotBlank { column: String, nullable: bool },
    /// Two columns compared: `ends_at > starts_at`, `a <> b`.
    Compare { left: String, op: CompareOp, right: String, nullable: bool },
    /// Between `min` and `max` of `columns` are non-NULL: `num_nonnulls(a, b) = 1`,
    /// `(a IS NULL) <> (b IS NULL)`, `a IS NOT NULL OR b IS NOT NULL`.
    NonNulls { columns: Vec<String>, min: usize, max: usize },
    /// NULL rules that are not a count: each entry of `allowed` lists, per column, whether it is
    /// non-NULL (`a IS NULL OR b IS NOT NULL` allows `[f,f]`, `[f,t]`, `[t,t]`).
    NullPatterns { columns: Vec<String>, allowed: Vec<Vec<bool>> },
    /// `col IS NOT NULL`.
    NotNull { column: String },
    /// `lower(col) = col` (`upper: false`) or `col = upper(col)`.
    Case { column: String, upper: bool, nullable: bool },
    /// `array_length(col, 1) <= n`, `cardinality(col) <= n`.
    MaxCardinality { column: String, max: u32, nullable: bool },
    /// `cardinality(col) >= n` (`array_length` is NULL for an empty array, so it cannot say this).
    MinCardinality { column: String, min: u32, nullable: bool },
    /// `jsonb_typeof(col) = 'object'`.
    JsonType { column: String, kind: String, nullable: bool },
    /// `col <= now() + offset` (`<` when not `inclusive`); also `CURRENT_DATE`, `CURRENT_TIMESTAMP`,
    /// `LOCALTIMESTAMP`.
    NotAfterNow { column: String, offset: Interval, inclusive: bool, nullable: bool },
    /// `col >= now() + offset`: a moment in the future of the load.
    NotBeforeNow { column: String, offset: Interval, inclusive: bool, nullable: bool },
    /// A disjunction whose branches are each understood: a row passes when it satisfies every
    /// restriction of at least one branch (`(x < 1) OR (x > 5)`, or
    /// `((a IS NULL) AND (lvl = 0)) OR ((a IS NOT NULL) AND (lvl >= 1))`).
    AnyOf { branches: Vec<Vec<Restriction>> },
}

/// `match` over the restrictions that carry a `nullable` flag: `$some` with it bound to `$flag`,
/// `$none` for the others (which say nothing about NULL, or are about NULLs themselves).
macro_rules! with_nullable {
    ($restriction:expr, $flag:ident => $some:expr, $none:expr) => {{
        use Restriction::*;
        match $restriction {
            OneOf { nullable: $flag, .. }
            | Range { nullable: $flag, .. }
            | Length { nullable: $flag, .. }
            | Pattern { nullable: $flag, .. }
            | NotPattern { nullable: $flag, .. }
            | NotEqual { nullable: $flag, .. }
            | NotBlank { nullable: $flag, .. }
            | Compare { nullable: $flag, .. }
            | Case { nullable: $flag, .. }
            | MaxCardinality { nullable: $flag, .. }
            | MinCardinality { nullable: $flag, .. }
            | JsonType { nullable: $flag, .. }
            | NotAfterNow { nullable: $flag, .. }
            | NotBeforeNow { nullable: $flag, .. } => $some,
            NonNulls { .. } | NullPatterns { .. } | NotNull { .. } | AnyOf { .. } => $none,
        }
    }};
}

impl Restriction {
    /// The columns this restriction is about.
    pub fn columns(&self) -> Vec<&str> {
        use Restriction::*;
        match self {
            Compare { left, right, .. } => vec![left.as_str(), right.as_str()],
            NonNulls { columns, .. } | NullPatterns { columns, .. } => columns.iter().map(String::as_str).collect(),
            AnyOf { branches } => {
                let mut out: Vec<&str> = Vec::new();
                for column in branches.iter().flatten().flat_map(Restriction::columns) {
                    if !out.contains(&column) {
                        out.push(column);
                    }
                }
                out
            }
            OneOf { column, .. }
            | Range { column, .. }
            | Length { column, .. }
            | Pattern { column, .. }
            | NotPattern { column, .. }
            | NotEqual { column, .. }
            | NotBlank { column, .. }
            | NotNull { column }
            | Case { column, .. }
            | MaxCardinality { column, .. }
            | MinCardinality { column, .. }
            | JsonType { column, .. }
            | NotAfterNow { column, .. }
            | NotBeforeNow { column, .. } => vec![column.as_str()],
        }
    }

    /// Whether the check says explicitly that NULL is allowed (`col IS NULL OR ...`).
    pub fn is_nullable(&self) -> bool {
        self.nullable_flag().is_some_and(|flag| *flag)
    }

    fn nullable_flag(&self) -> Option<&bool> {
        with_nullable!(self, nullable => Some(nullable), None)
    }

    pub(crate) fn set_nullable(&mut self) {
        with_nullable!(self, nullable => *nullable = true, ())
    }
}

/// What `expr` requires of a row (see the module docs for the contract).
pub fn restrictions(expr: &Expr) -> Analysis {
    let mut collector = Collector::default();
    collector.conjunct(expr);
    Analysis { restrictions: merge::merge(collector.found), fully_understood: collector.understood }
}

struct Collector {
    found: Vec<Restriction>,
    understood: bool,
}

impl Default for Collector {
    fn default() -> Self {
        Collector { found: Vec::new(), understood: true }
    }
}

impl Collector {
    /// One conjunct of the check (or the whole check).
    fn conjunct(&mut self, expr: &Expr) {
        if let Expr::And(items) = expr {
            items.iter().for_each(|item| self.conjunct(item));
            return;
        }
        if let Some(found) = nulls::null_rule(expr) {
            self.found.extend(found);
            return;
        }
        if let Some(branches) = expr.case_as_branches() {
            return self.conjunct(&branches);
        }
        match expr {
            Expr::Not(inner) => self.negated(inner),
            Expr::Or(items) => self.disjunction(items),
            _ => self.leaf(expr, false),
        }
    }

    /// `NOT inner`: pushed through `AND`, `OR` and `NOT` (De Morgan), then into the leaf.
    fn negated(&mut self, inner: &Expr) {
        match inner {
            Expr::Not(again) => self.conjunct(again),
            Expr::Case { .. } => match inner.case_as_branches() {
                Some(branches) => self.negated(&branches),
                None => self.understood = false,
            },
            Expr::Or(items) => items.iter().for_each(|item| self.conjunct(&Expr::Not(item.clone().boxed()))),
            Expr::And(items) => {
                let negated: Vec<Expr> = items.iter().map(|item| Expr::Not(item.clone().boxed())).collect();
                self.disjunction(&negated);
            }
            _ => self.leaf(inner, true),
        }
    }

    fn leaf(&mut self, expr: &Expr, negated: bool) {
        match leaf::leaf(expr, negated) {
            Some(found) => self.found.extend(found),
            None => self.understood = false,
        }
    }

    /// `a OR b OR ...`: `col IS NULL` branches make the others nullable; several branches are
    /// understood when each is one value of the same column (`c = 'x' OR c = 'y'`).
    fn disjunction(&mut self, branches: &[Expr]) {
        let (null_columns, rest): (Vec<&Expr>, Vec<&Expr>) =
            branches.iter().partition(|b| nulls::is_null_test(b).is_some());
        let null_columns: Vec<&str> = null_columns.iter().filter_map(|b| nulls::is_null_test(b)).collect();
        let analyses: Vec<Analysis> = rest.iter().map(|branch| restrictions(branch)).collect();
        let found = match analyses.as_slice() {
            [single] if single.fully_understood => nullable_branch(single, &null_columns),
            _ => merge::union_of_values(&analyses, &null_columns),
        }
        .or_else(|| any_of(branches));
        match found {
            Some(found) => self.found.extend(found),
            None => self.understood = false,
        }
    }
}

/// Every branch understood on its own: an [`Restriction::AnyOf`] of the branches that can hold
/// (just that branch's restrictions when only one can).
fn any_of(branches: &[Expr]) -> Option<Vec<Restriction>> {
    let analyses: Vec<Analysis> = branches.iter().map(restrictions).collect();
    if !analyses.iter().all(|a| a.fully_understood) {
        return None;
    }
    let mut branches: Vec<Vec<Restriction>> = analyses
        .into_iter()
        .map(|a| a.restrictions)
        .filter(|branch| !branch.iter().any(merge::is_unsatisfiable))
        .collect();
    match branches.len() {
        0 => None,
        1 => branches.pop(),
        _ => Some(vec![Restriction::AnyOf { branches }]),
    }
}

/// The restrictions of the one branch beside `col IS NULL` branches, marked nullable; `None` when
/// a restriction is about none of those columns (then the `OR` is not a restriction we can state).
fn nullable_branch(branch: &Analysis, null_columns: &[&str]) -> Option<Vec<Restriction>> {
    let mut out = Vec::new();
    for restriction in &branch.restrictions {
        let involved = restriction.columns().iter().any(|c| null_columns.contains(c));
        match restriction {
            Restriction::NotNull { .. } | Restriction::NonNulls { .. } | Restriction::NullPatterns { .. }
                if involved => {}
            _ if involved && restriction.nullable_flag().is_some() => {
                let mut restriction = restriction.clone();
                restriction.set_nullable();
                out.push(restriction);
            }
            _ => return None,
        }
    }
    Some(out)
}
