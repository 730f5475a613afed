//! A unique key of one FK and one column (`customer_tags (team_id, name)`) decides its FK as a
//! digit, so its rows are not laid out per the parent and nothing can pick within a team's tags.
//! Such a key may be laid out instead ([`KeyLayout`]): the FK spreads its rows over the parents
//! in order, and the column's digit numbers each parent's rows, so the key still never repeats
//! (the column's radix is at least the most rows a parent holds, as the key's capacity says).

use crate::generate::TableGen;
use crate::generate::table::Picker;
use crate::generate::tenant::KeyLayout;

/// The parent count of FK `f`, when it is the FK digit of a unique key of itself and one column.
pub(super) fn key_parents(table: &TableGen, f: usize) -> Option<u64> {
    let Picker::Digit { driver, position } = table.fks.get(f)?.picker else { return None };
    let unique = table.drivers.get(driver)?;
    let alone = !table
        .fks
        .iter()
        .enumerate()
        .any(|(g, fk)| g != f && matches!(fk.picker, Picker::Digit { driver: d, .. } if d == driver));
    let plain = !unique.per_parent && !unique.in_order && unique.tenants.is_none() && unique.laid_out.is_none();
    (plain && alone && unique.radices.len() == 2).then(|| unique.radices[position])
}

/// Lays out the key FK `f` of `table` is a digit of (see [`key_parents`]); its picker becomes
/// the spread the caller sets.
pub(super) fn lay_out(table: &mut TableGen, f: usize) {
    let Some(parents) = key_parents(table, f) else { return };
    let Picker::Digit { driver, position } = table.fks[f].picker else { return };
    let key = table.fks[f].key.derive("key layout");
    let rows = table.rows;
    if let Some(unique) = table.drivers.get_mut(driver) {
        let values = unique.radices[1 - position];
        unique.laid_out = Some(KeyLayout { parents, rows, values, fk: position, key });
    }
}
