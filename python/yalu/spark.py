"""Batch screening and list monitoring of Spark DataFrames.

>>> from yalu import spark as yspark                                    # doctest: +SKIP
>>> out = yspark.screen(df, lists=["/data/lists/sdn", "/data/lists/un.xml"],
...                     mapping="id=cust,name=full_name,birthDate=dob")  # doctest: +SKIP
>>> out.hits.write.parquet("hits/")                                     # doctest: +SKIP
>>> out.rejected.show()                                                 # doctest: +SKIP

A CSV file is best read with :func:`read_csv`: then the rows, their numbers
and every rejection (a line with the wrong number of fields, bytes that are
not UTF-8) are exactly those of ``yalu screen`` on the file, where Spark's
own CSV reader would pad or cut such a line and replace the bytes first:

>>> lines = yspark.read_csv(spark, "/data/customers.csv")              # doctest: +SKIP
>>> out = yspark.screen(lines, lists=["/data/lists/sdn"],
...                     mapping="id=cust,name=full_name")                # doctest: +SKIP

How it runs:

- Rows are screened with ``mapInArrow``: each task hands its Arrow batches
  to Yalu's library (``Index.screen_records``), which maps columns, rejects
  bad rows and screens exactly as ``yalu screen`` does for a CSV file whose
  header is the DataFrame's columns.
- Each Python worker process builds the index once and keeps it in a
  module-level cache keyed by the list paths (Spark reuses Python workers
  across tasks by default, ``spark.python.worker.reuse``), so the lists are
  read once per worker, not per partition or per row. Lists are read from
  a path every executor can see, or shipped with ``SparkFiles``
  (``ship=True``).
- Rows are numbered 1, 2, ... in the DataFrame's order, as ``yalu screen``
  numbers the rows of a file: a first pass counts the rows of each
  partition in the JVM (``spark_partition_id``), without Python. For one
  input file that is the file's row order; for several files it is Spark's
  partition order (Spark packs files by size), so identify customers with
  an ``id`` column. The DataFrame must give the same rows in the same
  partitions when recomputed (a file read does; a retried task then
  produces the same output).
- The hits have the columns and values of ``yalu screen``'s CSV results
  (:data:`yalu.CSV_COLUMNS`; ``score`` as the 4-decimal number the file
  holds). Bad rows are not dropped: they are in ``rejected`` (row and
  reason, the CLI's words), and values left out of a row's query (a date
  that does not parse, an unknown country) in ``left_out``.
- Each task screens with ``spark.task.cpus`` threads.
- For a DataFrame of :func:`read_csv`, each line's bytes go to Yalu's CSV
  reader (``Index.screen_csv_lines``), the one ``yalu screen`` uses, so rows
  are parsed and rejected with the CLI's reasons. A first pass scans the
  lines of each partition in the executors (``scan_csv_lines``: how many
  rows start in it, and whether it ends inside a quoted field, from either
  state it may begin in); the driver chains the partitions in file order
  (``csv_line_positions``), so each task knows the number of its first row
  and whether it begins inside a quoted field. A row with a line break
  inside quotes cannot be given back whole by a line reader (its lines
  may be in two partitions): it is rejected (:data:`yalu._yalu.SPANS_LINES`)
  and keeps its number, so the rows after it are numbered as the CLI
  numbers them.
"""

import base64
import json
import os
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import pyarrow as pa

from . import CSV_COLUMNS, Index
from . import diff as _diff
from ._yalu import csv_line_positions, scan_csv_lines

#: The column of a :func:`read_csv` DataFrame: one line of the file (its
#: bytes, without the line break).
CSV_LINE = "yalu_csv_line"

#: Indexes built in this process, by (list paths, strict).
_INDEXES: Dict[Tuple[Tuple[str, ...], bool], Index] = {}
#: How often each key was built in this process (1 unless evicted).
_BUILDS: Dict[Tuple[Tuple[str, ...], bool], int] = {}


