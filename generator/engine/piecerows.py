"""The build cache's pieces of the data files (``pieces.py``): one SQLite
database per data file (``.factcheck-cache/pieces/``), one row per piece:
its key, a digest of its bytes and the bytes (read only when the file is
joined), one for the file's signature (SIGNATURE) and one for the order of
its parts (LAYOUT).

Data only, never code: a row is used only when its key is the piece's and
its bytes have the digest stored with them, so a damaged, torn or foreign
row is a miss and the piece is made again. One database per file because
each file is composed by one render worker: the workers never wait for each
other's writes. Rows of items no longer in the file are removed when they
outnumber the current ones. The cache is best effort: a database that
cannot be read or written only makes a build slower.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from .cache import LOCK_TIMEOUT, digest, remove_database

SIGNATURE = ""  # no piece's path
# A file's entry under LAYOUT: its parts in order, the fixed ones' text and
# the pieces' paths (JSON), keyed by the signature of the file it lays out.
LAYOUT = "\0layout"  # no piece's path

Row = tuple[str, str, str, bytes]  # item, key, digest, bytes
# Bytes of rows a composition writes between two commits: the database is
# locked for another build's reading only that long.
COMMIT_BYTES = 8 << 20


def database_path(folder: Path, file_path: str) -> Path:
    return folder / (file_path.replace("/", "--") + ".sqlite")


def stored_index(path: Path) -> dict[str, tuple[str, str, None]]:
    """piece path → (key, digest, None) of every stored piece, and the
    file's signature and layout; the bytes are read only when needed (:func:`read_stored`)."""
    if not path.exists():
        return {}
    try:
        with pieces_database(path) as db:
            return {item: (key, checksum, None)
                    for item, key, checksum in db.execute("SELECT item, key, digest FROM pieces")
                    if isinstance(item, str) and isinstance(key, str) and isinstance(checksum, str)}
    except sqlite3.OperationalError:
        return {}  # locked or unreadable: every piece is made
    except sqlite3.DatabaseError:
        remove_database(path)  # not a database: the stores that follow start afresh
        return {}
    except OSError:
        return {}


def read_stored(path: Path, current: dict[str, tuple[str, str, bytes | None]]) -> None:
    """Fill in, in ``current``, the bytes of the pieces known only by their
    digest, from the stored pieces that have that key and are whole;
    those that cannot be read stay None."""
    wanted = {item for item, (_, _, data) in current.items() if data is None}
    if not wanted:
        return
    try:
        with pieces_database(path) as db:
            for item, key, checksum, data in db.execute("SELECT item, key, digest, value FROM pieces"):
                entry = current.get(item) if item in wanted else None
                if (entry is not None and (key, checksum) == entry[:2] and isinstance(data, bytes)
                        and digest(data) == checksum):
                    current[item] = (key, checksum, data)
    except (sqlite3.Error, OSError):
        pass  # what is still None is made again


def store_rows(path: Path, rows: list[Row]) -> None:
    """Store rows as they are, in one transaction; best effort."""
    try:
        with pieces_database(path) as db, db:
            db.executemany("INSERT OR REPLACE INTO pieces (item, key, digest, value) VALUES (?, ?, ?, ?)", rows)
    except (sqlite3.Error, OSError):
        pass


class StoredRows:
    """One file's pieces database, open while the file is composed: the
    stored pieces are read from it as their turn comes, and the rows made
    are written as they come, committed every :data:`COMMIT_BYTES`, so that
    another build reading the same cache (serve beside a build) never waits
    long; the file's signature is written last, so it is stored only with
    every piece it signs. A piece stored without it is a row like any other,
    used only by the key and digest it has. Best effort: a database that
    cannot be written only makes the next build slower, so a failed write
    ends the writing (what was not committed is rolled back), not the
    reading, nor the build."""

    def __init__(self, path: Path | None):
        self.path = path
        self.db: sqlite3.Connection | None = None
        self.unopened = path is not None  # until opened, or found not to open
        self.writing = path is not None  # until a write fails
        self.uncommitted = 0  # bytes written since the last commit

    def _open(self) -> sqlite3.Connection | None:
        if self.unopened:
            self.unopened = False
            try:
                self.db = open_pieces_database(self.path)
            except (sqlite3.Error, OSError):
                self.writing = False
        return self.db

    def add(self, rows: list[Row]) -> None:
        """Rows (item, key, digest, bytes), replacing those of the same items."""
        if not rows or not self.writing or self._open() is None:
            return
        try:
            self.db.executemany("INSERT OR REPLACE INTO pieces (item, key, digest, value) VALUES (?, ?, ?, ?)", rows)
            self.uncommitted += sum(len(row[3]) for row in rows)
            if self.uncommitted >= COMMIT_BYTES:
                self.db.commit()
                self.uncommitted = 0
        except (sqlite3.Error, OSError):
            self._stop_writing()

    def read(self, item: str, key: str, checksum: str) -> bytes | None:
        """The stored bytes of one piece, if stored with that key and digest
        and whole (the file is read piece by piece as it is written, never
        all its pieces at once); None otherwise."""
        if self._open() is None:
            return None
        try:
            row = self.db.execute("SELECT key, digest, value FROM pieces WHERE item = ?", (item,)).fetchone()
        except (sqlite3.Error, OSError):
            return None  # made again
        if row is None or (row[0], row[1]) != (key, checksum) or not isinstance(row[2], bytes):
            return None
        return row[2] if digest(row[2]) == checksum else None

    def finish(self, current: Mapping[str, tuple[str, str, bytes | None]], layout: bytes | None) -> None:
        """Add the file's signature with its digest, and its layout if given;
        forget the pieces of items gone from the file once they outnumber the
        current ones; commit."""
        signed, file_digest, _ = current[SIGNATURE]
        self.add([(SIGNATURE, signed, file_digest, b"")]
                 + ([(LAYOUT, signed, digest(layout), layout)] if layout is not None else []))
        if not self.writing or self.db is None:
            return
        try:
            (stored,) = self.db.execute("SELECT COUNT(*) FROM pieces").fetchone()
            if stored > 2 * len(current):
                self.db.execute("CREATE TEMP TABLE keep (item TEXT PRIMARY KEY)")
                self.db.executemany("INSERT OR IGNORE INTO keep (item) VALUES (?)",
                                    ((item,) for item in [*current, LAYOUT]))
                self.db.execute("DELETE FROM pieces WHERE item NOT IN (SELECT item FROM keep)")
            self.db.commit()
        except (sqlite3.Error, OSError):
            self._stop_writing()

    def _stop_writing(self) -> None:
        self.writing = False
        try:
            self.db.rollback()
        except sqlite3.Error:
            self.close()  # closing rolls back too

    def close(self) -> None:
        """Close the database; what was not committed is rolled back."""
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None


@contextmanager
def pieces_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to one data file's pieces, closed after use; its errors are the caller's."""
    db = open_pieces_database(path)
    try:
        yield db
    finally:
        db.close()


def open_pieces_database(path: Path) -> sqlite3.Connection:
    """A connection to one data file's pieces, its table made if new; its errors are the caller's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=LOCK_TIMEOUT)
    try:
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS pieces "
                   "(item TEXT PRIMARY KEY, key TEXT NOT NULL, digest TEXT NOT NULL, value BLOB NOT NULL)")
    except BaseException:
        db.close()
        raise
    return db
