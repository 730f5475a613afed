//! CHECK constraints shape generators: satisfied by construction, not by retrying rows.
//!
//! `schema::check` turns each constraint (and each domain's checks, where the column is `VALUE`)
//! into restrictions; this module narrows the column generators accordingly: an `IN` list becomes a
//! choice, bounds intersect the numeric or time range, `length()` bounds the text, a regex becomes
//! a pattern generator, `b > a` makes `b` follow `a`, a choice between NULL patterns makes the
//! columns take turns ([`super::turns`]). What is not understood is noted in the plan.

use crate::generate::column::{ColumnGen, MomentUnit, REFERENCE_DAY, REFERENCE_MICROS};
use crate::generate::table::ColumnSlot;
use crate::generate::time::GapSpread;
use crate::generate::value::{MICROS_PER_DAY, Value};
use crate::schema::check::{self, Bound, CompareOp, Restriction};
use crate::schema::{Table, TypeKind};

use super::{turns, value_for_column};

/// Where the plan's lines about CHECKs go: `notes` for what is not understood, `inferred` for
/// the rules construction follows (columns that take turns).
pub struct Found<'a> {
    pub notes: &'a mut Vec<String>,
    pub inferred: &'a mut Vec<String>,
}

/// A restriction, with the slot `VALUE` stands for in a domain check and the constraint it
/// comes from.
struct Stated {
    restriction: Restriction,
    domain_slot: Option<usize>,
    source: String,
}

/// Narrows `slots` (aligned with `written`) by every CHECK of the table and its columns' domains.
/// `now()` in a CHECK stands for the reference moment `now` (the profile's, else the built-in).
pub fn apply_checks(table: &Table, written: &[usize], slots: &mut [ColumnSlot], out: &mut Found, now: Option<i64>) {
    let mut found: Vec<Stated> = Vec::new();
    for constraint in &table.checks {
        let expr = constraint.parse().ok();
        out.inferred.extend(inlined(constraint, expr.as_ref()));
        let applied = analyze_into(expr, None, &constraint.name, &mut found);
        note_understanding(out.notes, &constraint.name, &constraint.definition, applied);
    }
    for (slot, &c) in written.iter().enumerate() {
        let column = &table.columns[c];
        for (domain, checks) in domain_checks(&column.ty) {
            for definition in checks {
                let name = format!("domain {domain} of {}", column.name);
                let applied = analyze_into(check::parse(definition).ok(), Some(slot), &name, &mut found);
                note_understanding(out.notes, &name, definition, applied);
            }
        }
    }
    let lines = narrow_all(table, written, slots, &found, now.unwrap_or(REFERENCE_MICROS));
    out.inferred.extend(lines);
}

/// The plan's line for a CHECK that calls the schema's SQL functions and is read through their
/// bodies (`CHECK (app.is_valid_slug(slug))`).
fn inlined(constraint: &crate::schema::CheckConstraint, expr: Option<&check::Expr>) -> Option<String> {
    let original = check::parse(&constraint.definition).ok()?;
    if constraint.functions.is_empty() || Some(&original) == expr {
        return None;
    }
    let names: Vec<String> = constraint.functions.iter().map(|f| format!("{}()", f.name)).collect();
    Some(format!("CHECK {} calls {}: read through the SQL body", constraint.name, names.join(", ")))
}

/// Narrows `slots` by one more expression (a leaf partition's constraint); `None` when it does not
/// parse, else whether it is fully understood.
pub fn apply_expression(table: &Table, written: &[usize], slots: &mut [ColumnSlot], definition: &str) -> Option<bool> {
    let mut found = Vec::new();
    let understood = analyze_into(check::parse(definition).ok(), None, "partition bounds", &mut found)?;
    narrow_all(table, written, slots, &found, REFERENCE_MICROS);
    Some(understood)
}

