"""Compiled patterns, shared by the components."""

from __future__ import annotations

import functools
import re
import string
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

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


# --- The same search, cheaper: anchors and starters found in one pass by the caller ---

_WORD_CHAR: Dict[str, bool] = {}


def is_word_char(char: str) -> bool:
    """``regex``'s ``\\w`` for one character (what ``WORD``'s ``\\b`` goes by), cached."""
    known = _WORD_CHAR.get(char)
    if known is None:
        known = _WORD_CHAR[char] = regex.match(r"\w", char) is not None
    return known


_PLAIN_CHAR: Dict[str, bool] = {}
_ASCII_LETTERS = [regex.compile(regex.escape(letter), regex.IGNORECASE) for letter in string.ascii_letters]


def _is_plain_char(char: str) -> bool:
    """Whether a non-ASCII character reads the same to ``re`` in ``text.lower()`` as to ``regex``
    with IGNORECASE in ``text``, for patterns made of ASCII literals, ``[0-9]`` and ``\\b``.

    It must lower to one non-ASCII character (so offsets and ASCII literals are unchanged),
    match no ASCII letter case-insensitively ("K", the Kelvin sign, matches "k"), and be a
    word character, or not, alike for both engines (``re``'s ``\\w`` is ``str.isalnum``).
    """
    known = _PLAIN_CHAR.get(char)
    if known is None:
        low = char.lower()
        word = regex.match(r"\w", char) is not None
        known = _PLAIN_CHAR[char] = (
            len(low) == 1
            and not low.isascii()
            and not any(letter.match(char) for letter in _ASCII_LETTERS)
            and (regex.match(r"a\b", "a" + char) is None) == word
            and (re.match(r"\w", low) is not None) == word
            and (re.match(r"a\b", "a" + low) is None) == word
        )
    return known


def plain_lower(text: str) -> Optional[str]:
    """``text.lower()`` when a ``re`` pattern of lowercase ASCII literals, ``[0-9]`` and ``\\b``
    finds in it exactly what the same pattern finds in ``text`` with ``regex`` and IGNORECASE,
    else ``None`` (a character such as "İ" or "K" would read differently).

    ``re`` runs such a scan three times faster than ``regex`` does with IGNORECASE.

    >>> plain_lower("On Monday — “today”")
    'on monday — “today”'
    >>> plain_lower("\\u212aicked off") is None
    True
    """
    low = text.lower()
    if text.isascii():
        return low
    if len(low) != len(text):
        return None
    for char in set(text):
        if char > "\x7f" and not _is_plain_char(char):
            return None
    return low


def finite_language(pattern: str, alphabet: str) -> List[str]:
    """Every string over ``alphabet`` that ``pattern`` matches whole, shortest first; the
    pattern must match finitely many (each prefix is extended while ``regex`` says, by a
    partial match, that it may still become a match).

    >>> finite_language(r"(?:jan(?:uary|\\.)?|days?)", "adjnsuyr.")
    ['day', 'jan', 'days', 'jan.', 'january']
    """
    whole = regex.compile(pattern)
    found: List[str] = []
    prefixes = [""]
    while prefixes:
        longer = []
        for prefix in prefixes:
            for char in alphabet:
                candidate = prefix + char
                if whole.fullmatch(candidate, partial=True) is not None:
                    longer.append(candidate)
                    if whole.fullmatch(candidate) is not None:
                        found.append(candidate)
        prefixes = longer
    return found


def word_trie(words: Iterable[str]) -> str:
    """An alternation matching exactly ``words``, as a trie: at a place where no word
    begins, ``re`` then tests a letter or two instead of every word in turn.

    >>> word_trie(["day", "days", "date", "far"])
    '(?:da(?:te|y(?:s)?)|far)'
    """
    tree: Dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie_alternation(tree)


