"""Reference measurements: work our cold build cannot skip, timed alone.

- **Python-Markdown alone**: a plain ``markdown.Markdown()`` converting every
  article body of the corpus, on every core, in a pool of forked processes
  (no YAML, no quotes, no templates, nothing written); and the same bodies
  converted as our build converts them, to the tree alone (the safe
  converter's Python-Markdown, its passes narrowed to what can match,
  ``core/markdown_passes.py``; no HTML made, no ``Document`` built), which
  is the floor's Markdown part: it is less work than the plain conversion
  for the same tree;
- **front matter alone**: the YAML front matter of every content file
  (articles, claims, actors, outlets, pages) composed into nodes as our build
  composes it (``stages/yamlnodes.compose_yaml``: PyYAML, a required
  library, with its libyaml loader where that agrees with the reference
  loader), on every core, in the same pool (no values built, nothing
  checked);
- **writing alone**: the files of a built output folder written again, from
  memory, into a scratch folder on the same file system;
- **search alone**: Pagefind indexing the pages of a built output folder
  that mark a search body, in the shards a build plans for them, as many at
  a time as the build runs (``search_shards.index_shards``, the build's own
  search step, given the finished pages); with Pagefind's own CPU time.

Python-Markdown and PyYAML are required libraries, every file of the output
is a page or data file the features call for, and the pages indexed are
those a reader searches (article texts, claims, actors, outlets), so our
conversion, the front matter's composition and the writing together are a
floor under any cold build of this site by this stack without search,
however the rest is done (only a conversion or a composition quicker than
ours would lower it). With the search step they estimate one under the
default build: an estimate, since the search step timed alone, on a
machine whose speed varies, has taken longer than the whole search part of
a build in the same run. The report sets them beside Hugo's cold build and
Hugo + Pagefind's (README.md, "Why the cold build stays above Hugo's").

    python tests/bench/floor.py SITE [OUTPUT] [--scratch DIR]

prints the measurements as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import markdown

CHUNKS_PER_WORKER = 8  # as the generator's own pool: no core idles at the end


def fenced(site: Path, folder: str) -> list[tuple[str, str]]:
    """(front matter, body) of every content file in one folder of ``content/``
    of a site in our format, split at the first ``---`` line after the opening
    one, as the benchmark's corpus writes them (the build also takes ``...`` or
    a fence with trailing spaces, which the corpus never has)."""
    from generator.core.layout import CONTENT_DIR  # the installed project

    parts = []
    for path in sorted((site / CONTENT_DIR / folder).rglob("*.md")):
        front, _, body = path.read_text(encoding="utf-8").removeprefix("---\n").partition("\n---\n")
        parts.append((front, body))
    return parts


def article_bodies(site: Path) -> list[str]:
    """The Markdown body (after the front matter) of every article."""
    return [body for _, body in fenced(site, "articles")]


def front_matters(site: Path) -> list[str]:
    """The YAML front matter of every content file, of every kind."""
    from generator.core.layout import CONTENT_KINDS  # the installed project

    return [front for folder in CONTENT_KINDS for front, _ in fenced(site, folder)]


def compose(blocks: list[str]) -> int:
    """The front matters composed as our build composes them: the nodes at their top level."""
    from generator.stages.yamlnodes import compose_yaml  # the installed project

    return sum(len(node.value) for node in map(compose_yaml, blocks) if node is not None)


def convert(bodies: list[str]) -> int:
    """Plain Python-Markdown: the characters of HTML it makes."""
    converter = markdown.Markdown()
    return sum(len(converter.reset().convert(body)) for body in bodies)


def convert_as_ours(bodies: list[str]) -> int:
    """Python-Markdown as our build runs it, to the tree: the elements of the trees."""
    from generator.core.markup import MarkdownConverter  # the installed project

    converter = MarkdownConverter()
    return sum(sum(1 for _ in converter.tree(body).iter()) for body in bodies)


def markdown_alone(bodies: list[str], workers: int, how=convert) -> dict:
    seconds, made = in_pool(bodies, workers, how)
    return {"seconds": seconds, "bodies": len(bodies),
            "html_chars" if how is convert else "elements": made, "workers": workers}


def front_matter_alone(blocks: list[str], workers: int) -> dict:
    seconds, made = in_pool(blocks, workers, compose)
    return {"seconds": seconds, "files": len(blocks), "top_level_keys": made, "workers": workers}


def in_pool(items: list[str], workers: int, how) -> tuple[float, int]:
    """Seconds ``how`` takes over ``items`` in a pool of ``workers`` forked processes, and what it counted."""
    parts = workers * CHUNKS_PER_WORKER
    chunks = [items[start::parts] for start in range(parts)]
    os.sync()  # as before every timed build (measure.run_measured)
    started = time.perf_counter()
    with get_context("fork").Pool(workers) as pool:
        made = sum(pool.map(how, chunks))
    return time.perf_counter() - started, made


def writing_alone(output: Path, scratch: Path) -> dict:
    files = {path.relative_to(output): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}
    shutil.rmtree(scratch, ignore_errors=True)
    made: set[Path] = set()
    os.sync()
    started = time.perf_counter()
    for rel, data in files.items():
        target = scratch / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
    seconds = time.perf_counter() - started
    shutil.rmtree(scratch, ignore_errors=True)
    return {"seconds": seconds, "files": len(files), "bytes": sum(len(data) for data in files.values())}


def search_alone(output: Path, language: str) -> dict:
    from generator.engine.search import marks_search_body  # the installed project
    from generator.engine.search_shards import INDEX_JOBS, index_shards, plan_shards

    sizes = {}
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if not rel.startswith("pagefind/") and marks_search_body(path.read_bytes()):
            sizes[rel] = path.stat().st_size
    shards = plan_shards(sizes)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    files = index_shards(shards, lambda rel: (output / rel).read_bytes(), language)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "pages": len(sizes), "shards": len(shards), "jobs": INDEX_JOBS,
            "pagefind_cpu_seconds": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
            "files": sum(len(made) for made in files.values())}


def site_language(site: Path) -> str:
    import yaml
    settings = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8")) or {}
    return str(settings.get("language") or "en")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site in our format (content/articles/*.md)")
    parser.add_argument("output", type=Path, nargs="?", help="a built output folder to write again")
    parser.add_argument("--scratch", type=Path, help="where to write it (default: beside the output)")
    args = parser.parse_args(argv)
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    bodies = article_bodies(args.site)
    result = {"markdown": markdown_alone(bodies, workers),
              "markdown_ours": markdown_alone(bodies, workers, convert_as_ours),
              "front_matter": front_matter_alone(front_matters(args.site), workers)}
    if args.output:
        scratch = args.scratch or args.output.parent / f".floor-{args.output.name}"
        result["writing"] = writing_alone(args.output, scratch)
        from generator.engine.search import SearchError
        try:  # a page's bytes are the same built with search or without (the index is beside them)
            result["search"] = search_alone(args.output, site_language(args.site))
        except SearchError as missing:  # no Pagefind here: the other two are still measured
            print(f"floor.py: search not measured: {missing}", file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
