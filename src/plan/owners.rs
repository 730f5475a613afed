//! Tenants and owners stay whole across foreign keys, whatever the columns are called.
//!
//! [`super::inherit`] makes an FK follow another FK's chain where the names say it is the same
//! role. This pass covers what the names do not reveal. Where a row's FK `a` reaches a tenant-like
//! table `T` through its parent's NOT NULL FKs (an issue's reporter: `users.org_id ->
//! organizations`), and the row reaches `T` another way too (its project's organization, or the
//! row itself when it is an organization), `a` picks a parent of that same `T` row. The parent is
//! found from indexes, through the parent table's layout per `T` ([`crate::generate::tenant`]): a
//! fan-out, or, for an FK that picked uniformly, a spread (each `T` row's rows together, in order).
//! A parent table laid out another way (a composite key's digit, a chain) cannot be inverted: `a`
//! keeps its picker, and the plan notes which table to fill `per` which.
//!
//! Tenant-like: a generated table that the NOT NULL FKs of at least [`REFERRERS`] other tables
//! reference (organizations, teams, workspaces, accounts, and the users who own things); a fixture
//! is reference data, not a tenant. A people table (its name says users, members, persons, ...:
//! [`table_kind`]) is a tenant for one role only: two chains agree on a person where both end in
//! FK columns of the same name (a post's `creator_id` and its community's `creator_id`), never
//! across roles, since a moderator removes others' comments and a like is mostly by someone else
//! than the post's author. True tenants (organizations, instances) agree whatever the names. The pass runs after every table is built, since the first table
//! of a cycle (organizations, before the users who own them) needs the second one's layout.
//!
//! Declared: `member_of = "team_members"` on an FK column picks the user of a membership row of
//! the row's team ([`members`]).
//!
//! What wins: an FK the profile sets (any rule on its columns, `infer = false`) stays as it is;
//! an inheriting FK or one picking within its owner's rows falls back to its tenant only where its
//! source is NULL; owners over NOT NULL FKs come before nullable ones, then shorter chains, then FK
//! order. A nullable FK straight to the tenant (`created_by`) is an optional role, no owner; and no
//! chain or layout crosses a cycle's back edge (an organization's owner says who owns it, not who
//! belongs to it). An owner never reads the FK it owns, and owner chains pass only through tables
//! before this one (as in [`super::inherit`]), so no value depends on itself.

use crate::generate::TableGen;
use crate::generate::inherit::Inherit;
use crate::generate::table::{FkGen, Picker, sources};
use crate::generate::tenant::{Owner, TenantPick};
use crate::profile::{ColumnSettings, TableSettings};

use super::columns::words::{TableKind, table_kind};
use super::inherit::{self, Tables};
use super::{PlanError, TablePlan};

/// Tables whose NOT NULL FKs must reference a table for it to count as a tenant.
pub const REFERRERS: usize = 3;

/// `seed plan`'s words for an FK spread over its parents.
pub fn spread_description(parents: u64) -> String {
    format!("spread evenly over {parents} rows, each parent's rows together (so rows can pick within a parent)")
}

/// Makes FKs pick within the tenant their row already belongs to (see the module doc), and
/// records each rule in the plans. `settings` holds each table's profile settings, by position.
pub fn agree(
    tables: &mut [TableGen],
    plans: &mut [TablePlan],
    settings: &[Option<&TableSettings>],
) -> Result<(), PlanError> {
    let names: Vec<String> = plans.iter().map(|p| p.name.plain()).collect();
    let tenants = tenant_like(tables);
    let people: Vec<bool> =
        plans.iter().map(|p| matches!(table_kind(&p.name.name), Some((TableKind::People, _)))).collect();
    let facts = Facts { settings, tenants: &tenants, people: &people, names: &names };
    for t in 0..tables.len() {
        let own = settings.get(t).copied().flatten();
        members::refuse_off_foreign_keys(&tables[t], own)?;
        pairs::within_tenants(tables, plans, t, facts);
        for a in 0..tables[t].fks.len() {
            let context = facts.over(tables);
            let found = match members::declared(&tables[t], a, own) {
                Some(column) => members::pick(&context, t, a, column, &mut plans[t].notes)?,
                None if free(&tables[t], a, own) => tenant_pick(&context, t, a),
                None => None,
            };
            if let Some(found) = found {
                record(tables, plans, &names, (t, a), found);
            }
        }
        tables[t].fk_order = inherit::fill_order(&tables[t].fks);
        let context = facts.over(tables);
        // A composite key's digit blocks agreement, unless its pair is picked within a tenant.
        let digit = |a: usize| match tables[t].fks[a].picker {
            Picker::Digit { driver, .. } => tables[t].drivers.get(driver).is_some_and(|d| d.tenants.is_none()),
            _ => false,
        };
        let plain =
            |a: &usize| (digit(*a) || free(&tables[t], *a, own)) && sources(&tables[t].fks[*a]).next().is_none();
        let notes: Vec<String> =
            (0..tables[t].fks.len()).filter(plain).filter_map(|a| blocked(&context, t, a)).collect();
        plans[t].notes.extend(notes);
    }
    Ok(())
}

