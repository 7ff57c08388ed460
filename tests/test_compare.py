"""What the comparison pages and the figures panel say, read from the built HTML.

The site is ``sitekit.RICH_SITE`` (tests/unit/test_analyse.py works out its
counts) with one change: Bo Critic's "the cost was 14 million" gives 14 as
the Daily River's figure (``value_attributed_to: daily``), not his own.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from sitekit import RICH_SITE, parse_file, resolve_internal, write_files

ATTRIBUTED = {**RICH_SITE, "content/articles/a2.md": RICH_SITE["content/articles/a2.md"].replace(
    "value: 14,", "value: 14, value_attributed_to: daily,")}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    from generator.engine.build import build

    root = write_files(tmp_path_factory.mktemp("compare-site"), ATTRIBUTED)
    result = build(root, root / "public")
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return root / "public"


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    """What a reader sees of an HTML fragment (visually hidden text included)."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def row_of(page: str, claim_id: str) -> str:
    rows = re.findall(r"<tr\b.*?</tr>", page, flags=re.S)
    return next(r for r in rows if f'claims/{claim_id}/index.html"' in r)


def cells_of(row: str) -> dict[str, str]:
    """A row's non-empty cells by their label (the column's origin or outlet name)."""
    cells = {}
    for cell in re.findall(r'<td class="cell[ "].*?</td>', row, flags=re.S):
        label = re.search(r'<span class="cell-label">(.*?)</span>', cell)
        cells[htmllib.unescape(label.group(1)) if label else "Others"] = cell
    return cells


# --- figures, in words -------------------------------------------------------------------------


def test_the_figures_panel_says_who_gives_which_figure(out):
    page = read(out, "claims/c-cost/index.html")
    panel = page[page.index('<section class="discrepancy"'):]
    panel = text_of(panel[:panel.index("</section>")])
    assert "12 million euros given by Ana Mayor, who asserts the claim" in panel
    assert "given by Hill Gazette (the outlet’s own reporting), who asserts the claim" in panel
    assert "14 million euros attributed by Bo Critic to The Daily River, who disputes the claim" in panel
    assert "=" not in panel


def test_a_quote_card_never_shows_an_attributed_figure_as_the_speakers_own(out):
    text = text_of(read(out, "claims/c-cost/index.html"))
    assert "Figure cited: 14 million euros, attributed to The Daily River (not the speaker’s own count)" in text
    assert "Figure given: 14" not in text
    assert "Figure given: 12 million euros" in text


def test_the_origin_view_gives_figures_in_words(out):
    cells = cells_of(row_of(read(out, "compare/index.html"), "c-cost"))
    assert "attributes 14 million euros to The Daily River" in text_of(cells["Bo Critic"])
    assert "gives 12 million euros" in text_of(cells["River Council"])  # Ana Mayor's figure, under her party
    assert "gives 12 million euros" in text_of(cells["Hill Gazette"])


def test_the_outlet_view_gives_figures_in_words(out):
    cells = cells_of(row_of(read(out, "compare/outlets/index.html"), "c-cost"))
    gazette, daily = text_of(cells["Hill Gazette"]), text_of(cells["The Daily River"])
    assert "gives 12 million euros" in gazette  # in its own voice
    assert "quotes 14 million euros, attributed by Bo Critic to The Daily River" in gazette
    assert "quotes 12 million euros from Ana Mayor" in daily


@pytest.mark.parametrize("path", ["compare/index.html", "compare/outlets/index.html"])
def test_no_cell_uses_an_equals_sign(out, path):
    page = read(out, path)
    table = page[page.index('<table class="matrix'):page.index("</table>")]
    for row in re.findall(r"<tr\b.*?</tr>", table, flags=re.S):
        for cell in re.findall(r"<td\b.*?</td>", row, flags=re.S):
            assert "=" not in text_of(cell), text_of(cell)


# --- claims × outlets: reporting is not quoting -------------------------------------------------


OWN_VOICE = {  # (claim, outlet) → the stances the outlet takes in its own voice (RICH_SITE)
    ("c-late", "Hill Gazette"): ["Asserts"], ("c-cost", "Hill Gazette"): ["Asserts"],
    ("c-clean", "The Daily River"): ["Asserts"],
}


