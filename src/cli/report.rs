//! Showing the engine's events: indicatif bars on a terminal, plain lines elsewhere (CI, pipes).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use seed::connect::Target;
use seed::events::{Event, Reporter};
use seed::schema::QualifiedName;

pub struct Console {
    quiet: bool,
    terminal: bool,
    bar: Mutex<Option<ProgressBar>>,
}

pub fn for_terminal(quiet: bool, plan_only: bool) -> Console {
    Console { quiet: quiet || plan_only, terminal: std::io::stderr().is_terminal(), bar: Mutex::new(None) }
}

impl Console {
    pub fn connected(&self, target: &Target) {
        self.line(&format!("connected to {}", target.display()));
    }

    fn line(&self, text: &str) {
        if !self.quiet {
            self.warn(text);
        }
    }

    /// Shown even with `--quiet`: the user should always learn that rows outside the profile went.
    fn warn(&self, text: &str) {
        match self.bar.lock().ok().and_then(|b| b.clone()) {
            Some(bar) => bar.println(text),
            None => super::say(text),
        }
    }

    fn start_bar(&self, label: &str, rows: u64) {
        if self.quiet || !self.terminal {
            return;
        }
        let bar = ProgressBar::new(rows);
        let style = ProgressStyle::with_template("{msg:40} {bar:30} {pos}/{len} rows {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(label.to_string());
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn finish_bar(&self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}

fn cascade_line(tables: &[QualifiedName]) -> String {
    let names: Vec<String> = tables.iter().map(|t| t.plain()).collect();
    format!(
        "--cascade: also emptied {} (outside the profile; they referenced its tables and held rows)",
        names.join(", ")
    )
}

fn rate(rows: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds <= 0.0 { "-".into() } else { format!("{:.0} rows/s", rows as f64 / seconds) }
}

/// Set once `COMMIT` was sent: an interruption after it cannot say that nothing was committed.
static COMMITTING: AtomicBool = AtomicBool::new(false);

/// Whether the run has sent `COMMIT` ([`Event::Committing`]).
pub fn committing() -> bool {
    COMMITTING.load(Ordering::SeqCst)
}

impl Reporter for Console {
    fn report(&self, event: Event<'_>) {
        match event {
            Event::Connected { target } => self.line(&format!("connected to {target}")),
            Event::SchemaApplied { schema, file } => {
                self.line(&format!("schema {schema} was missing: applied {}", file.display()))
            }
            Event::PlanReady { plan } => {
                let rows: u64 = plan.tables.iter().map(|t| t.rows).sum();
                self.line(&format!("plan: {} tables, {rows} rows, seed {}", plan.tables.len(), plan.seed));
            }
            Event::Cleaned { tables } => self.line(&format!("cleaned {tables} tables")),
            Event::Recovered { started, tables, recreated } => self.warn(&format!(
                "a seed --jobs run started at {started} had stopped after its cleanup (killed, or its own recovery \
                 failed): its {tables} tables were emptied again and {recreated} missing indexes, keys and foreign keys re-created"
            )),
            Event::CascadeEmptied { tables } => self.warn(&cascade_line(tables)),
            Event::TableStarted { table, rows } => self.start_bar(&table.plain(), rows),
            Event::RowsWritten { rows, .. } => {
                if let Some(bar) = self.bar.lock().ok().and_then(|b| b.clone()) {
                    bar.set_position(rows);
                }
            }
            Event::TableDone { table, rows, bytes, elapsed } => {
                self.finish_bar();
                self.line(&format!(
                    "  {:<44} {rows:>10} rows {:>8.3}s {:>16} {:>8.1} MB",
                    table.plain(),
                    elapsed.as_secs_f64(),
                    rate(rows, elapsed),
                    bytes as f64 / 1e6
                ));
            }
            Event::Finishing => self.line("validating constraints and moving sequences"),
            Event::Committing => COMMITTING.store(true, Ordering::SeqCst),
            Event::Finished { rows, elapsed } => {
                self.line(&format!("loaded {rows} rows in {:.3}s ({})", elapsed.as_secs_f64(), rate(rows, elapsed)))
            }
            Event::TableSkipped { table, reason } => {
                self.line(&format!("skipped {}: {reason} (its rows left as they were)", table.plain()))
            }
        }
    }
}
