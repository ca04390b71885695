"""The time tagger: dates, months, years, halves, quarters, ranges, relative expressions,
resolved against a reference date; datelines; no reference -> relative stays None."""

import datetime as dt

import pytest
import spacy

import isisfacts
from isisfacts.times import find_dateline, tag_times

REF = dt.date(2024, 7, 18)  # a Thursday
D = dt.date


def periods(text, reference=REF):
    out = []
    for t in tag_times(text, reference):
        assert text[t["start_char"]:t["end_char"]] == t["text"]
        start = D.fromisoformat(t["start"]) if t["start"] else None
        end = D.fromisoformat(t["end"]) if t["end"] else None
        if start and end:
            assert start <= end, t
        out.append((t["text"], start, end))
    return out


def one(text, reference=REF):
    found = periods(text, reference)
    assert len(found) == 1, found
    return found[0][1], found[0][2]


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Raids on March 5, 2024 hit the town.", D(2024, 3, 5), D(2024, 3, 5)),
        ("Raids on 5 March 2024 hit the town.", D(2024, 3, 5), D(2024, 3, 5)),
        ("Raids on Sept. 9, 2021 hit the town.", D(2021, 9, 9), D(2021, 9, 9)),
        ("Raids on Jul. 17, 2024 hit the town.", D(2024, 7, 17), D(2024, 7, 17)),
        ("Raids on 2024-07-17 hit the town.", D(2024, 7, 17), D(2024, 7, 17)),
        ("Raids in March 2024 hit the town.", D(2024, 3, 1), D(2024, 3, 31)),
        ("Raids in February 2024 hit the town.", D(2024, 2, 1), D(2024, 2, 29)),
        ("Raids in 2023 hit the town.", D(2023, 1, 1), D(2023, 12, 31)),
        ("Raids in the first half of 2024 hit the town.", D(2024, 1, 1), D(2024, 6, 30)),
        ("Raids in the second half of 2023 hit the town.", D(2023, 7, 1), D(2023, 12, 31)),
        ("Raids in H2 2023 hit the town.", D(2023, 7, 1), D(2023, 12, 31)),
        ("Raids in the second quarter of 2024 hit the town.", D(2024, 4, 1), D(2024, 6, 30)),
        ("Raids in the fourth quarter of 2022 hit the town.", D(2022, 10, 1), D(2022, 12, 31)),
        ("Raids in Q3 2024 hit the town.", D(2024, 7, 1), D(2024, 9, 30)),
        ("Raids from January to June 2024 hit the town.", D(2024, 1, 1), D(2024, 6, 30)),
        ("Raids between January and March 2024 hit the town.", D(2024, 1, 1), D(2024, 3, 31)),
        ("Raids from 2019 to 2021 hit the town.", D(2019, 1, 1), D(2021, 12, 31)),
        ("Raids in 2019-2021 hit the town.", D(2019, 1, 1), D(2021, 12, 31)),
        ("Raids from November 2023 to February 2024 hit the town.", D(2023, 11, 1), D(2024, 2, 29)),
    ],
)
def test_absolute_expressions(text, start, end):
    assert one(text) == (start, end)
    # absolute expressions do not need a reference date
    assert one(text, None) == (start, end)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Raids January through March hit the town.", D(2024, 1, 1), D(2024, 3, 31)),
        ("Raids since January hit the town.", D(2024, 1, 1), REF),
        ("Raids since 2020 hit the town.", D(2020, 1, 1), REF),
        ("Raids last year hit the town.", D(2023, 1, 1), D(2023, 12, 31)),
        ("Raids last month hit the town.", D(2024, 6, 1), D(2024, 6, 30)),
        ("Raids in the first six months of this year hit the town.", D(2024, 1, 1), D(2024, 6, 30)),
        ("Raids in the first half of this year hit the town.", D(2024, 1, 1), D(2024, 6, 30)),
        ("Raids so far this year hit the town.", D(2024, 1, 1), REF),
        ("Raids this year hit the town.", D(2024, 1, 1), REF),
        ("Raids yesterday hit the town.", D(2024, 7, 17), D(2024, 7, 17)),
        ("Raids on Thursday hit the town.", REF, REF),
        ("Raids on Monday hit the town.", D(2024, 7, 15), D(2024, 7, 15)),
        ("Raids on Saturday hit the town.", D(2024, 7, 13), D(2024, 7, 13)),
        ("Raids in Q1 hit the town.", D(2024, 1, 1), D(2024, 3, 31)),
        ("Raids in May hit the town.", D(2024, 5, 1), D(2024, 5, 31)),
        # a month after the reference month is last year's
        ("Raids in November hit the town.", D(2023, 11, 1), D(2023, 11, 30)),
    ],
)
def test_relative_expressions_resolve_against_the_reference(text, start, end):
    assert one(text) == (start, end)
    # with no reference date the expression is found but never guessed
    (surface, no_start, no_end), = periods(text, None)
    assert (no_start, no_end) == (None, None)


