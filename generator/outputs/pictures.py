"""Geometry of the site's pictures, worked out here so templates stay simple.

Pictures drawn as inline SVG by ``templates/_charts.html`` (the stance
bars, on one scale across a page, are ``stancebars.py``):

- the **timeline** of the articles that carry a claim, by publication date;
- the **agreement matrix** of actors on ``/compare/``, and the pair list
  under it; both stay a readable size on any site (``MATRIX_LIMIT`` actors,
  ``limits.PAIRS_SHOWN`` pairs per group).

Lengths along a bar or an axis are integers in hundredths of a percent
(``SCALE`` = 100 %), so segment widths add up to exactly the whole bar and
tests can check every number. The SVGs use percentages, which lets them
stretch to any screen width without stretching their patterns or text.

Everything here reads only the analysis objects a page is rendered from, so
a picture never shows data from outside its page's declared sources.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..core import limits  # the lengths of the pair list: PAIRS_SHOWN, SHARED_CLAIMS_SHOWN
from ..core.model import MONTHS, STANCES, Article, Outlet, PartialDate
from ..stages.agreement import AgreementPair, SharedClaim
from ..stages.analyse import ClaimAnalysis

SCALE = 10_000  # a bar's or an axis's full length: 100.00 %

def percent(units: int) -> str:
    """Hundredths of a percent as an SVG length: 2500 → "25%", 3333 → "33.33%"."""
    whole, fraction = divmod(units, 100)
    return f"{whole}%" if not fraction else f"{whole}.{fraction:02d}".rstrip("0") + "%"


def scaled(part: Fraction | int, whole: Fraction | int) -> int:
    """``part / whole`` of SCALE, rounded half up (the same on every machine)."""
    value = Fraction(part) * SCALE / Fraction(whole)
    return int(value + Fraction(1, 2))


# --- bars ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One stretch of a bar: ``count`` of ``key``, from ``start`` for ``width``."""

    key: str
    count: int
    start: int
    width: int

    @property
    def end(self) -> int:
        return self.start + self.width

    @property
    def x(self) -> str:
        return percent(self.start)

    @property
    def w(self) -> str:
        return percent(self.width)


def split_bar(counts: dict[str, int]) -> list[Segment]:
    """Segments proportional to ``counts``, in its order; zero counts get none.

    Boundaries are rounded, not widths, so the widths always add up to SCALE
    and each one is off by less than one unit.
    """
    total = sum(counts.values())
    if total == 0:
        return []
    segments, seen = [], 0
    for key, count in counts.items():
        if count == 0:
            continue
        start, seen = scaled(seen, total), seen + count
        segments.append(Segment(key, count, start, scaled(seen, total) - start))
    return segments


# --- the timeline ------------------------------------------------------------------

GUTTER = 600  # the axis starts 6 % in: the lane numbers sit to its left
AXIS_END = 9_800  # and ends 2 % short of the edge, so end marks aren't clipped
LANE_HEIGHT = 24  # px per article
TOP = 6  # px above the first lane
AXIS_GAP = 8  # px between the last lane and the axis line
LINE_HEIGHT = 15  # px per row of labels under the axis
MONTH_TICKS_UP_TO = 3  # years: short axes get a tick at every month
MAX_YEAR_LABELS = 8
LABEL_ROOM = 3_000  # a mark's date label needs about this much free axis beside it
QUARTER_MONTHS = (1, 4, 7, 10)  # labelled on a one-year axis: room enough on a phone
# A line is drawn for two dated articles or more: one point on a year-long
# axis only restates its date, and took a screen's height to do it.
DATED_TO_DRAW = 2


@dataclass(frozen=True)
class Appearance:
    """One article that carries the claim."""

    article: Article
    outlet: Outlet
    stances: tuple[str, ...]  # what its quotes on the claim say, in STANCES order

    @property
    def published(self) -> PartialDate | None:
        return self.article.published


@dataclass(frozen=True)
class Mark:
    """A dated appearance on the axis: a point for a day, a range otherwise."""

    number: int  # 1, 2, 3… in date order, also the lane from the top
    appearance: Appearance
    start: int  # axis position, hundredths of a percent of the picture's width
    end: int  # == start for a point
    y: int  # px, centre of the lane

    @property
    def precision(self) -> str:
        date = self.appearance.published
        return "day" if date.day else "month" if date.month else "year"

    @property
    def is_range(self) -> bool:
        return self.precision != "day"

    @property
    def x(self) -> str:
        return percent(self.start)

    @property
    def w(self) -> str:
        return percent(self.end - self.start)

    @property
    def date_text(self) -> str:
        date = self.appearance.published
        if self.precision == "day":
            return date.human()
        return f"{date.human()} (only the {self.precision} is stated)"

    @property
    def short_date(self) -> str:
        return self.appearance.published.human()

    @property
    def label(self) -> tuple[str, str, int]:
        """Where the short date label goes: (x, text-anchor, dx in px).

        After the mark when there is room, else before it; a range too wide
        for either carries its label inside."""
        if AXIS_END - self.end >= LABEL_ROOM:
            return percent(self.end), "start", 8
        if self.start - GUTTER >= LABEL_ROOM:
            return percent(self.start), "end", -8
        return percent(self.start), "start", 6


