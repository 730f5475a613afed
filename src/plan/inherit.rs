//! Which foreign keys copy their parent along another FK, so related rows agree on their tenant.
//!
//! The rule: a table has FK `A` (`session_id -> chat_sessions`) and an FK `B`
//! (`organization_id -> organizations`); `A`'s parent reaches `B`'s parent table through its own
//! NOT NULL FKs (here directly: `chat_sessions.organization_id`), the last of which has `B`'s
//! column names and references the same columns. Then `B` is not picked: it takes the row that
//! chain ends at, so a message belongs to its session's organization, and content to its
//! project's owner. Chains may be transitive (`session_id -> chat_sessions.project_id ->
//! projects.organization_id`), up to [`MAX_HOPS`]. A nullable `B` keeps its NULLs and follows the
//! chain otherwise: a suggestion's platform, when it has one, is its content's platform.
//!
//! The other direction, when `B`'s parent is settled (a fan-out, or inherited as above): an FK `A`
//! whose parent table is laid out per `B`'s parent table (`rows = { per = ... }`, the fan-out FK
//! under `B`'s column names, or with `B`'s columns among its own: `project_id` for a fan-out over
//! `(organization_id, project_id)`) picks among the rows that `B`'s parent row owns: a session's
//! project is one of its organization's projects, its episode one of its project's episodes. When
//! no FK of the row picks `B`'s parent table itself, the owner may be the row reached (over NOT
//! NULL FKs, as above) from an FK that holds the fan-out's column names: an episode's creator is
//! one of the users of the organization its `(organization_id, project_id)` project belongs to.
//! `A` may be nullable (it keeps its NULLs); when that row owns none, a nullable `A` is NULL
//! (rather than another organization's) and a NOT NULL one picks on its own.
//!
//! Why NOT NULL chains and the same names: a NOT NULL FK says the row belongs to that parent (its
//! tenant, its owner), and the same name says it is the same role. A nullable FK on the way is an
//! optional reference (`created_by`, `deleted_by`, a reviewer) and another name another role
//! (`tasks.assignee_id` is not `projects.lead_id`): those stay independent here. Chains that reach
//! the same tenant under other names agree through [`super::owners`].
//!
//! What wins, deterministically:
//! - keys first: `B` inherits only when it would otherwise pick uniformly. A fan-out parent, a
//!   one-to-one FK, a part of a composite unique key, an FK that agrees with a wider one, a
//!   self-reference, and an FK always NULL keep their picker;
//! - the profile next: any setting on one of `B`'s columns keeps `B` independent (the opt-out:
//!   `columns.user_id = { null_rate = 0 }`);
//! - of several chains (a diamond), one starting from a NOT NULL FK wins (the row belongs to that
//!   parent: a block's organization is its episode's, not its creator's), then the shortest, then
//!   the FK that comes first in the table's FK order. The other
//!   chains may disagree: `seed plan` says which one each FK follows;
//! - an FK that inherits is never a source, and a source never inherits (FKs are taken in order).
//!
//! In doubt, the FK keeps its picker: chains only pass through tables generated before this one
//! whose rows are always made at the first attempt, over FKs whose pick is a pure function of the
//! row index (no self-references, no matching probes); so cycles and composite overlaps are left
//! alone. At generation, when the source is NULL (a nullable `A`) `B` picks on its own.

use crate::generate::TableGen;
use crate::generate::inherit::Inherit;
use crate::generate::presence::ever_together;
use crate::generate::table::{ColumnSlot, FkGen, Picker, sources};

/// The longest chain followed, in FKs after the source.
pub const MAX_HOPS: usize = 3;

/// The table being planned, and the tables before it.
pub struct Tables<'a> {
    /// This table's position in load order.
    pub this: usize,
    /// The generators of the tables before it, by position.
    pub built: &'a [TableGen],
    /// Every planned table's name, by position.
    pub names: &'a [String],
}

