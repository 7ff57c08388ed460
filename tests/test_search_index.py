"""Search: the Pagefind index made by the last build step, and the box that uses it.

The index is in shards, each a Pagefind index in a folder of ``pagefind/``
listed in ``pagefind/shards.json`` (``generator/search_shards.py``). Its
content is read from Pagefind's fragment files (gzip, a ``pagefind_dcd``
signature, then JSON: ``url``, ``content``, ``meta``); the browser test
(tests/browser/test_search.py) searches it for real.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import generator.engine.build
import generator.engine.incremental
import generator.engine.search
import generator.engine.search_shards
from generator.engine.build import SEARCH_DIAGNOSTIC_PATH, build
from generator.engine.incremental import IncrementalBuilder
from generator.engine.search import SEARCH_FOLDER, index_pages
from generator.engine.memorysite import MemorySite
from generator.engine.search_shards import SHARD_LIST, SearchState, refresh_index
from generator.engine.write import MARKER
from sitekit import REPO, VALID_SITE, parse_file

ENTITY_SECTIONS = {"claims": "Claim", "articles": "Article", "actors": "Actor", "outlets": "Outlet"}
BASE_URL = "http://127.0.0.1:9/"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the build marker, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def entity_pages(out: Path) -> set[str]:
    """URLs (from the site root) of every claim, article, actor and outlet page."""
    return {f"/{section}/{page.parent.name}/index.html"
            for section in ENTITY_SECTIONS for page in (out / section).glob("*/index.html")}


def indexed_pages(out: Path) -> dict[str, dict]:
    """What the index holds for each page, by URL."""
    records = {}
    for fragment in sorted((out / SEARCH_FOLDER).glob("*/fragment/*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd"), fragment
        record = json.loads(data[len(b"pagefind_dcd"):])
        records[record["url"]] = record
    return records


def shard_folders(out: Path) -> list[Path]:
    """The shard folders ``pagefind/shards.json`` lists, in its order."""
    listed = json.loads((out / SHARD_LIST).read_text(encoding="utf-8"))["shards"]
    return [out / SEARCH_FOLDER / folder for folder in listed]


def copy_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(VALID_SITE, site, ignore=shutil.ignore_patterns("public"))
    return site


# --- the index --------------------------------------------------------------------------------


@pytest.mark.parametrize("built", ["valid_out", "example_out"])
def test_the_build_writes_the_index_and_its_ui(built, request):
    out = request.getfixturevalue(built)
    shards = shard_folders(out)
    assert sorted(folder.name for folder in shards) == ["actors-0", "articles-0", "claims-0", "outlets-0"]
    assert sorted(p.name for p in (out / SEARCH_FOLDER).iterdir()) == sorted([SHARD_LIST.split("/")[-1]] + [f.name for f in shards])
    page_count = 0
    for bundle in shards:  # each one a whole Pagefind bundle; the browser loads the UI from the first
        for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json", "wasm.en.pagefind"):
            assert (bundle / name).is_file(), bundle / name
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        page_count += entry["languages"]["en"]["page_count"]
    assert page_count == len(entity_pages(out))


@pytest.mark.parametrize("built", ["valid_out", "example_out"])
def test_exactly_the_claim_article_actor_and_outlet_pages_are_indexed(built, request):
    out = request.getfixturevalue(built)
    records = indexed_pages(out)
    assert set(records) == entity_pages(out)  # no home page, indexes or /compare/
    for url, record in records.items():
        assert record["meta"]["type"] == ENTITY_SECTIONS[url.split("/")[1]], url
        assert record["meta"]["title"], url


def test_navigation_and_boilerplate_are_left_out_of_the_index(valid_out):
    records = indexed_pages(valid_out)
    everything = "\n".join(record["content"] for record in records.values())
    for boilerplate in ("Skip to content", "Compare sources", "Every quote on this site links",
                        "Scorecard", "underlined differently", "annotated quote"):
        assert boilerplate not in everything, boilerplate
    actor = records["/actors/ana-mayor/index.html"]["content"]
    assert "Ana Mayor" in actor and "Mayor of the town" in actor
    assert "Role Mayor Affiliation River Council" in actor  # labels and values not run together
    article = records["/articles/bridge-opens/index.html"]["content"]
    assert "the final bill came to 12 million euros" in article


def test_what_a_reader_searches_for_is_indexed_once_and_repeated_lists_are_not(valid_out):
    """Quotes are found on their claim's page (and in the article's text), not
    again on every actor and outlet page that lists them; counts, figures
    repeated from the quotes, and links' labels are left out."""
    records = {url: record["content"] for url, record in indexed_pages(valid_out).items()}
    everything = "\n".join(records.values())
    for repeated in ("Read in context", "Figure given", "In order of first appearance", "statements take each stance",
                     "Atom feed", "Sources report different figures", "quoting a statement is not making it"):
        assert repeated not in everything, repeated
    quote = "We finished the bridge on time"
    assert quote in records["/claims/bridge-finished/index.html"] and quote in records["/articles/bridge-opens/index.html"]
    assert quote not in records["/actors/ana-mayor/index.html"]
    statement = "The new bridge was finished on time"
    assert statement in records["/actors/ana-mayor/index.html"]  # what they made claims about, by its statement
    assert statement in records["/articles/bridge-opens/index.html"]
    outlet = records["/outlets/daily-river/index.html"]
    assert "Daily River" in outlet and "Bridge opens to traffic" not in outlet  # its articles are found on their own


