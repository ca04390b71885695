"""``isisfacts annotate``: the bulk annotator, over whole archives.

Reads ``.txt``/``.jsonl``/``.csv`` files, directories and stdin, annotates every record
on ``--jobs`` worker processes and writes one output record per input record, in
input order, to ``.jsonl``, ``.csv`` or ``.parquet``. The reading, annotating and
writing live in :mod:`isisfacts.records`; this module is the command around them.

Exit codes: 0 every record was processed (some may be error records); 1 the run could
not finish (or ``--fail-on-error`` and there were error records); 2 usage errors.

>>> from isisfacts.cli import main
>>> main(["annotate", "corpora/gold", "-o", "/tmp/claims.jsonl", "--quiet"])  # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Deque, Iterable, Iterator, List, Optional

from . import records as rec
from .records import Fields, Record

_NLP: Any = None  # the pipeline of this (worker) process, built once by _init_worker


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_size(text: str) -> int:
    """Bytes from ``"50MB"``, ``"512K"``, ``"1G"`` or a plain number.

    >>> parse_size("50MB"), parse_size("2k"), parse_size("100")
    (52428800, 2048, 100)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"cannot read {text!r} as a size; give e.g. 50MB, 512K or 1000000")
    return int(float(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " "))


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _init_worker(extra_lexicon: Optional[str]) -> None:
    global _NLP
    from .pipeline import load

    _NLP = load(extra_lexicon)


@dataclass
class Done:
    """A batch, annotated and encoded for the output format by the worker, so that the
    parent process (which shares the cores with the workers) only writes bytes."""

    encoded: List[Any]
    claims: int
    errors: int


def _work(batch: List[Record], batch_size: int, max_text_chars: int, fmt: str) -> Done:
    outs = rec.annotate_batch(_NLP, batch, batch_size=batch_size, max_text_chars=max_text_chars)
    encode = rec.WRITERS[fmt].encode
    return Done([encode(out) for out in outs], sum(len(out.get("claims", ())) for out in outs),
                sum("error" in out for out in outs))


def batches(records: Iterable[Record], size: int) -> Iterator[List[Record]]:
    """Lists of up to ``size`` records, streamed."""
    batch: List[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def annotated(chunks: Iterable[List[Record]], jobs: int, batch_size: int, max_text_chars: int,
              extra_lexicon: Optional[str], fmt: str = "jsonl") -> Iterator[Done]:
    """Output records batch by batch, in input order. With ``jobs > 1`` batches go to a
    pool of worker processes, at most ``2 * jobs`` of them in flight so memory stays
    bounded however big the input is."""
    if jobs == 1:
        _init_worker(extra_lexicon)
        for chunk in chunks:
            yield _work(chunk, batch_size, max_text_chars, fmt)
        return
    import multiprocessing

    # fork starts workers in milliseconds; they still build their own pipeline once.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(extra_lexicon,)) as pool:
        pending: Deque[Future] = collections.deque()
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk, batch_size, max_text_chars, fmt))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@dataclass
class Tally:
    """What a run did, for the progress bar and the summary."""

    documents: int = 0
    claims: int = 0
    errors: int = 0
    skipped: int = 0
    started: float = 0.0

    def summary(self) -> str:
        seconds = time.perf_counter() - self.started
        rate = self.documents / seconds if seconds > 0 else 0.0
        text = (f"isisfacts annotate: {self.documents} documents, {self.claims} claims, "
                f"{self.errors} errors, {seconds:.1f} s, {rate:.1f} documents/s")
        if self.skipped:
            text += f" ({self.skipped} already in the output, skipped)"
        return text


