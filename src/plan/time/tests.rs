use super::*;
use crate::generate::column::REFERENCE_MICROS;
use crate::generate::rng::StreamKey;

/// A nullable column of table `t` with `generator`, as the time rules' tests start from.
pub(super) fn slot(name: &str, generator: ColumnGen) -> ColumnSlot {
    ColumnSlot {
        name: name.into(),
        generator,
        null_rate: 0.1,
        unique: None,
        key: StreamKey::new(1, "t", name),
        presence: None,
    }
}

fn moment(name: &str) -> ColumnSlot {
    let year = 365 * MICROS_PER_DAY;
    slot(name, ColumnGen::Moment { lo: REFERENCE_MICROS - 2 * year, hi: REFERENCE_MICROS, unit: MomentUnit::Timestamp })
}

fn ordered(names: &[&str]) -> (Vec<ColumnSlot>, Vec<String>) {
    let mut slots: Vec<ColumnSlot> = names.iter().map(|n| moment(n)).collect();
    let mut inferred = Vec::new();
    order_in_row(None, &mut slots, &[], &mut inferred);
    (slots, inferred)
}

fn follows(slots: &[ColumnSlot], later: usize) -> Option<usize> {
    slots[later].generator.depends_on()
}

#[test]
fn lifecycle_columns_follow_creation_in_both_cases() {
    let (slots, inferred) = ordered(&["createdAt", "updatedAt", "deleted_on", "note_time"]);
    assert_eq!(follows(&slots, 1), Some(0));
    assert_eq!(follows(&slots, 2), Some(0));
    assert_eq!(follows(&slots, 3), None);
    assert_eq!(inferred, ["updatedAt after createdAt", "deleted_on after createdAt"]);
    assert_eq!(slots[0].null_rate, 0.0, "a creation column is always set");
}

#[test]
fn pairs_close_after_they_open_and_open_after_creation() {
    let (slots, inferred) =
        ordered(&["created_at", "trial_start", "trial_end", "valid_from", "valid_until", "first_seen", "last_seen"]);
    assert_eq!(follows(&slots, 1), Some(0));
    assert_eq!(follows(&slots, 2), Some(1));
    assert_eq!(follows(&slots, 4), Some(3));
    assert_eq!(follows(&slots, 6), Some(5));
    assert!(inferred.contains(&"trial_end after trial_start".to_string()), "{inferred:?}");
    // A NULL start still leaves the end after the row's creation.
    let ColumnGen::After { fallback, .. } = &slots[2].generator else { panic!() };
    assert_eq!(fallback.depends_on(), Some(0));
}

#[test]
fn infer_false_and_a_checks_other_order_win() {
    let settings = crate::profile::parse_str(
        std::path::Path::new("t.toml"),
        "[tables.t]\ncolumns.updated_at = { infer = false }\n",
    )
    .unwrap();
    let mut slots = vec![moment("created_at"), moment("updated_at"), moment("deleted_at"), moment("x")];
    let fallback = Box::new(slots[2].generator.clone());
    slots[2].generator = ColumnGen::After { column: 3, min_gap: 1, max_gap: 9, fallback, spread: GapSpread::Uniform };
    let mut inferred = Vec::new();
    order_in_row(settings.tables.first(), &mut slots, &[], &mut inferred);
    assert_eq!(follows(&slots, 1), None, "infer = false");
    assert_eq!(follows(&slots, 2), Some(3), "the CHECK's order stands");
    assert!(inferred.is_empty(), "{inferred:?}");
}

#[test]
fn a_checks_same_order_gets_a_long_tail() {
    let mut slots = vec![moment("created_at"), moment("published_at")];
    let fallback = Box::new(slots[1].generator.clone());
    slots[1].generator = ColumnGen::After { column: 0, min_gap: 0, max_gap: 9, fallback, spread: GapSpread::Uniform };
    order_in_row(None, &mut slots, &[], &mut Vec::new());
    assert!(matches!(slots[1].generator, ColumnGen::After { spread: GapSpread::Tail, max_gap, .. } if max_gap > 9));
}

