#!/usr/bin/env bash
# Client instructions of one load, counted by callgrind (repeatable whatever else the machine does):
#   bench/callgrind.sh BINARY [PROFILE] [SCALE]
# creates a fresh database, loads it once to warm the server, loads it again under callgrind, drops it,
# and prints the instruction total. Defaults: bench/creator.toml at --scale 0.1 (99 730 rows).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; profile=${2:-bench/creator.toml}; scale=${3:-0.1}
admin=${SEED_TEST_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db=seed_callgrind_$$
psql "$admin" -qc "CREATE DATABASE $db"
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
url=${admin%/*}/$db
"$bin" --database-url "$url" --profile "$profile" --scale "$scale" -q
out=$(mktemp)
valgrind --tool=callgrind --callgrind-out-file="$out.cg" "$bin" --database-url "$url" --profile "$profile" \
    --scale "$scale" -q 2> "$out"
grep -E "Collected" "$out"
echo "profile: $out.cg (callgrind_annotate $out.cg)"
