"""Lengths along the site's pictures, and bars split into segments.

Lengths along a bar or an axis are integers in hundredths of a percent
(``SCALE`` = 100 %), so segment widths add up to exactly the whole bar and
tests can check every number. The SVGs use percentages, which lets them
stretch to any screen width without stretching their patterns or text.

The pictures themselves: the stance bars (``stancebars.py``), the timeline
of a claim (``timeline.py``), the actor agreement on /compare/
(``agreementchart.py``); ``pictures.py`` hands them to the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SCALE = 10_000  # a bar's or an axis's full length: 100.00 %

def percent(units: int) -> str:
    """Hundredths of a percent as an SVG length: 2500 → "25%", 3333 → "33.33%"."""
    whole, fraction = divmod(units, 100)
    return f"{whole}%" if not fraction else f"{whole}.{fraction:02d}".rstrip("0") + "%"


def scaled(part: Fraction | int, whole: Fraction | int) -> int:
    """``part / whole`` of SCALE (both at least 0), rounded half up: the same on every machine.

    Exact rational arithmetic, as with Fractions, but on the numerators and
    denominators as plain integers (ints and Fractions both have them):
    building Fractions here took 0.4 s of the 7 s that rendering the
    2,000-article corpus took, for the timelines' marks."""
    numerator = part.numerator * SCALE * whole.denominator
    denominator = part.denominator * whole.numerator
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return (2 * numerator + denominator) // (2 * denominator)  # floor(n/d + 1/2)


@dataclass(frozen=True)
class Segment:
    """One stretch of a bar: ``count`` of ``key``, from ``start`` for ``width``."""

    key: str
    count: int
    start: int
    width: int

    @property
    def end(self) -> int:
        return self.start + self.width

    @property
    def x(self) -> str:
        return percent(self.start)

    @property
    def w(self) -> str:
        return percent(self.width)


def split_bar(counts: dict[str, int]) -> list[Segment]:
    """Segments proportional to ``counts``, in its order; zero counts get none.

    Boundaries are rounded, not widths, so the widths always add up to SCALE
    and each one is off by less than one unit.
    """
    total = sum(counts.values())
    if total == 0:
        return []
    segments, seen = [], 0
    for key, count in counts.items():
        if count == 0:
            continue
        start, seen = scaled(seen, total), seen + count
        segments.append(Segment(key, count, start, scaled(seen, total) - start))
    return segments


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