@dataclass(frozen=True)
class AxisLabel:
    text: str
    position: int  # hundredths of a percent; the label's middle (years) or start (months)

    @property
    def x(self) -> str:
        return percent(self.position)


@dataclass(frozen=True)
class Tick:
    position: int  # hundredths of a percent
    major: bool  # a year boundary; minor ticks mark months

    @property
    def x(self) -> str:
        return percent(self.position)


@dataclass(frozen=True)
class Timeline:
    marks: list[Mark]
    undated: list[Appearance]
    ticks: list[Tick]
    years: list[AxisLabel]
    months: list[AxisLabel]  # only on a one-year axis

    @property
    def drawn(self) -> bool:
        return len(self.marks) >= DATED_TO_DRAW

    @property
    def shown(self) -> bool:
        """Whether the claim page has a "When it was reported" section at all.
        A claim carried by one article has none: its quote cards already name
        the article and its date, and the section only said it again."""
        return len(self.marks) + len(self.undated) >= 2

    @property
    def no_line_reason(self) -> str:
        """Why there is no picture, for a timeline shown but not drawn."""
        if self.marks:
            return "Only one of these articles gives a publication date, so there is no line to draw."
        return "None of the articles carrying this claim gives a publication date, so there is no line to draw."

    @property
    def axis_y(self) -> int:
        return TOP + LANE_HEIGHT * len(self.marks) + AXIS_GAP

    @property
    def month_y(self) -> int:
        return self.axis_y + LINE_HEIGHT

    @property
    def year_y(self) -> int:
        return self.axis_y + LINE_HEIGHT * (2 if self.months else 1)

    @property
    def height(self) -> int:
        return self.year_y + 6

    @property
    def axis_start(self) -> str:
        return percent(GUTTER)

    @property
    def axis_end(self) -> str:
        return percent(AXIS_END)

    @property
    def gutter_x(self) -> str:
        """Where the lane numbers end (they are right-aligned here)."""
        return percent(GUTTER - 150)

    @property
    def has_points(self) -> bool:
        return any(not m.is_range for m in self.marks)

    @property
    def has_ranges(self) -> bool:
        return any(m.is_range for m in self.marks)

    @property
    def span(self) -> str:
        first, last = self.years[0].text, self.years[-1].text
        return first if first == last else f"{first}–{last}"

    @property
    def text(self) -> str:
        """The picture's text equivalent: every mark, in order."""
        placed = "; ".join(
            f"{m.number}: {m.date_text}, {m.appearance.article.title}, {m.appearance.outlet.name}" for m in self.marks
        )
        sentence = f"Publication dates, {self.span}, {plural(len(self.marks), 'article')}. {placed}."
        if self.undated:
            sentence += f" {plural(len(self.undated), 'further article')}: date not stated."
        return sentence


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def appearances(item: ClaimAnalysis) -> list[Appearance]:
    """The articles carrying a claim, in the graph's order (dated ones first, oldest first)."""
    found: dict[str, Appearance] = {}
    for quote in item.quotes:
        if quote.article.id not in found:
            stances = {q.stance for q in item.quotes if q.article is quote.article}
            found[quote.article.id] = Appearance(quote.article, quote.outlet, tuple(s for s in STANCES if s in stances))
    return list(found.values())


