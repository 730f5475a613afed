//! The flags of each command, with their help texts, and their resolution into [`Settings`].
//!
//! Each command takes only the flags that mean something to it, so `seed clean --help` lists
//! what cleaning uses and `seed clean --rows 5` is refused instead of quietly ignored (it once
//! emptied every user table). The groups several commands share (what to load, where to connect,
//! how far cleaning may reach) are defined once and flattened into each. The load is the main job
//! and needs no command word: `seed --profile NAME` takes the load's flags at the top level, and a
//! command word after them is refused (`args_conflicts_with_subcommands`). Numbers are parsed here,
//! negative ones included, so `--scale -1` is told what a scale must be; `cli::main` turns clap's
//! errors into one `seed: ` paragraph. The engine never sees clap: [`Cli::settings`] resolves the
//! flags into plain values.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "seed",
    version,
    about = "Fill PostgreSQL databases with consistent, realistic data, fast.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The load's flags: `seed --profile NAME` runs the load without a command word.
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean the profile's tables and fill them (the default).
    #[command(hide = true)]
    Run(LoadArgs),
    /// Print what a run would do (order, volumes, foreign keys, cycles, seed); writes nothing.
    Plan(PlanArgs),
    /// Empty the profile's tables, in one transaction.
    Clean(CleanArgs),
}

/// What to load (a profile, or every table at about N rows) and what shapes its plan.
#[derive(Debug, Args)]
pub struct Selection {
    /// A profile: a name in profiles/ (`minimal`; found from any folder of the project, or in
    /// $SEED_PROFILES) or a path to a .toml file.
    #[arg(long, short, value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// Without a profile: seed every table of every schema with about N rows. With a profile: the
    /// rows of every table the profile gives no count (overrides its `[defaults] rows`).
    #[arg(long, value_name = "N", value_parser = at_least_one("--rows"), allow_negative_numbers = true)]
    pub rows: Option<u64>,
    /// With `--rows` and no profile: fail on a table that cannot be filled instead of skipping it
    /// (with its reason).
    #[arg(long, requires = "rows", conflicts_with = "profile")]
    pub strict: bool,
    /// Overrides the profile's seed: the same seed gives the same data.
    #[arg(long, value_name = "N", value_parser = seed_number, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Multiplies every volume of the profile (a positive number).
    #[arg(long, value_name = "FACTOR", value_parser = positive_scale, allow_negative_numbers = true)]
    pub scale: Option<f64>,
    /// Do not fire the loaded tables' own triggers: each is switched off inside the run's
    /// transaction and back on (as it was) before it commits; tables that triggers would fill are
    /// generated like any other. Foreign keys are still checked. Needs to own the tables; not with
    /// --jobs.
    #[arg(long)]
    pub disable_triggers: bool,
    /// A server setting the schema reads (`current_setting('app.current_tenant')` in a trigger,
    /// policy or default), set on the run's connections; repeatable, and over the profile's
    /// `[settings]`.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = seed::connect::settings::parse_assignment)]
    pub set: Vec<(String, String)>,
}

/// Where to connect.
#[derive(Debug, Args)]
pub struct Connection {
    /// Where to connect; else DATABASE_URL (also read from .env), else PGHOST/PGUSER/... like psql.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Give up when a table stays locked by another session this long (500ms, 5s, 2min; a bare
    /// number is seconds). Without it seed waits, and says after a second who holds the lock.
    #[arg(long, value_name = "DURATION", value_parser = seed::connect::parse_lock_timeout)]
    pub lock_timeout: Option<std::time::Duration>,
}

/// How far a command that empties tables may reach.
#[derive(Debug, Args)]
pub struct Cleaning {
    /// Also empty the tables outside the profile that reference its tables and hold rows (they
    /// are named in the output). Without it, such a table stops the run (exit code 4).
    #[arg(long)]
    pub cascade: bool,
    /// Allow cleaning and filling a database that is not on this machine (a host other than a
    /// Unix socket, localhost, 127.0.0.0/8 or ::1). Also `allow_remote = true` in the profile.
    #[arg(long)]
    pub allow_remote: bool,
}

/// `seed --profile NAME`: clean the profile's tables and fill them.
#[derive(Debug, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub connection: Connection,
    #[command(flatten)]
    pub cleaning: Cleaning,
    /// Bulk mode (the default from 100 000 rows): TRUNCATE, drop indexes and foreign keys,
    /// COPY FREEZE, rebuild them, ANALYZE; still one transaction unless --jobs > 1.
    #[arg(long, conflicts_with = "no_bulk")]
    pub bulk: bool,
    /// Never bulk mode: indexes and foreign keys stay in place during the load.
    #[arg(long)]
    pub no_bulk: bool,
    /// Bulk mode over N connections at once (implies --bulk). Faster where the server has idle
    /// cores, but not one transaction: if it fails midway the profile's tables are emptied again.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        value_parser = at_least_one_usize,
        allow_negative_numbers = true,
        conflicts_with = "no_bulk"
    )]
    pub jobs: usize,
}

