"""The ``isisfacts`` command. Each subcommand lives in its own module, which
provides ``register(subparsers)``; the parser it adds sets ``func(args) -> int``.

Exit codes: 0 success, 1 the run could not finish (or ``--fail-on-error``), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

SUBCOMMAND_MODULES = ("annotate", "evaluate", "render", "summarize")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="isisfacts",
        description="Extract claim tuples about the campaign against ISIS from news text.",
    )
    parser.add_argument("--version", action="version", version=f"isisfacts {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"isisfacts.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"isisfacts.{name}":
                continue  # a subcommand this build does not have
            raise
        module.register(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    from .lexicon import LexiconError

    try:
        return int(args.func(args) or 0)
    except LexiconError as err:  # a bad --lexicon file: the message names file and entry
        print(f"isisfacts {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("isisfacts: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