/// What the pass knows of every table besides its generator, by table position.
#[derive(Clone, Copy)]
struct Facts<'a> {
    settings: &'a [Option<&'a TableSettings>],
    tenants: &'a [bool],
    people: &'a [bool],
    names: &'a [String],
}

impl<'a> Facts<'a> {
    /// The facts with the generators as they stand.
    fn over<'b>(self, tables: &'b [TableGen]) -> Pass<'b>
    where
        'a: 'b,
    {
        Pass { tables, settings: self.settings, tenants: self.tenants, people: self.people, names: self.names }
    }
}

/// What the pass reads while it looks for one FK's tenant.
#[derive(Clone, Copy)]
struct Pass<'a> {
    tables: &'a [TableGen],
    settings: &'a [Option<&'a TableSettings>],
    tenants: &'a [bool],
    /// By table: a people table, a tenant for one role only (see the module doc).
    people: &'a [bool],
    names: &'a [String],
}

/// A tenant pick the planner found, with the FKs that must become spreads for it to hold.
struct Found {
    pick: TenantPick,
    spread: Vec<(usize, usize)>,
    /// The tenant table, and how the owners reach it, for `seed plan`.
    tenant: usize,
    owners: Vec<String>,
}

/// Generated tables referenced by the NOT NULL FKs of at least [`REFERRERS`] other tables, straight
/// or through a composite FK that carries their key ([`carries_key_of`]).
fn tenant_like(tables: &[TableGen]) -> Vec<bool> {
    (0..tables.len())
        .map(|t| {
            let reaches = |fk: &FkGen| fk.null_rate == 0.0 && (fk.parent == t || carries_key_of(tables, fk, t));
            let referrers = tables.iter().enumerate().filter(|(r, g)| *r != t && g.fks.iter().any(reaches)).count();
            tables[t].fixed_rows.is_none() && referrers >= REFERRERS
        })
        .collect()
}

/// Whether `fk` copies a column of its parent that the parent's own NOT NULL FK to table `t`
/// fills: `issues (org_id, project_id) -> projects (org_id, id)` names the project's organization,
/// so issues belong to organizations as surely as a plain `org_id -> organizations` would say.
fn carries_key_of(tables: &[TableGen], fk: &FkGen, t: usize) -> bool {
    let Some(parent) = tables.get(fk.parent) else { return false };
    let to_t = |own: &FkGen| own.parent == t && own.parent != fk.parent && own.null_rate == 0.0;
    parent
        .fks
        .iter()
        .filter(|own| to_t(own))
        .any(|own| own.pairs.iter().any(|(column, _)| fk.pairs.iter().any(|(_, referenced)| referenced == column)))
}

/// The profile's settings on FK `a`'s columns, if any.
fn column_settings<'s>(table: &TableGen, a: usize, settings: Option<&'s TableSettings>) -> Vec<&'s ColumnSettings> {
    let names: Vec<&str> =
        table.fks[a].pairs.iter().filter_map(|(s, _)| table.columns.get(*s)).map(|c| c.name.as_str()).collect();
    settings.map(|s| s.columns.iter().filter(|c| names.contains(&c.name.name.as_str())).collect()).unwrap_or_default()
}

