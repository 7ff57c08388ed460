"""The input files' digests, read again only when a file's stat changed (engine/inputs.py)."""

from __future__ import annotations

import os
import time

import pytest

from generator.core.layout import DEFAULT_TEMPLATES
from generator.engine import inputs
from generator.engine.build import InputsRead, build
from generator.engine.cache import INPUTS, BuildCache, digest
from generator.engine.inputs import from_json, input_digests, scan_files, scan_inputs, to_json

from synthetic import make_site


@pytest.fixture
def quick_trust(monkeypatch):
    """Stamps become trustworthy 50 ms after the fact instead of seconds."""
    monkeypatch.setattr(inputs, "RACY_SECONDS", 0.05)
    yield lambda: time.sleep(0.1)


def scanned(path, known=None):
    return scan_files({"f": str(path)}, known or {})["f"]


def test_an_unchanged_file_keeps_the_digest_known_for_its_stamp(tmp_path, quick_trust):
    path = tmp_path / "f"
    path.write_bytes(b"one")
    quick_trust()
    stamp, _ = scanned(path)
    assert scanned(path, {"f": (stamp, "a digest from before")}) == (stamp, "a digest from before")


def test_a_file_rewritten_with_its_size_and_times_put_back_is_read_again(tmp_path, quick_trust):
    # Size and modification time alone would not tell: the change time does.
    path = tmp_path / "f"
    path.write_bytes(b"one")
    before = os.stat(path)
    quick_trust()
    known = {"f": scanned(path)}
    path.write_bytes(b"two")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    quick_trust()
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert scanned(path, known)[1] == digest(b"two")


def test_a_file_replaced_by_another_is_read_again(tmp_path, quick_trust):
    path = tmp_path / "f"
    path.write_bytes(b"one")
    quick_trust()
    known = {"f": scanned(path)}
    (tmp_path / "new").write_bytes(b"two")
    os.replace(tmp_path / "new", path)
    assert scanned(path, known)[1] == digest(b"two")


def test_a_stamp_from_the_same_tick_as_the_hashing_is_not_trusted(tmp_path):
    # git's racy case: written again within the clock tick it was hashed in,
    # a file can keep all its stamp; so a recent stamp is always read again.
    path = tmp_path / "f"
    path.write_bytes(b"one")
    stamp, _ = scanned(path)
    assert scanned(path, {"f": (stamp, "what it held in the same tick")}) == (stamp, digest(b"one"))
    assert to_json({"f": (stamp, digest(b"one"))}) == {}  # nor kept for the next build


def test_what_the_cache_holds_of_another_shape_is_dropped():
    good = [1, 2, 3, 4, "d"]
    value = {"a": good, "b": [1, 2, 3, "4", "d"], "c": [1, 2, 3, 4], "d": "x", "e": [True, 2, 3, 4, "d"], 5: good}
    assert from_json(value) == {"a": ((1, 2, 3, 4), "d")}
    assert from_json(["a"]) == {} and from_json(None) == {}


def test_a_build_keeps_the_stamps_and_the_next_reads_only_what_changed(tmp_path, quick_trust, monkeypatch):
    site = make_site(tmp_path / "site", articles=5, seed=2).root
    build(site, search=False)
    quick_trust()
    cache = BuildCache(site)
    InputsRead(site, cache).keep()
    kept = cache.load_json(INPUTS)
    assert set(kept) == set(input_digests(site, DEFAULT_TEMPLATES))
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added.\n", encoding="utf-8")
    opened = []
    real_open = open
    monkeypatch.setattr(inputs, "open", lambda path, *a: opened.append(str(path)) or real_open(path, *a),
                        raising=False)
    digests = InputsRead(site, cache).digests
    monkeypatch.undo()
    assert opened == [str(article)]
    assert digests == input_digests(site, DEFAULT_TEMPLATES)


def test_the_notes_of_links_not_followed_are_inputs_but_never_kept(tmp_path, quick_trust):
    site = make_site(tmp_path / "site", articles=2, seed=2).root
    (site / "content" / "articles" / "elsewhere").symlink_to(tmp_path)
    found = scan_inputs(site, None, {})
    assert found["content/articles/elsewhere"][1] == "a link to a folder"
    quick_trust()
    assert "content/articles/elsewhere" not in to_json(found)