/// Sets `inherit` on the FKs of `fks` that follow a chain; returns, by FK index, the chain as
/// `seed plan` shows it. `configured` says whether the profile sets a column (by slot).
pub fn derive(
    tables: &Tables,
    fks: &mut [FkGen],
    slots: &[ColumnSlot],
    configured: &dyn Fn(usize) -> bool,
) -> Vec<(usize, String)> {
    let mut described = Vec::new();
    let mut sources: Vec<usize> = Vec::new();
    for b in 0..fks.len() {
        if sources.contains(&b) || !is_free(tables, &fks[b], configured) {
            continue;
        }
        let wanted = signature(&fks[b].pairs, slots);
        let candidates = (0..fks.len())
            .filter(|&a| a != b && fks[a].inherit.is_none() && is_source(tables, &fks[a], fks[b].parent))
            // Owners that take turns (`num_nonnulls(comment_id, post_id) = 1`) never meet in a row.
            .filter(|&a| ever_together(fks[a].presence.as_ref(), fks[b].presence.as_ref()))
            .filter_map(|a| shortest_chain(tables, fks[a].parent, fks[b].parent, &wanted).map(|hops| (a, hops)));
        let best = candidates.min_by_key(|(a, hops)| (fks[*a].null_rate > 0.0, hops.len(), *a));
        if let Some((a, hops)) = best {
            let chain = describe(tables, &fks[a], slots, &hops);
            described.push((b, format!("the row reached by {chain}, so related rows agree")));
            fks[b].inherit = Some(Inherit { source: a, hops });
            sources.push(a);
        }
    }
    described.extend(derive_within(tables, fks, slots, configured, &sources));
    described
}

/// The order a row's FKs are filled in: each after every FK whose pick it reads (the FK it
/// follows, picks within, or takes its tenant from; the wider FK whose columns a matching FK
/// shares), so those picking on their own come first. In FK order among equals.
pub fn fill_order(fks: &[FkGen]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..fks.len()).collect();
    order.sort_by_key(|&f| fill_depth(fks, f, 0));
    order
}

/// `f`'s depth in [`fill_order`]: 0 when it reads no other FK's pick, else one more than the
/// deepest it reads. Plans never make an FK read itself; `seen` only bounds a malformed one.
fn fill_depth(fks: &[FkGen], f: usize, seen: usize) -> usize {
    let Some(fk) = fks.get(f).filter(|_| seen <= fks.len()) else { return 0 };
    let shared: &[(usize, usize)] = match &fk.picker {
        Picker::Matching { shared, .. } => shared,
        _ => &[],
    };
    let wider = shared.iter().filter_map(|(slot, _)| fks.iter().position(|o| o.pairs.iter().any(|(c, _)| c == slot)));
    sources(fk).chain(wider).filter(|&s| s != f).map(|s| 1 + fill_depth(fks, s, seen + 1)).max().unwrap_or(0)
}

/// The other direction: an FK `A` whose parent table is laid out per `Q` (`rows = { per = ... }`)
/// while another FK `B` of the row picks a `Q` row under the fan-out FK's column names picks
/// among the rows that `Q` row owns: a social post's content of its own project, a session's
/// project of its own organization. `B` may be a fan-out, inherited or plain FK; `A` is neither a
/// source nor an owner, so owners never pick within their own rows. Owners under the fan-out FK's
/// exact columns are found first, then those with some of its columns (an episode's project), which
/// may themselves pick within another's rows: a row's project is its organization's, and its
/// episode its project's.
fn derive_within(
    tables: &Tables,
    fks: &mut [FkGen],
    slots: &[ColumnSlot],
    configured: &dyn Fn(usize) -> bool,
    sources: &[usize],
) -> Vec<(usize, String)> {
    let mut described = Vec::new();
    let mut owners: Vec<usize> = Vec::new();
    for exact in [true, false] {
        for a in 0..fks.len() {
            if let Some(description) = own_within(tables, fks, slots, configured, (sources, &mut owners), a, exact) {
                described.push((a, description));
            }
        }
    }
    described
}

/// Makes FK `a` pick within the rows its owner's parent row owns, if it can (see
/// [`derive_within`]); returns how `seed plan` says so. `exact`: the owner's columns are the
/// fan-out FK's, else some of them, or the owner is reached from another FK of the row.
fn own_within(
    tables: &Tables,
    fks: &mut [FkGen],
    slots: &[ColumnSlot],
    configured: &dyn Fn(usize) -> bool,
    (sources, owners): (&[usize], &mut Vec<usize>),
    a: usize,
    exact: bool,
) -> Option<String> {
    let fk = &fks[a];
    if sources.contains(&a) || owners.contains(&a) || !is_free(tables, fk, configured) {
        return None;
    }
    let (owned, fan_fk) = fanned_out(tables, fk.parent)?;
    let wanted = signature(&fan_fk.pairs, &owned.columns);
    let (b, hops) = direct_owner(fks, slots, a, fan_fk.parent, &wanted, exact)
        .map(|b| (b, Vec::new()))
        .or_else(|| (!exact).then(|| reached_owner(tables, fks, slots, a, fan_fk.parent, &wanted)).flatten())?;
    let name = |table: usize| tables.names.get(table).cloned().unwrap_or_default();
    let description = format!(
        "a row of {} owned by the {} row of {} (its rows are per {}), so related rows agree",
        name(fks[a].parent),
        name(fan_fk.parent),
        describe(tables, &fks[b], slots, &hops),
        name(fan_fk.parent)
    );
    fks[a].within = Some(Inherit { source: b, hops });
    owners.push(b);
    Some(description)
}

