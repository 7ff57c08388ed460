"""serve's quick path: an edited article's page, rendered before the full rebuild,
is exactly the page the full rebuild (and a clean build) makes."""

from __future__ import annotations

import random
import re

import pytest

from generator.engine.incremental import IncrementalBuilder
from synthetic import make_site


@pytest.fixture()
def site(tmp_path):
    return make_site(tmp_path / "site", articles=40, seed=11)


def article_file(site, index: int):
    return site.root / "content" / "articles" / f"{site.articles[index]}.md"


def page_of(site, index: int) -> str:
    return f"articles/{site.articles[index]}/index.html"


def edits(text: str, rng: random.Random) -> list[str]:
    """Edits that keep an article eligible: new body text, another stance, a note."""
    stances = ("supports", "disputes", "neutral")
    return [
        text + "\nA sentence added at the end, with *emphasis*.\n",
        re.sub(r"stance: (\w+)", lambda m: f"stance: {rng.choice([s for s in stances if s != m.group(1)])}", text, count=1),
        text.replace("\n---\n", "\nauthor: Ada Lovelace\n---\n", 1) if "\nauthor:" not in text else text.replace("author:", "author: Dr.", 1),
    ]


def test_the_quick_page_is_the_page_the_full_rebuild_makes(site):
    builder = IncrementalBuilder(site.root)
    assert builder.rebuild().ok
    rng = random.Random(5)
    checked = 0
    for index in (0, 7, 19):
        path = article_file(site, index)
        for edited in edits(path.read_text(encoding="utf-8"), rng):
            path.write_text(edited, encoding="utf-8")
            quick = builder.quick_update()
            assert quick is not None and list(quick) == [page_of(site, index)]
            assert builder.rebuild().ok
            assert quick[page_of(site, index)] == builder.outputs[page_of(site, index)]
            checked += 1
    assert checked == 9


def test_a_page_that_changed_shows_the_change_at_once(site):
    builder = IncrementalBuilder(site.root)
    assert builder.rebuild().ok
    path = article_file(site, 3)
    path.write_text(path.read_text(encoding="utf-8") + "\nMarkerword-quick appears here.\n", encoding="utf-8")
    quick = builder.quick_update()
    assert b"Markerword-quick" in quick[page_of(site, 3)]
    assert b"Markerword-quick" not in builder.outputs[page_of(site, 3)]  # the full rebuild has not run yet


@pytest.mark.parametrize("change", ["unknown claim", "new claim mentioned", "broken yaml", "new file", "claim file"])
def test_other_changes_wait_for_the_full_rebuild(site, change):
    builder = IncrementalBuilder(site.root)
    assert builder.rebuild().ok
    path = article_file(site, 2)
    text = path.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"claim: (\S+)", text))
    if change == "unknown claim":
        path.write_text(re.sub(r"claim: \S+", "claim: no-such-claim", text, count=1), encoding="utf-8")
    elif change == "new claim mentioned":
        other = next(c for c in site.claims if c not in mentioned)
        path.write_text(re.sub(r"claim: \S+", f"claim: {other}", text, count=1), encoding="utf-8")
    elif change == "broken yaml":
        path.write_text(text.replace("title:", "title: [", 1), encoding="utf-8")
    elif change == "new file":
        (path.parent / "brand-new.md").write_text(text, encoding="utf-8")
    else:
        claim = site.root / "content" / "claims" / f"{site.claims[0]}.md"
        claim.write_text(claim.read_text(encoding="utf-8") + "\nMore analysis.\n", encoding="utf-8")
    assert builder.quick_update() is None


def test_the_files_the_watcher_reports_are_all_the_quick_path_looks_at(site):
    builder = IncrementalBuilder(site.root)
    assert builder.rebuild().ok
    path = article_file(site, 5)
    path.write_text(path.read_text(encoding="utf-8") + "\nMarkerword-reported appears here.\n", encoding="utf-8")
    rel = f"content/articles/{site.articles[5]}.md"
    # Named by the watcher (with a folder event beside it): the same page as a full look finds.
    quick = builder.quick_update({rel, "content/articles"})
    assert quick is not None and list(quick) == [page_of(site, 5)]
    assert b"Markerword-reported" in quick[page_of(site, 5)]
    assert quick == builder.quick_update()
    # Not named: nothing is looked at, so nothing is found; the full rebuild still sees it.
    assert builder.quick_update({f"content/articles/{site.articles[6]}.md"}) is None
    assert builder.quick_update({"elsewhere/notes.txt"}) is None
    assert builder.rebuild().ok and b"Markerword-reported" in builder.outputs[page_of(site, 5)]
