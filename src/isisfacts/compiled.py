"""Which modules run compiled, and the fall-back to their sources.

The modules that run once per figure (``COMPILED``) are compiled with mypyc when the
package is built (``hatch_build.py``); their ``.py`` files ship beside the extensions and
stay the reference. The sources are run instead when

- ``ISISFACTS_PURE=1`` is set in the environment (to debug, profile or compare), or
- one of them was edited after the build (an editable install): the edit must count,
  and the extensions only link with each other, so all of them fall back together, with
  a warning that says how to compile again.

``isisfacts/__init__.py`` calls :func:`prefer_sources_where_needed` before anything
imports these modules.

>>> from isisfacts import compiled
>>> sorted(compiled.status())
['numbers', 'patterns', 'rules', 'times']
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Dict, Optional, Sequence

COMPILED = ("patterns", "times", "numbers", "rules")  # keep in step with hatch_build.COMPILED
PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = PACKAGE_DIR / "_compiled.json"  # source digests at build time, written by hatch_build.py

_reason: Optional[str] = None  # why the sources run, when they do


def forced_pure() -> bool:
    return os.environ.get("ISISFACTS_PURE", "") not in ("", "0")


def edited_since_build() -> Sequence[str]:
    """The compiled modules whose source differs from what was compiled."""
    try:
        built = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return ()
    edited = []
    for name in COMPILED:
        try:
            digest = hashlib.sha256((PACKAGE_DIR / f"{name}.py").read_bytes()).hexdigest()
        except OSError:
            continue  # no source shipped: the extension is all there is
        if digest != built.get(name):
            edited.append(name)
    return edited


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds ``isisfacts.<name>`` for the compiled modules in their ``.py`` files."""

    def __init__(self, names: Sequence[str]):
        self.sources = {f"{__package__}.{name}": PACKAGE_DIR / f"{name}.py" for name in names}

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        source = self.sources.get(fullname)
        if source is None or not source.exists():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def prefer_sources_where_needed() -> None:
    """Serve the compiled modules from source if forced or edited (see the module doc)."""
    global _reason
    if any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return
    if not any((PACKAGE_DIR / f"{name}{suffix}").exists()
               for name in COMPILED for suffix in importlib.machinery.EXTENSION_SUFFIXES):
        return  # a pure-Python install: the normal import finds the sources
    if forced_pure():
        _reason = "ISISFACTS_PURE is set"
    else:
        edited = edited_since_build()
        if not edited:
            return
        _reason = f"{', '.join(f'{n}.py' for n in edited)} changed since the build"
        warnings.warn(
            f"isisfacts: {_reason}; running the compiled modules from source (slower). "
            "Reinstall (pip install -e .) to compile them again.",
            stacklevel=3,
        )
    sys.meta_path.insert(0, _SourceFinder(COMPILED))


def status() -> Dict[str, str]:
    """For each module of ``COMPILED``: ``"compiled"`` or why it runs from source.

    >>> all(how == "compiled" or how.startswith("source") for how in status().values())
    True
    """
    out = {}
    for name in COMPILED:
        module = importlib.import_module(f"{__package__}.{name}")
        if str(getattr(module, "__file__", "")).endswith(".py"):
            out[name] = f"source ({_reason})" if _reason else "source"
        else:
            out[name] = "compiled"
    return out
