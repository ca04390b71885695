"""NumberTagger: the figures of a text, with their value and qualifier.

Digits with separators and decimals, scales ("1.2 million"), spelled-out numbers
("forty-four", "a dozen"), vague plurals ("dozens", "hundreds"), ranges
("3,000 to 5,000", "between 10 and 15") and the words that qualify them
("approximately", "more than", "up to"). What is not a count is left out here:
years and dates (the time tagger's), percentages, ordinals, ages, durations,
calibres and model numbers ("F-16", "81 mm"), phone numbers, "2 min read".

Results: ``doc._.isis_figures`` (list of dicts) and ``doc.spans["isis_numbers"]``.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import regex
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from .component import Component
from .extensions import doc_attribute, doc_text, set_doc_attribute
from .patterns import anchored_matches, labelled_char_spans, plain_lower, word_shape, word_shapes

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
          "m": 1_000_000, "bn": 1_000_000_000, "k": 1000}
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000,
         "tens of thousands": 10000, "hundreds of thousands": 100000, "millions": 1_000_000}
QUALIFIERS = {
    "approx": ["approximately", "about", "around", "roughly", "some", "nearly", "almost",
               "an estimated", "estimated", "close to", "circa", "approx.", "an approximate",
               "a total of approximately", "just under", "just over", "more or less"],
    "at_least": ["more than", "over", "at least", "upwards of", "in excess of", "no fewer than",
                 "no less than", "a minimum of", "not less than", "well over"],
    "at_most": ["fewer than", "less than", "up to", "under", "at most", "as many as", "no more than",
                "not more than", "a maximum of"],
}
QUALIFIER_OF = {w: q for q, words in QUALIFIERS.items() for w in words}

WORD_NUM = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b"  # \b: "sixty" is not "six" + "ty"
SPELLED = rf"(?:{WORD_NUM}(?:[- ]{WORD_NUM})?(?:\s+(?:hundred|thousand|million)(?:\s+(?:and\s+)?{WORD_NUM}(?:[- ]{WORD_NUM})?)?)*|an?\s+(?:hundred|thousand|dozen|million))"
DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(?:\s*(?:million|billion|thousand|bn|m(?![\w-])|k(?![\w-])))?"
VAGUE_RE = r"(?:tens\s+of\s+thousands|hundreds\s+of\s+thousands|dozens|scores|hundreds|thousands|millions)(?=\s+of\b|\s+(?:more\s+)?\w)"
ONE = rf"(?:{DIGITS}|{SPELLED})"
QUAL = "|".join(sorted((regex.escape(q).replace(r"\ ", r"\s+") for q in QUALIFIER_OF), key=len, reverse=True))

FIGURE_RE = regex.compile(
    rf"""
    (?:(?P<qual>{QUAL})\s+)?
    (?:
        (?:between\s+(?P<ra>{ONE})\s+and\s+(?P<rb>{ONE}))
      | (?:from\s+(?P<fa>{ONE})\s+to\s+(?P<fb>{ONE}))
      | (?P<a>{ONE})(?:\s*(?:-|–|to)\s*(?P<b>{ONE}))?(?P<plus>\+|-plus)?
      | (?P<vague>{VAGUE_RE})
    )
    """,
    regex.IGNORECASE | regex.VERBOSE,
)

# Immediately after a number: it is not a count of things.
NOT_A_COUNT_AFTER = regex.compile(
    r"""\s*(?:%|percent|per\s*cent|percemt|pct|per\s+cent|mm\b|cm\b|km\b|kg\b|kilo|miles?\b|meters?\b|metres?\b
    |min(?:ute)?s?\s+read|-?\s*years?[- ]old|-?\s*year\b|-?\s*month\b|-?\s*day\b|-?\s*hour\b|a\.m\.|p\.m\.|am\b|pm\b|:\d
    |(?:st|nd|rd|th)\b|\s*(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?)\b(?!\s+(?:of\s+)?(?:operations?|strikes?|attacks?))
    |times\b|fold\b|-fold|\s*(?:dollars|usd|euros)|/\d)""",
    regex.IGNORECASE | regex.VERBOSE,
)
# Immediately before a number: a model, a calibre, money, a rank in a list.
NOT_A_COUNT_BEFORE = regex.compile(
    r"(?:[A-Za-z]-|[A-Za-z]|\$|€|£|#|No\.\s*|Number\s+|aged\s+|ages?\s+(?:of\s+)?|number\s+|\d[.,]|[:/]|Resolution\s+|Article\s+|Release\s+Number\s+"
    r"|(?:younger|older)\s+than\s+|under\s+the\s+age\s+of\s+)$",
    regex.IGNORECASE,
)
# Most figures are preceded by a space and followed by a plain word: the two patterns
# above (about 13 and 5 us a call) are run only when the words next to the figure could
# end or start one of their alternatives. The checks are necessary conditions of a
# match, made on ASCII text only (ignoring case, a non-ASCII character can match an
# ASCII letter: the Kelvin sign a "k"); other text goes to the pattern.
NOT_A_COUNT_AFTER_WORDS = frozenset(
    "mm cm km kg mile miles meter meters metre metres min mins minute minutes year years month months"
    " week weeks day days hour hours second seconds a p am pm st nd rd th times fold per".split()
)
NOT_A_COUNT_AFTER_PREFIXES = ("percent", "percemt", "pct", "kilo", "dollars", "usd", "euros")
# the words that end NOT_A_COUNT_BEFORE's alternatives ending in a space ("of", "than" below)
NOT_A_COUNT_BEFORE_WORDS = ("no.", "number", "aged", "age", "ages", "resolution", "article")
LEADING_LETTERS = re.compile(r"[a-z]*")
# The same tests, cheaper (a match exists or not alike; tests/test_fast_paths.py):
# - NOT_A_COUNT_AFTER run by ``re`` on ASCII text, about twice as fast: in ASCII mode
#   ``re`` reads its \s \b \d and IGNORECASE as ``regex`` does ASCII text (see
#   ``patterns.BranchDispatch``);
# - NOT_A_COUNT_BEFORE, anchored at the end, searched from the end (``regex``'s reverse
#   mode): the forward search tries every alternative at every place, 3-10 times slower.
ASCII_NOT_A_COUNT_AFTER = re.compile(NOT_A_COUNT_AFTER.pattern, re.ASCII | re.IGNORECASE | re.VERBOSE)
NOT_A_COUNT_BEFORE_FROM_END = regex.compile("(?r)" + NOT_A_COUNT_BEFORE.pattern, NOT_A_COUNT_BEFORE.flags)


def _not_a_count_after(after: str) -> bool:
    """``NOT_A_COUNT_AFTER.match(after)``, as a bool."""
    if after.isascii():
        rest = after.lstrip()  # the pattern's leading \s*
        first = rest[:1]
        if not first:
            return False
        if first.isalpha():
            word = _leading_letters(rest.lower())
            if word not in NOT_A_COUNT_AFTER_WORDS and not word.startswith(NOT_A_COUNT_AFTER_PREFIXES):
                return False
        elif first not in "%-:/":
            return False
        return ASCII_NOT_A_COUNT_AFTER.match(after) is not None
    return NOT_A_COUNT_AFTER.match(after) is not None


def _leading_letters(low: str) -> str:
    """``LEADING_LETTERS.match(low).group()``: the run of a-z that ``low`` starts with."""
    end = 0
    while end < len(low) and 97 <= ord(low[end]) <= 122:
        end += 1
    return low[:end]


def _not_a_count_before(before: str) -> bool:
    """``NOT_A_COUNT_BEFORE.search(before)``, as a bool."""
    if not before:
        return False
    last = before[-1]
    if before.isascii() and last != "\n":  # "$" matches before a final newline too
        if last.isspace():
            words = before.rstrip().lower()
            if words.endswith("of"):  # "ages of", "under the age of"
                if not words[:-2].rstrip().endswith(("age", "ages")):
                    return False
            elif words.endswith("than"):  # "younger than", "older than"
                if not words[:-4].rstrip().endswith(("younger", "older")):
                    return False
            elif not words.endswith(NOT_A_COUNT_BEFORE_WORDS):
                return False
        elif not (last.isalpha() or last in "-$#.,:/"):
            return False
    return NOT_A_COUNT_BEFORE_FROM_END.search(before) is not None


AGE_AFTER_NAME = regex.compile(r"[A-Z][\p{L}'’-]+,\s*$")
AGE_END = regex.compile(r"\s*(?:,|\.|;|\)|$)")
LETTER = regex.compile(r"\p{L}")
ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
COMPOUND_COUNT = regex.compile(r"-(?:strong|member|man|plus)\b")  # "300-strong"


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


PHONE_RE = regex.compile(r"\+?\d[\d\s().-]{8,}\d")
# A phone number (PHONE_RE, nine digits or more) in ASCII text holds nine digits with
# only PHONE_RE's separators between them; most texts have none, and this ``re`` test
# costs a fraction of PHONE_RE's pass.
PHONE_HINT = re.compile(r"[0-9](?:[\t\n\x0b\x0c\r ().-]*[0-9]){8}")


def _phone_spans(text: str, digit_runs: Optional[List[int]] = None) -> List[Tuple[int, int]]:
    """The phone numbers of ``text``; ``digit_runs`` (ASCII text): its runs of digits, as
    ``_anchors`` gives them, which tell PHONE_HINT's answer without a pass over the text."""
    if text.isascii():
        if digit_runs is not None:
            if not _may_hold_phone(text, digit_runs):
                return []
        elif not PHONE_HINT.search(text):
            return []
    return [m.span() for m in PHONE_RE.finditer(text) if sum(map(str.isdigit, m.group())) >= 9]