def progress_bar(quiet: bool) -> Any:
    """A tqdm bar on stderr when it is a terminal (and tqdm is installed), else ``None``."""
    if quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # the optional 'progress' extra
        return None
    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked after this
    return tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def fail(message: str, code: int = 2) -> int:
    print(f"isisfacts annotate: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.engine == "dask":  # partitions, part files and resume of its own: see dask_engine
        from .dask_engine import run_cli

        return run_cli(args)
    fmt = rec.output_format(args.output, args.format)
    if fmt is None:
        return fail(f"{args.output}: cannot tell the output format; end it in .jsonl, .csv or .parquet "
                    "or give --format")
    if args.output == "-" and fmt != "jsonl":
        return fail("-o - writes JSONL only")
    if args.resume and (args.output == "-" or fmt == "parquet"):
        return fail("--resume needs a .jsonl or .csv output file (parquet files cannot be appended to)")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            return fail("parquet output needs pyarrow: pip install 'isisfacts[parquet]' "
                        "(or write .jsonl or .csv)")
    problems = rec.check_inputs(args.inputs, args.input_format)
    if args.output != "-" and any(item != "-" and os.path.exists(item) and os.path.exists(args.output)
                                  and os.path.samefile(item, args.output) for item in args.inputs):
        problems.append(f"{args.output} is both an input and the output")
    if problems:
        return fail("; ".join(problems))
    if args.lexicon:
        from .lexicon import LexiconError
        from .pipeline import extra_lexicon_config

        try:
            extra_lexicon_config(args.lexicon)  # a bad lexicon is a usage error, found up front
        except (OSError, ValueError, LexiconError) as err:
            return fail(f"--lexicon: {err}")
    fields = Fields(args.text_field, args.id_field, args.date_field, args.outlet_field)
    done = set()
    if args.resume:
        try:
            done = rec.done_ids(args.output, fmt)
        except ValueError as err:
            return fail(str(err))
    tally = Tally(started=time.perf_counter())

    def wanted() -> Iterator[Record]:
        own = () if args.output == "-" else (args.output, args.output + ".partial")
        for record in rec.iter_records(args.inputs, fields, args.max_record_size, args.input_format, skip=own):
            if done and rec.id_key(record.id) in done:
                tally.skipped += 1
                continue
            yield rec.check_length(record, args.max_text_chars)  # before it is sent to a worker

    bar = None
    try:
        with rec.open_writer(args.output, fmt, append=args.resume) as writer:
            outputs = annotated(batches(wanted(), args.batch_size), args.jobs, args.batch_size,
                                args.max_text_chars, args.lexicon, fmt)
            bar = progress_bar(args.quiet)
            for batch in outputs:
                writer.put(batch.encoded)
                tally.documents += len(batch.encoded)
                tally.claims += batch.claims
                tally.errors += batch.errors
                if bar is not None:
                    bar.update(len(batch.encoded))
                    bar.set_postfix(claims=tally.claims, errors=tally.errors, refresh=False)
    except BrokenProcessPool:
        return fail("a worker process died (out of memory?); rerun with --resume to continue", 1)
    except OSError as err:
        if isinstance(err, BrokenPipeError):
            raise
        return fail(f"{err.filename or args.output}: {err.strerror or err}", 1)
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(tally.summary(), file=sys.stderr)
    return 1 if args.fail_on_error and tally.errors else 0


def register(subparsers: Any) -> None:
    """Add the ``annotate`` subcommand to the ``isisfacts`` parser."""
    parser = subparsers.add_parser(
        "annotate", help="annotate whole archives into a claims table",
        description="Annotate .txt/.jsonl/.csv files, directories or stdin ('-', JSONL) into one "
                    "output record per input record. Exit codes: 0 all records processed (some may "
                    "be error records), 1 the run could not finish (or --fail-on-error and there "
                    "were error records), 2 usage errors.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="a .txt, .jsonl or .csv file, a directory (walked recursively) or - for JSONL on stdin")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                        help="a .jsonl, .csv or .parquet file, or - for JSONL on stdout")
    parser.add_argument("--format", choices=sorted(set(rec.FORMATS.values())),
                        help="the output format, when OUTPUT's suffix does not say it")
    parser.add_argument("--input-format", choices=sorted(set(rec.KINDS.values())),
                        help="read every input file (and stdin) as this kind, whatever its suffix")
    parser.add_argument("--text-field", default="text", help="the text field (default: text)")
    parser.add_argument("--id-field", default="id", help="the id field (default: id; missing ids become FILE:LINE)")
    parser.add_argument("--date-field", default="published", help="the publication date field (default: published)")
    parser.add_argument("--outlet-field", default="outlet", help="the outlet field (default: outlet)")
    parser.add_argument("-j", "--jobs", type=positive, default=default_jobs(),
                        help="worker processes (default: all cores, here %(default)s)")
    parser.add_argument("--batch-size", type=positive, default=32,
                        help="documents per batch sent to a worker (default: %(default)s)")
    parser.add_argument("--resume", action="store_true",
                        help="skip records whose id is already in OUTPUT and append the rest")
    parser.add_argument("--fail-on-error", action="store_true", help="exit 1 when any record is an error record")
    parser.add_argument("--lexicon", help="an extra lexicon file (JSON), as for isisfacts.load(extra_lexicon=...)")
    parser.add_argument("--max-record-size", type=parse_size, default=rec.DEFAULT_MAX_RECORD_BYTES,
                        metavar="SIZE", help="larger records become error records (default: 50MB)")
    parser.add_argument("--max-text-chars", type=positive, default=rec.DEFAULT_MAX_TEXT_CHARS, metavar="N",
                        help="longer texts become error records (default: %(default)s)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local worker processes, or Dask (pip install 'isisfacts[dask]'; see docs/scaling.md)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask: a running scheduler (tcp://host:8786); default: a LocalCluster")
    from .dask_engine import add_arguments

    add_arguments(parser)
    parser.set_defaults(func=run)
