//! Rows a composite unique key drives, created in key order: the planner's half of
//! [`crate::generate::ascending`].
//!
//! A table whose parents a unique key picks (`UNIQUE (social_post_id, social_account_id)`,
//! `UNIQUE (post_id, position)`, `UNIQUE (tag_id, previous_version_id)`) gets its parents from a
//! [`UniqueDriver`]'s digits, not from a picker the creation rule can bound. Where the table has
//! a creation column, the driver's digits ascend with the row instead of being permuted: a lead
//! parent at the row's share of its table, the other parents created before the row, and a
//! self-reference an earlier row. Then every row follows its parents and its creation moment
//! still grows with its key. Decided once per table; `infer = false` on the lead FK's column
//! keeps the permuted digits.

use crate::generate::ascending::{Ascending, DigitKind, most_per_lead};
use crate::generate::table::{ColumnSlot, FkGen, Picker, UniqueDriver};
use crate::generate::time::Creation;
use crate::profile::TableSettings;

use super::super::columns::infers;

/// What [`ascend`] reads of the table being planned.
pub struct Table<'a> {
    /// The table's position in the plan and its rows.
    pub t: usize,
    pub rows: u64,
    pub slots: &'a [ColumnSlot],
    pub fks: &'a [FkGen],
    pub settings: Option<&'a TableSettings>,
}

/// Makes each driver that picks a parent of the creation column ascend with the row, pushing one
/// `inferred` line per driver.
pub fn ascend(table: &Table, creation: &Creation, drivers: &mut [UniqueDriver], inferred: &mut Vec<String>) {
    for (d, driver) in drivers.iter_mut().enumerate() {
        if driver.per_parent {
            continue;
        }
        let parts: Vec<Option<usize>> = (0..driver.radices.len()).map(|p| digit_fk(table.fks, d, p)).collect();
        let kinds: Vec<DigitKind> = parts.iter().map(|f| kind(table, creation, *f)).collect();
        let Some(lead) = lead(driver, &kinds, table.rows) else { continue };
        let Some(lead_fk) = parts[lead] else { continue };
        let Some(column) = fk_column(table, lead_fk) else { continue };
        if !infers(table.settings, column) {
            continue;
        }
        let numbered = driver.in_order.then_some(1).filter(|&n| n != lead);
        let key = creation.key.derive("ascending digits").derive(&d.to_string());
        driver.ascending = Some(Ascending { rows: table.rows, lead, numbered, kinds: kinds.clone(), key });
        let names: Vec<&str> = parts.iter().flatten().filter_map(|&f| fk_column(table, f)).collect();
        inferred.push(format!("{} picked in creation order (a unique key picks them)", names.join(", ")));
        for (part, kind) in parts.iter().zip(&kinds) {
            if let (Some(f), DigitKind::Earlier) = (part, kind) {
                follows_every_row(table, *f, inferred);
            }
        }
    }
}

/// The FK a driver's digit picks, if it is one.
fn digit_fk(fks: &[FkGen], driver: usize, position: usize) -> Option<usize> {
    fks.iter()
        .position(|fk| matches!(fk.picker, Picker::Digit { driver: d, position: p } if d == driver && p == position))
}

fn kind(table: &Table, creation: &Creation, fk: Option<usize>) -> DigitKind {
    match fk.filter(|f| creation.parents.contains(f)) {
        Some(f) if table.fks[f].parent == table.t => DigitKind::Earlier,
        Some(_) => DigitKind::Before,
        None => DigitKind::Uniform,
    }
}

/// The digit that can grow with the row: in a position key, the container; else the parent with
/// a creation column and the most rows, when it has at least as many as the table (so it alone
/// keeps combinations apart).
fn lead(driver: &UniqueDriver, kinds: &[DigitKind], rows: u64) -> Option<usize> {
    if driver.in_order {
        let [parents, positions] = driver.radices.as_slice() else { return None };
        let fits = *positions >= most_per_lead(*parents, rows);
        return (kinds.first() == Some(&DigitKind::Before) && fits).then_some(0);
    }
    (0..kinds.len())
        .filter(|&p| kinds[p] == DigitKind::Before && driver.radices[p] >= rows)
        .max_by_key(|&p| driver.radices[p])
}

fn fk_column<'a>(table: &Table<'a>, f: usize) -> Option<&'a str> {
    let &(child, _) = table.fks.get(f)?.pairs.first()?;
    Some(table.slots.get(child)?.name.as_str())
}

/// A self-reference now always points at an earlier row: its creation line loses the caveat
/// `time::creation` gave it.
fn follows_every_row(table: &Table, f: usize, inferred: &mut [String]) {
    let Some(column) = fk_column(table, f) else { return };
    for line in inferred.iter_mut() {
        if line.ends_with(&format!("via {column}{}", super::LATER_ROWS)) {
            line.truncate(line.len() - super::LATER_ROWS.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::StreamKey;

    fn driver(radices: Vec<u64>) -> UniqueDriver {
        UniqueDriver::new(radices, false, StreamKey(1))
    }

    #[test]
    fn the_lead_is_the_largest_created_parent_that_covers_the_rows() {
        let kinds = [DigitKind::Before, DigitKind::Before, DigitKind::Uniform];
        assert_eq!(lead(&driver(vec![300, 1500, 9000]), &kinds, 200), Some(1));
        assert_eq!(lead(&driver(vec![100, 150, 9000]), &kinds, 200), None, "no created parent covers the rows");
        assert_eq!(lead(&driver(vec![300, 10]), &[DigitKind::Earlier, DigitKind::Before], 200), None);
    }

    #[test]
    fn a_position_key_leads_with_its_container() {
        let in_order = UniqueDriver::in_order(vec![70, 3], StreamKey(1));
        assert_eq!(lead(&in_order, &[DigitKind::Before, DigitKind::Uniform], 200), Some(0));
        assert_eq!(lead(&in_order, &[DigitKind::Uniform, DigitKind::Uniform], 200), None);
        let too_few_positions = UniqueDriver::in_order(vec![70, 2], StreamKey(1));
        assert_eq!(lead(&too_few_positions, &[DigitKind::Before, DigitKind::Uniform], 200), None);
    }
}