/// Applies the restrictions found, each to the slot of the column it names; `now` (micros) is the
/// moment `now()` stands for. Choices between NULL patterns come last, once every column's values
/// are narrowed by what holds on every row (see [`turns`]); returns the plan's lines about them.
fn narrow_all(table: &Table, written: &[usize], slots: &mut [ColumnSlot], found: &[Stated], now: i64) -> Vec<String> {
    let slot_of = |name: &str| written.iter().position(|&c| table.columns[c].name == name);
    // Bounds from several CHECKs on one column (`stock >= -3`, `stock < 0`) are intersected
    // first, then meet the generator's default range once.
    let mut ranges: Vec<(usize, Option<Bound>, Option<Bound>)> = Vec::new();
    let mut groups: Vec<turns::Group> = Vec::new();
    for Stated { restriction, domain_slot, source } in found {
        let resolve = |name: &str| match domain_slot {
            Some(slot) if name.eq_ignore_ascii_case("value") => Some(*slot),
            _ => slot_of(name),
        };
        let branches = domain_slot.is_none().then(|| turns::branches(restriction)).flatten();
        if let Some(branches) = branches
            && turns::add(&mut groups, source, branches).is_some()
        {
            continue;
        }
        match restriction {
            Restriction::Range { column, min, max, .. } => {
                if let Some(slot) = resolve(column) {
                    merge_range(&mut ranges, slot, min.as_ref(), max.as_ref());
                }
            }
            _ => apply(restriction, table, written, slots, &resolve, now),
        }
    }
    for (slot, min, max) in ranges {
        narrow_range(&mut slots[slot].generator, min.as_ref(), max.as_ref());
    }
    // A pattern applied after a `length()` bound starts from the type's limit: bound it again.
    for stated in found.iter().filter(|s| s.domain_slot.is_none()) {
        if let Restriction::Length { column, min, max, .. } = &stated.restriction
            && let Some(slot) = slot_of(column)
            && matches!(slots[slot].generator, ColumnGen::Pattern { .. })
        {
            narrow_length(&mut slots[slot].generator, *min, *max);
        }
    }
    let always_present: Vec<usize> = found
        .iter()
        .filter_map(|stated| match &stated.restriction {
            Restriction::NotNull { column } if stated.domain_slot.is_none() => slot_of(column),
            _ => None,
        })
        .collect();
    let required = |slot: usize| table.columns[written[slot]].not_null || always_present.contains(&slot);
    let narrow = |restriction: &Restriction, slots: &mut [ColumnSlot]| {
        apply(restriction, table, written, slots, &slot_of, now);
    };
    let layout = turns::Layout { resolve: &slot_of, required: &required, narrow: &narrow };
    let lines = groups.iter().filter_map(|group| turns::lay_out(group, slots, &layout)).collect();
    make_room(slots);
    lines
}

/// A column that follows another (`b > a`) stays inside its own span: what it follows is capped
/// so that even the smallest gap fits, through chains (`a < b AND b < c` caps `b`, then `a`).
fn make_room(slots: &mut [ColumnSlot]) {
    for _ in 0..slots.len() {
        let mut changed = false;
        for later in 0..slots.len() {
            let ColumnGen::After { column, min_gap, .. } = slots[later].generator else { continue };
            let Some(span) = slots[later].generator.span() else { continue };
            changed |= slots[column].generator.cap_high(span.kind, span.hi - i128::from(min_gap));
        }
        if !changed {
            return;
        }
    }
}

/// Analyses one parsed CHECK (or domain check, with its column's slot); `None` when it did not
/// parse, else whether it is fully understood.
fn analyze_into(
    expr: Option<check::Expr>,
    domain_slot: Option<usize>,
    source: &str,
    found: &mut Vec<Stated>,
) -> Option<bool> {
    let analysis = check::restrictions(&expr?);
    let stated = |restriction| Stated { restriction, domain_slot, source: source.to_string() };
    found.extend(analysis.restrictions.into_iter().map(stated));
    Some(analysis.fully_understood)
}

fn merge_range(
    ranges: &mut Vec<(usize, Option<Bound>, Option<Bound>)>,
    slot: usize,
    min: Option<&Bound>,
    max: Option<&Bound>,
) {
    let at = match ranges.iter().position(|(s, _, _)| *s == slot) {
        Some(at) => at,
        None => {
            ranges.push((slot, None, None));
            ranges.len() - 1
        }
    };
    let entry = &mut ranges[at];
    entry.1 = tighter(entry.1.take(), min, true);
    entry.2 = tighter(entry.2.take(), max, false);
}

