"""yalu.spark on real Spark (local mode, 2 worker threads, 4 attempts per
task) against `yalu screen` on the same 100,000-row customer file, screened
against OFAC SDN 2021 + UN 2026 from ../shared: the same hits (rows,
entities, scores, every column), the same rejected rows and values left out,
also when a task fails once and is retried. And a 300-row file with the
lines Spark's CSV reader would change (too few or too many fields, Latin-1
bytes, line breaks inside quotes, blank lines, CRLF), read with
yalu.spark.read_csv: the same hits, rejected rows and values left out as
`yalu screen` and `yalu monitor`, but for the rows with a line break inside
quotes, rejected.

Needs Java 17 and pyspark (skips with a notice without them, fails with
YALU_REQUIRE_SPARK=1) and ../shared (YALU_REQUIRE_SHARED=1)."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

import yalu
import yalu.spark
import customers
from conftest import shared, skip_or_fail, yalu_binary

ROWS = int(os.environ.get("YALUPY_SPARK_ROWS", "100000"))
THRESHOLD = 0.7
MAPPING = "id=id,schema=schema,name=name,birthDate=birthDate,nationality=nationality,country=country"


def require_spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        skip_or_fail("no Java (Debian: apt-get install openjdk-17-jre-headless)", "YALU_REQUIRE_SPARK")
    try:
        import pyspark  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as e:
        skip_or_fail(f"pyspark or pyarrow is not installed ({e})", "YALU_REQUIRE_SPARK")


@pytest.fixture(scope="module")
def lists():
    return [str(shared("data/lists/ofac/sdn-2021-07-07")),
            str(shared("data/lists/un/consolidated-2026-02-27.xml"))]


@pytest.fixture(scope="module")
def spark():
    require_spark()
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2,4]")
        .appName("yalu-spark-test")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "4000")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def listed(lists):
    """Listed names to write look-alikes of into customer files."""
    return customers.listed_names(yalu.Index.from_lists(lists))


@pytest.fixture(scope="module")
def customer_file(tmp_path_factory, listed):
    path = tmp_path_factory.mktemp("spark") / "customers.csv"
    customers.write(path, customers.rows(ROWS, listed))
    return path


def yalu_screen(path, lists, out_dir):
    """`yalu screen` on a file: hits, rejected rows and values left out as
    it reports them (each one: the file must give at most 20 of each), and
    how long it took."""
    exe = yalu_binary()
    out = out_dir / "hits.csv"
    args = [str(exe), "screen"]
    for p in lists:
        args += ["--list", p]
    args += ["--input", str(path), "--output", str(out), "--map", MAPPING,
             "--threshold", str(THRESHOLD)]
    start = time.monotonic()
    run = subprocess.run(args, capture_output=True)
    stderr = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 0, stderr[-3000:]
    elapsed = time.monotonic() - start
    assert "rejected: more rows" not in stderr and "warning: more values" not in stderr
    with open(out, newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert lines[0] == yalu.CSV_COLUMNS
    rejected = [(int(m.group(1)), m.group(2))
                for m in re.finditer(r"^rejected: .* line \d+ \(row (\d+)\): (.*)$", stderr, re.M)]
    left_out = [(int(m.group(1)), m.group(2)) for m in re.finditer(
        r"^warning: .* line \d+ \(row (\d+)\): (.*); the row is screened without this value$",
        stderr, re.M)]
    stdout = run.stdout.decode("utf-8")
    return {"hits": lines[1:], "rejected": rejected, "left_out": left_out, "stdout": stdout,
            "elapsed": elapsed}


@pytest.fixture(scope="module")
def cli_result(customer_file, lists, tmp_path_factory):
    """`yalu screen` on the customer file."""
    cli = yalu_screen(customer_file, lists, tmp_path_factory.mktemp("cli"))
    elapsed = cli["elapsed"]
    print(f"\nyalu screen: {ROWS} rows in {elapsed:.1f} s ({ROWS / elapsed:.0f} rows/s, "
          f"list read and index build included); {cli['stdout'].strip()}")
    return cli


def read_df(spark, path):
    # Several partitions from the one file (in file order): at most a fifth
    # of it each.
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(os.path.getsize(path) // 5 + 1))
    # RFC 4180 quoting (as yalu screen reads it); every column a string.
    return spark.read.csv(str(path), header=True, escape='"', inferSchema=False)


def as_csv(hits):
    return [[str(h["row"]), h["query_id"], h["query_name"], h["entity_id"], h["caption"],
             h["schema"], f"{h['score']:.4f}", "true" if h["match"] else "false",
             h["datasets"], h["lookalikes"]] for h in hits]


def check_same(result, cli):
    hits = [r.asDict() for r in result.hits.collect()]
    got = as_csv(sorted(hits, key=lambda h: h["row"]))  # stable: keeps each row's order
    assert len(got) == len(cli["hits"])
    assert got == cli["hits"]
    rejected = sorted((r["row"], r["reason"]) for r in result.rejected.collect())
    assert rejected == cli["rejected"]
    left_out = sorted((r["row"], f"column `{r['column']}`: {r['reason']}")
                      for r in result.left_out.collect())
    assert left_out == cli["left_out"]


def test_spark_screen_equals_yalu_screen(spark, customer_file, lists, cli_result):
    assert len(cli_result["hits"]) > ROWS // 200, "the file should give many hits"
    assert len(cli_result["rejected"]) == 12 and len(cli_result["left_out"]) == 16
    df = read_df(spark, customer_file)
    assert df.rdd.getNumPartitions() >= 2
    start = time.monotonic()
    result = yalu.spark.screen(df, lists=lists, mapping=MAPPING, threshold=THRESHOLD)
    n = result.hits.count()
    elapsed = time.monotonic() - start
    print(f"\nSpark local[2]: {ROWS} rows in {elapsed:.1f} s ({ROWS / elapsed:.0f} rows/s, "
          f"index builds included); {n} hits")
    check_same(result, cli_result)
    # Each Python worker built the index once, however many tasks it ran.
    def builds(_):
        import yalu.spark as ys
        yield (os.getpid(), sorted(ys.index_builds().values()))
    seen = dict(spark.sparkContext.parallelize(range(8), 8).mapPartitions(builds).collect())
    assert seen and all(counts in ([], [1]) for counts in seen.values()), seen


def test_spark_screen_is_identical_after_a_task_failure(spark, customer_file, lists, cli_result,
                                                       tmp_path):
    from pyspark import TaskContext

    marks = str(tmp_path)

    def fail_once(batches):
        # Fails partition 1's first attempt mid-way: after its first batch
        # went downstream (to yalu's screening of that task).
        ctx = TaskContext.get()
        for batch in batches:
            yield batch
            if ctx.partitionId() == 1 and ctx.attemptNumber() == 0:
                open(os.path.join(marks, f"failed-stage{ctx.stageId()}"), "w").close()
                raise RuntimeError("injected task failure (attempt 0 of partition 1)")

    df = read_df(spark, customer_file)
    flaky = df.mapInArrow(fail_once, df.schema)
    result = yalu.spark.screen(flaky, lists=lists, mapping=MAPPING, threshold=THRESHOLD, ship=True)
    check_same(result, cli_result)
    failed = [f for f in os.listdir(marks) if f.startswith("failed-")]
    assert failed, "the injected failure did not happen"


def test_spark_bad_mapping_fails_on_the_driver(spark, customer_file, lists):
    df = read_df(spark, customer_file)
    with pytest.raises(yalu.YaluError) as e:
        yalu.spark.screen(df, lists=lists, mapping="name=full_name")
    assert e.value.code == "invalid_header" and "full_name" in e.value.detail


@pytest.fixture(scope="module")
def un_versions():
    return ([str(shared("data/lists/un/consolidated-2020-11-24.xml"))],
            [str(shared("data/lists/un/consolidated-2026-02-27.xml"))])


def yalu_monitor(path, old, new):
    """`yalu monitor --json` on a file: its report."""
    run = subprocess.run(
        [str(yalu_binary()), "monitor", "--input", str(path), "--old", old[0], "--new", new[0],
         "--map", MAPPING, "--json"], capture_output=True)
    assert run.returncode in (0, 3), run.stderr.decode("utf-8", "replace")
    return json.loads(run.stdout)


def check_same_changes(result, report):
    """The changes of ``yalu.spark.monitor`` are those of the report of
    ``yalu monitor --json``, and so are the rejected rows."""
    got = [r.asDict() for r in result.changes.collect()]
    key = lambda c: (c["row"], c["kind"], c["entity_id"])
    want = sorted(report["changes"], key=key)
    got = sorted(got, key=key)
    assert len(got) == len(want) > 0
    for g, w in zip(got, want):
        assert (g["row"], g["query_id"], g["kind"], g["cause"], g["entity_id"]) == \
            (w["row"], w.get("query_id"), w["kind"], w["cause"], w["entity_id"])
        for s in ("old_score", "new_score"):
            assert (g[s] is None) == (w.get(s) is None)
            if g[s] is not None:
                assert g[s] == pytest.approx(w[s], abs=1e-9)
        assert json.loads(g["entry_changes"]) == w.get("entry_changes", [])
    assert sorted((r["row"], r["reason"]) for r in result.rejected.collect()) == \
        sorted((r["row"], r["reason"]) for r in report["rejected"])


def test_spark_monitor_equals_yalu_monitor(spark, tmp_path, un_versions):
    old, new = un_versions
    old_index, new_index = yalu.Index.from_lists(old), yalu.Index.from_lists(new)
    listed = customers.listed_names(old_index, 300) + customers.listed_names(new_index, 300)
    path = tmp_path / "customers.csv"
    customers.write(path, customers.rows(3000, listed, seed=17))
    report = yalu_monitor(path, old, new)
    result = yalu.spark.monitor(read_df(spark, path), old, new, mapping=MAPPING)
    assert result.diff["added"] or result.diff["removed"] or result.diff["changed"]
    check_same_changes(result, report)


# The file of bad lines: what Spark's CSV reader changes before a DataFrame
# sees it, and what a line reader cuts.

#: Its rows (0-based) made bad, and how.
TOO_FEW, TOO_MANY, LATIN1_NAME, LATIN1_NATIONALITY, LATIN1_UNMAPPED, QUOTE_INSIDE = \
    10, 40, 70, 100, 130, 160
#: Rows with a line break inside quotes; the second starts in one partition
#: and ends in the next (``straddle_bytes``).
SPANS = (50, 110, 220)
#: Where the file has a blank line (after the row), CRLF line breaks, a lone
#: CR.
BLANK_AFTER, CRLF, LONE_CR = 20, range(200, 211), 250
#: Rows with the names of entities listed between the two UN versions, and
#: of entities delisted (changes for the monitor), after every bad line.
LISTED_SINCE, DELISTED_SINCE = range(270, 273), range(280, 283)


def encode(fields):
    """One row as a CSV line (RFC 4180 quoting), without the line break."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()[:-1].encode("utf-8")


