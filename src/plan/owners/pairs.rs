//! A composite unique key of two FKs whose parents belong to one tenant picks its pair within one
//! tenant row: a platform post's `(social_post_id, social_account_id)` are one user's post and
//! account, a tag assignment's `(tag_id, customer_id)` one team's tag and customer.
//!
//! Both parents must reach the tenant through layouts ([`super::descents`]; a uniform FK on the
//! way becomes a spread), and, for a people tenant, in the same role (the last FKs have the same
//! column names). A parent that is the tenant itself does not count: a report unique per
//! `(comment_id, creator_id)` says each comment has many reporters, so at most one of them could
//! be its author, and the pair would be the author's own comment every time; such a pair still
//! agrees on a tenant both parents reach further up (the comment's and the reporter's instance). The driver then numbers each tenant row's combinations in
//! turn ([`TenantPairs`]): still injective, so pairs never repeat. A key may hold columns besides
//! its two FKs (a rental's `(rental_date, inventory_id, customer_id)`): each pair then comes with
//! every combination of the columns' digits, which multiply the capacity. The capacity shrinks from the
//! product of the parents' counts to the sum over tenant rows of the product of their counts;
//! where the table needs more rows than that, the key keeps its independent digits and the plan
//! notes the arithmetic.

use crate::generate::TableGen;
use crate::generate::table::{Picker, UniqueDriver, UniqueSource};
use crate::generate::tenant::{TenantPairs, tenant_range};

use super::super::TablePlan;
use super::{
    Facts, Pass, column_settings, descents, fk_columns, only_inferring, relationship, role, spread_parents, spreadable,
};

/// A key's two FKs (table FK indexes, by digit position), the tenant their parents share, each
/// parent's descent to it, and the key's other digits (columns: (position, radix, slot)).
struct Shared {
    fks: [usize; 2],
    positions: [usize; 2],
    tenant: usize,
    descents: [Vec<(usize, usize)>; 2],
    columns: Vec<(usize, u64, usize)>,
}

/// Makes each composite unique key of two FKs of table `t` pick within one tenant row, where
/// their parents share one and it fits (see the module doc).
pub(super) fn within_tenants(tables: &mut [TableGen], plans: &mut [TablePlan], t: usize, facts: Facts) {
    for driver in 0..tables[t].drivers.len() {
        let Some(shared) = shared_tenant(&facts.over(tables), t, driver) else { continue };
        let spreads: Vec<(usize, usize)> = shared.descents.iter().flatten().copied().collect();
        let spreads: Vec<(usize, usize)> =
            spreads.into_iter().filter(|&(x, f)| spreadable(tables, facts.settings, x, f)).collect();
        let column_digits = shared.columns.iter().map(|&(position, radix, _)| (position, radix)).collect();
        let pairs = pairs_if_spread(tables, &shared, &spreads).with_columns(shared.positions, column_digits);
        // Where plan::time made the key's digits ascend with the row, the pairs keep that order.
        let pairs = match tables[t].drivers[driver].ascending.is_some() {
            true => pairs.in_creation_order(tables[t].rows),
            false => pairs,
        };
        let (columns, rows) = (pair_columns(&tables[t], shared.fks), tables[t].rows);
        let (tenant, counts) = (&facts.names[shared.tenant], counted(facts.names, &tables[t], &shared));
        let capacity = pairs.capacity();
        if capacity < rows {
            plans[t].notes.push(format!(
                "{columns}: cannot pick within one {tenant} row: {counts} is \
                 {capacity}, fewer than the {rows} rows needed (fill more of each per {tenant}, or fewer rows)"
            ));
            continue;
        }
        super::spread(tables, plans, facts.names, &spreads);
        let key = tables[t].fks[shared.fks[0]].key.derive("tenant pairs");
        tables[t].drivers[driver] = UniqueDriver::within_tenants(pairs, key);
        for f in shared.fks {
            let (columns, parent) = (fk_columns(&tables[t], f), &facts.names[tables[t].fks[f].parent]);
            if let Some(line) = relationship(&mut plans[t].relationships, &columns, parent) {
                line.push_str(&format!(", within one {tenant} row"));
            }
        }
        plans[t].inferred.push(format!("{columns} a pair within one {tenant} row ({counts}: {capacity})"));
    }
}