def test_an_outlet_that_only_quotes_is_never_shown_taking_a_stance(out):
    page = read(out, "compare/outlets/index.html")
    for claim in ("c-late", "c-cost", "c-clean", "c-neutral"):
        for outlet, cell in cells_of(row_of(page, claim)).items():
            text = text_of(cell)
            own = OWN_VOICE.get((claim, outlet))
            if own:
                reports = text[text.index("Reports"):text.index("Quotes") if "Quotes" in text else None]
                assert [label for label in ("Asserts", "Disputes", "Neutral") if label in reports] == own
            else:
                assert "Reports" not in text, (claim, outlet, text)
                assert "Quotes" in text and re.search(r"\d+ speakers?", text), (claim, outlet, text)


def test_the_daily_river_relaying_ana_is_not_the_daily_rivers_stance(out):
    # a2 (Hill Gazette) quotes Ana Mayor "via" the Daily River: neither outlet says it itself,
    # and the statement counts under Ana's party, the River Council.
    cells = cells_of(row_of(read(out, "compare/index.html"), "c-clean"))
    assert "Neutral" in text_of(cells["River Council"])
    others = text_of(cells["Others"])
    assert "The Daily River own reporting" in others and "Asserts" in others  # its own "the river is clean"


def test_the_outlet_page_keeps_its_voice_apart_from_whom_it_quotes(out):
    page = read(out, "outlets/daily/index.html")
    table = page[page.index('<table class="reported"'):page.index("</table>")]
    rows = {re.search(r'claims/([^/]+)/index.html', r).group(1): text_of(r)
            for r in re.findall(r"<tr>.*?</tr>", table, flags=re.S) if "claims/" in r}
    assert "nothing in its own voice" in rows["c-late"] and "1 speaker" in rows["c-late"]
    assert "Reports itself: ✓ Asserts" in rows["c-clean"] and "Quotes: no one" in rows["c-clean"]


# --- claims × origins ------------------------------------------------------------------------------


def test_origin_cells_give_position_speakers_and_statements_and_link_to_the_evidence(out):
    page = read(out, "compare/index.html")
    cells = cells_of(row_of(page, "c-late"))
    assert text_of(cells["River Council"]).startswith("River Council Disputes ✗ 2 speakers, 3 statements")
    assert text_of(cells["Bo Critic"]).startswith("Bo Critic Asserts ✓ 1 speaker, 1 statement")
    compare = out / "compare/index.html"
    for href in re.findall(r'href="([^"]*claims/c-late/index.html#[^"]+)"', row_of(page, "c-late")):
        target, fragment = resolve_internal(compare, href)
        assert fragment in parse_file(target).ids, href
    claim = read(out, "claims/c-late/index.html")
    group = claim[claim.index('id="disputes-from-actor-council"'):]
    group = group[:group.index("</section>")]
    assert group.count('class="quote-card') == 3 and "Counted under it: Ana Mayor" in text_of(group)


def test_columns_and_others(out):
    page = read(out, "compare/index.html")
    head = text_of(page[page.index('<table class="matrix origin-matrix">'):page.index("</thead>")])
    assert head == "Claim Bo Critic on 4 claims River Council on 3 claims Hill Gazette own reporting on 2 claims Others"
    others = cells_of(row_of(page, "c-clean"))["Others"]
    assert "<details" in others and "<summary>1 other origin</summary>" in others  # opens without JavaScript


@pytest.mark.parametrize("path", ["index.html", "claims/index.html", "compare/index.html",
                                  "compare/outlets/index.html", "claims/c-late/index.html"])
def test_flags_are_explained_where_they_appear(out, path):
    text = text_of(read(out, path))
    assert "Contested at least two independent origins take opposite stances" in text
    if "Figures differ" in text:
        assert "Figures differ the statements give different figures" in text


# --- a figure that counts something else than the claim's unit -----------------------------------

OWN_UNIT = {**RICH_SITE, "content/articles/a2.md": RICH_SITE["content/articles/a2.md"].replace(
    "value: 14,", "value: 14, value_attributed_to: daily, unit: million dollars,")}


@pytest.fixture(scope="module")
def own_unit_out(tmp_path_factory) -> Path:
    from generator.engine.build import build

    root = write_files(tmp_path_factory.mktemp("unit-site"), OWN_UNIT)
    result = build(root, root / "public", search=False)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return root / "public"


