//! Where to connect, as `psql` would decide: `--database-url` (a URL or libpq's `key=value` form,
//! read by [`conninfo`]), else `DATABASE_URL` (the binary loads
//! `.env` first), else libpq's `PG*` variables and defaults (Unix socket, the OS user's name).
//!
//! Also the checks that must happen before any connection attempt, because `seed` truncates
//! tables for a living: a host that is not this machine is refused unless allowed, and a profile
//! may pin the database name it expects ([`Guard`]). Passwords never leave this module in any
//! text: [`Target::display`] has none, and connection errors are scrubbed of them. Every
//! connection carries the run's session settings: the dead-client check, `--lock-timeout` and the
//! settings the schema reads ([`settings`]).

mod conninfo;
mod dotenv;
pub mod settings;

use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::error::{Error, Result, explain};
use conninfo::scrub;
pub use settings::ServerSettings;

/// How long a connection attempt may take unless `PGCONNECT_TIMEOUT` (seconds) says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads `.env` from the current folder only, as documented: `dotenvy::dotenv()` also searches
/// parent folders, and would pick up another project's `DATABASE_URL`. Variables already set win;
/// a missing file is fine, a malformed one is an error rather than silently ignored ([`dotenv`]).
pub fn read_dot_env() -> Result<()> {
    dotenv::load(Path::new(".env"))
}

/// A resolved connection target.
#[derive(Clone)]
pub struct Target {
    options: PgConnectOptions,
    display: String,
    /// The password's spellings (as written and percent-decoded), to scrub from messages.
    secrets: Vec<String>,
    /// `--lock-timeout`: how long a statement may wait for a lock (`lock_timeout`); `None` waits.
    lock_timeout: Option<Duration>,
    /// Settings the schema reads (`--set`, the profile's `[settings]`), set on every connection.
    settings: ServerSettings,
}

/// Not derived: `PgConnectOptions`'s own Debug shows the password.
impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target").field("display", &self.display).finish_non_exhaustive()
    }
}

/// What a run may connect to, checked by [`Target::check`] before any connection attempt.
#[derive(Debug, Clone, Copy, Default)]
pub struct Guard<'a> {
    /// The run writes (clean, load): then a host that is not this machine needs `allow_remote`.
    pub writes: bool,
    /// `--allow-remote`, or the profile's `allow_remote = true`.
    pub allow_remote: bool,
    /// The profile's `database = "name"`, with the profile's path for the message.
    pub expected_database: Option<(&'a str, &'a Path)>,
}

impl Target {
    /// From an explicit URL (flag or `DATABASE_URL`), or from the `PG*` environment.
    pub fn resolve(url: Option<&str>) -> Result<Target> {
        match url {
            Some(url) => Self::from_url(url),
            None => Ok(Self::from_environment()),
        }
    }

    /// From a `postgres://` URL or libpq's `key=value` form ([`conninfo`]).
    pub fn from_url(url: &str) -> Result<Target> {
        let options = conninfo::parse(url)?;
        let mut secrets = conninfo::secrets(url);
        secrets.extend(env_secret());
        Ok(Target {
            display: describe(&options),
            options,
            secrets,
            lock_timeout: None,
            settings: ServerSettings::default(),
        })
    }

    /// libpq's rules: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE; the user defaults to the
    /// OS user and the database to the user's name.
    pub fn from_environment() -> Target {
        let mut options = PgConnectOptions::new();
        if std::env::var_os("PGUSER").is_none()
            && let Some(user) = os_user()
        {
            options = options.username(&user);
        }
        if std::env::var_os("PGDATABASE").is_none() {
            let user = options.get_username().to_string();
            options = options.database(&user);
        }
        let secrets = env_secret().into_iter().collect();
        Target {
            display: describe(&options),
            options,
            secrets,
            lock_timeout: None,
            settings: ServerSettings::default(),
        }
    }