def test_the_index_is_byte_identical_across_builds(valid_out, tmp_path):
    again = tmp_path / "again"
    assert build(VALID_SITE, again).ok
    first, second = tree(valid_out / SEARCH_FOLDER), tree(again / SEARCH_FOLDER)
    assert first and first == second


def test_the_index_does_not_depend_on_the_order_pages_come_in(valid_out):
    """Pagefind numbers pages in the order it reads them: they are sent sorted."""
    outputs = tree(valid_out)
    pages = {path: data for path, data in outputs.items() if not path.startswith(f"{SEARCH_FOLDER}/")}
    expected = {path: data for path, data in outputs.items() if path.startswith(f"{SEARCH_FOLDER}/")}
    site = MemorySite()
    entries = {path: site.put(path, data)[0] for path, data in reversed(list(pages.items()))}
    html = {path: entry for path, entry in entries.items() if path.endswith(".html")}
    refresh_index(site, dict(reversed(list(html.items()))), "en", SearchState())  # what build and serve run
    site.commit()
    assert {path: data for path, data in site.outputs.items() if path.startswith(f"{SEARCH_FOLDER}/")} == expected
    some = {path[1:]: pages[path[1:]] for path in sorted(entity_pages(valid_out))[:4]}
    assert index_pages(dict(reversed(list(some.items()))), "en") == index_pages(some, "en")


@pytest.mark.parametrize("built", ["valid_out", "example_out"])
def test_pages_sent_without_their_ignored_parts_make_the_same_index(built, request, monkeypatch):
    """Pagefind is sent each page without what it would leave out
    (``search.without_ignored``, for speed): the index must be the one the
    whole pages make, byte for byte."""
    out = request.getfixturevalue(built)
    pages = {path: data for path, data in tree(out).items()
             if path.endswith(".html") and generator.engine.search.marks_search_body(data)}
    assert sum(len(generator.engine.search.without_ignored(page)) for page in pages.values()) < 0.8 * sum(
        map(len, pages.values()))  # (it does leave things out)
    shortened = index_pages(pages, "en")
    monkeypatch.setattr(generator.engine.search, "without_ignored", lambda page: page)
    assert index_pages(pages, "en") == shortened


