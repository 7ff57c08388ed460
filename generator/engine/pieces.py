"""Data files made of pieces: each piece's bytes kept from one run to the
next, and made again only when its key changed.

The site-wide data files (``claims.json``, ``mentions.csv``,
``annotations.jsonld``, ``claimreview.json``) show every content file, so
every edit makes them stale. Made whole, they were about 6 s of a 17.7 s
build after one article changed at 10,000 articles. So each is planned as
parts (``outputs/base.composed``): fixed bytes made anew each time (headers,
separators, what sums over the whole site, all cheap) and pieces, one per
claim or per article, each keyed exactly as a page is, by
``keys.page_keys`` (its sources' digests, what it shows, site.yaml, the
options, the generator's code). A piece whose key is the one it had is
taken as it was; the others are made. The file is its parts joined, the
same bytes as made whole.

A file also has a signature: a digest of its fixed parts and of each
piece's path and bytes' digest, kept with the digest of the file it gave.
When the signature is the one kept and the previous site's file has that
digest, the file is kept as it is, not joined again (:meth:`PieceStore.compose`):
after an edit of an article's text, the pieces of that article are made
again, and usually with the bytes they had.

Where the pieces are kept between runs:

- ``serve``: in memory, in the run's state (``pipeline.RunState.pieces``).
  Its sink renders in this process, so the pieces made here are those of
  the run.
- ``build``: in the build cache, one SQLite database per data file
  (``piecerows.py``).

A file is written as it is made, piece by piece (:class:`Composition`),
each stored piece read from the cache when its turn comes: at 100,000
articles annotations.jsonld is 680 MB, and joined in memory beside its
pieces it took one render worker from 2.75 to 3.6 GB. A file recomposed
after a text edit (:meth:`PieceStore.recompose`) holds its stored pieces,
which it must all read to know they are whole, but is not joined either.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..outputs.base import DataFile, Output, Part, Piece, shows_text_of
from .cache import digest
from .piecerows import LAYOUT, SIGNATURE, StoredRows, database_path, read_stored, store_rows, stored_index

PIECES_DIR = "pieces"  # in the build cache
# The bytes of the pieces made again held, at most, to tell whether a file is as it was.
CHECK_BYTES = 64 * 1024 * 1024

# file path → piece path → (key, digest, bytes): the pieces of one run. A
# file's entry under SIGNATURE is its signature (:meth:`PieceStore.compose`),
# and under LAYOUT (in the build cache) the order of its parts.
Pieces = Mapping[str, Mapping[str, tuple[str, str, bytes | None]]]


@dataclass(frozen=True)
class Parts:
    """A file's bytes as parts already made, not joined (``streamed.Chunks``)."""

    parts: tuple[bytes, ...]
    digest: str  # of the parts joined
    compare: bool = False  # made only when they differ from the live file's

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)


@dataclass(frozen=True)
class Recomposed:
    """A file made of pieces after a text edit (:meth:`PieceStore.recompose`)."""

    data: Parts | None  # its bytes; None: those it had, the pieces made again being as they were
    digest: str  # of its bytes
    was: str  # the digest of the file the stored pieces made: the live file's, or they are not its


def is_composed(output: Output) -> bool:
    return isinstance(output, DataFile) and output.parts is not None


