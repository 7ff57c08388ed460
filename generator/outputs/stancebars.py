"""Stance bars: how many independent origins take each stance, drawn on one
scale across a page, and the words that go with them.

A bar scaled to its own claim's total says nothing across claims: a claim
asserted by one origin and one asserted by six got the same full-width bar.
Here each stance of a claim gets a bar as long as its count of independent
origins, and every bar on a page shares one scale (:class:`BarScale`): the
longest bar on the page stands for the largest count shown there, so two
bars of the same length mean the same number wherever they are on the page.
Pages say so beside the bars (``_charts.html``, ``bar_legend``).

Lengths are integers in hundredths of a percent, as in ``chartscale.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..core.model import STANCES
from ..core.translations import Interface
from ..core.wording import STANCE_COUNT_HEADS
from ..stages.analyse import ClaimAnalysis
from ..stages.tallies import Tally
from .chartscale import SCALE, percent, scaled



def speakers_text(count: int, words: Interface) -> str:
    """2 → "2 speakers"; 1 → "1 speaker"."""
    return words.ngettext("%(num)s speaker", "%(num)s speakers", count) % {"num": words.format_number(count)}


def headline_text(stance: str, count: int, words: Interface) -> str:
    """"Asserted by 2 independent origins": one message per stance, so each language words it whole."""
    singular, plural = STANCE_COUNT_HEADS[stance]
    return words.ngettext(singular, plural, count) % {"num": words.format_number(count)}


def detail_text(tally: Tally, words: Interface) -> str:
    """The counts under the headline: "7 speakers, 10 statements"."""
    statements = words.ngettext("%(num)s statement", "%(num)s statements", tally.statements) % {
        "num": words.format_number(tally.statements)}
    return words.gettext("%(speakers)s, %(statements)s") % {
        "speakers": speakers_text(tally.speakers, words), "statements": statements}


def tally_text(stance: str, tally: Tally, words: Interface) -> str:
    """The whole count in words: "Asserted by 2 independent origins (7 speakers, 10 statements)"."""
    return words.gettext("%(headline)s (%(detail)s)") % {
        "headline": headline_text(stance, len(tally.origins), words), "detail": detail_text(tally, words)}


@dataclass(frozen=True)
class BarScale:
    """One scale for every stance bar of a page."""

    largest: int  # the largest count of origins any bar on the page shows

    def width(self, count: int) -> int:
        """A bar's length for ``count`` origins, in hundredths of a percent of the track."""
        return scaled(count, self.largest) if self.largest else 0


def bar_scale(items: Iterable[ClaimAnalysis]) -> BarScale:
    """The scale for a page that shows the stance bars of ``items``."""
    return BarScale(max((n for item in items for n in item.origin_counts.values()), default=0))


@dataclass(frozen=True)
class TallyRow:
    """One stance of one claim: its bar and its words."""

    stance: str
    tally: Tally
    length: int  # hundredths of a percent of the track
    words: Interface

    @property
    def w(self) -> str:
        return percent(self.length)

    @property
    def headline(self) -> str:
        """"Asserted by 2 independent origins"."""
        return headline_text(self.stance, len(self.tally.origins), self.words)

    @property
    def detail(self) -> str:
        return detail_text(self.tally, self.words)

    @property
    def text(self) -> str:
        return tally_text(self.stance, self.tally, self.words)


def tally_rows(item: ClaimAnalysis, scale: BarScale, words: Interface) -> list[TallyRow]:
    """The stances the claim's statements take, in STANCES order, each with its bar."""
    return [
        TallyRow(stance, item.tallies[stance], scale.width(len(item.tallies[stance].origins)), words)
        for stance in STANCES
        if item.tallies[stance]
    ]


def template_globals(words: Interface) -> dict[str, Any]:
    """What ``_charts.html`` and ``_macros.html`` call, in the site's language;
    registered in environment.make_environment."""
    return {
        "bars": {
            "scale": bar_scale,
            "rows": partial(tally_rows, words=words),
            "speakers": partial(speakers_text, words=words),
            "detail": partial(detail_text, words=words),
            "SCALE": SCALE,
        }
    }
