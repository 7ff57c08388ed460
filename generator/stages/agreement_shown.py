"""What /compare/'s "Who agrees with whom" prints, worked out without listing
every pair of actors (``agreement.actor_agreement`` lists them all: 190,000
pairs and 1.3-1.5 s of CPU at 10,000 articles, on every build, because the
page depends on every content file).

The page prints (``templates/_charts.html``, ``outputs/agreementchart.py``):

- how many pairs there are, and in each group (disagree at least once; only
  agree; never took sides together): each actor's co-actors counted in C
  (one ``Counter`` per actor and group), their key sets compared, rather
  than pair by pair in Python;
- the first pairs of each group in list order (``limits.PAIRS_SHOWN``):
  actors are visited busiest first, and the visit stops once no pair of the
  actors left can reach any group's list (a pair's counts are at most the
  claims of either actor);
- each actor's agreements + disagreements, to choose the grid's actors, and
  the pairs among the grid's actors only.

At 10,000 articles all of it costs 0.25-0.33 s of CPU (0.82-0.86 s for the
list of every pair), of which 0.1 s is ``positions_of``.

Rules and order are those of ``agreement.py``; the equivalence tests
(``tests/unit/test_analyse_equivalence.py``) check this against the full list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain, combinations

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
    counts = {group: co_actor_counts(spoken, group) for group in GROUPS}
    totals, paired = group_sizes(counts)
    table = Positions(positions, claims)
    shown = first_pairs(actors, counts, sizes, table)
    groups, first_number = [], 1
    for key in GROUPS:
        groups.append(PairGroupShown(key, totals[key], first_number, shown[key]))
        first_number += totals[key]
    grid = grid_actors(actors, spoken, grid_limit)
    return AgreementShown(sum(totals.values()), groups, paired, grid, pairs_among(grid, positions, table))


def group_sizes(counts: dict[str, list[Counter]]) -> tuple[dict[str, int], int]:
    """Pairs in each group, and actors in some pair, from each actor's
    co-actors (each pair is seen from both ends, hence the halving)."""
    everyone = disagreeing = only_agreeing = paired = 0
    for number, (opposite, same, neither) in enumerate(zip(*(counts[group] for group in GROUPS))):
        partners = (opposite.keys() | same.keys() | neither.keys()) - {number}
        everyone += len(partners)
        disagreeing += len(opposite)
        only_agreeing += len(same.keys() - opposite.keys() - {number})
        paired += bool(partners)
    everyone, disagreeing, only_agreeing = everyone // 2, disagreeing // 2, only_agreeing // 2
    return {"disagree": disagreeing, "agree": only_agreeing,
            "neither": everyone - disagreeing - only_agreeing}, paired


def co_actor_counts(spoken, group: str) -> list[Counter]:
    """For each actor, co-actor → the claims on which the two could count
    for ``group`` (``counting``): their disagreements for "disagree", their
    agreements for "agree", their shared claims on which one of them took no
    side for "neither". One ``Counter`` per actor, counted in C."""
    counts = []
    for number, said in enumerate(spoken):
        count = Counter(chain.from_iterable(counting(said, group)))
        count.pop(number, None)
        counts.append(count)
    return counts


def first_pairs(actors: list[Actor], counts: dict[str, list[Counter]], sizes: dict[str, int],
                table: Positions) -> dict[str, list[AgreementPair]]:
    """Each group's first pairs in list order (``agreement.actor_agreement``'s sort).

    Group by group, the actors are visited in order of their highest count
    for the group (a bound on any of their pairs' count), and the visit stops
    once the group's list is full and its last pair counts more than any pair
    of the actors left can; a pair's three counts come from the actors'
    ``counts``. At 10,000 articles a visit of every actor (by its claim count,
    a looser bound) offered all 190,000 pairs (0.6 s of CPU); this visits
    about 1,400 actors over the three groups (0.06 s)."""
    names = [a.name.casefold() for a in actors]
    ids = [a.id for a in actors]
    shown = {}
    for group in GROUPS:
        top = TopPairs(sizes[group], PRIMARY[group])
        highest = [max(count.values(), default=0) for count in counts[group]]
        visited = [False] * len(actors)
        for number in sorted(range(len(actors)), key=lambda n: -highest[n]):
            if not highest[number] or top.closed(highest[number]):
                break  # no pair of the actors left counts more than the list's last
            visited[number] = True
            least = -top.floor[top.primary] if top.floor and top.size else 0
            disagreeing, agreeing, neither = (counts[key][number] for key in GROUPS)
            for other in [other for other, count in counts[group][number].items() if count >= least]:
                if visited[other]:
                    continue  # a pair already offered
                disagree, agree = disagreeing[other], agreeing[other]
                total = disagree + agree + neither[other]
                if group != ("disagree" if disagree else "agree" if agree else "neither"):
                    continue
                first, second = (number, other) if number < other else (other, number)
                top.offer((-disagree, -agree, -total, names[first], names[second], ids[first], ids[second],
                           first, second))
        top.trim()
        shown[group] = [AgreementPair(actors[key[7]], actors[key[8]], -key[1], -key[0], -key[2] + key[0] + key[1], table)
                        for key in top.keys]
    return shown


def counting(said, group: str) -> list[list[int]]:
    """An actor's co-actors claim by claim, as far as the claim can count for a
    pair of the group: opposite sides for "disagree", the same side for
    "agree", a side not taken by one of them for "neither" (a list may hold
    the actor itself)."""
    lists = []
    for (supporting, disputing, others), side in said:
        if group == "neither":
            lists.append(supporting + disputing + others if side == 2 else others)
        elif side < 2:
            lists.append((supporting, disputing)[side] if group == "agree" else (disputing, supporting)[side])
    return lists


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
