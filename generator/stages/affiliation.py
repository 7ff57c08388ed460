"""Affiliation chains: who speaks for whom.

An actor's ``affiliation`` names the organisation it belongs to, which may
belong to another in turn (Saraj → National Directorate of Security →
Afghan government). The top of that chain is the actor's *party*: the
independent origin its statements are counted under when sources are
compared. An organisation marked ``party: true`` stands on its own although
it has an affiliation (a parliament within a state, say), and an actor with
no affiliation is its own party.

Validation checks the chains here (a cycle has no top, so it is a content
error); the link stage derives each actor's party with :func:`party_of`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core.diagnostics import Diagnostics
from ..core.model import Actor


def party_of(actor: Actor, actors: Mapping[str, Actor]) -> Actor:
    """The top of ``actor``'s affiliation chain, stopping at an organisation
    marked ``party: true``. The chains must be free of cycles (validation)."""
    return chain_of(actor, actors)[-1]


def chain_of(actor: Actor, actors: Mapping[str, Actor]) -> tuple[Actor, ...]:
    """``actor`` and the organisations above it, up to its party (the last).

    An affiliation to an actor left out of ``actors`` (none today: validation
    resolves every id) ends the chain where it is."""
    chain = [actor]
    while not actor.party and actor.affiliation_id in actors:
        actor = actors[actor.affiliation_id]
        chain.append(actor)
    return tuple(chain)


def report_cycles(actors: Mapping[str, Actor], lines: Mapping[str, int], diagnostics: Diagnostics) -> None:
    """Report every affiliation cycle once, at the 'affiliation' line (``lines``,
    by actor id) of each actor on it, naming the whole cycle."""
    reported: set[str] = set()
    for start in sorted(actors):
        path, seen = [], {}
        actor_id: str | None = start
        while actor_id in actors and actor_id not in seen and actor_id not in reported:
            seen[actor_id] = len(path)
            path.append(actor_id)
            actor_id = actors[actor_id].affiliation_id
        if actor_id in seen:  # came back to an actor of this walk: a cycle
            cycle = path[seen[actor_id]:]
            reported.update(cycle)
            described = " → ".join([*cycle, cycle[0]])
            for member in cycle:
                diagnostics.error(
                    actors[member].path, lines.get(member, 1),
                    f"'affiliation' goes round in a circle ({described}): an affiliation chain must end at "
                    "an organisation that belongs to no other; remove one of these affiliations",
                )
        reported.update(path)


def check_party_flag(path: str, line: int, kind: str, affiliation: str | None, diagnostics: Diagnostics) -> None:
    """``party: true`` only means something on an organisation with an affiliation."""
    if kind != "organisation":
        diagnostics.error(
            path, line,
            "'party': only an organisation can stand as a party of its own; a person counts with "
            "the organisation they belong to (remove 'party', or the 'affiliation' if they speak for no one)",
        )
    elif affiliation is None:
        diagnostics.warning(
            path, line,
            "'party: true' changes nothing here: an organisation with no affiliation is its own party already",
        )
