"""TimeTagger: time expressions and the periods they denote.

Finds dates, months, years, quarters, halves, ranges and relative expressions
("last year", "since January", "so far this year", "yesterday") with one
alternation of patterns, tried near the words and digits they hold, and resolves
each against the doc's reference date (the publication date, else a dateline in
the text). A relative expression with no reference date stays unresolved: the
rule layer never guesses.

Results: ``doc._.isis_times`` (list of dicts with character offsets, ``kind``,
``start``/``end`` ISO dates or ``None``) and ``doc.spans["isis_times"]``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Dict, List, Optional, Sequence, Tuple

import regex
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from .component import Component
from .extensions import doc_published, doc_text, set_doc_attribute
from .patterns import (
    BranchDispatch,
    anchored_dispatch_matches,
    anchored_matches,
    is_word_char,
    labelled_char_spans,
    plain_lower,
    rx,
    word_shape,
    word_shapes,
    word_trie,
)

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "final": 4, "last": 4}
COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

MONTH = r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|jun(?:e|\.)?|jul(?:y|\.)?|aug(?:ust|\.)?|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"  # not the "20" of "June 2024"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
REL_YEAR = r"(?:this|last|the|the\s+previous|the\s+current)\s+year"
YEARISH = rf"(?:{YEAR}|{REL_YEAR})"
MDATE = rf"(?:{MONTH}\s+{DAY}(?:,+\s*{YEAR})?|{DAY}[^\S\n]+{MONTH}(?:,?\s*{YEAR})?)"  # "02\nJuly" is not a date
MONTHISH = rf"(?:(?:last|this)\s+{MONTH}|{MONTH}(?:\s*,?\s*{YEAR})?)"
NUM = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

PATTERNS: List[Tuple[str, str]] = [
    ("range", rf"(?:from|between)\s+(?P<a>{MDATE}|{MONTHISH})\s+(?:to|through|until|till|and)\s+(?P<b>{MDATE}|{MONTHISH})"),
    ("range", rf"(?P<a>{MONTH})\s*(?:-|–|—|to|through|until)\s*(?P<b>{MDATE}|{MONTHISH})"),
    ("year_range", rf"(?:from|between)\s+(?P<a>{YEAR})\s+(?:to|and|until|through)\s+(?P<b>{YEAR})"),
    ("year_range", rf"(?P<a>{YEAR})\s*(?:-|–)\s*(?P<b>{YEAR}|\d\d)(?![\d-])"),  # not "2024-07" of an ISO date
    ("months", rf"(?:the\s+)?first\s+(?P<n>{NUM})\s+months\s+of\s+(?P<y>{YEARISH})"),
    ("quarter", rf"(?:the\s+)?(?P<q>first|second|third|fourth|final|last|1st|2nd|3rd|4th)\s+quarter(?:\s+of\s+(?P<y>{YEARISH}))?"),
    ("quarter", rf"\bQ(?P<q>[1-4])(?:\s*(?P<y>{YEAR}))?"),
    ("half", rf"(?:the\s+)?(?P<h>first|second|1st|2nd|latter)\s+half\s+of\s+(?P<y>{YEARISH})"),
    ("half", rf"\bH(?P<h>[12])\s*(?P<y>{YEAR})"),
    ("iso", r"(?P<y>20[0-4]\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:T[\d:.+]+(?:Z|[+-]\d{4})?)?"),
    ("numeric", r"(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{2}|\d{4})"),
    ("since", rf"(?:since|from)\s+(?:the\s+(?:beginning|start)\s+of\s+)?(?P<a>{MDATE}|{MONTHISH}|{YEAR}|(?:this|the)\s+year)"),
    ("began", rf"(?:began|launched|started|begun|kicked\s+off)\s+(?:[\w\"“”'’,-]+\s+){{0,8}}?(?:on\s+)?(?P<a>{MDATE})"),
    ("since", rf"since\s+(?:[\w-]+\s+){{1,3}}(?:began|started|begun|resumed)\s+(?:in\s+|on\s+)?(?P<a>{MDATE}|{MONTHISH}|{YEAR})"),
    ("since_day", rf"since\s+(?:launching|starting|beginning|the\s+(?:launch|start)\s+of)\s+(?:[\w\"“”'’-]+\s+){{0,10}}?on\s+(?P<w>{WEEKDAY})"),
    ("so_far_year", rf"so\s+far\s+(?:this\s+year|in\s+{YEAR}|for\s+{YEAR}|in\s+the\s+year)|so\s+far\s+in\s+(?P<y>{YEAR})|so\s+far\s+for\s+(?P<y2>{YEAR})"),
    ("year_start", r"(?:the\s+)?(?:start|beginning|turn)\s+of\s+(?:the|this)\s+year"),
    ("date", MDATE),
    ("weekday", rf"(?:(?:late|early)\s+)?(?:on\s+)?(?:last\s+)?(?P<w>{WEEKDAY})(?:\s+(?:night|morning|evening|afternoon))?"),
    ("relative", r"(?:the\s+day\s+before\s+yesterday|yesterday|today|tonight)"),
    ("past_n", rf"(?:the\s+)?(?:past|last|previous)\s+(?P<n>{NUM}|few)?\s*(?P<u>days?|weeks?|months?|years?)"),
    ("this_unit", r"(?:so\s+far\s+)?(?:earlier\s+|later\s+)?this\s+(?P<u>week|month|year)"),
    ("anaphoric", r"(?:that|the\s+same|the\s+next|the\s+following|the\s+previous|the\s+preceding|the\s+prior)\s+(?:month|period|year|week|quarter|half|date|day)|over\s+the\s+(?:course\s+of\s+the\s+)?year|(?:during|throughout)\s+the\s+year"),
    ("month", MONTHISH),
    ("year", rf"(?<![\d,.$])(?P<y>{YEAR})(?!\d|,\d|\s*(?:percent|%))"),
    ("so_far", r"so\s+far|to\s+date"),
]
# The time expressions are the alternation of these patterns, case-insensitive: at a
# place, the first pattern that matches wins. ``TIME_MATCHER`` (below) runs it.
KIND_OF = {f"k{i}": kind for i, (kind, _) in enumerate(PATTERNS)}


# What every time expression holds: a digit, a month or weekday name, or a time word.
ANCHOR_WORDS = (
    rf"{MONTH}|{WEEKDAY}|years?|months?|weeks?|days?|quarter|half|yesterday|today|tonight|"
    r"far|date|since|began|launched|started|begun|kicked|period"
)
TIME_ANCHOR_RE = regex.compile(rf"[0-9]+|\b(?:{ANCHOR_WORDS})\b", regex.IGNORECASE)
# The words a time expression can start with, before its anchor.
TIME_STARTERS = frozenset(
    "from between since the late early on last this that over during throughout so to first second "
    "third fourth final 1st 2nd 3rd 4th latter past previous preceding prior next following earlier "
    "later began launched started begun kicked mid".split()
)
# The alternation's match at a place, trying only the patterns that can begin with the next
# six characters ("the pa" may begin "the past week", "the ki" nothing); ``kind_of`` reads
# the pattern off the match.
TIME_MATCHER = BranchDispatch(
    [(f"k{i}", p) for i, (_, p) in enumerate(PATTERNS)], regex.IGNORECASE, ascii_in_re=True
)
KIND_OF_PATTERN = {compiled: KIND_OF[name] for compiled, name in TIME_MATCHER.name_of.items()}
KIND_OF_PATTERN_ID = {id(compiled): kind for compiled, kind in KIND_OF_PATTERN.items()}
# The strings ANCHOR_WORDS matches, spelled out (see the test in ``time_matches``).
ANCHOR_WORD_LIST = frozenset(
    "jan jan. january feb feb. february mar mar. march apr apr. april may jun jun. june jul jul. july "
    "aug aug. august sep sep. sept sept. september september. oct oct. october nov nov. november "
    "dec dec. december monday tuesday wednesday thursday friday saturday sunday year years month months "
    "week weeks day days quarter half yesterday today tonight far date since began launched started "
    "begun kicked period".split()
)
# The anchors and the starter words in one pass, with ``re`` over the lowered text (see
# ``plain_lower``): a digit run, or a word that is an anchor, a starter or both ("since"),
# the words as a trie. "1st" is read as the digit run "1"; ``ORDINAL_STARTER_AT`` tells
# whether it is a starter word. The lookahead first lets ``re`` skip the characters that
# begin nothing; an ASCII text is scanned as bytes, which ``re`` does quicker, alike.
# ``anchor_and_starter_starts`` reads the same by a compiled walk over the text, faster
# still; the scan stays as its definition (tests/test_fast_paths.py compares the two).
ORDINAL_STARTERS = frozenset(["1st", "2nd", "3rd", "4th"])
_SCANNED_WORDS = ANCHOR_WORD_LIST | (TIME_STARTERS - ORDINAL_STARTERS)
_SCAN = (
    "(?=[0-9" + "".join(sorted({word[0] for word in _SCANNED_WORDS})) + "])"
    r"(?:[0-9]+|\b(" + word_trie(_SCANNED_WORDS) + r")\b)"
)
ANCHORS_AND_STARTERS_SCAN = re.compile(_SCAN)
ANCHORS_AND_STARTERS_SCAN_BYTES = re.compile(_SCAN.encode("ascii"))
ORDINAL_STARTER_AT = re.compile(r"\b(?:1st|2nd|3rd|4th)\b")
ORDINAL_STARTER_AT_BYTES = re.compile(rb"\b(?:1st|2nd|3rd|4th)\b")
# a scanned word (str or bytes) -> (is an anchor, is a starter)
SCANNED_WORD_ROLES = {
    spelling: (word in ANCHOR_WORD_LIST, word in TIME_STARTERS)
    for word in _SCANNED_WORDS
    for spelling in (word, word.encode("ascii"))
}


def time_matches(text: str) -> List["regex.Match"]:
    """The time expressions (matches of the ``PATTERNS`` alternation), tried only near a
    digit, month, weekday or time word (see ``anchored_matches``).

    >>> [m.group(0) for m in time_matches("From January to June 2024, and on Monday")]
    ['From January to June 2024', 'on Monday']

    ``TIME_MATCHER`` may pick the patterns by six characters (see ``BranchDispatch``):

    >>> all("(?=" not in p and "(?<=" not in p and r"\\b" not in p[1:] for _, p in PATTERNS)
    True

    The lowered scan finds the anchors ``TIME_ANCHOR_RE`` finds: the same words.

    >>> import string; from isisfacts.patterns import finite_language
    >>> sorted(finite_language(ANCHOR_WORDS, string.ascii_lowercase + ".")) == sorted(ANCHOR_WORD_LIST)
    True
    """
    low = plain_lower(text)
    if low is None:  # a character the lowered scan would read differently ("İ"): the slow, sure way
        return list(anchored_matches(text, TIME_MATCHER, TIME_ANCHOR_RE, TIME_STARTERS, reach=64))
    anchor_starts, starter_starts = anchor_and_starter_starts(low)
    return anchored_dispatch_matches(text, TIME_MATCHER, anchor_starts, starter_starts, TIME_STARTERS, 64)


# The longest word ANCHORS_AND_STARTERS_SCAN reads ("jan." is read as "jan": see below).
_LONGEST_SCANNED_WORD = max(len(word) for word in _SCANNED_WORDS)
# a scanned word (without the dot of "jan.") -> (is an anchor, is a starter)
SCANNED_WORD_ROLES_STR: Dict[str, Tuple[bool, bool]] = {word: roles for word, roles in SCANNED_WORD_ROLES.items() if isinstance(word, str)}


# the shapes of the words (not "jan."): the walk below looks a word up only if it has one
SCANNED_WORD_SHAPES = word_shapes(SCANNED_WORD_ROLES_STR)


def anchor_and_starter_starts(low: str) -> Tuple[List[int], List[int]]:
    """Where the matches of ``ANCHORS_AND_STARTERS_SCAN`` in ``low`` (a ``plain_lower``
    text) start: the anchors' starts, and the starter words' (with "1st"...).

    The scan, run by ``re``, costs about 0.15 us a character; this walk over the word
    characters (``re``'s ``\\w``: ASCII letters, digits, "_", and what ``str.isalnum`` takes)
    reads the same: a scanned word is a whole run of word characters (the scan has ``\\b``
    on both sides; "jan." matches only where "jan" does), a digit run may lie anywhere.

    >>> anchor_and_starter_starts("since the 3rd of may, 2024 days")
    ([0, 10, 17, 22, 27], [0, 6, 10])
    """
    anchors: List[int] = []
    starters: List[int] = []
    # module globals, read once: compiled code looks each up in the module's dict
    roles_of = SCANNED_WORD_ROLES_STR
    shapes = SCANNED_WORD_SHAPES
    longest = _LONGEST_SCANNED_WORD
    ordinals = ORDINAL_STARTERS
    size = len(low)
    i = 0
    while i < size:
        code = ord(low[i])
        if not _is_word_code(low, i, code):
            i += 1
            continue
        start = i
        has_digit = False
        while True:  # to the end of the run of word characters
            if 48 <= code <= 57:
                has_digit = True
            i += 1
            if i >= size:
                break
            code = ord(low[i])
            if not _is_word_code(low, i, code):
                break
        if has_digit:  # no scanned word holds a digit: the digit runs are the anchors
            j = start
            while j < i:
                code = ord(low[j])
                if 48 <= code <= 57:
                    anchors.append(j)
                    if j == start and i - start == 3 and low[start:i] in ordinals:
                        starters.append(j)
                    j += 1
                    while j < i and 48 <= ord(low[j]) <= 57:
                        j += 1
                else:
                    j += 1
        elif 2 <= i - start <= longest:
            first, last = ord(low[start]), ord(low[i - 1])
            if 97 <= first <= 122 and 97 <= last <= 122 and shapes[word_shape(first, last, i - start)]:
                roles = roles_of.get(low[start:i])
                if roles is not None:
                    if roles[0]:
                        anchors.append(start)
                    if roles[1]:
                        starters.append(start)
    return anchors, starters


def _is_word_code(low: str, i: int, code: int) -> bool:
    """Whether ``low[i]`` (code point ``code``) is a word character to ``re`` (``\\w``)."""
    if code < 128:
        return 97 <= code <= 122 or 48 <= code <= 57 or code == 95 or 65 <= code <= 90
    return low[i].isalnum()


def kind_of(m: "regex.Match") -> str:
    # by the pattern's id: hashing a compiled pattern hashes its whole code, at every call
    return KIND_OF_PATTERN_ID[id(m.re)]


# compiled once, not looked up at every call
YEAR_RE = rx(YEAR)
DAY_RE = rx(DAY)
NON_DIGIT_RE = rx(r"\D")
LAST_OR_THIS_RE = rx(r"\s*(?:last|this)\b", regex.IGNORECASE)
DATELINE_DIGITS_RE = rx(r"\d{2,4}\s*$|T|\d")
MONTH_CONTEXT_RE = rx(r"\b(in|on|since|from|until|through|by|of|during|early|late|mid|last|this|to)\s*-?\s*$")


def is_year_word(word: str) -> bool:
    """``YEAR_RE.fullmatch(word)``, as a bool (natively for an ASCII word).

    >>> is_year_word("2024"), is_year_word("1949"), is_year_word("20245")
    (True, False, False)
    """
    if not word.isascii():  # regex's \d takes other digits too
        return YEAR_RE.fullmatch(word) is not None
    if len(word) != 4:
        return False
    first, second, third, fourth = ord(word[0]), ord(word[1]), ord(word[2]), ord(word[3])
    return 48 <= fourth <= 57 and (
        (first == 49 and second == 57 and 53 <= third <= 57) or (first == 50 and second == 48 and 48 <= third <= 52)
    )


def is_day_word(word: str) -> bool:
    """``DAY_RE.fullmatch(word)``, as a bool (natively for an ASCII word): 1-31, maybe
    with a leading 0 below 10, maybe with "st", "nd", "rd" or "th" (in lowercase).

    >>> [is_day_word(w) for w in ("5", "05", "31st", "32", "3th", "0", "1St")]
    [True, True, True, False, True, False, False]
    """
    if not word.isascii():
        return DAY_RE.fullmatch(word) is not None
    digits = word[:-2] if word.endswith(("st", "nd", "rd", "th")) else word
    if len(digits) == 1:
        return "1" <= digits <= "9"
    if len(digits) != 2 or not digits.isdigit():
        return False
    first, second = digits[0], digits[1]
    if first == "1" or first == "2":
        return True
    if first == "3":
        return second == "0" or second == "1"
    return first == "0" and second != "0"


def day_digits(word: str) -> str:
    """``NON_DIGIT_RE.sub("", word)``: the digits of a day word ("31st" -> "31").

    >>> day_digits("31st"), day_digits("0x5")
    ('31', '05')
    """
    if not word.isascii():  # regex's \D leaves other digits too
        return NON_DIGIT_RE.sub("", word)
    if word.isdigit():
        return word
    return "".join([char for char in word if "0" <= char <= "9"])


def month_number(text: str) -> Optional[int]:
    return MONTHS.get(text.lower().rstrip(".").strip())


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class Resolver:
    """Resolve the pieces of one document against its reference date and year context."""

    def __init__(self, reference: Optional[dt.date], headline_year: Optional[int] = None):
        self.reference = reference
        # an undated text whose headline names one year: its "this year" is that year
        self.headline_year = headline_year if reference is None else None
        self.context_year: Optional[int] = None  # the last explicit year mentioned
        self.context_at = -(10**9)  # where it was mentioned
        self.position = 0  # where the expression being resolved starts

    def year_for_month(self, month: int) -> Optional[int]:
        # a month without a year takes the year just named ("In January 2022 ... by March"),
        # else the last such month before the reference date ("in March", in a story of November)
        if self.context_year is not None and (self.reference is None or self.position - self.context_at < 400):
            return self.context_year
        if self.reference is None:
            return None
        return self.reference.year if month <= self.reference.month else self.reference.year - 1

    def year_of(self, text: Optional[str]) -> Optional[int]:
        if not text:
            return self.context_year or (self.reference.year if self.reference else None)
        low = " ".join(text.lower().split())
        if YEAR_RE.fullmatch(low):
            return int(low)
        if self.reference is None:
            return self.headline_year if low in ("this year", "the current year") else None
        if low in ("this year", "the current year", "the year"):
            return self.reference.year
        if low in ("last year", "the previous year"):
            return self.reference.year - 1
        return None

    def date_piece(self, text: str) -> Optional[Tuple[dt.date, dt.date]]:
        """A month ("March", "March 2024", "last March") or a day ("March 5, 2024")."""
        low = " ".join(text.lower().replace(",", " ").split())
        words = low.split()
        relative = None
        if words and words[0] in ("last", "this"):
            relative, words = words[0], words[1:]
        if not words:
            return None
        month = month_number(words[0])
        day = year = None
        rest = words[1:]
        if month is None and len(words) >= 2 and month_number(words[1]):
            day, month, rest = words[0], month_number(words[1]), words[2:]
        elif rest and is_day_word(rest[0]) and not is_year_word(rest[0]):
            day, rest = rest[0], rest[1:]
        if month is None:
            return None
        if rest and is_year_word(rest[0]):
            year = int(rest[0])
        elif relative and self.reference is not None:
            year = self.reference.year if (relative == "this" or month < self.reference.month) else self.reference.year - 1
        else:
            year = self.year_for_month(month)
        if year is None:
            return None
        if day is not None:
            d = int(day_digits(day))
            try:
                when = dt.date(year, month, d)
            except ValueError:
                return None
            return when, when
        return dt.date(year, month, 1), month_end(year, month)

    def resolve(self, kind: str, m: "regex.Match") -> Optional[Tuple[dt.date, dt.date]]:
        """The period ``m`` denotes, or ``None`` when it cannot be dated."""
        try:
            return self._resolve(kind, m)
        except (ValueError, OverflowError):
            return None  # date arithmetic out of range: "the past 2024 years" from 2024

    def _resolve(self, kind: str, m: "regex.Match") -> Optional[Tuple[dt.date, dt.date]]:
        # Compiled (hatch_build.py), a variable has one type in the whole function, and the
        # group values are untyped: a name is not reused across branches for another type.
        g = m.groupdict()
        ref = self.reference
        if kind == "range":
            a, b = self.date_piece(g["a"]), self.date_piece(g["b"])
            if b and not YEAR_RE.search(g["a"]) and not LAST_OR_THIS_RE.match(g["a"]):
                # "January to June 2024": the first month takes the second's year
                a = self.date_piece(f"{g['a']} {b[0].year}")
                if a and a[0] > b[1]:  # "November to February 2024"
                    a = self.date_piece(f"{g['a']} {b[0].year - 1}")
            return (a[0], b[1]) if a and b and a[0] <= b[1] else None
        if kind == "year_range":
            first, last = int(g["a"]), g["b"]
            end_year = int(last) if len(last) == 4 else (first // 100) * 100 + int(last)
            return (dt.date(first, 1, 1), dt.date(end_year, 12, 31)) if first <= end_year else None
        if kind == "months":
            months = COUNT_WORDS.get(g["n"].lower()) or (int(g["n"]) if g["n"].isdigit() else None)
            year = self.year_of(g["y"])
            return (dt.date(year, 1, 1), month_end(year, months)) if year and months and 1 <= months <= 12 else None
        if kind == "quarter":
            q = ORDINALS.get(g["q"].lower()) if not g["q"].isdigit() else int(g["q"])
            year = self.year_of(g.get("y"))
            if not (q and year):
                return None
            return dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q)
        if kind == "half":
            h = {"first": 1, "1st": 1, "1": 1}.get(g["h"].lower(), 2)
            year = self.year_of(g["y"])
            if not year:
                return None
            return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if h == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))
        if kind == "iso":
            try:
                d = dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
            except ValueError:
                return None
            return d, d
        if kind == "numeric":
            y = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
            try:
                d = dt.date(y, int(g["m"]), int(g["d"]))
            except ValueError:
                return None
            return d, d
        if kind == "since":
            if ref is None:
                return None
            since: str = g["a"]
            start: Optional[dt.date]
            if YEAR_RE.fullmatch(since.strip()):
                start = dt.date(int(since), 1, 1)
            elif since.lower().endswith("year"):
                start = dt.date(ref.year, 1, 1)
            else:
                piece = self.date_piece(since)
                start = piece[0] if piece else None
                if start and not YEAR_RE.search(since):
                    # "since January": the last January before the reference date
                    year = ref.year if start.month <= ref.month else ref.year - 1
                    start = start.replace(year=year)
            return (start, ref) if start and start <= ref else None
        if kind == "year_start":
            if ref is None:
                return None
            new_year = dt.date(ref.year, 1, 1)
            return new_year, new_year
        if kind == "since_day":
            if ref is None:
                return None
            back = (ref.weekday() - WEEKDAYS[g["w"].lower()]) % 7
            return ref - dt.timedelta(days=back), ref
        if kind == "began":
            piece = self.date_piece(g["a"])
            if piece and ref and piece[0] <= ref:
                return piece[0], ref
            return None
        if kind == "so_far_year":
            if ref is None:
                return None
            named = g.get("y") or g.get("y2")
            year = int(named) if named else ref.year
            return (dt.date(year, 1, 1), ref) if year == ref.year else (dt.date(year, 1, 1), dt.date(year, 12, 31))
        if kind == "date":
            return self.date_piece(m.group(0))
        if kind == "weekday":
            if ref is None:
                return None
            back = (ref.weekday() - WEEKDAYS[g["w"].lower()]) % 7
            day = ref - dt.timedelta(days=back)
            return day, day
        if kind == "relative":
            if ref is None:
                return None
            low = m.group(0).lower()
            back = 2 if "before" in low else (1 if "yesterday" in low else 0)
            day = ref - dt.timedelta(days=back)
            return day, day
        if kind == "past_n":
            if ref is None:
                return None
            unit = g["u"].lower().rstrip("s")
            n = g.get("n")
            n = 1 if not n or n.lower() == "few" else (COUNT_WORDS.get(n.lower()) or int(n) if n.isdigit() or n.lower() in COUNT_WORDS else 1)
            if g.get("n") is None and m.group(0).lower().split()[-2:-1] == ["last"] or (
                g.get("n") is None and "previous" in m.group(0).lower()
            ):
                # "last year", "last month", "last week": the previous calendar unit
                if unit == "year":
                    return dt.date(ref.year - 1, 1, 1), dt.date(ref.year - 1, 12, 31)
                if unit == "month":
                    prev = shift_months(ref.replace(day=1), -1)
                    return prev, month_end(prev.year, prev.month)
                if unit == "week" and "last" in m.group(0).lower().split()[:2]:
                    # "last week": the previous Monday-to-Sunday week ("the past week" is 7 days)
                    monday = ref - dt.timedelta(days=ref.weekday() + 7)
                    return monday, monday + dt.timedelta(days=6)
            days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
            if unit == "month":
                return shift_months(ref, -n), ref
            if unit == "year":
                return dt.date(ref.year - n, ref.month, min(ref.day, 28)), ref
            return ref - dt.timedelta(days=days), ref
        if kind == "this_unit":
            if ref is None:
                if self.headline_year and g["u"].lower() == "year":
                    return dt.date(self.headline_year, 1, 1), dt.date(self.headline_year, 12, 31)
                return None
            unit = g["u"].lower()
            if unit == "year":
                return dt.date(ref.year, 1, 1), ref
            if unit == "month":
                return ref.replace(day=1), ref
            return ref - dt.timedelta(days=ref.weekday()), ref
        if kind == "month":
            return self.date_piece(m.group(0))
        if kind == "year":
            y = int(g["y"])
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        return None  # anaphoric, so_far: for the rule layer


def find_dateline(text: str, matches: Optional[Sequence["regex.Match"]] = None) -> Optional[dt.date]:
    """A date written near the top of the text ("Jul. 17, 2024", "2022-01-22T15:38").

    ``matches`` are the text's time matches when the caller has them already.
    """
    head = text[:600]
    resolver = Resolver(None)
    found: List["regex.Match"]
    if matches is not None:  # in order and apart, so the ends grow: stop at the first past the head
        found = []
        head_size = len(head)
        for match in matches:
            if match.end() > head_size:
                break
            found.append(match)
    else:
        found = time_matches(head)
    for m in found:
        kind = kind_of(m)
        if kind in ("date", "iso", "numeric") and DATELINE_DIGITS_RE.search(m.group(0)):
            if kind == "date" and not YEAR_RE.search(m.group(0)):
                continue
            span = resolver.resolve(kind, m)
            if span and span[0] == span[1]:
                return span[0]
    return None


def headline_year(text: str) -> Optional[int]:
    """The one year a text's headline (a short first line) names, if it names one.

    >>> headline_year("Monitor: 625 killed in Syria in 2021\\n\\nThe group ..."), headline_year("No year here\\n")
    (2021, None)
    """
    start = 0  # text.lstrip()'s start, without copying the text
    while start < len(text) and text[start].isspace():
        start += 1
    line = text[start : start + 200].split("\n", 1)[0]
    if len(line) > 150 or line.rstrip().endswith("."):
        return None  # a sentence of the body, not a headline
    years = {int(y) for y in YEAR_RE.findall(line)}
    return years.pop() if len(years) == 1 else None


def tag_times(text: str, reference: Optional[dt.date],
              matches: Optional[Sequence["regex.Match"]] = None) -> List[Dict]:
    """All time expressions of ``text`` as dicts, resolved against ``reference``.

    >>> [t["start"] for t in tag_times("from January to June 2024", None)]
    ['2024-01-01']
    """
    resolver = Resolver(reference, headline_year(text) if reference is None else None)
    out: List[Dict] = []
    length = len(text)
    for m in time_matches(text) if matches is None else matches:
        start, end = m.span()
        if start > 0 and is_word_char(text[start - 1]):
            continue  # inside a word ("Mayadin" is not "May")
        if end < length and text[end].isalnum() and text[end - 1] != ".":
            continue
        kind = kind_of(m)
        surface = m.group(0)
        if kind == "month" and surface.lower().rstrip(".") in BARE_MONTH_WORDS and not YEAR_RE.search(surface):
            # a bare "may" or "march" is a verb or noun as often as a month
            if surface[0].islower() or not _month_context(text, start):
                continue
        resolver.position = start
        span = resolver.resolve(kind, m)
        year = last_year_in(surface)
        if year is not None:
            resolver.context_year = year
            resolver.context_at = end
        out.append(
            {
                "start_char": start,
                "end_char": end,
                "text": surface,
                "kind": kind,
                "start": iso_date(span[0]) if span else None,
                "end": iso_date(span[1]) if span else None,
            }
        )
    return out


def last_year_in(surface: str) -> Optional[int]:
    """The last of ``YEAR_RE.findall(surface)``, as a number (``None``: no year).

    >>> last_year_in("from 2019 to 20245"), last_year_in("June 3"), last_year_in("1949, 1950")
    (2024, None, 1950)
    """
    if not surface.isascii():  # regex's \d takes other digits too
        years = YEAR_RE.findall(surface)
        return int(years[-1]) if years else None
    last = -1
    i = 0
    size = len(surface)
    while i + 4 <= size:  # findall's matches, leftmost and apart: 19[5-9]\d or 20[0-4]\d
        first, second, third, fourth = ord(surface[i]), ord(surface[i + 1]), ord(surface[i + 2]), ord(surface[i + 3])
        if 48 <= fourth <= 57 and (
            (first == 49 and second == 57 and 53 <= third <= 57) or (first == 50 and second == 48 and 48 <= third <= 52)
        ):
            last = i
            i += 4
        else:
            i += 1
    return int(surface[last : last + 4]) if last >= 0 else None


_ISO_DATES: Dict[dt.date, str] = {}


def iso_date(day: dt.date) -> str:
    """``day.isoformat()``, kept for the dates met before (``isoformat`` formats anew each time)."""
    if type(day) is not dt.date:  # a subclass may write itself otherwise
        return day.isoformat()
    known = _ISO_DATES.get(day)
    if known is None:
        if len(_ISO_DATES) >= 20_000:
            _ISO_DATES.clear()
        known = _ISO_DATES[day] = day.isoformat()
    return known


# month names that are words as often ("may", "march")
BARE_MONTH_WORDS = frozenset(["may", "mar", "march", "jan", "dec", "sep", "oct", "nov", "aug", "jun", "jul", "apr", "feb"])


def _month_context(text: str, at: int) -> bool:
    before = text[max(0, at - 12) : at].lower()
    return bool(MONTH_CONTEXT_RE.search(before))


class TimeTagger(Component):
    """Tag time expressions and resolve them.

    >>> import spacy, isisfacts
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("isis_times")
    >>> doc = nlp.make_doc("In the first half of 2024, 30 were killed."); doc = nlp(doc)
    >>> doc._.isis_times[0]["start"], doc._.isis_times[0]["end"]
    ('2024-01-01', '2024-06-30')
    """

    def __init__(self, nlp: Language, name: str, spans_key: str):
        self.name = name
        self.spans_key = spans_key

    def __reduce__(self) -> Tuple[type, Tuple[None, str, str]]:
        # compiled (hatch_build.py), the class cannot be rebuilt by pickle's default way
        # (a bare __new__): pickling a pipeline would fail (spaCy's n_process under
        # spawn, Dask's client.run(isisfacts.load)); the tagger keeps only these two
        return (type(self), (None, self.name, self.spans_key))

    def __call__(self, doc: Doc) -> Doc:
        published = doc_published(doc)
        text = doc_text(doc)
        matches = list(time_matches(text))  # scanned once, for the dateline and the times
        reference = published or find_dateline(text, matches)
        times = tag_times(text, reference, matches)
        set_doc_attribute(doc, "reference_date", reference.isoformat() if reference else None)
        set_doc_attribute(doc, "isis_times", times)
        # a SpanGroup made here spares doc.spans' check-and-convert
        spans = labelled_char_spans(doc, times, "start_char", "kind")
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans)
        return doc


@Language.factory("isis_times", default_config={"spans_key": "isis_times"})
def make_time_tagger(nlp: Language, name: str, spans_key: str) -> TimeTagger:
    return TimeTagger(nlp, name, spans_key)

