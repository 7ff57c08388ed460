"""Indexing ahead in a build after a text edit (``engine/search_ahead.py``):
the edited article's shard is begun from the live pages while the build
plans and renders, finished with the new pages, and the index is the one a
full build makes; a guess that does not hold is not used, and nothing it
started outlives the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.engine import search_ahead
from generator.engine.build import build
from generator.engine.search import GET_FILES, Service, add_file, index_pages, new_index
from generator.engine.search_ahead import Fed, IndexAhead, planned_from_record
from generator.engine.search_shards import Shard
from synthetic import make_site

EDITED = 15  # of 30 articles: its page sorts after many in its shard


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")  # the feeding process, even on a one-core machine
    made = make_site(tmp_path / "site", articles=30, seed=11)
    assert build(made.root).ok
    return made


@pytest.fixture
def ahead_log(monkeypatch):
    """What each shard's finish gave (files or None), what was fed, and every Pagefind started."""
    log = {"begun": [], "finished": [], "fed": [], "services": []}
    real_start, real_finish, real_init = IndexAhead.start.__func__, IndexAhead.finish, Service.__init__

    def start(cls, *args, **kwargs):
        ahead = real_start(cls, *args, **kwargs)
        log["begun"].append(ahead.service is not None)
        return ahead

    def finish(self, *args, **kwargs):
        files = real_finish(self, *args, **kwargs)
        log["finished"].append(files is not None)
        if self.fed is not None:
            log["fed"].append(self.fed)
        return files

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        log["services"].append(self)

    monkeypatch.setattr(IndexAhead, "start", classmethod(start))
    monkeypatch.setattr(IndexAhead, "finish", finish)
    monkeypatch.setattr(Service, "__init__", init)
    return log


def edit_text(made) -> None:
    path = made.root / "content" / "articles" / f"{sorted(made.articles)[EDITED]}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence at the end.\n", encoding="utf-8")


