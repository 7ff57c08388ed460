"""Medians, ratios, the machine description, and the Markdown table of a benchmark run.

The JSON file keeps every single run, so other summaries can be computed
later; the Markdown table shows medians, and ratios of our generator's
median to the median of the contenders that do the same work: our default
build (with its search index) to Hugo + Pagefind, the headline; ours
without search to Hugo and to Pelican (below 1.0: ours is faster or smaller).
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Row:
    phase: str  # cold, warm, edit or serve
    metric: str  # a key of the phase's records
    label: str
    unit: str  # s, ms, MiB or count
    ratio: bool = True  # counts of files have no meaningful ratio


# In the order issue 13 asks to see them: builds, each with the files it rewrote, the dev
# server, then memory.
ROWS = (
    Row("cold", "seconds", "Cold full build (no output, no cache)", "s"),
    Row("warm", "seconds", "Warm full build (nothing changed)", "s"),
    Row("warm", "rewritten", "Output files rewritten by the warm build", "count", ratio=False),
    Row("edit", "seconds", "Full build after one article changed", "s"),
    Row("edit", "rewritten", "Output files rewritten after one article changed", "count", ratio=False),
    Row("serve", "startup_seconds", "Serve: start (no output, no cache) → first page served", "s"),
    Row("serve", "warm_startup_seconds", "Serve: start after a build (warm caches) → first page served", "s"),
    Row("serve", "latency_seconds", "Serve: save → edited page served (median)", "ms"),
    Row("serve", "settle_seconds", "Serve: save → server idle again, whole site rebuilt (median)", "ms"),
    Row("serve", "consistent_seconds", "Serve: save → whole site served rebuilt, its last version announced (median)",
        "ms"),
    Row("cold", "peak_rss_bytes", "Peak memory (summed PSS) of the process tree, cold build", "MiB"),
    Row("warm", "peak_rss_bytes", "Peak memory (summed PSS) of the process tree, warm build", "MiB"),
    Row("edit", "peak_rss_bytes", "Peak memory (summed PSS) of the process tree, build after one change", "MiB"),
    Row("cold", "maxrss_bytes", "Largest single process, cold build (ru_maxrss)", "MiB"),
    Row("cold", "files", "Files in the output after a cold build", "count", ratio=False),
)
# Whose builds make a Pagefind index: each of ours is compared with the others that do the same work.
WITH_SEARCH = {"factcheck", "hugo-pagefind"}


def say(line: str) -> None:
    """A line of progress on the terminal, at once (a run takes minutes to hours)."""
    print(line, flush=True)


def median_of(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def medians(contender_result: dict) -> dict:
    """{phase: {metric: median}} over a contender's runs (and, for serve, over its edits)."""
    summary: dict[str, dict[str, float | None]] = {}
    for phase in ("cold", "warm", "edit"):
        runs = contender_result.get(phase, [])
        keys = runs[0].keys() if runs else ()
        summary[phase] = {key: median_of([run[key] for run in runs]) for key in keys}
    serve = contender_result.get("serve")
    if serve:
        settled = [seconds for seconds in serve.get("settle_seconds", []) if seconds is not None]
        consistent = [seconds for seconds in serve.get("consistent_seconds", []) if seconds is not None]
        summary["serve"] = {
            "latency_seconds": median_of(serve["latencies_seconds"]),
            "settle_seconds": median_of(settled),
            "consistent_seconds": median_of(consistent),
            "startup_seconds": serve["startup_seconds"],
            "warm_startup_seconds": serve.get("warm_startup_seconds"),
            "edits": len(serve["latencies_seconds"]),
        }
    return summary


def ratio_pairs(names: list[str]) -> list[tuple[str, str]]:
    """Each variant of ours against the other generators that do the same work (with or
    without a search index); another generator that none of ours matches is compared
    with our first variant, so that every contender has a ratio."""
    ours = [n for n in names if n.startswith("factcheck")]
    others = [n for n in names if not n.startswith("factcheck")]
    pairs = [(a, b) for a in ours for b in others if (a in WITH_SEARCH) == (b in WITH_SEARCH)]
    matched = {b for _, b in pairs}
    return pairs + [(ours[0], b) for b in others if b not in matched and ours]


