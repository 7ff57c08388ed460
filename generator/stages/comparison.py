"""The comparison index (/compare/): who takes which stance on each claim.

Two views, rows in the same order (``claim_analysis.claim_order``):

- **claims × independent origins**, the main view. A cell is one origin's
  position on one claim (asserts, disputes, both, or neutral; see
  ``tallies.position_of``) with how many of its speakers and statements.
  The columns are the origins that speak on the most claims, most first;
  origins that speak on one claim only, and any beyond
  ``limits.ORIGIN_COLUMNS``, are folded into each row's "others". In
  conflict reporting the split that matters is between parties (a
  government, an insurgency, outside monitors), not between outlets.
- **claims × outlets**, "How each outlet reported it". A cell separates what
  the outlet states in its own voice (it *reports*) from the statements of
  others its articles carry (it *quotes*): an outlet that relays a
  spokesman's denial has not denied anything itself.

Pure functions of the analysis; nothing here knows about pages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..core import limits
from ..core.model import STANCES, Outlet, Quote, Voice
from .claim_analysis import ClaimAnalysis
from .tallies import Tally, position_of, tallies_by_stance, voice_order

def first_by_stance(quotes: tuple[Quote, ...]) -> dict[str, Quote]:
    """Stance → its first statement, which a count links to as evidence."""
    evidence: dict[str, Quote] = {}
    for quote in quotes:
        evidence.setdefault(quote.stance, quote)
    return {stance: evidence[stance] for stance in STANCES if stance in evidence}


# --- claims × independent origins ----------------------------------------------------


@dataclass(frozen=True)
class OriginCell:
    """One origin's statements on one claim."""

    origin: Voice
    quotes: tuple[Quote, ...]
    tallies: dict[str, Tally]  # every stance; within one origin, its speakers and statements
    position: str  # a stance, or BOTH (tallies.position_of)

    @property
    def stances(self) -> list[str]:
        return [stance for stance in STANCES if self.tallies[stance]]

    @property
    def speakers(self) -> int:
        return len({quote.speaker.key for quote in self.quotes})

    @property
    def statements(self) -> int:
        return len(self.quotes)

    @property
    def figures(self) -> tuple[Quote, ...]:
        """The statements that give a figure (as the speaker's own or someone else's)."""
        return tuple(q for q in self.quotes if q.value is not None)


def origin_cell(origin: Voice, quotes: list[Quote]) -> OriginCell:
    quotes = tuple(quotes)
    return OriginCell(origin, quotes, tallies_by_stance(quotes), position_of(q.stance for q in quotes))


@dataclass(frozen=True)
class OriginColumn:
    origin: Voice
    claims: int  # how many claims it speaks on


@dataclass(frozen=True)
class OriginRow:
    claim: "ClaimAnalysis"
    cells: tuple[OriginCell | None, ...]  # one per column; None where that origin is silent
    others: tuple[OriginCell, ...]  # origins folded into "others" that speak on this claim, by name


@dataclass(frozen=True)
class OriginMatrix:
    columns: tuple[OriginColumn, ...]
    folded: int  # origins in no column: speaking on one claim only, or beyond the limit
    rows: tuple[OriginRow, ...]


def build_origin_matrix(claims: list["ClaimAnalysis"], limit: int | None = None) -> OriginMatrix:
    """``claims`` in row order; columns for the origins on the most claims (at
    least two), at most ``limit`` (``limits.ORIGIN_COLUMNS``) of them."""
    limit = limits.ORIGIN_COLUMNS if limit is None else limit
    spoken_on: Counter[tuple[str, str]] = Counter()
    voices: dict[tuple[str, str], Voice] = {}
    for item in claims:
        for key, quotes in item.by_origin.items():
            spoken_on[key] += 1
            voices[key] = quotes[0].origin
    ranked = sorted((key for key, n in spoken_on.items() if n >= 2),
                    key=lambda key: (-spoken_on[key], voice_order(voices[key])))
    columns = tuple(OriginColumn(voices[key], spoken_on[key]) for key in ranked[:limit])
    in_columns = {column.origin.key for column in columns}
    rows = []
    for item in claims:
        cells = tuple(
            origin_cell(column.origin, item.by_origin[column.origin.key]) if column.origin.key in item.by_origin else None
            for column in columns
        )
        others = tuple(
            origin_cell(voices[key], quotes)
            for key, quotes in sorted(item.by_origin.items(), key=lambda pair: voice_order(voices[pair[0]]))
            if key not in in_columns
        )
        rows.append(OriginRow(item, cells, others))
    return OriginMatrix(columns, len(voices) - len(columns), tuple(rows))


# --- claims × outlets ----------------------------------------------------------------


@dataclass(frozen=True)
class OutletReport:
    """What one outlet's articles carry on one claim: its own reporting, and whom it quotes."""

    claim: "ClaimAnalysis"
    outlet: Outlet
    own: tuple[Quote, ...]  # the outlet stating it in its own voice
    quoted: tuple[Quote, ...]  # statements of actors its articles carry
    quoted_tallies: dict[str, Tally]  # every stance
    own_evidence: dict[str, Quote]  # stance → first own statement
    quoted_evidence: dict[str, Quote]  # stance → first quoted statement

    @property
    def empty(self) -> bool:
        return not self.own and not self.quoted

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.own + self.quoted

    @property
    def own_position(self) -> str | None:
        """Its own position on the claim; None when it only quotes others."""
        return position_of(q.stance for q in self.own) if self.own else None

    @property
    def quoted_speakers(self) -> int:
        return len({quote.speaker.key for quote in self.quoted})

    @property
    def own_figures(self) -> tuple[Quote, ...]:
        return tuple(q for q in self.own if q.value is not None)

    @property
    def quoted_figures(self) -> tuple[Quote, ...]:
        return tuple(q for q in self.quoted if q.value is not None)


def outlet_report(claim: "ClaimAnalysis", outlet: Outlet, quotes: list[Quote]) -> OutletReport:
    own = tuple(q for q in quotes if q.own_voice)
    quoted = tuple(q for q in quotes if not q.own_voice)
    return OutletReport(claim, outlet, own, quoted, tallies_by_stance(quoted),
                        first_by_stance(own), first_by_stance(quoted))


@dataclass(frozen=True)
class OutletRow:
    claim: "ClaimAnalysis"
    cells: tuple[OutletReport, ...]  # one per outlet column


@dataclass(frozen=True)
class OutletMatrix:
    outlets: tuple[Outlet, ...]  # the outlets with articles, by name
    rows: tuple[OutletRow, ...]


def build_outlet_matrix(claims: list["ClaimAnalysis"], outlets: list[Outlet]) -> OutletMatrix:
    rows = []
    for item in claims:
        by_outlet: dict[str, list[Quote]] = defaultdict(list)
        for quote in item.quotes:
            by_outlet[quote.outlet.id].append(quote)
        rows.append(OutletRow(item, tuple(outlet_report(item, o, by_outlet.get(o.id, [])) for o in outlets)))
    return OutletMatrix(tuple(outlets), tuple(rows))
