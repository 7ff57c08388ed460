"""The build cache: a build with nothing changed does nothing, an unchanged
output file is never rewritten, and a cached build equals an uncached one."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import generator
from generator.core.layout import CACHE_DIR
from generator.engine import cache as cache_module
from generator.engine import inputs as inputs_module
from generator.engine.build import build
from generator.engine.cache import CHECKED, BuildCache
from generator.engine import prepare
from generator.engine.prepare import prepare_content
from generator.engine.workers import MIN_PARALLEL
from synthetic import make_site


def snapshot(folder):
    """path → (inode, mtime_ns, bytes) of every file in a built site."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_second_build_with_nothing_changed_does_nothing(tmp_path):
    site = make_site(tmp_path / "site", articles=30, seed=4).root
    first = build(site, search=False)
    assert first.ok and not first.unchanged
    before = snapshot(first.out_dir)
    second = build(site, search=False)
    assert second.ok and second.unchanged
    assert "nothing changed since the last build" in second.summary()
    assert snapshot(second.out_dir) == before  # same files: same inodes, same times, same bytes


def test_one_changed_article_rewrites_only_what_shows_it(tmp_path):
    site_obj = make_site(tmp_path / "site", articles=30, seed=4)
    site = site_obj.root
    out = build(site, search=False).out_dir
    before = snapshot(out)
    article = site / "content" / "articles" / f"{site_obj.articles[5]}.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    result = build(site, search=False)
    assert result.ok and not result.unchanged
    after = snapshot(out)
    rewritten = {path for path in after if after[path][:2] != before.get(path, (None, None))[:2]}
    assert f"articles/{site_obj.articles[5]}/index.html" in rewritten
    assert 0 < len(rewritten) < len(after) // 4
    for path in set(after) - rewritten:
        assert after[path][2] == before[path][2]  # kept files really are unchanged
    assert result.rendered < len([p for p in after if p.endswith(".html")])


def test_a_cached_build_equals_a_clean_uncached_build(tmp_path):
    site_obj = make_site(tmp_path / "site", articles=30, seed=8)
    site = site_obj.root
    build(site, search=False)
    for index in (1, 2):
        path = site / "content" / "articles" / f"{site_obj.articles[index]}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("stance: supports", "stance: disputes", 1), encoding="utf-8")
    cached = build(site, search=False)
    clean = build(site, out=tmp_path / "clean", search=False, use_cache=False)
    strip = lambda snap: {path: data for path, (_, _, data) in snap.items()}  # noqa: E731
    assert strip(snapshot(cached.out_dir)) == strip(snapshot(clean.out_dir))


def test_cached_checks_equal_fresh_checks_and_a_damaged_entry_is_only_a_miss(tmp_path):
    site = make_site(tmp_path / "site", articles=20, seed=2).root
    fresh = prepare_content(site)
    cache = BuildCache(site)
    first = prepare_content(site, cache)
    assert first.converted == len(fresh.checked) > 0
    with sqlite3.connect(site / CACHE_DIR / CHECKED) as db:
        db.execute("UPDATE checked SET value = ? WHERE key = (SELECT MIN(key) FROM checked)", (b"not a pickle",))
    db.close()
    again = prepare_content(site, cache)
    assert again.converted == 1  # the damaged entry, checked again
    assert again.diagnostics.sorted() == fresh.diagnostics.sorted()
    assert again.content.articles.keys() == fresh.content.articles.keys()
    assert [m.spans for a in again.content.articles.values() for m in a.mentions] == \
        [m.spans for a in fresh.content.articles.values() for m in a.mentions]


def stored_keys(site):
    with sqlite3.connect(site / CACHE_DIR / CHECKED) as db:
        keys = {key for (key,) in db.execute("SELECT key FROM checked")}
    db.close()  # the with block only commits
    return keys


def test_a_cache_database_that_is_not_one_is_started_afresh(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=3).root
    (site / CACHE_DIR).mkdir()
    (site / CACHE_DIR / CHECKED).write_bytes(b"these bytes are not an SQLite database" * 100)
    first = prepare_content(site, BuildCache(site))
    assert first.diagnostics.errors == [] and first.converted == len(first.checked)
    again = prepare_content(site, BuildCache(site))
    assert again.converted == 0


