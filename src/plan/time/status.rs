//! Statuses and their moments agree: `published_at` is set exactly when `status = 'published'`,
//! `deleted_at` exactly when `is_deleted` is true.
//!
//! A status-like column (`status`, `state`, `stage`, in any spelling) whose values come from an
//! enum, a CHECK `IN` list or the profile's `values`, and a boolean flag (`is_deleted`,
//! `email_verified`), are decided first in the row; a nullable moment column whose event one of
//! their values names (`published`, `canceled`/`cancelled`, `deleted`...) becomes a
//! [`ColumnGen::When`] that reads them. A NOT NULL moment cannot be NULL for earlier statuses,
//! so it is left alone. Where the values are ordered stages, a later stage sets the earlier
//! stages' moments too, in order ([`super::stages`]).

use crate::generate::column::{ColumnGen, MomentUnit};
use crate::generate::table::ColumnSlot;
use crate::generate::value::Value;
use crate::profile::TableSettings;

use super::infers;
use super::names::{self, stem, words};

/// Words that make a text column a status.
const STATUS_WORDS: &[&str] = &["status", "state", "stage", "phase"];
/// Leading words of a boolean flag that are not part of the event (`is_deleted`).
const FLAG_PREFIXES: &[&str] = &["is", "has", "was", "been"];

/// Gates the row's nullable moment columns on the status or flag that names their event; one
/// `inferred` line per rule. `nullable[slot]` says whether the column may be NULL, `keyed[slot]`
/// whether it is part of a unique key (it keeps its own generator).
pub fn agree(
    settings: Option<&TableSettings>,
    slots: &mut [ColumnSlot],
    (nullable, keyed): (&[bool], &[bool]),
    inferred: &mut Vec<String>,
) {
    let mut gated = Vec::new();
    for moment in 0..slots.len() {
        let free = nullable.get(moment).copied().unwrap_or(false) && !keyed.get(moment).copied().unwrap_or(false);
        if !free || !infers(settings, &slots[moment].name) {
            continue;
        }
        if !matches!(
            slots[moment].generator.underlying(),
            ColumnGen::Moment { unit: MomentUnit::Date | MomentUnit::Timestamp, .. }
        ) || matches!(slots[moment].generator, ColumnGen::When { .. })
        {
            continue;
        }
        let Some(event) = event_of(&slots[moment].name) else { continue };
        let Some((column, values)) = deciding_column(slots, moment, &event) else { continue };
        inferred.push(describe(&slots[moment].name, &slots[column].name, &values));
        let then = Box::new(std::mem::replace(&mut slots[moment].generator, ColumnGen::Null));
        slots[moment].generator = ColumnGen::When { column, values, then };
        slots[moment].null_rate = 0.0;
        gated.push((moment, event));
    }
    super::stages::in_order(slots, &gated, inferred);
}

/// The event a moment column names: its lifecycle word (`deleted` of `deleted_at`), else its
/// name's last word (`failed` of `failed_at`).
fn event_of(name: &str) -> Option<String> {
    match names::role(name) {
        Some(names::Role::Later { event } | names::Role::Closes { event, .. }) => Some(event),
        Some(_) => None,
        None => stem(name).last().cloned(),
    }
}

/// The status or flag column that decides `moment`, and the values that set it: the first
/// status column with values naming `event`, else a flag naming it. Never a column that reads
/// `moment` itself.
fn deciding_column(slots: &[ColumnSlot], moment: usize, event: &str) -> Option<(usize, Vec<Value>)> {
    let candidates = || (0..slots.len()).filter(move |&c| c != moment && !slots[c].generator.reads().contains(&moment));
    let status = candidates().find_map(|c| {
        let ColumnGen::Choice { values, .. } = &slots[c].generator else { return None };
        if !words(&slots[c].name).iter().any(|w| STATUS_WORDS.contains(&w.as_str())) {
            return None;
        }
        let mut naming: Vec<Value> =
            values.iter().filter(|v| v.as_text().is_some_and(|t| same_event(t, event))).cloned().collect();
        if !naming.is_empty() {
            naming.extend(super::stages::later_stages(event, values));
        }
        (!naming.is_empty()).then_some((c, naming))
    });
    status.or_else(|| {
        let stem = stem(&slots[moment].name);
        candidates()
            .find(|&c| matches!(slots[c].generator, ColumnGen::Bool { .. }) && flag_names(&slots[c].name, &stem))
            .map(|c| (c, vec![Value::Bool(true)]))
    })
}

/// Whether a boolean flag's name names the moment's event: `is_deleted` and `deleted_at`,
/// `email_verified` and `email_verified_at` or `verified_at`.
fn flag_names(flag: &str, moment_stem: &[String]) -> bool {
    let mut flag = words(flag);
    if flag.len() > 1 && FLAG_PREFIXES.contains(&flag[0].as_str()) {
        flag.remove(0);
    }
    match (flag.last(), moment_stem.last()) {
        (Some(a), Some(b)) => same_event(a, b) && moment_stem.iter().all(|w| flag.contains(w) || same_event(w, a)),
        _ => false,
    }
}

