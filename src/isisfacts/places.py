"""PlaceTagger: the gazetteer of Iraq and Syria and the world's countries, in
``doc.spans["isis_places"]``.

Entries in ``data/places.json`` carry a kind (country, province, city, town,
region, camp, prison), the country and parent they lie in, and optionally
``report_as``: the canonical name a claim reports (a prison is reported as its
city). Places inside an actor's name ("Syrian Democratic Forces") are not places.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .gazetteer import GazetteerTagger
from .lexicon import load_default


class PlaceTagger(GazetteerTagger):
    """Tag places.

    >>> import spacy, isisfacts
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("isis_places")
    >>> [s.label_ for s in nlp("in Deir Ezzor and al-Hol camp").spans["isis_places"]]
    ['Deir ez-Zor', 'Al Hol']
    """

    section = "places"
    file_name = "places.json"

    def __init__(self, nlp: Language, name: str, spans_key: str, entries: list, actors_key: str):
        self.actors_key = actors_key
        super().__init__(nlp, name, spans_key, entries)

    def label(self, entry: dict) -> str:
        return entry.get("report_as") or entry["name"]

    def __call__(self, doc: Doc) -> Doc:
        spans = self.match(doc)
        if self.actors_key in doc.spans:
            taken = set()
            for actor in doc.spans[self.actors_key]:
                taken.update(range(actor.start, actor.end))
            spans = [s for s in spans if not taken.intersection(range(s.start, s.end))]
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory(
    "isis_places",
    default_config={"spans_key": "isis_places", "actors_key": "isis_actors", "extra_places": []},
)
def make_place_tagger(
    nlp: Language, name: str, spans_key: str, actors_key: str, extra_places: list
) -> PlaceTagger:
    tagger = PlaceTagger(nlp, name, spans_key, load_default("places")["places"], actors_key)
    if extra_places:
        tagger.add_entries(extra_places)
    return tagger
