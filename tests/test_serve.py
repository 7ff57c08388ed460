"""factcheck serve, through HTTP on 127.0.0.1: edits, errors and their recovery.

Every server binds a free port on loopback and is always shut down.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.engine.workers import MIN_PARALLEL, WorkerLost, parallel_map
from generator.preview.serve import LIVE_RELOAD_PATH, DevServer
from test_incremental import Editor

ROOT = Path(__file__).resolve().parent.parent
VALID_SITE = ROOT / "tests" / "fixtures" / "valid-site"
TEMPLATES = ROOT / "templates"
INJECTED = re.compile(rb'<div id="factcheck-errors".*?</div>|<script>\(function\(\)\{var v=.*?</script>'
                      rb'|<script[^>]* id="factcheck-annotate(?:-script)?">.*?</script>', re.S)


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(VALID_SITE, site)
    shutil.copytree(TEMPLATES, site / "templates")
    return site


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path)


def start(site: Path, **options) -> DevServer:
    logs: list[str] = []
    server = DevServer(site, port=0, log=logs.append, **options)
    server.logs = logs
    server.start()
    return server


@pytest.fixture
def server(site):
    server = start(site)
    yield server
    server.stop()


def get(server: DevServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def eventually(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until ``predicate()`` is truthy; return its value or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


def edit(path: Path, old: str, new: str) -> None:
    """Save as most editors do, in one step (a new file renamed over the old):
    a rebuild never reads it half-written, which on a loaded machine made a
    burst of saves log an error and its fix besides the rebuilds."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    saved = path.with_name(f".{path.name}.saving")
    saved.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(saved, path)


CLAIM = "claims/bridge-cost/"
CLAIM_FILE = Path("content/claims/bridge-cost.md")


# --- serving --------------------------------------------------------------------------


def test_pages_are_served_with_the_live_reload_script(server):
    status, body = get(server, CLAIM)
    assert status == 200
    assert "The bridge cost more than planned." in body
    assert "new EventSource(\"/__livereload\")" in body
    assert "factcheck-errors" not in body


def test_folders_redirect_to_their_slash_and_missing_pages_are_404(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.http.server_address[1], timeout=10)
    connection.request("GET", "/claims")
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "/claims/")
    connection.close()
    status, body = get(server, "/no/such/page/")
    assert status == 404 and "Not found" in body


def test_an_edit_is_served_once_saved(server, site):
    edit(site / CLAIM_FILE, "The bridge cost more than planned.", "The bridge cost far more than planned.")
    eventually(lambda: "far more than planned" in get(server, CLAIM)[1])
    assert any(line.startswith("content/claims/bridge-cost.md: ") and "pages re-rendered" in line
               for line in server.logs), server.logs


def test_requests_during_a_rebuild_wait_for_it(server, site):
    real_rebuild = server.builder.rebuild

    def slow_rebuild():
        time.sleep(0.6)
        return real_rebuild()

    server.builder.rebuild = slow_rebuild
    edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Slowly rebuilt statement.")
    server.notice_change()  # as the watcher would; the request below must wait for the result
    started = time.monotonic()
    status, body = get(server, CLAIM)
    assert status == 200
    assert "Slowly rebuilt statement." in body
    assert time.monotonic() - started >= 0.5


def test_a_burst_of_saves_is_one_rebuild(server, site):
    path = site / CLAIM_FILE
    for n in range(10):
        edit(path, "planned" if n == 0 else f"planned {n - 1}", f"planned {n}")
        time.sleep(0.01)
    eventually(lambda: "planned 9" in get(server, CLAIM)[1])
    rebuilds = [line for line in server.logs if line.startswith("content/claims/bridge-cost.md")]
    assert 1 <= len(rebuilds) <= 2, rebuilds


# --- errors: the last good site stays up, with an overlay --------------------------------


def overlay(body: str) -> str | None:
    match = re.search(r'<div id="factcheck-errors".*?<pre[^>]*>(.*?)</pre>', body, re.S)
    return match.group(1) if match else None


