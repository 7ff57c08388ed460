"""The actor agreement on /compare/: a matrix of the busiest actors and the
list of pairs under it.

Both stay a readable size on any site (``MATRIX_LIMIT`` actors,
``limits.PAIRS_SHOWN`` pairs per group); ``templates/_charts.html``
(``agreement``) draws them from what is worked out here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from ..core import limits  # the lengths of the pair list: PAIRS_SHOWN, SHARED_CLAIMS_SHOWN
from ..core.translations import Interface
from ..stages.agreement import AgreementPair, SharedClaim
from ..stages.agreement_shown import AgreementShown
from .chartscale import Segment, split_bar

MATRIX_LIMIT = limits.AGREEMENT_GRID_ACTORS
OUTCOMES = ("agree", "disagree", "neither")
OUTCOME_LABELS = {"agree": "agree", "disagree": "disagree", "neither": "neither side"}


@dataclass(frozen=True)
class PairSummary:
    """One pair as the list on /compare/ shows it: counts, a bar, an anchor."""

    number: int  # position in the list of every pair; the anchor is pair-<number>
    pair: AgreementPair

    @property
    def segments(self) -> list[Segment]:
        """Agree / disagree / neither, over the shared claims (worked out only
        for the pairs a page draws: a large site has hundreds of thousands)."""
        return split_bar({outcome: self.pair.count(outcome) for outcome in OUTCOMES})

    @property
    def anchor(self) -> str:
        return f"pair-{self.number}"

    @property
    def shown_claims(self) -> list[SharedClaim]:
        """The shared claims listed under the pair, most divisive first."""
        return self.pair.shared[:limits.SHARED_CLAIMS_SHOWN]

    @property
    def more_claims(self) -> int:
        """Shared claims not listed; the two actors' pages have them."""
        return self.pair.total - len(self.shown_claims)

    @property
    def decided(self) -> int:
        """Shared claims on which the two took sides: agreements plus disagreements."""
        return self.pair.agree + self.pair.disagree

    @property
    def group(self) -> str:
        if self.pair.disagree:
            return "disagree"
        return "agree" if self.pair.agree else "neither"


class PairSummaries(Sequence):
    """Every pair as the list numbers it, each summary made when it is asked
    for: a page draws a few hundred of the 190,000 pairs of a 10,000-article
    site, and making them all cost 1.2 s of its rendering."""

    def __init__(self, pairs: Sequence[AgreementPair]):
        self.pairs = pairs

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        number = range(1, len(self.pairs) + 1)[index]  # IndexError past the end, as a list
        return PairSummary(number, self.pairs[number - 1])


def pair_text(summary: PairSummary, words: Interface) -> str:
    """The pair's bar in words, e.g. "Ana Mayor and Bo Critic: disagree on 1, agree on 0, of 2 shared claims"."""
    pair = summary.pair
    return words.ngettext(
        "%(first)s and %(second)s: disagree on %(disagree)s, agree on %(agree)s, of %(num)s shared claim",
        "%(first)s and %(second)s: disagree on %(disagree)s, agree on %(agree)s, of %(num)s shared claims",
        pair.total,
    ) % {"first": pair.first.name, "second": pair.second.name, "disagree": words.format_number(pair.disagree),
         "agree": words.format_number(pair.agree), "num": words.format_number(pair.total)}


def pair_summaries(pairs: Sequence[AgreementPair]) -> PairSummaries:
    return PairSummaries(pairs)


@dataclass(frozen=True)
class MatrixCell:
    summary: PairSummary | None  # None: the two never spoke on the same claim (or the diagonal)

    @property
    def tone(self) -> str:
        """What the cell's fill says: the pair mostly disagrees, agrees, is split, or neither."""
        if self.summary is None:
            return "none"
        pair = self.summary.pair
        if pair.disagree and pair.agree:
            return "split"
        return "disagree" if pair.disagree else "agree" if pair.agree else "neither"


@dataclass(frozen=True)
class AgreementMatrix:
    actors: list  # Actor, in matrix order
    rows: list[list[MatrixCell]]
    left_out: int  # actors with shared claims not shown in the grid



