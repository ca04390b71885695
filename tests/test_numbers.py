"""The number tagger: what is a figure, its value and its qualifier (GOLD_FORMAT "Vague and
ranged figures" and "What is not a claim")."""

import math

import pytest
import spacy

from isisfacts.numbers import find_figures, parse_value, words_to_number


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("isis_times")  # dates and years are blocked from being figures
    nlp.add_pipe("isis_numbers")
    return nlp


def figures(nlp, text):
    doc = nlp(text)
    out = [(f["text"], f["value"], f["value_max"], f["qualifier"]) for f in doc._.isis_figures]
    for f in doc._.isis_figures:  # offsets always point at the surface
        assert text[f["start_char"]:f["end_char"]] == f["text"]
        assert f["start_char"] <= f["num_start"] < f["end_char"]
    return out


def only(nlp, text):
    found = figures(nlp, text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, value",
    [
        ("Raids netted 7 suspects.", 7),
        ("Police held 1,234 suspects.", 1234),
        ("The camp held 48,000 residents.", 48000),
        ("Police counted 1,000,000 people.", 1_000_000),
        ("They counted 12.5 tonnes.", 12.5),
        ("The camp holds 1.2 million people.", 1_200_000),
        ("The force numbered 2.5 thousand men.", 2500),
        ("They listed 0 U.S.-only operations.", 0),
        ("Cells of 5k fighters regrouped.", 5000),
    ],
)
def test_digits_separators_decimals_and_scales(nlp, text, value):
    _, got, value_max, qualifier = only(nlp, text)
    assert got == value and type(got) is type(value)
    assert value_max is None and qualifier == "exact"


@pytest.mark.parametrize(
    "text, value",
    [
        ("Troops captured eight suspects.", 8),
        ("Troops captured forty-four suspects.", 44),
        ("Troops captured forty four suspects.", 44),
        ("Troops captured a dozen suspects.", 12),
        ("Troops captured two hundred and five suspects.", 205),
        ("Troops captured ten thousand rounds.", 10000),
        ("Troops captured a hundred suspects.", 100),
        ("Troops captured Twelve suspects.", 12),
        # a spelled number whose name starts with a shorter one ("six" / "sixteen" / "sixty")
        ("Troops captured sixteen suspects.", 16),
        ("Troops captured seventeen suspects.", 17),
        ("Troops captured nineteen suspects.", 19),
        ("Troops captured sixty suspects.", 60),
        ("Troops captured seventy suspects.", 70),
        ("Troops captured eighty suspects.", 80),
        ("Troops captured ninety suspects.", 90),
        ("Troops captured fourteen suspects.", 14),
        ("Troops captured sixty-six suspects.", 66),
        ("Troops captured eighteen hundred rounds.", 1800),
    ],
)
def test_spelled_numbers(nlp, text, value):
    _, got, _, qualifier = only(nlp, text)
    assert got == value and qualifier == "exact"


@pytest.mark.parametrize(
    "text, value",
    [
        ("Dozens of militants fled.", 12),
        ("Scores of militants fled.", 20),
        ("Hundreds of militants fled.", 100),
        ("Thousands of militants fled.", 1000),
        ("Tens of thousands of people fled.", 10000),
        ("They detained dozens more militants.", 12),
    ],
)
def test_vague_plurals_are_at_least_their_floor(nlp, text, value):
    _, got, value_max, qualifier = only(nlp, text)
    assert (got, value_max, qualifier) == (value, None, "at_least")


@pytest.mark.parametrize("text", ["A few militants fled.", "Several militants fled.", "Many militants fled."])
def test_indefinite_quantities_are_not_figures(nlp, text):
    assert figures(nlp, text) == []


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("Between 3,000 and 5,000 fighters remain.", 3000, 5000),
        ("Some 3,000 to 5,000 fighters remain.", 3000, 5000),
        ("A force of 3,000-5,000 fighters remains.", 3000, 5000),
        ("A force of 3,000–5,000 fighters remains.", 3000, 5000),
        ("From 10 to 15 fighters died.", 10, 15),
        ("Between ten and fifteen fighters died.", 10, 15),
    ],
)
def test_ranges_keep_both_ends(nlp, text, low, high):
    _, value, value_max, qualifier = figures(nlp, text)[0]
    assert (value, value_max) == (low, high)
    assert qualifier in ("range", "approx")  # "Some 3,000 to 5,000" may be read either way
    if not text.startswith("Some"):
        assert qualifier == "range"


@pytest.mark.parametrize(
    "text", ["The match ended 3-1 at dusk.", "Unit 20-5 moved north."]
)
def test_descending_pairs_are_not_ranges(nlp, text):
    assert all(q != "range" for _, _, _, q in figures(nlp, text))


