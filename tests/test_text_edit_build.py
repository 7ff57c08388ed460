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
from generator.engine.textdeps import TEXT_DEPS, TEXT_DEPS_INPUTS
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
    shutil.copytree(site, copy, symlinks=True, ignore=shutil.ignore_patterns(CACHE_DIR, "public"))
    full = build(copy, search=search)
    assert full.ok
    assert files_of(site / "public") == files_of(copy / "public")
    mine, theirs = (json.loads((root / CACHE_DIR / OUTPUTS).read_text()) for root in (site, copy))
    assert mine["page_keys"] == theirs["page_keys"]
    assert mine["search"] == theirs["search"]
    for record in (TEXT_DEPS, TEXT_DEPS_INPUTS):  # the same but for which full build wrote what the outputs are made of
        # (a link's warning and note name its target by its absolute path, in one folder or the other)
        mine, theirs = ({key: value for key, value in json.loads(
            (root / CACHE_DIR / record).read_text().replace(str(copy), str(site))).items()
            if key not in ("made_by", "fingerprint")}
            for root in (site, copy))
        assert mine == theirs


def builds_the_whole_way(site: Path, tmp_path: Path, ways: Ways) -> None:
    """A build (without search) that takes the whole pipeline, and leaves what a full build of a copy does."""
    assert build(site, search=False).ok
    assert (ways.partial, ways.whole) == (0, 1)
    assert_as_a_full_build(site, tmp_path, False)


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
    builds_the_whole_way(site, tmp_path, ways)


def test_an_output_changed_by_hand_since_is_made_by_the_whole_run(tmp_path, monkeypatch):
    made = make_site(tmp_path / "site", articles=20, seed=3)
    site = made.root
    assert build(site, search=False).ok
    page = site / "public" / "articles" / made.articles[9] / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>by hand</p></body>"))
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    builds_the_whole_way(site, tmp_path, ways)
    assert b"by hand" not in page.read_bytes()


def article_page_of(article: str):
    return lambda value: next(output for output in value["outputs"] if output[0] == f"articles/{article}/index.html")


