"""The built sites in a real browser (Debian's Chromium driven by Playwright).

Run alone with ``pytest -m browser``; skipped when /usr/bin/chromium is absent.
Screenshots of every page type at phone and desktop widths are saved to
``tests/artifacts/`` for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sitekit import REPO, site_under_test

from browserkit import CHROMIUM, serve  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "tests" / "artifacts"
WIDTHS = {"phone": 390, "desktop": 1280}


# --- serving and driving --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["valid", "example"])
def site(request):
    """(name, site root, built output, base URL of a local server)."""
    root, out = site_under_test(request)
    with serve(out) as base:
        yield request.param, root, out, base


class Watcher:
    """Records everything that went wrong while a page was open.

    Chromium's own request for /favicon.ico (made, some time after loading,
    when a page declares no icon) is left out here because its timing makes it
    flaky; ``test_no_errors_on_any_page`` checks for the icon declaration instead.
    """

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self.console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self.request_failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def request_failed(self, request):
        # net::ERR_ABORTED is a request the next navigation cancelled (the icon,
        # typically, when a test moves on at once), not a failure of the site;
        # a missing file still shows up as an HTTP error response.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def console(self, message):
        if message.type != "error":
            return
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        self.problems.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.watcher = Watcher(page)
    try:
        yield page
    finally:
        context.close()


def page_types(out: Path) -> dict[str, str]:
    """One page of each type: name → path in the output."""
    def first(section):
        found = sorted((out / section).glob("*/index.html"))
        assert found, f"no {section} pages in {out}"
        return found[0].relative_to(out).as_posix()

    return {
        "home": "index.html",
        "claims": "claims/index.html",
        "claim": first("claims"),
        "compare": "compare/index.html",
        "compare-outlets": "compare/outlets/index.html",
        "actors": "actors/index.html",
        "actor": first("actors"),
        "outlets": "outlets/index.html",
        "outlet": first("outlets"),
        "articles": "articles/index.html",
        "article": first("articles"),
    }


# --- tests ---------------------------------------------------------------------------------------------


def test_read_in_context_lands_on_the_highlight(site, page):
    name, _, out, base = site
    # a small window, so that the highlight is usually below the fold and must be scrolled to
    page.set_viewport_size({"width": 390, "height": 640})
    claim_pages = sorted((out / "claims").glob("*/index.html"))
    with_quotes = [p for p in claim_pages if 'class="to-context"' in p.read_text(encoding="utf-8")]
    assert with_quotes, "no claim page has a 'Read in context' link"
    claim_page = with_quotes[0].relative_to(out).as_posix()
    page.goto(base + claim_page)
    link = page.locator("a.to-context").last
    href = link.get_attribute("href")
    fragment = href.split("#", 1)[1]
    link.click()
    page.wait_for_url(f"**/articles/*/index.html#{fragment}")
    assert page.url.split("#")[0].startswith(base + "articles/")
    # The quote's anchor, an empty element at its start inside its highlighted passage (annotate.py).
    target = page.evaluate(
        "() => { const t = document.querySelector(':target'); return t && [t.id, !!t.closest('mark.hl')]; }"
    )
    assert target == [fragment, True]
    sync_api.expect(page.locator(f"mark.hl:has(#{fragment})")).to_be_in_viewport()
    assert page.watcher.problems == []


def count_outlets_with_articles(root: Path) -> set[str]:
    outlets = set()
    for path in (root / "content" / "articles").rglob("*.md"):
        front = path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n")
        outlets.add(yaml.safe_load(front)["outlet"])
    return outlets


def test_comparison_matrix_renders(site, page):
    _, root, out, base = site
    claims = len(list((out / "claims").glob("*/index.html")))
    # the main view: claims × independent origins, the folded origins in one "Others" column
    page.goto(base + "compare/index.html")
    table = page.locator("table.origin-matrix")
    sync_api.expect(table).to_be_visible()
    assert table.locator("tbody > tr").count() == claims
    header_cells = table.locator("thead th")
    columns = header_cells.count() - 1
    others = header_cells.nth(columns).inner_text().strip() == "Others"
    hrefs = [header_cells.nth(i).locator("a").get_attribute("href") for i in range(1, columns + 1 - others)]
    assert all(h.split("/")[-3] in ("actors", "outlets") for h in hrefs)
    every_row = table.locator("tbody > tr")
    for i in range(every_row.count()):
        assert every_row.nth(i).locator("td").count() == columns
    box = table.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    if others:  # the folded origins open without JavaScript
        details = table.locator("details.others").first
        details.locator("summary").click()
        sync_api.expect(details.locator(".others-list")).to_be_visible()
    # "How each outlet reported it": claims × outlets
    page.goto(base + "compare/outlets/index.html")
    table = page.locator("table.outlet-matrix")
    sync_api.expect(table).to_be_visible()
    assert table.locator("tbody > tr").count() == claims
    outlets = count_outlets_with_articles(root)
    header_cells = table.locator("thead th")
    assert header_cells.count() == 1 + len(outlets)  # the claim column, then one per outlet
    hrefs = [header_cells.nth(i).locator("a").get_attribute("href") for i in range(1, header_cells.count())]
    assert sorted(h.split("/")[-2] for h in hrefs) == sorted(outlets)
    every_row = table.locator("tbody > tr")
    for i in range(every_row.count()):
        assert every_row.nth(i).locator("td").count() == len(outlets)
    assert page.watcher.problems == []


def test_the_comparison_reads_on_a_phone(site, page):
    """At 390 px each claim is a card: nothing wider than the screen, every
    cell that says something named by its origin or outlet."""
    _, _, out, base = site
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("compare/index.html", "compare/outlets/index.html"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        labels = page.locator("table.matrix td.cell .cell-label")
        assert labels.count() > 0
        for i in range(min(labels.count(), 20)):
            sync_api.expect(labels.nth(i)).to_be_visible()
    assert page.watcher.problems == []


def test_no_errors_on_any_page(site, page):
    name, _, out, base = site
    if name == "valid":  # small: every page
        paths = [p.relative_to(out).as_posix() for p in sorted(out.rglob("*.html"))]
    else:
        paths = list(page_types(out).values())
    seen_css = []
    page.on("response", lambda r: r.url.endswith("/assets/style.css") and seen_css.append(r.status))
    without_icon = []
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        # the stylesheet applied: the header is dark, not the browser's default transparent
        background = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), path
        # without a declared icon Chromium asks the server root for /favicon.ico: a 404
        # console error on every site that has none (and the wrong icon under a sub-path)
        if not page.evaluate("!!document.querySelector('link[rel~=\"icon\"]')"):
            without_icon.append(path)
    assert seen_css, "the stylesheet was never requested"
    assert page.watcher.problems == []
    assert not without_icon, f"pages declare no icon, so the browser requests /favicon.ico: {without_icon}"


def test_site_works_from_disk(page, valid_out):
    page.goto((valid_out / "index.html").as_uri())
    background = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # the relative stylesheet link works
    page.locator(".site-nav a", has_text="Claims").click()
    page.wait_for_load_state("load")
    assert page.url == (valid_out / "claims" / "index.html").as_uri()
    assert page.locator("h1").inner_text() == "Claims"
    # and one step deeper, to a claim page and back up through the breadcrumb
    page.locator("a.claim-card-link").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith((valid_out / "claims").as_uri() + "/") and page.url.endswith("/index.html")
    page.locator(".breadcrumb a").click()
    page.wait_for_load_state("load")
    assert page.url == (valid_out / "claims" / "index.html").as_uri()
    assert page.watcher.problems == []


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_screenshots_of_every_page_type(site, browser, width):
    name, _, out, base = site
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})
    page = context.new_page()
    overflowing = []
    try:
        for kind, path in page_types(out).items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            shot = ARTIFACTS / f"{name}-{kind}-{WIDTHS[width]}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
            scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll[0] > scroll[1]:
                overflowing.append(f"{path}: page is {scroll[0]}px wide in a {scroll[1]}px window")
    finally:
        context.close()
    assert not overflowing, "horizontal scrolling:\n" + "\n".join(overflowing)