/// The generator keeps the order on every row, and no value piles up on the span's end.
#[test]
fn generated_rows_keep_the_order_without_piling_up() {
    use crate::generate::rng::RowRng;
    use crate::generate::value::Value;
    let (slots, _) = ordered(&["created_at", "updated_at"]);
    let mut at_end = 0;
    for row in 0..5000u64 {
        let mut values = vec![Value::Null, Value::Null];
        slots[0].generator.fill(&mut RowRng::at(slots[0].key, row), None, &values.clone(), &mut values[0]);
        let snapshot = values.clone();
        slots[1].generator.fill(&mut RowRng::at(slots[1].key, row), None, &snapshot, &mut values[1]);
        let (Value::Timestamp(created), Value::Timestamp(updated)) = (&values[0], &values[1]) else { panic!() };
        assert!(created <= updated && *updated <= REFERENCE_MICROS, "row {row}");
        at_end += usize::from(*updated == REFERENCE_MICROS);
    }
    assert!(at_end < 5, "{at_end} rows on the reference moment");
}

/// A timestamp that follows a date counts from the date's midnight, and the other way round.
#[test]
fn dates_and_timestamps_follow_each_other() {
    use crate::generate::column::REFERENCE_DAY;
    use crate::generate::rng::RowRng;
    use crate::generate::value::Value;
    let day = i64::from(REFERENCE_DAY);
    let mut date = moment("created_on");
    date.generator = ColumnGen::Moment { lo: day - 700, hi: day, unit: MomentUnit::Date };
    let mut slots = vec![date, moment("last_seen")];
    order_in_row(None, &mut slots, &[], &mut Vec::new());
    for row in 0..500u64 {
        let mut values = vec![Value::Null, Value::Null];
        slots[0].generator.fill(&mut RowRng::at(slots[0].key, row), None, &[], &mut values[0]);
        let snapshot = values.clone();
        slots[1].generator.fill(&mut RowRng::at(slots[1].key, row), None, &snapshot, &mut values[1]);
        let (Value::Date(created), Value::Timestamp(seen)) = (&values[0], &values[1]) else { panic!("{values:?}") };
        assert!(i64::from(*created) * MICROS_PER_DAY <= *seen, "row {row}");
    }
}

#[test]
fn moments_end_at_the_profiles_reference() {
    let year = 365 * MICROS_PER_DAY;
    let now = REFERENCE_MICROS + 30 * MICROS_PER_DAY;
    let moved = at_reference(moment("created_at").generator, Some(now));
    assert_eq!(moved, ColumnGen::Moment { lo: now - 2 * year, hi: now, unit: MomentUnit::Timestamp });
    let day = i64::from(crate::generate::column::REFERENCE_DAY);
    let date = ColumnGen::Moment { lo: day - 10, hi: day, unit: MomentUnit::Date };
    assert_eq!(
        at_reference(date.clone(), Some(now)),
        ColumnGen::Moment { lo: day + 20, hi: day + 30, unit: MomentUnit::Date }
    );
    assert_eq!(at_reference(date.clone(), None), date);
}

#[test]
fn a_profile_declares_the_creation_column() {
    let text = "[tables.t]\ncolumns.ts = { creation = true }\n";
    let profile = crate::profile::parse_str(std::path::Path::new("t.toml"), text).unwrap();
    let mut slots = vec![moment("created_at"), moment("ts"), moment("updated_at")];
    let mut inferred = Vec::new();
    order_in_row(profile.tables.first(), &mut slots, &[], &mut inferred);
    assert_eq!(follows(&slots, 2), Some(1), "{inferred:?}");
    assert_eq!(slots[1].null_rate, 0.0);
}

/// A moment that is part of a unique key keeps the generator that keeps keys apart.
#[test]
fn key_moments_keep_their_own_generator() {
    let mut slots = vec![moment("created_at"), moment("updated_at")];
    let mut inferred = Vec::new();
    order_in_row(None, &mut slots, &[false, true], &mut inferred);
    assert_eq!(follows(&slots, 1), None);
    let mut slots = vec![moment("created_at"), moment("updated_at")];
    order_in_row(None, &mut slots, &[true, false], &mut inferred);
    assert_eq!(follows(&slots, 1), None, "a keyed creation column is no creation");
    assert!(inferred.is_empty(), "{inferred:?}");
}