    /// Every connection to this target gives up waiting for a lock after `limit` (`--lock-timeout`)
    /// instead of waiting as long as another session holds it.
    pub fn with_lock_timeout(mut self, limit: Option<Duration>) -> Target {
        self.lock_timeout = limit;
        self
    }

    /// Every connection to this target sets `settings` for its session (a run's `--jobs` workers).
    pub fn with_settings(mut self, settings: ServerSettings) -> Target {
        self.settings = settings;
        self
    }

    pub fn lock_timeout(&self) -> Option<Duration> {
        self.lock_timeout
    }

    /// Host, port, user and database: never the password.
    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn database(&self) -> Option<&str> {
        self.options.get_database()
    }

    /// The database the server will open: the one named, else the user's name (as libpq does).
    pub fn database_name(&self) -> &str {
        self.options.get_database().unwrap_or(self.options.get_username())
    }

    pub fn host(&self) -> &str {
        self.options.get_host()
    }

    /// This machine: a Unix socket, `localhost`, 127.0.0.0/8 or ::1. Names are not resolved: a
    /// host name that happens to point here still counts as remote.
    pub fn is_local(&self) -> bool {
        self.options.get_socket().is_some() || is_local_host(self.options.get_host())
    }

    /// Refuses a target the run must not touch. Runs before connecting, so nothing is attempted.
    pub fn check(&self, guard: &Guard<'_>) -> Result<()> {
        if let Some((expected, profile)) = guard.expected_database
            && expected != self.database_name()
        {
            return Err(Error::Refused(format!(
                "refusing to run: the profile {} expects database `{expected}` (its `database` key) but the target {} is database `{}`. Nothing was connected to: point --database-url (or DATABASE_URL) at `{expected}`, or change the profile's `database`",
                profile.display(),
                self.display,
                self.database_name()
            )));
        }
        if guard.writes && !guard.allow_remote && !self.is_local() {
            return Err(Error::Refused(format!(
                "refusing to clean and fill {}: its host `{}` is not this machine (a Unix socket, localhost, 127.0.0.0/8 or ::1), and a run empties tables. Nothing was connected to. If that server is the one to fill, pass --allow-remote or set `allow_remote = true` in the profile",
                self.display,
                self.host()
            )));
        }
        Ok(())
    }

    /// Connects, within `PGCONNECT_TIMEOUT` seconds (30 by default).
    pub async fn connect(&self) -> Result<PgConnection> {
        self.connect_as("seed").await
    }

    /// [`Target::connect`], shown in `pg_stat_activity` as `application` (a helper connection
    /// that is not one of the run's workers says so).
    pub async fn connect_as(&self, application: &str) -> Result<PgConnection> {
        let options = self.options.clone().application_name(application);
        let limit = connect_timeout();
        let mut connection = match tokio::time::timeout(limit, PgConnection::connect_with(&options)).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(error)) => return Err(self.cannot_connect(&connect_reason(&error))),
            Err(_) => {
                let reason = format!(
                    "no answer within {} s (PGCONNECT_TIMEOUT): is the host right, and does a firewall let the port through?",
                    limit.as_secs()
                );
                return Err(self.cannot_connect(&reason));
            }
        };
        disable_nagle();
        watch_for_a_dead_client(&mut connection).await;
        self.limit_lock_waits(&mut connection).await?;
        self.settings.apply(&mut connection, false).await?;
        Ok(connection)
    }

    fn cannot_connect(&self, reason: &str) -> Error {
        Error::Connect { target: self.display.clone(), reason: scrub(reason, &self.secrets) }
    }

    /// `--lock-timeout`: the server cancels a statement that waits longer for a lock.
    async fn limit_lock_waits(&self, connection: &mut PgConnection) -> Result<()> {
        let Some(limit) = self.lock_timeout else { return Ok(()) };
        let sql = format!("SET lock_timeout = '{}ms'", limit.as_millis().max(1));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *connection)
            .await
            .map(|_| ())
            .map_err(Error::database("setting lock_timeout (--lock-timeout)"))
    }
}

