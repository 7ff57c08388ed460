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

The staging folder is, when it can be, the site the last build replaced:
the spare. At the swap that site is moved aside into a ``.spare-`` sibling
(``keep_spare``); most of its files are the live site's too (hard links of
the kept ones), and the build cache records where it differs from the live
site (``manifest.Spare``: the files the last build changed, a handful after
one change). The next build renames it to its staging name (``spare.py``) and brings it up
to date with only the paths that differ: those the last build changed are
linked from the live site again, those this build changes are written, and
at the commit the files the new site no longer has are removed, with the
folders that leaves empty. Measured at 10,000 articles (24,689 files in
13,686 folders, one article changed, 46 outputs rendered; py-spy on 2
shared cores): a fresh staging folder cost a stat, a link and often a
makedirs per file, 3.8 s of a render worker, and removing the site the last
build had set aside (unlinking it all) 8.0 s of a background process; the
spare costs a stat per kept file (0.16 s), the folders' stamp (45 ms when
recorded, as much when checked) and nothing to remove. The build
(``build --no-search``, 3 runs each, user+sys of the process tree) took
11.2-13.4 s of CPU and 9.8-11.9 s wall before, and takes 8.9-10.0 s of CPU
and 8.2-10.2 s wall (load 3-7 from other work: wall times are noisy); the
system time alone went from 3.5-4.3 s to 1.5-1.6 s.

What makes that safe:

- a file of the spare may be a hard link to the live file, so nothing is
  ever written into a file there: ``put`` removes the name and writes a new
  file, ``keep`` of a path the spare may have differently links it anew;
- the spare is renamed to a staging name before it is touched, so a build
  killed while updating it leaves a staging folder, which the next build
  removes (``remove_leftovers``), and the record the cache still holds names
  a spare that is no longer there: that build starts from a new folder;
- the spare is used only if it is the one the cache describes: its marker
  file (inode and mtime) is the one recorded, and no file was added to or
  removed from any of its folders since it was put in place as the live
  site (their modification times, ``manifest.folder_stamp``); a file of it
  changed in place is found when kept (size and mtime, as a live file
  changed by hand always was), and is then linked or written anew. A spare
  that is not as recorded, or has no record (a build without the cache, a
  cache of an older version), is moved aside to be removed, and the build
  starts from a new folder, as every build did before;
- the failed build's ``abandon`` removes the staging folder, spare or not:
  the next build then starts from a new folder.

A replaced site that will not be reused (no record of it can be kept: a
build without the cache, or a live folder that is not the one the cache
describes) is moved aside into a ``.previous-`` sibling instead, and the next
build removes it in a process of its own while it loads its content
(:func:`discard_previous`): unlinking 24,689 files took 1.2 s of a 15.5 s
build on a quiet machine.

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
from pathlib import Path
from stat import S_ISREG
from typing import Collection, Mapping, Protocol

from ..core.failures import SystemFailure, os_failure
from ..core.layout import MARKER, MARKER_TEXT, PARTIAL_SUFFIX, PREVIOUS_PREFIX, RETIRED_PREFIX, STAGING_PREFIX
from .cache import digest
from .manifest import Spare, Written
from .spare import clear, clear_files_above, remove_files, spare_folder, spare_is_as_recorded
from .streamed import Chunks, copy_start, live_file, write_unless_same
from .workers import Background

__all__ = ["MARKER_TEXT", "Sink", "StagedSite", "Written", "discard_previous"]


class Sink(Protocol):
    """Where the pipeline makes the next version of a site: the staged folder
    below, or memory (``memorysite.MemorySite``)."""

    previous: Mapping[str, Written]  # the previous version's manifest
    parallel: bool  # whether worker processes may put into it

    def keep(self, rel_path: str) -> Written | None: ...
    def put(self, rel_path: str, data: bytes, data_digest: str | None = None) -> tuple[Written, bool]: ...
    def put_stream(self, rel_path: str, chunks: "Chunks") -> tuple[Written, bool]: ...
    def read(self, rel_path: str) -> bytes: ...
    def commit(self, paths: Collection[str] | None = None) -> None: ...
    def abandon(self) -> None: ...


