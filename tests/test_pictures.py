"""Pictures: stance bars on one scale per page, claim timelines and the
actor-agreement matrix.

Numbers are worked out by hand. Stances in ``sitekit.RICH_SITE`` (see also
tests/unit/test_analyse.py, which counts its independent origins):

actor     c-cost             c-late                      c-clean                 c-neutral
ana       supports (a1 ×2)   disputes (a1, a3)           neutral (a2, via daily) -
bo        disputes (a2)      supports (a2)               supports (a2)           neutral (a2)
council   -                  disputes (a2)               -                       -

so, by the rules in analyse.py (neutral takes no side; a claim is counted once):

pair             shared claims                                       agree  disagree  neither
ana – bo         c-cost ✓/✗, c-late ✗/✓, c-clean ○/✓                0      2         1
ana – council    c-late ✗/✗                                          1      0         0
bo – council     c-late ✓/✗                                          0      1         0

Dates: a1 2024-02-28 (a day), a2 2024-03 (a month), a3 not stated.
"""

from __future__ import annotations

import datetime
import random
import re
import xml.etree.ElementTree as etree
from fractions import Fraction
from pathlib import Path

import pytest

from generator.core.model import PartialDate
from generator.stages.catalogues import english_interface
from generator.outputs import agreementchart, stancebars
from generator.outputs import timeline as timelines
from generator.outputs.chartscale import SCALE, percent, split_bar
from generator.stages.agreement import SharedClaim
from generator.stages.tallies import position_of
from sitekit import RICH_SITE, graph_of, html_files, parse_file, write_files

SVG_NS = "http://www.w3.org/2000/svg"


# --- helpers ------------------------------------------------------------------------------


def rich_with(changes: dict[str, str]) -> dict[str, str]:
    return {**RICH_SITE, **changes}


@pytest.fixture(scope="module")
def rich_out(tmp_path_factory) -> Path:
    from generator.engine.build import build

    root = write_files(tmp_path_factory.mktemp("rich-site"), RICH_SITE)
    out = root / "public"
    assert build(root, out).ok
    return out


def svgs_of(html: str) -> list[str]:
    """Every <svg>…</svg> element of a page, as text."""
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def parse_svg(text: str) -> etree.Element:
    """An inline SVG as XML: HTML leaves out the namespace, XML needs it."""
    return etree.fromstring(text.replace("<svg", f'<svg xmlns="{SVG_NS}"', 1))


def labels_of(html: str, cls: str) -> list[str]:
    """aria-labels of the role="img" SVGs with class ``cls``, in page order."""
    found = []
    for text in svgs_of(html):
        root = parse_svg(text)
        if cls in root.get("class", "").split() and root.get("role") == "img":
            found.append(root.get("aria-label"))
    return found


def segment_widths(svg: etree.Element) -> list[Fraction]:
    return [Fraction(r.get("width").rstrip("%")) for r in svg.iter(f"{{{SVG_NS}}}rect")
            if (r.get("fill") or "").startswith("url(#fc-fill-")]


# --- bar geometry -------------------------------------------------------------------------


@pytest.mark.parametrize("units, text", [(0, "0%"), (2500, "25%"), (3333, "33.33%"), (1250, "12.5%"), (10_000, "100%"), (7, "0.07%")])
def test_percent_formats_hundredths(units, text):
    assert percent(units) == text


def test_bar_proportions_worked_out_by_hand():
    assert [(s.key, s.start, s.width) for s in split_bar({"supports": 3, "disputes": 1, "neutral": 0})] == [
        ("supports", 0, 7500), ("disputes", 7500, 2500)]
    # Thirds: boundaries at 3333.3 → 3333 and 6666.7 → 6667, so the middle third takes the spare unit.
    assert [s.width for s in split_bar({"a": 1, "b": 1, "c": 1})] == [3333, 3334, 3333]
    assert [(s.x, s.w) for s in split_bar({"a": 1, "b": 0, "c": 7})] == [("0%", "12.5%"), ("12.5%", "87.5%")]


def test_zero_cases():
    assert split_bar({"supports": 0, "disputes": 0, "neutral": 0}) == []
    assert split_bar({}) == []
    only = split_bar({"supports": 0, "disputes": 5, "neutral": 0})
    assert [(s.key, s.count, s.start, s.width) for s in only] == [("disputes", 5, 0, SCALE)]


