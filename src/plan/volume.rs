//! Volumes: how many rows each table gets.
//!
//! A table's rows come from its fixture file (as many as the file has), from `rows = N` (times the
//! scale), from fan-out (`rows = { per = "users", count = "1..=5" }`: each parent row gets its own
//! count, a pure function of the seed and the parent's index), or from the profile's default.
//! Fan-out needs the parent's volume, so volumes are computed in load order.
//!
//! Every volume is checked against [`MAX_TABLE_ROWS`] before any work proportional to it: a fan-out
//! visits each parent row to lay its children out, so `scale = 1e20` must be refused by
//! arithmetic (parents times the largest count) instead of planning for ever.

use std::collections::HashMap;

use crate::generate::rng::StreamKey;
use crate::generate::table::FanOut;
use crate::profile::{Profile, Rows};
use crate::schema::QualifiedName;

use super::fixture::{self, Fixture};
use super::{PlanError, PlanOptions, Scoped, scope};

/// The most rows seed plans for one table: a billion rows already take hours to load, and every
/// row index must stay far from where counts, keys and offsets overflow.
pub const MAX_TABLE_ROWS: u64 = 1_000_000_000;

pub struct Volumes {
    pub rows: Vec<u64>,
    /// For fan-out tables: the parent's position and the layout of rows under parents.
    pub fan_outs: Vec<Option<(usize, FanOut)>>,
    pub fixtures: Vec<Option<Fixture>>,
    /// How each volume was decided, for `seed plan`.
    pub described: Vec<String>,
    /// Whether a table's rows are made by triggers, not written (see `plan::trigger_rows`).
    pub made_by_triggers: Vec<bool>,
}

pub fn volumes(
    scoped: &[Scoped],
    position: &HashMap<&QualifiedName, usize>,
    profile: Option<&Profile>,
    options: &PlanOptions,
    seed: u64,
    capped: &HashMap<usize, (u64, String)>,
    modelled: &HashMap<usize, (usize, String)>,
) -> Result<Volumes, PlanError> {
    let scale = profile.map_or(1.0, |p| p.scale) * options.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale >= 0.0) {
        return Err(PlanError {
            where_: None,
            message: format!(
                "the scale ({scale}: the profile's `scale` times --scale) must be a finite positive number"
            ),
        });
    }
    let default_rows = options.rows.or(profile.map(|p| p.default_rows)).unwrap_or(crate::profile::DEFAULT_ROWS);
    let mut volumes =
        Volumes { rows: vec![], fan_outs: vec![], fixtures: vec![], described: vec![], made_by_triggers: vec![] };
    for (i, entry) in scoped.iter().enumerate() {
        let settings = entry.settings;
        let (rows, fan, fixture, described) =
            match (settings.and_then(|s| s.fixture.as_ref()), settings.and_then(|s| s.rows.as_ref())) {
                (Some(path), _) => {
                    let data = fixture::read(path, entry.table)?;
                    let rows = data.rows.len() as u64;
                    (rows, None, Some(data), format!("{rows} (fixture {})", path.display()))
                }
                (None, Some(Rows::Count(n))) => {
                    let rows = scaled(*n, scale, entry)?;
                    (rows, None, None, rows.to_string())
                }
                (None, Some(Rows::Per { parent, count })) => {
                    let (parent_position, fan) = fan_out(scoped, position, &volumes, i, parent, count, seed)?;
                    let described = format!(
                        "{} ({} per {})",
                        fan.total,
                        describe_count(count),
                        scoped[parent_position].table.name.plain()
                    );
                    (fan.total, Some((parent_position, fan)), None, described)
                }
                (None, None) if modelled.contains_key(&i) => {
                    // Rows a trigger makes, one per row of an earlier table.
                    let (by, trigger) = &modelled[&i];
                    let rows = volumes.rows[*by];
                    (rows, None, None, format!("{rows} made by {trigger}"))
                }
                (None, None) => match capped.get(&i) {
                    Some((0, reason)) => (0, None, None, format!("0 ({reason})")),
                    Some((rows, reason)) => (*rows, None, None, format!("{rows} (lowered from the default: {reason})")),
                    None => {
                        let rows = scaled(default_rows, scale, entry)?;
                        (rows, None, None, format!("{rows} (default)"))
                    }
                },
            };
        volumes.rows.push(rows);
        volumes.fan_outs.push(fan);
        volumes.fixtures.push(fixture);
        volumes.described.push(described);
        volumes.made_by_triggers.push(modelled.contains_key(&i) && settings.is_none_or(|s| s.rows.is_none()));
    }
    Ok(volumes)
}

