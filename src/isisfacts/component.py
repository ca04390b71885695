"""What every isisfacts component shares."""

from __future__ import annotations

from typing import Callable, Dict, Iterable, Iterator, List, Sequence

from spacy.tokens import Doc, Span


class Component:
    """``pipe`` over ``__call__``, and nothing to save: a component whose rules are code.

    Components with data (the gazetteers, the claim resolver's triggers) override
    ``to_disk`` and ``from_disk``.
    """

    def __call__(self, doc: Doc) -> Doc:  # pragma: no cover - every component defines it
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path, exclude: Sequence[str] = ()) -> None:
        pass

    def from_disk(self, path, exclude: Sequence[str] = ()) -> "Component":
        return self


def char_spans(doc: Doc, items: List[Dict], start_key: str, label: Callable[[Dict], str]) -> List[Span]:
    """Spans over the plain-data items a tagger found (character offsets), for ``doc.spans``."""
    spans = []
    for item in items:
        span = doc.char_span(item[start_key], item["end_char"], label=label(item), alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans
