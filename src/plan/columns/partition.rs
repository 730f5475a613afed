//! Partition bounds shape the partition key: every generated row must have a partition to go to.
//!
//! For a partitioned table keyed on one column: a `DEFAULT` partition takes anything, so nothing
//! changes; `LIST` partitions make the key a choice among their values; `RANGE` partitions make it
//! a range (the union when they are contiguous, otherwise the widest one); a `lower()`/`upper()`
//! list key makes its column a choice among the listed values that folding leaves as they are.
//! Other keys (several
//! columns, expressions, numeric or text ranges) are aimed at one partition through the constraint
//! PostgreSQL derives from its bounds, which CHECK analysis already understands. Hash partitions
//! take any row when their remainders are all there; an incomplete set, like any key that could
//! not be aimed at, is returned so the plan skips the table (rows would have nowhere to go).
//! Sub-partitions narrow their own keys.

use crate::generate::column::{ColumnGen, IntSpread, MomentUnit};
use crate::generate::table::ColumnSlot;
use crate::generate::value::Value;
use std::collections::BTreeMap;

use crate::schema::check::parse_timestamp;
use crate::schema::{Schema, Table, TableKind, TypeKind};

use super::restrict;
use super::settings::string_value;

/// A partition key the generators could not be aimed at: rows would fall outside every partition.
#[derive(Debug, Clone, PartialEq)]
pub struct Unaimed {
    /// `pg_get_partkeydef`: `RANGE (at)`, `HASH (id)`.
    pub key: String,
    pub why: String,
}

/// Narrows the key columns' generators of `table` (partitioned) to its partitions' bounds, level
/// by level: sub-partitioned partitions narrow their own key column too, the bounds of siblings
/// partitioned on the same key taken together. A row can still pair a value of one branch with
/// a value of another (`2023` with a channel only `2024` lists); the row check built from the
/// leaves' constraints (see `plan::keys`) regenerates those. Returns the keys it could not aim at.
pub fn apply_bounds(table: &Table, schema: &Schema, written: &[usize], slots: &mut [ColumnSlot]) -> Vec<Unaimed> {
    let mut unaimed = Vec::new();
    let mut level = vec![table];
    while !level.is_empty() {
        let mut by_key: BTreeMap<&str, Vec<&Table>> = BTreeMap::new();
        let mut next = Vec::new();
        for parent in level {
            let Some(key) = parent.partition_key.as_deref() else { continue };
            let partitions = schema.partitions_of(&parent.name);
            next.extend(partitions.iter().copied());
            // Hash partitions cover every row only when one parent's remainders are all there.
            if key.starts_with("HASH") && !hash_complete(&bounds_of(&partitions)) {
                let why = "its hash partitions do not cover every remainder, and seed cannot compute \
                           PostgreSQL's hash of a row"
                    .to_string();
                unaimed.push(Unaimed { key: key.to_string(), why });
            }
            by_key.entry(key).or_default().extend(partitions);
        }
        for (key, partitions) in by_key {
            if let Err(why) = narrow_key(table, schema, key, &partitions, written, slots) {
                unaimed.push(Unaimed { key: key.to_string(), why });
            }
        }
        level = next;
    }
    unaimed
}

fn bounds_of<'a>(partitions: &[&'a Table]) -> Vec<&'a str> {
    partitions.iter().filter_map(|p| p.partition_bound.as_deref()).collect()
}

/// Whether hash bounds `FOR VALUES WITH (modulus 4, remainder 0)` leave no remainder without a
/// partition (or a DEFAULT takes the rest). PostgreSQL requires each modulus to divide the next
/// larger one, so the set is complete when the shares 1/modulus add up to one.
fn hash_complete(bounds: &[&str]) -> bool {
    if bounds.contains(&"DEFAULT") {
        return true;
    }
    let moduli: Vec<u64> = bounds
        .iter()
        .filter_map(|b| {
            let lower = b.to_ascii_lowercase();
            lower.split_once("modulus ")?.1.split(',').next()?.trim().parse().ok()
        })
        .filter(|&m| m > 0)
        .collect();
    let Some(&largest) = moduli.iter().max() else { return false };
    moduli.len() == bounds.len() && moduli.iter().map(|m| largest / m).sum::<u64>() == largest
}

