//! Across an FK cycle, a tenant's owner is its first member, created with it: an organization's
//! `owner_user_id` is the organization's first user ([`crate::generate::tenant`] picks the first
//! row of the tenant's range), and that user's creation moment is the organization's own
//! ([`crate::generate::time::Creation::founder`]), so "created after the rows it references" holds
//! both ways (the cycle's equal moments). Only a one-hop layout (users laid out per organization
//! by an FK their creation follows) gets the moment; longer ones keep the first member alone. A
//! founder's self-reference takes an earlier row created by that moment
//! ([`crate::generate::back_edge`]), so nothing it references lifts it past its organization.

use crate::generate::TableGen;
use crate::generate::tenant::{Owner, TenantPick};

use super::super::TablePlan;
use super::fk_columns;

/// Marks the founders a pick of the row itself (`Owner::Row`) implies; says so in the plans.
pub(super) fn mark(tables: &mut [TableGen], plans: &mut [TablePlan], names: &[String], pick: &TenantPick) {
    if pick.owners.first() != Some(&Owner::Row) || !pick.through.is_empty() {
        return;
    }
    let [(x, f)] = pick.descent[..] else { return };
    let Some(creation) = tables[x].creation.as_mut().filter(|c| c.parents.contains(&f)) else { return };
    creation.founder = Some(f);
    let column = tables[x].columns.get(creation.slot).map(|c| c.name.clone()).unwrap_or_default();
    let parent = &names[tables[x].fks[f].parent];
    let line = format!(
        "{column} of each {parent} row's first row (its owner) equal to the {parent} row's, via {}",
        fk_columns(&tables[x], f)
    );
    // Every FK of the tenant that picks the row itself (an owner, a `deleted_by`) takes the founder.
    if !plans[x].inferred.contains(&line) {
        plans[x].inferred.push(line);
    }
}
