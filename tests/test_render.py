"""isisfacts.render and the ``render`` subcommand, checked in a real headless Chromium."""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

import isisfacts
from isisfacts.cli import main
from isisfacts.render import Rendering

# Sentences written for these tests.
TEXT = ("Erbil, 9 October 2024 - Peshmerga units killed 17 ISIS militants in Makhmour last week, "
        "the SDF said. Roughly 2,400 families live in al-Hol camp. Observers counted <b>3</b> convoys.")
RECORDS = [
    {"id": "first", "text": "Coalition aircraft conducted 21 strikes in Syria in August 2024.", "published": "2024-09-02"},
    {"id": "second", "text": "In Iraq, 5 ISIS suspects were detained on Friday, CENTCOM said.", "published": "2024-09-02"},
]


class Rows(HTMLParser):
    """Collect the claims-table rows and highlight labels of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: List[Tuple[str, str]] = []
        self.external: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = dict(attrs)
        if tag == "tr" and "isis-claim" in (a.get("class") or ""):
            self.rows.append((a["data-metric"], a["data-value"]))
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(a[key])


def rows_of(page: str) -> Rows:
    parser = Rows()
    parser.feed(page)
    return parser


def expected_rows(claims) -> List[Tuple[str, str]]:
    return [(c.metric, str(c.value)) for c in claims]


def test_render_a_text():
    claims = isisfacts.extract(TEXT, published="2024-10-09")
    assert claims  # the rules change; the page must follow whatever they give
    out = isisfacts.render(TEXT, published="2024-10-09")
    assert isinstance(out, Rendering) and isinstance(out, str)
    assert out._repr_html_() == str(out)  # what Jupyter displays
    assert rows_of(out).rows == expected_rows(claims)
    for label in ("ACTOR", "PLACE", "PERIOD", "isis_killed"):
        assert f">{label}<" in out or f">{label}\n" in out or label in out
    assert "<b>3</b>" not in out and "&lt;b&gt;" in out  # the text is escaped
    assert "<html" not in out  # a fragment; page=True gives a page
    assert isisfacts.render(TEXT, published="2024-10-09", page=True).startswith("<!DOCTYPE html>")


def test_render_a_doc_leaves_it_as_it_was():
    nlp = isisfacts.load()
    doc = nlp(isisfacts.make_doc(nlp, TEXT, published="2024-10-09"))
    keys = set(doc.spans)
    out = isisfacts.render(doc, title="A story")
    assert set(doc.spans) == keys
    assert "<h2>A story</h2>" in out


def test_render_refuses_what_it_cannot_show():
    import spacy

    with pytest.raises(ValueError, match="isisfacts components"):
        isisfacts.render(spacy.blank("en")("Just words."))
    with pytest.raises(TypeError, match="Doc or a str"):
        isisfacts.render(42)  # type: ignore[arg-type]
    assert "No claims." in isisfacts.render("Nothing is counted here.")


def write_inputs(tmp_path: Path) -> Tuple[Path, Path]:
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    text = tmp_path / "story.txt"
    text.write_text(TEXT)
    return jsonl, text


def test_render_command(tmp_path: Path, capsys):
    jsonl, text = write_inputs(tmp_path)
    assert main(["render", str(jsonl), "-o", str(tmp_path / "batch.html")]) == 0
    page = (tmp_path / "batch.html").read_text()
    want = [r for rec in RECORDS for r in expected_rows(isisfacts.extract(rec["text"], published=rec["published"]))]
    assert rows_of(page).rows == want
    assert "<h2>first</h2>" in page and "<h2>second</h2>" in page
    assert main(["render", str(text), "--published", "2024-10-09"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    assert main(["render", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def find_chromium() -> Optional[str]:
    return shutil.which("chromium") or shutil.which("chromium-browser") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(find_chromium() is None,
                    reason="Debian's chromium is not installed (.ci/run installs it with apt-get where it can)")
def test_page_in_headless_chromium(tmp_path: Path):
    jsonl, text = write_inputs(tmp_path)
    combined = tmp_path / "all.jsonl"
    combined.write_text(jsonl.read_text() + json.dumps({"id": "story", "text": TEXT, "published": "2024-10-09"}) + "\n")
    page_path = tmp_path / "page.html"
    assert main(["render", str(combined), "-o", str(page_path)]) == 0
    done = subprocess.run(
        [find_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", page_path.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    dom = rows_of(done.stdout)
    assert dom.external == []  # nothing to fetch: the page works offline
    want = [r for rec in RECORDS for r in expected_rows(isisfacts.extract(rec["text"], published=rec["published"]))]
    want += expected_rows(isisfacts.extract(TEXT, published="2024-10-09"))
    assert dom.rows == want and len(want) >= 3
    for metric, value in want:  # each claim's figure is highlighted with its metric
        assert metric in done.stdout and value in done.stdout
