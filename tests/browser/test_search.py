"""Search in a real browser: Pagefind's UI over the built example site.

The site is served by a local http.server under a sub-path (``/public/``),
as on a project's GitHub Pages, and every server is shut down. Nothing may
be fetched from anywhere but that server.

The index is in shards (``generator/engine/search_shards.py``) that the UI
searches through ``templates/static/search/pagefind.js``; a reader must find
the same pages, with the same excerpts, as in one index.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from urllib.parse import urlsplit

import pytest

from browserkit import CHROMIUM, serve  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

import generator.engine.search_shards  # noqa: E402 (after the skip checks)
from generator.engine.build import build  # noqa: E402
from generator.preview.serve import DevServer  # noqa: E402
from sitekit import REPO, VALID_SITE  # noqa: E402

pytestmark = pytest.mark.browser

SEARCH_INPUT = "#site-search input"
RESULT_LINK = "#site-search .pagefind-ui__result-link"
RESULT = "#site-search .pagefind-ui__result"
MESSAGE = "#site-search .pagefind-ui__message"
LOAD_MORE = "#site-search .pagefind-ui__button"
# Words found on several kinds of page, more than one screen of results for most.
TERMS = ["Taliban", "Stoltenberg", "Mujahid", "strategic", "Kabul", "Ghani", "troops"]
# Where a shard has no word that starts like a searched word, Pagefind searches
# that shard for the longest word that the searched one starts with instead
# ("he" for "Helmand", "do" for "Doha": pagefind_web's find_word_extensions),
# and its own merging (mergeIndex) keeps what each shard found. One index falls
# back only when no page of the whole site has the word. Counted on the example
# site with Pagefind's merging, one index → 26 small shards: "Helmand
# province" 13 → 21, "Doha" 24 → 25, "NATO troops" 3 → 8, "Taliban
# commanders" 23 → 48. search/pagefind.js applies one index's rule instead.
FALLBACK_TERMS = ["Helmand province", "Doha", "NATO troops", "Taliban commanders", "al-Qaeda"]
# Words of one page only, so of one shard: names, a place, a long word.
RARE_TERMS = ["Zemlianichenko", "Moscow", "Alexander", "parliamentarian", "Moscow delegation"]
# As typed, mid-word; words in no page (alone: no result; beside a word that
# pages have: one index leaves the unknown word out); an exact phrase.
PARTIAL_TERMS = ["Zemlian", "Helm", "Stolten", "comma", "Taliban comma"]
NOWHERE_TERMS = ["xylophonic", "Taliban xylophonic", "Kabul qwzx"]
EXACT_TERMS = ['"Taliban commanders"']


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


# --- shards: the same results as one index ------------------------------------------------------


def built_with_shards(out, shard_pages: int, one_kind: bool = False):
    """The example site built with ``shard_pages`` pages a shard (and, with
    ``one_kind``, every page of one kind): the shard count a big site has."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator.engine.search_shards, "SHARD_PAGES", shard_pages)
        if one_kind:
            patch.setattr(generator.engine.search_shards, "kind_of", lambda path: "all")
        result = build(REPO, out, use_cache=False)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return out


@pytest.fixture(scope="module")
def one_and_many_shards(tmp_path_factory):
    """The example site under one server: ``one/`` with a single index,
    ``kinds/`` as built (78 pages: a shard per kind), ``many/`` with small shards."""
    root = tmp_path_factory.mktemp("shards")
    built_with_shards(root / "one", 10 ** 6, one_kind=True)
    built_with_shards(root / "kinds", generator.engine.search_shards.SHARD_PAGES)
    built_with_shards(root / "many", 4)
    with serve(root) as base:
        yield root, base


def search_results(page, term: str) -> tuple[str, list[str]]:
    """What the reader sees for ``term``: the message ("12 results for …"), and
    every result (all screens of them, in text: links, titles, excerpts), sorted."""
    page.fill(SEARCH_INPUT, term)
    page.wait_for_function(
        """term => { const m = document.querySelector("#site-search .pagefind-ui__message");
                     return m && m.textContent.includes(term) && !/searching/i.test(m.textContent); }""",
        arg=term, timeout=15000)
    while True:  # each result's data loads on its own: wait for all shown, then show more
        page.wait_for_function(
            """() => !document.querySelector("#site-search .pagefind-ui__result .pagefind-ui__loading")""",
            timeout=15000)
        if not page.locator(LOAD_MORE).count():
            break
        page.click(LOAD_MORE)
    # Each result: its page's link, title and excerpt, then those of its sections (sub-results).
    results = page.locator(RESULT).evaluate_all("""results => results.map(r =>
        Array.from(r.querySelectorAll(".pagefind-ui__result-title, .pagefind-ui__result-excerpt"))
             .map(e => e.querySelector("a") ? e.querySelector("a").getAttribute("href") + " " + e.textContent
                                            : e.textContent).join(" | "))""")
    site_path = urlsplit(page.url).path.rsplit("/", 1)[0] + "/"  # links are absolute: make them the same in both sites
    return page.locator(MESSAGE).inner_text(), sorted(result.replace(site_path, "/") for result in results)


