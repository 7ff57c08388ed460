"""What /compare/'s "Who agrees with whom" prints, worked out without listing
every pair of actors (``agreement.actor_agreement`` lists them all: 190,000
pairs and 1.3-1.5 s of CPU at 10,000 articles, on every build, because the
page depends on every content file).

The page prints (``templates/_charts.html``, ``outputs/agreementchart.py``):

- how many pairs there are, and in each group (disagree at least once; only
  agree; never took sides together): counted as sets of co-actors, actor by
  actor, in C (``set.update``) rather than pair by pair in Python;
- the first pairs of each group in list order (``limits.PAIRS_SHOWN``):
  actors are visited busiest first, and the visit stops once no pair of the
  actors left can reach any group's list (a pair's counts are at most the
  claims of either actor);
- each actor's agreements + disagreements, to choose the grid's actors, and
  the pairs among the grid's actors only.

Rules and order are those of ``agreement.py``; the equivalence tests
(``tests/unit/test_analyse_equivalence.py``) check this against the full list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..core.model import Actor, Graph
from .agreement import OUTCOME_OF_POSITIONS, SIDE_OF_POSITION, AgreementPair, Positions, positions_of
from .claim_analysis import ClaimAnalysis

GROUPS = ("disagree", "agree", "neither")  # in list order
# The count a group's list is ordered by first: its place in a pair's sort key.
PRIMARY = {"disagree": 0, "agree": 1, "neither": 2}


@dataclass(frozen=True)
class PairGroupShown:
    key: str  # "disagree", "agree" or "neither"
    total: int  # pairs in the group
    first_number: int  # the number of the group's first pair in the list of every pair
    pairs: list[AgreementPair]  # the group's first pairs, in list order


@dataclass(frozen=True)
class AgreementShown:
    pairs: int  # pairs of actors with a shared claim
    groups: list[PairGroupShown]  # in list order
    paired_actors: int  # actors in some pair
    grid_actors: list[Actor]  # the busiest actors with a decided shared claim, busiest first
    grid_pairs: list[AgreementPair]  # the pairs among grid_actors that share a claim


class TopPairs:
    """The ``size`` smallest sort keys offered, kept bounded."""

    def __init__(self, size: int, primary: int):
        self.size, self.primary = size, primary
        self.keys: list[tuple] = []
        self.floor: tuple | None = None  # the size-th key, once there are that many

    def offer(self, key: tuple) -> None:
        if self.floor is not None and key >= self.floor:
            return
        self.keys.append(key)
        if len(self.keys) >= 2 * self.size + 64:
            self.trim()

    def trim(self) -> None:
        self.keys.sort()
        del self.keys[self.size:]
        if len(self.keys) == self.size:
            self.floor = self.keys[-1] if self.size else ()

    def closed(self, bound: int) -> bool:
        """No pair whose counts are at most ``bound`` can enter the list."""
        self.trim()
        return self.floor is not None and (self.size == 0 or -self.floor[self.primary] > bound)


def agreement_shown(graph: Graph, claims: dict[str, ClaimAnalysis], sizes: dict[str, int],
                    grid_limit: int) -> AgreementShown:
    positions = positions_of(graph)
    actors = sorted((graph.actors[a] for a in positions), key=lambda a: (a.name.casefold(), a.id))
    sides: dict[str, tuple[list[int], list[int], list[int]]] = defaultdict(lambda: ([], [], []))
    for number, actor in enumerate(actors):
        for claim_id, position in positions[actor.id].items():
            sides[claim_id][SIDE_OF_POSITION.get(position, 2)].append(number)
    spoken: list[list[tuple[tuple[list[int], list[int], list[int]], int]]] = [[] for _ in actors]
    for claim_sides in sides.values():
        for side, numbers in enumerate(claim_sides):
            for number in numbers:
                spoken[number].append((claim_sides, side))
    totals, paired = group_sizes(spoken)
    table = Positions(positions, claims)
    shown = first_pairs(actors, spoken, sizes, table)
    groups, first_number = [], 1
    for key in GROUPS:
        groups.append(PairGroupShown(key, totals[key], first_number, shown[key]))
        first_number += totals[key]
    grid = grid_actors(actors, spoken, grid_limit)
    return AgreementShown(sum(totals.values()), groups, paired, grid, pairs_among(grid, positions, table))


def group_sizes(spoken) -> tuple[dict[str, int], int]:
    """Pairs in each group, and actors in some pair: each actor's co-actors as
    sets (each pair is seen from both ends, hence the halving)."""
    everyone = disagreeing = only_agreeing = paired = 0
    for number, said in enumerate(spoken):
        spoke, same, opposite = set(), set(), set()
        for (supporting, disputing, others), side in said:
            spoke.update(supporting, disputing, others)
            if side < 2:
                same.update((supporting, disputing)[side])
                opposite.update((disputing, supporting)[side])
        spoke.discard(number)
        same.discard(number)
        everyone += len(spoke)
        disagreeing += len(opposite)
        only_agreeing += len(same - opposite)
        paired += bool(spoke)
    everyone, disagreeing, only_agreeing = everyone // 2, disagreeing // 2, only_agreeing // 2
    return {"disagree": disagreeing, "agree": only_agreeing,
            "neither": everyone - disagreeing - only_agreeing}, paired


def first_pairs(actors: list[Actor], spoken, sizes: dict[str, int], table: Positions) -> dict[str, list[AgreementPair]]:
    """Each group's first pairs in list order (``agreement.actor_agreement``'s sort)."""
    names = [a.name.casefold() for a in actors]
    tops = {key: TopPairs(sizes[key], PRIMARY[key]) for key in GROUPS}
    visited = [False] * len(actors)
    for number in sorted(range(len(actors)), key=lambda n: -len(spoken[n])):
        if all(top.closed(len(spoken[number])) for top in tops.values()):
            break  # every pair left is between actors with at most this many claims
        visited[number] = True
        spoke, same, opposite = Counter(), Counter(), Counter()
        for (supporting, disputing, others), side in spoken[number]:
            spoke.update(supporting)
            spoke.update(disputing)
            spoke.update(others)
            if side < 2:
                same.update((supporting, disputing)[side])
                opposite.update((disputing, supporting)[side])
        for other, total in spoke.items():
            if visited[other]:
                continue  # itself, or a pair already offered
            agree, disagree = same[other], opposite[other]
            first, second = (number, other) if number < other else (other, number)
            key = (-disagree, -agree, -total, names[first], names[second], actors[first].id, actors[second].id,
                   first, second)
            tops["disagree" if disagree else "agree" if agree else "neither"].offer(key)
    shown = {}
    for group, top in tops.items():
        top.trim()
        shown[group] = [AgreementPair(actors[key[7]], actors[key[8]], -key[1], -key[0], -key[2] + key[0] + key[1], table)
                        for key in top.keys]
    return shown


def grid_actors(actors: list[Actor], spoken, limit: int) -> list[Actor]:
    """The ``limit`` actors with the most agreements + disagreements over all
    their pairs, that have any: each sided claim counts once per other actor
    who took a side on it."""
    decided = [sum(len(supporting) + len(disputing) - 1 for (supporting, disputing, _), side in said if side < 2)
               for said in spoken]
    ranked = sorted((n for n in range(len(actors)) if decided[n] > 0),
                    key=lambda n: (-decided[n], actors[n].name.casefold(), actors[n].id))
    return [actors[n] for n in ranked[:limit]]


def pairs_among(grid: list[Actor], positions: dict[str, dict[str, str]], table: Positions) -> list[AgreementPair]:
    """The pairs of the grid's actors that share a claim, each first by name."""
    order = sorted(grid, key=lambda a: (a.name.casefold(), a.id))
    pairs = []
    for first, second in combinations(order, 2):
        mine, theirs = positions[first.id], positions[second.id]
        outcomes = Counter(OUTCOME_OF_POSITIONS[mine[c], theirs[c]] for c in mine.keys() & theirs.keys())
        if outcomes:
            pairs.append(AgreementPair(first, second, outcomes["agree"], outcomes["disagree"], outcomes["neither"], table))
    return pairs
