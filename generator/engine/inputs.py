"""The digest of every input file, read again only when its stat changed.

``build`` starts by hashing every file it reads (site.yaml, content, seeds,
templates): the digests say which files changed, which checked files the
cache holds for them, and whether anything changed at all. At 10,000
articles, reading and hashing the 13,000 files took 0.3 s of every build;
a stat of each takes a tenth of that. So, as git's index does, a file whose
stat is the one it had when it was last hashed keeps that digest, and
``build`` keeps what it saw in the build cache (``inputs.json``) for the
next build; ``serve`` keeps it in memory.

A file is known by its size, modification time, change time and inode.
Writing a file changes its change time, which tools that restore times
(``touch -d``, ``cp -p``, an archive) cannot set back, and a file replaced
by another (a save by rename) has another inode. One case remains, git's
"racy" one: a file written again within the same tick of the clock as it
was read would keep all four. So a file whose times are within
:data:`RACY_SECONDS` of the moment it was hashed is hashed again next time.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..core.layout import CONFIG_FILE
from ..stages.sitefiles import FoundFiles, is_readable_input, walk_site
from .cache import digest

Stamp = tuple[int, int, int, int]  # size, modification time (ns), change time (ns), inode
Known = dict[str, tuple[Stamp, str]]  # path → (stamp, digest); a stamp of -1s for a link not followed
NOTE_STAMP: Stamp = (-1, -1, -1, -1)

# Times closer than this to when a file was hashed are not trusted: file
# systems keep times in ticks (a few milliseconds on Linux, two seconds on FAT).
RACY_SECONDS = 2.5


def input_paths(root: Path, default_templates: Path | None = None) -> dict[str, str]:
    """Every file a build reads, keyed by path relative to the root, sorted.

    When the site has no templates/ of its own, the project's default
    templates (``default_templates``) are read instead; they are keyed
    "default-templates/…". The site is walked as everywhere
    (``sitefiles.py``): no link to a folder is followed, no link to a file
    outside the site is read.
    """
    return inputs_of(root, walk_site(root, default_templates))


def input_digests(root: Path, default_templates: Path | None = None) -> dict[str, str]:
    """A digest of every input file (:func:`input_paths`), every one read now."""
    return digests_of(scan_inputs(root, default_templates, {}))


def inputs_of(root: Path, found: FoundFiles) -> dict[str, str]:
    """The paths of site.yaml and of the files a walk of the site found, sorted by key."""
    return dict(sorted({CONFIG_FILE: os.path.join(root, CONFIG_FILE), **found.files}.items()))


def scan_inputs(root: Path, default_templates: Path | None, known: Mapping[str, tuple[Stamp, str]]) -> Known:
    """The stamp and digest of every input, and a note for every link the
    walk did not follow (adding or removing one changes what ``check``
    reports, so it must not look like an unchanged build)."""
    found = walk_site(root, default_templates)
    scanned: Known = {rel: (NOTE_STAMP, note) for rel, note in found.link_notes().items()}
    scanned.update(scan_files(inputs_of(root, found), known))
    return scanned


def scan_paths(root: Path, paths: Iterable[str], known: Mapping[str, tuple[Stamp, str]]) -> Known:
    """The stamp and digest of those of ``paths`` that are inputs the walk would read."""
    return scan_files({rel: str(root / rel) for rel in paths
                       if rel == CONFIG_FILE or is_readable_input(root, rel)}, known)


def scan_files(paths: Mapping[str, str], known: Mapping[str, tuple[Stamp, str]]) -> Known:
    """(stamp, digest) of each file, by path: the digest ``known`` gives
    for its stamp, or its bytes hashed. A file that vanishes or cannot be
    read between listing and reading is left out: the next scan catches it."""
    settled_before = settling_since()
    scanned: Known = {}
    for rel, path in paths.items():
        try:
            stat = os.stat(path)
            stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            entry = known.get(rel)
            if entry is not None and entry[0] == stamp and settled(stamp, settled_before):
                scanned[rel] = entry
                continue
            with open(path, "rb") as file:
                scanned[rel] = (stamp, digest(file.read()))
        except OSError:
            continue
    return scanned


def settling_since() -> int:
    """The moment (ns) after which a file's times are too recent to trust (git's racy case)."""
    return time.time_ns() - int(RACY_SECONDS * 1e9)


def settled(stamp: Stamp, settled_before: int) -> bool:
    """Whether neither of the file's times is too recent to trust (:func:`settling_since`)."""
    return max(stamp[1], stamp[2]) < settled_before


def digests_of(scanned: Mapping[str, tuple[Stamp, str]]) -> dict[str, str]:
    return {rel: entry[1] for rel, entry in scanned.items()}


def to_json(scanned: Known) -> dict[str, list]:
    """What the build cache keeps of a scan: the files hashed long enough
    ago to be trusted next time (not the notes of links, nor racy files)."""
    settled_before = settling_since()
    return {rel: [*stamp, value] for rel, (stamp, value) in scanned.items()
            if stamp != NOTE_STAMP and settled(stamp, settled_before)}


def from_json(value: Any) -> Known:
    """A scan read back from the build cache: entries of any other shape are
    dropped (their files are hashed again), since the cache is data from
    anywhere (``cache.py``)."""
    if not isinstance(value, dict):
        return {}
    known: Known = {}
    for rel, entry in value.items():
        if (isinstance(rel, str) and isinstance(entry, list) and len(entry) == 5
                and all(type(part) is int for part in entry[:4]) and isinstance(entry[4], str)):
            known[rel] = ((entry[0], entry[1], entry[2], entry[3]), entry[4])
    return known