@pytest.fixture(scope="module")
def bad_lines_file(tmp_path_factory, listed, un_versions):
    """300 customer rows (7 columns: the customer columns and an unmapped
    ``note``) with the ordinary bad rows and values and the bad lines, and
    the size a Spark partition must have so that ``SPANS[1]`` straddles two
    partitions."""
    data = customers.rows(300, listed, seed=31, bad_counts=(
        ("no_name", 3), ("bad_schema", 2), ("bad_date", 4), ("bad_country", 3)))
    lines = [encode(row + ["ok"]) for row in data]
    lines[TOO_FEW] = encode(data[TOO_FEW][:3])
    lines[TOO_MANY] = encode(data[TOO_MANY] + ["ok", "extra"])
    lines[LATIN1_NAME] = b"cust-71,Person,Caf\xe9 M\xfcller,1980,,,ok"
    lines[LATIN1_NATIONALITY] = b"cust-101,Person,Ri Chol Nam,1970,Cor\xe9e,,ok"
    lines[LATIN1_UNMAPPED] = b"cust-131,Person,Anna Schmidt,1990,,,caf\xe9"
    lines[QUOTE_INSIDE] = b'cust-161,Person,Sean O"Brien,1960,,,ok'
    for i, name in zip(SPANS, ["Kim\nJong Un", "Ri\r\nChol Nam", "Pak Pong Ju"]):
        note = "two\nmore\nlines" if i == SPANS[2] else "ok"
        lines[i] = encode([f"cust-{i + 1}", "Person", name, "", "", "", note])
    old, new = (yalu.Index.from_lists(v) for v in un_versions)
    changed = yalu.diff(old, new)
    for rows, entities in ((LISTED_SINCE, changed["added"]), (DELISTED_SINCE, changed["removed"])):
        for i, e in zip(rows, entities):
            lines[i] = encode([f"cust-{i + 1}", e["schema"], e["caption"], "", "", "", "ok"])
    body, straddle = bytearray(encode(customers.COLUMNS + ["note"]) + b"\n"), None
    for i, line in enumerate(lines):
        if i == SPANS[1]:
            straddle = len(body) + 1  # a split ending here holds the row's first line only
        body += line + (b"\r\n" if i in CRLF else b"\r" if i == LONE_CR else b"\n")
        if i == BLANK_AFTER:
            body += b"\n"
    path = tmp_path_factory.mktemp("bad") / "customers.csv"
    path.write_bytes(bytes(body))
    return path, straddle