/// The tighter of two bounds: the larger minimum or the smaller maximum (exclusive wins a tie).
fn tighter(current: Option<Bound>, new: Option<&Bound>, lower: bool) -> Option<Bound> {
    let Some(new) = new else { return current };
    let Some(old) = current else { return Some(new.clone()) };
    let (Some(a), Some(b)) = (bound_number(&old.value), bound_number(&new.value)) else { return Some(old) };
    let new_wins = if lower { b > a } else { b < a } || (a == b && !new.inclusive);
    Some(if new_wins { new.clone() } else { old })
}

fn bound_number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Decimal { digits, scale } => Some(*digits as f64 / 10f64.powi(i32::from(*scale))),
        Value::Date(d) => Some(f64::from(*d)),
        Value::Timestamp(t) | Value::Time(t) => Some(*t as f64),
        Value::Interval { .. } => value.interval_micros().map(|m| m as f64),
        _ => None,
    }
}

/// The checks of a column's domain and of the domains it is built on, outermost first.
pub fn domain_checks(ty: &crate::schema::PgType) -> Vec<(&str, &[String])> {
    match &ty.kind {
        TypeKind::Domain { base, checks, .. } => {
            let mut all = vec![(ty.name.as_str(), checks.as_slice())];
            all.extend(domain_checks(base));
            all
        }
        _ => vec![],
    }
}

fn note_understanding(notes: &mut Vec<String>, name: &str, definition: &str, applied: Option<bool>) {
    match applied {
        Some(true) => {}
        Some(false) => notes.push(format!("CHECK {name} is partly understood: {definition}")),
        None => notes.push(format!("CHECK {name} is not understood: {definition}")),
    }
}

fn apply(
    restriction: &Restriction,
    table: &Table,
    written: &[usize],
    slots: &mut [ColumnSlot],
    resolve: &dyn Fn(&str) -> Option<usize>,
    now: i64,
) {
    use Restriction::*;
    match restriction {
        OneOf { column, values, .. } => with_slot(resolve, column, |s| {
            let ty = &table.columns[written[s]].ty;
            let values = values.iter().map(|v| value_for_column(ty, v)).collect();
            slots[s].generator = ColumnGen::Choice { values, cumulative: vec![] };
        }),
        Range { column, min, max, .. } => {
            with_slot(resolve, column, |s| narrow_range(&mut slots[s].generator, min.as_ref(), max.as_ref()))
        }
        Length { column, min, max, .. } => {
            with_slot(resolve, column, |s| narrow_length(&mut slots[s].generator, *min, *max))
        }
        Pattern { column, regex, .. } => with_slot(resolve, column, |s| {
            if !matches!(slots[s].generator, ColumnGen::Choice { .. } | ColumnGen::Fixed(_)) {
                // The pattern bounds the length itself (a 40-character hash is longer than a
                // word); the type's limit, and `length()` checks (applied again last), still hold.
                let max = table.columns[written[s]].ty.max_length().unwrap_or(PATTERN_MAX);
                slots[s].generator = ColumnGen::Pattern { pattern: check::Pattern::new(regex), max };
            }
        }),
        NotEqual { column, value, .. } => with_slot(resolve, column, |s| exclude(&mut slots[s].generator, value)),
        NotBlank { column, .. } => {
            with_slot(resolve, column, |s| narrow_length(&mut slots[s].generator, Some(1), None))
        }
        Compare { left, op, right, .. } => order_columns(resolve, slots, left, *op, right),
        NonNulls { columns, min, max } => {
            let keep = (*min).max(1).min(*max);
            for (i, column) in columns.iter().enumerate() {
                with_slot(resolve, column, |s| slots[s].null_rate = if i < keep { 0.0 } else { 1.0 });
            }
        }
        NullPatterns { columns, allowed } => {
            if let Some(pattern) = allowed.iter().max_by_key(|p| p.iter().filter(|b| **b).count()) {
                for (column, present) in columns.iter().zip(pattern) {
                    with_slot(resolve, column, |s| slots[s].null_rate = if *present { 0.0 } else { 1.0 });
                }
            }
        }
        NotNull { column } => with_slot(resolve, column, |s| slots[s].null_rate = 0.0),
        MaxCardinality { column, max, .. } => with_slot(resolve, column, |s| {
            if let ColumnGen::Array { max: m, min, .. } = &mut slots[s].generator {
                *m = (*m).min(*max);
                *min = (*min).min(*m);
            }
        }),
        MinCardinality { column, min, .. } => with_slot(resolve, column, |s| {
            if let ColumnGen::Array { min: m, max, .. } = &mut slots[s].generator {
                *m = (*m).max(*min);
                *max = (*max).max(*m);
            }
        }),
        JsonType { column, kind, .. } => with_slot(resolve, column, |s| {
            if let ColumnGen::Json { array } = &mut slots[s].generator {
                *array = kind == "array";
            }
        }),
        AnyOf { branches } => {
            if let Some(branch) = easiest_branch(branches) {
                for restriction in branch {
                    apply(restriction, table, written, slots, resolve, now);
                }
            }
        }
        NotAfterNow { column, offset, .. } => {
            with_slot(resolve, column, |s| clamp_to_past(&mut slots[s].generator, now, *offset))
        }
        NotBeforeNow { column, .. } => with_slot(resolve, column, |s| push_to_future(&mut slots[s].generator)),
        // Case, NotPattern, AnyOf: our generators produce lowercase ASCII words and ids, which
        // satisfy the common forms; the plan notes the constraint when it is not fully understood.
        _ => {}
    }
}

/// The branch of a disjunction to satisfy on every row: one that only asks for non-NULL values
/// leaves the other columns' distributions whole; otherwise the one with the fewest demands.
fn easiest_branch(branches: &[Vec<Restriction>]) -> Option<&Vec<Restriction>> {
    branches.iter().min_by_key(|branch| {
        let only_not_null = branch.iter().all(|r| matches!(r, Restriction::NotNull { .. }));
        (!only_not_null, branch.len())
    })
}

fn with_slot(resolve: &dyn Fn(&str) -> Option<usize>, column: &str, mut f: impl FnMut(usize)) {
    if let Some(slot) = resolve(column) {
        f(slot);
    }
}

fn narrow_range(generator: &mut ColumnGen, min: Option<&Bound>, max: Option<&Bound>) {
    match generator {
        ColumnGen::Int { lo, hi, .. } => {
            let new_lo = min.and_then(|b| int_bound(b, true)).map_or(*lo, |b| b.max(*lo));
            let new_hi = max.and_then(|b| int_bound(b, false)).map_or(*hi, |b| b.min(*hi));
            (*lo, *hi) =
                reconcile(new_lo, new_hi, min.and_then(|b| int_bound(b, true)), max.and_then(|b| int_bound(b, false)));
        }
        ColumnGen::Decimal { lo, hi, scale } => {
            let unit_bound = |b: &Bound, lower: bool| decimal_bound(b, *scale, lower);
            let bmin = min.and_then(|b| unit_bound(b, true));
            let bmax = max.and_then(|b| unit_bound(b, false));
            let new_lo = bmin.map_or(*lo, |b| b.max(*lo));
            let new_hi = bmax.map_or(*hi, |b| b.min(*hi));
            (*lo, *hi) =
                if new_lo <= new_hi { (new_lo, new_hi) } else { (bmin.unwrap_or(new_hi), bmax.unwrap_or(new_lo)) };
        }
        ColumnGen::Float { lo, hi } => {
            let bmin = min.and_then(float_bound).map(|(v, inclusive)| if inclusive { v } else { v + 1e-3 });
            let bmax = max.and_then(float_bound).map(|(v, inclusive)| if inclusive { v } else { v - 1e-3 });
            let (new_lo, new_hi) = (bmin.map_or(*lo, |b| b.max(*lo)), bmax.map_or(*hi, |b| b.min(*hi)));
            (*lo, *hi) =
                if new_lo <= new_hi { (new_lo, new_hi) } else { (bmin.unwrap_or(new_hi), bmax.unwrap_or(new_lo)) };
        }
        ColumnGen::Moment { lo, hi, unit } => {
            let bmin = min.and_then(|b| moment_bound(b, *unit, true));
            let bmax = max.and_then(|b| moment_bound(b, *unit, false));
            let (new_lo, new_hi) = (bmin.map_or(*lo, |b| b.max(*lo)), bmax.map_or(*hi, |b| b.min(*hi)));
            (*lo, *hi) = reconcile(new_lo, new_hi, bmin, bmax);
        }
        ColumnGen::Interval { lo, hi } => {
            let bmin = min.and_then(|b| interval_bound(b, true));
            let bmax = max.and_then(|b| interval_bound(b, false));
            let (new_lo, new_hi) = (bmin.map_or(*lo, |b| b.max(*lo)), bmax.map_or(*hi, |b| b.min(*hi)));
            (*lo, *hi) = reconcile(new_lo, new_hi, bmin, bmax);
        }
        ColumnGen::Choice { values, .. } => values.retain(|v| within(v, min, max)),
        // A column that follows another keeps its own bounds, for the value to be clamped into.
        ColumnGen::After { fallback, .. } => narrow_range(fallback, min, max),
        _ => {}
    }
}