def test_a_figure_in_a_unit_of_its_own_is_never_shown_in_the_claims(own_unit_out):
    """The claim counts million euros; Bo Critic's figure counts million
    dollars (the mention's ``unit``): every display of it says dollars."""
    page = text_of(read(own_unit_out, "claims/c-cost/index.html"))
    assert "Figure cited: 14 million dollars, attributed to The Daily River" in page
    assert "14 million dollars attributed by Bo Critic to The Daily River" in page  # the figures panel
    assert "14 million euros" not in page
    assert "Figure given: 12 million euros" in page
    cell = cells_of(row_of(read(own_unit_out, "compare/index.html"), "c-cost"))["Bo Critic"]
    assert "attributes 14 million dollars to The Daily River" in text_of(cell)
    assert "<strong>14</strong> million dollars" in cell  # seen, not only read out: the claim counts euros
    assert '<span class="visually-hidden"> million euros</span>' in read(own_unit_out, "compare/index.html")
    outlets = text_of(cells_of(row_of(read(own_unit_out, "compare/outlets/index.html"), "c-cost"))["Hill Gazette"])
    assert "quotes 14 million dollars, attributed by Bo Critic to The Daily River" in outlets


def test_a_figure_in_another_unit_is_in_the_data_with_its_unit(own_unit_out):
    import csv
    import json

    with (own_unit_out / "data" / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["claim_id"] == "c-cost"]
    assert {(r["value"], r["unit"]) for r in rows} == {("12", "million euros"), ("14", "million dollars")}
    claims = json.loads((own_unit_out / "data" / "claims.json").read_text(encoding="utf-8"))["claims"]
    figures = next(c for c in claims if c["id"] == "c-cost")["figures"]
    assert {(f["value"], f["unit"]) for f in figures} == {(12, "million euros"), (14, "million dollars")}


# --- a long "Others" cell ------------------------------------------------------------------------


def test_a_rows_others_list_the_first_few_and_link_to_the_claims_page_for_all(tmp_path, monkeypatch):
    """Past ``limits.OTHERS_SHOWN``, a row's "Others" lists that many origins
    by name, still says how many there are, and links to the claim's "Who
    says what", which lists every one of them."""
    from synthetic import make_site

    from generator.core import limits
    from generator.core.layout import DEFAULT_TEMPLATES
    from generator.outputs.render import Renderer
    from generator.outputs.siteplan import plan_pages
    from generator.stages.catalogues import english_interface
    from sitekit import graph_of

    make_site(tmp_path / "site", 40, seed=3, claims=12, actors=24)
    monkeypatch.setattr(limits, "ORIGIN_COLUMNS", 2)
    monkeypatch.setattr(limits, "OTHERS_SHOWN", 2)
    graph, analysis = graph_of(tmp_path / "site")
    planned = {page.path: page for page in plan_pages(graph, analysis, english_interface())}
    renderer = Renderer(DEFAULT_TEMPLATES)
    page = renderer.render(planned["compare/index.html"], graph).decode("utf-8")
    cut = 0
    for row in analysis.origin_matrix.rows:
        others = cells_of(row_of(page, row.claim.claim.id)).get("Others", "")
        count = len(row.others)
        if not count:
            assert not others
            continue
        summary = f"<summary>{count} other origin{'s' if count > 1 else ''}</summary>"
        assert summary in others, row.claim.claim.id
        listed = re.findall(r'<li><a href="([^"]+)">', others)
        assert len(listed) == min(count, 2)
        more = re.search(r'<p class="others-more"><a href="([^"]+)">(.*?)</a>', others)
        if count > 2:
            cut += 1
            assert more and text_of(more.group(2)) == f"All {count} under “Who says what” on the claim’s page"
            target, fragment = more.group(1).split("#")
            assert target == f"../claims/{row.claim.claim.id}/index.html" and fragment == "who-heading"
            claim_page = renderer.render(planned[f"claims/{row.claim.claim.id}/index.html"], graph).decode("utf-8")
            assert 'id="who-heading"' in claim_page
            for cell in row.others:  # every one of them has its group there
                assert any(f'id="{stance}-from-{cell.origin.kind}-{cell.origin.id}"' in claim_page
                           for stance in cell.stances), cell.origin.id
        else:
            assert more is None
    assert cut, "some row has more others than are listed"
