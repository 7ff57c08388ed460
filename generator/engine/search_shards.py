"""The search index in shards: several Pagefind indexes that the browser merges.

One Pagefind index over every page must be made again, whole, whenever one
page changes, and Pagefind holds all of it in memory while it works (6.3 GB
for 13,244 pages at 10,000 articles, issue 13). So the indexed pages are
split into shards, each its own Pagefind index in its own folder,
``pagefind/<kind>-<n>/``, exactly as Pagefind writes it:

- by kind, the page path's first folder (articles, claims, actors, outlets),
  then by a stable hash of the path: a page stays in its shard as others
  come and go, and an edit re-indexes only the shards of the pages whose
  bytes changed (:func:`refresh_index`, for ``build`` and ``serve`` alike:
  the others are kept from the previous site, on disk or in memory);
- a kind gets the fewest buckets, a power of two, that keep its shards to
  ``SHARD_PAGES`` pages and ``SHARD_BYTES`` of HTML on average. Doubling
  rather than counting up splits each shard in two, so a kind's shards are
  all re-made only when it has doubled (or halved), never one page after
  another across a boundary.

``pagefind/shards.json`` lists the shard folders; ``templates/static/search.js``
loads Pagefind's UI from the first and has it search every shard through
``templates/static/search/pagefind.js``, which finds what one index finds
(``tests/browser/test_search.py`` compares them over 26 shards). Pagefind's
own merging (``mergeIndex``) does not: where a shard has no word that starts
like a searched one, Pagefind searches that shard for the longest word the
searched one starts with ("he" for "Helmand"), which one index does only
when no page at all has such a word, and merging keeps what each shard
found; search/pagefind.js applies one index's rule across the shards
instead. What remains Pagefind's is the order: each index ranks its pages
against its own statistics (how rare a word is in it), and merged results
are sorted by those scores.

Sizes (1,000- and 2,000-article corpora of ``tests/bench``; ``tests/bench/
search_shards.py`` measures them): Pagefind's time and memory grow in
proportion to the pages it indexes, on one core per index: 3.8 s and 243 MB
for 1,000 article pages (16 MB of HTML), 7.5 s and 472 MB for 2,000; 1.8 s
and 97 MB for 200 claim pages (12.9 MB), 3.5 s and 174 MB for 400; 0.54 s
for 125 articles, so a shard costs ~0.1 s more than its pages in a larger
index. At 500 pages a shard is at most ~0.25 GB for two Pagefind processes
at once, and a one-article change re-indexes 250-500 articles. A
10,000-article site (``tests/bench``'s) is 39 shards: 32 of articles (267-342
pages each), 4 of claims and 2 of actors (held to 32 MB of HTML each), 1 of
outlets. (41 when actor pages listed every claim, before their lists were
put on numbered pages; the measurements below are of those 41.)

What the shard size trades, measured at 10,000 articles: a build after one
article's text changed took 2.2-2.7 s with shards of 631 articles (1,000
pages at most, 25 shards), 1.6-1.9 s with 316 (41 shards), most of it
Pagefind remaking the edited page's shard. A reader's first search fetches
from each shard two small files, then one chunk per searched word, and
Pagefind's WebAssembly (~70 KB) once for all shards (``search/worker.js``;
each shard's Pagefind used to fetch its own copy); measured in Chromium on a
local server, six queries: 0.81-0.88 s, 85 requests and 785 KB with 25
shards, 0.99-1.04 s, 133 requests and 1.2 MB with 41 (0.84-0.87 s, 108
requests and 2.4 MB with 25 before the WebAssembly was shared); later
searches 0.35 s either way. More, smaller shards make edits quicker and
readers' first search slower.

Determinism: pages go to Pagefind sorted by path (``search.index_pages``),
shards are listed in a fixed order, and nothing depends on which shards were
kept: the same pages give the same bytes.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence

from ..core.layout import SEARCH_FOLDER
from ..outputs.base import stable_hash
from ..core.layout import SEARCH_SHARD_LIST as SHARD_LIST
from .cache import dependency_version, digest
from .search import SENT_FORM, index_pages, marks_search_body
from .write import Sink, Written

SHARD_PAGES = 500  # pages a shard holds on average, at most
SHARD_BYTES = 32 << 20  # bytes of HTML a shard holds on average, at most (heavy claim and outlet pages)
# Pagefind indexes on one core per index (CPU time ≈ wall time), so two
# indexes at once use both cores of the machines this runs on.
INDEX_JOBS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Shard:
    """One Pagefind index: its name and the paths of its pages, sorted."""

    name: str
    pages: tuple[str, ...]

    @property
    def folder(self) -> str:
        return f"{SEARCH_FOLDER}/{self.name}/"


SEARCH_PREFIX = f"{SEARCH_FOLDER}/"


def is_search_file(path: str) -> bool:
    """A file of the search index (every shard and the shard list)."""
    return path.startswith(SEARCH_PREFIX)


def plan_shards(sizes: Mapping[str, int]) -> list[Shard]:
    """The shards of the pages to index (path → size in bytes), in their fixed order."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for path in sorted(sizes):
        by_kind[kind_of(path)].append(path)
    shards = []
    for kind, paths in sorted(by_kind.items()):
        count = bucket_count(len(paths), sum(sizes[path] for path in paths))
        buckets: dict[int, list[str]] = defaultdict(list)
        for path in paths:
            buckets[stable_hash(path) % count].append(path)
        shards += [Shard(f"{kind}-{bucket}", tuple(buckets[bucket])) for bucket in sorted(buckets)]
    return shards


