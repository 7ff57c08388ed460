"""A build after articles' text alone was edited (``engine/partialrun.py``):
it loads only the part of the site the outputs showing those texts are made
of, renders them, keeps everything else, and leaves the site and the cache
exactly as a full build would."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from generator.core.layout import CACHE_DIR
from generator.engine import build as build_module
from generator.engine import partialrun
from generator.engine.build import build
from generator.engine.cache import OUTPUTS
from generator.engine.textdeps import TEXT_DEPS
from synthetic import make_site


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Ways:
    """Which way each build went: the part of the site (``partial``) or the whole run."""

    def __init__(self, monkeypatch):
        self.partial = 0
        self.whole = 0
        self.articles_linked: list[int] = []
        real_partial, real_run, real_link = partialrun.run_after_text_edits, build_module.run, partialrun.link

        def partial(*args, **kwargs):
            outcome = real_partial(*args, **kwargs)
            self.partial += outcome is not None
            return outcome

        def run(*args, **kwargs):
            self.whole += 1
            return real_run(*args, **kwargs)

        def link(content, *args, **kwargs):
            self.articles_linked.append(len(content.articles))
            return real_link(content, *args, **kwargs)

        monkeypatch.setattr(build_module, "run_after_text_edits", partial)
        monkeypatch.setattr(build_module, "run", run)
        monkeypatch.setattr(partialrun, "link", link)

    def reset(self):
        self.partial = self.whole = 0


def body_span(text: str) -> tuple[int, int]:
    """Where an article file's body is: after the closing '---' of its front matter."""
    start = text.index("\n---\n", 4) + len("\n---\n")
    return start, len(text)


def insert_in_body(path: Path, words: str, rng: random.Random) -> None:
    """Insert ``words`` at the end of a paragraph of the body chosen at
    random: the quotes are all still there, and those after it move."""
    text = path.read_text(encoding="utf-8")
    start, end = body_span(text)
    places = [i for i in range(start, end) if text.startswith("\n\n", i)] + [end]
    at = rng.choice(places)
    path.write_text(text[:at] + f" {words}" + text[at:], encoding="utf-8")


def append_to_body(path: Path, sentence: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def assert_as_a_full_build(site: Path, tmp_path: Path, search: bool) -> None:
    """The site and the cache's record equal those a full build of a copy leaves."""
    copy = tmp_path / "full"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "public"))
    full = build(copy, search=search)
    assert full.ok
    assert files_of(site / "public") == files_of(copy / "public")
    mine, theirs = (json.loads((root / CACHE_DIR / OUTPUTS).read_text()) for root in (site, copy))
    assert mine["page_keys"] == theirs["page_keys"]
    assert mine["search"] == theirs["search"]
    deps = [json.loads((root / CACHE_DIR / TEXT_DEPS).read_text()) for root in (site, copy)]
    assert deps[0] == deps[1]


@pytest.mark.parametrize("search", [False, True])
def test_a_text_edit_builds_from_the_part_of_the_site_that_shows_it(tmp_path, monkeypatch, search):
    made = make_site(tmp_path / "site", articles=30, seed=11)
    site = made.root
    assert build(site, search=search).ok
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[3]}.md", "One more sentence at the end.")
    result = build(site, search=search)
    assert result.ok and (ways.partial, ways.whole) == (1, 0)
    assert ways.articles_linked and ways.articles_linked[0] < len(made.articles) // 3
    assert result.rendered <= 3 and "30 articles" in result.summary()
    assert_as_a_full_build(site, tmp_path, search)


def test_random_text_edits_leave_the_site_a_full_build_makes(tmp_path, monkeypatch):
    """Words put anywhere in bodies, before quotes too (which moves them in
    the text file and the annotations): each build equals a full one."""
    made = make_site(tmp_path / "site", articles=24, seed=5)
    site = made.root
    assert build(site, search=False).ok
    ways = Ways(monkeypatch)
    rng = random.Random(7)
    partial = 0
    for step in range(6):
        for name in rng.sample(made.articles, rng.choice([1, 1, 2])):
            insert_in_body(site / "content" / "articles" / f"{name}.md", f"inserted{step}", rng)
        ways.reset()
        assert build(site, search=False).ok
        partial += ways.partial
        assert_as_a_full_build(site, tmp_path, False)
    assert partial >= 4  # the walk went the short way, not only the whole way


