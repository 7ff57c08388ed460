"""Indexing ahead, in a build after an edit of articles' text alone.

In that build (``partialrun.py``) the search index is most of the time: the
edited article's page is in a shard of some 650 pages at 10,000 articles,
and Pagefind indexes them again, one after another on one core, 1.5 s of a
2.8 s build. Pagefind numbers pages in the order it gets them, so they go in
path order (``search.index_pages``), and every page that sorts before the
first one the edit changes is the last build's, as it is in the live site.

So, as soon as the build knows which pages show the edited texts, a
Pagefind process is started, and a forked process works out the shard of
the first of those pages from the last build's record (its pages, their
sizes and which mark a search body: the shards a build plans from them,
unless sizes have crossed a boundary) and sends Pagefind the live pages up
to the first page that is to change, while the build plans and renders.
The search step hands the rest over (:meth:`IndexAhead.finish`, from
``search_shards.index_shards``). A process rather than a thread: reading,
encoding and planning take 0.13 s of Python at 10,000 articles, which a
thread took from the build under Python's lock.

It is a guess, checked before it is used: the shard must be the one the
search step plans (same pages, same language), and every page sent must have
the digest of that page in the new site. Otherwise, or if anything failed on
the way, Pagefind is stopped and the shard indexed from scratch. Either way
the index is the one a full build makes, byte for byte (``tests/
test_search_ahead.py``). What is not taken is stopped when the build ends
(:meth:`IndexAhead.__exit__`); a killed build's processes end with it
(``workers.Background``, ``search.Service``).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Collection, Mapping

from .cache import LAST_BUILD, OUTPUTS, BuildCache, digest
from .manifest import is_output_path
from .search import GET_FILES, SearchError, Service, add_file, index_files, new_index
from .search_shards import SearchState, Shard, plan_shards
from .workers import Background, can_fork, worker_count

BATCH = 16  # pages encoded before they are written to Pagefind's input


@dataclass(frozen=True)
class Fed:
    """What was sent ahead: the shard, its language, each page sent (path,
    digest of the bytes sent) in order, and how many messages in all."""

    shard: Shard
    language: str
    sent: tuple[tuple[str, str], ...]
    messages: int

    def matches(self, shard: Shard, language: str, digests: Mapping[str, str]) -> bool:
        return (shard == self.shard and language == self.language
                and all(digests.get(path) == page_digest for path, page_digest in self.sent))


class IndexAhead:
    """The shard begun for a build, if any; a context manager that stops it if it was not taken."""

    def __init__(self, service: Service | None = None, feeding: Background | None = None):
        self.service, self.feeding = service, feeding
        self.fed: Fed | None = None
        self.lock = threading.Lock()  # the search step indexes two shards at a time, each from its thread

    @classmethod
    def start(cls, cache: BuildCache, changing: Collection[str]) -> "IndexAhead":
        """Begin the shard of the first page in ``changing`` (output paths),
        by the last build's record in ``cache``; nothing where this process
        cannot fork or has one core to work on."""
        if worker_count() < 2 or not can_fork():
            return cls()
        try:
            service = Service()
        except SearchError:
            return cls()  # the search step says so
        service.widen_pipes()
        try:
            feeding = Background(feed, service, cache, frozenset(changing), again=False)
        except BaseException:  # the fork failed, or Ctrl+C held back during it: Pagefind is ours to end
            service.close()
            raise
        return cls(service, feeding)

    def finish(self, shard: Shard, language: str, digests: Mapping[str, str],
               read: Callable[[str], bytes]) -> dict[str, bytes] | None:
        """The shard's index files, Pagefind given the pages it was not sent
        (``read`` from the new site); None if nothing was begun for this very
        shard with these pages (then it is indexed from scratch). Raises ``SearchError``."""
        with self.lock:
            if self.service is None or self.feeding is None:
                return None
            if self.fed is None:
                fed = self.feeding.wait()
                if not isinstance(fed, Fed):
                    self.stop()
                    return None
                self.fed = fed
            if shard.name != self.fed.shard.name:
                return None  # begun for another shard, which may come
            service, self.service = self.service, None
        if not self.fed.matches(shard, language, digests):
            service.close()
            return None
        service.sent = self.fed.messages
        rest = shard.pages[len(self.fed.sent):]
        replies = service.finish(itertools.chain((add_file(path, read(path)) for path in rest), [GET_FILES]),
                                 len(rest) + 1)
        return index_files(replies[-1], shard.folder)

    def __enter__(self) -> "IndexAhead":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        with self.lock:
            self.stop()

    def stop(self) -> None:
        """Stop Pagefind and the feeding process (which, if still writing, gets an error and ends)."""
        if self.service is not None:
            self.service.close()
            if self.feeding is not None and self.fed is None:
                self.feeding.wait()
            self.service = None


def feed(service: Service, cache: BuildCache, changing: frozenset[str]) -> Fed | None:
    """In the forked process: send Pagefind the live pages of the shard of
    the first page in ``changing``, up to the first that is to change (or is
    not the page recorded); what was sent, or None if nothing was begun."""
    try:
        planned = planned_from_record(cache.load_json(LAST_BUILD), cache.load_json(OUTPUTS), changing)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None  # not a record this version wrote
    if planned is None:
        return None
    live, recorded, language, shard = planned
    if not service.send([new_index(language)]):
        return None
    sent: list[tuple[str, str]] = []
    batch: list[dict] = []
    for path in shard.pages:
        if path in changing:
            break
        try:
            page = (live / path).read_bytes()
            request = add_file(path, page)
        except (OSError, ValueError):  # unreadable, or not UTF-8: from the new site, then
            break
        page_digest = digest(page)
        if page_digest != recorded.get(path):
            break  # not the page the last build wrote: the rest come from the new site
        batch.append(request)
        sent.append((path, page_digest))
        if len(batch) == BATCH:
            if not service.send(batch):
                return None
            batch = []
    if not service.send(batch):
        return None
    return Fed(shard, language, tuple(sent), service.sent)


def planned_from_record(record: Any, outputs: Any, changing: frozenset[str]) -> tuple | None:
    """From the last build's records: its live folder, each page's recorded
    digest, the index's language and the first shard that holds a page in
    ``changing``; None if there is none."""
    previous = SearchState.from_json(outputs["search"])
    manifest = outputs["manifest"]
    if not previous.language or not previous.seen:
        return None
    indexed = [path for path, (_, marked) in previous.seen.items() if marked] or list(previous.seen)
    if not all(map(is_output_path, indexed)):
        return None  # a path outside the site: never read (the record is untrusted, as any cache)
    shard = next((shard for shard in plan_shards({path: int(manifest[path][1]) for path in indexed})
                  if not changing.isdisjoint(shard.pages)), None)
    if shard is None:
        return None
    return Path(str(record["out_dir"])), {path: str(manifest[path][0]) for path in shard.pages}, previous.language, shard
