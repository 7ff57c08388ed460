"""Quote anchoring: find an annotated quote in the text of its article.

Matching forgives exactly three things: differences in whitespace, straight
vs typographic quotation marks and apostrophes, and dash styles. ``…`` or
``...`` in a quote stands for an elided span; the parts must appear in order.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

# Straight and typographic quotation marks and apostrophes; nothing else.
SINGLE_QUOTES = "'‘’‚‛‹›"
DOUBLE_QUOTES = '"“”„‟«»'
DASHES = "-‐‑‒–—―−"
# Every character for which str.isspace() is true (a unit test checks the list).
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")

# Folding, one character for one: quotation marks to ' and ", dashes to "-",
# whitespace to " ". Only the characters that change are looked up.
_FOLD = {
    char: folded
    for chars, folded in ((SINGLE_QUOTES, "'"), (DOUBLE_QUOTES, '"'), (DASHES, "-"), (WHITESPACE, " "))
    for char in chars
    if char != folded
}
_FOLDING = str.maketrans(_FOLD)
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLD)) + "]")
# After folding, the runs of spaces and dashes that normalising shortens.
_RUN = re.compile("[ -][ -]+")
_WORD = re.compile(r"\w")
_WORD_AT_END = re.compile(r"\w$")


@dataclass(frozen=True)
class NormalisedText:
    """Text with the forgiven differences folded away, and the way back.

    Normalised and original offsets advance together except where a run of
    whitespace and dashes was shortened. ``breaks`` holds the normalised
    offsets where the distance between them changes (ascending, the first is
    0) and ``bases`` the original offset of each of those characters.
    """

    text: str
    breaks: tuple[int, ...] = (0,)
    bases: tuple[int, ...] = (0,)

    def origin_of(self, index: int) -> int:
        """The offset in the original text of normalised character ``index``."""
        k = bisect.bisect_right(self.breaks, index) - 1
        return self.bases[k] + index - self.breaks[k]

    @property
    def origin(self) -> tuple[int, ...]:
        """``origin[i]`` is the offset in the original text of normalised character i."""
        return tuple(self.origin_of(index) for index in range(len(self.text)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin_of(start), self.origin_of(end - 1) + 1


def normalise(text: str) -> NormalisedText:
    """Fold quotes, collapse whitespace runs to one space and dash runs to "-".

    Whitespace next to a dash is dropped, so "al-Qaeda – Taliban" and
    "al-Qaeda–Taliban" compare equal; whitespace at either end is dropped. A
    collapsed run keeps the offset of its first dash, or else of its first
    whitespace character.
    """
    folded = fold(text)
    runs = [match.span() for match in _RUN.finditer(folded)]
    # A single space changes nothing unless it is at either end.
    if folded.startswith(" ") and not (runs and runs[0][0] == 0):
        runs.insert(0, (0, 1))
    if folded.endswith(" ") and not (runs and runs[-1][1] == len(folded)):
        runs.append((len(folded) - 1, len(folded)))
    pieces: list[str] = []
    breaks, bases = [0], [0]
    copied = removed = 0  # original offset copied up to; characters dropped so far
    for start, end in runs:
        pieces.append(folded[copied:start])
        at = start - removed  # the normalised offset of the run's replacement
        dash = folded.find("-", start, end)
        if dash >= 0:
            pieces.append("-")
            breaks.append(at)
            bases.append(dash)
            at += 1
        elif start and end < len(folded):
            pieces.append(" ")  # at the offset the copy has reached: no break needed
            at += 1
        breaks.append(at)
        bases.append(end)
        removed = end - at
        copied = end
    pieces.append(folded[copied:])
    return NormalisedText("".join(pieces), tuple(breaks), tuple(bases))


def fold(text: str) -> str:
    """Quotation marks, dashes and whitespace folded, one character for one.

    ``str.translate`` is at C speed only for ASCII text: given one character
    beyond ASCII (a typographic apostrophe is enough), it looks up every
    character in the table one by one, ~50 ns each, and raises and drops a
    KeyError for each it leaves alone: 0.32 ms for a 6 KB article, 3-4 CPU-s
    of a 10,000-article build (py-spy). So ASCII text is translated, and
    other text has only the foldable characters it holds replaced, each
    in one pass (0.02 ms)."""
    if text.isascii():
        return text.translate(_FOLDING)
    for char in set(_FOLDABLE.findall(text)):
        text = text.replace(char, _FOLD[char])
    return text


def quote_parts(quote: str) -> list[str]:
    """The quoted segments, split at ellipses, folded, without empties."""
    return [part for part in (normalise(p).text for p in ELLIPSIS.split(quote)) if part]


@dataclass(frozen=True)
class Anchor:
    """The outcome of looking for a quote."""

    spans: tuple[tuple[int, int], ...] = ()  # original-text offsets of each part
    count: int = 0  # how many places the whole quote matches
    closest: str = ""  # when not found: the most similar passage of the text
    missing_part: str = ""  # when an elided quote's part is absent
    out_of_order: bool = False  # every part occurs, but not in the quoted order
    empty: bool = False  # nothing left to look for once ellipses are removed

    @property
    def found(self) -> bool:
        return self.count == 1


def find_quote(quote: str, text: str, haystack: NormalisedText | None = None) -> Anchor:
    """Locate ``quote`` in ``text``. Pass ``haystack`` to reuse a normalisation.

    Each part must start and end on a word boundary (a quote is never a
    fragment of a word), and the quote is found only if exactly one choice of
    occurrences, one per part and in order, fits: "A … B" with B twice after
    A is ambiguous, not silently the first B.
    """
    haystack = haystack or normalise(text)
    parts = quote_parts(quote)
    if not parts:
        return Anchor(empty=True)
    occurrences = [find_part(part, haystack.text) for part in parts]
    if not all(occurrences):
        return _not_found(parts, occurrences, text, haystack)
    chains = count_chains(occurrences)
    if chains[0] == [0] * len(occurrences[0]):
        return Anchor(out_of_order=True)
    total = sum(chains[0])
    if total > 1:
        return Anchor(count=total)
    spans, end = [], -1
    for level, found in enumerate(occurrences):
        start, stop = next(
            occ for occ, ways in zip(found, chains[level]) if ways and occ[0] >= end
        )
        spans.append(haystack.span(start, stop))
        end = stop
    return Anchor(spans=tuple(spans), count=1)


def find_part(part: str, text: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``part`` in ``text`` that sits on word boundaries.

    Occurrences may overlap. A part that starts (ends) with a word character
    must not be preceded (followed) by one.
    """
    check_start = _WORD.match(part) is not None
    check_end = _WORD_AT_END.search(part) is not None
    length = len(part)
    found = []
    start = text.find(part)
    while start >= 0:
        end = start + length
        if not (check_start and start and _WORD.match(text, start - 1)) and not (
            check_end and _WORD.match(text, end)
        ):
            found.append((start, end))
        start = text.find(part, start + 1)
    return found


