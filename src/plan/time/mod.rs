//! Time runs forward: which moments of a row follow which, and which rows follow their parents.
//!
//! Decided here once per table, kept per row by `generate::time` (so rows stay cheap):
//!
//! - [`order_in_row`]: a column whose name places it later in the row's lifecycle ([`names`])
//!   follows the earlier one with a long-tailed gap (`updated_at` after `created_at`, `ends_at`
//!   after `starts_at`). It builds on the `After` generator a `b > a` CHECK makes; a CHECK that
//!   orders the column after another one says more and wins.
//! - [`creation`]: a table's creation column becomes a [`Creation`]: moments grow with the row
//!   index and come after the creation moment of every parent row the row references (earlier
//!   tables and self-references).
//! - [`back_edges`]: a cycle's back edge (an FK into a later table) picks a parent created at or
//!   before the row instead, else one created with it (the cycle's equal moments).
//!
//! - [`status`]: a moment a status or flag names is set exactly when the status says so.
//!
//! - [`declared`]: the same rules, where a profile declares them (`after`, `when`).
//!
//! Every rule is listed in the plan (`seed plan`'s `rule` lines) and a column's `infer = false`
//! turns off the rules that shape it.

pub mod ascending;
pub mod back_edges;
pub mod declared;
pub mod names;
pub mod stages;
pub mod status;

use crate::generate::column::{ColumnGen, MomentUnit, REFERENCE_MICROS};
use crate::generate::table::{ColumnSlot, FkGen, Picker, TableGen};
use crate::generate::time::{Creation, GapSpread};
use crate::generate::value::MICROS_PER_DAY;
use crate::profile::TableSettings;

use super::columns::infers;
use names::{Pair, Role};

/// The longest gap between a creation and a later event in its row, in days (the tail's end).
pub(super) const LATER_DAYS: i64 = 365;
/// The longest gap between the two moments of a pair (a start and its end), in days.
const PAIR_DAYS: i64 = 90;

/// A moment column of the row (a date or a timestamp: a date follows a timestamp by days, and a
/// timestamp a date from its midnight): its slot and role.
struct Moment {
    slot: usize,
    role: Role,
}

/// Orders the row's lifecycle moments by their names; one `inferred` line per rule.
/// `keyed[slot]`: the column is part of a unique key, and keeps its own generator.
pub fn order_in_row(
    settings: Option<&TableSettings>,
    slots: &mut [ColumnSlot],
    keyed: &[bool],
    inferred: &mut Vec<String>,
) {
    let moments = moments(slots);
    let is_keyed = |slot: usize| keyed.get(slot).copied().unwrap_or(false);
    let creation = creation_slot(&moments, slots, settings).filter(|&c| !is_keyed(c));
    if let Some(c) = creation {
        slots[c].null_rate = 0.0;
    }
    for moment in &moments {
        let own = is_keyed(moment.slot) || declared(settings, moment.slot, slots);
        if Some(moment.slot) == creation || !infers(settings, &slots[moment.slot].name) || own {
            continue;
        }
        let Some((earlier, days)) = predecessor(moment, &moments, creation) else { continue };
        // Where the earlier moment is NULL, the column still follows the row's creation.
        let beneath = creation.filter(|&c| c != earlier && slots[earlier].generator.depends_on() == Some(c));
        if follow(slots, moment.slot, earlier, days, beneath) {
            inferred.push(format!("{} after {}", slots[moment.slot].name, slots[earlier].name));
        }
    }
}

/// Whether the profile declares the column's order itself (`after`).
fn declared(settings: Option<&TableSettings>, slot: usize, slots: &[ColumnSlot]) -> bool {
    settings.is_some_and(|s| s.columns.iter().any(|c| c.name.name == slots[slot].name && c.after.is_some()))
}

/// The written columns that hold dates or timestamps, with the role their names give them.
fn moments(slots: &[ColumnSlot]) -> Vec<Moment> {
    slots
        .iter()
        .enumerate()
        .filter_map(|(slot, s)| match s.generator.underlying() {
            ColumnGen::Moment { unit: MomentUnit::Date | MomentUnit::Timestamp, .. } => {
                names::role(&s.name).map(|role| Moment { slot, role })
            }
            _ => None,
        })
        .collect()
}

