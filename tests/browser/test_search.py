"""Search in a real browser: Pagefind's UI over the built example site.

The site is served by a local http.server under a sub-path (``/public/``),
as on a project's GitHub Pages, and every server is shut down. Nothing may
be fetched from anywhere but that server.
"""

from __future__ import annotations

import re
import shutil
import time
from urllib.parse import urlsplit

import pytest

from browserkit import CHROMIUM, serve  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from generator.preview.serve import DevServer  # noqa: E402 (after the skip checks)
from sitekit import VALID_SITE  # noqa: E402

pytestmark = pytest.mark.browser

SEARCH_INPUT = "#site-search input"
RESULT_LINK = "#site-search .pagefind-ui__result-link"


@pytest.fixture(scope="module")
def site_url(example_out):
    """The example site's home under a sub-path of a local server."""
    with serve(example_out.parent) as base:
        yield f"{base}{example_out.name}/"


def open_page(browser, java_script: bool = True):
    """A new page that records requests and errors in ``page.problems``/``page.requests``."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=java_script)
    page = context.new_page()
    page.requests, page.problems = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
    return page


@pytest.mark.parametrize("surname, actor", [("Stoltenberg", "jens-stoltenberg"), ("Mujahid", "zabihullah-mujahid")])
def test_typing_an_actors_surname_finds_their_page(browser, site_url, surname, actor):
    page = open_page(browser)
    try:
        page.goto(site_url + "claims/index.html")
        page.fill(SEARCH_INPUT, surname)
        first = page.locator(RESULT_LINK).first
        first.wait_for(timeout=15000)
        sub_path = urlsplit(site_url).path  # "/public/"
        assert re.fullmatch(rf"{re.escape(sub_path)}actors/{actor}/index\.html", first.get_attribute("href"))
        first.click()
        page.wait_for_url(f"**/actors/{actor}/index.html")
        assert surname in page.locator("h1").inner_text()
        assert not page.problems, page.problems
        assert all(url.startswith(site_url) for url in page.requests), "fetched from elsewhere"
    finally:
        page.context.close()


def test_results_are_labelled_with_their_type(browser, site_url):
    page = open_page(browser)
    try:
        page.goto(site_url + "index.html")
        page.fill(SEARCH_INPUT, "Stoltenberg")
        page.locator(RESULT_LINK).first.wait_for(timeout=15000)
        tags = page.locator("#site-search .pagefind-ui__result-tag").all_inner_texts()
        assert "Type: Actor" in tags and "Type: Claim" in tags
    finally:
        page.context.close()


def test_without_javascript_there_is_no_search_box_and_the_page_works(browser, site_url):
    page = open_page(browser, java_script=False)
    try:
        page.goto(site_url + "index.html")
        assert page.locator("#site-search").count() == 1
        assert not page.locator("#site-search").is_visible()
        assert page.locator("input").count() == 0
        page.click("nav >> text=Actors")
        page.wait_for_url("**/actors/index.html")
        assert page.locator("h1").is_visible()
        assert not any("pagefind" in url for url in page.requests)
    finally:
        page.context.close()


def test_opened_from_disk_the_search_box_stays_hidden(browser, example_out):
    page = open_page(browser)
    try:
        page.goto((example_out / "index.html").as_uri())
        page.wait_for_load_state("load")
        assert not page.locator("#site-search").is_visible()
        assert not any("pagefind" in url for url in page.requests)
        assert not page.problems, page.problems
    finally:
        page.context.close()


def test_serve_re_indexes_so_search_finds_an_edit(browser, tmp_path):
    """``factcheck serve`` keeps the index in memory and remakes it after a save."""
    site = tmp_path / "site"
    shutil.copytree(VALID_SITE, site)
    server = DevServer(site, port=0, log=lambda line: None)
    server.start()
    page = open_page(browser)
    try:
        page.goto(server.url + "index.html")
        page.fill(SEARCH_INPUT, "Critic")
        page.locator(RESULT_LINK).first.wait_for(timeout=15000)
        actor = site / "content" / "actors" / "bo-critic.md"
        actor.write_text(actor.read_text(encoding="utf-8").replace("name: Bo Critic", "name: Bo Sceptic"),
                         encoding="utf-8")
        deadline = time.monotonic() + 15
        while b"Bo Sceptic" not in server.builder.outputs.get("actors/bo-critic/index.html", b""):
            assert time.monotonic() < deadline, "serve did not rebuild after the save"
            time.sleep(0.05)
        server.wait_until_idle()
        # A fresh page: the open one reloads itself after the save (live reload).
        page.context.close()
        page = open_page(browser)
        page.goto(server.url + "index.html")
        page.fill(SEARCH_INPUT, "Sceptic")
        page.locator(RESULT_LINK).first.wait_for(timeout=15000)
        hrefs = [link.get_attribute("href") for link in page.locator(RESULT_LINK).all()]
        assert "/actors/bo-critic/index.html" in hrefs, hrefs
    finally:
        page.context.close()
        server.stop()