IGNORED_CASES = [
    # (page body, what Pagefind is sent of it)
    ('<p>a</p><p class="x" data-pagefind-ignore>b</p><p>c</p>', "<p>a</p>  <p>c</p> "),  # its end tag's space stays
    ('<div data-pagefind-ignore="all"><div>b</div><div>c</div></div>d', " d"),  # nested, same name
    ('<section data-pagefind-ignore><p>b <span data-pagefind-ignore>x</span></p></section><p>e</p>', " <p>e</p> "),
    ("<DIV data-pagefind-ignore>x</DIV><p>y</p>", " <p>y</p> "),  # a site's own template may write capitals
    ('<p><a title="x" data-pagefind-ignore="all" href="/x">link</a> words</p>', "<p> words</p> "),  # inline, "all"
    ("<pre data-pagefind-ignore>x</pre><p>y</p>", "<pre data-pagefind-ignore>x</pre><p>y</p> "),  # inline (as HTML says)
]
# Pages whose ignored parts Pagefind reads all the same, or that a pattern
# cannot read (second reading of 1f6d5b6): sent as they are.
KEPT_CASES = [
    '<div><span>Mayor</span><p data-pagefind-ignore>x</p><span>Smith</span></div>',  # cut: kept (the space stays)
    '<header data-pagefind-ignore><h1>Site Name</h1></header><h1>Page heading</h1><p>text</p>',  # first <h1>: the title
    '<h1>Heading</h1><div data-pagefind-ignore><img src="/a.png" alt="A"></div><p>text</p>',  # first <img>: the image
    '<h2 id="sec">Heading<a href="#sec" data-pagefind-ignore><span>#</span></a></h2><p>text</p>',  # anchor text
    '<div class="o"><div data-pagefind-ignore>x</DIV>keep</div><p>more</p>',
    "<p><a title='x data-pagefind-ignore y' href=\"/z\">Linked words</a> rest</p>",  # in a value, single quotes
    '<a title="as data-pagefind-ignore in a value" href="/x">link</a>',
    "<p>data-pagefind-ignore as words</p>",
    '<div data-pagefind-ignore><!-- </div> -->hidden</div><p>shown</p>',
    '<div data-pagefind-ignore><script>var s = "</div>";</script>hidden</div><p>shown</p>',
    '<div data-pagefind-ignore><textarea></div></textarea>hidden</div><p>shown</p>',
    '<ul data-pagefind-ignore><li data-pagefind-meta="k:v">m</li></ul><p>shown</p>',  # metadata is read even there
    '<div data-pagefind-ignore="all"><span data-pagefind-meta="k:v">m</span></div><p>shown</p>',
    '<p data-pagefind-ignore>a<div>bee</div>cee</p>dee',
    '<img data-pagefind-ignore src="a.png"><p>t</p>',  # void
    "<p data-pagefind-ignore>never closed",
    '<p data-pagefind-ignored>x</p><p data-pagefind-body>y</p>',
]


def search_page(body: str) -> bytes:
    return ('<!doctype html><html lang="en"><head><title>T</title></head><body><main data-pagefind-body>'
            + body + "</main></body></html>").encode()


@pytest.mark.parametrize("body, sent", IGNORED_CASES)
def test_what_pagefind_is_sent_leaves_out_the_ignored_elements(body, sent):
    page = generator.engine.search.spaced_blocks(search_page(body))
    assert generator.engine.search.without_ignored(page) == search_page(sent)


def test_an_ignored_mark_with_no_end_to_its_tag_stops_nothing():
    page = b'</div><div data-pagefind-ignore '
    assert generator.engine.search.without_ignored(page) == page  # (it looped for ever)


@pytest.mark.parametrize("body", [body for body, _ in IGNORED_CASES] + KEPT_CASES)
def test_each_page_cut_for_pagefind_makes_the_index_the_whole_page_makes(body, monkeypatch):
    page = search_page(body)
    cut = index_pages({"x/index.html": page}, "en")
    monkeypatch.setattr(generator.engine.search, "without_ignored", lambda page: page)
    assert index_pages({"x/index.html": page}, "en") == cut


# --- failures -------------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", ["/nonexistent/pagefind", "/bin/false"])
def test_a_failed_indexing_leaves_the_published_site_untouched(binary, tmp_path, monkeypatch):
    site, out = copy_site(tmp_path), tmp_path / "public"
    assert build(site, out).ok
    before = tree(out)
    (site / "content" / "claims" / "river-clean.md").write_text(
        "---\nstatement: The river is clean now.\n---\n", encoding="utf-8")
    monkeypatch.setattr(generator.engine.search, "pagefind_binary", lambda: Path(binary))
    result = build(site, out)
    assert not result.ok
    assert [d.path for d in result.diagnostics.errors] == [SEARCH_DIAGNOSTIC_PATH]
    assert "Pagefind" in result.diagnostics.errors[0].message
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".factcheck-lock-public", "public", "site"]  # no staging left over


