"""Throughput and memory of isisfacts, against spaCy's bare tokenizer and quantulum3.

    .venv/bin/python benchmarks/throughput.py            # a minute or two
    .venv/bin/python benchmarks/throughput.py --big      # adds the 200 MB JSONL memory run (long)

The texts are the project's own gold corpus (corpora/gold/*.jsonl), repeated; every
measurement uses the same texts and counts CPU time (so other load on the machine does
not skew the ratios). isisfacts and spaCy's bare tokenizer are compared in ``--rounds``
fresh processes, both from cold caches in each, and the median ratio is the result: a
single run moves by +-10%. ``annotate`` runs as a real subprocess, and its peak memory
is the summed RSS of its process tree, sampled from /proc (Linux) every 50 ms.
"""

from __future__ import annotations

import argparse
import glob
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts(repeat: int) -> List[str]:
    texts = []
    for path in sorted(glob.glob(str(ROOT / "corpora" / "gold" / "*.jsonl"))):
        with open(path, encoding="utf8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts * repeat


def timed(work: Callable[[], None]) -> float:
    """CPU seconds of ``work``: single-process comparisons stay fair on a busy machine."""
    start = time.process_time()
    work()
    return time.process_time() - start


def rate(texts: Sequence[str], seconds: float) -> Tuple[float, float]:
    """(KB/s, docs/s)."""
    kb = sum(len(t.encode("utf8")) for t in texts) / 1024
    return kb / seconds, len(texts) / seconds


def tree_rss(pid: int) -> int:
    """Summed resident memory (bytes) of ``pid`` and its descendants, from /proc."""
    total, todo = 0, [str(pid)]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as handle:
                todo += handle.read().split()
        except OSError:
            continue
    return total


def run_annotate(path: Path, jobs: int, out: Path) -> Tuple[float, int]:
    """Wall seconds and peak tree RSS of one ``isisfacts annotate`` run."""
    command = [sys.executable, "-m", "isisfacts", "annotate", str(path), "-o", str(out),
               "--jobs", str(jobs), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - start
    sampler.join()
    if code != 0:
        raise SystemExit(f"annotate exited with {code}")
    return seconds, peak[0]


def write_jsonl(path: Path, texts: Sequence[str], target_bytes: int = 0) -> int:
    """Write the texts as JSONL (cycling until ``target_bytes`` if given); the doc count."""
    n, size = 0, 0
    with open(path, "w", encoding="utf8") as handle:
        while True:
            for text in texts:
                line = json.dumps({"id": f"doc-{n}", "text": text, "published": "2024-07-17"}) + "\n"
                handle.write(line)
                n, size = n + 1, size + len(line.encode("utf8"))
                if target_bytes and size >= target_bytes:
                    return n
            if not target_bytes:
                return n


def one_round(repeat: int) -> dict:
    """CPU seconds of isisfacts and of the bare tokenizer on the same texts, both from cold
    caches, then again warm. Run in a fresh process per round (``--round``): spaCy's
    tokenizer caches what it made of each chunk of text, and the pipeline is built once
    per process, so only a new process starts both cold."""
    import spacy

    import isisfacts

    texts = corpus_texts(repeat)
    nlp = isisfacts.load()
    list(nlp.pipe(texts[:5]))  # the first call's one-time costs, outside the timing
    ours = timed(lambda: [d._.claim_dicts for d in nlp.pipe(texts)])
    tokenizer = spacy.blank("en")
    bare = timed(lambda: list(tokenizer.pipe(texts)))
    # a second pass over the same texts: much cheaper for the tokenizer than for the rest
    ours_warm = timed(lambda: [d._.claim_dicts for d in nlp.pipe(texts)])
    bare_warm = timed(lambda: list(tokenizer.pipe(texts)))
    return {"ours": ours, "bare": bare, "ours_warm": ours_warm, "bare_warm": bare_warm}


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="copies of the corpus for the in-process runs")
    parser.add_argument("--annotate-repeat", type=int, default=200,
                        help="copies of the corpus for the annotate runs (default 200: 12,000 documents, about a minute with --jobs 1)")
    parser.add_argument("--memory-mb", type=float, default=1, help="size of the JSONL for the memory run")
    parser.add_argument("--big", action="store_true", help="the memory run on a 200 MB JSONL (takes long)")
    parser.add_argument("--skip-annotate", action="store_true", help="only the in-process comparison")
    parser.add_argument("--rounds", type=int, default=5,
                        help="fresh processes for the tokenizer comparison; the median is the result")
    parser.add_argument("--round", action="store_true", help=argparse.SUPPRESS)  # one round, as JSON
    args = parser.parse_args(list(argv) or None)
    if args.round:
        print(json.dumps(one_round(args.repeat)))
        return 0

    texts = corpus_texts(args.repeat)
    kb = sum(len(t.encode("utf8")) for t in texts) / 1024
    print(f"texts: {len(texts)} documents, {kb:.0f} KB (corpora/gold x {args.repeat})")
    rounds = []
    for _ in range(max(1, args.rounds)):
        done = subprocess.run([sys.executable, __file__, "--round", "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=True)
        rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
    ratios = sorted(r["bare"] / r["ours"] for r in rounds)
    warm_ratios = sorted(r["bare_warm"] / r["ours_warm"] for r in rounds)
    ours = statistics.median(r["ours"] for r in rounds)
    bare = statistics.median(r["bare"] for r in rounds)
    import warnings

    warnings.filterwarnings("ignore", module="quantulum3")  # its optional classifier is not needed here
    from quantulum3 import parser as qparser

    qparser.parse(texts[0])  # loads its model once, outside the timing
    quant = timed(lambda: [qparser.parse(t) for t in texts])

    for name, seconds in (("isisfacts", ours), ("spacy.blank('en') tokenizer", bare), ("quantulum3.parse", quant)):
        kbs, docs = rate(texts, seconds)
        print(f"{name:<30}{kbs:>10.1f} KB/s{docs:>10.1f} docs/s")
    print(f"isisfacts / tokenizer: {statistics.median(ratios):.3f}x median of {len(ratios)} rounds "
          f"(each a fresh process; range {ratios[0]:.3f}-{ratios[-1]:.3f})   (target >= 0.4)")
    print(f"isisfacts / quantulum3: {quant / ours:.2f}x   (target >= 10)")
    print(f"second pass, caches warm: isisfacts / tokenizer {statistics.median(warm_ratios):.3f}x "
          f"(range {warm_ratios[0]:.3f}-{warm_ratios[-1]:.3f})")
    from isisfacts import compiled

    print("modules:", ", ".join(f"{name} {how}" for name, how in compiled.status().items()))
    if args.skip_annotate:
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        data = tmpdir / "in.jsonl"
        n = write_jsonl(data, corpus_texts(args.annotate_repeat))
        # start-up: a one-document run (imports, building the pipeline, starting workers)
        one = tmpdir / "one.jsonl"
        write_jsonl(one, corpus_texts(1)[:1])
        startup = {j: run_annotate(one, j, tmpdir / "e.jsonl")[0] for j in (1, 2)}
        results = {}
        for jobs in (1, 2):
            seconds, peak = run_annotate(data, jobs, tmpdir / "out.jsonl")
            results[jobs] = seconds
            net = max(seconds - startup[jobs], 1e-9)
            print(f"annotate --jobs {jobs}: {n} docs in {seconds:.1f} s ({n / seconds:.1f} docs/s; "
                  f"{n / net:.1f} docs/s without the {startup[jobs]:.1f} s start-up), peak RSS {peak / 2**20:.0f} MB")
        print(f"--jobs 2 / --jobs 1: {results[1] / results[2]:.2f}x wall, "
              f"{(results[1] - startup[1]) / (results[2] - startup[2]):.2f}x without start-up   (target >= 1.7)")

        target = 200 * 2**20 if args.big else int(args.memory_mb * 2**20)
        big = tmpdir / "big.jsonl"
        n = write_jsonl(big, corpus_texts(1), target_bytes=target)
        seconds, peak = run_annotate(big, 2, tmpdir / "big-out.jsonl")
        print(f"memory: annotate --jobs 2 on a {big.stat().st_size / 2**20:.0f} MB JSONL ({n} docs): "
              f"peak RSS {peak / 2**20:.0f} MB, {seconds:.0f} s   (target < 600 MB for 200 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
