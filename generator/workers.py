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
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 64
CHUNKS_PER_WORKER = 8  # enough chunks that a slow one does not leave a core idle at the end
PARENT_CHECK_SECONDS = 0.2  # how often a worker without PR_SET_PDEATHSIG looks for its parent
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# The job and its items, set just before the pool forks. A worker reads them
# from the memory it inherited; only chunk bounds and results are pickled.
_inherited: tuple[Callable, Sequence] | None = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a build works.

    A build makes millions of small objects that live until it ends (the
    checked files, the graph, the analysis) and little cyclic garbage. Each
    collection of the oldest generation walks every live object, and at
    10,000 articles those walks cost more than the work: analysis took 6.6 s
    with the collector on and 1.9 s with it off, reading the checked files
    from the cache 3.7 s and 1.8 s, with the same peak memory. Workers turn
    it back on for themselves (their own garbage is theirs to collect).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    on_progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``job`` applied to consecutive chunks of ``items``; the results, in order.

    ``job`` takes a list of items and returns a list of results, one per
    item. It may be a closure over anything: forked workers inherit it.
    ``on_progress(done, total)`` is called here as chunks finish.
    """
    workers = worker_count()
    if workers < 2 or len(items) < MIN_PARALLEL or not can_fork():
        results = job(items)
        if on_progress:
            on_progress(len(items), len(items))
        return results
    global _inherited
    _inherited = (job, items)
    # Objects that exist before the fork are never collected in the workers,
    # so the collector does not touch (and copy) every page of the parent.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        # The workers are forked here, by the thread that calls parallel_map
        # (with fork, ProcessPoolExecutor starts them all at the first submit,
        # in the caller's thread). PR_SET_PDEATHSIG fires when that *thread*
        # ends, not the process, which matters for `serve`, whose rebuilds run
        # in a thread of their own. It is harmless: the caller cannot leave
        # this `with` block before the pool has shut down and joined every
        # worker, so while a worker lives the thread that forked it does too,
        # and only the death of the whole process can send the signal.
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            chunks = {pool.submit(_run_inherited, bounds): bounds for bounds in split(len(items), workers * CHUNKS_PER_WORKER)}
            try:
                results = _gather(chunks, len(items), on_progress)
            except BaseException:
                # A chunk failed (a full disk, a bug): the chunks not started yet
                # would fail the same way or be thrown away; do not wait for them.
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _inherited = None
        gc.unfreeze()
    return [result for chunk in results for result in chunk]


def _gather(chunks: dict, total: int, on_progress: Callable[[int, int], None] | None) -> list[list]:
    """The chunks' results in the order of their items, as they finish; the
    first chunk that raised raises here, as the same exception (pickled back)."""
    done, by_start = 0, {}
    for future in as_completed(chunks):
        start, stop = chunks[future]
        by_start[start] = future.result()
        done += stop - start
        if on_progress:
            on_progress(done, total)
    return [by_start[start] for start in sorted(by_start)]


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """(start, stop) bounds of up to ``parts`` chunks of nearly equal size."""
    size = max(1, -(-count // parts))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _run_inherited(bounds: tuple[int, int]) -> list:
    gc.enable()  # the parent's objects are frozen: collections here walk only the worker's own
    job, items = _inherited
    start, stop = bounds
    return job(items[start:stop])


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end this worker as soon as ``parent`` dies.

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
