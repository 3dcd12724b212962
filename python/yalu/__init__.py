"""Yalu from Python: sanctions screening with explanations, batch screening,
list monitoring and detection of DPRK overseas-worker evasion.

Every result comes from Yalu's Rust library (the extension module
``yalu._yalu``); nothing is re-implemented here.

>>> import yalu
>>> index = yalu.Index.from_lists(["demo/lists/ofac-sample"])          # doctest: +SKIP
>>> index.match({"schema": "Person", "properties": {"name": ["Kim Jong Un"]}})  # doctest: +SKIP

``yalu.spark`` screens Spark DataFrames (``pip install ./python[spark]``).
Failures raise :class:`YaluError`, whose ``code`` is a stable error code.
"""

from ._yalu import CSV_COLUMNS, Index, YaluError, detect, diff, score

__all__ = ["CSV_COLUMNS", "Index", "YaluError", "detect", "diff", "score"]
