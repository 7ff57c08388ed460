"""One claim analysed: who takes which stance on it, counted three ways.

:class:`ClaimAnalysis` is what every page, feed and data file says about a
claim: its statements by stance and by independent origin, their tallies
(``tallies.py``), whether the claim is contested, the figures sources give
for it. The site-wide views built from all of them (``comparison.py``,
``agreement.py``) and the actors' and outlets' analyses (``analyse.py``)
read it; it reads only the graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from ..core.model import DISPUTES, STANCES, SUPPORTS, Actor, Claim, Graph, Outlet, Quote, Verdict, Voice
from .tallies import Figure, Tally, figures_of, is_contested, tally, voice_order


@dataclass(frozen=True)
class OriginGroup:
    """One origin's statements taking one stance on a claim (the claim page's "who says what")."""

    origin: Voice
    quotes: tuple[Quote, ...]

    @property
    def speakers(self) -> int:
        return len({quote.speaker.key for quote in self.quotes})

    @property
    def counted_under(self) -> list[tuple[Voice, tuple[Actor, ...]]]:
        """The speakers counted under this origin other than the origin itself,
        each with the organisations between it and the origin: how a reader
        can see why Saraj counts as the Afghan government."""
        found: dict[tuple[str, str], tuple[Voice, tuple[Actor, ...]]] = {}
        for quote in self.quotes:
            if quote.speaker.key != self.origin.key:
                found.setdefault(quote.speaker.key, (quote.speaker, quote.chain[1:-1]))
        return list(found.values())


@dataclass
class ClaimAnalysis:
    claim: Claim
    verdict: Verdict | None
    quotes: list[Quote]
    by_stance: dict[str, list[Quote]]  # every stance key present, in STANCES order
    tallies: dict[str, Tally]  # every stance: statements, speakers, independent origins
    by_origin: dict[tuple[str, str], list[Quote]]  # origin key → its statements, in graph order
    figures: list[Figure]
    outlets: list[Outlet]

    @property
    def contested(self) -> bool:
        """At least two different independent origins take opposite stances."""
        return is_contested(self.tallies)

    @property
    def figures_differ(self) -> bool:
        return len(self.figures) > 1

    @property
    def statement_counts(self) -> dict[str, int]:
        return {stance: t.statements for stance, t in self.tallies.items()}

    @property
    def speaker_counts(self) -> dict[str, int]:
        return {stance: t.speakers for stance, t in self.tallies.items()}

    @property
    def origin_counts(self) -> dict[str, int]:
        return {stance: len(t.origins) for stance, t in self.tallies.items()}

    @cached_property
    def speaker_total(self) -> int:  # kept: the claims' order (claim_order) asks for it again and again
        """Distinct speakers, whatever their stance."""
        return len({q.speaker.key for q in self.quotes})

    @property
    def origin_total(self) -> int:
        """Distinct independent origins, whatever their stance."""
        return len(self.by_origin)

    @property
    def contest_score(self) -> tuple:
        """Orders claims from most to least contested: the more origins on the
        weaker side, the more contested; then more origins, speakers, outlets."""
        balance = min(len(self.tallies[SUPPORTS].origins), len(self.tallies[DISPUTES].origins))
        return (balance, self.origin_total, self.speaker_total, len(self.outlets))

    def origin_groups(self, stance: str) -> list[OriginGroup]:
        """The statements taking ``stance``, by origin: the origins with the most
        speakers first, then by name."""
        grouped: dict[tuple[str, str], list[Quote]] = defaultdict(list)
        for quote in self.by_stance[stance]:
            grouped[quote.origin.key].append(quote)
        groups = [OriginGroup(quotes[0].origin, tuple(quotes)) for quotes in grouped.values()]
        return sorted(groups, key=lambda g: (-g.speakers, -len(g.quotes), voice_order(g.origin)))


def analyse_claim(graph: Graph, claim: Claim) -> ClaimAnalysis:
    quotes = graph.quotes_by_claim.get(claim.id, [])
    by_stance: dict[str, list[Quote]] = {stance: [] for stance in STANCES}
    by_origin: dict[tuple[str, str], list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_stance[quote.mention.stance].append(quote)
        by_origin[quote.origin.key].append(quote)
    return ClaimAnalysis(
        claim=claim,
        verdict=graph.config.verdict(claim.verdict_id),
        quotes=quotes,
        by_stance=by_stance,
        tallies={stance: tally(stance_quotes) for stance, stance_quotes in by_stance.items()},
        by_origin=dict(by_origin),
        figures=figures_of(quotes),
        outlets=unique_by_id(q.outlet for q in quotes),
    )


def claim_order(analysis: ClaimAnalysis) -> tuple:
    """Widest-reported claims first (by outlets, then independent origins, then
    speakers), so lists and the comparison read from the core outwards."""
    return (-len(analysis.outlets), -analysis.origin_total, -analysis.speaker_total,
            analysis.claim.statement.casefold())


def unique_by_id(items) -> list:
    seen, result = set(), []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return sorted(result, key=lambda o: (o.name.casefold(), o.id))