/// The FKs of a driver of two FK digits (and any column digits) whose parents reach one tenant,
/// and how.
fn shared_tenant(context: &Pass, t: usize, driver: usize) -> Option<Shared> {
    let table = &context.tables[t];
    let unique = table.drivers.get(driver)?;
    // A key whose combinations overflow is left alone: the pairs' count times the columns' must fit.
    let fits = unique.radices.iter().try_fold(1u64, |all, radix| all.checked_mul(*radix)).is_some();
    if unique.per_parent || unique.in_order || unique.tenants.is_some() || unique.laid_out.is_some() || !fits {
        return None;
    }
    let digit_fk = |position: usize| {
        let at = |fk: &&crate::generate::table::FkGen| matches!(fk.picker, Picker::Digit { driver: d, position: p } if d == driver && p == position);
        table.fks.iter().position(|fk| at(&fk) && fk.parent < t)
    };
    let digit_column =
        |position: usize| table.columns.iter().position(|c| c.unique == Some(UniqueSource::Digit { driver, position }));
    let (mut fks, mut columns) = (Vec::new(), Vec::new());
    for (position, &radix) in unique.radices.iter().enumerate() {
        match (digit_fk(position), digit_column(position)) {
            (Some(f), _) => fks.push((f, position)),
            (None, Some(slot)) => columns.push((position, radix, slot)),
            (None, None) => return None,
        }
    }
    let [(first, one), (second, other)] = fks[..] else { return None };
    let (fks, positions) = ([first, second], [one, other]);
    let own = context.settings.get(t).copied().flatten();
    if !fks.iter().all(|&f| column_settings(table, f, own).iter().all(|c| only_inferring(c))) {
        return None;
    }
    // Never the parent itself: a key with an FK straight to the tenant links it with others' rows.
    let reach = |f: usize| descents(context.tables, context.settings, context.tenants, table.fks[f].parent);
    let end = |f: usize, descent: &[(usize, usize)]| descent.last().copied().unwrap_or((t, f));
    let (first, second) = (reach(fks[0]), reach(fks[1]));
    first.into_iter().find_map(|(tenant, one)| {
        let (_, other) = second.iter().find(|(reached, _)| *reached == tenant)?;
        let same_role = role(context, tenant, end(fks[0], &one)) == role(context, tenant, end(fks[1], other));
        same_role.then(|| Shared { fks, positions, tenant, descents: [one, other.clone()], columns: columns.clone() })
    })
}

/// The pairs each tenant row holds, as if the FKs `spreads` were laid out (they are restored).
fn pairs_if_spread(tables: &mut [TableGen], shared: &Shared, spreads: &[(usize, usize)]) -> TenantPairs {
    let mut saved = Vec::new();
    for &(x, f) in spreads {
        let rows = tables[x].rows;
        if let Some(parents) = spread_parents(&tables[x], f) {
            saved.push((x, f, std::mem::replace(&mut tables[x].fks[f].picker, Picker::Spread { parents, rows })));
        }
    }
    let tenants = tables[shared.tenant].rows;
    let [one, other] = &shared.descents;
    let pairs = TenantPairs::new((0..tenants).map(|r| (tenant_range(tables, one, r), tenant_range(tables, other, r))));
    for (x, f, picker) in saved {
        tables[x].fks[f].picker = picker;
    }
    pairs
}

/// `social_post_id, social_account_id`: the key's FK columns.
fn pair_columns(table: &TableGen, fks: [usize; 2]) -> String {
    format!("{}, {}", fk_columns(table, fks[0]), fk_columns(table, fks[1]))
}

/// `the sum over its rows of creator.social_posts rows x creator.social_accounts rows per row`:
/// the key's capacity in words (`, times 4 values of rental_date` for each column of the key).
fn counted(names: &[String], table: &TableGen, shared: &Shared) -> String {
    let [first, second] = shared.fks.map(|f| &names[table.fks[f].parent]);
    let columns = shared.columns.iter().map(|&(_, radix, slot)| {
        let name = table.columns.get(slot).map_or("", |c| c.name.as_str());
        format!(", times {radix} values of {name}")
    });
    format!("the sum over its rows of {first} rows x {second} rows per row{}", columns.collect::<String>())
}
