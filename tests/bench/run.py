"""Benchmark factcheck against Hugo and Pelican on the same synthetic corpus (issue 5).

    python tests/bench/run.py [--sizes 1000,10000] [--runs 5] [--edits 20]
                              [--contenders factcheck,hugo,pelican] [--out tests/bench/results]

For each size: write the corpus once (ours, then the Hugo and Pelican
translations), then, run after run, build with each contender in turn (run 1
of each, then run 2 of each, …) so a slow drift of the machine touches all of
them alike: a cold build, a warm build, and a build after one article
changed. Then start each contender's dev server once and time edits until the
edited page is served. Results go to results/latest.json (every run) and
results/latest.md (medians and ratios); the table is printed at the end.
See README.md beside this file for what each number means.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))  # tests/: the bench package and synthetic.py

from bench import report  # noqa: E402
from bench.contenders import (  # noqa: E402
    Contender,
    Factcheck,
    Hugo,
    Pelican,
    Server,
    beside_python,
    factcheck_version,
    first_line,
    has_flag,
    hugo_binary,
    remove,
)
from bench.corpus import emit_hugo, emit_pelican, make_corpus  # noqa: E402
from bench.measure import compare, free_port, poll_until, run_measured, snapshot, wait_until_idle  # noqa: E402

ALL_CONTENDERS = ("factcheck", "factcheck-nosearch", "hugo", "pelican")
LARGE_SIZE = 50_000  # from here on, only our cold build unless --all-measurements
SLOW_SERVE_SIZE = 10_000  # from here on, Pelican's serve edits are capped (--pelican-edits)
EDIT_TIMEOUT = 600.0
EDIT_SENTENCE = "\n\nThis sentence was added by the benchmark: {marker}.\n"


class BenchError(RuntimeError):
    """A contender failed to build or serve: the numbers of this run would mean nothing."""


# --- tools and contenders ------------------------------------------------------------------


def find_tools(args: argparse.Namespace) -> dict[str, Path | None]:
    return {
        "factcheck": Path(args.factcheck) if args.factcheck else beside_python("factcheck"),
        "hugo": Path(args.hugo) if args.hugo else hugo_binary(),
        "pelican": Path(args.pelican) if args.pelican else beside_python("pelican"),
    }


def tool_versions(tools: dict[str, Path | None]) -> dict[str, str]:
    return {
        "factcheck": factcheck_version(),
        "hugo": first_line([str(tools["hugo"]), "version"]) if tools["hugo"] else "hugo: not found",
        "pelican": (f"pelican {first_line([str(tools['pelican']), '--version'])}" if tools["pelican"]
                    else "pelican: not found"),
    }


def choose_contenders(args: argparse.Namespace, tools: dict[str, Path | None]) -> tuple[list[str], list[str]]:
    """The contenders to run, and notes on what was added or left out and why."""
    notes = []
    if args.contenders:
        names = [n.strip() for n in args.contenders.split(",") if n.strip()]
        unknown = [n for n in names if n not in ALL_CONTENDERS]
        if unknown:
            raise SystemExit(f"unknown contender(s): {', '.join(unknown)}; choose from {', '.join(ALL_CONTENDERS)}")
    else:
        names = ["factcheck", "hugo", "pelican"]
    for name in names:
        if tools[name.split("-")[0]] is None:
            raise SystemExit(f"{name}: executable not found (install tests/bench/requirements.txt, or pass --{name})")
    if tools["factcheck"] and has_flag(tools["factcheck"], "build", "--no-search"):
        if not args.contenders and "factcheck-nosearch" not in names:
            names.insert(1, "factcheck-nosearch")
            notes.append("`factcheck build --no-search` exists, so our build also ran without the Pagefind index.")
    elif "factcheck-nosearch" in names:
        raise SystemExit("factcheck-nosearch: this factcheck has no `build --no-search`")
    else:
        notes.append("`factcheck build` has no --no-search flag yet: our builds include the Pagefind index.")
    return names, notes


def make_contender(name: str, paths: dict[str, Path], tools: dict[str, Path | None]) -> Contender:
    if name == "factcheck":
        return Factcheck("factcheck", paths["site"], tools["factcheck"])
    if name == "factcheck-nosearch":
        # Served only if `serve` has the flag too; otherwise it would repeat the plain factcheck server.
        return Factcheck(name, paths["site"], tools["factcheck"], extra=["--no-search"],
                         serves=has_flag(tools["factcheck"], "serve", "--no-search"))
    if name == "hugo":
        return Hugo("hugo", paths["hugo"], tools["hugo"], cache_dir=paths["work"] / "hugo-cache")
    return Pelican("pelican", paths["pelican"], tools["pelican"])


# --- the corpus ----------------------------------------------------------------------------


def prepare_corpus(work: Path, size: int, seed: int, names: list[str]) -> tuple[dict[str, Path], dict]:
    """Write our corpus and the translations the chosen contenders need; return paths and counts."""
    paths = {"work": work, "site": work / "site", "hugo": work / "hugo", "pelican": work / "pelican",
             "logs": work / "logs"}
    started = time.perf_counter()
    for key in ("site", "hugo", "pelican", "logs"):
        remove(paths[key])
    site = make_corpus(paths["site"], size, seed)
    if "hugo" in names:
        emit_hugo(paths["site"], paths["hugo"])
    if "pelican" in names:
        emit_pelican(paths["site"], paths["pelican"])
    paths["logs"].mkdir(parents=True)
    content_bytes = sum(p.stat().st_size for p in (paths["site"] / "content").rglob("*.md"))
    corpus = {"articles": len(site.articles), "claims": len(site.claims), "actors": len(site.actors),
              "outlets": len(site.outlets), "mentions": site.mentions, "content_bytes": content_bytes,
              "seed": seed, "prepare_seconds": time.perf_counter() - started, "article_ids": site.articles}
    return paths, corpus


# --- builds --------------------------------------------------------------------------------


def measure_build(contender: Contender, phase: str, log: Path, check_article: str,
                  marker: str | None = None) -> dict:
    """One timed build; ``phase`` cold cleans first. The result also counts rewritten output files.

    After the build the edited (or any) article page must exist, and hold
    ``marker`` when given: a build that silently did nothing must not count.
    """
    if phase == "cold":
        contender.clean_for_cold()
    before = snapshot(contender.output)
    with open(log, "a") as handle:
        handle.write(f"\n=== {phase}: {' '.join(contender.build_command())}\n")
    result = run_measured(contender.build_command(), cwd=contender.root, log=log)
    if not result.ok:
        raise BenchError(f"{contender.name} {phase} build exited {result.returncode}; see {log}")
    page = contender.article_output(check_article)
    if not page.is_file():
        raise BenchError(f"{contender.name} {phase} build wrote no {page}")
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
    """The reference measurements of floor.py (Python-Markdown alone, writing alone)."""
    command = [sys.executable, str(HERE / "floor.py"), str(site), *([str(output)] if output else [])]
    done = subprocess.run(command, capture_output=True, text=True)
    with open(log, "a") as handle:
        handle.write(f"\n=== {' '.join(command)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise BenchError(f"floor.py exited {done.returncode}; see {log}")
    return json.loads(done.stdout)


def say(line: str) -> None:
    print(line, flush=True)


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


# --- serve ---------------------------------------------------------------------------------


def edited_articles(article_ids: list[str], count: int, avoid: str) -> list[str]:
    """``count`` different articles spread evenly over the sorted ids, never the build-edit article."""
    ids = [a for a in sorted(article_ids) if a != avoid]
    count = min(count, len(ids))
    return [ids[i * len(ids) // count] for i in range(count)]


def serve_phase(contender: Contender, index: int, article_ids: list[str], log: Path,
                startup_timeout: float) -> dict:
    """Start the dev server from a cold state, wait for its first page, then save each of
    ``article_ids`` in turn and time until the server shows the edit."""
    port = free_port()
    contender.clean_for_cold()  # so "first page served" means built by this server, not left on disk
    started = time.perf_counter()
    server = Server(contender.serve_command(port), contender.root, log)
    originals: dict[Path, bytes] = {}
    try:
        first = poll_until(contender.article_url(port, article_ids[0]), None, started + startup_timeout)
        if first is None or not server.running():
            raise BenchError(f"{contender.name} server served nothing within {startup_timeout:.0f} s; see {log}")
        startup = first - started
        wait_until_idle(server.pid)
        latencies = []
        for number, article in enumerate(article_ids):
            marker = f"benchserve{index}x{number:03d}"
            source = contender.article_source(article)
            originals.setdefault(source, source.read_bytes())
            append_marker(source, marker)
            saved = time.perf_counter()
            seen = poll_until(contender.article_url(port, article), marker.encode(), saved + EDIT_TIMEOUT)
            if seen is None:
                raise BenchError(f"{contender.name} server did not show edit {number} within {EDIT_TIMEOUT:.0f} s")
            latencies.append(seen - saved)
            say(f"    edit {number + 1}/{len(article_ids)}: {(seen - saved) * 1000:.0f} ms")
            wait_until_idle(server.pid)  # the next edit must not land in this one's rebuild
    finally:
        server.stop()
        for source, original in originals.items():
            source.write_bytes(original)
    return {"startup_seconds": startup, "latencies_seconds": latencies, "port": port}


def serve_edit_count(contender: Contender, size: int, args: argparse.Namespace) -> int:
    if isinstance(contender, Pelican) and size >= SLOW_SERVE_SIZE:
        return min(args.edits, args.pelican_edits)
    return args.edits


# --- one size ------------------------------------------------------------------------------


def bench_size(size: int, names: list[str], tools: dict, args: argparse.Namespace, notes: list[str]) -> dict:
    notes = list(notes)
    large = size >= LARGE_SIZE and not args.all_measurements
    cold_only = args.only_build or large
    if large:
        names = [n for n in names if n.startswith("factcheck")]
        notes.append(f"{size:,} articles: only our cold build was measured (--all-measurements measures the rest).")
    say(f"== {size:,} articles: writing the corpus into {args.work / str(size)}")
    paths, corpus = prepare_corpus(args.work / str(size), size, args.seed, names)
    say(f"   {corpus['articles']:,} articles, {corpus['claims']:,} claims, {corpus['actors']:,} actors "
        f"in {corpus['prepare_seconds']:.1f} s")
    contenders = [make_contender(n, paths, tools) for n in names]
    article_ids = corpus.pop("article_ids")
    build_article = sorted(article_ids)[len(article_ids) // 2]
    results, floor = build_phase(contenders, args.runs, build_article, paths["logs"], cold_only,
                                 floor_site=None if large else paths["site"])
    if not (cold_only or args.no_serve):
        edit_ids = edited_articles(article_ids, args.edits, build_article)
        for index, contender in enumerate(contenders):
            count = serve_edit_count(contender, size, args)
            if contender.serve_command(0) is None or count < 1:
                notes.append(f"{contender.label}: dev server not measured"
                             + (" (`factcheck serve` has no --no-search)." if count else " (no edits asked)."))
                continue
            if count < args.edits:
                notes.append(f"{contender.label}: serve edits capped at {count} at this size, "
                             f"since each of its rebuilds takes long (--pelican-edits).")
            say(f"  serve {contender.label}: {count} edit(s)")
            results[contender.name]["serve"] = serve_phase(
                contender, index, edit_ids[:count], paths["logs"] / f"{contender.name}-serve.log",
                args.startup_timeout)
    summary = {name: report.medians(results[name]) for name in names}
    for contender in contenders:
        warm = results[contender.name]["warm"]
        if contender.name.startswith("factcheck") and warm:
            worst = max(run["rewritten"] for run in warm)
            notes.append(f"{contender.label}: warm builds rewrote at most {worst} output file(s) "
                         f"({'as issue 5 asks' if worst == 0 else 'issue 5 asks for none'}).")
    for name in names:
        serve = results[name].get("serve")
        if serve:
            notes.append(f"{name}: serve latency is the median of {len(serve['latencies_seconds'])} edit(s).")
    return {
        "corpus": corpus,
        "labels": {c.name: c.label for c in contenders},
        "runs": results,
        "medians": summary,
        "ratios": report.ratios(summary, names),
        "floor": floor,
        "edited_article": build_article,
        "notes": notes,
    }


# --- command line --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts (default: 1000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per build measurement (default: 5)")
    parser.add_argument("--edits", type=int, default=20, help="edits timed per dev server (default: 20)")
    parser.add_argument("--pelican-edits", type=int, default=3,
                        help=f"edits for Pelican's server from {SLOW_SERVE_SIZE:,} articles on (default: 3)")
    parser.add_argument("--contenders", help=f"comma-separated, from {', '.join(ALL_CONTENDERS)} "
                                             "(default: factcheck,hugo,pelican, plus factcheck-nosearch if supported)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for latest.json and latest.md")
    parser.add_argument("--work", type=Path, default=Path("/tmp/factcheck-bench"), help="folder for the corpora")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only-build", action="store_true", help="measure cold builds only, at every size")
    parser.add_argument("--all-measurements", action="store_true",
                        help=f"at {LARGE_SIZE:,} articles and more, measure everything for every contender")
    parser.add_argument("--no-serve", action="store_true", help="skip the dev-server measurements")
    parser.add_argument("--startup-timeout", type=float, default=3600.0,
                        help="seconds a dev server may take to serve its first page (default: 3600)")
    parser.add_argument("--factcheck", help="factcheck executable (default: beside this Python)")
    parser.add_argument("--hugo", help="hugo binary (default: the one in the `hugo` package)")
    parser.add_argument("--pelican", help="pelican executable (default: beside this Python)")
    args = parser.parse_args(argv)
    args.size_list = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.runs < 1 or args.edits < 1 or not args.size_list:
        parser.error("--runs, --edits and --sizes need at least one")
    return args


def write_results(out: Path, results: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out / "latest.md").write_text(report.markdown(results), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tools = find_tools(args)
    names, notes = choose_contenders(args, tools)
    results = {
        "started": report.now(), "finished": None,
        "machine": report.machine_info(tool_versions(tools)),
        "settings": {"sizes": args.size_list, "runs": args.runs, "edits": args.edits,
                     "pelican_edits": args.pelican_edits, "seed": args.seed, "contenders": names,
                     "only_build": args.only_build, "no_serve": args.no_serve},
        "sizes": {},
    }
    say(f"Contenders: {', '.join(names)}")
    for size in args.size_list:
        results["sizes"][str(size)] = bench_size(size, names, tools, args, notes)
        write_results(args.out, results)  # after every size: a long run that dies keeps what it measured
    results["finished"] = report.now()
    write_results(args.out, results)
    print()
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as problem:
        print(f"benchmark failed: {problem}", file=sys.stderr)
        sys.exit(1)
