#!/usr/bin/env bash
# Side-by-side benchmark of Yalu's name matcher and nomenklatura logic-v2.
#
#   bench/peer/run.sh PAIRS_FILE [--threshold 0.70] [other compare.py options]
#
# PAIRS_FILE: labelled pairs as JSON lines (korean-names-dev.jsonl layout) or
# the name-bench CSV. Sets up bench/peer/.venv with nomenklatura 4.17.4 when
# it is missing, builds yalu in release (a no-op when up to date), then runs
# bench/peer/compare.py. Not part of CI; see bench/peer/README.md.
#
# Environment: PYTHON (default python3, needs >= 3.11); PEER_YALU_BIN to use a
# given yalu binary and skip the cargo build; CARGO_TARGET_DIR as for cargo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
nk_version="4.17.4"

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [[ $# -lt 1 ]] && exit 2 || exit 0
fi

# 1. Python environment with the peer matcher.
if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "run.sh: nomenklatura $nk_version needs Python >= 3.11; set PYTHON=..." >&2
        exit 1
    fi
    echo "run.sh: creating $venv" >&2
    "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('nomenklatura') != '$nk_version')" 2>/dev/null; then
    # PyICU (a dependency of rigour) ships no wheels: it is built against the
    # system ICU, which needs pkg-config, the ICU headers and a C++ compiler.
    if ! "$venv/bin/python" -c 'import icu' 2>/dev/null; then
        if ! command -v pkg-config >/dev/null || ! pkg-config --exists icu-uc || ! command -v c++ >/dev/null; then
            echo "run.sh: building PyICU needs pkg-config, ICU headers and a C++ compiler:" >&2
            echo "        apt-get install -y pkg-config libicu-dev g++" >&2
            exit 1
        fi
    fi
    echo "run.sh: installing nomenklatura==$nk_version into $venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        -c "$here/constraints.txt" "nomenklatura==$nk_version"
fi

# 2. The yalu binary.
if [[ -n "${PEER_YALU_BIN:-}" ]]; then
    yalu="$PEER_YALU_BIN"
else
    echo "run.sh: cargo build --release -p yalu" >&2
    (cd "$root" && cargo build --release -p yalu --quiet)
    target="${CARGO_TARGET_DIR:-target}"
    [[ "$target" = /* ]] || target="$root/$target"
    yalu="$target/release/yalu"
fi

# 3. Both matchers on the same pairs.
exec "$venv/bin/python" "$here/compare.py" --yalu "$yalu" "$@"