def test_build_without_search_writes_no_index(tmp_path):
    out = tmp_path / "public"
    assert build(VALID_SITE, out, search=False).ok
    assert not (out / SEARCH_FOLDER).exists()
    assert (out / "index.html").is_file()


# --- serve: the index of incremental rebuilds ---------------------------------------------------------


def test_serve_re_indexes_after_an_edit_like_a_clean_build(tmp_path):
    site = copy_site(tmp_path)
    builder = IncrementalBuilder(site, base_url=BASE_URL, search=True)
    assert builder.rebuild().ok
    before = dict(builder.outputs)
    actor = site / "content" / "actors" / "bo-critic.md"
    actor.write_text(actor.read_text(encoding="utf-8").replace("Opposition councillor", "Alderman"),
                     encoding="utf-8")
    assert builder.rebuild().ok
    clean = tmp_path / "clean"
    assert build(site, clean, base_url=BASE_URL).ok
    assert builder.outputs == tree(clean)
    changed = {p for p in builder.outputs if builder.outputs[p] != before.get(p)}
    assert any(p.startswith(f"{SEARCH_FOLDER}/actors-0/fragment/") for p in changed)


def test_serve_does_not_re_index_when_no_page_changed(tmp_path, monkeypatch):
    calls = []

    def counting_index_pages(pages, language, folder):
        calls.append(folder)
        return index_pages(pages, language, folder)

    monkeypatch.setattr(generator.engine.search_shards, "index_pages", counting_index_pages)
    site = copy_site(tmp_path)
    builder = IncrementalBuilder(site, search=True)
    assert builder.rebuild().ok and len(calls) == 4  # one index a shard
    (site / "seeds").mkdir(exist_ok=True)
    (site / "seeds" / "unused.txt").write_text("A raw text no article uses.\n", encoding="utf-8")
    report = builder.rebuild()
    assert report.ok and report.changed == ["seeds/unused.txt"]
    assert len(calls) == 4
    assert any(p.startswith(f"{SEARCH_FOLDER}/") for p in builder.outputs)


# --- the search box -------------------------------------------------------------------------------------


def test_every_page_has_a_search_box_that_stays_hidden_without_javascript(valid_out):
    pages = sorted(valid_out.rglob("*.html"))
    assert pages
    for page in pages:
        html = parse_file(page)
        boxes = html.find("div", "site-search")
        assert len(boxes) == 1, page
        box = boxes[0]
        assert "hidden" in box and box.get("role") == "search", page
        first_shard = shard_folders(valid_out)[0].relative_to(valid_out / SEARCH_FOLDER)
        assert (page.parent / box["data-bundle"] / first_shard / "pagefind-ui.js").is_file(), page
        scripts = [attrs["src"] for tag, attrs in html.tags if tag == "script" and attrs.get("src")]
        assert [src for src in scripts if src.endswith("assets/search.js")], page
        assert all((page.parent / src).is_file() for src in scripts), page


def test_the_search_script_loads_nothing_from_elsewhere(valid_out):
    script = (valid_out / "assets" / "search.js").read_text(encoding="utf-8")
    assert not re.search(r"https?:|[\"']//", script)  # no absolute or protocol-relative address
    assert "pagefind-ui.js" in script and "shards.json" in script and 'protocol === "file:"' in script


def test_only_claim_article_actor_and_outlet_templates_mark_a_search_body():
    marked = {path.name for path in (REPO / "templates").glob("*.html")
              if "data-pagefind-body" in path.read_text(encoding="utf-8")}
    assert marked == {"claim.html", "article.html", "actor.html", "outlet.html"}


# --- shards: refreshed in proportion to the change, deterministic -----------------------------------

ARTICLE = Path("content") / "articles" / "bridge-opens.md"


@pytest.fixture
def small_shards(monkeypatch):
    """A page or two a shard: the valid site's 10 pages in 9 shards, as a large site would be."""
    monkeypatch.setattr(generator.engine.search_shards, "SHARD_PAGES", 1)


@pytest.fixture
def indexed_folders(monkeypatch):
    """The shard folders Pagefind is run for, in the order they are given."""
    calls = []

    def counting_index_pages(pages, language, folder):
        calls.append(folder)
        return index_pages(pages, language, folder)

    monkeypatch.setattr(generator.engine.search_shards, "index_pages", counting_index_pages)
    return calls


