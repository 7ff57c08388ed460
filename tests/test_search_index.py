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
from pathlib import Path

import pytest

import generator.search
import generator.search_shards
from generator.build import SEARCH_DIAGNOSTIC_PATH, build
from generator.incremental import IncrementalBuilder
from generator.search import SEARCH_FOLDER, index_pages
from generator.search_shards import SHARD_LIST, search_files
from generator.write import MARKER
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
    assert search_files(dict(reversed(list(pages.items()))), "en") == expected


# --- failures -------------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", ["/nonexistent/pagefind", "/bin/false"])
def test_a_failed_indexing_leaves_the_published_site_untouched(binary, tmp_path, monkeypatch):
    site, out = copy_site(tmp_path), tmp_path / "public"
    assert build(site, out).ok
    before = tree(out)
    (site / "content" / "claims" / "river-clean.md").write_text(
        "---\nstatement: The river is clean now.\n---\n", encoding="utf-8")
    monkeypatch.setattr(generator.search, "pagefind_binary", lambda: Path(binary))
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

    monkeypatch.setattr(generator.search_shards, "index_pages", counting_index_pages)
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