def cached_index(paths: Sequence[str], strict: bool = False) -> Index:
    """The index over ``paths`` for this process, built on first use."""
    key = (tuple(str(p) for p in paths), bool(strict))
    index = _INDEXES.get(key)
    if index is None:
        index = Index.from_lists(list(key[0]), strict=strict)
        _INDEXES[key] = index
        _BUILDS[key] = _BUILDS.get(key, 0) + 1
    return index


def index_builds() -> Dict[Tuple[Tuple[str, ...], bool], int]:
    """How many times this process built each cached index."""
    return dict(_BUILDS)


HIT_SCHEMA = pa.schema([
    ("row", pa.int64()),
    ("query_id", pa.string()),
    ("query_name", pa.string()),
    ("entity_id", pa.string()),
    ("caption", pa.string()),
    ("schema", pa.string()),
    ("score", pa.float64()),
    ("match", pa.bool_()),
    ("datasets", pa.string()),
    ("lookalikes", pa.string()),
])
assert HIT_SCHEMA.names == CSV_COLUMNS

REJECTED_SCHEMA = pa.schema([("row", pa.int64()), ("reason", pa.string())])
LEFT_OUT_SCHEMA = pa.schema([
    ("row", pa.int64()),
    ("column", pa.string()),
    ("property", pa.string()),
    ("value", pa.string()),
    ("code", pa.string()),
    ("reason", pa.string()),
])
CHANGE_SCHEMA = pa.schema([
    ("row", pa.int64()),
    ("query_id", pa.string()),
    ("query_name", pa.string()),
    ("kind", pa.string()),
    ("cause", pa.string()),
    ("entity_id", pa.string()),
    ("caption", pa.string()),
    ("old_score", pa.float64()),
    ("new_score", pa.float64()),
    ("entry_changes", pa.string()),
    ("schema_change", pa.string()),
])


def _combined(parts: Dict[str, pa.Schema]) -> pa.Schema:
    """One output schema for several record kinds: ``kind`` then every
    column of every part (prefixed by the part), all nullable."""
    fields = [pa.field("kind", pa.string())]
    for name, schema in parts.items():
        fields += [pa.field(f"{name}__{f.name}", f.type) for f in schema]
    return pa.schema(fields)


SCREEN_PARTS = {"hit": HIT_SCHEMA, "rejected": REJECTED_SCHEMA, "left_out": LEFT_OUT_SCHEMA}
MONITOR_PARTS = {"change": CHANGE_SCHEMA, "rejected": REJECTED_SCHEMA, "left_out": LEFT_OUT_SCHEMA}


def _batch(schema: pa.Schema, parts: Dict[str, pa.Schema], kind: str, rows: List[dict]):
    """A record batch of the combined schema holding ``rows`` of one kind."""
    columns = {"kind": [kind] * len(rows)}
    for name, part in parts.items():
        for f in part:
            key = f"{name}__{f.name}"
            columns[key] = [r.get(f.name) for r in rows] if name == kind else [None] * len(rows)
    return pa.RecordBatch.from_pydict(columns, schema=schema)


