//! Showing the engine's events: indicatif bars on a terminal, plain lines elsewhere (CI, pipes).
//!
//! On a terminal, two bars: the current table's, and below it the whole plan's (rows, rate, ETA).
//! After the COPYs, a spinner names the step the run is in (rebuilding indexes, re-adding foreign
//! keys, moving sequences, `ANALYZE`), and each step leaves a line with its seconds. Off a terminal
//! the same story is told in plain lines, a step's line as it starts. Lines that must be seen even
//! with `--quiet` (skipped tables, `--cascade`'s list, a lock the run waits for) go through
//! [`Console::warn`]. The summary's time is the run's wall time, from before connecting.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressState, ProgressStyle};
use seed::connect::Target;
use seed::events::{Event, LockWait, Reporter, Step};
use seed::schema::QualifiedName;

pub struct Console {
    quiet: bool,
    terminal: bool,
    started: Instant,
    bars: Mutex<Bars>,
}

/// What is drawn on a terminal.
#[derive(Default)]
struct Bars {
    multi: Option<MultiProgress>,
    /// The current table's bar.
    table: Option<ProgressBar>,
    /// The whole plan's bar, from the first table on.
    overall: Option<ProgressBar>,
    /// The step running after the COPYs, with its spinner and start.
    step: Option<(Step, ProgressBar, Instant)>,
    /// Rows the plan writes, and rows of the tables already done.
    planned: u64,
    done: u64,
}

pub fn for_terminal(quiet: bool, plan_only: bool) -> Console {
    Console {
        quiet: quiet || plan_only,
        terminal: std::io::stderr().is_terminal(),
        started: Instant::now(),
        bars: Mutex::new(Bars::default()),
    }
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

    /// Shown even with `--quiet`: the user should always learn that rows outside the profile went,
    /// that a table was left out, or why the run is not moving.
    fn warn(&self, text: &str) {
        let multi = self.bars.lock().ok().and_then(|b| b.multi.clone().filter(|_| b.live()));
        match multi {
            Some(multi) => {
                let _ = multi.println(text);
            }
            None => super::say(text),
        }
    }

    /// Bars only on a terminal, and not with `--quiet`.
    fn draws(&self) -> bool {
        self.terminal && !self.quiet
    }

    fn with_bars(&self, change: impl FnOnce(&mut Bars)) {
        if self.draws()
            && let Ok(mut bars) = self.bars.lock()
        {
            change(&mut bars);
        }
    }

    fn table_started(&self, table: &QualifiedName, rows: u64) {
        self.with_bars(|bars| {
            bars.show_overall();
            // `with_message`, not `set_message`: a bar not yet in the MultiProgress would draw itself.
            let bar = ProgressBar::new(rows)
                .with_style(style("{msg:40} {bar:30} {human_pos}/{human_len} rows {rate}"))
                .with_message(table.plain());
            bars.table = Some(bars.multi().insert(0, bar));
        });
    }

    fn rows_written(&self, rows: u64) {
        self.with_bars(|bars| {
            if let Some(bar) = &bars.table {
                bar.set_position(rows);
            }
            if let Some(overall) = &bars.overall {
                overall.set_position(bars.done + rows);
            }
        });
    }

    fn table_done(&self, table: &QualifiedName, rows: u64, bytes: u64, elapsed: Duration) {
        self.with_bars(|bars| {
            bars.show_overall();
            if let Some(bar) = bars.table.take() {
                bar.finish_and_clear();
            }
            bars.done += rows;
            if let Some(overall) = &bars.overall {
                overall.set_position(bars.done);
            }
        });
        self.line(&format!(
            "  {:<44} {rows:>10} rows {:>8.3}s {:>16} {:>8.1} MB",
            table.plain(),
            elapsed.as_secs_f64(),
            rate(rows, elapsed),
            bytes as f64 / 1e6
        ));
    }

    /// The COPYs are done: the overall bar gives way to the steps' spinner.
    fn copies_done(&self) {
        self.with_bars(|bars| {
            if let Some(overall) = bars.overall.take() {
                overall.finish_and_clear();
            }
        });
    }

    fn step(&self, step: Step) {
        let finished = self.end_step();
        if let Some(line) = finished {
            self.line(&line);
        }
        if !self.draws() {
            self.line(&format!("  {step}"));
            return;
        }
        self.with_bars(|bars| {
            let spinner = ProgressBar::new_spinner()
                .with_style(style("  {spinner} {msg} {elapsed}"))
                .with_message(step.to_string());
            let spinner = bars.multi().add(spinner);
            spinner.enable_steady_tick(Duration::from_millis(100));
            bars.step = Some((step, spinner, Instant::now()));
        });
    }

    /// Clears the running step's spinner; its line with its seconds, to print.
    fn end_step(&self) -> Option<String> {
        let mut ended = None;
        self.with_bars(|bars| {
            if let Some((step, spinner, since)) = bars.step.take() {
                spinner.finish_and_clear();
                ended = Some(format!("  {step} {:.3}s", since.elapsed().as_secs_f64()));
            }
        });
        ended
    }

    fn finished(&self, rows: u64) {
        if let Some(line) = self.end_step() {
            self.line(&line);
        }
        self.copies_done();
        let wall = self.started.elapsed();
        self.line(&format!("loaded {rows} rows in {:.3}s ({})", wall.as_secs_f64(), rate(rows, wall)));
    }
}

