"""The build measurements: per run and contender a cold, a warm and a one-change build,
then the reference measurements of floor.py. See README.md for what each number means.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import report
from bench.contenders import BenchError, Contender, Factcheck
from bench.measure import compare, run_in_turn, snapshot
from bench.report import say

HERE = Path(__file__).resolve().parent
EDIT_SENTENCE = "\n\nThis sentence was added by the benchmark: {marker}.\n"


def measure_build(contender: Contender, phase: str, log: Path, check_article: str,
                  marker: str | None = None) -> dict:
    """One timed build; ``phase`` cold cleans first. The result also counts rewritten output files.

    After the build the contender's expected files must exist (the edited
    article's page, the search index where there is one), and the page must
    hold ``marker`` when given: a build that silently did nothing must not count.
    """
    if phase == "cold":
        contender.clean_for_cold()
    before = snapshot(contender.output)
    commands = contender.build_commands()
    with open(log, "a") as handle:
        handle.write(f"\n=== {phase}: {' && '.join(' '.join(command) for command in commands)}\n")
    result = run_in_turn(commands, cwd=contender.root, log=log)
    if not result.ok:
        raise BenchError(f"{contender.name} {phase} build exited {result.returncode}; see {log}")
    missing = [path for path in contender.built_files(check_article) if not path.is_file()]
    if missing:
        raise BenchError(f"{contender.name} {phase} build wrote no {missing[0]}; see {log}")
    page = contender.article_output(check_article)
    if marker and marker.encode() not in page.read_bytes():
        raise BenchError(f"{contender.name} {phase} build did not show the edit in {page}")
    change = compare(before, snapshot(contender.output))
    return {"seconds": result.seconds, "peak_rss_bytes": result.peak_rss_bytes,
            "maxrss_bytes": result.maxrss_bytes, "files": change.files, "rewritten": change.rewritten,
            "removed": change.removed, "samples": result.samples}


def append_marker(path: Path, marker: str) -> bytes:
    """Add a sentence with ``marker`` at the end of the article's body; return the original bytes."""
    original = path.read_bytes()
    with open(path, "wb") as handle:
        handle.write(original + EDIT_SENTENCE.format(marker=marker).encode())
    return original


def build_round(contender: Contender, run: int, article: str, log: Path, cold_only: bool) -> dict:
    """Cold, warm, and edited builds of one contender, one after the other."""
    record = {"cold": measure_build(contender, "cold", log, article)}
    if cold_only:
        return record
    record["warm"] = measure_build(contender, "warm", log, article)
    source = contender.article_source(article)
    original = append_marker(source, f"benchedit{run}")
    try:
        record["edit"] = measure_build(contender, "edit", log, article, marker=f"benchedit{run}")
    finally:
        source.write_bytes(original)
    return record


def measure_floor(site: Path, output: Path | None, log: Path) -> dict:
    """The reference measurements of floor.py (Python-Markdown alone, writing alone, search alone)."""
    command = [sys.executable, str(HERE / "floor.py"), str(site), *([str(output)] if output else [])]
    done = subprocess.run(command, capture_output=True, text=True)
    with open(log, "a") as handle:
        handle.write(f"\n=== {' '.join(command)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise BenchError(f"floor.py exited {done.returncode}; see {log}")
    return json.loads(done.stdout)


def build_phase(contenders: list[Contender], runs: int, article: str, logs: Path, cold_only: bool,
                floor_site: Path | None = None) -> tuple[dict, list[dict]]:
    """Each run: every contender's builds in turn, then (given ``floor_site``, our
    corpus) the reference measurements, so they see the same machine.
    Returns the contenders' records and the reference measurements."""
    results = {c.name: {"cold": [], "warm": [], "edit": []} for c in contenders}
    floors: list[dict] = []
    ours = next((c for c in contenders if isinstance(c, Factcheck)), None)
    for run in range(1, runs + 1):
        for contender in contenders:
            record = build_round(contender, run, article, logs / f"{contender.name}-build.log", cold_only)
            for phase, measured in record.items():
                results[contender.name][phase].append(measured)
            say(f"  run {run}/{runs} {contender.label}: " + ", ".join(
                f"{phase} {m['seconds']:.2f} s / {m['peak_rss_bytes'] / report.MB:.0f} MiB"
                + (f" / {m['rewritten']} rewritten" if phase != "cold" else "")
                for phase, m in record.items()))
        if floor_site is not None:
            floor = measure_floor(floor_site, ours.output if ours else None, logs / "floor.log")
            floors.append(floor)
            say(f"  run {run}/{runs} reference: " + ", ".join(
                f"{what} alone {m['seconds']:.2f} s" for what, m in floor.items()))
    return results, floors
