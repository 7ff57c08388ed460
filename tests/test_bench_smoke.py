"""The benchmark (tests/bench/, `make bench`) in miniature, so that it cannot rot unnoticed.

One build of a 200-article corpus through the very functions run.py times,
the Hugo and Pelican translations of that corpus, the "hugo + pagefind"
contender's builds (only where a Hugo binary is installed: the benchmark's
environment has one, `make test`'s does not), the table's headline and
ratios, and the measuring tools themselves: the process-tree memory sampler
must see memory that a grandchild holds, and must add up processes rather
than report the largest; a build of two programs is timed and measured as
one; a server's "idle again" moment is when its work ended.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from bench.builds import build_round, measure_build, measure_floor
from bench.contenders import SEARCH_ENTRY, Factcheck, HugoPagefind, beside_python, hugo_binary, pagefind_binary
from bench.corpus import emit_hugo, emit_pelican, make_corpus, read_document
from bench.measure import (
    SAMPLE_SECONDS,
    SAMPLER_CPU_SHARE,
    compare,
    last_busy_moment,
    pause_after,
    run_in_turn,
    run_measured,
    snapshot,
)
from bench.report import floor_lines, markdown, medians, ratio_pairs, ratios
from bench.serving import edit_session

MIB = 1024 * 1024
ARTICLES = 200


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "site"
    return make_corpus(root, ARTICLES, seed=1)


def test_corpus_has_the_issue_proportions(corpus):
    assert len(corpus.articles) == ARTICLES
    assert len(corpus.claims) == ARTICLES // 5
    assert len(corpus.actors) == ARTICLES // 10
    body = read_document(corpus.root / "content" / "articles" / f"{corpus.articles[0]}.md").body
    assert len(body.encode()) >= 5000


def test_our_build_through_the_benchmark(corpus, tmp_path):
    factcheck = beside_python("factcheck")
    assert factcheck is not None, "the factcheck command is not installed beside this Python"
    contender = Factcheck("factcheck", corpus.root, factcheck)
    article = sorted(corpus.articles)[ARTICLES // 2]

    result = measure_build(contender, "cold", tmp_path / "build.log", article)

    out = contender.output
    missing = [a for a in corpus.articles if not (out / "articles" / a / "index.html").is_file()]
    assert not missing, f"{len(missing)} article pages missing, e.g. {missing[:3]}"
    assert all((out / "claims" / c / "index.html").is_file() for c in corpus.claims)
    assert all((out / "actors" / a / "index.html").is_file() for a in corpus.actors)
    assert result["seconds"] > 0
    assert result["peak_rss_bytes"] > 10 * MIB  # a Python process holding a site: far above nothing
    assert result["maxrss_bytes"] > 0
    assert result["samples"] >= 1
    assert result["files"] >= len(corpus.articles) + len(corpus.claims) + len(corpus.actors)
    assert result["rewritten"] == result["files"]  # cold: every file is new


def test_reference_measurements_convert_every_body_and_write_every_file(corpus, tmp_path):
    output = tmp_path / "public"
    (output / "a" / "b").mkdir(parents=True)
    (output / "index.html").write_bytes(b"<p>home</p>")
    (output / "a" / "b" / "page.html").write_bytes(b"x" * 1000)
    searched = b"<html lang='en'><body><main data-pagefind-body><h1>Bridge</h1><p>The bridge cost 5 million.</p></main>"
    for name in ("articles/one", "claims/two"):
        (output / name).mkdir(parents=True)
        (output / name / "index.html").write_bytes(searched)

    floor = measure_floor(corpus.root, output, tmp_path / "floor.log")

    assert floor["markdown"]["bodies"] == ARTICLES
    assert floor["markdown"]["html_chars"] > ARTICLES * 5000  # every body converted, none skipped
    assert floor["markdown_ours"]["bodies"] == ARTICLES and floor["markdown_ours"]["elements"] > ARTICLES * 20
    assert floor["front_matter"]["files"] == len(list((corpus.root / "content").rglob("*.md")))
    assert floor["front_matter"]["top_level_keys"] > floor["front_matter"]["files"] and floor["front_matter"]["seconds"] > 0
    assert floor["writing"]["files"] == 4 and floor["writing"]["bytes"] == 1011 + 2 * len(searched)
    assert floor["markdown"]["seconds"] > 0 and floor["writing"]["seconds"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["floor.log", "public"]  # the scratch copy is gone
    if pagefind_binary() is not None:  # the pages that mark a search body, one shard per kind
        assert (floor["search"]["pages"], floor["search"]["shards"]) == (2, 2)
        assert floor["search"]["files"] > 2 and floor["search"]["pagefind_cpu_seconds"] > 0
    summary = {"floor": [floor], "medians": {"hugo": {"cold": {"seconds": 4.0}}, "hugo-pagefind": {"cold": {"seconds": 8.0}}}}
    [line, _] = floor_lines(summary)
    total = (floor["markdown_ours"]["seconds"]  # ours, not plain Markdown's
             + floor["front_matter"]["seconds"] + floor["writing"]["seconds"])
    assert f"Without search, {total:.2f} s = {total / 4:.2f} × Hugo's cold build (4.00 s)" in line
    if "search" in floor:
        searched_total = total + floor["search"]["seconds"]
        assert f"with search, {searched_total:.2f} s = {searched_total / 8:.2f} × Hugo + Pagefind's (8.00 s)" in line


def test_floor_line_sums_each_part_it_names():
    """The floor's sums take our conversion (not plain Markdown's), the front
    matter and the writing, and the search step for the sum with search."""
    floor = {"markdown": {"seconds": 2.0, "bodies": 10, "workers": 2, "html_chars": 1},
             "markdown_ours": {"seconds": 1.0, "bodies": 10, "workers": 2, "elements": 1},
             "front_matter": {"seconds": 0.5, "files": 12, "workers": 2, "top_level_keys": 60},
             "writing": {"seconds": 0.25, "files": 3, "bytes": 100},
             "search": {"seconds": 4.0, "pages": 2, "shards": 2, "jobs": 2, "pagefind_cpu_seconds": 6.0}}
    summary = {"floor": [floor], "medians": {"hugo": {"cold": {"seconds": 4.0}}, "hugo-pagefind": {"cold": {"seconds": 8.0}}}}
    [line, _] = floor_lines(summary)
    assert "PyYAML alone composing the front matter of the 12 content files as our build does: 0.50 s" in line
    assert "Without search, 1.75 s = 0.44 × Hugo's cold build (4.00 s)" in line
    assert "with search, 5.75 s = 0.72 × Hugo + Pagefind's (8.00 s)" in line


def test_hugo_translation(corpus, tmp_path):
    hugo = emit_hugo(corpus.root, tmp_path / "hugo")
    config = (hugo / "hugo.toml").read_text()
    assert 'claim = "claims"' in config and 'actor = "actors"' in config and 'outlet = "outlets"' in config
    articles = sorted((hugo / "content" / "articles").glob("*.md"))
    assert len([a for a in articles if a.name != "_index.md"]) == ARTICLES
    for section, ids in (("claims", corpus.claims), ("actors", corpus.actors), ("outlets", corpus.outlets)):
        assert all((hugo / "content" / section / i / "_index.md").is_file() for i in ids), section
    assert (hugo / "layouts" / "baseof.html").is_file() and (hugo / "layouts" / "term.html").is_file()

    ours = read_document(corpus.root / "content" / "articles" / f"{corpus.articles[0]}.md")
    text = (hugo / "content" / "articles" / f"{corpus.articles[0]}.md").read_text()
    front, end = json.JSONDecoder().raw_decode(text)
    body = text[end:]
    assert body.strip() == ours.body.strip()
    assert len(front["params"]["mentions"]) == len(ours.meta["mentions"])
    assert front["outlets"] == [ours.meta["outlet"]]
    assert set(front["claims"]) == {m["claim"] for m in ours.meta["mentions"]}
    assert len(front["date"]) == 10


def test_hugo_with_pagefind_through_the_benchmark(corpus, tmp_path):
    """Hugo's build and Pagefind's command line over its output, timed as one build, in each
    of the three phases run.py measures; Pagefind indexes the pages ours indexes."""
    hugo, pagefind = hugo_binary(), pagefind_binary()
    if hugo is None or pagefind is None:
        pytest.skip(f"{'hugo' if hugo is None else 'pagefind'} is not installed "
                    "(the benchmark's environment has both: tests/bench/requirements.txt)")
    contender = HugoPagefind("hugo-pagefind", emit_hugo(corpus.root, tmp_path / "hugo"), hugo,
                             cache_dir=tmp_path / "hugo-cache", pagefind=pagefind)
    article = sorted(corpus.articles)[ARTICLES // 2]
    source = contender.article_source(article)
    original = source.read_bytes()
    log = tmp_path / "build.log"

    record = build_round(contender, 1, article, log, cold_only=False)

    assert source.read_bytes() == original  # the edit was undone
    entry = json.loads((contender.output / SEARCH_ENTRY).read_text())
    # The pages our templates mark for indexing: articles, claims, actors, outlets; not the lists.
    assert entry["languages"]["en"]["page_count"] == (
        len(corpus.articles) + len(corpus.claims) + len(corpus.actors) + len(corpus.outlets))
    assert log.read_text().count("Running Pagefind") == 3  # once after each of Hugo's builds
    cold, warm, edit = record["cold"], record["warm"], record["edit"]
    assert cold["rewritten"] == cold["files"] > ARTICLES
    assert any(path.startswith("pagefind/") for path in snapshot(contender.output))
    for phase in (cold, warm, edit):
        assert phase["seconds"] > 0 and phase["maxrss_bytes"] > 0 and phase["samples"] >= 2  # two programs
        assert phase["peak_rss_bytes"] > 10 * MIB
    assert warm["rewritten"] > ARTICLES  # Hugo writes every page again, Pagefind its whole index


def test_pelican_translation(corpus, tmp_path):
    pelican = emit_pelican(corpus.root, tmp_path / "pelican")
    assert len(list((pelican / "content").glob("*.md"))) == ARTICLES
    for template in ("base", "article", "tag", "author", "category", "index", "tags", "authors", "categories"):
        assert (pelican / "theme" / "templates" / f"{template}.html").is_file(), template
    terms = json.loads((pelican / "terms.json").read_text())
    assert sorted(terms["claims"]) == sorted(corpus.claims)

    ours = read_document(corpus.root / "content" / "articles" / f"{corpus.articles[0]}.md")
    head, body = (pelican / "content" / f"{corpus.articles[0]}.md").read_text().split("\n\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    assert body == ours.body
    assert meta["Category"] == ours.meta["outlet"]
    assert set(meta["Tags"].split(", ")) == {m["claim"] for m in ours.meta["mentions"]}
    assert len(json.loads(meta["Mentions"])) == len(ours.meta["mentions"])
    settings = (pelican / "pelicanconf.py").read_text()
    assert "CACHE_CONTENT = True" in settings and "LOAD_CONTENT_CACHE = True" in settings


# --- the measuring tools ---------------------------------------------------------------------------

ALLOCATE = "import time; block = b'x' * ({mib} * 1024 * 1024); time.sleep({hold})"


def python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def test_sampler_sees_a_child_allocating_200_mib():
    result = run_measured(python(ALLOCATE.format(mib=200, hold=0.6)))
    assert result.ok
    assert result.peak_rss_bytes >= 150 * MIB, result
    assert result.maxrss_bytes >= 150 * MIB, result
    assert 0.6 <= result.seconds < 30


def test_sampler_adds_up_the_whole_tree():
    """Two grandchildren of 100 MiB each at the same time: the tree holds 200 MiB, no process more than ~110."""
    child = ALLOCATE.format(mib=100, hold=1.0)
    parent = f"""
        import subprocess, sys
        children = [subprocess.Popen([sys.executable, "-c", {child!r}]) for _ in range(2)]
        sys.exit(max(c.wait() for c in children))
    """
    ok, peak_rss_bytes, maxrss_bytes = measured_from_a_small_process(python(parent))
    assert ok
    assert peak_rss_bytes >= 180 * MIB, (peak_rss_bytes, maxrss_bytes)
    assert maxrss_bytes < 150 * MIB, (peak_rss_bytes, maxrss_bytes)  # wait4 alone would miss half of it


def measured_from_a_small_process(command: list[str]) -> tuple[bool, int, int]:
    """``run_measured`` in a fresh interpreter: Linux counts in a process's
    ru_maxrss the image it had before exec, which is its spawner's, so
    spawned from this pytest process (over 150 MiB late in a whole run) the
    measured command would report pytest's size (seen once: 182 MiB)."""
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "from bench.measure import run_measured; "
            f"r = run_measured({command!r}); print(json.dumps([r.ok, r.peak_rss_bytes, r.maxrss_bytes]))")
    reply = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ok, peak, maxrss = json.loads(reply.stdout)
    return ok, peak, maxrss