/// `--lock-timeout DURATION`: a positive number with a unit, `ms`, `s`, `min` (or `m`) or `h`;
/// a bare number is seconds.
pub fn parse_lock_timeout(text: &str) -> std::result::Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => return Err(format!("unknown unit `{other}`: write 500ms, 5s, 2min or 1h")),
    };
    match number.parse::<f64>() {
        Ok(value) if value > 0.0 && (value * scale).is_finite() && value * scale < 86_400.0 * 24.0 => {
            Ok(Duration::from_secs_f64(value * scale).max(Duration::from_millis(1)))
        }
        _ => Err(format!("`{text}` is not a positive duration under 24 days: write 500ms, 5s, 2min or 1h")),
    }
}

/// How often the server checks, while it runs one of our statements, that seed is still there.
const CLIENT_CHECK_INTERVAL: &str = "1s";

/// Asks the server (PostgreSQL 14 and later) to check during long statements that seed is still
/// connected. A killed seed's backend otherwise runs its statement to the end (an index build can
/// take minutes) holding its locks, and the next run waits for it; with the check it ends within a
/// second and its transaction rolls back. Best effort: an older server, or a platform without the
/// check, refuses the setting and nothing else changes.
async fn watch_for_a_dead_client(connection: &mut PgConnection) {
    if connection.server_version_num().is_some_and(|version| version >= 140_000) {
        let sql = format!("SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *connection).await;
    }
}

/// Turns the error of a failed run into [`Error::ConnectionLost`] when the connection is gone
/// (the server was restarted, an administrator ended the backend, the network broke), so the
/// message says so and says what became of the transaction.
pub async fn diagnose(conn: &mut PgConnection, error: Error) -> Error {
    let alive = matches!(tokio::time::timeout(Duration::from_secs(5), conn.ping()).await, Ok(Ok(())));
    if alive {
        return error;
    }
    let committing = error.is_commit();
    Error::ConnectionLost { during: Box::new(error), committing }
}

fn is_local_host(host: &str) -> bool {
    if host.starts_with('/') || host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Err(_) => false,
    }
}

fn connect_timeout() -> Duration {
    std::env::var("PGCONNECT_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs)
}

/// Why a connection failed, with what to check for the usual causes.
fn connect_reason(error: &sqlx::Error) -> String {
    let sqlx::Error::Io(io) = error else {
        return explain(error);
    };
    match io.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            "connection refused: no server listens there. Is PostgreSQL running, on this host and port?".into()
        }
        std::io::ErrorKind::NotFound => {
            "no server socket at that path: is PostgreSQL running, and is the socket folder (PGHOST) right?".into()
        }
        _ => format!("{io}: is the host right, and is PostgreSQL running there?"),
    }
}

/// The OS account running seed, as libpq finds it: `USER`, `LOGNAME`, else the process's uid
/// looked up in /etc/passwd (cron jobs and containers often set neither variable).
fn os_user() -> Option<String> {
    let from_env = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok().filter(|u| !u.is_empty());
    from_env.or_else(user_from_passwd)
}

#[cfg(unix)]
fn user_from_passwd() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let entry_uid: u32 = fields.nth(1)?.parse().ok()?;
        (entry_uid == uid).then(|| name.to_string())
    })
}

#[cfg(not(unix))]
fn user_from_passwd() -> Option<String> {
    None
}

fn describe(options: &PgConnectOptions) -> String {
    let host = match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => options.get_host().to_string(),
    };
    format!(
        "postgres://{}@{host}:{}/{}",
        options.get_username(),
        options.get_port(),
        options.get_database().unwrap_or("")
    )
}

fn env_secret() -> Option<String> {
    std::env::var("PGPASSWORD").ok().filter(|s| !s.is_empty())
}

