"""Stage 4, analyse: the graph → what the pages say about it.

Per claim (``claim_analysis.py``): who takes which stance, counted as
statements, speakers and independent origins (``tallies.py``), whether it
is contested, the figures sources give; actor scorecards and outlet
summaries; the comparison index
(``comparison.py``) and who agrees with whom (``agreement.py``). Pure
functions of the graph; nothing here knows about HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from ..core.model import DISPUTES, STANCES, SUPPORTS, Actor, Article, Graph, Outlet, Quote, Verdict
from ..core import limits
from .agreement import AgreementPair, actor_agreement
from .agreement_shown import AgreementShown, agreement_shown
from .claim_analysis import ClaimAnalysis, analyse_claim, claim_order
from .comparison import OriginMatrix, OutletMatrix, OutletReport, build_origin_matrix, build_outlet_matrix, outlet_report
from .counted import EMPTY_UNDER, CountedClaim, CountedUnder, by_claim, counted_under

MOST_CONTESTED_LIMIT = 5


@dataclass
class ClaimStance:
    """What one actor or outlet said about one claim."""

    claim: ClaimAnalysis
    quotes: list[Quote]

    @cached_property
    def stances(self) -> list[str]:  # kept: both scorecards of its actor ask
        present = {q.stance for q in self.quotes}
        return [s for s in STANCES if s in present]

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for q in self.quotes if q.stance == s) for s in STANCES}


@dataclass
class ScorecardRow:
    verdict: Verdict | None  # None: not rated, on purpose (``not_rated``) or not yet
    count: int
    not_rated: bool = False  # the editors decided not to rate these claims


@dataclass
class ActorAnalysis:
    actor: Actor
    affiliation: Actor | None
    members: list[Actor]
    chain: tuple[Actor, ...]  # the actor and the organisations above it, up to its party (the last)
    counted_with: list[Actor]  # when it is a party: the other actors with statements counted under it
    claims: list[ClaimStance]  # what the actor said, claim by claim
    relayed: list[Quote]  # statements by others passed on through this actor
    verdicts: tuple[Verdict, ...] = field(repr=False)  # the site's scale, for the scorecards
    # When it is a party: the counted_with actors' statements, which /compare/
    # counts under it (counted.py), and how its page groups them by claim.
    counted_quotes: tuple[Quote, ...] = ()
    counted_of: Callable[[], list[CountedClaim]] = field(default=list, repr=False)

    # The scorecards are worked out when the actor's page is rendered: only
    # that page shows them, and a build renders only the stale pages.
    @cached_property
    def supported_scorecard(self) -> list[ScorecardRow]:
        return scorecard(self.verdicts, [c for c in self.claims if SUPPORTS in c.stances])

    @cached_property
    def disputed_scorecard(self) -> list[ScorecardRow]:
        return scorecard(self.verdicts, [c for c in self.claims if DISPUTES in c.stances])

    @cached_property
    def counted(self) -> list[CountedClaim]:
        """The page's "Statements counted under …": ``counted_quotes`` claim by claim (``counted.by_claim``)."""
        return self.counted_of()

    @cached_property
    def counted_claim_count(self) -> int:
        """How many claims ``counted`` lists, without grouping the statements
        (every actor's pages are planned in every build, few are rendered)."""
        return len({quote.claim.id for quote in self.counted_quotes})

    @cached_property
    def said_positions(self) -> dict[str, int]:
        """Claim id → its place in ``claims`` (0-based): which numbered page
        of "What they said" shows it."""
        return {said.claim.claim.id: position for position, said in enumerate(self.claims)}

    @property
    def quote_count(self) -> int:
        return sum(len(c.quotes) for c in self.claims)

    @property
    def party(self) -> Actor:
        """The independent origin its statements are counted under."""
        return self.chain[-1]


@dataclass
class OutletAnalysis:
    outlet: Outlet
    articles: list[Article]
    claims: list[OutletReport]  # each claim its articles carry: what it reports, whom it quotes
    relayed: list[Quote]


def nothing_shown() -> AgreementShown | None:
    return None


@dataclass
class Analysis:
    claims: dict[str, ClaimAnalysis]
    actors: dict[str, ActorAnalysis]
    outlets: dict[str, OutletAnalysis]
    origin_matrix: OriginMatrix  # /compare/'s main view: claims × independent origins
    outlet_matrix: OutletMatrix  # "How each outlet reported it": claims × outlets
    most_contested: list[ClaimAnalysis] = field(default_factory=list)
    # Works out the actors' agreement (agreement.py) when a page first asks for
    # it: only /compare/'s first page shows it, and at 10,000 articles it cost
    # 1.1-1.8 s of every build's analysis (190,000 pairs of actors).
    agreement_of: Callable[[], list[AgreementPair]] = field(default=list, repr=False)
    # What /compare/'s first page prints of it (agreement_shown.py), worked
    # out without listing every pair: that page is rendered on every build.
    agreement_shown_of: Callable[[], AgreementShown | None] = field(default=nothing_shown, repr=False)

    @cached_property
    def agreement(self) -> list[AgreementPair]:
        """Every pair of actors with a shared claim, most disagreement first
        (no page reads it whole; the tests check ``agreement_shown`` against it)."""
        return self.agreement_of()

    @cached_property
    def agreement_shown(self) -> AgreementShown | None:
        """The pair counts, the first pairs of each group and the grid /compare/ prints."""
        return self.agreement_shown_of()

    def claims_in_order(self) -> list[ClaimAnalysis]:
        return [row.claim for row in self.origin_matrix.rows]


