#!/usr/bin/env bash
# Evasion scorecard: Yalu, nomenklatura logic-v2 and the benchmark's own
# baseline on cases of the published `sanctions-screening-benchmark` 0.1.0,
# built from the OFAC SDN 2021 files in ../shared/data.
#
#   bench/evasion/run.sh [--seed N] [--pool N] [--threshold 0.70] [--misses N]
#                        [--no-peer] [--no-baseline]
#
# Sets up bench/evasion/.venv with sanctions-screening-benchmark==0.1.0 (from
# PyPI) when it is missing, nomenklatura through bench/peer/ (its .venv, see
# bench/peer/README.md), builds yalu in release (a no-op when up to date) and
# runs bench/evasion/run.py. Not part of CI.
#
# Environment: PYTHON (default python3, >= 3.11); EVASION_YALU_BIN to use a
# given yalu binary and skip the cargo build; CARGO_TARGET_DIR as for cargo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
venv="$here/.venv"
peer_venv="$root/bench/peer/.venv"
ssb_version="0.1.0"
nk_version="4.17.4"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi

no_peer=0
for a in "$@"; do [[ "$a" == "--no-peer" ]] && no_peer=1; done

# 1. The benchmark package, in a venv of its own (it has no dependencies).
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('sanctions-screening-benchmark') != '$ssb_version')" 2>/dev/null; then
    echo "run.sh: installing sanctions-screening-benchmark==$ssb_version into $venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "sanctions-screening-benchmark==$ssb_version"
fi

# 2. nomenklatura, in bench/peer's venv (same set-up as bench/peer/run.sh).
run_python="$venv/bin/python"
if [[ $no_peer -eq 0 ]]; then
    if [[ ! -x "$peer_venv/bin/python" ]]; then
        "$python" -m venv "$peer_venv"
    fi
    if ! "$peer_venv/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('nomenklatura') != '$nk_version')" 2>/dev/null; then
        echo "run.sh: installing nomenklatura==$nk_version into $peer_venv (PyICU needs pkg-config, libicu-dev, g++)" >&2
        "$peer_venv/bin/pip" install --quiet --disable-pip-version-check \
            -c "$root/bench/peer/constraints.txt" "nomenklatura==$nk_version"
    fi
    if ! "$peer_venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('sanctions-screening-benchmark') != '$ssb_version')" 2>/dev/null; then
        "$peer_venv/bin/pip" install --quiet --disable-pip-version-check "sanctions-screening-benchmark==$ssb_version"
    fi
    run_python="$peer_venv/bin/python"
fi

# 3. The yalu binary.
if [[ -n "${EVASION_YALU_BIN:-}" ]]; then
    yalu="$EVASION_YALU_BIN"
else
    echo "run.sh: cargo build --release -p yalu" >&2
    (cd "$root" && cargo build --release -p yalu --quiet)
    target="${CARGO_TARGET_DIR:-target}"
    [[ "$target" = /* ]] || target="$root/$target"
    yalu="$target/release/yalu"
fi

exec "$run_python" "$here/run.py" --yalu "$yalu" "$@"
