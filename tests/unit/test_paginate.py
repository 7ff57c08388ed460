"""Site-wide pages stay a readable size at any scale (generator/outputs/paginate.py, generator/core/limits.py).

- Long lists (claims, articles, actors, outlets, updates, the claims × outlets
  matrix) continue on numbered pages, ``<section>/page/<n>/index.html``, each
  planned with EVERYTHING as its sources, and linked by one accessible
  navigation: every item is on exactly one page, in the order of the whole list.
- /compare/ shows "Most contested" and the actor agreement on its first page
  only; the pair list shows at most PAIRS_SHOWN pairs per group and
  SHARED_CLAIMS_SHOWN claims per pair, and says how many more there are.
- The home page lists at most HOME_CLAIMS claims, and links to all of them.
- The example site fits inside every limit: one page per list, every pair.

Most tests run on a small synthetic site with small limits patched in, so
they are fast and every limit is crossed; one runs the real limits on a site
just big enough to cross them.
"""

from __future__ import annotations

from collections import Counter

import re
from pathlib import Path, PurePosixPath

import pytest
from sitekit import REPO, graph_of, parse_html
from synthetic import make_site

from generator.core import limits
from generator.stages.catalogues import english_interface
from generator.outputs import agreementchart
from generator.outputs.paginate import Pagination, page_count, page_path, paginations

SECTIONS = ("claims", "compare", "compare/outlets", "articles", "actors", "outlets", "updates")
SMALL_SIZES = {"claims": 7, "compare": 8, "compare/outlets": 8, "articles": 9, "actors": 10, "outlets": 2, "updates": 2}
TEMPLATES = {"compare": "compare.html", "compare/outlets": "compare_outlets.html"}  # else <section>.html
SMALL_PAIRS = {"disagree": 3, "agree": 2, "neither": 1}
SMALL_OUTLET_CLAIMS = 4  # rows of an outlet's "Claims it reported" per page
SMALL_ACTOR_CLAIMS = 2  # claims of each of an actor's two lists per page
SMALL_OUTLET_ARTICLES = 3  # articles in an outlet's list per page
SMALL_RELAYED = 2  # statements relayed through an actor or an outlet per page


# --- the arithmetic -----------------------------------------------------------------------------


def test_page_paths():
    assert page_path("claims", 1) == "claims/index.html"
    assert page_path("claims", 2) == "claims/page/2/index.html"
    assert page_path("compare", 40) == "compare/page/40/index.html"


@pytest.mark.parametrize("items, size, pages", [(0, 50, 1), (1, 50, 1), (50, 50, 1), (51, 50, 2), (2000, 50, 40)])
def test_page_count(items, size, pages):
    assert page_count(items, size) == pages


@pytest.mark.parametrize("number, count, window", [
    (1, 1, [1]),
    (1, 2, [1, 2]),
    (1, 40, [1, 2, 3, None, 40]),
    (20, 40, [1, None, 18, 19, 20, 21, 22, None, 40]),
    (4, 40, [1, 2, 3, 4, 5, 6, None, 40]),  # a gap never hides one page alone
    (5, 8, [1, 2, 3, 4, 5, 6, 7, 8]),
    (40, 40, [1, None, 38, 39, 40]),
])
def test_window_of_page_links(number, count, window):
    assert Pagination("claims", number, count, count * 10, 10).window == window


def test_slices_cover_every_item_once():
    items = list(range(103))
    pages = paginations("articles", len(items), size=25)
    assert [p.number for p in pages] == [1, 2, 3, 4, 5] and all(p.count == 5 for p in pages)
    assert [x for p in pages for x in p.slice(items)] == items
    assert [(p.first_item, p.last_item) for p in pages] == [(1, 25), (26, 50), (51, 75), (76, 100), (101, 103)]
    assert (pages[0].previous, pages[0].next, pages[-1].previous, pages[-1].next) == (None, 2, 4, None)
    empty = paginations("updates", 0)
    assert len(empty) == 1 and not empty[0].paged and empty[0].slice([]) == []


