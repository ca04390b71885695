"""The rule layer, one decision at a time (docs/rules.md says why each is so).

Every text here is written for this test; each case pins one rule so that a change
that breaks it names the rule.
"""

import datetime as dt

import pytest

import isisfacts
from isisfacts.times import tag_times

D = dt.date
PUBLISHED = "2024-07-17"  # a Wednesday


def claims(text, published=PUBLISHED, outlet="Test Wire"):
    return isisfacts.extract(text, published=published, outlet=outlet)


def by_value(text, **kw):
    return {c.value: c for c in claims(text, **kw)}


# --- what is counted, and what happened to it ------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Coalition aircraft killed 14 ISIS militants near Hajin.", {14: "isis_killed"}),
    ("Police arrested nine suspected Islamic State members in Mosul.", {9: "isis_detained"}),
    ("The raids led to the killing of 12 militants and the detention of 30 others.",
     {12: "isis_killed", 30: "isis_detained"}),
    ("The operations resulted in 21 ISIS operatives killed and 40 detained.",
     {21: "isis_killed", 40: "isis_detained"}),
    ("Among those killed were five senior ISIS leaders, with 11 captured.",
     {5: "isis_leaders_killed", 11: "isis_leaders_detained"}),
    ("Four civilians, 16 ISIS fighters and 7 prison guards were killed in the clashes.",
     {4: "civilians_killed", 16: "isis_killed", 7: "security_forces_killed"}),
    ("A roadside bomb killed three soldiers and wounded six others.",
     {3: "security_forces_killed", 6: "security_forces_injured"}),
    ("Nine Peshmerga fighters were killed.", {9: "security_forces_killed"}),
    ("Two U.S. service members were wounded in the attack.", {2: "security_forces_injured"}),
    ("The Coalition conducted 26 strikes involving 89 engagements.", {26: "strikes", 89: "engagements"}),
    ("ISIS claimed responsibility for 41 attacks in Diyala.", {41: "attacks"}),
    ("About 2,500 ISIS fighters remain at large in Iraq and Syria.", {2500: "isis_fighters"}),
    ("More than 9,000 ISIS detainees are held in detention facilities in Syria.", {9000: "detainees_held"}),
    ("Some 43,000 people live in Al Hol camp.", {43000: "camp_population"}),
    ("Canada brought back 19 of its nationals from Al Roj.", {19: "repatriated"}),
    ("Returns numbered 300 in 2021 and 410 in 2022.", {300: "repatriated", 410: "repatriated"}),
    ("About 2,500 U.S. troops remain in Iraq.", {2500: "troops"}),
    ("Security forces made 87 arrests of ISIS suspects.", {87: "isis_detained"}),
    ("The PMF lost 41 fighters in ISIS attacks last year.", {41: "security_forces_killed"}),
])
def test_metric(text, expected):
    got = {c.value: c.metric for c in claims(text)}
    assert got == expected


@pytest.mark.parametrize("text", [
    "Partner forces killed or captured 25 militants.",                      # two metrics, no split
    "An attack killed 12 people, including several soldiers.",             # a mixed total
    "About 5,000 fighters and their families remain in the town.",        # fighters with families
    "The strikes destroyed 19 caves, seven weapons caches and four tunnels.",  # things, not metrics
    "The coalition, which has more than 80 members, met in Rome.",          # members of a coalition
    "A 34-year-old man and 75 percent of the village were affected in 2019.",
    "Several militants were killed and many others fled.",
    "No U.S. forces were injured.",
    "Hundreds of fighters were seen in the hills.",                        # nothing happened to them
    "Some 20 ISIS suspects were flown abroad for trial.",                  # suspects, no metric
    "Sudani, 53, came to power in 2022, said analyst Karim Jaber, 34.",     # ages after names
])
def test_not_a_claim(text):
    assert claims(text) == []


def test_a_subset_beside_its_total_is_a_claim_of_its_own():
    got = by_value("Asayish forces arrested 60 suspects, including 24 women.")
    assert got[60].metric == got[24].metric == "isis_detained"


def test_a_total_broken_down_in_the_next_sentence():
    text = ("ISIS killed 229 people in the northeast this year, the monitor said. "
            "The figure includes 136 members of the SDF and 93 civilians.")
    got = by_value(text)
    assert 229 not in got
    assert got[136].metric == "security_forces_killed"
    assert got[93].metric == "civilians_killed"


