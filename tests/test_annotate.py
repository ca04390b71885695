"""``isisfacts annotate``: inputs, outputs, bad records, resume, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isisfacts import records as rec
from isisfacts.cli import main

# Our own sentences (not from any evaluation set).
GOOD = "Local police said 12 ISIS suspects were detained near Kirkuk in March 2024."
OTHER = "Iraqi forces killed 7 ISIS militants in Anbar last week, the ministry said."
NOTHING = "The weather in the capital stayed mild all week."


def run(*argv: object) -> int:
    return main(["annotate", *map(str, argv), "--quiet", "--jobs", "1"])


def read_jsonl(path: Path) -> list:
    return [json.loads(line) for line in path.read_text("utf8").splitlines()]


def write_jsonl(path: Path, objs: list) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), "utf8")
    return path


def by_id(outs: list) -> dict:
    return {o["id"]: o for o in outs}


# ---------------------------------------------------------------------------
# inputs

def test_jsonl_in_jsonl_out(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "a", "text": GOOD, "published": "2024-04-02", "outlet": "Test Wire"},
        {"text": OTHER},
        {"id": "c", "text": NOTHING},
    ])
    assert run(src, "-o", tmp_path / "out.jsonl") == 0
    outs = read_jsonl(tmp_path / "out.jsonl")
    assert [o["id"] for o in outs] == ["a", f"{src}:2", "c"]  # input order, FILE:LINE ids
    assert outs[0]["published"] == "2024-04-02"
    assert {(c["metric"], c["value"]) for c in outs[0]["claims"]} == {("isis_detained", 12)}
    assert "evidence" in outs[0]["claims"][0]
    assert outs[2]["claims"] == []


def test_field_options(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"key": 17, "body": GOOD, "date": "2024-04-02", "site": "X"}])
    assert run(src, "-o", tmp_path / "out.jsonl", "--text-field", "body", "--id-field", "key",
               "--date-field", "date", "--outlet-field", "site") == 0
    (out,) = read_jsonl(tmp_path / "out.jsonl")
    assert out["id"] == "17" and out["published"] == "2024-04-02" and out["claims"]


def test_txt_csv_and_directories(tmp_path):
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    (archive / "one.txt").write_text(GOOD, "utf8")
    with open(archive / "sub" / "rows.csv", "w", newline="", encoding="utf8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "published"])
        writer.writerow(["r1", OTHER + "\nA second line of the same story.", "2024-05-01"])
        writer.writerow(["", NOTHING, ""])
    write_jsonl(archive / "sub" / "more.jsonl", [{"id": "j1", "text": GOOD}])
    (archive / ".hidden.jsonl").write_text("ignored\n", "utf8")
    assert run(archive, "-o", tmp_path / "out.jsonl") == 0
    outs = by_id(read_jsonl(tmp_path / "out.jsonl"))
    csv_path = archive / "sub" / "rows.csv"
    assert set(outs) == {str(archive / "one.txt"), "r1", f"{csv_path}:4", "j1"}
    assert outs["r1"]["published"] == "2024-05-01" and outs["r1"]["claims"]
    assert outs[str(archive / "one.txt")]["claims"]


def test_stdin_and_stdout(tmp_path):
    data = json.dumps({"id": "s1", "text": GOOD}) + "\n"
    proc = subprocess.run([sys.executable, "-m", "isisfacts", "annotate", "-", "-o", "-", "--jobs", "1"],
                          input=data.encode(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (out,) = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert out["id"] == "s1" and out["claims"]
    assert b"1 documents" in proc.stderr  # the summary goes to stderr, never into the data


def test_iter_records_is_lazy():
    # A stream that fails when read past the first record: nothing is read ahead.
    class OneRecord(io.BytesIO):
        def readline(self, *args):
            line = super().readline(*args)
            if not line:
                raise AssertionError("read past the first record")
            return line

    records = rec.iter_records(["-"], stdin=OneRecord(b'{"text": "x"}\n'))
    assert next(records).text == "x"


# ---------------------------------------------------------------------------
# bad records: one output record each, with a reason, and the run goes on

def test_bad_jsonl_records(tmp_path):
    lines = [
        b'{"id": "ok1", "text": "' + GOOD.encode() + b'"}',
        b'{"id": "broken", "text": ',            # malformed JSON
        b'["a", "list"]',                          # not an object
        b'{"id": "notext"}',                       # missing text
        b'{"id": "numtext", "text": 42}',          # non-string text
        b'{"id": "empty", "text": "   "}',         # empty text
        b'{"id": "baddate", "text": "' + GOOD.encode() + b'", "published": "someday"}',
        b'{"id": "latin1", "text": "Caf\xe9 owners said 3 ISIS militants were killed in Mosul."}',
        b'{"id": "ok2", "text": "' + OTHER.encode() + b'"}',
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n\n")  # a trailing blank line is not a record
    assert run(src, "-o", tmp_path / "out.jsonl") == 0
    outs = read_jsonl(tmp_path / "out.jsonl")
    assert len(outs) == len(lines)
    errors = {o["id"]: o["error"] for o in outs if "error" in o}
    assert errors[f"{src}:2"]["reason"].startswith("not valid JSON")
    assert errors[f"{src}:2"]["line"] == 2
    assert "expected a JSON object, got an array" == errors[f"{src}:3"]["reason"]
    assert "no 'text' field" in errors["notext"]["reason"] and errors["notext"]["line"] == 4
    assert "int, not a string" in errors["numtext"]["reason"]
    assert "empty" in errors["empty"]["reason"]
    assert "published" in errors["baddate"]["reason"]
    latin = by_id(outs)["latin1"]
    assert "error" not in latin and latin["warnings"] == [rec.INVALID_UTF8]
    assert "\ufffd" in latin["claims"][0]["evidence"]["sentence"]
    assert by_id(outs)["ok2"]["claims"]


def test_huge_record_is_skipped_not_loaded(tmp_path):
    src = tmp_path / "in.jsonl"
    big = json.dumps({"id": "big", "text": "x " * 40_000})
    src.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n" + big + "\n"
                   + json.dumps({"id": "c", "text": OTHER}) + "\n", "utf8")
    assert run(src, "-o", tmp_path / "out.jsonl", "--max-record-size", "10K") == 0
    outs = read_jsonl(tmp_path / "out.jsonl")
    assert [o["id"] for o in outs] == ["a", f"{src}:2", "c"]
    assert "larger than the limit of 10,240 bytes" in outs[1]["error"]["reason"]
    assert outs[2]["claims"]


def test_huge_text_and_txt_file(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "long.txt").write_text(GOOD + " more" * 3000, "utf8")
    write_jsonl(tmp_path / "d" / "x.jsonl", [{"id": "long", "text": GOOD * 100}])
    assert run(tmp_path / "d", "-o", tmp_path / "out.jsonl", "--max-record-size", "8K",
               "--max-text-chars", "1000") == 0
    outs = by_id(read_jsonl(tmp_path / "out.jsonl"))
    assert "larger than the limit" in outs[str(tmp_path / "d" / "long.txt")]["error"]["reason"]
    assert "more than the limit of 1,000" in outs["long"]["error"]["reason"]


def test_binary_and_foreign_files_in_a_directory(tmp_path):
    archive = tmp_path / "a"
    archive.mkdir()
    (archive / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF\0" * 20)
    (archive / "disguised.jsonl").write_bytes(b"\0\1\2 binary \0" * 50)
    (archive / "notes.md").write_text("# notes\n", "utf8")
    (archive / "good.txt").write_text(GOOD, "utf8")
    (archive / "blank.txt").write_text("  \n", "utf8")
    assert run(archive, "-o", tmp_path / "out.jsonl") == 0
    outs = by_id(read_jsonl(tmp_path / "out.jsonl"))
    assert len(outs) == 5
    assert outs[str(archive / "photo.jpg")]["error"]["reason"].startswith("a binary file")
    assert outs[str(archive / "disguised.jsonl")]["error"]["reason"].startswith("a binary file")
    assert "not a .txt, .jsonl or .csv file" in outs[str(archive / "notes.md")]["error"]["reason"]
    assert outs[str(archive / "blank.txt")]["error"]["reason"] == "the file is empty"
    assert outs[str(archive / "good.txt")]["claims"]


def test_bad_csv_rows(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,text\n"
                    b"c1," + GOOD.encode() + b"\n"
                    b"c2,too,many,columns\n"
                    b"c3,\"Caf\xe9 staff said 4 ISIS fighters were detained.\"\n"
                    b"c4,\n")
    assert run(src, "-o", tmp_path / "out.jsonl") == 0
    outs = by_id(read_jsonl(tmp_path / "out.jsonl"))
    assert list(outs) == ["c1", f"{src}:3", "c3", "c4"]
    assert "columns" in outs[f"{src}:3"]["error"]["reason"]
    assert outs["c3"]["warnings"] == [rec.INVALID_UTF8]
    assert "empty" in outs["c4"]["error"]["reason"]


def test_csv_without_text_column(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,body\nx,hello\n", "utf8")
    assert run(src, "-o", tmp_path / "out.jsonl") == 0
    (out,) = read_jsonl(tmp_path / "out.jsonl")
    assert "--text-field" in out["error"]["reason"]


# ---------------------------------------------------------------------------
# outputs

def test_csv_output_has_a_row_per_claim_and_every_record(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "two", "text": GOOD + " " + OTHER}, {"id": "none", "text": NOTHING}, {"id": "bad"},
    ])
    assert run(src, "-o", tmp_path / "out.csv") == 0
    with open(tmp_path / "out.csv", newline="", encoding="utf8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["two", "two", "none", "bad"]
    assert rows[0]["metric"] and rows[0]["sentence"] and rows[0]["figure_start"]
    assert rows[2]["metric"] == "" and rows[3]["error_reason"]


def test_parquet_output_or_clear_message(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "p", "text": GOOD}])
    code = run(src, "-o", tmp_path / "out.parquet")
    try:
        import pyarrow.parquet as pq
    except ImportError:
        assert code == 2
        assert "pip install 'isisfacts[parquet]'" in capsys.readouterr().err
        return
    assert code == 0
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert table[0]["id"] == "p" and table[0]["metric"] == "isis_detained"


def test_jobs_two_gives_the_same_output_in_order(tmp_path):
    objs = [{"id": f"d{i}", "text": (GOOD, OTHER, NOTHING)[i % 3]} for i in range(30)] + [{"id": "x"}]
    src = write_jsonl(tmp_path / "in.jsonl", objs)
    assert run(src, "-o", tmp_path / "one.jsonl") == 0
    assert main(["annotate", str(src), "-o", str(tmp_path / "two.jsonl"), "--quiet",
                 "--jobs", "2", "--batch-size", "4"]) == 0
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_lexicon_option(tmp_path):
    lexicon = tmp_path / "lex.json"
    lexicon.write_text(json.dumps({"places": [{"name": "Fooville", "kind": "city", "country": "Iraq"}]}), "utf8")
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "l", "text": "In Fooville, 5 ISIS militants were killed."}])
    assert run(src, "-o", tmp_path / "out.jsonl", "--lexicon", lexicon) == 0
    (out,) = read_jsonl(tmp_path / "out.jsonl")
    assert "Fooville" in out["claims"][0]["place"]
    assert run(src, "-o", tmp_path / "out.jsonl", "--lexicon", tmp_path / "missing.json") == 2


# ---------------------------------------------------------------------------
# exit codes

def test_exit_codes(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GOOD}, {"id": "b"}])
    assert run(src, "-o", tmp_path / "out.jsonl") == 0  # error records are not a failure
    assert run(src, "-o", tmp_path / "out.jsonl", "--fail-on-error") == 1
    assert run(tmp_path / "missing.jsonl", "-o", tmp_path / "out.jsonl") == 2
    assert run(src, "-o", tmp_path / "out.xlsx") == 2
    assert run(src, "-o", "-", "--resume") == 2
    (tmp_path / "in.pdf").write_bytes(b"%PDF")
    assert run(tmp_path / "in.pdf", "-o", tmp_path / "out.jsonl") == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        run(src, "-o", tmp_path / "o.jsonl", "--batch-size", "0")
    assert exit_info.value.code == 2
    assert run(src, "-o", tmp_path / "no-such-dir" / "out.jsonl") == 1


# ---------------------------------------------------------------------------
# resume

def test_resume_skips_done_ids_and_truncates_a_partial_line(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": GOOD} for i in range(6)])
    out = tmp_path / "out.jsonl"
    assert run(src, "-o", out) == 0
    full = out.read_bytes()
    lines = full.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:3]) + lines[3][:20])  # as a kill would leave it
    assert run(src, "-o", out, "--resume") == 0
    assert out.read_bytes() == full


def test_resume_csv_redoes_the_last_record(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": GOOD + " " + OTHER} for i in range(4)])
    out = tmp_path / "out.csv"
    assert run(src, "-o", out) == 0
    full = out.read_bytes()
    out.write_bytes(full[: len(full) * 2 // 3])
    assert run(src, "-o", out, "--resume") == 0
    assert out.read_bytes() == full


def test_resume_refuses_a_foreign_file(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GOOD}])
    out = tmp_path / "out.jsonl"
    out.write_text("my precious notes\nmore\n", "utf8")
    assert run(src, "-o", out, "--resume") == 2
    assert out.read_text("utf8") == "my precious notes\nmore\n"
    assert "cannot resume" in capsys.readouterr().err


def worker_pids(pid: int) -> list:
    """The child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def test_sigkill_then_resume_gives_every_id_exactly_once(tmp_path):
    n = 400
    texts = (GOOD, OTHER, NOTHING)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"k{i}", "text": texts[i % 3]} for i in range(n)])
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "isisfacts", "annotate", str(src), "-o", str(out),
               "--jobs", "2", "--batch-size", "2", "--quiet"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill once some, but not all, records are out
        if out.exists() and out.stat().st_size > 0 and out.read_bytes().count(b"\n") >= 20:
            break
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.02)
    children = worker_pids(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for child in children:  # the orphaned workers would exit on their own; do not wait for it
        try:
            os.kill(int(child), signal.SIGKILL)
        except ProcessLookupError:
            pass
    written = out.read_bytes().count(b"\n")
    assert 0 < written < n, "the kill should land mid-run"
    done = subprocess.run(command + ["--resume"], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    ids = [o["id"] for o in read_jsonl(out)]
    assert sorted(ids) == sorted(f"k{i}" for i in range(n))
    assert len(ids) == len(set(ids)) == n


def test_docstring_examples():
    import doctest

    from isisfacts import annotate

    for module in (rec, annotate):
        assert doctest.testmod(module).failed == 0


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GOOD}, {"id": "b"}])
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1"]) == 0
    shown = terminal.getvalue()
    assert "docs" in shown and "claims=1" in shown and "errors=1" in shown  # the bar
    assert "2 documents, 1 claims, 1 errors" in shown  # the summary
    quiet = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1", "--quiet"]) == 0
    assert quiet.getvalue() == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GOOD}])
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1"]) == 0
    assert capsys.readouterr().err.strip().startswith("isisfacts annotate: 1 documents")


