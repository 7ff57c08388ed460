"""workers.parallel_map: results in order, from several processes when it pays;
workers that end with their parent, and a failure in a worker that ends the map."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

import pytest

from generator.engine import workers
from sitekit import REPO


@pytest.fixture
def two_workers(monkeypatch):
    """Two forked workers, wherever the platform can fork."""
    if not workers.can_fork():
        pytest.skip("no fork on this platform")
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")


def pids_and_squares(chunk):
    return [(os.getpid(), n * n) for n in chunk]


def slow_pids_and_squares(chunk):
    # Slow enough that one worker cannot take every chunk before the other has
    # started, as a trivial job often did on a busy machine.
    time.sleep(0.01)
    return pids_and_squares(chunk)


def test_results_come_back_in_order_from_more_than_one_process(two_workers):
    items = list(range(500))
    results = workers.parallel_map(slow_pids_and_squares, items)
    assert [square for _, square in results] == [n * n for n in items]
    assert len({pid for pid, _ in results}) >= 2
    assert os.getpid() not in {pid for pid, _ in results}


KEPT = []  # what a worker keeps of each chunk: its own memory grows


def growing_pids_and_squares(chunk):
    KEPT.append(os.urandom(8 << 20))  # 8 MB of the worker's own, kept (random: no page is shared)
    return slow_pids_and_squares(chunk)


def test_a_worker_that_outgrows_its_share_of_memory_is_replaced_by_a_fresh_one(two_workers, monkeypatch):
    if workers.own_memory(os.getpid()) is None:
        pytest.skip("no /proc/<pid>/smaps_rollup here")
    monkeypatch.setattr(workers, "MIN_WORKER_BYTES", 12 << 20)
    monkeypatch.setattr(workers, "WORKER_SHARE", 1 << 20)
    items = list(range(500))
    results = workers.parallel_map(growing_pids_and_squares, items)
    assert [square for _, square in results] == [n * n for n in items]
    assert len({pid for pid, _ in results}) > 2  # more workers than the two at a time


def test_workers_within_their_share_of_memory_are_kept(two_workers):
    results = workers.parallel_map(slow_pids_and_squares, list(range(500)))
    assert len({pid for pid, _ in results}) == 2


def chunk_sizes(chunk):
    return [(len(chunk), n) for n in chunk]


def test_the_slow_items_named_first_are_chunks_of_their_own(two_workers):
    # The site-wide pages of a build after one change (the data files,
    # /compare/'s first page) are a few slow items first: in chunks of ten
    # they all went to one worker while the other had little to do.
    items = list(range(200))
    results = workers.parallel_map(chunk_sizes, items, alone=6)
    assert [n for _, n in results] == items
    assert [size for size, _ in results[:6]] == [1] * 6
    assert max(size for size, _ in results[6:]) > 1  # the rest split evenly, as before


def test_small_jobs_and_one_worker_stay_in_this_process(monkeypatch):
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    assert {pid for pid, _ in workers.parallel_map(pids_and_squares, list(range(10)))} == {os.getpid()}
    monkeypatch.setenv("FACTCHECK_WORKERS", "1")
    assert {pid for pid, _ in workers.parallel_map(pids_and_squares, list(range(500)))} == {os.getpid()}


def test_progress_is_reported_until_everything_is_done(monkeypatch):
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    seen = []
    workers.parallel_map(pids_and_squares, list(range(300)), lambda done, total: seen.append((done, total)))
    assert seen[-1] == (300, 300)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_split_covers_every_item_once():
    for count in (0, 1, 7, 100, 101):
        bounds = workers.split(count, 16)
        covered = [i for start, stop in bounds for i in range(start, stop)]
        assert covered == list(range(count))


# --- workers die with their parent ------------------------------------------------------------------------

# A parent that maps a slow job over workers and prints each worker's pid as it starts.
SLOW_PARENT = """
import os, sys, time
from generator.engine import workers
if sys.argv[1] == "no-prctl":
    workers._ask_to_be_killed_with_parent = lambda: False  # as where prctl does not exist
def slow(chunk):
    os.write(1, b"%d\\n" % os.getpid())  # one write: lines from two workers do not mix
    time.sleep(120)
    return chunk