# --- place -----------------------------------------------------------------------------------

def test_place_of_the_figures_own_segment():
    got = by_value("U.S. forces killed 466 operatives in Syria and at least 220 operatives in Iraq.")
    assert got[466].place == ("Syria",)
    assert got[220].place == ("Iraq",)


def test_a_total_takes_the_places_of_its_breakdown():
    got = by_value("CENTCOM conducted 313 operations, killing 466 operatives in Syria and 220 in Iraq.")
    assert set(got[313].place) == {"Syria", "Iraq"}


def test_in_x_scopes_its_sentence_only():
    text = ("Forces in Iraq and Syria conducted 94 missions. In Iraq, 66 raids killed 11 militants. "
            "Among them were four leaders, with 9 captured across both countries.")
    got = by_value(text)
    assert got[66].place == ("Iraq",) and got[11].place == ("Iraq",)
    assert set(got[9].place) == {"Iraq", "Syria"}


def test_most_specific_place_and_canonical_names():
    got = by_value("Some 3,500 ISIS prisoners are held in Ghweran prison in Al-Hasakah, Syria.")
    assert got[3500].place == ("Hasakah",)
    got = by_value("The camp at al-Hawl hosts 41,000 people.")
    assert got[41000].place == ("Al Hol",)


@pytest.mark.parametrize("text", [
    "Iran-backed militias killed 6 ISIS fighters.",                     # a modifier
    "BAGHDAD, July 17 (Test Wire) - Forces killed 6 ISIS fighters.",   # a dateline
    "Forces killed 6 ISIS fighters outside Iraq.",                     # not here
])
def test_places_that_are_not_the_figures(text):
    assert claims(text)[0].place == ()


def test_an_abbreviated_country_beside_a_place_is_not_a_place():
    got = by_value("In Iraq, U.S. and partner forces carried out 191 operations, killing 59 ISIS members.")
    assert got[191].place == ("Iraq",) and got[59].place == ("Iraq",)


def test_repatriation_destinations_are_not_places():
    got = by_value("Some 517 women and children have been repatriated from camps in northeast Syria "
                   "to France and Germany.")
    assert got[517].place == ("Syria",)


# --- period ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, period", [
    ("In the first half of 2024, forces killed 44 ISIS operatives.", (D(2024, 1, 1), D(2024, 6, 30))),
    ("Forces killed 44 ISIS operatives from January to March.", (D(2024, 1, 1), D(2024, 3, 31))),
    ("Forces killed 44 ISIS operatives in the first quarter of 2023.", (D(2023, 1, 1), D(2023, 3, 31))),
    ("Forces killed 44 ISIS operatives last year.", (D(2023, 1, 1), D(2023, 12, 31))),
    ("Forces have killed 44 ISIS operatives so far this year.", (D(2024, 1, 1), D(2024, 7, 17))),
    ("Forces have killed 44 ISIS operatives since January.", (D(2024, 1, 1), D(2024, 7, 17))),
    ("Forces killed 44 ISIS operatives on Monday.", (D(2024, 7, 15), D(2024, 7, 15))),
    ("Forces killed 44 ISIS operatives last week.", (D(2024, 7, 8), D(2024, 7, 14))),
    ("About 2,500 ISIS fighters remain at large.", (D(2024, 7, 17), D(2024, 7, 17))),
])
def test_period(text, period):
    (claim,) = claims(text)
    assert (claim.period.start, claim.period.end) == period


def test_so_far_with_no_start_has_no_period():
    (claim,) = claims("Forces have so far detained 23 suspects.")
    assert claim.period is None


def test_relative_period_without_a_date_stays_unresolved():
    (claim,) = claims("Forces killed 44 ISIS operatives last year.", published=None)
    assert claim.period is None


def test_a_later_sentence_period_dates_the_figures_around_it():
    text = ("In the first half of 2024, CENTCOM conducted 196 missions. "
            "In Iraq, 137 raids led to the killing of 30 operatives.")
    got = by_value(text)
    assert got[30].period == isisfacts.Period(D(2024, 1, 1), D(2024, 6, 30))


def test_the_day_of_the_report_is_not_the_period():
    (claim,) = claims("CENTCOM said on Tuesday that forces have killed 12 militants so far.")
    assert claim.period is None