class StagedSite:
    """The next version of the output folder, built beside it and swapped in.

    ``previous`` is the manifest of the live folder (from the build cache):
    path → :class:`Written`. Files are put one at a time, possibly from
    several worker processes (each put touches only its own path). The
    in-memory sink of ``serve`` (``memorysite.MemorySite``) has the same interface.

    With ``keep_spare`` the site replaced at the swap is kept as the spare
    folder, and ``spare`` (its record, which the caller keeps) lets the next
    build start from it: the staging folder is then the spare, brought up to
    date, rather than a new folder (:attr:`reused`).
    """

    parallel = True  # workers may put into it: each file is written by whoever renders it

    def __init__(self, out_dir: Path, previous: dict[str, Written] | None = None,
                 spare: Spare | None = None, keep_spare: bool = False):
        """Begin the next version of ``out_dir``. Builds into one folder take
        turns (``lock.output_lock``): the staging folders left beside it then
        are dead builds', and are removed here."""
        self.out_dir = out_dir.resolve()
        refuse_mount_point(self.out_dir)
        self.previous = previous or {}
        self.staging = sibling(self.out_dir, STAGING_PREFIX)
        self.keep_spare = keep_spare
        self.spare_kept = False  # set by commit: the replaced site is the spare now
        # Paths as text, joined by hand: keep() runs once for each of the 24,689
        # files of the 10,000-article site, and pathlib's joins and parents
        # took more of it than the stat and the link (py-spy).
        self._live_prefix = f"{self.out_dir}{os.sep}"
        self._staging_prefix = f"{self.staging}{os.sep}"
        self._made_dirs: set[str] = set()
        # Reusing the spare: the paths whose file in it is not the live one, and every file it has.
        self._untrusted: frozenset[str] = frozenset()
        self._spare_paths: set[str] = set()
        self._discarding: Background | None = None
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.out_dir)
            self.reused = self._take_spare(spare)
            if not self.reused:
                self.staging.mkdir()
            (self.staging / MARKER).unlink(missing_ok=True)  # the spare's: a new marker for a new site
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
        except OSError as problem:
            self.abandon()
            raise self.failure(problem) from None

    def _take_spare(self, record: Spare | None) -> bool:
        """Make the spare folder the staging folder, if it is still the one
        ``record`` describes; else set it aside to be removed. Renamed first,
        so that a build killed while updating it leaves a staging folder,
        which the next build removes, never a spare half brought up to date."""
        spare = spare_folder(self.out_dir)
        if not spare.exists():
            return False
        if record is not None and spare_is_as_recorded(spare, record, self.previous):
            os.rename(spare, self.staging)
            self._untrusted = frozenset(record.differs)
            self._spare_paths = record.paths(self.previous)
            return True
        discarded = sibling(self.out_dir, PREVIOUS_PREFIX)
        os.rename(spare, discarded)
        self._discarding = Background(remove_folders, [discarded])
        return False

    def failure(self, problem: OSError, path: Path | None = None) -> SystemFailure:
        """A failed write as one line, naming ``path`` if the error does not
        (a write that finds the disk full names no file); the live site is as it was."""
        if problem.filename is None and path is not None:
            problem = OSError(problem.errno, problem.strerror, str(path))
        return os_failure(problem, "cannot write", f"; the site in {self.out_dir} was left as it was")

    def put(self, rel_path: str, data: bytes, data_digest: str | None = None) -> tuple[Written, bool]:
        """Stage one file; returns its manifest entry and whether it was
        (re)written. ``data_digest``: the digest of ``data``, if the caller has it."""
        data_digest = data_digest or digest(data)
        old = self.previous.get(rel_path)
        if old is not None and old.digest == data_digest and (
                self._in_place(rel_path, old) or self._link_live(rel_path, old)):
            return old, False
        target = self._staging_prefix + rel_path
        try:
            self._make_parent(target)
            # A path kept earlier in this build, or a file of the reused spare,
            # may be a hard link to the live file: writing through it would
            # change the live site before the swap (a build killed then would
            # leave a mixed site). A new file instead.
            clear(target)
            Path(target).write_bytes(data)
            stat = os.stat(target)
        except OSError as problem:
            raise self.failure(problem, Path(target)) from None
        return Written(data_digest, stat.st_size, stat.st_mtime_ns), True

    def put_stream(self, rel_path: str, chunks: Chunks) -> tuple[Written, bool]:
        """Stage one file from its bytes as they are made, never held whole
        (a data file made of pieces: 680 MB at 100,000 articles); as
        :meth:`put`, a file with the live one's bytes is linked, not written
        (``streamed.write_unless_same``: compared as they come, written from
        the first that differs, under a name of their own until whole)."""
        target = self._staging_prefix + rel_path
        partial = target + PARTIAL_SUFFIX
        old = self.previous.get(rel_path)
        try:
            self._make_parent(target)
            clear(partial)
            with live_file(self._live_prefix + rel_path, old if chunks.compare else None) as live:
                same = write_unless_same(chunks, live, partial)
                if same and old is not None and old.digest == chunks.digest and (
                        self._in_place(rel_path, old) or self._link_live(rel_path, old)):
                    return old, False
                if same:  # the live file's bytes, but it cannot be linked: copied
                    copy_start(live, partial, None, chunks.digest)
            clear(target)  # as in put: never written through, it may be a link to the live file
            os.rename(partial, target)
            stat = os.stat(target)
        except OSError as problem:
            raise self.failure(problem, Path(target)) from None
        return Written(chunks.digest, stat.st_size, stat.st_mtime_ns), True

    def keep(self, rel_path: str) -> Written | None:
        """Stage the live file unchanged, without its bytes; None if it is not there as recorded."""
        old = self.previous.get(rel_path)
        if old is not None and (self._in_place(rel_path, old) or self._link_live(rel_path, old)):
            return old
        return None

    def _in_place(self, rel_path: str, old: Written) -> bool:
        """Whether the reused spare already has the live file (the same file,
        as its size and modification time say): nothing to do then."""
        if not self.reused or rel_path in self._untrusted:
            return False
        try:
            found = os.lstat(self._staging_prefix + rel_path)
        except OSError:
            return False
        return S_ISREG(found.st_mode) and (found.st_size, found.st_mtime_ns) == (old.size, old.mtime_ns)

    def _link_live(self, rel_path: str, old: Written) -> bool:
        live = self._live_prefix + rel_path
        try:
            stat = os.stat(live)
            if (stat.st_size, stat.st_mtime_ns) != (old.size, old.mtime_ns):
                return False  # changed by hand since: write it anew
            target = self._staging_prefix + rel_path
            self._make_parent(target)
            if self.reused:
                clear(target)
            os.link(live, target)
        except OSError:
            return False
        return True

    def _make_parent(self, target: str) -> None:
        parent = os.path.dirname(target)
        if parent not in self._made_dirs:
            if self.reused:
                clear_files_above(parent, self.staging)
            os.makedirs(parent, exist_ok=True)
            self._made_dirs.add(parent)

    def read(self, rel_path: str) -> bytes:
        try:
            return (self.staging / rel_path).read_bytes()
        except OSError as problem:
            raise os_failure(problem, "cannot read back") from None

    def commit(self, paths: Collection[str] | None = None) -> None:
        """Swap the staged site in. ``paths``: the new site's files, which a
        reused spare needs, to remove those of its files that are not among them."""
        try:
            if self.reused:
                if paths is None:
                    raise ValueError("a staging folder made from the spare needs the new site's paths to commit")
                remove_files(self.staging, self._spare_paths.difference(paths))
            if self._discarding is not None:
                self._discarding.wait()  # its folder has the name set_aside may give the replaced site
            self.spare_kept = swap_into_place(self.staging, self.out_dir, keep_spare=self.keep_spare)
        except OSError as problem:
            raise self.failure(problem) from None

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._discarding is not None:
            self._discarding.wait()


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


def swap_into_place(staging: Path, out_dir: Path, keep_spare: bool = False) -> bool:
    """The staged site in place of ``out_dir``; the previous one moved aside
    into a ``.previous-`` sibling, for the next build to remove, or with
    ``keep_spare`` into the spare folder, for the next build to reuse.
    Whether it is the spare now."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return False
    if exchange(staging, out_dir):
        return set_aside(staging, out_dir, keep_spare)  # it holds the previous site now
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
    return set_aside(retired, out_dir, keep_spare)


def set_aside(old_site: Path, out_dir: Path, keep_spare: bool = False) -> bool:
    """Name the replaced site as the spare (``keep_spare``), or else for
    :func:`discard_previous`; whether it is the spare. Should both fail, it
    stays a killed build's leftover, which the next build removes."""
    if keep_spare:
        try:
            os.rename(old_site, spare_folder(out_dir))  # the spare was taken or discarded: the name is free
            return True
        except OSError:
            pass
    try:
        os.rename(old_site, sibling(out_dir, PREVIOUS_PREFIX))
    except OSError:
        pass
    return False


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