/// Whether a status value and an event word name the same event: `published`/`publish`,
/// `canceled`/`cancelled`, `complete`/`completed`.
pub fn same_event(value: &str, event: &str) -> bool {
    let root = |word: &str| {
        let word = word.trim().to_ascii_lowercase().replace("ll", "l");
        let word = word.strip_suffix("ed").or_else(|| word.strip_suffix('d')).unwrap_or(&word).to_string();
        word.strip_suffix('e').map(str::to_string).unwrap_or(word)
    };
    let (a, b) = (root(value), root(event));
    !a.is_empty() && a == b
}

fn describe(moment: &str, column: &str, values: &[Value]) -> String {
    match values {
        [Value::Bool(true)] => format!("{moment} set when {column} is true"),
        _ => {
            let listed: Vec<String> = values.iter().filter_map(Value::as_text).map(|v| format!("'{v}'")).collect();
            format!("{moment} set when {column} = {}", listed.join(" or "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::plan::time::tests::slot;

    fn moment() -> ColumnGen {
        ColumnGen::Moment { lo: 0, hi: 1_000_000_000, unit: MomentUnit::Timestamp }
    }

    fn status(values: &[&str]) -> ColumnGen {
        ColumnGen::Choice { values: values.iter().map(|v| Value::Text(v.to_string())).collect(), cumulative: vec![] }
    }

    #[test]
    fn events_match_across_spellings() {
        assert!(same_event("published", "published"));
        assert!(same_event("cancelled", "canceled"));
        assert!(same_event("complete", "completed"));
        assert!(!same_event("processing", "processed"));
        assert!(!same_event("draft", "published"));
    }

    #[test]
    fn a_status_sets_its_moment_and_a_flag_sets_its_own() {
        let mut slots = vec![
            slot("status", status(&["draft", "scheduled", "published", "canceled"])),
            slot("publishedAt", moment()),
            slot("cancelled_at", moment()),
            slot("is_deleted", ColumnGen::Bool { p_true: 0.1 }),
            slot("deleted_at", moment()),
            slot("email_verified", ColumnGen::Bool { p_true: 0.5 }),
            slot("verified_at", moment()),
            slot("sent_at", moment()),
        ];
        let mut inferred = Vec::new();
        agree(None, &mut slots, (&[true; 8], &[]), &mut inferred);
        assert_eq!(
            inferred,
            [
                "publishedAt set when status = 'published'",
                "cancelled_at set when status = 'canceled'",
                "deleted_at set when is_deleted is true",
                "verified_at set when email_verified is true",
            ]
        );
        assert!(matches!(&slots[1].generator, ColumnGen::When { column: 0, .. }));
        assert_eq!(slots[1].null_rate, 0.0);
        assert!(matches!(slots[7].generator, ColumnGen::Moment { .. }), "no status names it");
    }

    #[test]
    fn not_null_key_and_infer_false_moments_are_left_alone() {
        let mut slots = vec![slot("status", status(&["draft", "published"])), slot("published_at", moment())];
        agree(None, &mut slots, (&[true, false], &[]), &mut Vec::new());
        assert!(matches!(slots[1].generator, ColumnGen::Moment { .. }));
        agree(None, &mut slots, (&[true, true], &[false, true]), &mut Vec::new());
        assert!(matches!(slots[1].generator, ColumnGen::Moment { .. }));
        let profile = crate::profile::parse_str(
            std::path::Path::new("t.toml"),
            "[tables.t]\ncolumns.published_at = { infer = false }\n",
        )
        .unwrap();
        agree(profile.tables.first(), &mut slots, (&[true, true], &[]), &mut Vec::new());
        assert!(matches!(slots[1].generator, ColumnGen::Moment { .. }));
    }

    /// The generator keeps the rule on every row: set for the status that names it, NULL for others.
    #[test]
    fn generated_moments_follow_the_status() {
        use crate::generate::rng::RowRng;
        let mut slots = vec![slot("status", status(&["draft", "published"])), slot("published_at", moment())];
        agree(None, &mut slots, (&[true, true], &[]), &mut Vec::new());
        let mut seen = [0usize; 2];
        for row in 0..400u64 {
            let mut values = vec![Value::Null, Value::Null];
            slots[0].generator.fill(&mut RowRng::at(slots[0].key, row), None, &[], &mut values[0]);
            let snapshot = values.clone();
            slots[1].generator.fill(&mut RowRng::at(slots[1].key, row), None, &snapshot, &mut values[1]);
            let published = values[0] == Value::Text("published".into());
            assert_eq!(published, !values[1].is_null(), "row {row}: {values:?}");
            seen[usize::from(published)] += 1;
        }
        assert!(seen[0] > 0 && seen[1] > 0);
    }
}
