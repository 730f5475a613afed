//! CHECKs that let columns take turns: `num_nonnulls(comment_id, post_id, user_id) = 1`,
//! `(a IS NULL) <> (b IS NULL)`, `CASE WHEN kind = 'post' THEN post_id IS NOT NULL ELSE ... END`.
//!
//! The NULL patterns (and, with them, the kinds) such a CHECK allows become *branches*; each row
//! chooses one (see [`crate::generate::presence`]) and every column of the group follows it, so
//! all the allowed patterns appear and every row satisfies the CHECK by construction. CHECKs over
//! shared columns are combined into one group (their branches crossed, contradictions dropped);
//! branches that would write NULL into a NOT NULL column are never chosen.

use crate::generate::ColumnGen;
use crate::generate::presence::{Presence, Shape};
use crate::generate::table::ColumnSlot;
use crate::schema::check::Restriction;

/// More branches than this (after crossing CHECKs) are not laid out: the first allowed one is
/// applied to every row, as for a single branch.
const MAX_BRANCHES: usize = 64;

/// The alternatives of one CHECK, or of several over shared columns.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Group {
    /// The constraints, for the plan's line.
    pub names: Vec<String>,
    pub branches: Vec<Vec<Restriction>>,
}

impl Group {
    fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for column in self.branches.iter().flatten().flat_map(Restriction::columns) {
            if !out.iter().any(|c| c == column) {
                out.push(column.to_string());
            }
        }
        out
    }
}

/// The branches `restriction` allows when it is a choice between NULL patterns (`NonNulls`,
/// `NullPatterns`, or a disjunction whose branches say which columns are NULL); `None` for any
/// other restriction, which applies to every row alike.
pub(super) fn branches(restriction: &Restriction) -> Option<Vec<Vec<Restriction>>> {
    let mut out = match restriction {
        Restriction::NonNulls { columns, min, max } if columns.len() > 1 || *min == 0 => {
            let masks = (0..1u32 << columns.len()).filter(|m| (*min..=*max).contains(&(m.count_ones() as usize)));
            masks.map(|mask| pattern(columns, |i| mask & (1 << i) != 0)).collect()
        }
        Restriction::NullPatterns { columns, allowed } => {
            allowed.iter().map(|present| pattern(columns, |i| present[i])).collect()
        }
        Restriction::AnyOf { branches } if branches.iter().flatten().any(states_nullness) => {
            let mut out = Vec::new();
            for branch in branches {
                out.extend(expand(branch)?);
            }
            out
        }
        _ => return None,
    };
    out.retain(|branch| !contradictory(branch));
    (out.len() <= MAX_BRANCHES).then_some(out)
}

/// A branch with nested choices crossed out into plain branches.
fn expand(branch: &[Restriction]) -> Option<Vec<Vec<Restriction>>> {
    let mut out: Vec<Vec<Restriction>> = vec![Vec::new()];
    for restriction in branch {
        match branches(restriction) {
            Some(choices) => out = cross(&out, &choices)?,
            None => out.iter_mut().for_each(|b| b.push(restriction.clone())),
        }
    }
    Some(out)
}

/// Every branch of `a` with every branch of `b`, contradictions left out.
fn cross(a: &[Vec<Restriction>], b: &[Vec<Restriction>]) -> Option<Vec<Vec<Restriction>>> {
    if a.len().saturating_mul(b.len()) > MAX_BRANCHES * MAX_BRANCHES {
        return None;
    }
    let mut out = Vec::new();
    for left in a {
        for right in b {
            let both: Vec<Restriction> = left.iter().chain(right).cloned().collect();
            if !contradictory(&both) && !out.contains(&both) {
                out.push(both);
            }
        }
    }
    (out.len() <= MAX_BRANCHES).then_some(out)
}

fn pattern(columns: &[String], present: impl Fn(usize) -> bool) -> Vec<Restriction> {
    (0..columns.len()).map(|i| state_restriction(&columns[i], present(i))).collect()
}

/// `col IS NOT NULL` (`present`) or `col IS NULL`.
fn state_restriction(column: &str, present: bool) -> Restriction {
    match present {
        true => Restriction::NotNull { column: column.to_string() },
        false => Restriction::NonNulls { columns: vec![column.to_string()], min: 0, max: 0 },
    }
}

/// The column a restriction says is present (`true`) or NULL (`false`).
fn state(restriction: &Restriction) -> Option<(&str, bool)> {
    match restriction {
        Restriction::NotNull { column } => Some((column, true)),
        Restriction::NonNulls { columns, min, max } if columns.len() == 1 && min == max => {
            Some((&columns[0], *min == 1))
        }
        _ => None,
    }
}

fn states_nullness(restriction: &Restriction) -> bool {
    state(restriction).is_some() || branches(restriction).is_some()
}

/// Whether a branch asks for a column to be both NULL and present.
fn contradictory(branch: &[Restriction]) -> bool {
    let states: Vec<(&str, bool)> = branch.iter().filter_map(state).collect();
    states.iter().any(|(c, present)| states.iter().any(|(d, other)| c == d && present != other))
}

/// Adds `found` (from constraint `name`) to the groups, crossed with every group it shares a
/// column with; `None` when the crossing grows past [`MAX_BRANCHES`].
pub(super) fn add(groups: &mut Vec<Group>, name: &str, found: Vec<Vec<Restriction>>) -> Option<()> {
    let mut group = Group { names: vec![name.to_string()], branches: found };
    let mut at = 0;
    while at < groups.len() {
        let shared = groups[at].columns().iter().any(|c| group.columns().contains(c));
        if !shared {
            at += 1;
            continue;
        }
        let other = groups.remove(at);
        group.branches = cross(&other.branches, &group.branches)?;
        group.names = other.names.into_iter().chain(group.names).collect();
    }
    groups.push(group);
    Some(())
}

/// What laying a group out needs from the rest of the planner.
pub(super) struct Layout<'a> {
    /// The slot of a column, if it is written.
    pub resolve: &'a dyn Fn(&str) -> Option<usize>,
    /// Whether a slot's column can never be NULL (NOT NULL, or a CHECK says so on every row).
    pub required: &'a dyn Fn(usize) -> bool,
    /// Narrows slots by one restriction that is not about NULLs.
    pub narrow: &'a dyn Fn(&Restriction, &mut [ColumnSlot]),
}

/// Lays `group` out on `slots`: the branches that a NOT NULL column allows, each with the values
/// it narrows; one branch is applied to every row. Returns the plan's line when the columns take
/// turns.
pub(super) fn lay_out(group: &Group, slots: &mut [ColumnSlot], layout: &Layout) -> Option<String> {
    let feasible: Vec<&Vec<Restriction>> = group
        .branches
        .iter()
        .filter(|branch| {
            branch
                .iter()
                .filter_map(state)
                .all(|(c, present)| present || !(layout.resolve)(c).is_some_and(layout.required))
        })
        .collect();
    let columns: Vec<(String, usize)> =
        group.columns().into_iter().filter_map(|c| (layout.resolve)(&c).map(|s| (c, s))).collect();
    let shaped: Vec<Vec<Shape>> =
        feasible.iter().filter_map(|branch| shapes(branch, &columns, slots, layout)).collect();
    let follows = |shape: &Shape| shape.generator.as_ref().is_some_and(|g| g.depends_on().is_some());
    if shaped.len() < 2 || shaped.iter().flatten().any(follows) {
        let first = shaped.into_iter().next()?;
        for ((_, slot), shape) in columns.iter().zip(first) {
            slots[*slot].null_rate = shape.null_rate;
            if let Some(generator) = shape.generator {
                slots[*slot].generator = generator;
            }
        }
        return None;
    }
    let key = slots[columns.first()?.1].key.derive("turns");
    for (i, (_, slot)) in columns.iter().enumerate() {
        let branches = shaped.iter().map(|branch| branch[i].clone()).collect();
        let presence = Presence { key, branches };
        slots[*slot].null_rate = presence.null_share();
        slots[*slot].presence = Some(presence);
    }
    let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    Some(format!(
        "{} take turns by CHECK {}: one of {} allowed patterns of NULLs and values per row",
        names.join(", "),
        group.names.join(", "),
        shaped.len()
    ))
}

