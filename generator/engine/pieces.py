"""Data files made of pieces: each piece's bytes kept from one run to the
next, and made again only when its key changed.

The site-wide data files (``claims.json``, ``mentions.csv``,
``annotations.jsonld``, ``claimreview.json``) show every content file, so
every edit makes them stale. Made whole, they were about 6 s of a 17.7 s
build after one article changed at 10,000 articles. So each is planned as
parts (``outputs/base.composed``): fixed bytes made anew each time (headers,
separators, what sums over the whole site, all cheap) and pieces, one per
claim or per article, each keyed exactly as a page is, by
``cache.page_keys`` (its sources' digests, what it shows, site.yaml, the
options, the generator's code). A piece whose key is the one it had is
taken as it was; the others are made. The file is its parts joined, the
same bytes as made whole.

Where the pieces are kept between runs:

- ``serve``: in memory, in the run's state (``pipeline.RunState.pieces``).
  Its sink renders in this process, so the pieces made here are those of
  the run.
- ``build``: in the build cache, one SQLite database per data file
  (``.factcheck-cache/pieces/``), one row per piece: its key, a digest of its
  bytes and the bytes. Data only, never code: a row is used only when its
  key is the piece's and its bytes have the digest stored with them, so a
  damaged, torn or foreign row is a miss and the piece is made again. One
  database per file because each file is composed by one render worker:
  the workers never wait for each other's writes. Rows of items no longer
  in the file are removed when they outnumber the current ones.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..outputs.base import DataFile, Output, Piece
from .cache import LOCK_TIMEOUT, digest, remove_database

PIECES_DIR = "pieces"  # in the build cache

# file path → piece path → (key, bytes): the pieces of one run.
Pieces = Mapping[str, Mapping[str, tuple[str, bytes]]]


def is_composed(output: Output) -> bool:
    return isinstance(output, DataFile) and output.parts is not None


class PieceStore:
    """Composes the data files made of pieces, from the pieces kept by the
    previous run (``previous``, in memory) or by earlier builds (the build
    cache's ``cache_dir``), making only the pieces whose key changed."""

    def __init__(self, keys_of: Callable[[list[Piece]], dict[str, str]], previous: Pieces,
                 cache_dir: Path | None = None):
        self.keys_of = keys_of  # cache.page_keys for pieces
        self.previous = previous
        self.folder = cache_dir / PIECES_DIR if cache_dir is not None else None
        self.made: dict[str, dict[str, tuple[str, bytes]]] = {}  # in this process

    def compose(self, file: DataFile) -> bytes:
        """The file's bytes: its parts joined, each piece kept or made again."""
        parts = file.parts()
        pieces = [part for part in parts if isinstance(part, Piece)]
        keys = self.keys_of(pieces)
        kept = self.previous.get(file.path, {})
        stored = self._load(file.path, keys) if self.folder is not None else {}
        current: dict[str, tuple[str, bytes]] = {}
        made: list[tuple[str, str, bytes]] = []
        joined: list[bytes] = []
        for part in parts:
            if isinstance(part, bytes):
                joined.append(part)
                continue
            key = keys[part.path]
            entry = kept.get(part.path)
            if entry is None or entry[0] != key:
                data = stored.get(part.path)
                if data is None:
                    data = part.produce()
                    made.append((part.path, key, data))
                entry = (key, data)
            current[part.path] = entry
            joined.append(entry[1])
        self.made[file.path] = current
        if self.folder is not None:
            self._store(file.path, made, current)
        return b"".join(joined)

    def state(self, outputs: list[Output]) -> dict[str, Mapping[str, tuple[str, bytes]]]:
        """The pieces for the next run: those of every file made of pieces,
        made or kept in this run, or else (the file was kept as it was) the
        previous run's."""
        state = {}
        for output in outputs:
            if is_composed(output):
                pieces = self.made.get(output.path, self.previous.get(output.path))
                if pieces is not None:
                    state[output.path] = pieces
        return state

    # --- the build cache's pieces -------------------------------------------------------

    def _database(self, file_path: str) -> Path:
        return self.folder / (file_path.replace("/", "--") + ".sqlite")

    def _load(self, file_path: str, keys: Mapping[str, str]) -> dict[str, bytes]:
        """piece path → bytes of the stored pieces that have their current key and are whole."""
        path = self._database(file_path)
        if not path.exists():
            return {}
        found = {}
        try:
            with pieces_database(path) as db:
                for item, key, checksum, data in db.execute("SELECT item, key, digest, value FROM pieces"):
                    if keys.get(item) == key and isinstance(data, bytes) and digest(data) == checksum:
                        found[item] = data
        except sqlite3.OperationalError:
            return {}  # locked or unreadable: every piece is made
        except sqlite3.DatabaseError:
            remove_database(path)  # not a database: the stores that follow start afresh
            return {}
        except OSError:
            return {}
        return found

    def _store(self, file_path: str, made: list[tuple[str, str, bytes]], current: Mapping[str, object]) -> None:
        """Store the pieces just made, and forget those of items gone from
        the file once they outnumber the current ones; best effort, all or none."""
        try:
            with pieces_database(self._database(file_path)) as db, db:
                db.executemany("INSERT OR REPLACE INTO pieces (item, key, digest, value) VALUES (?, ?, ?, ?)",
                               ((item, key, digest(data), data) for item, key, data in made))
                (stored,) = db.execute("SELECT COUNT(*) FROM pieces").fetchone()
                if stored > 2 * len(current):
                    db.execute("CREATE TEMP TABLE keep (item TEXT PRIMARY KEY)")
                    db.executemany("INSERT INTO keep (item) VALUES (?)", ((item,) for item in current))
                    db.execute("DELETE FROM pieces WHERE item NOT IN (SELECT item FROM keep)")
        except (sqlite3.Error, OSError):
            pass  # a cache that cannot be written only makes the next build slower


@contextmanager
def pieces_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to one data file's pieces, closed after use; its errors are the caller's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=LOCK_TIMEOUT)
    try:
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS pieces "
                   "(item TEXT PRIMARY KEY, key TEXT NOT NULL, digest TEXT NOT NULL, value BLOB NOT NULL)")
        yield db
    finally:
        db.close()
