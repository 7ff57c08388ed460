"""``factcheck serve``: a live preview that rebuilds as files change
(``devserver.py``), until Ctrl+C or SIGTERM.

Stopping is the way a preview ends, not a failure: both signals stop it
cleanly, with exit code 0, a rebuild in progress ended and its worker
processes killed, so nothing of the preview outlives it.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .devserver import DevServer, end_workers
from .hosts import ip_address
from .responses import LIVE_RELOAD_PATH

__all__ = ["DevServer", "LIVE_RELOAD_PATH", "serve"]

SIGNAL_POLL_SECONDS = 0.2  # how often the main thread looks whether it was asked to stop
# A stop takes at most about 11 s by construction (the HTTP loop 0.5 s, the
# watcher 5 s, a rebuild 5 s); past this, something hangs, and the process
# ends anyway.
STOP_GUARD_SECONDS = 20.0


@contextmanager
def stop_signals() -> Iterator[list[int]]:
    """SIGINT (Ctrl+C) and SIGTERM (``kill``, ``docker stop``, systemd) are
    noted in the list yielded, for the main thread to look at.

    Not an exception raised in the main thread: the kernel may hand a
    process's signal to any of its threads, and then the main thread's sleep
    is not interrupted (in the tests, a SIGTERM went unanswered for 30 s);
    so it looks every ``SIGNAL_POLL_SECONDS`` instead, and no exception ever
    lands in the middle of a lock's bookkeeping.

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
        received.append(signum)

    previous = {signum: signal.signal(signum, handle) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, poll: bool = False, drafts: bool = False,
          search: bool = True, read_only: bool = False) -> int:
    """The ``serve`` command: serve until Ctrl+C or SIGTERM, then exit 0 (a
    stop asked for is the way a preview ends, not a failure)."""
    server = DevServer(root, host=host, port=port, poll=poll, drafts=drafts, search=search, read_only=read_only,
                       log=lambda line: print(line, file=sys.stderr, flush=True))
    # watchdog logs races of its own threads as errors ("InotifyEmitter.queue_events()
    # called when the thread is inactive", when watches are replaced or stopped):
    # no news for whoever edits the site, and not one line per rebuild.
    logging.getLogger("watchdog").addHandler(logging.NullHandler())
    with stop_signals() as stop_requested:
        try:
            server.start(wait=False)
            while not stop_requested and not server.wait_until_idle(timeout=SIGNAL_POLL_SECONDS):
                pass  # the first build
            if not stop_requested:
                announce(server, root)
            while not stop_requested:
                time.sleep(SIGNAL_POLL_SECONDS)
            print("Stopping.", file=sys.stderr, flush=True)
        finally:
            exit_at_the_latest(STOP_GUARD_SECONDS)
            server.stop()
    return 0


def exit_at_the_latest(seconds: float) -> None:
    """End the process after ``seconds``, if it has not ended by then.

    A last resort. A stop once hung in a few runs: a worker killed while it
    sent its results left half a message in the standard library's process
    pool, which then waited for the rest for ever (``workers.Pool`` replaced
    it). Should another hang appear, whoever pressed Ctrl+C still gets their
    terminal back, with the threads' stacks for a bug report, and no worker
    is left behind.
    """
    def expire() -> None:
        time.sleep(seconds)
        print(f"factcheck serve: stopping took more than {seconds:.0f} s, a bug in factcheck "
              "(please report it with what follows); stopped at once.", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(sys.stderr, all_threads=True)
        end_workers()
        os._exit(0)

    threading.Thread(target=expire, name="preview-stop-guard", daemon=True).start()


def announce(server: DevServer, root: Path) -> None:
    for warning in server.builder.diagnostics.warnings:
        print(warning.format(), file=sys.stderr)
    print(f"Serving {root.resolve()} at {server.url} (Ctrl+C to stop)", flush=True)
    if server.http.policy.any_ip:
        names = [name for name in server.http.policy.names if ip_address(name) is None and name != "localhost"]
        print("Listening on every address: open it by any IP address of this machine, by localhost"
              + "".join(f" or {name}" for name in names) + "; another name needs --host NAME.", flush=True)
    if server.annotator is not None and not is_loopback(server.http.policy):
        print("Warning: annotation is on and this preview is reachable from other machines: whoever can open "
              "its pages can write to content/. Use --read-only, or listen on 127.0.0.1.", file=sys.stderr,
              flush=True)


def is_loopback(policy) -> bool:
    """Whether the preview listens on this machine's loopback address only."""
    address = ip_address(policy.names[0]) if policy.names else None
    return not policy.any_ip and (policy.names[0] == "localhost" or bool(address and address.is_loopback))
