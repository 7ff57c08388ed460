"""The build cache: a build with nothing changed does nothing, an unchanged
output file is never rewritten, and a cached build equals an uncached one."""

from __future__ import annotations

import shutil
import sqlite3

from generator.build import build
from generator.cache import CACHE_DIR, CHECKED, BuildCache
from generator.prepare import prepare_content
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


def test_cached_checks_equal_fresh_checks_and_a_torn_entry_is_only_a_miss(tmp_path):
    site = make_site(tmp_path / "site", articles=20, seed=2).root
    fresh = prepare_content(site)
    cache = BuildCache(site)
    first = prepare_content(site, cache)
    assert first.converted == len(fresh.checked) > 0
    with sqlite3.connect(site / CACHE_DIR / CHECKED) as db:
        db.execute("UPDATE checked SET value = ? WHERE key = (SELECT MIN(key) FROM checked)", (b"not a pickle",))
    db.close()
    again = prepare_content(site, cache)
    assert again.converted == 1  # the torn entry, checked again
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


def test_the_cache_forgets_files_checked_for_an_earlier_version(tmp_path):
    site = make_site(tmp_path / "site", articles=10, seed=4).root
    prepare_content(site, BuildCache(site))
    before = stored_keys(site)
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    after = prepare_content(site, BuildCache(site))
    assert after.converted == 1
    stored = stored_keys(site)
    assert stored == set(after.checked) and len(stored) == len(before)
    assert len(stored - before) == 1


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
