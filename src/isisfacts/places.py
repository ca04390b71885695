"""PlaceTagger: the gazetteer of Iraq and Syria and the world's countries, in
``doc.spans["isis_places"]``.

Entries in ``data/places.json`` carry a kind (country, province, city, town,
region, camp, prison), the country and parent they lie in, and optionally
``report_as``: the canonical name a claim reports (a prison is reported as its
city). Places inside an actor's name ("Syrian Democratic Forces") are not places.

When an earlier component (an NER, an ``entity_ruler``) has set ``doc.ents``, the
entities whose labels are in ``ent_labels`` (GPE and LOC by default) are
extra place candidates where the gazetteer has nothing; ``doc.ents`` is only read.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .gazetteer import GazetteerTagger
from .lexicon import load_default

# The place kind the rule layer gets for an NER entity: an NER cannot tell a town
# from a country, and "city"/"region" scope a claim like gazetteer places do.
ENT_KINDS = {"GPE": "city", "LOC": "region", "FAC": "region"}


class PlaceTagger(GazetteerTagger):
    """Tag places.

    >>> import spacy, isisfacts
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("isis_places")
    >>> doc = nlp("in Deir Ezzor and al-Hol camp")
    >>> [s.label_ for s in doc.spans["isis_places"]]
    ['Deir ez-Zor', 'Al Hol']
    """

    section = "places"
    file_name = "places.json"

    def __init__(self, nlp: Language, name: str, spans_key: str, entries: list, actors_key: str,
                 ent_labels: Optional[Sequence[str]] = None):
        self.actors_key = actors_key
        self.ent_labels = list(ent_labels or [])
        super().__init__(nlp, name, spans_key, entries)

    def label(self, entry: dict) -> str:
        return entry.get("report_as") or entry["name"]

    def entity_spans(self, doc: Doc) -> List[Span]:
        """Entities of ``doc.ents`` with a label of ``ent_labels``, as place spans."""
        found = []
        for ent in doc.ents:
            if ent.label_ in self.ent_labels:
                kind = ENT_KINDS.get(ent.label_, "region")
                name = " ".join(ent.text.split())
                found.append(Span(doc, ent.start, ent.end, label=name, kb_id=f"{kind}||"))
        return found

    def __call__(self, doc: Doc) -> Doc:
        matches = self.alias_matches(doc)
        # doc.ents is quicker to read than has_annotation("ENT_IOB"), and a doc with
        # entity annotation but no entity gets nothing from this branch
        if self.ent_labels and doc.ents:
            known = self.make_spans(doc, matches)
            # gazetteer names win: an entity only adds where no gazetteer place overlaps
            spans = filter_spans(known + [s for s in self.entity_spans(doc)
                                          if not any(k.start < s.end and s.start < k.end for k in known)])
            in_actors = self.actor_tokens(doc)
            spans = [s for s in spans if in_actors.isdisjoint(range(s.start, s.end))]
        elif matches:
            # the same test on the matches, so that no Span is made for a place dropped here
            actors = self.actor_ranges(doc)
            if actors:
                matches = [m for m in matches if not _overlaps_any(m[1], m[2], actors)]
            spans = self.make_spans(doc, matches)
        else:
            spans = []
        self.set_spans(doc, spans)
        return doc

    def actor_tokens(self, doc: Doc) -> Set[int]:
        """The tokens in an actor's name: "Syrian" in "Syrian Democratic Forces" is no place."""
        tokens: Set[int] = set()
        if self.actors_key in doc.spans:
            for actor in doc.spans[self.actors_key]:
                tokens.update(range(actor.start, actor.end))
        return tokens

    def actor_ranges(self, doc: Doc) -> List[Tuple[int, int]]:
        """``(start, end)`` of the actors' names that cover a token: ``actor_tokens`` as ranges,
        which spares building the set of every token (the matches to test are few)."""
        ranges: List[Tuple[int, int]] = []
        if self.actors_key in doc.spans:
            group = doc.spans[self.actors_key]
            for i in range(len(group)):  # indexing spares SpanGroup.__iter__'s generator
                actor = group[i]
                start = actor.start
                end = actor.end
                if start < end:
                    ranges.append((start, end))
        return ranges


def _overlaps_any(start: int, end: int, ranges: List[Tuple[int, int]]) -> bool:
    """Whether a token of ``start:end`` (not empty) lies in one of ``ranges`` (none empty)."""
    for range_start, range_end in ranges:
        if range_start < end and start < range_end:
            return True
    return False


@Language.factory(
    "isis_places",
    default_config={
        "spans_key": "isis_places",
        "actors_key": "isis_actors",
        "extra_places": [],
        "ent_labels": ["GPE", "LOC"],
    },
)
def make_place_tagger(
    nlp: Language, name: str, spans_key: str, actors_key: str, extra_places: list,
    ent_labels: List[str],
) -> PlaceTagger:
    tagger = PlaceTagger(nlp, name, spans_key, load_default("places")["places"], actors_key, ent_labels)
    if extra_places:
        tagger.add_entries(extra_places)
    return tagger
