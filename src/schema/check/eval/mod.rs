//! Evaluating a CHECK expression on a candidate row, with SQL's three-valued logic.
//!
//! A result is `Ok(value)` (possibly `Value::Null`) or `Err(Unknown)` when the evaluator meets a
//! column the row does not have, or a function, operator or cast it does not implement. `AND` and
//! `OR` short-circuit through unknowns the way they do through NULLs: `false AND ?` is false.
//! Casts live in [`cast`], operators in [`ops`], functions in [`funcs`].

mod cast;
mod funcs;
mod ops;

use std::cmp::Ordering;

use super::ast::{BinaryOp, Expr};
use crate::generate::Value;

pub(crate) use cast::cast;

/// The evaluator does not know how to compute something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unknown;

pub(crate) type Eval = Result<Value, Unknown>;

/// What evaluation can see: the row, and the moment `now()` stands for (`None` while folding
/// constants, so that `now()` is never taken for a constant).
pub(crate) struct Context<'a> {
    pub(crate) lookup: &'a dyn Fn(&str) -> Option<Value>,
    pub(crate) now: Option<i64>,
}

impl Context<'_> {
    pub(crate) fn eval(&self, expr: &Expr) -> Eval {
        match expr {
            Expr::Column(name) => (self.lookup)(name).ok_or(Unknown),
            Expr::Literal(value) => Ok(value.clone()),
            Expr::Cast { expr, ty } => cast(self.eval(expr)?, ty),
            Expr::Func { name, args } => funcs::call(self, name, args),
            Expr::Array(items) => self.array(items),
            Expr::Not(inner) => Ok(not(truth(&self.eval(inner)?)?)),
            Expr::And(items) => self.junction(items, false),
            Expr::Or(items) => self.junction(items, true),
            Expr::Neg(inner) => ops::negate(self.eval(inner)?),
            Expr::Binary { op, left, right } => ops::binary(op, self.eval(left)?, self.eval(right)?),
            Expr::Quantified { op, all, left, right } => self.quantified(op, *all, left, right),
            Expr::InList { expr, list, negated } => self.in_list(expr, list, *negated),
            Expr::Between { expr, low, high, negated } => self.between(expr, low, high, *negated),
            Expr::IsNull { expr, negated } => Ok(Value::Bool(self.eval(expr)?.is_null() != *negated)),
            Expr::IsBool { expr, value, negated } => self.is_bool(expr, *value, *negated),
            Expr::IsDistinct { left, right, negated } => self.is_distinct(left, right, *negated),
            Expr::Collate { expr, .. } => self.eval(expr),
            Expr::Case { operand, whens, otherwise } => self.case(operand.as_deref(), whens, otherwise.as_deref()),
        }
    }

    /// The result of the first `WHEN` that holds (equals the operand, or is true), else `ELSE`.
    fn case(&self, operand: Option<&Expr>, whens: &[(Expr, Expr)], otherwise: Option<&Expr>) -> Eval {
        let operand = operand.map(|o| self.eval(o)).transpose()?;
        for (when, then) in whens {
            let when = match &operand {
                Some(value) => {
                    ops::binary(&BinaryOp::Compare(super::ast::CompareOp::Eq), value.clone(), self.eval(when)?)?
                }
                None => self.eval(when)?,
            };
            let holds = truth(&when)? == Some(true);
            if holds {
                return self.eval(then);
            }
        }
        otherwise.map_or(Ok(Value::Null), |e| self.eval(e))
    }

    fn array(&self, items: &[Expr]) -> Eval {
        let items = items.iter().map(|item| self.eval(item)).collect::<Result<Vec<_>, _>>()?;
        let len = u32::try_from(items.len()).map_err(|_| Unknown)?;
        Ok(Value::Array { dims: vec![len], items })
    }

    /// `AND` (`or` false) or `OR`: a deciding operand wins over NULLs and unknowns.
    fn junction(&self, items: &[Expr], or: bool) -> Eval {
        let mut null = false;
        let mut unknown = false;
        for item in items {
            match self.eval(item).and_then(|v| truth(&v)) {
                Ok(Some(b)) if b == or => return Ok(Value::Bool(or)),
                Ok(Some(_)) => {}
                Ok(None) => null = true,
                Err(_) => unknown = true,
            }
        }
        match (unknown, null) {
            (true, _) => Err(Unknown),
            (false, true) => Ok(Value::Null),
            (false, false) => Ok(Value::Bool(!or)),
        }
    }

    fn quantified(&self, op: &BinaryOp, all: bool, left: &Expr, right: &Expr) -> Eval {
        let left = self.eval(left)?;
        let items = match self.eval(right)? {
            Value::Null => return Ok(Value::Null),
            Value::Array { items, .. } => items,
            _ => return Err(Unknown),
        };
        let results = items.into_iter().map(|item| ops::binary(op, left.clone(), item));
        combine(results, all)
    }

    fn in_list(&self, expr: &Expr, list: &[Expr], negated: bool) -> Eval {
        let left = self.eval(expr)?;
        let eq = BinaryOp::Compare(super::ast::CompareOp::Eq);
        let results = list.iter().map(|item| ops::binary(&eq, left.clone(), self.eval(item)?));
        let found = combine(results, false)?;
        if negated { Ok(not(truth(&found)?)) } else { Ok(found) }
    }

    fn between(&self, expr: &Expr, low: &Expr, high: &Expr, negated: bool) -> Eval {
        let value = self.eval(expr)?;
        let above = ops::compare_to(&value, &self.eval(low)?, |o| o != Ordering::Less)?;
        let below = ops::compare_to(&value, &self.eval(high)?, |o| o != Ordering::Greater)?;
        let inside = and3(truth(&above)?, truth(&below)?);
        Ok(if negated { not(inside) } else { bool_or_null(inside) })
    }

    fn is_bool(&self, expr: &Expr, value: bool, negated: bool) -> Eval {
        let hit = truth(&self.eval(expr)?)? == Some(value);
        Ok(Value::Bool(hit != negated))
    }

    fn is_distinct(&self, left: &Expr, right: &Expr, negated: bool) -> Eval {
        let (left, right) = (self.eval(left)?, self.eval(right)?);
        let distinct = match (left.is_null(), right.is_null()) {
            (true, true) => false,
            (true, false) | (false, true) => true,
            (false, false) => ops::compare(&left, &right)? != Some(Ordering::Equal),
        };
        Ok(Value::Bool(distinct != negated))
    }
}

/// `Ok(Some(b))` for a boolean result, `Ok(None)` for NULL, `Err` when the evaluator does not know.
pub(crate) fn evaluate_with(
    expr: &Expr,
    lookup: &dyn Fn(&str) -> Option<Value>,
    now: Option<i64>,
) -> Result<Option<bool>, Unknown> {
    truth(&Context { lookup, now }.eval(expr)?)
}

/// Whether a CHECK passes (true or NULL); `None` when the evaluator does not know.
pub(crate) fn passes_with(expr: &Expr, lookup: &dyn Fn(&str) -> Option<Value>, now: Option<i64>) -> Option<bool> {
    evaluate_with(expr, lookup, now).ok().map(|result| result != Some(false))
}

/// The order of two constants, when the evaluator can compare them.
pub(crate) fn order(a: &Value, b: &Value) -> Option<Ordering> {
    ops::compare(a, b).ok().flatten()
}

/// A boolean's truth: `Some(b)`, `None` for NULL; other values are not booleans.
pub(crate) fn truth(value: &Value) -> Result<Option<bool>, Unknown> {
    match value {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        _ => Err(Unknown),
    }
}

fn bool_or_null(value: Option<bool>) -> Value {
    value.map_or(Value::Null, Value::Bool)
}

fn not(value: Option<bool>) -> Value {
    bool_or_null(value.map(|b| !b))
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// `ANY` (`all` false) or `ALL` over per-item results.
fn combine(results: impl Iterator<Item = Eval>, all: bool) -> Eval {
    let mut null = false;
    for result in results {
        match truth(&result?)? {
            Some(b) if b != all => return Ok(Value::Bool(b)),
            Some(_) => {}
            None => null = true,
        }
    }
    Ok(if null { Value::Null } else { Value::Bool(all) })
}
