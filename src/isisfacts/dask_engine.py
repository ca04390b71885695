"""``isisfacts annotate --engine dask``: the bulk annotator on a Dask cluster.

The inputs are cut into partitions (see ``plan_partitions``); each partition is one
Dask task that reads its records, annotates them with the worker's pipeline (built
once per worker process) and writes one part file into the output directory,
atomically (a temporary file renamed into place). A part file therefore either
exists complete or not at all: ``--resume`` skips the partitions whose part file
exists and redoes only the others, and a task that Dask re-runs after losing a
worker simply writes its part again. Nothing is lost or written twice.

The output is the same set of records as ``--engine local``; their order differs
(part files are named in input order, records within a part keep input order).

>>> from isisfacts.dask_engine import plan_partitions
>>> [p.kind for p in plan_partitions(["corpora/gold"], partition_bytes=1 << 20)]
['jsonl', 'jsonl']
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

INSTALL_HINT = "the dask engine needs dask and distributed: pip install 'isisfacts[dask]'"
MANIFEST = "_partitions.json"
DEFAULT_PARTITION_BYTES = 32 << 20
# Many small .txt files go together: one task per article would drown the
# scheduler in tiny tasks (its overhead is about a millisecond a task).
DEFAULT_FILES_PER_PARTITION = 500
INPUT_SUFFIXES = (".jsonl", ".txt", ".csv")
_SCAN_CHUNK = 1 << 20


class MissingDask(RuntimeError):
    """dask or distributed is not installed."""


def require_dask() -> None:
    """Raise ``MissingDask`` with the install command when the extra is missing."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as err:
        raise MissingDask(INSTALL_HINT) from err


@dataclass(frozen=True)
class Partition:
    """One task's share of the input: a byte range of a JSONL file, or whole files.

    ``kind`` is ``"jsonl"`` (lines starting in ``[start, end)`` of ``path``; the
    first of them is line ``first_line``), ``"csv"`` (the whole file ``path``) or
    ``"txt"`` (the files in ``files``, one document each).
    """

    index: int
    kind: str
    path: str = ""
    start: int = 0
    end: int = 0
    first_line: int = 1
    files: Tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"

    def to_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["files"] = list(self.files)
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Partition":
        return cls(**{**data, "files": tuple(data.get("files") or ())})


@dataclass(frozen=True)
class Options:
    """What decides the content of an output record (kept in the manifest)."""

    text_field: str = "text"
    id_field: str = "id"
    date_field: str = "published"
    outlet_field: str = "outlet"
    extra_lexicon: Optional[str] = None
    batch_size: int = 64
    fmt: str = "jsonl"


@dataclass
class Summary:
    """Counts of a run; ``skipped`` partitions were already complete (``--resume``)."""

    partitions: int = 0
    skipped: int = 0
    documents: int = 0
    claims: int = 0
    errors: int = 0
    seconds: float = 0.0
    part_files: List[str] = field(default_factory=list)

    def add(self, stats: Dict[str, int]) -> None:
        self.documents += stats["documents"]
        self.claims += stats["claims"]
        self.errors += stats["errors"]


# --------------------------------------------------------------------------- planning


