"""Annotate a Dask bag or dataframe you already hold: ``annotate_bag``, ``annotate_dataframe``.

Each worker process builds the pipeline once (``isisfacts.load`` is cached per
process, keyed by the lexicon path) and reuses it for every partition it runs.
The records are the ones ``isisfacts annotate`` writes, so results equal a local
run's. Needs the extra: ``pip install 'isisfacts[dask]'``.

>>> import dask.bag as db, isisfacts.dask
>>> bag = db.from_sequence([{"id": "a", "text": "In Iraq, 30 ISIS operatives were killed."}])
>>> [r["claims"][0]["value"] for r in isisfacts.dask.annotate_bag(bag).compute()]
[30]
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

try:
    # Absolute imports (Python 3): the real dask, never this module.
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError("isisfacts.dask needs dask: pip install 'isisfacts[dask]'") from err

from . import records as rec
from .records import CSV_COLUMNS, Fields, Record


def _annotated(records: List[Record], extra_lexicon: Optional[str]) -> List[Dict[str, Any]]:
    from .pipeline import load

    # load() is cached per process: each worker builds the pipeline once.
    return rec.annotate_batch(load(extra_lexicon), records)


def _annotate_partition(items: Iterable[Any], index: int, fields: Fields,
                        extra_lexicon: Optional[str]) -> List[Dict[str, Any]]:
    # A record without an id gets partition-P:N, the bag's analogue of FILE:LINE.
    records = [rec.from_mapping({fields.text: item} if isinstance(item, str) else item, fields,
                                f"partition-{index}", n)
               for n, item in enumerate(items, start=1)]
    return _annotated(records, extra_lexicon)


def annotate_bag(bag: "db.Bag", *, text_key: str = "text", id_key: str = "id",
                 date_key: str = "published", outlet_key: str = "outlet",
                 extra_lexicon: Optional[str] = None) -> "db.Bag":
    """A bag of output records, one per element, partitions and order kept.

    Elements are dicts (or plain strings, the text). Output records are
    ``{"id", "published", "claims"}`` or ``{"id", "error": {"line", "file", "reason"}}``,
    as ``isisfacts annotate`` writes them; an element without an id gets
    ``partition-P:N`` (N counts from 1 within the partition).

    >>> import dask.bag as db, isisfacts.dask
    >>> bag = db.from_sequence(["30 ISIS militants were killed.", 7], npartitions=1)
    >>> [sorted(r) for r in isisfacts.dask.annotate_bag(bag).compute()]
    [['claims', 'id', 'published'], ['error', 'id']]
    """
    fields = Fields(text=text_key, id=id_key, published=date_key, outlet=outlet_key)
    parts = bag.to_delayed()
    annotated = [dask.delayed(_annotate_partition, pure=True)(part, i, fields, extra_lexicon)
                 for i, part in enumerate(parts)]
    return db.from_delayed(annotated)


def _frame_partition(frame: "pd.DataFrame", text_col: str, id_col: Optional[str],
                     date_col: Optional[str], outlet_col: Optional[str],
                     extra_lexicon: Optional[str]) -> "pd.DataFrame":
    ids = frame[id_col] if id_col else frame.index
    records = []
    for n, (rid, (_, row)) in enumerate(zip(ids, frame.iterrows()), start=1):
        data = {"id": str(rid), "text": row[text_col],
                "published": row[date_col] if date_col else None,
                "outlet": row[outlet_col] if outlet_col else None}
        # pandas spells a missing value NaN/NA/None; the record reader expects None.
        data = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in data.items()}
        records.append(rec.from_mapping(data, Fields(), "row", n))
    rows = [row for out in _annotated(records, extra_lexicon) for row in rec.output_rows(out)]
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=object)


def annotate_dataframe(ddf: "dd.DataFrame", *, text_col: str = "text", id_col: Optional[str] = None,
                       date_col: Optional[str] = None, outlet_col: Optional[str] = None,
                       extra_lexicon: Optional[str] = None) -> "dd.DataFrame":
    """A claims table with the CSV output's columns (``records.CSV_COLUMNS``).

    One row per claim, and one row (empty claim columns) for a text without claims
    or a bad one (``error_reason``), so every input row shows up. The id is
    ``id_col``, else the row's index label.

    >>> import pandas as pd, dask.dataframe as dd, isisfacts.dask
    >>> df = pd.DataFrame({"text": ["In Iraq, 30 ISIS operatives were killed."]})
    >>> out = isisfacts.dask.annotate_dataframe(dd.from_pandas(df, npartitions=1)).compute()
    >>> out[["id", "metric", "value", "place"]].values.tolist()
    [['0', 'isis_killed', 30, 'Iraq']]
    """
    meta = pd.DataFrame({c: pd.Series(dtype=object) for c in CSV_COLUMNS})
    return ddf.map_partitions(_frame_partition, text_col, id_col, date_col, outlet_col, extra_lexicon,
                              meta=meta, align_dataframes=False)
