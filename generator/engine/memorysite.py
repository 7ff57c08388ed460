"""The next version of a site held in memory: ``serve``'s sink.

The same interface as the staged folder (``write.StagedSite``) that
``build`` writes into, so the pipeline (``pipeline.py``) does not know which
it has: ``keep`` a file of the previous version as it is, ``put`` new
bytes, ``read`` them back, then ``commit`` (the new version is
:attr:`outputs`) or ``abandon``. Nothing is shared with the previous
version's dict, which the server goes on serving until it is replaced.
"""

from __future__ import annotations

from typing import Collection, Mapping

from .cache import digest
from .streamed import Chunks
from .write import Written


class MemorySite:
    """The next version of an in-memory site, made from the previous one.

    ``previous``: the previous outputs (path → bytes) and their manifest
    entries (path → :class:`Written`), as the last commit left them.
    """

    # Rendered in this process: forked workers could not put into this dict.
    # serve renders only the pages an edit touched.
    parallel = False

    def __init__(self, previous: Mapping[str, bytes] | None = None,
                 manifest: Mapping[str, Written] | None = None):
        self.previous_outputs = previous or {}
        self.previous = manifest or {}
        self._next: dict[str, bytes] = {}
        self.outputs: dict[str, bytes] | None = None  # set by commit

    def put(self, rel_path: str, data: bytes, data_digest: str | None = None) -> tuple[Written, bool]:
        """Add one file; its manifest entry and whether its bytes are new.
        ``data_digest``: the digest of ``data``, if the caller has it."""
        entry = Written(data_digest or digest(data), len(data), 0)
        old = self.previous.get(rel_path)
        if old is not None and old.digest == entry.digest and rel_path in self.previous_outputs:
            self._next[rel_path] = self.previous_outputs[rel_path]  # the same object: cheap to compare
            return old, False
        self._next[rel_path] = data
        return entry, True

    def put_stream(self, rel_path: str, chunks: Chunks) -> tuple[Written, bool]:
        """Add one file from its bytes as they are made: joined, as this site holds every file whole."""
        data = b"".join(chunks)
        return self.put(rel_path, data, chunks.digest)

    def keep(self, rel_path: str) -> Written | None:
        """Keep the previous version's file; None if it had none."""
        old = self.previous.get(rel_path)
        if old is None or rel_path not in self.previous_outputs:
            return None
        self._next[rel_path] = self.previous_outputs[rel_path]
        return old

    def read(self, rel_path: str) -> bytes:
        return self._next[rel_path]

    def commit(self, paths: Collection[str] | None = None) -> None:
        """The new version is :attr:`outputs`: what was put and kept, which are ``paths``."""
        self.outputs = dict(sorted(self._next.items()))

    def abandon(self) -> None:
        self._next = {}