def test_runs_without_tqdm(tmp_path, monkeypatch):
    import isisfacts

    isisfacts.load()  # spaCy's plugins may import tqdm themselves; only ours is hidden below
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if the 'progress' extra were absent
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GOOD}])
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1"]) == 0
    assert terminal.getvalue().startswith("isisfacts annotate: 1 documents")


def test_a_document_the_pipeline_fails_on_becomes_an_error_record():
    import isisfacts

    real = isisfacts.load()

    class Fragile:  # the real pipeline, failing on one text
        make_doc = staticmethod(real.make_doc)

        def __call__(self, doc):
            if "BOOM" in doc.text:
                raise RuntimeError("simulated failure")
            return real(doc)

        def pipe(self, docs, batch_size=64):
            return [self(doc) for doc in docs]

    batch = [rec.Record("a", GOOD), rec.Record("b", "BOOM " + OTHER), rec.Record("c", OTHER)]
    outs = rec.annotate_batch(Fragile(), batch)
    assert [o["id"] for o in outs] == ["a", "b", "c"]
    assert outs[0]["claims"] and outs[2]["claims"]
    assert "simulated failure" in outs[1]["error"]["reason"]


def test_a_byte_order_mark_is_not_data(tmp_path):
    bom = b"\xef\xbb\xbf"
    (tmp_path / "excel.csv").write_bytes(bom + b"id,text\r\nx1," + GOOD.encode() + b"\r\n")
    (tmp_path / "notepad.jsonl").write_bytes(bom + json.dumps({"id": "j1", "text": GOOD}).encode() + b"\n")
    (tmp_path / "note.txt").write_bytes(bom + GOOD.encode())
    assert run(tmp_path, "-o", tmp_path / "out.jsonl") == 0
    outs = by_id(read_jsonl(tmp_path / "out.jsonl"))
    assert {"x1", "j1"} <= set(outs)  # the BOM did not hide the id column or break the JSON
    note = outs[str(tmp_path / "note.txt")]
    assert note["claims"][0]["evidence"]["sentence"].startswith("Local police")


def test_the_output_is_never_read_as_input(tmp_path):
    archive = tmp_path / "a"
    archive.mkdir()
    write_jsonl(archive / "in.jsonl", [{"id": f"o{i}", "text": GOOD} for i in range(40)])
    out = archive / "zz-claims.jsonl"  # inside the walked directory, sorted after the input
    assert main(["annotate", str(archive), "-o", str(out), "--quiet", "--jobs", "1", "--batch-size", "4"]) == 0
    assert [o["id"] for o in read_jsonl(out)] == [f"o{i}" for i in range(40)]
    assert run(archive / "in.jsonl", "-o", archive / "in.jsonl") == 2
    assert (archive / "in.jsonl").read_text("utf8").count("\n") == 40  # not truncated