def test_commands_in_turn_are_one_measurement(tmp_path):
    """Time from the first start to the last end; memory the higher of the two; a failure stops the rest."""
    big, small = ALLOCATE.format(mib=200, hold=0.4), ALLOCATE.format(mib=20, hold=0.4)
    result = run_in_turn([python(big), python(small)])
    assert result.ok
    assert result.seconds >= 0.8
    assert result.peak_rss_bytes >= 150 * MIB and result.maxrss_bytes >= 150 * MIB, result

    never = tmp_path / "never"
    failed = run_in_turn([python("import sys; sys.exit(3)"), python(f"open({str(never)!r}, 'w')")])
    assert failed.returncode == 3 and not never.exists()


def test_server_idle_again_when_its_work_ends():
    """A process that works for 0.6 s, then sleeps: its last busy moment is about 0.6 s in."""
    busy = "import time\nend = time.perf_counter() + 0.6\nwhile time.perf_counter() < end: pass\ntime.sleep(30)"
    process = subprocess.Popen(python(busy))
    try:
        started = time.perf_counter()
        idle = last_busy_moment(process.pid, timeout=20)
    finally:
        process.kill()
        process.wait()
    assert idle is not None
    assert 0.4 <= idle - started <= 1.2, idle - started


def test_our_server_is_timed_to_the_last_version_it_announces(corpus, tmp_path):
    """After each save, the moment our server last announced a new version
    of what it serves (its live-reload stream): after the save, and no later
    than the moment its work ended; the edited files are restored."""
    factcheck = beside_python("factcheck")
    contender = Factcheck("factcheck-nosearch", corpus.root, factcheck, ["--no-search"])
    edited = [sorted(corpus.articles)[3], sorted(corpus.articles)[7]]
    before = {a: contender.article_source(a).read_bytes() for a in edited}
    record = edit_session(contender, 0, edited, tmp_path / "serve.log", startup_timeout=300)
    assert len(record["consistent_seconds"]) == len(record["settle_seconds"]) == 2
    for consistent, idle in zip(record["consistent_seconds"], record["settle_seconds"]):
        assert consistent is not None and idle is not None
        assert 0 < consistent <= idle + 0.15, (consistent, idle)  # idle: the end of a 0.1 s sample
    assert {a: contender.article_source(a).read_bytes() for a in edited} == before


