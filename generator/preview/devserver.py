"""The live preview behind ``factcheck serve``: a builder, a watcher and an
HTTP server, with their threads.

- The site is served from memory (``IncrementalBuilder.outputs``), replaced
  as a whole after each successful rebuild, so a half-written site is never
  seen; requests that arrive while changes are pending wait for the rebuild.
  After a ``build`` with nothing changed since, the built site is served at
  once while the first rebuild runs (``IncrementalBuilder.warm_start``).
- Changes are noticed with watchdog (``--poll`` for Docker and network
  mounts), bursts of saves are debounced into one rebuild.
- When an edit breaks the content or a template, the last good site stays up
  and every page shows the errors in an overlay; the next good save clears it.
  The log shows them too, as ``check`` prints them, and says when a later
  save fixed them.
- Open pages reload themselves over Server-Sent Events. The script and the
  overlay are added to responses (``responses.py``), never to ``build``
  output. Which HTTP requests are answered, and how many at once, is
  ``httpserver.py``'s business.
- :meth:`DevServer.stop` ends a rebuild in progress: its worker processes
  are killed, so nothing of the preview outlives it.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
import time
import traceback
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

from ..core.diagnostics import Diagnostic
from ..core.failures import SystemFailure
from ..core.layout import SEARCH_FOLDER, WATCHED_FOLDERS
from ..core.translations import Interface
from ..engine.incremental import IncrementalBuilder, RebuildReport
from ..engine.workers import WorkerLost
from .annotating import make_annotator, page_settings
from .hosts import authority
from .httpserver import bind
from .pagewords import site_words
from .responses import Response, SiteView, resolve

DEBOUNCE_SECONDS = 0.03  # quiet time after the last event before rebuilding (an editor's save is one burst)
MAX_DEBOUNCE_SECONDS = 1.0  # rebuild anyway during a long burst of saves
REQUEST_WAIT_SECONDS = 30.0  # longest a request waits for a rebuild in progress
# Longest stop() waits for a rebuild in progress once its workers are killed.
# The parts that run in this process (reading, linking, analysing, rendering
# the pages of an edit) cannot be interrupted; whoever pressed Ctrl+C is not
# kept waiting for them.
STOP_WAIT_SECONDS = 5.0
KILLED_WORKERS_GRACE_SECONDS = 2.0  # how long a rebuild whose workers died waits for the stop that may follow


def make_observer(poll: bool) -> BaseObserver:
    """The file-system watcher: events, or with ``poll`` a snapshot every half second.

    Polling stats with ``os.lstat``, so it does not walk into a link to a
    folder, which no build reads (``sitefiles.py``): with watchdog's default
    ``os.stat``, a link to /usr/share cost a quarter of a core while
    ``serve --poll`` sat idle.
    """
    return PollingObserverVFS(os.lstat, os.scandir, polling_interval=0.5) if poll else Observer()


class DevServer:
    """The preview server: a builder, a watcher and an HTTP server, with their threads."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000, poll: bool = False,
                 drafts: bool = False, log=print, search: bool = True, read_only: bool = False):
        self.root = root.resolve()
        self.log = log
        # Annotation (annotating.py): a secret per run, in the pages served, never in build output.
        self.annotator = make_annotator(self.root, read_only)
        self.token = None if read_only else secrets.token_urlsafe(32)
        self.http = bind(host, port, self)  # first: a port in use is reported before anything is built
        self.url = f"http://{authority(self.http.policy.names[0], self.http.server_address[1])}/"
        # Rendered as a default build renders it (the published base_url, not
        # this address: a preview of the published site, and the last build's
        # outputs are current for it). Internal links are relative.
        self.builder = IncrementalBuilder(self.root, drafts=drafts, search=search, defer_search=search)
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
        # The last build's site is served while the first run confirms it
        # (IncrementalBuilder.warm_start): requests need not wait for that run,
        # until a change is noticed.
        self._serving_last_build = False
        self._stopping = False
        self._observer = make_observer(poll)
        self._watched: tuple[str, ...] = ()
        self._threads: list[threading.Thread] = []
        self._first_words: Interface | None = None  # before a first good run (words())

    @property
    def stopping(self) -> bool:
        return self._stopping

    # --- lifecycle -----------------------------------------------------------

    def start(self, wait: bool = True) -> None:
        """Serve, watch, and make the first build; with ``wait``, return once
        it is made (or once :meth:`stop` was called meanwhile).

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
        if wait:
            self.wait_until_idle(timeout=None)

    def stop(self) -> None:
        """Stop serving, watching and rebuilding, and end a rebuild in progress.

        Its worker processes are killed at once: a chunk of work takes seconds
        on a large site and would run on after the server is gone. The
        rebuild then fails (silently, as the server is stopping) and is waited
        for, up to ``STOP_WAIT_SECONDS``; past that the process may exit
        anyway: a rebuild's thread is a daemon, and a pool of workers it would
        start at exit is refused, or waited for, by ``concurrent.futures``.
        """
        with self.state:
            self._stopping = True
            started, rebuilding = list(self._threads), self._building
            self.state.notify_all()
        if rebuilding:
            end_workers()
        if started:
            self.http.shutdown()  # waits for serve_forever, which only a started server runs
        self.http.server_close()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for thread in started:
            thread.join(timeout=0.05)
            while thread.is_alive() and time.monotonic() < deadline:
                end_workers()  # the rebuild may have started another pool meanwhile
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
            self._serving_last_build = False  # requests wait for the rebuild, as after any change
            if self._pending_since is None:
                self._pending_since = now
            self.state.notify_all()

    # --- rebuilding ------------------------------------------------------------

    def _rebuild_loop(self) -> None:
        self._start_from_last_build()
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

    def _start_from_last_build(self) -> None:
        """Serve the last build's site at once if nothing changed since it
        (``IncrementalBuilder.warm_start``); the first run follows as ever.
        The folders are watched from then on, not only after the first run:
        a save made meanwhile must stop the last build's pages being served."""
        try:
            warm = self.builder.warm_start()
            if warm:
                self._watch()
        except OSError as exc:  # a folder vanished between listing and watching: the first run looks again
            self.log(f"watch: {exc}")
            warm = False
        except Exception:  # a bug must not take the preview down: start as without a build
            if not self._stopping:
                self.log(traceback.format_exc().rstrip())
            warm = False
        if warm:
            with self.state:
                self._serving_last_build = self._pending_since == self._last_event  # no change noticed since the start
                self.version += 1
                self.state.notify_all()

    def rebuild(self, reported: set[str] | None = None) -> None:
        """Bring the site up to date; ``reported``: the files the watcher named, if known."""
        with self.state:
            self._building = True
        before = (self.builder.outputs, self.builder.diagnostics.sorted(), self.internal_error)
        quick = self._serve_quick_pages(reported)
        if quick and self.builder.defers_search and not self._stopping:
            self._index_ahead(quick)
        self._run_builder()
        if self._stopping:
            return
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
            self._serving_last_build = False
            self._fresh = {}
            self._indexing = self.builder.search_stale
            self.state.notify_all()
        if self._indexing:
            self._update_search()

    def _run_builder(self) -> None:
        """The builder's rebuild, logged; whatever goes wrong is shown, not raised."""
        had_errors = bool(self.builder.diagnostics.errors) or self.internal_error is not None
        try:
            report = self.builder.rebuild()
            self.internal_error = None
            self._log_report(report, had_errors)
        except (WorkerLost, KeyboardInterrupt):
            # Its workers were killed: by stop(), by the Ctrl+C that reached
            # them too (a moment before the server takes it; the pool then
            # raises KeyboardInterrupt, workers.Pool.why_lost), or by the system.
            if not self._stop_arrives(within=KILLED_WORKERS_GRACE_SECONDS):
                self.log("rebuild interrupted: a worker process was killed (out of memory?); "
                         "still serving the last good site, the next save tries again")
        except SystemFailure as problem:  # the machine's, or a build cache that is not one: a line, as build says it
            if not self._stopping:
                self.builder.forget_cache()  # what it read from there is not used again: the next save rebuilds
                self.internal_error = f"{problem}\nThe preview no longer reads the build cache: save a file to rebuild.\n"
                self.log(self.internal_error.rstrip())
        except Exception:  # a bug must not take the preview down; show it instead
            if not self._stopping:
                self.internal_error = traceback.format_exc()
                self.log(self.internal_error.rstrip())

    def _stop_arrives(self, within: float) -> bool:
        with self.state:
            return self.state.wait_for(lambda: self._stopping, timeout=within)

    def _log_report(self, report: RebuildReport, had_errors: bool) -> None:
        """A line for the rebuild; after a failed one, each error as ``check``
        prints it; after the one that fixed them, a line that says so. Nothing
        once the server is stopping: its last line is "Stopping."."""
        if self._stopping:
            return
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

    def _index_ahead(self, pages: dict[str, bytes]) -> None:
        """The search index of the quick path's pages, made while the rebuild
        runs (``IncrementalBuilder.search_job``'s ``ahead``): the job after the
        rebuild then finds those shards made. It installs nothing and shows no
        error: that job does both."""
        try:  # made here, from the pages served before the rebuild publishes its own
            job = self.builder.search_job(ahead=pages)
        except Exception:  # the job after the rebuild meets it again, and shows it
            return

        def run() -> None:
            try:
                job()
            except Exception:  # as above
                pass

        threading.Thread(target=run, name="preview-search-ahead", daemon=True).start()

    def _serve_quick_pages(self, reported: set[str] | None) -> dict[str, bytes] | None:
        """An edited article's page at once, before the full rebuild that follows
        (``IncrementalBuilder.quick_update``); the browser reloads to it. The pages, if any."""
        try:
            pages = self.builder.quick_update(reported)
        except Exception:  # the full rebuild reports whatever this tripped on
            pages = None
        if pages:
            with self.state:
                self._fresh = pages
                self.version += 1
                self.state.notify_all()
        return pages

    def wait_until_idle(self, timeout: float | None = REQUEST_WAIT_SECONDS, search: bool = False,
                        path: str = "") -> bool:
        """Block while changes are pending or a rebuild runs (for ``search``,
        a request for the index, also while the index is being remade), but
        not once the page at ``path`` is up to date (the quick path), and
        not beyond ``timeout`` seconds (None: as long as it takes).
        False when the timeout ended the wait."""
        deadline = time.monotonic() + timeout if timeout is not None else None
        with self.state:
            while (self._building or self._pending_since is not None or (search and self._indexing)) and not self._stopping:
                if self._serving_last_build or (path and resolve(path, self._fresh)[0]):
                    return True
                remaining = deadline - time.monotonic() if deadline is not None else None
                if remaining is not None and remaining <= 0:
                    return False
                self.state.wait(remaining)
            return True

    # --- what a request gets ---------------------------------------------------------

    def answer(self, path: str) -> Response:
        """What a GET of ``path`` gets, once the site is up to date for it."""
        self.wait_until_idle(search=path.startswith(f"/{SEARCH_FOLDER}/"), path=path)
        with self.state:
            target, _ = resolve(path, self._fresh)
            fresh = self._fresh.get(target) if target else None
            view = SiteView(self.builder.outputs, self.errors(), self.internal_error, self.version, self.words())
            served = self.builder.served_digests
        # Not on the quick path's page: the full rebuild follows, and the page reloads with them.
        settings = (page_settings(resolve(path, view.outputs)[0], self.token, self.root, served, view.words)
                    if fresh is None else "")
        return view.answer(path, fresh, settings)

    def errors(self) -> list[Diagnostic]:
        return self.builder.diagnostics.errors

    def words(self) -> Interface:
        """The site's language for what serve adds to pages: the last good run's
        (the pages' own), else as site.yaml says it when serve started (the
        last build's pages, before the first run; or a first run that failed)."""
        if self.builder.interface is None and self._first_words is None:
            self._first_words = site_words(self.root)
        return self.builder.interface or self._first_words


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


def end_workers() -> None:
    """Kill the worker processes of a rebuild in progress (``workers.parallel_map``).

    They are this process's multiprocessing children: a preview starts no
    others. Killed, not asked: a chunk of work does not look at signals.
    """
    for worker in multiprocessing.active_children():
        worker.kill()
