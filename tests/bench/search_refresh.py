"""How long the search step of ``factcheck build`` takes, cold and after one article's text changed.

Copies a corpus (``tests/bench/corpus.py``), builds it with the cache, adds a
sentence at the end of its first article (a change no other page shows),
builds again, and prints, as JSON, the seconds spent in the search step
(``search_shards.refresh_index``, as the pipeline calls it; in checkouts
before the one pipeline, ``build.index_staged_pages``) each time and the
shards Pagefind was run for.

    python tests/bench/search_refresh.py CORPUS [--shard-pages N] [--jobs N]

To compare with another checkout of the generator, put it first on the path:
``PYTHONPATH=/path/to/checkout python tests/bench/search_refresh.py CORPUS``
(one without shards reports its whole index as one). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

try:
    import generator.engine.build as build
except ImportError:  # a checkout from before the engine sub-package
    import generator.build as build  # type: ignore[no-redef]
try:
    import generator.engine.pipeline as pipeline
except ImportError:  # a checkout from before the one pipeline
    pipeline = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--shard-pages", type=int, help="pages a shard (default: search_shards.SHARD_PAGES)")
    parser.add_argument("--jobs", type=int, help="Pagefind processes at once (default: search_shards.INDEX_JOBS)")
    args = parser.parse_args(argv)
    indexed: list[str] = []
    shards = None
    if pipeline is not None or hasattr(build, "index_shards"):  # not a checkout from before the shards
        import generator.engine.search_shards as shards

        shards.SHARD_PAGES = args.shard_pages or shards.SHARD_PAGES
        shards.INDEX_JOBS = args.jobs or shards.INDEX_JOBS
        index_pages = shards.index_pages
        shards.index_pages = lambda pages, language, folder: (
            indexed.append(f"{folder} ({len(pages)} pages)") or index_pages(pages, language, folder))
    seconds: list[float] = []
    owner, name = (pipeline, "refresh_index") if pipeline is not None else (build, "index_staged_pages")
    search_step = getattr(owner, name)

    def timed(*given):
        started = time.perf_counter()
        result = search_step(*given)
        seconds.append(round(time.perf_counter() - started, 2))
        return result

    setattr(owner, name, timed)
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "site"
        shutil.copytree(args.corpus, site)
        assert build.build(site, site / "public").ok
        shard_count = len(indexed) if shards else 1
        indexed.clear()
        article = sorted((site / "content" / "articles").glob("*.md"))[0]
        article.write_text(article.read_text(encoding="utf-8").rstrip("\n")
                           + "\n\nOne more sentence, added to time a one-article change.\n", encoding="utf-8")
        assert build.build(site, site / "public").ok
    print(json.dumps({"search_step_seconds": {"cold": seconds[0], "one_article_text": seconds[1]},
                      "shards": shard_count, "re_indexed": indexed if shards else "the whole index"}))


if __name__ == "__main__":
    main()