def date_range(date: PartialDate) -> tuple[datetime.date, datetime.date]:
    """The days a partial date can mean, as [first, last + 1 day).

    "2024-03-05" is that one day, "2024-03" every day of March, "2024" every
    day of the year: a month or a year is drawn across its whole span.
    """
    if date.day:
        first = datetime.date(date.year, date.month, date.day)
        return first, first + datetime.timedelta(days=1)
    if date.month:
        first = datetime.date(date.year, date.month, 1)
        following = datetime.date(date.year + date.month // 12, date.month % 12 + 1, 1)
        return first, following
    return datetime.date(date.year, 1, 1), datetime.date(date.year + 1, 1, 1)


class Axis:
    """Whole calendar years, from the earliest to the latest date, so a reader
    always sees where in its year each date falls."""

    def __init__(self, first_year: int, last_year: int):
        self.first_year, self.last_year = first_year, last_year
        self.origin = datetime.date(first_year, 1, 1)
        self.days = (datetime.date(last_year + 1, 1, 1) - self.origin).days

    def place(self, day: datetime.date, extra: Fraction = Fraction(0)) -> int:
        """The axis position of the start of ``day`` (plus ``extra`` days)."""
        offset = Fraction((day - self.origin).days) + extra
        return GUTTER + scaled(offset * (AXIS_END - GUTTER), self.days * SCALE)

    def ticks(self) -> list[Tick]:
        monthly = self.last_year - self.first_year + 1 <= MONTH_TICKS_UP_TO
        ticks = []
        for year in range(self.first_year, self.last_year + 1):
            ticks.append(Tick(self.place(datetime.date(year, 1, 1)), major=True))
            if monthly:
                ticks.extend(Tick(self.place(datetime.date(year, m, 1)), major=False) for m in range(2, 13))
        ticks.append(Tick(self.place(datetime.date(self.last_year + 1, 1, 1)), major=True))
        return ticks

    def year_labels(self) -> list[AxisLabel]:
        """A label in the middle of each year; every n-th year on long axes, so they never crowd."""
        years = list(range(self.first_year, self.last_year + 1))
        step = -(-len(years) // MAX_YEAR_LABELS)  # ceiling division
        labels = []
        for year in years[::step]:
            start, end = self.place(datetime.date(year, 1, 1)), self.place(datetime.date(year + 1, 1, 1))
            labels.append(AxisLabel(str(year), (start + end) // 2))
        return labels

    def month_labels(self) -> list[AxisLabel]:
        if self.first_year != self.last_year:
            return []
        return [
            AxisLabel(MONTHS[m - 1][:3], self.place(datetime.date(self.first_year, m, 1))) for m in QUARTER_MONTHS
        ]


def timeline(item: ClaimAnalysis) -> Timeline:
    found = appearances(item)
    dated = sorted(
        (a for a in found if a.published),
        key=lambda a: (date_range(a.published), a.article.title.casefold(), a.article.id),
    )
    undated = sorted((a for a in found if not a.published), key=lambda a: (a.article.title.casefold(), a.article.id))
    if not dated:
        return Timeline([], undated, [], [], [])
    axis = Axis(min(a.published.year for a in dated), max(a.published.year for a in dated))
    marks = []
    for number, appearance in enumerate(dated, start=1):
        first, following = date_range(appearance.published)
        y = TOP + LANE_HEIGHT * (number - 1) + LANE_HEIGHT // 2
        if appearance.published.day:  # a point in the middle of its day
            middle = axis.place(first, Fraction(1, 2))
            marks.append(Mark(number, appearance, middle, middle, y))
        else:  # a range over every day the date can mean
            marks.append(Mark(number, appearance, axis.place(first), axis.place(following), y))
    return Timeline(marks, undated, axis.ticks(), axis.year_labels(), axis.month_labels())


# --- actor agreement -------------------------------------------------------------

MATRIX_LIMIT = 12  # actors in the matrix; a bigger grid stops being readable
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
    def text(self) -> str:
        """E.g. "Ana Mayor and Bo Critic: disagree on 1, agree on 0, of 2 shared claims"."""
        return (
            f"{self.pair.first.name} and {self.pair.second.name}: disagree on {self.pair.disagree}, "
            f"agree on {self.pair.agree}, of {plural(self.pair.total, 'shared claim')}"
        )

    @property
    def decided(self) -> int:
        """Shared claims on which the two took sides: agreements plus disagreements."""
        return self.pair.agree + self.pair.disagree

    @property
    def group(self) -> str:
        if self.pair.disagree:
            return "disagree"
        return "agree" if self.pair.agree else "neither"


def pair_summaries(pairs: list[AgreementPair]) -> list[PairSummary]:
    return [PairSummary(number, pair) for number, pair in enumerate(pairs, start=1)]


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
    for summary in summaries:
        for actor in (summary.pair.first, summary.pair.second):
            actors[actor.id] = actor
            decided[actor.id] = decided.get(actor.id, 0) + summary.decided
    ranked = sorted(actors.values(), key=lambda a: (-decided[a.id], a.name.casefold(), a.id))
    chosen = [a for a in ranked[:limit] if decided[a.id] > 0]
    in_grid = {a.id for a in chosen}
    by_pair = {}  # (id, id) → summary, both ways round, for the pairs inside the grid
    for summary in summaries:
        first, second = summary.pair.first.id, summary.pair.second.id
        if first in in_grid and second in in_grid:
            by_pair[(first, second)] = by_pair[(second, first)] = summary
    order = seriate(chosen, by_pair)
    rows = [
        [MatrixCell(by_pair.get((row.id, column.id)) if row is not column else None) for column in order]
        for row in order
    ]
    return AgreementMatrix(order, rows, len(actors) - len(order))


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
    members: dict[str, list[PairSummary]] = {key: [] for key in ("disagree", "agree", "neither")}
    for summary in summaries:
        members[summary.group].append(summary)
    return [PairGroup(key, len(group), group[:sizes[key]]) for key, group in members.items()]


def listed_pairs(groups: list[PairGroup]) -> frozenset[int]:
    """The numbers of the pairs the list shows: only their grid cells link to it."""
    return frozenset(s.number for group in groups for s in group.shown)


def template_globals() -> dict[str, Any]:
    """What ``_charts.html`` calls; registered in environment.make_environment."""
    return {
        "pictures": {
            "timeline": timeline,
            "pair_summaries": pair_summaries,
            "agreement_matrix": agreement_matrix,
            "agreement_groups": agreement_groups,
            "listed_pairs": listed_pairs,
            "OUTCOMES": OUTCOMES,
            "OUTCOME_LABELS": OUTCOME_LABELS,
        }
    }
