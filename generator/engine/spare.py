"""The spare folder on disk: the site the last build replaced, which the
next build makes its staging folder (``write.StagedSite``, whose docstring
tells the design): where it is, whether it is still the one the build
cache describes, and removing what it has that the new site has not, only
ever by removing names, never by writing into a file (a file of the spare
may be a hard link to the live site's).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Collection, Mapping

from ..core.layout import MARKER, MARKER_TEXT, SPARE_PREFIX
from .manifest import Spare, Written, folder_stamp


def spare_folder(out_dir: Path) -> Path:
    """Where the site the last build replaced waits to be reused (one per output folder)."""
    return out_dir.parent / f"{SPARE_PREFIX}{out_dir.name}"


def spare_is_as_recorded(spare: Path, record: Spare, live: Mapping[str, Written]) -> bool:
    """Whether the spare folder is still the one ``record`` describes: its
    marker file, and no file added or removed in any of its folders since
    it was put in place (:func:`manifest.folder_stamp`). A file of it changed
    in place is found when it is kept (its size and modification time)."""
    if spare.is_symlink():
        return False  # a link to a folder elsewhere, which the build would write into
    try:
        stat = (spare / MARKER).stat()
    except OSError:
        return False
    if [stat.st_ino, stat.st_mtime_ns] != record.marker:
        return False
    return folder_stamp(str(spare), record.paths(live)) == record.stamp


def link_spare(out_dir: Path, paths: Collection[str]) -> Spare | None:
    """A spare made of hard links to the files of the site just put in place
    (``paths``), for a build that set none aside: the first into a folder, or
    one whose replaced site the cache could not describe. The build after it
    then starts from it as from any spare; without one, it linked every file
    into a fresh staging folder (at 10,000 articles, 24,689 files: 0.6-0.75 s
    of a 1.8 s build after one article's text changed), and this costs the
    same once, here. No byte is copied, and nothing is ever written into a
    file of a spare (see ``write.py``). None, and nothing left, if it cannot
    be made."""
    spare = spare_folder(out_dir)
    try:
        os.mkdir(spare)
    except OSError:  # one is there (not this build's to touch), or none can be made
        return None
    live, made = f"{out_dir}{os.sep}", {""}
    try:
        for path in sorted(paths):
            folder = path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(os.path.join(spare, folder), exist_ok=True)
                made.add(folder)
            os.link(live + path, os.path.join(spare, path))
        (spare / MARKER).write_bytes(MARKER_TEXT)  # its own, not the live site's
        marker = (spare / MARKER).stat()
        stamp = folder_stamp(str(spare), paths)
    except OSError:
        stamp = ""
    if not stamp:  # not made whole, or its folders cannot be stamped
        shutil.rmtree(spare, ignore_errors=True)
        return None
    return Spare([marker.st_ino, marker.st_mtime_ns], stamp, {})


def clear(path: str) -> None:
    """Remove whatever is at ``path`` (a file, a link, a folder of a site
    before), without writing into it: only names go, never a file's bytes."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):  # unlink() of a folder: EISDIR, or EPERM on Linux
        if not os.path.isdir(path) or os.path.islink(path):
            raise
        shutil.rmtree(path)


def clear_files_above(folder: str, top: Path) -> None:
    """Remove files where ``folder`` (under ``top``) needs folders: a page of
    the spare at a path that is now a folder of pages."""
    above = folder
    top_text = str(top)
    while len(above) > len(top_text):
        if os.path.lexists(above) and not os.path.isdir(above):
            try:
                os.unlink(above)
            except FileNotFoundError:  # the other worker, making a page in the same new folder, was first
                pass
            return
        above = os.path.dirname(above)


def remove_files(top: Path, paths: Collection[str]) -> None:
    """Remove ``paths`` under ``top``, and the folders that leaves empty."""
    prefix = f"{top}{os.sep}"
    for path in sorted(paths):
        try:
            os.unlink(prefix + path)
        except (FileNotFoundError, NotADirectoryError):  # gone, or where a file of this build is now
            continue
        except (IsADirectoryError, PermissionError):  # a folder of this build's files now: it stays
            if os.path.isdir(prefix + path):
                continue
            raise
        folder = path.rpartition("/")[0]
        while folder:
            try:
                os.rmdir(prefix + folder)
            except OSError:  # not empty, or gone already
                break
            folder = folder.rpartition("/")[0]
