//! CHECKs only the server can evaluate, asked before each COPY (see `plan::server_checks`).
//!
//! A chunk's candidate rows are copied into a temporary table shaped like the target (`LIKE`,
//! with its generated columns, plus a candidate number), in the same format as the real COPY, so
//! the server sees exactly the values it will be sent. One `SELECT` returns the candidates a CHECK
//! refuses (`(expression) IS FALSE`: NULL passes, as in a CHECK). The refused rows get new
//! values in the columns the plan allows ([`crate::generate::Dataset::refill`]), several
//! attempts per row at once, and the server is asked again; each row keeps the first attempt it
//! accepts. That is still a pure function of the row's index: attempt `n` of a row is always the
//! same row, and the server's verdict on it the same. [`Attempts`] is that bookkeeping.
//!
//! Bounded: after [`ROUNDS`] rounds of [`CANDIDATES`] attempts per row, or a round in which the
//! server accepted none, the table is given up with one line naming the constraint. The
//! expression is the server's own text (`pg_get_constraintdef`), the table's name and columns are
//! quoted identifiers; no value is pasted into SQL. Tables without such CHECKs never get here.

use sqlx::{PgConnection, Row};

use super::copy::{Chunk, load_error, send, write_fields};
use crate::encode::{BinaryRowWriter, RowWriter, TextRowWriter};
use crate::error::{Error, Result, explain};
use crate::generate::Value;
use crate::generate::table::RowScratch;
use crate::plan::{Plan, TablePlan};
use crate::schema::{PgType, TypeKind, quote_ident};

/// Rounds of regeneration after the first ask.
pub const ROUNDS: u32 = 4;
/// Attempts per refused row sent in one round.
pub const CANDIDATES: u32 = 16;

/// The temporary table's candidate-number column (a name no table is likely to have).
const ID: &str = "seed candidate";
const TEMP: &str = "pg_temp.seed_candidates";

/// Which attempt each row of a chunk is written at: 0 (the row as generated) unless the server
/// refused it, then the first attempt it accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attempts {
    /// Rows refused at attempt 0, with the attempt the server accepted; sorted by row.
    accepted: Vec<(u64, u32)>,
    /// Rows refused at every attempt so far; sorted.
    pending: Vec<u64>,
    /// Rounds of regeneration done.
    rounds: u32,
}

/// Where the rounds stand after one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Every row has an attempt the server accepts.
    Done,
    /// Some rows are still refused: another round.
    Again,
    /// Some rows are still refused, and more rounds would not help: the last round accepted
    /// nothing, or it was the last of [`ROUNDS`].
    GaveUp,
}

impl Attempts {
    /// After the first ask: the rows the server refused at attempt 0.
    pub fn new(mut refused: Vec<u64>) -> Self {
        refused.sort_unstable();
        refused.dedup();
        Attempts { accepted: Vec::new(), pending: refused, rounds: 0 }
    }

    pub fn is_settled(&self) -> bool {
        self.pending.is_empty()
    }

    /// Rows still refused at every attempt.
    pub fn pending(&self) -> &[u64] {
        &self.pending
    }

    /// Attempts tried per row so far, the first included.
    pub fn tried(&self) -> u32 {
        1 + self.rounds * CANDIDATES
    }

    /// The next round's candidates: [`CANDIDATES`] new attempts for each pending row, in order.
    pub fn candidates(&self) -> Vec<(u64, u32)> {
        let first = self.rounds * CANDIDATES + 1;
        self.pending.iter().flat_map(|&row| (first..first + CANDIDATES).map(move |attempt| (row, attempt))).collect()
    }

    /// Takes the server's verdict on a round's `candidates` (`refused[i]` for `candidates[i]`):
    /// each pending row keeps its first accepted attempt.
    pub fn settle(&mut self, candidates: &[(u64, u32)], refused: &[bool]) -> Progress {
        self.rounds += 1;
        let mut found: Vec<(u64, u32)> = Vec::new();
        for (&(row, attempt), _) in candidates.iter().zip(refused).filter(|(_, refused)| !**refused) {
            if found.last().is_none_or(|(last, _)| *last != row) && self.pending.binary_search(&row).is_ok() {
                found.push((row, attempt));
            }
        }
        self.pending.retain(|row| found.binary_search_by_key(row, |(r, _)| *r).is_err());
        let accepted_any = !found.is_empty();
        self.accepted.extend(found);
        self.accepted.sort_unstable();
        match (self.pending.is_empty(), accepted_any && self.rounds < ROUNDS) {
            (true, _) => Progress::Done,
            (false, true) => Progress::Again,
            (false, false) => Progress::GaveUp,
        }
    }

    /// The attempt row `row` is written at.
    pub fn attempt_of(&self, row: u64) -> u32 {
        match self.accepted.binary_search_by_key(&row, |(r, _)| *r) {
            Ok(at) => self.accepted[at].1,
            Err(_) => 0,
        }
    }
}

