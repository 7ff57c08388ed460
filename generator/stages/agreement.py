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

from collections import defaultdict
from dataclasses import dataclass, field

from ..core.model import DISPUTES, POSITIONS, SUPPORTS, Actor, Graph, Quote
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
    claim_order: dict[str, tuple[str, str]]  # claim id → sort key (statement, id)

    def shared(self, first_id: str, second_id: str, claim_ids: tuple[str, ...]) -> list[SharedClaim]:
        first, second = self.by_actor[first_id], self.by_actor[second_id]
        shared = [SharedClaim(self.claims[c], first[c], second[c]) for c in claim_ids]
        shared.sort(key=lambda s: (OUTCOME_ORDER[s.outcome], self.claim_order[s.claim.claim.id]))
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
    claim_ids: tuple[str, ...]
    positions: Positions = field(repr=False)
    _shared: list[SharedClaim] | None = field(default=None, init=False, repr=False)

    @property
    def shared(self) -> list[SharedClaim]:
        """The shared claims, most divisive first: disagreements, agreements, the rest."""
        if self._shared is None:
            self._shared = self.positions.shared(self.first.id, self.second.id, self.claim_ids)
        return self._shared

    @property
    def total(self) -> int:
        """Shared claims."""
        return len(self.claim_ids)

    def count(self, outcome: str) -> int:
        return getattr(self, outcome)


def actor_agreement(graph: Graph, claims: dict[str, "ClaimAnalysis"]) -> list[AgreementPair]:
    """Every pair of actors with at least one shared claim, most disagreement first."""
    positions: dict[str, dict[str, str]] = {}  # actor id → claim id → position
    for actor_id, quotes in graph.quotes_by_actor.items():
        by_claim: dict[str, list[Quote]] = defaultdict(list)
        for quote in quotes:
            by_claim[quote.claim.id].append(quote)
        positions[actor_id] = {claim_id: position_of(q.stance for q in qs) for claim_id, qs in by_claim.items()}
    actors = sorted((graph.actors[a] for a in positions), key=lambda a: (a.name.casefold(), a.id))
    rank = {actor.id: index for index, actor in enumerate(actors)}
    # Pairs come from the claims, not from every pair of actors: at archive
    # scale most pairs of actors never spoke on the same claim.
    speakers: dict[str, list[Actor]] = defaultdict(list)  # claim id → actors, in name order
    for actor in actors:
        for claim_id in positions[actor.id]:
            speakers[claim_id].append(actor)
    common: dict[tuple[str, str], list[str]] = defaultdict(list)
    for claim_id, spoke in speakers.items():
        for i, first in enumerate(spoke):
            for second in spoke[i + 1:]:
                common[(first.id, second.id)].append(claim_id)
    claim_order = {claim_id: (item.claim.statement.casefold(), claim_id) for claim_id, item in claims.items()}
    table = Positions(positions, claims, claim_order)
    pairs = []
    for (first_id, second_id), claim_ids in sorted(common.items(), key=lambda item: (rank[item[0][0]], rank[item[0][1]])):
        first, second = positions[first_id], positions[second_id]
        counts = {"agree": 0, "disagree": 0, "neither": 0}
        for claim_id in claim_ids:
            counts[OUTCOME_OF_POSITIONS[first[claim_id], second[claim_id]]] += 1
        pairs.append(AgreementPair(graph.actors[first_id], graph.actors[second_id], counts["agree"],
                                   counts["disagree"], counts["neither"], tuple(claim_ids), table))
    pairs.sort(key=lambda p: (-p.disagree, -p.agree, -p.total, p.first.name.casefold(),
                              p.second.name.casefold(), p.first.id, p.second.id))
    return pairs
