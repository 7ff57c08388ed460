"""Stage 6, write: finished pages → the output folder, atomically.

The new site is written into a hidden sibling folder and then swapped with
the old one in a single ``renameat2(RENAME_EXCHANGE)`` call where the OS has
it (Linux), so a reader or a killed build never sees a half-written site.
Elsewhere two renames are used, which leaves a moment without the folder but
never a mixed one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
# Written into every build: a folder without it is not replaced, whatever it holds.
MARKER = ".factcheck-build"
MARKER_TEXT = b"Built by factcheck. The whole folder is replaced by each build.\n"


def write_site(outputs: dict[str, bytes], out_dir: Path) -> None:
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    staging = sibling(out_dir, STAGING_PREFIX)
    staging.mkdir()
    (staging / MARKER).write_bytes(MARKER_TEXT)
    for rel_path, data in sorted(outputs.items()):
        target = staging / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    swap_into_place(staging, out_dir)


def sibling(out_dir: Path, prefix: str) -> Path:
    return out_dir.parent / f"{prefix}{out_dir.name}-{os.getpid()}"


def remove_leftovers(out_dir: Path) -> None:
    """Delete staging folders of builds that were killed before they finished."""
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in out_dir.parent.glob(f"{prefix}{out_dir.name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def swap_into_place(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if exchange(staging, out_dir):
        shutil.rmtree(staging)  # now holds the previous site
        return
    retired = sibling(out_dir, RETIRED_PREFIX)
    os.rename(out_dir, retired)
    os.rename(staging, out_dir)
    shutil.rmtree(retired)


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