class PieceStore:
    """Composes the data files made of pieces, from the pieces kept by the
    previous run (``previous``, in memory) or by earlier builds (the build
    cache's ``cache_dir``), making only the pieces whose key changed."""

    def __init__(self, keys_of: Callable[[list[Piece]], dict[str, str]], previous: Pieces,
                 cache_dir: Path | None = None, keep_bytes: bool = False):
        self.keys_of = keys_of  # keys.page_keys for pieces
        self.previous = previous
        # Whether the pieces' bytes are kept once their file is composed: for
        # serve's next run (its :meth:`state`); a build's are in its cache.
        self.keep_bytes = keep_bytes
        self.folder = cache_dir / PIECES_DIR if cache_dir is not None else None
        self.made: dict[str, dict[str, tuple[str, str, bytes | None]]] = {}  # in this process
        self.read: set[str] = set()  # the files whose stored pieces were read, once each

    def compose(self, file: DataFile, previous_digest: str | None = None) -> "Composition | None":
        """The file's bytes, as a :class:`Composition` (its parts in order,
        each piece kept or made again as it is read); or None.

        None when the file would be the previous site's, whose bytes have
        ``previous_digest``: its signature (a digest of its fixed parts and
        of each piece's path and bytes' digest) is the one kept with the
        file last composed, and so is that file's digest. The caller then
        keeps the file as the previous site has it (or, if it cannot, asks
        again without ``previous_digest``). So a piece made again with the
        bytes it had (an article's text edited, the text around its quotes
        the same) leaves the file as it was: the stored pieces are not read,
        and the file is not joined, hashed or written (68 MB for
        annotations.jsonld at 10,000 articles).

        To tell, the pieces whose key changed are made first, and held; past
        :data:`CHECK_BYTES` of them the file is taken as changed, and the
        rest are made as the file is read, and the stored ones read from
        the cache one by one.
        """
        parts = file.parts()
        keys = self.keys_of([part for part in parts if isinstance(part, Piece)])
        kept = self.previous.get(file.path, {})
        stored = self._index(file.path) if self.folder is not None else {}
        current: dict[str, tuple[str, str, bytes | None]] = {}
        to_make: dict[str, Piece] = {}
        for part in parts:
            if isinstance(part, bytes):
                continue
            key = keys[part.path]
            entry = kept.get(part.path)
            if entry is None or entry[0] != key:
                entry = stored.get(part.path)
                if entry is None or entry[0] != key:
                    to_make[part.path] = part
                    entry = (key, "", None)
            current[part.path] = entry
        self.made[file.path] = current
        before = kept.get(SIGNATURE) or stored.get(SIGNATURE)
        made: list[tuple[str, str, str, bytes]] = []
        changed = False  # known to: its signature is not the live file's
        if previous_digest is not None and before is not None and before[1] == previous_digest:
            held = 0
            for path, piece in list(to_make.items()):
                if held > CHECK_BYTES:
                    break
                data = piece.produce()
                held += len(data)
                current[path] = entry = (current[path][0], digest(data), data)
                made.append((path, *entry))
                del to_make[path]
            if not to_make:
                signed = signature_of([part if isinstance(part, bytes) else part.path for part in parts], current)
                changed = before[0] != signed
                if not changed:
                    current[SIGNATURE] = (signed, previous_digest, b"")
                    self._store(file.path, made, current, self.new_layout(parts, stored, signed))
                    if not self.keep_bytes:
                        current.update((item, (key, checksum, None)) for item, key, checksum, _ in made)
                    return None
        return Composition(self, file.path, parts, current, to_make, made, stored, compare=not changed)

    def recompose(self, file: DataFile, edited: frozenset[str],
                  keys_before: Callable[[list[Piece]], dict[str, str]]) -> "Recomposed | None":
        """After an edit of the text of ``edited`` (paths) alone, the file as
        the last build composed it with the pieces that show those texts made
        again (``partialrun.py``): ``file`` is planned from a part of the site,
        so its other parts are those stored, in the order stored (``LAYOUT``).

        None when the store cannot tell: a piece's stored key is not the one
        it had before the edit (``keys_before``), or the file's layout or a
        piece is missing or not of the last composed file. The file the
        stored pieces make (:attr:`Recomposed.was`) must then be the live
        one, which the caller checks."""
        parts = [part for part in file.parts() if isinstance(part, Piece) and shows_text_of(part, edited)]
        keys, before = self.keys_of(parts), keys_before(parts)
        stored = self._index(file.path) if self.folder is not None else {}
        signature, layout = stored.get(SIGNATURE), stored.get(LAYOUT)
        made = []
        for part in parts:
            entry = stored.get(part.path)
            if entry is None or entry[0] != before[part.path]:
                return None
            data = part.produce()
            made.append((part.path, keys[part.path], digest(data), data))
        if signature is None or layout is None or layout[0] != signature[0]:
            return None
        if all(stored[item][1] == checksum for item, _, checksum, _ in made):
            self._store_rows(file.path, made)
            return Recomposed(None, signature[1], signature[1])
        current: dict[str, tuple[str, str, bytes | None]] = dict(stored)
        self._read_stored(file.path, current)
        order = parsed_layout(current[LAYOUT][2])
        if order is None or not all(isinstance(part, bytes) or current.get(part, (0, 0, None))[2] is not None
                                    for part in order):
            return None
        if signature_of(order, current) != signature[0]:
            return None  # not the layout of the pieces stored
        for item, key, checksum, data in made:
            current[item] = (key, checksum, data)
        signed = signature_of(order, current)
        chunks = tuple(part if isinstance(part, bytes) else current[part][2] for part in order)
        data = Parts(chunks, digest(b"", *chunks))
        current[SIGNATURE] = (signed, data.digest, b"")
        self.made[file.path] = current
        layout_bytes = current[LAYOUT][2]
        self._store_rows(file.path, made + [(SIGNATURE, signed, current[SIGNATURE][1], b""),
                                            (LAYOUT, signed, digest(layout_bytes), layout_bytes)])
        return Recomposed(data, current[SIGNATURE][1], signature[1])

    def state(self, outputs: list[Output], with_bytes: bool) -> dict[str, Mapping[str, tuple[str, str, bytes | None]]]:
        """The pieces for the next run: those of every file made of pieces,
        made or kept in this run, or else (the file was kept as it was) the
        previous run's. ``with_bytes`` (``serve``, whose next runs have no
        build cache): the pieces known by their digest only (stored, and not
        read: the file was kept) are read now; one that cannot be read is
        made again when its file is next joined."""
        state = {}
        for output in outputs:
            if is_composed(output):
                pieces = self.made.get(output.path)
                if pieces is not None:
                    if with_bytes:
                        self._read_stored(output.path, pieces)
                else:
                    pieces = self.previous.get(output.path)
                if pieces is None and with_bytes and self.folder is not None:
                    # serve's first run, from the build cache, kept the file: its
                    # pieces are read now, or its first save would make every one
                    # again (the runs after the first have no build cache): at
                    # 10,000 articles that first save took 9.7 s, the next ones 3.3 s.
                    # Only the file's pieces: the store keeps those of items gone
                    # until they outnumber the others.
                    wanted = {part.path for part in output.parts() if isinstance(part, Piece)} | {SIGNATURE}
                    pieces = {item: entry for item, entry in self._index(output.path).items() if item in wanted}
                    self._read_stored(output.path, pieces)
                if pieces is not None:
                    state[output.path] = pieces
        return state

    # --- the build cache's pieces (piecerows.py) ---------------------------------------

    def _store_rows(self, file_path: str, made: list[tuple[str, str, str, bytes]]) -> None:
        """Store rows (item, key, digest, bytes) as they are; best effort."""
        store_rows(self._database(file_path), made)

    def _database(self, file_path: str) -> Path:
        return database_path(self.folder, file_path)

    def _index(self, file_path: str) -> dict[str, tuple[str, str, None]]:
        """piece path → (key, digest, None) of every stored piece, and the
        file's signature; the bytes are read only when needed (:meth:`_read_stored`)."""
        return stored_index(self._database(file_path))

    def _read_stored(self, file_path: str, current: dict[str, tuple[str, str, bytes | None]]) -> None:
        """Fill in, in ``current``, the bytes of the pieces known only by their
        digest, from the stored pieces that have that key and are whole;
        those that cannot be read stay None. Once for each file."""
        if self.folder is None or file_path in self.read or all(data is not None for _, _, data in current.values()):
            return
        self.read.add(file_path)
        read_stored(self._database(file_path), current)

    def _store(self, file_path: str, made: list[tuple[str, str, str, bytes]],
               current: Mapping[str, tuple[str, str, bytes | None]], layout: bytes | None) -> None:
        """Store the pieces made, the file's signature and digest, and its layout (if new)."""
        with self.rows(file_path) as rows:
            rows.add(made)
            rows.finish(current, layout)

    def new_layout(self, parts: list[Part], stored: Mapping[str, tuple[str, str, None]], signed: str) -> bytes | None:
        """The order of the file's parts, to store with its signature, unless
        the cache has it for that signature already (or keeps no pieces)."""
        if self.folder is None or stored.get(LAYOUT, ("",))[0] == signed:
            return None
        return layout_of(parts)

    @contextmanager
    def rows(self, file_path: str) -> Iterator["StoredRows"]:
        """The file's stored pieces, read and written while it is composed;
        the rows written since the last commit are rolled back if
        :meth:`StoredRows.finish` is not reached."""
        rows = StoredRows(self._database(file_path) if self.folder is not None else None)
        try:
            yield rows
        finally:
            rows.close()


