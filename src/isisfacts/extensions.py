"""Custom attributes, registered once at import time.

Everything stored on a ``Doc`` is plain data (strings, numbers, dicts with
character offsets) so that ``DocBin`` and ``nlp.pipe(n_process=2)`` carry it;
``Claim`` objects are built by getters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, List, Optional, Union

from spacy.tokens import Doc
from spacy.tokens.underscore import Underscore
from spacy.vocab import Vocab

DateLike = Union[str, dt.date, None]


def parse_published(value: DateLike, argument: str = "published") -> Optional[dt.date]:
    """Read a publication date given as ``datetime.date``, ``datetime`` or ISO string.

    >>> parse_published("2024-07-17")
    datetime.date(2024, 7, 17)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
        raise ValueError(f"{argument}: cannot read {value!r} as a date; give an ISO date such as '2024-07-17'")
    raise ValueError(f"{argument}: expected a datetime.date or an ISO date string, got {type(value).__name__}")


def _context_value(doc: Doc, key: str) -> Any:
    # nlp.pipe(..., as_tuples=True) leaves the context object on doc._context.
    context = getattr(doc, "_context", None)
    if isinstance(context, dict):
        return context.get(key)
    return None


def doc_attribute(doc: Doc, name: str) -> Any:
    """``getattr(doc._, name)``, without the ``Underscore`` object ``doc._`` makes at
    every access (3-5 us, a good part of a short doc's budget).

    An attribute registered with a default (no getter, no method) keeps its value in
    ``doc.user_data`` under spaCy's key; one registered otherwise (or re-registered
    so) is read through ``doc._``.
    """
    extension = Underscore.doc_extensions.get(name)
    if extension is None or extension[1] is not None or extension[2] is not None or not _USER_DATA_KEYS_CHECKED \
            or isinstance(extension[0], Underscore.mutable_types):
        return getattr(doc._, name)
    return doc.user_data.get(("._.", name, None, None), extension[0])


def set_doc_attribute(doc: Doc, name: str, value: Any) -> None:
    """``setattr(doc._, name, value)`` without the ``Underscore`` object (see ``doc_attribute``)."""
    extension = Underscore.doc_extensions.get(name)
    if extension is None or extension[3] is not None or not _USER_DATA_KEYS_CHECKED:
        setattr(doc._, name, value)
    else:
        doc.user_data[("._.", name, None, None)] = value


def doc_published(doc: Doc) -> Optional[dt.date]:
    """The publication date of a doc: ``doc._.published``, else the pipe context."""
    value = doc_attribute(doc, "published")
    if value is None:
        value = _context_value(doc, "published")
    return parse_published(value)


def doc_outlet(doc: Doc) -> Optional[str]:
    value = doc_attribute(doc, "outlet")
    if value is None:
        value = _context_value(doc, "outlet")
    return value if isinstance(value, str) and value.strip() else None


TEXT_KEY = "isisfacts.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc and shared by the components.

    spaCy rebuilds ``Doc.text`` from the tokens at every access; the text is kept in
    ``doc.user_data`` until the claim resolver, the last component, drops it.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def forget_text(doc: Doc) -> None:
    doc.user_data.pop(TEXT_KEY, None)


def register(claims_attr: str = "claims") -> None:
    """Register the doc attributes (idempotent); ``claims_attr`` names the claims getter."""
    for name, default in (
        ("published", None),  # ISO date string or datetime.date, set by the user
        ("outlet", None),
        ("reference_date", None),  # ISO: the publication date, or the text's dateline
        ("isis_times", None),  # list of dicts, written by TimeTagger
        ("isis_figures", None),  # list of dicts, written by NumberTagger
        ("claim_dicts", None),  # list of dicts, written by ClaimResolver
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if not Doc.has_extension(claims_attr):
        Doc.set_extension(claims_attr, getter=_claims_getter)


def _claims_getter(doc: Doc) -> List[Any]:
    from .claim import Claim

    return [Claim.from_dict(d) for d in (doc._.claim_dicts or [])]


register()


def _user_data_keys_work() -> bool:
    """Whether spaCy keeps ``doc._`` values where ``doc_attribute`` reads them."""
    doc = Doc(Vocab(), words=["checked"])
    doc._.outlet = "checked"
    return doc.user_data.get(("._.", "outlet", None, None)) == "checked"


_USER_DATA_KEYS_CHECKED = _user_data_keys_work()