workers.parallel_map(slow, list(range(200)))
"""


def is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


@pytest.mark.parametrize("how", ["prctl", "no-prctl"])
def test_workers_end_when_their_parent_is_killed(how):
    if not workers.can_fork() or not os.path.isdir("/proc"):
        pytest.skip("needs fork and /proc")
    env = {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_WORKERS": "2"}
    parent = subprocess.Popen([sys.executable, "-c", SLOW_PARENT, how], env=env, stdout=subprocess.PIPE, text=True)
    pids = []
    try:
        pids = [int(parent.stdout.readline()), int(parent.stdout.readline())]
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 3.0  # the fallback looks every PARENT_CHECK_SECONDS; slack for a busy machine
    while time.monotonic() < deadline and any(is_running(pid) for pid in pids):
        time.sleep(0.02)
    survivors = [pid for pid in pids if is_running(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"workers {survivors} outlived their parent"


def test_a_worker_whose_parent_died_before_it_asked_exits():
    if not workers.can_fork():
        pytest.skip("no fork on this platform")
    child = os.fork()
    if child == 0:  # the worker, told that its parent was another process, which has since died
        try:
            workers._die_with_parent(os.getppid() + 1_000_000)
        finally:
            os._exit(0)  # reached only if it did not exit as it should
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 1


def fail_on_the_first_chunk(chunk):
    if 0 in chunk:
        raise OSError(errno.ENOSPC, "No space left on device", "/full/disk/page.html")
    time.sleep(0.5)
    return chunk


def test_a_failing_chunk_raises_its_own_error_at_once(two_workers):
    # A worker's OSError (a full disk) arrives as itself, and the chunks not yet
    # started are not run: 16 chunks of half a second on two workers would take 4 s.
    started = time.monotonic()
    with pytest.raises(OSError) as raised:
        workers.parallel_map(fail_on_the_first_chunk, list(range(200)))
    assert (raised.value.errno, raised.value.filename) == (errno.ENOSPC, "/full/disk/page.html")
    assert time.monotonic() - started < 3.0


# A parent whose worker is killed in the middle of sending its results back.
# The result pickles a big block first, then an object whose pickling sets a
# timer that kills the worker 30 ms later: by then the worker is writing the
# 200 MB to its pipe, which the parent reads as it comes.
KILLED_WHILE_SENDING = """
import os, signal, sys, threading
from generator.engine import workers

class KillSoon:
    def __reduce__(self):
        if os.getpid() != PARENT:
            threading.Timer(0.03, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return (KillSoon, ())

def big(chunk):
    return [(bytes(200 << 20), KillSoon())] if 0 in chunk else chunk

PARENT = os.getpid()
try:
    workers.parallel_map(big, list(range(100)))
except workers.WorkerLost as lost:
    print("lost:", lost)
"""


def test_a_worker_killed_while_sending_its_results_ends_the_map():
    # serve kills the workers of a rebuild when it stops. With the standard
    # library's process pool, a worker killed in the middle of sending left
    # half a message in a pipe the parent waited on for ever (a stop that
    # hung once in a few runs, and the process with it).
    if not workers.can_fork():
        pytest.skip("no fork on this platform")
    env = {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_WORKERS": "2"}
    try:
        result = subprocess.run([sys.executable, "-c", KILLED_WHILE_SENDING], env=env, capture_output=True,
                                text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("parallel_map waited for ever for the rest of a dead worker's message")
    assert result.stdout.startswith("lost: a worker process ended"), result.stdout + result.stderr


def interrupted_on_the_first_chunk(chunk):
    if 0 in chunk:
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl+C reaches a worker: it ends at once, quietly
        time.sleep(5)
    return chunk


def test_a_worker_ended_by_ctrl_c_is_an_interrupt_not_a_lost_worker(two_workers):
    # Ctrl+C reaches the build and its workers; a worker may end before the
    # build takes its own KeyboardInterrupt. Then the map is interrupted too
    # (the command says "interrupted"), not failed with a lost worker.
    with pytest.raises(KeyboardInterrupt):
        workers.parallel_map(interrupted_on_the_first_chunk, list(range(200)))


def test_ctrl_c_while_a_process_is_forked_is_not_lost(two_workers):
    """A SIGINT that arrives while the fork's hooks run in the parent (logging
    releases its lock in one) comes as a KeyboardInterrupt once the fork is
    done. Raised in the hook, Python printed it as "ignored", the build went
    on, and logging's lock stayed held: it hung at its next logger."""
    armed: list[bool] = []

    def interrupted_in_the_hook() -> None:
        if armed:
            armed.clear()
            os.kill(os.getpid(), signal.SIGINT)

    os.register_at_fork(after_in_parent=interrupted_in_the_hook)  # for this process's life: armed once
    # Ctrl+C as Python handles it by default: a suite started as a background
    # job of a script inherits SIGINT ignored (a POSIX shell ignores it in its
    # asynchronous commands), and then no Ctrl+C is ever raised.
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for start in (lambda: workers.Background(sum, [1, 2]), lambda: workers.Pool(1, sum, [[1]])):
            armed.append(True)
            with pytest.raises(KeyboardInterrupt):
                start()
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, inherited)
