"""yalu.spark on real Spark (local mode, 2 worker threads, 4 attempts per
task) against `yalu screen` on the same 100,000-row customer file, screened
against OFAC SDN 2021 + UN 2026 from ../shared: the same hits (rows,
entities, scores, every column), the same rejected rows and values left out,
also when a task fails once and is retried.

Needs Java 17 and pyspark (skips with a notice without them, fails with
YALU_REQUIRE_SPARK=1) and ../shared (YALU_REQUIRE_SHARED=1)."""

import csv
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
def customer_file(tmp_path_factory, lists):
    path = tmp_path_factory.mktemp("spark") / "customers.csv"
    index = yalu.Index.from_lists(lists)
    customers.write(path, customers.rows(ROWS, customers.listed_names(index)))
    return path


@pytest.fixture(scope="module")
def cli_result(customer_file, lists, tmp_path_factory):
    """`yalu screen` on the file: hits, rejected rows and values left out as
    it reports them."""
    exe = yalu_binary()
    out = tmp_path_factory.mktemp("cli") / "hits.csv"
    args = [str(exe), "screen"]
    for p in lists:
        args += ["--list", p]
    args += ["--input", str(customer_file), "--output", str(out), "--map", MAPPING,
             "--threshold", str(THRESHOLD)]
    start = time.monotonic()
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    elapsed = time.monotonic() - start
    with open(out, newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert lines[0] == yalu.CSV_COLUMNS
    rejected = [(int(m.group(1)), m.group(2))
                for m in re.finditer(r"^rejected: .* line \d+ \(row (\d+)\): (.*)$", run.stderr, re.M)]
    left_out = [(int(m.group(1)), m.group(2)) for m in re.finditer(
        r"^warning: .* line \d+ \(row (\d+)\): (.*); the row is screened without this value$",
        run.stderr, re.M)]
    print(f"\nyalu screen: {ROWS} rows in {elapsed:.1f} s ({ROWS / elapsed:.0f} rows/s, "
          f"list read and index build included); {run.stdout.strip()}")
    return {"hits": lines[1:], "rejected": rejected, "left_out": left_out, "stdout": run.stdout}


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


def test_spark_monitor_equals_yalu_monitor(spark, tmp_path):
    exe = yalu_binary()
    old = [str(shared("data/lists/un/consolidated-2020-11-24.xml"))]
    new = [str(shared("data/lists/un/consolidated-2026-02-27.xml"))]
    old_index, new_index = yalu.Index.from_lists(old), yalu.Index.from_lists(new)
    listed = customers.listed_names(old_index, 300) + customers.listed_names(new_index, 300)
    path = tmp_path / "customers.csv"
    customers.write(path, customers.rows(3000, listed, seed=17))
    run = subprocess.run(
        [str(exe), "monitor", "--input", str(path), "--old", old[0], "--new", new[0],
         "--map", MAPPING, "--json"], capture_output=True, text=True)
    assert run.returncode in (0, 3), run.stderr
    import json
    report = json.loads(run.stdout)
    result = yalu.spark.monitor(read_df(spark, path), old, new, mapping=MAPPING)
    got = [r.asDict() for r in result.changes.collect()]
    assert result.diff["added"] or result.diff["removed"] or result.diff["changed"]
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
    assert sorted(r["row"] for r in result.rejected.collect()) == \
        sorted(r["row"] for r in report["rejected"])
