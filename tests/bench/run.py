"""Benchmark factcheck against Hugo (alone and with Pagefind) and Pelican on the same synthetic corpus.

    python tests/bench/run.py [--sizes 1000,10000] [--runs 5] [--edits 20]
                              [--contenders factcheck,hugo-pagefind,factcheck-nosearch,hugo,pelican]
                              [--out tests/bench/results]

For each size: write the corpus once (ours, then the Hugo and Pelican
translations), then, run after run, build with each contender in turn (run 1
of each, then run 2 of each, …) so a slow drift of the machine touches all of
them alike: a cold build, a warm build, and a build after one article
changed (builds.py). Then start each contender's dev server and time edits
until the edited page is served and until the server is idle again, and its
start again with warm caches (serving.py). Results go to
results/latest.json (every run) and results/latest.md (medians and ratios);
the table is printed at the end. See README.md beside this file for what
each number means.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))  # tests/: the bench package and synthetic.py

from bench import report  # noqa: E402
from bench.builds import build_phase  # noqa: E402
from bench.contenders import (  # noqa: E402
    BenchError,
    Contender,
    Factcheck,
    Hugo,
    HugoPagefind,
    Pelican,
    beside_python,
    factcheck_version,
    first_line,
    has_flag,
    hugo_binary,
    pagefind_binary,
    remove,
)
from bench.corpus import emit_hugo, emit_pelican, make_corpus  # noqa: E402
from bench.report import say  # noqa: E402
from bench.serving import edited_articles, serve_phase  # noqa: E402

# In the table's order: our default build (the headline) beside Hugo + Pagefind, which
# also makes a search index; then ours without search beside the two that make none.
ALL_CONTENDERS = ("factcheck", "hugo-pagefind", "factcheck-nosearch", "hugo", "pelican")
TOOLS_NEEDED = {"factcheck": ("factcheck",), "factcheck-nosearch": ("factcheck",),
                "hugo-pagefind": ("hugo", "pagefind"), "hugo": ("hugo",), "pelican": ("pelican",)}
LARGE_SIZE = 50_000  # from here on, only our cold build unless --all-measurements
SLOW_SERVE_SIZE = 10_000  # from here on, slow servers' edits are capped (--slow-edits)


# --- tools and contenders ------------------------------------------------------------------


def find_tools(args: argparse.Namespace) -> dict[str, Path | None]:
    return {
        "factcheck": Path(args.factcheck) if args.factcheck else beside_python("factcheck"),
        "hugo": Path(args.hugo) if args.hugo else hugo_binary(),
        "pagefind": Path(args.pagefind) if args.pagefind else pagefind_binary(),
        "pelican": Path(args.pelican) if args.pelican else beside_python("pelican"),
    }


def tool_versions(tools: dict[str, Path | None]) -> dict[str, str]:
    def version(tool: str, prefix: str = "") -> str:
        return f"{prefix}{first_line([str(tools[tool]), '--version'])}" if tools[tool] else f"{tool}: not found"

    return {
        "factcheck": factcheck_version(),
        "hugo": first_line([str(tools["hugo"]), "version"]) if tools["hugo"] else "hugo: not found",
        "pagefind": version("pagefind"),
        "pelican": version("pelican", prefix="pelican "),
    }


def choose_contenders(args: argparse.Namespace, tools: dict[str, Path | None]) -> tuple[list[str], list[str]]:
    """The contenders to run, in the table's order, and notes on what was added or left out and why."""
    notes = []
    if args.contenders:
        names = [n.strip() for n in args.contenders.split(",") if n.strip()]
        unknown = [n for n in names if n not in ALL_CONTENDERS]
        if unknown:
            raise SystemExit(f"unknown contender(s): {', '.join(unknown)}; choose from {', '.join(ALL_CONTENDERS)}")
    else:
        names = ["factcheck", "hugo-pagefind", "hugo", "pelican"]
    for name in names:
        for tool in TOOLS_NEEDED[name]:
            if tools[tool] is None:
                raise SystemExit(f"{name}: {tool} not found (install tests/bench/requirements.txt, or pass --{tool})")
    if tools["factcheck"] and has_flag(tools["factcheck"], "build", "--no-search"):
        if not args.contenders and "factcheck-nosearch" not in names:
            names.append("factcheck-nosearch")
            notes.append("`factcheck build --no-search` exists, so our build also ran without the Pagefind index.")
    elif "factcheck-nosearch" in names:
        raise SystemExit("factcheck-nosearch: this factcheck has no `build --no-search`")
    else:
        notes.append("`factcheck build` has no --no-search flag yet: our builds include the Pagefind index.")
    return sorted(names, key=ALL_CONTENDERS.index), notes


def make_contender(name: str, paths: dict[str, Path], tools: dict[str, Path | None]) -> Contender:
    if name == "factcheck":
        return Factcheck("factcheck", paths["site"], tools["factcheck"])
    if name == "factcheck-nosearch":
        # Served only if `serve` has the flag too; otherwise it would repeat the plain factcheck server.
        return Factcheck(name, paths["site"], tools["factcheck"], extra=["--no-search"],
                         serves=has_flag(tools["factcheck"], "serve", "--no-search"))
    if name == "hugo-pagefind":
        # A Hugo site of its own, so neither Hugo contender ever sees the other's output or cache.
        return HugoPagefind(name, paths[name], tools["hugo"], cache_dir=paths["work"] / f"{name}-cache",
                            pagefind=tools["pagefind"])
    if name == "hugo":
        return Hugo("hugo", paths["hugo"], tools["hugo"], cache_dir=paths["work"] / "hugo-cache")
    return Pelican("pelican", paths["pelican"], tools["pelican"])