def agreement_matrix(summaries: list[PairSummary], limit: int = MATRIX_LIMIT) -> AgreementMatrix:
    """The actors with the most agreements and disagreements, as a symmetric grid.

    Actors are ordered so that those who agree sit next to each other: start
    with the busiest actor, then repeatedly add whoever agrees most (minus
    disagrees) with those already placed. Camps then show as blocks.
    """
    actors = {}  # id → Actor, every actor in some pair
    decided: dict[str, int] = {}  # actor id → agreements + disagreements, over every pair
    for pair in pairs_of(summaries):
        both = pair.agree + pair.disagree
        for actor in (pair.first, pair.second):
            actors[actor.id] = actor
            decided[actor.id] = decided.get(actor.id, 0) + both
    ranked = sorted(actors.values(), key=lambda a: (-decided[a.id], a.name.casefold(), a.id))
    chosen = [a for a in ranked[:limit] if decided[a.id] > 0]
    in_grid = {a.id for a in chosen}
    by_pair = {}  # (id, id) → summary, both ways round, for the pairs inside the grid
    for index, pair in enumerate(pairs_of(summaries)):
        first, second = pair.first.id, pair.second.id
        if first in in_grid and second in in_grid:
            by_pair[(first, second)] = by_pair[(second, first)] = summaries[index]
    order = seriate(chosen, by_pair)
    rows = [
        [MatrixCell(by_pair.get((row.id, column.id)) if row is not column else None) for column in order]
        for row in order
    ]
    return AgreementMatrix(order, rows, len(actors) - len(order))


def pairs_of(summaries: Sequence[PairSummary]) -> Sequence[AgreementPair]:
    """The pairs behind the summaries, in their order, without making a summary for each."""
    return summaries.pairs if isinstance(summaries, PairSummaries) else [s.pair for s in summaries]


def seriate(actors: list, by_pair: dict) -> list:
    def affinity(actor, placed) -> int:
        pairs = [by_pair.get((actor.id, other.id)) for other in placed]
        return sum(p.pair.agree - p.pair.disagree for p in pairs if p)

    remaining, placed = list(actors), []
    while remaining:
        best = max(remaining, key=lambda a: (affinity(a, placed), -actors.index(a))) if placed else remaining[0]
        remaining.remove(best)
        placed.append(best)
    return placed


@dataclass(frozen=True)
class PairGroup:
    """One part of the pair list: its pairs in all, and those the page lists."""

    key: str  # "disagree", "agree" or "neither"
    total: int  # pairs in the group
    shown: list[PairSummary]  # the first of the group in list order

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)


def agreement_groups(summaries: list[PairSummary], sizes: dict[str, int] | None = None) -> list[PairGroup]:
    """The pair list in three parts: pairs that ever disagree, that only agree,
    that never take sides together. Each lists at most ``sizes[group]`` pairs
    (``limits.PAIRS_SHOWN``): the first in list order, that is the pairs with the most
    disagreements, the most agreements, the most shared claims.
    """
    sizes = limits.PAIRS_SHOWN if sizes is None else sizes
    # The pairs are in list order, most disagreements first, then most
    # agreements: each group is one run of the list, found by bisection.
    pairs = pairs_of(summaries)
    agree_from = bisect_left(pairs, 0, key=lambda pair: -pair.disagree)  # the first pair with no disagreement
    neither_from = bisect_left(pairs, 0, lo=agree_from, key=lambda pair: -pair.agree)  # ... and no agreement
    runs = {"disagree": (0, agree_from), "agree": (agree_from, neither_from), "neither": (neither_from, len(pairs))}
    return [PairGroup(key, end - start, list(summaries[start:min(end, start + sizes[key])]))
            for key, (start, end) in runs.items()]


def listed_pairs(groups: list[PairGroup]) -> frozenset[int]:
    """The numbers of the pairs the list shows: only their grid cells link to it."""
    return frozenset(s.number for group in groups for s in group.shown)


@dataclass(frozen=True)
class AgreementChart:
    """What the template draws: the grid, the pair list's groups, the numbers
    of the listed pairs, and how many pairs there are in all."""

    grid: AgreementMatrix
    groups: list[PairGroup]
    listed: frozenset[int]
    pairs: int


def agreement_chart(shown: AgreementShown) -> AgreementChart:
    """The chart from what ``stages.agreement_shown`` worked out: the same
    grid and groups ``agreement_matrix`` and ``agreement_groups`` make from
    the list of every pair."""
    groups = [PairGroup(g.key, g.total, [PairSummary(number, pair) for number, pair in
                                         enumerate(g.pairs, start=g.first_number)]) for g in shown.groups]
    listed = listed_pairs(groups)
    numbers = {(s.pair.first.id, s.pair.second.id): s for group in groups for s in group.shown}
    by_pair = {}  # (id, id) → summary, both ways round; number 0 (never listed) for a pair the list leaves out
    for pair in shown.grid_pairs:
        first, second = pair.first.id, pair.second.id
        by_pair[(first, second)] = by_pair[(second, first)] = numbers.get((first, second), PairSummary(0, pair))
    order = seriate(shown.grid_actors, by_pair)
    rows = [
        [MatrixCell(by_pair.get((row.id, column.id)) if row is not column else None) for column in order]
        for row in order
    ]
    return AgreementChart(AgreementMatrix(order, rows, shown.paired_actors - len(order)), groups, listed, shown.pairs)
