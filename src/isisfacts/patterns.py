"""Compiled patterns, shared by the components."""

from __future__ import annotations

import functools

import regex


@functools.lru_cache(maxsize=4096)
def rx(pattern: str, flags: int = 0) -> "regex.Pattern":
    """``pattern`` compiled once.

    ``regex.search(pattern, text)`` looks the pattern up in the regex module's own
    cache at every call, which costs about 10 µs; on the hot path that adds up.

    >>> rx(r"\\d+").findall("12 of 30")
    ['12', '30']
    """
    return regex.compile(pattern, flags)