# --- a small site with small limits ---------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """(graph, analysis, planned pages, rendered list pages) with the small limits patched in."""
    from generator.outputs.base import Page
    from generator.core.layout import DEFAULT_TEMPLATES
    from generator.outputs.render import Renderer
    from generator.outputs.siteplan import plan_pages

    root = tmp_path_factory.mktemp("paginate") / "site"
    make_site(root, 40, seed=3, claims=30, actors=24)
    with pytest.MonkeyPatch.context() as patch:
        for section, size in SMALL_SIZES.items():
            patch.setitem(limits.PAGE_SIZES, section, size)
        patch.setattr(limits, "HOME_CLAIMS", 6)
        patch.setattr(limits, "PAIRS_SHOWN", SMALL_PAIRS)
        patch.setattr(limits, "SHARED_CLAIMS_SHOWN", 2)
        patch.setattr(limits, "OUTLET_CLAIMS", SMALL_OUTLET_CLAIMS)
        patch.setattr(limits, "ACTOR_CLAIMS", SMALL_ACTOR_CLAIMS)
        patch.setattr(limits, "OUTLET_ARTICLES", SMALL_OUTLET_ARTICLES)
        patch.setattr(limits, "RELAYED_STATEMENTS", SMALL_RELAYED)
        add_updates(root)
        graph, analysis = graph_of(root)
        planned = {page.path: page for page in plan_pages(graph, analysis, english_interface())}
        renderer = Renderer(DEFAULT_TEMPLATES)
        html = {
            path: renderer.render(page, graph).decode("utf-8")
            for path, page in planned.items()
            if isinstance(page, Page) and (path == "index.html" or path.split("/")[0] in SECTIONS)
            # not the claim, actor, outlet, article pages, nor the numbered pages of their lists
            and (path.count("/") <= 1 or path.split("/")[1] == "page" or path.startswith("compare/"))
        }
    return graph, analysis, planned, html


def add_updates(root) -> None:
    """Synthetic claims carry no corrections: give a few of them one (the
    first five by id), so /updates/ has pages."""
    for number, path in enumerate(sorted((root / "content" / "claims").glob("*.md"))[:5]):
        text = path.read_text(encoding="utf-8")
        update = f"updates:\n  - date: 2024-01-{1 + number:02d}\n    note: Correction {number}.\n"
        path.write_text(text.replace("---\n", "---\n" + update, 1), encoding="utf-8")


def pages_of(section: str, html: dict[str, str]) -> list[str]:
    first = f"{section}/index.html"
    rest = sorted((p for p in html if p.startswith(f"{section}/page/")), key=lambda p: int(p.split("/")[-2]))
    return [first, *rest]


def expected_counts(graph, analysis) -> dict[str, int]:
    return {
        "claims": len(analysis.claims), "compare": len(analysis.claims), "compare/outlets": len(analysis.claims),
        "articles": len(graph.articles),
        "actors": len(analysis.actors), "outlets": len(analysis.outlets),
        "updates": sum(len(item.claim.updates) for item in analysis.claims.values()),
    }


