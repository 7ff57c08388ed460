"""The cycle collector around serve's runs (``engine/collector.py``): the
garbage a run made is collected after it, what lives on is frozen, and a
cycle frozen and dropped later is freed by the next full collection."""

from __future__ import annotations

import gc
import weakref

from generator.engine.collector import LongLivedCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_each_runs_garbage_is_collected_and_frozen_cycles_every_few_runs():
    collector = LongLivedCollector(full_every=3)
    gc.unfreeze()
    try:
        with collector.paused():  # run 1
            made = weakref.ref(Node())
        assert made() is None  # garbage of the run: collected after it
        with collector.paused():  # run 2
            kept = Node()
        frozen = weakref.ref(kept)
        assert gc.get_freeze_count() > 0
        del kept
        gc.collect(0), gc.collect(1)  # what the process does between runs
        assert frozen() is not None  # frozen, so left alone
        with collector.paused():  # run 3: a full collection
            pass
        assert frozen() is None
    finally:
        gc.unfreeze()
