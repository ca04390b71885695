"""The rule layer: from a tagged figure to a claim, or to nothing.

For each figure the rules decide, in order:

1. *what is counted*: the counted noun after the figure ("30 ISIS operatives",
   "nine of those strikes"), or, when the noun is elided ("and 63 detained",
   "Returns numbered 324"), the noun it refers back to;
2. *what happened to it*: the event words around it, right after its noun
   ("operatives killed", "were arrested", "remain at large") before those on
   its left ("the killing of 30", "detained 215 operatives"), then the context
   ("in prison", "in the camps");
3. the metric, from the (noun class, event) rules of ``data/triggers.json``;
4. the place, period and source, from the figure's own clause, its sentence,
   or by inheritance from the sentences around it (the ConText idea of
   medspaCy: cues with a direction, a scope and terminators).

Everything here reads plain data from the doc and returns plain dicts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

import numpy
import regex
from spacy.attrs import IDX, LENGTH, LOWER, SENT_START
from spacy.lang.lex_attrs import lower as spacy_lower
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

from .extensions import doc_attribute, doc_text
from .gazetteer import spans_with, split_attributes
from .patterns import rx
from .times import shift_months

# ---------------------------------------------------------------------------
# Words of the rules that are grammar rather than domain: they stay in code.

class Guarded:
    """A compiled pattern behind a cheap necessary condition.

    Every match of the pattern holds one of ``literals``; text holding none cannot
    match, and the (much slower) pattern is not run. For a case-insensitive pattern the
    text is compared lower-cased, which is exact for ASCII text only: other text always
    runs the pattern. The results are the pattern's own.
    """

    def __init__(self, pattern: "regex.Pattern", literals: Sequence[str]):
        self.pattern = pattern
        self.ignorecase = bool(pattern.flags & regex.IGNORECASE)
        assert not self.ignorecase or all(w == w.lower() for w in literals)
        self.literals = tuple(literals)

    def possible(self, text: str) -> bool:
        if self.ignorecase:
            if not text.isascii():
                return True
            text = text.lower()
        for literal in self.literals:
            if literal in text:
                return True
        return False

    def possible_in(self, text: str, lowered: str) -> bool:
        """``possible(text)``, given ``lowered``, ``text.lower()`` computed once by the caller."""
        if self.ignorecase:
            if not text.isascii():
                return True
            text = lowered
        for literal in self.literals:
            if literal in text:
                return True
        return False

    def search(self, text: str, pos: int = 0) -> "Optional[regex.Match]":
        return self.pattern.search(text, pos) if self.possible(text[pos:] if pos else text) else None

    def match(self, text: str) -> "Optional[regex.Match]":
        return self.pattern.match(text) if self.possible(text) else None

    def finditer(self, text: str) -> "List[regex.Match]":
        return list(self.pattern.finditer(text)) if self.possible(text) else []


AUX = frozenset("were was are is be been being have has had also reportedly allegedly already later "
                "subsequently all both so far still now currently reported confirmed believed said "
                "to thought known likely either respectively were'nt".split())
STOP_NOUN_SCAN = frozenset("in on at against from by with for during to across throughout since including "
                           "and or but while whereas who that which whom whose as than into after before "
                           "near inside outside within among between under over per via".split())
CLAUSE_BREAKS = frozenset("resulted resulting led leading conducted carried said says announced added "
                          "noted while whereas which who after before because since ; : told stated "
                          "reported according claimed explained detailed".split())
LIST_WORDS = frozenset([",", "and", "as", "well", "plus"])
MIXED_AFTER = regex.compile(
    r"^[^.;]{0,30}?(?:,\s*|\()(?:mostly|mainly|most\s+of\s+(?:them|whom)|the\s+majority|including|among\s+them)\b"
    r"|^\s*and\s+(?:their\s+)?famil",
    regex.IGNORECASE,
)
REPORT_VERBS = regex.compile(
    r"\b(?:said|says|say|announced|announces|reported|reports|stated|states|added|adds|noted|notes|"
    r"disclosed|discloses|confirmed|confirms|claimed|claims|told|tells|stressed|stresses|explained|"
    r"detailed|revealed|reveals|published|released|issued|highlighted|mentioned|estimated|estimates|"
    r"documented|documents|recorded|counted|put|puts|cited|quoted|indicated|showed|shows|warned|"
    r"acknowledged|insisted|emphasized|emphasised|underscored|wrote|tweeted|posted|estimate|believe|believed|"
    r"assess|assessed|assesses|count|tallied)\b",
)  # case-sensitive: "States" in "United States" is not a verb
SPEECH_VERBS = frozenset("said says added stated noted explained stressed wrote warned insisted emphasized "
                         "emphasised acknowledged confirmed continued".split())
ATTRIBUTION_CUE = regex.compile(
    REPORT_VERBS.pattern + r"|(?i:according\s+to|statement|release|report|summary|data|figures|:)")
REPORT_VERB_BEFORE = regex.compile(REPORT_VERBS.pattern + r"\s+(?:(?:late|early)\s+)?(?:on\s+)?$")
ACCORDING_TO = Guarded(regex.compile(r"\baccording\s+to\b", regex.IGNORECASE), ["according"])
PRONOUN_SUBJECT = regex.compile(
    r"(?:^|[,;]\s*|\b(?:and|but)\s+)(?:he|she|they|it|we|the\s+(?:statement|release|report|command|ngo|monitor|ministry|"
    r"officials?|spokes(?:man|woman|person)|summary|agency|observatory|group|military|army|task\s+force))\s+(?:also\s+)?$",
    regex.IGNORECASE)
NAMED_SUBJECT = regex.compile(
    r"((?:[A-Z][\w.’'-]*\s+)?(?:[\w.’'-]+\s+)?(?:officials|authorities|sources|officers|commanders|monitors|activists|media|"
    r"police|ministry|army|military|government|witnesses|residents|doctors|medics|spokes(?:man|woman|person)|"
    r"source|official|officer|commander))"
    r"(?:,[^,]{0,70},)?\s+(?:(?:also|later|reportedly|have|has|had|previously|earlier)\s+)?$")
NAMED_BODY = regex.compile(
    r"((?:[A-Z][\w’'-]*\s+){0,4}(?:Command|Ministry|Service|Agency|Council|Directorate|Cell|Observatory|Network|"
    r"Center|Centre|Office|Committee|Administration|Department|Commission|Mission|Authority))\s+(?:\w+\s+)?$")
ACRONYM_SUBJECT = regex.compile(r"(?:^|\bthe\s+)([A-Z]{2,6})\s+(?:\w+\s+)?$")
GENERIC_SOURCES = regex.compile(
    r"^(?:the\s+)?(?:statement|release|report|press\s+release|note|officials?|spokes(?:man|woman|person)|government|cell|army|"
    r"military|command|ngo|monitor|observatory|group|agency|ministry|he|she|they|it|we|sources?|"
    r"data|figures|statistics|tally|count|update|summary|strike\s+summary|task\s+force(?:'s|’s)?(?:\s+\w+){0,3}|"
    r"u\.?s\.?\s+military|us\s+military|united\s+states\s+military|american\s+military|"
    r"(?:a|the|its|their)\s+(?:\w+\s+){0,2}(?:statement|report|release|note|summary|update|data))$",
    regex.IGNORECASE,
)
# Cheap necessary conditions, tested before the patterns above (a pattern is run only
# where its condition holds, so the outcome is the same; most sentences fail them).
REPORT_VERB_WORDS = frozenset(REPORT_VERBS.pattern[len(r"\b(?:") : -len(r")\b")].split("|"))
assert all(w.isalpha() for w in REPORT_VERB_WORDS)
CUE_WORDS = ("statement", "release", "report", "summary", "data", "figures")  # ATTRIBUTION_CUE's, lower-case
REPORT_VERB_BYTES = frozenset(w.encode("ascii") for w in REPORT_VERB_WORDS)
ASCII_NON_WORD_TO_SPACE = bytes(c if chr(c).isalnum() or chr(c) == "_" else 32 for c in range(256))  # a bytes table
# literals every NAMED_SUBJECT / NAMED_BODY match holds
SUBJECT_NOUNS = ("official", "authorities", "source", "officer", "commander", "monitors", "activists", "media",
                 "police", "ministry", "army", "military", "government", "witnesses", "residents", "doctors",
                 "medics", "spokes")
BODY_NOUNS = ("Command", "Ministry", "Service", "Agency", "Council", "Directorate", "Cell", "Observatory", "Network",
              "Center", "Centre", "Office", "Committee", "Administration", "Department", "Commission", "Mission",
              "Authority")


def has_attribution_cue(text: str, holds_report_verb: bool) -> bool:
    """``ATTRIBUTION_CUE.search(text)`` found something; plain string tests for ASCII text.

    ``holds_report_verb``: whether :func:`report_verbs_in` found any."""
    if not text.isascii():
        return ATTRIBUTION_CUE.search(text) is not None
    if ":" in text:
        return True
    low = text.lower()
    for word in CUE_WORDS:
        if word in low:
            return True
    if "according" in low and ACCORDING_TO_LOWER.search(low):
        return True
    return holds_report_verb


def report_verbs_in(text: str) -> List[Tuple[int, int]]:
    """The spans of ``REPORT_VERBS.finditer(text)``, found without trying the alternation
    everywhere (nor making a match object per verb).

    In ASCII text a report verb is a whole word, a maximal run of [A-Za-z0-9_]: with
    every other character made a space (bytes.translate, several times faster than
    str.translate), the verbs present are whole words of the split, found at " verb "."""
    if not text.isascii():
        return [m.span() for m in REPORT_VERBS.finditer(text)]
    padded = b" " + text.encode("ascii").translate(ASCII_NON_WORD_TO_SPACE) + b" "
    present = REPORT_VERB_BYTES.intersection(padded.split())
    if not present:
        return []
    spans: List[Tuple[int, int]] = []
    for verb in present:
        needle = b" " + verb + b" "
        at = padded.find(needle)
        while at >= 0:
            spans.append((at, at + len(verb)))  # the verb's offset in the text (the padding made up for the space)
            at = padded.find(needle, at + len(needle) - 1)
    spans.sort()
    return spans


def report_verb_at_start(text: str) -> bool:
    """``REPORT_VERBS.match(text)`` found something: the text's first word (a whole run of
    word characters) is a report verb."""
    j = 0
    while j < len(text) and text[j] in ASCII_WORD_CHARS:
        j += 1
    if j < len(text) and not text[j].isascii():
        return REPORT_VERBS.match(text) is not None  # \b against a non-ASCII character
    return text[:j] in REPORT_VERB_WORDS


ACCORDING_TO_LOWER = regex.compile(r"according\s+to")


# exactly the characters of the patterns' \s (str.isspace also takes \x1c-\x1f)
REGEX_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f")
assert all(regex.match(r"\s", c) for c in REGEX_WHITESPACE)
REGEX_SPACE_SET = frozenset(REGEX_WHITESPACE)
PRONOUN_ENDINGS = ("he", "they", "it", "we", "statement", "release", "report", "command", "ngo", "monitor", "ministry",
                   "official", "officials", "man", "woman", "person", "summary", "agency", "observatory", "group",
                   "military", "army", "force", "also")


def pronoun_subject(head: str, near: int) -> bool:
    """``PRONOUN_SUBJECT`` ends ``head`` (searched from ``near``): "..., he", "the spokesman"."""
    if head.isascii():
        # a match ends with its subject word, white space, maybe "also" and white space
        if not head[-1:].isspace():
            return False
        words = head[-40:].lower().split()
        if words and not words[-1].endswith(PRONOUN_ENDINGS):
            return False
    # a match spans at most five chunks of non-space ("but the task force also "):
    # it starts at or after the sixth chunk from the end
    return PRONOUN_SUBJECT.search(head, words_back(head, len(head), 6, near)) is not None


def words_back(text: str, i: int, count: int, floor: int) -> int:
    """The start of the word ``count`` words before the one at ``i`` (words split at
    the patterns' white space), not before ``floor``."""
    for k in range(count + 1):
        while i > floor and text[i - 1] not in REGEX_SPACE_SET:
            i -= 1
        if k == count:
            break
        while i > floor and text[i - 1] in REGEX_SPACE_SET:
            i -= 1
    return i


NAMED_SUBJECT_NOUNS = ("officials", "authorities", "sources", "officers", "commanders", "monitors", "activists",
                       "media", "police", "ministry", "army", "military", "government", "witnesses", "residents",
                       "doctors", "medics", "spokesman", "spokeswoman", "spokesperson", "source", "official",
                       "officer", "commander")  # NAMED_SUBJECT's nouns
SUBJECT_TAIL_WORDS = ("also", "later", "reportedly", "have", "has", "had", "previously", "earlier")


def subject_noun_start(head: str, near: int) -> int:
    """The first place (not before ``near``) where the noun of a NAMED_SUBJECT match can
    start, or -1 where no match can end ``head``.

    After its noun a match holds maybe a comma phrase (",[^,]{0,70},"), white space,
    maybe one of a few words and white space, then the end: so its noun ends where the
    text without that tail ends, and is one of the nouns."""
    stripped = head.rstrip(REGEX_WHITESPACE)
    if len(stripped) == len(head):
        return -1  # no white space at the end
    ends = [len(stripped)]
    for word in SUBJECT_TAIL_WORDS:
        if stripped.endswith(word):
            rest = stripped[: len(stripped) - len(word)]
            before = rest.rstrip(REGEX_WHITESPACE)
            if len(before) < len(rest):
                ends.append(len(before))
    noun_ends: List[int] = []
    for end in ends:
        noun_ends.append(end)
        if end > 0 and head[end - 1] == ",":  # the comma phrase's second comma
            first = head.rfind(",", 0, end - 1)
            if first >= 0 and end - 2 - first <= 70:
                noun_ends.append(first)
    best = -1
    for end in noun_ends:
        for noun in NAMED_SUBJECT_NOUNS:
            start = end - len(noun)
            if start >= near and head.startswith(noun, start) and (best < 0 or start < best):
                best = start
    return best


def named_subject(head: str, near: int) -> "Optional[regex.Match]":
    """``NAMED_SUBJECT``, ``NAMED_BODY`` or ``ACRONYM_SUBJECT`` before a report verb."""
    stretch = head[near:]
    noun_start = subject_noun_start(head, near)
    if noun_start >= 0:
        # a NAMED_SUBJECT match starts at most two words before its noun: searching from
        # there finds the same match, without trying every position before
        m = NAMED_SUBJECT.search(head, words_back(head, noun_start, 2, near))
        if m:
            return m
    if any(w in stretch for w in BODY_NOUNS):
        m = NAMED_BODY.search(head, near)
        if m:
            return m
    if stretch.isascii():
        # a match ends with its acronym, white space, maybe a word and white space: the
        # acronym is one of the last two words (those of the stretch hold the match)
        for word in stretch.rsplit(None, 2)[-2:]:
            if 2 <= len(word) <= 6 and word.isalpha() and word.isupper():
                break
        else:
            return None
    return ACRONYM_SUBJECT.search(head, near)


OUTLET_VOICE = Guarded(regex.compile(r"\b(?:it\s+is\s+(?:noteworthy|worth\s+noting|worth\s+mentioning)|notably,)",
                                     regex.IGNORECASE), ["worth", "notably,"])
PLACE_SCOPE_CUES = Guarded(regex.compile(r"\b(?:both\s+countries|the\s+two\s+countries|the\s+region|this\s+region|"
                                         r"that\s+region|the\s+area|the\s+same\s+region)\b", regex.IGNORECASE),
                           ["countries", "region", "area"])
COUNTRY_REF = Guarded(regex.compile(r"\bthe\s+country(?:'s|’s)?\b", regex.IGNORECASE), ["country"])
BETWEEN_PLACES = Guarded(regex.compile(r"\bbetween\s+(?:[\w-]+\s+){0,3}?(?:and\s+)?$", regex.IGNORECASE), ["between"])
NOT_HERE = Guarded(regex.compile(r"(?:outside|beyond|outside\s+of)\s+(?:the\s+)?$", regex.IGNORECASE), ["outside", "beyond"])
DESTINATION = regex.compile(
    r"\b(?:to|towards|for)\s+(?:the\s+)?(?:[\w-]+\s*,\s*)*$"
    r"|\b(?:departed|left|headed|transferred|moved|taken|returned|sent|bused|flown|brought)\s+(?:back\s+)?(?:for|to)\s+[^.;]*$",
    regex.IGNORECASE)
DESTINATION_VERBS = ("departed", "left", "headed", "transferred", "moved", "taken", "returned", "sent", "bused",
                     "flown", "brought")


def leads_to_destination(before: str) -> bool:
    """``DESTINATION.search(before)``: the text before a place makes it a destination."""
    if before.isascii():
        # the first alternative ends at "to"/"towards"/"for"/"the" and white space, or at a comma
        # ("to Raqqa, Deir ez-Zor, "); the second holds one of its verbs
        low = before.lower()
        stripped = low.rstrip()
        if not (stripped.endswith(",") or len(stripped) < len(low) and (
                stripped.endswith(("to", "towards", "for"))
                # "the" ends a match only after "to", "towards", "for" and white space
                or stripped.endswith("the") and stripped[-4:-3].isspace()
                and stripped[:-3].rstrip().endswith(("to", "towards", "for")))):
            for verb in DESTINATION_VERBS:
                if verb in low:
                    break
            else:
                return False
    return DESTINATION.search(before) is not None


FAMILIES_AFTER = regex.compile(r"^\s*(?:and|,)\s+(?:their\s+|his\s+)?famil", regex.IGNORECASE)


def families_after(after: str) -> bool:
    """``FAMILIES_AFTER.search(after)`` found something; in ASCII text a match holds "famil"."""
    if after.isascii() and "famil" not in after.lower():
        return False
    return FAMILIES_AFTER.search(after) is not None
TOTAL_REFERENCE = Guarded(regex.compile(r"^\W*(?:the|this)\s+(?:figure|toll|tally|number|total|balance|death\s+toll)\b",
                                        regex.IGNORECASE), ["figure", "toll", "tally", "number", "total", "balance"])
FOREIGN = frozenset("us u.s. american america coalition foreign international french british german "
                    "italian australian canadian dutch spanish norwegian danish nato western allied "
                    "u.s.-led us-led".split())
ISIS_NAMES = frozenset(["ISIS"])
ISIS_WORDS = frozenset("militants jihadists terrorists insurgents extremists enemy jihadist militant terrorist".split())


# ---------------------------------------------------------------------------
# The lexicon, compiled once per triggers dict.

@dataclass
class Compiled:
    noun_class: Dict[Tuple[str, ...], str]
    event_class: Dict[Tuple[str, ...], str]
    modifiers: Set[str]
    rules: List[dict]
    metric_kind: Dict[str, str]
    max_len: int
    longest_from: Dict[str, int] = field(default_factory=dict)  # first word -> longest entry it starts
    metric_of: Dict[Tuple[Optional[str], Optional[str]], Optional[str]] = field(default_factory=dict)  # memo
    entry_starts: Set[str] = field(default_factory=set)  # the first words of all entries
    event_starts: Set[str] = field(default_factory=set)  # the first words of the event entries

    def lookup(self, table: Dict[Tuple[str, ...], str], words: List[str], i: int) -> Tuple[Optional[str], int]:
        """The longest entry of ``table`` starting at word ``i``: (class, length) or (None, 0)."""
        word = words[i]
        if word not in self.entry_starts:
            return NOTHING  # most words start no entry of either table
        longest = self.longest_from.get(word)
        if longest is not None:  # most words start no multi-word entry
            for n in range(min(longest, len(words) - i), 1, -1):
                cls = table.get(tuple(words[i : i + n]))
                if cls is not None:
                    return cls, n
        cls = table.get((word,))
        return (cls, 1) if cls is not None else NOTHING

    def metric(self, noun: Optional[str], event: Optional[str]) -> Optional[str]:
        """The metric of the first rule for (noun, event), else of the noun's rule without event."""
        key = (noun, event)
        try:
            return self.metric_of[key]
        except KeyError:
            metric = self.metric_of[key] = self._metric(noun, event)
            return metric

    def _metric(self, noun: Optional[str], event: Optional[str]) -> Optional[str]:
        fallback = None
        for rule in self.rules:
            if rule["noun"] != noun:
                continue
            want = rule.get("event")
            if want is None:
                fallback = fallback or rule["metric"]
            elif want == (event or "none"):
                return rule["metric"]
        return fallback


NOTHING: Tuple[None, int] = (None, 0)


@functools.lru_cache(maxsize=16)
def _compile(key: str) -> Compiled:
    triggers = json.loads(key)
    noun_class: Dict[Tuple[str, ...], str] = {}
    for cls, words in triggers.get("nouns", {}).items():
        for w in words:
            noun_class.setdefault(tuple(w.lower().split()), cls)
    event_class: Dict[Tuple[str, ...], str] = {}
    for cls, words in triggers.get("events", {}).items():
        for w in words:
            event_class.setdefault(tuple(w.lower().split()), cls)
    max_len = max([len(k) for k in list(noun_class) + list(event_class)] + [1])
    longest_from: Dict[str, int] = {}
    for entry in list(noun_class) + list(event_class):
        if len(entry) > 1:
            longest_from[entry[0]] = max(longest_from.get(entry[0], 1), len(entry))
    return Compiled(
        noun_class=noun_class,
        event_class=event_class,
        modifiers=set(w.lower() for w in triggers.get("modifiers", [])),
        rules=list(triggers.get("rules", [])),
        metric_kind={m: spec.get("kind", "flow") for m, spec in triggers.get("metrics", {}).items()},
        max_len=max_len,
        longest_from=longest_from,
        entry_starts={key[0] for key in list(noun_class) + list(event_class)},
        event_starts={key[0] for key in event_class},
    )


def compile_triggers(triggers: dict) -> Compiled:
    # insertion order is kept: a word in two classes belongs to the first
    return _compile(json.dumps(triggers))


# ---------------------------------------------------------------------------
# The document, as the rules see it.

# Plain classes with written-out __init__ methods, not dataclasses: mypyc compiles these,
# while a dataclass's generated __init__ runs interpreted (one Sentence per sentence and
# one Figure per figure of every document). Nothing compares them by value: they are
# equal only to themselves (``claim_dict`` finds a figure in its sentence by identity).

class Mention:
    """A tagged place or actor span, as plain data."""

    def __init__(self, start: int, end: int, start_char: int, end_char: int, label: str,
                 kind: str = "", country: Optional[str] = None, parent: Optional[str] = None) -> None:
        self.start = start  # token indices
        self.end = end
        self.start_char = start_char
        self.end_char = end_char
        self.label = label
        self.kind = kind
        self.country = country
        self.parent = parent


class Figure:
    """A tagged figure and what the rules decide about it."""

    def __init__(self, data: dict, start: int, end: int, sent: int) -> None:
        self.data = data
        self.start = start  # token index of the number (after any qualifier)
        self.end = end
        self.sent = sent
        self.qstart = 0  # token index of the qualifier, or of the number
        self.noun: Optional[str] = None
        self.noun_end = 0  # token index after the counted noun phrase
        self.noun_tokens: Tuple[int, int] = (0, 0)
        self.event: Optional[str] = None
        self.event_span: Optional[Tuple[int, int]] = None
        self.metric: Optional[str] = None
        self.mixed = False
        self.anaphoric = False
        self.scope: Optional[Tuple[List[str], Optional[dict]]] = None  # place and period of the total it breaks down
        self.owner: Optional[str] = None


class Sentence:
    """A sentence, with the tagged things that start in it."""

    def __init__(self, index: int, start: int, end: int, start_char: int, end_char: int, paragraph: int,
                 text: str) -> None:
        self.index = index
        self.start = start  # token
        self.end = end
        self.start_char = start_char
        self.end_char = end_char
        self.paragraph = paragraph
        self.text = text  # the sentence's text, sliced once
        self.figures: List[Figure] = []
        self.total_scope: Optional[Tuple[List[str], Optional[dict]]] = None  # of a total broken down after it
        self.places: List[Mention] = []
        self.actors: List[Mention] = []
        self.times: List[dict] = []
        self.dateline = -2  # the end of its dateline; -1: none, -2: not matched yet (see dateline_of)


_WORD_OF_HASH: Dict[int, str] = {}  # the vocab's hash -> string, a word at a time


def lowercase_words(doc: Doc, hashes: List[int]) -> List[str]:
    """The strings of the LOWER hashes; each word is looked up in the vocab once."""
    known = _WORD_OF_HASH
    words: List[str] = []
    for h in hashes:
        word = known.get(h)
        if word is None:  # a word not seen before
            if len(known) > 200_000:
                known.clear()  # bounded: the cache holds words, not texts
            word = known[h] = doc.vocab.strings[h]
        words.append(word)
    return words


TOKEN_COLUMNS = [IDX, LENGTH, SENT_START]
GREEK_CAPITAL_SIGMA = "\u03a3"  # the one character str.lower reads in context (final sigma)


def lowercase_slices(text: str, lowered: str, starts: List[int], ends: List[int]) -> List[str]:
    """``[text[s:e].lower() for s, e in zip(starts, ends)]``, given ``lowered``, ``text.lower()``.

    Where lower-casing maps every character of the text to one character (the lengths
    agree) and no capital sigma (lower-cased by its neighbours) is in it, the slices
    of ``lowered`` are those."""
    words: List[str] = []
    if len(lowered) == len(text) and (text.isascii() or GREEK_CAPITAL_SIGMA not in text):
        for k in range(len(starts)):
            words.append(lowered[starts[k] : ends[k]])
    else:
        lower = python_lower
        for k in range(len(starts)):
            words.append(lower(text[starts[k] : ends[k]]))
    return words


# CPython's str.lower, called through the object protocol: the compiled ``str.lower``
# lower-cases character by character, and so misses the final sigma ("ΑΣ" -> "ας")
python_lower: Callable[[str], str] = str.lower


def sentence_bounds(doc: Doc, flags: List[int]) -> List[Tuple[int, int]]:
    """(start, end) tokens of each sentence, as ``doc.sents`` gives them, read from the
    SENT_START column (``doc.sents`` builds a Span per sentence): a sentence starts at
    token 0 and at every token whose flag is 1."""
    n = len(flags)
    starts: List[int] = [0]
    unset_after_first = True  # every flag after the first token 0 (not set)
    for i in range(1, n):
        flag = flags[i]
        if flag == 1:
            starts.append(i)
        if flag != 0:
            unset_after_first = False
    if "sents" in doc.user_hooks or (len(starts) == 1 and n > 1 and unset_after_first):
        # a hook decides, or no boundaries at all (doc.sents raises): spaCy's own way
        return [(s.start, s.end) for s in doc.sents]
    if n == 0:
        return []
    bounds: List[Tuple[int, int]] = []
    for k in range(len(starts) - 1):
        bounds.append((starts[k], starts[k + 1]))
    bounds.append((starts[-1], n))
    return bounds


_MENTION_ATTRIBUTES: Dict[Tuple[int, int], Tuple[str, str, Optional[str], Optional[str]]] = {}


def mention(span: Span, strings: "StringStore") -> Mention:
    """A tagged span as plain data; label and attributes are read once per (label, kb_id)."""
    key = (span.label, span.kb_id)
    attributes = _MENTION_ATTRIBUTES.get(key)
    if attributes is None:
        if len(_MENTION_ATTRIBUTES) > 100_000:
            _MENTION_ATTRIBUTES.clear()
        kind, country, parent = split_attributes(span)
        attributes = _MENTION_ATTRIBUTES[key] = (strings[span.label], kind, country, parent)
    label, kind, country, parent = attributes
    return Mention(span.start, span.end, span.start_char, span.end_char, label, kind, country, parent)


# bisect.bisect_right and bisect.bisect_left over lists of ints, written out: compiled, they
# index the list natively instead of calling into the bisect module through the object protocol.

def token_ends_of(token_starts: List[int], lengths: List[int]) -> List[int]:
    ends: List[int] = []
    for k in range(len(token_starts)):
        ends.append(token_starts[k] + lengths[k])
    return ends


def bisect_right(values: List[int], x: int) -> int:
    """``bisect.bisect_right(values, x)``."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < values[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def bisect_left(values: List[int], x: int) -> int:
    """``bisect.bisect_left(values, x)``."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def sentence_at(sent_starts: List[int], char: int) -> int:
    """The index of the sentence holding character ``char``."""
    return max(0, bisect_right(sent_starts, char) - 1)


class Context:
    """Everything the rules of one document need, indexed by position."""

    def __init__(self, doc: Doc, lex: Compiled, actors_key: str, places_key: str):
        self.doc = doc
        self.lex = lex
        # Doc.text is rebuilt from the tokens at every access: read it once
        text: str = doc_text(doc)
        self.text_of = text
        self.comparison_cues: Dict[int, Optional[int]] = {}  # time start -> comparison_cue
        self._possible: Dict[Guarded, bool] = {}  # see may_match
        self._lowered: Optional[str] = None  # the text lower-cased, see may_match
        # token attributes in one C call, not one Token object per token
        # (viewed as signed: SENT_START's -1 is then a small int, not 2**64 - 1)
        hashes: List[int]
        token_starts: List[int]
        lengths: List[int]
        flags: List[int]
        token_ends: List[int]
        if doc.vocab.lex_attr_getters.get(LOWER) is spacy_lower:
            # LOWER is str.lower of the token's text (every spaCy language has it so):
            # the words are sliced from the text lower-cased once, where that is the
            # same, not looked up hash by hash
            token_starts, lengths, flags = doc.to_array(TOKEN_COLUMNS).view(numpy.int64).T.tolist()
            token_ends = token_ends_of(token_starts, lengths)
            lowered = text.lower() if text.isascii() else python_lower(text)
            self._lowered = lowered  # (for may_match too)
            self.words = lowercase_slices(text, lowered, token_starts, token_ends)
        else:
            hashes, token_starts, lengths, flags = doc.to_array([LOWER, IDX, LENGTH, SENT_START]).T.tolist()
            token_ends = token_ends_of(token_starts, lengths)
            self.words = lowercase_words(doc, hashes)
        self.token_starts = token_starts
        self.token_ends = token_ends
        strings = doc.vocab.strings
        self.places: List[Mention] = [mention(span, strings) for span in spans_with(doc, places_key)]
        self.actors: List[Mention] = [mention(span, strings) for span in spans_with(doc, actors_key)]
        # token -> actor, so look-ups stay constant-time in long, dense documents
        actor_of_token: Dict[int, Mention] = {}
        for a in self.actors:
            for i in range(a.start, a.end):
                if i not in actor_of_token:
                    actor_of_token[i] = a
        self.actor_of_token = actor_of_token
        about_isis = False
        for a in self.actors:
            if a.label in ISIS_NAMES:
                about_isis = True
                break
        self.about_isis = about_isis or not ISIS_WORDS.isdisjoint(self.words)
        times: List[dict] = list(doc_attribute(doc, "isis_times") or [])
        self.time_tokens: Set[int] = set()
        for t in times:
            first_token, end_token = self.tokens_of(t["start_char"], t["end_char"])
            for i in range(first_token, end_token):
                self.time_tokens.add(i)
        breaks: List[int] = []  # the offsets of the line breaks
        at = text.find("\n")
        while at >= 0:
            breaks.append(at)
            at = text.find("\n", at + 1)
        self.sentences: List[Sentence] = []
        sent_starts: List[int] = []
        index = 0
        for start, end in sentence_bounds(doc, flags):
            start_char, end_char = token_starts[start], token_ends[end - 1]
            para = bisect_right(breaks, start_char) if breaks else 0
            self.sentences.append(Sentence(index, start, end, start_char, end_char, para, text[start_char:end_char]))
            sent_starts.append(start_char)
            index += 1
        for m in self.places:
            self.sentences[sentence_at(sent_starts, m.start_char)].places.append(m)
        for m in self.actors:
            self.sentences[sentence_at(sent_starts, m.start_char)].actors.append(m)
        for t in times:
            self.sentences[sentence_at(sent_starts, t["start_char"])].times.append(t)
        self.figures: List[Figure] = []
        for f in doc_attribute(doc, "isis_figures") or []:
            data: dict = f
            num_start: int = data["num_start"]
            figure_end: int = data["end_char"]
            start, end = self.tokens_of(num_start, figure_end)
            if start >= end:
                continue
            if start in actor_of_token:
                continue  # "Kurdistan 24": part of a name
            fig = Figure(data, start, end, sentence_at(sent_starts, num_start))
            fig.qstart = self.tokens_of(data["start_char"], figure_end)[0]
            self.sentences[fig.sent].figures.append(fig)
            self.figures.append(fig)

    def may_match(self, pattern: Guarded) -> bool:
        """Whether ``pattern`` can match anywhere in the text (tested once per document)."""
        possible = self._possible.get(pattern)
        if possible is None:
            lowered = self._lowered
            if lowered is None:
                lowered = self._lowered = self.text_of.lower()  # once, for every pattern
            possible = self._possible[pattern] = pattern.possible_in(self.text_of, lowered)
        return possible

    def tokens_of(self, start_char: int, end_char: int) -> Tuple[int, int]:
        """The tokens covering a character span (as ``char_span(..., "expand")``)."""
        start = bisect_right(self.token_starts, start_char) - 1
        if start < 0 or self.token_ends[start] <= start_char:
            start += 1
        end = bisect_left(self.token_starts, end_char)
        return max(start, 0), end

    def actor_at(self, i: int) -> Optional[Mention]:
        return self.actor_of_token.get(i)

    def text(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end`` (exclusive)."""
        if start >= end:
            return ""
        return self.text_of[self.token_starts[start] : self.token_ends[end - 1]]


# ---------------------------------------------------------------------------
# 1-2: what is counted and what happened to it

def scan_noun(ctx: Context, fig: Figure, sent: Sentence) -> None:
    """Find the counted noun phrase after the figure."""
    words, lex = ctx.words, ctx.lex
    i, limit = fig.end, min(sent.end, fig.end + 7)
    head, head_end, first = None, fig.end, fig.end
    unknown = 0
    from_actor = False
    while i < limit:
        w = words[i]
        if i in ctx.time_tokens or w[:1].isdigit():
            break
        actor = ctx.actor_at(i)
        if actor is not None and actor.kind in ("security", "us_military") and actor.label not in ISIS_NAMES:
            # "Nine Peshmerga", "28 of Asayish", "members of the SDF"
            if head in (None, "isis_member", "person", "anaphor"):
                head = "troop" if actor.kind == "us_military" else "security"
                from_actor = True
            head_end = actor.end
            i = actor.end
            continue
        cls, n = lex.lookup(lex.noun_class, words, i)
        # (the event entry at i is looked up only where it decides something)
        if cls is not None and not (cls == "casualty" and head is not None
                                    and lex.lookup(lex.event_class, words, i)[0] is not None):
            if head in ("security", "troop") and cls == "isis_member":
                pass  # "SDF fighters" stay security forces
            else:
                head = cls
            from_actor = False
            head_end = i + n
            i += n
            # "members of the SDF": an of-phrase naming a force
            continue
        if w in ("of",) and i + 1 < limit:
            if head is not None and head not in ("anaphor",) and not any(
                    (a := ctx.actor_at(j)) is not None and a.kind in ("security", "us_military")
                    or lex.lookup(lex.noun_class, words, j)[0] == "security"
                    for j in range(i + 1, min(limit, i + 4))):
                break  # "87 arrests of ISIS suspects": the head is already found
            i += 1
            continue
        if w in lex.modifiers or w in ("-", "–", "'s", "’s"):
            i += 1
            continue
        ev, _ = lex.lookup(lex.event_class, words, i)
        if ev is not None or w in STOP_NOUN_SCAN or w in AUX or not w[:1].isalnum():
            break
        if w in CLAUSE_BREAKS:
            break
        if head is not None:
            if from_actor and i == head_end:
                head, unknown = None, 1  # "two SDF checkpoints": the force was a modifier
            break  # "94 operations targeting ...": the noun phrase is over
        unknown += 1
        if unknown > 3:
            break
        i += 1
    if head == "isis_member" or head == "security":
        # Foreign troops are counted as deployments unless something happens to them.
        span_words = set(words[first:head_end])
        if head == "security" and span_words & FOREIGN and span_words & {"troops", "soldiers", "service", "forces", "personnel", "servicemembers", "marines"}:
            head = "troop"
    fig.noun = head
    fig.noun_end = head_end
    fig.noun_tokens = (first, head_end)
    # elided ("and 63 detained") or a pronoun ("63 others"); an unknown noun ("10 caves") is neither
    if head == "anaphor" or (head is None and unknown == 0):
        fig.anaphoric = True


def event_at(ctx: Context, i: int) -> Tuple[Optional[str], int]:
    return ctx.lex.lookup(ctx.lex.event_class, ctx.words, i)


def right_event(ctx: Context, fig: Figure, sent: Sentence, figure_starts: Set[int]) -> Optional[Tuple[str, int, int, bool]]:
    """An event right after the noun phrase: "operatives killed", "were arrested", "remain at large".

    The last item says whether only auxiliaries stand between (a strong cue).
    """
    words, lex = ctx.words, ctx.lex
    i = fig.noun_end
    limit = min(sent.end, i + 12)
    strong = True
    unknown = 0
    while i < limit:
        if i in figure_starts:
            return None
        cls, n2 = lex.lookup(lex.noun_class, words, i)
        if cls is not None:
            strong = False
            i += n2
            continue
        ev, n = event_at(ctx, i)
        if ev is not None:
            if i + n < sent.end and words[i + n] == "of" and ev not in ("at_large",):
                return None  # "and the detention of 74": the next figure's
            if i > fig.noun_end and words[i - 1] in ("and", "or", "but"):
                return None  # "killed 16 people and injured 30": a new verb phrase
            return ev, i, i + n, strong
        w = words[i]
        if w not in AUX:
            strong = False
        if w in AUX or w in lex.modifiers or w in (",", "and", "-", "(", ")", "a", "an") \
                or ctx.actor_at(i) is not None or w in ("in", "the"):
            i += 1
            continue
        if unknown < 2 and w.isalpha() and w not in STOP_NOUN_SCAN and w not in CLAUSE_BREAKS:
            unknown += 1  # a compound the lexicon lacks: "counter-terrorism forces"
            i += 1
            continue
        return None
    return None


LEFT_FILLER = frozenset("of the a an some about approximately nearly almost over more than at least up to "
                        "an estimated another further additional".split())


def left_event(ctx: Context, fig: Figure, sent: Sentence) -> Optional[Tuple[str, int, int, bool]]:
    """The nearest event on the left that takes the figure: "the killing of 30", "detained 215".

    The last item says whether it stands right before the figure (a strong cue).
    """
    words = ctx.words
    event_class, longest_from, event_starts = ctx.lex.event_class, ctx.lex.longest_from, ctx.lex.event_starts
    i = fig.start - 1
    lowest = max(sent.start, fig.start - 14)
    while i >= lowest:
        w = words[i]
        if w in CLAUSE_BREAKS and w not in ("while",):
            return None
        if w not in event_starts:
            i -= 1
            continue
        # no entry is longer than the longest one starting with this word
        for n in range(min(longest_from.get(w, 1), fig.start - i), 0, -1):
            ev = event_class.get(tuple(words[i : i + n]))
            if ev is not None:
                between = words[i + n : fig.start]
                return ev, i, i + n, all(b in LEFT_FILLER for b in between)
        i -= 1
    return None


def context_event(ctx: Context, fig: Figure, sent: Sentence) -> Optional[Tuple[str, int, int]]:
    """Held-in-custody and in-camp contexts anywhere near the figure."""
    words = ctx.words
    for i in range(max(sent.start, fig.start - 10), min(sent.end, fig.noun_end + 12)):
        w = words[i]
        if w in ("camp", "camps", "prison", "prisons", "jail", "jails") or \
                w == "detention" and words[i + 1 : i + 2] in (["facilities"], ["centers"]):
            return "held", i, i + 1
    return None


def owner_of_casualties(ctx: Context, fig: Figure, sent: Sentence) -> Optional[str]:
    """Whose casualties: "among its ranks", "among government ranks", "SDF put their casualties at"."""
    after = ctx.text(fig.noun_end, min(sent.end, fig.noun_end + 6)).lower()
    m = rx(r"\s*among\s+(?:the\s+)?([\w-]+)").match(after)
    if m:
        owner = m.group(1)
        if owner in ("its", "their", "his"):
            return subject_class(ctx, sent, fig.start)
        if owner in ("government", "regime", "pro-government", "security", "army", "military", "sdf", "iraqi", "syrian", "kurdish"):
            return "security"
        if owner in ("civilians", "civilian"):
            return "civilian"
        if owner in ("isis", "is", "militants", "jihadists", "terrorists"):
            return "isis_member"
    before = ctx.text(max(sent.start, fig.start - 8), fig.start).lower()
    if rx(r"\b(?:their|its)\s+(?:casualties|losses|death\s+toll|toll)\b").search(before) or \
            rx(r"\b(?:casualties|losses)\b").search(before):
        return subject_class(ctx, sent, fig.start)
    return None


def subject_class(ctx: Context, sent: Sentence, before_token: int) -> Optional[str]:
    for actor in sent.actors:
        if actor.start >= before_token:
            break
        if actor.label in ISIS_NAMES:
            return "isis_member"
        if actor.kind == "security":
            return "security"
        if actor.kind == "us_military":
            return "troop"
    return None


def antecedent(ctx: Context, fig: Figure, sent: Sentence, prev: Optional[Figure]) -> Optional[Figure]:
    """The figure an elided noun refers back to: the nearest earlier figure with a person-like noun."""
    for other in reversed(sent.figures):
        if other.start < fig.start and other.noun not in (None, "anaphor"):
            return other
    if prev is not None and prev.noun not in (None, "anaphor"):
        return prev
    return None


PARTITIVE_PREDICATE = regex.compile(
    r"\s+of\s+(?:(?:the|those|these)\s+(?:[\w-]+\s+){0,2}?(dead|killed|slain|detainees|detained|arrested|captured|suspects|"
    r"prisoners)(?:\s+[\w-]+){0,3}?|(them|those))\s+(?:were|are|was|included|include)\s+([^.;]{0,60})",
    regex.IGNORECASE)
FIGURE_REFERENCE = Guarded(regex.compile(r"\b(?:the|that|this)\s+(?:figure|total|tally|toll|number|count)\b[^.;]{0,30}$",
                                         regex.IGNORECASE), ["figure", "total", "tally", "toll", "number", "count"])


def partitive_predicate(text: str, at: int) -> "Optional[regex.Match]":
    """``PARTITIVE_PREDICATE.match(text, at)``; in ASCII text it needs white space and "of" first."""
    window = text[at : at + 40]
    if window.isascii():
        rest = window.lstrip()
        if rest and (len(rest) == len(window) or rest[:2].lower() != "of"):
            return None
    return PARTITIVE_PREDICATE.match(text, at)


def left_noun(ctx: Context, fig: Figure, sent: Sentence) -> Optional[str]:
    """An elided figure's noun named before it: "Returns numbered 324", "the number of terrorists arrested ... 520"."""
    words, lex = ctx.words, ctx.lex
    text_before = ctx.text(sent.start, fig.start).lower()
    m = rx(r"(?:number|total|toll)\s+of\s+([\w\s-]{1,40}?)\s+(?:\w+ed|is|was|were|stands|rose|reached|to)\b").search(text_before)
    candidates = range(fig.start - 1, max(sent.start, fig.start - 10) - 1, -1)
    if m:
        for w in m.group(1).split():
            cls = lex.noun_class.get((w,))
            if cls is not None and cls != "anaphor":
                return cls
    for i in candidates:
        cls, _ = lex.lookup(lex.noun_class, words, i)
        if cls is not None and cls not in ("anaphor", "person"):
            return cls
    return None


def classify(ctx: Context, sent: Sentence, prev_person: Optional[Figure]) -> None:
    """Set noun, event and metric of every figure of the sentence."""
    figure_starts = {f.start for f in sent.figures}
    for fig in sent.figures:
        scan_noun(ctx, fig, sent)
    for k, fig in enumerate(sent.figures):
        ante = resolve_elided_noun(ctx, sent, k, fig, prev_person)
        if fig.noun is None:
            continue
        decide_event(ctx, sent, k, fig, ante, figure_starts)
        noun = refine_noun(ctx, sent, fig, prev_person)
        if noun is None or not_a_count(ctx, sent, fig, noun):
            continue
        fig.metric = metric_for(ctx, sent, fig, noun)


def resolve_elided_noun(ctx: Context, sent: Sentence, k: int, fig: Figure,
                        prev_person: Optional[Figure]) -> Optional[Figure]:
    """Give a figure with no noun of its own the noun it refers to; return that antecedent."""
    ante = None
    if fig.anaphoric:
        ante = antecedent(ctx, fig, sent, prev_person)
        if fig.noun is None and prev_person is not None and \
                FIGURE_REFERENCE.search(ctx.text(sent.start, fig.qstart)):
            ante = prev_person  # "The figure for 2022 was 689"
            fig.noun = ante.noun
        if fig.noun is None and ante is not None and ante.sent == fig.sent:
            fig.noun = ante.noun  # "2,500 troops in Iraq and about 900 in Syria"
        if fig.noun is None:
            fig.noun = left_noun(ctx, fig, sent)
        if fig.noun is None and ante is not None:
            fig.noun = ante.noun
        elif fig.noun == "anaphor":
            fig.noun = ante.noun if ante is not None else None
    # a person-like subset of a total: "60 suspects, including 24 women"
    if fig.noun in ("person", "civilian") and k > 0:
        before = ctx.text(max(sent.start, fig.start - 4), fig.start).lower()
        prior = sent.figures[k - 1]
        if rx(r"\b(?:including|among\s+them|of\s+whom|of\s+them)\s*$").search(before) and prior.noun == "isis_member":
            fig.noun = prior.noun
    return ante


def decide_event(ctx: Context, sent: Sentence, k: int, fig: Figure, ante: Optional[Figure],
                 figure_starts: Set[int]) -> None:
    """Set what happened to the counted thing, strongest cue first (docs/rules.md, section 3)."""
    right = right_event(ctx, fig, sent, figure_starts)
    left = left_event(ctx, fig, sent)
    # the first of: a strong right, a strong left, a linked (looked for only when neither
    # strong one is there: it changes nothing), any right, any left
    ev: Optional[Tuple[str, int, int]] = None
    if right is not None and right[3]:
        ev = (right[0], right[1], right[2])
    elif left is not None and left[3]:
        ev = (left[0], left[1], left[2])
    else:
        linked = linked_event(ctx, sent, k, figure_starts)
        if linked is not None:
            ev = (linked[0], linked[1], linked[2])
        elif right is not None:
            ev = (right[0], right[1], right[2])
        elif left is not None:
            ev = (left[0], left[1], left[2])
    if ev is None and ante is not None and ante.event and fig.anaphoric and ante.sent == fig.sent:
        span = ante.event_span or (fig.start, fig.start)
        ev = (ante.event, span[0], span[1])
    if ev is None or ev[0] in ("deployed",) and fig.noun not in ("troop",):
        ev = context_event(ctx, fig, sent) or ev
    if ev is not None:
        fig.event, fig.event_span = ev[0], (ev[1], ev[2])
    words = ctx.words
    after = fig.end
    if after + 2 <= len(words) and words[after] == "of" and words[after + 1] in ("them", "whom"):
        total = ante if ante is not None else (sent.figures[k - 1] if k > 0 else None)
        if total is not None and total.event and not (right and right[3]):
            # "35 people ..., 25 of them children": a subset shares what happened to its total
            fig.event, fig.event_span = total.event, total.event_span
    if fig.event in (None, "at_large", "deployed") and fig.noun in ("person", "civilian", "camp_person") and (
            any(m.kind == "camp" for m in sent.places) or "camp" in ctx.words[sent.start : sent.end]
            or "camp's" in ctx.words[sent.start : sent.end] or "camps" in ctx.words[sent.start : sent.end]):
        fig.event = "held"  # "2,400 women and children remain in Al Roj"; "22,000 of the residents ... the camp's"


def refine_noun(ctx: Context, sent: Sentence, fig: Figure, prev_person: Optional[Figure]) -> Optional[str]:
    """The noun class the metric is read from, once the context is known; None: no claim."""
    part = partitive_predicate(ctx.text_of, fig.data["end_char"])
    if part and (part.group(1) or prev_person is not None and prev_person.event):
        # "four of the dead were senior ISIS leaders", "Two of the detainees were the cell's commanders",
        # "four of them were senior leaders" (of those just counted)
        kind = (part.group(1) or "").lower()
        if kind:
            fig.event = "killed" if kind in ("dead", "killed", "slain") else "detained"
        elif prev_person is not None:
            fig.event = prev_person.event
        predicate = [w.lower() for w in rx(r"[\w-]+").findall(part.group(3))]
        fig.noun = "leader" if any(lex_class(ctx, w) == "leader" for w in predicate) else "isis_member"
        fig.mixed = False
    if fig.event == "killed" and fig.event_span and ctx.words[fig.event_span[0]] in ("lost", "losing", "loses") \
            and fig.noun in ("isis_member", "person", None):
        fig.noun = subject_class(ctx, sent, fig.start) or "security"  # "The PMF lost 41 fighters"
        if fig.noun == "isis_member" and not any(a.label in ISIS_NAMES for a in sent.actors if a.start < fig.start):
            fig.noun = "security"
    noun = fig.noun
    if noun == "casualty" and ctx.words[fig.end : fig.end + 2] == ["of", "the"] and prev_person is not None:
        noun = prev_person.noun  # "Fourteen of the dead": of those just counted
    if noun == "security" and fig.event in (None, "at_large", "deployed") and foreign_context(ctx, sent):
        noun = "troop"  # "The United States keeps about 2,500 troops in Iraq"
    if noun == "casualty":
        owner = owner_of_casualties(ctx, fig, sent)
        if owner is None:
            return None  # deaths of whom?
        fig.owner = owner
        noun = {"isis_member": "isis_member", "security": "security", "troop": "security",
                "civilian": "civilian"}.get(owner)
        if fig.event not in ("injured",):
            fig.event = "killed"
    return noun


def not_a_count(ctx: Context, sent: Sentence, fig: Figure, noun: str) -> bool:
    """Figures the contract does not record: mixed ones, vague ones nothing happens to, "one"."""
    after = ctx.text(fig.noun_end, min(sent.end, fig.noun_end + 8))
    if fig.event in ("killed", "injured") and noun in ("person", "camp_person") and MIXED_AFTER.search(after):
        fig.mixed = True  # "625 people, mostly members of the security forces"
        return True
    if noun in ("isis_member", "security", "leader") and families_after(after):
        fig.mixed = True  # "5,000 fighters and their families": not a count of fighters
        return True
    words, events = ctx.words, ctx.lex.event_class
    if fig.event_span:
        first, last = fig.event_span
        if first >= 2 and words[first - 1] == "or" and events.get((words[first - 2],)) not in (None, fig.event):
            return True  # "killed or captured 25": two metrics with no split
        if last + 1 < len(words) and words[last] == "or" and events.get((words[last + 1],)) not in (None, fig.event):
            return True
    if fig.data["vague"] and (fig.event is None or fig.event_span and fig.event_span[0] < fig.qstart - 6):
        return True  # "hundreds of fighters" with nothing said of them is not a figure
    if fig.data["vague"] and words[fig.end : fig.end + 2] == ["of", "them"]:
        return True
    if fig.data["spelled"] and fig.data["value"] == 1 and (fig.anaphoric or fig.noun is None):
        return True  # "one" alone is a pronoun
    return False


def metric_for(ctx: Context, sent: Sentence, fig: Figure, noun: str) -> Optional[str]:
    """The metric of the (noun class, event) rules, with the checks that it is ISIS's count."""
    metric = ctx.lex.metric(noun, fig.event)
    if metric is None and noun == "isis_member" and fig.event == "deployed":
        metric = ctx.lex.metric(noun, "at_large")
    if noun == "isis_member" and fig.event in (None, "at_large", "deployed"):
        if not ctx.about_isis:
            return None  # nothing in the text says these are ISIS's
        if fig.event is None and ctx.words[fig.noun_end - 1] in ("suspects", "suspect", "cells", "cell", "wanted"):
            return None  # suspects with nothing said of them are not a strength estimate
        before = [a for a in sent.actors if a.end <= fig.qstart]
        if before and before[-1].label not in ISIS_NAMES and fig.event is None and \
                ctx.words[fig.noun_end - 1] in ("members", "member"):
            return None  # "the Coalition, which has more than 80 members"
    return metric


def lex_class(ctx: Context, word: str) -> Optional[str]:
    return ctx.lex.noun_class.get((word,))


def first_event(ctx: Context, sent: Sentence) -> Optional[str]:
    """The first event word of a sentence ("IS has killed ... 229 people": killed)."""
    for i in range(sent.start, sent.end):
        event, _ = ctx.lex.lookup(ctx.lex.event_class, ctx.words, i)
        if event in ("killed", "injured", "detained"):
            return event
    return None


def foreign_context(ctx: Context, sent: Sentence) -> bool:
    """The sentence speaks of foreign forces ("The United States keeps ...", "coalition troops")."""
    words = set(ctx.words[sent.start : sent.end])
    return bool(words & FOREIGN) or {"united", "states"} <= words or any(
        a.kind in ("us_military", "coalition") for a in sent.actors)


def linked_event(ctx: Context, sent: Sentence, k: int, figure_starts: Set[int]) -> Optional[Tuple[str, int, int, bool]]:
    """In a list ("Five civilians, 56 militants and 28 guards were killed") the event after the last item."""
    words = ctx.words
    fig = sent.figures[k]
    for nxt in sent.figures[k + 1 :]:
        between = words[fig.noun_end : nxt.qstart]
        unknown = [w for w in between if w not in LIST_WORDS and w not in ctx.lex.modifiers
                   and (w,) not in ctx.lex.noun_class]
        if not between or between[-1] not in (",", "and") or len(unknown) > 2 or \
                any(not w.isalpha() or w in STOP_NOUN_SCAN or w in AUX for w in unknown):
            return None
        ev = right_event(ctx, nxt, sent, figure_starts)
        if ev is not None:
            return ev
        if nxt.noun is None and not nxt.anaphoric:
            return None
        fig = nxt
    return None


# ---------------------------------------------------------------------------
# 4: place, period and source

def place_names(mentions: List[Mention]) -> List[str]:
    """Canonical names, most specific first: a country goes when a place inside it is named."""
    names = []
    for m in mentions:
        if m.label not in names:
            names.append(m.label)
    inner_countries = {m.country for m in mentions if m.kind != "country" and m.country and m.label != m.country}
    parents = {m.parent for m in mentions if m.parent}
    return [n for n in names if n not in inner_countries and n not in parents]


class PlaceState:
    def __init__(self) -> None:
        self.running: List[str] = []  # the last place set a sentence stated (not a scoped one)
        self.region: List[str] = []  # the last set of several countries ("Iraq and Syria")
        self.last_country: Optional[str] = None
        self.last_region_place: List[str] = []
        self.last_camps: List[str] = []


LOCATIVE = regex.compile(r"\b(?:in|inside|across|throughout|within|at|near|around|of|from|into|over)\s+(?:the\s+)?(?:[\w-]+\s*,\s*|[\w-]+\s+and\s+)*$",
                         regex.IGNORECASE)
METONYM_AFTER = regex.compile(
    r"(?:’s|'s)?\s+(?:calls|called|says|said|wants|wanted|insists|insisted|considers|sees|views|plans|"
    r"accuses|accused|announced|denies|denied|troops|forces|government|regime|authorities)\b")
METONYM_WORDS = frozenset("calls called says said wants wanted insists insisted considers sees views plans "
                          "accuses accused announced denies denied troops forces government regime authorities".split())
ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def metonym_after(text: str, at: int) -> bool:
    """``METONYM_AFTER.match(text, at)`` found something: maybe "'s", white space, then
    one of its words, whole (none is the start of another)."""
    n = len(text)
    i = at + 2 if text.startswith(("’s", "'s"), at) else at
    if i >= n or text[i] not in REGEX_SPACE_SET:
        return False
    while i < n and text[i] in REGEX_SPACE_SET:
        i += 1
    j = i
    while j < n and text[j] in ASCII_WORD_CHARS:
        j += 1
    if j < n and not text[j].isascii():
        return METONYM_AFTER.match(text, at) is not None  # \b against a non-ASCII character
    return text[i:j] in METONYM_WORDS


DATELINE = regex.compile(r"^\s*[A-Z][A-Z .'-]{2,}(?:,\s*[\w .'-]+){0,3}\s*(?:\([^)]*\))?\s*[-–—]")
THEATRE = frozenset(["Iraq", "Syria"])


DATELINE_CAPS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ .'-")


def dateline_of(sent: Sentence) -> int:
    """The end of the sentence's dateline ("WASHINGTON, July 21 (Wire) -") in its text,
    or -1 for none; matched once per sentence."""
    if sent.dateline == -2:
        # every dateline ends at a dash: most sentences need no match at all
        text = sent.text
        sent.dateline = -1
        if "-" in text or "–" in text or "—" in text:
            # and opens with a capital and two more capitals, dots, spaces...
            opening = text.lstrip(REGEX_WHITESPACE)[:3]
            if len(opening) == 3 and "A" <= opening[0] <= "Z" and opening[1] in DATELINE_CAPS and opening[2] in DATELINE_CAPS:
                sent.dateline = dateline_end(text)
    return sent.dateline


# DATELINE's classes in ASCII text: [\w .'-] of its comma groups, and its dashes
DATELINE_GROUP_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .'-")
DASHES = frozenset("-–—")


def dateline_end(text: str) -> int:
    """``DATELINE.match(text).end()``, or -1 where it does not match.

    In a sentence with commas after its dateline ("ERBIL, Kurdistan Region - Security
    forces ..., officials said") the pattern's greedy comma groups run to the sentence's
    end and back, at every split of the groups: up to a tenth of a millisecond. In ASCII
    text the same backtracking is walked here, in the pattern's order, remembering
    the (position, groups taken) states already known to fail, so each is tried once.
    """
    if not text.isascii():
        m = DATELINE.match(text)
        return m.end() if m else -1
    n = len(text)
    p = 0
    while p < n and text[p] in REGEX_SPACE_SET:  # ^\s*
        p += 1
    if p >= n or not "A" <= text[p] <= "Z":
        return -1
    run_end = p + 1
    while run_end < n and text[run_end] in DATELINE_CAPS:
        run_end += 1
    failed: Set[int] = set()
    e = run_end  # [A-Z .'-]{2,}, greedy: the longest first
    while e >= p + 3:
        end = _dateline_groups(text, e, 0, failed)
        if end >= 0:
            return end
        e -= 1
    return -1


def _dateline_groups(text: str, i: int, taken: int, failed: Set[int]) -> int:
    r"""The end of DATELINE's match from ``(?:,\s*[\w .'-]+){0,3}`` at ``i``, with
    ``taken`` groups already matched, or -1; ``failed`` holds the states known to fail."""
    key = i * 4 + taken
    if key in failed:
        return -1
    n = len(text)
    if taken < 3 and i < n and text[i] == ",":  # one more group first (greedy)
        spaces_end = i + 1
        while spaces_end < n and text[spaces_end] in REGEX_SPACE_SET:
            spaces_end += 1
        word_start = spaces_end
        while word_start > i:  # \s*, greedy: the most white space first
            word_end = word_start
            while word_end < n and text[word_end] in DATELINE_GROUP_CHARS:
                word_end += 1
            e = word_end
            while e > word_start:  # [\w .'-]+, greedy
                end = _dateline_groups(text, e, taken + 1, failed)
                if end >= 0:
                    return end
                e -= 1
            word_start -= 1
    end = _dateline_tail(text, i)
    if end < 0:
        failed.add(key)
    return end


def _dateline_tail(text: str, i: int) -> int:
    r"""The end of ``\s*(?:\([^)]*\))?\s*[-–—]`` matched at ``i``, or -1."""
    n = len(text)
    r = i
    while r < n and text[r] in REGEX_SPACE_SET:
        r += 1
    if r < n and text[r] == "(":
        close = text.find(")", r + 1)  # [^)]* stops at the first ")"
        if close >= 0:
            q = close + 1
            while q < n and text[q] in REGEX_SPACE_SET:
                q += 1
            if q < n and text[q] in DASHES:
                return q + 1
    if r < n and text[r] in DASHES:
        return r + 1
    return -1


def usable_places(ctx: Context, sent: Sentence) -> List[Mention]:
    """Places that say where a figure is: not a dateline, not "outside Iraq", and a
    country far from the theatre only where a locative ("in France") introduces it."""
    if not sent.places:
        return []
    text = ctx.text_of
    dateline = dateline_of(sent)
    dateline_end = sent.start_char + dateline if dateline >= 0 else -1
    out = []
    for m in sent.places:
        if m.start_char < dateline_end:
            continue
        before = text[max(sent.start_char, m.start_char - 40) : m.start_char]
        if NOT_HERE.search(before) or BETWEEN_PLACES.search(before):
            continue
        if m.kind == "country" and m.label not in THEATRE and not LOCATIVE.search(before):
            continue
        surface = text[m.start_char : m.end_char]
        if m.kind == "country" and len(surface.replace(".", "")) <= 3 and surface.isupper() and \
                not rx(r"\b(?:in|inside|within|to|from)\s+(?:the\s+)?$", regex.IGNORECASE).search(before):
            continue  # "U.S. and partner forces": an abbreviation names a place only right after "in the"
        if text[m.end_char : m.end_char + 1] == "-" and text[m.end_char + 1 : m.end_char + 2].isalpha():
            continue  # "Iran-backed", "US-led": a modifier, not a place
        if m.kind in ("country", "province", "city") and metonym_after(text, m.end_char):
            continue  # "a program Baghdad calls essential", "Damascus troops": the government
        out.append(m)
    return out


PLACE_LINKS = frozenset([",", "and", "or", "the", "of", "in", "area", "province", "governorate", "region",
                         "district", "countryside", "desert", "'s", "’s", "eastern", "western", "northern",
                         "southern", "rural", "town", "city", "village", "camp", "near"])
CLAUSE_SPLIT = frozenset(["while", "whereas", ";", "but", "meanwhile", "although"])


def clause_bounds(ctx: Context, sent: Sentence, token: int) -> Tuple[int, int]:
    """The clause of a token: the sentence cut at "while", "whereas", ";"."""
    lo, hi = sent.start, sent.end
    for i in range(token - 1, sent.start - 1, -1):
        if ctx.words[i] in CLAUSE_SPLIT:
            lo = i
            break
    for i in range(token + 1, sent.end):
        if ctx.words[i] in CLAUSE_SPLIT:
            hi = i
            break
    return lo, hi


def not_destination(ctx: Context, sent: Sentence, fig: Figure, mentions: List[Mention]) -> List[Mention]:
    if fig.metric != "repatriated":
        return mentions
    text = ctx.text_of
    return [m for m in mentions if not leads_to_destination(text[max(sent.start_char, m.start_char - 90) : m.start_char])]


ATTACHING = frozenset("in from at of the across inside near and , 's ’s".split())


def attached_to_figure(ctx: Context, sent: Sentence, m: Mention, fig: Figure, mentions: List[Mention]) -> bool:
    """The place follows a later figure's noun with only prepositions and places between."""
    place_tokens = {i for p in mentions for i in range(p.start, p.end)}
    for other in sent.figures:
        if other.start <= fig.start or not other.metric or not other.noun_end <= m.start <= other.noun_end + 8:
            continue
        gap = [ctx.words[i] for i in range(other.noun_end, m.start) if i not in place_tokens]
        if all(w in ATTACHING for w in gap):
            return True
    return False


def breakdown_places(sent: Sentence, fig: Figure, mentions: List[Mention], hi: int) -> List[Mention]:
    """The places of the later figures of a clause, when at least two of them name one."""
    later = [f for f in sent.figures if f.metric and fig.start < f.start < hi]
    found: List[Mention] = []
    with_place = 0
    for k, f in enumerate(later):
        end = later[k + 1].qstart if k + 1 < len(later) else hi
        own = [m for m in mentions if f.end <= m.start < end]
        if own:
            with_place += 1
            found += own
    return found if with_place >= 2 else []


def resolve_place(ctx: Context, sent: Sentence, fig: Figure, state: PlaceState, mentions: List[Mention]) -> List[str]:
    """The places a figure covers, most specific stated, in this order: its own segment
    ("466 operatives in Syria"), the rest of its clause, the places of the figures it
    totals ("313 operations, killing 466 in Syria and 220 in Iraq"), a scope cue
    ("both countries", "the region"), else the places inherited from before."""
    mentions = not_destination(ctx, sent, fig, mentions)
    later = sorted(f.qstart for f in sent.figures if f.start > fig.start and f.metric)
    seg_end = later[0] if later else sent.end
    lo, hi = clause_bounds(ctx, sent, fig.start)
    own = [m for m in mentions if fig.end <= m.start < seg_end]
    if own:
        return place_names(own)
    seg_text = ctx.text(fig.end, seg_end)
    cue = PLACE_SCOPE_CUES.search(seg_text) if ctx.may_match(PLACE_SCOPE_CUES) else None
    if cue and "region" in cue.group(0).lower() and state.last_region_place and not state.region:
        return list(state.last_region_place)
    if cue and state.region:
        return list(state.region)
    left = [m for m in mentions if lo <= m.start < fig.start]
    if left:
        # the nearest place on the left, with those coordinated to it ("in Iraq and Syria")
        group = [left[-1]]
        for m in reversed(left[:-1]):
            gap = ctx.words[m.end : group[0].start]
            if all(w in PLACE_LINKS for w in gap) or (
                    len(gap) <= 3 and gap[:1] == ["and"] and sum(w not in PLACE_LINKS for w in gap) <= 1):
                group.insert(0, m)
            else:
                break
        return place_names(group)
    if not any(f.metric and lo <= f.start < fig.start for f in sent.figures):
        # a total broken down by place after it: "313 operations, killing 466 in Syria and 220 in Iraq"
        parts = breakdown_places(sent, fig, mentions, hi)
        if parts:
            return place_names(parts)
        # a place later in the clause ("Two strikes, with five engagements, hit targets in
        # Syria"), unless it belongs to a later figure's own noun ("43,000 individuals from Al Hol")
        right = [m for m in mentions if seg_end <= m.start < hi and not attached_to_figure(ctx, sent, m, fig, mentions)]
        if right:
            return place_names(right)
    sentence_text = sent.text
    cue = PLACE_SCOPE_CUES.search(sentence_text) if ctx.may_match(PLACE_SCOPE_CUES) else None
    if cue and "region" in cue.group(0).lower() and state.last_region_place:
        return list(state.last_region_place)
    if cue and state.region:
        return list(state.region)
    if state.last_country and ctx.may_match(COUNTRY_REF) and COUNTRY_REF.search(sentence_text):
        return [state.last_country]
    if sentence_level := [m for m in mentions if m.start < lo]:
        return place_names(sentence_level[-1:])
    return list(state.running)


OPENING_PLACE = Guarded(regex.compile(r"\W*(?:in|across)\s+", regex.IGNORECASE), ["in", "across"])


def update_place_state(ctx: Context, sent: Sentence, state: PlaceState, mentions: List[Mention]) -> None:
    # where people were sent ("departed for the Jeddah 1 centre") is not where the story is
    mentions = [m for m in mentions if not leads_to_destination(ctx.text_of[max(sent.start_char, m.start_char - 90) : m.start_char])]
    if not mentions:
        sentence_text = sent.text
        if state.last_country and ctx.may_match(COUNTRY_REF) and COUNTRY_REF.search(sentence_text):
            state.running = [state.last_country]
        return
    text = ctx.text_of
    opening = OPENING_PLACE.match(text[sent.start_char : sent.start_char + 12])
    camps = [m.label for m in mentions if m.kind == "camp"]
    if camps:
        state.last_camps = list(dict.fromkeys(camps))
    countries = [m.label for m in mentions if m.kind == "country"]
    if countries:
        state.last_country = countries[-1]
    distinct = list(dict.fromkeys(countries))
    if len(distinct) >= 2:
        state.region = distinct[:2] if {"Iraq", "Syria"} - set(distinct) else ["Iraq", "Syria"]
    regions = [m for m in mentions if m.kind == "region"] or [m for m in mentions if m.kind in ("province", "city", "town")]
    if regions:
        state.last_region_place = place_names(regions[-1:])
    if opening and sent.figures:
        return  # "In Iraq, ..." scopes its own sentence only
    names = place_names(mentions)
    # inherited places are kept at the district level: a town is generalised to its parent
    general = []
    for m in mentions:
        if m.label in names:
            general.append(m.parent if m.kind == "town" and m.parent else m.label)
    state.running = list(dict.fromkeys(general))


@dataclass
class PeriodState:
    running: Optional[Tuple[str, str]] = None  # the period flows without a time of their own take
    last_day: Optional[Tuple[str, str]] = None  # the last single day named ("as of the same date")


RELEASED_BEFORE = Guarded(regex.compile(
    r"\b(?:released|published|issued|statement|release|report|press\s+conference|account|site|website|"
    r"channel|interview|briefing)\b[^.;]{0,14}$", regex.IGNORECASE),
    ["release", "published", "issued", "statement", "report", "press", "account", "site", "channel", "interview",
     "briefing"])


def report_verb_before(before: str) -> bool:
    """``REPORT_VERB_BEFORE.search(before)`` found something.

    In ASCII text a match ends with white space, and its verb ends one of the last
    three words (split at white space): the verb, "late"/"early", "on"."""
    if before.isascii():
        if not before[-1:].isspace():
            return False
        found = False
        for chunk in before.split()[-3:]:
            k = len(chunk)
            while k > 0 and (chunk[k - 1].isalnum() or chunk[k - 1] == "_"):
                k -= 1
            if chunk[k:] in REPORT_VERB_WORDS:  # the word the chunk ends with
                found = True
                break
        if not found:
            return False
    return REPORT_VERB_BEFORE.search(before) is not None


DEADLINE_BEFORE = regex.compile(r"\b(?:by|until|before)\s+(?:the\s+end\s+of\s+)?$", regex.IGNORECASE)


def deadline_before(before: str) -> bool:
    """``DEADLINE_BEFORE.search(before)`` found something ("by", "until the end of");
    in ASCII text a match ends with white space and holds one of its words."""
    if before.isascii():
        if not before[-1:].isspace():
            return False
        low = before.lower()
        if "by" not in low and "until" not in low and "before" not in low:
            return False
    return DEADLINE_BEFORE.search(before) is not None


def time_is_report_date(ctx: Context, t: dict, sent: Sentence) -> bool:
    """"said on Thursday", "released on Tuesday": the day of the report, not of the count."""
    before = ctx.text_of[max(sent.start_char, t["start_char"] - 40) : t["start_char"]]
    after = ctx.text_of[t["end_char"] : t["end_char"] + 14]
    if t["kind"] in ("weekday", "relative", "date", "iso", "numeric") and (
            report_verb_before(before) or report_verb_at_start(after.lstrip())):
        return True
    if sent.index <= 3 or t["start_char"] - sent.start_char < 60:
        dateline = dateline_of(sent)
        if dateline >= 0 and t["start_char"] < sent.start_char + dateline:
            return True  # "WASHINGTON, July 21 (Wire) -": the day of the story
    if t["kind"] in ("weekday", "relative", "date", "iso", "numeric") and RELEASED_BEFORE.search(before):
        return True
    if deadline_before(before):
        return True
    return False


YEAR_AS_NAME = regex.compile(r"\s*(?:[A-Z][\w.-]*\s+)?(?:airstrike|strike|attack|offensive|law|election|report|census|"
                            r"agreement|deal|resolution)")
A_BEFORE_YEAR = regex.compile(r"(?:^|\W)an?\s$", regex.IGNORECASE)


def period_times(ctx: Context, sent: Sentence) -> List[dict]:
    out = []
    for t in sent.times:
        if time_is_report_date(ctx, t, sent):
            continue
        before = ctx.text_of[max(0, t["start_char"] - 3) : t["start_char"]]
        after = ctx.text_of[t["end_char"] : t["end_char"] + 14]
        if t["kind"] == "year" and YEAR_AS_NAME.match(after):
            continue  # "a 2020 US airstrike": a year used as a name
        if t["kind"] == "year" and A_BEFORE_YEAR.search(before):
            continue  # "a 2020 airstrike"
        out.append(t)
    return out


# A time after one of these dates the figure a count is compared with, not the count:
# "is very similar to the 208 casualties in that region in 2020", "up from 40 in 2022",
# "the same number as the previous year", "fewer than in 2019".
COMPARISON_BEFORE_TIME = Guarded(regex.compile(
    r"\b(?:(?:very\s+|broadly\s+)?similar\s+to|compared\s+(?:with|to)|up\s+from|down\s+from|versus|"
    r"(?:the\s+)?same\s+(?:number|figure|level|toll|tally)\s+as)\b[^.;]{0,60}$"
    r"|\bthan\s+(?:in\s+|during\s+|for\s+)?$", regex.IGNORECASE),
    ["similar", "compared", "from", "versus", "same", "than"])


def comparison_before_time(text: str) -> "Optional[regex.Match]":
    """``COMPARISON_BEFORE_TIME.search(text)``: a match holds no "." nor ";", so it is
    searched for after the last of them only."""
    if not COMPARISON_BEFORE_TIME.possible(text):
        return None
    return COMPARISON_BEFORE_TIME.pattern.search(text, max(text.rfind("."), text.rfind(";")) + 1)


def comparison_cue(ctx: Context, sent: Sentence, t: dict) -> Optional[int]:
    """Where the comparison starts that ``t`` belongs to ("... similar to ... in 2020"), if any."""
    at = t["start_char"]
    if at not in ctx.comparison_cues:  # asked once per figure of the sentence: searched once
        m = comparison_before_time(ctx.text_of[sent.start_char : at])
        ctx.comparison_cues[at] = sent.start_char + m.start() if m else None
    return ctx.comparison_cues[at]


def resolve_period(ctx: Context, sent: Sentence, fig: Figure, metric_kind: str, state: PeriodState,
                   reference: Optional[dt.date], times: List[dict]) -> Optional[Tuple[str, str]]:
    """The period a figure covers, per the contract's period rules."""
    # the times of a comparison after the figure date the compared figure, not this one
    times = [t for t in times if (comparison_cue(ctx, sent, t) or -1) < fig.data["end_char"]]
    nxt = [f.data["num_start"] for f in sent.figures if f.start > fig.start]
    seg_end = nxt[0] if nxt else sent.end_char
    prv = [f.data["end_char"] for f in sent.figures if f.start < fig.start]
    seg_start = prv[-1] if prv else sent.start_char
    own = [t for t in times if fig.data["end_char"] <= t["start_char"] < seg_end]
    near = [t for t in own if t["start_char"] - fig.data["end_char"] <= 40]
    own_left = [t for t in times if seg_start <= t["start_char"] < fig.data["num_start"]]
    fronted = [t for t in times if t["start_char"] - sent.start_char <= 6]
    if metric_kind == "stock":
        dating = ("year", "date", "month", "iso", "year_start")
        dated = [t for t in own if t["start"] and t["kind"] in dating] or \
            [t for t in own_left[::-1] if t["start"] and t["kind"] in dating]
        if dated:  # the nearest: "estimated in 2018 that ...", not "declared victory in December 2017"
            return dated[0]["start"], dated[0]["end"]
        if state.last_day and any(t["kind"] == "anaphoric" and rx(r"same\s+(?:date|day)").search(t["text"])
                                  for t in own + own_left):
            return state.last_day  # "as of the same date"
        return (reference.isoformat(), reference.isoformat()) if reference else None
    # a flow: its own segment, then its sentence, then inherited
    for group in (near, fronted, own, own_left, [t for t in times if t not in own and t not in own_left]):
        for t in group:
            if t["kind"] == "so_far":
                return None
            if t["kind"] == "anaphoric" or (t["start"] is None and t["kind"] in ("past_n", "this_unit")):
                earlier = [x for x in times if x["start"] and x["start_char"] < t["start_char"]]
                shifted = shift_period(t["text"], earlier[-1] if earlier else None)
                if shifted:
                    return shifted
                return (earlier[-1]["start"], earlier[-1]["end"]) if earlier else state.running
            if t["kind"] == "past_n" and state.running and rx(r"past\s+year|(?:past|last)\s+(?:twelve|12)\s+months", regex.IGNORECASE).search(t["text"]):
                return state.running  # "over the past year" after "in 2022": the year already named
            if t["start"]:
                return t["start"], t["end"]
    return state.running


def shift_period(text: str, base: Optional[dict]) -> Optional[Tuple[str, str]]:
    """"the previous quarter" after "between April 1 and June 30, 2021": the quarter before."""
    m = rx(r"\b(previous|preceding|prior|next|following)\s+(quarter|month|year|half)", regex.IGNORECASE).search(text)
    if not m or base is None:
        return None
    start = dt.date.fromisoformat(base["start"])
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[m.group(2).lower()]
    step = -months if m.group(1).lower() in ("previous", "preceding", "prior") else months
    new_start = shift_months(start.replace(day=1), step)
    new_end = shift_months(new_start, months) - dt.timedelta(days=1)
    return new_start.isoformat(), new_end.isoformat()


def update_period_state(ctx: Context, sent: Sentence, state: PeriodState, times: List[dict]) -> None:
    times = [t for t in times if comparison_cue(ctx, sent, t) is None]  # a comparison's time runs on to nothing
    resolved = [t for t in times if t["start"] and t["kind"] not in ("so_far", "anaphoric")
                and not (t["kind"] == "past_n" and state.running)]
    days = [t for t in resolved if t["start"] == t["end"] and t["kind"] in ("date", "iso", "weekday", "relative")]
    if days:
        state.last_day = (days[-1]["start"], days[-1]["end"])
    flows = [t for t in resolved if t["start"] != t["end"] or t["kind"] in ("weekday", "relative", "date", "began")]
    if flows:
        fronted = [t for t in flows if t["start_char"] - sent.start_char <= 6]
        t = fronted[0] if fronted else flows[-1]
        state.running = (t["start"], t["end"])


@dataclass
class SourceState:
    current: Optional[str] = None  # the source figures without an attribution take
    last_speaker: Optional[str] = None  # the party "he", "the statement", "the ministry" refer to


OWN_STATEMENT = Guarded(regex.compile(r"(?:’s|'s)?\s+(?:statement|release|press\s+release|report|strike\s+(?:summary|report)|update)"),
                        ["statement", "release", "report", "summary", "update"])


# Patterns of attribution_in and named_party, compiled once (not looked up at every call).
AFTER_ACCORDING_TO = regex.compile(r"\s*(?:the\s+|a\s+)?(?:[\w-]+\s+)?|\s*(?:[\w-]+\s+){1,3}"
                                   r"(?:released|published|issued|compiled|provided|collected)\s+by\s+(?:the\s+)?")
POSSESSIVE_GAP = regex.compile(r"(?:’s|'s)\s+$")
ACCORDING_TO_NAMED = regex.compile(r"\s+(?:the\s+)?((?:[\w’'.-]+\s+){0,3}(?:officials|authorities|sources|media|officers|residents|activists|monitors|groups|statement|report|release|note|data|figures|military|summary|tally|count|estimates?|statistics|ministry|command|spokes\w+))\b", regex.IGNORECASE)
ACCORDING_TO_NAME = regex.compile(r"\s+(?:the\s+)?([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})")
IN_THE_BEFORE = regex.compile(r"\b(?:in|from|to)\s+(?:the|a|an)\s+$")
IN_THE = regex.compile(r"\b(?:in|from)\s+(?:the|a|an|its)\s+")
ISIS_STATEMENT_AFTER = regex.compile(r"\s*(?:said|announced|claimed\s+in\s+a\s+statement)")
APPOSITIVE = regex.compile(r"[^,]{0,40},\s*")


def isis_statement_after(text: str, at: int) -> bool:
    """``ISIS_STATEMENT_AFTER.match(text, at)`` found something: white space, then its words."""
    i = at
    while i < len(text) and text[i] in REGEX_SPACE_SET:
        i += 1
    return text.startswith(("said", "announced", "claimed"), i) and ISIS_STATEMENT_AFTER.match(text, at) is not None


def appositive(gap: str) -> bool:
    """``APPOSITIVE.fullmatch(gap)``: at most 40 characters, a comma (the first), white space."""
    comma = gap.find(",")
    return 0 <= comma <= 40 and not gap[comma + 1 :].lstrip(REGEX_WHITESPACE)
BODY_SPOKESMAN_BEFORE = regex.compile(r"\b(?:ministry|command|agency|office|spokes\w+)\s+(?:[A-Z][\w’'-]*\s+){0,3}$")
BODY_SPOKESMAN_WORDS = ("ministry", "command", "agency", "office", "spokes")  # its literals (case-sensitive)


def body_spokesman_before(head: str, near: int) -> bool:
    """``BODY_SPOKESMAN_BEFORE.search(head, near)`` found something; a match holds one of
    its literals, after ``near``."""
    stretch = head[near:]
    for word in BODY_SPOKESMAN_WORDS:
        if word in stretch:
            return BODY_SPOKESMAN_BEFORE.search(head, near) is not None
    return False


HEADLINE_SOURCE = regex.compile(r":\s*([A-Z][\w-]+)\s*$")
GENERIC_SPEAKER = regex.compile(r"(?:^|\s)spokes(?:man|woman|person)$|^(?:an?\s+|the\s+)?(?:official|officer|source|commander)$|"
                                r"(?:data|figures|statistics|records|tally|count)$")
GENERIC_SPEAKER_ENDINGS = ("spokesman", "spokeswoman", "spokesperson", "official", "officer", "source", "commander",
                           "data", "figures", "statistics", "records", "tally", "count")


def generic_speaker(name: str) -> bool:
    """``GENERIC_SPEAKER.search(name)`` found something: every match ends the text (or
    stands before its final newline) with one of the pattern's last words."""
    text = name[:-1] if name.endswith("\n") else name
    if not text.endswith(GENERIC_SPEAKER_ENDINGS) and not name.endswith(GENERIC_SPEAKER_ENDINGS):
        return False
    return GENERIC_SPEAKER.search(name) is not None


LEADING_ARTICLE = regex.compile(r"^(?:the|an?)\s+", regex.IGNORECASE)


def attribution_in(ctx: Context, sent: Sentence) -> Optional[str]:
    """The asserting party of a sentence: "X said", "according to X", "X's statement"."""
    text = sent.text
    verbs = report_verbs_in(text)
    if not has_attribution_cue(text, bool(verbs)):
        return None  # most sentences: nothing to attribute, one search instead of several
    base = sent.start_char
    m = ACCORDING_TO.search(text)
    if m:
        after_char = base + m.end()
        for a in sent.actors:
            # "according to the SDF", "according to CENTCOM's figures"; not "according to the ministry, ISIS ..."
            if a.start_char >= after_char and AFTER_ACCORDING_TO.fullmatch(ctx.text_of[after_char : a.start_char]):
                owned = [b for b in sent.actors if b.start_char > a.end_char and
                         POSSESSIVE_GAP.match(ctx.text_of[a.end_char : b.start_char])]
                return (owned[0] if owned else a).label  # "the Kurdistan Region's Ministry of Peshmerga"
        named = ACCORDING_TO_NAMED.match(text[m.end() :])
        if named:
            return named_party(named.group(1))
        named = ACCORDING_TO_NAME.match(text[m.end() :])
        if named:
            return named_party(named.group(1))
    for a in sent.actors:
        follows = text[a.end_char - base : a.end_char - base + 30]
        ahead = text[max(0, a.start_char - base - 12) : a.start_char - base]
        if OWN_STATEMENT.match(follows) \
                and IN_THE_BEFORE.search(ahead) and a.label not in ISIS_NAMES \
                and IN_THE.search(text):
            return a.label
    if verbs:
        # ISIS is a source only where a statement is its own ("ISIS said", "according to Amaq")
        actors = [a for a in sent.actors if a.label not in ISIS_NAMES
                  or isis_statement_after(text, a.end_char - base)]
        for verb_start, verb_end in verbs:
            vchar = base + verb_start
            head = text[:verb_start]
            # the subject patterns end at the verb: search only the stretch before it
            near = max(0, len(head) - 160)
            if pronoun_subject(head, near):
                return "__previous__"  # "..., he said", "the spokesman told"
            # "X said": the actor right before the verb, or in an appositive before it
            # ("Kurilla, commander of CENTCOM, said"); "said X": the one right after
            before = [a for a in actors if a.end_char <= vchar and (
                vchar - a.end_char <= 25 and "," not in text[a.end_char - base : verb_start]
                or "," in text[a.end_char - base : verb_start]  # the appositive's comma
                and appositive(text[a.end_char - base : verb_start]))]
            after = [a for a in actors if a.start_char >= base + verb_end and a.start_char - (base + verb_end) <= 60]
            # "..., said Gen. Kurilla, commander of CENTCOM": inversion follows a comma or a quote
            inverted = text[verb_start:verb_end] in SPEECH_VERBS and head.rstrip(REGEX_WHITESPACE)[-1:] in (",", '"', "”", "’")
            if before:
                return before[-1].label
            if after and inverted:
                return after[0].label
            subject = named_subject(head, near)
            if subject:
                return named_party(subject.group(1))
            if body_spokesman_before(head, near):
                return "__previous__"  # "ministry spokesman Karwan Hassan told Rudaw"
    if document_says(text):
        return "__previous__"
    # the match's colon is the last one (none of the characters after it is one)
    stripped = text.strip()
    headline = HEADLINE_SOURCE.match(stripped, stripped.rfind(":")) if ":" in stripped else None
    if headline:
        for a in sent.actors:
            if a.label == headline.group(1) or ctx.text_of[a.start_char : a.end_char] == headline.group(1):
                owned = [b for b in sent.actors if b.start_char > a.end_char and
                         POSSESSIVE_GAP.match(ctx.text_of[a.end_char : b.start_char])]
                return (owned[0] if owned else a).label  # "the Kurdistan Region's Ministry of Peshmerga"
    return None


DOCUMENT_SAYS = Guarded(regex.compile(r"(?:statement|report|release|data|figures)\s+(?:\w+\s+){0,2}"
                                      r"(?:showed|shows|said|says|states|stated|mentioned|indicates)", regex.IGNORECASE),
                        ["statement", "report", "release", "data", "figures"])
DOCUMENT_SAYS_VERBS = ("show", "said", "says", "state", "mentioned", "indicates")  # in each of its verbs


def document_says(text: str) -> bool:
    """``DOCUMENT_SAYS.search(text)`` found something; a match holds one of its verbs."""
    if text.isascii():
        low = text.lower()
        for verb in DOCUMENT_SAYS_VERBS:
            if verb in low:
                break
        else:
            return False
    return DOCUMENT_SAYS.search(text) is not None


KNOWN_AS = Guarded(regex.compile(r"\b(?:(?:formally|officially|also|better|formerly)\s+known\s+as|"
                                 r"known\s+(?:formally|officially)\s+as)\b", regex.IGNORECASE), ["known"])


def known_as(ctx: Context) -> Dict[str, str]:
    """"the Coalition ..., formally known as CJTF-OIR": in this text one name stands for the other."""
    out: Dict[str, str] = {}
    for m in (KNOWN_AS.pattern.finditer(ctx.text_of) if ctx.may_match(KNOWN_AS) else []):
        before = [a for a in ctx.actors if a.end_char <= m.start() and m.start() - a.end_char <= 120 and a.label not in ISIS_NAMES]
        after = [a for a in ctx.actors if a.start_char >= m.end() and a.start_char - m.end() <= 80]
        if before and after and before[-1].label != after[0].label:
            out[before[-1].label] = after[-1].label
    return out


def outlet_name(ctx: Context, outlet: Optional[str], names: Dict[str, str]) -> Optional[str]:
    """An outlet that is itself an actor ("U.S. Central Command (press release)") by its canonical name."""
    if not outlet:
        return outlet
    bare = rx(r"\s*\([^)]*\)\s*$").sub("", outlet).strip().lower()
    name = names.get(bare)
    if name and name not in ISIS_NAMES:
        return name
    words = bare.split()
    for n in range(min(4, len(words)), 0, -1):  # "UN OCHA": the UN
        for i in range(len(words) - n + 1):
            name = names.get(" ".join(words[i : i + n]))
            if name and name not in ISIS_NAMES and (n > 1 or words[i].isalpha() and len(words[i]) > 1):
                return name
    low = outlet.lower()
    best = None
    for a in ctx.actors:
        surface = ctx.text_of[a.start_char : a.end_char].lower()
        if low.startswith(surface) and len(surface) >= 3 and (best is None or len(surface) > best[1]):
            best = (a.label, len(surface))
    return best[0] if best and best[0] not in ISIS_NAMES else outlet


def quote_attributions(ctx: Context, attributions: List[Optional[str]]) -> Dict[int, Optional[str]]:
    """A quotation running over several sentences is attributed where it closes ('..." SOHR said.')."""
    out: Dict[int, Optional[str]] = {}
    for i, sent in enumerate(ctx.sentences):
        body = sent.text.lstrip()
        if body[:1] not in ('"', "“") or attributions[i]:
            continue
        for j in range(i, min(len(ctx.sentences), i + 4)):
            other = ctx.sentences[j]
            if other.paragraph != sent.paragraph:
                break
            chunk = other.text
            if ("”" in chunk or (j > i and '"' in chunk) or chunk.count('"') >= 2) and attributions[j]:
                out[i] = attributions[j]
                break
    return out


CAPTION_CUE = Guarded(regex.compile(r"\b(?:Photo|Image of|Getty Images|REUTERS/|AFP/|AP/)"),
                      ["Photo", "Image of", "Getty Images", "REUTERS/", "AFP/", "AP/"])


def caption_sentences(ctx: Context) -> Set[int]:
    """Photo captions and credits: their places and dates are not the story's."""
    out: Set[int] = set()
    previous_credit = -2
    for sent in ctx.sentences:
        chunk = sent.text
        if ctx.may_match(CAPTION_CUE) and CAPTION_CUE.search(chunk):
            out.add(sent.index)
            previous_credit = sent.paragraph
        elif sent.paragraph == previous_credit + 1 and not sent.figures and len(ctx.sentences) > 8:
            out.add(sent.index)
    return out


def resolve_actor_source(label: str, main: Optional[str]) -> str:
    """"according to the US military" names the document's main military source when it has one."""
    if label == "US military" and main:
        return main
    return label


def named_party(name: str) -> Optional[str]:
    """A party named as the text names it, or ``"__previous__"`` for a generic reference
    ("the statement", "a spokesman") to the party named before."""
    name = " ".join(name.split()).strip(" ,.")
    low = name.lower()
    if GENERIC_SOURCES.match(low) or low.startswith(("the report", "the statement", "a statement", "the release")) \
            or generic_speaker(low):
        return "__previous__"  # the party last named, else the document's main source
    name = LEADING_ARTICLE.sub("", name)  # "a security source" -> "security source"
    if not name:
        return None
    return name


def main_source(ctx: Context, attributions: List[Optional[str]]) -> Optional[str]:
    """The document's main asserting party: the one most often attributed (first on ties)."""
    counts: Dict[str, int] = {}
    first: Dict[str, int] = {}
    media = {a.label for a in ctx.actors if a.kind == "media"}
    for index, name in enumerate(attributions):
        if not name or name in ("__previous__", "US military") or name in media:
            continue
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, index)
    if not counts:
        # no attribution names anyone: the first organisation the figures are told of
        for sent in ctx.sentences:
            if not sent.figures:
                continue
            for a in sent.actors:
                if a.start < sent.figures[0].qstart and a.label not in ISIS_NAMES and a.label not in media \
                        and a.label != "US military" and a.kind in ("us_military", "coalition", "security",
                                                                     "government", "monitor", "organisation", "international"):
                    return a.label
        return None
    return sorted(counts, key=lambda k: (-counts[k], first[k]))[0]


# ---------------------------------------------------------------------------

def figure_evidence(ctx: Context, sent: Sentence, fig: Figure) -> dict:
    text = ctx.text_of
    figure_start, figure_end = fig.data["start_char"], fig.data["end_char"]
    span = fig.event_span if fig.event_span and fig.noun not in ("operation", "strike", "engagement", "attack") else None
    if span is None and fig.noun_tokens[1] > fig.noun_tokens[0]:
        span = fig.noun_tokens
    trigger = trigger_start = trigger_end = None
    if span is not None and span[1] > span[0]:
        trigger_start, trigger_end = ctx.token_starts[span[0]], ctx.token_ends[span[1] - 1]
        trigger = text[trigger_start:trigger_end]
    return {
        "sentence": sent.text,
        "sentence_start": sent.start_char,
        "sentence_end": sent.end_char,
        "figure": text[figure_start:figure_end],
        "figure_start": figure_start,
        "figure_end": figure_end,
        "trigger": trigger,
        "trigger_start": trigger_start,
        "trigger_end": trigger_end,
    }


def is_headline(ctx: Context, sent: Sentence) -> bool:
    text = sent.text.strip()
    return bool(text) and text[-1] not in ".!?\"”’'" and sent.index < 6


def introduces_list(text: str) -> bool:
    """"By country:", "They are distributed as follows:": what follows continues the account."""
    stripped = text.strip()
    return stripped.endswith(":") or len(stripped.split()) < 4


BULLET = regex.compile(r"^\s*[-•*–—]\s+")
BULLETS = frozenset("-•*–—")


def is_bullet(text: str) -> bool:
    """``BULLET.match(text)`` found something: white space, a bullet, white space."""
    i = 0
    n = len(text)
    while i < n and text[i] in REGEX_SPACE_SET:
        i += 1
    return i + 1 < n and text[i] in BULLETS and text[i + 1] in REGEX_SPACE_SET


def break_down_total(ctx: Context, sent: Sentence, previous: Sentence,
                     claims: List[Tuple[dict, int]], single: bool = False) -> List[Tuple[dict, int]]:
    """"IS killed 229 people ... The figure, which includes 136 SDF members and 93 civilians":
    the total mixed two kinds, so it is not a claim; its parts are, with its event, place
    and period. A list item (``single``) is one part of such a breakdown."""
    if not single and len({f.noun for f in sent.figures if f.noun}) < 2:
        return claims
    if single and not any(f.noun == "person" for f in previous.figures):
        return claims
    total_scope = previous.total_scope
    for f in previous.figures:
        if f.noun == "person" and not f.mixed:
            f.metric = None
            f.mixed = True
            total_scope = next(((c["place"], c["period"]) for c, fid in claims if fid == id(f)), total_scope)
            claims = [(c, fid) for c, fid in claims if fid != id(f)]
    previous.total_scope = total_scope
    event = next((f.event for f in previous.figures if f.event), None) or first_event(ctx, previous)
    if event:
        for f in sent.figures:
            if f.metric is None and f.noun not in (None, "casualty", "thing"):
                f.event = event
                f.metric = ctx.lex.metric(f.noun, event)
                f.scope = total_scope
    return claims


def claim_dict(ctx: Context, sent: Sentence, fig: Figure, place: List[str],
               period: Optional[Tuple[str, str]], source: Optional[str]) -> dict:
    """A claim in the gold format, with its evidence."""
    data = fig.data
    qualifier = data["qualifier"]
    k = sent.figures.index(fig)
    if qualifier == "exact" and fig.anaphoric and k > 0 and ctx.words[fig.qstart - 1] == "and" \
            and sent.figures[k - 1].data["qualifier"] in ("approx", "at_least", "at_most"):
        qualifier = sent.figures[k - 1].data["qualifier"]  # "roughly 10,000 in Syria and 20,000 in Iraq"
    claim = {"metric": fig.metric, "value": data["value"], "qualifier": qualifier}
    if data["qualifier"] == "range" and data["value_max"] is not None:
        claim["value_max"] = data["value_max"]
    claim["place"] = place
    claim["period"] = {"start": period[0], "end": period[1]} if period else None
    claim["source"] = source
    claim["evidence"] = figure_evidence(ctx, sent, fig)
    return claim


def resolve_claims(doc: Doc, triggers: "dict | Compiled", published: Optional[dt.date], outlet: Optional[str],
                   actors_key: str = "isis_actors", places_key: str = "isis_places",
                   actor_names: Optional[Dict[str, str]] = None) -> List[dict]:
    """All claims of a tagged doc as plain dicts in the gold format (plus ``evidence``)."""
    if not doc_attribute(doc, "isis_figures"):
        return []
    lex = triggers if isinstance(triggers, Compiled) else compile_triggers(triggers)
    ctx = Context(doc, lex, actors_key, places_key)
    if not ctx.figures:
        return []  # every figure was part of a name
    reference = published
    if reference is None:
        reference_date = doc_attribute(doc, "reference_date")
        if reference_date:
            reference = dt.date.fromisoformat(reference_date)
    equivalent = known_as(ctx)
    for a in ctx.actors:
        a.label = equivalent.get(a.label, a.label)
    outlet = outlet_name(ctx, outlet, actor_names or {})
    first_pass = [attribution_in(ctx, sent) for sent in ctx.sentences]
    main = main_source(ctx, first_pass)
    quoted = quote_attributions(ctx, first_pass)
    captions = caption_sentences(ctx)
    places, periods, sources = PlaceState(), PeriodState(), SourceState()
    claims: List[Tuple[dict, int]] = []
    prev_person: Optional[Figure] = None
    previous_sentence: Optional[Sentence] = None
    total_sentence: Optional[Sentence] = None  # the last sentence with figures that is not a list item
    # what the sentences after the last figure say changes nothing: stop there
    last_with_figures = max(f.sent for f in ctx.figures)
    for sent in ctx.sentences[: last_with_figures + 1]:
        if sent.index in captions:
            continue
        mentions = usable_places(ctx, sent)
        times = period_times(ctx, sent)
        sentence_text = sent.text
        said_by = first_pass[sent.index]
        attributed = resolve_actor_source(said_by, main) if said_by else None
        attributed = attributed or quoted.get(sent.index)
        if ctx.may_match(OUTLET_VOICE) and OUTLET_VOICE.search(sentence_text):
            attributed = outlet
        if attributed == "__previous__":
            attributed = sources.last_speaker or main
        elif attributed and attributed != outlet:
            sources.last_speaker = attributed
        if sent.figures:
            classify(ctx, sent, prev_person)
            if previous_sentence is not None and TOTAL_REFERENCE.search(sentence_text):
                claims = break_down_total(ctx, sent, previous_sentence, claims)
            elif is_bullet(sentence_text) and total_sentence is not None:
                # "... has risen to 174. They are distributed as follows: - 112 soldiers - 28 civilians"
                claims = break_down_total(ctx, sent, total_sentence, claims, single=True)
            if not is_bullet(sentence_text):
                total_sentence = sent
        # sources: sentence attribution, else the running one while the chain holds
        if attributed:
            sources.current = attributed
        elif not sent.figures and not is_headline(ctx, sent) and not introduces_list(sentence_text):
            sources.current = None  # a sentence with neither figures nor attribution ends the chain
        if sent.figures:
            if not attributed and sources.current is None and main:
                # "In response, CENTCOM ... has conducted 196 missions": the main source's own account
                first_figure = sent.figures[0].qstart
                if any(a.label == main and a.start < first_figure for a in sent.actors):
                    sources.current = main
            for fig in sent.figures:
                if fig.metric is None or fig.mixed:
                    continue
                kind = lex.metric_kind.get(fig.metric, "flow")
                place = resolve_place(ctx, sent, fig, places, mentions)
                if fig.scope is not None:
                    place = list(fig.scope[0])
                camps_here = [m.label for m in mentions if m.kind == "camp"]
                if fig.metric == "camp_population" and not any(name in camps_here for name in place):
                    if camps_here:
                        place = list(dict.fromkeys(camps_here))  # people "from Syria, Iraq" live in the camp
                    elif places.last_camps and not (ctx.may_match(COUNTRY_REF) and COUNTRY_REF.search(sentence_text)) and (
                            not place or set(place) <= {"Hasakah", "Syria"} or rx(r"\bcamps?\b").search(sentence_text)):
                        place = list(places.last_camps)  # "the camp is home to ...": the camp named before
                period = resolve_period(ctx, sent, fig, kind, periods, reference, times)
                if fig.scope is not None:
                    scoped = fig.scope[1]
                    period = (scoped["start"], scoped["end"]) if scoped else period
                source = attributed or sources.current or outlet
                if fig.metric == "troops" and not attributed:
                    source = outlet  # troop levels are the outlet's background unless attributed
                claim = claim_dict(ctx, sent, fig, place, period, source)
                claim["_headline"] = is_headline(ctx, sent)
                claim["_explicit"] = bool(attributed)
                claims.append((claim, id(fig)))
            people = [f for f in sent.figures if f.noun in ("isis_member", "leader", "civilian", "security", "person", "detainee", "troop")]
            if people:
                prev_person = people[-1]
            previous_sentence = sent
        update_place_state(ctx, sent, places, mentions)
        update_period_state(ctx, sent, periods, times)
    mixed_values = {f.data["value"] for f in ctx.figures if f.mixed}
    kept = [c for c, _ in claims if not (c["_headline"] and c["value"] in mixed_values)]
    return merge_repeats(kept)


def merge_repeats(claims: List[dict]) -> List[dict]:
    """A figure repeated (headline and body) is one claim: keep the best-informed telling."""
    def score(c: dict) -> Tuple[int, int, int, int]:
        return (0 if c["_headline"] else 1, int(c["_explicit"]), int(c["period"] is not None), len(c["place"]))

    kept: Dict[Tuple, dict] = {}
    order: List[Tuple] = []
    for c in claims:
        key: Tuple = (c["metric"], c["value"], c.get("value_max"))
        if key not in kept:
            kept[key] = c
            order.append(key)
            continue
        old = kept[key]
        same_scope = old["_headline"] or c["_headline"] or not old["place"] or not c["place"] or (
            set(old["place"]) & set(c["place"]))
        if not same_scope:
            key = key + (len(order),)
            kept[key] = c
            order.append(key)
            continue
        best, other = (c, old) if score(c) > score(old) else (old, c)
        if best["period"] is None and other["period"] is not None:
            best["period"] = other["period"]
        if not best["_explicit"] and other["_explicit"]:
            best["source"] = other["source"]
        if not best["place"] and other["place"]:
            best["place"] = other["place"]
        kept[(c["metric"], c["value"], c.get("value_max"))] = best
        # the first key keeps its place in the order
        first_key = next(k for k in order if k[:3] == (c["metric"], c["value"], c.get("value_max")))
        kept[first_key] = best
    out = []
    for key in order:
        c = dict(kept[key])
        c.pop("_headline", None)
        c.pop("_explicit", None)
        out.append(c)
    return out