def edit_a_stance(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for before, after in (("stance: supports", "stance: disputes"), ("stance: disputes", "stance: supports")):
        if before in text:
            path.write_text(text.replace(before, after, 1), encoding="utf-8")
            return
    raise AssertionError("no stance to change")


def edit_the_text_and_the_record(path: Path) -> None:
    append_to_body(path, "A sentence.")
    edit_a_stance(path)


def edit_a_claim_text(path: Path) -> None:
    append_to_body(path, "More analysis.")


@pytest.mark.parametrize("edit", [edit_a_stance, edit_the_text_and_the_record, "claim", "site.yaml", "two builds"])
def test_what_is_not_a_text_edit_of_articles_takes_the_whole_run(tmp_path, monkeypatch, edit):
    made = make_site(tmp_path / "site", articles=20, seed=3)
    site = made.root
    assert build(site, search=False).ok
    ways = Ways(monkeypatch)
    article = site / "content" / "articles" / f"{made.articles[2]}.md"
    if edit == "claim":
        append_to_body(site / "content" / "claims" / f"{made.claims[0]}.md", "More analysis.")
    elif edit == "site.yaml":
        append_to_body(article, "A sentence.")
        (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                        encoding="utf-8")
    elif edit == "two builds":  # the record is of another build than the output folder's
        append_to_body(article, "A sentence.")
        assert build(site, out=tmp_path / "elsewhere", search=False).ok
        append_to_body(article, "Another.")
        ways.reset()
    else:
        edit(article)
    assert build(site, search=False).ok
    assert (ways.partial, ways.whole) == (0, 1)
    assert_as_a_full_build(site, tmp_path, False)


def test_an_output_changed_by_hand_since_is_made_by_the_whole_run(tmp_path, monkeypatch):
    made = make_site(tmp_path / "site", articles=20, seed=3)
    site = made.root
    assert build(site, search=False).ok
    page = site / "public" / "articles" / made.articles[9] / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>by hand</p></body>"))
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    assert build(site, search=False).ok
    assert (ways.partial, ways.whole) == (0, 1)
    assert b"by hand" not in page.read_bytes()
    assert_as_a_full_build(site, tmp_path, False)


@pytest.mark.parametrize("damage", ["not JSON", "another shape", "an output's source out of range"])
def test_a_damaged_record_is_no_record(tmp_path, monkeypatch, damage):
    made = make_site(tmp_path / "site", articles=12, seed=1)
    site = made.root
    assert build(site, search=False).ok
    record = site / CACHE_DIR / TEXT_DEPS
    value = json.loads(record.read_text())
    if damage == "not JSON":
        record.write_text("{", encoding="utf-8")
    elif damage == "another shape":
        value["outputs"] = {"a": 1}
        record.write_text(json.dumps(value), encoding="utf-8")
    else:
        value["outputs"][0][1] = [10**6]
        record.write_text(json.dumps(value), encoding="utf-8")
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    assert build(site, search=False).ok
    assert (ways.partial, ways.whole) == (0, 1)
    assert_as_a_full_build(site, tmp_path, False)


def test_the_warnings_of_the_last_build_are_said_again(tmp_path, monkeypatch):
    made = make_site(tmp_path / "site", articles=12, seed=1)
    site = made.root
    claim = site / "content" / "claims" / "an-unmentioned-claim.md"
    shutil.copy(site / "content" / "claims" / f"{made.claims[0]}.md", claim)
    first = build(site, search=False)
    assert first.ok and any("has no mentions" in d.message for d in first.diagnostics)
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    second = build(site, search=False)
    assert second.ok and ways.partial == 1
    assert [d.format() for d in second.diagnostics] == [d.format() for d in first.diagnostics]
