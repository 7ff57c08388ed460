"""Reference measurements: work our cold build cannot skip, timed alone.

- **Python-Markdown alone**: a plain ``markdown.Markdown()`` converting every
  article body of the corpus, on every core, in a pool of forked processes
  (no YAML, no quotes, no templates, nothing written);
- **writing alone**: the files of a built output folder written again, from
  memory, into a scratch folder on the same file system.

Python-Markdown is a required library, and every file of the output is a
page or data file the features call for, so their sum is a floor under any
cold build of this site by this stack, however the rest is done. The report
sets it beside Hugo's cold build (README.md, "Why the cold build stays above
Hugo's").

    python tests/bench/floor.py SITE [OUTPUT] [--scratch DIR]

prints the measurements as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import markdown

CHUNKS_PER_WORKER = 8  # as the generator's own pool: no core idles at the end


def article_bodies(site: Path) -> list[str]:
    """The Markdown body (after the front matter) of every article of a site in our format."""
    bodies = []
    for path in sorted((site / "content" / "articles").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        bodies.append(text.split("\n---\n", 1)[1])
    return bodies


def convert(bodies: list[str]) -> int:
    converter = markdown.Markdown()
    return sum(len(converter.reset().convert(body)) for body in bodies)


def markdown_alone(bodies: list[str], workers: int) -> dict:
    parts = workers * CHUNKS_PER_WORKER
    chunks = [bodies[start::parts] for start in range(parts)]
    os.sync()  # as before every timed build (measure.run_measured)
    started = time.perf_counter()
    with get_context("fork").Pool(workers) as pool:
        html_chars = sum(pool.map(convert, chunks))
    return {"seconds": time.perf_counter() - started, "bodies": len(bodies), "html_chars": html_chars,
            "workers": workers}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site in our format (content/articles/*.md)")
    parser.add_argument("output", type=Path, nargs="?", help="a built output folder to write again")
    parser.add_argument("--scratch", type=Path, help="where to write it (default: beside the output)")
    args = parser.parse_args(argv)
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    result = {"markdown": markdown_alone(article_bodies(args.site), workers)}
    if args.output:
        scratch = args.scratch or args.output.parent / f".floor-{args.output.name}"
        result["writing"] = writing_alone(args.output, scratch)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
