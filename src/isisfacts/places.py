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

from typing import List, Optional, Sequence, Set

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
            in_actors = self.actor_tokens(doc)
            if in_actors:
                matches = [m for m in matches if in_actors.isdisjoint(range(m[1], m[2]))]
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
