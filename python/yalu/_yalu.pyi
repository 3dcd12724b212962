"""Type stub of the extension module built from crates/yalu-py (PyO3)."""

from os import PathLike
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

Path = Union[str, "PathLike[str]"]
#: A column map: ``"name=full_name,birthDate=dob"``, ``{"name": "full_name"}``
#: (a list of columns feeds one target from several), or None (columns named
#: like their target: ``id``, ``schema``, ``name``, ``birthDate``...).
Mapping_ = Union[str, Mapping[str, Union[str, Sequence[str]]], None]
#: A field value: a string, a number, None, or a list of them.
Field = Union[str, int, float, None, Sequence[Union[str, int, float, None]]]

#: Where a piece of a CSV file's lines begins: ``{"line", "row",
#: "in_quoted_field"}`` (line from 1; ``row`` the number of the next row, the
#: header being row 0; whether the piece begins inside a quoted field).
Position = Dict[str, Any]
#: What a piece of a CSV file's lines does: ``{"lines", "from_record_start",
#: "from_quoted_field"}``, each end ``{"records", "in_quoted_field"}``.
Run = Dict[str, Any]
Line = Union[bytes, bytearray]

#: The columns of ``yalu screen``'s CSV results, in order.
CSV_COLUMNS: List[str]
#: The reason a row of a CSV file read line by line is rejected when a
#: quoted field of it holds a line break.
SPANS_LINES: str

class YaluError(Exception):
    """A Yalu failure.

    ``code`` is a stable error code: the API's codes for queries
    (``unknown_schema``, ``invalid_property_value``, ``invalid_parameter``,
    ``invalid_request``), and otherwise the library's (``list_io``,
    ``list_unknown_format``, ``list_format``, ``list_record``,
    ``invalid_entity``, ``invalid_column_map``, ``invalid_header``,
    ``data_io``, ``invalid_data_file``, ``rejected_row``, ``invalid_rules``).
    ``detail`` says what failed and where.
    """

    code: str
    detail: str

class Index:
    """An in-memory screening index over sanctions-list entities.

    Build it once and screen from any number of threads; it is immutable.
    """

    @staticmethod
    def from_lists(paths: Sequence[Path], strict: bool = False) -> "Index":
        """Reads lists (OFAC CSV folders, UN XML, FtM JSON lines, CSL, OFSI)
        and builds the index. Broken records are skipped and listed in
        :attr:`lists`; with ``strict=True`` the first raises ``list_record``."""
    @staticmethod
    def from_entities(entities: Iterable[Mapping[str, Any]]) -> "Index":
        """Builds the index from FollowTheMoney entity dicts
        (``{"id", "schema", "properties", "datasets"}``)."""
    def __len__(self) -> int: ...
    @property
    def lists(self) -> List[Dict[str, Any]]:
        """Per list read: ``path, dataset, format, entities, skipped, warnings``."""
    def get(self, id: str) -> Optional[Dict[str, Any]]:
        """The entity with this id as an FtM dict, or None."""
    def ids(self) -> List[str]:
        """Every entity's id."""
    def match(
        self,
        query: Mapping[str, Any],
        threshold: Optional[float] = None,
        limit: int = 10,
        cutoff: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Screens one yente query (``{"schema": "Person", "properties":
        {"name": [...]}}``). Returns yente's answer for one query:
        ``{"status", "results", "total", "query", "warnings"}``; each result
        is the entity with ``score``, ``match`` and ``explanations``."""
    def screen_batch(
        self,
        rows: Iterable[Mapping[str, Field]],
        mapping: Mapping_ = None,
        schema: str = "LegalEntity",
        threshold: Optional[float] = None,
        limit: int = 5,
        first_row: int = 1,
        explain: bool = False,
        threads: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Screens rows (dicts) as ``yalu screen`` screens a file: returns
        ``{"rows", "hits", "rejected", "left_out"}``; ``hits`` carry the
        columns of :data:`CSV_COLUMNS`. Releases the GIL; every core, or
        ``threads`` threads."""
    def screen_records(
        self,
        columns: Sequence[str],
        records: Sequence[Sequence[Field]],
        mapping: Mapping_ = None,
        schema: str = "LegalEntity",
        threshold: Optional[float] = None,
        limit: int = 5,
        first_row: int = 1,
        explain: bool = False,
        threads: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Like :meth:`screen_batch` for rows as lists of fields under
        ``columns``; a row with another number of fields is rejected."""
    def monitor_records(
        self,
        old: "Index",
        columns: Sequence[str],
        records: Sequence[Sequence[Field]],
        mapping: Mapping_ = None,
        schema: str = "LegalEntity",
        threshold: Optional[float] = None,
        limit: int = 5,
        first_row: int = 1,
        threads: Optional[int] = None,
    ) -> Dict[str, Any]:
        """What this index (new lists) changes for the rows against ``old``,
        as ``yalu monitor --old``: ``{"rows", "changes", "rejected",
        "left_out"}``."""
    def screen_csv_lines(
        self,
        header: Line,
        lines: Sequence[Line],
        start: Optional[Position] = None,
        mapping: Mapping_ = None,
        schema: str = "LegalEntity",
        threshold: Optional[float] = None,
        limit: int = 5,
        explain: bool = False,
        threads: Optional[int] = None,
        origin: str = "lines",
    ) -> Dict[str, Any]:
        """Screens lines of a CSV file (bytes, without the line break) as
        ``yalu screen`` screens the file: ``header`` is its first line,
        ``start`` where the lines begin (:func:`csv_line_positions`; None:
        the file's first line). Rows are read by ``yalu screen``'s CSV reader
        and rejected with its reasons; a row with a line break inside quotes
        is rejected (:data:`SPANS_LINES`). Returns :meth:`screen_records`'s
        result and ``end``, the position after the lines."""
    def monitor_csv_lines(
        self,
        old: "Index",
        header: Line,
        lines: Sequence[Line],
        start: Optional[Position] = None,
        mapping: Mapping_ = None,
        schema: str = "LegalEntity",
        threshold: Optional[float] = None,
        limit: int = 5,
        threads: Optional[int] = None,
        origin: str = "lines",
    ) -> Dict[str, Any]:
        """:meth:`monitor_records` for lines of a CSV file, read as
        :meth:`screen_csv_lines` reads them; returns ``end`` too."""

def scan_csv_lines(lines: Sequence[Line], before: Optional[Run] = None) -> Run:
    """What a piece of a CSV file's lines does for reading the file (how
    many rows start in it and where it ends, from the start of a record
    and from inside a quoted field); with ``before``, the run of both."""

def csv_line_positions(runs: Sequence[Run]) -> List[Position]:
    """Where each of a file's consecutive pieces begins, from their runs."""

def score(
    a: Mapping[str, Any], b: Mapping[str, Any], threshold: Optional[float] = None
) -> Dict[str, Any]:
    """Scores one pair of yente query dicts: ``{"score", "match", "explanations"}``."""

def diff(old: Index, new: Index) -> Dict[str, Any]:
    """Entities added, removed and changed from ``old`` to ``new`` (by id)."""

def detect(
    data_dir: Path,
    lists: Union[Sequence[Path], Index, None] = None,
    rules: Optional[Path] = None,
    strict: bool = False,
) -> Dict[str, Any]:
    """Runs detection on an event data folder (``docs/events.md``), as
    ``yalu detect``: ``{"alerts", "rejected", "files", "records", "persons",
    "summary"}``."""
