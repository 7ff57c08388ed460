"""Stage 6, write: finished pages → the output folder, atomically.

The new site is written into a hidden sibling folder and then swapped with
the old one in a single ``renameat2(RENAME_EXCHANGE)`` call where the OS has
it (Linux), so a reader or a killed build never sees a half-written site.
Elsewhere two renames are used, which leaves a moment without the folder but
never a mixed one.

Compare before writing: an output whose bytes are those of the live site's
file is not written again but hard-linked into the staging folder, so after
the swap it is the very same file (same inode, same modification time).
Deployment tools that sync by mtime, and readers' caches, see only what
really changed; and an unchanged page need not even be rendered (``keep``).

The previous site is not removed by the build that replaces it: that took
1.2 s of a 15.5 s build after one change at 10,000 articles (unlinking
24,689 files; py-spy). It is moved aside, into a ``.previous-`` sibling,
and the next build removes it in a process of its own while it loads its
content (:func:`discard_previous`). Most of its files are the live site's
too (hard links of the kept ones), so between builds it costs the disk only
the files the last build changed, and the folders.

The machine's own failures (a full disk, a read-only or forbidden folder)
are raised as :class:`SystemFailure`, one line naming the path, wherever a
write fails, in a worker too: it crosses back to the build as itself. The
build then removes its staging folder, and the live site was never touched.
An output folder that is a mount point is refused before anything is
written: it cannot be swapped, only written into.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Protocol

from ..core.failures import SystemFailure, os_failure
from ..core.layout import MARKER, PREVIOUS_PREFIX, RETIRED_PREFIX, STAGING_PREFIX
from .cache import digest
from .workers import Background

MARKER_TEXT = b"Built by factcheck. The whole folder is replaced by each build.\n"


@dataclass(frozen=True)
class Written:
    """What the manifest knows of an output file: its digest, and the size and
    modification time it had when written, to tell whether it is still that file."""

    digest: str
    size: int
    mtime_ns: int

    def to_json(self) -> list:
        return [self.digest, self.size, self.mtime_ns]

    @classmethod
    def from_json(cls, value: list) -> "Written":
        return cls(str(value[0]), int(value[1]), int(value[2]))


class Sink(Protocol):
    """Where the pipeline makes the next version of a site: the staged folder
    below, or memory (``memorysite.MemorySite``)."""

    previous: Mapping[str, Written]  # the previous version's manifest
    parallel: bool  # whether worker processes may put into it

    def keep(self, rel_path: str) -> Written | None: ...
    def put(self, rel_path: str, data: bytes) -> tuple[Written, bool]: ...
    def read(self, rel_path: str) -> bytes: ...
    def commit(self) -> None: ...
    def abandon(self) -> None: ...


class StagedSite:
    """The next version of the output folder, built beside it and swapped in.

    ``previous`` is the manifest of the live folder (from the build cache):
    path → :class:`Written`. Files are put one at a time, possibly from
    several worker processes (each put touches only its own path). The
    in-memory sink of ``serve`` (``memorysite.MemorySite``) has the same interface.
    """

    parallel = True  # workers may put into it: each file is written by whoever renders it

    def __init__(self, out_dir: Path, previous: dict[str, Written] | None = None):
        """Begin the next version of ``out_dir``. Builds into one folder take
        turns (``lock.output_lock``): the staging folders left beside it then
        are dead builds', and are removed here."""
        self.out_dir = out_dir.resolve()
        refuse_mount_point(self.out_dir)
        self.previous = previous or {}
        self.staging = sibling(self.out_dir, STAGING_PREFIX)
        # Paths as text, joined by hand: keep() runs once for each of the 24,689
        # files of the 10,000-article site, and pathlib's joins and parents
        # took more of it than the stat and the link (py-spy).
        self._live_prefix = f"{self.out_dir}{os.sep}"
        self._staging_prefix = f"{self.staging}{os.sep}"
        self._made_dirs: set[str] = set()
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.out_dir)
            self.staging.mkdir()
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
        except OSError as problem:
            self.abandon()
            raise self.failure(problem) from None

    def failure(self, problem: OSError, path: Path | None = None) -> SystemFailure:
        """A failed write as one line, naming ``path`` if the error does not
        (a write that finds the disk full names no file); the live site is as it was."""
        if problem.filename is None and path is not None:
            problem = OSError(problem.errno, problem.strerror, str(path))
        return os_failure(problem, "cannot write", f"; the site in {self.out_dir} was left as it was")

    def put(self, rel_path: str, data: bytes) -> tuple[Written, bool]:
        """Stage one file; returns its manifest entry and whether it was (re)written."""
        data_digest = digest(data)
        old = self.previous.get(rel_path)
        if old is not None and old.digest == data_digest and self._link_live(rel_path, old):
            return old, False
        target = self.staging / rel_path
        try:
            self._make_parent(str(target))
            # A path kept earlier in this build is a hard link to the live file:
            # writing through it would change the live site before the swap (a
            # build killed then would leave a mixed site). A new file instead.
            target.unlink(missing_ok=True)
            target.write_bytes(data)
            stat = target.stat()
        except OSError as problem:
            raise self.failure(problem, target) from None
        return Written(data_digest, stat.st_size, stat.st_mtime_ns), True

    def keep(self, rel_path: str) -> Written | None:
        """Stage the live file unchanged, without its bytes; None if it is not there as recorded."""
        old = self.previous.get(rel_path)
        if old is not None and self._link_live(rel_path, old):
            return old
        return None

    def _link_live(self, rel_path: str, old: Written) -> bool:
        live = self._live_prefix + rel_path
        try:
            stat = os.stat(live)
            if (stat.st_size, stat.st_mtime_ns) != (old.size, old.mtime_ns):
                return False  # changed by hand since: write it anew
            target = self._staging_prefix + rel_path
            self._make_parent(target)
            os.link(live, target)
        except OSError:
            return False
        return True

    def _make_parent(self, target: str) -> None:
        parent = os.path.dirname(target)
        if parent not in self._made_dirs:
            os.makedirs(parent, exist_ok=True)
            self._made_dirs.add(parent)

    def read(self, rel_path: str) -> bytes:
        try:
            return (self.staging / rel_path).read_bytes()
        except OSError as problem:
            raise os_failure(problem, "cannot read back") from None

    def commit(self) -> None:
        try:
            swap_into_place(self.staging, self.out_dir)
        except OSError as problem:
            raise self.failure(problem) from None

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def sibling(out_dir: Path, prefix: str) -> Path:
    return out_dir.parent / f"{prefix}{out_dir.name}-{os.getpid()}"


