//! A cycle's back edge runs forward in time too: the planner's half of
//! [`crate::generate::back_edge`].
//!
//! [`super::creation`] makes a row follow the parents of earlier tables; a back edge (an FK into a
//! table loaded later: `teams.owner_id -> users` where users reference teams) is left out there,
//! since the parent's moment may follow this table's rows. Here, once every table is built (the
//! later table's creation column is known only then), such an FK that would pick uniformly picks a
//! parent created at or before the row instead ([`Picker::CreatedFirst`]), and the later table
//! learns which back edges may take its rows as the parent created with theirs. Both tables need
//! a creation column; the profile's `infer = false` on the FK's column keeps the uniform pick, as
//! does any rule that already picks the parent (a tenant's founder, a chain).

use crate::generate::TableGen;
use crate::generate::table::Picker;
use crate::profile::TableSettings;

use super::super::TablePlan;
use super::super::columns::infers;
use super::super::owners::{fk_columns, relationship};

/// `seed plan`'s words for a back edge that picks a parent created first.
pub fn description(parents: u64) -> String {
    format!(
        "one of the {parents} rows created at or before this one (a cycle's back edge), else the one created with it"
    )
}

/// Makes every back edge between two tables with creation columns pick a parent created at or
/// before the row, and says so in both tables' plans. `settings`: each table's, by position.
pub fn created_first(tables: &mut [TableGen], plans: &mut [TablePlan], settings: &[Option<&TableSettings>]) {
    for t in 0..tables.len() {
        for f in 0..tables[t].fks.len() {
            let Some(parents) = back_edge(tables, t, f, settings.get(t).copied().flatten()) else { continue };
            let rows = tables[t].rows;
            let parent = tables[t].fks[f].parent;
            tables[t].fks[f].picker = Picker::CreatedFirst { parents, rows };
            if let Some(creation) = tables[parent].creation.as_mut() {
                creation.back_edges.push((t, f));
            }
            describe(tables, plans, (t, f), parents);
        }
    }
}

/// The parent count of FK `f` of table `t` when it is a back edge this rule shapes: into a later
/// table, both tables generated with a creation column, picking uniformly on its own, and its
/// columns left to inference.
fn back_edge(tables: &[TableGen], t: usize, f: usize, settings: Option<&TableSettings>) -> Option<u64> {
    let table = &tables[t];
    let fk = &table.fks[f];
    let parent = tables.get(fk.parent).filter(|_| fk.parent > t)?;
    let generated = |g: &TableGen| g.fixed_rows.is_none() && g.creation.is_some();
    let Picker::Uniform { parents } = fk.picker else { return None };
    let free = fk.inherit.is_none() && fk.within.is_none() && fk.tenant.is_none() && fk.null_rate < 1.0;
    let inferred = fk.pairs.iter().filter_map(|(slot, _)| table.columns.get(*slot)).all(|c| infers(settings, &c.name));
    (generated(table) && generated(parent) && free && inferred && parents > 0).then_some(parents)
}

/// The FK's plan line, and one rule line in each table.
fn describe(tables: &[TableGen], plans: &mut [TablePlan], (t, f): (usize, usize), parents: u64) {
    let fk = &tables[t].fks[f];
    let columns = fk_columns(&tables[t], f);
    let names = |x: usize| plans[x].name.plain();
    let (child, parent) = (names(t), names(fk.parent));
    let column = |x: usize| {
        let slot = tables[x].creation.as_ref().map(|c| c.slot);
        slot.and_then(|s| tables[x].columns.get(s)).map(|c| c.name.clone()).unwrap_or_default()
    };
    let (created, parent_created) = (column(t), column(fk.parent));
    if let Some(line) = relationship(&mut plans[t].relationships, &columns, &parent) {
        *line = line.replacen(&format!("uniform over {parents} rows"), &description(parents), 1);
    }
    plans[t].inferred.push(format!(
        "{created} after {parent}.{parent_created} via {columns}, a cycle's back edge (a {parent} row created \
         earlier, else the one created with it)"
    ));
    plans[fk.parent].inferred.push(format!(
        "{parent_created} at most {child}.{created} where a {child} row takes this row via {columns} as the \
         one created with it"
    ));
}

#[cfg(test)]
mod tests {
    use crate::generate::table::Picker;
    use crate::plan::owners::tests::table;
    use crate::plan::{Plan, PlanOptions, build};
    use crate::schema::{Column, PgType, Schema, TypeKind};

    /// `teams.owner_id -> users` (NOT NULL) and `users.current_team_id -> teams` (nullable), both
    /// with a creation column: teams load first, so the owner is the back edge.
    fn cycle() -> Schema {
        let moment = PgType::new(1184, "timestamptz", TypeKind::TimestampTz);
        let mut tables = vec![
            table("teams", &[("id", true), ("owner_id", true)], &[("owner_id", "users")]),
            table("users", &[("id", true), ("current_team_id", false)], &[("current_team_id", "teams")]),
        ];
        for t in &mut tables {
            t.columns.push(Column { not_null: true, ..Column::plain("created_at", moment.clone()) });
        }
        Schema { tables }
    }

    fn planned(profile: &str) -> Plan {
        let profile = crate::profile::parse_str(std::path::Path::new("p.toml"), profile).expect("profile");
        build(&cycle(), Some(&profile), &PlanOptions::default()).expect("plan")
    }

    #[test]
    fn a_back_edge_picks_a_parent_created_first_and_both_plans_say_so() {
        let plan = planned("schemas = [\"public\"]\n[defaults]\nrows = 40\n");
        let (teams, users) = (&plan.tables[0], &plan.tables[1]);
        assert_eq!(teams.name.name, "teams");
        assert!(matches!(plan.dataset.tables[0].fks[0].picker, Picker::CreatedFirst { parents: 40, rows: 40 }));
        assert_eq!(plan.dataset.tables[1].creation.as_ref().map(|c| c.back_edges.clone()), Some(vec![(0, 0)]));
        assert_eq!(teams.relationships, [format!("owner_id -> public.users: {}", super::description(40))]);
        assert!(teams.inferred.iter().any(|r| r.starts_with("created_at after public.users.created_at via owner_id")));
        assert!(users.inferred.iter().any(|r| r.starts_with("created_at at most public.teams.created_at")));
    }

    #[test]
    fn infer_false_on_the_back_edge_keeps_the_uniform_pick() {
        let plan = planned(
            "schemas = [\"public\"]\n[defaults]\nrows = 40\n[tables.teams]\ncolumns.owner_id = { infer = false }\n",
        );
        assert!(matches!(plan.dataset.tables[0].fks[0].picker, Picker::Uniform { parents: 40 }));
        assert!(plan.dataset.tables[1].creation.as_ref().is_some_and(|c| c.back_edges.is_empty()));
        assert!(!plan.tables[0].inferred.iter().any(|r| r.contains("back edge")), "{:?}", plan.tables[0].inferred);
    }
}
