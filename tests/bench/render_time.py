"""How long rendering takes, page type by page type, in one process.

    python tests/bench/render_time.py SITE_ROOT [--repeat 3] [--profile FILE]

Loads, links and analyses the site once, then renders every planned output
in memory (nothing is written) ``--repeat`` times and prints the best time
of each template (or data file) and the total. With ``--profile``, the last
round runs under cProfile and its statistics go to FILE (read them with
``python -m pstats FILE``). One process, no workers: this measures what is
ours in rendering (context building, templates, charts, highlighting), not
the writing or the parallelism of a build. Times are the process's CPU
time (``time.process_time``), not wall-clock time: on a machine shared with
other work, wall-clock times of the same run varied by 2× and more, CPU
times by a few percent.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time
from collections import defaultdict
from pathlib import Path

from generator.core.layout import TEMPLATES_DIR
from generator.engine.build import load_content
from generator.outputs.base import DataFile
from generator.outputs.render import Renderer
from generator.stages.analyse import analyse
from generator.stages.link import link


def kind(page) -> str:
    return "data files" if isinstance(page, DataFile) else page.template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    content, diagnostics = load_content(args.root)
    if content is None:
        print(diagnostics, file=sys.stderr)
        return 1
    graph = link(content)
    renderer = Renderer(args.root / TEMPLATES_DIR)
    best: dict[str, float] = defaultdict(lambda: float("inf"))
    counts: dict[str, int] = defaultdict(int)
    for round_ in range(args.repeat):
        profiler = cProfile.Profile() if args.profile and round_ == args.repeat - 1 else None
        pages = renderer.plan(graph, analyse(graph))  # fresh: the plan caches what it computes
        spent: dict[str, float] = defaultdict(float)
        if profiler:
            profiler.enable()
        for page in pages:
            started = time.process_time()
            renderer.render(page, graph)
            spent[kind(page)] += time.process_time() - started
            if round_ == 0:
                counts[kind(page)] += 1
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        for name, seconds in spent.items():
            best[name] = min(best[name], seconds)
        print(f"round {round_ + 1}: {sum(spent.values()):.2f} CPU s", file=sys.stderr)
    print(f"{'output':<22}{'count':>7}{'best CPU s':>11}{'ms each':>9}")
    for name in sorted(best, key=lambda n: -best[n]):
        print(f"{name:<22}{counts[name]:>7}{best[name]:>11.2f}{1000 * best[name] / counts[name]:>9.2f}")
    print(f"{'all (sum of bests)':<22}{sum(counts.values()):>7}{sum(best.values()):>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
