"""Who agrees with whom: for each pair of actors who spoke on the same claims,
on how many of those claims they took the same side and on how many opposite
sides (the "Who agrees with whom" section of /compare/).

Rules, so that a reader can check any number by hand:

- Only actors count. An outlet reporting in its own voice is not an actor,
  and "agreeing with the newspaper" is a different question.
- An actor's *position* on a claim comes from all their quotes on it
  (``tallies.position_of``). Neutral quotes take no side: they never add to
  or dilute a position. Only supporting quotes → "supports"; only disputing
  → "disputes"; both → "both" (the actor said both, e.g. in different
  articles); only neutral → "neutral". Repeating a stance in several quotes
  counts once: the unit is the claim, not the mention.
- For a pair, a claim both spoke on is *shared*. It counts as agreement when
  both positions are "supports" or both "disputes"; as disagreement when one
  is "supports" and the other "disputes". Every other shared claim (either
  actor neutral or both) counts as neither: two people declining to take a
  side are not agreeing with each other, and a record of both cannot
  honestly be scored either way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, combinations

from ..core.model import DISPUTES, POSITIONS, SUPPORTS, Actor, Graph
from .claim_analysis import ClaimAnalysis
from .tallies import position_of

def outcome_of(first: str, second: str) -> str:
    """"agree", "disagree" or "neither" for two positions (see the rules above)."""
    sides = {first, second}
    if sides <= {SUPPORTS, DISPUTES}:
        return "agree" if len(sides) == 1 else "disagree"
    return "neither"


@dataclass(slots=True)
class SharedClaim:
    """One claim both actors of a pair spoke on, and where each stood."""

    claim: "ClaimAnalysis"
    first: str  # position of the pair's first actor: a stance or BOTH
    second: str
    outcome: str = field(init=False)  # "agree", "disagree" or "neither"

    def __post_init__(self) -> None:
        self.outcome = OUTCOME_OF_POSITIONS[self.first, self.second]


OUTCOME_OF_POSITIONS = {(a, b): outcome_of(a, b) for a in POSITIONS for b in POSITIONS}
OUTCOME_ORDER = {"disagree": 0, "agree": 1, "neither": 2}  # most divisive first


@dataclass
class Positions:
    """Where every actor stood on every claim they spoke on, for listing a
    pair's shared claims when a page asks for them."""

    by_actor: dict[str, dict[str, str]]  # actor id → claim id → position
    claims: dict[str, "ClaimAnalysis"]

    def shared(self, first_id: str, second_id: str) -> list[SharedClaim]:
        first, second = self.by_actor[first_id], self.by_actor[second_id]
        shared = [SharedClaim(self.claims[c], first[c], second[c]) for c in first.keys() & second.keys()]
        shared.sort(key=lambda s: (OUTCOME_ORDER[s.outcome], s.claim.claim.statement.casefold(), s.claim.claim.id))
        return shared


@dataclass(eq=False, slots=True)
class AgreementPair:
    """Two actors who spoke on the same claims, and how often they agreed.

    The counts are worked out for every pair; the claim-by-claim list only
    when a page shows the pair: at 10,000 articles there are 190,000 pairs
    and 380,000 shared claims, and /compare/ lists a few hundred pairs.
    """

    first: Actor  # first by name
    second: Actor
    agree: int
    disagree: int
    neither: int
    positions: Positions = field(repr=False)
    _shared: list[SharedClaim] | None = field(default=None, init=False, repr=False)

    @property
    def shared(self) -> list[SharedClaim]:
        """The shared claims, most divisive first: disagreements, agreements, the rest."""
        if self._shared is None:
            self._shared = self.positions.shared(self.first.id, self.second.id)
        return self._shared

    @property
    def total(self) -> int:
        """Shared claims."""
        return self.agree + self.disagree + self.neither

    def count(self, outcome: str) -> int:
        return getattr(self, outcome)


def positions_of(graph: Graph) -> dict[str, dict[str, str]]:
    """Actor id → claim id → the actor's position on it."""
    positions: dict[str, dict[str, str]] = {}
    for actor_id, quotes in graph.quotes_by_actor.items():
        by_claim: dict[str, list[str]] = defaultdict(list)
        for quote in quotes:
            by_claim[quote.claim.id].append(quote.mention.stance)
        positions[actor_id] = {claim_id: position_of(stances) for claim_id, stances in by_claim.items()}
    return positions


def pair_counts(sides: Iterable[tuple[list[int], list[int], list[int]]]) -> tuple[Counter, Counter, Counter]:
    """For each pair of actors (numbers, smaller first): on how many claims
    both spoke, both took a side, and both took the same side.

    ``sides``: per claim, the numbers of its supporters, its disputers and
    the others, each list ascending. The pairs are counted by ``Counter`` and
    ``itertools.combinations``, and a pair keeps its counts rather than its
    claim ids. At 10,000 articles (190,000 pairs, 380,000 shared claims) the
    whole agreement still costs about what the loop over each claim's pairs
    in Python did (1.3-1.5 s of CPU): the pairs' records and their sort
    dominate, which is why only /compare/'s first page works it out."""
    spoke: Counter = Counter()  # pair → shared claims
    decided: Counter = Counter()  # pair → shared claims on which both took a side
    same: Counter = Counter()  # pair → shared claims on which both took the same side
    for supporting, disputing, others in sides:
        took_side = sorted(supporting + disputing)
        spoke.update(combinations(sorted(took_side + others), 2) if others else combinations(took_side, 2))
        decided.update(combinations(took_side, 2))
        same.update(chain(combinations(supporting, 2), combinations(disputing, 2)))
    return spoke, decided, same


def actor_agreement(graph: Graph, claims: dict[str, "ClaimAnalysis"]) -> list[AgreementPair]:
    """Every pair of actors with at least one shared claim, most disagreement first."""
    positions = positions_of(graph)
    actors = sorted((graph.actors[a] for a in positions), key=lambda a: (a.name.casefold(), a.id))
    # Pairs come from the claims, not from every pair of actors: at archive
    # scale most pairs of actors never spoke on the same claim.
    sides: dict[str, tuple[list[int], list[int], list[int]]] = defaultdict(lambda: ([], [], []))
    for number, actor in enumerate(actors):  # each list ascending
        for claim_id, position in positions[actor.id].items():
            sides[claim_id][SIDE_OF_POSITION.get(position, 2)].append(number)
    spoke, decided, same = pair_counts(sides.values())
    table = Positions(positions, claims)
    pairs = [
        AgreementPair(actors[first], actors[second], same.get(pair, 0), decided.get(pair, 0) - same.get(pair, 0),
                      total - decided.get(pair, 0), table)
        for pair, total in spoke.items() for first, second in (pair,)
    ]
    pairs.sort(key=lambda p: (-p.disagree, -p.agree, -p.total, p.first.name.casefold(),
                              p.second.name.casefold(), p.first.id, p.second.id))
    return pairs


SIDE_OF_POSITION = {SUPPORTS: 0, DISPUTES: 1}  # the others (neutral, both) are 2
