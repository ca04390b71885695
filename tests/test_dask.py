"""The Dask engine on a real two-worker LocalCluster, compared with the local engine."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import List

import pytest

import isisfacts
from isisfacts import dask_engine, records
from isisfacts.dask_engine import Options, Partition, jsonl_cuts, plan_partitions

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401

    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False

needs_dask = pytest.mark.skipif(not HAVE_DASK, reason="dask/distributed not installed: pip install 'isisfacts[dask]'")

GOLD = Path(__file__).resolve().parent.parent / "corpora" / "gold"

# Our own short reports; each line of the corpus file below is one of these or a bad record.
TEXTS = [
    "Kurdish counter-terror units said they detained 12 ISIS suspects in Sulaymaniyah during March 2024.",
    "In Syria, coalition aircraft struck 9 ISIS hideouts last month, the task force said.",
    "No figures were released about the raid near the border.",
    "The SDF reported that about 40 ISIS fighters were killed in Deir ez-Zor since January.",
    "Iraqi forces carried out 25 operations against ISIS cells in Anbar in 2023, the ministry said.",
    "At least 3 ISIS leaders were captured in Kirkuk, according to local police.",
]
BAD_LINES = [
    '{"id": "broken", "text": "unterminated',  # malformed JSON
    "[1, 2, 3]",                                # not an object
    '{"id": "no-text", "body": "the text is under another key"}',
    '{"id": "empty", "text": "   "}',
    '{"id": "number", "text": 42}',
]


def write_corpus(path: Path, copies: int = 1) -> List[dict]:
    """A JSONL file mixing good and bad lines; returns the good records written."""
    good, lines = [], []
    for copy in range(copies):
        for i, text in enumerate(TEXTS):
            rec = {"id": f"r{copy}-{i}", "text": text, "published": "2024-04-02", "outlet": "Test Wire"}
            if i == 2:
                del rec["id"]  # gets FILE:LINE
            good.append(rec)
            lines.append(json.dumps(rec))
        lines.append(BAD_LINES[copy % len(BAD_LINES)])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return good


# ------------------------------------------------------------------ planning (no dask needed)


def lines_read(path: Path, size: int) -> List[tuple]:
    """(line number, line) for every line the partitions of ``size`` bytes read, in order."""
    out = []
    with open(path, "rb") as handle:
        for start, end, first in jsonl_cuts(str(path), size):
            handle.seek(start)
            lines = iter(dask_engine._Range(handle, end).readline, b"")
            out.extend((n, raw.decode().rstrip("\n")) for n, raw in enumerate(lines, start=first))
    return out


def test_jsonl_cuts_read_every_line_exactly_once(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [json.dumps({"id": i, "text": "x" * (i * 7 % 50)}) for i in range(200)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for size in (1, 10, 64, 333, 10_000):
        assert lines_read(path, size) == list(enumerate(lines, start=1)), size


def test_jsonl_cuts_without_final_newline_and_long_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(dask_engine, "_SCAN_CHUNK", 16)  # lines longer than a scan chunk
    path = tmp_path / "b.jsonl"
    lines = ["a" * 100, "b", "c" * 40, "d" * 3]
    path.write_text("\n".join(lines), encoding="utf-8")
    for size in (1, 20, 50):
        assert lines_read(path, size) == list(enumerate(lines, start=1)), size
    # a cut falls at the first line start at or after each multiple of the size
    assert jsonl_cuts(str(path), 20) == [(0, 101, 1), (101, 144, 2), (144, 147, 4)]


def test_plan_groups_whole_files(tmp_path):
    for i in range(5):
        (tmp_path / "txt" / f"{i}.txt").parent.mkdir(exist_ok=True)
        (tmp_path / "txt" / f"{i}.txt").write_text(TEXTS[i], encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,text\nx,hello\n", encoding="utf-8")
    parts = plan_partitions([str(tmp_path / "txt"), str(tmp_path / "t.csv")], files_per_partition=2)
    # a CSV is never cut: quoted fields may hold newlines
    assert [(p.kind, len(p.files)) for p in parts] == [("files", 2), ("files", 2), ("files", 2)]
    assert parts[-1].files[-1] == (str(tmp_path / "t.csv"), False)
    assert [p.index for p in parts] == list(range(3))
    assert Partition.from_dict(parts[0].to_dict()) == parts[0]


def test_stdin_is_refused():
    with pytest.raises(ValueError, match="stdin"):
        plan_partitions(["-"])


def test_missing_dask_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(dask_engine.MissingDask, match=r"pip install 'isisfacts\[dask\]'"):
        dask_engine.require_dask()


# ------------------------------------------------------------------ on a two-worker cluster


@pytest.fixture(scope="module")
def client():
    if not HAVE_DASK:
        pytest.skip("dask/distributed not installed: pip install 'isisfacts[dask]'")
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    with Client(cluster) as c:
        yield c
    cluster.close()


def read_parts(out: Path) -> List[dict]:
    return list(dask_engine.read_output(out))


def local_records(inputs: List[str]) -> List[dict]:
    """What ``--engine local`` writes for ``inputs``: the reference."""
    nlp = isisfacts.load()
    return [records.annotate_record(nlp, r) for r in records.iter_records(inputs)]


def as_set(outs: List[dict]) -> List[str]:
    """Records compared as a multiset: the dask engine keeps no global order."""
    return sorted(json.dumps(o, sort_keys=True) for o in outs)


@needs_dask
def test_same_records_as_local_engine(client, tmp_path):
    corpus = tmp_path / "mixed.jsonl"
    write_corpus(corpus, copies=3)
    folder = tmp_path / "folder"
    folder.mkdir()
    for i, text in enumerate(TEXTS[:3]):
        (folder / f"note{i}.txt").write_text(text, encoding="utf-8")
    (folder / "table.csv").write_text('id,text\nc1,"%s"\nc2,\n' % TEXTS[4], encoding="utf-8")
    (folder / "image.bin").write_bytes(b"\x89PNG\0\0binary")
    (folder / "more.jsonl").write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    inputs = [str(GOLD / "regional.jsonl"), str(corpus), str(folder)]
    out = tmp_path / "out"
    summary = dask_engine.annotate(inputs, out, client=client, partition_bytes=4000,
                                   files_per_partition=2)
    assert summary.partitions > 6  # the JSONL files are really cut, the small files grouped
    got = read_parts(out)
    expected = local_records(inputs)
    assert as_set(got) == as_set(expected)
    assert summary.documents == len(expected) and summary.errors == sum("error" in o for o in expected)
    # error records keep their file's line numbers, across partition boundaries
    lines = {o["error"]["line"] for o in got if o.get("error", {}).get("file") == str(corpus)}
    assert lines == {7, 14, 21}


@needs_dask
def test_resume_redoes_only_unfinished_partitions(client, tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, copies=4)
    out = tmp_path / "out"
    first = dask_engine.annotate([str(corpus)], out, client=client, partition_bytes=300)
    before = read_parts(out)
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == first.partitions > 3
    # as a killed run leaves it: one part never written, one attempt half-written
    parts[1].unlink()
    (out / ".part-00002.deadbeef.tmp").write_text('{"id": "half', encoding="utf-8")
    parts[2].unlink()
    ran: List[dict] = []
    again = dask_engine.annotate([str(corpus)], out, client=client, partition_bytes=300, resume=True,
                                 on_partition=ran.append)
    assert again.skipped_partitions == first.partitions - 2 and len(ran) == 2
    assert sorted(map(json.dumps, read_parts(out))) == sorted(map(json.dumps, before))
    assert not list(out.glob(".*.tmp"))


@needs_dask
def test_resume_refuses_another_plan(client, tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus)
    out = tmp_path / "out"
    dask_engine.annotate([str(corpus)], out, client=client, partition_bytes=300)
    with pytest.raises(ValueError, match="other inputs or options"):
        dask_engine.annotate([str(corpus)], out, client=client, partition_bytes=300, resume=True,
                             options=Options(fields=records.Fields(text="body")))


@needs_dask
def test_a_worker_killed_mid_run_loses_nothing(client, tmp_path):
    corpus = tmp_path / "big.jsonl"
    write_corpus(corpus, copies=40)
    expected = sum(1 for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip())
    out = tmp_path / "out"
    killed: List[str] = []
    done: List[dict] = []

    def kill_one_worker(stats: dict) -> None:
        done.append(stats)
        if killed:
            return
        # The first partition is back; others are queued or running on both workers.
        busy = [w for w, tasks in client.processing().items() if tasks] or list(client.processing())
        nanny = next(n for n in client.cluster.workers.values() if n.worker_address == busy[0])
        killed.append(busy[0])
        os.kill(nanny.pid, signal.SIGKILL)  # as the OOM killer would: no goodbye to the scheduler

    summary = dask_engine.annotate([str(corpus)], out, client=client, partition_bytes=400,
                                   on_partition=kill_one_worker)
    assert killed and len(done) == summary.partitions > 10
    records = read_parts(out)
    # The bad lines repeat their ids ("no-text"...); with the line, every record is unique.
    keys = [(r["id"], r.get("error", {}).get("line")) for r in records]
    assert len(keys) == len(set(keys)) == expected == summary.documents
    assert not list(out.glob(".*.tmp"))
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it, for the tests after this one


@needs_dask
def test_bag_and_dataframe_match_local(client, tmp_path):
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    import isisfacts.dask

    items = [{"id": f"b{i}", "text": t, "published": "2024-04-02"} for i, t in enumerate(TEXTS)]
    items.append({"id": "bad", "text": ""})
    got = isisfacts.dask.annotate_bag(db.from_sequence(items, npartitions=3)).compute()
    nlp = isisfacts.load()
    expected = [records.annotate_record(nlp, records.from_mapping(item, records.Fields(), "x", 1))
                for item in items]
    assert got[:-1] == expected[:-1] and got[-1]["error"]["reason"] == expected[-1]["error"]["reason"]

    frame = pd.DataFrame({"doc": [i["id"] for i in items], "body": [i["text"] for i in items]})
    table = isisfacts.dask.annotate_dataframe(dd.from_pandas(frame, npartitions=2), text_col="body",
                                              id_col="doc").compute()
    claims = [o for out in expected[:-1] for o in records.output_rows({**out, "published": None})]
    assert sorted(table.loc[table.metric.notna(), "value"].tolist()) == sorted(
        r["value"] for r in claims if r["metric"])
    assert table.loc[table.id == "bad", "error_reason"].tolist() == [expected[-1]["error"]["reason"]]


@needs_dask
def test_cli_on_a_running_scheduler(client, tmp_path, capsys):
    from isisfacts.cli import main

    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, copies=2)
    address = client.scheduler.address
    assert main(["annotate", str(corpus), "-o", str(tmp_path / "d.jsonl"), "--engine", "dask",
                 "--scheduler", address, "--partition-size", "300", "-q"]) == 0
    assert main(["annotate", str(corpus), "-o", str(tmp_path / "l.jsonl"), "-j", "1", "-q"]) == 0
    assert as_set(json.loads(x) for x in open(tmp_path / "d.jsonl")) == as_set(
        json.loads(x) for x in open(tmp_path / "l.jsonl"))
    assert not (tmp_path / "d.jsonl.parts").exists()
    assert main(["annotate", "-", "-o", str(tmp_path / "x"), "--engine", "dask"]) == 2
    assert "stdin" in capsys.readouterr().err


def test_cli_without_dask_says_how_to_install(tmp_path, monkeypatch, capsys):
    from isisfacts.cli import main

    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["annotate", str(GOLD), "-o", str(tmp_path / "x"), "--engine", "dask"]) == 2
    assert "pip install 'isisfacts[dask]'" in capsys.readouterr().err
