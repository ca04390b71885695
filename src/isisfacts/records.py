"""Reading input records and turning them into output records, for bulk annotation.

This module is the engine behind ``isisfacts annotate`` and is meant to be reused by
other runners (a dask engine, a notebook loop): it has no command-line code.

- :func:`iter_records` streams :class:`Record` objects out of ``.txt``, ``.jsonl`` and
  ``.csv`` files, directories and stdin (``-``). Bad input never raises: it becomes a
  record whose ``error`` says what is wrong, so every input record is accounted for.
- :func:`annotate_record` / :func:`annotate_batch` turn records into output dicts
  (``{"id", "published", "claims"}`` or ``{"id", "error": {"line", "reason"}}``).
- :func:`open_writer` gives a writer for ``.jsonl``, ``.csv`` or ``.parquet`` output;
  :func:`done_ids` reads what a killed run already wrote, for ``--resume``.

>>> import isisfacts, io
>>> from isisfacts.records import annotate_batch, iter_records
>>> stdin = io.BytesIO(b'{"id": "a", "text": "In Iraq, 30 ISIS operatives were killed."}\\nnot json\\n')
>>> out = annotate_batch(isisfacts.load(), list(iter_records(["-"], stdin=stdin)))
>>> [(o["id"], len(o.get("claims", [])), "error" in o) for o in out]
[('a', 1, False), ('-:2', 0, True)]
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import (
    IO,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
)

#: Input kinds by file suffix.
KINDS = {".txt": "txt", ".jsonl": "jsonl", ".csv": "csv"}
#: Output formats by file suffix.
FORMATS = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}
#: A record (a JSONL line, a CSV row, a .txt file) larger than this many bytes becomes an
#: error record without being held in memory.
DEFAULT_MAX_RECORD_BYTES = 50 * 1024 * 1024
#: Texts longer than this many characters become error records; spaCy's own default
#: ``max_length``, which keeps one document's memory in the hundreds of megabytes.
DEFAULT_MAX_TEXT_CHARS = 1_000_000
INVALID_UTF8 = "invalid UTF-8 bytes were replaced with U+FFFD"
_CHUNK = 1 << 20
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Fields:
    """Names of the input fields (JSONL keys, CSV columns)."""

    text: str = "text"
    id: str = "id"
    published: str = "published"
    outlet: str = "outlet"


@dataclass(frozen=True)
class Record:
    """One input record: a JSONL line, a CSV row, a ``.txt`` file, or a bad one of these.

    ``line`` is the 1-based line where the record starts (``None`` for whole files);
    ``source`` the file it came from (``"-"`` for stdin). A record with ``error`` set
    is not annotated; it becomes an error record. ``warnings`` are kept in the output.

    >>> Record("doc-1", "30 ISIS militants were killed.", "2024-07-17", None, 3, "a.jsonl").ok
    True
    """

    id: str
    text: Optional[str]
    published: Any = None
    outlet: Any = None
    line: Optional[int] = None
    source: str = "-"
    error: Optional[str] = None
    warnings: Tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def failed(self, reason: str) -> "Record":
        """This record turned into an error record with ``reason``."""
        return Record(self.id, None, self.published, self.outlet, self.line, self.source, reason, self.warnings)


# ---------------------------------------------------------------------------
# reading

def decode(data: bytes) -> Tuple[str, bool]:
    """UTF-8 text of ``data`` and whether invalid bytes had to be replaced.

    >>> decode(b"caf\\xc3\\xa9"), decode(b"caf\\xe9")
    (('café', False), ('caf�', True))
    """
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[Tuple[int, Optional[bytes], int]]:
    """``(line_number, bytes, size)`` for each line; ``bytes`` is ``None`` when the line is
    longer than ``limit``, whose rest is skipped in chunks so memory stays bounded."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if number == 1 and line.startswith(BOM):
            line = line[len(BOM):]  # Excel and Notepad write one; it is not part of the data
        if len(line) <= limit or line.endswith(b"\n") and len(line) == limit + 1:
            yield number, line, len(line)
            continue
        size = len(line)
        del line
        while True:  # skip to the end of this oversized line
            chunk = handle.readline(_CHUNK)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield number, None, size


def too_big(size: int, limit: int) -> str:
    return (f"record is {size:,} bytes, larger than the limit of {limit:,} bytes "
            "(raise it with --max-record-size)")


