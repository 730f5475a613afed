//! Declared membership: `member_of = "team_members"` on a foreign key to users makes the user a
//! member of the row's group, where the names cannot say so (a customer's `owner_id` and the
//! team's members). The membership table must reference the column's table and a table the row
//! reaches (the group), and be laid out per the group, so the member is the user of a membership
//! row in the group's range ([`crate::generate::tenant`]'s `through`); otherwise the plan notes it.

use crate::generate::TableGen;
use crate::generate::tenant::TenantPick;
use crate::profile::{ColumnSettings, TableSettings};

use super::super::PlanError;
use super::{Found, Pass, column_settings, layout, owners, spreadable};

/// `member_of` names the members of a group, so it belongs on a foreign key to them.
pub(super) fn refuse_off_foreign_keys(table: &TableGen, settings: Option<&TableSettings>) -> Result<(), PlanError> {
    let declared = settings.into_iter().flat_map(|s| &s.columns).filter_map(|c| c.member_of.as_ref().map(|m| (c, m)));
    for (column, named) in declared {
        let slot = table.columns.iter().position(|s| s.name == column.name.name);
        let on_foreign_key =
            slot.is_some_and(|slot| table.fks.iter().any(|fk| fk.pairs.iter().any(|(s, _)| *s == slot)));
        if !on_foreign_key {
            return Err(PlanError::at(
                &named.location,
                format!(
                    "`member_of` on `{}`: it is for a foreign-key column (a reference to the members, such as \
                     `owner_id`), and `{}` references no table",
                    column.name.name, column.name.name
                ),
            ));
        }
    }
    Ok(())
}

/// The `member_of` setting on FK `a`'s columns.
pub(super) fn declared<'s>(
    table: &TableGen,
    a: usize,
    settings: Option<&'s TableSettings>,
) -> Option<&'s ColumnSettings> {
    column_settings(table, a, settings).into_iter().find(|c| c.member_of.is_some())
}

/// A declared `member_of`: FK `a` (a user) takes the user of a membership row of the row's group.
/// The membership table must reference the FK's parent and a table the row reaches, and be laid
/// out per that table; where it is not, the plan says so and the FK keeps its picker.
pub(super) fn pick(
    context: &Pass,
    t: usize,
    a: usize,
    column: &ColumnSettings,
    notes: &mut Vec<String>,
) -> Result<Option<Found>, PlanError> {
    let Pass { tables, settings, names, .. } = *context;
    let Some(named) = &column.member_of else { return Ok(None) };
    let refuse = |why: String| PlanError::at(&named.location, format!("`member_of` on `{}`: {why}", column.name.name));
    let written = named.name.as_str();
    let m = names
        .iter()
        .position(|n| n == written)
        .or_else(|| names.iter().position(|n| n.rsplit('.').next() == Some(written)))
        .ok_or_else(|| refuse(format!("table `{written}` is not filled by this profile")))?;
    let user = tables[t].fks[a].parent;
    let m_name = &names[m];
    let through = tables[m].fks.iter().position(|fk| fk.parent == user).ok_or_else(|| {
        refuse(format!("`{m_name}` has no foreign key to `{}`, so its rows name no member", names[user]))
    })?;
    let group = (0..tables[m].fks.len()).filter(|&g| g != through && tables[m].fks[g].parent != user).find_map(|g| {
        let group = tables[m].fks[g].parent;
        let (owners, described) = owners(tables, names, (t, a, &[]), (group, None));
        (!owners.is_empty()).then_some((g, group, owners, described))
    });
    let Some((g, group, owners, described)) = group else {
        return Err(refuse(format!(
            "this row reaches none of the tables `{m_name}` references besides `{}`",
            names[user]
        )));
    };
    let plain = tables[m].fks[through].inherit.is_none() && tables[m].fks[through].within.is_none();
    // A member is recomputed from the membership row's index: its pick must be what was written.
    let why = if !tables[m].first_attempt_only() {
        Some(format!("a row of `{m_name}` may be regenerated to pass its CHECKs, so its member cannot be recomputed"))
    } else if !layout(tables, settings, m, g) || !(plain || m < t) {
        let group = &names[group];
        Some(format!("`{m_name}` is not laid out per `{group}` (give it rows = {{ per = \"{group}\", ... }})"))
    } else {
        None
    };
    if let Some(why) = why {
        notes.push(format!("{}: `member_of` cannot hold by construction: {why}", column.name.name));
        return Ok(None);
    }
    let spread = if spreadable(tables, settings, m, g) { vec![(m, g)] } else { vec![] };
    let pick = TenantPick { owners, descent: vec![(m, g)], through: vec![(m, through)] };
    Ok(Some(Found { pick, spread, tenant: group, owners: described }))
}