/// Asks the server about the chunk's rows under the table's server-evaluated CHECKs, and
/// regenerates what it refuses; `None` when the table has none. Runs on the connection (and in
/// the transaction) of the COPY that follows.
pub async fn settle(conn: &mut PgConnection, plan: &Plan, chunk: &Chunk) -> Result<Option<Attempts>> {
    let table = &plan.tables[chunk.table];
    if table.server_checks.is_empty() || table.fixture.is_some() || table.columns.iter().any(|c| c == ID) {
        return Ok(None);
    }
    let create = format!(
        "CREATE TEMP TABLE seed_candidates (LIKE {} INCLUDING GENERATED, {} bigint)",
        table.name,
        quote_ident(ID)
    );
    run(conn, table, &create).await?;
    let first: Vec<(u64, u64, u32)> = chunk.rows.clone().map(|row| (row, row, 0)).collect();
    copy_candidates(conn, plan, chunk.table, &first).await?;
    let (first_refused, _) = refused(conn, table).await?;
    let mut attempts = Attempts::new(first_refused);
    while !attempts.is_settled() {
        let candidates = attempts.candidates();
        run(conn, table, &format!("TRUNCATE {TEMP}")).await?;
        let numbered: Vec<(u64, u64, u32)> =
            candidates.iter().enumerate().map(|(i, &(row, attempt))| (i as u64, row, attempt)).collect();
        copy_candidates(conn, plan, chunk.table, &numbered).await?;
        let (ids, by) = refused(conn, table).await?;
        let mut flags = vec![false; candidates.len()];
        for id in ids {
            if let Some(flag) = flags.get_mut(id as usize) {
                *flag = true;
            }
        }
        if attempts.settle(&candidates, &flags) == Progress::GaveUp {
            return Err(gave_up(table, &attempts, &by));
        }
    }
    run(conn, table, &format!("DROP TABLE {TEMP}")).await?;
    Ok(Some(attempts))
}

/// The one line a table given up gets: the constraints, the rows, what was tried.
fn gave_up(table: &TablePlan, attempts: &Attempts, by: &[&str]) -> Error {
    let pending = attempts.pending();
    let columns: Vec<&str> = table.server_checks.regenerated.iter().map(|&s| table.columns[s].as_str()).collect();
    let others = match pending.len() {
        0 | 1 => String::new(),
        n => format!(" and {} other rows", n - 1),
    };
    Error::Load {
        table: table.name.plain(),
        message: format!(
            "CHECK {} refused row {}{others} at each of {} attempts (seed cannot evaluate it, so the server was \
             asked before the COPY, and {} regenerated each time)",
            by.join(", "),
            pending.first().copied().unwrap_or_default(),
            attempts.tried(),
            columns.join(", ")
        ),
    }
}

async fn run(conn: &mut PgConnection, table: &TablePlan, sql: &str) -> Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *conn).await.map(|_| ()).map_err(|e| {
        let names: Vec<&str> = table.server_checks.checks.iter().map(|c| c.name.as_str()).collect();
        Error::Load {
            table: table.name.plain(),
            message: format!("evaluating CHECK {} on candidate rows failed: {}", names.join(", "), explain(&e)),
        }
    })
}

/// The candidate numbers the server refuses, and the CHECKs that refused any.
async fn refused<'p>(conn: &mut PgConnection, table: &'p TablePlan) -> Result<(Vec<u64>, Vec<&'p str>)> {
    let checks = &table.server_checks.checks;
    let fails: Vec<String> = checks.iter().map(|c| format!("({}) IS FALSE", c.expression)).collect();
    let sql = format!("SELECT {}, {} FROM {TEMP} WHERE {}", quote_ident(ID), fails.join(", "), fails.join(" OR "));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await.map_err(|e| {
        let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
        Error::Load {
            table: table.name.plain(),
            message: format!("evaluating CHECK {} on candidate rows failed: {}", names.join(", "), explain(&e)),
        }
    })?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut by = vec![false; checks.len()];
    for row in rows {
        let id: i64 = row.try_get(0).unwrap_or(-1);
        ids.extend(u64::try_from(id));
        for (i, flag) in by.iter_mut().enumerate() {
            *flag |= row.try_get::<bool, _>(i + 1).unwrap_or(false);
        }
    }
    let names = checks.iter().zip(by).filter(|(_, refused)| *refused).map(|(c, _)| c.name.as_str()).collect();
    Ok((ids, names))
}

/// Copies `candidates` (candidate number, row, attempt) into the temporary table, in the table's
/// COPY format.
async fn copy_candidates(conn: &mut PgConnection, plan: &Plan, t: usize, candidates: &[(u64, u64, u32)]) -> Result<()> {
    match plan.tables[t].binary {
        true => copy_with(conn, plan, t, candidates, BinaryRowWriter::new()).await,
        false => copy_with(conn, plan, t, candidates, TextRowWriter::new()).await,
    }
}