/// The intersection if it is not empty; otherwise the CHECK's own bounds win over our defaults.
fn reconcile(lo: i64, hi: i64, bound_lo: Option<i64>, bound_hi: Option<i64>) -> (i64, i64) {
    if lo <= hi {
        return (lo, hi);
    }
    match (bound_lo, bound_hi) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => (a, a.saturating_add(1000)),
        (None, Some(b)) => (b.saturating_sub(1000), b),
        (None, None) => (hi, lo),
    }
}

fn int_bound(bound: &Bound, lower: bool) -> Option<i64> {
    let step = if bound.inclusive {
        0
    } else if lower {
        1
    } else {
        -1
    };
    match &bound.value {
        Value::Int(i) => Some(i + step),
        Value::Decimal { digits, scale } => {
            let unit = 10i128.pow(u32::from(*scale));
            let whole = if lower { div_ceil(*digits, unit) } else { digits.div_euclid(unit) };
            let exact = digits % unit == 0;
            i64::try_from(whole + if exact { i128::from(step) } else { 0 }).ok()
        }
        Value::Float(f) => {
            let whole = if lower { f.ceil() } else { f.floor() } as i64;
            Some(if whole as f64 == *f { whole + step } else { whole })
        }
        _ => None,
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    -((-a).div_euclid(b))
}

fn decimal_bound(bound: &Bound, scale: u16, lower: bool) -> Option<i128> {
    let target = 10i128.pow(u32::from(scale));
    let digits = match &bound.value {
        Value::Int(i) => i128::from(*i) * target,
        Value::Decimal { digits, scale: s } => {
            let from = 10i128.pow(u32::from(*s));
            if *s <= scale {
                digits * (target / from)
            } else if lower {
                div_ceil(*digits, from / target)
            } else {
                digits.div_euclid(from / target)
            }
        }
        Value::Float(f) => (f * target as f64).round() as i128,
        _ => return None,
    };
    let step = if bound.inclusive {
        0
    } else if lower {
        1
    } else {
        -1
    };
    Some(digits + step)
}

fn float_bound(bound: &Bound) -> Option<(f64, bool)> {
    let value = match &bound.value {
        Value::Int(i) => *i as f64,
        Value::Decimal { digits, scale } => *digits as f64 / 10f64.powi(i32::from(*scale)),
        Value::Float(f) => *f,
        _ => return None,
    };
    Some((value, bound.inclusive))
}

fn moment_bound(bound: &Bound, unit: MomentUnit, lower: bool) -> Option<i64> {
    let (value, step) = match (&bound.value, unit) {
        (Value::Date(d), MomentUnit::Date) => (i64::from(*d), 1),
        (Value::Date(d), MomentUnit::Timestamp) => (i64::from(*d) * MICROS_PER_DAY, 1_000_000),
        (Value::Timestamp(t), MomentUnit::Timestamp) => (*t, 1_000_000),
        (Value::Timestamp(t), MomentUnit::Date) => (t.div_euclid(MICROS_PER_DAY), 1),
        (Value::Time(t), MomentUnit::Time) => (*t, 1_000_000),
        _ => return None,
    };
    let offset = if bound.inclusive {
        0
    } else if lower {
        step
    } else {
        -step
    };
    Some(value + offset)
}

/// An interval bound in microseconds; an exclusive one moves a second inside (values are whole
/// seconds).
fn interval_bound(bound: &Bound, lower: bool) -> Option<i64> {
    let micros = i64::try_from(bound.value.interval_micros()?).ok()?;
    let step = match (bound.inclusive, lower) {
        (true, _) => 0,
        (false, true) => 1_000_000,
        (false, false) => -1_000_000,
    };
    Some(micros.saturating_add(step))
}

fn within(value: &Value, min: Option<&Bound>, max: Option<&Bound>) -> bool {
    let as_f64 = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Decimal { digits, scale } => Some(*digits as f64 / 10f64.powi(i32::from(*scale))),
        _ => None,
    };
    let Some(x) = as_f64(value) else { return true };
    let ok_min = min.is_none_or(|b| as_f64(&b.value).is_none_or(|m| if b.inclusive { x >= m } else { x > m }));
    let ok_max = max.is_none_or(|b| as_f64(&b.value).is_none_or(|m| if b.inclusive { x <= m } else { x < m }));
    ok_min && ok_max
}

