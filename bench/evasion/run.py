#!/usr/bin/env python3
"""Evasion scorecard: Yalu against the published `sanctions-screening-benchmark`.

Builds the benchmark's cases (name variants per perturbation class, plus its
negative controls) from the real OFAC SDN 2021 files in ../shared/data with a
seed and a pool of listed persons, screens every case with `yalu screen`
against the WHOLE SDN list, and prints recall per variation class and the
false-positive rate on the negatives. In the same run it scores:

* nomenklatura logic-v2 (yente's matcher, set up by bench/peer/) on pairs: each
  positive case against the entry it was made from (all its names), each
  negative against the entry it was derived from. That is easier than
  screening a whole list: the peer never has to rank the right entry first.
* the package's own baseline matcher (`ssb.matching.BaselineMatcher`), run by
  the package's own scoring loop over the pool's names only.

A positive case is a hit for Yalu when the best-scoring entry at or above the
threshold is the expected one (a tie at the top with the expected entry counts,
and ties are reported). A negative is a false positive when any entry scores at
or above the threshold.

Run it through bench/evasion/run.sh.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict, defaultdict
from pathlib import Path

from ssb import benchmark as bm
from ssb import matching, sources

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

# Which benchmark classes make up the target groups.
GROUPS = OrderedDict(
    [
        ("look-alike letters", ["homoglyph"]),
        ("hidden characters", ["invisible_char"]),
        ("OCR", ["ocr"]),
        ("initials", ["initials"]),
        ("typos", ["typo", "transpose"]),
        ("truncation", ["truncate"]),
        ("vowel-stripped", ["vowel_drop"]),
    ]
)
TARGETS = {
    "look-alike letters": 0.99,
    "hidden characters": 0.99,
    "OCR": 0.95,
    "initials": 0.95,
    "typos": 0.95,
    "truncation": 0.90,
    "vowel-stripped": 0.60,
    "overall": 0.95,
}


def read_text(path: Path) -> str:
    """OFAC legacy CSV: cp1252, CRLF, maybe a trailing 0x1A."""
    raw = path.read_bytes().replace(b"\x1a", b"")
    return raw.decode("cp1252", errors="replace")


class Snapshot(sources.ListSnapshot):
    """A pool of the list, checking negatives against every listed name."""

    def __init__(self, full: sources.ListSnapshot, pool: list):
        super().__init__(
            source=full.source,
            retrieved_at=full.retrieved_at,
            entities=pool,
            endpoint=full.endpoint,
        )
        self._full = full

    def name_index(self) -> set:
        return self._full.name_index()


def load_sdn(folder: Path) -> sources.ListSnapshot:
    entities = sources._parse_sdn(read_text(folder / "sdn.csv"))
    alt = folder / "alt.csv"
    if alt.exists():
        sources._parse_alt(read_text(alt), entities)
    return sources.ListSnapshot(
        source="ofac_sdn",
        retrieved_at=folder.name.removeprefix("sdn-"),
        entities=list(entities.values()),
        endpoint=str(folder),
    )


def group_of(perturbation: str) -> str | None:
    for g, classes in GROUPS.items():
        if perturbation in classes:
            return g
    return None


def run_yalu(yalu: Path, folder: Path, cases: list, threshold: float, work: Path):
    inp = work / "cases.csv"
    out = work / "hits.jsonl"
    with inp.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name"])
        for i, c in enumerate(cases):
            w.writerow([f"c{i}", c.query])
    if out.exists():
        out.unlink()
    cmd = [
        str(yalu), "screen", "--list", str(folder), "--input", str(inp), "--map", "id=id,name=name",
        "--schema", "Person", "--threshold", str(threshold), "--limit", "5",
        "--output", str(out), "--json",
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"yalu screen failed ({proc.returncode}):\n{proc.stderr}")
    hits = defaultdict(list)
    with out.open(encoding="utf-8") as f:
        for line in f:
            h = json.loads(line)
            hits[h["query_id"]].append(h)
    return hits, wall


def score_yalu(cases: list, hits: dict, threshold: float):
    per_class = defaultdict(lambda: [0, 0])
    fp = neg = ties = flagged = 0
    misses = defaultdict(list)
    for i, c in enumerate(cases):
        hs = [h for h in hits.get(f"c{i}", []) if h["score"] >= threshold]
        if c.expected_entity_id is None:
            neg += 1
            if hs:
                fp += 1
                misses["negative:" + c.perturbation].append((c.query, hs[0]["caption"], hs[0]["score"]))
            continue
        want = f"ofac-{c.expected_entity_id}"
        top = max((h["score"] for h in hs), default=None)
        at_top = [h["entity_id"] for h in hs if h["score"] == top]
        hit = want in at_top
        if hit and len(at_top) > 1:
            ties += 1
        if hit and c.perturbation == "homoglyph" and any(
            "lookalikes" in h.get("explanations", {}) for h in hs if h["entity_id"] == want
        ):
            flagged += 1
        per_class[c.perturbation][0] += 1
        per_class[c.perturbation][1] += int(hit)
        if not hit:
            got = f"{hs[0]['caption']} {hs[0]['score']}" if hs else "-"
            misses[c.perturbation].append((c.query, c.source_name, got))
    return per_class, fp, neg, ties, flagged, misses


def score_peer(cases: list, by_id: dict, by_name: dict, threshold: float):
    sys.path.insert(0, str(ROOT / "bench" / "peer"))
    import compare  # bench/peer/compare.py

    pairs = []
    for i, c in enumerate(cases):
        if c.expected_entity_id is not None:
            ent = by_id[c.expected_entity_id]
        else:
            ent = by_name.get(c.source_name)
            if ent is None:
                continue
        pairs.append(
            compare.Pair(
                id=f"c{i}",
                kind=c.perturbation,
                query={"schema": "Person", "properties": {"name": [c.query]}},
                candidate={"schema": "Person", "properties": {"name": ent.all_names()}},
                expected=c.expected_entity_id is not None,
            )
        )
    res = compare.run_peer(pairs, threshold)
    per_class = defaultdict(lambda: [0, 0])
    fp = neg = 0
    for p in pairs:
        got = res.scores[p.id] >= threshold
        if p.expected:
            per_class[p.kind][0] += 1
            per_class[p.kind][1] += int(got)
        else:
            neg += 1
            fp += int(got)
    return per_class, fp, neg


def score_baseline(bench, threshold: float):
    sc = bm.score(bench, matching.BaselineMatcher(), threshold=threshold)
    per_class = {c.perturbation: [c.n, c.hits] for c in sc.by_class}
    neg = bench.manifest.negative_count
    return per_class, round(sc.false_positive_rate * neg), neg


def rate(n_hits) -> str:
    n, h = n_hits
    return f"{h / n:.3f}" if n else "-"


def summarise(per_class: dict) -> "OrderedDict[str, tuple[int, int]]":
    out = OrderedDict()
    for g, classes in GROUPS.items():
        n = sum(per_class.get(c, [0, 0])[0] for c in classes)
        h = sum(per_class.get(c, [0, 0])[1] for c in classes)
        out[g] = (n, h)
    n = sum(v[0] for v in per_class.values())
    h = sum(v[1] for v in per_class.values())
    out["overall"] = (n, h)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--yalu", required=True, type=Path)
    ap.add_argument("--sdn", type=Path, default=ROOT.parent / "shared/data/lists/ofac/sdn-2021-07-07")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pool", type=int, default=300, help="listed persons the cases are made from")
    ap.add_argument("--threshold", type=float, default=0.70)
    ap.add_argument("--max-per-class", type=int, default=2)
    ap.add_argument("--no-peer", action="store_true", help="skip nomenklatura")
    ap.add_argument("--no-baseline", action="store_true", help="skip the package's baseline")
    ap.add_argument("--misses", type=int, default=0, help="print up to N misses per class")
    args = ap.parse_args()

    if not (args.sdn / "sdn.csv").exists():
        sys.exit(f"{args.sdn}: no sdn.csv (the OFAC SDN 2021 files of ../shared/data)")
    full = load_sdn(args.sdn)
    people = [e for e in full.individuals() if len(e.primary_name.split()) >= 2]
    people.sort(key=lambda e: int(e.entity_id))
    pool = random.Random(args.seed).sample(people, min(args.pool, len(people)))
    bench = bm.build(
        Snapshot(full, pool), limit=None, seed=args.seed, max_per_class=args.max_per_class
    )
    cases = bench.cases
    m = bench.manifest
    print(
        f"OFAC SDN {full.retrieved_at}: {len(full.entities)} entries; pool of {m.entity_count} persons "
        f"(seed {args.seed}); {m.positive_count} positive cases, {m.negative_count} negatives; "
        f"threshold {args.threshold}",
        file=sys.stderr,
    )

    with tempfile.TemporaryDirectory() as tmp:
        hits, wall = run_yalu(args.yalu, args.sdn, cases, args.threshold, Path(tmp))
    y_class, y_fp, y_neg, ties, flagged, misses = score_yalu(cases, hits, args.threshold)
    print(f"yalu screen: {len(cases)} cases against the whole list in {wall:.1f} s", file=sys.stderr)

    columns = [("Yalu (whole list)", y_class, y_fp, y_neg)]
    if not args.no_peer:
        by_id = {e.entity_id: e for e in full.entities}
        by_name = {e.primary_name: e for e in pool}
        p_class, p_fp, p_neg = score_peer(cases, by_id, by_name, args.threshold)
        columns.append(("nomenklatura logic-v2 (pairs)", p_class, p_fp, p_neg))
    if not args.no_baseline:
        b_class, b_fp, b_neg = score_baseline(bench, args.threshold)
        columns.append(("ssb baseline (pool)", b_class, b_fp, b_neg))

    sums = [summarise(c[1]) for c in columns]
    head = "| class | n | " + " | ".join(c[0] for c in columns) + " | target |"
    print(f"\nSeed {args.seed}, pool {m.entity_count}, threshold {args.threshold}\n")
    print(head)
    print("|" + "---|" * (len(columns) + 3))
    for g in list(GROUPS) + ["overall"]:
        n = sums[0][g][0]
        cells = " | ".join(rate(s[g]) for s in sums)
        t = TARGETS.get(g)
        print(f"| {g} | {n} | {cells} | {'>= ' + format(t, '.2f') if t else ''} |")
    others = sorted(set(y_class) - {c for cl in GROUPS.values() for c in cl})
    for c in others:
        cells = " | ".join(rate(col[1].get(c, [0, 0])) for col in columns)
        print(f"| {c} | {y_class[c][0]} | {cells} | |")
    fprs = " | ".join(f"{fp / neg:.3f} ({fp}/{neg})" if neg else "-" for _, _, fp, neg in columns)
    print(f"| false-positive rate on negatives | {y_neg} | {fprs} | <= 0.10 |")
    n_h = y_class.get("homoglyph", [0, 0])[1]
    print(f"\nYalu: {ties} hits tied at the top with another entry; "
          f"{flagged} of {n_h} look-alike hits carry the `lookalikes` explanation.")
    if args.misses:
        for k, rows in sorted(misses.items()):
            print(f"\n{k}: {len(rows)} misses")
            for r in rows[: args.misses]:
                print("   ", r)


if __name__ == "__main__":
    main()
