"""User lexicon files: new metrics, triggers, actors and places, and clear errors for bad files."""

import json
from pathlib import Path

import pytest

import isisfacts
from isisfacts import LexiconError
from isisfacts.cli import main

# Sentences written for these tests.
TEXT = "Near Wadi al-Tharthar, masked gunmen abducted 14 civilians last week, the Anbar Operations Command said."
LEXICON = {
    "metrics": {"civilians_kidnapped": {"kind": "flow"}},
    "events": {"kidnapped": ["kidnapped", "abducted", "seized", "abduction of"]},
    "rules": [{"noun": "civilian", "event": "kidnapped", "metric": "civilians_kidnapped"}],
    "places": [{"name": "Wadi al-Tharthar", "aliases": ["Tharthar valley"], "kind": "region", "country": "Iraq"}],
    "actors": [{"name": "AOC", "aliases": ["Anbar Operations Command"], "kind": "security"}],
}
TOML = """
[metrics.civilians_kidnapped]
kind = "flow"

[events]
kidnapped = ["kidnapped", "abducted"]

[[rules]]
noun = "civilian"
event = "kidnapped"
metric = "civilians_kidnapped"

[[places]]
name = "Wadi al-Tharthar"
kind = "region"
country = "Iraq"

[[actors]]
name = "AOC"
aliases = ["Anbar Operations Command"]
kind = "security"
"""


@pytest.fixture
def lexicon(tmp_path: Path) -> Path:
    path = tmp_path / "my.json"
    path.write_text(json.dumps(LEXICON))
    return path


def test_a_metric_added_by_a_lexicon_is_extracted(lexicon: Path):
    nlp = isisfacts.load(extra_lexicon=lexicon)
    claims = isisfacts.extract(TEXT, published="2024-03-14", nlp=nlp)
    assert [(c.metric, c.value, c.place, c.source) for c in claims] == [
        ("civilians_kidnapped", 14, ("Wadi al-Tharthar",), "AOC")
    ]
    assert claims[0].period is not None  # "last week" resolved against the date
    # the default pipeline does not know the metric
    assert "civilians_kidnapped" not in [c.metric for c in isisfacts.extract(TEXT, published="2024-03-14")]


def test_a_toml_lexicon_works_too(tmp_path: Path):
    path = tmp_path / "my.toml"
    path.write_text(TOML)
    claims = isisfacts.extract(TEXT, nlp=isisfacts.load(extra_lexicon=path))
    assert [(c.metric, c.place) for c in claims] == [("civilians_kidnapped", ("Wadi al-Tharthar",))]


def test_evaluate_takes_a_lexicon(lexicon: Path, tmp_path: Path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "k1", "text": TEXT, "published": "2024-03-14", "claims": [
        {"metric": "civilians_kidnapped", "value": 14, "qualifier": "exact", "place": ["Wadi al-Tharthar"],
         "period": None, "source": "AOC"}]}) + "\n")
    assert main(["evaluate", str(gold), "--lexicon", str(lexicon), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claim_recall"] == 1.0


BAD = [
    ("not json", "{metrics: ", ["not valid json", "line 1 column 2"]),
    ("top list", "[1, 2]", ["top level must be an object"]),
    ("place name", {"places": [{"name": "Ok"}, {"aliases": ["x"]}]}, ["places[1]", "'name'"]),
    ("aliases", {"actors": [{"name": "Foo", "aliases": "Bar"}]}, ["actors[0]", "'Foo'", "aliases"]),
    ("kind", {"metrics": {"civilians_kidnapped": {"kind": "sometimes"}}}, ["metrics['civilians_kidnapped']", "kind"]),
    ("undeclared metric", {"rules": [{"noun": "civilian", "event": "killed", "metric": "civilian_kidnaped"}]},
     ["rules[0]", "civilian_kidnaped", "not declared"]),
    ("rule fields", {"rules": [{"noun": "civilian"}]}, ["rules[0]", "'metric'"]),
    ("unknown section", {"metric": {}}, ["unknown section", "'metric'"]),
    ("nouns list", {"nouns": ["hostage"]}, ["'nouns'", "object"]),
    ("event words", {"events": {"kidnapped": "abducted"}}, ["events['kidnapped']", "list"]),
    ("modifiers", {"modifiers": "masked"}, ["'modifiers'", "list"]),
]


@pytest.mark.parametrize("content,expected", [(c, e) for _, c, e in BAD], ids=[b[0] for b in BAD])
def test_bad_lexicons_name_file_entry_and_problem(tmp_path: Path, content, expected):
    path = tmp_path / "broken.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(LexiconError) as err:
        isisfacts.load(extra_lexicon=path)
    message = str(err.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_missing_lexicon_file(tmp_path: Path):
    with pytest.raises(LexiconError, match="nowhere.json.*cannot read"):
        isisfacts.load(extra_lexicon=tmp_path / "nowhere.json")


def test_cli_reports_a_bad_lexicon(tmp_path: Path, capsys):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"places": [{"name": ""}]}))
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "text": "Nothing here."}) + "\n")
    assert main(["evaluate", str(gold), "--lexicon", str(path)]) == 2
    err = capsys.readouterr().err
    assert "broken.json" in err and "places[0]" in err
