#!/usr/bin/env python3
"""Side-by-side benchmark: Yalu's name matcher against nomenklatura logic-v2.

Both matchers score the same labelled pairs in one run; the script prints
precision, recall and F1 at one threshold, the per-kind confusion counts side
by side, and how many pairs per second each scored.

Input: JSON lines (`{"id","kind","query":{"schema","properties"},
"candidate":{...},"match":bool}`) or the name-bench CSV (`case_group,schema,
name1,name2,is_match,...`). A CSV is first converted to a temporary JSON lines
file, and both matchers read that same file.

Run it through `bench/peer/run.sh`, which sets up the virtualenv and builds
`yalu`. This is a documented benchmark, not a test: it is not run by CI.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PEER_ALGORITHM = "logic-v2"
REPO_ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


@dataclass
class Pair:
    id: str
    kind: str
    query: dict
    candidate: dict
    expected: bool


def parse_bool(text: str, where: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise SystemExit(f"{where}: is_match must be true or false, got {text!r}")


def csv_to_jsonl(csv_path: Path, out_path: Path) -> int:
    """Writes the name-bench CSV as JSON lines; returns the number of pairs.

    Ids are `row-N` with N the CSV line number (header = line 1), which is
    what `yalu eval pairs --format name-bench` calls them too.
    """
    written = 0
    with csv_path.open(newline="", encoding="utf-8") as src, out_path.open(
        "w", encoding="utf-8"
    ) as dst:
        reader = csv.DictReader(src)
        needed = {"case_group", "schema", "name1", "name2", "is_match"}
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{csv_path}: missing columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            schema = row["schema"].strip() or "LegalEntity"
            record = {
                "id": f"row-{line}",
                "kind": row["case_group"],
                "query": {"schema": schema, "properties": {"name": [row["name1"]]}},
                "candidate": {
                    "schema": schema,
                    "properties": {"name": [row["name2"]]},
                },
                "match": parse_bool(row["is_match"], f"{csv_path}:{line}"),
            }
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return written


def read_jsonl(path: Path) -> list[Pair]:
    pairs: list[Pair] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                pair = Pair(
                    id=str(raw["id"]),
                    kind=str(raw.get("kind") or "all"),
                    query=raw["query"],
                    candidate=raw["candidate"],
                    expected=bool(raw["match"]),
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{line_no}: not a labelled pair ({exc})")
            if pair.id in seen:
                raise SystemExit(f"{path}:{line_no}: duplicate id {pair.id}")
            seen.add(pair.id)
            pairs.append(pair)
    return pairs


# --------------------------------------------------------------------------
# Metrics (same definitions as `yalu eval pairs`)
# --------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif expected:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def pairs(self) -> int:
        return self.tp + self.fn + self.fp + self.tn

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        return self.fp + self.tn

    def precision(self) -> float | None:
        d = self.tp + self.fp
        return self.tp / d if d else None

    def recall(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    def f1(self) -> float | None:
        p, r = self.precision(), self.recall()
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def fpr(self) -> float | None:
        return self.fp / self.negatives if self.negatives else None


@dataclass
class Result:
    """One matcher's scores and timing on the pair set."""

    name: str
    scores: dict[str, float]
    threshold: float
    overall: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=OrderedDict)
    timing: list[tuple[str, float]] = field(default_factory=list)

    def predicted(self, pair_id: str) -> bool:
        return self.scores[pair_id] >= self.threshold

    def measure(self, pairs: list[Pair]) -> None:
        for p in pairs:
            got = self.predicted(p.id)
            self.overall.add(p.expected, got)
            self.by_kind.setdefault(p.kind, Counts()).add(p.expected, got)


def fmt(x: float | None, width: int = 6) -> str:
    return f"{x:.3f}".rjust(width) if x is not None else "-".rjust(width)


# --------------------------------------------------------------------------
# nomenklatura
# --------------------------------------------------------------------------