def analyse(graph: Graph) -> Analysis:
    claims = {claim_id: analyse_claim(graph, claim) for claim_id, claim in graph.claims.items()}
    order = {claim_id: item.claim.statement.casefold() for claim_id, item in claims.items()}
    under = counted_under(graph)  # what /compare/ counts under each party, its own statements aside
    actors = {actor_id: analyse_actor(graph, actor, claims, order, under.get(actor_id, EMPTY_UNDER))
              for actor_id, actor in graph.actors.items()}
    outlets = {outlet_id: analyse_outlet(graph, outlet, claims, order) for outlet_id, outlet in graph.outlets.items()}
    in_order = sorted(claims.values(), key=claim_order)
    reporting = sorted((o for o in graph.outlets.values() if graph.articles_by_outlet.get(o.id)),
                       key=lambda o: (o.name.casefold(), o.id))
    contested = sorted(
        (c for c in claims.values() if c.contested),
        key=lambda c: (tuple(-x for x in c.contest_score), c.claim.id),
    )
    return Analysis(claims, actors, outlets, build_origin_matrix(in_order), build_outlet_matrix(in_order, reporting),
                    contested[:MOST_CONTESTED_LIMIT], agreement_of=partial(actor_agreement, graph, claims),
                    agreement_shown_of=partial(agreement_shown, graph, claims, limits.PAIRS_SHOWN,
                                               limits.AGREEMENT_GRID_ACTORS))


def group_by_claim(quotes: list[Quote], claims: dict[str, ClaimAnalysis], order: dict[str, str]) -> list[ClaimStance]:
    """The quotes claim by claim, the claims by statement (``order``: claim id →
    its statement casefolded, worked out once rather than for every actor and
    outlet that speaks on the claim)."""
    grouped: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        grouped[quote.claim.id].append(quote)
    return [ClaimStance(claims[claim_id], grouped[claim_id]) for claim_id in sorted(grouped, key=order.__getitem__)]


def analyse_actor(graph: Graph, actor: Actor, claims: dict[str, ClaimAnalysis], order: dict[str, str],
                  under: CountedUnder) -> ActorAnalysis:
    said = group_by_claim(graph.quotes_by_actor.get(actor.id, []), claims, order)
    return ActorAnalysis(
        actor=actor,
        affiliation=graph.actors.get(actor.affiliation_id) if actor.affiliation_id else None,
        members=graph.members_by_actor.get(actor.id, []),
        chain=graph.chains[actor.id],
        counted_with=list(under.actors),
        claims=said,
        relayed=graph.quotes_via.get(actor.path, []),
        verdicts=tuple(graph.config.verdicts),
        counted_quotes=under.quotes,
        counted_of=partial(by_claim, under.quotes, claims, order) if under.quotes else list,
    )


# Scorecard keys of the claims without a verdict (no verdict id has a space).
NOT_RATED, NOT_YET_RATED = "not rated", None


def scorecard(verdicts: tuple[Verdict, ...], stances: list[ClaimStance]) -> list[ScorecardRow]:
    """How many of these claims carry each verdict, in the order of the scale,
    then the claims deliberately not rated and those not rated yet. Only the
    verdicts these claims have: a row of 0 says nothing about the actor and
    made a short record look long."""
    counts: dict[str | None, int] = defaultdict(int)
    for item in stances:
        counts[scorecard_key(item.claim)] += 1
    rows = [ScorecardRow(v, counts[v.id]) for v in verdicts]
    rows += [ScorecardRow(None, counts[NOT_RATED], not_rated=True), ScorecardRow(None, counts[NOT_YET_RATED])]
    return [row for row in rows if row.count]


def scorecard_key(item: ClaimAnalysis) -> str | None:
    if item.verdict:
        return item.verdict.id
    return NOT_RATED if item.claim.not_rated else NOT_YET_RATED


def analyse_outlet(graph: Graph, outlet: Outlet, claims: dict[str, ClaimAnalysis], order: dict[str, str]) -> OutletAnalysis:
    articles = graph.articles_by_outlet.get(outlet.id, [])
    quotes = [q for a in articles for q in graph.quotes_by_article.get(a.id, [])]
    return OutletAnalysis(
        outlet=outlet,
        articles=articles,
        claims=[outlet_report(said.claim, outlet, said.quotes) for said in group_by_claim(quotes, claims, order)],
        relayed=graph.quotes_via.get(outlet.path, []),
    )
