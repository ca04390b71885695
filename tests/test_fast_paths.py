"""The fast paths give what the plain patterns give.

For speed the taggers and the rule layer do not run their patterns everywhere: the
time tagger tries its patterns only at anchors and only those that can begin there,
the number tagger finds its anchors in a lower-cased copy of the text, the sentence
splitter scans with ``re`` where its pattern needs ``regex``, and the rule layer runs a slow pattern only where a cheap literal test says it could
match. Each of these is only right while it agrees with the pattern it stands for, so
these tests compare the two on texts drawn from the words the patterns care about
(and from characters that lower-case oddly). A pattern edited without its fast path
shows up here.
"""

from __future__ import annotations

import functools
import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from isisfacts import numbers, rules, sentences, times
from isisfacts.patterns import anchored_matches

SEPARATORS = [" ", " ", " ", "", "  ", ", ", "\n", ". ", "\xa0", "-", "–"]


def texts(words: "str | list[str]") -> st.SearchStrategy[str]:
    pieces = words.split() if isinstance(words, str) else words
    parts = st.lists(st.tuples(st.sampled_from(pieces), st.sampled_from(SEPARATORS)), max_size=16)
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


SCAN_WORDS = TIME_WORDS + " the2 1st_ 4th 5th x3rd q1 a1b22c_ é ½ ٣ _so on_ jan.5 sept. 1999s cáfe"


@settings(max_examples=400, deadline=None)
@given(texts(SCAN_WORDS))
def test_anchor_walk_reads_what_the_lowered_scan_reads(text):
    low = text.lower()
    if times.plain_lower(text) is None:
        return
    if text.isascii():
        subject, scan, ordinal_at = low.encode(), times.ANCHORS_AND_STARTERS_SCAN_BYTES, times.ORDINAL_STARTER_AT_BYTES
    else:
        subject, scan, ordinal_at = low, times.ANCHORS_AND_STARTERS_SCAN, times.ORDINAL_STARTER_AT
    anchors, starters = [], []
    for m in scan.finditer(subject):
        word = m.group(1)
        if word is None:
            anchors.append(m.start())
            if ordinal_at.match(subject, m.start()):
                starters.append(m.start())
        else:
            anchor, starter = times.SCANNED_WORD_ROLES[word]
            if anchor:
                anchors.append(m.start())
            if starter:
                starters.append(m.start())
    assert times.anchor_and_starter_starts(low) == (anchors, starters)


def test_anchor_walks_look_every_word_up():
    for word, (anchor, starter) in times.SCANNED_WORD_ROLES_STR.items():
        if word.isalpha():
            assert times.anchor_and_starter_starts(f"x {word}.") == ([2] if anchor else [], [2] if starter else [])
    for word in numbers.NUMBER_WORDS:
        assert numbers._anchors(f"x {word}.") == [2]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123459stndrhSTx ٣ſ", max_size=6))
def test_day_and_year_words_are_their_patterns(word):
    assert times.is_day_word(word) == (times.DAY_RE.fullmatch(word) is not None)
    assert times.is_year_word(word) == (times.YEAR_RE.fullmatch(word) is not None)
    assert times.day_digits(word) == times.NON_DIGIT_RE.sub("", word)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="012459 -/٣٠", max_size=24))
def test_last_year_in_is_the_last_year_findall_finds(surface):
    years = times.YEAR_RE.findall(surface)
    assert times.last_year_in(surface) == (int(years[-1]) if years else None)


# ---------------------------------------------------------------------------
# the rule layer's guarded patterns and hand-written scans against the patterns

RULE_WORDS = (
    "WASHINGTON AP ” ’ ' \x1c ISIS said says Said to towards for the The THE , ; . : in In across outside beyond "
    "between and but he she they it we also statement release report spokesman officials official ministry "
    "Ministry Command military army force task told announced according According data figures summary he's "
    "Iraq SDF departed left sent back noteworthy worth notably notably, is It region area countries country two "
    "same both figure toll tally number total balance death count known formally as Photo Image of AP/ AFP/ "
    "REUTERS/ July 21 (Wire) dead those killed were İ ſ late early on by By until before end unsaid \n \t spokesman Karwan Hassan office agency"
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
           rules.NAMED_SUBJECT, rules.NAMED_BODY, rules.ACRONYM_SUBJECT, rules.BODY_SPOKESMAN_BEFORE]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(min_value=0, max_value=200))