/// `seed plan`: print what a load would do; writes nothing.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub connection: Connection,
    /// Print the plan as JSON (tables, rows, foreign keys, cycles, skipped tables).
    #[arg(long)]
    pub json: bool,
}

/// `seed clean --profile NAME`: empty the profile's tables.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// The profile whose tables to empty: a name in profiles/ or a path to a .toml file.
    #[arg(long, short, value_name = "NAME|PATH", required = true)]
    pub profile: String,
    #[command(flatten)]
    pub connection: Connection,
    #[command(flatten)]
    pub cleaning: Cleaning,
}

/// What a command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Load,
    Plan,
    Clean,
}

/// The flags resolved into plain values; a flag a command does not take has its neutral value.
#[derive(Debug)]
pub struct Settings {
    pub action: Action,
    pub profile: Option<String>,
    pub rows: Option<u64>,
    pub strict: bool,
    pub seed: Option<u64>,
    pub scale: Option<f64>,
    pub disable_triggers: bool,
    /// `--set NAME=VALUE`, in order.
    pub set: Vec<(String, String)>,
    pub database_url: Option<String>,
    pub quiet: bool,
    pub lock_timeout: Option<std::time::Duration>,
    pub cascade: bool,
    pub allow_remote: bool,
    /// `--bulk` / `--no-bulk` / `--jobs` > 1; `None`: decided by row count.
    pub bulk: Option<bool>,
    pub jobs: usize,
    pub json: bool,
}

impl Cli {
    pub fn settings(self) -> Settings {
        match self.command {
            None => self.load.settings(),
            Some(Command::Run(load)) => load.settings(),
            Some(Command::Plan(plan)) => plan.settings(),
            Some(Command::Clean(clean)) => clean.settings(),
        }
    }
}

impl Settings {
    /// The settings of `action` before any flag: nothing selected, one connection, no output format.
    fn neutral(action: Action, connection: Connection) -> Settings {
        Settings {
            action,
            profile: None,
            rows: None,
            strict: false,
            seed: None,
            scale: None,
            disable_triggers: false,
            set: Vec::new(),
            database_url: connection.database_url,
            quiet: connection.quiet,
            lock_timeout: connection.lock_timeout,
            cascade: false,
            allow_remote: false,
            bulk: None,
            jobs: 1,
            json: false,
        }
    }

    fn select(self, selection: Selection) -> Settings {
        let Selection { profile, rows, strict, seed, scale, disable_triggers, set } = selection;
        Settings { profile, rows, strict, seed, scale, disable_triggers, set, ..self }
    }

    fn clean(self, cleaning: Cleaning) -> Settings {
        Settings { cascade: cleaning.cascade, allow_remote: cleaning.allow_remote, ..self }
    }
}

impl LoadArgs {
    fn settings(self) -> Settings {
        let bulk = match (self.bulk, self.no_bulk) {
            (_, true) => Some(false),
            (true, _) => Some(true),
            _ if self.jobs > 1 => Some(true),
            _ => None,
        };
        let settings = Settings::neutral(Action::Load, self.connection).select(self.selection).clean(self.cleaning);
        Settings { bulk, jobs: self.jobs, ..settings }
    }
}

impl PlanArgs {
    fn settings(self) -> Settings {
        Settings { json: self.json, ..Settings::neutral(Action::Plan, self.connection).select(self.selection) }
    }
}

impl CleanArgs {
    fn settings(self) -> Settings {
        let settings = Settings::neutral(Action::Clean, self.connection).clean(self.cleaning);
        Settings { profile: Some(self.profile), ..settings }
    }
}

/// `--rows`: a whole number of rows, at least 1 (an empty load is `seed clean`).
fn at_least_one(flag: &'static str) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |text| match text.trim().parse::<i128>() {
        Ok(n) if n >= 1 => u64::try_from(n).map_err(|_| format!("{flag} is at most {}", u64::MAX)),
        Ok(_) => Err("the number of rows must be at least 1 (to empty the tables: `seed clean --profile NAME`)".into()),
        Err(_) => Err(format!("the number of rows is a whole number, such as `{flag} 100`")),
    }
}

/// `--jobs`: a number of connections, at least 1.
fn at_least_one_usize(text: &str) -> Result<usize, String> {
    match text.trim().parse::<i128>() {
        Ok(n) if n >= 1 => usize::try_from(n).map_err(|_| format!("--jobs is at most {}", usize::MAX)),
        Ok(_) => Err("--jobs is a number of connections, at least 1".into()),
        Err(_) => Err("--jobs takes a whole number of connections, such as `--jobs 4`".into()),
    }
}

/// `--seed`: any whole number from 0 to 2^64 - 1.
fn seed_number(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| format!("the seed is a whole number from 0 to {}", u64::MAX))
}

/// `--scale`: a finite number above 0 (a scale of 0 would empty every table the profile fills).
fn positive_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(scale) if scale.is_finite() && scale > 0.0 => Ok(scale),
        Ok(_) => Err("the scale must be a positive number, such as `--scale 0.5` or `--scale 4`".into()),
        Err(_) => Err("the scale is a number, such as `--scale 0.5` or `--scale 4`".into()),
    }
}

#[cfg(test)]
mod tests;