def test_a_broken_edit_shows_an_overlay_and_the_fix_clears_it(server, site):
    path = site / CLAIM_FILE
    original = path.read_text(encoding="utf-8")
    edit(path, "verdict: accurate", "verdict: acurate")
    shown = eventually(lambda: overlay(get(server, CLAIM)[1]))
    assert ("content/claims/bridge-cost.md:3: error: &#x27;verdict&#x27;: unknown verdict &#x27;acurate&#x27; "
            "in site.yaml (did you mean &#x27;accurate&#x27;?)") in shown
    # the last good site is still served, on every page
    assert "The bridge cost more than planned." in get(server, CLAIM)[1]
    assert overlay(get(server, "/")[1]) == shown
    assert any("errors, still serving the last good site" in line for line in server.logs)
    path.write_text(original, encoding="utf-8")
    eventually(lambda: overlay(get(server, CLAIM)[1]) is None)


def test_the_terminal_shows_each_error_and_when_a_save_fixed_them(server, site):
    path = site / CLAIM_FILE
    original = path.read_text(encoding="utf-8")
    edit(path, "verdict: accurate", "verdict: acurate")
    problem = ("content/claims/bridge-cost.md:3: error: 'verdict': unknown verdict 'acurate' in site.yaml "
               "(did you mean 'accurate'?)")  # as `factcheck check` prints it
    eventually(lambda: problem in server.logs)
    failed = server.logs.index(problem) - 1
    assert server.logs[failed].startswith("content/claims/bridge-cost.md: errors, still serving the last good site")
    path.write_text(original, encoding="utf-8")  # back to the last good content
    fixed = eventually(lambda: [line for line in server.logs[failed:] if "errors fixed" in line])
    assert fixed[0].startswith("errors fixed: back to the last good site ("), fixed
    edit(path, "verdict: accurate", "verdict: acurate")
    eventually(lambda: server.logs.count(problem) == 2)
    seen = len(server.logs)
    edit(path, "verdict: acurate", "verdict: mixed")  # a fix that changes pages
    fixed = eventually(lambda: [line for line in server.logs[seen:] if "errors fixed" in line])
    assert fixed[0].startswith("content/claims/bridge-cost.md: errors fixed, "), fixed
    assert " pages re-rendered" in fixed[0]


def test_a_template_syntax_error_names_the_template_and_line(server, site):
    template = site / "templates" / "claim.html"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    broken_line = 5
    lines.insert(broken_line - 1, "{% if %}\n")
    template.write_text("".join(lines), encoding="utf-8")
    shown = eventually(lambda: overlay(get(server, CLAIM)[1]))
    assert f"templates/claim.html:{broken_line}: error: template syntax error" in shown
    del lines[broken_line - 1]
    template.write_text("".join(lines), encoding="utf-8")
    eventually(lambda: overlay(get(server, CLAIM)[1]) is None)


def test_the_server_survives_a_deleted_content_folder(server, site):
    (site / "content").rename(site / "content-away")
    shown = eventually(lambda: overlay(get(server, "/")[1]))
    assert "content: error: no content/ folder next to site.yaml" in shown
    (site / "content-away").rename(site / "content")
    eventually(lambda: overlay(get(server, "/")[1]) is None)
    edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Watched again after the folder came back.")
    eventually(lambda: "Watched again" in get(server, CLAIM)[1])


# --- live reload -------------------------------------------------------------------------


def read_event(response) -> str:
    """The data of the next Server-Sent Event, skipping keep-alive comments."""
    while True:
        line = response.fp.readline().decode()
        if line.startswith("data: "):
            response.fp.readline()  # the blank line that ends the event
            return line[len("data: "):].strip()


def test_the_reload_stream_announces_each_new_version(server, site):
    connection = http.client.HTTPConnection("127.0.0.1", server.http.server_address[1], timeout=10)
    connection.request("GET", LIVE_RELOAD_PATH)
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    first = int(read_event(response))
    edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Announced statement.")
    assert int(read_event(response)) > first
    connection.close()


# --- drafts and polling ---------------------------------------------------------------------


def test_drafts_are_served_with_a_banner_only_with_drafts(site):
    edit(site / "content/articles/bridge-late.md", "outlet: hill-gazette", "outlet: hill-gazette\ndraft: true")
    server = start(site)
    try:
        assert get(server, "articles/bridge-late/")[0] == 404
    finally:
        server.stop()
    server = start(site, drafts=True)
    try:
        status, body = get(server, "articles/bridge-late/")
        assert status == 200 and 'class="draft-banner"' in body
    finally:
        server.stop()


