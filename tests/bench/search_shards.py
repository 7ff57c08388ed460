"""What one Pagefind index costs, by the kind and number of pages in it: the
measurements behind ``generator/search_shards.py``'s shard size.

Over a site built without search (``factcheck build --no-search``), for each
kind and each page count, one Pagefind index of the first N pages of that
kind (sorted by path) is made in a fresh process, ``--runs`` times; it prints
the medians as JSON lines: wall time, Pagefind's CPU time and peak memory
(the children's rusage), the HTML given, the text Pagefind kept and the
index's size.

    python tests/bench/search_shards.py OUT --kind articles --pages 125,250,500,1000,2000
    python tests/bench/search_shards.py OUT --kind claims --pages 50,100,200,400
    python tests/bench/search_shards.py OUT --kind all --pages 100000   # every kind, one index each

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

KINDS = ("articles", "claims", "actors", "outlets")


def measure(out: Path, kind: str, pages: int) -> dict:
    """One index of the first ``pages`` pages of ``kind``, in this process."""
    from generator.engine.search import index_pages  # the installed project

    paths = sorted(out.glob(f"{kind}/*/index.html"))[:pages]
    html = {path.relative_to(out).as_posix(): path.read_bytes() for path in paths}
    started = time.perf_counter()
    files = index_pages(html, "en")
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = sum(len(json.loads(gzip.decompress(data)[len(b"pagefind_dcd"):])["content"].encode())
               for path, data in files.items() if "/fragment/" in path)
    index = sum(len(data) for path, data in files.items()
                if "/fragment/" in path or "/index/" in path or path.endswith((".pf_meta", "-entry.json")))
    return {"kind": kind, "pages": len(html), "html_mb": round(sum(map(len, html.values())) / 1e6, 2),
            "text_mb": round(text / 1e6, 2), "index_mb": round(index / 1e6, 2), "seconds": round(seconds, 2),
            "pagefind_cpu_s": round(children.ru_utime + children.ru_stime, 2),
            "pagefind_rss_mb": round(children.ru_maxrss / 1024)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a site built with --no-search")
    parser.add_argument("--kind", default="articles", help=f"one of {', '.join(KINDS)}, or all")
    parser.add_argument("--pages", default="1000", help="page counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.out, args.kind, int(args.pages))))
        return
    for kind in KINDS if args.kind == "all" else (args.kind,):
        for pages in args.pages.split(","):
            rows = [json.loads(subprocess.run(
                [sys.executable, __file__, str(args.out), "--kind", kind, "--pages", pages, "--child"],
                check=True, capture_output=True, text=True).stdout) for _ in range(args.runs)]
            medians = {key: statistics.median(row[key] for row in rows)
                       for key in ("seconds", "pagefind_cpu_s", "pagefind_rss_mb")}
            print(json.dumps(rows[0] | medians), flush=True)


if __name__ == "__main__":
    main()