/// The row's creation column: the one the profile declares (`creation = true`), else the first
/// one so named that nothing else shapes.
fn creation_slot(moments: &[Moment], slots: &[ColumnSlot], settings: Option<&TableSettings>) -> Option<usize> {
    let plain = |slot: &usize| matches!(slots[*slot].generator, ColumnGen::Moment { .. });
    let declared = settings.and_then(|s| s.columns.iter().find(|c| c.creation == Some(true)));
    if let Some(column) = declared {
        return slots.iter().position(|s| s.name == column.name.name).filter(plain);
    }
    moments
        .iter()
        .find(|m| m.role == Role::Creation && plain(&m.slot))
        .map(|m| m.slot)
        .filter(|&slot| infers(settings, &slots[slot].name))
}

/// The column `moment` follows, and the longest gap in days: its pair's opening moment, else the
/// row's creation.
fn predecessor(moment: &Moment, moments: &[Moment], creation: Option<usize>) -> Option<(usize, i64)> {
    match &moment.role {
        Role::Creation => None,
        Role::Later { .. } | Role::Opens { .. } => creation.map(|c| (c, LATER_DAYS)),
        Role::Closes { pair, rest, event } => {
            let openers: Vec<&Moment> =
                moments.iter().filter(|m| matches!(&m.role, Role::Opens { pair: p, .. } if p == pair)).collect();
            let partner = openers
                .iter()
                .find(|m| matches!(&m.role, Role::Opens { rest: r, .. } if r == rest))
                .or(if openers.len() == 1 && closers(moments, *pair) == 1 { openers.first() } else { None });
            match partner {
                Some(opener) => Some((opener.slot, PAIR_DAYS)),
                None if names::closes_after_creation(*pair, event) => creation.map(|c| (c, LATER_DAYS)),
                None => None,
            }
        }
    }
}

fn closers(moments: &[Moment], pair: Pair) -> usize {
    moments.iter().filter(|m| matches!(&m.role, Role::Closes { pair: p, .. } if *p == pair)).count()
}

/// Makes `later` follow `earlier` with a long-tailed gap of at most `days`; whether it did. A
/// CHECK's `After` on the same column keeps its minimum gap; one on another column wins.
pub(super) fn follow(
    slots: &mut [ColumnSlot],
    later: usize,
    earlier: usize,
    days: i64,
    beneath: Option<usize>,
) -> bool {
    if reads(slots, earlier, later) {
        return false;
    }
    let unit = match slots[later].generator.underlying() {
        ColumnGen::Moment { unit, .. } => *unit,
        _ => return false,
    };
    let max_gap = match unit {
        MomentUnit::Date => days,
        _ => days * MICROS_PER_DAY,
    };
    match &mut slots[later].generator {
        ColumnGen::After { column, spread, max_gap: gap, .. } if *column == earlier => {
            *spread = GapSpread::Tail;
            *gap = (*gap).max(max_gap);
            true
        }
        ColumnGen::Moment { .. } => {
            let own = Box::new(slots[later].generator.clone());
            let fallback = match beneath {
                Some(creation) => Box::new(ColumnGen::After {
                    column: creation,
                    min_gap: 0,
                    max_gap,
                    fallback: own,
                    spread: GapSpread::Tail,
                }),
                None => own,
            };
            slots[later].generator =
                ColumnGen::After { column: earlier, min_gap: 0, max_gap, fallback, spread: GapSpread::Tail };
            true
        }
        _ => false,
    }
}

/// Whether `slot`'s value is made from `other`'s, directly or through a chain.
fn reads(slots: &[ColumnSlot], slot: usize, other: usize) -> bool {
    let mut at = slot;
    for _ in 0..slots.len() {
        match slots[at].generator.depends_on() {
            Some(next) if next == other => return true,
            Some(next) => at = next,
            None => return false,
        }
    }
    true
}

