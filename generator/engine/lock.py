"""One build at a time into an output folder: an exclusive lock beside it.

A build removes the staging folders that killed builds left beside its
output folder, writes its own, and swaps it in. Two builds into one folder
at once removed each other's staging folders while they were being written:
one crashed with ``FileNotFoundError``, ``public/index.html`` was missing for
a second, and once a build that said it succeeded left a ``public/`` without
``index.html`` or its mark, which every later build refused to replace.

So a build holds an exclusive lock on ``.factcheck-lock-<folder name>``, in
the output folder's parent, from before it removes the leftovers until the
new site is in place and recorded in the build cache. A second build into
the same folder waits for it (saying so), or with ``--no-wait`` stops at
once. Any staging folder found while holding the lock is a dead build's.

``flock`` locks are released by the kernel when their holder dies, however
it dies, so a killed build never leaves a stale lock: the file stays (as
Hugo leaves ``.hugo_build.lock``), holding the pid of the build that holds
it, or nothing. Forked workers share their build's lock and die with it
(``workers.py``). Where there is no ``fcntl`` (Windows), builds are not
locked.
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..core.failures import SystemFailure, os_failure
from ..core.layout import LOCK_PREFIX

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

def lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f"{LOCK_PREFIX}{out_dir.name}"


@contextmanager
def output_lock(out_dir: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``out_dir`` for the ``with`` block.

    When another build holds it: with ``wait``, say so through ``on_wait``
    (one line) and wait for it; without, raise :class:`SystemFailure`.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = open_lock_file(lock_path(out_dir))
    try:
        if not try_lock(handle):
            holder = describe_holder(handle)
            if not wait:
                raise SystemFailure(
                    f"{holder} is writing into {out_dir}; run this build again when it has finished, "
                    "or without --no-wait to wait for it"
                )
            if on_wait:
                on_wait(f"Waiting for {holder} to finish writing into {out_dir}...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        record_holder(handle, os.getpid())
        try:
            yield
        finally:
            record_holder(handle, None)
    finally:
        os.close(handle)  # releases the lock


def open_lock_file(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as problem:
        raise os_failure(problem, "cannot create the build's lock file") from None


# flock's answers where a file system cannot lock at all (some network mounts).
CANNOT_LOCK = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


def try_lock(handle: int) -> bool:
    """Take the lock if it is free; False if another process holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as problem:
        if problem.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        if problem.errno in CANNOT_LOCK:
            return True  # build unlocked, as before there was a lock, rather than not at all
        raise os_failure(problem, "cannot lock the build's lock file") from None
    return True


def describe_holder(handle: int) -> str:
    """"another build (pid N)", as far as the lock file says."""
    try:
        pid = os.pread(handle, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"another build (pid {pid})" if pid.isdigit() else "another build"


def record_holder(handle: int, pid: int | None) -> None:
    """Write (or clear) the holder's pid; only for the message of a build that waits."""
    try:
        os.ftruncate(handle, 0)
        if pid is not None:
            os.pwrite(handle, f"{pid}\n".encode("ascii"), 0)
    except OSError:
        pass  # a full disk: the lock holds all the same
