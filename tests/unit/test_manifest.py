"""The manifest's records read back from the cache (generator/engine/manifest.py).

Everything in the cache is untrusted: a path in the last build's manifest
could name any file on the disk for a build to link, overwrite or remove,
and an entry of the wrong shape must make the record unusable (a full
build), never a traceback later."""

from __future__ import annotations

import pytest

from generator.engine.manifest import Written, is_output_path


@pytest.mark.parametrize("path", [
    "index.html", "claims/a/index.html", "pagefind/fragment/en_1.pf_fragment", "..a/b", "a/.b", "a/b..", ".well-known/x",
])
def test_paths_a_build_writes_are_accepted(path):
    assert is_output_path(path)


@pytest.mark.parametrize("path", [
    "", "/etc/passwd", "a//b", "a/", "./a", "a/./b", "a/.", "..", "../a", "a/../../b", "a/..", "a\\b", "a\0b",
    ".", "/", None, 5, b"index.html", ["index.html"],
])
def test_paths_outside_the_site_are_refused(path):
    assert not is_output_path(path)


def test_an_entry_round_trips_and_compares_as_before():
    entry = Written("ab12", 10, 1_700_000_000_000_000_000)
    assert Written.from_json(entry.to_json()) == entry and entry.to_json() == ["ab12", 10, 1_700_000_000_000_000_000]
    assert entry != Written("ab12", 10, 0) and entry.digest == "ab12" and entry.size == 10


@pytest.mark.parametrize("value", [
    None, "ab12", ["ab12", 10], ["ab12", 10, 0, 1], ["ab12", "10", 0], [12, 10, 0], ["ab12", 10.5, 0],
    ["ab12", True, 0], {"digest": "ab12"}, ("ab12", 10, 0),
])
def test_an_entry_of_another_shape_is_refused(value):
    with pytest.raises(ValueError):
        Written.from_json(value)