fn narrow_length(generator: &mut ColumnGen, min: Option<u32>, max: Option<u32>) {
    match generator {
        ColumnGen::Text { min: lo, max: hi, .. } => {
            if let Some(max) = max {
                *hi = (*hi).min(max);
            }
            if let Some(min) = min {
                *lo = (*lo).max(min);
            }
            if *lo > *hi {
                *hi = max.unwrap_or(*lo).max(*lo);
            }
        }
        ColumnGen::Pattern { max: hi, .. } => {
            if let Some(max) = max {
                *hi = (*hi).min(max);
            }
        }
        ColumnGen::Choice { values, .. } => values.retain(|v| {
            let n = v.as_text().map_or(0, |t| t.chars().count()) as u32;
            min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
        }),
        _ => {}
    }
}

/// The longest value a pattern's generator makes for a column of unlimited length.
const PATTERN_MAX: u32 = 255;

fn exclude(generator: &mut ColumnGen, value: &Value) {
    match generator {
        ColumnGen::Choice { values, cumulative } => {
            values.retain(|v| v != value);
            cumulative.clear();
        }
        ColumnGen::Text { min, .. } if value.as_text() == Some("") => *min = (*min).max(1),
        _ => {}
    }
}

/// `later op earlier`: the later column follows the earlier one by a positive gap.
fn order_columns(
    resolve: &dyn Fn(&str) -> Option<usize>,
    slots: &mut [ColumnSlot],
    left: &str,
    op: CompareOp,
    right: &str,
) {
    let (later, earlier, strict) = match op {
        CompareOp::Gt => (left, right, true),
        CompareOp::Ge => (left, right, false),
        CompareOp::Lt => (right, left, true),
        CompareOp::Le => (right, left, false),
        CompareOp::Eq => (left, right, false),
        CompareOp::Ne => (left, right, true),
    };
    let (Some(later), Some(earlier)) = (resolve(later), resolve(earlier)) else {
        return;
    };
    if later == earlier || slots[earlier].generator.depends_on() == Some(later) {
        return;
    }
    // The gap counts in the units of what `earlier` really is, also when it follows a third column.
    let (min_gap, max_gap) = match (slots[earlier].generator.underlying(), op) {
        (_, CompareOp::Eq) => (0, 0),
        (ColumnGen::Moment { unit: MomentUnit::Date, .. }, _) => (i64::from(strict), 30),
        (ColumnGen::Moment { .. }, _) => (if strict { 1_000_000 } else { 0 }, 30 * MICROS_PER_DAY),
        (ColumnGen::Decimal { scale, .. }, _) => (i64::from(strict), 100 * 10i64.pow(u32::from(*scale))),
        _ => (i64::from(strict), 100),
    };
    let fallback = Box::new(slots[later].generator.clone());
    let spread = GapSpread::Uniform;
    slots[later].generator = ColumnGen::After { column: earlier, min_gap, max_gap, fallback, spread };
}

