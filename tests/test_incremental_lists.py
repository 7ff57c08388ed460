"""Paginated lists rebuilt in proportion to the change, and still equal to a clean build.

A page of a list (/claims/, /actors/, /compare/…) is made of the items on
it, plus what it shows of the whole list: its number, the number of pages,
the total, which items it holds in which order, and whatever else it prints
of the whole site (``base.list_pages``, ``Page.shows``). These tests shrink
every list to one or two items a page, so that the fixture's few claims,
actors and articles span several pages, and make each kind of change that
must reach pages whose items did not change: a claim moving across a page
boundary, a list's total changing, the comparison's columns changing. After
each, the incremental site must equal a clean build byte for byte. And an
edit must re-render only the list pages whose items it touches.
"""

from __future__ import annotations

import random
import re

import pytest

from generator.core import limits
from generator.engine.incremental import IncrementalBuilder
from test_incremental import BASE_URL, Editor, clean_build, join, make_site, split, VALID_SITE


@pytest.fixture
def small_pages(monkeypatch):
    """One item a list page; one column of the origins' comparison. The
    clean builds' worker processes are forked, so they see it too."""
    for section in limits.PAGE_SIZES:
        monkeypatch.setitem(limits.PAGE_SIZES, section, 1)
    monkeypatch.setattr(limits, "ORIGIN_COLUMNS", 1)


@pytest.fixture
def site(tmp_path, small_pages):
    return make_site(tmp_path, VALID_SITE)


def rebuilt_equals_clean(builder: IncrementalBuilder, site, tmp_path):
    report = builder.rebuild()
    assert report.ok, builder.diagnostics.sorted()
    expected = clean_build(site, tmp_path / "clean")
    differing = sorted(p for p in expected.keys() | builder.outputs.keys() if expected.get(p) != builder.outputs.get(p))
    assert not differing, f"incremental output differs in {differing[:10]}"
    return report


def claim_on_each_page(outputs: dict[str, bytes], section: str) -> list[str]:
    """The claims linked from the matrix or card of each page of ``section``, page by page."""
    pages = sorted((p for p in outputs if re.fullmatch(rf"{section}/(page/\d+/)?index\.html", p)),
                   key=lambda p: int(p.split("/")[-2]) if "/page/" in p else 1)
    link = re.compile(r'(?:class="claim-card-link" href="|class="matrix-claim">\s*<a href=")[^"]*?claims/([^/"]+)/(?:index\.html)?"')
    return [link.findall(outputs[p].decode()) for p in pages]


def page_status(outputs: dict[str, bytes], path: str) -> str:
    return re.search(r'<p class="page-status">Page \d+ of \d+', outputs[path].decode()).group(0)


def column_headers(outputs: dict[str, bytes], path: str) -> list[str]:
    return re.findall(r'<th scope="col"><a href="[^"]*">([^<]+)</a>', outputs[path].decode())


def test_a_claim_moving_across_a_page_boundary(site, tmp_path):
    """River Clean is reported by one outlet and one origin, and comes last;
    two statements on it in the other outlet's article (the critic's, and the
    outlet's own) make it the widest reported: it moves to the first page of
    /claims/ and of both comparisons, and the claims it passes move down a page."""
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    before = claim_on_each_page(builder.outputs, "claims")
    path = site / "content" / "articles" / "bridge-late.md"
    front, body = split(path)
    front["mentions"] += [
        {"claim": "river-clean", "actor": "bo-critic", "stance": "disputes", "quote": "it was a month late"},
        {"claim": "river-clean", "stance": "supports", "quote": "cost 14 million euros"},
    ]
    join(path, front, body)
    rebuilt_equals_clean(builder, site, tmp_path)
    assert before[-1] == ["river-clean"]
    for section in ("claims", "compare", "compare/outlets"):
        after = claim_on_each_page(builder.outputs, section)
        assert after == [["river-clean"]] + before[:-1], (section, before, after)


