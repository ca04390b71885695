"""Hypothesis properties of ``isisfacts.extract`` (issue 2, "Set-up, tests, bad input").

- no string (nor publication date) makes ``extract`` raise;
- every claim's evidence offsets point at its surface text;
- values are finite and not negative, ranges have ``value_max > value``;
- metric and qualifier are in the vocabulary;
- results are deterministic and independent of the documents processed around them.
"""

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import isisfacts
from isisfacts import METRICS, QUALIFIERS

# Words that steer the text into the taggers' and rules' paths.
DOMAIN_WORDS = [
    "ISIS", "Daesh", "operatives", "militants", "fighters", "leaders", "detainees", "troops",
    "civilians", "soldiers", "killed", "detained", "arrested", "captured", "wounded", "injured",
    "attacks", "operations", "raids", "strikes", "airstrikes", "engagements", "repatriated",
    "remain at large", "in the camps", "Al Hol", "Al-Roj", "Iraq", "Syria", "Deir ez-Zor",
    "Anbar", "Kirkuk", "both countries", "the region", "CENTCOM", "U.S. Central Command",
    "the SDF", "Peshmerga", "SOHR", "said", "announced", "according to", "'s statement",
    "approximately", "about", "an estimated", "more than", "over", "at least", "up to",
    "nearly", "fewer than", "between", "and", "to", "from", "through", "since", "last year",
    "this year", "so far", "so far this year", "the first six months of", "the first half of",
    "Q1", "H2", "the second quarter of", "yesterday", "on Thursday", "last week", "dozens",
    "scores", "hundreds", "thousands", "tens of thousands", "a dozen", "forty-four", "eight",
    "two hundred and five", "1.2 million", "3,000", "2,500", "0", "81 mm", "F-16", "2 min read",
    "percent", "%", "years old", "aged", "the eighth", "90th", "Gen.", "Jul.", "U.S.", "No.",
    "(813) 555-0147", "The operations, which took place", "including", "among them", "the figure",
    # letters that match ASCII ones when case is ignored, which the fast paths must notice
    "thouſands", "ſince", "İSIS", "\u212aurdish", "Sept\u0130",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December", "Jan.", "Sept.", "Dec"]
PUNCT = [" ", " ", " ", ", ", ". ", "\n", "\n\n", '"', "“", "”", "'", "’", "-", "–", "(", ")", ":", ";"]

numbers = st.one_of(
    st.integers(0, 10**7).map(str),
    st.integers(0, 10**7).map(lambda n: f"{n:,}"),
    st.floats(0, 10**4, allow_nan=False).map(lambda f: f"{f:.1f}"),
    st.integers(1990, 2049).map(str),
    st.integers(1, 31).map(str),
    st.from_regex(r"[\d,.\-]{1,12}", fullmatch=True),
)
pieces = st.one_of(
    st.sampled_from(DOMAIN_WORDS),
    st.sampled_from(MONTHS),
    st.sampled_from(PUNCT),
    numbers,
    st.text(max_size=6),  # random unicode, surrogates excluded by hypothesis' default alphabet
)
QUALIFYING = ["", "", "approximately", "more than", "at least", "up to", "nearly", "an estimated", "over"]
NOUNS = ["ISIS operatives", "militants", "ISIS fighters", "civilians", "soldiers", "attacks",
         "operations", "airstrikes", "detainees", "troops", "people", "ISIS leaders", "members of the SDF"]
VERBS = ["were killed", "were detained", "were arrested", "were wounded", "remain at large",
         "live in the camps", "were repatriated", "remain in Iraq", "were carried out", "", "were held"]
PLACES = ["", "in Iraq", "in Syria", "in Deir ez-Zor", "across both countries", "in Al Hol"]
TIMES = ["", "in 2023", "last year", "since January", "from January to June 2024", "on Thursday",
         "in the first half of 2024", "so far this year", "yesterday", "this week"]
SOURCES = ["", ", CENTCOM said", ", according to the SDF", ", the ministry announced"]
figure = st.one_of(numbers, st.sampled_from(["forty-four", "a dozen", "dozens of", "hundreds of",
                                             "3,000 to 5,000", "between 10 and 15", "1.2 million"]))
# sentences built like news copy, so that most examples yield claims
sentences = st.builds(
    lambda q, f, n, v, p, t, s: " ".join(x for x in (q, f, n, v, p, t) if x) + s + ".",
    st.sampled_from(QUALIFYING), figure, st.sampled_from(NOUNS), st.sampled_from(VERBS),
    st.sampled_from(PLACES), st.sampled_from(TIMES), st.sampled_from(SOURCES),
)
words = st.lists(pieces, max_size=40).map(lambda xs: " ".join(xs))
texts = st.lists(st.one_of(sentences, sentences, words), max_size=6).flatmap(
    lambda xs: st.sampled_from([" ", "\n", "\n\n"]).map(lambda sep: sep.join(xs)))
# a few pieces glued without spaces as well: offsets and word edges must hold inside them
glued = st.lists(st.one_of(pieces, sentences), max_size=25).map(lambda xs: "".join(xs))
any_text = st.one_of(texts, glued, st.text(max_size=200))
published = st.one_of(
    st.none(),
    st.dates(dt.date(1990, 1, 1), dt.date(2049, 12, 31)),
    st.dates(dt.date(1990, 1, 1), dt.date(2049, 12, 31)).map(lambda d: d.isoformat()),
)
outlets = st.one_of(st.none(), st.sampled_from(["The New Region", "Rudaw", "CENTCOM", " "]))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_claim(text, claim):
    assert claim.metric in METRICS, claim
    assert claim.qualifier in QUALIFIERS, claim
    assert isinstance(claim.value, (int, float)) and not isinstance(claim.value, bool)
    assert math.isfinite(claim.value) and claim.value >= 0, claim
    if isinstance(claim.value, float):
        assert not claim.value.is_integer(), f"a whole value should be an int: {claim}"
    if claim.qualifier == "range":
        assert claim.value_max is not None and math.isfinite(claim.value_max), claim
        assert claim.value_max > claim.value, claim
    else:
        assert claim.value_max is None, claim
    assert isinstance(claim.place, tuple) and all(isinstance(p, str) and p for p in claim.place)
    if claim.period is not None:
        assert claim.period.start <= claim.period.end, claim
    assert claim.source is None or (isinstance(claim.source, str) and claim.source.strip())
    ev = claim.evidence
    assert ev is not None, claim
    assert 0 <= ev.sentence_start <= ev.figure_start < ev.figure_end <= ev.sentence_end <= len(text)
    assert text[ev.figure_start:ev.figure_end] == ev.figure
    assert text[ev.sentence_start:ev.sentence_end] == ev.sentence
    if ev.trigger is not None:
        assert ev.trigger_start is not None and ev.trigger_end is not None
        assert 0 <= ev.trigger_start < ev.trigger_end <= len(text)
        assert text[ev.trigger_start:ev.trigger_end] == ev.trigger
    # the gold format round trip keeps the claim
    assert isisfacts.Claim.from_dict(claim.to_dict()) == claim


def as_tuples(claims):
    return [(c.to_dict(), c.evidence) for c in claims]


@SETTINGS
@given(text=any_text, published=published, outlet=outlets)
def test_extract_never_raises_and_claims_are_well_formed(text, published, outlet):
    claims = isisfacts.extract(text, published=published, outlet=outlet)
    assert isinstance(claims, list)
    for claim in claims:
        check_claim(text, claim)


@SETTINGS
@given(text=texts, published=published)
def test_extract_is_deterministic(text, published):
    first = isisfacts.extract(text, published=published)
    second = isisfacts.extract(text, published=published)
    assert as_tuples(first) == as_tuples(second)


@SETTINGS
@given(a=texts, b=texts, published=published)
def test_extract_is_independent_of_other_documents(a, b, published):
    alone = as_tuples(isisfacts.extract(a, published=published))
    isisfacts.extract(b, published="2019-03-23", outlet="Rudaw")  # state a leaky component would keep
    after_other = as_tuples(isisfacts.extract(a, published=published))
    assert after_other == alone
    nlp = isisfacts.load()
    docs = [isisfacts.make_doc(nlp, t, published=published if t is a else "2020-01-01") for t in (b, a, b)]
    batched = [as_tuples(d._.claims) for d in nlp.pipe(docs, batch_size=2)]
    assert batched[1] == alone


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(st.tuples(texts, published), min_size=1, max_size=5))
def test_pipe_with_context_matches_extract(batch):
    nlp = isisfacts.load()
    records = [(t, {"published": p, "outlet": "The New Region"}) for t, p in batch]
    piped = [as_tuples(claims) for claims, _ in isisfacts.pipe(records, nlp=nlp, batch_size=2)]
    alone = [as_tuples(isisfacts.extract(t, published=p, outlet="The New Region")) for t, p in batch]
    assert piped == alone
    via_tuples = [as_tuples(doc._.claims) for doc, _ in nlp.pipe(records, as_tuples=True, batch_size=3)]
    assert via_tuples == alone


