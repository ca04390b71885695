import datetime as dt

import pytest

import isisfacts
from isisfacts import Claim, Period

TEXT = (
    "In Iraq, 137 joint operations led to the killing of 30 ISIS operatives and the detention of 74."
)


def test_extract_the_issue_example():
    claims = isisfacts.extract(TEXT, published="2024-07-17", outlet="The New Region")
    got = {(c.metric, c.value, c.qualifier, c.place) for c in claims}
    assert ("isis_killed", 30, "exact", ("Iraq",)) in got
    assert ("operations", 137, "exact", ("Iraq",)) in got
    assert ("isis_detained", 74, "exact", ("Iraq",)) in got


def test_claim_round_trip():
    claim = Claim("isis_killed", 30, "exact", place=("Iraq",), period=Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), source="CENTCOM")
    assert Claim.from_dict(claim.to_dict()) == claim
    assert claim.to_dict(evidence=False) == {
        "metric": "isis_killed", "value": 30, "qualifier": "exact", "place": ["Iraq"],
        "period": {"start": "2024-01-01", "end": "2024-06-30"}, "source": "CENTCOM",
    }


def test_bad_input():
    with pytest.raises(TypeError, match="text"):
        isisfacts.extract(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="published"):
        isisfacts.extract("30 ISIS militants were killed.", published="last Tuesday-ish")
    assert isisfacts.extract("   \n ") == []
    assert isisfacts.extract("") == []
