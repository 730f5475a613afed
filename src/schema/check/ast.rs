//! The syntax tree of a CHECK expression, as [`parse`](super::parse) builds it.
//!
//! Names are normalised the way PostgreSQL resolves them: unquoted identifiers are lowercased,
//! quoted ones kept verbatim, qualifiers dropped. SQL-syntax forms (`SUBSTRING(x FROM 1 FOR 2)`,
//! `CURRENT_DATE`, `AT TIME ZONE`) become ordinary [`Expr::Func`] calls, so the analysis
//! ([`super::analyze`]) and the evaluator ([`super::eval`]) see one shape per idea.

use crate::generate::Value;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub fn flipped(self) -> CompareOp {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            other => other,
        }
    }

    /// The operator of the negated comparison: `NOT (a < b)` is `a >= b`.
    pub fn negated(self) -> CompareOp {
        match self {
            CompareOp::Eq => CompareOp::Ne,
            CompareOp::Ne => CompareOp::Eq,
            CompareOp::Lt => CompareOp::Ge,
            CompareOp::Le => CompareOp::Gt,
            CompareOp::Gt => CompareOp::Le,
            CompareOp::Ge => CompareOp::Lt,
        }
    }

    /// The SQL spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// A binary operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryOp {
    Compare(CompareOp),
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    /// `||`
    Concat,
    /// `~`, `~*`, `!~`, `!~*`: POSIX regular expressions.
    Regex {
        case_insensitive: bool,
        negated: bool,
    },
    /// `~~`, `~~*`, `!~~`, `!~~*`: what `LIKE`, `ILIKE` and `NOT LIKE` are printed as.
    Like {
        case_insensitive: bool,
        negated: bool,
    },
    /// Any other operator (`@>`, `^@`, `&&`...), kept by its symbol.
    Other(String),
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column, unquoted and unqualified; `VALUE` in a domain check.
    Column(String),
    /// `NULL`, `TRUE`, `FALSE`, a number (`Int`, `Decimal`, or `Float` with an exponent) or a string
    /// (`Text`, before any cast).
    Literal(Value),
    /// `expr::type`, with the type as PostgreSQL prints it (`character varying(20)[]`).
    Cast {
        expr: Box<Expr>,
        ty: String,
    },
    /// A function call: the name lowercased and unqualified.
    Func {
        name: String,
        args: Vec<Expr>,
    },
    /// `ARRAY[...]`
    Array(Vec<Expr>),
    Not(Box<Expr>),
    /// Conjunction, flattened: `a AND b AND c` is one node.
    And(Vec<Expr>),
    /// Disjunction, flattened.
    Or(Vec<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `left op ANY (right)` or, when `all`, `left op ALL (right)`.
    Quantified {
        op: BinaryOp,
        all: bool,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `expr [NOT] IN (list)`
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `expr [NOT] BETWEEN low AND high`
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `expr IS [NOT] NULL`
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `expr IS [NOT] TRUE` / `FALSE`
    IsBool {
        expr: Box<Expr>,
        value: bool,
        negated: bool,
    },
    /// `left IS [NOT] DISTINCT FROM right`
    IsDistinct {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    /// `expr COLLATE "name"`
    Collate {
        expr: Box<Expr>,
        collation: String,
    },
    /// `CASE [operand] WHEN a THEN b ... [ELSE c] END`: with an operand, each `a` is a value it is
    /// compared to; without, a condition.
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
}

impl Expr {
    pub(crate) fn boxed(self) -> Box<Expr> {
        Box::new(self)
    }

    /// A `CASE` whose results are conditions, as the disjunction of its branches: branch `i`
    /// holds when its condition is true, the earlier ones are not (false or NULL), and its result
    /// holds; a missing `ELSE` is NULL. `None` for any other expression.
    pub fn case_as_branches(&self) -> Option<Expr> {
        let Expr::Case { operand, whens, otherwise } = self else {
            return None;
        };
        let condition = |when: &Expr| match operand {
            Some(operand) => Expr::Binary {
                op: BinaryOp::Compare(CompareOp::Eq),
                left: operand.clone(),
                right: when.clone().boxed(),
            },
            None => when.clone(),
        };
        let is_true = |when: &Expr, negated| Expr::IsBool { expr: condition(when).boxed(), value: true, negated };
        let mut branches = Vec::new();
        let mut earlier: Vec<Expr> = Vec::new();
        for (when, then) in whens {
            let parts = earlier.iter().cloned().chain([is_true(when, false), then.clone()]).collect();
            branches.push(Expr::And(parts));
            earlier.push(is_true(when, true));
        }
        let otherwise = otherwise.as_deref().cloned().unwrap_or(Expr::Literal(Value::Null));
        branches.push(Expr::And(earlier.into_iter().chain([otherwise]).collect()));
        Some(Expr::Or(branches))
    }

    /// The column this expression reads, looking through casts and `COLLATE`: `(status)::text`
    /// is `status`.
    pub fn column_name(&self) -> Option<&str> {
        match self {
            Expr::Column(name) => Some(name),
            Expr::Cast { expr, .. } | Expr::Collate { expr, .. } => expr.column_name(),
            _ => None,
        }
    }

    /// Every column the expression reads, in order of first appearance.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit(&mut |expr| {
            if let Expr::Column(name) = expr
                && !out.contains(name)
            {
                out.push(name.clone());
            }
        });
        out
    }

    /// Calls `f` on this node and every node below it.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        for child in self.children() {
            child.visit(f);
        }
    }

    /// This node with `f` applied to each of its direct children.
    pub fn map_children(self, f: &mut dyn FnMut(Expr) -> Expr) -> Expr {
        // The child is replaced in its own box: no allocation.
        fn boxed(mut e: Box<Expr>, f: &mut dyn FnMut(Expr) -> Expr) -> Box<Expr> {
            *e = f(std::mem::replace(&mut *e, Expr::Literal(Value::Null)));
            e
        }
        match self {
            Expr::Column(_) | Expr::Literal(_) => self,
            Expr::Cast { expr, ty } => Expr::Cast { expr: boxed(expr, f), ty },
            Expr::Not(expr) => Expr::Not(boxed(expr, f)),
            Expr::Neg(expr) => Expr::Neg(boxed(expr, f)),
            Expr::IsNull { expr, negated } => Expr::IsNull { expr: boxed(expr, f), negated },
            Expr::IsBool { expr, value, negated } => Expr::IsBool { expr: boxed(expr, f), value, negated },
            Expr::Collate { expr, collation } => Expr::Collate { expr: boxed(expr, f), collation },
            Expr::Func { name, args } => Expr::Func { name, args: args.into_iter().map(&mut *f).collect() },
            Expr::Array(items) => Expr::Array(items.into_iter().map(&mut *f).collect()),
            Expr::And(items) => Expr::And(items.into_iter().map(&mut *f).collect()),
            Expr::Or(items) => Expr::Or(items.into_iter().map(&mut *f).collect()),
            Expr::Binary { op, left, right } => Expr::Binary { op, left: boxed(left, f), right: boxed(right, f) },
            Expr::Quantified { op, all, left, right } => {
                Expr::Quantified { op, all, left: boxed(left, f), right: boxed(right, f) }
            }
            Expr::IsDistinct { left, right, negated } => {
                Expr::IsDistinct { left: boxed(left, f), right: boxed(right, f), negated }
            }
            Expr::InList { expr, list, negated } => {
                Expr::InList { expr: boxed(expr, f), list: list.into_iter().map(&mut *f).collect(), negated }
            }
            Expr::Between { expr, low, high, negated } => {
                Expr::Between { expr: boxed(expr, f), low: boxed(low, f), high: boxed(high, f), negated }
            }
            Expr::Case { operand, whens, otherwise } => Expr::Case {
                operand: operand.map(|e| boxed(e, f)),
                whens: whens.into_iter().map(|(when, then)| (f(when), f(then))).collect(),
                otherwise: otherwise.map(|e| boxed(e, f)),
            },
        }
    }

    fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Column(_) | Expr::Literal(_) => Vec::new(),
            Expr::Cast { expr, .. }
            | Expr::Not(expr)
            | Expr::Neg(expr)
            | Expr::IsNull { expr, .. }
            | Expr::IsBool { expr, .. }
            | Expr::Collate { expr, .. } => vec![expr],
            Expr::Func { args: items, .. } | Expr::Array(items) | Expr::And(items) | Expr::Or(items) => {
                items.iter().collect()
            }
            Expr::Binary { left, right, .. }
            | Expr::Quantified { left, right, .. }
            | Expr::IsDistinct { left, right, .. } => vec![left, right],
            Expr::InList { expr, list, .. } => std::iter::once(&**expr).chain(list).collect(),
            Expr::Between { expr, low, high, .. } => vec![expr, low, high],
            Expr::Case { operand, whens, otherwise } => {
                let pairs = whens.iter().flat_map(|(when, then)| [when, then]);
                operand.as_deref().into_iter().chain(pairs).chain(otherwise.as_deref()).collect()
            }
        }
    }
}