def compile_package_bytecode() -> str:
    """Compile the generator package's bytecode before anything is timed, as
    ``pip install`` does for an installed package, and say so in the notes.

    The bench installs the package in editable mode, which leaves that to the
    first run; on a machine that sets ``PYTHONDONTWRITEBYTECODE`` (CI images
    often do) no run ever writes it, and every build compiled the package's
    ~150 modules from source again: 0.09 s of a 1.0 s build after one edit at
    10,000 articles, which no user of an installed package pays. Python only
    reads what this writes, and checks it against each source file's time and size."""
    spec = importlib.util.find_spec("generator")
    if spec is None or not spec.submodule_search_locations:
        return "The generator package was not found beside the benchmark: its bytecode was not compiled first."
    folder = list(spec.submodule_search_locations)[0]
    compileall.compile_dir(folder, quiet=1)
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return (f"The generator package's bytecode was compiled before timing, as an installed package's is "
            f"(PYTHONDONTWRITEBYTECODE={'set' if setting else 'unset'} on this machine).")


# --- the corpus ----------------------------------------------------------------------------


def prepare_corpus(work: Path, size: int, seed: int, names: list[str]) -> tuple[dict[str, Path], dict]:
    """Write our corpus and the translations the chosen contenders need; return paths and counts."""
    paths = {"work": work, "site": work / "site", "hugo": work / "hugo", "hugo-pagefind": work / "hugo-pagefind",
             "pelican": work / "pelican", "logs": work / "logs"}
    started = time.perf_counter()
    for key in ("site", "hugo", "hugo-pagefind", "pelican", "logs"):
        remove(paths[key])
    site = make_corpus(paths["site"], size, seed)
    for hugo_site in ("hugo", "hugo-pagefind"):
        if hugo_site in names:
            emit_hugo(paths["site"], paths[hugo_site])
    if "pelican" in names:
        emit_pelican(paths["site"], paths["pelican"])
    paths["logs"].mkdir(parents=True)
    content_bytes = sum(p.stat().st_size for p in (paths["site"] / "content").rglob("*.md"))
    corpus = {"articles": len(site.articles), "claims": len(site.claims), "actors": len(site.actors),
              "outlets": len(site.outlets), "mentions": site.mentions, "content_bytes": content_bytes,
              "seed": seed, "prepare_seconds": time.perf_counter() - started, "article_ids": site.articles}
    return paths, corpus


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
        notes += serve_all(contenders, size, edit_ids, results, paths["logs"], args)
    summary = {name: report.medians(results[name]) for name in names}
    notes += warm_build_notes(contenders, results)
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


def serve_all(contenders: list[Contender], size: int, edit_ids: list[str], results: dict, logs: Path,
              args: argparse.Namespace) -> list[str]:
    """Each contender's dev server in turn, into ``results``; returns notes on what was left out."""
    notes = []
    for index, contender in enumerate(contenders):
        count = serve_edit_count(contender, size, args)
        if contender.serve_command(0) is None:
            notes.append(f"{contender.label}: dev server not measured ({contender.no_server_reason}).")
            continue
        if count < args.edits:
            notes.append(f"{contender.label}: serve edits capped at {count} at this size, since every save "
                         "makes it redo a whole-site step (--slow-edits).")
        say(f"  serve {contender.label}: {count} edit(s), then a start with warm caches")
        serve = serve_phase(contender, index, edit_ids[:count], logs / f"{contender.name}-serve.log",
                            args.startup_timeout)
        results[contender.name]["serve"] = serve
        never_idle = serve["settle_seconds"].count(None)
        notes.append(f"{contender.label}: serve times are medians of {count} edit(s)"
                     + (f"; after {never_idle} of them the server never went idle." if never_idle else "."))
    return notes


def serve_edit_count(contender: Contender, size: int, args: argparse.Namespace) -> int:
    if contender.slow_server and size >= SLOW_SERVE_SIZE:
        return min(args.edits, args.slow_edits)
    return args.edits


def warm_build_notes(contenders: list[Contender], results: dict) -> list[str]:
    notes = []
    for contender in contenders:
        warm = results[contender.name]["warm"]
        if isinstance(contender, Factcheck) and warm:
            worst = max(run["rewritten"] for run in warm)
            notes.append(f"{contender.label}: warm builds rewrote at most {worst} output file(s) "
                         f"({'as issues 5 and 13 ask' if worst == 0 else 'issues 5 and 13 ask for none'}).")
    return notes


# --- command line --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts (default: 1000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per build measurement (default: 5)")
    parser.add_argument("--edits", type=int, default=20, help="edits timed per dev server (default: 20)")
    parser.add_argument("--slow-edits", "--pelican-edits", dest="slow_edits", type=int, default=3,
                        help=f"from {SLOW_SERVE_SIZE:,} articles on, edits for the servers that redo a whole-site "
                             "step after every save: Pelican's, and ours with search (default: 3)")
    parser.add_argument("--contenders", help=f"comma-separated, from {', '.join(ALL_CONTENDERS)} (default: "
                                             "factcheck,hugo-pagefind,hugo,pelican, plus factcheck-nosearch "
                                             "if supported)")
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
    parser.add_argument("--pagefind", help="pagefind binary (default: the one our build runs, from `pagefind-bin`)")
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
                     "slow_edits": args.slow_edits, "seed": args.seed, "contenders": names,
                     "only_build": args.only_build, "no_serve": args.no_serve},
        "sizes": {},
    }
    say(f"Contenders: {', '.join(names)}")
    notes.append(compile_package_bytecode())
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
