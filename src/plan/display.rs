//! `seed plan`: the plan as text. Writes nothing; says what a run would do and why.

use std::fmt;

use super::Plan;

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: u64 = self.tables.iter().map(|t| t.rows).sum();
        writeln!(f, "seed {}: {} tables, {} rows", self.seed, self.tables.len(), total)?;
        writeln!(f)?;
        writeln!(f, "load order:")?;
        for (i, table) in self.tables.iter().enumerate() {
            let format = if table.fixture.is_some() {
                "csv"
            } else if table.binary {
                "binary"
            } else {
                "text"
            };
            writeln!(f, "{:>4}. {}  rows {}  [{format} COPY]", i + 1, table.name.plain(), table.volume)?;
            for line in &table.relationships {
                writeln!(f, "        fk {line}")?;
            }
            for line in &table.inferred {
                writeln!(f, "        rule {line}")?;
            }
            for note in &table.notes {
                writeln!(f, "        note: {note}")?;
            }
        }
        write_cycles(self, f)?;
        if !self.skipped.is_empty() {
            writeln!(f)?;
            writeln!(f, "skipped:")?;
            for (table, reason) in &self.skipped {
                writeln!(f, "  {}: {reason}", table.plain())?;
            }
        }
        if !self.triggers_off.is_empty() {
            writeln!(f)?;
            writeln!(f, "triggers switched off during the run and back on before it commits (--disable-triggers):")?;
            for trigger in &self.triggers_off {
                writeln!(f, "  {} on {}", trigger.name, trigger.table.plain())?;
            }
        }
        writeln!(f)?;
        write!(
            f,
            "cleanup: TRUNCATE of the {} tables above, in the load's transaction; sequences are not restarted: \
             each one that feeds a written column is moved past the highest value written (one that other tables \
             also use only forward), the others keep theirs",
            self.clean.len()
        )?;
        let restarts: Vec<String> = self
            .tables
            .iter()
            .flat_map(|t| {
                t.restarts.iter().map(move |(s, at)| format!("{} at {at} before {}", s.plain(), t.name.plain()))
            })
            .collect();
        if !restarts.is_empty() {
            write!(f, "; restarted for the rows triggers make: {}", restarts.join(", "))?;
        }
        Ok(())
    }
}

fn write_cycles(plan: &Plan, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if plan.cycles.is_empty() {
        return Ok(());
    }
    writeln!(f)?;
    writeln!(f, "cycles:")?;
    for cycle in &plan.cycles {
        let names: Vec<String> = cycle.iter().map(|n| n.plain()).collect();
        writeln!(f, "  {}", names.join(" <-> "))?;
    }
    for c in &plan.deferred {
        writeln!(f, "  {} on {}: deferrable, checked at commit", c.name, c.table.plain())?;
    }
    for c in &plan.dropped {
        writeln!(
            f,
            "  {} on {}: dropped before the load, re-added (and so re-validated) after it",
            c.name,
            c.table.plain()
        )?;
    }
    Ok(())
}

impl Plan {
    /// The plan as JSON (`seed plan --json`): for scripts and CI.
    pub fn to_json(&self) -> serde_json::Value {
        let tables: Vec<serde_json::Value> = self
            .tables
            .iter()
            .map(|t| {
                serde_json::json!({
                    "table": t.name.plain(),
                    "schema": t.name.schema,
                    "name": t.name.name,
                    "rows": t.rows,
                    "volume": t.volume,
                    "copy": if t.fixture.is_some() { "csv" } else if t.binary { "binary" } else { "text" },
                    "foreign_keys": t.relationships,
                    "notes": t.notes,
                    "inferred": t.inferred,
                    "server_checks": t.server_checks.checks.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let constraint =
            |c: &super::ConstraintRef| serde_json::json!({ "table": c.table.plain(), "constraint": c.name });
        serde_json::json!({
            "seed": self.seed,
            "tables": tables,
            "cycles": self.cycles.iter().map(|c| c.iter().map(|n| n.plain()).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "deferred": self.deferred.iter().map(constraint).collect::<Vec<_>>(),
            "dropped_and_readded": self.dropped.iter().map(constraint).collect::<Vec<_>>(),
            "triggers_off": self.triggers_off.iter().map(|t| serde_json::json!({ "table": t.table.plain(), "trigger": t.name })).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|(t, why)| serde_json::json!({ "table": t.plain(), "schema": t.schema, "name": t.name, "reason": why })).collect::<Vec<_>>(),
        })
    }
}
