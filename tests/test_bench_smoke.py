"""The benchmark (tests/bench/, `make bench`) in miniature, so that it cannot rot unnoticed.

One build of a 200-article corpus through the very functions run.py times,
the Hugo and Pelican translations of that corpus (without running Hugo or
Pelican, which only the benchmark's environment has), and the measuring
tools themselves: the process-tree memory sampler must see memory that a
grandchild holds, and must add up processes rather than report the largest.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap

import pytest
import yaml
from bench.contenders import Factcheck, beside_python
from bench.corpus import emit_hugo, emit_pelican, make_corpus, read_document
from bench.measure import SAMPLE_SECONDS, SAMPLER_CPU_SHARE, compare, pause_after, run_measured, snapshot
from bench.report import floor_lines
from bench.run import measure_build, measure_floor

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

    floor = measure_floor(corpus.root, output, tmp_path / "floor.log")

    assert floor["markdown"]["bodies"] == ARTICLES
    assert floor["markdown"]["html_chars"] > ARTICLES * 5000  # every body converted, none skipped
    assert floor["writing"]["files"] == 2 and floor["writing"]["bytes"] == 1011
    assert floor["markdown"]["seconds"] > 0 and floor["writing"]["seconds"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["floor.log", "public"]  # the scratch copy is gone
    summary = {"floor": [floor], "medians": {"hugo": {"cold": {"seconds": 4.0}}}}
    [line, _] = floor_lines(summary)
    total = floor["markdown"]["seconds"] + floor["writing"]["seconds"]
    assert f"together {total:.2f} s = {total / 4:.2f} × Hugo's cold build (4.00 s)" in line


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
    result = run_measured(python(parent))
    assert result.ok
    assert result.peak_rss_bytes >= 180 * MIB, result
    assert result.maxrss_bytes < 150 * MIB, result  # wait4 alone would miss half of it


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
