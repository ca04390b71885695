"""SentenceSplitter: sentence starts for news copy, set from the text in one pass.

spaCy's ``sentencizer`` splits after "Gen." and "Jul." and keeps a headline and
the paragraph under it together; wire copy needs both the other way round. A
line break always ends a sentence; a full stop ends one unless it closes a
known abbreviation or an initial.
"""

from __future__ import annotations

from typing import List

import numpy
import regex
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .component import Component
from .extensions import doc_text

ABBREVIATIONS = frozenset(
    """gen col lt maj sgt capt adm brig cmdr mr mrs ms dr st mt no nos vs etc gov sen rep pres
    jan feb mar apr jun jul aug sep sept oct nov dec fla calif ga va md mass
    u.s u.n u.k e.g i.e a.m p.m approx est dept govt corp inc ltd co jr sr""".split()
)

# End punctuation, optional closing quotes or brackets, space, then what opens a sentence.
BOUNDARY = regex.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]*[\p{Lu}\d])|\n\s*(?=\S)""")
ATTRIBUTION_AFTER_QUOTE = regex.compile(
    r"(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|added|told|stressed|noted|explained|announced|reported|stated)\b")
WORD_BEFORE = regex.compile(r"([\p{L}.]+)\.$")


def sentence_starts(text: str) -> List[int]:
    """Character offsets where sentences start (0 included).

    >>> sentence_starts("Gen. Kurilla said it. In Iraq, 30 were killed.")
    [0, 22]
    """
    starts = [0]
    for m in BOUNDARY.finditer(text):
        end = m.end()
        if "\n" not in m.group(0):
            head = text[max(0, m.start() - 12) : m.start()].rstrip("\"'”’)]")
            word = WORD_BEFORE.search(head)
            if word:
                w = word.group(1).lower()
                if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                    continue
        quoted = m.group(0)[:1] in "\"”'’" or text[m.start() - 1 : m.start()] in "\"”"
        if quoted and "\n" not in m.group(0):
            if ATTRIBUTION_AFTER_QUOTE.match(text, end):
                continue  # '... is unknown." SOHR said.': the attribution ends the quoted sentence
        if end > starts[-1]:
            starts.append(end)
    return starts


class SentenceSplitter(Component):
    """Set ``token.is_sent_start`` for every token of the doc."""

    def __init__(self, nlp: Language, name: str, overwrite: bool):
        self.name = name
        self.overwrite = overwrite

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0 or (doc.has_annotation("SENT_START") and not self.overwrite):
            return doc
        offsets = doc.to_array([IDX]).astype("int64")
        flags = numpy.full(len(doc), -1, dtype="int32")
        token_of = numpy.searchsorted(offsets, numpy.asarray(sentence_starts(doc_text(doc))), side="left")
        flags[token_of[token_of < len(doc)]] = 1
        flags[0] = 1
        doc.from_array([SENT_START], flags.reshape(-1, 1).astype("uint64"))
        return doc


@Language.factory("isis_sentences", default_config={"overwrite": False})
def make_sentence_splitter(nlp: Language, name: str, overwrite: bool) -> SentenceSplitter:
    return SentenceSplitter(nlp, name, overwrite)