PHONE_SEPARATORS = frozenset("\t\n\x0b\x0c\r ().-")  # PHONE_HINT's


def _may_hold_phone(text: str, digit_runs: List[int]) -> bool:
    """Whether ``PHONE_HINT`` can match in the ASCII ``text`` whose digit runs (starts and
    ends, flat) are ``digit_runs``: whether runs with only separators between them hold nine
    digits in all (a necessary condition of a match: its digits lie in such runs).

    >>> _may_hold_phone("call 0800 (555) 12-34", [5, 9, 11, 14, 16, 18, 19, 21])
    True
    """
    chained = 0  # the digits of the runs chained so far
    previous_end = -1
    for k in range(0, len(digit_runs), 2):
        start, end = digit_runs[k], digit_runs[k + 1]
        if previous_end >= 0 and _only_separators(text, previous_end, start):
            chained += end - start
        else:
            chained = end - start
        if chained >= 9:
            return True
        previous_end = end
    return False


def _only_separators(text: str, start: int, end: int) -> bool:
    for i in range(start, end):
        if text[i] not in PHONE_SEPARATORS:
            return False
    return True


def words_to_number(text: str) -> Optional[float]:
    """Read a spelled-out number.

    >>> words_to_number("forty-four"), words_to_number("a dozen"), words_to_number("two hundred and five")
    (44.0, 12.0, 205.0)
    """
    low = text.lower().replace("-", " ").replace(" and ", " ").split()
    if not low:
        return None
    if low[0] in ("a", "an"):
        low = ["one"] + low[1:]
        if low[1:] == ["dozen"]:
            return 12.0
    total, current = 0.0, 0.0
    seen = False
    for w in low:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += (current or 1) * SCALES[w]
            current = 0.0
        elif w == "dozen":
            current = (current or 1) * 12
        else:
            return None
        seen = True
    return total + current if seen else None