def test_attribution_scans_agree_with_their_patterns(data, near):
    pattern = data.draw(st.sampled_from(SCANNED))
    text = data.draw(st.one_of(texts(RULE_WORDS), around_a_match(pattern, ASCII)))
    near = min(near, len(text))
    assert rules.report_verbs_in(text) == [m.span() for m in rules.REPORT_VERBS.finditer(text)]
    assert rules.report_verb_at_start(text[near:]) == (rules.REPORT_VERBS.match(text[near:]) is not None)
    cue = rules.has_attribution_cue(text, bool(rules.report_verbs_in(text)))
    assert cue == (rules.ATTRIBUTION_CUE.search(text) is not None)
    assert rules.pronoun_subject(text, near) == (rules.PRONOUN_SUBJECT.search(text, near) is not None)
    assert rules.leads_to_destination(text) == (rules.DESTINATION.search(text) is not None)
    assert rules.body_spokesman_before(text, near) == (rules.BODY_SPOKESMAN_BEFORE.search(text, near) is not None)
    fast = rules.named_subject(text, near)
    plain = (rules.NAMED_SUBJECT.search(text, near) or rules.NAMED_BODY.search(text, near)
             or rules.ACRONYM_SUBJECT.search(text, near))
    assert (fast and (fast.span(), fast.group(1))) == (plain and (plain.span(), plain.group(1)))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_report_date_scans_agree_with_their_patterns(data):
    """The text before a time: "said late on", "until the end of"."""
    pattern = data.draw(st.sampled_from([rules.REPORT_VERB_BEFORE, rules.DEADLINE_BEFORE]))
    match = st.one_of(around_a_match(pattern, ASCII), around_a_match(pattern))
    text = data.draw(st.one_of(texts(RULE_WORDS), match, st.tuples(texts(RULE_WORDS), match).map("".join)))
    assert rules.report_verb_before(text) == (rules.REPORT_VERB_BEFORE.search(text) is not None)
    assert rules.deadline_before(text) == (rules.DEADLINE_BEFORE.search(text) is not None)


# ---------------------------------------------------------------------------
# figures: the lowered-copy scan against figure_matches (FIGURE_RE at its anchors)

FIGURE_WORDS = (
    "more than less fewer at least most up to nearly almost about around approximately roughly some over "
    "an estimated between from and to a an the of as many hundred hundreds thousand thousands dozen dozens "
    "scores tens million millions one two five twelve twenty forty-five ninety 0 3 17 250 1,200 3,000 2.5 "
    "10,000 1.2 2024 Q1 H2 81mm F-16 % percent hundredto dozento ISIS fighters killed (813) 555-0147 "
    "+ ~ İ ſ \u212a é ½ ² _"
)


QUALIFIED = st.builds(
    "{} {}".format,
    st.sampled_from(["more than", "nearly", "at least", "up to", "about", "some", "as many as", "fewer than",
                     "an estimated", "approximately", "between", "from", "over", "almost"]),
    st.sampled_from(["250", "3,000", "1.2 million", "a hundred", "a dozen", "forty-five", "3 and 17",
                     "20 to 30", "hundreds", "tens of thousands", "a hundredto5", "five", "2024"]),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts(FIGURE_WORDS), st.lists(st.one_of(QUALIFIED, texts(FIGURE_WORDS)), max_size=4).map(" ".join)))
def test_figure_scan_finds_what_figure_matches_finds(text):
    plain = [(m.start(), m.end(), m.groups()) for m in numbers.figure_matches(text)]
    assert list(numbers._figure_parts(text)) == plain


@settings(max_examples=400, deadline=None)
@given(texts(FIGURE_WORDS + " 1 23 4567 (0) 12-34 555.0147 x9 9x a1b2"))
def test_anchor_walk_and_phone_hint_read_what_their_patterns_read(text):
    scan = numbers._scan_copy(text)
    if scan is None:
        return
    runs = []
    assert numbers._anchors(scan, runs) == [m.start() for m in numbers.CANDIDATE_RE.finditer(text)]
    assert runs == [i for m in re.finditer("[0-9]+", scan) for i in m.span()]
    if text.isascii():
        assert numbers._may_hold_phone(text, runs) == (numbers.PHONE_HINT.search(text) is not None)


CONTEXT_WORDS = (
    "No. No Number number aged age ages of Resolution Article Release younger older than under the "
    "F - $ € £ # : / . , 1 2 5 killed fighters \n percent per cent pct % mm km miles meters min read "
    "years year-old old months month weeks days hours a.m. p.m. am pm st th times fold -fold dollars usd "
    "operations strikes of M ſ K İ _"
)