def test_without_search_no_index_is_served_and_edits_still_are(site):
    server = start(site, search=False)
    try:
        assert get(server, "pagefind/pagefind-ui.js")[0] == 404
        assert not any(path.startswith("pagefind/") for path in server.builder.outputs)
        edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Served without search.")
        eventually(lambda: "Served without search." in get(server, CLAIM)[1])
    finally:
        server.stop()


def test_polling_notices_changes_too(site):
    server = start(site, poll=True)
    try:
        edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Seen by polling.")
        eventually(lambda: "Seen by polling." in get(server, CLAIM)[1], timeout=15)
    finally:
        server.stop()


# --- what is served equals a clean build ------------------------------------------------------


def served_tree(server: DevServer) -> dict[str, bytes]:
    """Every file, fetched over HTTP, without what serve adds to pages."""
    tree = {}
    for path in sorted(server.builder.outputs):
        with urllib.request.urlopen(server.url + path, timeout=30) as response:
            tree[path] = INJECTED.sub(b"", response.read())
    return tree


def test_after_a_sequence_of_edits_the_served_site_equals_a_clean_build(server, site, tmp_path):
    edits_keep_the_served_site_a_clean_build(server, Editor(site, random.Random(7)), site, tmp_path, 12, timeout=15)


def edits_keep_the_served_site_a_clean_build(server, editor, site: Path, tmp_path: Path, steps: int,
                                             timeout: float) -> None:
    """``steps`` valid edits in turn; after each, the served site equals a clean build."""
    for step in range(steps):
        getattr(editor, Editor.VALID[step % len(Editor.VALID)])()
        time.sleep(0.05)
        server.wait_until_idle()
        expected = clean_build_for(site, tmp_path / "clean")
        eventually(lambda: served_tree(server) == expected, timeout=timeout)


def clean_build_for(site: Path, out: Path) -> dict[str, bytes]:
    """A default build's files (serve renders as it does: the published base_url), by path."""
    from generator.engine.build import build
    from generator.core.layout import MARKER

    if out.exists():
        shutil.rmtree(out)
    assert build(site, out).ok
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MARKER}


def test_stop_shuts_everything_down(site):
    server = start(site)
    port = server.http.server_address[1]
    server.stop()
    assert not any(t.is_alive() for t in server._threads)
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
    assert threading.active_count() < 50


def test_stop_ends_a_rebuild_in_progress_and_kills_its_workers(site, monkeypatch):
    """A rebuild whose workers would run for 30 s more: stop() kills them and returns."""
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    server = start(site)
    real_rebuild = server.builder.rebuild

    def slow_rebuild():
        parallel_map(lambda chunk: [time.sleep(0.5) for _ in chunk], list(range(MIN_PARALLEL * 2)))
        return real_rebuild()

    server.builder.rebuild = slow_rebuild
    try:
        server.notice_change()
        workers = eventually(multiprocessing.active_children, timeout=30)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 4
        assert not multiprocessing.active_children()
        for worker in workers:
            with pytest.raises(ProcessLookupError):
                os.kill(worker.pid, 0)
        assert not [line for line in server.logs if "Traceback" in line or "interrupted" in line], server.logs
    finally:
        for worker in multiprocessing.active_children():
            worker.kill()


def test_a_worker_killed_from_outside_is_one_line_not_a_traceback(server, site):
    """A worker killed by the system (out of memory), not by a stop: the rebuild says so in a line."""
    def killed_rebuild():
        raise WorkerLost("a worker process ended before finishing its work (killed, or out of memory)")

    real_rebuild, server.builder.rebuild = server.builder.rebuild, killed_rebuild
    server.notice_change()
    line = eventually(lambda: [line for line in server.logs if "interrupted" in line])
    assert line == ["rebuild interrupted: a worker process was killed (out of memory?); "
                    "still serving the last good site, the next save tries again"], server.logs
    assert server.internal_error is None and not [line for line in server.logs if "Traceback" in line]
    server.builder.rebuild = real_rebuild
    edit(site / CLAIM_FILE, "The bridge cost more than planned.", "Rebuilt after the killed worker.")
    eventually(lambda: "Rebuilt after the killed worker." in get(server, CLAIM)[1])