/// Whether a column's settings leave it to the inferred rules: none but `infer = true`.
fn only_inferring(c: &ColumnSettings) -> bool {
    c.infer == Some(true) && c.member_of.is_none() && c.null_rate.is_none() && c.value.is_none() && c.values.is_none()
}

/// An FK this pass may shape: set by no profile rule, not always NULL, and picking uniformly, or
/// following a chain or picking within an owner that may give no row (the tenant is then its
/// fallback: the chain's source may be NULL, or the owner own no row).
fn free(table: &TableGen, a: usize, settings: Option<&TableSettings>) -> bool {
    let fk = &table.fks[a];
    let nullable = |source: usize| table.fks.get(source).is_some_and(|s| s.null_rate > 0.0);
    let shapeable = match (&fk.inherit, &fk.within) {
        (Some(chain), _) => nullable(chain.source),
        (None, Some(owner)) => nullable(owner.source) || fk.null_rate == 0.0,
        (None, None) => picks_alone(&fk.picker).is_some(),
    };
    table.fixed_rows.is_none()
        && fk.tenant.is_none()
        && !fk.pairs.is_empty()
        && fk.null_rate < 1.0
        && shapeable
        && column_settings(table, a, settings).iter().all(|c| only_inferring(c))
}

/// An FK that may become a layout: NOT NULL, picking uniformly on its own, set by no rule.
fn spreadable(tables: &[TableGen], settings: &[Option<&TableSettings>], x: usize, f: usize) -> bool {
    let table = &tables[x];
    let fk = &table.fks[f];
    spread_parents(table, f).is_some()
        && fk.null_rate == 0.0
        && fk.parent != x
        && fk.inherit.is_none()
        && fk.within.is_none()
        && fk.tenant.is_none()
        && column_settings(table, f, settings.get(x).copied().flatten()).iter().all(|c| only_inferring(c))
}

/// Whether FK `f` of table `x` lays its rows out per its parent (or may be made to).
fn layout(tables: &[TableGen], settings: &[Option<&TableSettings>], x: usize, f: usize) -> bool {
    match tables[x].fks[f].picker {
        Picker::FanOut => tables[x].fan_out.is_some(),
        Picker::Spread { .. } => true,
        _ => spreadable(tables, settings, x, f),
    }
}

/// From table `from`, the tenant-like tables its layouts lead to, nearest first, each with the
/// descent ((table, FK) per hop, each into a table loaded earlier); at most [`inherit::MAX_HOPS`] hops.
fn descents(
    tables: &[TableGen],
    settings: &[Option<&TableSettings>],
    tenants: &[bool],
    from: usize,
) -> Vec<(usize, Vec<(usize, usize)>)> {
    let mut found = Vec::new();
    let mut frontier = vec![(from, Vec::new())];
    for _ in 0..inherit::MAX_HOPS {
        let mut next = Vec::new();
        for (x, path) in frontier {
            let Some(table) = tables.get(x).filter(|t| t.fixed_rows.is_none()) else { continue };
            for (f, fk) in table.fks.iter().enumerate() {
                // A cycle's back edge (an organization's owner) says who owns, not who belongs.
                if fk.parent >= x || fk.parent == from || !layout(tables, settings, x, f) {
                    continue;
                }
                let mut hops: Vec<(usize, usize)> = path.clone();
                hops.push((x, f));
                if tenants[fk.parent] && !found.iter().any(|(t, _)| *t == fk.parent) {
                    found.push((fk.parent, hops.clone()));
                }
                next.push((fk.parent, hops));
            }
        }
        frontier = next;
    }
    found
}

