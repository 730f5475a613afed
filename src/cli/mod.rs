//! Command line: arguments (clap) are resolved into engine calls here; the engine never sees clap.
//!
//! `seed --profile NAME` cleans and fills; `seed plan` prints what would happen; `seed clean`
//! empties the profile's tables. Errors go to stderr as one paragraph, and the exit code says what
//! kind of failure it was (see `seed::error::exit` and README.md). The target is checked (a remote
//! host, a database other than the profile's) before any connection attempt, and Ctrl-C or SIGTERM
//! drops the work, and with it the connection, so the server rolls the run's transaction back.

mod args;
mod report;
mod usage;

use clap::Parser;
use seed::clean::CleanOptions;
use seed::connect::{self, Guard, Target};
use seed::error::{Error, exit};
use seed::load::LoadOptions;
use seed::plan::PlanOptions;
use seed::profile::{self, Profile};
use seed::run;
use sqlx::PgConnection;

use args::{Action, Cli, Settings};
use report::Console;

pub fn main() -> i32 {
    // `.env` is read before parsing so DATABASE_URL from it fills `--database-url`.
    if let Err(error) = connect::read_dot_env() {
        say(format_args!("seed: {error}"));
        return error.exit_code();
    }
    let arguments: Vec<String> = std::env::args().collect();
    let settings = match Cli::try_parse_from(&arguments) {
        Ok(cli) => cli.settings(),
        Err(error) => return refuse_arguments(error, &arguments),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            say(format_args!("seed: cannot start the async runtime: {error}"));
            return exit::INTERNAL;
        }
    };
    let code = runtime.block_on(run_interruptible(settings));
    // Without waiting for a planning thread an interrupted run left behind: its work is discarded.
    runtime.shutdown_background();
    code
}

/// Prints clap's `--help` or `--version` (exit 0), or a refused command line as one `seed: `
/// paragraph (exit 2).
fn refuse_arguments(error: clap::Error, arguments: &[String]) -> i32 {
    match usage::outcome(error, arguments) {
        usage::Outcome::Clap(shown) => {
            let _ = shown.print();
            exit::OK
        }
        usage::Outcome::Refused(message) => {
            say(message);
            exit::USAGE
        }
    }
}

/// Writes a line to stderr. A stderr nobody reads any more (a pipe whose reader exited) loses the
/// line rather than panicking as `eprintln!` would: the exit code still says what happened.
fn say(text: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

async fn run_interruptible(settings: Settings) -> i32 {
    let signal = tokio::select! {
        // Biased: a run that finished as the signal came in reports its own outcome.
        biased;
        code = dispatch(settings) => return code,
        signal = stop_signal() => signal,
    };
    // The work was dropped: its connection closed before COMMIT was sent, so the server rolled the
    // transaction back; a `--jobs` run past its cleanup recovered while being dropped
    // (load::parallel) and says how that went.
    let state = seed::load::interrupted_state().unwrap_or_else(|| interrupted(report::committing()).into());
    say(format_args!("seed: {}: {}", signal.0, lower_first(&state)));
    signal.1
}

/// Waits for Ctrl-C (SIGINT) or SIGTERM: what to call it, and the exit code.
async fn stop_signal() -> (&'static str, i32) {
    let interrupted = ("interrupted", exit::INTERRUPTED);
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return interrupted;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => interrupted,
        _ = term.recv() => ("terminated", exit::TERMINATED),
    }
}

async fn dispatch(settings: Settings) -> i32 {
    match execute(settings).await {
        Ok(()) => exit::OK,
        Err(error) => {
            say(format_args!("seed: {error}"));
            error.exit_code()
        }
    }
}

async fn execute(settings: Settings) -> Result<(), Error> {
    let profile = load_profile(&settings)?;
    let target = Target::resolve(settings.database_url.as_deref())?.with_lock_timeout(settings.lock_timeout);
    let load = LoadOptions {
        bulk: settings.bulk,
        jobs: settings.jobs,
        target: Some(target.clone()),
        settings: settings.set.iter().cloned().collect(),
    };
    let options = PlanOptions {
        seed: settings.seed,
        scale: settings.scale,
        rows: settings.rows,
        load,
        strict: settings.strict,
        skip: vec![],
        disable_triggers: settings.disable_triggers,
    };
    // Before any connection attempt: a refused target is never contacted.
    target.check(&guard(&settings, profile.as_ref()))?;
    let reporter = report::for_terminal(settings.quiet, settings.action == Action::Plan);
    let mut conn = target.connect().await?;
    reporter.connected(&target);
    let job = Job {
        profile: profile.as_ref(),
        options: &options,
        cleaning: CleanOptions { cascade: settings.cascade },
        json: settings.json,
    };
    match perform(settings.action, &mut conn, &job, &reporter).await {
        Ok(()) => Ok(()),
        Err(error) => Err(connect::diagnose(&mut conn, error).await),
    }
}

