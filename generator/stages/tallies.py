"""How many stand behind each stance on a claim, counted three ways.

A reader weighing "ten sources say so" needs to know ten of what. Every count
the site shows says which of these it is:

- **statements**: quotes, one per annotated mention;
- **speakers**: distinct speakers, an actor or an outlet in its own voice
  (the same minister quoted in three articles is one speaker);
- **independent origins**: distinct parties (``link.py``: the top of a
  speaker's affiliation chain, or the outlet for its own voice). A minister,
  a spokesman and an unnamed official of one government are one origin.

The headline count is origins. A claim is *contested* when at least two
different origins take opposite stances: two voices of one party disagreeing
is not a contest between sources. An origin's (or an actor's) *position* on
a claim comes from all its statements on it; neutral statements take no
side, so they never dilute a position.

Pure functions of quotes; nothing here knows about pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.model import BOTH, DISPUTES, NEUTRAL, STANCES, SUPPORTS, Quote, Voice


@dataclass(frozen=True)
class Tally:
    """The statements behind one stance (or one origin's stance), counted three ways."""

    statements: int
    speakers: int
    origins: tuple[Voice, ...]  # distinct, by name

    def __bool__(self) -> bool:
        return self.statements > 0


EMPTY = Tally(0, 0, ())


def tally(quotes: Iterable[Quote]) -> Tally:
    quotes = list(quotes)
    if not quotes:
        return EMPTY
    if len(quotes) == 1:  # most cells of /compare/ and of the outlets' tables: nothing to count or sort
        return Tally(statements=1, speakers=1, origins=(quotes[0].origin,))
    origins = {quote.origin.key: quote.origin for quote in quotes}
    return Tally(
        statements=len(quotes),
        speakers=len({quote.speaker.key for quote in quotes}),
        origins=tuple(sorted(origins.values(), key=voice_order)),
    )


def tallies_by_stance(quotes: Iterable[Quote]) -> dict[str, Tally]:
    """A tally for every stance, in STANCES order (EMPTY where none)."""
    by_stance: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_stance[quote.stance].append(quote)
    return {stance: tally(by_stance[stance]) if stance in by_stance else EMPTY for stance in STANCES}


def voice_order(voice: Voice) -> tuple:
    return (voice.name.casefold(), voice.kind, voice.id)


def position_of(stances: Iterable[str]) -> str:
    """One position from the stances of several statements: "supports" or
    "disputes" when only one side is taken, BOTH when both are, "neutral"
    when none is. Repeating a stance changes nothing."""
    sides = set(stances) - {NEUTRAL}
    if not sides:
        return NEUTRAL
    return sides.pop() if len(sides) == 1 else BOTH


def is_contested(tallies: dict[str, Tally]) -> bool:
    """At least two different origins on opposite sides.

    Asserting origins A and disputing origins D: some a in A and d in D
    differ exactly when both are non-empty and together hold two origins or
    more. One party that both asserts and disputes (its minister says yes,
    its spokesman no) is not contested on its own.
    """
    asserting = {voice.key for voice in tallies[SUPPORTS].origins}
    disputing = {voice.key for voice in tallies[DISPUTES].origins}
    return bool(asserting) and bool(disputing) and len(asserting | disputing) >= 2


# --- figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One value given for a quantity claim, and the statements that give it.

    A statement gives a value either as the speaker's own figure, or as
    someone else's that the speaker cites (``quote.value_attributed_to``):
    "the media admitted 22" is not the speaker's count, and pages say so.
    """

    value: float
    quotes: tuple[Quote, ...]
    unit: str | None = None  # what it counts: the claim's unit, or the mentions' own (``Mention.unit``)

    @property
    def own(self) -> tuple[Quote, ...]:
        """The statements that give the value as the speaker's own figure."""
        return tuple(q for q in self.quotes if q.value_attributed_to is None)

    @property
    def attributed(self) -> tuple[Quote, ...]:
        """The statements that cite the value as someone else's."""
        return tuple(q for q in self.quotes if q.value_attributed_to is not None)


def figures_of(quotes: Iterable[Quote]) -> list[Figure]:
    """Each distinct value, smallest first, with its statements in graph order.
    The same number in another unit is another figure (12 million dollars is
    not 12 million euros): after the claim's own unit's, by unit."""
    by_value: dict[tuple[float, str | None], list[Quote]] = defaultdict(list)
    for quote in quotes:
        if quote.value is not None:
            by_value[(quote.value, quote.unit)].append(quote)

    def order(entry: tuple[tuple[float, str | None], list[Quote]]) -> tuple:
        (value, unit), found = entry
        return value, unit != found[0].claim.unit, unit or ""

    return [Figure(value, tuple(found), unit) for (value, unit), found in sorted(by_value.items(), key=order)]