def _struct(schema: pa.Schema):
    """The Spark type of an Arrow schema (mapInArrow's return type)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _split(df, parts: Dict[str, pa.Schema]):
    """The DataFrames of each kind in a combined output."""
    from pyspark.sql import functions as F

    out = {}
    for name, part in parts.items():
        out[name] = df.where(F.col("kind") == name).select(
            *[F.col(f"{name}__{f.name}").alias(f.name) for f in part]
        )
    return out


_PLAIN = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer,
          pa.types.is_floating, pa.types.is_null)


def _records(batch: pa.RecordBatch) -> List[list]:
    """A batch's rows as lists of field values: strings, numbers, None, or
    lists of them; other types (dates, booleans, decimals) as their text."""
    columns = []
    for column in batch.columns:
        t = column.type
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            if not any(p(t.value_type) for p in _PLAIN):
                column = column.cast(pa.list_(pa.string()))
        elif not any(p(t) for p in _PLAIN):
            column = column.cast(pa.string())
        columns.append(column.to_pylist())
    return [list(r) for r in zip(*columns)] if columns else [[] for _ in range(batch.num_rows)]


def _row_offsets(df) -> Dict[int, int]:
    """The number of the first row of each partition, minus one (rows are
    numbered from 1 in the DataFrame's order, as lines of a file). Counted
    in the JVM (``spark_partition_id``): no row goes to Python for it."""
    from pyspark.sql import functions as F

    counts = df.groupBy(F.spark_partition_id().alias("partition")).count().collect()
    offsets, total = {}, 0
    for r in sorted(counts, key=lambda r: r["partition"]):
        offsets[r["partition"]] = total
        total += r["count"]
    return offsets


def _list_paths(spark, lists: Sequence[str], ship: bool) -> Tuple[List[str], bool]:
    """Absolute list paths, shipped with SparkFiles when asked: then the
    executors resolve them by name (``SparkFiles.get``)."""
    if isinstance(lists, (str, os.PathLike)):
        lists = [lists]
    paths = [os.path.abspath(os.fspath(p)) for p in lists]
    if not paths:
        raise ValueError("lists: give at least one list path")
    if ship:
        sc = spark.sparkContext
        for p in paths:
            sc.addFile(p, recursive=os.path.isdir(p))
        return [os.path.basename(p.rstrip("/")) for p in paths], True
    return paths, False


def _resolve(paths: List[str], shipped: bool) -> List[str]:
    if not shipped:
        return paths
    from pyspark import SparkFiles

    return [SparkFiles.get(name) for name in paths]


class _CsvLines(NamedTuple):
    """A :func:`read_csv` DataFrame's file: its path and header line."""

    origin: str
    header: bytes


def read_csv(spark, path) -> "object":
    """A DataFrame of the lines of one CSV file (``path``: a file every
    executor can read, ``hdfs://``, ``s3a://`` or local), for
    :func:`screen` and :func:`monitor`, which then report what ``yalu
    screen`` reports for the file: the same hits, the same rejected rows
    with the same numbers and reasons (a line with the wrong number of
    fields, bytes that are not UTF-8 in a mapped column, no name...) and
    the same values left out.

    The file is read with Spark's text source (lines cut at ``\\n``,
    ``\\r`` or ``\\r\\n``, split across partitions by size); each line keeps
    its bytes (column :data:`CSV_LINE`, binary). Its first line that is
    not blank is the header, read now and kept in the column's metadata.
    Pass the DataFrame to :func:`screen` or :func:`monitor` as it is: rows
    are numbered from the lines' order, so a filter, a repartition or a
    union breaks the numbering. A row with a line break inside quotes is
    rejected rather than screened (:data:`yalu._yalu.SPANS_LINES`); ``yalu
    screen`` reads such a file whole.
    """
    from pyspark.sql import functions as F

    path = os.fspath(path)
    text = spark.read.text(path)
    files = text.inputFiles()
    if len(files) != 1:
        raise ValueError(f"read_csv reads one CSV file; {path} is {len(files)} files")
    line = F.col("value").cast("binary")
    first = text.select(line.alias(CSV_LINE)).where(F.length(CSV_LINE) > 0).limit(1).collect()
    header = bytes(first[0][0]) if first else b""
    meta = {"yalu": {"csv": path, "header": base64.b64encode(header).decode("ascii")}}
    return text.select(line.alias(CSV_LINE, metadata=meta))


def _csv_lines(df) -> Optional[_CsvLines]:
    """The file of a :func:`read_csv` DataFrame, or None for another."""
    if list(df.columns) != [CSV_LINE]:
        return None
    meta = df.schema[CSV_LINE].metadata.get("yalu") or {}
    if "csv" not in meta:
        return None
    return _CsvLines(meta["csv"], base64.b64decode(meta["header"]))


def _line_starts(df) -> Dict[int, dict]:
    """Where each partition's lines begin in the file (``{"line", "row",
    "in_quoted_field"}``): every partition's lines are scanned in its task
    (``scan_csv_lines``, in Rust) and the driver chains the partitions in
    order (``csv_line_positions``)."""
    from pyspark import TaskContext

    schema = pa.schema([("partition", pa.int64()), ("run", pa.string())])

    def scan(batches):
        run = scan_csv_lines([])
        for batch in batches:
            run = scan_csv_lines(batch.column(0).to_pylist(), run)
        yield pa.RecordBatch.from_pylist(
            [{"partition": TaskContext.get().partitionId(), "run": json.dumps(run)}], schema=schema)

    runs = sorted((r["partition"], json.loads(r["run"]))
                  for r in df.mapInArrow(scan, _struct(schema)).collect())
    if [p for p, _ in runs] != list(range(len(runs))):
        raise RuntimeError(f"partitions scanned: {[p for p, _ in runs]}, expected 0..{len(runs) - 1}")
    return dict(enumerate(csv_line_positions([run for _, run in runs])))


def _start(starts: Dict[int, dict], pid: int) -> dict:
    start = starts.get(pid)
    if start is None:
        # The DataFrame gave other partitions than when it was scanned.
        raise RuntimeError(f"partition {pid} was not scanned; pass read_csv's DataFrame as it is")
    return start


def _task_threads(spark) -> int:
    return int(spark.conf.get("spark.task.cpus", "1"))


class Screened(NamedTuple):
    """The result of :func:`screen`: DataFrames of hits (the columns of
    ``yalu screen``), rejected rows and values left out."""

    hits: "object"
    rejected: "object"
    left_out: "object"


def screen(
    df,
    lists: Sequence[str],
    mapping=None,
    threshold: Optional[float] = None,
    limit: int = 5,
    schema: str = "LegalEntity",
    ship: bool = False,
    strict_lists: bool = False,
    persist: bool = True,
) -> Screened:
    """Screens every row of ``df`` against ``lists`` as ``yalu screen``
    would screen the same rows in a CSV file with the DataFrame's columns.

    ``mapping``: which column feeds which target, as ``yalu screen --map``
    (``"id=cust,name=full_name,birthDate=dob"`` or a dict); None uses
    columns named like their target. ``threshold`` (default 0.70), ``limit``
    (hits per row, default 5) and ``schema`` (of rows that give none) are
    ``yalu screen``'s. ``ship=True`` sends local list files to the executors
    with ``SparkFiles``; otherwise every executor must see the paths.
    The combined output is persisted (``persist``) so that the three
    DataFrames come from one screening pass. A DataFrame of :func:`read_csv`
    is read as ``yalu screen`` reads the file.
    """
    spark = df.sparkSession
    csv = _csv_lines(df)
    # Fail fast on the driver for a bad map, schema or threshold, with the
    # same error and code the executors would raise.
    columns = list(df.columns)
    settings = dict(mapping=mapping, schema=schema, threshold=threshold, limit=limit)
    if csv:
        Index.from_entities([]).screen_csv_lines(csv.header, [], origin=csv.origin, **settings)
    else:
        Index.from_entities([]).screen_records(columns, [], **settings)
    paths, shipped = _list_paths(spark, lists, ship)
    starts = _line_starts(df) if csv else _row_offsets(df)
    threads = _task_threads(spark)
    out_schema = _combined(SCREEN_PARTS)

    def run(batches):
        from pyspark import TaskContext

        pid = TaskContext.get().partitionId()
        index = cached_index(_resolve(paths, shipped), strict_lists)
        if csv:
            position = None
        else:
            next_row = starts.get(pid, 0) + 1
        for batch in batches:
            if csv:
                position = position or _start(starts, pid)
                got = index.screen_csv_lines(
                    csv.header, batch.column(0).to_pylist(), position, origin=csv.origin,
                    threads=threads, **settings)
                position = got["end"]
            else:
                records = _records(batch)
                got = index.screen_records(
                    columns, records, first_row=next_row, threads=threads, **settings)
                next_row += len(records)
            for kind, rows in (("hit", got["hits"]), ("rejected", got["rejected"]),
                               ("left_out", got["left_out"])):
                if rows:
                    yield _batch(out_schema, SCREEN_PARTS, kind, rows)

    combined = df.mapInArrow(run, _struct(out_schema))
    if persist:
        combined = combined.persist()
    parts = _split(combined, SCREEN_PARTS)
    return Screened(parts["hit"], parts["rejected"], parts["left_out"])


class Monitored(NamedTuple):
    """The result of :func:`monitor`: DataFrames of changes (new, gone,
    score changed, each with its cause), rejected rows and values left out,
    and the diff of the lists (added, removed, changed entities)."""

    changes: "object"
    rejected: "object"
    left_out: "object"
    diff: dict


def monitor(
    df,
    old_lists: Sequence[str],
    new_lists: Sequence[str],
    mapping=None,
    threshold: Optional[float] = None,
    limit: int = 5,
    schema: str = "LegalEntity",
    ship: bool = False,
    strict_lists: bool = False,
    persist: bool = True,
) -> Monitored:
    """What a list update changes for the rows of ``df``, as ``yalu monitor
    --old OLD --new NEW`` reports it: each row is screened against both
    versions by the library's monitoring (``row_changes``) and only the
    differences are kept: new hits (entry listed or changed, with the
    entry's property changes), hits gone (delisted, or below the threshold
    now) and scores that moved. The diff of the two versions (``yalu lists
    diff``) is computed once on the driver and returned with the result.
    Every row is screened against both versions, as ``yalu monitor`` does:
    a change anywhere in a list moves candidate ranking (key rarity) and
    namesake counts, so a row's hits cannot be told unchanged from the diff
    alone. A DataFrame of :func:`read_csv` is read as ``yalu monitor``
    reads the file."""
    spark = df.sparkSession
    csv = _csv_lines(df)
    columns = list(df.columns)
    settings = dict(mapping=mapping, schema=schema, threshold=threshold, limit=limit)
    if csv:
        Index.from_entities([]).screen_csv_lines(csv.header, [], origin=csv.origin, **settings)
    else:
        Index.from_entities([]).screen_records(columns, [], **settings)
    old_paths, old_shipped = _list_paths(spark, old_lists, ship)
    new_paths, new_shipped = _list_paths(spark, new_lists, ship)
    lists_diff = _diff(
        cached_index(_resolve(old_paths, old_shipped), strict_lists),
        cached_index(_resolve(new_paths, new_shipped), strict_lists),
    )
    out_schema = _combined(MONITOR_PARTS)
    starts = _line_starts(df) if csv else _row_offsets(df)
    threads = _task_threads(spark)

    def run(batches):
        from pyspark import TaskContext

        pid = TaskContext.get().partitionId()
        old = cached_index(_resolve(old_paths, old_shipped), strict_lists)
        new = cached_index(_resolve(new_paths, new_shipped), strict_lists)
        if csv:
            position = None
        else:
            next_row = starts.get(pid, 0) + 1
        for batch in batches:
            if csv:
                position = position or _start(starts, pid)
                got = new.monitor_csv_lines(
                    old, csv.header, batch.column(0).to_pylist(), position, origin=csv.origin,
                    threads=threads, **settings)
                position = got["end"]
            else:
                records = _records(batch)
                got = new.monitor_records(
                    old, columns, records, first_row=next_row, threads=threads, **settings)
                next_row += len(records)
            changes = [dict(c, entry_changes=json.dumps(c.get("entry_changes", []), ensure_ascii=False),
                            schema_change=(json.dumps(c["schema_change"]) if c.get("schema_change") else None))
                       for c in got["changes"]]
            for kind, rows in (("change", changes), ("rejected", got["rejected"]),
                               ("left_out", got["left_out"])):
                if rows:
                    yield _batch(out_schema, MONITOR_PARTS, kind, rows)

    combined = df.mapInArrow(run, _struct(out_schema))
    if persist:
        combined = combined.persist()
    parts = _split(combined, MONITOR_PARTS)
    return Monitored(parts["change"], parts["rejected"], parts["left_out"], lists_diff)
