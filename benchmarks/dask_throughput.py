"""Throughput of ``--engine dask`` on a LocalCluster of 1 and 2 single-threaded workers.

Run: ``.venv/bin/python benchmarks/dask_throughput.py [COPIES]``. The corpus is
corpora/gold repeated COPIES times (default 20) as one JSONL file, cut into 256 KB
partitions. Cluster start-up and the first pipeline build are excluded (warm-up run).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

import isisfacts
from isisfacts import dask_engine

GOLD = Path(__file__).resolve().parent.parent / "corpora" / "gold"


def make_corpus(path: Path, copies: int) -> int:
    docs = [json.loads(line) for f in sorted(GOLD.glob("*.jsonl")) for line in open(f, encoding="utf-8")]
    with open(path, "w", encoding="utf-8") as out:
        for copy in range(copies):
            for d in docs:
                out.write(json.dumps({"id": f"{copy}-{d['id']}", "text": d["text"],
                                      "published": d.get("published"), "outlet": d.get("outlet")}) + "\n")
    return copies * len(docs)


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    tmp = Path(tempfile.mkdtemp())
    corpus = tmp / "corpus.jsonl"
    n = make_corpus(corpus, copies)
    kb = corpus.stat().st_size / 1024
    print(f"corpus: {n} documents, {kb:.0f} KB; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.run(isisfacts.load)  # build each worker's pipeline before timing
            dask_engine.annotate([str(GOLD)], tmp / "warm", client=client)
            started = time.perf_counter()
            summary = dask_engine.annotate([str(corpus)], tmp / f"out{workers}", client=client,
                                           partition_bytes=256 << 10)
            seconds = time.perf_counter() - started
            print(f"{workers} worker(s): {summary.partitions} partitions, {summary.documents} docs in "
                  f"{seconds:.1f} s: {summary.documents / seconds:.1f} docs/s, {kb / seconds:.0f} KB/s")


if __name__ == "__main__":
    main()