/// A calendar month on average (400 years of the Gregorian calendar), and the days an offset of
/// months is moved by on the safe side.
const DAYS_PER_MONTH: f64 = 30.436_875;
const MONTHS_MARGIN_DAYS: i64 = 3;

/// `col <= now() + offset`: moments end at the reference moment `now` (micros) moved by the
/// offset, its months counted a few days short where they add and long where they take away
/// (calendar months vary), so the bound holds.
fn clamp_to_past(generator: &mut ColumnGen, now: i64, offset: check::Interval) {
    if let ColumnGen::Moment { lo, hi, unit } = generator {
        let months = (f64::from(offset.months.unsigned_abs()) * DAYS_PER_MONTH) as i64;
        let month_days = match offset.months {
            m if m < 0 => -(months + 1 + MONTHS_MARGIN_DAYS),
            m if m > 0 => (months - MONTHS_MARGIN_DAYS).max(0),
            _ => 0,
        };
        let days = month_days + i64::from(offset.days);
        let bound = now.saturating_add(days.saturating_mul(MICROS_PER_DAY)).saturating_add(offset.micros);
        let bound = match unit {
            MomentUnit::Date => bound.div_euclid(MICROS_PER_DAY),
            _ => bound,
        };
        *hi = (*hi).min(bound);
        *lo = (*lo).min(*hi);
    }
}

/// "After now" cannot be pure: we aim ten years past the reference date so it holds for years.
fn push_to_future(generator: &mut ColumnGen) {
    if let ColumnGen::Moment { lo, hi, unit } = generator {
        let (start, year) = match unit {
            MomentUnit::Date => (i64::from(REFERENCE_DAY) + 3650, 365),
            _ => (REFERENCE_MICROS + 3650 * MICROS_PER_DAY, 365 * MICROS_PER_DAY),
        };
        *lo = start;
        *hi = start + year;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(unit: MomentUnit) -> ColumnGen {
        ColumnGen::Moment { lo: 0, hi: i64::MAX / 2, unit }
    }

    #[test]
    fn not_after_now_ends_at_the_reference_moment_moved_by_the_offset() {
        let now = REFERENCE_MICROS + 400 * MICROS_PER_DAY;
        let mut timestamp = moment(MomentUnit::Timestamp);
        clamp_to_past(&mut timestamp, now, check::Interval::default());
        assert_eq!(timestamp, ColumnGen::Moment { lo: 0, hi: now, unit: MomentUnit::Timestamp });
        let mut date = moment(MomentUnit::Date);
        let adult = check::Interval { months: -216, days: 0, micros: 0 };
        clamp_to_past(&mut date, now, adult);
        let ColumnGen::Moment { hi, .. } = date else { unreachable!() };
        let eighteen_years = 18 * 365 + 4;
        assert!(hi <= i64::from(REFERENCE_DAY) + 400 - eighteen_years, "18 years before now at most: {hi}");
        assert!(hi > i64::from(REFERENCE_DAY) + 400 - eighteen_years - 7, "not far before: {hi}");
        let mut month_ahead = moment(MomentUnit::Date);
        clamp_to_past(&mut month_ahead, now, check::Interval { months: 1, days: 0, micros: 0 });
        let ColumnGen::Moment { hi, .. } = month_ahead else { unreachable!() };
        assert!(hi <= i64::from(REFERENCE_DAY) + 400 + 28, "within February's month: {hi}");
    }
}
