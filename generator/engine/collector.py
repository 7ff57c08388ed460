"""Python's cycle collector, kept out of the way of the build.

A build makes millions of small objects that live until it ends (the
checked files, the graph, the analysis) and little cyclic garbage. Each
collection of the oldest generation walks every live object, and at 10,000
articles those walks cost more than the work: analysis took 6.6 s with the
collector on and 1.9 s with it off, reading the checked files from the cache
3.7 s and 1.8 s, with the same peak memory. So the collector is off while a
build works (:func:`collector_paused`). Workers turn it back on for
themselves (their own garbage is theirs to collect, ``workers.py``).

``serve`` keeps what a run made until the next save, and then the model is
alive between runs: every collection of the oldest generation walked its
1.4 million objects (0.3 s at 10,000 articles), and one followed almost
every save. :class:`LongLivedCollector` collects, after each run, only the
objects made during it, then freezes what lives on (``gc.freeze``), so that
later collections leave it alone. What is frozen and dropped later is still
freed, by its reference count: the model holds no reference cycles
(``feeds.plan``). What is frozen in a cycle (a Jinja environment when the
templates change, an exception's traceback) is collected by a full
collection every :data:`FULL_COLLECTION_EVERY` runs.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

FULL_COLLECTION_EVERY = 20  # runs of a long-lived process between full collections (0.3 s each at 10,000 articles)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off while a build works, as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LongLivedCollector:
    """The collector for a process that keeps what each run made (``serve``)."""

    def __init__(self, full_every: int = FULL_COLLECTION_EVERY):
        self.full_every = full_every
        self.runs = 0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The collector off during a run; afterwards the garbage the run made
        collected (and, every ``full_every`` runs, all garbage), and what
        lives on frozen, before the collector is on again."""
        with collector_paused():
            try:
                yield
            finally:
                self.runs += 1
                if self.runs % self.full_every == 0:
                    gc.unfreeze()
                    gc.collect()
                else:
                    gc.collect(0)
                gc.freeze()