# name → a damage to text-deps.json's value (given the edited article's id), or its text
DAMAGES = {
    "not JSON": "{",
    "nested too deep": '{"format": 1, "paths": ' + "[" * 100000 + "]" * 100000 + "}",
    "another shape": lambda value, article: value.__setitem__("outputs", {"a": 1}),
    "an output's source out of range": lambda value, article: article_page_of(article)(value)[1].append(10**6),
    "a negative index": lambda value, article: article_page_of(article)(value).__setitem__(1, [-1]),
    "a fraction for an index": lambda value, article: article_page_of(article)(value)[1].append(0.5),
    "a text for an index": lambda value, article: article_page_of(article)(value).__setitem__(1, "0"),
    "a boolean for an index": lambda value, article: article_page_of(article)(value)[1].append(True),
    "site.yaml for a source": lambda value, article: (
        value["paths"].append("site.yaml"), article_page_of(article)(value)[1].append(len(value["paths"]) - 1)),
    "an infinite line": lambda value, article: value.__setitem__("diagnostics", [["content/x.md", float("inf"), "m", "warning"]]),
    "an infinite count": lambda value, article: value["counts"][0].__setitem__(1, float("inf")),
    "an error recorded": lambda value, article: value.__setitem__("diagnostics", [["content/x.md", 1, "m", "error"]]),
    "another build's inputs": "inputs",
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_record_is_no_record(tmp_path, monkeypatch, damage):
    made = make_site(tmp_path / "site", articles=12, seed=1)
    site = made.root
    assert build(site, search=False).ok
    record = site / CACHE_DIR / TEXT_DEPS
    value = json.loads(record.read_text())
    change = DAMAGES[damage]
    if change == "inputs":
        inputs = site / CACHE_DIR / TEXT_DEPS_INPUTS
        inputs.write_text(json.dumps({**json.loads(inputs.read_text()), "made_by": "another"}), encoding="utf-8")
    elif isinstance(change, str):
        record.write_text(change, encoding="utf-8")
    else:
        change(value, made.articles[2])
        record.write_text(json.dumps(value), encoding="utf-8")
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    builds_the_whole_way(site, tmp_path, ways)


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


def insert_at_body_start(path: Path, words: str) -> None:
    """Words put before every quote of an article: each moves in its text."""
    text = path.read_text(encoding="utf-8")
    start, _ = body_span(text)
    path.write_text(text[:start] + words + text[start:], encoding="utf-8")


@pytest.mark.parametrize("stray, short", [("content/.DS_Store", True), ("content/actors/{actor}.md~", True),
                                           ("content/README.md", False), ("content/old-notes", False)])
def test_files_under_content_the_build_does_not_read(tmp_path, monkeypatch, stray, short):
    """An editor's file changed beside an article changes nothing the build
    makes or says: the short way. Any other file it does not read (a README,
    a link it does not follow) is named in a warning, which a full build
    says as it is now: the whole way."""
    made = make_site(tmp_path / "site", articles=16, seed=3)
    site = made.root
    path = site / stray.format(actor=made.actors[0])
    if path.name == "old-notes":  # a link to nothing, then to something else that is not there
        path.symlink_to("missing-first")
    else:
        path.write_text("notes\n", encoding="utf-8")
    assert build(site, search=False).ok
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    if path.name == "old-notes":
        path.unlink()
        path.symlink_to("missing-second")
    else:
        path.write_text("more notes\n", encoding="utf-8")
    result = build(site, search=False)
    assert result.ok
    assert (ways.partial, ways.whole) == ((1, 0) if short else (0, 1))
    assert not any("missing-first" in d.message for d in result.diagnostics)
    assert_as_a_full_build(site, tmp_path, False)


def test_pieces_of_a_build_that_failed_are_not_joined_into_the_annotations(tmp_path, monkeypatch):
    """A build that composed annotations.jsonld and then failed left pieces
    of a file never published; the next text edit must not join them."""
    made = make_site(tmp_path / "site", articles=12, seed=1)
    site = made.root
    assert build(site, search=False).ok
    articles = site / "content" / "articles"
    undone, edited = articles / f"{made.articles[2]}.md", articles / f"{made.articles[5]}.md"
    before = undone.read_bytes()
    insert_at_body_start(undone, "Words put first. ")
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "claims.html").write_text("{% if %}", encoding="utf-8")
    assert not build(site, search=False).ok
    shutil.rmtree(site / "templates")
    undone.write_bytes(before)
    insert_at_body_start(edited, "Other words put first. ")
    assert build(site, search=False).ok
    assert_as_a_full_build(site, tmp_path, False)


def test_an_article_saved_again_while_it_is_read_is_not_cached_as_the_first_save(tmp_path, monkeypatch):
    made = make_site(tmp_path / "site", articles=8, seed=2)
    site = made.root
    assert build(site, search=False).ok
    article = site / "content" / "articles" / f"{made.articles[1]}.md"
    append_to_body(article, "Sentence one.")
    first_save = article.read_bytes()
    real_read = partialrun.read_bytes

    def read_after_a_save(path, rel, diagnostics):
        if path == article:
            append_to_body(article, "Sentence two, saved while the build ran.")
        return real_read(path, rel, diagnostics)

    monkeypatch.setattr(partialrun, "read_bytes", read_after_a_save)
    ways = Ways(monkeypatch)
    assert build(site, search=False).ok
    assert (ways.partial, ways.whole) == (0, 1)  # not the bytes its digest says: the whole run
    monkeypatch.setattr(partialrun, "read_bytes", real_read)
    article.write_bytes(first_save)  # the second save undone: as the build first saw it
    # The cache must not hold the second save's check under the first save's
    # key: a whole run (site.yaml edited) would show it.
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                    encoding="utf-8")
    assert build(site, search=False).ok
    assert b"Sentence two" not in (site / "public" / "articles" / made.articles[1] / "index.html").read_bytes()
    assert_as_a_full_build(site, tmp_path, False)


def test_without_the_last_site_in_place_nothing_is_worked_out_for_the_short_way(tmp_path, monkeypatch):
    """CI that keeps the cache and not the output folder: the whole run, at once."""
    made = make_site(tmp_path / "site", articles=12, seed=1)
    site = made.root
    assert build(site, search=False).ok
    shutil.rmtree(site / "public")
    planned = []
    monkeypatch.setattr(partialrun, "plan_part", lambda *args: planned.append(args))
    ways = Ways(monkeypatch)
    append_to_body(site / "content" / "articles" / f"{made.articles[2]}.md", "A sentence.")
    builds_the_whole_way(site, tmp_path, ways)
    assert planned == []