def test_sampler_pauses_longer_after_a_costly_sample():
    assert pause_after(0.001) == SAMPLE_SECONDS  # a small tree: every 20 ms
    costly = 0.025  # smaps_rollup of a 1 GB process
    pause = pause_after(costly)
    assert costly / (costly + pause) == pytest.approx(SAMPLER_CPU_SHARE)


def test_snapshot_counts_rewritten_and_removed_files(tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / name).write_text(name)
    before = snapshot(tmp_path)
    replacement = tmp_path / "b.new"
    replacement.write_text("b")
    os.replace(replacement, tmp_path / "b")  # same content, new inode: rewritten
    (tmp_path / "c").unlink()
    (tmp_path / "d").write_text("d")
    change = compare(before, snapshot(tmp_path))
    assert (change.files, change.rewritten, change.removed) == (3, 2, 1)


def test_corpus_front_matter_is_what_the_emitters_expect(corpus):
    """emit_* split at the --- lines and parse with PyYAML: the synthetic files must keep that shape."""
    text = (corpus.root / "content" / "claims" / f"{corpus.claims[0]}.md").read_text()
    _, front, _ = text.split("---\n", 2)
    assert "statement" in yaml.safe_load(front)


# --- the table ---------------------------------------------------------------------------------

NAMES = ["factcheck", "hugo-pagefind", "factcheck-nosearch", "hugo", "pelican"]


