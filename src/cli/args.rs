//! The flags, with their help texts. Resolved into engine settings in `cli::execute`.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "seed", version, about = "Fill PostgreSQL databases with consistent, realistic data, fast.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Clean the profile's tables and fill them (the default).
    #[command(hide = true)]
    Run,
    /// Print what a run would do (order, volumes, foreign keys, cycles, seed); writes nothing.
    Plan,
    /// Empty the profile's tables, in one transaction.
    Clean,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// A profile: a name in profiles/ (`minimal`) or a path to a .toml file.
    #[arg(long, short, global = true, value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// Without a profile: seed every table of every schema with about N rows.
    #[arg(long, global = true, value_name = "N")]
    pub rows: Option<u64>,
    /// With `--rows`: fail on a table that cannot be filled instead of skipping it (with its reason).
    #[arg(long, global = true)]
    pub strict: bool,
    /// Overrides the profile's seed: the same seed gives the same data.
    #[arg(long, global = true, value_name = "N")]
    pub seed: Option<u64>,
    /// Multiplies every volume of the profile.
    #[arg(long, global = true, value_name = "FACTOR")]
    pub scale: Option<f64>,
    /// Where to connect; else DATABASE_URL (also read from .env), else PGHOST/PGUSER/... like psql.
    #[arg(long, global = true, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Also empty the tables outside the profile that reference its tables and hold rows (they
    /// are named in the output). Without it, such a table stops the run (exit code 4).
    #[arg(long, global = true)]
    pub cascade: bool,
    /// Allow cleaning and filling a database that is not on this machine (a host other than a
    /// Unix socket, localhost, 127.0.0.0/8 or ::1). Also `allow_remote = true` in the profile.
    #[arg(long, global = true)]
    pub allow_remote: bool,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Bulk mode (the default from 100 000 rows): TRUNCATE, drop indexes and foreign keys,
    /// COPY FREEZE, rebuild them, ANALYZE; still one transaction unless --jobs > 1.
    #[arg(long, global = true, overrides_with = "no_bulk")]
    pub bulk: bool,
    /// Never bulk mode: indexes and foreign keys stay in place during the load.
    #[arg(long, global = true, overrides_with = "bulk")]
    pub no_bulk: bool,
    /// Bulk mode over N connections at once (implies --bulk). Faster where the server has idle
    /// cores, but not one transaction: if it fails midway the profile's tables are emptied again.
    #[arg(long, global = true, value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Do not fire the loaded tables' own triggers: each is switched off inside the run's
    /// transaction and back on (as it was) before it commits; tables that triggers would fill are
    /// generated like any other. Foreign keys are still checked. Needs to own the tables; not with
    /// --jobs.
    #[arg(long, global = true)]
    pub disable_triggers: bool,
    /// Give up when a table stays locked by another session this long (500ms, 5s, 2min; a bare
    /// number is seconds). Without it seed waits, and says after a second who holds the lock.
    #[arg(long, global = true, value_name = "DURATION", value_parser = seed::connect::parse_lock_timeout)]
    pub lock_timeout: Option<std::time::Duration>,
    /// `seed plan`: print the plan as JSON (tables, rows, foreign keys, cycles, skipped tables).
    #[arg(long, global = true)]
    pub json: bool,
}

impl CommonArgs {
    /// `--bulk` / `--no-bulk` (the last one given wins), `--jobs` > 1 means bulk; none of them:
    /// decided by row count.
    pub fn bulk_mode(&self) -> Option<bool> {
        match (self.bulk, self.no_bulk) {
            (_, true) => Some(false),
            (true, _) => Some(true),
            _ if self.jobs > 1 => Some(true),
            _ => None,
        }
    }
}