/// The first tenant FK `a` of table `t` can agree on: a table its parent's layouts lead to that
/// the row reaches another way.
fn tenant_pick(context: &Pass, t: usize, a: usize) -> Option<Found> {
    let Pass { tables, settings, tenants, names, .. } = *context;
    let fk = &tables[t].fks[a];
    // A fallback never reads the source that gave no row; and it may take the tenant itself (the
    // FK's parent), as the chain would have: a suggestion without content takes its task's user.
    let skip: Vec<usize> = fk.inherit.iter().chain(&fk.within).map(|chain| chain.source).collect();
    let itself = (!skip.is_empty() && tenants[fk.parent]).then(|| (fk.parent, vec![]));
    let layouts = itself.into_iter().chain(descents(tables, settings, tenants, fk.parent));
    layouts.into_iter().find_map(|(tenant, descent)| {
        let end = descent.last().copied().unwrap_or((t, a));
        let role = role(context, tenant, end);
        let (owners, described) = owners(tables, names, (t, a, &skip), (tenant, role.as_deref()));
        let spread = descent.iter().copied().filter(|&(x, f)| spreadable(tables, settings, x, f)).collect();
        (!owners.is_empty()).then_some(Found {
            pick: TenantPick { owners, descent, through: vec![] },
            spread,
            tenant,
            owners: described,
        })
    })
}

/// Where FK `a` of table `t` reaches a tenant the row also reaches, but picks as a part of a
/// composite unique key, or through a table not laid out per the next (a composite key's digit, an
/// inherited key): the note `seed plan` shows, since the two cannot be made to agree from indexes
/// there and `a` picks on its own.
fn blocked(context: &Pass, t: usize, a: usize) -> Option<String> {
    let Pass { tables, settings, tenants, names, .. } = *context;
    let fk = &tables[t].fks[a];
    (0..tables.len()).filter(|&tenant| tenants[tenant] && tenant != fk.parent).find_map(|tenant| {
        let hops = inherit::chain_to(tables, fk.parent, tenant, &|_, _| true, false)?;
        let why = match (&fk.picker, hops.iter().find(|&&(x, f)| !layout(tables, settings, x, f))) {
            (Picker::Digit { .. }, _) => "it is a part of a composite unique key, which decides its parent".to_string(),
            (_, Some(&(x, f))) => format!(
                "{} is not laid out per {} by {} (fill it `per` that table)",
                names[x],
                names[tables[x].fks[f].parent],
                fk_columns(&tables[x], f)
            ),
            (_, None) => return None,
        };
        let role = role(context, tenant, *hops.last()?);
        let (owners, described) = owners(tables, names, (t, a, &[]), (tenant, role.as_deref()));
        let owner = described.first().filter(|_| !owners.is_empty())?;
        if owners.first().is_some_and(|owner| links(&tables[t], a, owner)) {
            return None;
        }
        Some(format!(
            "{}: cannot agree by construction with the {} row of {owner}: {why}",
            fk_columns(&tables[t], a),
            names[tenant]
        ))
    })
}

/// Whether FK `a` and `owner`, an FK straight to the tenant, are digits of one unique key (a
/// vote's `(forum_post_id, creator_id)`): the row links the tenant with others' rows, so the two
/// need not agree (see [`pairs`]), and the plan notes nothing.
fn links(table: &TableGen, a: usize, owner: &Owner) -> bool {
    let driver = |f: usize| match table.fks.get(f).map(|fk| &fk.picker) {
        Some(Picker::Digit { driver, .. }) => Some(*driver),
        _ => None,
    };
    matches!(owner, Owner::Chain(chain) if chain.hops.is_empty() && driver(chain.source).is_some() && driver(chain.source) == driver(a))
}

/// The role a chain into `tenant` must end in to agree with the chain whose last FK is `end`
/// (table, FK): its columns for a people table, `None` (any) for a true tenant.
fn role(context: &Pass, tenant: usize, (x, f): (usize, usize)) -> Option<String> {
    let tables = context.tables;
    (context.people.get(tenant) == Some(&true)).then(|| tables.get(x).map(|g| fk_columns(g, f)).unwrap_or_default())
}

