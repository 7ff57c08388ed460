"""What the build cache reads back is data, checked before it is used.

A cache may come from elsewhere (a CI cache), and the key of a content file
can be computed by anyone (the generator's code, the file's path and bytes).
An entry planted under it must never run code, and an entry that is not
what this version writes, in any way, is a miss: the file is checked again.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import time

import pytest

from generator.core.layout import CACHE_DIR
from generator.core.markup import MarkdownConverter
from generator.engine import codec
from generator.engine.cache import CHECKED, BuildCache, checked_key
from generator.engine.columns import document_digest
from generator.engine.prepare import ContentFile, check_one, prepare_content
from generator.outputs.render import Renderer
from generator.preview.serve import DevServer
from generator.stages.analyse import analyse
from generator.stages.link import link
from sitekit import broken_entries, make_site, run_cli

ARTICLE = "content/articles/bridge-opens.md"


def article_as(site, data: bytes):
    """The article's real cache key, and the article checked as if its bytes were ``data``."""
    key = checked_key(ARTICLE, (site / ARTICLE).read_bytes())
    return key, check_one(ContentFile(ARTICLE, "article", "bridge-opens", data), MarkdownConverter())


class RunsCode:
    """Pickles to: create ``marker``, then hand back ``checked`` (as a planted entry did)."""

    def __init__(self, marker, checked):
        self.marker, self.checked = marker, checked

    def __reduce__(self):
        return eval, (f"[open({str(self.marker)!r}, 'w').close(), checked][1]", {"checked": self.checked})