def _trie_alternation(node: Dict[str, dict]) -> str:
    branches = [re.escape(char) + _trie_alternation(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


def word_shapes(words: Iterable[str]) -> List[bool]:
    """A filter for the words of a set, by ``word_shape`` (first and last letter, length):
    a run of word characters is looked up only if its shape is one of theirs, which spares
    most runs the slice and the hash of a set look-up."""
    shapes = [False] * (26 * 26 * 16)
    for word in words:
        if word.isascii() and word.isalpha() and word.islower() and len(word) < 16:
            shapes[word_shape(ord(word[0]), ord(word[-1]), len(word))] = True
    return shapes


def word_shape(first: int, last: int, length: int) -> int:
    """The index in ``word_shapes`` of a word of ``length`` lowercase letters, the first
    and last of them given by their codes (97-122)."""
    return ((first - 97) * 26 + last - 97) * 16 + length


class BranchDispatch:
    """``pattern.match(text, pos)`` for the alternation ``branch0|branch1|...``, trying only
    the branches that can begin with the text's next few characters, each on its own.

    At a given place the alternation's match is the first branch's (in order) that matches
    there, as that branch alone would match. A branch that cannot begin with
    ``text[pos:pos + key_length]`` cannot match there, so skipping it changes nothing.
    Which branches can begin so is asked of ``regex`` itself (a partial match of those
    characters) once per key. The branches are compiled one by one, so ``m.re`` tells
    which branch made ``m`` (``name_of``); ``m.groupdict()`` holds that branch's groups.
    (With ``ascii_in_re``, ``m`` may be a ``re`` match, with the same span and groups.)

    The partial match keeps every branch that matches the full text there: a path that runs
    off the end of ``key`` makes a partial match, and inside a negative lookahead it lets the
    path through (``regex.match(r"a(?!bc)", "ab", partial=True)`` matches). That needs the
    branches to have no positive lookaround and no ``\\b`` past their first character.

    >>> d = BranchDispatch([("a", r"x\\d+"), ("b", r"\\d+x"), ("c", r"\\d+")], regex.IGNORECASE)
    >>> m = d.match("see 12x", 4); m.group(0), d.name_of[m.re]
    ('12x', 'b')
    >>> d.match("see 12x", 0) is None
    True
    """

    MAX_KEYS = 100_000  # the look-up of candidates by key starts afresh beyond this size

    def __init__(self, branches: Sequence[Tuple[str, str]], flags: int = 0, key_length: int = 6,
                 ascii_in_re: bool = False):
        self.branches = [regex.compile(pattern, flags) for _, pattern in branches]
        self.name_of: Dict[object, str] = {compiled: name for compiled, (name, _) in zip(self.branches, branches)}
        self.key_length = key_length
        self.by_key: Dict[str, Tuple["regex.Pattern", ...]] = {}
        self.caseless = bool(flags & regex.IGNORECASE)
        # ``ascii_in_re``: on an ASCII text, run each branch with ``re`` in ASCII mode, at half
        # the cost of a ``regex`` call. For ASCII text ``re.ASCII`` reads \s \w \d \b and
        # IGNORECASE as ``regex`` does (its \s is Unicode White_Space, which leaves out the
        # \x1c-\x1f that ``re``'s Unicode \s takes); the branches must keep to such plain syntax.
        self.in_re: Dict[object, Any] = {}
        # key -> the ``re`` twins of ``candidates(key)``: looking each twin up by its branch
        # at every call would hash the compiled pattern (its whole code) each time
        self.twins_by_key: Dict[str, Tuple[Any, ...]] = {}
        if ascii_in_re:
            assert flags & ~regex.IGNORECASE == 0, "only IGNORECASE has a re twin here"
            re_flags = re.ASCII | (re.IGNORECASE if flags & regex.IGNORECASE else 0)
            for compiled, (name, pattern) in zip(self.branches, branches):
                twin = self.in_re[compiled] = re.compile(pattern, re_flags)
                self.name_of[twin] = name

    def candidates(self, key: str) -> Tuple["regex.Pattern", ...]:
        """The branches, in order, that can begin with ``key`` (all of them for ``""``).

        Only the branches that can begin with ``key[:-1]`` need asking; keeping more than
        can begin with ``key`` only costs a vain try.
        """
        known = self.by_key.get(key)
        if known is not None:
            return known
        if not key:
            kept = tuple(self.branches)
        elif self.caseless and key.isascii() and key.lower() != key:
            kept = self.candidates(key.lower())  # "The pa" begins what "the pa" begins
        else:
            shorter = self.candidates(key[:-1])
            if len(shorter) <= 1:
                # one branch left: asking costs about what trying it does, so keep it (still a superset)
                kept = shorter
            else:
                kept = tuple(branch for branch in shorter if branch.match(key, partial=True) is not None)
        if len(self.by_key) >= self.MAX_KEYS:
            self.by_key.clear()
            self.twins_by_key.clear()
        self.by_key[key] = kept
        return kept

    def match(self, text: str, pos: int = 0) -> Optional["regex.Match"]:
        key = text[pos : pos + self.key_length]
        if self.in_re and text.isascii():  # isascii() is a flag look-up on a str
            twins = self.twins_by_key.get(key)
            if twins is None:
                in_re = self.in_re
                twins = tuple([in_re[branch] for branch in self.candidates(key)])
                if len(self.twins_by_key) >= self.MAX_KEYS:
                    self.twins_by_key.clear()
                self.twins_by_key[key] = twins
            for twin in twins:
                m = twin.match(text, pos)
                if m is not None:
                    return m
            return None
        branches = self.by_key.get(key)
        if branches is None:
            branches = self.candidates(key)
        for branch in branches:
            m = branch.match(text, pos)
            if m is not None:
                return m
        return None


def anchored_dispatch_matches(
    text: str,
    dispatch: BranchDispatch,
    anchor_starts: List[int],
    starter_starts: List[int],
    starters: FrozenSet[str],
    reach: int,
) -> List[Any]:
    """What ``anchored_matches(text, dispatch, anchors, starters, reach)`` yields, as a list,
    from offsets the caller found in one pass over the text instead of one small scan per
    anchor (compiled, a list and native calls to ``dispatch.match`` beat a generator).

    ``anchor_starts``: where ``anchors.finditer(text)`` matches start, in order.
    ``starter_starts``: in order, where the words (``\\w`` runs) whose lowercase is in
    ``starters`` start. A word that runs into the anchor ("since2019") counts, as in
    ``anchored_matches``, by its part before the anchor; this is checked here. Each
    place is tried once.

    >>> d = BranchDispatch([("n", r"(?:more than )?\\d+")])
    >>> [m.group(0) for m in anchored_dispatch_matches("killed more than 40 and 7", d, [17, 24], [7],
    ...                                                frozenset(["more"]), 64)]
    ['more than 40', '7']
    """
    found: List[Any] = []
    tried: Dict[int, Any] = {}
    last_end = 0
    first_starter = 0  # the first of starter_starts not before the window (windows only move on)
    starter_count = len(starter_starts)
    for at in anchor_starts:
        if at < last_end:
            continue
        window = max(last_end, at - reach)
        while first_starter < starter_count and starter_starts[first_starter] < window:
            first_starter += 1
        starts: List[int] = []
        k = first_starter
        while k < starter_count and starter_starts[k] < at:
            starts.append(starter_starts[k])
            k += 1
        if at > window:
            if is_word_char(text[at - 1]):
                # the anchor is inside a word ("since2019"): its start counts if the part before is a starter
                word_start, longest = at - 1, max(map(len, starters))
                while word_start > window and at - word_start <= longest and is_word_char(text[word_start - 1]):
                    word_start -= 1
                if (word_start == 0 or not is_word_char(text[word_start - 1])) and text[word_start:at].lower() in starters:
                    starts.append(word_start)
            head = at  # the start of the anchor's own word ("Q1", "H2")
            while head > window and text[head - 1].isalnum():
                head -= 1
            if head < at:
                starts.append(head)
        starts.append(at)
        for start in starts:
            if start in tried:
                m = tried[start]
            else:
                m = tried[start] = dispatch.match(text, start)
            if m is not None:
                end: int = m.end()
                if end > at:
                    found.append(m)
                    last_end = end
                    break
    return found


def labelled_char_spans(doc: Any, items: List[Dict[str, Any]], start_key: str,
                        label_key: Optional[str], label: str = "") -> List[Any]:
    """``component.char_spans``, compiled: the spans (``doc.char_span``, expanded) over the
    items a tagger found, labelled ``item[label_key]``, or ``label`` when ``label_key`` is None.

    Each label is added to the vocabulary's strings once here and passed as its id: given
    a string, spaCy's ``Span`` adds it again for every span.
    """
    strings = doc.vocab.strings
    char_span = doc.char_span
    label_ids: Dict[str, Any] = {}
    spans: List[Any] = []
    for item in items:
        name: str = item[label_key] if label_key is not None else label
        label_id = label_ids.get(name)
        if label_id is None:
            label_id = label_ids[name] = strings.add(name)
        span = char_span(item[start_key], item["end_char"], label=label_id, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans
