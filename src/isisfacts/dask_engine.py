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

>>> import pathlib, tempfile
>>> from isisfacts.dask_engine import plan_partitions
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "news.jsonl").write_text('{"text": "30 ISIS militants were killed."}\\n' * 3)
>>> [p.kind for p in plan_partitions([str(folder)], partition_bytes=1 << 20)]
['jsonl']
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from . import records as rec
from .annotate import Tally
from .records import DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_TEXT_CHARS, Fields, Record

INSTALL_HINT = "the dask engine needs dask and distributed: pip install 'isisfacts[dask]'"
MANIFEST = "_partitions.json"
DEFAULT_PARTITION_BYTES = 32 << 20
# Many small .txt files go together: one task per article would drown the
# scheduler in tiny tasks (its overhead is about a millisecond a task).
DEFAULT_FILES_PER_PARTITION = 500
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

    ``kind`` is ``"jsonl"`` (the lines starting in ``[start, end)`` of ``path``; the
    first of them is line ``first_line``) or ``"files"`` (each of ``files``, a
    ``(path, found_in_a_directory)`` pair, read as ``isisfacts annotate`` reads it).
    """

    index: int
    kind: str
    path: str = ""
    start: int = 0
    end: int = 0
    first_line: int = 1
    files: Tuple[Tuple[str, bool], ...] = ()

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"

    def to_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["files"] = [list(f) for f in self.files]
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Partition":
        return cls(**{**data, "files": tuple((p, bool(d)) for p, d in data.get("files") or ())})


@dataclass(frozen=True)
class Options:
    """What decides the content of the output (kept in the manifest, checked on resume)."""

    fields: Fields = Fields()
    input_format: Optional[str] = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    extra_lexicon: Optional[str] = None
    batch_size: int = 32
    fmt: str = "jsonl"


@dataclass
class Summary(Tally):
    """The counts of a run, as a local run keeps them, plus its partitions."""

    partitions: int = 0
    skipped_partitions: int = 0  # already complete (--resume)
    part_files: List[str] = field(default_factory=list)

    def add(self, stats: Dict[str, int]) -> None:
        self.documents += stats["documents"]
        self.claims += stats["claims"]
        self.errors += stats["errors"]


# --------------------------------------------------------------------------- planning


def expand_inputs(inputs: Sequence[str]) -> List[Tuple[str, bool]]:
    """``(path, found_in_a_directory)`` for every file, in the order ``annotate`` reads them."""
    out: List[Tuple[str, bool]] = []
    for name in inputs:
        if name == "-":
            raise ValueError("--engine dask cannot read stdin: workers read the input files "
                             "themselves; save the stream to a file first")
        path = Path(name)
        if path.is_dir():
            out.extend((str(p), True) for p in rec.walk(path))
        elif path.exists():
            out.append((str(path), False))
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
                    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
                    input_format: Optional[str] = None) -> List[Partition]:
    """Cut the inputs into partitions, in input order.

    A JSONL file becomes byte ranges of about ``partition_bytes`` aligned to line
    starts. Every other file (``.txt``, ``.csv`` whose quoted fields may hold
    newlines, and the binary or unknown files that become error records) is read
    whole; consecutive ones are grouped, up to ``files_per_partition`` files or
    ``partition_bytes`` bytes.
    """
    parts: List[Partition] = []
    group: List[Tuple[str, bool]] = []
    group_bytes = 0

    def flush() -> None:
        nonlocal group, group_bytes
        if group:
            parts.append(Partition(len(parts), "files", files=tuple(group)))
        group, group_bytes = [], 0

    for path, in_directory in expand_inputs(inputs):
        if rec.input_kind(path, input_format) == "jsonl" and not (in_directory and rec.looks_binary(Path(path))):
            flush()
            for start, end, line in jsonl_cuts(path, partition_bytes):
                parts.append(Partition(len(parts), "jsonl", path=path, start=start, end=end,
                                       first_line=line))
            continue
        size = os.path.getsize(path)
        if group and (len(group) >= files_per_partition or group_bytes + size > partition_bytes):
            flush()
        group.append((path, in_directory))
        group_bytes += size
    flush()
    return parts


# --------------------------------------------------------------------------- reading


class _Range:
    """A binary file seen only up to byte ``end`` (what ``records.read_jsonl`` reads)."""

    def __init__(self, handle: IO[bytes], end: int):
        self.handle, self.left = handle, end - handle.tell()

    def readline(self, limit: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        line = self.handle.readline(self.left if limit is None or limit < 0 else min(limit, self.left))
        self.left -= len(line)
        return line


def read_partition(part: Partition, options: Options) -> Iterator[Record]:
    """The input records of a partition, in input order, exactly as a local run reads them."""
    if part.kind == "files":
        for path, in_directory in part.files:
            yield from rec.read_file(Path(path), options.fields, options.max_record_bytes,
                                     options.input_format, in_directory=in_directory)
        return
    shift = part.first_line - 1
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        for record in rec.read_jsonl(_Range(handle, part.end), part.path, options.fields,
                                     options.max_record_bytes):
            if shift and record.line is not None:
                # read_jsonl counts lines from the range's start; make them the file's.
                # An id read from the record is kept; only the FILE:LINE fallback moves.
                line = record.line + shift
                rid = f"{part.path}:{line}" if record.id == f"{part.path}:{record.line}" else record.id
                record = dataclasses.replace(record, id=rid, line=line)
            yield record


def annotate_partition(part: Partition, options: Options) -> Iterator[Dict[str, Any]]:
    """Output records of a partition, batch by batch, with the process's cached pipeline."""
    from .annotate import batches
    from .pipeline import load

    nlp = load(options.extra_lexicon)  # cached per process: built once per worker
    for batch in batches(read_partition(part, options), options.batch_size):
        yield from rec.annotate_batch(nlp, batch, options.batch_size, options.max_text_chars)


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
        with rec.open_writer(str(tmp), options.fmt) as writer:
            for out in annotate_partition(part, options):
                stats["documents"] += 1
                if "error" in out:
                    stats["errors"] += 1
                else:
                    stats["claims"] += len(out.get("claims") or ())
                writer.write(out)
        os.replace(tmp, final)
    finally:
        for left in (tmp, Path(f"{tmp}.partial")):  # parquet builds under .partial
            if left.exists():
                left.unlink()
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
    for stale in out_dir.glob(".part-*.tmp*"):
        stale.unlink()
    tmp = out_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def annotate(inputs: Sequence[str], out_dir: os.PathLike, *, client: Any = None,
             scheduler: Optional[str] = None, n_workers: Optional[int] = None,
             resume: bool = False, options: Options = Options(),
             partition_bytes: int = DEFAULT_PARTITION_BYTES,
             files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
             on_partition: Optional[Callable[[Dict[str, Any]], None]] = None,
             summary: Optional[Summary] = None) -> Summary:
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

    summary = summary or Summary(started=time.perf_counter())
    out = Path(out_dir).resolve()
    parts = plan_partitions(inputs, partition_bytes, files_per_partition, options.input_format)
    _prepare(out, parts, options, resume)
    summary.partitions = len(parts)
    todo = [p for p in parts if not (resume and (out / f"{p.name}.{options.fmt}").exists())]
    summary.skipped_partitions = len(parts) - len(todo)

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
    for stale in out.glob(".part-*.tmp*"):
        stale.unlink()
    summary.part_files = sorted(str(p) for p in out.glob(f"part-*.{options.fmt}"))
    return summary


