#!/usr/bin/env bash
# The full 10-minute soak of `yalu serve` (docs/reliability.md, "Load and
# soak"): capacity (closed-loop estimate, store filled, open loop at
# saturation), 600 s open loop at 80 % of it with a list
# reload every minute, a burst at twice the capacity, recovery. Only
# 127.0.0.1; the test starts and stops the server itself.
#
#   bench/soak/run.sh            # the 10-minute run
#   bench/soak/run.sh ci         # the 60-second run CI does
#
# Needs ../shared/data (OFAC SDN 2021-07-07, UN 2026-02-27). The report
# goes to stdout and to target/soak-last-run.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
test=soak_ten_minutes
extra=(--ignored)
if [ "${1:-}" = ci ]; then
  test=soak_one_minute
  extra=()
fi
cargo test --release -p yalu --test soak -- "${extra[@]}" --exact "$test" --nocapture 2>&1 |
  grep --line-buffered -v -E '^ +([0-9]+: |at )' | tee target/soak-last-run.log
