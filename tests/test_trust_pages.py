"""Issue 12, "Trust and clarity", as a reader meets it in built sites: the
methodology page and its link from every page, the licence wherever a
reader or a machine looks for it, words that never make a stance read as a
verdict, claims not rated on purpose, scorecards without empty rows,
timelines only where there is a line to draw, and headlines the editors
wrote."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from generator.core import layout
from generator.core.wording import STANCE_LABELS, stem
from generator.engine.build import build
from generator.engine.incremental import IncrementalBuilder
from generator.outputs.base import Page
from generator.outputs.render import Renderer
from generator.stages.analyse import analyse
from sitekit import (
    FIXTURES, REPO, RICH_SITE, SITE_YAML, VALID_SITE, build_site, graph_of, html_files, make_site, parse_file,
    resolve_internal, write_files,
)

ATOM = "{http://www.w3.org/2005/Atom}"
RTL_SITE = FIXTURES / "rtl-site"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
RTL_LICENCE = "https://rtl.example.org/licence/"  # a licence given by its address
SCRIPT = re.compile(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', re.S)


@pytest.fixture(scope="module")
def rtl_out(tmp_path_factory) -> Path:
    return build_site(RTL_SITE, tmp_path_factory.mktemp("rtl") / "public")


def words(page: Path) -> str:
    return " ".join(parse_file(page).text.split())


def json_file(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# --- the editors' pages: /about/ ---------------------------------------------------------------------


@pytest.mark.parametrize("built, title", [("example_out", "About this site"), ("valid_out", "How we work")])
def test_every_page_links_the_about_page_in_its_footer(built, title, request):
    out = request.getfixturevalue(built)
    about = out / "about" / "index.html"
    assert about.is_file()
    for page in html_files(out):
        footer = page.read_text(encoding="utf-8").split('<footer class="site-footer"', 1)[1]
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer)
        targets = [resolve_internal(page, href)[0] for href, text in links if text == title]
        assert targets == [about], page


def test_the_about_page_is_the_editors_text_then_the_scale_from_site_yaml(example_out):
    graph, _ = graph_of(REPO)
    page = example_out / "about" / "index.html"
    html = page.read_text(encoding="utf-8")
    text = words(page)
    for heading in ("Who publishes it", "How claims are chosen", "How independent origins are counted",
                    "Corrections", "The verdict scale"):
        assert f"<h2>{heading}</h2>" in html
    assert "Who publishes it is not stated, and we do not invent a publisher." in text and "demonstration site" in text
    # The scale is rendered from site.yaml, after the text, so it cannot drift from it.
    scale = html.split('<dl class="verdict-scale">', 1)[1]
    assert html.index('<dl class="verdict-scale">') > html.index("<h2>The verdict scale</h2>")
    for verdict in graph.config.verdicts:
        assert verdict.label in scale and verdict.description in scale
    assert "<title>About this site · Taliban and al-Qaeda after Doha</title>" in html
    assert '<meta name="description" content="Who publishes this site, how its claims' in html


def test_a_page_without_the_scale_does_not_show_it(tmp_path):
    root = make_site(tmp_path / "site", {"content/pages/contact.md": "---\ntitle: Contact\n---\nWrite to us.\n"})
    out = build_site(root, tmp_path / "out")
    html = (out / "contact" / "index.html").read_text(encoding="utf-8")
    assert "Write to us." in html and "verdict-scale" not in html
    # Only a page that explains the scale is linked from the home page's scale.
    scale_section = (out / "index.html").read_text(encoding="utf-8").split('id="scale-heading"')[1].split("</section>")[0]
    assert "verdict-scale" in scale_section and "contact/index.html" not in scale_section


def test_a_page_body_is_safe_markdown(tmp_path):
    body = "Hello <script>alert(1)</script> [bad](javascript:alert(1)) [good](https://example.org/).\n"
    root = make_site(tmp_path / "site", {"content/pages/about.md": f"---\ntitle: About\n---\n{body}"})
    html = (build_site(root, tmp_path / "out") / "about" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html and '<a href="https://example.org/" rel="nofollow noopener noreferrer">good</a>' in html


def test_every_html_page_has_the_editors_pages_among_its_sources():
    graph, analysis = graph_of(VALID_SITE)
    planned = Renderer(VALID_SITE / "templates").plan(graph, analysis)
    pages = [o for o in planned if isinstance(o, Page) and o.path.endswith(".html")]
    assert any(o.path == "about/index.html" for o in pages)
    for page in pages:
        assert page.sources == {"*"} or "content/pages/about.md" in page.sources, page.path


def test_retitling_a_page_re_renders_every_footer(tmp_path):
    site = make_site(tmp_path / "site", {"content/pages/about.md": "---\ntitle: About us\n---\nText.\n"})
    builder = IncrementalBuilder(site)
    assert builder.rebuild().ok
    write_files(site, {"content/pages/about.md": "---\ntitle: How we work\n---\nText.\n"})
    report = builder.rebuild()
    assert report.ok
    claim_page = builder.outputs["claims/bridge-cost/index.html"].decode("utf-8")
    assert ">How we work</a>" in claim_page and ">About us</a>" not in claim_page
    assert build(site, tmp_path / "clean", search=False).ok
    for path, data in builder.outputs.items():
        if path.endswith(".html"):
            assert (tmp_path / "clean" / path).read_bytes() == data, path


def test_page_ids_never_meet_a_folder_the_site_writes(example_out, valid_out):
    # "about" holds the generated /about/data/ and the editors' /about/ alike.
    for out, root in ((example_out, REPO), (valid_out, VALID_SITE)):
        page_ids = {p.stem for p in (root / "content" / "pages").glob("*.md")}
        folders = {p.relative_to(out).parts[0] for p in out.rglob("*") if p.is_file() and len(p.relative_to(out).parts) > 1}
        assert folders - {"about"} - page_ids <= set(layout.RESERVED_FOLDERS), folders


# --- the licence ------------------------------------------------------------------------------------------


def licence_of(out: Path) -> dict:
    """Everything each output says about the licence."""
    feed = etree.parse(out / "feed.xml").getroot()
    actor_feed = etree.parse(next((out / "actors").glob("*/feed.xml"))).getroot()
    data_feed = json_file(out / "data" / "claimreview.json")
    reviews = [json.loads(block) for page in (out / "claims").glob("*/index.html")
               for block in SCRIPT.findall(page.read_text(encoding="utf-8"))]
    annotations = json_file(out / "data" / "annotations.jsonld")
    return {
        "rights": {(f.findtext(f"{ATOM}rights") or None) for f in (feed, actor_feed)},
        "atom link": {next((link.get("href") for link in f.findall(f"{ATOM}link") if link.get("rel") == "license"), None)
                      for f in (feed, actor_feed)},
        "data feed": data_feed.get("license"),
        "reviews": {review.get("license") for review in [*reviews, *(e["item"] for e in data_feed["dataFeedElement"])]},
        "claims.json": json_file(out / "data" / "claims.json")["site"]["licence"],
        "annotations": {annotations.get("rights"), *(a.get("rights") for a in annotations["first"]["items"])},
        "about/data": re.search(r"Licence: (.*?)\. (It covers|This site declares no licence)",
                                words(out / "about" / "data" / "index.html")).group(1),
    }


def test_a_licence_by_spdx_id_is_stated_everywhere(valid_out):
    name = "Creative Commons Attribution 4.0 International (CC-BY-4.0)"
    assert licence_of(valid_out) == {
        "rights": {f"{name}: {CC_BY}"},
        "atom link": {CC_BY},
        "data feed": CC_BY,
        "reviews": {CC_BY},
        "claims.json": {"spdx": "CC-BY-4.0", "url": CC_BY},
        "annotations": {CC_BY},
        "about/data": name,
    }
    about = (valid_out / "about" / "data" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{CC_BY}" rel="license noopener noreferrer">{name}</a>' in about


def test_a_licence_by_address_is_stated_everywhere(rtl_out):
    facts = licence_of(rtl_out)
    assert facts == {
        "rights": {RTL_LICENCE}, "atom link": {RTL_LICENCE}, "data feed": RTL_LICENCE, "reviews": {RTL_LICENCE},
        "claims.json": {"spdx": None, "url": RTL_LICENCE}, "annotations": {RTL_LICENCE},
        "about/data": RTL_LICENCE,
    }


def test_without_a_licence_nothing_is_assumed(example_out):
    assert licence_of(example_out) == {
        "rights": {None}, "atom link": {None}, "data feed": None, "reviews": {None},
        "claims.json": None, "annotations": {None},
        "about/data": "not stated",
    }


# --- the publisher ------------------------------------------------------------------------------------------

DESK = "River Fact Desk"
DESK_URL = "https://desk.example.org/"


def publisher_of(out: Path) -> dict:
    """Everything each output says about who publishes the site."""
    feeds = [etree.parse(out / "feed.xml").getroot(), etree.parse(next((out / "actors").glob("*/feed.xml"))).getroot()]
    data_feed = json_file(out / "data" / "claimreview.json")
    reviews = [json.loads(block) for page in (out / "claims").glob("*/index.html")
               for block in SCRIPT.findall(page.read_text(encoding="utf-8"))]
    annotations = json_file(out / "data" / "annotations.jsonld")["first"]["items"]
    return {
        "feed authors": {(f.findtext(f"{ATOM}author/{ATOM}name"), f.findtext(f"{ATOM}author/{ATOM}uri")) for f in feeds},
        "data feed": (data_feed["publisher"]["name"], data_feed["publisher"].get("url")),
        "reviews": {(r["author"]["name"], r["author"].get("url")) for r in reviews},
        "claims.json": json_file(out / "data" / "claims.json")["site"]["publisher"],
        "annotations": {(a["creator"]["name"], a["creator"].get("homepage")) for a in annotations},
        "about/data": re.search(r"Publisher: (.*?)\. (The files name it too|This site names no publisher)",
                                words(out / "about" / "data" / "index.html")).group(1),
    }


@pytest.mark.parametrize("publisher, url", [(f"publisher:\n  name: {DESK}\n  url: {DESK_URL}\n", DESK_URL),
                                            (f"publisher:\n  name: {DESK}\n", None)])
def test_a_stated_publisher_is_named_everywhere(tmp_path, publisher, url):
    root = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + "base_url: https://mini.example.org/\n" + publisher,
                                         "content/claims/bridge-cost.md": "---\nstatement: S\nverdict: accurate\n---\n"})
    out = build_site(root, tmp_path / "out")
    assert publisher_of(out) == {
        "feed authors": {(DESK, url)}, "data feed": (DESK, url), "reviews": {(DESK, url)},
        "claims.json": {"name": DESK, "url": url}, "annotations": {(DESK, url)}, "about/data": DESK,
    }
    about = (out / "about" / "data" / "index.html").read_text(encoding="utf-8")
    assert (f'<a href="{DESK_URL}">{DESK}</a>' in about) == bool(url)


def test_without_a_publisher_the_data_say_not_stated(example_out):
    """Feeds and ClaimReview need an author: the site stands in, and /about/data/
    says so; the data files, which need none, say null."""
    site = ("Taliban and al-Qaeda after Doha", "https://example.org/")
    facts = publisher_of(example_out)
    assert facts == {
        "feed authors": {site}, "data feed": site, "reviews": {site}, "claims.json": None,
        "annotations": {site}, "about/data": "not stated",
    }
    assert "where a format requires one (the feeds’ author, the structured data), the site’s own name stands in" in words(
        example_out / "about" / "data" / "index.html")


# --- words: a stance never reads as a verdict ------------------------------------------------------------


def stance_texts(page: Path) -> list[str]:
    """The visible words of every stance label on a page."""
    html = page.read_text(encoding="utf-8")
    found = re.findall(r'<span class="stance stance-\w+"><span aria-hidden="true">.</span>\s*([^<]*)</span>', html)
    found += re.findall(r'<span class="visually-hidden">\s*([^<]*)</span>', html)
    return [text.strip() for text in found if text.strip()]


@pytest.mark.parametrize("built, root", [("example_out", REPO), ("valid_out", VALID_SITE)])
def test_no_stance_word_shares_a_stem_with_a_verdict(built, root, request):
    out = request.getfixturevalue(built)
    graph, _ = graph_of(root)
    verdict_stems = {stem(word) for v in graph.config.verdicts for word in re.findall(r"\w+", v.label)}
    seen = set()
    for page in html_files(out):
        for text in stance_texts(page):
            seen |= {stem(word) for word in re.findall(r"[^\W\d_]+", text)}
    assert {"assert", "disput", "neutral"} <= seen
    assert not seen & verdict_stems
    assert not (seen & {"support", "supporting"})


@pytest.mark.parametrize("built", ["example_out", "valid_out"])
def test_pages_never_say_supporting_or_supports_for_a_stance(built, request):
    out = request.getfixturevalue(built)
    for page in html_files(out):
        text = words(page)
        assert not re.search(r"\b(Supports|supporting|Claims they supported)\b", text), page
    assert "Claims they asserted" in words(out / "actors" / ("ana-mayor" if built == "valid_out" else "ahmad-zia-saraj")
                                           / "index.html")


def test_feeds_and_annotations_use_the_stance_verbs(valid_out):
    feed = etree.parse(valid_out / "actors" / "ana-mayor" / "feed.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles and all(re.match(r"Ana Mayor (asserts|disputes|asserts and disputes|is neutral on)?", t) for t in titles)
    assert any(t.startswith("Ana Mayor asserts") for t in titles)
    described = [a["body"][2]["value"] for a in json_file(valid_out / "data" / "annotations.jsonld")["first"]["items"]]
    assert any(" asserts the claim: " in d for d in described) and not any(" supports the claim" in d for d in described)
    # The data keep the content model's ids.
    assert {a["body"][0]["value"] for a in json_file(valid_out / "data" / "annotations.jsonld")["first"]["items"]} <= {
        "supports", "disputes", "neutral"}


def test_the_stance_labels_are_the_decided_ones():
    assert list(STANCE_LABELS.values()) == ["Asserts", "Disputes", "Neutral"]


# --- claims deliberately not rated -------------------------------------------------------------------------

NOT_RATED = "no-difference-taliban-al-qaeda"
REASON = "A characterisation by the Afghan Defence Ministry’s spokesman, not a checkable statement of fact."


def test_a_claim_not_rated_says_why_on_its_page(example_out):
    text = words(example_out / "claims" / NOT_RATED / "index.html")
    assert f"Our verdict Not rated Why we do not rate it: {REASON}" in text
    assert "Not yet rated" not in text


def test_a_claim_not_rated_says_why_in_its_card(example_out):
    for page in ("index.html", "claims/index.html"):
        html = (example_out / page).read_text(encoding="utf-8")
        card = html.split(f'href="{"../" if "/" in page else ""}claims/{NOT_RATED}/index.html"', 1)[1].split("</li>", 1)[0]
        assert f'<span class="note-label">Why not rated:</span> {REASON}' in card, page
        before = html.split(f"claims/{NOT_RATED}/index.html", 1)[0].rsplit('<li class="claim-card">', 1)[1]
        assert ">Not rated</span>" in before and "Not yet rated" not in before


def test_a_claim_not_rated_is_in_the_data_and_not_reviewed(example_out, valid_out):
    claims = {c["id"]: c for c in json_file(example_out / "data" / "claims.json")["claims"]}
    assert (claims[NOT_RATED]["verdict"], claims[NOT_RATED]["not_rated"]) == (None, REASON)
    assert all(c["not_rated"] is None for cid, c in claims.items() if cid != NOT_RATED)
    reviewed = {e["item"]["url"] for e in json_file(example_out / "data" / "claimreview.json")["dataFeedElement"]}
    assert not any(NOT_RATED in url for url in reviewed)
    assert not SCRIPT.findall((example_out / "claims" / NOT_RATED / "index.html").read_text(encoding="utf-8"))
    # The Atom feed of "claims reviewed or updated" has it, with the reason and no verdict.
    feed = (example_out / "feed.xml").read_text(encoding="utf-8")
    entry = feed.split(f"claims/{NOT_RATED}/</id>", 1)[1].split("</entry>", 1)[0]
    assert f"Not rated: {REASON}" in entry and "<category" not in entry
    # A claim that is simply not reviewed yet still says so.
    assert "Our verdict Not yet rated" in words(valid_out / "claims" / "river-clean" / "index.html")


def test_scorecards_count_claims_not_rated_apart_from_those_not_yet_rated(tmp_path):
    root = write_files(tmp_path / "site", {
        "site.yaml": "title: T\nverdicts:\n  - {id: ok, label: Accurate, description: Yes., colour: '#1b6e3a'}\n",
        "content/outlets/o.md": "---\nname: O\n---\n",
        "content/actors/a.md": "---\nname: A\nkind: person\n---\n",
        "content/claims/c1.md": "---\nstatement: One.\nnot_rated: An opinion.\n---\n",
        "content/claims/c2.md": "---\nstatement: Two.\n---\n",
        "content/articles/x.md": "---\ntitle: X\noutlet: o\nmentions:\n"
                                 "  - {claim: c1, actor: a, stance: supports, quote: one}\n"
                                 "  - {claim: c2, actor: a, stance: supports, quote: two}\n---\none two\n",
    })
    graph, analysis = graph_of(root)
    rows = analysis.actors["a"].supported_scorecard
    assert [(r.verdict, r.not_rated, r.count) for r in rows] == [(None, True, 1), (None, False, 1)]
    out = build_site(root, tmp_path / "out")
    table = (out / "actors" / "a" / "index.html").read_text(encoding="utf-8").split('<table class="scorecard">')[1]
    assert table.index(">Not rated<") < table.index(">Not yet rated<")


# --- scorecards and timelines -------------------------------------------------------------------------------


@pytest.mark.parametrize("built", ["example_out", "valid_out"])
def test_no_scorecard_shows_a_row_of_zero(built, request):
    out = request.getfixturevalue(built)
    counted = 0
    for page in (out / "actors").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        for table in re.findall(r'<table class="scorecard">.*?</table>', html, re.S):
            counts = re.findall(r'<td class="num">(\d+)</td>', table)
            assert counts and "0" not in counts, page
            counted += len(counts)
    assert counted


def test_a_scorecard_with_nothing_in_it_says_none(tmp_path):
    # In the rich test site, the council only disputed a claim: it asserted nothing.
    out = build_site(write_files(tmp_path / "site", RICH_SITE), tmp_path / "out")
    text = words(out / "actors" / "council" / "index.html")
    assert "Claims they asserted: none." in text and "Claims they disputed VerdictClaims Wrong1" in text


def test_a_timeline_needs_two_dated_articles(tmp_path):
    files = {
        "site.yaml": "title: T\nverdicts:\n  - {id: ok, label: Accurate, description: Yes., colour: '#1b6e3a'}\n",
        "content/outlets/o.md": "---\nname: O\n---\n",
        "content/claims/c.md": "---\nstatement: C.\n---\n",
        "content/articles/a1.md": "---\ntitle: First\noutlet: o\npublished: 2024-03-05\n"
                                  "mentions: [{claim: c, stance: supports, quote: said}]\n---\nIt was said.\n",
        "content/articles/a2.md": "---\ntitle: Second\noutlet: o\n"
                                  "mentions: [{claim: c, stance: disputes, quote: said}]\n---\nIt was not said.\n",
    }
    root = write_files(tmp_path / "one", files)
    html = (build_site(root, tmp_path / "one-out") / "claims" / "c" / "index.html").read_text(encoding="utf-8")
    text = " ".join(parse_file(tmp_path / "one-out" / "claims" / "c" / "index.html").text.split())
    assert "timeline-chart" not in html
    assert "Only one of these articles gives a publication date, so there is no line to draw." in text
    assert "5 March 2024 — First" in text and "Date not stated — Second" in text
    files["content/articles/a2.md"] = files["content/articles/a2.md"].replace("outlet: o\n", "outlet: o\npublished: 2024-06\n")
    root = write_files(tmp_path / "two", files)
    html = (build_site(root, tmp_path / "two-out") / "claims" / "c" / "index.html").read_text(encoding="utf-8")
    assert "timeline-chart" in html and "no line to draw" not in html


def test_a_claim_one_article_carries_has_no_timeline_section(example_out):
    """Its quote cards name the article and its date already: a section with the
    one article again was a repeated list. Claims two or more articles carry keep it."""
    graph, analysis = graph_of(REPO)
    seen = set()
    for item in analysis.claims.values():
        html = (example_out / "claims" / item.claim.id / "index.html").read_text(encoding="utf-8")
        articles = {quote.article.id for quote in item.quotes}
        assert ('id="timeline-heading"' in html) == (len(articles) >= 2), item.claim.id
        seen.add(len(articles) >= 2)
    assert seen == {True, False}
    text = words(example_out / "claims" / NOT_RATED / "index.html")
    assert "The Kabul Times, date not stated" in text and "When it was reported" not in text


# --- a headline the editors wrote ---------------------------------------------------------------------------


def test_an_article_says_when_its_headline_is_the_editors(example_out):
    page = example_out / "articles" / "un-panel-taliban-al-qaeda-close-relationship" / "index.html"
    html = page.read_text(encoding="utf-8")
    note = '<p class="title-note">Headline written by the editors: the source gives none.</p>'
    assert note in html and html.index("</h1>") < html.index(note) < html.index('<dl class="facts">')
    others = [p for p in (example_out / "articles").glob("*/index.html") if p != page]
    assert others and not any("title-note" in p.read_text(encoding="utf-8") for p in others)


def test_a_claims_stance_counts_read_apart(example_out):
    """The counts of a claim card are separate spans whose icons screen readers
    skip: without a separator they read "…2 statements)Disputed by 4…"."""
    for page in ("compare/index.html",):  # "Most contested"
        html = (example_out / page).read_text(encoding="utf-8")
        assert '<span class="count count-' in html, page
        assert not re.search(r'\)</span><span class="count count-', html), page  # one count, then the next
        assert '</span><span class="visually-hidden">; </span><span class="count count-' in html, page