class Composition:
    """A data file made of pieces, its bytes made as they are read
    (:meth:`PieceStore.compose`): read it once, to the end, and
    :attr:`digest` is then theirs. The pieces made on the way are stored as
    they are made, and the file's signature when the last has been read: a
    file not read to the end stores no signature, so a build uses its
    pieces only by their own keys and digests.

    :attr:`compare`: whether its bytes may be the live file's (so the sink
    compares them as they come): not when the pieces made again were found
    to change its signature."""

    def __init__(self, store: PieceStore, file_path: str, parts: list[Part],
                 current: dict[str, tuple[str, str, bytes | None]], to_make: Mapping[str, Piece],
                 made: list[tuple[str, str, str, bytes]], stored: Mapping[str, tuple[str, str, None]],
                 compare: bool = True):
        self.store, self.file_path, self.parts = store, file_path, parts
        self.current, self.to_make, self.made, self.stored = current, to_make, made, stored
        self.compare = compare
        self.digest = ""  # set once the last bytes have been read

    def __iter__(self) -> Iterator[bytes]:
        store, current = self.store, self.current
        whole = hashlib.blake2b(digest_size=16)
        with store.rows(self.file_path) as rows:
            rows.add(self.made)
            self.made = []
            for part in self.parts:
                chunk = part if isinstance(part, bytes) else self._piece(part, rows)
                whole.update(chunk)
                yield chunk
            order = [part if isinstance(part, bytes) else part.path for part in self.parts]
            signed = signature_of(order, current)
            self.digest = whole.hexdigest()
            current[SIGNATURE] = (signed, self.digest, b"")
            rows.finish(current, store.new_layout(self.parts, self.stored, signed))

    def _piece(self, piece: Piece, rows: StoredRows) -> bytes:
        """A piece's bytes: as kept, as stored, or made again (and stored);
        then forgotten here unless the store keeps them for the next run."""
        key, checksum, data = self.current[piece.path]
        if data is None and piece.path not in self.to_make:
            data = rows.read(piece.path, key, checksum)
        if data is None:  # to make; or stored, but damaged or gone since
            data = piece.produce()
            checksum = digest(data)
            rows.add([(piece.path, key, checksum, data)])
        self.current[piece.path] = (key, checksum, data if self.store.keep_bytes else None)
        return data