def edit_article_text(site: Path) -> None:
    """Change a sentence no other page shows: only the article's page changes."""
    article = site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("opened on Monday", "opened on Tuesday"),
                       encoding="utf-8")


def shard_of(out: Path, page: str) -> str:
    """The folder (``pagefind/<shard>/``) whose index holds ``page``."""
    for fragment in (out / SEARCH_FOLDER).glob("*/fragment/*.pf_fragment"):
        if json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["url"] == f"/{page}":
            return fragment.parent.parent.relative_to(out).as_posix() + "/"
    raise AssertionError(f"{page} is in no shard")


def test_the_index_is_split_into_shards_by_kind_and_path(small_shards, tmp_path):
    out = tmp_path / "public"
    assert build(VALID_SITE, out, use_cache=False).ok
    shards = [folder.name for folder in shard_folders(out)]
    assert len(shards) >= 6 and shards[0].startswith("actors-") and shards[-1].startswith("outlets-")
    assert set(indexed_pages(out)) == entity_pages(out)  # every page in one shard or another
    for url in indexed_pages(out):
        assert shard_of(out, url[1:]).startswith(f"{SEARCH_FOLDER}/{url.split('/')[1]}-"), url


def test_a_build_re_indexes_only_the_shard_of_the_page_that_changed(small_shards, indexed_folders, tmp_path,
                                                                      monkeypatch):
    site, out = copy_site(tmp_path), tmp_path / "public"
    assert build(site, out).ok
    shards = shard_folders(out)
    assert len(indexed_folders) == len(shards)
    before = {path: (out / path).stat().st_ino for path in tree(out)}
    pages_before = {path: data for path, data in tree(out).items() if path.endswith(".html")}
    reads = []
    original_read = generator.engine.build.StagedSite.read
    monkeypatch.setattr(generator.engine.build.StagedSite, "read", lambda self, path: reads.append(path) or original_read(self, path))
    edit_article_text(site)
    indexed_folders.clear()
    assert build(site, out).ok
    page = "articles/bridge-opens/index.html"
    assert indexed_folders == [shard_of(out, page)]
    changed = {path for path, data in tree(out).items() if path.endswith(".html") and data != pages_before[path]}
    assert page in changed and len(changed) < len(pages_before) / 2
    assert set(reads) == changed  # whether they mark a search body; and the page, for its shard's index
    kept = [path for path in tree(out) if path.startswith(f"{SEARCH_FOLDER}/") and path != SHARD_LIST
            and not path.startswith(indexed_folders[0])]
    assert kept and all((out / path).stat().st_ino == before[path] for path in kept)  # the very same files
    clean = tmp_path / "clean"
    assert build(site, clean, use_cache=False).ok
    assert tree(out) == tree(clean)


def test_serve_re_indexes_only_the_shard_of_the_page_that_changed(indexed_folders, tmp_path):
    site = copy_site(tmp_path)
    builder = IncrementalBuilder(site, base_url=BASE_URL, search=True)
    assert builder.rebuild().ok
    indexed_folders.clear()
    edit_article_text(site)
    assert builder.rebuild().ok
    assert indexed_folders == [f"{SEARCH_FOLDER}/articles-0/"]
    clean = tmp_path / "clean"
    assert build(site, clean, base_url=BASE_URL).ok
    assert builder.outputs == tree(clean)


