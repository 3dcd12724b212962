#!/usr/bin/env bash
# Fuzz every parser for a bounded time each.
#   fuzz/run.sh [SECONDS_PER_TARGET]   (default 60)
# Seeds each target's corpus from ../shared/data (never copied into the
# repository: corpora live in fuzz/corpus/, which git ignores), then runs
# `cargo fuzz run` on stable Rust with RUSTC_BOOTSTRAP=1 (cargo fuzz needs
# -Z flags). A crash stops the script with the reproducer path; turn every
# crash into a regression test next to the parser it broke.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shared="../../shared/data"
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

seed() { # target, then files to cut into <=4 KiB line-aligned pieces
  local target="$1"; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    # Pieces of whole lines, about 4 KiB each, 40 pieces at most per file.
    split -C 4096 -d -a 4 "$f" "corpus/$target/$(basename "$f")." 2>/dev/null || true
    { ls "corpus/$target" | sort | tail -n +41 | while read -r x; do rm -f "corpus/$target/$x"; done; } || true
  done
}

if [ -d "$shared" ]; then
  seed ofac_csv "$shared/lists/ofac/sdn-2021-07-07/sdn.csv" "$shared/lists/ofac/cons-2025-12-19/cons_prim.csv"
  seed un_xml "$shared/lists/un/consolidated-2026-02-27.xml"
  seed ftm_json "$shared/lists/opensanctions/zala/entities.ftm.json" "$shared/lists/opensanctions/t1/entities.ftm.json"
  seed ftm_delta "$shared"/lists/opensanctions/delta/*/entities.delta.json
  seed csl_csv "$shared/lists/csl/csl-2023-11-30-subset.csv"
  mkdir -p corpus/ofac_remarks corpus/dates corpus/names corpus/rules_toml corpus/events
  cp ../rules/default.toml corpus/rules_toml/default.toml
  mkdir -p corpus/match_body
  printf '%s' '{"queries":{"q1":{"schema":"Person","properties":{"name":["Kim Jong Un"],"birthDate":["1984-01-08"],"nationality":["kp"]}},"q2":{"schema":"Company","properties":{"name":["Korea Mining Development Trading Corporation"]}}}}' > corpus/match_body/seed
  # (head closes the pipe early: the SIGPIPE upstream is expected)
  { cut -d'"' -f4- "$shared/lists/ofac/sdn-2021-07-07/sdn.csv" | awk 'length > 20' | head -200 | split -l 1 -d -a 4 - corpus/ofac_remarks/r.; } || true
  printf '%s\n' "08 Jan 1984" "circa 1962" "1962 to 1964" "between 1937 and 1938" "Aug 1968" "1984-13-45" > corpus/dates/seed
  { awk -F, 'NR>1 {print $3; print $4}' "$shared/names/name-bench-cases.csv" | head -300 | split -l 1 -d -a 4 - corpus/names/n.; } || true
else
  echo "NOTICE: $shared is absent; fuzzing from empty corpora"
fi

for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target"
  echo "== fuzz $target for ${secs}s"
  cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -max_len=8192 -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tail -n 12
done
