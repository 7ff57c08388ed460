"""serve's sink: the next site in memory, with the staged folder's interface."""

from __future__ import annotations

from generator.engine.cache import digest
from generator.engine.memorysite import MemorySite
from generator.engine.write import Written


def committed(previous: dict[str, bytes], puts: dict[str, bytes], keeps: list[str]) -> tuple[MemorySite, dict]:
    first = MemorySite()
    manifest = {path: first.put(path, data)[0] for path, data in previous.items()}
    first.commit()
    site = MemorySite(first.outputs, manifest)
    written = {path: site.put(path, data)[1] for path, data in puts.items()}
    for path in keeps:
        site.keep(path)
    site.commit()
    return site, written


def test_the_next_site_is_what_was_put_and_kept_and_nothing_else():
    site, written = committed({"a.html": b"a", "b.html": b"b", "gone.html": b"x"},
                              {"a.html": b"a2", "new.html": b"n"}, ["b.html"])
    assert site.outputs == {"a.html": b"a2", "b.html": b"b", "new.html": b"n"}
    assert written == {"a.html": True, "new.html": True}


def test_bytes_put_again_are_not_written_and_stay_the_previous_object():
    previous = b"<p>the same page</p>"
    first = MemorySite()
    entry, _ = first.put("a.html", previous)
    first.commit()
    site = MemorySite(first.outputs, {"a.html": entry})
    again, written = site.put("a.html", bytes(bytearray(previous)))  # equal, not the same object
    site.commit()
    assert not written and again == entry == Written(digest(previous), len(previous), 0)
    assert site.outputs["a.html"] is first.outputs["a.html"]


def test_keeping_a_file_the_previous_site_lacks_keeps_nothing():
    site = MemorySite({"a.html": b"a"}, {})
    assert site.keep("a.html") is None and site.keep("b.html") is None
    site.commit()
    assert site.outputs == {}


def test_the_previous_site_is_never_changed_and_an_abandoned_one_leaves_nothing():
    previous = {"a.html": b"a"}
    site = MemorySite(previous, {"a.html": Written(digest(b"a"), 1, 0)})
    site.put("a.html", b"changed")
    assert site.read("a.html") == b"changed"
    site.abandon()
    assert previous == {"a.html": b"a"} and site.outputs is None