def test_serve_indexes_the_quick_pages_ahead_of_the_rebuild(indexed_folders, tmp_path):
    """serve indexes the edited article's quick page while the rebuild runs
    (search_job's ``ahead``), installing nothing; the job after the rebuild
    then runs Pagefind for no shard, and installs an index equal to a clean
    build's. A rebuild that makes other pages than those indexed ahead gets
    their shards indexed after it."""
    site = copy_site(tmp_path)
    builder = IncrementalBuilder(site, base_url=BASE_URL, search=True, defer_search=True)
    assert builder.rebuild().ok and builder.search_job()()
    served = builder.outputs
    edit_article_text(site)
    quick = builder.quick_update()
    assert list(quick) == ["articles/bridge-opens/index.html"]
    indexed_folders.clear()
    assert builder.search_job(ahead=quick)() is False
    assert indexed_folders == [f"{SEARCH_FOLDER}/articles-0/"] and builder.outputs is served
    assert builder.rebuild().ok
    indexed_folders.clear()
    assert builder.search_job()() and indexed_folders == []
    clean = tmp_path / "clean"
    assert build(site, clean, base_url=BASE_URL).ok
    assert builder.outputs == tree(clean)
    # indexed ahead from pages the rebuild does not make: the job after it indexes again
    article = site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("opened on Tuesday", "opened on Friday"),
                       encoding="utf-8")
    assert builder.search_job(ahead={"articles/bridge-opens/index.html": b"<html>not this</html>"})() is False
    assert builder.rebuild().ok
    indexed_folders.clear()
    assert builder.search_job()() and indexed_folders == [f"{SEARCH_FOLDER}/articles-0/"]
    assert build(site, clean, base_url=BASE_URL).ok
    assert builder.outputs == tree(clean)
    # a job ahead gives way to any job made after it (which would only have to undo it)
    late = builder.search_job(ahead={"articles/bridge-opens/index.html": b"<html>late</html>"})
    builder.search_job()
    indexed_folders.clear()
    assert late() is False and indexed_folders == []