def test_default_build_is_the_headline_against_hugo_with_pagefind():
    assert ratio_pairs(NAMES) == [("factcheck", "hugo-pagefind"), ("factcheck-nosearch", "hugo"),
                                  ("factcheck-nosearch", "pelican")]
    assert ratio_pairs(["factcheck", "hugo", "pelican"]) == [("factcheck", "hugo"), ("factcheck", "pelican")]

    def runs(seconds: float, mib: int) -> dict:
        build = {"seconds": seconds, "peak_rss_bytes": mib * MIB, "maxrss_bytes": mib * MIB, "files": 10,
                 "rewritten": 0, "removed": 0, "samples": 5}
        return {"cold": [build], "warm": [build], "edit": [build]}

    results = {"factcheck": runs(8.0, 600), "hugo-pagefind": runs(4.0, 300), "factcheck-nosearch": runs(3.0, 150),
               "hugo": runs(1.0, 100), "pelican": runs(6.0, 200)}
    results["factcheck"]["serve"] = {"startup_seconds": 2.0, "warm_startup_seconds": 1.0,
                                     "latencies_seconds": [0.05, 0.04, 0.06], "settle_seconds": [1.0, None, 3.0],
                                     "consistent_seconds": [0.8, 1.2, None]}
    summary = {name: medians(results[name]) for name in NAMES}
    assert summary["factcheck"]["serve"]["settle_seconds"] == 2.0  # the edit that never went idle left out
    assert summary["factcheck"]["serve"]["consistent_seconds"] == 1.0  # and the one with no announcement
    labels = {name: name for name in NAMES} | {"factcheck-nosearch": "factcheck --no-search",
                                               "hugo-pagefind": "hugo + pagefind"}
    run = {"started": "now", "finished": "now", "settings": {"runs": 1, "edits": 3, "seed": 1},
           "machine": {"cpu_model": "cpu", "cpus_usable": 2, "memory_total_gib": 8.0, "kernel": "6", "python": "3",
                       "factcheck": "abc", "hugo": "hugo v0", "pagefind": "pagefind 1.5.2", "pelican": "pelican 4"},
           "sizes": {"100": {"corpus": {"articles": 100, "claims": 20, "actors": 10, "outlets": 5, "mentions": 500,
                                        "content_bytes": MIB},
                             "labels": labels, "medians": summary, "ratios": ratios(summary, NAMES), "notes": []}}}

    table = markdown(run)

    assert "**Headline**: our default build (search on), cold, 8.00 s against Hugo + Pagefind's 4.00 s: 2.00×" in table
    header = next(line for line in table.splitlines() if line.startswith("| Measurement"))
    assert header == ("| Measurement | factcheck | hugo + pagefind | factcheck --no-search | hugo | pelican "
                      "| factcheck / hugo + pagefind | factcheck --no-search / hugo "
                      "| factcheck --no-search / pelican |")
    cold = next(line for line in table.splitlines() if line.startswith("| Cold full build"))
    assert cold.endswith("| 8.00 | 4.00 | 3.00 | 1.00 | 6.00 | 2.00 | 3.00 | 0.50 |")
    settle = next(line for line in table.splitlines() if "server idle again" in line)
    assert "| 2000 |" in settle
    consistent = next(line for line in table.splitlines() if "its last version announced" in line)
    assert consistent.startswith("| Serve: save → whole site served rebuilt") and "| 1000 | — |" in consistent
