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
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import regex
from spacy.language import Language
from spacy.tokens import Doc

from .component import Component, char_spans
from .extensions import doc_text
from .patterns import anchored_matches, rx

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
AGE_AFTER_NAME = regex.compile(r"[A-Z][\p{L}'’-]+,\s*$")
AGE_END = regex.compile(r"\s*(?:,|\.|;|\)|$)")
LETTER = regex.compile(r"\p{L}")


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


PHONE_RE = regex.compile(r"\+?\d[\d\s().-]{8,}\d")


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
            current = 0
        elif w == "dozen":
            current = (current or 1) * 12
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_value(text: str) -> Optional[float]:
    """The value of one number written in digits or words.

    >>> parse_value("1.2 million"), parse_value("2,500"), parse_value("eight")
    (1200000.0, 2500.0, 8.0)
    """
    text = text.strip()
    # ASCII digits only: float() cannot read every character that \d matches
    m = rx(r"([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)\s*(\w*)").fullmatch(text)
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


def figure_matches(text: str) -> Iterator["regex.Match"]:
    """The matches of ``FIGURE_RE``, tried only near a digit or number word.

    >>> [m.group(0) for m in figure_matches("killed more than 400 and between 3,000 and 5,000 fled")]
    ['more than 400', 'between 3,000 and 5,000']
    """
    return anchored_matches(text, FIGURE_RE, CANDIDATE_RE, FIGURE_STARTERS, reach=48)


def overlaps(a: Tuple[int, int], spans: Sequence[Tuple[int, int]]) -> bool:
    """Whether ``a`` overlaps one of ``spans`` (sorted by start, not overlapping each other)."""
    i = bisect.bisect_left(spans, (a[1],))  # spans starting before a ends
    return i > 0 and spans[i - 1][1] > a[0]


def find_figures(text: str, blocked: Sequence[Tuple[int, int]] = ()) -> List[Dict]:
    """Every count-like figure of ``text`` outside the ``blocked`` (date) spans.

    >>> [(f["value"], f["qualifier"]) for f in find_figures("about 2,500 fighters and dozens of leaders")]
    [(2500, 'approx'), (12, 'at_least')]
    """
    phones = [(m.start(), m.end()) for m in PHONE_RE.finditer(text) if sum(c.isdigit() for c in m.group(0)) >= 9]
    blocked = sorted(blocked)
    out: List[Dict] = []
    for m in figure_matches(text):
        start, end = m.span()
        num_start = m.end("qual") if m.group("qual") else start
        while num_start < end and text[num_start].isspace():
            num_start += 1
        qualifier_text = m.group("qual") or ""
        if qualifier_text and "\n" in text[m.end("qual") : num_start]:
            # "approximately" at the end of one line does not qualify a figure on the next
            start, qualifier_text = num_start, ""
        # word boundaries: not inside a word or a longer number
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_"):
            continue
        if end < len(text) and (text[end].isalnum() and not m.group("vague")):
            continue
        if overlaps((num_start, end), blocked) or overlaps((num_start, end), phones):
            # "between 2014 and 2017" or a date: not a count; keep scanning inside it
            continue
        before = text[max(0, num_start - 20) : num_start]
        after = text[end : end + 24]
        if NOT_A_COUNT_BEFORE.search(before) or NOT_A_COUNT_AFTER.match(after):
            continue
        if AGE_AFTER_NAME.search(before) and AGE_END.match(after):
            continue  # "Sudani, 53, came to power", "analyst Karim Jaber, 34."
        if not LETTER.search(text, text.rfind("\n", 0, start) + 1, _line_end(text, end)):
            continue  # "-30-", "###", a page number: a line with no words
        if after[:1] == "-" and after[1:2].isalpha():  # "16-year", "M-16-style": a compound word
            if not rx(r"-(?:strong|member|man|plus)\b").match(after):
                continue
        qualifier = QUALIFIER_OF.get(" ".join(qualifier_text.lower().split()), "exact")
        value_max = None
        if m.group("vague"):
            value = float(VAGUE[" ".join(m.group("vague").lower().split())])
            if qualifier == "exact":
                qualifier = "at_least"
        else:
            a = m.group("ra") or m.group("fa") or m.group("a")
            b = m.group("rb") or m.group("fb") or m.group("b")
            value = parse_value(a)
            if value is None:
                continue
            if b is not None:
                value_max = parse_value(b)
                if value_max is None or value_max <= value:
                    continue  # "1-0", "20-5": a score or a code, not a range
                if value_max < 1000 and value >= 1000 and "," in b:
                    continue
                qualifier = "range"
            elif m.group("plus"):
                qualifier = "at_least"
        if not math.isfinite(value) or value < 0:
            continue
        out.append(
            {
                "start_char": start,
                "end_char": end,
                "num_start": num_start,
                "text": text[start:end],
                "value": int(value) if float(value).is_integer() else value,
                "value_max": (int(value_max) if value_max is not None and float(value_max).is_integer() else value_max),
                "qualifier": qualifier,
                "vague": bool(m.group("vague")),
                "spelled": not any(c.isdigit() for c in text[num_start:end]),
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

    def __call__(self, doc: Doc) -> Doc:
        blocked = [(t["start_char"], t["end_char"]) for t in (doc._.isis_times or [])
                   if t["kind"] not in ("so_far", "anaphoric", "past_n", "this_unit", "months", "since_day")]
        figures = find_figures(doc_text(doc), blocked)
        doc._.isis_figures = figures
        doc.spans[self.spans_key] = char_spans(doc, figures, "num_start", lambda f: "FIGURE")
        return doc


@Language.factory("isis_numbers", default_config={"spans_key": "isis_numbers"})
def make_number_tagger(nlp: Language, name: str, spans_key: str) -> NumberTagger:
    return NumberTagger(nlp, name, spans_key)
