"""The build cache: what earlier builds worked out, keyed by content.

It lives in ``.factcheck-cache/`` next to ``site.yaml`` (like Hugo's
``resources/`` or Pelican's ``cache/``), is safe to delete at any time, and
holds five things:

- ``checked-json.sqlite``: every content file loaded and checked on its own
  (its record with its converted Markdown and anchored quotes, its problems
  and the ids it refers to) as JSON (``codec.py``), keyed by a digest of the
  generator's own code (and the Python and libraries it runs on), the
  file's path and its bytes. The key never goes stale: a changed file or a
  changed generator is a new key, and entries for other versions are pruned
  once they outnumber the current ones.
- ``outputs.json``: the digest of every file the last build wrote, so the
  next one can tell which outputs are unchanged and keep them as they are.
- ``last-build.json``: the fingerprint of the last successful build (every
  input file, the generator's code, the options) with its summary and
  warnings, so a build with nothing changed can say so and stop.
- ``inputs.json``: the size, times and digest of every input file when it
  was last hashed, so the next build reads only files whose stat changed
  (``inputs.py``).
- ``pieces/``: the pieces the site-wide data files are made of, one
  database per file, each piece's bytes under its key (``pieces.py``).

Every write is atomic (an SQLite transaction, or a write to a temporary file
and a rename): a build killed half-way leaves the cache as it was or
complete, never torn. An entry that cannot be read, or a database that is
not one, is treated as missing.

What a cache may be trusted for. Everything in it is data: JSON, read by
``json.loads`` and rebuilt into known records field by field, so a cache
from anywhere cannot run code (earlier versions stored pickles, which can;
their ``checked.sqlite`` and ``checked/`` are removed, never read). An entry
that is damaged or of any other shape is a miss. But an entry of the right
shape is believed: the key says which file it is for, not who wrote it, and
anyone who can write the cache can change what is checked and published.
So a cache must come only from one's own trusted builds: on CI, a job that
publishes restores only caches saved on the default branch, never one from
a pull request or another branch (``.github/workflows/publish.yml``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.layout import CACHE_DIR, PACKAGE_DIR

CHECKED = "checked-json.sqlite"
# What earlier formats kept, pickled: removed, never read (see codec.py for why).
LEGACY_CHECKED_FOLDER = "checked"  # FORMAT 1: one pickle per file
LEGACY_CHECKED_DATABASE = "checked.sqlite"  # FORMAT 2: the same pickles in one database
OUTPUTS = "outputs.json"
LAST_BUILD = "last-build.json"
INPUTS = "inputs.json"  # the input files' stamps and digests (inputs.py)
FORMAT = 6  # bump when what is stored changes shape
QUERY_BATCH = 500  # keys per query, well below SQLite's limit on parameters
LOCK_TIMEOUT = 5.0  # seconds to wait for another process's write before doing without the cache


def digest(data: bytes, *more: bytes | memoryview) -> str:
    """The digest of ``data`` and ``more`` one after the other, as if joined (but not copied)."""
    hasher = hashlib.blake2b(data, digest_size=16)
    for part in more:
        hasher.update(part)
    return hasher.hexdigest()


# Libraries whose version changes what a build makes of the same input, each
# by the module that says its version. A build has imported them all by then;
# their installed metadata (importlib.metadata) would cost 20 ms to import, a
# seventh of starting a build. MarkupSafe 3 deprecates its ``__version__``: its
# files stand for it (a handful, 0.1 ms to read).
VERSION_MODULES = {"markdown": "markdown", "pyyaml": "yaml", "jinja2": "jinja2", "babel": "babel"}
FILES_FOR_VERSION = {"markupsafe": "markupsafe"}
DEPENDENCIES = (*VERSION_MODULES, *FILES_FOR_VERSION)


@lru_cache(maxsize=1)
def code_version(package: Path = PACKAGE_DIR) -> str:
    """A digest of the generator's own source and of what it runs on (Python
    and the libraries that parse and render): any change to them is a new
    cache. A cache kept between CI runs must not hand a newer Python-Markdown
    the older one's output. Every module counts, however deep in sub-packages:
    code moved into one must still invalidate the cache."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"format {FORMAT}; python {sys.version}".encode())
    for name in DEPENDENCIES:
        hasher.update(f"; {name} {dependency_version(name)}".encode())
    # The shipped catalogues (locale/*/LC_MESSAGES/messages.po) are code too:
    # a changed translation must render every page again.
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.po")]):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def dependency_version(name: str) -> str:
    """What stands for a library's version: the one its module states, a
    digest of its package's files, or (for any other) its installed metadata's."""
    if name in VERSION_MODULES:
        version = getattr(importlib.import_module(VERSION_MODULES[name]), "__version__", None)
        if isinstance(version, str):
            return version
    elif name in FILES_FOR_VERSION:
        return package_files_digest(FILES_FOR_VERSION[name])
    from importlib import metadata  # not at the top: see VERSION_MODULES

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # run from a source tree without the package metadata
        return "unknown"


def package_files_digest(module_name: str) -> str:
    """A digest of the files beside a package's ``__init__`` (names and bytes), "unknown" if it has none."""
    file = getattr(importlib.import_module(module_name), "__file__", None)
    if not file:
        return "unknown"
    hasher = hashlib.blake2b(digest_size=16)
    for entry in sorted(os.scandir(os.path.dirname(file)), key=lambda entry: entry.name):
        if entry.is_file():
            hasher.update(f"{entry.name}\0{entry.stat().st_size}\0".encode())
            with open(entry.path, "rb") as opened:
                hasher.update(opened.read())
    return hasher.hexdigest()


