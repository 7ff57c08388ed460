"""The timeline of a claim: the articles that carry it, by publication date.

Drawn as inline SVG by ``templates/_charts.html`` (``timeline``); the
geometry is worked out here, in hundredths of a percent of the picture's
width (``chartscale.py``). It reads only the claim's analysis, so the
picture never shows data from outside its page's declared sources.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..core.model import STANCES, Article, Outlet, PartialDate
from ..core.translations import Interface
from ..core.wording import cited_title
from ..stages.analyse import ClaimAnalysis
from .chartscale import SCALE, percent, scaled

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
    words: Interface  # the site's language: the dates and the sentences

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
        date = self.words.format_date(self.appearance.published)
        if self.precision == "day":
            return date
        if self.precision == "month":
            return self.words.gettext("%(date)s (only the month is stated)") % {"date": date}
        return self.words.gettext("%(date)s (only the year is stated)") % {"date": date}

    @property
    def short_date(self) -> str:
        return self.words.format_date(self.appearance.published)

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
    words: Interface

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
            return self.words.gettext("Only one of these articles gives a publication date, so there is no line to draw.")
        return self.words.gettext(
            "None of the articles carrying this claim gives a publication date, so there is no line to draw.")

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
        """The years the dates cover, in words. Not the axis labels: a long
        axis labels every other year, and its last label can be a year short."""
        first, last = (self.words.digits(str(year)) for year in self.covered_years)
        return first if first == last else f"{first}–{last}"

    @property
    def covered_years(self) -> tuple[int, int]:
        years = [mark.appearance.published.year for mark in self.marks]
        return min(years), max(years)

    @property
    def text(self) -> str:
        """The picture's text equivalent: every mark, in order."""
        words = self.words
        placed = words.gettext("; ").join(
            words.gettext("%(number)s: %(date)s, %(title)s, %(outlet)s") % {
                "number": words.format_number(m.number), "date": m.date_text,
                "title": cited_title(m.appearance.article, words), "outlet": m.appearance.outlet.name,
            } for m in self.marks
        )
        count = len(self.marks)
        sentence = words.ngettext("Publication dates, %(span)s, %(num)s article. %(marks)s.",
                                  "Publication dates, %(span)s, %(num)s articles. %(marks)s.", count) % {
            "span": self.span, "num": words.format_number(count), "marks": placed}
        if self.undated:
            count = len(self.undated)
            sentence += " " + words.ngettext("%(num)s further article: date not stated.",
                                             "%(num)s further articles: date not stated.", count) % {
                "num": words.format_number(count)}
        return sentence


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

    def __init__(self, first_year: int, last_year: int, words: Interface):
        self.first_year, self.last_year, self.words = first_year, last_year, words
        self.origin = datetime.date(first_year, 1, 1)
        self.days = (datetime.date(last_year + 1, 1, 1) - self.origin).days

    def place(self, day: datetime.date, middle: bool = False) -> int:
        """The axis position of the start of ``day`` (of its middle with ``middle``),
        counted in half days so that the arithmetic stays in integers."""
        half_days = 2 * (day - self.origin).days + (1 if middle else 0)
        return GUTTER + scaled(half_days * (AXIS_END - GUTTER), 2 * self.days * SCALE)

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
        """A label in the middle of each year; every n-th year on long axes, so
        they never crowd, and always the first and the last: the step from the
        first could end a year short of the latest date (2015 … 2023 on an axis
        that runs to 2024), so the last label moves to the last year."""
        years = list(range(self.first_year, self.last_year + 1))
        step = -(-len(years) // MAX_YEAR_LABELS)  # ceiling division
        labelled = years[::step]
        labelled[-1] = self.last_year  # no closer to the one before than a step
        labels = []
        for year in labelled:
            start, end = self.place(datetime.date(year, 1, 1)), self.place(datetime.date(year + 1, 1, 1))
            labels.append(AxisLabel(self.words.digits(str(year)), (start + end) // 2))
        return labels

    def month_labels(self) -> list[AxisLabel]:
        if self.first_year != self.last_year:
            return []
        return [
            AxisLabel(self.words.month_abbreviation(m), self.place(datetime.date(self.first_year, m, 1)))
            for m in QUARTER_MONTHS
        ]


def timeline(item: ClaimAnalysis, words: Interface) -> Timeline:
    found = appearances(item)
    dated = sorted(
        (a for a in found if a.published),
        key=lambda a: (date_range(a.published), a.article.title.casefold(), a.article.id),
    )
    undated = sorted((a for a in found if not a.published), key=lambda a: (a.article.title.casefold(), a.article.id))
    if not dated:
        return Timeline([], undated, [], [], [], words)
    axis = Axis(min(a.published.year for a in dated), max(a.published.year for a in dated), words)
    marks = []
    for number, appearance in enumerate(dated, start=1):
        first, following = date_range(appearance.published)
        y = TOP + LANE_HEIGHT * (number - 1) + LANE_HEIGHT // 2
        if appearance.published.day:  # a point in the middle of its day
            middle = axis.place(first, middle=True)
            marks.append(Mark(number, appearance, middle, middle, y, words))
        else:  # a range over every day the date can mean
            marks.append(Mark(number, appearance, axis.place(first), axis.place(following), y, words))
    return Timeline(marks, undated, axis.ticks(), axis.year_labels(), axis.month_labels(), words)
