"""Building the pipeline and the notebook API: ``load``, ``add_to``, ``extract``."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Tuple

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc

from . import extensions
from .claim import Claim
from .claims import check_rule_metrics
from .extensions import parse_published
from .lexicon import (
    PathLike,
    check_entries,
    check_triggers,
    load_default,
    merge_triggers,
    read_json,
)

LONG_PUNCTUATION_RUN = re.compile(r"^(?:\S*[^\w\s]{32,}\S*)$")

COMPONENTS: Tuple[str, ...] = (
    "isis_sentences",
    "isis_actors",
    "isis_places",
    "isis_times",
    "isis_numbers",
    "isis_claims",
)


def extra_lexicon_config(path: PathLike) -> dict:
    """Read a user lexicon file into component configs (errors name the file and entry)."""
    data = read_json(path)
    where = str(path)
    config: dict = {}
    if "actors" in data:
        config["isis_actors"] = {"extra_actors": check_entries(data["actors"], "actors", where)}
    if "places" in data:
        config["isis_places"] = {"extra_places": check_entries(data["places"], "places", where)}
    triggers = {k: v for k, v in data.items() if k not in ("actors", "places")}
    if triggers:
        check_triggers(triggers, where)
        check_rule_metrics(triggers, merge_triggers(load_default("triggers"), triggers), where)
        config["isis_claims"] = {"extra_triggers": triggers}
    return config


def add_to(nlp: Language, extra_lexicon: Optional[PathLike] = None) -> Language:
    """Add the isisfacts components to an existing pipeline, after its own.

    ``doc.ents`` is left alone; results go to ``doc.spans`` and ``doc._``.

    >>> import spacy, isisfacts
    >>> nlp = isisfacts.add_to(spacy.blank("en"))
    >>> nlp.pipe_names[-1]
    'isis_claims'
    """
    config = extra_lexicon_config(extra_lexicon) if extra_lexicon else {}
    has_sentences = any(nlp.has_factory(n) and n in ("parser", "senter", "sentencizer") for n in nlp.pipe_names)
    for name in COMPONENTS:
        if name in nlp.pipe_names:
            continue
        if name == "isis_sentences" and has_sentences:
            continue
        nlp.add_pipe(name, config=config.get(name, {}))
    return nlp


class TextKeepingEnglish(English):
    """spaCy's English, whose docs keep the text they were made from.

    spaCy rebuilds ``Doc.text`` from the tokens at each access; the components share
    one copy (``extensions.doc_text``), and this class hands them the very string the
    doc was made from, so no component builds it. Saved with ``to_disk``, the pipeline
    loads as plain English, where the first component to ask builds the copy instead.
    """

    def make_doc(self, text: str) -> Doc:
        doc = super().make_doc(text)
        doc.user_data[extensions.TEXT_KEY] = text
        return doc


@functools.lru_cache(maxsize=8)
def _cached(extra_lexicon: Optional[str]) -> Language:
    nlp = TextKeepingEnglish.from_config()
    nlp.max_length = 10**9  # no parser or NER: spaCy's 1M-character guard would reject a 10 MB document
    # spaCy's affix splitting is quadratic in a run of punctuation ('"' * 4000 takes
    # seconds); a chunk holding such a run is one token instead
    nlp.tokenizer.token_match = LONG_PUNCTUATION_RUN.match
    return add_to(nlp, extra_lexicon)


def load(extra_lexicon: Optional[PathLike] = None) -> Language:
    """The default pipeline: a blank English spaCy pipeline with the isisfacts components.

    Cached: repeated calls (and ``extract``) reuse one pipeline.

    >>> import isisfacts
    >>> isisfacts.load().pipe_names
    ['isis_sentences', 'isis_actors', 'isis_places', 'isis_times', 'isis_numbers', 'isis_claims']
    """
    key = str(Path(extra_lexicon).resolve()) if extra_lexicon else None
    return _cached(key)


def make_doc(nlp: Language, text: str, published: extensions.DateLike = None,
             outlet: Optional[str] = None) -> Doc:
    """A doc ready for ``nlp(doc)`` / ``nlp.pipe(docs)`` with its publication date and outlet."""
    check_text(text)
    date = parse_published(published)
    if outlet is not None and not isinstance(outlet, str):
        raise TypeError(f"outlet: expected a string or None, got {type(outlet).__name__}")
    doc = nlp.make_doc(text)
    doc._.published = date.isoformat() if date else None
    doc._.outlet = outlet
    return doc


def check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__} ({str(text)[:40]!r})")
    return text


def extract(text: str, *, published: extensions.DateLike = None, outlet: Optional[str] = None,
            nlp: Optional[Language] = None) -> List[Claim]:
    """Every claim of ``text``.

    ``published`` (a ``datetime.date`` or ISO string) anchors relative periods;
    ``outlet`` names the publisher, the source of figures it states in its own voice.

    >>> import isisfacts
    >>> [c.metric for c in isisfacts.extract("In Iraq, 30 ISIS operatives were killed.", published="2024-07-17")]
    ['isis_killed']
    """
    check_text(text)
    if not text.strip():
        parse_published(published)
        return []
    nlp = nlp or load()
    return nlp(make_doc(nlp, text, published, outlet))._.claims


def pipe(records: Iterable[Tuple[str, dict]], nlp: Optional[Language] = None,
         batch_size: int = 64, n_process: int = 1) -> Iterator[Tuple[List[Claim], dict]]:
    """Claims of many texts: ``records`` are ``(text, {"published": ..., "outlet": ...})``.

    >>> import isisfacts
    >>> [len(c) for c, _ in isisfacts.pipe([("30 ISIS militants were killed.", {})])]
    [1]
    """
    nlp = nlp or load()

    def checked() -> Iterator[Tuple[str, dict]]:
        for text, context in records:
            check_text(text)
            parse_published((context or {}).get("published"))
            yield text, context or {}

    for doc, context in nlp.pipe(checked(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield doc._.claims, context