def layout_of(parts: list[Part]) -> bytes | None:
    """The order of a file's parts: the fixed ones' text, the pieces' paths
    (JSON); None if a fixed part is not UTF-8 text (the file is then never recomposed)."""
    try:
        return json.dumps([[0, part.decode("utf-8")] if isinstance(part, bytes) else [1, part.path]
                           for part in parts], ensure_ascii=False).encode("utf-8")
    except UnicodeDecodeError:
        return None


def parsed_layout(data: bytes | None) -> list[bytes | str] | None:
    """:func:`layout_of`'s order read back: fixed bytes, and piece paths; None if it is not one."""
    try:
        order = json.loads(data)
        if not all(kind in (0, 1) and isinstance(text, str) for kind, text in order):
            return None
        return [text.encode("utf-8") if kind == 0 else text for kind, text in order]
    except (TypeError, ValueError):
        return None


def signature_of(order: list[bytes | str], pieces: Mapping[str, tuple[str, str, bytes | None]]) -> str:
    """A file's signature (:meth:`PieceStore.compose`): of its fixed parts, and each piece's path and digest."""
    signature = hashlib.blake2b(digest_size=16)
    for part in order:
        if isinstance(part, bytes):
            signature.update(b"\0" + part)
        else:
            signature.update(f"\0{part}\0{pieces[part][1]}".encode())
    return signature.hexdigest()
