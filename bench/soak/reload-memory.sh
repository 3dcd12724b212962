#!/usr/bin/env bash
# Server memory across many list reloads (docs/reliability.md, "Load and soak").
#
#   cargo build --release -p yalu && bench/soak/reload-memory.sh [RELOADS] [traffic|quiet]
#
# Starts `yalu serve` on the OFAC SDN 2021-07-07 + UN 2026-02-27 lists, optionally
# drives it with wrk (single-query POST /match/default, 8 connections), reloads the
# lists RELOADS times (default 100) through POST /admin/reload, and prints the
# server's VmRSS in MiB after each reload. Needs wrk, curl and ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/../.."
reloads=${1:-100}
mode=${2:-traffic}
lists=../shared/data/lists
bin=target/release/yalu
port=8799
dir=$(mktemp -d)
wrk_pid=
"$bin" keys create --role screener --store "$dir/keys.db" >"$dir/screener" 2>/dev/null
"$bin" keys create --role admin --store "$dir/keys.db" >"$dir/admin" 2>/dev/null
"$bin" serve --bind "127.0.0.1:$port" --store "$dir/keys.db" \
  --list "$lists/ofac/sdn-2021-07-07" --list "$lists/un/consolidated-2026-02-27.xml" \
  2>"$dir/serve.log" &
pid=$!
trap 'kill "$pid" ${wrk_pid:+"$wrk_pid"} 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
echo "RSS with the index loaded: $(rss) MiB"
if [ "$mode" = traffic ]; then
  KEY=$(cat "$dir/screener") wrk -t1 -c8 -d3600s -s bench/load/match.lua \
    "http://127.0.0.1:$port" >/dev/null 2>&1 &
  wrk_pid=$!
  sleep 5
  echo "RSS under traffic before any reload: $(rss) MiB"
fi
for i in $(seq 1 "$reloads"); do
  curl -sf -X POST -H "Authorization: Bearer $(cat "$dir/admin")" \
    "http://127.0.0.1:$port/admin/reload" >/dev/null || { echo "reload $i failed"; exit 1; }
  sleep 2
  printf '%s ' "$(rss)"
  if [ $((i % 10)) -eq 0 ]; then echo " <- after reload $i"; fi
done
echo