def count_chains(occurrences: list[list[tuple[int, int]]]) -> list[list[int]]:
    """ways[level][k]: in how many ways occurrence k of part ``level`` can be
    followed, in order and without overlap, by occurrences of the later parts."""
    ways = [[1] * len(occurrences[-1])]
    for level in range(len(occurrences) - 2, -1, -1):
        following, after = occurrences[level + 1], ways[0]
        ways.insert(0, [
            sum(w for (start, _), w in zip(following, after) if start >= end)
            for _, end in occurrences[level]
        ])
    return ways


def _not_found(
    parts: list[str], occurrences: list[list[tuple[int, int]]], text: str, haystack: NormalisedText
) -> Anchor:
    if len(parts) > 1:
        missing = next(part for part, found in zip(parts, occurrences) if not found)
        return Anchor(missing_part=missing, closest=closest_passage(missing, text, haystack))
    return Anchor(closest=closest_passage(parts[0], text, haystack))


def closest_passage(part: str, text: str, haystack: NormalisedText, limit: int = 160) -> str:
    """The passage of ``text`` most like ``part``, to show the editor what is there."""
    words = [m.start() for m in re.finditer(r"\S+", haystack.text)]
    if not words:
        return ""
    width = len(part)
    best_ratio, best_start = -1.0, 0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(part)
    for start in words:
        window = haystack.text[start : start + width]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best_start = ratio, start
    end = min(len(haystack.text), best_start + width)
    while end < len(haystack.text) and not haystack.text[end].isspace():
        end += 1  # finish the last word
    begin, finish = haystack.span(best_start, end)
    passage = " ".join(text[begin:finish].split())
    return passage if len(passage) <= limit else passage[: limit - 1].rstrip() + "…"
