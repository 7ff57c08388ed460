"""factcheck serve started after a build: it starts from that build's site
(issue 13: first page served within 3 s at 10,000 articles, warm).

serve renders with a default build's options, so the last build's outputs
are current for it: with nothing changed since, it serves the built files at
once and renders nothing; after an edit made in between, it renders only the
outputs the edit made stale. It never writes the build's output folder.
"""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

from generator.core.layout import MARKER, RETIRED_PREFIX, STAGING_PREFIX
from generator.engine.build import build
from generator.engine.incremental import IncrementalBuilder, RebuildReport
from generator.preview.serve import DevServer
from test_incremental import Editor
from test_serve import (
    CLAIM, CLAIM_FILE, INJECTED, clean_build_for, edit, edits_keep_the_served_site_a_clean_build, eventually, get,
    make_site, served_tree,
)

ARTICLE_FILE = Path("content/articles/bridge-late.md")


def built_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MARKER}


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and folder under ``folder`` (itself included), with its inode, mtime and bytes."""
    found = {".": (folder.stat().st_ino, folder.stat().st_mtime_ns, b"")}
    for path in sorted(folder.rglob("*")):
        stat = path.stat()
        found[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns,
                                                     path.read_bytes() if path.is_file() else b"")
    return found


class RecordingServer(DevServer):
    """A DevServer whose builder's reports are kept (``reports``), and whose
    first run can be held back until ``release`` is set."""

    def __init__(self, site: Path, hold_first_run: bool = False, **options):
        self.logs: list[str] = []
        super().__init__(site, port=0, log=self.logs.append, **options)
        self.reports: list[RebuildReport] = []
        self.release = threading.Event()
        if not hold_first_run:
            self.release.set()
        real = self.builder.rebuild

        def rebuild() -> RebuildReport:
            self.release.wait(timeout=60)
            self.reports.append(real())
            return self.reports[-1]

        self.builder.rebuild = rebuild

    def first_run(self) -> RebuildReport:
        return eventually(lambda: self.reports and self.reports[0], timeout=60)


def start(site: Path, **options) -> RecordingServer:
    server = RecordingServer(site, **options)
    server.start()
    return server


def test_after_a_build_serve_serves_the_built_files_at_once_and_renders_nothing(tmp_path):
    site = make_site(tmp_path)
    assert build(site).ok
    public = site / "public"
    expected = built_files(public)
    server = start(site, hold_first_run=True)
    try:
        # Served from the last build while the first run has not even begun.
        status, body = get(server, CLAIM)
        assert status == 200 and "new EventSource(\"/__livereload\")" in body
        assert not server.reports
        assert served_tree(server) == expected  # the built bytes, plus the script serve adds to pages
        server.release.set()
        first = server.first_run()
        assert first.ok and first.rendered == 0 and first.written == 0 and first.removed == 0, first
        server.wait_until_idle(search=True)
        assert served_tree(server) == expected
    finally:
        server.stop()


def test_warm_start_needs_the_build_to_be_current_and_intact(tmp_path):
    site = make_site(tmp_path)
    assert build(site, search=False).ok
    assert IncrementalBuilder(site, search=True, defer_search=True).warm_start() is False  # the build had no index
    assert IncrementalBuilder(site, drafts=True).warm_start() is False
    assert IncrementalBuilder(site, base_url="http://127.0.0.1:9/").warm_start() is False
    builder = IncrementalBuilder(site)  # as the build: without the index, no drafts, the published base_url
    assert builder.warm_start() is True
    assert builder.outputs == built_files(site / "public")
    edit(site / CLAIM_FILE, "The bridge cost more than planned.", "The bridge cost much more than planned.")
    assert IncrementalBuilder(site).warm_start() is False  # an input changed
    assert build(site, search=False).ok
    assert IncrementalBuilder(site).warm_start() is True
    (site / "public" / "index.html").write_bytes(b"changed by hand")
    assert IncrementalBuilder(site).warm_start() is False  # the output is not what the build wrote


def test_an_edit_made_between_build_and_serve_renders_only_what_it_made_stale(tmp_path):
    site = make_site(tmp_path)
    assert build(site, search=False).ok
    edit(site / ARTICLE_FILE, "He called the opening", "An added paragraph.\n\nHe called the opening")
    server = start(site, search=False)
    try:
        first = server.first_run()
        served = served_tree(server)
    finally:
        server.stop()
    after = build(site, search=False)  # renders what is stale since the last build, as serve did
    assert after.ok and 0 < after.rendered < after.planned
    assert first.ok and first.rendered == after.rendered, (first, after.summary())
    assert served == built_files(site / "public")
    assert "An added paragraph." in served["articles/bridge-late/index.html"].decode()


def test_a_warm_started_serve_stays_equal_to_a_clean_build_and_never_writes_the_output(tmp_path):
    site = make_site(tmp_path)
    editor = Editor(site, random.Random(13))
    assert build(site).ok
    editor.change_article_body()  # between the build and the preview
    public = site / "public"
    before = snapshot(public)
    server = start(site)
    try:
        server.wait_until_idle(search=True)
        eventually(lambda: served_tree(server) == clean_build_for(site, tmp_path / "clean"), timeout=30)
        edits_keep_the_served_site_a_clean_build(server, editor, site, tmp_path, 6, timeout=30)
    finally:
        server.stop()
    assert snapshot(public) == before
    assert not [p for p in site.iterdir() if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX))]
    assert not any("Traceback" in line for line in server.logs), server.logs


def test_an_edit_saved_while_serve_starts_is_waited_for_not_served_stale(tmp_path):
    site = make_site(tmp_path)
    assert build(site, search=False).ok
    server = start(site, search=False, hold_first_run=True)
    try:
        assert "The bridge cost more than planned." in get(server, CLAIM)[1]
        edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Saved while serve started.")
        eventually(lambda: not server._serving_last_build)  # the save was noticed
        server.release.set()
        assert "Saved while serve started." in get(server, CLAIM)[1]
    finally:
        server.stop()
    assert os.path.isfile(site / "public" / MARKER)