@pytest.mark.parametrize(
    "qualifier_words, qualifier",
    [
        ("approximately", "approx"), ("about", "approx"), ("around", "approx"), ("roughly", "approx"),
        ("an estimated", "approx"), ("some", "approx"), ("nearly", "approx"), ("almost", "approx"),
        ("more than", "at_least"), ("over", "at_least"), ("at least", "at_least"),
        ("in excess of", "at_least"), ("upwards of", "at_least"),
        ("up to", "at_most"), ("fewer than", "at_most"), ("less than", "at_most"),
        ("no more than", "at_most"),
    ],
)
def test_qualifiers(nlp, qualifier_words, qualifier):
    text = f"Officials counted {qualifier_words} 250 fighters."
    surface, value, _, got = only(nlp, text)
    assert (value, got) == (250, qualifier)
    assert surface.lower().startswith(qualifier_words.split()[0])


def test_plus_sign_is_at_least(nlp):
    assert only(nlp, "A 200+ strong cell was found.")[1:] == (200, None, "at_least")


def test_qualifier_case_and_spacing(nlp):
    assert only(nlp, "More  than 40 militants fled.")[1:] == (40, None, "at_least")
    assert only(nlp, "APPROXIMATELY 40 militants fled.")[1:] == (40, None, "approx")
    assert only(nlp, "Officials counted more\nthan 40 militants.")[1:] == (40, None, "at_least")


@pytest.mark.parametrize(
    "text",
    [
        "The group rose in 2014 and fell later.",
        "It happened on November 3, 2022 in the desert.",
        "It happened on 3 November 2022 in the desert.",
        "It happened on 2022-11-03 in the desert.",
        "2 min read",
        "A 12 minute read on the war.",
        "Some 45 percent of the fighters fled.",
        "Some 45% of the fighters fled.",
        "Some 45 per cent of the fighters fled.",
        "It was the eighth death this week.",
        "He was the 90th member to defect.",
        "She was the 3rd guard hit.",
        "A 25-year-old man was held.",
        "A man, 25 years old, was held.",
        "A man aged 34 was held.",
        "An F-16 flew over the town.",
        "Crews fired 81 mm mortar rounds.",
        "They fired 120mm shells.",
        "Call the desk at (813) 555-0147 for details.",
        "Call +964 750 123 4567 for details.",
        "The talks took 30 to 90 days.",
        "The siege lasted 14 days.",
        "The fight began at 10:30 near the river.",
        "Aid worth $500 million arrived.",
        "Under Resolution 2254 the talks went on.",
        "Some 24/7 patrols were set up.",
        "Attacks rose threefold, or 3 times the rate.",
    ],
)
def test_what_is_not_a_figure(nlp, text):
    assert figures(nlp, text) == []


def test_a_date_does_not_hide_the_figure_next_to_it(nlp):
    found = figures(nlp, "On March 3, 2024, 44 militants were killed.")
    assert [f[1] for f in found] == [44]


def test_year_range_is_not_a_figure_range(nlp):
    found = figures(nlp, "Between 2014 and 2017 the group held Mosul; 300 fighters stayed.")
    assert [f[1] for f in found] == [300]


def test_figures_inside_words_are_skipped(nlp):
    assert figures(nlp, "The convoy B52x and route A1 were hit.") == []


def test_several_figures_in_one_sentence(nlp):
    found = figures(nlp, "About 2,500 fighters and dozens of leaders, plus 74 detainees.")
    assert [(v, q) for _, v, _, q in found] == [(2500, "approx"), (12, "at_least"), (74, "exact")]


@pytest.mark.parametrize(
    "text, value",
    [("forty-four", 44), ("a dozen", 12), ("two hundred and five", 205), ("one thousand", 1000),
     ("three million", 3_000_000), ("ninety nine", 99)],
)
def test_words_to_number(text, value):
    assert words_to_number(text) == value


@pytest.mark.parametrize("text", ["", "fighters", "forty fighters"])
def test_words_to_number_rejects_non_numbers(text):
    assert words_to_number(text) is None


@pytest.mark.parametrize(
    "text, value",
    [("2,500", 2500), ("1.2 million", 1_200_000), ("eight", 8), ("3.5bn", 3_500_000_000), ("7", 7)],
)
def test_parse_value(text, value):
    assert parse_value(text) == value


def test_find_figures_values_are_finite_and_whole_values_are_int():
    for f in find_figures("Some 1e309 and 99999999999999999999999 and 1.0 and 2.50 militants."):
        assert math.isfinite(f["value"]) and f["value"] >= 0
        if float(f["value"]).is_integer():
            assert isinstance(f["value"], int)


@pytest.mark.parametrize("text", ["thouſands of ISIS fighters were killed", "Dozens of ISIS fighters (ſcores) fled",
                                  "İ saw hundreds of fighters"])
def test_vague_quantities_in_odd_letters_do_not_raise(nlp, text):
    assert all(f["value"] >= 10 for f in nlp(text)._.isis_figures)
