"""The statements a party is credited with that others made.

/compare/ counts every statement under its independent origin
(``ClaimAnalysis.by_origin``): a party's column holds its own statements and
those of every actor whose affiliation chain ends at it (a minister, a
spokesman, a ministry of a government). The party's page lists its own
statements under "What they said"; :func:`counted_under` gathers the
others the way the link stage gave each quote its origin (the top of its
speaker's chain), and :func:`by_claim` groups them claim by claim when the
party's page is rendered (a build renders only the stale pages).
``tests/test_counted_statements.py`` checks them against ``by_origin``.

Pure functions of the graph; nothing here knows about pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.model import STANCES, Actor, Graph, Quote
from .claim_analysis import ClaimAnalysis


@dataclass(frozen=True)
class SpeakerStatements:
    """One speaker's statements on one claim, in graph order."""

    actor: Actor
    quotes: tuple[Quote, ...]

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(stance, how many of the statements take it), in the stances' order."""
        taken = [quote.stance for quote in self.quotes]
        return [(stance, taken.count(stance)) for stance in STANCES if stance in taken]


@dataclass(frozen=True)
class CountedClaim:
    """The statements on one claim counted under a party by actors other than it."""

    claim: ClaimAnalysis
    speakers: tuple[SpeakerStatements, ...]  # by name

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return tuple(quote for speaker in self.speakers for quote in speaker.quotes)


@dataclass(frozen=True)
class CountedUnder:
    """What /compare/ counts under a party besides its own statements."""

    actors: tuple[Actor, ...]  # those with statements counted under it, by name
    quotes: tuple[Quote, ...]  # their statements, actor by actor, each one's in graph order


def counted_under(graph: Graph) -> dict[str, CountedUnder]:
    """Party id → the other actors whose statements it is the origin of, and
    those statements: the actors whose affiliation chain ends at it, as each
    quote's ``origin`` (link.py) and so /compare/'s ``by_origin`` count them.
    Only lists: grouping them by claim waits for the page (:func:`by_claim`)."""
    members: dict[str, list[Actor]] = defaultdict(list)
    for actor_id in graph.quotes_by_actor:
        chain = graph.chains[actor_id]
        if len(chain) > 1:
            members[chain[-1].id].append(chain[0])
    under = {}
    for party, actors in members.items():
        actors.sort(key=actor_order)
        quotes: list[Quote] = []
        # Every statement of each: the party's page links each speaker to the
        # numbered page of their own list that has the claim, and the
        # statements it lists are what that page is made of (siteplan.actor_pages).
        for actor in actors:
            quotes.extend(graph.quotes_by_actor[actor.id])
        under[party] = CountedUnder(tuple(actors), tuple(quotes))
    return under


def by_claim(quotes: tuple[Quote, ...], claims: Mapping[str, ClaimAnalysis],
             order: Mapping[str, str]) -> list[CountedClaim]:
    """``quotes`` (a :class:`CountedUnder`'s, actor by actor) claim by claim.

    The claims in the order of the party's own statements ("What they said":
    by statement, ``order`` being claim id → statement casefolded), then by
    id; on each claim the speakers in the order of ``quotes``, by name; each
    one's statements in graph order."""
    found: dict[str, dict[str, list[Quote]]] = {}  # claim → speaker → statements
    for quote in quotes:
        found.setdefault(quote.claim.id, {}).setdefault(quote.actor.id, []).append(quote)
    return [
        CountedClaim(claims[claim_id], tuple(SpeakerStatements(said[0].actor, tuple(said))
                                             for said in found[claim_id].values()))
        for claim_id in sorted(found, key=lambda claim_id: (order[claim_id], claim_id))
    ]


def actor_order(actor: Actor) -> tuple[str, str]:
    return (actor.name.casefold(), actor.id)


EMPTY_UNDER = CountedUnder((), ())  # an actor nothing is counted under