def without_spans(cli):
    """What ``yalu.spark`` on a :func:`yalu.spark.read_csv` DataFrame
    reports where ``yalu screen`` reports ``cli``: the same, but the rows
    with a line break inside quotes are rejected."""
    rows = {i + 1 for i in SPANS}
    return {
        "hits": [h for h in cli["hits"] if int(h[0]) not in rows],
        "rejected": sorted([r for r in cli["rejected"] if r[0] not in rows]
                           + [(r, yalu._yalu.SPANS_LINES) for r in rows]),
        "left_out": [v for v in cli["left_out"] if v[0] not in rows],
    }


def read_bad_lines(spark, bad_lines_file):
    path, straddle = bad_lines_file
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(straddle))
    return yalu.spark.read_csv(spark, str(path))


def test_read_csv_screen_reports_what_yalu_screen_reports(spark, lists, bad_lines_file, tmp_path):
    from pyspark.sql import functions as F

    path, _ = bad_lines_file
    cli = yalu_screen(path, lists, tmp_path)
    reasons = dict(cli["rejected"])
    # The CLI rejects the bad lines with its reasons and screens the rest.
    assert reasons[TOO_FEW + 1] == "3 fields where the header has 7"
    assert reasons[TOO_MANY + 1] == "8 fields where the header has 7"
    assert reasons[LATIN1_NAME + 1] == "column `name` is not valid UTF-8"
    assert reasons[LATIN1_NATIONALITY + 1] == "column `nationality` is not valid UTF-8"
    for i in (LATIN1_UNMAPPED, QUOTE_INSIDE, *SPANS):
        assert i + 1 not in reasons
    assert len(cli["rejected"]) >= 8 and len(cli["left_out"]) >= 4
    hit_rows = {int(h[0]) for h in cli["hits"]}
    assert {i + 1 for i in LISTED_SINCE} <= hit_rows, "rows after every bad line hit"

    lines = read_bad_lines(spark, bad_lines_file)
    # The second row across lines starts in one partition and ends in the
    # next.
    parts = lines.withColumn("p", F.spark_partition_id())
    text = F.col(yalu.spark.CSV_LINE).cast("string")
    cut = [r["p"] for r in parts.where(text.startswith(f"cust-{SPANS[1] + 1},")
                                       | text.startswith('Chol Nam"')).collect()]
    assert len(cut) == 2 and cut[0] < cut[1], cut
    assert lines.rdd.getNumPartitions() >= 3
    start = time.monotonic()
    result = yalu.spark.screen(lines, lists=lists, mapping=MAPPING, threshold=THRESHOLD)
    check_same(result, without_spans(cli))
    print(f"\nread_csv + screen of {path.stat().st_size} bytes in {lines.rdd.getNumPartitions()} "
          f"partitions: {time.monotonic() - start:.1f} s")
    # Spark's own CSV reader would have screened the bad lines.
    df = read_df(spark, path)
    assert df.where(F.col("id") == "cust-11").count() == 1


def test_read_csv_monitor_reports_what_yalu_monitor_reports(spark, bad_lines_file, un_versions):
    path, _ = bad_lines_file
    old, new = un_versions
    report = yalu_monitor(path, old, new)
    rows = {i + 1 for i in SPANS}
    assert not any(r["row"] in rows for r in report["rejected"])
    expected = {
        "changes": [c for c in report["changes"] if c["row"] not in rows],
        "rejected": report["rejected"] + [{"row": r, "reason": yalu._yalu.SPANS_LINES} for r in rows],
    }
    result = yalu.spark.monitor(read_bad_lines(spark, bad_lines_file), old, new, mapping=MAPPING)
    check_same_changes(result, expected)


def test_read_csv_bad_mapping_fails_on_the_driver(spark, bad_lines_file, lists):
    path, _ = bad_lines_file
    with pytest.raises(yalu.YaluError) as e:
        yalu.spark.screen(read_bad_lines(spark, bad_lines_file), lists=lists, mapping="name=full_name")
    assert e.value.code == "invalid_header" and "full_name" in e.value.detail
    assert str(path) in e.value.detail
