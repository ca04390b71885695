"""Tables of claims: ``isisfacts summarize`` over annotate output, and ``isisfacts.to_frame``."""

import json
import sys
from pathlib import Path

import pytest

import isisfacts
from isisfacts.cli import main
from isisfacts.summarize import summarize


def claim(metric, value, place, start=None, end=None):
    period = {"start": start, "end": end} if start else None
    return {"metric": metric, "value": value, "qualifier": "exact", "place": place, "period": period, "source": None}


RECORDS = [
    {"id": "a", "published": "2024-02-03", "claims": [
        claim("isis_killed", 12, ["Iraq"], "2024-01-01", "2024-01-31"),
        claim("strikes", 4, ["Syria"], "2024-01-10", "2024-01-10")]},
    {"id": "b", "published": "2024-02-05", "claims": [claim("isis_killed", 14, ["Iraq"], "2024-01-01", "2024-01-31")]},
    {"id": "c", "published": "2024-05-01", "claims": [
        claim("isis_killed", 9, ["Iraq"], "2024-04-01", "2024-04-30"),
        claim("isis_killed", 3, [], None, None)]},
    {"id": "d", "error": {"type": "ValueError", "message": "broken record"}},
]


@pytest.fixture
def output(tmp_path: Path) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return path


def test_groups_by_metric_place_and_period():
    s = summarize(RECORDS)
    rows = {(r["metric"], r["place"], r["period"]): r for r in s.rows()}
    jan = rows[("isis_killed", "Iraq", "2024-01-01..2024-01-31")]
    assert (jan["claims"], jan["min"], jan["median"], jan["max"], jan["latest"]) == (2, 12, 13, 14, 14)
    assert rows[("isis_killed", "(no place)", "(no period)")]["claims"] == 1
    assert (s.records, s.errors, s.claims) == (4, 1, 5)
    quarters = {(r["metric"], r["period"]): r["claims"] for r in summarize(RECORDS, by="quarter").rows()}
    assert quarters[("isis_killed", "2024-Q1")] == 2 and quarters[("isis_killed", "2024-Q2")] == 1
    assert [r["metric"] for r in summarize(RECORDS, metrics=["strikes"]).rows()] == ["strikes"]


def test_summarize_command_prints_a_table(output: Path, capsys):
    assert main(["summarize", str(output), "--by", "month"]) == 0
    out = capsys.readouterr().out
    assert "isis_killed" in out and "2024-01" in out and "2024-04" in out
    assert "1 error record(s) skipped" in out
    assert main(["summarize", str(output), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"] == 5


def test_summarize_names_bad_lines(tmp_path: Path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(RECORDS[0]) + "\n{oops\n")
    assert main(["summarize", str(bad)]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err
    bad.write_text(json.dumps({"id": "x", "claims": [{"metric": "isis_killed"}]}) + "\n")
    assert main(["summarize", str(bad)]) == 2
    assert "bad.jsonl:1: claims[0]" in capsys.readouterr().err


def test_plot_writes_a_png(output: Path, tmp_path: Path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    chart = tmp_path / "chart.png"
    assert main(["summarize", str(output), "--plot", str(chart)]) == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "isis_killed" in capsys.readouterr().err


def test_plot_without_matplotlib_says_how_to_install(output: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    assert main(["summarize", str(output), "--plot", str(tmp_path / "c.png")]) == 1
    assert "isisfacts[plot]" in capsys.readouterr().err


def test_to_frame_one_row_per_claim():
    pd = pytest.importorskip("pandas", reason="pandas is the optional 'pandas' extra")
    # Sentences written for this test.
    text = "In Iraq, 6 ISIS militants were killed and 2 were detained in March 2024, CENTCOM said."
    claims = isisfacts.extract(text, published="2024-04-02")
    frame = isisfacts.to_frame(claims)
    assert len(frame) == len(claims) == 2
    assert frame["metric"].tolist() == ["isis_killed", "isis_detained"]
    assert frame["place"].tolist() == ["Iraq", "Iraq"]
    assert frame["period_start"].iloc[0] == pd.Timestamp("2024-03-01")
    nlp = isisfacts.load()
    docs = [nlp(isisfacts.make_doc(nlp, t)) for t in (text, "Nothing counted.", "Coalition jets flew 3 strikes in Syria.")]
    by_doc = isisfacts.to_frame(docs)
    assert by_doc["doc"].tolist() == [0, 0, 2]
    assert len(isisfacts.to_frame([c.to_dict() for c in claims])) == 2
    assert list(isisfacts.to_frame([]).columns)[:3] == ["doc", "metric", "value"]
    with pytest.raises(TypeError, match="item 0"):
        isisfacts.to_frame([42])


def test_to_frame_without_pandas_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"isisfacts\[pandas\]"):
        isisfacts.to_frame([])