def checked_key(rel_path: str, data: bytes) -> str:
    """The cache key of a content file checked on its own."""
    return checked_key_of(rel_path, digest(data))


def checked_key_of(rel_path: str, file_digest: str) -> str:
    """:func:`checked_key` from the :func:`digest` of the file's bytes: a build
    has that of every input already (``inputs.input_digests``), and need not
    read a file again unless it is to be checked."""
    return digest(f"{code_version()}\0{rel_path}\0{file_digest}".encode())


class BuildCache:
    """``.factcheck-cache/`` of one site."""

    def __init__(self, site_root: Path):
        self.dir = site_root / CACHE_DIR
        # Set in a process whose store failed (a locked, read-only or full
        # cache): its later stores would only wait and fail the same way.
        self._stores_failed = False

    # --- files checked on their own ---------------------------------------------------
    #
    # One SQLite database rather than one file per content file: at 10,000
    # articles, creating 13,000 small files took 3-4 s of a cold build on
    # ext4 and reading them back 1.8 s; the same rows are inserted in 0.6 s
    # and read in 0.15 s. Transactions keep the check workers' writes whole
    # (they take turns). Lektor keeps its build state in SQLite for the same
    # reasons. No connection is kept open: one must never cross a fork, and
    # workers are forked between load_checked and prune_checked.

    def load_checked(self, keys: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(key, stored entry) for those of ``keys`` that are stored, in no particular order.

        The entries are as stored: the caller reads them as data and checks
        them (``prepare.read_cached``).

        A damaged database, or a file that is not one, is removed here, so
        that the stores which follow start afresh. This runs in the parent
        before any worker is forked, so no worker has it open.
        """
        keys = list(keys)
        path = self.dir / CHECKED
        try:
            with checked_database(path) as db:
                for start in range(0, len(keys), QUERY_BATCH):
                    batch = keys[start:start + QUERY_BATCH]
                    marks = ",".join("?" * len(batch))
                    yield from db.execute(f"SELECT key, value FROM checked WHERE key IN ({marks})", batch)
        except sqlite3.OperationalError:
            return  # locked or unreadable: a miss, checked again
        except sqlite3.DatabaseError:
            remove_database(path)
        except OSError:
            return

    def store_checked(self, entries: Iterable[tuple[str, bytes]]) -> None:
        """Store (key, entry) pairs, all or none."""
        entries = list(entries)
        if not entries or self._stores_failed:
            return
        try:
            with checked_database(self.dir / CHECKED) as db, db:
                db.executemany("INSERT OR REPLACE INTO checked (key, value) VALUES (?, ?)", entries)
        except (sqlite3.Error, OSError):
            self._stores_failed = True  # best effort, as for every cache write

    def prune_checked(self, keep: Iterable[str]) -> None:
        """Forget files checked for other versions of the content or of the
        generator, once they outnumber the current ones.

        Waiting until then keeps one other version (switching back and forth
        between two branches re-checks nothing) and the database within
        about three times the content.
        """
        keep = set(keep)
        self.remove_legacy()
        try:
            with checked_database(self.dir / CHECKED) as db, db:
                (stored,) = db.execute("SELECT COUNT(*) FROM checked").fetchone()
                if stored <= 2 * len(keep):
                    return
                db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
                db.executemany("INSERT OR IGNORE INTO keep (key) VALUES (?)", ((key,) for key in keep))
                db.execute("DELETE FROM checked WHERE key NOT IN (SELECT key FROM keep)")
        except (sqlite3.Error, OSError):
            pass

    def remove_legacy(self) -> None:
        """Remove the pickles that earlier versions stored, unread."""
        shutil.rmtree(self.dir / LEGACY_CHECKED_FOLDER, ignore_errors=True)
        remove_database(self.dir / LEGACY_CHECKED_DATABASE)

    # --- what the last build wrote and how it went -------------------------------------

    def load_json(self, name: str) -> Any:
        try:
            return json.loads((self.dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep to be a record
            return None

    def store_json(self, name: str, value: Any) -> None:
        self._store(self.dir / name, json.dumps(value, sort_keys=True).encode("utf-8"))

    @staticmethod
    def _store(path: Path, data: bytes) -> None:
        """Best effort: a cache that cannot be written (a read-only checkout, a
        full disk) only makes the next build slower."""
        try:
            write_atomically(path, data)
        except OSError:
            pass

    def forget(self, name: str) -> None:
        try:
            (self.dir / name).unlink()
        except OSError:
            pass


@contextmanager
def checked_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the database of checked files, closed after use.
    Its errors are the caller's, and every caller treats them as a miss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=LOCK_TIMEOUT)
    try:
        try:
            # WAL: readers do not wait for the workers' writes.
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            pass  # a file system without shared memory (some network mounts): the rollback journal
        # Synced at checkpoints, not at each commit: a crash may lose the last
        # entries, and a damaged database is removed (load_checked).
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS checked (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        yield db
    finally:
        db.close()


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


# --- what is up to date ---------------------------------------------------------------


def build_fingerprint(inputs: dict[str, str], options: dict[str, Any]) -> str:
    """Everything a build's output depends on, in one digest."""
    return digest(json.dumps([code_version(), sorted(inputs.items()), sorted(options.items())]).encode())