/// Narrows the generators to `partitions`' bounds for the key `key` (`LIST (channel)`): a single
/// column of an understood type takes the union of the bounds; any other key (several columns,
/// an expression, numeric or text ranges) is aimed at the first partition, through the
/// constraint PostgreSQL derives from its bounds. `Err` says why neither worked.
fn narrow_key(
    table: &Table,
    schema: &Schema,
    key: &str,
    partitions: &[&Table],
    written: &[usize],
    slots: &mut [ColumnSlot],
) -> Result<(), String> {
    let bounds = bounds_of(partitions);
    if bounds.is_empty() || bounds.contains(&"DEFAULT") || key.starts_with("HASH") {
        return Ok(());
    }
    if narrow_single_column(table, key, &bounds, written, slots) {
        return Ok(());
    }
    let first_leaf = partitions
        .iter()
        .flat_map(|p| if p.kind == TableKind::Partitioned { schema.leaf_partitions_of(&p.name) } else { vec![*p] })
        .find_map(|leaf| leaf.partition_constraint.as_deref());
    match first_leaf.and_then(|constraint| restrict::apply_expression(table, written, slots, constraint)) {
        Some(true) => Ok(()),
        _ => Err(format!("its bounds (`{}`) are not understood", bounds[0])),
    }
}

/// The union of the bounds, when the key is one written column of a type with a range or choice
/// generator. Whether it narrowed.
fn narrow_single_column(
    table: &Table,
    key: &str,
    bounds: &[&str],
    written: &[usize],
    slots: &mut [ColumnSlot],
) -> bool {
    let inner = key.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')')).unwrap_or("").trim();
    let (column, fold) = folded_column(inner);
    let Some(slot) = written.iter().position(|&c| table.columns[c].name == column) else { return false };
    let kind = table.columns[written[slot]].ty.base_kind().clone();
    let narrowed = match (key.starts_with("LIST"), fold) {
        (true, fold) => list_choice(bounds, &kind).and_then(|choice| keep_fixed_points(choice, fold)),
        (false, None) => range_generator(bounds, &kind).or_else(|| text_lower_bounds(bounds, &kind)),
        (false, Some(_)) => None,
    };
    match narrowed {
        Some(generator) => {
            slots[slot].generator = generator;
            true
        }
        None => false,
    }
}

/// A case-folding function of the key.
type Fold = fn(&str) -> String;

/// The key's column, and the case folding applied to it (`lower(name)`, `upper((code)::text)`).
fn folded_column(inner: &str) -> (&str, Option<Fold>) {
    let folds: [(&str, Fold); 2] = [("lower(", str::to_lowercase), ("upper(", str::to_uppercase)];
    for (function, fold) in folds {
        if let Some(argument) = inner.strip_prefix(function).and_then(|rest| rest.strip_suffix(')')) {
            let argument = argument.strip_suffix("::text").unwrap_or(argument);
            return (argument.trim_matches(['(', ')']).trim_matches('"'), Some(fold));
        }
    }
    (inner.trim_matches('"'), None)
}

/// For a folded key (`LIST (lower(name))`), the column's values must come out of the folding
/// unchanged: the listed values that do (`alice`, not `Alice`) are the column's choice.
fn keep_fixed_points(choice: ColumnGen, fold: Option<Fold>) -> Option<ColumnGen> {
    let Some(fold) = fold else { return Some(choice) };
    let ColumnGen::Choice { values, .. } = choice else { return None };
    let values: Vec<Value> = values.into_iter().filter(|v| matches!(v, Value::Text(t) if fold(t) == *t)).collect();
    (!values.is_empty()).then_some(ColumnGen::Choice { values, cumulative: vec![] })
}

/// `FOR VALUES IN ('a', 'b')` of every partition, as one choice.
fn list_choice(bounds: &[&str], kind: &TypeKind) -> Option<ColumnGen> {
    let mut values = Vec::new();
    for bound in bounds {
        let inside = bound.strip_prefix("FOR VALUES IN (")?.strip_suffix(')')?;
        for literal in split_literals(inside) {
            if literal != "NULL" {
                values.push(literal_value(&literal, kind)?);
            }
        }
    }
    (!values.is_empty()).then_some(ColumnGen::Choice { values, cumulative: vec![] })
}

/// `FOR VALUES FROM (a) TO (b)` of every partition, as one range of the key's generator.
fn range_generator(bounds: &[&str], kind: &TypeKind) -> Option<ColumnGen> {
    let mut ranges: Vec<(i64, i64)> = bounds.iter().map(|b| parse_range(b, kind)).collect::<Option<_>>()?;
    ranges.sort();
    let contiguous = ranges.windows(2).all(|w| w[0].1 == w[1].0);
    let (lo, hi) = if contiguous {
        (ranges.first()?.0, ranges.last()?.1)
    } else {
        *ranges.iter().max_by_key(|(a, b)| b.saturating_sub(*a))?
    };
    let (unit, step) = match kind {
        TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8 => {
            return Some(ColumnGen::Int { lo, hi: hi - 1, spread: IntSpread::Uniform });
        }
        TypeKind::Date => (MomentUnit::Date, 1),
        TypeKind::Timestamp | TypeKind::TimestampTz => (MomentUnit::Timestamp, 1_000_000),
        _ => return None,
    };
    Some(ColumnGen::Moment { lo, hi: hi - step, unit })
}

