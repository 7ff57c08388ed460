"""The planned outputs rendered into a staged site (``engine/rendering.py``),
as ``pipeline.run`` does: stale pages rendered, the others kept, both by the
worker processes when the sink takes them."""

from __future__ import annotations

import os

import jinja2
import pytest

from generator.core.diagnostics import Diagnostics
from generator.engine.prepare import prepare_content
from generator.engine import rendering
from generator.engine.rendering import render_into
from generator.engine.workers import MIN_PARALLEL, can_fork
from generator.engine.write import StagedSite
from generator.outputs.base import EVERYTHING
from generator.outputs.render import Renderer
from generator.stages.analyse import analyse
from generator.stages.link import link
from synthetic import make_site

pytestmark = pytest.mark.skipif(not can_fork(), reason="no worker processes without fork")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A site's graph, its renderer and its planned pages, with two workers."""
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    root = make_site(tmp_path / "site", articles=30, seed=6).root
    graph = link(prepare_content(root).content)
    renderer = Renderer(root / "templates")
    pages = renderer.plan(graph, analyse(graph))
    assert len(pages) >= MIN_PARALLEL  # enough for the workers to be used
    return graph, renderer, pages


class KeepsRecorded(StagedSite):
    """A staged site that notes which process kept each page."""

    record = None

    def keep(self, rel_path):
        with open(self.record, "a") as file:
            file.write(f"{os.getpid()}\n")
        return super().keep(rel_path)


def test_the_workers_keep_the_pages_that_are_not_stale(tmp_path, site, monkeypatch):
    # At 10,000 articles the 24,400 pages kept after one change took 0.8 s of
    # the build's own process; the workers share them.
    graph, renderer, pages = site
    out = tmp_path / "public"
    first = StagedSite(out)
    rendered = render_into(first, renderer, pages, graph, lambda page: True, Diagnostics())
    first.commit()
    assert rendered.rendered == len(pages)

    monkeypatch.setattr(rendering, "KEEP_BATCH", 1)  # enough tasks for the workers, on a small site
    KeepsRecorded.record = tmp_path / "keepers"
    again = KeepsRecorded(out, rendered.manifest)
    stale = {pages[0].path, pages[-1].path}
    kept = render_into(again, renderer, pages, graph, lambda page: page.path in stale, Diagnostics())
    again.commit()
    assert kept.rendered == 2 and kept.written == 0
    assert kept.manifest == rendered.manifest  # same files, same inodes and times: linked, not written
    keepers = KeepsRecorded.record.read_text().split()
    assert len(keepers) == len(pages) - 2
    assert str(os.getpid()) not in keepers


def test_templates_are_compiled_once_before_the_workers_fork(tmp_path, site):
    graph, renderer, pages = site
    stale = [page for page in pages if page.template][:MIN_PARALLEL]
    staged = StagedSite(tmp_path / "public")
    try:
        assert render_into(staged, renderer, pages, graph, lambda page: page in stale, Diagnostics())
    finally:
        staged.abandon()
    compiled = {template.name for template in renderer.env.cache.values()}
    used = {name for page in stale for name in renderer.templates_used(page.template)}
    assert used and used <= compiled  # in this process: the workers forked with them


def test_the_stale_pages_are_spread_over_the_chunks_of_work(tmp_path, site, monkeypatch):
    # Stale pages are slow and kept ones quick: chunks of pages by count gave
    # one worker every stale site-wide output at 10,000 articles (24,689
    # pages in 16 chunks), and the other little to do.
    graph, renderer, pages = site
    taken, alone = [], []

    def in_this_process(job, tasks, report, alone_first=0):
        taken.extend(tasks)
        alone.append(alone_first)
        return job(tasks)

    monkeypatch.setattr(rendering, "parallel_map", lambda job, tasks, report, alone=0: in_this_process(job, tasks, report, alone))
    stale = {page.path for page in pages[:3]}
    staged = StagedSite(tmp_path / "public")
    try:
        render_into(staged, renderer, pages, graph, lambda page: page.path in stale, Diagnostics())
    finally:
        staged.abandon()
    assert [(keep, len(task)) for keep, task in taken[:3]] == [(False, 1)] * 3  # a task each, first, to render
    assert {page.path for _, task in taken[:3] for page in task} == stale
    assert all(keep for keep, _ in taken[3:])  # the others, to keep
    assert all(len(task) <= rendering.KEEP_BATCH for _, task in taken)
    assert sorted(page.path for _, task in taken for page in task) == sorted(page.path for page in pages)
    # The site-wide ones among them are chunks of their own (workers.parallel_map's alone).
    assert alone == [sum(1 for page in pages[:3] if page.sources == EVERYTHING)] and alone[0] > 0


