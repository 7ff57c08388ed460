"""Work spread over the machine's cores, for the two stages that dominate a
build: checking files (YAML, Markdown, quote anchoring) and rendering pages.

Both are many small independent jobs, so a pool of forked worker processes
takes them in chunks. Fork (not spawn) matters: a worker starts with
everything the parent already holds, the linked graph included, so nothing
big is pickled on the way out; only each job's small result travels back.

Small jobs stay in this process: below ``MIN_PARALLEL`` items, starting the
pool costs more than it saves. ``FACTCHECK_WORKERS=1`` turns parallelism off
(for profiling, or a machine where forking is unwelcome).

Workers die with their parent. A build killed with SIGKILL (a CI timeout)
cannot shut its pool down, and its workers, re-parented to init, went on
rendering at a full core and 3 GB each. So every worker asks the kernel to
kill it when its parent dies (``PR_SET_PDEATHSIG``), or, where there is no
such request, watches its parent itself (``_die_with_parent``).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 64
# A worker whose own memory outgrows this share of the build's (or
# MIN_WORKER_BYTES, whichever is larger) is replaced by a fresh fork before its
# next chunk (``Pool.outgrown``).
WORKER_SHARE = 4
MIN_WORKER_BYTES = 256 << 20
CHUNKS_PER_WORKER = 8  # enough chunks that a slow one does not leave a core idle at the end
PARENT_CHECK_SECONDS = 0.2  # how often a worker without PR_SET_PDEATHSIG looks for its parent
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

def worker_count() -> int:
    configured = os.environ.get("FACTCHECK_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def parallel_map(
    job: Callable[[Sequence[T]], list[R]], items: Sequence[T],
    on_progress: Callable[[int, int], None] | None = None, alone: int = 0,
) -> list[R]:
    """``job`` applied to consecutive chunks of ``items``; the results, in order.

    ``job`` takes a list of items and returns a list of results, one per
    item. It may be a closure over anything: forked workers inherit it.
    The first ``alone`` items are chunks of one item each (slow ones, which
    the workers then share); the rest are split evenly.
    ``on_progress(done, total)`` is called here as chunks finish. A chunk
    that raises ends the map at once, with that exception; a worker that
    dies (killed, out of memory) ends it with :class:`WorkerLost`.
    """
    workers = worker_count()
    if workers < 2 or len(items) < MIN_PARALLEL or not can_fork():
        results = job(items)
        if on_progress:
            on_progress(len(items), len(items))
        return results
    alone = min(alone, len(items))
    rest = split(len(items) - alone, workers * CHUNKS_PER_WORKER) if len(items) > alone else []
    chunks = [(start, start + 1) for start in range(alone)] + [(alone + a, alone + b) for a, b in rest]
    # Objects that exist before the fork are never collected in the workers,
    # so the collector does not touch (and copy) every page of the parent.
    gc.freeze()
    try:
        with Pool(min(workers, len(chunks)), job, items) as pool:
            by_start = pool.run(chunks, on_progress)
    finally:
        gc.unfreeze()
    return [result for start in sorted(by_start) for result in by_start[start]]


class WorkerLost(BrokenProcessPool):
    """A worker process ended before it had sent back its chunk's results."""