def test_each_figure_takes_its_own_year():
    got = by_value("Returns numbered 324 in 2021, 281 in 2020 and 342 in 2019.")
    assert got[281].period == isisfacts.Period(D(2020, 1, 1), D(2020, 12, 31))


# --- source ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, source", [
    ("Forces killed 30 ISIS operatives, CENTCOM said.", "CENTCOM"),
    ("Forces killed 30 ISIS operatives, according to the Syrian Observatory for Human Rights.", "SOHR"),
    ("The Rojava Information Center (RIC) said forces arrested 30 ISIS suspects.", "RIC"),
    ("Forces killed 30 ISIS operatives, Iraqi military officials said.", "Iraqi military officials"),
    ("Forces killed 30 ISIS operatives, said Gen. Michael Kurilla, commander of U.S. Central Command.",
     "CENTCOM"),
    ("Forces killed 30 ISIS operatives.", "Test Wire"),
])
def test_source(text, source):
    (claim,) = claims(text)
    assert claim.source == source


def test_a_pronoun_refers_to_the_party_named_before():
    text = "The SDF said on Sunday that it had evacuated the town. It killed 40 ISIS fighters, he said."
    (claim,) = claims(text)
    assert claim.source == "SDF"


def test_a_quotation_is_attributed_where_it_closes():
    text = '"Six ISIS members were captured. The hunt goes on." SOHR said.'
    (claim,) = claims(text)
    assert claim.source == "SOHR"


def test_the_chain_breaks_after_a_sentence_without_figures_or_attribution():
    text = ("Forces killed 30 ISIS operatives, CENTCOM said. The talks on the future of the mission go on. "
            "About 2,500 U.S. troops remain in Iraq.")
    got = by_value(text)
    assert got[30].source == "CENTCOM"
    assert got[2500].source == "Test Wire"


def test_an_outlet_that_is_an_actor_is_named_canonically():
    (claim,) = claims("Forces killed 30 ISIS operatives.", outlet="U.S. Central Command (press release)")
    assert claim.source == "CENTCOM"


# --- repeats -----------------------------------------------------------------------------------

def test_a_figure_repeated_in_headline_and_body_is_one_claim():
    text = ("Forces kill 30 ISIS militants in Anbar\n\n"
            "Iraqi forces killed 30 ISIS militants in Anbar on Monday, the Security Media Cell said.")
    (claim,) = claims(text)
    assert claim.source == "Iraqi Security Media Cell"
    assert claim.period == isisfacts.Period(D(2024, 7, 15), D(2024, 7, 15))


def test_a_qualifier_on_the_line_before_does_not_qualify_a_figure():
    """Found by hypothesis: the evidence crossed a paragraph break."""
    text = "approximately\n\n0 ISIS operatives were killed."
    (claim,) = claims(text)
    ev = claim.evidence
    assert claim.qualifier == "exact"
    assert ev.sentence_start <= ev.figure_start < ev.figure_end <= ev.sentence_end


# --- comparisons and undated texts --------------------------------------------------------

def test_the_time_of_a_comparison_dates_neither_the_figure_nor_what_follows():
    text = ("In 2021 the monitor counted 410 ISIS attacks in eastern Syria. "
            "Kurdish-led forces lost 96 fighters in those attacks, similar to the 120 deaths "
            "in that region in 2019. "
            "ISIS itself lost more than 300 fighters over the year, the same number as the previous year.")
    found = by_value(text, published=None)
    assert found[96].period == isisfacts.Period(D(2021, 1, 1), D(2021, 12, 31))
    assert found[300].period == isisfacts.Period(D(2021, 1, 1), D(2021, 12, 31))


def test_this_year_in_an_undated_text_is_the_year_its_headline_names():
    text = ("Monitor tallies the 2021 toll of ISIS in Syria\n\n"
            "ISIS carried out 150 attacks in northeastern Syria this year, the monitor said.")
    assert by_value(text, published=None)[150].period == isisfacts.Period(D(2021, 1, 1), D(2021, 12, 31))
    # a publication date says when "this year" ends; a headline with two years says nothing
    assert by_value(text, published="2021-10-05")[150].period == isisfacts.Period(D(2021, 1, 1), D(2021, 10, 5))
    two = text.replace("the 2021 toll", "the 2020 and 2021 tolls")
    assert [t["start"] for t in tag_times(two, None) if t["kind"] == "this_unit"] == [None]
