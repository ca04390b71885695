"""Compiled patterns, shared by the components."""

from __future__ import annotations

import functools
from typing import FrozenSet, Iterator

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


WORD = regex.compile(r"\b\w+")


def anchored_matches(
    text: str,
    pattern: "regex.Pattern",
    anchors: "regex.Pattern",
    starters: FrozenSet[str],
    reach: int = 64,
) -> Iterator["regex.Match"]:
    """The matches ``pattern.finditer(text)`` would give, found from cheap anchors.

    A big alternation run with ``finditer`` tries every alternative at every
    character. When every match holds an anchor (a digit, a month name...) and
    starts at the anchor's own word or at one of a few ``starters`` words within
    ``reach`` characters before it, it is enough to try ``pattern.match`` at those
    places, earliest first, and keep the first match that reaches the anchor.
    Matches do not overlap; a match inside a word is not found (callers reject those).

    >>> figure = regex.compile(r"(?:more than )?\\d+")
    >>> [m.group(0) for m in anchored_matches("killed more than 40 and 7", figure, regex.compile(r"\\d+"),
    ...                                       frozenset(["more"]))]
    ['more than 40', '7']
    """
    last_end = 0
    for anchor in anchors.finditer(text):
        at = anchor.start()
        if at < last_end:
            continue
        window = max(last_end, at - reach)
        starts = [w.start() for w in WORD.finditer(text, window, at) if w.group().lower() in starters]
        head = at  # the start of the anchor's own word ("Q1", "H2")
        while head > window and text[head - 1].isalnum():
            head -= 1
        for start in starts + ([head, at] if head < at else [at]):
            m = pattern.match(text, start)
            if m is not None and m.end() > at:
                yield m
                last_end = m.end()
                break
