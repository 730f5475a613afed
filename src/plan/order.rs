//! Load order: parents before children, cycles found and broken explicitly.
//!
//! Tables are ordered by the strongly connected components of the foreign-key graph (Tarjan),
//! parents first. Inside a component (a cycle such as `teams.owner_id -> users`,
//! `users.current_team_id -> teams`) tables go by name, and every FK that points forward (to a table
//! loaded later) is a *back edge*: the loader defers it if it is deferrable, otherwise drops it
//! before the load and re-adds it after, which re-validates it. Keys are computed, never looked up,
//! so a back edge's values are known before the rows they point at exist. Self-references are not
//! back edges: they point at earlier rows of the same COPY.

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use crate::schema::{ForeignKey, Table};

/// An FK inside a cycle that points at a table loaded after its own.
#[derive(Debug, Clone, PartialEq)]
pub struct BackEdge {
    /// Position (in `order`) of the table that holds the FK.
    pub table: usize,
    pub foreign_key: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadOrder {
    /// Indexes into the input slice, parents first.
    pub order: Vec<usize>,
    /// Groups of indexes (into the input slice) that form cycles of two or more tables.
    pub cycles: Vec<Vec<usize>>,
    pub back_edges: Vec<(usize, String)>,
}

/// Orders `tables` (the run's scope) so every FK points at an earlier table, except back edges.
pub fn load_order(tables: &[&Table]) -> LoadOrder {
    load_order_after(tables, &[])
}

/// [`load_order`], where each `(later, earlier)` of `after` also puts table `later` after table
/// `earlier` (a table another one's triggers fill comes after it, and so do its dependents),
/// unless that closes a cycle: then the foreign keys decide.
pub fn load_order_after(tables: &[&Table], after: &[(usize, usize)]) -> LoadOrder {
    let mut graph = DiGraph::<usize, ()>::new();
    let nodes: Vec<_> = (0..tables.len()).map(|i| graph.add_node(i)).collect();
    for (child, table) in tables.iter().enumerate() {
        for parent in parents(table, tables) {
            if parent != child {
                graph.add_edge(nodes[child], nodes[parent], ());
            }
        }
    }
    for &(later, earlier) in after {
        if later != earlier && !petgraph::algo::has_path_connecting(&graph, nodes[earlier], nodes[later], None) {
            graph.add_edge(nodes[later], nodes[earlier], ());
        }
    }
    // Tarjan yields components in reverse topological order of the edges child -> parent:
    // parents come first, which is the load order.
    let mut result = LoadOrder::default();
    for mut component in tarjan_scc(&graph) {
        component.sort_by(|a, b| tables[graph[*a]].name.cmp(&tables[graph[*b]].name));
        let members: Vec<usize> = component.iter().map(|n| graph[*n]).collect();
        if members.len() > 1 {
            result.cycles.push(members.clone());
        }
        for (position, &member) in members.iter().enumerate() {
            let later = &members[position + 1..];
            for fk in &tables[member].foreign_keys {
                let target = tables.iter().position(|t| t.name == fk.referenced_table);
                if target.is_some_and(|t| later.contains(&t)) {
                    result.back_edges.push((member, fk.name.clone()));
                }
            }
        }
        result.order.extend(members);
    }
    result
}

fn parents<'a>(table: &'a Table, tables: &'a [&Table]) -> impl Iterator<Item = usize> + 'a {
    table
        .foreign_keys
        .iter()
        .filter_map(move |fk: &ForeignKey| tables.iter().position(|t| t.name == fk.referenced_table))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::QualifiedName;

    fn table(name: &str, fks: &[(&str, &str)]) -> Table {
        let mut table = Table::with_columns(name, vec![]);
        table.name = QualifiedName::new("s", name);
        table.foreign_keys =
            fks.iter().map(|(fk, target)| ForeignKey::plain(fk, &[], QualifiedName::new("s", *target), &[])).collect();
        table
    }

    fn names(tables: &[Table], order: &LoadOrder) -> Vec<String> {
        order.order.iter().map(|i| tables[*i].name.name.clone()).collect()
    }

    #[test]
    fn parents_come_before_children() {
        let tables = [
            table("comments", &[("c_post", "posts"), ("c_user", "users")]),
            table("posts", &[("p_user", "users")]),
            table("users", &[]),
        ];
        let refs: Vec<&Table> = tables.iter().collect();
        let order = load_order(&refs);
        assert_eq!(names(&tables, &order), ["users", "posts", "comments"]);
        assert!(order.cycles.is_empty() && order.back_edges.is_empty());
    }

    #[test]
    fn self_references_are_not_cycles() {
        let tables = [table("niches", &[("parent", "niches")])];
        let refs: Vec<&Table> = tables.iter().collect();
        let order = load_order(&refs);
        assert_eq!(order.order, [0]);
        assert!(order.cycles.is_empty() && order.back_edges.is_empty());
    }

    #[test]
    fn a_cycle_is_loaded_together_with_its_forward_edge_marked() {
        let tables = [
            table("members", &[("m_team", "teams")]),
            table("users", &[("current_team", "teams")]),
            table("teams", &[("owner", "users")]),
        ];
        let refs: Vec<&Table> = tables.iter().collect();
        let order = load_order(&refs);
        assert_eq!(names(&tables, &order), ["teams", "users", "members"]);
        assert_eq!(order.cycles.len(), 1);
        // teams is loaded first, so its FK to users points forward.
        assert_eq!(order.back_edges, vec![(2, "owner".to_string())]);
    }
}