def looks_binary(path: Path) -> bool:
    """True when the first 8 KB of ``path`` hold a NUL byte (no text format has one)."""
    with open(path, "rb") as handle:
        return b"\0" in handle.read(8192)


def _str_or_none(value: Any) -> Any:
    return None if value is None or value == "" else value


def from_mapping(obj: Any, fields: Fields, source: str, line: int, warnings: Tuple[str, ...] = ()) -> Record:
    """A record built from a parsed JSON value or CSV row, checked field by field."""
    fallback = f"{source}:{line}"
    if not isinstance(obj, dict):
        kind = "an array" if isinstance(obj, list) else f"a {type(obj).__name__}"
        if obj is None:
            kind = "null"
        return Record(fallback, None, None, None, line, source,
                      f"expected a JSON object, got {kind}", warnings)
    raw_id = obj.get(fields.id)
    rid = fallback if raw_id is None or raw_id == "" else str(raw_id)
    published, outlet = _str_or_none(obj.get(fields.published)), _str_or_none(obj.get(fields.outlet))
    record = Record(rid, None, published, outlet, line, source, None, warnings)
    if fields.text not in obj:
        return record.failed(f"no {fields.text!r} field (choose another with --text-field)")
    text = obj[fields.text]
    if not isinstance(text, str):
        return record.failed(f"the {fields.text!r} field is {type(text).__name__}, not a string")
    if not text.strip():
        return record.failed(f"the {fields.text!r} field is empty")
    return Record(rid, text, published, outlet, line, source, None, warnings)


def read_jsonl(handle: IO[bytes], source: str, fields: Fields, max_bytes: int) -> Iterator[Record]:
    """Records of a JSONL stream, one per non-blank line."""
    for number, data, size in bounded_lines(handle, max_bytes):
        fallback = f"{source}:{number}"
        if data is None:
            yield Record(fallback, None, line=number, source=source, error=too_big(size, max_bytes))
            continue
        if not data.strip():
            continue  # blank lines are not records
        text, bad = decode(data)
        warnings = (INVALID_UTF8,) if bad else ()
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            yield Record(fallback, None, line=number, source=source, warnings=warnings,
                         error=f"not valid JSON: {err.msg} at column {err.colno}")
            continue
        except RecursionError:
            yield Record(fallback, None, line=number, source=source, warnings=warnings,
                         error="not valid JSON: nested too deeply")
            continue
        yield from_mapping(obj, fields, source, number, warnings)


class _LineFeed:
    """Decoded lines for ``csv.reader``, remembering which lines were oversized or had
    invalid UTF-8 so the rows that contain them can be flagged."""

    def __init__(self, handle: IO[bytes], max_bytes: int):
        self.lines = bounded_lines(handle, max_bytes)
        self.oversized: Dict[int, int] = {}
        self.invalid: Set[int] = set()

    def __iter__(self) -> "_LineFeed":
        return self

    def __next__(self) -> str:
        number, data, size = next(self.lines)
        if data is None:
            self.oversized[number] = size
            return "\n"  # keeps the line count; the row is reported as too big
        text, bad = decode(data)
        if bad:
            self.invalid.add(number)
        return text


def read_csv(handle: IO[bytes], source: str, fields: Fields, max_bytes: int) -> Iterator[Record]:
    """Records of a CSV stream with a header row, one per data row."""
    feed = _LineFeed(handle, max_bytes)
    csv.field_size_limit(max(max_bytes, 1 << 17))
    reader = csv.reader(feed)
    header: Optional[List[str]] = None
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            first, last = last + 1, reader.line_num
            yield Record(f"{source}:{first}", None, line=first, source=source, error=f"bad CSV row: {err}")
            continue
        first, last = last + 1, reader.line_num
        span = range(first, last + 1)
        big = [feed.oversized[n] for n in span if n in feed.oversized]
        if header is None:
            if big or not row:
                yield Record(f"{source}:{first}", None, line=first, source=source,
                             error="the header row is missing or too big; nothing in this file can be read")
                return
            header = row
            continue
        if big:
            yield Record(f"{source}:{first}", None, line=first, source=source, error=too_big(sum(big), max_bytes))
            continue
        if not row or row == [""]:
            continue  # a blank line
        warnings = (INVALID_UTF8,) if any(n in feed.invalid for n in span) else ()
        if len(row) != len(header):
            yield Record(f"{source}:{first}", None, line=first, source=source, warnings=warnings,
                         error=f"the row has {len(row)} columns, the header {len(header)}")
            continue
        yield from_mapping(dict(zip(header, row)), fields, source, first, warnings)


