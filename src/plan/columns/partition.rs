//! Partition bounds shape the partition key: every generated row must have a partition to go to.
//!
//! For a partitioned table keyed on one column: a `DEFAULT` partition takes anything, so nothing
//! changes; `LIST` partitions make the key a choice among their values; `RANGE` partitions make it
//! a range (the union when they are contiguous, otherwise the widest one). Multi-column and
//! expression keys are noted in the plan and left alone. Sub-partitions narrow their own keys.

use crate::generate::column::{ColumnGen, IntSpread, MomentUnit};
use crate::generate::table::ColumnSlot;
use crate::generate::value::Value;
use std::collections::BTreeMap;

use crate::schema::{Schema, Table, TypeKind};

use super::settings::string_value;

/// Narrows the key columns' generators of `table` (partitioned) to its partitions' bounds, level
/// by level: sub-partitioned partitions narrow their own key column too, the bounds of siblings
/// partitioned on the same key taken together. A row can still pair a value of one branch with
/// a value of another (`2023` with a channel only `2024` lists); the row check built from the
/// leaves' constraints (see `plan::keys`) regenerates those.
pub fn apply_bounds(
    table: &Table,
    schema: &Schema,
    written: &[usize],
    slots: &mut [ColumnSlot],
    notes: &mut Vec<String>,
) {
    let mut level = vec![table];
    while !level.is_empty() {
        let mut by_key: BTreeMap<&str, Vec<&Table>> = BTreeMap::new();
        let mut next = Vec::new();
        for parent in level {
            let Some(key) = parent.partition_key.as_deref() else { continue };
            let partitions = schema.partitions_of(&parent.name);
            next.extend(partitions.iter().copied());
            by_key.entry(key).or_default().extend(partitions);
        }
        for (key, partitions) in by_key {
            narrow_key(table, key, &partitions, written, slots, notes);
        }
        level = next;
    }
}

/// Narrows the generator of the column `key` (`LIST (channel)`) names to `partitions`' bounds.
fn narrow_key(
    table: &Table,
    key: &str,
    partitions: &[&Table],
    written: &[usize],
    slots: &mut [ColumnSlot],
    notes: &mut Vec<String>,
) {
    let bounds: Vec<&str> = partitions.iter().filter_map(|p| p.partition_bound.as_deref()).collect();
    if bounds.is_empty() || bounds.contains(&"DEFAULT") || key.starts_with("HASH") {
        return;
    }
    let column = key.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')')).unwrap_or("").trim();
    let column = column.trim_matches('"');
    let Some(slot) = written.iter().position(|&c| table.columns[c].name == column) else {
        notes.push(format!("partition key `{key}` is not a single column: rows may fall outside every partition"));
        return;
    };
    let kind = table.columns[written[slot]].ty.base_kind().clone();
    let narrowed = if key.starts_with("LIST") { list_choice(&bounds, &kind) } else { range_generator(&bounds, &kind) };
    match narrowed {
        Some(generator) => slots[slot].generator = generator,
        None => {
            notes.push(format!("partition bounds of `{key}` are not understood: rows may fall outside every partition"))
        }
    }
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
}