def test_every_page_of_a_list_is_planned_with_its_items_as_its_sources(small):
    """A list page is made of the items on it (base.list_pages): the file of
    every item it links to is among its sources, and what it shows of the
    whole list (its number, the count, the total, its items in order) makes
    its ``shows`` differ from every other page's. Only /compare/'s first page,
    with "Most contested" and the actors' agreement, is made of everything."""
    from generator.outputs.base import EVERYTHING

    graph, analysis, planned, html = small
    records = {"claims": graph.claims, "compare": graph.claims, "compare/outlets": graph.claims,
               "updates": graph.claims, "articles": graph.articles, "actors": graph.actors, "outlets": graph.outlets}
    for section, total in expected_counts(graph, analysis).items():
        count = -(-total // SMALL_SIZES[section])
        assert count >= 2, f"the small site must cross the {section} limit"
        paths = [page_path(section, n) for n in range(1, count + 1)]
        assert pages_of(section, html) == paths
        assert not any(p.startswith(f"{section}/page/{count + 1}/") for p in planned)
        assert len({planned[path].shows for path in paths}) == count, section
        for path in paths:
            page = planned[path]
            assert page.section == section.split("/")[0]
            assert page.template == TEMPLATES.get(section, f"{section}.html")
            if path == "compare/index.html":
                assert page.sources == EVERYTHING
                continue
            shown = {records[section][item].path for item in re.findall(ITEM_LINKS[section], html[path])}
            assert shown and shown <= page.sources != EVERYTHING, path


ITEM_LINKS = {  # what marks one item of each list in its HTML
    "claims": r'class="claim-card-link" href="(?:\.\./)*claims/([^/"]+)/index\.html"',
    "compare": r'<th scope="row" class="matrix-claim">\s*<a href="(?:\.\./)*claims/([^/"]+)/index\.html"',
    "compare/outlets": r'<th scope="row" class="matrix-claim">\s*<a href="(?:\.\./)*claims/([^/"]+)/index\.html"',
    "articles": r'<li>\s*<a href="(?:\.\./)*articles/([^/"]+)/index\.html"',
    "actors": r'<li>\s*<a href="(?:\.\./)*actors/([^/"]+)/index\.html"',
    "outlets": r'<li>\s*<a href="(?:\.\./)*outlets/([^/"]+)/index\.html"',
    "updates": r'class="update-claim"><a href="(?:\.\./)*claims/([^/"]+)/index\.html"',
}


def test_every_item_is_on_exactly_one_page_in_the_order_of_the_whole_list(small):
    from generator.outputs.siteplan import all_updates, sorted_actors, sorted_articles

    graph, analysis, _, html = small
    claims = [item.claim.id for item in analysis.claims_in_order()]
    whole = {
        "claims": claims,
        "compare": claims,
        "compare/outlets": claims,
        "articles": [a.id for a in sorted_articles(graph)],
        "actors": [a.actor.id for a in sorted_actors(analysis)],
        "outlets": list(analysis.outlets),
        "updates": [item.claim.id for _, item, _ in all_updates(analysis.claims_in_order())],
    }
    for section, ids in whole.items():
        found = []
        for path in pages_of(section, html):
            on_page = re.findall(ITEM_LINKS[section], html[path])
            assert len(on_page) <= SMALL_SIZES[section], path
            found += on_page
        assert found == ids, section


def test_pagination_navigation(small):
    _, _, planned, html = small
    for section in SECTIONS:
        paths = pages_of(section, html)
        for number, path in enumerate(paths, start=1):
            page = parse_html(html[path])
            navs = page.find("nav", "pagination")
            assert len(navs) == 1 and navs[0]["aria-label"], path
            assert f"Page {number} of {len(paths)}" in page.text, path
            assert re.search(rf"<title>[^<]*{', page ' + str(number) if number > 1 else ''}", html[path])
            nav_html = html[path][html[path].index('<nav class="pagination"'):]
            nav = parse_html(nav_html[:nav_html.index("</nav>")])
            steps = {(a.get("rel"), resolve(path, a["href"])) for a in nav.find("a") if a.get("rel")}
            expected = ({("prev", paths[number - 2])} if number > 1 else set()) | (
                {("next", paths[number])} if number < len(paths) else set())
            assert steps == expected, path
            current = [resolve(path, a["href"]) for a in nav.find("a", **{"aria-current": "page"})]
            assert current == [path]
            for a in nav.find("a"):
                assert not a["href"].startswith(("/", "http")) and a["href"].endswith("index.html"), a["href"]
                assert resolve(path, a["href"]) in planned, a["href"]
            assert {resolve(path, a["href"]) for a in nav.find("a")} >= {paths[0], paths[-1]}


def resolve(page: str, href: str) -> str:
    """A relative link from ``page``, as a path from the site root."""
    parts = list(PurePosixPath(page).parent.parts)
    for part in href.split("#")[0].split("/"):
        if part == "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def test_compare_shows_most_contested_and_agreement_on_its_first_page_only(small):
    _, analysis, _, html = small
    assert analysis.most_contested and analysis.agreement
    first, *rest = pages_of("compare", html)
    assert 'id="contested-heading"' in html[first] and 'id="agreement-heading"' in html[first]
    for path in rest:
        assert 'id="contested-heading"' not in html[path] and 'id="agreement-heading"' not in html[path]
        assert 'id="matrix-heading"' in html[path] and "fc-fill-supports" in html[path]  # the bars' fills


def test_pair_list_is_bounded_and_says_how_many_more(small):
    _, analysis, _, html = small
    page = html["compare/index.html"]
    groups = {g.key: g for g in agreementchart.agreement_groups(agreementchart.pair_summaries(analysis.agreement), SMALL_PAIRS)}
    headings = re.findall(r'<h3>[^<]*<span class="group-count">([\d,]+) pairs?</span></h3>', page)
    assert [int(n.replace(",", "")) for n in headings] == [g.total for g in groups.values() if g.total]
    assert all(groups[key].total > limit for key, limit in SMALL_PAIRS.items()), "the site must cross every limit"
    listed = re.findall(r'<li class="pair" id="(pair-\d+)">(.*?)</details>', page, flags=re.DOTALL)
    assert len(listed) == sum(SMALL_PAIRS.values())
    assert [a for a, _ in listed] == [s.anchor for g in groups.values() for s in g.shown]
    for anchor, body in listed:
        assert body.count('class="pair-claim outcome-') <= 2, anchor
    more = re.findall(r'<p class="pair-more">Listed: the (\d+) [^;]*; ([\d,]+) more pairs? (?:is|are) not\.</p>', page)
    assert more == [(str(SMALL_PAIRS[k]), f"{groups[k].total - SMALL_PAIRS[k]:,}") for k in groups]
    assert 'Every <a href="../actors/index.html">actor’s page</a> gives their own record' in page
    cell_links = set(re.findall(r'<td class="grid-cell [^"]*"><a href="#(pair-\d+)"', page))
    assert cell_links <= {a for a, _ in listed}  # no grid cell links to a pair that is not listed


def test_long_pairs_list_only_their_first_shared_claims(small):
    _, analysis, _, html = small
    page = html["compare/index.html"]
    long = [(n, p) for n, p in enumerate(analysis.agreement, start=1) if len(p.shared) > 2]
    shown = dict(re.findall(r'<li class="pair" id="(pair-\d+)">(.*?)</details>', page, flags=re.DOTALL))
    checked = 0
    for number, pair in long:
        body = shown.get(f"pair-{number}")
        if body is None:
            continue
        checked += 1
        assert body.count('class="pair-claim outcome-') == 2
        more = len(pair.shared) - 2
        assert f"{more} more shared {'claim is' if more == 1 else 'claims are'} on the pages of" in body
        assert f'href="../actors/{pair.first.id}/index.html"' in body
    assert checked, "the small site must list a pair with more than two shared claims"


def test_home_lists_the_most_recently_reviewed_claims_and_links_to_all(small):
    from generator.outputs.feeds import latest_date

    _, analysis, _, html = small
    page = html["index.html"]
    section = page[page.index('id="claims-heading"'):]
    section = section[:section.index("</section>")]
    assert "Recently reviewed" in section
    shown = re.findall(r'class="claim-card-link" href="claims/([^/"]+)/index\.html"', section)
    contested = {c.claim.id for c in analysis.most_contested}
    assert contested, "the small site must have contested claims, shown above the list"
    dated = sorted((c for c in analysis.claims.values() if latest_date(c) and c.claim.id not in contested),
                   key=lambda c: (-latest_date(c).toordinal(), c.claim.id))
    assert len(dated) > 6
    assert shown == [c.claim.id for c in dated[:6]]
    assert f'<a href="claims/index.html">All {len(analysis.claims)} claims <span aria-hidden="true">→</span></a>' in section


def test_an_outlets_long_lists_continue_on_numbered_pages(small):
    """Every claim an outlet reported is in its table once, in order, across
    its pages, every article in its list of articles and every statement
    relayed through it in that list, which each begin on the outlet's page
    and continue on numbered pages of their own; the facts are on the first
    page only, which alone the search index holds; each page is made of the
    whole outlet and shows one list, or the first page of all three."""
    from generator.core.layout import DEFAULT_TEMPLATES
    from generator.outputs.render import Renderer

    graph, analysis, planned, _ = small
    renderer = Renderer(DEFAULT_TEMPLATES)
    outlets = analysis.outlets.values()
    assert any(len(item.claims) > SMALL_OUTLET_CLAIMS for item in outlets), "cross the limit"
    assert any(len(item.articles) > SMALL_OUTLET_ARTICLES for item in outlets), "cross the limit"
    assert any(len(item.relayed) > SMALL_RELAYED for item in outlets), "cross the limit"
    for item in outlets:
        folder = f"outlets/{item.outlet.id}"
        claims = [page_path(folder, n) for n in range(1, page_count(len(item.claims), SMALL_OUTLET_CLAIMS) + 1)]
        articles = [claims[0]] + [page_path(f"{folder}/articles", n)
                                  for n in range(2, page_count(len(item.articles), SMALL_OUTLET_ARTICLES) + 1)]
        relayed = relayed_pages(folder, item.relayed)
        assert sorted(p for p in planned if p.startswith(f"{folder}/")) == sorted({*claims, *articles, *relayed})
        assert len({planned[p].sources for p in {*claims, *articles, *relayed}}) == 1  # made of the whole outlet
        html = {path: renderer.render(planned[path], graph).decode("utf-8") for path in {*claims, *articles, *relayed}}
        check_relayed(relayed, html, item.relayed, f"Statements relayed through {item.outlet.name}")
        for name, paths, pattern, expected in [
                ("claims", claims, r'<th scope="row"><a href="(?:\.\./)*claims/([^/"]+)/index\.html"',
                 [report.claim.claim.id for report in item.claims]),
                ("articles", articles, r'<li><a href="(?:\.\./)*articles/([^/"]+)/index\.html"',
                 [article.id for article in item.articles])]:
            listed = []
            for number, path in enumerate(paths, start=1):
                on_page = re.findall(pattern, html[path])
                assert len(on_page) <= (SMALL_OUTLET_CLAIMS if name == "claims" else SMALL_OUTLET_ARTICLES), path
                listed += on_page
                if len(paths) > 1:
                    page = parse_html(html[path])
                    assert page.find("nav", "pagination") and f"Page {number} of {len(paths)}" in page.text
                    steps = {(a.get("rel"), resolve(path, a["href"]))
                             for a in page.find("a") if a.get("rel") in ("prev", "next")}
                    assert ({("prev", paths[number - 2])} if number > 1 else set()) | (
                        {("next", paths[number])} if number < len(paths) else set()) <= steps, (name, path)
            assert listed == expected, (name, folder)
        for path, page in html.items():
            first = path == claims[0]
            assert ("data-pagefind-body" in page, '<dl class="facts">' in page) == (first, first), path
            assert ('id="articles-heading"' in page) == (path in articles), path
            assert ('id="reported-heading"' in page) == (path in claims and bool(item.claims)), path
            assert ('id="relayed-heading"' in page) == (path in relayed and bool(item.relayed)), path
            assert f"<h1>{item.outlet.name}</h1>" in page
            if path in articles[1:]:
                title = f"<title>Articles from {item.outlet.name}, page {articles.index(path) + 1} of {len(articles)} ·"
            elif path in relayed[1:]:
                continue  # check_relayed
            else:
                number = claims.index(path) + 1
                title = f"<title>{item.outlet.name}{f', page {number} of {len(claims)}' if number > 1 else ''} ·"
            assert title in page, path


def relayed_pages(folder: str, relayed: list) -> list[str]:
    """The pages of a profile's statements relayed through it: the profile's page, then its own numbered pages."""
    return [page_path(folder, 1)] + [page_path(f"{folder}/relayed", n)
                                     for n in range(2, page_count(len(relayed), SMALL_RELAYED) + 1)]


def check_relayed(paths: list[str], html: dict[str, str], relayed: list, heading: str) -> None:
    """Every statement relayed through the profile is on one of ``paths``, in
    order, at most SMALL_RELAYED a page; the numbered pages show that list
    alone, with its title, and step to their neighbours."""
    cards = []
    for number, path in enumerate(paths, start=1):
        page = html[path]
        section = page[page.index('id="relayed-heading"'):] if relayed else ""
        section = section[:section.index("</section>")] if section else ""
        on_page = re.findall(r'<blockquote class="quote-text"[^>]*><p>(.*?)</p>', section, re.S)
        assert len(on_page) <= SMALL_RELAYED, path
        cards += on_page
        if number > 1:
            assert f"<title>{heading}, page {number} of {len(paths)} ·" in page, path
            assert "data-pagefind-body" not in page and '<dl class="facts">' not in page, path
        if len(paths) > 1:
            steps = {(a.get("rel"), resolve(path, a["href"])) for a in parse_html(page).find("a") if a.get("rel")}
            assert ({("prev", paths[number - 2])} if number > 1 else set()) | (
                {("next", paths[number])} if number < len(paths) else set()) <= steps, path
    assert len(cards) == len(relayed), paths[0]


def test_an_actors_long_lists_continue_on_numbered_pages(small):
    """"What they said" and "Statements counted under …" each list every
    claim once, in order, across the actor's page and the numbered pages of
    their own; the profile, the scorecards and the relayed statements are on
    the actor's page only, which alone the search index holds; each page is
    made of the whole actor; a counted speaker's link and a feed entry's link
    lead to the numbered page that has the claim's section."""
    from generator.core.layout import DEFAULT_TEMPLATES
    from generator.outputs.render import Renderer

    graph, analysis, planned, _ = small
    renderer = Renderer(DEFAULT_TEMPLATES)
    rendered: dict[str, str] = {}

    def html_of(path: str) -> str:
        if path not in rendered:
            rendered[path] = renderer.render(planned[path], graph).decode("utf-8")
        return rendered[path]

    items = analysis.actors.values()
    assert any(len(item.claims) > SMALL_ACTOR_CLAIMS for item in items), "cross the limit"
    assert any(len(item.counted) > SMALL_ACTOR_CLAIMS for item in items), "cross the limit"
    followed = 0
    for item in items:
        folder = f"actors/{item.actor.id}"
        said = [page_path(folder, n) for n in range(1, page_count(len(item.claims), SMALL_ACTOR_CLAIMS) + 1)]
        counted = [said[0]] + [page_path(f"{folder}/counted", n)
                               for n in range(2, page_count(len(item.counted), SMALL_ACTOR_CLAIMS) + 1)]
        assert not item.relayed  # the synthetic site relays nothing through actors: see the example site's test
        assert sorted(p for p in planned if p.startswith(f"{folder}/") and p.endswith(".html")) == sorted({*said, *counted})
        assert len({planned[p].sources for p in {*said, *counted}}) == 1  # each page is made of the whole actor
        for name, paths, section_id, expected in [
                ("what they said", said, "claim-", [s.claim.claim.id for s in item.claims]),
                ("counted under", counted, "counted-claim-", [c.claim.claim.id for c in item.counted])]:
            listed = []
            for number, path in enumerate(paths, start=1):
                html = html_of(path)
                on_page = re.findall(rf'<section class="said-claim" id="{section_id}([^"]+)">', html)
                assert len(on_page) <= SMALL_ACTOR_CLAIMS, path
                listed += on_page
                if len(paths) > 1:
                    assert f"Page {number} of {len(paths)}" in html, (name, path)
                    page = parse_html(html)
                    steps = {(a.get("rel"), resolve(path, a["href"]))
                             for a in page.find("a") if a.get("rel") in ("prev", "next")}
                    assert ({("prev", paths[number - 2])} if number > 1 else set()) | (
                        {("next", paths[number])} if number < len(paths) else set()) <= steps, (name, path)
            assert listed == expected, (name, folder)
        for path in {*said, *counted}:
            html = html_of(path)
            first = path == said[0]
            shows = ("data-pagefind-body" in html, '<dl class="facts">' in html, 'id="scorecard-heading"' in html)
            assert shows == (first, first, first and bool(item.claims)), path
            assert f"<h1>{item.actor.name}</h1>" in html
            if path in counted[1:]:
                assert f"<title>Statements counted under {item.actor.name}, page {counted.index(path) + 1} of" in html
            elif not first:
                assert f"<title>{item.actor.name}, page {said.index(path) + 1} of {len(said)} ·" in html
            # each speaker counted under it: to the page of their own list that has the claim
            for href in re.findall(r'<ul class="counted-speakers">(.*?)</ul>', html, re.S):
                for target, anchor in re.findall(r'<a href="([^"#]+)#(claim-[^"]+)"', href):
                    assert f'id="{anchor}"' in html_of(resolve(path, target)), (path, target, anchor)
                    followed += 1
    assert followed, "some counted speaker's link was followed"
    feeds = [p for p in planned if p.startswith("actors/") and p.endswith("/feed.xml")]
    moved = 0
    for path in feeds:
        for href in re.findall(r'<link rel="alternate" type="text/html" href="https://[^/]+/([^"#]*)#(claim-[^"]+)"',
                               planned[path].produce().decode("utf-8")):
            target = href[0] + "index.html" if href[0].endswith("/") else href[0]
            assert f'id="{href[1]}"' in html_of(target), (path, href)
            moved += "/page/" in target
    assert moved, "some feed entry links a numbered page"


def test_statements_relayed_through_an_actor_continue_on_numbered_pages(monkeypatch):
    """On the example site, where statements are relayed through actors
    (news agencies, broadcasters), with a small page size."""
    from generator.core.layout import DEFAULT_TEMPLATES
    from generator.outputs.render import Renderer
    from generator.outputs.siteplan import plan_pages

    monkeypatch.setattr(limits, "RELAYED_STATEMENTS", SMALL_RELAYED)
    graph, analysis = graph_of(REPO)
    planned = {page.path: page for page in plan_pages(graph, analysis, english_interface())}
    renderer = Renderer(DEFAULT_TEMPLATES)
    items = [item for item in analysis.actors.values() if len(item.relayed) > SMALL_RELAYED]
    assert items, "cross the limit"
    for item in items:
        paths = relayed_pages(f"actors/{item.actor.id}", item.relayed)
        html = {path: renderer.render(planned[path], graph).decode("utf-8") for path in paths}
        check_relayed(paths, html, item.relayed, f"Statements relayed through {item.actor.name}")


def test_sitemap_lists_every_page_of_every_list(small):
    _, _, planned, html = small
    sitemap = planned["sitemap.xml"].produce().decode("utf-8")
    for section in SECTIONS:
        for path in pages_of(section, html):
            assert f"/{path.removesuffix('index.html')}</loc>" in sitemap, path


# --- the real limits -------------------------------------------------------------------------------


def test_real_limits_bound_the_site_wide_pages(tmp_path):
    """A site just over the real page sizes: every list page holds at most its size."""
    from generator.core.layout import DEFAULT_TEMPLATES
    from generator.outputs.render import Renderer
    from generator.outputs.siteplan import plan_pages

    root = tmp_path / "site"
    make_site(root, limits.PAGE_SIZES["articles"] + 5, seed=5, claims=limits.PAGE_SIZES["compare"] + 3, actors=30)
    graph, analysis = graph_of(root)
    planned = {page.path: page for page in plan_pages(graph, analysis, english_interface())}
    renderer = Renderer(DEFAULT_TEMPLATES)
    for section in ("claims", "compare", "articles"):
        assert page_path(section, 2) in planned and page_path(section, 3) not in planned, section
    compare = renderer.render(planned["compare/index.html"], graph).decode("utf-8")
    assert compare.count('<th scope="row" class="matrix-claim">') == limits.PAGE_SIZES["compare"]
    head = compare[compare.index('<table class="matrix origin-matrix">'):compare.index("</thead>")]
    assert analysis.origin_matrix.folded, "the site must have more origins than columns"
    assert head.count('<th scope="col"') == 1 + len(analysis.origin_matrix.columns) + 1  # claims, origins, "Others"
    assert len(analysis.origin_matrix.columns) <= limits.ORIGIN_COLUMNS
    # The legend says most folded origins speak on one claim only when, and only when, they do.
    matrix = analysis.origin_matrix
    on_one = sum(1 for n in Counter(key for item in analysis.claims.values() for key in item.by_origin).values()
                 if n == 1)
    assert matrix.folded_on_one_claim == on_one
    assert ("most of them speaking on one claim only" in compare) == (2 * on_one > matrix.folded)
    assert f"the {matrix.folded} others" in compare
    listed = len(re.findall(r'<li class="pair" id=', compare))
    assert listed <= sum(limits.PAIRS_SHOWN.values()) < len(analysis.agreement)
    home = renderer.render(planned["index.html"], graph).decode("utf-8")
    assert home.count('class="claim-card"') <= limits.HOME_CLAIMS + len(analysis.most_contested)
    articles = renderer.render(planned["articles/page/2/index.html"], graph).decode("utf-8")
    assert "Page 2 of 2" in articles and "<title>Articles, page 2 of 2 ·" in articles


# --- the example site fits inside every limit --------------------------------------------------------


def test_example_site_is_one_page_per_list_with_every_pair(example_out: Path):
    _, analysis = graph_of(REPO)
    assert not list(example_out.glob("*/page"))
    assert len(analysis.claims) <= limits.HOME_CLAIMS
    home = (example_out / "index.html").read_text(encoding="utf-8")
    assert analysis.most_contested and 'id="claims-heading">Other claims<' in home
    cards = re.findall(r'class="claim-card-link" href="claims/([^/"]+)/index\.html"', home)
    assert sorted(cards) == sorted(analysis.claims)  # every claim, once: the most contested are not repeated
    compare = (example_out / "compare/index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<li class="pair" id=', compare)) == len(analysis.agreement)
    assert "pair-more" not in compare and "pagination" not in compare
    for section in SECTIONS:
        assert 'class="pagination"' not in (example_out / section / "index.html").read_text(encoding="utf-8")


def test_only_the_first_compare_page_works_out_the_actor_agreement(tmp_path, monkeypatch):
    """The agreement (Analysis.agreement_shown, what the page prints of it) is
    shown on /compare/'s first page only: rendering another page of the
    comparison does not work it out (each render worker did, for each such
    page), and no page works out the list of every pair (Analysis.agreement,
    1.3-1.5 s of CPU at 10,000 articles)."""
    from generator.outputs.siteplan import plan_pages

    root = tmp_path / "site"
    make_site(root, 30, seed=4, claims=20, actors=12)
    monkeypatch.setitem(limits.PAGE_SIZES, "compare", 8)
    graph, analysis = graph_of(root)
    planned = {page.path: page for page in plan_pages(graph, analysis, english_interface())}
    worked_out = {"agreement", "agreement_shown"}
    assert not worked_out & set(vars(analysis))  # the analysis leaves it to the page
    second = planned[page_path("compare", 2)].make_context()
    assert second["rows"] and not worked_out & set(vars(analysis))
    first = planned["compare/index.html"].make_context()
    assert first["agreement"] and first["agreement"] is analysis.agreement_shown
    assert first["agreement"].pairs == len(analysis.agreement)
    graph, analysis = graph_of(root)  # a fresh analysis: the first page alone
    first_page = next(page for page in plan_pages(graph, analysis, english_interface()) if page.path == "compare/index.html")
    first_page.make_context()
    assert "agreement" not in vars(analysis)


def test_every_comparison_page_is_made_again_when_its_legend_would_change(tmp_path, monkeypatch):
    """Each page of /compare/ says whether most folded origins speak on one
    claim only: that is part of what every page shows (its key), not only
    the first page's, whose sources are everything."""
    from generator.outputs.siteplan import plan_pages
    from generator.stages.comparison import OriginMatrix

    root = tmp_path / "site"
    make_site(root, limits.PAGE_SIZES["articles"] + 5, seed=5, claims=limits.PAGE_SIZES["compare"] + 3, actors=30)
    graph, analysis = graph_of(root)

    def shows() -> str:
        planned = {page.path: page for page in plan_pages(graph, analysis, english_interface())}
        return planned[page_path("compare", 2)].shows

    before = shows()
    flipped = not analysis.origin_matrix.folded_mostly_on_one_claim
    monkeypatch.setattr(OriginMatrix, "folded_mostly_on_one_claim", property(lambda self: flipped))
    assert shows() != before
