#!/usr/bin/env bash
# Server CPU per /match request over time, screening only (docs/reliability.md,
# run M): `yalu serve` on the soak's lists, `wrk` (Debian package) in a closed
# loop of 4 connections for ROUNDS phases of SECS seconds, RELOADS list reloads
# half way. Prints, per phase, the requests answered and the server's CPU
# milliseconds per request.
#
#   bench/soak/screening-cost.sh                 # 18 phases of 20 s, no reload
#   ROUNDS=6 RELOADS=5 bench/soak/screening-cost.sh   # 3 phases, 5 reloads, 3 phases
set -euo pipefail
cd "$(dirname "$0")/../.."
yalu=$PWD/target/release/yalu
lua=$PWD/bench/soak/match.lua
[ -x "$yalu" ] || cargo build --release -p yalu
dir=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null; rm -rf "$dir"' EXIT
KEY=$("$yalu" keys create --role admin --store "$dir/store.db" 2>/dev/null)
export KEY
"$yalu" serve --bind 127.0.0.1:8931 --store "$dir/store.db" \
  --list ../shared/data/lists/ofac/sdn-2021-07-07 \
  --list ../shared/data/lists/un/consolidated-2026-02-27.xml 2>"$dir/log" &
pid=$!
until curl -sf 127.0.0.1:8931/readyz >/dev/null; do sleep 0.5; done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
phase() {
  local t0 t1 out n
  t0=$(ticks)
  out=$(wrk -t1 -c4 -d"${SECS:-20}"s -s "$lua" http://127.0.0.1:8931)
  t1=$(ticks)
  n=$(echo "$out" | grep -oE '^ +[0-9]+ requests' | grep -oE '[0-9]+')
  echo "$1: $n requests, $(echo "scale=3; ($t1 - $t0) * 10 / $n" | bc) ms of server CPU each"
}
phase warm-up
half=$(( ${ROUNDS:-18} / 2 ))
for round in $(seq 1 "${ROUNDS:-18}"); do
  if [ "$round" = $((half + 1)) ]; then
    for _ in $(seq 1 "${RELOADS:-0}"); do
      curl -sf -XPOST -H "Authorization: Bearer $KEY" 127.0.0.1:8931/admin/reload >/dev/null
    done
  fi
  phase "phase $round"
done