impl Bars {
    fn multi(&mut self) -> &MultiProgress {
        self.multi.get_or_insert_with(MultiProgress::new)
    }

    fn live(&self) -> bool {
        self.table.is_some() || self.overall.is_some() || self.step.is_some()
    }

    fn show_overall(&mut self) {
        if self.overall.is_none() && self.planned > 0 {
            let bar = ProgressBar::new(self.planned)
                .with_style(style("{msg:40} {bar:30} {human_pos}/{human_len} rows {rate} eta {eta}"))
                .with_message("all tables");
            self.overall = Some(self.multi().add(bar));
        }
    }
}

/// A bar style with `{rate}`: whole rows per second (indicatif's `{per_sec}` prints four decimals).
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).with_key(
        "rate",
        |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = write!(out, "{:.0} rows/s", state.per_sec());
        },
    )
}

fn cascade_line(tables: &[QualifiedName]) -> String {
    let names: Vec<String> = tables.iter().map(|t| t.plain()).collect();
    format!(
        "--cascade: also emptied {} (outside the profile; they referenced its tables and held rows)",
        names.join(", ")
    )
}

fn nothing_to_clean(missing: &[String]) -> String {
    match missing {
        [] => "nothing to clean: none of the profile's tables exists".to_string(),
        [one] => format!("nothing to clean: schema {one} does not exist (a run creates it); nothing was created"),
        many => format!(
            "nothing to clean: schemas {} do not exist (a run creates them); nothing was created",
            many.join(", ")
        ),
    }
}

/// `waiting for a lock on public.t (AccessExclusiveLock) held by backend 42 (...): ...`.
fn lock_wait_line(wait: &LockWait) -> String {
    let holders: Vec<String> = wait
        .holders
        .iter()
        .map(|h| {
            let application = if h.application.is_empty() { "no application name" } else { h.application.as_str() };
            format!("backend {} ({application}, user {}, {}: {})", h.pid, h.user, h.state, h.query)
        })
        .collect();
    let outcome = match wait.gives_up_after {
        Some(limit) => format!("seed gives up after {} (--lock-timeout)", seconds(limit)),
        None => "seed waits until it is released (--lock-timeout DURATION gives up instead)".into(),
    };
    format!(
        "waiting for a lock on {} ({}) held by {}: {outcome}. Commit or end that session (SELECT pg_terminate_backend(pid)) to go on",
        wait.object,
        wait.mode,
        holders.join("; ")
    )
}

fn seconds(duration: Duration) -> String {
    format!("{} s", (duration.as_secs_f64() * 1000.0).round() / 1000.0)
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
                if let Ok(mut bars) = self.bars.lock() {
                    bars.planned = rows;
                }
                self.line(&format!("plan: {} tables, {rows} rows, seed {}", plan.tables.len(), plan.seed));
            }
            Event::Cleaned { tables } => self.line(&format!("cleaned {tables} tables")),
            Event::NothingToClean { missing } => self.line(&nothing_to_clean(missing)),
            Event::Recovered { started, tables, recreated } => self.warn(&format!(
                "a seed --jobs run started at {started} had stopped after its cleanup (killed, or its own recovery \
                 failed): its {tables} tables were emptied again and {recreated} missing indexes, keys and foreign keys re-created"
            )),
            Event::CascadeEmptied { tables } => self.warn(&cascade_line(tables)),
            Event::TableStarted { table, rows } => self.table_started(table, rows),
            Event::RowsWritten { rows, .. } => self.rows_written(rows),
            Event::TableDone { table, rows, bytes, elapsed } => self.table_done(table, rows, bytes, elapsed),
            Event::Finishing => self.copies_done(),
            Event::Step { step } => self.step(step),
            Event::LockWait { wait } => self.warn(&lock_wait_line(wait)),
            Event::Committing => COMMITTING.store(true, Ordering::SeqCst),
            Event::Finished { rows, .. } => self.finished(rows),
            // Even with --quiet, unless the profile asked for it: a run that left tables out must not
            // look like one that filled them all.
            Event::TableSkipped { table, reason, requested } => {
                let line = format!("skipped {}: {reason} (its rows left as they were)", table.plain());
                if requested { self.line(&line) } else { self.warn(&line) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seed::events::LockHolder;

    #[test]
    fn a_lock_wait_names_the_table_the_holder_and_what_seed_does() {
        let holder = LockHolder {
            pid: 4242,
            application: "psql".into(),
            user: "alice".into(),
            state: "idle in transaction".into(),
            query: "LOCK users".into(),
        };
        let mut wait = LockWait {
            object: "app.users".into(),
            mode: "AccessExclusiveLock".into(),
            holders: vec![holder],
            gives_up_after: None,
        };
        let line = lock_wait_line(&wait);
        assert!(line.starts_with("waiting for a lock on app.users (AccessExclusiveLock) held by backend 4242 (psql, user alice, idle in transaction: LOCK users)"), "{line}");
        assert!(line.contains("seed waits until it is released"), "{line}");
        wait.gives_up_after = Some(Duration::from_millis(1500));
        assert!(lock_wait_line(&wait).contains("seed gives up after 1.5 s (--lock-timeout)"));
    }

    #[test]
    fn rates_are_whole_rows_per_second() {
        assert_eq!(rate(1000, Duration::from_millis(300)), "3333 rows/s");
        assert_eq!(rate(5, Duration::ZERO), "-");
    }
}