# ASCII digits only: float() cannot read every character that \d matches
DIGITS_AND_SCALE = regex.compile(r"([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)\s*(\w*)")
ASCII_DIGITS_AND_SCALE = re.compile(DIGITS_AND_SCALE.pattern, re.ASCII)  # alike on ASCII text, quicker


def parse_value(text: str) -> Optional[float]:
    """The value of one number written in digits or words.

    >>> parse_value("1.2 million"), parse_value("2,500"), parse_value("eight")
    (1200000.0, 2500.0, 8.0)
    """
    text = text.strip()
    if text.isdigit() and text.isascii():  # the common case, "44"
        return float(text)
    m = (ASCII_DIGITS_AND_SCALE if text.isascii() else DIGITS_AND_SCALE).fullmatch(text)
    if m:
        number = float(m.group(1).replace(",", ""))
        scale = m.group(2).lower()
        if scale:
            if scale not in SCALES:
                return None
            number *= SCALES[scale]
        return number
    value = words_to_number(text)
    if value is not None:
        return value
    return _quantulum_value(text)


def _quantulum_value(text: str) -> Optional[float]:
    # The rules above read every form the figure regex admits; quantulum3 is the
    # fallback for forms they do not, run on the figure's few characters only.
    try:
        from quantulum3 import parser
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        quantities = parser.parse(text)
    except Exception:  # noqa: BLE001 - quantulum3 raises on odd input
        return None
    if len(quantities) == 1 and math.isfinite(quantities[0].value) and quantities[0].value >= 0:
        return float(quantities[0].value)
    return None


