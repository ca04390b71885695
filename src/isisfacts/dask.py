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

from .dask_engine import Options, _source_record, annotate_records

CLAIM_COLUMNS = ["id", "metric", "value", "qualifier", "value_max", "place", "period_start",
                 "period_end", "source", "sentence", "figure_start", "figure_end", "error"]


def _annotate_partition(items: Iterable[Any], index: int, options: Options) -> List[Dict[str, Any]]:
    # A record without an id gets PARTITION:POSITION, the bag's analogue of FILE:LINE.
    sources = (_source_record({options.text_field: item} if isinstance(item, str) else item,
                              f"partition-{index}", n, options)
               for n, item in enumerate(items, start=1))
    return list(annotate_records(sources, options))


def annotate_bag(bag: "db.Bag", *, text_key: str = "text", id_key: str = "id",
                 date_key: str = "published", outlet_key: str = "outlet",
                 extra_lexicon: Optional[str] = None) -> "db.Bag":
    """A bag of output records, one per element, partitions and order kept.

    Elements are dicts (or plain strings, the text). Output records are
    ``{"id", "published", "claims"}`` or ``{"id", "error": {"line", "reason"}}``,
    as ``isisfacts annotate`` writes them; an element without an id gets
    ``partition-P:N`` (N counts from 1 within the partition).

    >>> import dask.bag as db, isisfacts.dask
    >>> bag = db.from_sequence(["30 ISIS militants were killed.", 7], npartitions=1)
    >>> [sorted(r) for r in isisfacts.dask.annotate_bag(bag).compute()]
    [['claims', 'id', 'published'], ['error', 'id']]
    """
    options = Options(text_field=text_key, id_field=id_key, date_field=date_key,
                      outlet_field=outlet_key, extra_lexicon=extra_lexicon)
    parts = bag.to_delayed()
    annotated = [dask.delayed(_annotate_partition, pure=True)(part, i, options)
                 for i, part in enumerate(parts)]
    return db.from_delayed(annotated)


def claim_rows(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Flat rows (``CLAIM_COLUMNS``) of one output record: one per claim, one per error.

    >>> claim_rows({"id": "x", "error": {"line": 3, "reason": "empty text"}})[0]["error"]
    'empty text'
    """
    if "error" in record:
        return [{"id": record["id"], "error": record["error"]["reason"]}]
    rows = []
    for c in record["claims"]:
        ev = c.get("evidence") or {}
        period = c.get("period") or {}
        rows.append({"id": record["id"], "metric": c["metric"], "value": c["value"],
                     "qualifier": c["qualifier"], "value_max": c.get("value_max"),
                     "place": "; ".join(c.get("place") or ()), "period_start": period.get("start"),
                     "period_end": period.get("end"), "source": c.get("source"),
                     "sentence": ev.get("sentence"), "figure_start": ev.get("figure_start"),
                     "figure_end": ev.get("figure_end")})
    return rows


def _frame_partition(frame: "pd.DataFrame", text_col: str, id_col: Optional[str],
                     date_col: Optional[str], outlet_col: Optional[str],
                     options: Options) -> "pd.DataFrame":
    ids = frame[id_col] if id_col else frame.index
    sources = []
    for rid, (_, row) in zip(ids, frame.iterrows()):
        data = {"id": str(rid), "text": row[text_col],
                "published": row[date_col] if date_col else None,
                "outlet": row[outlet_col] if outlet_col else None}
        # pandas spells a missing value NaN/NA/None; the record reader expects None.
        data = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in data.items()}
        sources.append(_source_record(data, "row", None, options))
    rows = [row for out in annotate_records(sources, options) for row in claim_rows(out)]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS, dtype=object)


def annotate_dataframe(ddf: "dd.DataFrame", *, text_col: str = "text", id_col: Optional[str] = None,
                       date_col: Optional[str] = None, outlet_col: Optional[str] = None,
                       extra_lexicon: Optional[str] = None) -> "dd.DataFrame":
    """A claims table: one row per claim (``CLAIM_COLUMNS``), one row per bad text.

    The id is ``id_col``, else the row's index label. Rows with no claims add no row.

    >>> import pandas as pd, dask.dataframe as dd, isisfacts.dask
    >>> df = pd.DataFrame({"text": ["In Iraq, 30 ISIS operatives were killed."]})
    >>> out = isisfacts.dask.annotate_dataframe(dd.from_pandas(df, npartitions=1)).compute()
    >>> out[["id", "metric", "value", "place"]].values.tolist()
    [['0', 'isis_killed', 30, 'Iraq']]
    """
    options = Options(id_field="id", text_field="text", date_field="published",
                      outlet_field="outlet", extra_lexicon=extra_lexicon)
    meta = pd.DataFrame({c: pd.Series(dtype=object) for c in CLAIM_COLUMNS})
    return ddf.map_partitions(_frame_partition, text_col, id_col, date_col, outlet_col, options,
                              meta=meta, align_dataframes=False)