def test_relative_expressions_follow_the_reference_date():
    assert one("Raids last year hit the town.", D(2021, 2, 1)) == (D(2020, 1, 1), D(2020, 12, 31))
    assert one("Raids yesterday hit the town.", D(2024, 3, 1)) == (D(2024, 2, 29), D(2024, 2, 29))
    assert one("Raids since January hit the town.", D(2019, 1, 1)) == (D(2019, 1, 1), D(2019, 1, 1))


def test_so_far_alone_has_no_period():
    assert periods("Raids so far hit the town.") == [("so far", None, None)]


def test_a_year_mentioned_before_dates_bare_months():
    found = periods("In 2022 the group regrouped. In May, raids hit the town.", None)
    assert ("May", D(2022, 5, 1), D(2022, 5, 31)) in found


@pytest.mark.parametrize(
    "text",
    [
        "The group may attack again.",
        "They will march on the town.",
        "Fighters in Mayadin were hit.",
        "The convoy left at dawn.",
        "Unit 1234 moved.",
    ],
)
def test_words_that_look_like_months_or_years_are_not_times(text):
    assert [p for p in periods(text) if p[1] is not None] == []


@pytest.mark.parametrize(
    "text, date",
    [
        ("BAGHDAD, Jul. 17, 2024 - Raids hit the town.", D(2024, 7, 17)),
        ("Jul. 17, 2024\nRaids hit the town.", D(2024, 7, 17)),
        ("Posted 2022-01-22T15:38 by the desk\nRaids hit the town.", D(2022, 1, 22)),
        ("Monitors report\nMarch 3, 2023\n\nRaids hit the town.", D(2023, 3, 3)),
        ("Release No. 20230720-02\nJuly 20, 2023\n\nRaids hit the town.", D(2023, 7, 20)),
        ("ERBIL, 4 June 2021 - Raids hit the town.", D(2021, 6, 4)),
    ],
)
def test_dateline(text, date):
    assert find_dateline(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "Raids hit the town in 2024.",  # a bare year is not a dateline
        "Raids on March 5 hit the town.",  # a date without a year is not a dateline
        "Raids hit the town.",
        "",
    ],
)
def test_no_dateline(text):
    assert find_dateline(text) is None


def test_dateline_far_down_the_text_is_not_a_dateline():
    assert find_dateline("Raids hit the town. " * 60 + "July 20, 2023") is None


@pytest.fixture(scope="module")
def nlp():
    return isisfacts.load()


def test_reference_is_the_published_date_else_the_dateline(nlp):
    text = "BAGHDAD, Jul. 17, 2024 - Raids last year hit the town."
    doc = nlp(isisfacts.make_doc(nlp, text, published="2021-05-05"))
    assert doc._.reference_date == "2021-05-05"
    last_year = [t for t in doc._.isis_times if t["text"] == "last year"][0]
    assert (last_year["start"], last_year["end"]) == ("2020-01-01", "2020-12-31")
    doc = nlp(isisfacts.make_doc(nlp, text))
    assert doc._.reference_date == "2024-07-17"
    last_year = [t for t in doc._.isis_times if t["text"] == "last year"][0]
    assert (last_year["start"], last_year["end"]) == ("2023-01-01", "2023-12-31")


def test_relative_period_without_any_reference_is_none_in_claims():
    claims = isisfacts.extract("Last year, 30 ISIS operatives were killed in Iraq.")
    assert claims and all(c.period is None for c in claims)
    claims = isisfacts.extract("Last year, 30 ISIS operatives were killed in Iraq.", published="2024-07-17")
    assert [c.period for c in claims] == [isisfacts.Period(D(2023, 1, 1), D(2023, 12, 31))]


def test_time_spans_on_the_doc():
    nlp = spacy.blank("en")
    nlp.add_pipe("isis_times")
    doc = nlp("From January to June 2024, raids hit the town.")
    assert [s.text for s in doc.spans["isis_times"]] == ["From January to June 2024"]


@pytest.mark.parametrize("text", ["over the past 2024 years", "in the last 99999 months", "the past 3000000 days", "the past 99999999999999999999 days"])
def test_a_count_reaching_before_year_one_is_left_undated(text):
    times = tag_times(text, dt.date(2024, 3, 9))
    assert times and all(t["start"] is None for t in times)