class Pool:
    """Forked worker processes, each with a pipe of its own to the parent.

    Not ``concurrent.futures.ProcessPoolExecutor``: its workers share one
    result pipe, whose writing end the parent keeps open too. A worker
    killed while it was sending a result (``serve`` kills the workers of a
    rebuild when it stops) left half a message in that pipe, and the
    executor's thread waited for the rest for ever; the process then hung
    at exit, joining that thread. Here each worker's pipe is open only in
    that worker and the parent, so a worker that dies is an end of file or
    its process sentinel, noticed at once, and there is no thread to join.

    Chunks are handed out one at a time as workers finish the last, so a
    slow chunk does not leave a core idle. Workers are forked by the thread
    that makes the pool, and ``PR_SET_PDEATHSIG`` fires when that *thread*
    ends, not the process (``serve`` rebuilds in a thread of its own). That
    is harmless: the pool is used within one call, which ends every worker
    before it returns.
    """

    def __init__(self, size: int, job: Callable[[Sequence[T]], list[R]], items: Sequence[T]):
        self.context = multiprocessing.get_context("fork")
        self.job, self.items = job, items
        self.connections: list[Connection] = []  # the parent's end of each worker's pipe
        self.processes: list[multiprocessing.Process] = []
        parent = own_memory(os.getpid(), resident=True)
        self.worker_limit = max(MIN_WORKER_BYTES, parent // WORKER_SHARE) if parent is not None else None
        try:
            for _ in range(size):
                self.start_worker()
        except BaseException:
            self.kill()
            raise

    def start_worker(self) -> None:
        ours, theirs = self.context.Pipe(duplex=True)
        # The worker closes the parent's ends it inherits (its own
        # and earlier workers'), so that its death is an end of file.
        closing = [*self.connections, ours]
        process = self.context.Process(target=_work, args=(self.job, self.items, theirs, closing, os.getpid()),
                                       daemon=True)
        with interrupt_after_fork():  # a Ctrl+C held back is raised once the worker is ours to kill
            process.start()
            theirs.close()
            self.connections.append(ours)
            self.processes.append(process)

    def outgrown(self, connection: Connection) -> bool:
        """Whether the worker has made or copied more memory of its own than
        it may keep. A forked worker shares the build's pages until it writes
        to them, and rendering writes to the objects it reads (their reference
        counts): each worker ended up copying most of the build's model, and
        at 100,000 articles the render workers were most of the build's peak
        memory (9.9 GB, against 5 GB for the build itself). A fresh fork starts
        sharing everything again."""
        if self.worker_limit is None:
            return False
        used = own_memory(self.processes[self.connections.index(connection)].pid)
        return used is not None and used > self.worker_limit

    def replace(self, connection: Connection) -> Connection:
        """A fresh worker in place of the one at ``connection``, which has finished its chunk."""
        index = self.connections.index(connection)
        _send(connection, None)  # no more work: it returns
        connection.close()
        self.processes[index].join()
        del self.connections[index], self.processes[index]
        self.start_worker()
        return self.connections[-1]

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            for connection in self.connections:
                _send(connection, None)  # no more work: the worker returns
        else:
            self.kill()  # the other chunks' results are no longer wanted
        for connection in self.connections:
            connection.close()
        for process in self.processes:
            process.join()

    def kill(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()

    def run(self, chunks: list[tuple[int, int]], on_progress: Callable[[int, int], None] | None) -> dict[int, list]:
        """Every chunk's results, by the chunk's start."""
        pending = list(reversed(chunks))  # taken from the end: the first chunks first
        busy: dict[Connection, tuple[int, int]] = {}
        for connection in self.connections:
            if pending:
                busy[connection] = pending.pop()
                _send(connection, busy[connection])
        results: dict[int, list] = {}
        total, done = sum(stop - start for start, stop in chunks), 0
        while busy:
            sentinels = {process.sentinel: connection for process, connection in zip(self.processes, self.connections)}
            ready = wait([*busy, *sentinels])
            for connection in [c for c in ready if c in busy]:  # results first: a worker may send and die
                start, stop = busy.pop(connection)
                try:
                    results[start] = _receive(connection)
                except WorkerLost as lost:
                    raise self.why_lost(lost) from None
                done += stop - start
                if on_progress:
                    on_progress(done, total)
                if pending:
                    if self.outgrown(connection):
                        connection = self.replace(connection)
                    busy[connection] = pending.pop()
                    _send(connection, busy[connection])
            if any(sentinels[s] in busy for s in ready if s in sentinels):
                raise self.why_lost(
                    WorkerLost("a worker process ended before finishing its work (killed, or out of memory)"))
        return results

    def why_lost(self, lost: WorkerLost) -> BaseException:
        """What a lost worker means. Ctrl+C reaches the whole process group,
        and a worker ends at once (:func:`_quiet_on_interrupt`), sometimes
        before this process has taken its own KeyboardInterrupt: the build
        was interrupted, and says so, rather than reporting a lost worker."""
        for process in self.processes:
            process.join(timeout=0.2)
            if process.exitcode == -signal.SIGINT:
                return KeyboardInterrupt()
        return lost


def own_memory(pid: int, resident: bool = False) -> int | None:
    """Bytes of memory a process has of its own (private, clean or dirty),
    or with ``resident`` all it has in memory; None where /proc cannot say."""
    fields = ("Rss:",) if resident else ("Private_Clean:", "Private_Dirty:")
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            return sum(int(line.split()[1]) << 10 for line in rollup if line.startswith(fields))
    except (OSError, ValueError, IndexError):
        return None


def _send(connection: Connection, message: object) -> None:
    try:
        connection.send(message)
    except OSError:
        pass  # the worker is gone: its sentinel says so


def _receive(connection: Connection) -> list:
    """A chunk's results, or the exception the chunk raised, raised here."""
    try:
        status, value = connection.recv()
    except (EOFError, OSError):  # died in the middle of sending
        raise WorkerLost("a worker process ended while sending its results") from None
    if status == "raised":
        raise value
    return value


def _work(job: Callable, items: Sequence, connection: Connection, parent_ends: list[Connection], parent: int) -> None:
    """A worker: chunks in, results out, until the parent says there is no more."""
    for end in parent_ends:
        end.close()
    _die_with_parent(parent)
    _quiet_on_interrupt()
    gc.enable()  # the parent's objects are frozen: collections here walk only the worker's own
    while True:
        try:
            bounds = connection.recv()
        except (EOFError, OSError):
            return
        if bounds is None:
            return
        start, stop = bounds
        try:
            message = ("done", job(items[start:stop]))
        except Exception as problem:  # raised again in the parent, as itself (a full disk, a bug)
            message = ("raised", problem)
        try:
            connection.send(message)
        except (pickle.PicklingError, TypeError, AttributeError) as problem:  # not picklable: say what it was
            what = type(message[1]).__name__
            connection.send(("raised", RuntimeError(f"a worker's {what} could not be sent back: {problem}")))


class Background:
    """A job run in a forked process of its own while this one goes on: the
    removal of the site the last build replaced (``write.discard_previous``),
    the check of the cached documents' trees (``prepare.read_cached``).

    :meth:`wait` returns the job's result (it travels back pickled, between
    this process and the one it forked). The process dies with this one, as
    the pool's workers do. Where there is no fork, or ``FACTCHECK_WORKERS=1``
    says forking is unwelcome, the job is done here, at once; a process that
    ended without a result (killed, out of memory, the job raised) has its
    job done again here, when waited for, or with ``again=False`` (a job
    that must not be done twice) gives None.
    """

    def __init__(self, job: Callable[..., R], *args: object, again: bool = True):
        self.job, self.args, self.again = job, args, again
        self.process: multiprocessing.Process | None = None
        self.result: R | None = None
        if worker_count() < 2 or not can_fork():
            self.result = job(*args)
            return
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_in_background, args=(job, args, theirs, self.connection, os.getpid()), daemon=True)
        with interrupt_after_fork():
            self.process.start()
            theirs.close()

    def wait(self) -> R | None:
        if self.process is None:
            return self.result
        try:
            self.result = self.connection.recv()
        except (EOFError, OSError):
            self.result = self.job(*self.args) if self.again else None
        finally:
            self.connection.close()
            self.process.join()
            self.process = None
        return self.result


def _in_background(job: Callable, args: tuple, connection: Connection, parent_end: Connection, parent: int) -> None:
    parent_end.close()  # so that this process's death is an end of file for the parent
    _die_with_parent(parent)
    _quiet_on_interrupt()
    try:
        connection.send(job(*args))
    except Exception:  # done again by the parent (Background.wait)
        os._exit(1)


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """(start, stop) bounds of up to ``parts`` chunks of nearly equal size."""
    size = max(1, -(-count // parts))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


@contextmanager
def interrupt_after_fork() -> Iterator[None]:
    """Ctrl+C while a process is forked comes as a KeyboardInterrupt once the
    fork is done, not during it. After fork() Python runs its at-fork hooks
    in the parent, logging's release of its lock among them, and an
    exception raised in a hook is printed as "ignored": the interrupt was
    lost and logging's lock stayed held, so the build went on and hung at
    the first logger asked for after (Pagefind's import; tests/test_kill.py,
    a Ctrl+C just as a worker was forked). Only the main thread receives
    signals in Python, and only it may set their handlers; elsewhere nothing
    changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
        if caught:
            signal.raise_signal(signal.SIGINT)  # handled now, as it would have been


def _quiet_on_interrupt() -> None:
    """Ctrl+C in a terminal reaches every process of the group: a worker then
    ends at once, without the traceback a KeyboardInterrupt would print; the
    parent, interrupted too, stops the build and says so in one line."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _die_with_parent(parent: int) -> None:
    """End this worker as soon as ``parent`` dies.

    Linux kills it on the parent's death when asked (``PR_SET_PDEATHSIG``).
    The parent may have died between the fork and the request, which would
    then never fire: the parent is still ours if ``getppid`` is still it
    (an orphan is re-parented to init or a subreaper). Where the request does
    not exist, a thread of the worker looks for its parent five times a second.
    """
    if not _ask_to_be_killed_with_parent():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _ask_to_be_killed_with_parent() -> bool:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)``; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