def test_a_rebuild_published_while_a_search_job_installs_its_index_is_kept(tmp_path, monkeypatch):
    """A search job that found the pages still its own, then installed its
    index over a rebuild published meanwhile, put the older pages back (and
    their page keys stayed the newer run's: the site stayed stale). The
    rebuild is made to happen there, standing for a switch of threads."""
    site = copy_site(tmp_path)
    builder = IncrementalBuilder(site, base_url=BASE_URL, search=True, defer_search=True)
    assert builder.rebuild().ok and builder.search_job()()
    article = site / ARTICLE

    def edit(old: str, new: str) -> None:
        article.write_text(article.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    edit("opened on Monday", "opened on Tuesday")
    assert builder.rebuild().ok
    job = builder.search_job()

    class Entries(dict):
        """The index's entries, which rebuild once when the job reads them to install them."""
        fired = False

        def __iter__(self):  # a dict of its own iteration: merging it then asks for its keys()
            return dict.__iter__(self)

        def keys(self):
            if not Entries.fired:
                Entries.fired = True
                edit("opened on Tuesday", "opened on Friday")
                assert builder.rebuild().ok
            return dict.keys(self)

    real = generator.engine.incremental.refresh_index
    monkeypatch.setattr(generator.engine.incremental, "refresh_index",
                        lambda *args: (lambda made: type(made)(Entries(made.entries), made.written, made.state))(
                            real(*args)))
    assert job() is False and Entries.fired
    monkeypatch.undo()
    assert b"opened on Friday" in builder.outputs["articles/bridge-opens/index.html"] and builder.search_stale
    assert builder.search_job()()
    clean = tmp_path / "clean"
    assert build(site, clean, base_url=BASE_URL).ok
    assert builder.outputs == tree(clean)


def test_sharded_indexes_are_byte_identical_across_builds(small_shards, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert build(VALID_SITE, first, use_cache=False).ok
    assert build(VALID_SITE, second, use_cache=False).ok
    assert tree(first / SEARCH_FOLDER) == tree(second / SEARCH_FOLDER)
    assert len(shard_folders(first)) >= 6


def test_a_page_stays_in_its_shard_as_others_come_and_go(monkeypatch):
    monkeypatch.setattr(generator.engine.search_shards, "SHARD_PAGES", 1000)  # the figures below are for 1,000

    def plan(sizes: dict[str, int]) -> dict[str, str]:
        return {path: shard.name for shard in generator.engine.search_shards.plan_shards(sizes) for path in shard.pages}

    sizes = {f"articles/a{n}/index.html": 100 for n in range(3000)}
    before = plan(sizes)
    assert sorted(set(before.values())) == ["articles-0", "articles-1", "articles-2", "articles-3"]
    fewer = {path: size for path, size in sizes.items() if path not in {f"articles/a{n}/index.html" for n in range(100)}}
    assert all(shard == before[path] for path, shard in plan(fewer).items())
    more = sizes | {f"articles/b{n}/index.html": 100 for n in range(1001)}  # 4,001: 8 shards
    after = plan(more)
    assert len(set(after.values())) == 8
    assert all(after[path] in (before[path], f"articles-{int(before[path][-1]) + 4}") for path in sizes)  # split in two
    heavy = dict.fromkeys(sizes, 20_000)  # 60 MB of HTML: 2 shards' worth; pages alone ask for 4
    assert len(generator.engine.search_shards.plan_shards(heavy)) == 4
    heavier = dict.fromkeys(sizes, 50_000)  # 150 MB: 8 shards of 19 MB
    assert len(generator.engine.search_shards.plan_shards(heavier)) == 8


def test_shards_are_indexed_two_at_a_time(monkeypatch):
    running, most = [], []

    def slow_index_pages(pages, language, folder):
        running.append(folder)
        most.append(len(running))
        time.sleep(0.2)
        running.remove(folder)
        return {f"{folder}pagefind-entry.json": b"{}"}

    monkeypatch.setattr(generator.engine.search_shards, "index_pages", slow_index_pages)
    monkeypatch.setattr(generator.engine.search_shards, "INDEX_JOBS", 2)
    shards = [generator.engine.search_shards.Shard(f"articles-{n}", (f"articles/a{n}/index.html",)) for n in range(4)]
    files = generator.engine.search_shards.index_shards(shards, lambda path: b"<html></html>", "en")
    assert list(files) == [shard.name for shard in shards]  # in the shards' order, whichever ended first
    assert max(most) == 2


def test_serve_indexes_one_search_job_at_a_time(tmp_path, monkeypatch):
    """serve starts a search job per rebuild, each in its own thread: the
    second waits, then finds the shards the first made."""
    running, most, calls = [], [], []

    def slow_index_pages(pages, language, folder):
        running.append(folder)
        most.append(len(running))
        calls.append(folder)
        time.sleep(0.2)
        running.remove(folder)
        return index_pages(pages, language, folder)

    monkeypatch.setattr(generator.engine.search_shards, "index_pages", slow_index_pages)
    builder = IncrementalBuilder(copy_site(tmp_path), search=True, defer_search=True)
    assert builder.rebuild().ok and builder.search_stale
    jobs = [builder.search_job(), builder.search_job()]
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 4 and max(most) <= 2  # 4 shards, indexed once, two at a time
    assert not builder.search_stale and any(path.startswith(f"{SEARCH_FOLDER}/claims-0/") for path in builder.outputs)


def test_a_process_that_ends_while_shards_are_indexed_does_not_wait_for_them(tmp_path):
    """serve stopped while it indexes (in a thread of its own) exits at once:
    the indexing threads are daemons, and each Pagefind ends with its input."""
    script = tmp_path / "stop.py"
    script.write_text(
        "import threading, time\n"
        "import generator.engine.search_shards as shards\n"
        "shards.index_pages = lambda pages, language, folder: time.sleep(60)\n"
        "job = [shards.Shard(f'articles-{n}', ()) for n in range(2)]\n"
        "threading.Thread(target=shards.index_shards, args=(job, bytes, 'en'), daemon=True).start()\n"
        "time.sleep(0.5)\n", encoding="utf-8")
    started = time.monotonic()
    subprocess.run([sys.executable, str(script)], cwd=REPO, check=True, timeout=60)
    assert time.monotonic() - started < 20


def test_an_interrupted_indexing_starts_no_more_shards(monkeypatch):
    """Ctrl+C while a build waits for its shards: the shards not started are not."""
    started = []

    def slow_index_pages(pages, language, folder):
        started.append(folder)
        time.sleep(0.3)
        return {}

    monkeypatch.setattr(generator.engine.search_shards, "index_pages", slow_index_pages)
    monkeypatch.setattr(generator.engine.search_shards, "INDEX_JOBS", 2)
    shards = [generator.engine.search_shards.Shard(f"articles-{n}", ()) for n in range(8)]

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        with pytest.raises(KeyboardInterrupt):
            generator.engine.search_shards.index_shards(shards, lambda path: b"", "en")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    time.sleep(1.0)  # what the threads would start meanwhile
    assert len(started) == 2
