"""The fast paths give what the plain patterns give.

For speed the taggers and the rule layer do not run their patterns everywhere: the
time tagger tries its patterns only at anchors and only those that can begin there,
and the rule layer runs a slow pattern only where a cheap literal test says it could
match. Each of these is only right while it agrees with the pattern it stands for, so
these tests compare the two on texts drawn from the words the patterns care about
(and from characters that lower-case oddly). A pattern edited without its fast path
shows up here.
"""

from __future__ import annotations

import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from isisfacts import rules, times
from isisfacts.patterns import anchored_matches

SEPARATORS = [" ", " ", " ", "", "  ", ", ", "\n", ". ", "\xa0", "-", "–"]


def texts(words: str) -> st.SearchStrategy[str]:
    parts = st.lists(st.tuples(st.sampled_from(words.split()), st.sampled_from(SEPARATORS)), max_size=16)
    return parts.map(lambda pairs: "".join(w + s for w, s in pairs))


# ---------------------------------------------------------------------------
# time expressions: TIME_MATCHER and the lowered anchor scan against the one alternation

TIME_WORDS = (
    "from between since to through until and the The last this that past previous first second third final "
    "1st 2nd latter half quarter Q1 Q3 H1 H2 months month years year weeks week days day of so far date in "
    "for began launched started kicked off on late early Monday Friday night morning yesterday today "
    "January Jan. Feb February March May June Jul. July August Sept. September Dec December "
    "2019 2024 2025 1999 24 3 17 31 2024-07-17 07/17/2024 7/4/24 – - , . İ K ſ ½ Mayadin Marcher"
)
REFERENCE_TIME_RE = regex.compile(
    "|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(times.PATTERNS)), regex.IGNORECASE)


def reference_time_matches(text: str):
    out = []
    for m in anchored_matches(text, REFERENCE_TIME_RE, times.TIME_ANCHOR_RE, times.TIME_STARTERS, reach=64):
        branch = next(i for i in range(len(times.PATTERNS)) if m.group(f"k{i}") is not None)
        groups = {k: v for k, v in m.groupdict().items() if not k.startswith("k") and v is not None}
        out.append((m.span(), times.PATTERNS[branch][0], groups))
    return out


@settings(max_examples=400, deadline=None)
@given(texts(TIME_WORDS))
def test_time_matches_are_the_alternations_matches(text):
    fast = [(m.span(), times.kind_of(m), {k: v for k, v in m.groupdict().items() if v is not None})
            for m in times.time_matches(text)]
    assert fast == reference_time_matches(text)


# ---------------------------------------------------------------------------
# the rule layer's guarded patterns and hand-written scans against the patterns

RULE_WORDS = (
    "WASHINGTON AP ” ’ ' \x1c ISIS said says Said to towards for the The THE , ; . : in In across outside beyond "
    "between and but he she they it we also statement release report spokesman officials official ministry "
    "Ministry Command military army force task told announced according According data figures summary he's "
    "Iraq SDF departed left sent back noteworthy worth notably notably, is It region area countries country two "
    "same both figure toll tally number total balance death count known formally as Photo Image of AP/ AFP/ "
    "REUTERS/ July 21 (Wire) dead those killed were İ ſ"
)
GUARDED = sorted(name for name, value in vars(rules).items() if isinstance(value, rules.Guarded))
ASCII = st.characters(codec="ascii")


def around_a_match(pattern: "regex.Pattern", alphabet=None) -> st.SearchStrategy[str]:
    """Texts holding a match of ``pattern`` (hypothesis reads the pattern with ``re``)."""
    flags = pattern.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL)
    return st.from_regex(re.compile(pattern.pattern, flags), alphabet=alphabet)


def test_the_rule_layer_has_guarded_patterns():
    assert len(GUARDED) >= 10  # the test below must not pass because it finds none


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_guarded_patterns_find_what_their_patterns_find(data):
    name = data.draw(st.sampled_from(GUARDED))
    guarded = getattr(rules, name)
    text = data.draw(st.one_of(around_a_match(guarded.pattern, ASCII), around_a_match(guarded.pattern),
                               texts(RULE_WORDS)))
    fast, plain = guarded.search(text), guarded.pattern.search(text)
    assert (fast and fast.span()) == (plain and plain.span()), name


SCANNED = [rules.REPORT_VERBS, rules.ATTRIBUTION_CUE, rules.PRONOUN_SUBJECT, rules.DESTINATION,
           rules.NAMED_SUBJECT, rules.NAMED_BODY, rules.ACRONYM_SUBJECT]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(min_value=0, max_value=200))
def test_attribution_scans_agree_with_their_patterns(data, near):
    pattern = data.draw(st.sampled_from(SCANNED))
    text = data.draw(st.one_of(texts(RULE_WORDS), around_a_match(pattern, ASCII)))
    near = min(near, len(text))
    assert [m.span() for m in rules.report_verbs_in(text)] == [m.span() for m in rules.REPORT_VERBS.finditer(text)]
    cue = rules.has_attribution_cue(text, bool(rules.report_verbs_in(text)))
    assert cue == (rules.ATTRIBUTION_CUE.search(text) is not None)
    assert rules.pronoun_subject(text, near) == (rules.PRONOUN_SUBJECT.search(text, near) is not None)
    assert rules.leads_to_destination(text) == (rules.DESTINATION.search(text) is not None)
    fast = rules.named_subject(text, near)
    plain = (rules.NAMED_SUBJECT.search(text, near) or rules.NAMED_BODY.search(text, near)
             or rules.ACRONYM_SUBJECT.search(text, near))
    assert (fast and (fast.span(), fast.group(1))) == (plain and (plain.span(), plain.group(1)))
