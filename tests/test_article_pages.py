"""Annotated article pages as built (annotate.py, highlight.py, quotemarks.py),
on every site the tests build: the example, the valid, RTL and overlap fixtures.

- the text is never cut into scraps: no highlight inside another, none that
  is only punctuation or spaces;
- every quote's id is an element id on its article page, inside a highlight,
  and the claim pages' "Read in context" links land on it;
- the markers after each passage name each quote's claim and stance, one
  marker per quote, in the site's language inside an article in another;
- the summary is per claim;
- a quote is shown without the source's own marks at its ends, wherever
  quotes are shown, and stays verbatim in the open data.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest

from generator.core.wording import STANCE_ICONS, STANCE_LABELS
from generator.outputs.quotemarks import display_quote
from sitekit import FIXTURES, OVERLAP_SITE, REPO, VALID_SITE, article_body, build_site, graph_of, parse_file

RTL_SITE = FIXTURES / "rtl-site"
PUNCTUATION_ONLY = re.compile(r"[\W_]*")


@pytest.fixture(scope="module")
def rtl_out(tmp_path_factory) -> Path:
    return build_site(RTL_SITE, tmp_path_factory.mktemp("rtl") / "public")


SITES = {"example": REPO, "valid": VALID_SITE, "rtl": RTL_SITE, "overlap": OVERLAP_SITE}


@pytest.fixture(params=list(SITES), scope="module")
def built(request):
    """(graph, output folder) of each site."""
    graph, _ = graph_of(SITES[request.param])
    return graph, request.getfixturevalue(f"{request.param}_out")


def article_pages(graph, out: Path):
    for article_id, quotes in graph.quotes_by_article.items():
        page = out / "articles" / article_id / "index.html"
        yield page, quotes, article_body(page.read_text(encoding="utf-8"))


def test_no_article_text_is_cut_into_scraps(built):
    graph, out = built
    for page, _, body in article_pages(graph, out):
        assert body.marks, f"{page}: nothing highlighted"
        nested = [m["text"] for m in body.marks if m["depth"]]
        scraps = [m["text"] for m in body.marks if PUNCTUATION_ONLY.fullmatch(m["text"])]
        assert (nested, scraps) == ([], []), page


def test_every_quote_id_is_an_element_inside_its_highlight(built):
    graph, out = built
    for page, quotes, body in article_pages(graph, out):
        in_marks = sorted(anchor for mark in body.marks for anchor in mark["anchors"])
        assert in_marks == sorted(quote.anchor for quote in quotes), page
        assert len(set(body.ids)) == len(body.ids), page


def test_read_in_context_lands_on_the_quote(built):
    graph, out = built
    for claim_id in graph.quotes_by_claim:
        page = out / "claims" / claim_id / "index.html"
        for link in parse_file(page).find("a", "to-context"):
            path, fragment = link["href"].split("#")
            target = (page.parent / path).resolve()
            assert fragment in article_body(target.read_text(encoding="utf-8")).ids, link["href"]


def test_markers_name_each_quotes_claim_and_stance(built):
    graph, out = built
    for page, quotes, body in article_pages(graph, out):
        markers = [marker for group in body.groups for marker in group["markers"]]
        assert len(markers) == len(quotes), page
        for group in body.groups:
            assert group["after"] is not None and group["markers"], page
        by_link = {marker["href"].rsplit("#", 1)[1]: " ".join(marker["text"].split()) for marker in markers}
        for quote in quotes:
            text = by_link[f"m-{quote.article.id}-{quote.anchor}"]
            assert f"{STANCE_ICONS[quote.stance]} {STANCE_LABELS[quote.stance]}:" in text, (page, text)
            assert text.endswith(quote.claim.statement), (page, text)


def test_markers_in_an_rtl_article_are_in_the_sites_language(rtl_out):
    body = article_body((rtl_out / "articles" / "ferry-starts-dari" / "index.html").read_text(encoding="utf-8"))
    assert body.groups and all(
        (group["attrs"].get("lang"), group["attrs"].get("dir")) == ("en", "ltr") for group in body.groups
    )
    english = article_body((rtl_out / "articles" / "ferry-late" / "index.html").read_text(encoding="utf-8"))
    assert english.groups and not any("lang" in group["attrs"] for group in english.groups)


def test_the_annotation_summary_is_per_claim(overlap_out):
    page = (overlap_out / "articles" / "bridge-questions" / "index.html").read_text(encoding="utf-8")
    assert "11 annotated statements on 4 claims" in page
    claims = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r'<p class="article-claim-counts"[^>]*>(.*?)</p>', page)]
    supports, disputes, neutral = (f"{STANCE_ICONS[s]} {STANCE_LABELS[s]}" for s in ("supports", "disputes", "neutral"))
    assert claims == [
        f"{supports} 4 statements · {disputes} 1 statement",
        f"{supports} 1 statement",
        f"{supports} 2 statements · {disputes} 1 statement · {neutral} 1 statement",
        f"{supports} 1 statement",
    ]
    statements = re.findall(r'class="article-claim-statement"[^>]*>([^<]*)<', page)
    assert statements == ["The bridge was finished late.", "The bridge cost more than planned.",
                          "The bridge is open to traffic.", "The inspectors hold evidence of the delay."]


# --- the source's own quotation marks ----------------------------------------------------------


def shown_quotes(out: Path) -> list[str]:
    quotes = []
    for page in sorted(out.rglob("*.html")):
        quotes += re.findall(r'<blockquote class="quote-text"[^>]*><p>(.*?)</p></blockquote>', page.read_text(encoding="utf-8"))
    return quotes


def test_quote_cards_show_each_quote_once_inside_our_marks(overlap_out):
    shown = {html.unescape(q) for q in shown_quotes(overlap_out)}
    assert "We have sufficient evidence that the bridge was late," in shown  # stored as “We have …,”
    assert not any(q.startswith("“") and q.endswith("”") for q in shown)


@pytest.mark.parametrize("name", ["example", "valid"])
def test_quote_cards_on_every_page_type_use_the_display_filter(request, name):
    out = request.getfixturevalue(f"{name}_out")
    graph, _ = graph_of(SITES[name])
    stored = {quote.text: display_quote(quote.text, quote.language or graph.config.language) for quote in graph.quotes}
    shown = [html.unescape(q) for q in shown_quotes(out)]
    assert shown and set(shown) <= set(stored.values())
    changed = {text for text, displayed in stored.items() if displayed != text}
    assert not changed & set(shown), "a quote is shown with the source's marks at its ends"
    if name == "example":
        assert changed, "the example has quotes with the source's marks"
        for section in ("claims", "actors"):
            assert shown_quotes(out / section), section
    else:  # the valid fixture's outlet relays a quote
        assert shown_quotes(out / "outlets"), "outlets"


def test_open_data_keeps_quotes_verbatim(overlap_out):
    rows = list(csv.DictReader(io.StringIO((overlap_out / "data" / "mentions.csv").read_text(encoding="utf-8"))))
    assert "“We have sufficient evidence that the bridge was late,”" in {row["quote"] for row in rows}
    claims = json.loads((overlap_out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert "“We have sufficient evidence that the bridge was late,”" in json.dumps(claims, ensure_ascii=False)


def test_feeds_show_quotes_without_the_sources_marks(overlap_out):
    feed = (overlap_out / "actors" / "ivo-inspector" / "feed.xml").read_text(encoding="utf-8")
    assert "“We have sufficient evidence that the bridge was late,” (" in feed
    assert "““" not in feed


def test_a_title_the_editors_wrote_says_so_wherever_a_page_cites_it(example_out):
    """The UN panel's report has no headline of its own: its page says the
    editors wrote the title, and so does every page that cites the article
    by it (quote cards, lists, the timeline), never passing it off as the
    source's headline."""
    import re

    article = "un-panel-taliban-al-qaeda-close-relationship"
    citing = [page for page in example_out.rglob("*.html")
              if f"articles/{article}/index.html\"" in page.read_text(encoding="utf-8")]
    assert len(citing) >= 5
    for page in citing:
        html = page.read_text(encoding="utf-8")
        links = re.findall(rf'<a href="[^"]*articles/{article}/index\.html"[^>]*>([^<]*)</a>(.{{0,120}})', html, re.S)
        for text, after in links:
            if text.startswith("UN panel head says"):  # the title, cited
                assert after.startswith(' <span class="title-note-inline">(title by the editors)</span>'), page
