#!/usr/bin/env bash
# Capacity figures for docs/deploy.md ("Capacity"): /match requests per second
# on ONE core, and the case store's write rate on SQLite and PostgreSQL.
#
#   cargo build --release -p yalu && bench/capacity/run.sh [DURATION]
#
# 1. `yalu serve` pinned to core 0 (taskset), wrk pinned to core 1, so the
#    server has exactly one core: single-query POST /match/default with the
#    names of bench/load/match.lua, 16 connections, OFAC SDN 2021 + UN 2026.
# 2. The same with the server on both cores (wrk shares them), for the
#    scaling from one core to two.
# 3. crates/yalu-store/examples/write_rate.rs: 16 writers reviewing cases
#    as fast as the store acknowledges, on a SQLite file and on the local
#    PostgreSQL.
# Needs wrk, taskset (util-linux), curl, ../shared/data and, for 3, the
# PostgreSQL at 127.0.0.1:5432. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-20s}
lists=../shared/data/lists
bin=target/release/yalu
port=8766
dir=$(mktemp -d)
"$bin" keys create --role screener --store "$dir/keys.db" >"$dir/key" 2>/dev/null
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
serve() { # CPU list for the server
  taskset -c "$1" "$bin" serve --bind "127.0.0.1:$port" --store "$dir/keys.db" \
    --list "$lists/ofac/sdn-2021-07-07" --list "$lists/un/consolidated-2026-02-27.xml" \
    2>"$dir/serve.log" &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
echo "== load before: $(uptime)"
echo "== /match, server on 1 core (cpu 0), wrk on cpu 1"
serve 0
KEY=$(cat "$dir/key") taskset -c 1 wrk -t1 -c16 -d"$duration" --latency -s bench/load/match.lua "http://127.0.0.1:$port"
stop
echo "== /match, server on 2 cores, wrk sharing them"
serve 0,1
KEY=$(cat "$dir/key") wrk -t2 -c16 -d"$duration" --latency -s bench/load/match.lua "http://127.0.0.1:$port"
stop
echo "== case store write rate"
cargo run --release -q -p yalu-store --example write_rate -- sqlite 16 "${duration%s}"
cargo run --release -q -p yalu-store --example write_rate -- postgres 16 "${duration%s}"
echo "== load after: $(uptime)"
