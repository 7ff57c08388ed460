"""Timing, memory and output measurements of one command, and HTTP polling of a dev server.

Memory is sampled over the whole process tree: a generator may hand work to a
process pool or to a helper binary (ours runs Pagefind), and what the machine
has to hold is the sum of them all, not the largest one. ``os.wait4`` gives
the exact end of the run and, for reference, ``ru_maxrss``: the peak of the
largest single process among the command and its waited-for descendants.

Everything here reads /proc, so it is Linux-only, like the benchmark.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.02
# The sampler's share of one core, at most. Reading smaps_rollup makes the
# kernel walk the process's page tables: about 25 ms for a 1 GB process here,
# so at a fixed 20 ms the sampler would take a whole core of the two away
# from the build it measures (and from Hugo's alike).
SAMPLER_CPU_SHARE = 0.1


# --- the process tree ----------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """Direct children, from /proc/<pid>/task/*/children (each thread lists those it forked)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue  # the thread or the process ended meanwhile
    return found


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants that are alive now."""
    pids, pending = [], [root]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        pending.extend(children_of(pid))
    return pids


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 once it is gone); statm is the cheapest file to read."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    """Proportional set size: pages shared between processes (a forked worker
    and its parent) count once, split among them, not once per process.
    Falls back to RSS where smaps_rollup cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return rss_bytes(pid)


def tree_rss_bytes(root: int) -> int:
    """The memory a process tree holds: the sum of its processes' PSS."""
    return sum(pss_bytes(pid) for pid in tree_pids(root))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, with that of its reaped children."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the ")" closing the command name: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def tree_cpu_seconds(root: int) -> float:
    return sum(cpu_seconds(pid) for pid in tree_pids(root))


class TreeMemorySampler:
    """Samples the summed PSS of a process tree every ``interval`` seconds, in a thread.

    A sample of a large tree is itself costly (see ``SAMPLER_CPU_SHARE``), so
    the pause after a sample is stretched to keep the sampler's busy time
    within that share: 20 ms for small trees, about 0.3 s for a 1.3 GB tree.
    A peak shorter than the pause can be missed; a build's memory peaks are
    plateaus of seconds.
    """

    def __init__(self, root_pid: int, interval: float = SAMPLE_SECONDS):
        self.root_pid = root_pid
        self.interval = interval
        self.peak_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            started = time.perf_counter()
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root_pid))
            self.samples += 1
            if self._stop.wait(pause_after(time.perf_counter() - started, self.interval)):
                return


def pause_after(sample_seconds: float, interval: float = SAMPLE_SECONDS) -> float:
    """The pause after a sample that took ``sample_seconds``: ``interval``, or
    longer when the sample was costly, so sampling stays within ``SAMPLER_CPU_SHARE``."""
    return max(interval, sample_seconds * (1 - SAMPLER_CPU_SHARE) / SAMPLER_CPU_SHARE)


# --- one measured run ----------------------------------------------------------------------


@dataclass
class RunResult:
    seconds: float  # wall clock, from just before the (first) process starts until (the last) wait4 returns
    peak_rss_bytes: int  # peak of the summed RSS of the process tree, sampled
    maxrss_bytes: int  # ru_maxrss from wait4: the largest single process
    returncode: int
    samples: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_measured(command: list[str], cwd: Path | None = None, log: Path | None = None,
                 env: dict | None = None) -> RunResult:
    """Run ``command`` to completion, timing it and sampling its tree's memory."""
    return run_in_turn([command], cwd=cwd, log=log, env=env)


def run_in_turn(commands: list[list[str]], cwd: Path | None = None, log: Path | None = None,
                env: dict | None = None) -> RunResult:
    """Run ``commands`` one after the other, as one measured build; stop at the first that fails.

    A build may take two programs, as Hugo followed by Pagefind's command line
    does in a Hugo user's CI. Time runs from just before the first starts
    until the last one's ``wait4`` returns. The steps never overlap, so the
    memory the machine had to hold is the highest peak of any one step's
    tree; ``ru_maxrss`` likewise the largest of the steps'.

    The main thread blocks in ``os.wait4`` (which releases the GIL), so the
    end time is exact rather than rounded to a sampling interval. File data
    that earlier commands left for the kernel to write is written out first,
    untimed: otherwise a build pays for the previous one's writes (here a
    cold build of ours writes 700 MB, Hugo's 300 MB, and the next build's
    time varied by seconds with what came before it). Not between the steps:
    the second reads what the first wrote, as it would in CI.
    """
    os.sync()
    steps = []
    with open(log or os.devnull, "ab") as output:
        start = time.perf_counter()
        for command in commands:
            steps.append(run_one(command, cwd, env, output))
            if steps[-1].returncode != 0:
                break
    return RunResult(seconds=steps[-1].ended - start,
                     peak_rss_bytes=max(step.peak_rss_bytes for step in steps),
                     maxrss_bytes=max(step.maxrss_bytes for step in steps),
                     returncode=steps[-1].returncode,
                     samples=sum(step.samples for step in steps))


@dataclass
class Step:
    ended: float  # perf_counter time at which wait4 returned
    peak_rss_bytes: int
    maxrss_bytes: int
    returncode: int
    samples: int


def run_one(command: list[str], cwd: Path | None, env: dict | None, output) -> Step:
    """One process to its end, its tree's memory sampled meanwhile."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output,
                               stderr=subprocess.STDOUT)
    with TreeMemorySampler(process.pid) as sampler:
        _, status, usage = os.wait4(process.pid, 0)
        ended = time.perf_counter()  # before the sampler's thread is joined: the end stays exact
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    return Step(ended, sampler.peak_bytes, usage.ru_maxrss * 1024, process.returncode, sampler.samples)


# --- output folders ------------------------------------------------------------------------

Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """(inode, mtime_ns) of every file under ``folder``: a rewritten file changes one or both."""
    found: Snapshot = {}
    if not folder.is_dir():
        return found
    for directory, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            info = os.stat(path)
            found[os.path.relpath(path, folder)] = (info.st_ino, info.st_mtime_ns)
    return found


@dataclass
class OutputChange:
    files: int  # files in the folder afterwards
    rewritten: int  # files written by the run: new ones and those whose inode or mtime changed
    removed: int


def compare(before: Snapshot, after: Snapshot) -> OutputChange:
    rewritten = sum(1 for path, key in after.items() if before.get(path) != key)
    removed = sum(1 for path in before if path not in after)
    return OutputChange(len(after), rewritten, removed)


# --- dev servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 60.0) -> bytes | None:
    """The body of a 200 response, or None (error status, refused, reset, timed
    out, cut short: Pelican's server sends a file while its rebuild rewrites it)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return None


def poll_until(url: str, marker: bytes | None, deadline: float) -> float | None:
    """Fetch ``url`` back to back until its body contains ``marker`` (or is served at all,
    when ``marker`` is None); return the perf_counter time of the successful response."""
    while time.perf_counter() < deadline:
        body = fetch(url, timeout=max(0.1, deadline - time.perf_counter()))
        if body is not None and (marker is None or marker in body):
            return time.perf_counter()
        if body is None:
            time.sleep(0.005)  # not listening yet or mid-restart: don't spin on refused connections
    return None


class VersionWatcher:
    """The moments a dev server announces a new version of what it serves,
    read from its Server-Sent Events stream by a thread of its own: one
    ``data:`` line per version (the current one first, on connecting).

    For ours that is each time what it serves changes: the edited page, the
    rebuilt site, the search index installed. The last announcement after a
    save is the moment the whole site it serves is the rebuilt one; later
    work (what the server keeps for the next save) changes nothing served.
    """

    def __init__(self, port: int, path: str, timeout: float = 10.0):
        self.moments: list[float] = []
        self._lock = threading.Lock()
        self._socket = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._socket.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                             "Accept: text/event-stream\r\n\r\n".encode())
        self._stream = self._socket.makefile("rb")
        status = self._stream.readline()
        if b" 200 " not in status:
            self.close()
            raise OSError(f"{path}: {status.decode('latin-1').strip() or 'no response'}")
        self._socket.settimeout(None)  # quiet between saves for as long as a rebuild takes
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while line := self._stream.readline():
                if line.startswith(b"data:"):
                    with self._lock:
                        self.moments.append(time.perf_counter())
        except (OSError, ValueError):
            pass  # closed by close(), or by the server stopping

    def last_after(self, moment: float) -> float | None:
        """The perf_counter time of the last announcement after ``moment``; None if none came."""
        with self._lock:
            later = [seen for seen in self.moments if seen > moment]
        return max(later) if later else None

    def close(self) -> None:
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._socket.close()
        thread = getattr(self, "_thread", None)
        if thread is not None:
            thread.join(timeout=5)


def wait_until_idle(pid: int, quiet_seconds: float = 0.5, busy_fraction: float = 0.05,
                    timeout: float = 600.0) -> bool:
    """Wait until the process tree uses under ``busy_fraction`` of a core for ``quiet_seconds``.

    After a page shows an edit, a server may still be rendering other pages
    (Pelican writes tag and author pages after the article, and rebuilds
    everything); the next edit must not start inside that work. Watching CPU
    time works the same for the three servers, without parsing their logs.
    """
    deadline = time.perf_counter() + timeout
    last = tree_cpu_seconds(pid)
    while time.perf_counter() < deadline:
        time.sleep(quiet_seconds)
        now = tree_cpu_seconds(pid)
        if now - last < busy_fraction * quiet_seconds:
            return True
        last = now
    return False


def last_busy_moment(pid: int, interval: float = 0.1, busy_fraction: float = 0.2, quiet_seconds: float = 0.5,
                     timeout: float = 600.0) -> float | None:
    """The perf_counter time at which a server's process tree last worked, once it has gone quiet.

    Samples the tree's CPU time every ``interval`` seconds; a sample in which it
    used at least ``busy_fraction`` of a core is busy; after ``quiet_seconds``
    without a busy sample, returns the end of the last busy one (or the moment
    this began, if none was). None if the tree never went quiet within
    ``timeout``.

    This is when a dev server finished the work a save gave it: every output
    it rebuilds, and for ours the search index after them. It does not check
    what the server serves, only that it stopped working, and it cannot be
    finer than ``interval``. The threshold is two clock ticks in a sample
    (/proc counts CPU time in 10 ms ticks), so the odd tick of an idle
    server's timers does not count as work, while a rebuild uses a core or more.
    """
    started = last_busy = last_sample = time.perf_counter()
    last_cpu = tree_cpu_seconds(pid)
    while True:
        time.sleep(interval)
        now, cpu = time.perf_counter(), tree_cpu_seconds(pid)
        if cpu - last_cpu >= busy_fraction * (now - last_sample):
            last_busy = now
        last_sample, last_cpu = now, cpu
        if now - last_busy >= quiet_seconds:
            return last_busy
        if now - started >= timeout:
            return None