def ratios(summary: dict[str, dict], names: list[str]) -> dict[str, dict[str, float | None]]:
    """{"factcheck / hugo": {"cold.seconds": 0.8, …}}."""
    result = {}
    for ours, other in ratio_pairs(names):
        pair = {}
        for row in ROWS:
            if row.ratio:
                a, b = value(summary, ours, row), value(summary, other, row)
                pair[f"{row.phase}.{row.metric}"] = a / b if a is not None and b else None
        result[f"{ours} / {other}"] = pair
    return result


def value(summary: dict[str, dict], name: str, row: Row) -> float | None:
    return summary.get(name, {}).get(row.phase, {}).get(row.metric)


def formatted(number: float | None, unit: str) -> str:
    if number is None:
        return "—"
    if unit == "ms":
        return f"{number * 1000:.0f}"
    if unit == "MiB":
        return f"{number / MB:.0f}"
    if unit == "count":
        return f"{number:.0f}"
    return f"{number:.2f}" if number < 100 else f"{number:.0f}"


def size_table(size_result: dict, labels: dict[str, str]) -> list[str]:
    """The Markdown table of one corpus size: a row per measurement, a column per contender and ratio."""
    summary = size_result["medians"]
    names = list(summary)
    pairs = ratio_pairs(names)
    header = ["Measurement", *(labels[n] for n in names), *(f"{labels[a]} / {labels[b]}" for a, b in pairs)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in ROWS:
        cells = [formatted(value(summary, n, row), row.unit) for n in names]
        if not any(cell != "—" for cell in cells):
            continue  # a phase this run skipped (--only-build, --no-serve)
        for ours, other in pairs:
            ratio = size_result["ratios"][f"{ours} / {other}"].get(f"{row.phase}.{row.metric}")
            cells.append(f"{ratio:.2f}" if ratio is not None else "—")
        unit = "" if row.unit == "count" else f", {row.unit}"
        lines.append(f"| {row.label}{unit} | " + " | ".join(cells) + " |")
    return lines


def markdown(results: dict) -> str:
    machine, settings = results["machine"], results["settings"]
    out = [
        f"# Benchmark run of {results['finished'] or results['started']}",
        "",
        (f"Machine: {machine['cpu_model']}, {machine['cpus_usable']} usable CPUs, "
         f"{machine['memory_total_gib']:.1f} GiB, Linux {machine['kernel']}, Python {machine['python']}."),
        (f"Versions: factcheck {machine['factcheck']}; {machine['hugo']}; "
         f"{machine.get('pagefind', 'pagefind: not recorded')}; {machine['pelican']}."),
        (f"Settings: {settings['runs']} run(s) per measurement, alternating contenders; "
         f"{settings['edits']} serve edit(s); seed {settings['seed']}."),
        "",
    ]
    for size, size_result in results["sizes"].items():
        corpus = size_result["corpus"]
        out += [
            f"## {int(size):,} articles",
            "",
            (f"{corpus['articles']:,} articles, {corpus['claims']:,} claims, {corpus['actors']:,} actors, "
             f"{corpus['outlets']:,} outlets, {corpus['mentions']:,} mentions; "
             f"{corpus['content_bytes'] / MB:.1f} MiB of content."),
            "",
            *headline_lines(size_result),
            *size_table(size_result, size_result["labels"]),
            "",
            *floor_lines(size_result),
            *(f"- {note}" for note in size_result["notes"]),
            "",
        ]
    out += memory_growth(results)
    return "\n".join(out).rstrip() + "\n"


def headline_lines(size_result: dict, ours: str = "factcheck", theirs: str = "hugo-pagefind") -> list[str]:
    """Issue 13's headline, before the table: our default build, cold, against Hugo + Pagefind."""
    summary = size_result["medians"]
    mine, other = (summary.get(name, {}).get("cold", {}) for name in (ours, theirs))
    if not mine.get("seconds") or not other.get("seconds"):
        return []
    ratio = size_result["ratios"].get(f"{ours} / {theirs}", {})
    memory = ""
    if mine.get("peak_rss_bytes") and other.get("peak_rss_bytes"):
        memory = (f"; peak memory {mine['peak_rss_bytes'] / MB:,.0f} MiB against "
                  f"{other['peak_rss_bytes'] / MB:,.0f} MiB, {ratio['cold.peak_rss_bytes']:.2f}×")
    return [f"**Headline**: our default build (search on), cold, {mine['seconds']:.2f} s against Hugo + "
            f"Pagefind's {other['seconds']:.2f} s: {ratio['cold.seconds']:.2f}×{memory} "
            "(issue 13: ≤ 1.0× and memory below theirs).", ""]


def floor_lines(size_result: dict) -> list[str]:
    """The reference measurements (floor.py) beside Hugo's cold build and Hugo + Pagefind's, as a paragraph."""
    floors = size_result.get("floor") or []
    if not floors:
        return []
    parts, total = [], 0.0
    plain = median_of([f["markdown"]["seconds"] for f in floors])
    first = floors[0]["markdown"]
    if all("markdown_ours" in f for f in floors):  # the floor's part: the conversion as our build makes it
        ours = median_of([f["markdown_ours"]["seconds"] for f in floors])
        parts.append(f"Python-Markdown alone converting the {first['bodies']:,} article bodies on "
                     f"{first['workers']} cores as our build does, to the tree (its passes narrowed to what "
                     f"can match): {ours:.2f} s (plain Python-Markdown to HTML: {plain:.2f} s)")
        total += ours
    else:
        parts.append(f"Python-Markdown alone converting the {first['bodies']:,} article bodies on "
                     f"{first['workers']} cores: {plain:.2f} s")
        total += plain
    if all("front_matter" in f for f in floors):
        composed = median_of([f["front_matter"]["seconds"] for f in floors])
        parts.append(f"PyYAML alone composing the front matter of the {floors[0]['front_matter']['files']:,} "
                     f"content files as our build does: {composed:.2f} s")
        total += composed
    if all("writing" in f for f in floors):
        writing_alone = median_of([f["writing"]["seconds"] for f in floors])
        written = floors[0]["writing"]
        parts.append(f"writing our output's {written['files']:,} files ({written['bytes'] / MB:.0f} MiB) "
                     f"again: {writing_alone:.2f} s")
        total += writing_alone
    searched = None
    if all("search" in f for f in floors):
        search_alone = median_of([f["search"]["seconds"] for f in floors])
        indexed = floors[0]["search"]
        pagefind_cpu = median_of([f["search"]["pagefind_cpu_seconds"] for f in floors])
        parts.append(f"Pagefind indexing the {indexed['pages']:,} pages our build indexes, in its "
                     f"{indexed['shards']} shards, {indexed['jobs']} at a time (our search step, given the "
                     f"finished pages): {search_alone:.2f} s, Pagefind's own CPU time {pagefind_cpu:.1f} s over the cores")
        searched = total + search_alone
    line = (f"Reference, work our cold build cannot skip, timed alone (floor.py, medians of {len(floors)}): "
            + "; ".join(parts) + f". Without search, {total:.2f} s")
    hugo = size_result["medians"].get("hugo", {}).get("cold", {}).get("seconds")
    if hugo:
        line += f" = {total / hugo:.2f} × Hugo's cold build ({hugo:.2f} s)"
    if searched is not None:
        line += f"; with search, {searched:.2f} s"
        both = size_result["medians"].get("hugo-pagefind", {}).get("cold", {}).get("seconds")
        if both:
            line += f" = {searched / both:.2f} × Hugo + Pagefind's ({both:.2f} s)"
    return [line + ".", ""]


def memory_growth(results: dict, name: str = "factcheck") -> list[str]:
    """Our cold build's peak memory at each size, and its growth per 1,000 articles between sizes.

    Issue 5 asks that memory grow no more than linearly up to 100,000 articles: a
    growth per 1,000 articles that stays flat (or falls) from size to size shows that.
    """
    points = []
    for size, size_result in results["sizes"].items():
        peak = size_result["medians"].get(name, {}).get("cold", {}).get("peak_rss_bytes")
        if peak:
            points.append((int(size), peak))
    if len(points) < 2:
        return []
    points.sort()
    lines = [f"## Memory growth of the {name} cold build", "", "| Articles | Peak memory (PSS), MiB | Growth since the "
             "previous size, MiB per 1,000 articles |", "|---|---|---|"]
    for index, (size, peak) in enumerate(points):
        growth = "—"
        if index:
            previous_size, previous_peak = points[index - 1]
            growth = f"{(peak - previous_peak) / MB / ((size - previous_size) / 1000):.1f}"
        lines.append(f"| {size:,} | {peak / MB:.0f} | {growth} |")
    return [*lines, ""]


# --- the machine ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_gib() -> float:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def machine_info(versions: dict[str, str]) -> dict:
    return {
        "host": platform.node(),
        "cpu_model": cpu_model(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_total_gib": memory_total_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        **versions,
    }


def now() -> str:
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")
