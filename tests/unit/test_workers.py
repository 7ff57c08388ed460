"""workers.parallel_map: results in order, from several processes when it pays."""

from __future__ import annotations

import os

import pytest

from generator import workers


def pids_and_squares(chunk):
    return [(os.getpid(), n * n) for n in chunk]


def test_results_come_back_in_order_from_more_than_one_process(monkeypatch):
    if not workers.can_fork():
        pytest.skip("no fork on this platform")
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    items = list(range(500))
    results = workers.parallel_map(pids_and_squares, items)
    assert [square for _, square in results] == [n * n for n in items]
    assert len({pid for pid, _ in results}) >= 2
    assert os.getpid() not in {pid for pid, _ in results}


def test_small_jobs_and_one_worker_stay_in_this_process(monkeypatch):
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    assert {pid for pid, _ in workers.parallel_map(pids_and_squares, list(range(10)))} == {os.getpid()}
    monkeypatch.setenv("FACTCHECK_WORKERS", "1")
    assert {pid for pid, _ in workers.parallel_map(pids_and_squares, list(range(500)))} == {os.getpid()}


def test_progress_is_reported_until_everything_is_done(monkeypatch):
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    seen = []
    workers.parallel_map(pids_and_squares, list(range(300)), lambda done, total: seen.append((done, total)))
    assert seen[-1] == (300, 300)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_split_covers_every_item_once():
    for count in (0, 1, 7, 100, 101):
        bounds = workers.split(count, 16)
        covered = [i for start, stop in bounds for i in range(start, stop)]
        assert covered == list(range(count))
