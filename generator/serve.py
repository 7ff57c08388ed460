"""``factcheck serve``: a live preview that rebuilds as files change.

- The site is served from memory (``IncrementalBuilder.outputs``), replaced
  as a whole after each successful rebuild, so a half-written site is never
  seen; requests that arrive while changes are pending wait for the rebuild.
- Changes are noticed with watchdog (``--poll`` for Docker and network
  mounts), bursts of saves are debounced into one rebuild.
- When an edit breaks the content or a template, the last good site stays up
  and every page shows the errors in an overlay; the next good save clears it.
- Open pages reload themselves over Server-Sent Events. The script and the
  overlay are added to responses here, never to ``build`` output.
"""

from __future__ import annotations

import html
import os
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

from .diagnostics import Diagnostic
from .cache import WATCHED_FOLDERS
from .incremental import IncrementalBuilder
from .search import SEARCH_FOLDER

LIVE_RELOAD_PATH = "/__livereload"
DEBOUNCE_SECONDS = 0.03  # quiet time after the last event before rebuilding (an editor's save is one burst)
MAX_DEBOUNCE_SECONDS = 1.0  # rebuild anyway during a long burst of saves
REQUEST_WAIT_SECONDS = 30.0  # longest a request waits for a rebuild in progress
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".js": "text/javascript",
    ".png": "image/png",
}


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
                 drafts: bool = False, log=print, search: bool = True):
        self.root = root.resolve()
        self.log = log
        self.http = ThreadingHTTPServer((host, port), make_handler(self))
        self.http.daemon_threads = True
        self.url = f"http://{host}:{self.http.server_address[1]}/"
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
        self._observer = make_observer(poll)
        self._watched: tuple[str, ...] = ()
        self._threads: list[threading.Thread] = []

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        self._observer.start()
        self.rebuild()
        for target in (self.http.serve_forever, self._rebuild_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        with self.state:
            self._stopping = True
            self.state.notify_all()
        self.http.shutdown()
        self.http.server_close()
        self._observer.stop()
        self._observer.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)

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
        self._serve_quick_pages(reported)
        try:
            report = self.builder.rebuild()
            self.internal_error = None
            if report.changed or not report.ok or report.rendered:
                self.log(report.line())
        except Exception:  # a bug must not take the preview down; show it instead
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
            self._indexing = self.builder.search_stale
            self.state.notify_all()
        if self._indexing:
            self._update_search()

    def _update_search(self) -> None:
        """The search index after the pages, in a thread of its own: requests
        for it wait, pages do not, and the next edit is not held up by it.
        An index made from pages that a later rebuild replaced is dropped."""
        job = self.builder.search_job()

        def run() -> None:
            try:
                installed = job()
            except Exception:  # a bug must not take the preview down; show it instead
                self.internal_error = traceback.format_exc()
                self.log(self.internal_error.rstrip())
                installed = True
            with self.state:
                if installed:
                    self._indexing = False
                    self.version += 1
                self.state.notify_all()

        threading.Thread(target=run, daemon=True).start()

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

    def fresh_page(self, path: str) -> bytes | None:
        """The page at ``path`` if it is already up to date during a rebuild."""
        with self.state:
            target, _ = resolve(path, self._fresh)
            return self._fresh.get(target) if target else None

    def wait_until_idle(self, timeout: float = REQUEST_WAIT_SECONDS, search: bool = False, path: str = "") -> None:
        """Block while changes are pending or a rebuild runs (for ``search``,
        a request for the index, also while the index is being remade), but
        not once the page at ``path`` is up to date (the quick path)."""
        deadline = time.monotonic() + timeout
        with self.state:
            while (self._building or self._pending_since is not None or (search and self._indexing)) and not self._stopping:
                if path and resolve(path, self._fresh)[0]:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self.state.wait(remaining)

    # --- what a request gets ---------------------------------------------------------

    def errors(self) -> list[Diagnostic]:
        return self.builder.diagnostics.errors

    def snapshot(self) -> tuple[dict[str, bytes], list[Diagnostic], str | None, int]:
        with self.state:
            return self.builder.outputs, self.errors(), self.internal_error, self.version


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, server: DevServer):
        self.server = server

    def on_any_event(self, event) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file changes nothing
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        self.server.notice_change([os.fsdecode(path) for path in paths])