def test_a_lists_total_changing(site, tmp_path):
    """A new claim is a new page of /claims/ and of both comparisons: every
    other page says "Page n of 4" instead of "of 3"; a deleted article, one
    page fewer of /articles/."""
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    assert page_status(builder.outputs, "claims/page/2/index.html") == '<p class="page-status">Page 2 of 3'
    Editor(site, random.Random(0)).add_claim()
    rebuilt_equals_clean(builder, site, tmp_path)
    assert page_status(builder.outputs, "claims/page/2/index.html") == '<p class="page-status">Page 2 of 4'
    assert page_status(builder.outputs, "compare/outlets/page/3/index.html").endswith("of 4")
    (site / "content" / "articles" / "bridge-opens.md").unlink()
    rebuilt_equals_clean(builder, site, tmp_path)
    assert "articles/page/2/index.html" not in builder.outputs


def test_the_comparisons_columns_changing(site, tmp_path):
    """The origins' comparison has one column, the origin that speaks on the
    most claims. Renaming it changes the header of every page of /compare/,
    even those whose row it is silent on; a new outlet is a new column of
    every page of /compare/outlets/."""
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    pages = [p for p in builder.outputs if re.fullmatch(r"compare/(page/\d+/)?index\.html", p)]
    (column,) = {tuple(column_headers(builder.outputs, p)) for p in pages}
    (name,) = column
    origin = next(p for p in (site / "content").glob("*/*.md") if split(p)[0].get("name") == name)
    front, body = split(origin)
    front["name"] = "Renamed Origin"
    join(origin, front, body)
    rebuilt_equals_clean(builder, site, tmp_path)
    assert {tuple(column_headers(builder.outputs, p)) for p in pages} == {("Renamed Origin",)}

    outlets_before = column_headers(builder.outputs, "compare/outlets/page/3/index.html")
    join(site / "content" / "outlets" / "new-outlet.md", {"name": "A New Outlet"}, "")
    article = site / "content" / "articles" / "bridge-opens.md"
    front, body = split(article)
    front["outlet"] = "new-outlet"
    join(article, front, body)
    rebuilt_equals_clean(builder, site, tmp_path)
    assert column_headers(builder.outputs, "compare/outlets/page/3/index.html") != outlets_before


def rendered_by(builder: IncrementalBuilder) -> set[str]:
    """Rebuild; the outputs it rendered: those whose key changed (the
    pipeline's one rule; the key is kept in the builder's state)."""
    before = dict(builder._state.page_keys)
    assert builder.rebuild().ok, builder.diagnostics.sorted()
    after = builder._state.page_keys
    return {path for path, key in after.items() if before.get(path) != key}


def test_an_edit_re_renders_only_the_list_pages_that_show_it(site, tmp_path):
    """A changed claim statement re-renders the one page of /claims/, of
    /compare/outlets/ and of /compare/ that shows it (and /compare/'s first
    page, which shows the most contested claims), not the pages of the other
    claims, nor /articles/ (which shows no claim)."""
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    page = {section: {claims[0]: path_of(section, n)
                      for n, claims in enumerate(claim_on_each_page(builder.outputs, section), 1)}
            for section in ("claims", "compare", "compare/outlets")}
    claim = site / "content" / "claims" / "river-clean.md"
    front, body = split(claim)
    front["statement"] = "The river is clean again."
    join(claim, front, body)
    rendered = rendered_by(builder)
    for section, pages in page.items():
        assert pages["river-clean"] in rendered, section
        assert pages["bridge-finished"] not in rendered, (section, sorted(rendered))
    # /compare/'s first page, with bridge-cost, is made of every claim and actor
    assert page["claims"]["bridge-cost"] not in rendered and page["compare/outlets"]["bridge-cost"] not in rendered
    assert not {p for p in rendered if p.startswith("articles/") and "/page/" in p or p == "articles/index.html"}
    assert builder.outputs == clean_build(site, tmp_path / "clean")


def path_of(section: str, number: int) -> str:
    return f"{section}/index.html" if number == 1 else f"{section}/page/{number}/index.html"