@pytest.mark.parametrize("workers", [True, False])
def test_outputs_kept_unplanned_that_cannot_be_kept_are_lost_not_rendered(tmp_path, site, monkeypatch, workers):
    """A build after a text edit keeps every other output unplanned
    (``partialrun.py``): one whose file is gone since is reported lost, by the
    workers as in this process."""
    graph, renderer, pages = site
    out = tmp_path / "public"
    first = StagedSite(out)
    rendered = render_into(first, renderer, pages, graph, lambda page: True, Diagnostics())
    first.commit(rendered.manifest.keys())
    gone = [page.path for page in pages[::7]]
    for path in gone:
        (out / path).unlink()
    monkeypatch.setattr(rendering, "KEEP_BATCH", 1)  # enough tasks for the workers, on a small site
    again = render_into(StagedSite(out, rendered.manifest), renderer, [rendering.Unplanned(p.path) for p in pages],
                        graph, lambda page: False, Diagnostics(), workers=workers)
    assert sorted(again.lost) == sorted(gone)
    assert again.manifest.keys() == {p.path for p in pages if p.path not in gone} | renderer.static_files().keys()


def test_each_template_is_parsed_once_for_its_closure_and_its_code(monkeypatch):
    """The templates a page uses (for its key) and their compiled code come
    from one parse of each file, not one for each."""
    import jinja2

    from generator.core.layout import DEFAULT_TEMPLATES

    parsed: list[str] = []
    parse = jinja2.Environment._parse

    def counting_parse(self, source, name, filename):
        parsed.append(name)
        return parse(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counting_parse)
    renderer = Renderer(DEFAULT_TEMPLATES)
    used = renderer.templates_used("claim.html")
    assert {"claim.html", "base.html", "_macros.html", "_charts.html"} <= used
    renderer.compile(["claim.html"])
    for name in used:
        renderer.env.get_template(name)
    assert sorted(parsed) == sorted(used)


def test_the_templates_a_page_may_use_are_parsed_for_its_key_and_compiled_only_to_render(monkeypatch):
    """A page's key lists every template it may use; reading their names
    compiles none of them (after one article's text changed, its page is the
    only one rendered, and the claim cards' charts are never drawn)."""
    import jinja2

    from generator.core.layout import DEFAULT_TEMPLATES

    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting_compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    renderer = Renderer(DEFAULT_TEMPLATES)
    assert {"article.html", "base.html", "_macros.html", "_charts.html"} <= renderer.templates_used("article.html")
    assert compiled == []
    renderer.env.get_template("article.html")
    assert compiled == ["article.html"]


def test_a_template_changed_after_it_was_parsed_for_its_names_is_read_again(tmp_path):
    from generator.outputs.environment import FoundTemplatesLoader

    page = tmp_path / "page.html"
    page.write_text('{% include "part.html" %} first', encoding="utf-8")
    (tmp_path / "part.html").write_text("part", encoding="utf-8")
    loader = FoundTemplatesLoader({"page.html": str(page), "part.html": str(tmp_path / "part.html")})
    env = jinja2.Environment(loader=loader)
    assert loader.referenced(env, "page.html") == ("part.html",)
    page.write_text("second", encoding="utf-8")
    os.utime(page, ns=(os.stat(page).st_mtime_ns + 10**9,) * 2)
    assert env.get_template("page.html").render() == "second"
    assert loader.referenced(env, "page.html") == ()
