"""ActorTagger: who is named (CENTCOM, SDF, ISIS, SOHR, ...), in ``doc.spans["isis_actors"]``.

Aliases come from ``data/actors.json``. An organisation the text introduces with
an acronym ("Rojava Information Centre (RIC)") is tagged under that acronym,
and so are its later mentions, as the gold format names such parties.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .extensions import doc_text
from .gazetteer import GazetteerTagger
from .lexicon import load_default

# A run of capitalised words followed by an acronym in parentheses.
ACRONYM_INTRO = regex.compile(
    r"((?:(?:[A-Z][\p{L}'’.-]*|of|for|the|and|on)\s+){0,7}[A-Z][\p{L}'’.-]*)\s*\(([A-Z][A-Za-z]?[A-Z-]{1,7})\)"
)
# Its "(ACRONYM)", found by the stdlib's fast scan for "(".
ACRONYM_IN_PARENTHESES = re.compile(r"\([A-Z][A-Za-z]?[A-Z-]{1,7}\)")
# Read backwards from a "(": up to eight words of the characters a long name can have.
NAME_WORDS_BEFORE = regex.compile(r"(?r)(?:[\p{L}'’.-]+\s*){0,8}")


def acronym_introductions(text: str) -> Iterator["regex.Match[str]"]:
    """The matches of ``ACRONYM_INTRO.finditer(text)``, found faster.

    ACRONYM_INTRO tries its words at every character of the text; here it is tried
    only before each "(ACRONYM)". The long name before it is at most eight words of
    letters and ’'.- apart by white space, so a match that ends at this "(ACRONYM)"
    starts within the eight such words before it, and no match can reach past it:
    ``search`` there finds what ``finditer`` finds.
    """
    for acronym in ACRONYM_IN_PARENTHESES.finditer(text):
        name_start = NAME_WORDS_BEFORE.match(text, 0, acronym.start()).start()
        m = ACRONYM_INTRO.search(text, name_start, acronym.end())
        if m:
            yield m


class ActorTagger(GazetteerTagger):
    """Tag actors and acronym introductions.

    >>> import spacy, isisfacts
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("isis_actors")
    >>> doc = nlp("The SDF and US Central Command said")
    >>> [s.label_ for s in doc.spans["isis_actors"]]
    ['SDF', 'CENTCOM']
    """

    section = "actors"
    file_name = "actors.json"

    def __call__(self, doc: Doc) -> Doc:
        spans = self.match(doc)
        introduced = self.acronym_spans(doc, spans)
        if introduced:  # the gazetteer's spans are already apart and in order
            spans = filter_spans(spans + introduced)
        self.set_spans(doc, spans)
        return doc

    def acronym_spans(self, doc: Doc, known: List[Span]) -> List[Span]:
        text = doc_text(doc)
        if "(" not in text:
            return []
        found: List[Span] = []
        for m in acronym_introductions(text):
            acronym = m.group(2).replace("-", "")
            long_name = m.group(1)
            if not long_name[:1].isupper() or len(acronym) < 2:
                continue
            span = doc.char_span(m.start(1), m.end(), alignment_mode="expand")
            if span is None:
                continue
            known_label = self._known(span, known) or self._known_alias(m.group(2))
            if known_label:
                continue  # a known actor keeps its canonical name
            label = m.group(2)
            found.append(Span(doc, span.start, span.end, label=label, kb_id="organisation||"))
            for later in regex.finditer(rf"(?<![\w-]){regex.escape(label)}(?![\w-])", text):
                if later.start() >= m.end():
                    s = doc.char_span(later.start(), later.end())
                    if s is not None:
                        found.append(Span(doc, s.start, s.end, label=label, kb_id="organisation||"))
        return found

    @staticmethod
    def _known(span: Span, known: List[Span]) -> Optional[str]:
        # the long name is a known actor's when one starts it ("US Central Command (CENTCOM)");
        # "The Lead Inspector General for Operation Inherent Resolve (LIG)" is a new party
        for k in known:
            if k.start <= span.start + 1 and k.end > span.start:
                return k.label_
        return None

    def _known_alias(self, alias: str) -> Optional[str]:
        for entry in self.entries:
            if alias == entry["name"] or alias in entry.get("aliases", []):
                return entry["name"]
        return None


@Language.factory(
    "isis_actors",
    default_config={"spans_key": "isis_actors", "extra_actors": []},
)
def make_actor_tagger(nlp: Language, name: str, spans_key: str, extra_actors: list) -> ActorTagger:
    tagger = ActorTagger(nlp, name, spans_key, load_default("actors")["actors"])
    if extra_actors:
        tagger.add_entries(extra_actors)
    return tagger
