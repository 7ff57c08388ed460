"""Stage 4, analyse: the graph → what the pages say about it.

Stance tallies per claim (by mention and by distinct source), contested
claims, figures that differ between sources, actor scorecards, outlet
summaries and the claims × outlets comparison matrix. Pure functions of the
graph; nothing here knows about HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .model import STANCES, Actor, Article, Claim, Graph, Outlet, Quote, Verdict

MOST_CONTESTED_LIMIT = 5


@dataclass
class Figure:
    """One value reported for a quantity claim, with the quotes that give it."""

    value: float
    quotes: list[Quote]


@dataclass
class ClaimAnalysis:
    claim: Claim
    verdict: Verdict | None
    quotes: list[Quote]
    by_stance: dict[str, list[Quote]]  # every stance key present, in STANCES order
    mention_counts: dict[str, int]
    source_counts: dict[str, int]  # distinct speakers (actor, or outlet's own voice) per stance
    figures: list[Figure]
    outlets: list[Outlet]

    @property
    def contested(self) -> bool:
        return self.mention_counts["supports"] > 0 and self.mention_counts["disputes"] > 0

    @property
    def figures_differ(self) -> bool:
        return len(self.figures) > 1

    @property
    def source_total(self) -> int:
        return len({q.speaker_key for q in self.quotes})

    @property
    def contest_score(self) -> tuple:
        """Orders claims from most to least contested."""
        balance = min(self.source_counts["supports"], self.source_counts["disputes"])
        return (balance, self.source_total, len(self.outlets))


@dataclass
class ClaimStance:
    """What one actor or outlet said about one claim."""

    claim: ClaimAnalysis
    quotes: list[Quote]

    @property
    def stances(self) -> list[str]:
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
    claims: list[ClaimStance]  # what the actor said, claim by claim
    relayed: list[Quote]  # statements by others passed on through this actor
    supported_scorecard: list[ScorecardRow]
    disputed_scorecard: list[ScorecardRow]

    @property
    def quote_count(self) -> int:
        return sum(len(c.quotes) for c in self.claims)


@dataclass
class OutletAnalysis:
    outlet: Outlet
    articles: list[Article]
    claims: list[ClaimStance]
    relayed: list[Quote]


@dataclass
class MatrixCell:
    outlet: Outlet
    counts: dict[str, int]  # stance → mentions in this outlet's articles
    evidence: dict[str, Quote]  # stance → the first such quote, which the count links to
    values: list[float] = field(default_factory=list)  # figures this outlet's articles give

    @property
    def empty(self) -> bool:
        return not self.evidence


@dataclass
class MatrixRow:
    claim: ClaimAnalysis
    cells: list[MatrixCell]


@dataclass
class Matrix:
    outlets: list[Outlet]
    rows: list[MatrixRow]


@dataclass
class Analysis:
    claims: dict[str, ClaimAnalysis]
    actors: dict[str, ActorAnalysis]
    outlets: dict[str, OutletAnalysis]
    matrix: Matrix
    most_contested: list[ClaimAnalysis] = field(default_factory=list)
    agreement: list["AgreementPair"] = field(default_factory=list)  # see actor_agreement

    def claims_in_order(self) -> list[ClaimAnalysis]:
        return [row.claim for row in self.matrix.rows]


def analyse(graph: Graph) -> Analysis:
    claims = {claim_id: analyse_claim(graph, claim) for claim_id, claim in graph.claims.items()}
    actors = {actor_id: analyse_actor(graph, actor, claims) for actor_id, actor in graph.actors.items()}
    outlets = {outlet_id: analyse_outlet(graph, outlet, claims) for outlet_id, outlet in graph.outlets.items()}
    matrix = build_matrix(graph, claims)
    contested = sorted(
        (c for c in claims.values() if c.contested),
        key=lambda c: (tuple(-x for x in c.contest_score), c.claim.id),
    )
    return Analysis(claims, actors, outlets, matrix, contested[:MOST_CONTESTED_LIMIT],
                    agreement=actor_agreement(graph, claims))


def analyse_claim(graph: Graph, claim: Claim) -> ClaimAnalysis:
    quotes = graph.quotes_by_claim.get(claim.id, [])
    by_stance = {stance: [q for q in quotes if q.stance == stance] for stance in STANCES}
    return ClaimAnalysis(
        claim=claim,
        verdict=graph.config.verdict(claim.verdict_id),
        quotes=quotes,
        by_stance=by_stance,
        mention_counts={stance: len(qs) for stance, qs in by_stance.items()},
        source_counts={stance: len({q.speaker_key for q in qs}) for stance, qs in by_stance.items()},
        figures=figures_of(quotes),
        outlets=unique_by_id(q.outlet for q in quotes),
    )


def figures_of(quotes: list[Quote]) -> list[Figure]:
    by_value: dict[float, list[Quote]] = defaultdict(list)
    for quote in quotes:
        if quote.value is not None:
            by_value[quote.value].append(quote)
    return [Figure(value, qs) for value, qs in sorted(by_value.items())]


def group_by_claim(quotes: list[Quote], claims: dict[str, ClaimAnalysis]) -> list[ClaimStance]:
    grouped: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        grouped[quote.claim.id].append(quote)
    return [
        ClaimStance(claims[claim_id], grouped[claim_id])
        for claim_id in sorted(grouped, key=lambda cid: claims[cid].claim.statement.casefold())
    ]


def analyse_actor(graph: Graph, actor: Actor, claims: dict[str, ClaimAnalysis]) -> ActorAnalysis:
    said = group_by_claim(graph.quotes_by_actor.get(actor.id, []), claims)
    return ActorAnalysis(
        actor=actor,
        affiliation=graph.actors.get(actor.affiliation_id) if actor.affiliation_id else None,
        members=graph.members_by_actor.get(actor.id, []),
        claims=said,
        relayed=graph.quotes_via.get(actor.path, []),
        supported_scorecard=scorecard(graph, [c for c in said if "supports" in c.stances]),
        disputed_scorecard=scorecard(graph, [c for c in said if "disputes" in c.stances]),
    )


# Scorecard keys of the claims without a verdict (no verdict id has a space).
NOT_RATED, NOT_YET_RATED = "not rated", None


def scorecard(graph: Graph, stances: list[ClaimStance]) -> list[ScorecardRow]:
    """How many of these claims carry each verdict, in the order of the scale,
    then the claims deliberately not rated and those not rated yet. Only the
    verdicts these claims have: a row of 0 says nothing about the actor and
    made a short record look long."""
    counts: dict[str | None, int] = defaultdict(int)
    for item in stances:
        counts[scorecard_key(item.claim)] += 1
    rows = [ScorecardRow(v, counts[v.id]) for v in graph.config.verdicts]
    rows += [ScorecardRow(None, counts[NOT_RATED], not_rated=True), ScorecardRow(None, counts[NOT_YET_RATED])]
    return [row for row in rows if row.count]


def scorecard_key(item: ClaimAnalysis) -> str | None:
    if item.verdict:
        return item.verdict.id
    return NOT_RATED if item.claim.not_rated else NOT_YET_RATED


def analyse_outlet(graph: Graph, outlet: Outlet, claims: dict[str, ClaimAnalysis]) -> OutletAnalysis:
    articles = graph.articles_by_outlet.get(outlet.id, [])
    quotes = [q for a in articles for q in graph.quotes_by_article.get(a.id, [])]
    return OutletAnalysis(
        outlet=outlet,
        articles=articles,
        claims=group_by_claim(quotes, claims),
        relayed=graph.quotes_via.get(outlet.path, []),
    )


def build_matrix(graph: Graph, claims: dict[str, ClaimAnalysis]) -> Matrix:
    outlets = sorted(
        (o for o in graph.outlets.values() if graph.articles_by_outlet.get(o.id)),
        key=lambda o: (o.name.casefold(), o.id),
    )
    rows = []
    for analysis in sorted(claims.values(), key=matrix_order):
        cells = []
        by_outlet: dict[str, list[Quote]] = defaultdict(list)
        for quote in analysis.quotes:
            by_outlet[quote.outlet.id].append(quote)
        for outlet in outlets:
            cells.append(matrix_cell(outlet, by_outlet.get(outlet.id, [])))
        rows.append(MatrixRow(analysis, cells))
    return Matrix(outlets, rows)


def matrix_cell(outlet: Outlet, quotes: list[Quote]) -> MatrixCell:
    """What one outlet reported on one claim (most cells of a large matrix are empty)."""
    counts = dict.fromkeys(STANCES, 0)
    evidence: dict[str, Quote] = {}
    for quote in quotes:
        counts[quote.stance] += 1
        evidence.setdefault(quote.stance, quote)
    values = sorted({q.value for q in quotes if q.value is not None})
    return MatrixCell(outlet, counts, evidence, values)


def matrix_order(analysis: ClaimAnalysis) -> tuple:
    """Widest-reported claims first, so the matrix reads from the core outwards."""
    return (-len(analysis.outlets), -analysis.source_total, analysis.claim.statement.casefold())


def unique_by_id(items) -> list:
    seen, result = set(), []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return sorted(result, key=lambda o: (o.name.casefold(), o.id))


# --- actor agreement -------------------------------------------------------------
#
# For each pair of actors who spoke on the same claims: on how many of those
# claims they took the same side and on how many opposite sides. Rules, so
# that a reader can check any number by hand:
#
# - Only actors count. An outlet reporting in its own voice is not an actor,
#   and "agreeing with the newspaper" is a different question.
# - An actor's *position* on a claim comes from all their quotes on it.
#   Neutral quotes take no side: they never add to or dilute a position. Only
#   supporting quotes → "supports"; only disputing → "disputes"; both →
#   "mixed" (the actor said both, e.g. in different articles); only neutral
#   → "neutral". Repeating a stance in several quotes counts once: the unit
#   is the claim, not the mention.
# - For a pair, a claim both spoke on is *shared*. It counts as agreement when
#   both positions are "supports" or both "disputes"; as disagreement when one
#   is "supports" and the other "disputes". Every other shared claim (either
#   actor neutral or mixed) counts as neither: two people declining to take a
#   side are not agreeing with each other, and a mixed record cannot honestly
#   be scored either way.

MIXED = "mixed"


def outcome_of(first: str, second: str) -> str:
    """"agree", "disagree" or "neither" for two positions (see the rules above)."""
    sides = {first, second}
    if sides <= {"supports", "disputes"}:
        return "agree" if len(sides) == 1 else "disagree"
    return "neither"


@dataclass(slots=True)
class SharedClaim:
    """One claim both actors of a pair spoke on, and where each stood."""

    claim: ClaimAnalysis
    first: str  # position of the pair's first actor: a stance or MIXED
    second: str
    outcome: str = field(init=False)  # "agree", "disagree" or "neither"

    def __post_init__(self) -> None:
        self.outcome = OUTCOME_OF_POSITIONS[self.first, self.second]


POSITIONS = (*STANCES, MIXED)
OUTCOME_OF_POSITIONS = {(a, b): outcome_of(a, b) for a in POSITIONS for b in POSITIONS}
OUTCOME_ORDER = {"disagree": 0, "agree": 1, "neither": 2}  # most divisive first


@dataclass
class Positions:
    """Where every actor stood on every claim they spoke on, for listing a
    pair's shared claims when a page asks for them."""

    by_actor: dict[str, dict[str, str]]  # actor id → claim id → position
    claims: dict[str, ClaimAnalysis]
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


def position_of(quotes: list[Quote]) -> str:
    """One actor's position on one claim, from all their quotes on it."""
    sides = {q.stance for q in quotes} - {"neutral"}
    if not sides:
        return "neutral"
    return sides.pop() if len(sides) == 1 else MIXED


def actor_agreement(graph: Graph, claims: dict[str, ClaimAnalysis]) -> list[AgreementPair]:
    """Every pair of actors with at least one shared claim, most disagreement first."""
    positions: dict[str, dict[str, str]] = {}  # actor id → claim id → position
    for actor_id, quotes in graph.quotes_by_actor.items():
        by_claim: dict[str, list[Quote]] = defaultdict(list)
        for quote in quotes:
            by_claim[quote.claim.id].append(quote)
        positions[actor_id] = {claim_id: position_of(qs) for claim_id, qs in by_claim.items()}
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