/// An FK of the row other than `a` into the fan-out parent table `target`, under the fan-out
/// FK's columns (`exact`) or some of them. The exact pass takes owners that pick on their own; the
/// second also owners that pick within another's rows themselves (filled after it: the fill
/// stages of `generate::table`).
fn direct_owner(
    fks: &[FkGen],
    slots: &[ColumnSlot],
    a: usize,
    target: usize,
    wanted: &[(usize, &str)],
    exact: bool,
) -> Option<usize> {
    let matches = |owner: &[(usize, &str)]| if exact { owner == wanted } else { same_role(owner, wanted) };
    (0..fks.len()).find(|&b| {
        b != a
            && fks[b].parent == target
            && (fks[b].within.is_none() || !exact)
            && owner_source(&fks[b]) != Some(a)
            && matches(&signature(&fks[b].pairs, slots))
    })
}

/// An FK of the row other than `a` that holds the fan-out's column names (an episode's
/// `(organization_id, project_id)` for users per `organization_id`), and whose parent reaches the
/// fan-out parent table `target` over NOT NULL FKs: the owner is the row that chain ends at (the
/// project's organization), which the row's own `organization_id` equals.
fn reached_owner(
    tables: &Tables,
    fks: &[FkGen],
    slots: &[ColumnSlot],
    a: usize,
    target: usize,
    wanted: &[(usize, &str)],
) -> Option<(usize, Vec<(usize, usize)>)> {
    (0..fks.len()).find_map(|b| {
        let own = signature(&fks[b].pairs, slots);
        let named = wanted.iter().all(|(_, name)| own.iter().any(|(_, own_name)| own_name == name));
        let usable = b != a && named && owner_source(&fks[b]) != Some(a) && is_source(tables, &fks[b], target);
        usable.then(|| shortest_chain(tables, fks[b].parent, target, wanted)).flatten().map(|hops| (b, hops))
    })
}

/// The FK whose rows `fk` picks within, if it does.
fn owner_source(fk: &FkGen) -> Option<usize> {
    fk.within.as_ref().map(|within| within.source)
}

/// A table generated before this one and laid out per parent, with its fan-out FK.
fn fanned_out<'a>(tables: &Tables<'a>, table: usize) -> Option<(&'a TableGen, &'a FkGen)> {
    let generator = passable(tables, table)?;
    generator.fan_out.as_ref()?;
    let fan_fk = generator.fks.iter().find(|fk| matches!(fk.picker, Picker::FanOut))?;
    Some((generator, fan_fk))
}

/// An FK that would pick uniformly, may hold a value and is set by no profile rule.
fn is_free(tables: &Tables, fk: &FkGen, configured: &dyn Fn(usize) -> bool) -> bool {
    matches!(fk.picker, Picker::Uniform { .. })
        && fk.inherit.is_none()
        && fk.within.is_none()
        && fk.parent != tables.this
        && fk.null_rate < 1.0
        && !fk.pairs.is_empty()
        && !fk.pairs.iter().any(|(slot, _)| configured(*slot))
}

/// An FK whose parent is generated before this table and picked as a pure function of the row.
fn is_source(tables: &Tables, fk: &FkGen, target_parent: usize) -> bool {
    !matches!(fk.picker, Picker::Matching { .. } | Picker::Earlier { .. })
        && fk.parent != tables.this
        && fk.parent != target_parent
        && fk.parent < tables.built.len()
}

/// (parent column, child column name) pairs, in parent column order: two FKs with the same
/// signature reference the same columns under the same names.
fn signature<'s>(pairs: &[(usize, usize)], slots: &'s [ColumnSlot]) -> Vec<(usize, &'s str)> {
    let mut signature: Vec<(usize, &str)> =
        pairs.iter().filter_map(|&(child, parent)| slots.get(child).map(|s| (parent, s.name.as_str()))).collect();
    signature.sort_unstable();
    signature
}