/// A default generator's moments moved from the built-in reference to the profile's `now`
/// (`None`: kept). Bounds from CHECKs and the profile come later and are not moved.
pub fn at_reference(generator: ColumnGen, now: Option<i64>) -> ColumnGen {
    let Some(delta) = now.map(|now| now - REFERENCE_MICROS) else { return generator };
    match generator {
        ColumnGen::Moment { lo, hi, unit: MomentUnit::Timestamp } => ColumnGen::Moment {
            lo: lo.saturating_add(delta),
            hi: hi.saturating_add(delta),
            unit: MomentUnit::Timestamp,
        },
        ColumnGen::Moment { lo, hi, unit: MomentUnit::Date } => {
            let days = delta.div_euclid(MICROS_PER_DAY);
            ColumnGen::Moment { lo: lo.saturating_add(days), hi: hi.saturating_add(days), unit: MomentUnit::Date }
        }
        other => other,
    }
}

/// The caveat of a self-reference a unique key picks, which may point at a later row (lifted by
/// [`ascending`] where the key's digits ascend with the row).
pub(super) const LATER_ROWS: &str = " where it references an earlier row (a unique key picks the parent)";

/// What a table's creation column needs to know about the table: its position `t` in the plan,
/// its FKs, and the tables built before it.
pub struct CreationContext<'a> {
    pub t: usize,
    /// The table's rows.
    pub rows: u64,
    pub slots: &'a [ColumnSlot],
    /// The table's FKs: one that picks uniformly among a parent with a creation column picks
    /// among the parent rows created before the row instead ([`Picker::Before`]).
    pub fks: &'a mut [FkGen],
    pub built: &'a [TableGen],
    /// Each planned table's plain name, by position.
    pub table_names: &'a [String],
    pub settings: Option<&'a TableSettings>,
    pub key: crate::generate::rng::StreamKey,
}

/// The table's creation column as a [`Creation`] (moments grow with the row index and follow the
/// parents'), with one `inferred` line per parent it follows.
pub fn creation(context: &mut CreationContext, inferred: &mut Vec<String>) -> Option<Creation> {
    let slots = context.slots;
    let moments = moments(slots);
    let slot = creation_slot(&moments, slots, context.settings)?;
    let from_parent = context.fks.iter().any(|fk| fk.pairs.iter().any(|&(child, _)| child == slot));
    if slots[slot].unique.is_some() || from_parent {
        return None;
    }
    let ColumnGen::Moment { lo, hi, unit } = slots[slot].generator else { return None };
    let scale = if unit == MomentUnit::Date { MICROS_PER_DAY } else { 1 };
    let mut parents = Vec::new();
    for (f, fk) in context.fks.iter_mut().enumerate() {
        let parent_creation = match fk.parent {
            p if p == context.t => Some(slot),
            p if p < context.t => context.built.get(p).and_then(|b| b.creation.as_ref()).map(|c| c.slot),
            _ => None,
        };
        let Some(parent_slot) = parent_creation else { continue };
        let parent_column = match fk.parent == context.t {
            true => &slots[parent_slot].name,
            false => &context.built[fk.parent].columns[parent_slot].name,
        };
        let table = context.table_names.get(fk.parent).map_or("?", String::as_str);
        let via: Vec<&str> = fk.pairs.iter().map(|&(child, _)| slots[child].name.as_str()).collect();
        let via = via.join(", ");
        // A self-reference a unique key picks may point at a later row, which cannot be followed.
        let later_rows = fk.parent == context.t
            && !matches!(fk.picker, Picker::Earlier { .. } | Picker::Matching { earlier: true, .. });
        let limit = if later_rows { LATER_ROWS } else { "" };
        inferred.push(format!("{} after {table}.{parent_column} via {via}{limit}", slots[slot].name));
        parents.push(f);
        if let (Picker::Uniform { parents }, None, None) = (&fk.picker, &fk.inherit, &fk.within) {
            fk.picker = Picker::Before { parents: *parents, rows: context.rows };
        }
    }
    Some(Creation {
        slot,
        date: unit == MomentUnit::Date,
        lo: lo.saturating_mul(scale),
        hi: hi.saturating_mul(scale),
        parents,
        key: context.key,
        founder: None,
        back_edges: vec![],
    })
}

#[cfg(test)]
mod tests;
