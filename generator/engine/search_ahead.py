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
Once the build has planned the pages that change, it renders them and
hands them over (:meth:`IndexAhead.hand_over`), and the process sends the
rest of the shard: those pages, and the live ones after them, which an edit
of text alone leaves as they are. Pagefind then indexes the whole shard
while the build makes annotations.jsonld, opens its staging folder and
renders (at 10,000 articles, 0.4 s of a build of 1.5 s, which it waited
for before the pages after the edited one were sent). The search step
takes the index, or sends what was not sent (:meth:`IndexAhead.finish`,
from ``search_shards.index_shards``). A process rather than a thread:
reading, encoding and planning take 0.13 s of Python at 10,000 articles,
which a thread took from the build under Python's lock.

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
import multiprocessing
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from multiprocessing.connection import Connection
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

    def __init__(self, service: Service | None = None, feeding: Background | None = None,
                 handover: Connection | None = None):
        self.service, self.feeding = service, feeding
        self.fed: Fed | None = None
        self.lock = threading.Lock()  # the search step indexes two shards at a time, each from its thread
        self.handover = handover  # the sending end of the pipe to the feeding process, until used
        self.handing: threading.Thread | None = None

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
            receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
        except BaseException:  # out of file descriptors: Pagefind is ours to end
            service.close()
            raise
        try:
            feeding = Background(feed, service, cache, frozenset(changing), receiving, sending, again=False)
        except BaseException:  # the fork failed, or Ctrl+C held back during it: Pagefind is ours to end
            service.close()
            sending.close()
            raise
        finally:
            receiving.close()
        return cls(service, feeding, sending)

    @property
    def wants_pages(self) -> bool:
        """Whether the pages that change are yet to be handed over."""
        return self.handover is not None

    def hand_over(self, pages: Mapping[str, bytes]) -> None:
        """Give the feeding process the new ``pages`` (path → bytes), the
        pages that change, so that it sends the shard's rest; written from a
        thread, since the process reads them only once it has sent the pages
        before them. Once only: later, or ``{}``, the process stops at the
        first page that changes."""
        with self.lock:
            sending, self.handover = self.handover, None
        if sending is None:
            return
        # Whatever fails before the thread runs, the process is told there
        # are none (a few bytes, into an empty pipe), or it would wait for ever.
        try:
            message = handover_message(pages)
        except BaseException:
            send_and_close(sending, handover_message({}))
            raise
        handing = threading.Thread(target=send_and_close, args=(sending, message), daemon=True)
        try:
            handing.start()
        except RuntimeError:  # no thread could be started
            send_and_close(sending, handover_message({}))
            raise
        self.handing = handing

    def finish(self, shard: Shard, language: str, digests: Mapping[str, str],
               read: Callable[[str], bytes]) -> dict[str, bytes] | None:
        """The shard's index files, Pagefind given the pages it was not sent
        (``read`` from the new site); None if nothing was begun for this very
        shard with these pages (then it is indexed from scratch). Raises ``SearchError``."""
        self.hand_over({})  # nothing was handed over: it stops at the first page that changes
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
        self.hand_over({})
        with self.lock:
            self.stop()
        if self.handing is not None:
            self.handing.join()  # its pipe's reader is gone: it ends, if it has not

    def stop(self) -> None:
        """Stop Pagefind and the feeding process (which, if still writing, gets
        an error and ends; if waiting for the pages handed over, has them, or
        that there are none, by now: every path through this class writes
        the pipe before it waits)."""
        if self.service is not None:
            self.service.close()
            if self.feeding is not None and self.fed is None:
                self.feeding.wait()
            self.service = None


def feed(service: Service, cache: BuildCache, changing: frozenset[str], receiving: Connection,
         sending: Connection) -> Fed | None:
    """In the forked process: send Pagefind the live pages of the shard of
    the first page in ``changing``, up to the first that is to change; then,
    with the new pages handed over (through the pipe's ``receiving`` end),
    the rest; stop at a page that is neither handed over nor the page
    recorded. What was sent, or None if nothing was begun."""
    sending.close()  # the build's: its closing must be an end of file here
    with receiving:
        return feed_shard(service, cache, changing, receiving)


def feed_shard(service: Service, cache: BuildCache, changing: frozenset[str], handed_over: Connection) -> Fed | None:
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
    new_pages: dict[str, bytes] | None = None
    for path in shard.pages:
        if path in changing:
            if new_pages is None:
                if not service.send(batch):  # Pagefind works on these while the build renders the new pages
                    return None
                batch = []
                new_pages = read_handover(handed_over)
            if path not in new_pages:
                break
            page = new_pages[path]
            page_digest = digest(page)
        else:
            try:
                page = (live / path).read_bytes()
            except OSError:
                break
            page_digest = digest(page)
            if page_digest != recorded.get(path):
                break  # not the page the last build wrote: the rest come from the new site
        try:
            request = add_file(path, page)
        except ValueError:  # not UTF-8: from the new site, then, where the search step says so
            break
        batch.append(request)
        sent.append((path, page_digest))
        if len(batch) == BATCH:
            if not service.send(batch):
                return None
            batch = []
    if not service.send(batch):
        return None
    return Fed(shard, language, tuple(sent), service.sent)


def handover_message(pages: Mapping[str, bytes]) -> bytes:
    """``pages`` as :func:`read_handover` reads them (pickled, as a
    ``Background`` job's result travels: between this process and one it forked)."""
    return pickle.dumps(dict(pages))


def read_handover(connection: Connection) -> dict[str, bytes]:
    """The pages handed over (path → bytes); none if the build ended the
    pipe without them, or what came is not a whole handover."""
    try:
        return pickle.loads(connection.recv_bytes())
    except (EOFError, OSError, pickle.UnpicklingError):
        return {}


def send_and_close(connection: Connection, message: bytes) -> None:
    """``message`` sent through ``connection``, which is then closed; a
    reader that is gone (the feeding process ended) is no error."""
    try:
        connection.send_bytes(message)
    except OSError:
        pass
    finally:
        connection.close()


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