def test_the_example_site_is_split_into_many_shards(one_and_many_shards):
    root, _ = one_and_many_shards
    one = (root / "one" / "pagefind" / "shards.json").read_text(encoding="utf-8")
    kinds = (root / "kinds" / "pagefind" / "shards.json").read_text(encoding="utf-8")
    many = (root / "many" / "pagefind" / "shards.json").read_text(encoding="utf-8")
    assert '"all-0/"' in one and one.count("/") == 1
    assert kinds.count("/") == 4
    assert many.count("/") >= 10 and all(kind in many for kind in ("actors-", "articles-", "claims-", "outlets-"))


def searched_in_both(browser, base: str, term: str, builds=("one", "many"),
                     expect_results: bool = True) -> dict[str, tuple[str, list[str]]]:
    seen = {}
    for build_name in builds:
        page = open_page(browser)
        try:
            page.goto(f"{base}{build_name}/index.html")
            seen[build_name] = search_results(page, term)
            assert not page.problems, page.problems
            assert all(url.startswith(base) for url in page.requests), "fetched from elsewhere"
        finally:
            page.context.close()
    assert bool(seen["one"][1]) == expect_results, f"{term!r}: {seen['one']}"
    return seen


def test_every_shard_searches_with_one_download_of_pagefinds_webassembly(browser, one_and_many_shards):
    """Each shard's Pagefind asks for its own wasm.<language>.pagefind (the
    same bytes in all): search/worker.js fetches it once for all of them."""
    root, base = one_and_many_shards
    shards = json.loads((root / "many" / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    page = open_page(browser)
    try:
        page.goto(f"{base}many/index.html")
        message, results = search_results(page, "Taliban")
        assert results and not page.problems, (message, page.problems)
        files = [urlsplit(url).path for url in page.requests]
        wasm = [path for path in files if path.rsplit("/", 1)[-1].startswith("wasm.")]
        entries = [path for path in files if path.endswith("/pagefind-entry.json")]
        assert len(shards) >= 10 and len(entries) == len(shards), entries  # every shard was searched
        assert len(wasm) == 1, wasm
    finally:
        page.context.close()


NOTHING_FOUND = {"xylophonic"}  # terms of which one index finds nothing: the same must hold in shards


@pytest.mark.parametrize("term", TERMS + FALLBACK_TERMS + RARE_TERMS + PARTIAL_TERMS + NOWHERE_TERMS + EXACT_TERMS)
def test_a_reader_finds_the_same_pages_in_shards_as_in_one_index(browser, one_and_many_shards, term):
    """Same message ("73 results for Taliban"), same results with the same
    titles, excerpts and sections (their order may differ: each index ranks
    its pages against its own word statistics)."""
    seen = searched_in_both(browser, one_and_many_shards[1], term, expect_results=term not in NOTHING_FOUND)
    assert seen["many"] == seen["one"]


@pytest.mark.parametrize("term", TERMS + FALLBACK_TERMS)
def test_at_the_shipped_shard_size_the_example_site_finds_what_one_index_finds(browser, one_and_many_shards, term):
    seen = searched_in_both(browser, one_and_many_shards[1], term, builds=("one", "kinds"))
    assert seen["kinds"] == seen["one"]


def test_pagefinds_own_merging_still_finds_more_than_one_index(browser, one_and_many_shards):
    """Why search/pagefind.js exists: Pagefind's mergeIndex over the same
    shards finds pages one index does not. When a Pagefind upgrade makes this
    fail, its own merging may do, and search/pagefind.js can go."""
    root, base = one_and_many_shards
    shards = json.loads((root / "many" / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    page = open_page(browser)
    try:
        page.goto(f"{base}many/index.html")
        counts = page.evaluate("""async ([shards, term]) => {
            const bundle = new URL("pagefind/", document.baseURI).href;
            const pagefind = await import(bundle + shards[0] + "pagefind.js");
            for (const shard of shards.slice(1)) await pagefind.mergeIndex(bundle + shard);
            return (await pagefind.search(term)).results.length;
        }""", [shards, "Taliban commanders"])
        seen = searched_in_both(browser, base, "Taliban commanders")
    finally:
        page.context.close()
    assert counts > len(seen["one"][1]) == len(seen["many"][1])