def run_peer(pairs: list[Pair], threshold: float) -> Result:
    from followthemoney import model
    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm(PEER_ALGORITHM)
    if algorithm is None:
        raise SystemExit(f"nomenklatura has no algorithm named {PEER_ALGORITHM}")
    config = algorithm.default_config()
    dropped: dict[str, int] = {}

    def entity(side: str, pair: Pair, data: dict):
        schema = data.get("schema") or "LegalEntity"
        proxy = model.make_entity(schema)
        proxy.id = f"{pair.id}-{side}"
        for prop, values in (data.get("properties") or {}).items():
            if proxy.schema.get(prop) is None:
                dropped[f"{schema}.{prop}"] = dropped.get(f"{schema}.{prop}", 0) + 1
                continue
            # Clean the raw values as yente does for API input (not
            # pre-cleaned, fuzzy parsing allowed for dates and countries).
            proxy.add(prop, values, cleaned=False, quiet=True, fuzzy=True)
        return proxy

    # Entity construction is not part of the timed loop.
    entities = [(entity("query", p, p.query), entity("candidate", p, p.candidate)) for p in pairs]
    for key, count in sorted(dropped.items()):
        print(f"note: nomenklatura: {count} value lists of unknown property {key} ignored", file=sys.stderr)

    result = Result(name=f"nomenklatura {PEER_ALGORITHM}", scores={}, threshold=threshold)

    # The first comparison loads rigour's name reference data (several
    # seconds). Time it on its own, then time the full loop over all pairs.
    if entities:
        t0 = time.perf_counter()
        algorithm.compare(entities[0][0], entities[0][1], config)
        result.timing.append(("first compare() call (loads reference data)", time.perf_counter() - t0))

    t0 = time.perf_counter()
    for pair, (query, candidate) in zip(pairs, entities):
        result.scores[pair.id] = algorithm.compare(query, candidate, config).score
    elapsed = time.perf_counter() - t0
    result.timing.append(("compare() loop over all pairs, 1 thread, after that first call", elapsed))
    result.measure(pairs)
    return result


# --------------------------------------------------------------------------
# Yalu
# --------------------------------------------------------------------------


