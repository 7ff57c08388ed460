"""``factcheck serve``: a live preview that rebuilds as files change.

- The site is served from memory (``IncrementalBuilder.outputs``), replaced
  as a whole after each successful rebuild, so a half-written site is never
  seen; requests that arrive while changes are pending wait for the rebuild.
- Changes are noticed with watchdog (``--poll`` for Docker and network
  mounts), bursts of saves are debounced into one rebuild.
- When an edit breaks the content or a template, the last good site stays up
  and every page shows the errors in an overlay; the next good save clears it.
  The terminal shows them too, as ``check`` prints them, and says when a
  later save fixed them.
- Open pages reload themselves over Server-Sent Events. The script and the
  overlay are added to responses (``serve_pages.py``), never to ``build``
  output. What HTTP requests are answered, and how many at once, is
  ``serve_http.py``'s business.
- Ctrl+C and SIGTERM stop it cleanly (exit 0): a rebuild in progress is
  ended, its worker processes killed, so nothing of the preview outlives it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .cache import WATCHED_FOLDERS
from .diagnostics import Diagnostic
from .incremental import IncrementalBuilder, RebuildReport
from .search import SEARCH_FOLDER
from .serve_hosts import authority
from .serve_http import bind
from .serve_pages import LIVE_RELOAD_PATH, Response, SiteView, resolve

__all__ = ["DevServer", "LIVE_RELOAD_PATH", "serve"]

DEBOUNCE_SECONDS = 0.03  # quiet time after the last event before rebuilding (an editor's save is one burst)
MAX_DEBOUNCE_SECONDS = 1.0  # rebuild anyway during a long burst of saves
REQUEST_WAIT_SECONDS = 30.0  # longest a request waits for a rebuild in progress
# Longest stop() waits for a rebuild in progress once its workers are killed:
# the parts that run in this process (reading, linking, analysing) take about
# 4 s at 10,000 articles and cannot be interrupted.
STOP_WAIT_SECONDS = 30.0


class DevServer:
    """The preview server: a builder, a watcher and an HTTP server, with their threads."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000, poll: bool = False,
                 drafts: bool = False, log=print, search: bool = True):
        self.root = root.resolve()
        self.log = log
        self.http = bind(host, port, self)  # first: a port in use is reported before anything is built
        self.url = f"http://{authority(self.http.policy.names[0], self.http.server_address[1])}/"
        self.builder = IncrementalBuilder(self.root, drafts=drafts, base_url=self.url, search=search,
                                          defer_search=search)
        self.state = threading.Condition()
        self.version = 0  # bumped whenever what pages show changes (content or errors)
        self.internal_error: str | None = None
        self._pending_since: float | None = None
        self._last_event = 0.0
        # Files the watcher reported since the last rebuild (relative paths);
        # None when a change came without one. Only the quick path uses them.
        self._reported: set[str] | None = set()
        self._building = False
        self._fresh: dict[str, bytes] = {}  # pages already up to date while a rebuild runs
        self._indexing = False  # the search index is being brought up to date
        self._stopping = False
        self._observer = PollingObserver(timeout=0.5) if poll else Observer()
        self._watched: tuple[str, ...] = ()
        self._threads: list[threading.Thread] = []

    @property
    def stopping(self) -> bool:
        return self._stopping

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Serve, watch, and make the first build; return once it is made
        (or once :meth:`stop` was called meanwhile).

        The first build runs in the rebuild thread like every later one, so
        that the calling thread stays free to take Ctrl+C, and :meth:`stop`
        ends it the same way.
        """
        with self.state:
            if self._stopping:
                return
            self._pending_since = self._last_event = time.monotonic()
            self._reported = None
            self._observer.start()
            for name, target in (("preview-http", self.http.serve_forever), ("preview-rebuild", self._rebuild_loop)):
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)
        self.wait_until_idle(timeout=None)

    def stop(self) -> None:
        with self.state:
            self._stopping = True
            started = list(self._threads)
            self.state.notify_all()
        if started:
            self.http.shutdown()  # waits for serve_forever, which only a started server runs
        self.http.server_close()
        self._end_rebuild(started)
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        for thread in started:
            thread.join(timeout=5)

    def _end_rebuild(self, threads: list[threading.Thread]) -> None:
        """End a rebuild in progress: kill its worker processes and wait for it.

        A worker would otherwise finish its chunk of pages (seconds on a large
        site) after the server is gone. The rebuild then fails, silently since
        the server is stopping. ``multiprocessing.active_children`` are every
        worker this process started: a preview process runs nothing else.
        """
        rebuilding = [thread for thread in threads if thread.name == "preview-rebuild"]
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for thread in rebuilding:
            thread.join(timeout=0.05)
            while thread.is_alive() and time.monotonic() < deadline:
                for worker in multiprocessing.active_children():
                    worker.kill()
                thread.join(timeout=0.05)

    # --- watching --------------------------------------------------------------

    def _watch(self) -> bool:
        """(Re)schedule watches on the folders that exist now; True if they changed.

        The root itself is watched without recursion, for site.yaml and for
        watched folders being created or deleted.
        """
        existing = tuple(name for name in WATCHED_FOLDERS if (self.root / name).is_dir())
        if existing == self._watched and self._observer.emitters:
            return False
        self._observer.unschedule_all()
        handler = _ChangeHandler(self)
        self._observer.schedule(handler, str(self.root), recursive=False)
        for name in existing:
            self._observer.schedule(handler, str(self.root / name), recursive=True)
        self._watched = existing
        return True

    def notice_change(self, paths: list[str] | None = None) -> None:
        """A change under the watched folders: ``paths`` are the files the
        watcher named (absolute), if it named any."""
        with self.state:
            if paths is None:
                self._reported = None
            elif self._reported is not None:
                self._reported.update(relative_to_root(path, self.root) for path in paths)
            now = time.monotonic()
            self._last_event = now
            if self._pending_since is None:
                self._pending_since = now
            self.state.notify_all()

    # --- rebuilding ------------------------------------------------------------

    def _rebuild_loop(self) -> None:
        while True:
            with self.state:
                while self._pending_since is None and not self._stopping:
                    self.state.wait()
                if self._stopping:
                    return
                # Debounce: wait for a quiet moment, but not forever.
                while not self._stopping:
                    now = time.monotonic()
                    quiet_until = self._last_event + DEBOUNCE_SECONDS
                    give_up_at = self._pending_since + MAX_DEBOUNCE_SECONDS
                    if now >= quiet_until or now >= give_up_at:
                        break
                    self.state.wait(min(quiet_until, give_up_at) - now)
                self._pending_since = None
                reported, self._reported = self._reported, set()
            self.rebuild(reported)

    def rebuild(self, reported: set[str] | None = None) -> None:
        """Bring the site up to date; ``reported``: the files the watcher named, if known."""
        with self.state:
            self._building = True
        before = (self.builder.outputs, self.builder.diagnostics.sorted(), self.internal_error)
        had_errors = bool(self.builder.diagnostics.errors) or self.internal_error is not None
        self._serve_quick_pages(reported)
        try:
            report = self.builder.rebuild()
            self.internal_error = None
            self._log_report(report, had_errors)
        except Exception:  # a bug must not take the preview down; show it instead
            if self._stopping:
                return  # stop() killed its workers: nothing to show, nobody to show it to
            self.internal_error = traceback.format_exc()
            self.log(self.internal_error.rstrip())
        try:
            rewatched = self._watch()
        except OSError as exc:  # a folder vanished between listing and watching
            self.log(f"watch: {exc}")
            rewatched = True
        with self.state:
            if rewatched and self._threads:
                # Saves made while the watches were being replaced raised no
                # event: look again (hashing makes a needless look cheap).
                self._pending_since = self._last_event = time.monotonic()
            after = (self.builder.outputs, self.builder.diagnostics.sorted(), self.internal_error)
            if after[0] is not before[0] or after[1:] != before[1:]:
                self.version += 1
            self._building = False
            self._fresh = {}
            self._indexing = self.builder.search_stale and not self._stopping
            self.state.notify_all()
        if self._indexing:
            self._update_search()

    def _log_report(self, report: RebuildReport, had_errors: bool) -> None:
        """A line for the rebuild; after a failed one, each error as ``check``
        prints it; after the one that fixed them, a line that says so."""
        if not report.ok:
            self.log(report.line())
            for problem in self.builder.diagnostics.errors:
                self.log(problem.format())
        elif had_errors:
            self.log(report.line(fixed=True))
        elif report.changed or report.rendered:
            self.log(report.line())

    def _update_search(self) -> None:
        """The search index after the pages, in a thread of its own: requests
        for it wait, pages do not, and the next edit is not held up by it.
        An index made from pages that a later rebuild replaced is dropped."""
        job = self.builder.search_job()

        def run() -> None:
            try:
                installed = job()
            except Exception:  # a bug must not take the preview down; show it instead
                if self._stopping:
                    return
                self.internal_error = traceback.format_exc()
                self.log(self.internal_error.rstrip())
                installed = True
            with self.state:
                if installed:
                    self._indexing = False
                    self.version += 1
                self.state.notify_all()

        threading.Thread(target=run, name="preview-search", daemon=True).start()

    def _serve_quick_pages(self, reported: set[str] | None) -> None:
        """An edited article's page at once, before the full rebuild that follows
        (``IncrementalBuilder.quick_update``); the browser reloads to it."""
        try:
            pages = self.builder.quick_update(reported)
        except Exception:  # the full rebuild reports whatever this tripped on
            pages = None
        if pages:
            with self.state:
                self._fresh = pages
                self.version += 1
                self.state.notify_all()

    def wait_until_idle(self, timeout: float | None = REQUEST_WAIT_SECONDS, search: bool = False,
                        path: str = "") -> None:
        """Block while changes are pending or a rebuild runs (for ``search``,
        a request for the index, also while the index is being remade), but
        not once the page at ``path`` is up to date (the quick path), and
        not beyond ``timeout`` seconds (None: as long as it takes)."""
        deadline = time.monotonic() + timeout if timeout is not None else None
        with self.state:
            while (self._building or self._pending_since is not None or (search and self._indexing)) and not self._stopping:
                if path and resolve(path, self._fresh)[0]:
                    return
                remaining = deadline - time.monotonic() if deadline is not None else None
                if remaining is not None and remaining <= 0:
                    return
                self.state.wait(remaining)

    # --- what a request gets ---------------------------------------------------------

    def answer(self, path: str) -> Response:
        """What a GET of ``path`` gets, once the site is up to date for it."""
        self.wait_until_idle(search=path.startswith(f"/{SEARCH_FOLDER}/"), path=path)
        with self.state:
            target, _ = resolve(path, self._fresh)
            fresh = self._fresh.get(target) if target else None
            view = SiteView(self.builder.outputs, self.errors(), self.internal_error, self.version)
        return view.answer(path, fresh)

    def errors(self) -> list[Diagnostic]:
        return self.builder.diagnostics.errors


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, server: DevServer):
        self.server = server

    def on_any_event(self, event) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file changes nothing
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        self.server.notice_change([os.fsdecode(path) for path in paths])


def relative_to_root(path: str, root: Path) -> str:
    """A watched path as the input files are keyed: relative, forward slashes."""
    return Path(os.path.relpath(path, root)).as_posix()



class StopServing(BaseException):
    """Ctrl+C or SIGTERM: not an ``Exception``, so that no ``except Exception`` swallows it."""


@contextmanager
def stop_signals() -> Iterator[None]:
    """SIGINT (Ctrl+C) and SIGTERM (``kill``, ``docker stop``, systemd) raise
    :class:`StopServing` in this thread, once; a repeated signal is ignored
    while the server stops.

    Worker processes forked during a rebuild inherit the handler. There it
    gives the signal its default effect back and takes it again: a worker
    ends at once and quietly (a KeyboardInterrupt in a worker prints a
    traceback), and the server, which got the signal too, cleans up.
    """
    owner, received = os.getpid(), []

    def handle(signum, frame) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not received:
            received.append(signum)
            raise StopServing(signum)

    previous = {signum: signal.signal(signum, handle) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, poll: bool = False, drafts: bool = False,
          search: bool = True) -> int:
    """The ``serve`` command: serve until Ctrl+C or SIGTERM, then exit 0 (a
    stop asked for is the way a preview ends, not a failure)."""
    server = DevServer(root, host=host, port=port, poll=poll, drafts=drafts, search=search,
                       log=lambda line: print(line, file=sys.stderr, flush=True))
    with stop_signals():
        try:
            server.start()
            for warning in server.builder.diagnostics.warnings:
                print(warning.format(), file=sys.stderr)
            print(f"Serving {root.resolve()} at {server.url} (Ctrl+C to stop)", flush=True)
            if server.http.policy.any_ip:
                print(f"Listening on every address: open it by this machine's IP address or by the names "
                      f"{', '.join(server.http.policy.names)}; for another name, use --host NAME.", flush=True)
            while True:
                time.sleep(3600)
        except StopServing:
            print("Stopping.", file=sys.stderr, flush=True)
        finally:
            server.stop()
    return 0