def expand_inputs(inputs: Sequence[str]) -> List[str]:
    """Files named or found under directories (recursively), in a stable order."""
    out: List[str] = []
    for name in inputs:
        if name == "-":
            raise ValueError("--engine dask cannot read stdin: workers read the input files "
                             "themselves; save the stream to a file first")
        path = Path(name)
        if path.is_dir():
            out.extend(str(p) for p in sorted(path.rglob("*"))
                       if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
        elif path.is_file():
            out.append(str(path))
        else:
            raise ValueError(f"{name}: no such file or directory")
    return out


def jsonl_cuts(path: str, partition_bytes: int) -> List[Tuple[int, int, int]]:
    """Byte ranges ``(start, end, first_line)`` of about ``partition_bytes`` each.

    Every range starts at a line start, so each line is read by exactly one range,
    and ``first_line`` (1-based) lets error records keep their line numbers. One
    sequential pass that only counts newlines: a few seconds per GB.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False)
    >>> _ = f.write(b"aaaa\\nbb\\ncccccc\\nd\\n"); f.close()
    >>> jsonl_cuts(f.name, 6)
    [(0, 8, 1), (8, 15, 3), (15, 17, 4)]
    >>> os.unlink(f.name)
    """
    size = os.path.getsize(path)
    if partition_bytes <= 0 or size <= partition_bytes:
        return [(0, size, 1)]
    starts: List[Tuple[int, int]] = [(0, 1)]
    desired = partition_bytes  # the next cut is the first line start at or after this
    offset = newlines = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(_SCAN_CHUNK)
            if not chunk:
                break
            while desired - 1 < offset + len(chunk):
                i = chunk.find(b"\n", max(desired - 1 - offset, 0))
                if i < 0:
                    break  # the line goes on into the next chunk
                cut = offset + i + 1
                if cut >= size:
                    break
                starts.append((cut, 1 + newlines + chunk.count(b"\n", 0, i + 1)))
                desired = cut + partition_bytes
            newlines += chunk.count(b"\n")
            offset += len(chunk)
    ends = [s for s, _ in starts[1:]] + [size]
    return [(s, e, line) for (s, line), e in zip(starts, ends)]


def plan_partitions(inputs: Sequence[str], partition_bytes: int = DEFAULT_PARTITION_BYTES,
                    files_per_partition: int = DEFAULT_FILES_PER_PARTITION) -> List[Partition]:
    """Cut the inputs into partitions, in input order.

    A JSONL file becomes byte ranges of about ``partition_bytes`` aligned to line
    starts; a CSV file is one partition (quoted fields may hold newlines, so it
    cannot be cut at an arbitrary line); consecutive text files are grouped, up to
    ``files_per_partition`` files or ``partition_bytes`` bytes.
    """
    parts: List[Partition] = []
    group: List[str] = []
    group_bytes = 0

    def flush() -> None:
        nonlocal group, group_bytes
        if group:
            parts.append(Partition(len(parts), "txt", files=tuple(group)))
        group, group_bytes = [], 0

    for path in expand_inputs(inputs):
        suffix = Path(path).suffix.lower()
        if suffix in (".jsonl", ".csv"):
            flush()
            if suffix == ".csv":
                parts.append(Partition(len(parts), "csv", path=path))
                continue
            for start, end, line in jsonl_cuts(path, partition_bytes):
                parts.append(Partition(len(parts), "jsonl", path=path, start=start, end=end,
                                       first_line=line))
        else:
            size = os.path.getsize(path)
            if group and (len(group) >= files_per_partition or group_bytes + size > partition_bytes):
                flush()
            group.append(path)
            group_bytes += size
    flush()
    return parts


# --------------------------------------------------------------------------- reading


def iter_jsonl_range(path: str, start: int, end: int, first_line: int) -> Iterator[Tuple[int, bytes]]:
    """``(line number, raw line)`` for the lines that start in ``[start, end)``."""
    with open(path, "rb") as f:
        f.seek(start)
        pos, line_no = start, first_line
        while pos < end:
            raw = f.readline()
            if not raw:
                break
            yield line_no, raw
            pos += len(raw)
            line_no += 1


def _source_record(data: Any, where: str, line: Optional[int], options: Options) -> Dict[str, Any]:
    """An input record ``{"id", "text", "published", "outlet", "line"}`` or ``{"id", "error"}``."""
    default_id = f"{where}:{line}" if line is not None else where
    if not isinstance(data, dict):
        return _error(default_id, line, f"expected a JSON object, got {type(data).__name__}")
    rid = data.get(options.id_field)
    rid = str(rid) if rid not in (None, "") else default_id
    text = data.get(options.text_field)
    if text is None:
        return _error(rid, line, f"no {options.text_field!r} field")
    if not isinstance(text, str):
        return _error(rid, line, f"{options.text_field!r} is a {type(text).__name__}, not a string")
    if not text.strip():
        return _error(rid, line, f"{options.text_field!r} is empty")
    return {"id": rid, "text": text, "line": line, "published": data.get(options.date_field),
            "outlet": data.get(options.outlet_field)}


def _error(rid: str, line: Optional[int], reason: str) -> Dict[str, Any]:
    return {"id": rid, "error": {"line": line, "reason": reason}}


def read_partition(part: Partition, options: Options) -> Iterator[Dict[str, Any]]:
    """The input records of a partition, in input order (see ``_source_record``)."""
    if part.kind == "jsonl":
        for line_no, raw in iter_jsonl_range(part.path, part.start, part.end, part.first_line):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError as err:
                yield _error(f"{part.path}:{line_no}", line_no, f"not valid JSON: {err}")
                continue
            yield _source_record(data, part.path, line_no, options)
    elif part.kind == "csv":
        import csv

        with open(part.path, newline="", encoding="utf-8", errors="replace") as f:
            for row_no, row in enumerate(csv.DictReader(f), start=2):
                yield _source_record(row, part.path, row_no, options)
    else:
        for path in part.files:
            text = Path(path).read_bytes().decode("utf-8", errors="replace")
            yield _source_record({options.text_field: text, options.id_field: path}, path, None,
                                 options)


def annotate_records(records: Iterable[Dict[str, Any]], options: Options) -> Iterator[Dict[str, Any]]:
    """Output records for input records, in order, with the process's cached pipeline."""
    from .extensions import parse_published
    from .pipeline import extract, load

    nlp = load(options.extra_lexicon)  # cached per process: built once per worker
    for rec in records:
        if "error" in rec:
            yield rec
            continue
        try:
            date = parse_published(rec.get("published"))
            outlet = rec.get("outlet") if isinstance(rec.get("outlet"), str) else None
            claims = extract(rec["text"], published=date, outlet=outlet, nlp=nlp)
        except (TypeError, ValueError) as err:
            yield _error(rec["id"], rec.get("line"), str(err))
            continue
        yield {"id": rec["id"], "published": date.isoformat() if date else None,
               "claims": [c.to_dict() for c in claims]}


# --------------------------------------------------------------------------- running


def run_partition(part: Partition, out_dir: str, options: Options) -> Dict[str, Any]:
    """Annotate one partition and write its part file; runs on a worker.

    Written to a uniquely named temporary file and renamed into place, so a worker
    killed half-way leaves no part file (only a temporary one that the next run
    removes), and two attempts at the same partition cannot interleave.
    """
    stats = {"documents": 0, "claims": 0, "errors": 0}
    final = Path(out_dir) / f"{part.name}.{options.fmt}"
    tmp = Path(out_dir) / f".{part.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as writer:
            for out in annotate_records(read_partition(part, options), options):
                stats["documents"] += 1
                if "error" in out:
                    stats["errors"] += 1
                else:
                    stats["claims"] += len(out.get("claims") or ())
                writer.write(json.dumps(out, ensure_ascii=False) + "\n")
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    return {**stats, "part": str(final)}


def _prepare(out_dir: Path, parts: List[Partition], options: Options, resume: bool) -> None:
    """Create ``out_dir`` and its manifest; on ``resume`` check the plan is unchanged."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"options": asdict(options), "partitions": [p.to_dict() for p in parts]}
    path = out_dir / MANIFEST
    if resume and path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != manifest:
            # Part N of another plan holds other records: mixing them would lose some
            # records and duplicate others.
            raise ValueError(f"{out_dir}: written for other inputs or options (see {MANIFEST}); "
                             "rerun with the same arguments, or use a new output directory")
    elif not resume:
        for stale in out_dir.glob("part-*"):
            stale.unlink()
    # Temporary part files are left only by killed attempts; none is running now.
    for stale in out_dir.glob(".part-*.tmp"):
        stale.unlink()
    tmp = out_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def annotate(inputs: Sequence[str], out_dir: os.PathLike, *, client: Any = None,
             scheduler: Optional[str] = None, n_workers: Optional[int] = None,
             resume: bool = False, options: Options = Options(),
             partition_bytes: int = DEFAULT_PARTITION_BYTES,
             files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
             on_partition: Optional[Callable[[Dict[str, Any]], None]] = None) -> Summary:
    """Annotate ``inputs`` on Dask into ``out_dir/part-NNNNN.jsonl``, one part per partition.

    Uses ``client`` if given, else connects to ``scheduler`` (``tcp://host:8786``),
    else starts a ``LocalCluster`` of ``n_workers`` single-threaded processes.
    Input paths must be readable, and ``out_dir`` writable, by every worker.

    >>> from isisfacts.dask_engine import annotate            # doctest: +SKIP
    >>> annotate(["corpora/gold"], "claims.d").documents        # doctest: +SKIP
    44
    """
    require_dask()
    from distributed import Client, LocalCluster, as_completed

    started = time.perf_counter()
    out = Path(out_dir).resolve()
    parts = plan_partitions(inputs, partition_bytes, files_per_partition)
    _prepare(out, parts, options, resume)
    summary = Summary(partitions=len(parts))
    todo = [p for p in parts if not (resume and (out / f"{p.name}.{options.fmt}").exists())]
    summary.skipped = len(parts) - len(todo)

    own: List[Any] = []  # what this call started, and must close
    if client is None:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            own.append(cluster)
            client = Client(cluster)
        own.insert(0, client)
    try:
        # pure=False: a rerun must recompute, never reuse a result the cluster remembers.
        futures = client.map(run_partition, todo, out_dir=str(out), options=options, pure=False)
        failures: List[BaseException] = []
        for future in as_completed(futures):
            try:
                stats = future.result()
            except Exception as err:  # noqa: BLE001 - the other partitions go on; reported below
                failures.append(err)
                continue
            summary.add(stats)
            if on_partition:
                on_partition(stats)
        if failures:
            raise RuntimeError(f"{len(failures)} of {len(todo)} partitions failed (rerun with "
                               f"--resume to redo only those); first: {failures[0]!r}") from failures[0]
    finally:
        for thing in own:
            thing.close()
    # Attempts on killed workers leave temporary files; every partition is done now.
    for stale in out.glob(".part-*.tmp"):
        stale.unlink()
    summary.part_files = sorted(str(p) for p in out.glob(f"part-*.{options.fmt}"))
    summary.seconds = time.perf_counter() - started
    return summary


def read_output(out_dir: os.PathLike) -> Iterator[Dict[str, Any]]:
    """The records of a partitioned JSONL output, part by part.

    >>> records = list(read_output("claims.d"))                # doctest: +SKIP
    """
    for part in sorted(Path(out_dir).glob("part-*.jsonl")):
        with open(part, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)
