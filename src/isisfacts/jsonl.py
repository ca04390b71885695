"""Reading JSON Lines files whose every line must be valid (gold files, annotate output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Tuple


def json_lines(path: Path) -> Iterator[Tuple[int, Any]]:
    """``(line number, value)`` of each non-blank line; a bad line raises ``ValueError``
    naming the file and line.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = f.write_text('{"a": 1}\\n\\n[2]\\n')
    >>> list(json_lines(f))
    [(1, {'a': 1}), (3, [2])]
    """
    with open(path, encoding="utf8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number}: not valid JSON: {err}") from err