/// What the command works on, resolved from the flags.
struct Job<'a> {
    profile: Option<&'a Profile>,
    options: &'a PlanOptions,
    cleaning: CleanOptions,
    /// `seed plan --json`.
    json: bool,
}

async fn perform(action: Action, conn: &mut PgConnection, job: &Job<'_>, reporter: &Console) -> Result<(), Error> {
    match action {
        Action::Load => {
            run::seed_with(conn, job.profile, job.options, job.cleaning, reporter).await?;
        }
        Action::Plan => {
            let plan = run::plan_only(conn, job.profile, job.options, reporter).await?;
            let text = if job.json {
                serde_json::to_string_pretty(&plan.to_json()).unwrap_or_default()
            } else {
                plan.to_string()
            };
            print_out(&text)?;
        }
        Action::Clean => {
            run::clean_only(conn, job.profile, job.options, job.cleaning, reporter).await?;
        }
    }
    Ok(())
}

/// Writes `text` and a newline to stdout. A reader that went away (`seed plan | head -1`) ends
/// the output quietly, as for other command line tools; any other write failure is an error.
fn print_out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(source) if source.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output { source }),
        _ => Ok(()),
    }
}

/// The target checks: runs that write need a local host unless allowed; the profile may pin the
/// database name.
fn guard<'a>(settings: &Settings, profile: Option<&'a Profile>) -> Guard<'a> {
    Guard {
        writes: settings.action != Action::Plan,
        allow_remote: settings.allow_remote || profile.and_then(|p| p.allow_remote).unwrap_or(false),
        expected_database: profile.and_then(|p| Some((p.database.as_deref()?, p.path.as_path()))),
    }
}

/// The profile, read before connecting so a bad profile fails without touching the database.
fn load_profile(settings: &Settings) -> Result<Option<Profile>, Error> {
    match (&settings.profile, settings.rows) {
        (Some(name), _) => {
            let path = profile::resolve_path(name, &profile::ProfileFolder::from_environment())?;
            Ok(Some(profile::load(&path)?))
        }
        (None, Some(_)) => Ok(None),
        (None, None) => Err(Error::Plan(seed::plan::PlanError {
            where_: None,
            message: "say what to load: `--profile NAME` (a file in profiles/ or a path) or `--rows N` (every table, about N rows each)".into(),
        })),
    }
}

/// The line for a Ctrl-C outside `--jobs`: before `COMMIT` was sent nothing can have been
/// committed; while it was in flight the server may have committed just before the connection
/// closed.
/// `state` to follow a colon: the recovery's sentence starts with a capital, as it also ends an
/// error message.
fn lower_first(state: &str) -> String {
    let mut chars = state.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// The database's state after the work was dropped in the default and bulk modes: rolled back,
/// unless `COMMIT` was already sent ([`report::committing`]), when nobody can know.
fn interrupted(committing: bool) -> &'static str {
    if committing {
        "it came while committing: the server may or may not have committed before the connection closed. Check the tables; running seed again gives the same data either way"
    } else {
        "nothing was committed, the database is as it was before the run"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seed::events::{Event, Reporter};

    #[test]
    fn a_state_after_a_colon_starts_in_lower_case() {
        assert_eq!(lower_first("Bulk mode with --jobs"), "bulk mode with --jobs");
        assert_eq!(lower_first(""), "");
    }

    /// A Ctrl-C that lands while COMMIT is in flight must not claim that nothing was committed.
    #[test]
    fn an_interruption_during_commit_says_the_outcome_is_unknown() {
        assert!(interrupted(report::committing()).contains("nothing was committed"));
        report::for_terminal(true, false).report(Event::Committing);
        let message = interrupted(report::committing());
        assert!(message.contains("may or may not have committed") && !message.contains("nothing was"), "{message}");
    }
}
