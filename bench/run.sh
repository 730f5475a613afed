#!/usr/bin/env bash
# The benchmark harness (BENCHMARKS.md): seed against pgbench, against the server's own ingest
# limit, on a realistic wide schema, for memory, and in the dev loop. Every comparison runs its two
# commands alternately, several times, on the same database, and reports medians and ratios.
#
#   bench/run.sh [--quick]
#
# Needs: a release build (made here), a local PostgreSQL whose server can read /tmp, psql, pg_dump,
# pgbench and GNU time (/usr/bin/time, Debian package `time`). BENCH_ADMIN_URL names the server
# (default postgres://postgres@127.0.0.1:5432/postgres); the benchmark uses (and creates) the
# database `seed_bench` there, and writes its files under /tmp/seed-bench.
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_URL=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
URL=${ADMIN_URL%/*}/seed_bench
SEED=$PWD/target/release/seed
WORK=/tmp/seed-bench
RUNS_S10=5 RUNS_S50=5 RUNS_INGEST=3 RUNS_CREATOR=3 RUNS_CREATOR_10M=1 RUNS_MINIMAL=7
if [[ ${1:-} == --quick ]]; then
    RUNS_S10=3 RUNS_S50=1 RUNS_INGEST=1 RUNS_CREATOR=1 RUNS_CREATOR_10M=0 RUNS_MINIMAL=3
fi

# --- helpers ------------------------------------------------------------------------------------
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$URL" "$@"; }
say() { printf '%s\n' "$*" | tee -a "$WORK/report.txt"; }
# Runs a command, records wall seconds in $WALL and GNU time's "user sys maxrss_kb" in $TIMES.
# A CHECKPOINT first (untimed): the previous command's dirty buffers and WAL are written out, so a
# run does not pay for the checkpoint its predecessor set off (at scale 50, every run writes about
# half of max_wal_size).
timed() {
    local start end
    sql -c "CHECKPOINT"
    start=$(now)
    /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>&1 || { cat "$WORK/out.txt"; exit 1; }
    end=$(now)
    WALL=$(secs "$start" "$end")
    TIMES=$(tail -n 1 "$WORK/time.txt")
}
seed_run() { timed "$SEED" --database-url "$URL" "$@"; }
pgbench_run() { timed env PGOPTIONS='-c search_path=pgbench' pgbench -i -q --foreign-keys -s "$1" "$URL"; }
# Writes table $1's rows to the binary COPY file $2 as seed sends them (char(n) without its pad
# spaces, which the server adds back; no generated columns); prints the column list for COPY FROM.
export_rows() {
    local select columns
    select=$(sql -c "SELECT string_agg(quote_ident(attname) || CASE WHEN atttypid = 'bpchar'::regtype THEN '::text' ELSE '' END, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '$1'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''")
    columns=$(sql -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '$1'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''")
    sql -c "COPY (SELECT $select FROM $1) TO '$2' (FORMAT binary)"
    echo "$columns"
}

mkdir -p "$WORK"
chmod 777 "$WORK"
: >"$WORK/report.txt"
rm -f "$WORK"/creator-*.txt "$WORK"/rss-*
cargo build --release -q
psql -X -q -At "$ADMIN_URL" -c "SELECT 1 FROM pg_database WHERE datname = 'seed_bench'" | grep -q 1 ||
    psql -X -q "$ADMIN_URL" -c "CREATE DATABASE seed_bench"

# --- the machine ----------------------------------------------------------------------------------
say "# seed benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
say "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ { print $2 }') GB RAM, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
say "server: $(sql -c 'SHOW server_version'); $(sql -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'wal_level', 'max_wal_size', 'synchronous_commit', 'fsync', 'max_parallel_maintenance_workers', 'maintenance_work_mem', 'wal_buffers')")"
say ""

# --- 1. pgbench -i against seed --profile pgbench ------------------------------------------------
# The same tables (schema pgbench; pgbench gets it through search_path), the same end state:
# primary keys, foreign keys (--foreign-keys on both sides), analyzed.
"$SEED" --database-url "$URL" --profile pgbench --scale 1 -q
say "## 1. pgbench -i --foreign-keys -s N  vs  seed --profile pgbench --scale N (median of runs, alternating)"
say "| scale | rows | pgbench -i | seed (1 connection) | ratio | seed --jobs 2 | ratio |"
say "| --- | --- | --- | --- | --- | --- | --- |"
for scale in 10 50; do
    runs=$RUNS_S10
    [[ $scale == 50 ]] && runs=$RUNS_S50
    [[ $runs == 0 ]] && continue
    : >"$WORK/pgbench.t" ; : >"$WORK/seed1.t" ; : >"$WORK/seed2.t"
    for _ in $(seq "$runs"); do
        pgbench_run "$scale"; echo "$WALL" >>"$WORK/pgbench.t"
        seed_run --profile pgbench --scale "$scale" -q; echo "$WALL" >>"$WORK/seed1.t"
        seed_run --profile pgbench --scale "$scale" -q --jobs 2; echo "$WALL" >>"$WORK/seed2.t"
    done
    p=$(median <"$WORK/pgbench.t"); s1=$(median <"$WORK/seed1.t"); s2=$(median <"$WORK/seed2.t")
    say "| $scale | $((scale * 100011)) | ${p} s | ${s1} s | **$(ratio "$p" "$s1")x** | ${s2} s | $(ratio "$p" "$s2")x |"
done
say ""

# --- 2. the ingest limit ------------------------------------------------------------------------
# The rows seed wrote, saved once by the server in binary COPY files (encoded as seed sends them),
# then loaded by the server from those files with no client at all: (a) the whole bulk procedure seed runs (drop keys,
# TRUNCATE, COPY FREEZE, re-create keys, ANALYZE, one transaction) on pgbench's tables at scale 10;
# (b) the COPY phase alone of the creator tables into index-free copies of them.
say "## 2. The ingest limit: the same rows loaded server-side from binary COPY files"
"$SEED" --database-url "$URL" --profile pgbench --scale 10 -q
declare -A pgbench_columns
for t in branches tellers accounts history; do
    pgbench_columns[$t]=$(export_rows "pgbench.pgbench_$t" "$WORK/pgbench_$t.bin")
done
cat >"$WORK/ingest-pgbench.sql" <<SQL
BEGIN;
ALTER TABLE pgbench.pgbench_accounts DROP CONSTRAINT pgbench_accounts_bid_fkey;
ALTER TABLE pgbench.pgbench_history DROP CONSTRAINT pgbench_history_aid_fkey;
ALTER TABLE pgbench.pgbench_history DROP CONSTRAINT pgbench_history_bid_fkey;
ALTER TABLE pgbench.pgbench_history DROP CONSTRAINT pgbench_history_tid_fkey;
ALTER TABLE pgbench.pgbench_tellers DROP CONSTRAINT pgbench_tellers_bid_fkey;
ALTER TABLE pgbench.pgbench_accounts DROP CONSTRAINT pgbench_accounts_pkey;
ALTER TABLE pgbench.pgbench_branches DROP CONSTRAINT pgbench_branches_pkey;
ALTER TABLE pgbench.pgbench_tellers DROP CONSTRAINT pgbench_tellers_pkey;
TRUNCATE pgbench.pgbench_branches, pgbench.pgbench_tellers, pgbench.pgbench_accounts, pgbench.pgbench_history;
COPY pgbench.pgbench_branches (${pgbench_columns[branches]}) FROM '$WORK/pgbench_branches.bin' (FORMAT binary, FREEZE);
COPY pgbench.pgbench_accounts (${pgbench_columns[accounts]}) FROM '$WORK/pgbench_accounts.bin' (FORMAT binary, FREEZE);
COPY pgbench.pgbench_tellers (${pgbench_columns[tellers]}) FROM '$WORK/pgbench_tellers.bin' (FORMAT binary, FREEZE);
COPY pgbench.pgbench_history (${pgbench_columns[history]}) FROM '$WORK/pgbench_history.bin' (FORMAT binary, FREEZE);
ALTER TABLE pgbench.pgbench_accounts ADD CONSTRAINT pgbench_accounts_pkey PRIMARY KEY (aid);
ALTER TABLE pgbench.pgbench_branches ADD CONSTRAINT pgbench_branches_pkey PRIMARY KEY (bid);
ALTER TABLE pgbench.pgbench_tellers ADD CONSTRAINT pgbench_tellers_pkey PRIMARY KEY (tid);
ALTER TABLE pgbench.pgbench_accounts ADD CONSTRAINT pgbench_accounts_bid_fkey FOREIGN KEY (bid) REFERENCES pgbench.pgbench_branches (bid);
ALTER TABLE pgbench.pgbench_history ADD CONSTRAINT pgbench_history_aid_fkey FOREIGN KEY (aid) REFERENCES pgbench.pgbench_accounts (aid);
ALTER TABLE pgbench.pgbench_history ADD CONSTRAINT pgbench_history_bid_fkey FOREIGN KEY (bid) REFERENCES pgbench.pgbench_branches (bid);
ALTER TABLE pgbench.pgbench_history ADD CONSTRAINT pgbench_history_tid_fkey FOREIGN KEY (tid) REFERENCES pgbench.pgbench_tellers (tid);
ALTER TABLE pgbench.pgbench_tellers ADD CONSTRAINT pgbench_tellers_bid_fkey FOREIGN KEY (bid) REFERENCES pgbench.pgbench_branches (bid);
ANALYZE pgbench.pgbench_branches, pgbench.pgbench_accounts, pgbench.pgbench_tellers, pgbench.pgbench_history;
COMMIT;
SQL
: >"$WORK/limit.t" ; : >"$WORK/seed.t"
for _ in $(seq "$RUNS_INGEST"); do
    timed psql -X -q -v ON_ERROR_STOP=1 -f "$WORK/ingest-pgbench.sql" "$URL"; echo "$WALL" >>"$WORK/limit.t"
    seed_run --profile pgbench --scale 10 -q; echo "$WALL" >>"$WORK/seed.t"
done
l=$(median <"$WORK/limit.t"); s=$(median <"$WORK/seed.t")
say "(a) pgbench tables, scale 10, 1 000 110 rows, whole bulk load: server from files ${l} s ($(awk -v t="$l" 'BEGIN { printf "%.0f", 1000110 / t }') rows/s), seed end to end ${s} s ($(awk -v t="$s" 'BEGIN { printf "%.0f", 1000110 / t }') rows/s): seed at **$(ratio "$l" "$s")** of the limit"

# (b) creator tables: the COPY phase, per table, into index-free copies (CHECKs and NOT NULLs kept).
"$SEED" --database-url "$URL" --profile bench/creator.toml -q
sql -c "DROP SCHEMA IF EXISTS bench_scratch CASCADE" -c "CREATE SCHEMA bench_scratch"
tables=$(sql -c "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'creator'::regnamespace AND c.relkind = 'r' ORDER BY 1")
copy_script="$WORK/ingest-creator.sql"
echo "BEGIN;" >"$copy_script"
for t in $tables; do
    sql -c "CREATE TABLE bench_scratch.$t (LIKE creator.$t INCLUDING ALL EXCLUDING INDEXES)"
    columns=$(export_rows "creator.$t" "$WORK/creator_$t.bin")
    echo "TRUNCATE bench_scratch.$t; COPY bench_scratch.$t ($columns) FROM '$WORK/creator_$t.bin' (FORMAT binary, FREEZE);" >>"$copy_script"
done
echo "COMMIT;" >>"$copy_script"
creator_rows=$(sql -c "SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables WHERE schemaname = 'creator'")
: >"$WORK/limit.t" ; : >"$WORK/seedcopy.t"
for _ in $(seq "$RUNS_INGEST"); do
    timed psql -X -q -v ON_ERROR_STOP=1 -f "$copy_script" "$URL"; echo "$WALL" >>"$WORK/limit.t"
    seed_run --profile bench/creator.toml
    awk '/ rows +[0-9.]+s/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+s$/) { sub("s", "", $i); s += $i } } END { print s }' "$WORK/out.txt" >>"$WORK/seedcopy.t"
done
l=$(median <"$WORK/limit.t"); s=$(median <"$WORK/seedcopy.t")
say "(b) creator tables, ${creator_rows} rows, COPY phase only: server from files ${l} s ($(awk -v r="$creator_rows" -v t="$l" 'BEGIN { printf "%.0f", r / t }') rows/s), seed's COPYs (generating, encoding, sending) ${s} s ($(awk -v r="$creator_rows" -v t="$s" 'BEGIN { printf "%.0f", r / t }') rows/s): seed at **$(ratio "$l" "$s")** of the limit"
sql -c "DROP SCHEMA bench_scratch CASCADE"
say ""

# --- 3 and 4. the creator platform at 1M and 10M rows: throughput, time per table, client share, RSS
say "## 3-4. The creator platform (bench/creator.toml: profiles/load.toml, creator schema only)"
say "| rows | mode | runs | wall (median) | rows/s | MB sent | MB/s | COPY phase | keys, FKs, ANALYZE | client CPU (share of wall) | peak RSS |"
say "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for config in "1 1" "10 1" "1 2" "10 2"; do
    read -r scale jobs <<<"$config"
    runs=$RUNS_CREATOR
    [[ $scale == 10 ]] && runs=$RUNS_CREATOR_10M
    [[ $jobs == 2 ]] && runs=$((runs > 0 ? 1 : 0))
    [[ $runs == 0 ]] && continue
    tag="$scale-j$jobs"
    : >"$WORK/creator.t"
    for i in $(seq "$runs"); do
        seed_run --profile bench/creator.toml --scale "$scale" --jobs "$jobs"
        read -r user sys rss <<<"$TIMES"
        echo "$WALL $user $sys $rss" >>"$WORK/creator.t"
        cp "$WORK/out.txt" "$WORK/creator-$tag-$i.txt"
    done
    # The run with the median wall time gives the row.
    mid=$(sort -g "$WORK/creator.t" | awk -v n="$runs" 'NR == int((n + 1) / 2)')
    read -r wall user sys rss <<<"$mid"
    run=$(awk -v w="$wall" '$1 == w { print NR; exit }' "$WORK/creator.t")
    out="$WORK/creator-$tag-$run.txt"
    cp "$out" "$WORK/creator-$tag-median.txt"
    rows=$(awk '/^loaded/ { print $2 }' "$out")
    mb=$(awk '/ rows +[0-9.]+s/ { s += $(NF - 1) } END { printf "%.0f", s }' "$out")
    copy=$(awk '/ rows +[0-9.]+s/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+s$/) { sub("s", "", $i); s += $i } } END { printf "%.1f", s }' "$out")
    maxrss=$(awk '{ if ($4 > m) m = $4 } END { printf "%.0f", m / 1024 }' "$WORK/creator.t")
    split="${copy} s | $(awk -v w="$wall" -v c="$copy" 'BEGIN { printf "%.1f", w - c }') s"
    mode="1 connection"
    # With --jobs the tables' COPYs overlap: their sum is not a phase of the wall time.
    [[ $jobs != 1 ]] && { mode="--jobs $jobs"; split="(overlapping) | -"; }
    say "| $rows | $mode | $runs | ${wall} s | $(awk -v r="$rows" -v t="$wall" 'BEGIN { printf "%.0f", r / t }') | $mb | $(awk -v m="$mb" -v t="$wall" 'BEGIN { printf "%.1f", m / t }') | $split | $(awk -v u="$user" -v s="$sys" -v w="$wall" 'BEGIN { printf "%.1f s (%.0f%%)", u + s, 100 * (u + s) / w }') | ${maxrss} MB |"
    echo "$maxrss" >"$WORK/rss-$tag"
done
say ""
say "Time per table (median run at each size): rows, seconds of COPY, rows/s, MB"
for scale in 1 10; do
    f="$WORK/creator-$scale-j1-median.txt"
    [[ -f $f ]] || continue
    say "$scale: $(awk '/^loaded/ { print $2 }' "$f") rows"
    say '```'
    grep -E ' rows +[0-9.]+s' "$f" | sed 's/^ *//' | tee -a "$WORK/report.txt"
    say '```'
done
if [[ -f $WORK/rss-1-j1 && -f $WORK/rss-10-j1 ]]; then
    r1=$(cat "$WORK/rss-1-j1") r10=$(cat "$WORK/rss-10-j1")
    say "Peak RSS (one connection): ${r1} MB at 1M rows, ${r10} MB at 10M rows: 10M/1M = **$(ratio "$r10" "$r1")** (goal: within 1.10, under 150 MB)"
fi
say ""

# --- 5. the dev loop: seed --profile minimal against psql -f of a dump of the same data ----------
say "## 5. The dev loop: seed --profile minimal vs psql -1 -f (TRUNCATE + pg_dump --data-only of the same rows)"
"$SEED" --database-url "$URL" --profile minimal -q
pg_dump --data-only --disable-triggers -n creator -n story -n episode "$URL" >"$WORK/minimal-data.sql"
{
    echo "TRUNCATE $(sql -c "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('creator', 'story', 'episode') AND c.relkind IN ('r', 'p') AND NOT c.relispartition");"
    cat "$WORK/minimal-data.sql"
} >"$WORK/minimal-restore.sql"
: >"$WORK/seed.t" ; : >"$WORK/psql.t"
for _ in $(seq "$RUNS_MINIMAL"); do
    seed_run --profile minimal -q; echo "$WALL" >>"$WORK/seed.t"
    timed psql -X -q -1 -v ON_ERROR_STOP=1 -f "$WORK/minimal-restore.sql" "$URL"; echo "$WALL" >>"$WORK/psql.t"
done
s=$(median <"$WORK/seed.t"); p=$(median <"$WORK/psql.t")
say "seed ${s} s (runs: $(sort -g "$WORK/seed.t" | xargs)), psql -f ${p} s (runs: $(sort -g "$WORK/psql.t" | xargs)): seed **$(ratio "$p" "$s")x** as fast; goal seed <= psql and < 0.5 s"
say ""
say "load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "report: $WORK/report.txt"