fn scaled(rows: u64, scale: f64, entry: &Scoped) -> Result<u64, PlanError> {
    let wanted = (rows as f64 * scale).round();
    within_limit(wanted, entry)?;
    Ok(wanted as u64)
}

/// Refuses a volume (computed in floating point, so it cannot wrap) above [`MAX_TABLE_ROWS`].
fn within_limit(rows: f64, entry: &Scoped) -> Result<(), PlanError> {
    if rows > MAX_TABLE_ROWS as f64 {
        return Err(PlanError::table(
            &entry.table.name,
            format!(
                "{rows:.0} rows is more than one table can take (at most {MAX_TABLE_ROWS}): lower its `rows` or `count`, or the scale"
            ),
        ));
    }
    Ok(())
}

/// The most rows one parent can get.
fn largest(count: &crate::profile::Count) -> u64 {
    use crate::profile::Count;
    match count {
        Count::Exact(n) => *n,
        Count::Range { max, .. } | Count::Zipf { max, .. } => *max,
    }
}

fn describe_count(count: &crate::profile::Count) -> String {
    use crate::profile::Count;
    match count {
        Count::Exact(n) => n.to_string(),
        Count::Range { min, max } => format!("{min}..={max}"),
        Count::Zipf { exponent, min, max } => format!("zipf({exponent}) {min}..={max}"),
    }
}

fn fan_out(
    scoped: &[Scoped],
    position: &HashMap<&QualifiedName, usize>,
    volumes: &Volumes,
    i: usize,
    parent: &str,
    count: &crate::profile::Count,
    seed: u64,
) -> Result<(usize, FanOut), PlanError> {
    let entry = &scoped[i];
    let location = entry.settings.and_then(|s| s.rows_location.clone()).unwrap_or_else(|| {
        entry.settings.map(|s| s.name.location.clone()).unwrap_or(crate::profile::Location {
            file: Default::default(),
            line: 0,
            column: 0,
        })
    });
    let references: Vec<&QualifiedName> = entry.table.foreign_keys.iter().map(|fk| &fk.referenced_table).collect();
    let parent_table = references
        .iter()
        .find(|name| name.is_written_as(parent) || name.name == parent)
        .ok_or_else(|| {
            let candidates = references.iter().map(|n| n.plain());
            PlanError::at(&location, format!(
                "`per = \"{parent}\"`: table `{}` has no foreign key to `{parent}`, so its rows cannot belong to that table's rows{}",
                entry.table.name.plain(),
                scope::suggestion(parent, candidates)
            ))
        })?;
    let parent_position = position[*parent_table];
    if parent_position >= i {
        return Err(PlanError::at(
            &location,
            format!(
                "`per = \"{parent}\"`: `{}` is loaded after `{}` (they form a cycle), so it cannot drive its volume; give `rows = N` instead",
                parent_table.plain(),
                entry.table.name.plain()
            ),
        ));
    }
    // Before FanOut::new, which visits every parent row.
    within_limit(volumes.rows[parent_position] as f64 * largest(count) as f64, entry)?;
    let key = StreamKey::new(seed, &entry.table.name.plain(), "").derive("fan-out");
    Ok((parent_position, FanOut::new(volumes.rows[parent_position], count.clone(), key)))
}