def read_txt(path: Path, max_bytes: int, check_binary: bool = False) -> Record:
    """The record of a whole ``.txt`` file (its id is the path)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Record(source, None, line=None, source=source, error=too_big(size, max_bytes))
        data = path.read_bytes()
    except OSError as err:
        return Record(source, None, line=None, source=source, error=f"cannot read the file: {err.strerror}")
    if check_binary and b"\0" in data[:8192]:
        return Record(source, None, line=None, source=source, error="a binary file, not text; not read")
    text, bad = decode(data[len(BOM):] if data.startswith(BOM) else data)
    record = Record(source, text, None, None, None, source, None, (INVALID_UTF8,) if bad else ())
    return record if text.strip() else record.failed("the file is empty")


def input_kind(path: Union[str, Path], forced: Optional[str] = None) -> Optional[str]:
    """``"txt"``, ``"jsonl"`` or ``"csv"`` by suffix (or ``forced``); ``None`` if unknown."""
    return forced or KINDS.get(Path(path).suffix.lower())


def walk(directory: Path, skip: Iterable[Union[str, Path]] = ()) -> Iterator[Path]:
    """Files under ``directory`` in a stable (sorted) order, skipping hidden ones and
    ``skip`` (the run's own output, which would otherwise be read as it grows)."""
    skipped = {os.path.realpath(p) for p in skip}
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and os.path.realpath(path) not in skipped:
                yield path


def read_file(path: Path, fields: Fields, max_bytes: int, forced: Optional[str] = None,
              in_directory: bool = False) -> Iterator[Record]:
    """Records of one file. Inside a directory, binary files and files of other kinds
    each become one error record rather than being skipped silently."""
    source = str(path)
    kind = input_kind(path, forced)
    try:
        binary = in_directory and looks_binary(path)
    except OSError as err:
        yield Record(source, None, source=source, error=f"cannot read the file: {err.strerror}")
        return
    if binary:
        yield Record(source, None, source=source, error="a binary file, not text; not read")
        return
    if kind is None:
        yield Record(source, None, source=source,
                     error=f"not a .txt, .jsonl or .csv file ({path.suffix or 'no suffix'}); not read")
        return
    if kind == "txt":
        yield read_txt(path, max_bytes)
        return
    reader = read_jsonl if kind == "jsonl" else read_csv
    try:
        handle = open(path, "rb")
    except OSError as err:
        yield Record(source, None, source=source, error=f"cannot read the file: {err.strerror}")
        return
    with handle:
        yield from reader(handle, source, fields, max_bytes)


def iter_records(inputs: Sequence[Union[str, Path]], fields: Fields = Fields(),
                 max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES, input_format: Optional[str] = None,
                 stdin: Optional[IO[bytes]] = None, skip: Sequence[Union[str, Path]] = ()) -> Iterator[Record]:
    """Stream the records of ``inputs`` (files, directories, ``"-"`` for JSONL on stdin).

    Never loads a whole input; every record, good or bad, is yielded exactly once, in
    input order. Check that paths exist beforehand (see :func:`check_inputs`): a path
    that vanished meanwhile becomes an error record. Files in ``skip`` are left out of
    directory walks.

    >>> import io
    >>> [r.error for r in iter_records(["-"], stdin=io.BytesIO(b'[1, 2]\\n{"text": ""}\\n'))]
    ['expected a JSON object, got an array', "the 'text' field is empty"]
    """
    for item in inputs:
        if str(item) == "-":
            handle = stdin if stdin is not None else sys.stdin.buffer
            reader = read_csv if input_format == "csv" else read_jsonl
            yield from reader(handle, "-", fields, max_record_bytes)
            continue
        path = Path(item)
        if path.is_dir():
            for file in walk(path, skip):
                yield from read_file(file, fields, max_record_bytes, input_format, in_directory=True)
        elif path.exists():
            yield from read_file(path, fields, max_record_bytes, input_format)
        else:
            yield Record(str(path), None, source=str(path), error="no such file or directory")


def check_inputs(inputs: Sequence[str], input_format: Optional[str] = None) -> List[str]:
    """Problems with ``inputs`` that make the run a usage error (empty list: all fine)."""
    problems = []
    for item in inputs:
        if item == "-":
            continue
        path = Path(item)
        if not path.exists():
            problems.append(f"{item}: no such file or directory")
        elif path.is_file() and input_kind(path, input_format) is None:
            problems.append(f"{item}: not a .txt, .jsonl or .csv file (use --input-format)")
    if list(inputs).count("-") > 1:
        problems.append("'-' (stdin) can be given once")
    return problems


# ---------------------------------------------------------------------------
# annotating

def error_output(record: Record) -> Dict[str, Any]:
    """The output record of a bad input record.

    >>> error_output(Record("f.jsonl:3", None, line=3, source="f.jsonl", error="not valid JSON"))
    {'id': 'f.jsonl:3', 'error': {'line': 3, 'file': 'f.jsonl', 'reason': 'not valid JSON'}}
    """
    out: Dict[str, Any] = {"id": record.id,
                           "error": {"line": record.line, "file": record.source, "reason": record.error}}
    if record.warnings:
        out["warnings"] = list(record.warnings)
    return out


def check_length(record: Record, max_chars: int = DEFAULT_MAX_TEXT_CHARS) -> Record:
    """``record``, or an error record when its text is longer than ``max_chars``. Done
    as soon as a record is read, so an over-long text is dropped before it travels.

    >>> check_length(Record("d", "x" * 20), 10).error
    'the text is 20 characters, more than the limit of 10 (raise it with --max-text-chars)'
    """
    if record.ok and record.text is not None and len(record.text) > max_chars:
        return record.failed(f"the text is {len(record.text):,} characters, more than the limit of "
                             f"{max_chars:,} (raise it with --max-text-chars)")
    return record


def _prepared(nlp: Any, record: Record, max_chars: int) -> Tuple[Record, Any]:
    """The record (possibly turned into an error) and its doc (``None`` for errors)."""
    from .pipeline import make_doc

    record = check_length(record, max_chars)
    if not record.ok:
        return record, None
    assert record.text is not None
    outlet = record.outlet if isinstance(record.outlet, str) or record.outlet is None else str(record.outlet)
    try:
        return record, make_doc(nlp, record.text, record.published, outlet)
    except (TypeError, ValueError) as err:
        return record.failed(str(err)), None


def _output(record: Record, doc: Any) -> Dict[str, Any]:
    published = doc._.published
    # the resolver's plain dicts are already in the gold format: no round trip through Claim
    out: Dict[str, Any] = {"id": record.id, "published": published, "claims": list(doc._.claim_dicts or ())}
    if record.warnings:
        out["warnings"] = list(record.warnings)
    return out


def annotate_record(nlp: Any, record: Record, max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> Dict[str, Any]:
    """The output record of one input record: claims, or an error with its reason.

    >>> import isisfacts
    >>> r = Record("d1", "In Iraq, 30 ISIS operatives were killed.", "2024-07-17")
    >>> annotate_record(isisfacts.load(), r)["claims"][0]["value"]
    30
    """
    record, doc = _prepared(nlp, record, max_text_chars)
    if doc is None:
        return error_output(record)
    try:
        return _output(record, nlp(doc))
    except Exception as err:  # noqa: BLE001 - one bad document must not stop an archive run
        return error_output(record.failed(f"the pipeline failed on this text: {type(err).__name__}: {err}"))


def annotate_batch(nlp: Any, records: Sequence[Record], batch_size: int = 64,
                   max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> List[Dict[str, Any]]:
    """Output records for ``records``, in order, through ``nlp.pipe``.

    If the pipeline fails inside the batch, the batch is redone one record at a time so
    only the document that fails becomes an error record.
    """
    prepared = [_prepared(nlp, r, max_text_chars) for r in records]
    docs = [doc for _, doc in prepared if doc is not None]
    try:
        done = iter(list(nlp.pipe(docs, batch_size=batch_size)))
    except Exception:  # noqa: BLE001 - isolate the failing document below
        return [annotate_record(nlp, r, max_text_chars) for r in records]
    return [error_output(r) if doc is None else _output(r, next(done)) for r, doc in prepared]


# ---------------------------------------------------------------------------
# writing

CSV_COLUMNS = (
    "id", "published", "metric", "value", "value_max", "qualifier", "place", "period_start",
    "period_end", "source", "sentence", "sentence_start", "sentence_end", "figure",
    "figure_start", "figure_end", "trigger", "trigger_start", "trigger_end",
    "error_line", "error_reason", "warnings",
)


def output_rows(out: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Flat rows (CSV, parquet) of one output record: one per claim, or a single row with
    empty claim columns for a document without claims or an error record, so that every
    input record shows up.

    >>> [r["metric"] for r in output_rows({"id": "d", "published": None, "claims": []})]
    [None]
    """
    base = {c: None for c in CSV_COLUMNS}
    base["id"] = out["id"]
    base["published"] = out.get("published")
    base["warnings"] = "; ".join(out.get("warnings", [])) or None
    if "error" in out:
        return [dict(base, error_line=out["error"]["line"], error_reason=out["error"]["reason"])]
    rows = []
    for claim in out["claims"]:
        row = dict(base)
        row.update({k: claim.get(k) for k in ("metric", "value", "value_max", "qualifier", "source")})
        row["place"] = "; ".join(claim["place"])
        if claim.get("period"):
            row["period_start"], row["period_end"] = claim["period"]["start"], claim["period"]["end"]
        for key, value in (claim.get("evidence") or {}).items():
            row[key] = value
        rows.append(row)
    return rows or [base]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Writer:
    """Writes output records. ``write(out)`` puts each record down with one ``os.write``
    of whole lines, so a killed run leaves at most a partial last line (which
    :func:`done_ids` truncates on resume)."""

    format = "jsonl"

    def __init__(self, path: str, append: bool = False):
        self.path = path
        if path == "-":
            self.fd, self.owned = sys.stdout.fileno(), False
            sys.stdout.flush()
        else:
            flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
            self.fd, self.owned = os.open(path, flags, 0o644), True
        self.fresh = not append or os.fstat(self.fd).st_size == 0 if self.owned else True

    @staticmethod
    def encode(out: Dict[str, Any]) -> bytes:
        return (json.dumps(out, ensure_ascii=False) + "\n").encode("utf-8")

    def write(self, out: Dict[str, Any]) -> None:
        _write_all(self.fd, self.encode(out))

    def put(self, encoded: List[Any]) -> None:
        """Write records already encoded with :meth:`encode` (by a worker process, so the
        parent only copies bytes), in one ``os.write`` of whole lines."""
        _write_all(self.fd, b"".join(encoded))

    def close(self) -> None:
        if self.owned:
            os.close(self.fd)

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class CsvWriter(Writer):
    """One row per claim (see :func:`output_rows`), with a header row."""

    format = "csv"

    def __init__(self, path: str, append: bool = False):
        super().__init__(path, append)
        if self.fresh:
            _write_all(self.fd, self.header())

    @classmethod
    def header(cls) -> bytes:
        return cls._rows([dict(zip(CSV_COLUMNS, CSV_COLUMNS))])

    @staticmethod
    def _rows(rows: List[Dict[str, Any]]) -> bytes:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")

    @classmethod
    def encode(cls, out: Dict[str, Any]) -> bytes:  # type: ignore[override]
        return cls._rows(output_rows(out))


class ParquetWriter(Writer):
    """Rows as in CSV, in a parquet file written through pyarrow. The file is built
    under ``PATH.partial`` and renamed at the end (a parquet file is unreadable until
    closed), so ``--resume`` does not apply."""

    format = "parquet"

    def __init__(self, path: str, append: bool = False, rows_per_group: int = 10_000):
        import pyarrow as pa  # checked by the caller, with a clear message
        import pyarrow.parquet as pq

        self.path, self.owned, self.pa = path, False, pa
        self.partial = path + ".partial"
        fields = [(c, pa.string()) for c in CSV_COLUMNS]
        types = {"value": pa.float64(), "value_max": pa.float64(), "error_line": pa.int64()}
        types.update({c: pa.int64() for c in CSV_COLUMNS if c.endswith(("_start", "_end")) and "period" not in c})
        self.schema = pa.schema([(c, types.get(c, t)) for c, t in fields])
        self.writer = pq.ParquetWriter(self.partial, self.schema)
        self.rows: List[Dict[str, Any]] = []
        self.rows_per_group = rows_per_group

    @staticmethod
    def encode(out: Dict[str, Any]) -> Any:  # type: ignore[override]
        return out  # rows are built here, into pyarrow tables

    def write(self, out: Dict[str, Any]) -> None:
        self.rows.extend(output_rows(out))
        if len(self.rows) >= self.rows_per_group:
            self._flush()

    def put(self, encoded: List[Any]) -> None:
        for out in encoded:
            self.write(out)

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self, complete: bool = True) -> None:
        self._flush()
        self.writer.close()
        if complete:
            os.replace(self.partial, self.path)

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self.close(complete=exc_type is None)


def output_format(path: str, forced: Optional[str] = None) -> Optional[str]:
    """The output format of ``path`` by suffix (``-`` is JSONL), or ``forced``."""
    if forced:
        return forced
    return "jsonl" if path == "-" else FORMATS.get(Path(path).suffix.lower())


def open_writer(path: str, fmt: str, append: bool = False) -> Writer:
    """A writer for ``fmt`` (``jsonl``, ``csv``, ``parquet``); ``append`` for ``--resume``.

    >>> import tempfile, os
    >>> with open_writer(os.path.join(tempfile.mkdtemp(), "out.jsonl"), "jsonl") as w:
    ...     w.write({"id": "d", "published": None, "claims": []})
    """
    return WRITERS[fmt](path, append=append)


#: The writer class of each output format.
WRITERS: Dict[str, Any] = {"jsonl": Writer, "csv": CsvWriter, "parquet": ParquetWriter}


# ---------------------------------------------------------------------------
# resuming

def id_key(record_id: str) -> bytes:
    """A compact key for a record id (8 bytes), so remembering millions of ids is cheap."""
    return hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def done_ids(path: str, fmt: str) -> Set[bytes]:
    """Keys (:func:`id_key`) of the records already in ``path``, after cutting off what a
    killed run left unfinished: a partial last line (JSONL), or the last record's rows
    (CSV, whose rows of one record may be split only by a kill). Missing file: empty."""
    if not os.path.exists(path):
        return set()
    reader: Callable[[str], Tuple[Set[bytes], int]] = _done_jsonl if fmt == "jsonl" else _done_csv
    keys, good = reader(path)
    if good < os.path.getsize(path):
        os.truncate(path, good)
    return keys


def _done_jsonl(path: str) -> Tuple[Set[bytes], int]:
    keys: Set[bytes] = set()
    good = 0
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break  # the partial last line of a killed run
            try:
                keys.add(id_key(str(json.loads(line)["id"])))
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{path}:{number}: not an isisfacts output record; "
                                 "cannot resume into this file") from None
            good += len(line)
    return keys, good


def _done_csv(path: str) -> Tuple[Set[bytes], int]:
    size = os.path.getsize(path)
    read = [0]  # bytes consumed by the csv reader so far

    def counted(handle: IO[bytes]) -> Iterator[str]:
        for line in handle:
            read[0] += len(line)
            yield line.decode("utf-8", "replace")

    starts: List[Tuple[str, int]] = []  # (id, offset of its first row), one per record
    with open(path, "rb") as handle:
        reader = csv.reader(counted(handle))
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            header = []
        if tuple(header) != CSV_COLUMNS:
            if read[0] >= size and CsvWriter.header().startswith(Path(path).read_bytes()):
                return set(), 0  # a header cut short by a kill
            raise ValueError(f"{path}: not an isisfacts CSV (its header differs); cannot resume into it")
        offset = read[0]
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                row = []
            if len(row) != len(CSV_COLUMNS):
                if read[0] >= size:
                    starts.append(("", offset))  # the cut tail: dropped below
                    break
                raise ValueError(f"{path}:{reader.line_num}: not an isisfacts CSV row; cannot resume into it")
            if not starts or starts[-1][0] != row[0]:
                starts.append((row[0], offset))
            offset = read[0]
    if not starts:
        return set(), offset
    # The last record may have been cut between or inside its rows: redo it.
    return {id_key(record_id) for record_id, _ in starts[:-1]}, starts[-1][1]
