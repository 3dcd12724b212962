#!/usr/bin/env python3
"""Extracts the real DPRK designations that `yalu demo` screens against.

    python3 scripts/extract-dprk-demo.py [../shared/data/lists] [demo/lists/dprk]

From the published lists in ../shared/data/lists (read-only, not in the
repository), it writes to demo/lists/dprk/:

- ofac/sdn.csv, alt.csv, add.csv: the OFAC SDN entries (2021-07-07) of the
  North Korea programmes (DPRK, DPRK2, DPRK3, DPRK4, DPRK-NKSPEA, NKSPEA),
  and their aliases and addresses, byte for byte as published (legacy CSV,
  cp1252);
- un/consolidated-dprk.xml: the UN Security Council Consolidated List
  (2026-02-27) entries of the 1718 (DPRK) regime (UN_LIST_TYPE DPRK,
  references KPi.* and KPe.*), in the list's own XML layout.

Both are public records (OFAC: US Government work; UN: published by the
Security Council). Rerunning the script on the same inputs gives the same
files. It prints what it kept.
"""
import csv
import io
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/lists")
out = Path(sys.argv[2] if len(sys.argv) > 2 else "demo/lists/dprk")
PROGRAMME = re.compile(r"\b(DPRK\d*|DPRK-NKSPEA|NKSPEA)\b")


def lines(path):
    """The file's lines as bytes (CRLF kept), without the trailing 0x1A."""
    data = path.read_bytes().rstrip(b"\x1a")
    return [l for l in data.splitlines(keepends=True) if l.strip()]


def first_fields(line, n):
    # latin-1 maps every byte to one character: the fields are read, the
    # bytes written back untouched.
    return next(csv.reader(io.StringIO(line.decode("latin-1"))))[:n]


ofac = src / "ofac" / "sdn-2021-07-07"
(out / "ofac").mkdir(parents=True, exist_ok=True)
kept = set()
sdn = []
for line in lines(ofac / "sdn.csv"):
    fields = first_fields(line, 4)
    if len(fields) == 4 and PROGRAMME.search(fields[3]):
        kept.add(fields[0])
        sdn.append(line)
(out / "ofac" / "sdn.csv").write_bytes(b"".join(sdn))
counts = {"sdn.csv": len(sdn)}
for name in ["alt.csv", "add.csv"]:
    rows = [l for l in lines(ofac / name) if first_fields(l, 1)[0] in kept]
    (out / "ofac" / name).write_bytes(b"".join(rows))
    counts[name] = len(rows)

un_src = src / "un" / "consolidated-2026-02-27.xml"
tree = ET.parse(un_src)
root = tree.getroot()
un_kept = {"INDIVIDUAL": 0, "ENTITY": 0}
for group, item in [("INDIVIDUALS", "INDIVIDUAL"), ("ENTITIES", "ENTITY")]:
    parent = root.find(group)
    if parent is None:
        continue
    for e in list(parent.findall(item)):
        ref = (e.findtext("REFERENCE_NUMBER") or "").strip()
        if (e.findtext("UN_LIST_TYPE") or "").strip() == "DPRK" or ref.startswith("KP"):
            un_kept[item] += 1
        else:
            parent.remove(e)
(out / "un").mkdir(parents=True, exist_ok=True)
tree.write(out / "un" / "consolidated-dprk.xml", encoding="UTF-8", xml_declaration=True)

print(f"OFAC SDN 2021-07-07, North Korea programmes: {counts['sdn.csv']} entries, "
      f"{counts['alt.csv']} aliases, {counts['add.csv']} addresses")
print(f"UN consolidated 2026-02-27, DPRK regime: {un_kept['INDIVIDUAL']} individuals, "
      f"{un_kept['ENTITY']} entities")