# What every figure contains: a digit, a number word or a vague plural.
CANDIDATE_RE = regex.compile(
    rf"[0-9]+|\b(?:{WORD_NUM}|hundreds?|thousands?|millions?|dozens?|scores|tens)\b", regex.IGNORECASE
)
# The words a figure can start with before its number: a qualifier's first word,
# "between"/"from" of a range, "a"/"an" of "a dozen".
FIGURE_STARTERS = frozenset(
    [q.split()[0].lower() for q in QUALIFIER_OF] + ["between", "from", "a", "an", "tens", "hundreds"]
)
FIGURE_REACH = 48  # how far before its number a figure can start


def figure_matches(text: str) -> Iterator["regex.Match"]:
    """The matches of ``FIGURE_RE``, tried only near a digit or number word.

    >>> [m.group(0) for m in figure_matches("killed more than 400 and between 3,000 and 5,000 fled")]
    ['more than 400', 'between 3,000 and 5,000']
    """
    return anchored_matches(text, FIGURE_RE, CANDIDATE_RE, FIGURE_STARTERS, reach=FIGURE_REACH)


# find_figures reads the same matches as figure_matches, faster (_figure_parts):
#
# - The anchors and starter words are found in a lowercase ASCII copy of the text, by
#   bytes methods and ``re`` (CANDIDATE_RE, case-insensitive and Unicode, costs about
#   0.35 us a character). The copy keeps every character's place and whether it is a
#   word character, so word boundaries and offsets are those of the text. Only
#   characters that match an ASCII letter when case is ignored (dotted I, long s, Kelvin
#   sign) would read differently there: a text holding one (``patterns.plain_lower``
#   tells, as for the time tagger) goes through figure_matches.
# - FIGURE_RE costs about 8 us a call, so the starter words of an anchor are tried
#   only where a figure could begin there and have the anchor as its first: see
#   _may_reach and FIGURE_LEAD, necessary conditions of such a match.
# - At the anchor itself no qualifier nor "between"/"from" can start, and the smaller
#   FIGURE_BODY finds what FIGURE_RE would (in ASCII text, ``re`` runs it in the copy).
WORD_CHAR = regex.compile(r"\w")