def make_handler(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = unquote(urlsplit(self.path).path)
            if path == LIVE_RELOAD_PATH:
                return self.stream_reloads()
            server.wait_until_idle(search=path.startswith(f"/{SEARCH_FOLDER}/"), path=path)
            fresh = server.fresh_page(path)
            if fresh is not None:
                _, errors, internal_error, version = server.snapshot()
                return self.send(HTTPStatus.OK, decorate(fresh, errors, internal_error, version), CONTENT_TYPES[".html"])
            outputs, errors, internal_error, version = server.snapshot()
            target, redirect = resolve(path, outputs)
            if redirect:
                return self.send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"Location": redirect})
            if target is None:
                body = not_found_page(path).encode("utf-8")
                body = decorate(body, errors, internal_error, version)
                return self.send(HTTPStatus.NOT_FOUND, body, CONTENT_TYPES[".html"])
            body = outputs[target]
            content_type = CONTENT_TYPES.get(Path(target).suffix, "application/octet-stream")
            if target.endswith(".html"):
                body = decorate(body, errors, internal_error, version)
            self.send(HTTPStatus.OK, body, content_type)

        def send(self, status, body: bytes, content_type: str, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def stream_reloads(self) -> None:
            """Server-Sent Events: the current version now, and each new one."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.close_connection = True
            try:
                sent = None
                while True:
                    with server.state:
                        if server._stopping:
                            return
                        if server.version == sent:
                            server.state.wait(15)
                        version, stopping = server.version, server._stopping
                    if stopping:
                        return
                    if version != sent:
                        self.wfile.write(f"data: {version}\n\n".encode())
                        sent = version
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's naming)
            pass  # one line per rebuild is the server's output, not one per request

    return Handler


def relative_to_root(path: str, root: Path) -> str:
    """A watched path as the input files are keyed: relative, forward slashes."""
    return Path(os.path.relpath(path, root)).as_posix()


def resolve(path: str, outputs: dict[str, bytes]) -> tuple[str | None, str | None]:
    """(output file to send, or a redirect for a folder asked for without its slash)."""
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        candidate = rel + "index.html"
        return (candidate if candidate in outputs else None), None
    if rel in outputs:
        return rel, None
    if f"{rel}/index.html" in outputs:
        return None, f"/{rel}/"
    return None, None


def not_found_page(path: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
        f"<body><h1>Not found</h1><p>Nothing is built at <code>{html.escape(path)}</code>.</p>"
        '<p><a href="/">Home</a></p></body></html>'
    )


OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.2rem;"
    "border-top:4px solid #ff6b6b;box-shadow:0 -4px 16px rgba(0,0,0,.4)"
)


def decorate(body: bytes, errors: list[Diagnostic], internal_error: str | None, version: int) -> bytes:
    """Add the live-reload script, and the error overlay when the last rebuild failed."""
    extra = []
    if errors or internal_error:
        lines = [html.escape(d.format()) for d in errors]
        if internal_error:
            lines.append("internal error (a bug in factcheck, please report it):")
            lines.extend(html.escape(line) for line in internal_error.splitlines())
        extra.append(
            f'<div id="factcheck-errors" role="alert" style="{OVERLAY_STYLE}">'
            f"<strong>The last change broke the build: still showing the last good version.</strong>"
            f'<pre style="white-space:pre-wrap;margin:.6rem 0 0">{chr(10).join(lines)}</pre></div>'
        )
    extra.append(
        "<script>(function(){var v=" + str(version) + ';var s=new EventSource("' + LIVE_RELOAD_PATH + '");'
        "s.onmessage=function(e){if(+e.data!==v){s.close();location.reload();}};})();</script>"
    )
    addition = "".join(extra).encode("utf-8")
    marker = body.rfind(b"</body>")
    return body[:marker] + addition + body[marker:] if marker >= 0 else body + addition


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, poll: bool = False, drafts: bool = False,
          search: bool = True) -> int:
    server = DevServer(root, host=host, port=port, poll=poll, drafts=drafts, search=search,
                       log=lambda line: print(line, file=sys.stderr, flush=True))
    server.start()
    for diagnostic in server.builder.diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    print(f"Serving {root.resolve()} at {server.url} (Ctrl+C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("Stopping.", file=sys.stderr)
    finally:
        server.stop()
    return 0