@SETTINGS
@given(prefix=st.sampled_from(["", "\n", "   ", "Headline\n\n"]), text=texts)
def test_offsets_follow_the_text_when_it_is_shifted(prefix, text):
    """A prefix that opens a new paragraph shifts every offset by its length, nothing else."""
    base = isisfacts.extract("Note.\n" + text, published="2024-07-17")
    shifted = isisfacts.extract("Note.\n" + prefix + text, published="2024-07-17")
    for claim in shifted:
        check_claim("Note.\n" + prefix + text, claim)
    if not prefix.strip():
        assert [c.to_dict(evidence=False) for c in shifted] == [c.to_dict(evidence=False) for c in base]
        assert [c.evidence.figure_start - len(prefix) for c in shifted] == [c.evidence.figure_start for c in base]


@pytest.mark.parametrize(
    "text",
    [
        "In Iraq, 137 joint operations led to the killing of 30 ISIS operatives and the detention of 74.",
        "Between 3,000 and 5,000 ISIS fighters remain at large in Iraq and Syria, officials said.",
        "“More than 40 militants were killed,” the SDF said on Thursday.\nAnother 12 were detained.",
    ],
)
def test_properties_hold_on_typical_sentences(text):
    claims = isisfacts.extract(text, published="2024-07-18", outlet="The New Region")
    assert claims, "typical sentences should yield claims"
    for claim in claims:
        check_claim(text, claim)
