"""Shared test support: where the repository, ../shared and the `yalu` binary
are, and the skip-or-fail policy of the Rust tests (yalu-testdata): a test
that lacks something prints ``SKIPPED: reason``, appends it to
``target/skipped-tests.txt`` and skips, unless the matching ``YALU_REQUIRE_*``
variable is ``1`` (as ``.ci/run`` sets), in which case it fails."""

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DEMO_LIST = REPO / "demo" / "lists" / "ofac-sample"


def skip_or_fail(reason, require_var):
    """Skips the running test (recording why) or, when ``require_var`` is
    ``1``, fails it."""
    if os.environ.get(require_var) == "1":
        pytest.fail(f"{require_var}=1 but: {reason}")
    test = os.environ.get("PYTEST_CURRENT_TEST", "python test").split(" ")[0]
    print(f"SKIPPED: {reason}")
    skips = REPO / "target" / "skipped-tests.txt"
    try:
        skips.parent.mkdir(parents=True, exist_ok=True)
        with open(skips, "a", encoding="utf-8") as f:
            f.write(f"pytest {test}: {reason}\n")
    except OSError:
        pass
    pytest.skip(reason)


def shared(relative):
    """A path in ../shared, or a skip (a failure with YALU_REQUIRE_SHARED=1)."""
    path = SHARED / relative
    if not path.exists():
        skip_or_fail(f"{path} is missing (../shared beside the repository)", "YALU_REQUIRE_SHARED")
    return path


def yalu_binary():
    """The release `yalu` binary the README's test command builds."""
    exe = REPO / "target" / "release" / "yalu"
    if not exe.exists():
        found = shutil.which("yalu")
        if found:
            return Path(found)
        skip_or_fail(f"{exe} is missing; run `cargo build --release -p yalu`", "YALU_REQUIRE_SHARED")
    return exe