/// Text ranges (`FROM ('a') TO ('m')`): a choice among the partitions' lower bounds, the one
/// value each range surely holds whatever the collation.
fn text_lower_bounds(bounds: &[&str], kind: &TypeKind) -> Option<ColumnGen> {
    if !matches!(kind, TypeKind::Text | TypeKind::Varchar(_)) {
        return None;
    }
    let mut values = Vec::new();
    for bound in bounds {
        let from = bound.strip_prefix("FOR VALUES FROM (")?.split_once(") TO (")?.0;
        let literal = split_literals(from).into_iter().next()?;
        if literal != "MINVALUE" {
            values.push(Value::Text(literal));
        }
    }
    (!values.is_empty()).then_some(ColumnGen::Choice { values, cumulative: vec![] })
}

/// A range bound in the generator's units (ints, days, micros); MINVALUE/MAXVALUE become wide ends.
fn parse_range(bound: &str, kind: &TypeKind) -> Option<(i64, i64)> {
    let rest = bound.strip_prefix("FOR VALUES FROM (")?;
    let (from, to) = rest.split_once(") TO (")?;
    let to = to.strip_suffix(')')?;
    Some((range_end(from, kind, true)?, range_end(to, kind, false)?))
}

fn range_end(text: &str, kind: &TypeKind, lower: bool) -> Option<i64> {
    let literal = split_literals(text).into_iter().next()?;
    match literal.as_str() {
        "MINVALUE" => return Some(if lower { -1_000_000 } else { 0 }),
        "MAXVALUE" => return Some(if lower { 0 } else { 1_000_000 }),
        _ => {}
    }
    match literal_value(&literal, kind)? {
        Value::Int(i) => Some(i),
        Value::Date(d) => Some(i64::from(d)),
        Value::Timestamp(t) => Some(t),
        _ => None,
    }
}

fn literal_value(literal: &str, kind: &TypeKind) -> Option<Value> {
    match kind {
        TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8 => literal.parse().ok().map(Value::Int),
        // Bounds print with the zone: `'1999-01-01 00:00:00+00'`.
        TypeKind::Timestamp => parse_timestamp(literal, false).map(Value::Timestamp),
        TypeKind::TimestampTz => parse_timestamp(literal, true).map(Value::Timestamp),
        _ => string_value(kind, literal).ok(),
    }
}

/// `'a', 'it''s', 3` -> [a, it's, 3]: quotes removed, NULL and bare words kept as written.
fn split_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                chars.next();
                current.push('\'');
            }
            '\'' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse_into_values_and_ranges() {
        assert_eq!(split_literals("'a', 'it''s', 3"), vec!["a", "it's", "3"]);
        let list = list_choice(&["FOR VALUES IN (2021)", "FOR VALUES IN (1981, 1997)"], &TypeKind::Int4);
        assert_eq!(
            list,
            Some(ColumnGen::Choice {
                values: vec![Value::Int(2021), Value::Int(1981), Value::Int(1997)],
                cumulative: vec![]
            })
        );
        let range =
            range_generator(&["FOR VALUES FROM (1) TO (100)", "FOR VALUES FROM (100) TO (200)"], &TypeKind::Int8);
        assert_eq!(range, Some(ColumnGen::Int { lo: 1, hi: 199, spread: IntSpread::Uniform }));
        let gap = range_generator(&["FOR VALUES FROM (1) TO (10)", "FOR VALUES FROM (50) TO (200)"], &TypeKind::Int8);
        assert_eq!(gap, Some(ColumnGen::Int { lo: 50, hi: 199, spread: IntSpread::Uniform }));
    }

    #[test]
    fn hash_sets_are_complete_when_the_shares_add_up() {
        let bound = |m: u32, r: u32| format!("FOR VALUES WITH (modulus {m}, remainder {r})");
        let (half, q1, q3, q2) = (bound(2, 0), bound(4, 1), bound(4, 3), bound(4, 2));
        assert!(hash_complete(&[&half, &q1, &q3]));
        assert!(!hash_complete(&[&half, &q1]));
        assert!(!hash_complete(&[&q1, &q2]));
        assert!(hash_complete(&[&q1, "DEFAULT"]));
    }

    #[test]
    fn folded_list_keys_keep_the_values_folding_leaves_alone() {
        assert_eq!(folded_column("lower(name)").0, "name");
        assert_eq!(folded_column("upper((code)::text)").0, "code");
        assert_eq!(folded_column("\"Region\"").0, "Region");
        let choice = list_choice(&["FOR VALUES IN ('alice', 'Bob')"], &TypeKind::Text).expect("a choice");
        let kept = keep_fixed_points(choice, folded_column("lower(name)").1);
        assert_eq!(kept, Some(ColumnGen::Choice { values: vec![Value::Text("alice".into())], cumulative: vec![] }));
    }
}
