#!/usr/bin/env bash
# Load benchmark for `yalu serve` (docs/benchmarks.md, "Screening API"):
# single-query POST /match/default at 16 concurrent connections on loopback,
# against the OFAC SDN 2021-07-07 + UN 2026-02-27 index.
#
#   cargo build --release -p yalu && bench/load/run.sh [DURATION]
#
# Needs wrk (apt-get install wrk), curl and ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-30s}
lists=../shared/data/lists
bin=target/release/yalu
port=8765
dir=$(mktemp -d)
"$bin" keys create --role screener --store "$dir/keys.db" >"$dir/key" 2>/dev/null
"$bin" keys create --role analyst --store "$dir/keys.db" >"$dir/analyst" 2>/dev/null
"$bin" serve --bind "127.0.0.1:$port" --store "$dir/keys.db" \
  --list "$lists/ofac/sdn-2021-07-07" --list "$lists/un/consolidated-2026-02-27.xml" \
  2>"$dir/serve.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
curl -sf -H "Authorization: Bearer $(cat "$dir/analyst")" "http://127.0.0.1:$port/metrics" |
  grep -E '^yalu_(index_entities|reload_last_duration_seconds) '
nproc
KEY=$(cat "$dir/key") wrk -t2 -c16 -d"$duration" --latency -s bench/load/match.lua "http://127.0.0.1:$port"
