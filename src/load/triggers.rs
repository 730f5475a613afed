//! `--disable-triggers`: the loaded tables' own triggers stay silent for the run.
//!
//! Why not `session_replication_role = replica`, as `pg_dump --disable-triggers` does: it needs a
//! superuser, and it also silences the triggers that implement foreign keys, so nothing would
//! check them. `ALTER TABLE ... DISABLE TRIGGER name` needs only ownership, leaves foreign keys
//! alone and is transactional: it is issued inside the run's transaction (after the savepoint a
//! `--rows` run may roll back to), and each trigger is switched back on as it was (`ENABLE` or
//! `ENABLE ALWAYS`) before the commit. A failed run rolls back the switch with everything else.
//! Triggers the user had disabled, and replica-only ones (they never fire in a load), are not
//! in the plan's list and stay as they are.

use sqlx::PgConnection;

use super::execute;
use crate::error::Result;
use crate::plan::{Plan, TriggerRef};
use crate::schema::quote_ident;

/// Switches off every trigger of `plan.triggers_off`.
pub async fn disable(conn: &mut PgConnection, plan: &Plan) -> Result<()> {
    for trigger in &plan.triggers_off {
        let sql = format!("ALTER TABLE {} DISABLE TRIGGER {}", trigger.table, quote_ident(&trigger.name));
        execute(conn, &sql, &context("switching off", trigger)).await?;
    }
    Ok(())
}

/// Switches them back on as they were.
pub async fn restore(conn: &mut PgConnection, plan: &Plan) -> Result<()> {
    for trigger in &plan.triggers_off {
        let how = if trigger.always { "ENABLE ALWAYS" } else { "ENABLE" };
        let sql = format!("ALTER TABLE {} {how} TRIGGER {}", trigger.table, quote_ident(&trigger.name));
        execute(conn, &sql, &context("switching back on", trigger)).await?;
    }
    Ok(())
}

fn context(action: &str, trigger: &TriggerRef) -> String {
    format!("{action} trigger {} of {} (--disable-triggers)", trigger.name, trigger.table.plain())
}
