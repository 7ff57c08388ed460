"""CPU time of /compare/'s first page, the page every build renders again
(it depends on every content file), and of its actors' agreement alone.

    python tests/bench/compare_first_page.py SITE_ROOT [--repeat 3]

Loads, links and analyses the site once with the engine's own functions,
freezes the garbage collector as a build's workers do (``engine/workers.py``),
then, ``--repeat`` times on a fresh analysis (the agreement is cached on it):
the time of making the page's context and rendering it in memory, and of
working out the agreement the page prints. Times are CPU times
(``time.process_time``), the best of the rounds.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from generator.core.layout import TEMPLATES_DIR
from generator.engine.build import load_content
from generator.outputs.render import Renderer
from generator.stages.analyse import analyse
from generator.stages.link import link

FIRST_PAGE = "compare/index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    content, diagnostics = load_content(args.root)
    if content is None:
        print(diagnostics, file=sys.stderr)
        return 1
    graph = link(content)
    renderer = Renderer(args.root / TEMPLATES_DIR)
    agreement, page_times = [], []
    for _ in range(args.repeat):
        analysis = frozen(analyse(graph))
        started = time.process_time()
        if getattr(analysis, "agreement_shown", None) is None:  # before agreement_shown.py: every pair
            analysis.agreement
        agreement.append(time.process_time() - started)
        gc.unfreeze()
        analysis = analyse(graph)
        (page,) = frozen([p for p in renderer.plan(graph, analysis) if p.path == FIRST_PAGE])
        started = time.process_time()
        renderer.render(page, graph)
        page_times.append(time.process_time() - started)
        gc.unfreeze()
    print(f"agreement the page prints: best {min(agreement):.3f} CPU s of {[round(t, 3) for t in agreement]}")
    print(f"{FIRST_PAGE} (context + rendering): best {min(page_times):.3f} CPU s of {[round(t, 3) for t in page_times]}")
    return 0


def frozen(made):
    """``made``, after freezing the collector: a build freezes what it made before rendering."""
    gc.collect()
    gc.freeze()
    return made


if __name__ == "__main__":
    sys.exit(main())
