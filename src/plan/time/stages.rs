//! Statuses are stages: where a status's values are ordered stages of one lifecycle (`draft` ->
//! `scheduled` -> `published`), a row at a later stage went through the earlier ones, so their
//! moments are set too, in order (published content has a `scheduled_at`, before its
//! `published_at`).
//!
//! The order comes from a general vocabulary of stage words ([`STAGES`], earliest first; words of
//! one rank are alternatives, never implying each other). Only a status value and an event both
//! on that main line are ordered; anything else (a terminal branch such as `failed`, `cancelled`,
//! `rejected`, or a word the vocabulary does not know) sets its own moment alone, as
//! [`super::status`] decides. Decided once per table, on top of `status`'s `When` generators.

use crate::generate::column::ColumnGen;
use crate::generate::table::ColumnSlot;
use crate::generate::time::GapSpread;
use crate::generate::value::{MICROS_PER_DAY, Value};

use super::LATER_DAYS;
use super::status::same_event;

/// The main line of a lifecycle, earliest rank first.
const STAGES: &[&[&str]] = &[
    &["new", "draft", "todo", "planned", "created"],
    &["pending", "submitted", "requested", "queued", "waiting"],
    &["scheduled", "approved", "accepted", "confirmed", "assigned"],
    &["processing", "publishing", "sending", "running", "in_progress", "started", "shipping"],
    &["published", "sent", "completed", "done", "delivered", "shipped", "finished", "paid", "resolved"],
];

/// The rank of a stage word on the main line, if it is one.
fn rank(word: &str) -> Option<usize> {
    STAGES.iter().position(|rank| rank.iter().any(|stage| same_event(stage, word)))
}

/// The status values past `event` on the main line (they went through it): empty when `event` is
/// not a stage.
pub fn later_stages(event: &str, values: &[Value]) -> Vec<Value> {
    let Some(at) = rank(event) else { return vec![] };
    values.iter().filter(|v| v.as_text().and_then(rank).is_some_and(|r| r > at)).cloned().collect()
}

/// Orders the moments of one status's stages: a later stage's moment follows an earlier one's
/// (set on every row the later one is), one `inferred` line per pair.
pub fn in_order(slots: &mut [ColumnSlot], events: &[(usize, String)], inferred: &mut Vec<String>) {
    for &(later, ref later_event) in events {
        let Some(later_rank) = rank(later_event) else { continue };
        let earlier = events
            .iter()
            .filter(|(e, event)| *e != later && rank(event).is_some_and(|r| r < later_rank))
            .filter(|(e, _)| covers(&slots[*e].generator, &slots[later].generator))
            .max_by_key(|(_, event)| rank(event));
        let Some(&(earlier, _)) = earlier else { continue };
        if slots[earlier].generator.reads().contains(&later) {
            continue;
        }
        let ColumnGen::When { column, values, then } = &mut slots[later].generator else { continue };
        let (status, later_values) = (*column, values.clone());
        let own = std::mem::replace(then.as_mut(), ColumnGen::Null);
        **then = ColumnGen::After {
            column: earlier,
            min_gap: 0,
            max_gap: LATER_DAYS * MICROS_PER_DAY,
            fallback: Box::new(own.clone()),
            spread: GapSpread::Tail,
        };
        in_the_past(&mut slots[earlier].generator, status, later_values, own);
        inferred.push(format!("{} after {}", slots[later].name, slots[earlier].name));
    }
}

/// On rows at the later stage, the earlier stage's moment is drawn as the later one would have
/// been (in the past, after the row's creation), keeping its own minimum gap; on rows at its own
/// stage it keeps its generator (a scheduled post's `scheduled_at` may lie ahead).
fn in_the_past(earlier: &mut ColumnGen, status: usize, later_values: Vec<Value>, mut past: ColumnGen) {
    let ColumnGen::When { then, .. } = earlier else { return };
    if let (ColumnGen::After { column, min_gap, .. }, ColumnGen::After { column: own_column, min_gap: own, .. }) =
        (&mut past, then.as_ref())
        && column == own_column
    {
        *min_gap = (*min_gap).max(*own);
    }
    let otherwise = std::mem::replace(then.as_mut(), ColumnGen::Null);
    **then = ColumnGen::Staged {
        column: status,
        values: later_values,
        then: Box::new(past),
        otherwise: Box::new(otherwise),
    };
}

/// Whether `earlier` is set on every row `later` is: both gated by the same status, `earlier`
/// on a superset of the values.
fn covers(earlier: &ColumnGen, later: &ColumnGen) -> bool {
    match (earlier, later) {
        (ColumnGen::When { column: a, values: va, .. }, ColumnGen::When { column: b, values: vb, .. }) => {
            a == b && vb.iter().all(|v| va.contains(v))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[&str]) -> Vec<Value> {
        values.iter().map(|v| Value::Text(v.to_string())).collect()
    }

    #[test]
    fn later_stages_are_on_the_main_line_only() {
        let values = texts(&["draft", "scheduled", "published", "failed"]);
        assert_eq!(later_stages("scheduled", &values), texts(&["published"]));
        assert_eq!(later_stages("published", &values), texts(&[]));
        assert_eq!(later_stages("failed", &values), texts(&[]), "a terminal branch sets its own");
        let tasks = texts(&["pending", "processing", "completed", "failed", "cancelled"]);
        assert_eq!(later_stages("started", &tasks), texts(&["completed"]));
        assert_eq!(later_stages("canceled", &tasks), texts(&[]));
        assert_eq!(later_stages("applied", &texts(&["applied", "accepted"])), texts(&[]), "not a known stage");
    }

    /// The planner decides (`status::agree` with stages), the generator keeps it on every row.
    #[test]
    fn published_rows_were_scheduled_first() {
        use crate::generate::column::MomentUnit;
        use crate::generate::rng::RowRng;
        let moment = || ColumnGen::Moment { lo: 0, hi: 1000 * MICROS_PER_DAY, unit: MomentUnit::Timestamp };
        use crate::plan::time::tests::slot;
        let status =
            ColumnGen::Choice { values: texts(&["draft", "scheduled", "published", "failed"]), cumulative: vec![] };
        let mut slots = vec![slot("status", status), slot("published_at", moment()), slot("scheduledAt", moment())];
        let mut inferred = Vec::new();
        super::super::status::agree(None, &mut slots, (&[true; 3], &[]), &mut inferred);
        assert_eq!(
            inferred,
            [
                "published_at set when status = 'published'",
                "scheduledAt set when status = 'scheduled' or 'published'",
                "published_at after scheduledAt",
            ]
        );
        let order = [0, 2, 1];
        let mut published = 0;
        for row in 0..300u64 {
            let mut values = vec![Value::Null; 3];
            for &c in &order {
                let snapshot = values.clone();
                slots[c].generator.fill(&mut RowRng::at(slots[c].key, row), None, &snapshot, &mut values[c]);
            }
            let status = values[0].as_text().unwrap_or_default().to_string();
            let set = |c: usize| !values[c].is_null();
            assert_eq!(set(2), status == "scheduled" || status == "published", "row {row}: {values:?}");
            assert_eq!(set(1), status == "published", "row {row}: {values:?}");
            if status == "published" {
                published += 1;
                let (Value::Timestamp(s), Value::Timestamp(p)) = (&values[2], &values[1]) else { panic!("{values:?}") };
                assert!(p >= s, "row {row}: published before it was scheduled");
            }
        }
        assert!(published > 30);
    }
}