@settings(max_examples=400, deadline=None)
@given(texts(CONTEXT_WORDS))
def test_figure_context_patterns_answer_as_the_originals(text):
    assert (numbers.NOT_A_COUNT_BEFORE_FROM_END.search(text) is None) == (numbers.NOT_A_COUNT_BEFORE.search(text) is None)
    assert numbers._not_a_count_before(text) == (numbers.NOT_A_COUNT_BEFORE.search(text) is not None)
    assert numbers._not_a_count_after(text) == (numbers.NOT_A_COUNT_AFTER.match(text) is not None)
    assert numbers._leading_letters(text.lower()) == numbers.LEADING_LETTERS.match(text.lower()).group()
    if text.isascii():
        twin = numbers.ASCII_DIGITS_AND_SCALE.fullmatch(text)
        original = numbers.DIGITS_AND_SCALE.fullmatch(text)
        assert (twin and twin.groups()) == (original and original.groups())


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9][0-9,.]{0,8}[ \t\x1c]{0,2}[a-zA-Z_0-9]{0,4}", fullmatch=True))
def test_ascii_digits_and_scale_is_digits_and_scale(text):
    twin = numbers.ASCII_DIGITS_AND_SCALE.fullmatch(text)
    original = numbers.DIGITS_AND_SCALE.fullmatch(text)
    assert (twin and twin.groups()) == (original and original.groups())


# ---------------------------------------------------------------------------
# sentence boundaries: the re scan against BOUNDARY

SENTENCE_PIECES = (
    "ISIS said . .. ! ? \" ' ” ’ ) ] ( [ “ ‘ The the U.S. Gen. 30 2024 al-Hol É é Über über \n \n\n "
    "\x1c \x1d \xa0 \u2009 \t ; : a b"
)


@settings(max_examples=400, deadline=None)
@given(texts(SENTENCE_PIECES))
def test_sentence_boundaries_are_boundary_matches(text):
    assert list(sentences.boundaries(text)) == [m.span() for m in sentences.BOUNDARY.finditer(text)]


def plain_sentence_starts(text: str) -> "list[int]":
    """``sentence_starts`` as it was written before its loop took in ``boundaries``."""
    starts = [0]
    for m in sentences.BOUNDARY.finditer(text):
        start, end = m.span()
        space = text[start:end]
        if "\n" not in space:
            head = text[max(0, start - 12) : start].rstrip("\"'”’)]")
            word = sentences.WORD_BEFORE.search(head)
            if word:
                w = word.group(1).lower()
                if w in sentences.ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                    continue
            quoted = space[:1] in "\"”'’" or text[start - 1 : start] in "\"”"
            if quoted and sentences.ATTRIBUTION_AFTER_QUOTE.match(text, end):
                continue
        if end > starts[-1]:
            starts.append(end)
    return starts


@settings(max_examples=600, deadline=None)
@given(texts(SENTENCE_PIECES + " Mr. J. e.g. Lt. SOHR Ortiz Raids said told 3.5 .\" ?\" !” Ünal Ω"))
def test_sentence_starts_are_the_plain_splitters(text):
    assert sentences.sentence_starts(text) == plain_sentence_starts(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=40), max_size=30), st.integers(min_value=-8, max_value=45))
def test_rule_layer_bisection_is_the_bisect_modules(values, x):
    import bisect

    values.sort()
    assert rules.bisect_right(values, x) == bisect.bisect_right(values, x)
    assert rules.bisect_left(values, x) == bisect.bisect_left(values, x)


# ---------------------------------------------------------------------------
# places inside actors' names: the range test against the token set

SPAN_BOUNDS = st.tuples(st.integers(0, 12), st.integers(0, 4)).map(lambda t: (t[0], min(12, t[0] + t[1])))


@functools.lru_cache(maxsize=None)
def _place_tagger():
    import spacy

    nlp = spacy.blank("en")
    return nlp, nlp.add_pipe("isis_places")


@settings(max_examples=300, deadline=None)
@given(st.lists(SPAN_BOUNDS, max_size=6), st.lists(SPAN_BOUNDS.filter(lambda b: b[0] < b[1]), max_size=6))
def test_place_matches_in_actors_by_ranges_are_by_tokens(actor_bounds, match_bounds):
    from spacy.tokens import Span

    from isisfacts.places import _overlaps_any

    nlp, places = _place_tagger()
    doc = nlp.make_doc("one two three four five six seven eight nine ten eleven twelve")
    doc.spans["isis_actors"] = [Span(doc, start, end, label="X") for start, end in actor_bounds]
    in_actors = places.actor_tokens(doc)
    ranges = places.actor_ranges(doc)
    for start, end in match_bounds:
        assert _overlaps_any(start, end, ranges) == (not in_actors.isdisjoint(range(start, end)))


# ---------------------------------------------------------------------------
# the rule layer's string tests standing for single patterns