def kind_of(path: str) -> str:
    """"claims/river-clean/index.html" → "claims"; a page at the top → "site"."""
    return path.split("/", 1)[0] if "/" in path else "site"


def bucket_count(pages: int, size: int) -> int:
    """The fewest buckets, a power of two, that keep a shard within both limits on average."""
    count = 1
    while pages > count * SHARD_PAGES or size > count * SHARD_BYTES:
        count *= 2
    return count


def shard_key(shard: Shard, digests: Mapping[str, str], language: str, pagefind: str) -> str:
    """What a shard's index is made from: its pages' bytes (by digest), the
    language, Pagefind's version (``pagefind``) and the form its pages are
    sent in. Same key, same index."""
    return digest(json.dumps(
        [language, pagefind, SENT_FORM, [(path, digests[path]) for path in shard.pages]]
    ).encode())


class Ahead(Protocol):
    """Shards begun before the search step (``search_ahead.IndexAhead``)."""

    def finish(self, shard: Shard, language: str, digests: Mapping[str, str],
               read: Callable[[str], bytes]) -> dict[str, bytes] | None: ...


def index_shards(shards: Sequence[Shard], read: Callable[[str], bytes], language: str,
                 ahead: Ahead | None = None, digests: Mapping[str, str] | None = None) -> dict[str, dict[str, bytes]]:
    """Each shard's files (shard name → path → bytes), ``INDEX_JOBS`` Pagefind processes at a time.
    A shard begun ``ahead`` is finished there if it is this very shard with
    these pages (``digests``, path → digest); the others are indexed here.

    A shard's pages are read when its turn comes, so memory holds the pages
    and index of at most ``INDEX_JOBS`` shards. After a failure no shard is
    started; the first is raised once the running indexes have ended.

    The threads are daemons (a ``ThreadPoolExecutor``'s are not): when
    ``serve`` is stopped while it indexes, the process exits without
    waiting for them, and each Pagefind exits when its input is closed
    (``search.Service``). At 10,000 articles a first index takes minutes.
    """
    waiting = list(reversed(shards))
    made: dict[str, dict[str, bytes]] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()

    def index() -> None:
        while True:
            with lock:
                if failures or not waiting:
                    return
                shard = waiting.pop()
            try:
                files = ahead.finish(shard, language, digests or {}, read) if ahead is not None else None
                if files is None:
                    files = index_pages({path: read(path) for path in shard.pages}, language, shard.folder)
            except BaseException as failure:  # raised in the caller's thread, below
                with lock:
                    failures.append(failure)
                return
            with lock:
                made[shard.name] = files

    threads = [threading.Thread(target=index, name="search-index", daemon=True)
               for _ in range(min(INDEX_JOBS, len(shards)))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:  # interrupted (Ctrl+C in a build): no shard is started after
        with lock:
            waiting.clear()
    if failures:
        raise failures[0]
    return {shard.name: made[shard.name] for shard in shards}


def shard_list(shards: Sequence[Shard]) -> bytes:
    """``pagefind/shards.json``: the shard folders, relative to ``pagefind/``, the first one Pagefind's UI loads from."""
    return json.dumps({"shards": [f"{shard.name}/" for shard in shards]}, indent=1).encode() + b"\n"


# --- one way to reuse or refresh the index, for build and serve ----------------------


@dataclass(frozen=True)
class SearchState:
    """What an index was made from: each shard's key (:func:`shard_key`), and
    for each HTML page looked at, its digest and whether it marks a search body."""

    keys: Mapping[str, str] = field(default_factory=dict)
    seen: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    language: str = ""  # the one Pagefind was told the pages are in

    def to_json(self) -> dict:
        return {"keys": dict(self.keys), "seen": {path: list(entry) for path, entry in self.seen.items()},
                "language": self.language}

    @classmethod
    def from_json(cls, value: Any) -> "SearchState":
        """The state stored by :meth:`to_json`; an empty one (index everything) for anything else."""
        try:
            keys = {str(name): str(key) for name, key in value["keys"].items()}
            seen = {str(path): (str(entry[0]), bool(entry[1])) for path, entry in value["seen"].items()}
            language = value.get("language", "")
        except (KeyError, TypeError, AttributeError, IndexError):
            return cls()
        return cls(keys, seen, language if isinstance(language, str) else "")


@dataclass(frozen=True)
class RefreshedIndex:
    """The index's files in the sink (path → entry), how many were written, and its new state."""

    entries: dict[str, Written]
    written: int
    state: SearchState


def refresh_index(sink: Sink, pages: Mapping[str, Written], language: str, previous: SearchState,
                  ahead: Ahead | None = None) -> RefreshedIndex:
    """Put the search index of the HTML ``pages`` (path → entry, as in the
    sink) into ``sink``: a shard whose key is the one it had in ``previous``
    is kept from the previous site as it is, the others are made anew by
    Pagefind from the pages in the sink (or finished from what was begun
    ``ahead``). Raises ``SearchError``."""
    seen = {path: (entry.digest, marks_body(sink, path, entry.digest, previous)) for path, entry in sorted(pages.items())}
    # Once any page marks a search body, Pagefind ignores every page without one:
    # those are left out rather than sent, parsed and dropped (at 10,000
    # articles the lists and /compare/ are a sixth of the HTML). None marked: all.
    indexed = [path for path, (_, marked) in seen.items() if marked] or list(seen)
    shards = plan_shards({path: pages[path].size for path in indexed})
    # Pagefind's version read once: from its package's metadata on disk, 0.4 ms a read.
    pagefind = dependency_version("pagefind-bin")
    keys = {shard.name: shard_key(shard, {path: pages[path].digest for path in shard.pages}, language, pagefind)
            for shard in shards}
    entries: dict[str, Written] = {}
    stale = []
    files_of = files_by_folder(sink.previous)
    for shard in shards:
        kept = keys[shard.name] == previous.keys.get(shard.name) and keep_folder(sink, files_of.get(shard.folder, []))
        if kept:
            entries.update(kept)
        else:
            stale.append(shard)
    # Not while Pagefind indexes: keeping in this thread then slowed the
    # threads that feed Pagefind and read its replies (1.5 s -> 1.8 s for
    # one article's shard at 10,000 articles) more than it saved.
    digests = {path: entry.digest for path, entry in pages.items()} if ahead is not None else None
    made = index_shards(stale, sink.read, language, ahead, digests)
    files = {SHARD_LIST: shard_list(shards)}
    for shard_files in made.values():
        files.update(shard_files)
    written = 0
    for path, data in sorted(files.items()):
        entries[path], changed = sink.put(path, data)
        written += changed
    return RefreshedIndex(entries, written, SearchState(keys, seen, language))


def marks_body(sink: Sink, path: str, page_digest: str, previous: SearchState) -> bool:
    """Whether a page marks a search body; a page with the bytes it had when
    the previous index was made is not read again (370 MB at 10,000 articles)."""
    before = previous.seen.get(path)
    if before is not None and before[0] == page_digest:
        return before[1]
    return marks_search_body(sink.read(path))


def files_by_folder(manifest: Mapping[str, Written]) -> dict[str, list[str]]:
    """The search index's files of ``manifest``, by shard folder ("pagefind/<name>/")."""
    folders: dict[str, list[str]] = defaultdict(list)
    after_prefix = len(SEARCH_PREFIX)
    for path in manifest:
        if path.startswith(SEARCH_PREFIX) and (end := path.find("/", after_prefix)) >= 0:
            folders[path[:end + 1]].append(path)
    return folders


def keep_folder(sink: Sink, paths: Sequence[str]) -> dict[str, Written] | None:
    """Every file the previous site had in a folder (``paths``), kept as it
    is; None if there was none or one of them is no longer what was written."""
    kept = {path: sink.keep(path) for path in paths}
    return kept if kept and all(kept.values()) else None