async fn copy_with<W: RowWriter>(
    conn: &mut PgConnection,
    plan: &Plan,
    t: usize,
    candidates: &[(u64, u64, u32)],
    mut writer: W,
) -> Result<()> {
    let table = &plan.tables[t];
    let mut columns: Vec<String> = table.columns.iter().map(|c| quote_ident(c)).collect();
    columns.push(quote_ident(ID));
    let statement = format!("COPY {TEMP} ({}) FROM STDIN {}", columns.join(", "), writer.copy_options());
    let mut copy = conn.copy_in_raw(&statement).await.map_err(|e| load_error(table, &e))?;
    let bigint = PgType::new(20, "bigint", TypeKind::Int8);
    let mut values = vec![Value::Null; table.columns.len()];
    let mut scratch = RowScratch::default();
    let field_count = table.columns.len() as i16 + 1;
    writer.header();
    let mut written = Ok(());
    for &(id, row, attempt) in candidates {
        plan.dataset.fill_row(t, row, None, &mut scratch, &mut values);
        if attempt > 0 {
            plan.dataset.refill(t, row, attempt, &table.server_checks.regenerated, &scratch, &mut values);
        }
        writer.begin_row(field_count);
        written = write_fields(&mut writer, table, row, &values).and_then(|()| {
            let id = Value::Int(i64::try_from(id).unwrap_or(i64::MAX));
            writer.field(&id, &bigint).map_err(|e| Error::Load { table: table.name.plain(), message: e.to_string() })
        });
        if written.is_err() {
            break;
        }
        writer.end_row();
        if writer.is_full() {
            if let Err(error) = send(&mut copy, &mut writer, table).await {
                written = Err(error);
                break;
            }
        }
    }
    if written.is_ok() {
        writer.trailer();
        written = send(&mut copy, &mut writer, table).await.map(|_| ());
    }
    match written {
        Ok(()) => copy.finish().await.map(|_| ()).map_err(|e| load_error(table, &e)),
        Err(error) => {
            let _ = copy.abort("seed: generating candidate rows failed").await;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_first_accepted_attempt() {
        let mut attempts = Attempts::new(vec![7, 3]);
        assert_eq!(attempts.pending(), [3, 7]);
        let candidates = attempts.candidates();
        assert_eq!(candidates.len(), 2 * CANDIDATES as usize);
        assert_eq!(candidates[0], (3, 1));
        assert_eq!(candidates[CANDIDATES as usize], (7, 1));
        // Row 3: attempts 1 and 2 refused, 3 accepted (and 4, later, too). Row 7: all refused.
        let refused: Vec<bool> = candidates.iter().map(|&(row, attempt)| row == 7 || attempt < 3).collect();
        assert_eq!(attempts.settle(&candidates, &refused), Progress::Again);
        assert_eq!(attempts.attempt_of(3), 3);
        assert_eq!(attempts.attempt_of(7), 0, "not settled yet");
        assert_eq!(attempts.attempt_of(5), 0, "never refused");
        // The next round tries attempts no row was tried at before.
        let next = attempts.candidates();
        assert_eq!(next.first(), Some(&(7, CANDIDATES + 1)));
        let refused: Vec<bool> = next.iter().map(|&(_, attempt)| attempt != CANDIDATES + 5).collect();
        assert_eq!(attempts.settle(&next, &refused), Progress::Done);
        assert_eq!(attempts.attempt_of(7), CANDIDATES + 5);
        assert!(attempts.is_settled());
    }

    #[test]
    fn a_round_that_accepts_nothing_gives_up() {
        let mut attempts = Attempts::new(vec![1, 2]);
        let candidates = attempts.candidates();
        assert_eq!(attempts.settle(&candidates, &vec![true; candidates.len()]), Progress::GaveUp);
        assert_eq!(attempts.pending(), [1, 2]);
        assert_eq!(attempts.tried(), 1 + CANDIDATES);
    }

    #[test]
    fn rounds_are_bounded() {
        let mut attempts = Attempts::new(vec![1, 2]);
        let mut last = Progress::Again;
        let mut rounds = 0;
        while last == Progress::Again {
            let candidates = attempts.candidates();
            // Row 1 is accepted at its last attempt of the first round; row 2 never.
            let refused: Vec<bool> = candidates.iter().map(|&(row, a)| row == 2 || a != CANDIDATES).collect();
            last = attempts.settle(&candidates, &refused);
            rounds += 1;
        }
        assert_eq!(last, Progress::GaveUp);
        assert_eq!(rounds, 2, "the second round accepted nothing");
        assert_eq!(attempts.attempt_of(1), CANDIDATES);
        // Rows accepted a little in every round still stop at ROUNDS.
        let mut attempts = Attempts::new((0..100).collect());
        let mut rounds = 0;
        loop {
            let candidates = attempts.candidates();
            let first = candidates[0].0;
            let refused: Vec<bool> = candidates.iter().map(|&(row, _)| row != first).collect();
            rounds += 1;
            if attempts.settle(&candidates, &refused) != Progress::Again {
                break;
            }
        }
        assert_eq!(rounds, ROUNDS);
        assert_eq!(attempts.pending().len(), 100 - ROUNDS as usize);
    }

    #[test]
    fn nothing_refused_is_settled_at_once() {
        let attempts = Attempts::new(vec![]);
        assert!(attempts.is_settled());
        assert!(attempts.candidates().is_empty());
        assert_eq!(attempts.attempt_of(0), 0);
    }
}
