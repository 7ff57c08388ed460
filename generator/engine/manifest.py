"""What the build cache knows of an output folder's files, and of its spare.

The manifest of a site is path → :class:`Written` for each of its files.
The spare is the site the last build replaced (``write.py``): its record,
:class:`Spare`, says how it differs from the live site's manifest, and how
to tell that it is still the folder the build left (its marker file and
the modification times of its folders, :func:`folder_stamp`).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

from .cache import digest


class Written(NamedTuple):
    """What the manifest knows of an output file: its digest, and the size and
    modification time it had when written, to tell whether it is still that file.

    A named tuple rather than a frozen dataclass: every build after the first
    reads one per output file from the cache (39,000 at 10,000 articles), and
    makes a tuple four times faster; it is as immutable."""

    digest: str
    size: int
    mtime_ns: int

    def to_json(self) -> list:
        return list(self)

    @classmethod
    def from_json(cls, value: object) -> "Written":
        """The entry the cache has; ValueError if it is not ``[str, int, int]``."""
        if type(value) is list and len(value) == 3 and type(value[0]) is str and type(value[1]) is int \
                and type(value[2]) is int:
            return cls._make(value)
        raise ValueError(f"not a manifest entry: {value!r:.80}")


@dataclass(frozen=True)
class Spare:
    """The record of the spare folder, kept with the live site's manifest.

    ``differs``: the paths where the spare is not the live site, with the
    spare's entry (None: the spare has no such file). Every other file of
    the live manifest is in the spare as the same file (a hard link), so
    after one change this holds a handful of paths.
    ``marker``: [inode, mtime_ns] of its marker file; ``stamp``: its
    :func:`folder_stamp`, both taken when it was put in place as the live site.
    """

    marker: list
    stamp: str
    differs: Mapping[str, Written | None] = field(default_factory=dict)

    def paths(self, live: Mapping[str, Written]) -> set[str]:
        """The spare's files, given the live site's manifest."""
        paths = set(live)
        for path, entry in self.differs.items():
            if entry is None:
                paths.discard(path)
            else:
                paths.add(path)
        return paths

    def to_json(self) -> dict:
        return {"marker": self.marker, "stamp": self.stamp,
                "differs": {path: None if entry is None else entry.to_json()
                            for path, entry in sorted(self.differs.items())}}

    @classmethod
    def from_json(cls, value: object) -> "Spare | None":
        """The record; None if there is none or it is not one this version wrote."""
        try:
            marker, stamp = list(value["marker"]), str(value["stamp"])  # type: ignore[index]
            differs = {str(path): None if entry is None else Written.from_json(entry)
                       for path, entry in value["differs"].items()}  # type: ignore[index]
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        if not all(map(is_output_path, differs)):
            return None
        return cls(marker, stamp, differs) if len(marker) == 2 and stamp else None


def differences(old: Mapping[str, Written], new: Mapping[str, Written]) -> dict[str, Written | None]:
    """The paths where ``old`` is not ``new``, with ``old``'s entry (None: it had none)."""
    changed: dict[str, Written | None] = {path: entry for path, entry in old.items() if new.get(path) != entry}
    changed.update((path, None) for path in new.keys() - old.keys())
    return changed


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``paths``, however deep, and the top one ("")."""
    folders = {""}
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def folder_stamp(top: str, paths: Iterable[str]) -> str:
    """A digest of the folders that hold ``paths`` under ``top``: each one's
    inode, modification time and whether it is a folder at all, as it is
    (a link is not followed); "" if one is missing.

    A file added to or removed from a folder, by hand or by a build, changes
    the folder's modification time; a file changed in place does not (the
    size and mtime of each file tell that). A folder swapped for another, or
    for a link to one elsewhere, changes its inode or its kind even with its
    time set back: a build would otherwise write through the link, outside
    the site. At 10,000 articles: 13,686 folders, 45 ms to stat (one core,
    from the page cache).
    """
    lines = []
    try:
        for folder in sorted(folders_of(paths)):
            found = os.lstat(os.path.join(top, folder))
            lines.append(f"{folder}\0{found.st_ino}\0{found.st_mtime_ns}\0{stat.S_ISDIR(found.st_mode)}")
    except OSError:
        return ""
    return digest("\n".join(lines).encode())


# Parts of one or more characters, none a backslash or NUL, none "." or "..", joined by "/".
OUTPUT_PATH = re.compile(r"(?:(?!\.\.?(?:/|\Z))[^/\\\0]+/)*(?!\.\.?\Z)[^/\\\0]+")


def is_output_path(path: object) -> bool:
    """Whether ``path`` is one a build writes: relative, with forward slashes,
    and no empty, "." or ".." part. Paths read back from the cache's records
    are checked: one of them could name any file on the disk, for a build to
    link, overwrite or remove. (One pattern: it is asked of every file of
    the last build's manifest, in every build.)"""
    return type(path) is str and OUTPUT_PATH.fullmatch(path) is not None