/// Keeps only the branches where `slot` is set, in every column of its group: a column other
/// tables reference must never be NULL. Leaves the group as it is when no branch sets it.
pub(super) fn require(slots: &mut [ColumnSlot], slot: usize) {
    let Some(presence) = slots[slot].presence.clone() else { return };
    let keep: Vec<bool> = presence.branches.iter().map(|shape| shape.null_rate < 1.0).collect();
    if !keep.contains(&true) {
        return;
    }
    for other in slots.iter_mut() {
        let Some(p) = other.presence.as_mut().filter(|p| p.key == presence.key) else { continue };
        let mut at = 0;
        p.branches.retain(|_| {
            at += 1;
            keep[at - 1]
        });
        other.null_rate = p.null_share();
    }
}

/// What one branch asks of each of `columns`; `None` when it leaves one of them no value.
fn shapes(
    branch: &[Restriction],
    columns: &[(String, usize)],
    slots: &[ColumnSlot],
    layout: &Layout,
) -> Option<Vec<Shape>> {
    let mut narrowed = slots.to_vec();
    for restriction in branch.iter().filter(|r| state(r).is_none()) {
        (layout.narrow)(restriction, &mut narrowed);
    }
    let wanted = |column: &str| branch.iter().filter_map(state).find(|(c, _)| *c == column).map(|(_, p)| p);
    columns
        .iter()
        .map(|(column, slot)| {
            let null_rate = match wanted(column) {
                Some(true) => 0.0,
                Some(false) => 1.0,
                None => slots[*slot].null_rate,
            };
            let own = &narrowed[*slot].generator;
            if null_rate < 1.0 && matches!(own, ColumnGen::Choice { values, .. } if values.is_empty()) {
                return None;
            }
            let generator = (own != &slots[*slot].generator).then(|| own.clone());
            Some(Shape { null_rate, generator })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::StreamKey;
    use crate::generate::value::Value;

    fn slot(name: &str, generator: ColumnGen) -> ColumnSlot {
        let key = StreamKey::new(1, "t", name);
        ColumnSlot { name: name.into(), generator, null_rate: 0.1, unique: None, key, presence: None }
    }

    fn restrictions(check: &str) -> Vec<Restriction> {
        crate::schema::check::analyze(check).expect("parses").restrictions
    }

    fn lay_out_check(check: &str, slots: &mut [ColumnSlot], not_null: &[&str]) -> Option<String> {
        let names: Vec<String> = slots.iter().map(|s| s.name.clone()).collect();
        let resolve = |c: &str| names.iter().position(|n| n == c);
        let required = |s: usize| not_null.contains(&names[s].as_str());
        let narrow = |r: &Restriction, slots: &mut [ColumnSlot]| {
            if let (Restriction::OneOf { values, .. }, Some(s)) = (r, resolve(r.columns()[0])) {
                slots[s].generator = ColumnGen::Choice { values: values.clone(), cumulative: vec![] };
            }
        };
        let mut groups = Vec::new();
        for restriction in restrictions(check) {
            add(&mut groups, "c", branches(&restriction).expect("a choice"))?;
        }
        let layout = Layout { resolve: &resolve, required: &required, narrow: &narrow };
        groups.iter().filter_map(|g| lay_out(g, slots, &layout)).next()
    }

    #[test]
    fn exactly_one_of_three_is_three_branches_that_every_row_chooses_among() {
        let text = || ColumnGen::Text { min: 1, max: 10, kind: None };
        let mut slots = vec![slot("a", text()), slot("b", text()), slot("c", text())];
        let line = lay_out_check("CHECK ((num_nonnulls(a, b, c) = 1))", &mut slots, &[]).expect("takes turns");
        assert!(line.starts_with("a, b, c take turns by CHECK c: one of 3"), "{line}");
        let presence: Vec<&Presence> = slots.iter().map(|s| s.presence.as_ref().expect("presence")).collect();
        for row in 0..300 {
            let set = presence.iter().filter(|p| !p.is_null(row, || 0.5)).count();
            assert_eq!(set, 1, "row {row}");
        }
    }

    #[test]
    fn a_not_null_column_leaves_only_the_branches_where_it_is_set() {
        let mut slots = vec![slot("place", ColumnGen::Null), slot("lat", ColumnGen::Null)];
        assert_eq!(lay_out_check("CHECK ((num_nonnulls(place, lat) = 1))", &mut slots, &["lat"]), None);
        assert_eq!((slots[0].null_rate, slots[1].null_rate), (1.0, 0.0));
        assert!(slots.iter().all(|s| s.presence.is_none()));
    }

    #[test]
    fn each_kind_brings_its_own_values_and_nulls() {
        let values = vec![Value::Text("post".into()), Value::Text("comment".into())];
        let kinds = ColumnGen::Choice { values, cumulative: vec![] };
        let mut slots =
            vec![slot("kind", kinds), slot("post_id", ColumnGen::Null), slot("comment_id", ColumnGen::Null)];
        let check = "CHECK ((((kind = 'post'::text) AND (post_id IS NOT NULL) AND (comment_id IS NULL)) OR \
                     ((kind = 'comment'::text) AND (comment_id IS NOT NULL) AND (post_id IS NULL))))";
        lay_out_check(check, &mut slots, &["kind"]).expect("takes turns");
        let kind = slots[0].presence.as_ref().expect("kind follows the branch");
        for row in 0..100 {
            let Some(ColumnGen::Choice { values, .. }) = kind.generator(row) else { panic!("a kind per branch") };
            let post_set = !slots[1].presence.as_ref().expect("post_id").is_null(row, || 0.5);
            assert_eq!(values == &[Value::Text("post".into())], post_set, "row {row}");
        }
    }

    #[test]
    fn a_column_other_tables_reference_keeps_only_the_branches_that_set_it() {
        let text = || ColumnGen::Text { min: 1, max: 10, kind: None };
        let mut slots = vec![slot("email", text()), slot("phone", text())];
        lay_out_check("CHECK ((num_nonnulls(email, phone) >= 1))", &mut slots, &[]).expect("takes turns");
        require(&mut slots, 0);
        let (email, phone) = (slots[0].presence.as_ref().expect("email"), slots[1].presence.as_ref().expect("phone"));
        assert_eq!(email.branches.len(), 2, "email alone, or both");
        assert!((0..200).all(|row| !email.is_null(row, || 0.5)));
        assert!((0..200).any(|row| phone.is_null(row, || 0.5)) && (0..200).any(|row| !phone.is_null(row, || 0.5)));
        assert_eq!(slots[0].null_rate, 0.0);
    }

    #[test]
    fn checks_over_shared_columns_are_crossed() {
        let mut groups = Vec::new();
        for check in ["CHECK ((num_nonnulls(a, b) = 1))", "CHECK ((num_nonnulls(b, c) = 1))"] {
            let [restriction] = restrictions(check).try_into().expect("one restriction");
            add(&mut groups, check, branches(&restriction).expect("a choice")).expect("small");
        }
        assert_eq!(groups.len(), 1);
        // b set (a and c NULL), or b NULL (a and c set).
        assert_eq!(groups[0].branches.len(), 2, "{:?}", groups[0].branches);
    }
}
