"""SentenceSplitter: sentence starts for news copy, set from the text in one pass.

spaCy's ``sentencizer`` splits after "Gen." and "Jul." and keeps a headline and
the paragraph under it together; wire copy needs both the other way round. A
line break always ends a sentence; a full stop ends one unless it closes a
known abbreviation or an initial.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator, List, Tuple

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
# WORD_BEFORE read backwards from the end (one try, where search tries every character):
# on a head ending with ".", ``match`` gives what ``WORD_BEFORE.search`` gives.
WORD_BEFORE_FROM_END = regex.compile(r"(?r)([\p{L}.]+)\.")
# BOUNDARY for the stdlib's re, which finds the punctuation mark or line break with a
# fast character-set scan where the regex module tries BOUNDARY's lookbehind at every
# character. It starts one character earlier, at the punctuation mark (BOUNDARY's
# boundary starts after it), and ``boundaries`` makes up for the two things re lacks:
# \p{Lu} (the character that opens the next sentence is captured and checked there);
# and re's \s also takes in \x1c-\x1f, which the regex module's does not, so they are
# taken out of the classes. (The branches share their first character so that re can
# skip to it with its character-set scan.)
FAST_BOUNDARY = re.compile(
    r"""[.!?\n](?:(?<=[.!?])["'”’)\]]*[^\S\x1c-\x1f]+(?=["'“‘(\[]*([\S\x1c-\x1f]))|(?<=\n)[^\S\x1c-\x1f]*(?=[\S\x1c-\x1f]))""")
OPENS_SENTENCE = regex.compile(r"[\p{Lu}\d]")


@functools.lru_cache(maxsize=4096)
def opens_sentence(char: str) -> bool:
    return OPENS_SENTENCE.match(char) is not None


def boundaries(text: str) -> Iterator[Tuple[int, int]]:
    """Start and end of each match of ``BOUNDARY.finditer(text)``, found faster."""
    for m in FAST_BOUNDARY.finditer(text):
        opener = m.group(1)
        if opener is None:  # a line break
            yield m.start(), m.end()
        elif opens_sentence(opener):
            yield m.start() + 1, m.end()
        else:
            # BOUNDARY's first branch fails here; its second matches from a line break in the space
            line_break = text.find("\n", m.start() + 1, m.end())
            if line_break >= 0:
                yield line_break, m.end()


SENT_START_ATTRS = [SENT_START]
NOT_SENT_START = numpy.iinfo("uint64").max
_NOT_SENT_STARTS = numpy.full(4096, NOT_SENT_START, dtype="uint64")


def not_sent_starts(length: int) -> numpy.ndarray:
    """A new array of ``length`` "not a sentence start" flags (copying is faster than numpy.full)."""
    if length <= len(_NOT_SENT_STARTS):
        return _NOT_SENT_STARTS[:length].copy()
    return numpy.full(length, NOT_SENT_START, dtype="uint64")


def sentence_starts(text: str) -> List[int]:
    """Character offsets where sentences start (0 included).

    >>> sentence_starts("Gen. Kurilla said it. In Iraq, 30 were killed.")
    [0, 22]

    One loop over ``FAST_BOUNDARY``'s matches, with what ``boundaries`` does for each
    written in (this runs for every doc; a generator costs a frame switch per match).
    """
    starts = [0]
    last = 0
    for m in FAST_BOUNDARY.finditer(text):
        end = m.end()
        opener = m.group(1)
        if opener is None:  # a line break always ends a sentence
            if end > last:
                starts.append(end)
                last = end
            continue
        # In ASCII, BOUNDARY's [\p{Lu}\d] is [A-Z0-9]: no call for the usual openers.
        if opener <= "\x7f":
            opens = "A" <= opener <= "Z" or "0" <= opener <= "9"
        else:
            opens = opens_sentence(opener)
        if not opens:
            # BOUNDARY's first branch fails here; its second matches from a line break in the space
            if end > last and text.find("\n", m.start() + 1, end) >= 0:
                starts.append(end)
                last = end
            continue
        start = m.start() + 1  # the boundary starts after the punctuation mark, text[start - 1]
        if text.find("\n", start, end) < 0:  # closing quotes or brackets, then white space
            # the text before ends with the punctuation mark (never a closing quote), so it
            # can end an abbreviation or an initial only when that mark is a full stop
            if text[start - 1] == ".":
                word = WORD_BEFORE_FROM_END.match(text[max(0, start - 12) : start])
                if word:
                    w = word.group(1).lower()
                    if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                        continue
            if text[start] in "\"”'’" and ATTRIBUTION_AFTER_QUOTE.match(text, end):
                continue  # '... is unknown." SOHR said.': the attribution ends the quoted sentence
        if end > last:
            starts.append(end)
            last = end
    return starts


class SentenceSplitter(Component):
    """Set ``token.is_sent_start`` for every token of the doc."""

    def __init__(self, nlp: Language, name: str, overwrite: bool):
        self.name = name
        self.overwrite = overwrite

    def __call__(self, doc: Doc) -> Doc:
        n_tokens = len(doc)
        if n_tokens == 0 or (not self.overwrite and doc.has_annotation("SENT_START")):
            return doc
        starts = sentence_starts(doc_text(doc))
        # SENT_START is 1 on a sentence's first token and -1 on the others; from_array
        # reads uint64, where -1 is the largest value. The flag after the last token
        # takes the starts that searchsorted puts past the end.
        flags = not_sent_starts(n_tokens + 1)
        flags[0] = 1
        if len(starts) > 1:  # most short docs are one sentence: no token offsets needed
            token_offsets = doc.to_array(IDX)
            flags[token_offsets.searchsorted(numpy.array(starts[1:], dtype="uint64"), side="left")] = 1
        doc.from_array(SENT_START_ATTRS, flags[:n_tokens])
        return doc


@Language.factory("isis_sentences", default_config={"overwrite": False})
def make_sentence_splitter(nlp: Language, name: str, overwrite: bool) -> SentenceSplitter:
    return SentenceSplitter(nlp, name, overwrite)