class _ScanTable(dict):
    """``str.translate`` table: ASCII lowercased, other word characters "_", the rest " "."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if code < 128:
            out = char.lower()
        else:
            out = "_" if WORD_CHAR.match(char) else " "
        self[code] = out
        return out


_SCAN_TABLE = _ScanTable()


def _scan_copy(text: str) -> Optional[str]:
    """The lowercase ASCII copy of ``text`` that the scanning patterns read (None: no copy)."""
    if text.isascii():
        return text.lower()
    if plain_lower(text) is None:
        return None
    return text.translate(_SCAN_TABLE)


NUMBER_WORDS = list(UNITS) + list(TENS) + [
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "dozen", "dozens", "scores", "tens"]
# CANDIDATE_RE in the copy, with bytes methods (a regex pass costs more than all of
# them): the runs of digits are the words of the copy with every other character
# blanked; the number words, rare, are looked for only when the set of the copy's
# words (runs of word characters) holds them.
_DIGITS_ONLY = bytes(c if chr(c) in "0123456789" else ord(" ") for c in range(256))
_WORD_CHARS_ONLY = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == ord("_")) else ord(" ") for c in range(256))
NUMBER_WORD_BYTES = frozenset(w.encode() for w in NUMBER_WORDS)
# the FIGURE_STARTERS words (one word each: "approx." is never a word)
STARTER_SCAN = re.compile(
    r"\b(?:" + "|".join(sorted((w for w in FIGURE_STARTERS if w.isalpha()), key=len, reverse=True)) + r")\b"
)
# Where FIGURE_RE matches, the copy reads a qualifier or nothing, then the first
# characters of a number, a range or a vague plural.
FIGURE_LEAD = re.compile(
    rf"""(?:(?:{QUAL})\s+)?
    (?:[0-9]|between\s|from\s|an?\s+(?:hundred|thousand|dozen|million)|{WORD_NUM}
      |(?:tens|hundreds|dozens|scores|thousands|millions)\b)""",
    re.VERBOSE,
)
# What a figure that starts at a starter word holds before its first anchor: a
# qualifier, "between" or "from", "a"/"an" ("about a hundred"), spaces after each;
# so the word before that anchor is one of these (the word before "of", "to", "than"
# and "as" tells more).
WORDS_BEFORE_FIRST_ANCHOR = frozenset([q.split()[-1] for q in QUALIFIER_OF] + ["between", "from", "a", "an"])
_WORDS_BEFORE_FIRST_ANCHOR = tuple(WORDS_BEFORE_FIRST_ANCHOR)
# The one exception: "a hundred" glued to the "to" of a range is no anchor, and the
# first anchor comes later, maybe without a space ("a hundredto5", "a dozento forty-five").
# A text holding one has all the starter words of each anchor tried.
GLUED_SCALE_TO = ("hundredto", "thousandto", "dozento", "millionto")
QUALIFIERS_ENDING_IN = {
    word: frozenset(q.split()[-2] for q in QUALIFIER_OF if q.split()[-1] == word and len(q.split()) > 1)
    for word in ("of", "to", "than", "as")
}
_SCAN_SPACES = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # str.isspace in ASCII, a superset of \s
_SCAN_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)
_NUMBER_WORD_SIZES = (min(map(len, NUMBER_WORDS)), max(map(len, NUMBER_WORDS)))
_NUMBER_WORD_SHAPES = word_shapes(NUMBER_WORDS)  # see patterns.word_shapes


def _anchors(scan: str, digit_runs: Optional[List[int]] = None) -> List[int]:
    """The starts of ``CANDIDATE_RE.finditer(text)``, read in the copy: the runs of digits
    and the number words (whole runs of the copy's word characters, ``[a-z0-9_]``), by a
    walk over the copy that the compiled code makes quicker than any pass of a pattern.
    ``digit_runs`` gets the start and end of each run of digits.

    >>> _anchors("killed 40, then five_ or five and x12y")
    [7, 25, 35]
    """
    anchors: List[int] = []
    # module globals, read once: compiled code looks each up in the module's dict
    shortest, longest = _NUMBER_WORD_SIZES
    number_words = _NUMBER_WORD_SET
    shapes = _NUMBER_WORD_SHAPES
    size = len(scan)
    i = 0
    while i < size:
        code = ord(scan[i])
        if not _is_scan_word_code(code):
            i += 1
            continue
        start = i
        has_digit = False
        while True:  # to the end of the word
            if 48 <= code <= 57:
                has_digit = True
            i += 1
            if i >= size:
                break
            code = ord(scan[i])
            if not _is_scan_word_code(code):
                break
        if has_digit:  # its runs of digits (no number word holds a digit)
            j = start
            while j < i:
                if 48 <= ord(scan[j]) <= 57:
                    run_start = j
                    j += 1
                    while j < i and 48 <= ord(scan[j]) <= 57:
                        j += 1
                    anchors.append(run_start)
                    if digit_runs is not None:
                        digit_runs.append(run_start)
                        digit_runs.append(j)
                else:
                    j += 1
        elif shortest <= i - start <= longest:
            first, last = ord(scan[start]), ord(scan[i - 1])
            if 97 <= first <= 122 and 97 <= last <= 122 and shapes[word_shape(first, last, i - start)] \
                    and scan[start:i] in number_words:
                anchors.append(start)
    return anchors


def _is_scan_word_code(code: int) -> bool:
    return 97 <= code <= 122 or 48 <= code <= 57 or code == 95


FIGURE_BODY = regex.compile(
    rf"""
    (?P<a>{ONE})(?:\s*(?:-|–|to)\s*(?P<b>{ONE}))?(?P<plus>\+|-plus)?
    | (?P<vague>{VAGUE_RE})
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
# FIGURE_RE and FIGURE_BODY for ASCII text, run by ``re`` (2-3 times faster) in its
# lowercase copy: case-sensitive, with \s spelled out (``re``'s \s also takes \x1c-\x1f).
ASCII_FIGURE_RE = re.compile(FIGURE_RE.pattern.replace(r"\s", r"[\t\n\x0b\x0c\r ]"), re.VERBOSE)
ASCII_FIGURE_BODY = re.compile(FIGURE_BODY.pattern.replace(r"\s", r"[\t\n\x0b\x0c\r ]"), re.VERBOSE)
_NO_QUALIFIER_NOR_RANGE = (None,) * 5  # FIGURE_RE's groups qual, ra, rb, fa, fb


def _may_reach(scan: str, window: int, at: int) -> bool:
    """Whether a figure starting at a starter word in ``scan[window:at]`` could have
    ``at`` as its first anchor (see WORDS_BEFORE_FIRST_ANCHOR).

    Only a figure's first anchor needs its starter words: when that anchor is tried,
    the figure is found and the anchors inside it are passed over.
    """
    i = at - 1
    while i >= window and scan[i] in _SCAN_SPACES:
        i -= 1
    if i < window or i == at - 1:  # nothing before, or no space before the anchor
        return False
    if scan[i] == ".":
        return scan.endswith("approx", 0, i)  # "approx."
    if not scan.endswith(_WORDS_BEFORE_FIRST_ANCHOR, 0, i + 1):  # a quick test first
        return False
    word_start, word = _word_ending_at(scan, i)
    if word in QUALIFIERS_ENDING_IN:  # "more than", "up to", "in excess of", "as many as"
        return _word_ending_at(scan, _last_non_space(scan, word_start - 1))[1] in QUALIFIERS_ENDING_IN[word]
    return word in WORDS_BEFORE_FIRST_ANCHOR


def _last_non_space(scan: str, i: int) -> int:
    while i >= 0 and scan[i] in _SCAN_SPACES:
        i -= 1
    return i


def _word_ending_at(scan: str, i: int) -> Tuple[int, str]:
    """The start and text of the run of word characters that ends at ``scan[i]`` ("" if none)."""
    start = i + 1
    while start > 0 and scan[start - 1] in _SCAN_WORD_CHARS:
        start -= 1
    return start, scan[start : i + 1]


def _figure_at(text: str, ascii_scan: Optional[str], start: int, at: int) -> Optional[Tuple[int, int, tuple]]:
    """``(start, end, groups)`` of ``FIGURE_RE.match(text, start)`` if it reaches past ``at``."""
    if ascii_scan is not None:
        m = ASCII_FIGURE_RE.match(ascii_scan, start)
        return (start, m.end(), _groups_in(text, m)) if m is not None and m.end() > at else None
    m = FIGURE_RE.match(text, start)
    return (start, m.end(), m.groups()) if m is not None and m.end() > at else None


def _groups_in(text: str, m: "re.Match") -> tuple:
    """The groups of a match in the lowercase copy, as written in ``text``."""
    return tuple([text[s:e] if s >= 0 else None for s, e in m.regs[1:]])


def _figure_parts(text: str, digit_runs: Optional[List[int]] = None) -> List[Tuple[int, int, tuple]]:
    """``(start, end, groups)`` of every match of ``figure_matches(text)`` (a list: compiled,
    a generator costs more). ``digit_runs`` gets the digit runs ``_anchors`` finds."""
    found_parts: List[Tuple[int, int, tuple]] = []
    scan = _scan_copy(text)
    if scan is None:
        for figure in figure_matches(text):
            found_parts.append((figure.start(), figure.end(), figure.groups()))
        return found_parts
    ascii_text = text.isascii()
    any_starter = False  # (a loop: compiled, any() over a generator costs more)
    for glued in GLUED_SCALE_TO:
        if glued in scan:
            any_starter = True
            break
    last_end = 0
    for at in _anchors(scan, digit_runs):
        if at < last_end:
            continue
        window = max(last_end, at - FIGURE_REACH)
        found = None
        if any_starter or (at > window and scan[at - 1] in _SCAN_SPACES and _may_reach(scan, window, at)):
            # the starter words, earliest first: their figures are the longest
            for word in STARTER_SCAN.finditer(scan, window, at):
                start = word.start()
                if FIGURE_LEAD.match(scan, start):
                    found = _figure_at(text, scan if ascii_text else None, start, at)
                    if found is not None:
                        break
        if found is None:
            head = at  # the start of the anchor's own word ("Q1", "H2")
            while head > window and text[head - 1].isalnum():
                head -= 1
            if head < at:
                found = _figure_at(text, scan if ascii_text else None, head, at)
            if found is None:
                if ascii_text:
                    m = ASCII_FIGURE_BODY.match(scan, at)
                    if m is not None:
                        found = at, m.end(), _NO_QUALIFIER_NOR_RANGE + _groups_in(text, m)
                else:
                    m = FIGURE_BODY.match(text, at)
                    if m is not None:
                        found = at, m.end(), _NO_QUALIFIER_NOR_RANGE + m.groups()
        if found is not None:
            found_parts.append(found)
            last_end = found[1]
    return found_parts


def overlaps(a: Tuple[int, int], spans: Sequence[Tuple[int, int]]) -> bool:
    """Whether ``a`` overlaps one of ``spans`` (sorted by start, not overlapping each other)."""
    i = bisect.bisect_left(spans, (a[1],))  # spans starting before a ends
    return i > 0 and spans[i - 1][1] > a[0]


def _overlaps(start: int, end: int, spans: List[Tuple[int, int]]) -> bool:
    """``overlaps((start, end), spans)`` by a compiled walk (the spans are few)."""
    last_end = -1  # the end of the last span starting before ``end``
    for span_start, span_end in spans:
        if span_start >= end:
            break
        last_end = span_end
    return last_end > start


def find_figures(text: str, blocked: Sequence[Tuple[int, int]] = ()) -> List[Dict]:
    """Every count-like figure of ``text`` outside the ``blocked`` (date) spans.

    >>> [(f["value"], f["qualifier"]) for f in find_figures("about 2,500 fighters and dozens of leaders")]
    [(2500, 'approx'), (12, 'at_least')]
    """
    blocked_spans: List[Tuple[int, int]] = sorted(blocked)
    phones: Optional[List[Tuple[int, int]]] = None  # found when a figure gets that far
    text_len = len(text)
    out: List[Dict] = []
    digit_runs: List[int] = []
    for start, end, (qual, ra, rb, fa, fb, a, b, plus, vague) in _figure_parts(text, digit_runs):
        qualifier = "exact"
        if qual:  # (a figure without one starts with its number)
            num_start = qual_end = start + len(qual)
            while num_start < end and text[num_start].isspace():
                num_start += 1
            if "\n" in text[qual_end:num_start]:
                # "approximately" at the end of one line does not qualify a figure on the next
                start = num_start
            else:
                qualifier = QUALIFIER_OF.get(" ".join(qual.lower().split()), "exact")
        else:
            num_start = start
        # word boundaries: not inside a word or a longer number
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        if end < text_len and (text[end].isalnum() and not vague):
            continue
        if _overlaps(num_start, end, blocked_spans):
            # "between 2014 and 2017" or a date: not a count; keep scanning inside it
            continue
        after = text[end : end + 24]
        if after[:1] == "-" and after[1:2].isalpha():  # "16-year", "M-16-style": a compound word
            if not COMPOUND_COUNT.match(after):
                continue
        before = text[num_start - 20 if num_start > 20 else 0 : num_start]
        if _not_a_count_before(before) or _not_a_count_after(after):
            continue
        if "," in before and AGE_AFTER_NAME.search(before) and AGE_END.match(after):
            continue  # "Sudani, 53, came to power", "analyst Karim Jaber, 34."
        line_start = text.rfind("\n", 0, start) + 1
        if not (text[line_start] in ASCII_LETTERS or LETTER.search(text, line_start, _line_end(text, end))):
            continue  # "-30-", "###", a page number: a line with no words
        if phones is None:
            phones = _phone_spans(text, digit_runs if text.isascii() else None)
        if phones and _overlaps(num_start, end, phones):
            continue
        value_max = None
        value: Optional[float]
        if vague:
            # casefold: the pattern ignores case the Unicode way ("thouſands" is "thousands")
            floor = VAGUE.get(" ".join(vague.casefold().split()))
            if floor is None:
                continue
            value = float(floor)
            if qualifier == "exact":
                qualifier = "at_least"
            spelled = True
        else:
            first = ra or fa or a
            second = rb or fb or b
            value = parse_value(first)
            if value is None:
                continue
            if second is not None:
                value_max = parse_value(second)
                if value_max is None or value_max <= value:
                    continue  # "1-0", "20-5": a score or a code, not a range
                if value_max < 1000 and value >= 1000 and "," in second:
                    continue
                qualifier = "range"
            elif plus:
                qualifier = "at_least"
            # a number holding a digit starts with one (DIGITS); no other part of a figure has one
            spelled = not (first[0].isdigit() or (second is not None and second[0].isdigit()))
        if not math.isfinite(value) or value < 0:
            continue
        out.append(
            {
                "start_char": start,
                "end_char": end,
                "num_start": num_start,
                "text": text[start:end],
                "value": int(value) if value.is_integer() else value,  # parse_value gives floats
                "value_max": (int(value_max) if value_max is not None and value_max.is_integer() else value_max),
                "qualifier": qualifier,
                "vague": bool(vague),
                "spelled": spelled,
            }
        )
    return out


class NumberTagger(Component):
    """Tag figures; dates found by the time tagger are not figures.

    >>> import spacy, isisfacts
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("isis_times"); _ = nlp.add_pipe("isis_numbers")
    >>> [f["value"] for f in nlp("On March 3, 2024, 44 were killed.")._.isis_figures]
    [44]
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
        # not through ``doc._``, an Underscore object built at every access (a few us)
        times: List[Dict] = doc_attribute(doc, "isis_times") or []
        blocked = [(t["start_char"], t["end_char"]) for t in times if t["kind"] not in NOT_BLOCKING_TIMES]
        figures = find_figures(doc_text(doc), blocked)
        set_doc_attribute(doc, "isis_figures", figures)
        spans = labelled_char_spans(doc, figures, "num_start", None, "FIGURE") if figures else []
        # a SpanGroup made here spares doc.spans' check-and-convert
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans)
        return doc


# relative periods ("the past 3 months", "so far"): unlike dates and years, their spans do not hide figures
NOT_BLOCKING_TIMES = frozenset(["so_far", "anaphoric", "past_n", "this_unit", "months", "since_day"])


@Language.factory("isis_numbers", default_config={"spans_key": "isis_numbers"})
def make_number_tagger(nlp: Language, name: str, spans_key: str) -> NumberTagger:
    return NumberTagger(nlp, name, spans_key)
