"""The sentence splitter: abbreviations and initials do not end sentences, line breaks do."""

import pytest
import spacy

import isisfacts
from isisfacts.sentences import sentence_starts


def split(text):
    starts = sentence_starts(text) + [len(text)]
    return [text[a:b].strip() for a, b in zip(starts, starts[1:]) if text[a:b].strip()]


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Gen. Ortiz spoke first. Raids hit the town.", ["Gen. Ortiz spoke first.", "Raids hit the town."]),
        ("Lt. Col. Haddad spoke. Raids hit the town.", ["Lt. Col. Haddad spoke.", "Raids hit the town."]),
        ("Raids on Jul. 17 hit the town. Then calm returned.",
         ["Raids on Jul. 17 hit the town.", "Then calm returned."]),
        ("Raids on Sept. 4 hit it. Then calm returned.", ["Raids on Sept. 4 hit it.", "Then calm returned."]),
        ("The U.S. Army left the base. Raids hit the town.",
         ["The U.S. Army left the base.", "Raids hit the town."]),
        ("The U.N. envoy came. The U.S. Army left.", ["The U.N. envoy came.", "The U.S. Army left."]),
        ("Mr. J. Doe spoke. Raids hit the town.", ["Mr. J. Doe spoke.", "Raids hit the town."]),
        ("Raids hit the town. 30 men fled.", ["Raids hit the town.", "30 men fled."]),
        ("Raids hit the town! Was it planned? Nobody knew.",
         ["Raids hit the town!", "Was it planned?", "Nobody knew."]),
        ('He said "Raids hit the town." Then he left.', ['He said "Raids hit the town."', "Then he left."]),
        ("He said “Raids hit the town.” Then he left.", ["He said “Raids hit the town.”", "Then he left."]),
        ("Raids hit the town (in the north.) Then calm.", ["Raids hit the town (in the north.)", "Then calm."]),
        ("Raids hit the town. (Calm returned.)", ["Raids hit the town.", "(Calm returned.)"]),
        ("raids hit the town. then calm returned.", ["raids hit the town. then calm returned."]),
        ("Raids hit 3.5 km of road. Then calm.", ["Raids hit 3.5 km of road.", "Then calm."]),
    ],
)
def test_split(text, sentences):
    assert split(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Raids hit the town\nCalm returned", ["Raids hit the town", "Calm returned"]),
        ("Headline without a stop\n\nBody of the story. Second sentence.",
         ["Headline without a stop", "Body of the story.", "Second sentence."]),
        ("- Iraq: 10 raids\n- Syria: 4 raids", ["- Iraq: 10 raids", "- Syria: 4 raids"]),
        ("line one\r\nline two", ["line one", "line two"]),
        ("Gen.\nOrtiz spoke.", ["Gen.", "Ortiz spoke."]),  # a line break always ends a sentence
    ],
)
def test_line_breaks_end_sentences(text, sentences):
    assert split(text) == sentences


@pytest.mark.parametrize("text", ["", " ", "\n\n", "no stop at all", "...", "A.B.C.D."])
def test_starts_are_sorted_unique_and_in_bounds(text):
    starts = sentence_starts(text)
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    assert all(0 <= s <= len(text) for s in starts)


def test_sentences_on_the_doc_follow_the_splitter():
    nlp = spacy.blank("en")
    nlp.add_pipe("isis_sentences")
    doc = nlp("Gen. Ortiz said on Jul. 17 the U.S. Army left.\nRaids hit the town. Calm returned.")
    assert [s.text.strip() for s in doc.sents] == [
        "Gen. Ortiz said on Jul. 17 the U.S. Army left.", "Raids hit the town.", "Calm returned.",
    ]


def test_splitter_respects_existing_sentences_unless_told_to_overwrite():
    text = "Raids hit the town\nCalm returned"  # the sentencizer does not split at a line break
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("isis_sentences")
    assert len(list(nlp(text).sents)) == 1
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("isis_sentences", config={"overwrite": True})
    assert len(list(nlp(text).sents)) == 2


def test_claim_sentence_is_not_cut_at_an_abbreviation():
    text = "Gen. Ortiz said on Jul. 17 that 30 ISIS operatives were killed in Iraq."
    claims = isisfacts.extract(text, published="2024-07-18")
    assert claims and all(c.evidence.sentence == text for c in claims)
