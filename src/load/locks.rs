//! Saying who holds a lock the run waits for.
//!
//! A `TRUNCATE`, `LOCK` or `ALTER TABLE` of the run waits, silently and by default for ever, while
//! another session holds a conflicting lock on the table (a `psql` left idle in a transaction, an
//! application's long transaction, an earlier seed). Without a word the run just looks stuck. So
//! while the run works, [`watched`] polls from a second connection (opened only once the run has
//! taken a second): when the run's backend has waited more than a second for a lock, the reporter
//! gets an [`Event::LockWait`] naming the table, the mode and every backend in its way
//! (`pg_blocking_pids`), once per distinct wait. The poll only reads `pg_locks` and
//! `pg_stat_activity`; a watcher that cannot connect or query simply stays silent.
//!
//! It watches the run's main connection, where every cleanup lock is taken first; `--jobs`
//! workers take their locks after it, on tables it already emptied. `--lock-timeout`
//! ([`Target::with_lock_timeout`]) makes the server give up instead of waiting.

use std::convert::Infallible;
use std::future::Future;
use std::time::{Duration, Instant};

use sqlx::{PgConnection, Row};

use crate::connect::Target;
use crate::error::Result;
use crate::events::{Event, LockHolder, LockWait, Reporter};

/// How long a run works before the watcher connects, and how long a wait lasts before it is told.
const QUIET: Duration = Duration::from_secs(1);
/// How often the watcher looks.
const POLL: Duration = Duration::from_millis(250);

/// The lock `$1`'s backend waits for: the table (or the kind of lock), the mode, who blocks it.
const WAITING_SQL: &str = "SELECT CASE WHEN c.oid IS NULL THEN l.locktype \
         ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END, \
       l.mode, pg_blocking_pids($1) \
  FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
 WHERE l.pid = $1 AND NOT l.granted LIMIT 1";

const HOLDERS_SQL: &str = "SELECT pid, coalesce(application_name, ''), coalesce(usename::text, ''), \
       coalesce(state, ''), left(regexp_replace(coalesce(query, ''), '\\s+', ' ', 'g'), 80) \
  FROM pg_stat_activity WHERE pid = ANY($1) ORDER BY pid";

/// The backend serving `conn`, for [`watched`]; `None` if the server will not say.
pub async fn backend_pid(conn: &mut PgConnection) -> Option<i32> {
    sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(conn).await.ok()
}

/// Runs `work` while watching backend `pid` for lock waits (see the module doc). Without a
/// target or a pid there is nothing to watch from: `work` runs alone.
pub async fn watched<T>(
    work: impl Future<Output = Result<T>>,
    target: Option<&Target>,
    pid: Option<i32>,
    reporter: &dyn Reporter,
) -> Result<T> {
    let (Some(target), Some(pid)) = (target, pid) else { return work.await };
    tokio::select! {
        biased;
        result = work => result,
        never = watch(target, pid, reporter) => match never {},
    }
}

/// Polls for ever; when it cannot connect or query, it waits for ever without a word.
async fn watch(target: &Target, pid: i32, reporter: &dyn Reporter) -> Infallible {
    tokio::time::sleep(QUIET).await;
    if let Ok(mut conn) = target.connect_as("seed lock watch").await {
        let mut seen: Option<(LockWait, Instant)> = None;
        let mut told: Option<LockWait> = None;
        while let Ok(wait) = waiting(&mut conn, pid, target.lock_timeout()).await {
            seen = match (wait, seen) {
                (Some(wait), Some((before, since))) if before == wait => Some((wait, since)),
                (Some(wait), _) => Some((wait, Instant::now())),
                (None, _) => None,
            };
            // `since` is the first sighting: the wait has lasted at least that long.
            if let Some((wait, since)) = &seen
                && since.elapsed() >= QUIET
                && told.as_ref() != Some(wait)
            {
                reporter.report(Event::LockWait { wait });
                told = Some(wait.clone());
            }
            tokio::time::sleep(POLL).await;
        }
    }
    std::future::pending().await
}

/// What backend `pid` waits for now, if it waits for a lock held by someone.
async fn waiting(
    conn: &mut PgConnection,
    pid: i32,
    gives_up_after: Option<Duration>,
) -> sqlx::Result<Option<LockWait>> {
    let Some(row) = sqlx::query(WAITING_SQL).bind(pid).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let (object, mode, pids): (String, String, Vec<i32>) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if pids.is_empty() {
        return Ok(None);
    }
    let holders = sqlx::query(HOLDERS_SQL).bind(&pids).fetch_all(&mut *conn).await?;
    let holders = holders
        .iter()
        .map(|r| {
            Ok(LockHolder {
                pid: r.try_get(0)?,
                application: r.try_get(1)?,
                user: r.try_get(2)?,
                state: r.try_get(3)?,
                query: r.try_get(4)?,
            })
        })
        .collect::<sqlx::Result<Vec<_>>>()?;
    Ok(Some(LockWait { object, mode, holders, gives_up_after }))
}