/// The sources of table `t`'s `tenant` row for its FK `a`, best first, each with how `seed plan`
/// shows it: the row itself (when it is the tenant: an organization's owner is one of its users),
/// then other FKs (but those in `skip`) whose parents reach it over NOT NULL
/// FKs of earlier tables, ending in the columns `role` names when it names some (a people
/// tenant: see the module doc). The list ends at the first owner that always gives a row.
fn owners(
    tables: &[TableGen],
    names: &[String],
    (t, a, skip): (usize, usize, &[usize]),
    (tenant, role): (usize, Option<&str>),
) -> (Vec<Owner>, Vec<String>) {
    let fks = &tables[t].fks;
    if t == tenant {
        // A person's row picking among its own rows would be a role of its own: none agrees.
        return match role {
            Some(_) => (vec![], vec![]),
            None => (vec![Owner::Row], vec!["the row itself".to_string()]),
        };
    }
    let ends_in_role = |b: usize, hops: &[(usize, usize)]| {
        let (x, f) = hops.last().copied().unwrap_or((t, b));
        role.is_none_or(|role| tables.get(x).is_some_and(|g| fk_columns(g, f) == role))
    };
    let mut chains: Vec<Ranked> = (0..fks.len())
        .filter(|&b| b != a && !skip.contains(&b) && !depends(fks, b, a))
        .filter_map(|b| Some((fks[b].null_rate > 0.0, owner_chain(tables, t, b, (tenant, role))?, b)))
        .filter(|(_, hops, b)| ends_in_role(*b, hops))
        .map(|(nullable, hops, b)| (nullable, hops.len(), b, hops))
        .collect();
    chains.sort();
    if let Some(always) = chains.iter().position(|(nullable, ..)| !nullable) {
        chains.truncate(always + 1);
    }
    let context = Tables { this: t, built: tables, names };
    let described: Vec<String> =
        chains.iter().map(|(_, _, b, hops)| inherit::describe(&context, &fks[*b], &tables[t].columns, hops)).collect();
    let owners: Vec<Owner> =
        chains.into_iter().map(|(_, _, source, hops)| Owner::Chain(Inherit { source, hops })).collect();
    (owners, described)
}

/// An owner chain, ranked: NOT NULL first, then shorter, then in FK order.
type Ranked = (bool, usize, usize, Vec<(usize, usize)>);

/// The NOT NULL FKs from FK `b`'s parent (a table loaded before `t`) to `tenant`, the last one in
/// `role`'s columns where it names some (a topic's `creator_id`, not its `updater_id`, owns a
/// request's `creator_id`): empty when `b` references the tenant itself; `None` when it cannot
/// own (a self-reference, a probing or always NULL FK, a nullable reference straight to the
/// tenant: an optional role such as `created_by`).
fn owner_chain(
    tables: &[TableGen],
    t: usize,
    b: usize,
    (tenant, role): (usize, Option<&str>),
) -> Option<Vec<(usize, usize)>> {
    let fk = &tables[t].fks[b];
    let picks = !matches!(fk.picker, Picker::Matching { .. } | Picker::Earlier { .. }) && fk.null_rate < 1.0;
    let in_role = |g: &TableGen, last: &FkGen| role.is_none_or(|role| columns_of(g, last) == role);
    match fk.parent == tenant {
        _ if !picks || fk.parent >= t => None,
        true if fk.null_rate > 0.0 => None,
        true => Some(Vec::new()),
        false => inherit::chain_to(&tables[..t], fk.parent, tenant, &in_role, false),
    }
}

/// Whether FK `b` reads FK `a`'s pick, directly or through the FKs it reads.
fn depends(fks: &[FkGen], b: usize, a: usize) -> bool {
    let mut stack = vec![b];
    let mut seen = vec![];
    while let Some(f) = stack.pop() {
        if f == a {
            return true;
        }
        if seen.contains(&f) {
            continue;
        }
        seen.push(f);
        stack.extend(fks.get(f).into_iter().flat_map(sources));
    }
    false
}

