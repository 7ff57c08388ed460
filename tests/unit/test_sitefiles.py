"""Walking the site: what is read, and the links that are not followed (issue 11, item 6)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.core.diagnostics import Diagnostics
from generator.core.layout import DEFAULT_TEMPLATES
from generator.engine.inputs import input_digests, input_paths
from generator.engine.incremental import IncrementalBuilder, InputWatcher
from generator.outputs.render import Renderer
from generator.stages.sitefiles import is_readable_input, seed_names, walk_folder, walk_site
from sitekit import BASE_FILES, make_site

ARTICLE = "content/articles/bridge-opens.md"


@pytest.fixture()
def site(tmp_path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture()
def outside(tmp_path) -> Path:
    """A file elsewhere on the machine."""
    path = tmp_path / "elsewhere" / "secret.md"
    path.parent.mkdir()
    path.write_text("---\nstatement: Secret.\nverdict: accurate\n---\nSECRET\n", encoding="utf-8")
    return path


def test_a_folder_link_is_listed_not_followed(site):
    os.symlink("..", site / "seeds" / "loop")
    os.symlink("/usr", site / "content" / "claims" / "usr")
    found = walk_site(site)
    assert found.folder_links == ("content/claims/usr", "seeds/loop")
    assert not any("loop" in rel or "usr" in rel for rel in found.files)
    assert "seeds/river.txt" in found.files


def test_a_file_link_is_read_only_inside_the_site(site, outside):
    os.symlink(outside, site / "content" / "claims" / "secret.md")
    os.symlink("../../seeds/river.txt", site / "content" / "claims" / "river.md")
    found = walk_site(site)
    assert "content/claims/secret.md" not in found.files
    assert found.outside_links == (("content/claims/secret.md", str(outside.resolve())),)
    assert found.files["content/claims/river.md"] == str(site / "content" / "claims" / "river.md")


def test_a_link_that_leaves_the_site_by_a_detour_is_outside(site, outside):
    # Resolved, not read as written: "../../.." climbs out of the site.
    os.symlink(os.path.relpath(outside, site / "seeds"), site / "seeds" / "detour.txt")
    assert walk_site(site).outside_links == (("seeds/detour.txt", str(outside.resolve())),)


def test_broken_links_are_named_and_editor_lock_links_skipped(site):
    os.symlink("gone.md", site / "content" / "claims" / "moved.md")
    os.symlink("user@host.1234:1700000000", site / "content" / "claims" / ".#bridge-cost.md")  # emacs's lock
    found = walk_site(site)
    assert found.broken_links == (("content/claims/moved.md", str(site.resolve() / "content" / "claims" / "gone.md")),)
    assert found.outside_links == () and found.folder_links == ()
    diagnostics = Diagnostics()
    found.report(diagnostics)
    assert [d.format() for d in diagnostics] == [
        f"content/claims/moved.md: warning: ignored: a link to {site.resolve()}/content/claims/gone.md, "
        "which does not exist"
    ]


def test_a_linked_watched_folder_is_followed_and_links_in_it_may_stay_in_it(tmp_path):
    shared = tmp_path / "shared-seeds"
    shared.mkdir()
    (shared / "a.txt").write_text("a", encoding="utf-8")
    os.symlink("a.txt", shared / "b.txt")
    root = make_site(tmp_path / "site", {"seeds/river.txt": None})
    os.symlink(shared, root / "seeds")
    found = walk_site(root)
    assert set(found.under("seeds")) == {"seeds/a.txt", "seeds/b.txt"}
    assert found.outside_links == ()
    assert seed_names(root) == ["a.txt", "b.txt"]


def test_input_hashing_reads_what_the_walk_reads(site, outside):
    os.symlink("..", site / "templates")  # the templates folder itself may be a link; this one loops
    os.symlink("..", site / "content" / "claims" / "loop")
    os.symlink(outside, site / "seeds" / "secret.txt")
    paths = input_paths(site)
    assert "seeds/secret.txt" not in paths
    assert not any("/loop/" in rel for rel in paths)
    assert set(paths) == {"site.yaml", *walk_site(site).files}


def test_seeds_are_named_only_when_they_are_read(site, outside):
    os.symlink(outside, site / "seeds" / "secret.txt")
    os.symlink("..", site / "seeds" / "loop")
    assert seed_names(site) == ["river.txt"]


@pytest.mark.parametrize(
    "rel, readable",
    [
        (ARTICLE, True),
        ("content/claims/loop/claims/bridge-cost.md", False),  # through a folder link
        ("content/claims/secret.md", False),  # a link out of the site
        ("content/claims/inside.md", True),  # a link inside it
        ("content/claims/missing.md", False),
        ("content/claims", False),  # a folder
        ("site.yaml", False),  # not under a watched folder
        ("public/index.html", False),
    ],
)
def test_one_path_is_judged_as_the_walk_judges_it(site, outside, rel, readable):
    os.symlink("..", site / "content" / "claims" / "loop")
    os.symlink(outside, site / "content" / "claims" / "secret.md")
    os.symlink("bridge-cost.md", site / "content" / "claims" / "inside.md")
    assert is_readable_input(site, rel) is readable
    if rel.startswith("content/") and "/loop/" not in rel:
        assert (rel in walk_site(site).files) is readable


def test_the_template_loader_reads_only_what_the_walk_found(site, outside, tmp_path):
    elsewhere = tmp_path / "theme"
    elsewhere.mkdir()
    (elsewhere / "page.html").write_text("from elsewhere", encoding="utf-8")
    (site / "templates" / "static").mkdir(parents=True)
    os.symlink(elsewhere, site / "templates" / "theme")
    os.symlink(outside, site / "templates" / "secret.html")
    os.symlink("..", site / "templates" / "static" / "loop")
    (site / "templates" / "own.html").write_text("own", encoding="utf-8")
    renderer = Renderer(site / "templates")
    loader = renderer.env.loader
    assert loader.get_source(renderer.env, "own.html")[0] == "own"
    for name in ("theme/page.html", "secret.html", "static/loop/static/loop/x"):
        with pytest.raises(Exception, match=name.replace(".", r"\.")):
            renderer.env.get_template(name)
    assert "base.html" in loader.list_templates()  # the project's own templates, under the site's
    assert not any("loop" in path for path in renderer.static_files())


# --- serve agrees -------------------------------------------------------------------------------


def test_the_watcher_does_not_read_a_reported_link_out_of_the_site(site, outside):
    watcher = InputWatcher(site)
    watcher.digests()
    os.symlink(outside, site / "content" / "claims" / "secret.md")
    os.symlink("..", site / "content" / "claims" / "loop")
    reported = {"content/claims/secret.md", "content/claims/loop/claims/bridge-cost.md"}
    assert watcher.peek_changed(reported) == []  # neither is read
    digests = watcher.digests()
    assert digests == input_digests(site, DEFAULT_TEMPLATES)  # as build sees the inputs
    assert digests["content/claims/secret.md"] == f"a link out of the site to {outside.resolve()}"
    assert digests["content/claims/loop"] == "a link to a folder"


def test_serve_reports_links_as_check_does(site, outside):
    from generator.engine.build import check

    builder = IncrementalBuilder(site)
    assert builder.rebuild().ok
    os.symlink(outside, site / "content" / "claims" / "secret.md")
    os.symlink("..", site / "seeds" / "loop")
    report = builder.rebuild()
    assert not report.ok
    assert builder.diagnostics.sorted() == check(site).diagnostics.sorted()
    assert [d.path for d in builder.diagnostics.sorted()] == ["content/claims/secret.md", "seeds/loop"]


def test_the_quick_path_does_not_read_an_article_replaced_by_a_link_out_of_the_site(site, tmp_path):
    builder = IncrementalBuilder(site)
    assert builder.rebuild().ok
    secret = tmp_path / "secret.md"
    secret.write_text(BASE_FILES[ARTICLE].replace("Bridge opens", "SECRET"), encoding="utf-8")
    (site / ARTICLE).unlink()
    os.symlink(secret, site / ARTICLE)
    assert builder.quick_update({ARTICLE}) is None
    assert not builder.rebuild().ok
    assert not any(b"SECRET" in data for data in builder.outputs.values())


def test_serve_polling_does_not_walk_a_folder_link(site, tmp_path):
    # watchdog's polling observer stats with os.stat by default, which walks
    # into a linked folder on every poll: a link to /usr/share cost a quarter
    # of a core while serve --poll sat idle.
    from generator.preview.serve import DevServer

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deep").mkdir(parents=True)
    (elsewhere / "deep" / "x.txt").write_text("x", encoding="utf-8")
    os.symlink(elsewhere, site / "seeds" / "linked")
    server = DevServer(site, port=0, poll=True, log=lambda *args: None, search=False)
    try:
        server._watch()
        server._observer.start()
        deadline = time.monotonic() + 30
        snapshots = []
        while time.monotonic() < deadline:
            snapshots = [getattr(emitter, "_snapshot", None) for emitter in server._observer.emitters]
            if snapshots and all(snapshot is not None and snapshot.paths for snapshot in snapshots):
                break
            time.sleep(0.05)
        paths = set().union(*(snapshot.paths for snapshot in snapshots))
        link = str(site.resolve() / "seeds" / "linked")
        assert link in paths  # the link is seen (its removal is a change)...
        assert not any(path.startswith(link + os.sep) for path in paths)  # ...but not walked
    finally:
        server._observer.stop()
        server._observer.join(timeout=5)
        server.http.server_close()