/// Switches Nagle's algorithm off on this process's TCP sockets.
///
/// sqlx 0.9.0 stopped setting TCP_NODELAY (transact-rs/sqlx#4335; fixed upstream, unreleased), so
/// every COPY over TCP waited ~40 ms for a delayed ACK before its final message went out: 2.7 s for
/// the 60-table `minimal` profile instead of 0.15 s. The only sockets this process opens are its
/// database connections, so setting the option on every TCP socket is exact. Remove this when a
/// sqlx release sets it again. Failures are ignored: the option is an optimisation.
#[cfg(target_os = "linux")]
fn disable_nagle() {
    use std::os::fd::{BorrowedFd, RawFd};
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in entries.flatten() {
        let is_socket =
            std::fs::read_link(entry.path()).is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<RawFd>().ok()) else { continue };
        if is_socket {
            // SAFETY: the descriptor was listed as open just now and this process never closes
            // sockets concurrently with connecting; it is borrowed only for this one call.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
            let _ = socket2::SockRef::from(&borrowed).set_tcp_nodelay(true);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn disable_nagle() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without USER/LOGNAME (cron, containers) the account still comes from the uid, as in libpq,
    /// instead of sqlx's "anonymous".
    #[cfg(target_os = "linux")]
    #[test]
    fn the_os_user_is_found_without_environment_variables() {
        let name = user_from_passwd().expect("this process's uid is in /etc/passwd");
        assert!(!name.is_empty() && name != "anonymous");
    }

    #[test]
    fn the_target_never_shows_the_password() {
        let target = Target::from_url("postgres://me:s3cret@db:5432/app").expect("valid");
        assert!(!target.display().contains("s3cret"));
        assert!(!format!("{target:?}").contains("s3cret"));
    }

    #[test]
    fn lock_timeouts_read_with_their_units() {
        assert_eq!(parse_lock_timeout("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_lock_timeout("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_lock_timeout("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_lock_timeout("1.5 s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_lock_timeout("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_lock_timeout("1h"), Ok(Duration::from_secs(3600)));
        for bad in ["0", "-1s", "5 parsecs", "", "s", "1e9h"] {
            assert!(parse_lock_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_means_a_socket_localhost_or_loopback() {
        for host in ["/var/run/postgresql", "localhost", "LOCALHOST", "127.0.0.1", "127.9.8.7", "::1", "[::1]"] {
            assert!(is_local_host(host), "{host}");
        }
        for host in ["10.255.255.1", "db.example.com", "192.168.1.2", "::2", "128.0.0.1", "localhost.evil.com"] {
            assert!(!is_local_host(host), "{host}");
        }
        let socket = Target::from_url("postgres:///app?host=/tmp&user=me").expect("valid");
        assert!(socket.is_local());
    }

    #[test]
    fn the_guard_refuses_remote_writes_and_a_wrong_database() {
        let remote = Target::from_url("postgres://u:pw@10.255.255.1:5432/db").expect("valid");
        let writes = Guard { writes: true, ..Guard::default() };
        let refused = remote.check(&writes).expect_err("remote");
        assert!(refused.to_string().contains("--allow-remote"), "{refused}");
        assert!(!refused.to_string().contains(":pw@"), "{refused}");
        assert!(remote.check(&Guard { allow_remote: true, ..writes }).is_ok());
        assert!(remote.check(&Guard::default()).is_ok(), "reading (plan) is allowed");
        let pinned = Guard { expected_database: Some(("app_dev", Path::new("p.toml"))), ..Guard::default() };
        let wrong = remote.check(&pinned).expect_err("pinned").to_string();
        assert!(wrong.contains("`app_dev`") && wrong.contains("`db`"), "{wrong}");
        let unnamed = Target::from_url("postgres://app_dev@localhost").expect("valid");
        assert_eq!(unnamed.database_name(), "app_dev", "libpq's default: the user's name");
        assert!(unnamed.check(&pinned).is_ok());
    }
}