def read_output(out_dir: os.PathLike) -> Iterator[Dict[str, Any]]:
    """The records of a partitioned JSONL output, part by part.

    >>> records = list(read_output("claims.d"))                # doctest: +SKIP
    """
    for part in sorted(Path(out_dir).glob("part-*.jsonl")):
        with open(part, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


# --------------------------------------------------------------------------- command line


def add_arguments(parser: Any) -> None:
    """The ``annotate`` options that only the dask engine reads."""
    from .annotate import parse_size

    parser.add_argument("--partition-size", type=parse_size, default=DEFAULT_PARTITION_BYTES,
                        metavar="SIZE", help="with --engine dask: bytes of input per partition "
                        "(one task, one part file; default: 32MB)")


def _merge(parts: List[str], target: str, fmt: str) -> None:
    """Concatenate part files into ``target`` (written under a temporary name, then renamed)."""
    tmp = f"{target}.{uuid.uuid4().hex}.tmp"
    with open(tmp, "wb") as out:
        for i, part in enumerate(parts):
            with open(part, "rb") as f:
                if fmt == "csv" and i:
                    f.readline()  # one header row, from the first part
                while True:
                    chunk = f.read(_SCAN_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
    os.replace(tmp, target)


def run_cli(args: Any) -> int:
    """``isisfacts annotate --engine dask``: exit codes as for the local engine.

    ``-o DIR`` (or a path without a known suffix) writes ``DIR/part-NNNNN.FORMAT``;
    ``-o FILE.jsonl`` / ``FILE.csv`` builds the parts in ``FILE.parts/`` and joins
    them into ``FILE`` at the end (the parts stay until then, for ``--resume``).
    """
    from .annotate import fail, progress_bar

    try:
        require_dask()
    except MissingDask as err:
        return fail(str(err))
    single = rec.output_format(args.output) if args.output != "-" else "jsonl"
    fmt = args.format or single or "jsonl"
    if args.output == "-" or single == "parquet":
        return fail("--engine dask writes a directory of part files (or one .jsonl/.csv file); "
                    "give -o DIR, and --format parquet for parquet parts")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            return fail("parquet output needs pyarrow: pip install 'isisfacts[parquet]'")
    if "-" in args.inputs:
        return fail("--engine dask cannot read stdin (-): workers read the input files themselves")
    problems = rec.check_inputs(args.inputs, args.input_format)
    if problems:
        return fail("; ".join(problems))
    out_dir = f"{args.output}.parts" if single else args.output
    if single and args.resume and os.path.exists(args.output) and not os.path.exists(out_dir):
        # FILE is joined from its parts only once every part is done: nothing is left.
        print(f"isisfacts annotate: {args.output} is complete; nothing to resume", file=sys.stderr)
        return 0
    options = Options(Fields(args.text_field, args.id_field, args.date_field, args.outlet_field),
                      args.input_format, args.max_record_size, args.max_text_chars,
                      str(Path(args.lexicon).resolve()) if args.lexicon else None, args.batch_size, fmt)
    summary = Summary(started=time.perf_counter())
    bar = progress_bar(args.quiet)

    def advance(stats: Dict[str, Any]) -> None:
        if bar is not None:
            bar.update(stats["documents"])
            bar.set_postfix(claims=summary.claims, errors=summary.errors, refresh=False)

    try:
        annotate(args.inputs, out_dir, scheduler=args.scheduler, n_workers=args.jobs,
                 resume=args.resume, options=options, partition_bytes=args.partition_size,
                 on_partition=advance, summary=summary)
        if single:
            _merge(summary.part_files, args.output, fmt)
            for part in Path(out_dir).iterdir():
                part.unlink()
            Path(out_dir).rmdir()
    except ValueError as err:
        return fail(str(err))
    except (RuntimeError, OSError) as err:
        return fail(f"{err}; rerun with --resume to continue", 1)
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        done = summary.skipped_partitions
        note = f" ({done} of {summary.partitions} partitions already done)" if done else ""
        print(summary.summary() + note, file=sys.stderr)
    return 1 if args.fail_on_error and summary.errors else 0