def assert_as_a_clean_build(made, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(made.root, clean, ignore=shutil.ignore_patterns(".factcheck-cache", "public"))
    assert build(clean, use_cache=False).ok
    assert files_of(made.root / "public") == files_of(clean / "public")


def assert_begun_then_indexed_from_scratch(made, log, tmp_path: Path) -> None:
    """After a text edit: the shard was fed ahead, not used, and the site is a clean build's."""
    edit_text(made)
    assert build(made.root).ok
    assert log["fed"] and True not in log["finished"]
    assert_as_a_clean_build(made, tmp_path)
    assert_no_pagefind_left(log)


def assert_no_pagefind_left(log) -> None:
    assert log["services"] and all(service.process.poll() is not None for service in log["services"])


def test_the_edited_articles_shard_is_finished_from_what_was_sent_ahead(site, ahead_log, tmp_path):
    edit_text(site)
    result = build(site.root)
    assert result.ok and result.rendered <= 3
    assert ahead_log["begun"] == [True] and True in ahead_log["finished"]
    (fed,) = ahead_log["fed"]
    page = f"articles/{sorted(site.articles)[EDITED]}/index.html"
    # The whole shard was sent ahead: the live pages before the edited one,
    # then, handed over once the build had planned it, the edited page, and
    # the live pages after it.
    assert [path for path, _ in fed.sent] == list(fed.shard.pages)
    assert fed.shard.pages.index(page) > 0 and page != fed.shard.pages[-1]
    assert_as_a_clean_build(site, tmp_path)
    assert_no_pagefind_left(ahead_log)


def test_several_edited_pages_in_the_shard_are_all_handed_over(site, ahead_log, tmp_path):
    edit_text(site)  # and a second article of its shard (not the one /about/data/ quotes, which takes the whole run)
    second = site.root / "content" / "articles" / f"{sorted(site.articles)[EDITED + 3]}.md"
    second.write_text(second.read_text(encoding="utf-8") + "\nAnd a sentence here.\n", encoding="utf-8")
    result = build(site.root)
    assert result.ok and True in ahead_log["finished"], result.summary()
    (fed,) = ahead_log["fed"]
    edited = {f"articles/{sorted(site.articles)[n]}/index.html" for n in (EDITED, EDITED + 3)}
    assert edited <= set(fed.shard.pages) and [path for path, _ in fed.sent] == list(fed.shard.pages)
    assert_as_a_clean_build(site, tmp_path)
    assert_no_pagefind_left(ahead_log)


def test_a_handover_that_fails_leaves_nothing_waiting_for_it(site, ahead_log, monkeypatch):
    """The feeding process waits for the pages; the build must say there are
    none even when it cannot make them into a message, or it would wait for
    that process for ever."""
    import threading

    real = search_ahead.handover_message

    def cannot(pages):
        if pages:
            raise MemoryError("no room for the pages")
        return real(pages)

    monkeypatch.setattr(search_ahead, "handover_message", cannot)
    edit_text(site)
    outcome: list = []

    def run() -> None:
        try:
            build(site.root)
        except MemoryError as problem:
            outcome.append(problem)

    builder = threading.Thread(target=run, daemon=True)
    builder.start()
    builder.join(60)
    assert not builder.is_alive(), "the build waits for the feeding process, which waits for the pages"
    assert outcome and ahead_log["begun"] == [True]
    assert_no_pagefind_left(ahead_log)


def test_without_the_new_pages_handed_over_the_rest_is_sent_by_the_search_step(site, ahead_log, tmp_path, monkeypatch):
    monkeypatch.setattr(IndexAhead, "wants_pages", False)
    edit_text(site)
    assert build(site.root).ok
    assert True in ahead_log["finished"]
    (fed,) = ahead_log["fed"]
    page = f"articles/{sorted(site.articles)[EDITED]}/index.html"
    assert fed.sent and fed.shard.pages[len(fed.sent)] == page  # every page before it came from the live site
    assert_as_a_clean_build(site, tmp_path)
    assert_no_pagefind_left(ahead_log)


def test_a_page_handed_over_that_is_not_the_new_sites_is_not_used(site, ahead_log, tmp_path, monkeypatch):
    real = search_ahead.IndexAhead.hand_over

    def wrong(self, pages):
        real(self, {path: page.replace(b"</main>", b"<p>not what the build renders</p></main>")
                    for path, page in pages.items()})

    monkeypatch.setattr(IndexAhead, "hand_over", wrong)
    assert_begun_then_indexed_from_scratch(site, ahead_log, tmp_path)


def test_a_handover_is_read_as_written_and_a_cut_one_as_none():
    import multiprocessing

    def sent(message: bytes | None) -> dict[str, bytes]:
        receiving, sending = multiprocessing.Pipe(duplex=False)
        if message is not None:
            sending.send_bytes(message)
        sending.close()
        with receiving:
            return search_ahead.read_handover(receiving)

    pages = {"articles/a/index.html": b"<html>a</html>", "about/data/index.html": "<p>é</p>".encode()}
    message = search_ahead.handover_message(pages)
    assert sent(message) == pages
    for cut in (0, 3, 8, len(message) - 1):
        assert sent(message[:cut]) == {}
    assert sent(None) == {}  # the pipe ended without a handover
    assert sent(search_ahead.handover_message({})) == {}


def test_a_guess_that_does_not_hold_is_not_used(site, ahead_log, tmp_path, monkeypatch):
    def in_another_language(*args):
        live, recorded, _, shard = planned_from_record(*args)
        return live, recorded, "fr", shard

    monkeypatch.setattr(search_ahead, "planned_from_record", in_another_language)
    assert_begun_then_indexed_from_scratch(site, ahead_log, tmp_path)


def test_a_build_that_takes_the_whole_run_stops_what_was_begun(site, ahead_log, tmp_path):
    page = site.root / "public" / "articles" / sorted(site.articles)[0] / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>changed by hand</p></main>"))
    edit_text(site)
    assert build(site.root).ok
    assert ahead_log["begun"] == [True] and not ahead_log["finished"]  # the whole run indexes on its own
    assert_as_a_clean_build(site, tmp_path)
    assert_no_pagefind_left(ahead_log)


def test_a_record_naming_a_file_outside_the_site_begins_nothing():
    shard = Shard("articles-0", ("articles/a/index.html",))
    outputs = {"manifest": {"../../etc/passwd": ["0" * 32, 10, 0], "articles/a/index.html": ["0" * 32, 10, 0]},
               "search": {"keys": {}, "seen": {"../../etc/passwd": ["0" * 32, True],
                                              "articles/a/index.html": ["0" * 32, True]}, "language": "en"}}
    changing = frozenset({"articles/a/index.html"})
    assert planned_from_record({"out_dir": "/tmp/x"}, outputs, changing) is None
    del outputs["manifest"]["../../etc/passwd"], outputs["search"]["seen"]["../../etc/passwd"]
    assert planned_from_record({"out_dir": "/tmp/x"}, outputs, changing)[3] == shard


def test_what_was_sent_must_be_the_new_sites_pages():
    shard = Shard("articles-0", ("a", "b", "c"))
    fed = Fed(shard, "en", (("a", "1"), ("b", "2")), 3)
    assert fed.matches(shard, "en", {"a": "1", "b": "2", "c": "9"})
    assert not fed.matches(shard, "en", {"a": "1", "b": "3", "c": "9"})  # a page changed since it was sent
    assert not fed.matches(Shard("articles-0", ("a", "b")), "en", {"a": "1", "b": "2"})  # another plan
    assert not fed.matches(shard, "de", {"a": "1", "b": "2", "c": "9"})


class Waited:
    """Stands for the feeding process: it fed nothing but the new index."""

    def __init__(self, fed: Fed):
        self.fed = fed

    def wait(self) -> Fed:
        return self.fed


def test_a_shard_other_than_the_one_begun_leaves_it_for_its_own(tmp_path):
    """The search step indexes two shards at a time: the one not begun asks first."""
    page = b"<html lang='en'><body><main data-pagefind-body><h1>Bridge</h1><p>The bridge opened.</p></main></body></html>"
    begun, other = Shard("articles-1", ("articles/a/index.html",)), Shard("articles-0", ("articles/b/index.html",))
    service = Service()
    service.send([new_index("en")])
    ahead = IndexAhead(service, Waited(Fed(begun, "en", (), service.sent)))
    with ahead:
        assert ahead.finish(other, "en", {}, lambda path: page) is None
        files = ahead.finish(begun, "en", {}, lambda path: page)
    assert files == index_pages({"articles/a/index.html": page}, "en", begun.folder)
    assert service.process.poll() is not None


def test_a_page_that_cannot_be_sent_is_the_error_not_a_wait():
    with pytest.raises(UnicodeDecodeError):
        index_pages({"articles/a/index.html": b"<html>\xff</html>"}, "en")


def test_a_page_that_cannot_be_read_while_sending_is_the_error_not_a_wait():
    def requests():
        yield new_index("en")
        raise FileNotFoundError("articles/a/index.html")

    with pytest.raises(FileNotFoundError):
        Service().finish(requests(), 3)


def test_a_process_forked_while_pagefind_runs_does_not_hold_up_its_end(monkeypatch):
    """It inherits Pagefind's input; Pagefind, done, is ended rather than left to see that input close."""
    import time

    from generator.engine.workers import Background

    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    page = b"<html lang='en'><body><main data-pagefind-body><h1>Bridge</h1><p>It opened.</p></main></body></html>"
    service = Service()
    slow = Background(time.sleep, 5)  # as the removal of a large spare folder would
    started = time.monotonic()
    service.finish([new_index("en"), add_file("articles/a/index.html", page), GET_FILES], 3)
    assert time.monotonic() - started < 3
    slow.wait()


def test_pagefind_is_ended_when_the_feeding_process_cannot_start(monkeypatch, tmp_path, ahead_log):
    def cannot_fork(*args, **kwargs):
        raise BlockingIOError("fork: resource temporarily unavailable")

    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    monkeypatch.setattr(search_ahead, "Background", cannot_fork)
    with pytest.raises(BlockingIOError):
        IndexAhead.start(object(), ["articles/a/index.html"])
    assert_no_pagefind_left(ahead_log)