DATELINE_PIECES = (
    "WASHINGTON ERBIL TAMPA NEW YORK A B AB , ,  - -- – — ( ) (Reuters) (AP) Kurdistan Region Fla. Iraq July 21 "
    "The Security forces said . ' _ x é \u00a0 \x1c \n \t 2023"
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(texts(DATELINE_PIECES), st.tuples(st.sampled_from(["", " ", "\n", "ERBIL", "TAMPA, Fla."]),
                                                  texts(DATELINE_PIECES)).map("".join)))
def test_dateline_walk_ends_where_the_pattern_ends(text):
    m = rules.DATELINE.match(text)
    assert rules.dateline_end(text) == (m.end() if m else -1)


SHORT_PIECES = (
    "- • * – — \u00a0 \x1c \n \t   x X 's ’s ' said announced claimed in a statement calls called says troops forces "
    "government authorities regime sees seesaw forcesé é _1 , ; : and And their his famil families Family , "
    "Statement report release data figures showed shows said stated mentioned indicates showing state: ISIS Amaq "
    "SDF Al-Hol"
)


@settings(max_examples=500, deadline=None)
@given(texts(SHORT_PIECES), st.integers(min_value=0, max_value=30))
def test_rule_string_tests_answer_as_their_patterns(text, at):
    at = min(at, len(text))
    assert rules.is_bullet(text) == (rules.BULLET.match(text) is not None)
    assert rules.metonym_after(text, at) == (rules.METONYM_AFTER.match(text, at) is not None)
    assert rules.isis_statement_after(text, at) == (rules.ISIS_STATEMENT_AFTER.match(text, at) is not None)
    assert rules.appositive(text[:at]) == (rules.APPOSITIVE.fullmatch(text[:at]) is not None)
    assert rules.appositive(text) == (rules.APPOSITIVE.fullmatch(text) is not None)
    assert rules.document_says(text) == (rules.DOCUMENT_SAYS.search(text) is not None)
    assert rules.families_after(text) == (rules.FAMILIES_AFTER.search(text) is not None)
    stripped = text.strip()
    if ":" in stripped:
        fast = rules.HEADLINE_SOURCE.match(stripped, stripped.rfind(":"))
        plain = rules.HEADLINE_SOURCE.search(stripped)
        assert (fast and (fast.span(), fast.group(1))) == (plain and (plain.span(), plain.group(1)))


# ---------------------------------------------------------------------------
# the rule layer's words: sliced from the lower-cased text, not looked up by LOWER

WORD_PIECES = "ISIS Said ΑΣ Σ ΟΔΟΣ. İstanbul ǅ ß K ſ \u212a é É Ünal 30 U.S. al-Hol , . ' ’s \n \xa0 x"


@settings(max_examples=300, deadline=None)
@given(texts(WORD_PIECES), st.data())
def test_lowercase_slices_are_each_slice_lowered(text, data):
    cuts = sorted(set(data.draw(st.lists(st.integers(min_value=0, max_value=len(text)), max_size=12))))
    starts, ends = cuts[:-1], cuts[1:]
    assert rules.lowercase_slices(text, text.lower(), starts, ends) == [text[s:e].lower() for s, e in zip(starts, ends)]


def test_context_words_are_the_lower_attribute():
    import spacy

    lex = rules.compile_triggers({})
    for lang in ("en", "de", "el", "tr", "xx"):
        nlp = spacy.blank(lang)
        nlp.add_pipe("sentencizer")
        for text in ("ISIS said 30 fighters were killed in AL-HOL.", "ΟΔΟΣ ΑΣ Σ σ İstanbul ǅ \u212a ſ  two  spaces\n"):
            doc = nlp(text)
            assert rules.Context(doc, lex, "isis_actors", "isis_places").words == [t.lower_ for t in doc], lang


COMPARISON_PIECES = (
    "similar very broadly to compared with up from down versus the same number figure level toll tally as than in "
    "during for 208 casualties in that region . ; U.S. \n x é"
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts(COMPARISON_PIECES), around_a_match(rules.COMPARISON_BEFORE_TIME.pattern, ASCII),
                 st.tuples(texts(COMPARISON_PIECES), around_a_match(rules.COMPARISON_BEFORE_TIME.pattern)).map("".join)))
def test_comparison_search_after_the_last_stop_is_the_search(text):
    fast, plain = rules.comparison_before_time(text), rules.COMPARISON_BEFORE_TIME.pattern.search(text)
    assert (fast and fast.span()) == (plain and plain.span())


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts("the a an spokesman spokeswoman spokesperson official officer source commander data figures "
                       "statistics records tally count ministry \n \t x"),
                 around_a_match(rules.GENERIC_SPEAKER, ASCII)))
def test_generic_speaker_is_its_pattern(text):
    assert rules.generic_speaker(text) == (rules.GENERIC_SPEAKER.search(text) is not None)