/// Whether an FK with signature `owner` names the fan-out parent the way the fan-out FK (`fan_out`)
/// does: its columns are some of the fan-out FK's, under the same names. `project_id` alone names
/// the project that `(organization_id, project_id)` does.
fn same_role(owner: &[(usize, &str)], fan_out: &[(usize, &str)]) -> bool {
    !owner.is_empty() && owner.iter().all(|pair| fan_out.contains(pair))
}

/// A table a chain may pass through: generated before, not a fixture, rows at the first attempt.
fn passable<'a>(tables: &Tables<'a>, table: usize) -> Option<&'a TableGen> {
    passable_in(tables.built, table)
}

/// A table of `built` a chain may pass through: not a fixture, rows at the first attempt.
fn passable_in(built: &[TableGen], table: usize) -> Option<&TableGen> {
    let generator = built.get(table)?;
    (generator.fixed_rows.is_none() && generator.first_attempt_only()).then_some(generator)
}

/// The fewest FKs leading from table `from` to an FK into `target` with the `wanted` signature,
/// breadth first and in FK order (so ties resolve the same way every time).
fn shortest_chain(
    tables: &Tables,
    from: usize,
    target: usize,
    wanted: &[(usize, &str)],
) -> Option<Vec<(usize, usize)>> {
    let named = |generator: &TableGen, fk: &FkGen| signature(&fk.pairs, &generator.columns) == wanted;
    chain_to(tables.built, from, target, &named, true)
}

/// The fewest NOT NULL FKs (at most [`MAX_HOPS`]) leading from table `from` through tables of
/// `built` to an FK into `target` that `ends` accepts, breadth first and in FK order: each hop is
/// (table, FK index), a pure pick of that table at the first attempt. Without `forward`, FKs into
/// tables loaded later (a cycle's back edge: an organization's owner) are not followed.
pub(super) fn chain_to(
    built: &[TableGen],
    from: usize,
    target: usize,
    ends: &dyn Fn(&TableGen, &FkGen) -> bool,
    forward: bool,
) -> Option<Vec<(usize, usize)>> {
    let mut frontier: Vec<(usize, Vec<(usize, usize)>)> = vec![(from, vec![])];
    let mut visited = vec![from];
    for _ in 0..MAX_HOPS {
        let mut next = Vec::new();
        for (table, path) in frontier {
            let Some(generator) = passable_in(built, table) else { continue };
            for (g, fk) in generator.fks.iter().enumerate() {
                // Only NOT NULL FKs are followed: they say the row belongs to that parent.
                let backwards = forward || fk.parent < table;
                if matches!(fk.picker, Picker::Matching { .. })
                    || fk.parent == table
                    || fk.null_rate > 0.0
                    || !backwards
                {
                    continue;
                }
                let mut hops = path.clone();
                hops.push((table, g));
                if fk.parent == target && ends(generator, fk) {
                    return Some(hops);
                }
                if !visited.contains(&fk.parent) {
                    visited.push(fk.parent);
                    next.push((fk.parent, hops));
                }
            }
        }
        frontier = next;
    }
    None
}

/// `session_id -> episode.chat_sessions.organization_id`: the source's columns, then each FK followed.
pub(super) fn describe(tables: &Tables, source: &FkGen, slots: &[ColumnSlot], hops: &[(usize, usize)]) -> String {
    let columns = |pairs: &[(usize, usize)], slots: &[ColumnSlot]| {
        pairs.iter().filter_map(|(child, _)| slots.get(*child).map(|s| s.name.clone())).collect::<Vec<_>>().join(", ")
    };
    let mut text = columns(&source.pairs, slots);
    for &(table, g) in hops {
        let Some((generator, fk)) = tables.built.get(table).and_then(|t| t.fks.get(g).map(|fk| (t, fk))) else {
            continue;
        };
        let name = tables.names.get(table).map(String::as_str).unwrap_or("?");
        match fk.pairs.len() {
            1 => text.push_str(&format!(" -> {name}.{}", columns(&fk.pairs, &generator.columns))),
            _ => text.push_str(&format!(" -> {name}.({})", columns(&fk.pairs, &generator.columns))),
        }
    }
    text
}