def test_widths_always_fill_the_bar_and_stay_proportional():
    rng = random.Random(4)
    for _ in range(2000):
        counts = {key: rng.choice([0, 0, 1, 2, 3, rng.randint(0, 500)]) for key in "abcde"}
        segments = split_bar(counts)
        total = sum(counts.values())
        if not total:
            assert segments == []
            continue
        assert sum(s.width for s in segments) == SCALE
        assert segments[0].start == 0 and segments[-1].end == SCALE
        assert all(a.end == b.start for a, b in zip(segments, segments[1:]))  # no gaps, no overlaps
        assert [s.key for s in segments] == [k for k in counts if counts[k]]  # order kept, zeros dropped
        for s in segments:
            assert abs(s.width - Fraction(s.count * SCALE, total)) < 1


# --- stance bars: independent origins, on one scale per page ---------------------------------


def test_bars_count_origins_on_one_scale(analysis):
    claims = analysis.claims_in_order()
    scale = stancebars.bar_scale(claims)
    assert scale.largest == 2  # c-cost, c-late and c-clean are each asserted by 2 origins
    rows = {item.claim.id: [(r.stance, len(r.tally.origins), r.length) for r in stancebars.tally_rows(item, scale, english_interface())]
            for item in claims}
    assert rows == {
        "c-late": [("supports", 2, SCALE), ("disputes", 1, SCALE // 2)],  # ana and the council: one origin
        "c-cost": [("supports", 2, SCALE), ("disputes", 1, SCALE // 2)],
        "c-clean": [("supports", 2, SCALE), ("neutral", 1, SCALE // 2)],
        "c-neutral": [("neutral", 1, SCALE // 2)],  # half: the same count is the same length on the page
        "c-lonely": [],
    }


def test_a_page_scale_is_the_largest_count_it_shows(analysis):
    neutral = analysis.claims["c-neutral"]
    [row] = stancebars.tally_rows(neutral, stancebars.bar_scale([neutral]), english_interface())
    assert row.length == SCALE  # alone on its page (its claim page), its one bar is the longest
    assert stancebars.bar_scale([]).largest == 0 and stancebars.bar_scale([]).width(3) == 0


def test_the_words_beside_a_bar(analysis):
    late = analysis.claims["c-late"]
    assert [r.text for r in stancebars.tally_rows(late, stancebars.bar_scale([late]), english_interface())] == [
        "Asserted by 2 independent origins (2 speakers, 2 statements)",
        "Disputed by 1 independent origin (2 speakers, 3 statements)",
    ]


TALLY_ROW = re.compile(
    r'<li class="tally-row tally-(\w+)">.*?<rect class="tally-fill" width="([\d.]+)%".*?'
    r'<strong>(?:Asserted by|Disputed by|Neutral:) (\d+) independent origins?</strong>', re.S)


def bars_of(html: str) -> list[tuple[str, Fraction, int]]:
    """(stance, bar length in %, origins it says) of every stance bar of a page."""
    return [(stance, Fraction(width), int(count)) for stance, width, count in TALLY_ROW.findall(html)]


def assert_one_scale(html: str, where: str) -> int:
    """Every bar of the page is drawn to one scale: length / count is the same for
    all, and the longest bar (100 %) is the largest count; the legend says which."""
    bars = bars_of(html)
    assert bars, where
    largest = max(count for _, _, count in bars)
    for stance, length, count in bars:
        assert abs(length - Fraction(100 * count, largest)) < Fraction(1, 100), (where, stance, length, count)
    assert f"the longest stands for {largest} origin" in html, where
    assert "Each bar counts the <strong>independent origins</strong>" in html, where
    return largest


@pytest.mark.parametrize("page", ["index.html", "claims/index.html", "compare/index.html", "claims/c-late/index.html"])
def test_every_page_draws_its_bars_to_one_scale(rich_out, page):
    assert_one_scale((rich_out / page).read_text(encoding="utf-8"), page)


def test_example_bars_compare_across_claims(example_out):
    """The issue's case: a claim asserted by one origin and one asserted by six
    must not get the same full-width bar on the home page."""
    from sitekit import REPO

    _, analysis = graph_of(REPO)
    html = (example_out / "index.html").read_text(encoding="utf-8")
    largest = assert_one_scale(html, "home")
    assert largest == max(n for item in analysis.claims.values() for n in item.origin_counts.values())
    asserting = {count: length for stance, length, count in bars_of(html) if stance == "supports"}
    assert 1 in asserting and largest in asserting and asserting[1] < asserting[largest]
    for path in sorted((example_out / "claims").glob("*/index.html")) + [example_out / "compare/index.html"]:
        if 'class="tally-row' in path.read_text(encoding="utf-8"):
            assert_one_scale(path.read_text(encoding="utf-8"), str(path))


def test_example_claim_tally_matches_the_quotes_on_the_page(example_out):
    """Counted independently: the quote cards on each claim page, by stance, and
    the origin groups they are listed under. The tally is shown once."""
    for path in sorted((example_out / "claims").glob("*/index.html")):
        html = path.read_text(encoding="utf-8")
        page = parse_file(path)
        cards = {s: len(page.find("li", f"quote-{s}")) for s in ("supports", "disputes", "neutral")}
        if not any(cards.values()):
            continue
        tally = re.findall(r'<li class="tally-row tally-(\w+)">.*?\((\d+) speakers?, (\d+) statements?\)</span>', html, re.S)
        assert {stance: int(statements) for stance, _, statements in tally} == {s: n for s, n in cards.items() if n}, path
        groups = {s: len(re.findall(rf'<section class="origin-group" id="{s}-from-', html)) for s in cards}
        assert {stance: count for stance, _, count in bars_of(html)} == {s: n for s, n in groups.items() if n}, path
        # the tally once: no second count under the title or over the quotes
        assert html.count('class="tally"') == 1, path
        text = " ".join(page.text.split())
        for stance, _, count in bars_of(html):
            headline = {"supports": "Asserted by", "disputes": "Disputed by", "neutral": "Neutral:"}[stance]
            assert text.count(f"{headline} {count} independent origin") == 1, (path, stance)
        assert not re.search(r"\d+ (?:quotes?|statements?)</span></h3>", html), path


def test_the_lead_claim_counts_the_afghan_government_once(example_out):
    """The issue's first observation: ten supporting speakers, most of them one
    party to the war. The page now says how many independent origins that is."""
    from sitekit import REPO

    _, analysis = graph_of(REPO)
    item = analysis.claims["taliban-kept-ties-with-al-qaeda"]
    text = " ".join(parse_file(example_out / "claims/taliban-kept-ties-with-al-qaeda/index.html").text.split())
    supports = item.tallies["supports"]
    assert len(supports.origins) < supports.speakers
    assert "Afghan government" in [o.name for o in supports.origins]
    assert (f"Asserted by {len(supports.origins)} independent origins: "
            + ", ".join(o.name for o in supports.origins)
            + f" ({supports.speakers} speakers, {supports.statements} statements)") in text


# --- the timeline -----------------------------------------------------------------------------


@pytest.mark.parametrize("date, first, following", [
    (PartialDate(2024, 2, 28), datetime.date(2024, 2, 28), datetime.date(2024, 2, 29)),
    (PartialDate(2024, 2), datetime.date(2024, 2, 1), datetime.date(2024, 3, 1)),
    (PartialDate(2023, 12), datetime.date(2023, 12, 1), datetime.date(2024, 1, 1)),
    (PartialDate(2024), datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)),
])
def test_a_partial_date_means_its_whole_span(date, first, following):
    assert timelines.date_range(date) == (first, following)


def test_timeline_places_days_as_points_and_months_as_ranges(analysis):
    timeline = timelines.timeline(analysis.claims["c-late"], english_interface())
    day, month = timeline.marks
    axis = Fraction(timelines.AXIS_END - timelines.GUTTER)
    # 2024 is a leap year: 366 days. 28 February is day 58 (0-based); its middle is 58.5.
    assert day.appearance.article.id == "a1" and not day.is_range
    assert day.start == day.end == timelines.GUTTER + round(Fraction(117, 2) / 366 * axis)  # 2070
    # March runs from day 60 to day 91.
    assert month.appearance.article.id == "a2" and month.is_range
    assert (month.start, month.end) == (timelines.GUTTER + round(60 / Fraction(366) * axis),
                                        timelines.GUTTER + round(91 / Fraction(366) * axis))
    assert month.date_text == "March 2024 (only the month is stated)"
    assert [a.article.id for a in timeline.undated] == ["a3"]
    assert [label.text for label in timeline.years] == ["2024"]
    assert [label.text for label in timeline.months] == ["Jan", "Apr", "Jul", "Oct"]


def test_a_year_only_date_spans_its_whole_year(tmp_path):
    files = rich_with({"content/articles/a3.md": RICH_SITE["content/articles/a3.md"].replace(
        "outlet: gazette\n", "outlet: gazette\npublished: 2023\n")})
    _, analysis = graph_of(write_files(tmp_path, files))
    timeline = timelines.timeline(analysis.claims["c-late"], english_interface())
    assert [m.appearance.article.id for m in timeline.marks] == ["a3", "a1", "a2"]  # 2023 comes first
    year = timeline.marks[0]
    # The axis runs over 2023 and 2024 (365 + 366 days); 2023 fills the first 365 of them.
    assert (year.start, year.end) == (timelines.GUTTER, timelines.GUTTER + round(Fraction(365, 731) * 9200))
    assert year.date_text == "2023 (only the year is stated)"
    assert timeline.undated == [] and timeline.months == []
    assert [label.text for label in timeline.years] == ["2023", "2024"]
    assert timeline.ticks[0].position == timelines.GUTTER and timeline.ticks[-1].position == timelines.AXIS_END


def test_the_span_in_words_is_the_dates_not_the_labelled_years(tmp_path):
    """A long axis labels every other year, so its last label can be a year
    before the latest date: the sentence a screen reader hears must still name
    the years the dates cover (it said "2015–2023" for dates up to 2024)."""
    files = rich_with({"content/articles/a3.md": RICH_SITE["content/articles/a3.md"].replace(
        "outlet: gazette\n", "outlet: gazette\npublished: 2015\n")})
    _, analysis = graph_of(write_files(tmp_path, files))
    timeline = timelines.timeline(analysis.claims["c-late"], english_interface())
    # Every other year is labelled, and the last one always: it moves from 2023 to 2024.
    assert [label.text for label in timeline.years] == ["2015", "2017", "2019", "2021", "2024"]
    assert timeline.span == "2015–2024"
    assert timeline.text.startswith("Publication dates, 2015–2024, 3 articles. 1: 2015 (only the year is stated)")


def test_undated_only_claims_have_no_line(tmp_path):
    files = rich_with({
        "content/articles/a1.md": RICH_SITE["content/articles/a1.md"].replace("published: 2024-02-28\n", ""),
        "content/articles/a2.md": RICH_SITE["content/articles/a2.md"].replace("published: 2024-03\n", ""),
    })
    _, analysis = graph_of(write_files(tmp_path, files))
    timeline = timelines.timeline(analysis.claims["c-late"], english_interface())
    assert timeline.marks == [] and len(timeline.undated) == 3


def test_scaled_is_exact_rational_rounding():
    """Integer arithmetic, the same as rounding the Fraction half up."""
    from generator.outputs.chartscale import scaled

    rng = random.Random(5)
    for _ in range(20_000):
        part = rng.choice([rng.randint(0, 60), Fraction(rng.randint(0, 10**6), rng.randint(1, 999))])
        whole = rng.choice([rng.randint(1, 60), Fraction(rng.randint(1, 10**6), rng.randint(1, 999))])
        assert scaled(part, whole) == int(Fraction(part) * SCALE / Fraction(whole) + Fraction(1, 2)), (part, whole)


def test_origin_groups_are_not_landmarks(example_out):
    """A claim page's dozens of origin groups are sections a heading opens, not
    named regions: each would be one more landmark among the page's few."""
    seen = 0
    for path in sorted((example_out / "claims").glob("*/index.html")):
        html = path.read_text(encoding="utf-8")
        groups = re.findall(r'<section class="origin-group"[^>]*>', html)
        seen += len(groups)
        assert not any("aria-label" in tag for tag in groups), path
    assert seen > 10


def test_timeline_on_the_claim_page(rich_out):
    path = rich_out / "claims/c-late/index.html"
    html = path.read_text(encoding="utf-8")
    [label] = labels_of(html, "timeline-chart")
    assert label == ("Publication dates, 2024, 2 articles. 1: 28 February 2024, Bridge opens, The Daily River; "
                     "2: March 2024 (only the month is stated), Critics speak, Hill Gazette. "
                     "1 further article: date not stated.")
    chart = parse_svg(next(t for t in svgs_of(html) if "timeline-chart" in t))
    circles = list(chart.iter(f"{{{SVG_NS}}}circle"))
    ranges = [r for r in chart.iter(f"{{{SVG_NS}}}rect") if r.get("class") == "tl-range"]
    assert [c.get("cx") for c in circles] == ["20.7%"]
    assert [(r.get("x"), r.get("width")) for r in ranges] == [("21.08%", "7.79%")]  # 2108 to 2887
    page = parse_file(path)
    assert "Date not stated" in page.text and "Zz editorial" in page.text


def test_example_undated_articles_are_listed_calmly(example_out):
    # One of the five example reports gives a date (UrduPoint's): no line is drawn for one date.
    path = example_out / "claims/taliban-kept-ties-with-al-qaeda/index.html"
    page = parse_file(path)
    assert "Date not stated" in page.text
    assert "Only one of these articles gives a publication date, so there is no line to draw." in " ".join(page.text.split())
    assert page.find("ul", "timeline-list-undated")
    assert "timeline-chart" not in path.read_text(encoding="utf-8")


# --- actor agreement ----------------------------------------------------------------------


def test_an_actors_position_on_a_claim():
    assert position_of(["supports", "supports"]) == "supports"
    assert position_of(["neutral", "disputes"]) == "disputes"  # neutral never dilutes a side
    assert position_of(["neutral"]) == "neutral"
    assert position_of(["supports", "disputes", "neutral"]) == "both"


@pytest.mark.parametrize("first, second, outcome", [
    ("supports", "supports", "agree"), ("disputes", "disputes", "agree"),
    ("supports", "disputes", "disagree"), ("disputes", "supports", "disagree"),
    ("neutral", "neutral", "neither"), ("neutral", "supports", "neither"),
    ("both", "supports", "neither"), ("both", "both", "neither"),
])
def test_outcomes(first, second, outcome):
    assert SharedClaim(None, first, second).outcome == outcome


def test_agreement_counts_worked_out_by_hand(analysis):
    rows = [(p.first.id, p.second.id, p.agree, p.disagree, p.neither) for p in analysis.agreement]
    assert rows == [  # most disagreement first
        ("ana", "bo", 0, 2, 1),
        ("bo", "council", 0, 1, 0),
        ("ana", "council", 1, 0, 0),
    ]
    ana_bo = analysis.agreement[0]
    assert [(s.claim.claim.id, s.first, s.second, s.outcome) for s in ana_bo.shared] == [
        ("c-cost", "supports", "disputes", "disagree"),
        ("c-late", "disputes", "supports", "disagree"),
        ("c-clean", "neutral", "supports", "neither"),
    ]


def test_an_actor_who_said_both_counts_as_neither(tmp_path):
    a2 = RICH_SITE["content/articles/a2.md"].replace(
        "---\nCouncillor", "  - {claim: c-late, actor: council, stance: supports, quote: Councillor Bo Critic said}\n---\nCouncillor")
    _, analysis = graph_of(write_files(tmp_path, rich_with({"content/articles/a2.md": a2})))
    rows = {(p.first.id, p.second.id): (p.agree, p.disagree, p.neither) for p in analysis.agreement}
    assert rows[("ana", "council")] == (0, 0, 1)
    assert rows[("bo", "council")] == (0, 0, 1)
    assert rows[("ana", "bo")] == (0, 2, 1)  # unchanged


def test_outlets_own_voice_is_not_an_actor(analysis):
    ids = {a.id for p in analysis.agreement for a in (p.first, p.second)}
    assert ids == {"ana", "bo", "council"}


def test_agreement_matrix_orders_allies_together(analysis):
    summaries = agreementchart.pair_summaries(analysis.agreement)
    assert [s.anchor for s in summaries] == ["pair-1", "pair-2", "pair-3"]
    assert agreementchart.pair_text(summaries[0], english_interface()) == "Ana Mayor and Bo Critic: disagree on 2, agree on 0, of 3 shared claims"
    assert [(seg.key, seg.width) for seg in summaries[0].segments] == [("disagree", 6667), ("neither", 3333)]
    grid = agreementchart.agreement_matrix(summaries)
    # Ana first (busiest; tie with Bo broken by name), then Council who agrees with her, then Bo.
    assert [a.id for a in grid.actors] == ["ana", "council", "bo"]
    tones = [[cell.tone for cell in row] for row in grid.rows]
    assert tones == [["none", "agree", "disagree"], ["agree", "none", "disagree"], ["disagree", "disagree", "none"]]
    assert grid.left_out == 0
    smaller = agreementchart.agreement_matrix(summaries, limit=2)
    assert [a.id for a in smaller.actors] == ["ana", "bo"] and smaller.left_out == 1


def test_compare_page_shows_every_pair_and_links_cells_to_them(rich_out):
    path = rich_out / "compare/index.html"
    html = path.read_text(encoding="utf-8")
    page = parse_file(path)
    ids = set(page.ids)
    assert {"pair-1", "pair-2", "pair-3"} <= ids
    cell_links = [a["href"] for a in page.find("a") if (a.get("href") or "").startswith("#pair-")]
    assert len(cell_links) == 6 and {h[1:] for h in cell_links} <= ids  # 3 pairs, each cell twice
    labels = labels_of(html, "grid-glyph")
    assert "Ana Mayor and Bo Critic: disagree on 2, agree on 0, of 3 shared claims" in labels
    assert "Ana Mayor and River Council: disagree on 0, agree on 1, of 1 shared claim" in labels


def test_example_pair_counts_match_their_listed_claims(example_out):
    """Each pair's summary numbers against the claims listed under it, outcome by outcome."""
    html = (example_out / "compare/index.html").read_text(encoding="utf-8")
    pairs = re.findall(r'<li class="pair" id="(pair-\d+)">(.*?)</details>', html, flags=re.S)
    assert pairs
    for anchor, body in pairs:
        label = re.search(r'aria-label="([^"]*)"', body).group(1)
        disagree, agree, shared = map(int, re.search(
            r"disagree on (\d+), agree on (\d+), of (\d+) shared", label).groups())
        assert body.count("pair-claim outcome-disagree") == disagree, anchor
        assert body.count("pair-claim outcome-agree") == agree, anchor
        assert body.count('class="pair-claim ') == shared, anchor


# --- every picture is valid, accessible SVG -----------------------------------------------


@pytest.mark.parametrize("site", ["rich", "example"])
def test_every_svg_parses_and_has_a_text_equivalent(site, request):
    out = request.getfixturevalue("rich_out" if site == "rich" else "example_out")
    seen = 0
    for path in html_files(out):
        for text in svgs_of(path.read_text(encoding="utf-8")):
            root = parse_svg(text)  # raises on invalid XML
            seen += 1
            assert root.tag == f"{{{SVG_NS}}}svg"
            if root.get("aria-hidden") == "true":
                continue  # decoration next to words that say the same
            assert root.get("role") == "img", (path, text[:120])
            title = root.find(f"{{{SVG_NS}}}title")
            assert root.get("aria-label") and title is not None and title.text == root.get("aria-label")
            widths = segment_widths(root)
            if widths and "stance-bar" in root.get("class", ""):
                assert sum(widths) == 100, (path, text[:200])
    assert seen > 10


def test_pictures_use_only_fill_patterns_that_exist_on_the_page(example_out):
    for path in html_files(example_out):
        html = path.read_text(encoding="utf-8")
        used = set(re.findall(r'url\(#(fc-fill-[a-z]+)\)', html))
        defined = set(re.findall(r'<pattern id="(fc-fill-[a-z]+)"', html))
        assert used <= defined, path
        # the agreement's fills only where the agreement is drawn: a claim page is lighter without them
        agreement = {"fc-fill-agree", "fc-fill-disagree", "fc-fill-neither"}
        assert defined & agreement <= used, path
