"""Quote anchoring: find an annotated quote in the text of its article.

Matching forgives exactly three things: differences in whitespace, straight
vs typographic quotation marks and apostrophes, and dash styles. ``…`` or
``...`` in a quote stands for an elided span; the parts must appear in order.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Straight and typographic quotation marks and apostrophes; nothing else.
SINGLE_QUOTES = "'‘’‚‛‹›"
DOUBLE_QUOTES = '"“”„‟«»'
DASHES = "-‐‑‒–—―−"
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_FOLD = {**{c: "'" for c in SINGLE_QUOTES}, **{c: '"' for c in DOUBLE_QUOTES}}


@dataclass(frozen=True)
class NormalisedText:
    """Text with the forgiven differences folded away.

    ``origin[i]`` is the offset in the original text of normalised character i,
    so a match can be mapped back onto the original.
    """

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> NormalisedText:
    """Fold quotes, collapse whitespace runs to one space and dash runs to "-".

    Whitespace next to a dash is dropped, so "al-Qaeda – Taliban" and
    "al-Qaeda–Taliban" compare equal.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] not in (" ", "-"):
                out.append(" ")
                origin.append(index)
            continue
        if char in DASHES:
            if out and out[-1] == " ":
                out.pop()
                origin.pop()
            if out and out[-1] == "-":
                continue
            out.append("-")
            origin.append(index)
            continue
        out.append(_FOLD.get(char, char))
        origin.append(index)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return NormalisedText("".join(out), tuple(origin))


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
    """Every (start, end) of ``part`` in ``text`` that sits on word boundaries."""
    pattern = (
        (r"(?<!\w)" if re.match(r"\w", part) else "")
        + re.escape(part)
        + (r"(?!\w)" if re.search(r"\w$", part) else "")
    )
    return [(m.start(), m.start() + len(part)) for m in re.finditer(f"(?=({pattern}))", text)]


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
