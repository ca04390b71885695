"""Claims as a pandas DataFrame, one row per claim (pandas is the optional extra ``pandas``)."""

from __future__ import annotations

from typing import Any, Iterable, List, Union

from spacy.tokens import Doc

from .claim import Claim

COLUMNS = ("doc", "metric", "value", "value_max", "qualifier", "place", "period_start", "period_end",
           "source", "sentence", "figure_start", "figure_end")
MISSING_PANDAS = ("isisfacts.to_frame needs pandas, an optional extra: "
                  "pip install 'isisfacts[pandas]' (or pip install pandas)")


def require_pandas() -> Any:
    """Import pandas, or raise ImportError saying how to install it."""
    try:
        import pandas
    except ImportError as err:
        raise ImportError(MISSING_PANDAS) from err
    return pandas


def claim_row(claim: Claim, doc: Any) -> dict:
    ev = claim.evidence
    return {
        "doc": doc,
        "metric": claim.metric,
        "value": claim.value,
        "value_max": claim.value_max,
        "qualifier": claim.qualifier,
        "place": "; ".join(claim.place) or None,
        "period_start": claim.period.start if claim.period else None,
        "period_end": claim.period.end if claim.period else None,
        "source": claim.source,
        "sentence": ev.sentence.strip() if ev else None,
        "figure_start": ev.figure_start if ev else None,
        "figure_end": ev.figure_end if ev else None,
    }


def claim_rows(items: Iterable[Union[Claim, dict, Doc]]) -> List[dict]:
    """Rows of claims, claim dicts (gold format) or processed docs (``doc`` = their index)."""
    rows: List[dict] = []
    for i, item in enumerate(items):
        if isinstance(item, Doc):
            rows += [claim_row(c, i) for c in item._.claims]
        elif isinstance(item, Claim):
            rows.append(claim_row(item, None))
        elif isinstance(item, dict):
            rows.append(claim_row(Claim.from_dict(item), None))
        else:
            raise TypeError(f"to_frame: item {i} is a {type(item).__name__}; expected Claim, claim dict or Doc")
    return rows


def to_frame(claims_or_docs: Union[Doc, Iterable[Union[Claim, dict, Doc]]]) -> Any:
    """A DataFrame with one row per claim; ``place`` joins several places with "; ".

    Accepts claims (``extract``'s result), claim dicts, a processed doc or docs; for
    docs the ``doc`` column is the doc's position.

    >>> import isisfacts
    >>> df = isisfacts.to_frame(isisfacts.extract("In Iraq, 30 ISIS operatives were killed."))
    >>> df[["metric", "value", "place"]].values.tolist()
    [['isis_killed', 30, 'Iraq']]
    """
    pandas = require_pandas()
    if isinstance(claims_or_docs, Doc):
        claims_or_docs = [claims_or_docs]
    frame = pandas.DataFrame(claim_rows(claims_or_docs), columns=list(COLUMNS))
    for column in ("period_start", "period_end"):
        frame[column] = pandas.to_datetime(frame[column])
    return frame