def test_a_damaged_cache_database_is_removed_and_started_afresh(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=6).root
    prepare_content(site, BuildCache(site))
    database = site / CACHE_DIR / CHECKED
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every row in the main file, which is damaged next
    db.close()
    data = bytearray(database.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # pages 2 and 3: the table's pages, not the header
    database.write_bytes(bytes(data))
    first = prepare_content(site, BuildCache(site))
    assert first.diagnostics.errors == [] and first.converted == len(first.checked)
    assert prepare_content(site, BuildCache(site)).converted == 0


def test_one_other_version_is_kept_and_more_are_pruned(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=4).root
    first = prepare_content(site, BuildCache(site))
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\nOne more paragraph.\n", encoding="utf-8")
    edited = prepare_content(site, BuildCache(site))
    assert edited.converted == 1
    assert stored_keys(site) == set(first.checked) | set(edited.checked)  # the other version is kept
    article.write_text(original, encoding="utf-8")
    assert prepare_content(site, BuildCache(site)).converted == 0  # switching back re-checks nothing

    stale = [(f"{index:032x}", b"from another version") for index in range(2 * len(first.checked))]
    BuildCache(site).store_checked(stale)
    again = prepare_content(site, BuildCache(site))
    assert again.converted == 0
    assert stored_keys(site) == set(again.checked)  # outnumbered: everything else forgotten


def test_workers_store_their_chunks_side_by_side(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    site = make_site(tmp_path / "site", articles=60, seed=7).root
    first = prepare_content(site, BuildCache(site))
    assert first.converted == len(first.checked) >= MIN_PARALLEL  # enough files for the worker processes
    assert stored_keys(site) == set(first.checked)
    assert prepare_content(site, BuildCache(site)).converted == 0


def test_a_locked_cache_is_done_without_not_waited_for(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "LOCK_TIMEOUT", 0.2)
    site = make_site(tmp_path / "site", articles=10, seed=8).root
    fresh = prepare_content(site)
    (site / CACHE_DIR).mkdir()
    holder = sqlite3.connect(site / CACHE_DIR / CHECKED, isolation_level=None)
    holder.execute("CREATE TABLE checked (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        started = time.perf_counter()
        result = prepare_content(site, BuildCache(site))
        seconds = time.perf_counter() - started
    finally:
        holder.close()
    assert result.converted == len(fresh.checked)
    assert result.diagnostics.sorted() == fresh.diagnostics.sorted()
    assert seconds < 5  # one wait for the store, one for the prune: not one per file or chunk


def test_a_new_library_version_is_a_new_cache(monkeypatch):
    before = cache_module.code_version.__wrapped__()
    real = cache_module.dependency_version
    monkeypatch.setattr(cache_module, "dependency_version", lambda name: "99.0" if name == "markdown" else real(name))
    assert cache_module.code_version.__wrapped__() != before


def test_each_library_counts_by_what_says_its_version(tmp_path, monkeypatch):
    import markdown
    import sys

    assert cache_module.dependency_version("markdown") == markdown.__version__
    package = tmp_path / "libs" / "fakesafe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "_speedups.c").write_text("/* one */\n")
    monkeypatch.syspath_prepend(str(tmp_path / "libs"))
    monkeypatch.setitem(cache_module.FILES_FOR_VERSION, "fakesafe", "fakesafe")
    before = cache_module.dependency_version("fakesafe")
    (package / "_speedups.c").write_text("/* two */\n")  # a new release changes a file, not the module's text
    sys.modules.pop("fakesafe", None)
    assert cache_module.dependency_version("fakesafe") != before


def test_starting_a_build_does_not_read_package_metadata():
    """importlib.metadata takes a seventh of the start of a build to import;
    only ``--version`` and the search index's Pagefind version need it."""
    import subprocess
    import sys

    code = ("import sys, generator.cli, generator.engine.cache as c; c.code_version(); "
            "print('importlib.metadata' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=5).root
    (site / CACHE_DIR).write_text("a file where the cache folder should be")
    fresh = prepare_content(site)
    result = prepare_content(site, BuildCache(site))
    assert result.converted == len(fresh.checked)
    assert result.diagnostics.sorted() == fresh.diagnostics.sorted()


def test_deleting_the_output_makes_the_next_build_build_again(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=1).root
    out = build(site, search=False).out_dir
    shutil.rmtree(out)
    result = build(site, search=False)
    assert result.ok and not result.unchanged and (out / "index.html").is_file()


def test_code_in_a_sub_package_is_part_of_the_code_version(tmp_path):
    """Moving modules into sub-packages must not stop a code change from
    invalidating the cache."""
    package = tmp_path / "generator"
    (package / "stages").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stages" / "link.py").write_text("ANCHOR = 'q'\n")
    before = cache_module.code_version.__wrapped__(package)
    (package / "stages" / "link.py").write_text("ANCHOR = 'quote'\n")
    assert cache_module.code_version.__wrapped__(package) != before


def test_the_code_version_is_that_of_the_whole_package():
    """cache.py lives in a sub-package (engine/): what it hashes by default is
    still every module of the generator, not only its own package's."""
    package = Path(generator.__file__).resolve().parent
    assert (package / "core").is_dir() and cache_module.__file__.startswith(str(package / "engine"))
    assert cache_module.code_version.__wrapped__() == cache_module.code_version.__wrapped__(package)


# --- files keyed by the digests the build took, read only to be checked ------------------


def test_files_whose_digests_are_given_are_not_read_again_unless_checked(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", articles=10, seed=5).root
    digests = inputs_module.input_digests(site)
    first = prepare_content(site, BuildCache(site), digests=digests)
    reads = []
    real = prepare.read_bytes
    monkeypatch.setattr(prepare, "read_bytes", lambda path, rel, diagnostics: reads.append(rel) or real(path, rel, diagnostics))
    again = prepare_content(site, BuildCache(site), digests=digests)
    assert again.converted == 0 and reads == []  # every file cached: none read a second time
    assert set(again.checked) == set(first.checked)
    assert again.content.articles == first.content.articles


def test_a_file_changed_since_its_digest_is_checked_and_cached_as_it_is_now(tmp_path):
    """The digest a build took is stale once the file changes: the file is
    read to be checked, and keyed by the bytes read, never stored under the
    key of the bytes it no longer has."""
    site = make_site(tmp_path / "site", articles=10, seed=5).root
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    rel = article.relative_to(site).as_posix()
    digests = inputs_module.input_digests(site)
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added since.\n", encoding="utf-8")
    prepared = prepare_content(site, BuildCache(site), digests=digests)
    now = cache_module.checked_key(rel, article.read_bytes())
    assert now in prepared.checked and cache_module.checked_key_of(rel, digests[rel]) not in prepared.checked
    assert now in stored_keys(site) and cache_module.checked_key_of(rel, digests[rel]) not in stored_keys(site)
    assert "A sentence added since." in prepared.checked[now].record.document.text


def test_a_file_gone_since_its_digest_is_reported_once_it_is_to_be_checked(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", articles=10, seed=5).root
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    rel = article.relative_to(site).as_posix()
    digests = {**inputs_module.input_digests(site), rel: cache_module.digest(b"bytes it had when it was hashed")}
    listed = prepare.content_files(site, prepare.Diagnostics())
    monkeypatch.setattr(prepare, "content_files", lambda root, diagnostics: listed)  # listed, then deleted
    article.unlink()
    prepared = prepare_content(site, BuildCache(site), digests=digests)
    assert prepared.content is None
    assert [(d.path, d.message) for d in prepared.diagnostics.errors] == [(rel, "file not found")]


def test_a_file_added_to_or_removed_from_the_output_by_hand_is_a_change(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=3).root
    out = build(site, search=False).out_dir
    assert build(site, search=False).unchanged
    (out / "articles" / "notes.txt").write_text("added by hand", encoding="utf-8")
    assert not build(site, search=False).unchanged
    assert not (out / "articles" / "notes.txt").exists() and build(site, search=False).unchanged
    next(out.glob("articles/*/index.html")).unlink()
    assert not build(site, search=False).unchanged


def test_a_file_saved_again_while_the_build_reads_it_is_counted_as_it_was_built(tmp_path, monkeypatch):
    """The build takes each input's digest first and reads a changed file
    later: saved again in between, the file is built as read, and counted
    so. Counted by the digest taken first, the next build, after that save
    was undone, took the site for that of the first save and kept it."""
    made = make_site(tmp_path / "site", articles=8, seed=2)
    site = made.root
    assert build(site, search=False).ok
    article = site / "content" / "articles" / f"{made.articles[1]}.md"
    page = site / "public" / "articles" / made.articles[1] / "index.html"
    config = site / "site.yaml"  # and site.yaml edited: the whole pipeline runs (not partialrun.py's way)
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    article.write_text(article.read_text(encoding="utf-8") + "\nSentence one.\n", encoding="utf-8")
    first_save = article.read_bytes()
    real_read = prepare.read_bytes

    def read_after_a_save(path, rel, diagnostics):
        if rel == f"content/articles/{made.articles[1]}.md":
            article.write_bytes(first_save + b"\nSentence two, saved while the build ran.\n")
        return real_read(path, rel, diagnostics)

    monkeypatch.setattr(prepare, "read_bytes", read_after_a_save)
    assert build(site, search=False).ok
    assert b"Sentence two" in page.read_bytes()  # built as read
    monkeypatch.undo()
    article.write_bytes(first_save)  # the second save undone
    again = build(site, search=False)
    assert again.ok and not again.unchanged
    assert b"Sentence two" not in page.read_bytes()
    clean = build(site, out=tmp_path / "clean", search=False, use_cache=False)
    assert {p: d for p, (_, _, d) in snapshot(site / "public").items()} == \
        {p: d for p, (_, _, d) in snapshot(clean.out_dir).items()}