def yalu_score(binary: Path, pairs_file: Path, threshold: float, threads: int | None) -> tuple[dict[str, float], dict[str, bool], float]:
    """Runs `yalu score` once; returns scores, its match flags and wall time.

    The wall time covers process start, reading the file, scoring, printing
    and reading the printed lines back here.
    """
    # `yalu` reads YALU_* variables as configuration overrides; drop them so
    # that every run uses the defaults plus the flags given here.
    env = {k: v for k, v in os.environ.items() if not k.startswith("YALU_")}
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    cmd = [str(binary), "score", "--pairs", str(pairs_file), "--threshold", str(threshold)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    scores: dict[str, float] = {}
    flags: dict[str, bool] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if not line.strip():
            continue
        row = json.loads(line)
        scores[str(row["id"])] = float(row["score"])
        flags[str(row["id"])] = bool(row["match"])
    stderr = proc.stderr.read() if proc.stderr else ""
    code = proc.wait()
    elapsed = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{stderr}")
    return scores, flags, elapsed


def run_yalu(binary: Path, pairs_file: Path, pairs: list[Pair], threshold: float, repeat: int) -> Result:
    result = Result(name="yalu", scores={}, threshold=threshold)
    walls: dict[str, list[float]] = {"default": [], "1": []}
    reference: dict[str, float] | None = None
    for _ in range(repeat):
        for label, threads in (("default", None), ("1", 1)):
            scores, flags, wall = yalu_score(binary, pairs_file, threshold, threads)
            walls[label].append(wall)
            if reference is None:
                reference = scores
                result.scores = scores
                bad = [i for i, s in scores.items() if flags[i] != (s >= threshold)]
                if bad:
                    print(f"warning: yalu's own match flag disagrees with score >= threshold on {len(bad)} pairs", file=sys.stderr)
            elif scores != reference:
                print("warning: yalu scores differ between runs", file=sys.stderr)
    missing = [p.id for p in pairs if p.id not in result.scores]
    if missing:
        raise SystemExit(f"yalu score printed no line for {len(missing)} pairs, e.g. {missing[:3]}")
    cores = os.cpu_count() or 1
    result.timing.append(
        (f"`yalu score` subprocess wall time, all {cores} cores (median of {repeat})", statistics.median(walls["default"]))
    )
    result.timing.append(
        (f"`yalu score` subprocess wall time, RAYON_NUM_THREADS=1 (median of {repeat})", statistics.median(walls["1"]))
    )
    result.measure(pairs)
    return result


def yalu_startup(binary: Path, pair: Pair, threshold: float, repeat: int) -> float:
    """Median wall time of `yalu score` on a one-pair file: the fixed cost of
    starting the process and its matcher, to be subtracted for a net rate."""
    with tempfile.TemporaryDirectory(prefix="yalu-peer-") as tmp:
        one = Path(tmp) / "one.jsonl"
        one.write_text(
            json.dumps({"id": pair.id, "kind": pair.kind, "query": pair.query, "candidate": pair.candidate, "match": pair.expected}, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        return statistics.median(yalu_score(binary, one, threshold, 1)[2] for _ in range(repeat))


def yalu_eval_check(binary: Path, pairs_file: Path, fmt_: str, threshold: float, counts: Counts) -> str:
    """Cross-checks the counts computed here against `yalu eval pairs --json`.

    For a CSV this runs on the original file with Yalu's own CSV reader, so
    it also checks the conversion to JSON lines done here.
    """
    cmd = [str(binary), "eval", "pairs", str(pairs_file), "--format", fmt_, "--threshold", str(threshold), "--json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("YALU_")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return f"`yalu eval pairs` failed ({proc.returncode}): {proc.stderr.strip()[:200]}"
    overall = json.loads(proc.stdout)["overall"]
    theirs = (overall["true_positives"], overall["false_negatives"], overall["false_positives"], overall["true_negatives"])
    ours = (counts.tp, counts.fn, counts.fp, counts.tn)
    verdict = "agree" if theirs == ours else f"DISAGREE (yalu eval: TP/FN/FP/TN {theirs}, here {ours})"
    return f"`yalu eval pairs --format {fmt_}` on the original file: overall counts {verdict}; its wall time {wall:.3f} s"


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def versions() -> str:
    parts = []
    for dist in ("nomenklatura", "followthemoney", "rigour"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} ?")
    return ", ".join(parts)


def yalu_version(binary: Path) -> str:
    """`yalu --version` plus the commit of the work tree it was built from."""
    try:
        text = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        text = "yalu ?"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "crates", "Cargo.toml", "Cargo.lock"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
        text += f" (work tree at {head}{', with uncommitted changes under crates/' if dirty else ''})"
    except (OSError, subprocess.CalledProcessError):
        pass
    return text


def print_report(source: Path, pairs: list[Pair], threshold: float, peer: Result, yalu: Result, startup: float | None, eval_note: str | None, yalu_ver: str) -> None:
    n = len(pairs)
    pos = sum(p.expected for p in pairs)
    print(f"pairs file: {source}")
    print(f"pairs: {n} ({pos} match, {n - pos} non-match); threshold {threshold:.2f} (match = score >= threshold)")
    print(f"peer: {versions()}; python {sys.version.split()[0]}")
    print(f"yalu: {yalu_ver}")
    print(f"machine: {os.cpu_count()} cores")
    print()

    print(f"{'overall':<34} {'scored':>6} {'TP':>5} {'FN':>5} {'FP':>5} {'TN':>5} {'precision':>9} {'recall':>6} {'F1':>6} {'FPR':>6}")
    for r in (peer, yalu):
        c = r.overall
        print(
            f"{r.name:<34} {c.pairs:>6} {c.tp:>5} {c.fn:>5} {c.fp:>5} {c.tn:>5} {fmt(c.precision(), 9)} {fmt(c.recall())} {fmt(c.f1())} {fmt(c.fpr())}"
        )
    print()

    left, right = peer.name, yalu.name
    print(f"{'per kind':<24} {'':>5} {'':>4} | {left:^36} | {right:^36}".rstrip())
    sub = f"{'TP':>4} {'FN':>4} {'FP':>4} {'TN':>4} {'recall':>6} {'FPR':>5} {'F1':>5}"
    print(f"{'kind':<24} {'pairs':>5} {'pos':>4} | {sub} | {sub}")
    for kind in peer.by_kind:
        row = f"{kind:<24} {peer.by_kind[kind].pairs:>5} {peer.by_kind[kind].positives:>4}"
        for r in (peer, yalu):
            c = r.by_kind[kind]
            row += f" | {c.tp:>4} {c.fn:>4} {c.fp:>4} {c.tn:>4} {fmt(c.recall())} {fmt(c.fpr(), 5)} {fmt(c.f1(), 5)}"
        print(row)
    print("recall: share of true matches found; FPR: share of non-matches let through;")
    print("F1 per kind is '-' where undefined (a kind with no true matches has no recall).")
    print()

    both_right = sum(1 for p in pairs if peer.predicted(p.id) == p.expected and yalu.predicted(p.id) == p.expected)
    only_peer = sum(1 for p in pairs if peer.predicted(p.id) == p.expected and yalu.predicted(p.id) != p.expected)
    only_yalu = sum(1 for p in pairs if peer.predicted(p.id) != p.expected and yalu.predicted(p.id) == p.expected)
    both_wrong = n - both_right - only_peer - only_yalu
    print(f"agreement with the labels: both right {both_right}, only {left} right {only_peer}, only {right} right {only_yalu}, both wrong {both_wrong}")
    print()

    print("speed (scoring only; entity construction and file reading on the Python side are not timed)")
    for r in (peer, yalu):
        for label, seconds in r.timing:
            rate = n / seconds if seconds > 0 else float("inf")
            shown = f"{rate:>10.0f} pairs/s" if "loop" in label or "subprocess" in label else ""
            print(f"  {r.name:<22} {label:<70} {seconds:>8.3f} s {shown}".rstrip())
    if startup is not None:
        print(f"  {right:<22} {'`yalu score` on a one-pair file, 1 thread (process start; median)':<70} {startup:>8.3f} s")
        one_thread = next((sec for label, sec in yalu.timing if "RAYON_NUM_THREADS=1" in label), None)
        if one_thread is not None and one_thread > startup:
            net = one_thread - startup
            print(
                f"  {right:<22} {'net of process start, 1 thread (estimate: difference of the two)':<70} {net:>8.3f} s {n / net:>10.0f} pairs/s"
            )
    if eval_note:
        print(f"  {eval_note}")


def list_errors(pairs: list[Pair], peer: Result, yalu: Result, limit: int) -> None:
    print()
    print(f"pairs where at least one matcher is wrong (first {limit}):")
    print(f"  {'id':<12} {'kind':<22} {'label':<8} {'nk':>6} {'yalu':>6}  query | candidate")
    shown = 0
    for p in pairs:
        if peer.predicted(p.id) == p.expected and yalu.predicted(p.id) == p.expected:
            continue
        qn = "; ".join(p.query.get("properties", {}).get("name", []))
        cn = "; ".join(p.candidate.get("properties", {}).get("name", []))
        label = "match" if p.expected else "no"
        print(f"  {p.id:<12} {p.kind:<22} {label:<8} {peer.scores[p.id]:>6.3f} {yalu.scores[p.id]:>6.3f}  {qn} | {cn}")
        shown += 1
        if shown >= limit:
            break


def write_scores(path: Path, pairs: list[Pair], peer: Result, yalu: Result) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "kind", "match", "nomenklatura_score", "yalu_score", "query_names", "candidate_names"])
        for p in pairs:
            w.writerow(
                [
                    p.id,
                    p.kind,
                    str(p.expected).lower(),
                    f"{peer.scores[p.id]:.4f}",
                    f"{yalu.scores[p.id]:.4f}",
                    "; ".join(p.query.get("properties", {}).get("name", [])),
                    "; ".join(p.candidate.get("properties", {}).get("name", [])),
                ]
            )


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs_file", type=Path, help="labelled pairs: JSON lines, or the name-bench CSV")
    ap.add_argument("--threshold", type=float, default=0.70, help="match threshold for both matchers (default 0.70)")
    ap.add_argument("--format", choices=("auto", "jsonl", "name-bench"), default="auto", help="input layout (auto: .csv is name-bench, else JSON lines)")
    ap.add_argument("--yalu", type=Path, default=REPO_ROOT / "target" / "release" / "yalu", help="yalu binary (default target/release/yalu)")
    ap.add_argument("--repeat", type=int, default=5, help="timed `yalu score` runs per thread setting; the median is shown (default 5)")
    ap.add_argument("--no-eval-check", action="store_true", help="skip the cross-check against `yalu eval pairs`")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="also list the first N pairs where either matcher is wrong")
    ap.add_argument("--scores-csv", type=Path, help="write every pair's two scores to this CSV")
    args = ap.parse_args()

    if not 0.0 <= args.threshold <= 1.0:
        ap.error("--threshold must be within 0..1")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not args.pairs_file.is_file():
        ap.error(f"no such file: {args.pairs_file}")
    if not args.yalu.is_file():
        ap.error(f"no yalu binary at {args.yalu} (cargo build --release -p yalu)")

    fmt_ = args.format
    if fmt_ == "auto":
        fmt_ = "name-bench" if args.pairs_file.suffix.lower() == ".csv" else "jsonl"

    with tempfile.TemporaryDirectory(prefix="yalu-peer-") as tmp:
        if fmt_ == "name-bench":
            pairs_file = Path(tmp) / (args.pairs_file.stem + ".jsonl")
            count = csv_to_jsonl(args.pairs_file, pairs_file)
            print(f"note: converted {count} CSV rows to {pairs_file.name} (JSON lines) for both matchers", file=sys.stderr)
        else:
            pairs_file = args.pairs_file
        pairs = read_jsonl(pairs_file)
        if not pairs:
            raise SystemExit(f"{args.pairs_file}: no pairs")

        print(f"scoring {len(pairs)} pairs with nomenklatura {PEER_ALGORITHM} ...", file=sys.stderr)
        peer = run_peer(pairs, args.threshold)
        print(f"scoring {len(pairs)} pairs with yalu ({args.repeat}x2 timed runs) ...", file=sys.stderr)
        yalu = run_yalu(args.yalu, pairs_file, pairs, args.threshold, args.repeat)
        startup = yalu_startup(args.yalu, pairs[0], args.threshold, max(args.repeat, 3))
        eval_note = None if args.no_eval_check else yalu_eval_check(args.yalu, args.pairs_file, fmt_, args.threshold, yalu.overall)

    print_report(args.pairs_file, pairs, args.threshold, peer, yalu, startup, eval_note, yalu_version(args.yalu))
    if args.errors:
        list_errors(pairs, peer, yalu, args.errors)
    if args.scores_csv:
        write_scores(args.scores_csv, pairs, peer, yalu)
        print(f"\nper-pair scores written to {args.scores_csv}")


if __name__ == "__main__":
    main()