/// Applies a found pick: spreads the FKs it needs, sets it on FK `a` of table `t`, and says so in
/// the plans (the FK's line, and one rule line).
fn record(tables: &mut [TableGen], plans: &mut [TablePlan], names: &[String], (t, a): (usize, usize), found: Found) {
    spread(tables, plans, names, &found.spread);
    let columns = fk_columns(&tables[t], a);
    let parent = names[tables[t].fks[a].parent].clone();
    let tenant = &names[found.tenant];
    let via = match found.pick.through.first() {
        Some(&(m, _)) => format!("the member of a {m} row", m = names[m]),
        None => format!("a row of {parent}"),
    };
    let rule = format!("{via} in the {tenant} row of {}, so related rows agree", found.owners.join(", else of "));
    if let Some(line) = relationship(&mut plans[t].relationships, &columns, &parent) {
        let head = format!("{columns} -> {parent}: ");
        let how = line[head.len().min(line.len())..].to_string();
        *line = match how.split_once("; where that gives no row: ") {
            Some((settled, fallback)) => format!("{head}{settled}; else {rule}; where that gives no row: {fallback}"),
            None => format!("{head}{rule}; where that gives no row: {how}"),
        };
    }
    let first = found.owners.first().cloned().unwrap_or_default();
    plans[t].inferred.push(match found.pick.through.first() {
        Some(&(m, _)) => format!("{columns} a member ({}) of the {tenant} row of {first}", names[m]),
        None => format!("{columns} in the same {tenant} as {first}"),
    });
    founders::mark(tables, plans, names, &found.pick);
    tables[t].fks[a].tenant = Some(found.pick);
}

/// Lays the FKs `spread` out per their parents (each a uniform pick before), and says so in the plans.
fn spread(tables: &mut [TableGen], plans: &mut [TablePlan], names: &[String], spread: &[(usize, usize)]) {
    for &(x, f) in spread {
        let Some(parents) = spread_parents(&tables[x], f) else { continue };
        key_layout::lay_out(&mut tables[x], f);
        let was = std::mem::replace(&mut tables[x].fks[f].picker, Picker::Spread { parents, rows: tables[x].rows });
        let columns = fk_columns(&tables[x], f);
        let uniform = match was {
            Picker::Before { .. } => format!("one of the {parents} rows created before this one"),
            Picker::Digit { .. } => "a part of a composite unique key: combinations never repeat".to_string(),
            _ => format!("uniform over {parents} rows"),
        };
        let parent = &names[tables[x].fks[f].parent];
        if let Some(line) = relationship(&mut plans[x].relationships, &columns, parent) {
            *line = line.replacen(&uniform, &spread_description(parents), 1);
        }
        plans[x].inferred.push(format!(
            "{} laid out per {columns} (each {parent} row's together), so others can pick within one",
            names[x]
        ));
    }
}

/// FK `f`'s columns, as `seed plan` lists them.
pub(super) fn fk_columns(table: &TableGen, f: usize) -> String {
    table.fks.get(f).map(|fk| columns_of(table, fk)).unwrap_or_default()
}

/// An FK's columns in its table, as `seed plan` lists them.
fn columns_of(table: &TableGen, fk: &FkGen) -> String {
    let columns = fk.pairs.iter().filter_map(|(slot, _)| table.columns.get(*slot));
    columns.map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// The plan line of the FK on `columns` into `parent`.
pub(super) fn relationship<'l>(lines: &'l mut [String], columns: &str, parent: &str) -> Option<&'l mut String> {
    let head = format!("{columns} -> {parent}: ");
    lines.iter_mut().find(|line| line.starts_with(&head) && !line.contains("implied by a wider"))
}

mod founders;
mod key_layout;
mod members;
mod pairs;
#[cfg(test)]
pub(super) mod tests;

/// The parent count of FK `f` if it were spread: one picking on its own ([`picks_alone`]), or the
/// FK digit of a unique key of itself and one column ([`key_layout`]).
fn spread_parents(table: &TableGen, f: usize) -> Option<u64> {
    table.fks.get(f).and_then(|fk| picks_alone(&fk.picker)).or_else(|| key_layout::key_parents(table, f))
}

/// The parent count of an FK that picks on its own among all its parent's rows: uniformly, or
/// among those created before the row (`plan::time`). A layout (`Picker::Spread`) may replace
/// either: its parent for row `i` is among the first `ceil((i + 1) * parents / rows)`, so it too
/// was created before the row.
fn picks_alone(picker: &Picker) -> Option<u64> {
    match picker {
        Picker::Uniform { parents } | Picker::Before { parents, .. } => Some(*parents),
        _ => None,
    }
}