def siblings_named(out_dir: Path, prefix: str) -> list[Path]:
    """The folders :func:`sibling` names with ``prefix`` for ``out_dir``, of any process
    (not those of another output folder whose name starts the same: public-old)."""
    start = f"{prefix}{out_dir.name}-"
    return [path for path in out_dir.parent.glob(f"{start}*") if path.name[len(start):].isdigit()]


def remove_leftovers(out_dir: Path) -> None:
    """Delete staging folders of builds that were killed before they finished."""
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in siblings_named(out_dir, prefix):
            shutil.rmtree(leftover, ignore_errors=True)


def discard_previous(out_dir: Path) -> Background:
    """Remove, in the background, the sites that earlier builds into
    ``out_dir`` replaced (``.previous-`` siblings); :meth:`Background.wait`
    for it to finish.

    Nothing reads them, so they may go at any time, without the build lock:
    a build started now removes them while it loads its content, before it
    may take the lock. Killed half-way, what is left goes with the next build.
    """
    return Background(remove_folders, siblings_named(out_dir, PREVIOUS_PREFIX))


def remove_folders(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def refuse_mount_point(out_dir: Path) -> None:
    """A mount point cannot be renamed, so a build cannot swap it for a new folder."""
    if os.path.ismount(out_dir):
        raise SystemFailure(
            f"cannot replace {out_dir}: it is a mount point, and a build swaps in a whole new folder, "
            f"which a mount point cannot be; build into a folder inside it (--out {out_dir / 'site'}) "
            f"or elsewhere and copy that in (rsync -a --delete OTHER/ {out_dir}/)"
        )


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """The staged site in place of ``out_dir``; the previous one moved aside
    into a ``.previous-`` sibling, for the next build to remove."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if exchange(staging, out_dir):
        set_aside(staging, out_dir)  # it holds the previous site now
        return
    # Two renames. The previous site waits under a name that only a build
    # holding the lock removes (a killed build's leftover), not under the
    # .previous- one that builds remove without it: it may be put back.
    retired = sibling(out_dir, RETIRED_PREFIX)
    os.rename(out_dir, retired)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(retired, out_dir)  # the previous site back in place
        raise
    set_aside(retired, out_dir)


def set_aside(old_site: Path, out_dir: Path) -> None:
    """Name the replaced site for :func:`discard_previous`. Should that fail,
    it stays a killed build's leftover, which the next build removes."""
    try:
        os.rename(old_site, sibling(out_dir, PREVIOUS_PREFIX))
    except OSError:
        pass


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the OS offers no way to."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
