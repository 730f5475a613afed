//! Positions within a parent: in a table filled `per` a parent, an integer column named like a
//! position (`position`, `sort_order`, `rank`, `seq`, `episode_number`...) numbers each parent's
//! rows 1..n, as an application that appends to a list would, instead of scattering them.
//!
//! The fan-out layout ([`crate::generate::table::FanOut::locate`]) gives every row its position
//! under its parent, so the value is a pure function of the row index
//! ([`UniqueSource::Position`]), and distinct within the parent: a unique key `(parent, position)`
//! holds by construction ([`satisfies`]). In a table not filled `per` its container, a unique key
//! of the container's FK and a position (`(board_id, position)`) is driven in order instead
//! (`UniqueDriver::in_order`, from `plan::keys`): row `i` goes to container `i % containers` at
//! position `i / containers`, so each container's positions run 1..n too.

use crate::generate::column::ColumnGen;
use crate::generate::table::{ColumnSlot, UniqueSource};
use crate::profile::TableSettings;

use super::columns::left_to_inference;
use super::columns::words::words;

/// Last words of a column name that say it orders rows within their parent.
const POSITION_WORDS: &[&str] =
    &["position", "pos", "order", "rank", "ordinal", "seq", "sequence", "index", "idx", "number", "num", "step"];

/// The table being planned, as far as positions need it.
pub struct Rows<'a> {
    /// The fan-out parent's name and the most rows one parent owns, when the table is filled `per` one.
    pub per: Option<(&'a str, u64)>,
    pub settings: Option<&'a TableSettings>,
    /// Whether a slot is filled by a foreign key.
    pub filled_by_fk: &'a dyn Fn(usize) -> bool,
    /// The highest value a slot's integers may take where they must be distinct, beyond the range
    /// its name suggests (see `columns::widest_high`).
    pub widest: &'a dyn Fn(usize) -> Option<i64>,
}

/// Numbers the position columns of `slots` 1..n within each parent, pushing one line per column.
pub fn number_within_parent(rows: &Rows, slots: &mut [ColumnSlot], inferred: &mut Vec<String>) {
    let Some((parent, most)) = rows.per else { return };
    for (s, slot) in slots.iter_mut().enumerate() {
        if (rows.filled_by_fk)(s) || slot.unique.is_some() {
            continue;
        }
        if let Some(line) = count_from_one(slot, rows.settings, (most, (rows.widest)(s)), parent) {
            slot.unique = Some(UniqueSource::Position);
            inferred.push(line);
        }
    }
}

/// Makes `slot` count from its first allowed value (1, or a CHECK's higher bound) when it is an
/// integer named like a position that no profile rule shapes, and the `most` rows of one parent
/// fit in its range, or else in the `widest` range its type and CHECKs allow (the range a name
/// suggests, `number` up to 100, is no limit on positions); returns the plan's line for it. The
/// caller gives the index it counts by.
pub fn count_from_one(
    slot: &mut ColumnSlot,
    settings: Option<&TableSettings>,
    (most, widest): (u64, Option<i64>),
    parent: &str,
) -> Option<String> {
    if !left_to_inference(settings, &slot.name) {
        return None;
    }
    let is_position = words(&slot.name).last().is_some_and(|w| POSITION_WORDS.contains(&w.as_str()));
    let ColumnGen::Int { lo, hi, spread } = slot.generator else { return None };
    let first = lo.max(1).min(hi);
    let last = first.saturating_add(i64::try_from(most).unwrap_or(i64::MAX)).saturating_sub(1);
    // Every position a parent's rows take must be a value the column allows.
    let hi = if last > hi { widest.filter(|w| last <= *w)? } else { hi };
    if !is_position {
        return None;
    }
    slot.generator = ColumnGen::Int { lo: first, hi, spread };
    Some(format!("{}: {first}..n within each {parent} row", slot.name))
}