def plant_legacy(site, key: str, value: bytes) -> None:
    """An entry in the pickle database that the generator kept before (FORMAT 2)."""
    (site / CACHE_DIR).mkdir(exist_ok=True)
    with sqlite3.connect(site / CACHE_DIR / "checked.sqlite") as db:
        db.execute("CREATE TABLE IF NOT EXISTS checked (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        db.execute("INSERT OR REPLACE INTO checked (key, value) VALUES (?, ?)", (key, value))
    db.close()


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_planted_pickle_runs_nothing_and_changes_nothing(tmp_path, command):
    site = make_site(tmp_path / "site")
    marker = tmp_path / "code-ran"
    key, planted = article_as(site, (site / ARTICLE).read_bytes().replace(b"The mayor", b"The rival"))
    payload = pickle.dumps(RunsCode(marker, planted))
    plant_legacy(site, key, payload)
    BuildCache(site).store_checked([(key, payload)])  # where this version keeps its entries

    out = tmp_path / "out"
    result = run_cli(command, "--root", str(site), *(["--out", str(out)] if command == "build" else []))
    assert result.returncode == 0, result.stderr
    page = (out / "articles/bridge-opens/index.html").read_text(encoding="utf-8") if command == "build" else ""
    assert (marker.exists(), "The rival" in page) == (False, False)  # (code ran, planted text published)
    assert command == "check" or "The mayor said" in page
    assert not (site / CACHE_DIR / "checked.sqlite").exists()  # the old pickles are removed, unread


def test_a_planted_pickle_in_the_old_database_is_removed_unread(tmp_path):
    site = make_site(tmp_path / "site")
    marker = tmp_path / "code-ran"
    key, planted = article_as(site, (site / ARTICLE).read_bytes())
    plant_legacy(site, key, pickle.dumps(RunsCode(marker, planted)))
    prepared = prepare_content(site, BuildCache(site))
    assert prepared.converted == len(prepared.checked)
    assert not marker.exists() and not (site / CACHE_DIR / "checked.sqlite").exists()


# --- entries of every wrong shape: each one a miss ------------------------------------------


def field(kind: str, name: str) -> int:
    return [f[0] for f in codec.RECORDS[kind].fields].index(name)


def mention_field(name: str) -> int:
    return [f[0] for f in codec.MENTION.fields].index(name)


def set_in_record(name, value):
    def change(entry):
        entry[3][field("article", name)] = value
    return change


def set_in_mention(name, value):
    def change(entry):
        entry[3][field("article", "mentions")][0][mention_field(name)] = value
    return change


def set_in_tree(column, index, value):
    def change(form):
        tree = json.loads(form[1])
        tree[column][index] = value
        form[1] = json.dumps(tree)
    return change


def swap_tree(tree):
    def change(form):
        form[1] = tree
    return change


# name → a change to the decoded entry of ARTICLE (a function), or the bytes to store instead
ILL_SHAPED = {
    "not JSON": b"\x80\x81 not JSON",
    "JSON, not a list": b'{"path": "content/articles/bridge-opens.md"}',
    "empty": b"",
    "unknown kind of record": lambda entry: entry.__setitem__(1, "pamphlet"),
    "the kind of another record": lambda entry: entry.__setitem__(1, "claim"),
    "an extra field in the file": lambda entry: entry.append(None),
    "a missing field in the file": lambda entry: entry.pop(),
    "an extra field in the record": lambda entry: entry[3].append("extra"),
    "a missing field in the record": lambda entry: entry[3].pop(),
    "the record as an object": lambda entry: entry.__setitem__(3, {"title": "Bridge opens"}),
    "a number for text": set_in_record("title", 12),
    "a list for text": set_in_record("title", ["Bridge opens"]),
    "a string for a boolean": set_in_record("draft", "false"),
    "a month 13": set_in_record("published", [2024, 13, None]),
    "a day without a month": set_in_record("published", [2024, None, 3]),
    "a record of another file": set_in_record("id", "another-article"),
    "mentions as an object": set_in_record("mentions", {}),
    "an unknown stance": set_in_mention("stance", "shouts"),
    "a boolean for a line": set_in_mention("line", True),
    "a float for a line": set_in_mention("line", 9.0),
    "a text for a number": set_in_mention("value", "12"),
    "a quote's place beyond the text": set_in_mention("spans", [[0, 10**6]]),
    "a quote's place of three numbers": set_in_mention("spans", [[0, 1, 2]]),
    "a mention of another article": set_in_mention("article_id", "another-article"),
    "a document of another length": set_in_record("document", [3, "0" * 32]),
    "a document's digest that is a number": set_in_record("document", [3, 7]),
    "a diagnostic of unknown severity": lambda entry: entry[4].append(["x.md", 1, "m", "fatal"]),
    "a reference to an unknown kind": lambda entry: entry[5].append(["x.md", 1, "planet", "earth", "outlet"]),
}


# name → a change to the document's stored form, ``[text, tree]`` (the digest its record names is not changed)
FORM_CHANGES = {
    "a tree that is not JSON": swap_tree('[["div"],[],[""],[""],[],[]'),
    "a tree as lists rather than JSON text": swap_tree([["div"], [], [""], [""], [], []]),
    "a tree as nested lists": swap_tree('["div", {}, "", ""]'),
    "a slice beyond the text": set_in_tree(5, 2, 10**6),
    "a tree with a parent after its child": set_in_tree(1, 0, 5),
    "a tree with a tag that is markup": set_in_tree(0, 1, 'p onclick="alert(1)"'),
    "a tree with a number for a tag": set_in_tree(0, 1, 7),
    "another text": lambda form: form.__setitem__(0, form[0].replace("mayor", "rival")),
}


def changed_form(form: bytes, change) -> bytes:
    value = json.loads(form)
    change(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def stored_entry(site, rel: str) -> bytes:
    """The entry stored under ``rel``'s key, as stored."""
    with sqlite3.connect(site / CACHE_DIR / CHECKED) as db:
        key = checked_key(rel, (site / rel).read_bytes())
        (value,) = db.execute("SELECT value FROM checked WHERE key = ?", (key,)).fetchone()
    db.close()
    return value


def assert_checked_again(site, fresh, stored: bytes) -> None:
    """With ``stored`` under the article's key, the article is checked again, and comes out as from no cache."""
    BuildCache(site).store_checked([(checked_key(ARTICLE, (site / ARTICLE).read_bytes()), stored)])
    again = prepare_content(site, BuildCache(site))
    assert again.converted == 1
    assert again.diagnostics.sorted() == fresh.diagnostics.sorted()
    assert again.content.articles == fresh.content.articles
    assert again.content.articles["bridge-opens"].document.text == fresh.content.articles["bridge-opens"].document.text


@pytest.mark.parametrize("case", list(ILL_SHAPED), ids=list(ILL_SHAPED))
def test_an_ill_shaped_entry_is_a_miss_and_the_file_is_checked_again(tmp_path, case):
    site = make_site(tmp_path / "site")
    fresh = prepare_content(site)
    assert prepare_content(site, BuildCache(site)).converted == len(fresh.checked)
    change = ILL_SHAPED[case]
    if isinstance(change, bytes):
        stored = change
    else:
        head, newline, form = stored_entry(site, ARTICLE).partition(b"\n")
        entry = json.loads(head)
        change(entry)
        stored = json.dumps(entry, ensure_ascii=False).encode("utf-8") + newline + form
    assert_checked_again(site, fresh, stored)


@pytest.mark.parametrize("case", list(FORM_CHANGES), ids=list(FORM_CHANGES))
def test_a_document_that_is_not_the_one_its_entry_names_is_a_miss(tmp_path, case):
    site = make_site(tmp_path / "site")
    fresh = prepare_content(site, BuildCache(site))
    head, newline, form = stored_entry(site, ARTICLE).partition(b"\n")
    assert_checked_again(site, fresh, head + newline + changed_form(form, FORM_CHANGES[case]))


def plant_whole_but_not_a_document(site, case: str = "a tree with a tag that is markup") -> None:
    """Under the article's key, its entry with its document changed as
    ``FORM_CHANGES[case]`` says, named by the right digest."""
    head, newline, form = stored_entry(site, ARTICLE).partition(b"\n")
    form = changed_form(form, FORM_CHANGES[case])
    entry = json.loads(head)
    entry[3][field("article", "document")][1] = document_digest(entry[3][field("article", "document")][0], form)
    stored = json.dumps(entry, ensure_ascii=False).encode("utf-8") + newline + form
    BuildCache(site).store_checked([(checked_key(ARTICLE, (site / ARTICLE).read_bytes()), stored)])


@pytest.mark.parametrize("case", [name for name in FORM_CHANGES if "tree" in name])
def test_a_document_written_whole_that_is_not_one_stops_the_build_and_the_site_stays(tmp_path, case):
    """An entry whose record names its malformed document by the right digest
    (nothing this version writes): the build that reads it stops with one
    line, exit 3, and the site it would have replaced is left as it was."""
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run_cli("build", "--root", str(site), "--out", str(out), "--no-search").returncode == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    plant_whole_but_not_a_document(site, case)
    # A build to do that renders the article's page, which reads its document
    # (an edit of a claim's text alone renders no page that shows the article's).
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = run_cli("build", "--root", str(site), "--out", str(out), "--no-search")
    assert result.returncode == 3, result.stderr
    assert "holds a document that is not one" in result.stderr and "Traceback" not in result.stderr
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


def test_serve_says_what_build_says_of_such_a_document_and_rebuilds_without_the_cache(tmp_path):
    site = make_site(tmp_path / "site")
    prepare_content(site, BuildCache(site))
    plant_whole_but_not_a_document(site)
    logs: list[str] = []
    server = DevServer(site, port=0, log=logs.append, search=False)
    server.start()
    try:
        deadline = time.monotonic() + 60
        while not any("holds a document that is not one" in line for line in logs) and time.monotonic() < deadline:
            time.sleep(0.1)
        said = [line for line in logs if "holds a document that is not one" in line]
        assert len(said) == 1 and "Traceback" not in said[0] and "no longer reads the build cache" in said[0]
        claim = site / "content/claims/bridge-cost.md"  # a save, in case the preview waits for one
        claim.write_text(claim.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        while (server.internal_error is not None or "claims/bridge-cost/index.html" not in server.builder.outputs
               or b"One more line." not in server.builder.outputs["claims/bridge-cost/index.html"]) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        server.wait_until_idle(timeout=60)
        assert server.internal_error is None
        page = server.builder.outputs["articles/bridge-opens/index.html"].decode("utf-8")
        assert "The mayor said" in page and "onclick" not in page
    finally:
        server.stop()


def test_an_entry_broken_anywhere_but_still_read_builds_without_a_crash(tmp_path):
    """Some broken entries are still entries (an empty title, a line of -1, a
    quote left out): those are content, as a file could say it, and every
    page is made from them without a crash. (Run through the stages in this
    process, the templates compiled once: a full build per entry took 90 s.)"""
    site = make_site(tmp_path / "site")
    cache = BuildCache(site)
    entries = {key: codec.encode(checked) for key, checked in prepare_content(site, cache).checked.items()}
    renderer = Renderer(site / "templates")
    read = 0
    for key, entry in entries.items():
        for broken in broken_entries(entry):
            try:
                codec.decode(broken)
            except codec.Unreadable:
                continue
            read += 1
            cache.store_checked([(key, broken)])
            prepared = prepare_content(site, cache)
            if prepared.content is not None:
                graph = link(prepared.content)
                for page in renderer.plan(graph, analyse(graph)):
                    renderer.render(page, graph)
        cache.store_checked([(key, entry)])
    assert read > 50


@pytest.mark.parametrize("stored", [
    '"an entry stored as text rather than bytes"', "12", "1e999",
], ids=["text", "integer", "infinite"])
def test_a_value_of_another_sqlite_type_is_a_miss(tmp_path, stored):
    site = make_site(tmp_path / "site")
    fresh = prepare_content(site, BuildCache(site))
    key = checked_key(ARTICLE, (site / ARTICLE).read_bytes())
    with sqlite3.connect(site / CACHE_DIR / CHECKED) as db:
        db.execute("UPDATE checked SET value = " + stored + " WHERE key = ?", (key,))
    db.close()
    again = prepare_content(site, BuildCache(site))
    assert again.converted == 1 and again.diagnostics.sorted() == fresh.diagnostics.sorted()


def test_the_entry_of_another_file_is_a_miss(tmp_path):
    site = make_site(tmp_path / "site")
    prepare_content(site, BuildCache(site))
    claim = stored_entry(site, "content/claims/bridge-cost.md")
    BuildCache(site).store_checked([(checked_key(ARTICLE, (site / ARTICLE).read_bytes()), claim)])
    again = prepare_content(site, BuildCache(site))
    assert again.converted == 1 and "bridge-opens" in again.content.articles


def test_a_body_nested_too_deeply_for_pickle_is_cached_like_any_other(tmp_path):
    body = "> " * 250 + "deep\n"
    site = make_site(tmp_path / "site", {"content/outlets/daily-river.md": "---\nname: The Daily River\n---\n" + body})
    first = prepare_content(site, BuildCache(site))
    assert first.diagnostics.errors == []
    again = prepare_content(site, BuildCache(site))
    assert again.converted == 0
    html = lambda prepared: prepared.content.outlets["daily-river"].document.to_html()  # noqa: E731
    assert html(again) == html(first) and html(first).count("<blockquote>") > 200
