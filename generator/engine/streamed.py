"""A file written as its bytes are made, and compared with the live one's as
they come (``write.StagedSite.put_stream``).

The site-wide data files made of pieces (``pieces.Composition``) are never
held whole: at 100,000 articles annotations.jsonld is 680 MB. A file with
the live one's bytes must still be linked rather than written, as every
other output is (``write.py``), but its digest is known only once its last
bytes are made. So the bytes are compared with the live file's as they
come, and written only from the first that differs, beginning with the
live bytes that were the same: a file made again the same is read, not
written (every data file, on a build without the cache).
"""

from __future__ import annotations

import errno
import hashlib
import os
from contextlib import contextmanager
from typing import BinaryIO, Iterable, Iterator, Protocol

from .manifest import Written

COPY_BLOCK = 1 << 20


class Chunks(Protocol):
    """A file's bytes as they are made (``pieces.Composition``): read once,
    to the end; :attr:`digest` is then theirs. :attr:`compare`: whether they
    may be the live file's; when they surely are not (their file's signature
    changed), comparing them would only read the live file for nothing."""

    digest: str
    compare: bool

    def __iter__(self) -> Iterator[bytes]: ...


@contextmanager
def live_file(path: str, recorded: Written | None) -> Iterator[BinaryIO | None]:
    """The live file at ``path`` open for reading, if it is the one recorded
    (its size and modification time); else None."""
    live = None
    if recorded is not None:
        try:
            stat = os.stat(path)
            if (stat.st_size, stat.st_mtime_ns) == (recorded.size, recorded.mtime_ns):
                live = open(path, "rb")
        except OSError:
            live = None
    try:
        yield live
    finally:
        if live is not None:
            live.close()


def write_unless_same(chunks: Iterable[bytes], live: BinaryIO | None, partial: str) -> bool:
    """Write ``chunks`` into the file ``partial``, unless they are the bytes
    of ``live``, all of them: True then, and nothing is written."""
    matched = hashlib.blake2b(digest_size=16)  # of the bytes found the same, to check their copy
    length = 0
    out: BinaryIO | None = None
    try:
        for chunk in chunks:
            if out is None:
                if live is not None and live.read(len(chunk)) == chunk:
                    matched.update(chunk)
                    length += len(chunk)
                    continue
                out = open(partial, "wb")
                copy_start(live, out, length, matched.hexdigest())
            out.write(chunk)
        if out is None:
            if live is not None and live.read(1) == b"":
                return True
            out = open(partial, "wb")  # the live file's start, then nothing: shorter than it
            copy_start(live, out, length, matched.hexdigest())
        return False
    finally:
        if out is not None:
            out.close()


def copy_start(source: BinaryIO | None, target: BinaryIO | str, length: int | None, expected: str) -> None:
    """Copy the first ``length`` bytes of ``source`` (all of it if None) into
    ``target`` (an open file, or the path of one to write); they must have
    the digest ``expected``, the bytes compared a moment before: a live file
    changed by hand in between is an error, not a file recorded with the
    digest of other bytes."""
    if source is None:
        return
    if isinstance(target, str):
        with open(target, "wb") as opened:
            copy_start(source, opened, length, expected)
        return
    source.seek(0)
    copied = hashlib.blake2b(digest_size=16)
    left = length
    while left is None or left > 0:
        block = source.read(COPY_BLOCK if left is None else min(COPY_BLOCK, left))
        if not block:
            break
        target.write(block)
        copied.update(block)
        if left is not None:
            left -= len(block)
    if copied.hexdigest() != expected:
        raise OSError(errno.EAGAIN, "the live file changed while this build read it; build again",
                      getattr(source, "name", None))