/// Whether a unique key made of the fan-out FK and position columns already holds: positions
/// are distinct within a parent.
pub fn satisfies(
    slots: &[ColumnSlot],
    columns: impl Iterator<Item = usize>,
    is_fan_out_fk: &dyn Fn(usize) -> bool,
) -> bool {
    let mut positions = 0;
    for slot in columns {
        if slots[slot].unique == Some(UniqueSource::Position) {
            positions += 1;
        } else if !is_fan_out_fk(slot) {
            return false;
        }
    }
    positions > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::StreamKey;

    fn slot(name: &str, lo: i64, hi: i64) -> ColumnSlot {
        ColumnSlot {
            name: name.into(),
            generator: ColumnGen::Int { lo, hi, spread: crate::generate::column::IntSpread::Uniform },
            null_rate: 0.0,
            unique: None,
            key: StreamKey(1),
            presence: None,
        }
    }

    fn numbered(per: Option<(&str, u64)>, mut slots: Vec<ColumnSlot>) -> (Vec<ColumnSlot>, Vec<String>) {
        let mut inferred = Vec::new();
        let rows = Rows { per, settings: None, filled_by_fk: &|s| s == 0, widest: &|_| None };
        number_within_parent(&rows, &mut slots, &mut inferred);
        (slots, inferred)
    }

    #[test]
    fn positions_in_a_per_parent_table_count_from_one() {
        let slots = vec![
            slot("story_id", 1, 100),
            slot("position", 0, 100),
            slot("sortOrder", 0, 32767),
            slot("views", 0, 100),
        ];
        let (slots, inferred) = numbered(Some(("stories", 20)), slots);
        for s in [1, 2] {
            assert_eq!(slots[s].unique, Some(UniqueSource::Position), "{}", slots[s].name);
            assert!(matches!(slots[s].generator, ColumnGen::Int { lo: 1, .. }), "{:?}", slots[s].generator);
        }
        assert_eq!(slots[0].unique, None, "a foreign key column");
        assert_eq!(slots[3].unique, None, "not a position");
        assert_eq!(inferred, ["position: 1..n within each stories row", "sortOrder: 1..n within each stories row"]);
    }

    #[test]
    fn positions_need_a_parent_and_room() {
        let (slots, _) = numbered(None, vec![slot("id", 1, 9), slot("position", 0, 100)]);
        assert_eq!(slots[1].unique, None, "no fan-out parent");
        let (slots, _) = numbered(Some(("lists", 50)), vec![slot("id", 1, 9), slot("rank", 1, 10)]);
        assert_eq!(slots[1].unique, None, "50 rows of a parent do not fit in 1..=10");
    }

    #[test]
    fn positions_beyond_a_name_s_range_take_the_column_s_domain() {
        // `number` suggests 0..=100; the type and CHECKs allow up to 10 000 here.
        let mut slots = vec![slot("id", 1, 9), slot("number", 1, 100)];
        let rows = Rows {
            per: Some(("projects", 300)),
            settings: None,
            filled_by_fk: &|s| s == 0,
            widest: &|s| (s == 1).then_some(10_000),
        };
        let mut inferred = Vec::new();
        number_within_parent(&rows, &mut slots, &mut inferred);
        assert_eq!(slots[1].unique, Some(UniqueSource::Position));
        assert!(matches!(slots[1].generator, ColumnGen::Int { lo: 1, hi: 10_000, .. }), "{:?}", slots[1].generator);
        let rows = Rows { widest: &|_| Some(200), ..rows };
        let mut slots = vec![slot("id", 1, 9), slot("number", 1, 100)];
        number_within_parent(&rows, &mut slots, &mut inferred);
        assert_eq!(slots[1].unique, None, "300 positions do not fit in a domain of 1..=200");
    }

    #[test]
    fn a_parent_and_position_key_holds() {
        let (slots, _) = numbered(Some(("stories", 5)), vec![slot("story_id", 1, 9), slot("position", 0, 100)]);
        assert!(satisfies(&slots, [0, 1].into_iter(), &|s| s == 0));
        assert!(!satisfies(&slots, [1, 0].into_iter(), &|_| false), "the FK is not the fan-out parent");
        assert!(!satisfies(&slots, [0].into_iter(), &|s| s == 0), "no position in the key");
    }
}
