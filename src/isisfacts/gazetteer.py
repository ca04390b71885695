"""The shared machinery of the actor and place taggers: names and aliases as data,
matched case-insensitively with one ``PhraseMatcher``, saved by ``to_disk``."""

from __future__ import annotations

import functools
import json
from operator import itemgetter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup

from .component import Component
from .lexicon import PathLike, check_entries, merge_entries, read_json, write_json


class GazetteerTagger(Component):
    """Tag every alias of every entry in ``doc.spans[spans_key]``.

    A span's ``label_`` is the entry's canonical name and its ``kb_id_`` carries
    the entry's attributes (``kind|country|parent``) so that the rule layer needs
    no access to the component.
    """

    section = "entries"  # the key of the entry list in the data file
    file_name = "entries.json"

    def __init__(self, nlp: Language, name: str, spans_key: str, entries: List[dict]):
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.entries: List[dict] = []
        # Entries added on top of the shipped lexicon (factory config, user lexicon):
        # kept so that from_disk/from_bytes re-apply them over the saved data, which
        # lets spacy.load(path, config=...) add entries to a saved pipeline.
        self.extra_entries: List[dict] = []
        self.set_entries(entries)

    # -- data -----------------------------------------------------------------
    def set_entries(self, entries: List[dict]) -> None:
        check_entries(entries, self.section, f"{self.name} lexicon")
        self.entries = list(entries)
        self.by_name: Dict[str, dict] = {e["name"]: e for e in self.entries}
        # the label and kb_id of a match, by the match key (the entry name's string id);
        # as string ids too, which Span takes without hashing the strings again (a
        # StringStore keeps its strings, also through from_disk)
        strings = self.nlp.vocab.strings
        self.span_names: Dict[int, Tuple[str, str]] = {
            strings.add(name): (self.label(entry), self.attributes(entry)) for name, entry in self.by_name.items()
        }
        self.span_ids: Dict[int, Tuple[int, int]] = {
            key: (strings.add(label), strings.add(kb_id)) for key, (label, kb_id) in self.span_names.items()
        }
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.case_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for entry in self.entries:
            folded: List[str] = []
            exact: List[str] = []
            for alias in [entry["name"], *entry.get("aliases", [])]:
                # Short all-capital aliases (IS, UN, US) are matched with their case
                # so that the words "is", "un", "us" are not read as names.
                # and so are the aliases of an entry marked case-sensitive ("Hit", the town)
                (exact if entry.get("case_sensitive") or (len(alias) <= 3 and alias.isupper()) else folded).append(alias)
            if folded:
                self.matcher.add(entry["name"], list(self.nlp.tokenizer.pipe(folded)))
            if exact:
                self.case_matcher.add(entry["name"], list(self.nlp.tokenizer.pipe(exact)))

    def add_entries(self, entries: List[dict]) -> None:
        """Add or extend entries (same name: aliases are merged)."""
        check_entries(entries, self.section, f"{self.name} lexicon")
        self.extra_entries = merge_entries(self.extra_entries, entries)
        self.set_entries(merge_entries(self.entries, entries))

    def attributes(self, entry: dict) -> str:
        return "|".join(str(entry.get(k) or "") for k in ("kind", "country", "parent"))

    def label(self, entry: dict) -> str:
        return entry["name"]

    # -- processing -----------------------------------------------------------
    def alias_matches(self, doc: Doc) -> List[Tuple[int, int, int]]:
        """``(key, start, end)`` of the aliases found, longest first where they overlap
        (``filter_spans``' rule), by position. Overlaps are settled before any Span is made."""
        return longest_matches(self.matcher(doc) + self.case_matcher(doc))

    def make_spans(self, doc: Doc, matches: List[Tuple[int, int, int]]) -> List[Span]:
        span_names = self.span_ids if doc.vocab is self.nlp.vocab else self.span_names
        spans = []
        for key, start, end in matches:
            label, kb_id = span_names[key]
            spans.append(Span(doc, start, end, label=label, kb_id=kb_id))
        return spans

    def match(self, doc: Doc) -> List[Span]:
        return self.make_spans(doc, self.alias_matches(doc))

    def set_spans(self, doc: Doc, spans: List[Span]) -> None:
        # a SpanGroup made here spares doc.spans' check-and-convert
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans)

    def __call__(self, doc: Doc) -> Doc:
        self.set_spans(doc, self.match(doc))
        return doc

    def to_disk(self, path: PathLike, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_json(path / self.file_name, {self.section: self.entries})

    def from_disk(self, path: PathLike, exclude: Sequence[str] = ()) -> "GazetteerTagger":
        data = read_json(Path(path) / self.file_name)
        self.set_entries(merge_entries(data.get(self.section, []), self.extra_entries))
        return self

    def to_bytes(self, exclude: Sequence[str] = ()) -> bytes:
        return json.dumps({self.section: self.entries}).encode("utf8")

    def from_bytes(self, data: bytes, exclude: Sequence[str] = ()) -> "GazetteerTagger":
        saved = json.loads(data.decode("utf8")).get(self.section, [])
        self.set_entries(merge_entries(saved, self.extra_entries))
        return self


def _length_then_first(match: Tuple[int, int, int]) -> Tuple[int, int]:
    return match[2] - match[1], -match[1]


def longest_matches(matches: List[Tuple[int, int, int]]) -> List[Tuple[int, int, int]]:
    """``spacy.util.filter_spans`` for matcher output, ``(key, start, end)`` tuples.

    The same choice: longest first, then the earliest, then the first given; a match
    is kept when its first and last tokens are free. Returned by start.

    Only matches that overlap compete, so the choice is made within each run of
    overlapping matches; most matches overlap none and are kept as they are.
    """
    if len(matches) < 2:
        return matches
    kept: List[Tuple[int, int, int]] = []
    overlapping: List[Tuple[int, int, int]] = []
    overlapping_end = -1
    for match in sorted(matches, key=itemgetter(1)):  # stable: the first given stays first
        if match[1] < overlapping_end:
            overlapping.append(match)
            if match[2] > overlapping_end:
                overlapping_end = match[2]
            continue
        if len(overlapping) == 1:
            kept.append(overlapping[0])
        elif overlapping:
            kept.extend(_longest(overlapping))
        overlapping = [match]
        overlapping_end = match[2]
    if len(overlapping) == 1:
        kept.append(overlapping[0])
    else:
        kept.extend(_longest(overlapping))
    return kept


def _longest(overlapping: List[Tuple[int, int, int]]) -> List[Tuple[int, int, int]]:
    chosen = []
    taken: set = set()
    for match in sorted(overlapping, key=_length_then_first, reverse=True):
        _, start, end = match
        if start not in taken and end - 1 not in taken:
            chosen.append(match)
            taken.update(range(start, end))
    chosen.sort(key=itemgetter(1))
    return chosen


def spans_with(doc: Doc, key: str) -> List[Span]:
    """The spans of group ``key``, or none when the component did not run."""
    return list(doc.spans[key]) if key in doc.spans else []


@functools.lru_cache(maxsize=1024)
def _attributes(kb_id: str) -> Tuple[str, Optional[str], Optional[str]]:
    kind, country, parent = (kb_id.split("|") + ["", "", ""])[:3]
    return kind, country or None, parent or None


def split_attributes(span: Span) -> Tuple[str, Optional[str], Optional[str]]:
    """The ``kind``, ``country`` and ``parent`` a tagger wrote into ``span.kb_id_``."""
    return _attributes(span.kb_id_)

