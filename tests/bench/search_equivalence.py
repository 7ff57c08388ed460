"""What a reader finds in shards against one index, and what it costs, in Chromium.

Builds a corpus (``tests/bench/corpus.py``) three times into OUT: ``one/``
with one index of every page, ``shards/`` as shipped (``search_shards``'s
sizes) and ``small/`` with ``--shard-pages`` pages a shard (many shards, as a
much larger site has); ``--reuse`` keeps builds already there. Each sharded
site is also served with the search.js of ``--old`` (a git revision, default
the one before search/pagefind.js: Pagefind's own mergeIndex), beside the
current one. Then, for each query, in a fresh browser page (a reader's first
search: Pagefind's UI, worker and indexes loaded), and again in the same page
(a second search), it records: the count of results ("N results for …")
and whether it is one index's (``tests/browser/test_search.py`` compares
every result's link, title and excerpt on the example site), the time from typing to every result of the first
screen shown, the requests made and the bytes they brought.

    python tests/bench/search_equivalence.py OUT --articles 2000 [--shard-pages 100] [--reuse]

Prints one JSON line per site and query. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "browser"))
sys.path.insert(0, str(HERE.parent))

import generator.engine.search_shards as search_shards  # noqa: E402
from bench.corpus import make_corpus  # noqa: E402
from browserkit import CHROMIUM, LAUNCH_ARGS, serve  # noqa: E402
from generator.engine.build import build  # noqa: E402

# Words of the synthetic corpus (names, places, a phrase), as typed mid-word,
# in no page (alone, and beside a word pages have), and words no page starts
# with, for which Pagefind falls back to a shorter word that pages have.
QUERIES = ["Ashvale", "concert hall", "Glenrock ring road", "Moreau", "Ashv", "schedul",
           "xylophonic", "concert xylophonic", "Helmand province", "Doha", "al-Qaeda"]
RESULTS = "#site-search .pagefind-ui__result"
DONE = """term => { const m = document.querySelector("#site-search .pagefind-ui__message");
    return m && m.textContent.includes(term) && !/searching/i.test(m.textContent)
        && !document.querySelector("#site-search .pagefind-ui__result .pagefind-ui__loading"); }"""


def built(out: Path, corpus: Path, shard_pages: int | None, one: bool, reuse: bool) -> Path:
    if reuse and (out / "pagefind" / "shards.json").exists():
        return out
    original = (search_shards.SHARD_PAGES, search_shards.SHARD_BYTES, search_shards.kind_of)
    try:
        if shard_pages:
            search_shards.SHARD_PAGES = shard_pages
        if one:
            search_shards.SHARD_PAGES, search_shards.SHARD_BYTES, search_shards.kind_of = 10 ** 9, 1 << 50, lambda path: "all"
        result = build(corpus, out, use_cache=False)
    finally:
        search_shards.SHARD_PAGES, search_shards.SHARD_BYTES, search_shards.kind_of = original
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return out


def with_old_search_js(site: Path, old: str) -> Path:
    """A copy of ``site`` (hard links) whose assets/search.js is the one at revision ``old``."""
    copy = site.with_name(site.name + "-old")
    if not copy.exists():
        subprocess.run(["cp", "-al", str(site), str(copy)], check=True)
        (copy / "assets" / "search.js").unlink()
        (copy / "assets" / "search.js").write_bytes(
            subprocess.run(["git", "show", f"{old}:templates/static/search.js"], cwd=REPO, check=True,
                           capture_output=True).stdout)
    return copy


def searched(page, term: str) -> dict:
    requests: list = []

    def record(request):
        requests.append(request)

    page.on("requestfinished", record)
    started = time.perf_counter()
    page.fill("#site-search input", term)
    page.wait_for_function(DONE, arg=term, timeout=60000)
    seconds = time.perf_counter() - started
    page.remove_listener("requestfinished", record)
    shown = page.locator(RESULTS).evaluate_all("""rs => rs.map(r =>
        Array.from(r.querySelectorAll(".pagefind-ui__result-title, .pagefind-ui__result-excerpt"))
             .map(e => e.textContent).join(" | "))""")
    message = page.locator("#site-search .pagefind-ui__message").inner_text()
    sizes = [request.sizes()["responseBodySize"] for request in requests]
    return {"message": message, "first_screen": sorted(shown), "seconds": round(seconds, 2),
            "requests": len(requests), "kb": round(sum(sizes) / 1024)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--shard-pages", type=int, default=100)
    parser.add_argument("--old", default="f35f295", help="revision whose search.js merges with Pagefind's mergeIndex")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    corpus = args.out / "corpus"
    if not (args.reuse and corpus.exists()):
        shutil.rmtree(corpus, ignore_errors=True)
        make_corpus(corpus, args.articles)
    sites = {"one": built(args.out / "one", corpus, None, True, args.reuse)}
    for name, pages in (("shards", None), ("small", args.shard_pages)):
        sites[name] = built(args.out / name, corpus, pages, False, args.reuse)
        sites[f"{name}-old"] = with_old_search_js(sites[name], args.old)
    with serve(args.out) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        reference: dict[str, dict] = {}
        for name, site in sites.items():
            shards = len(json.loads((site / "pagefind" / "shards.json").read_text())["shards"])
            for term in QUERIES:
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{base}{site.name}/index.html")
                page.wait_for_selector("#site-search input")
                first = searched(page, term)
                again = searched(page, "Kabul" if term != "Kabul" else "Taliban")
                context.close()
                reference.setdefault(term, first) if name == "one" else None
                same = first["message"] == reference[term]["message"]  # "N results for …"
                print(json.dumps({"site": name, "shards": shards, "term": term, "message": first["message"],
                                  "count_as_one_index": same if name != "one" else None,
                                  "first_search": {k: first[k] for k in ("seconds", "requests", "kb")},
                                  "second_search": {k: again[k] for k in ("seconds", "requests", "kb")}}),
                      flush=True)
        browser.close()


if __name__ == "__main__":
    main()
