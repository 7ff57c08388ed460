"""The spare folder: the site the last build replaced is the next build's
staging folder, brought up to date with only the paths that differ
(``engine/write.py``, ``engine/manifest.py``).

Each build here is compared with a clean build of the same content into a
new folder, files and folders alike; the spare must be reused when it is as
the last build left it, and set aside when anything about it is not.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core.layout import CACHE_DIR, MARKER, PARTIAL_SUFFIX, PREVIOUS_PREFIX, SPARE_PREFIX, STAGING_PREFIX
from generator.engine import streamed, write
from generator.engine.build import build
from generator.engine.manifest import Spare, differences, folder_stamp
from generator.engine.pieces import PIECES_DIR
from sitekit import REPO, make_site, write_files

ARTICLE = "content/articles/bridge-opens.md"


def article(title: str, body: str, claim: str = "bridge-cost") -> str:
    return (f"---\ntitle: {title}\noutlet: daily-river\nmentions:\n  - claim: {claim}\n    actor: ana-mayor\n"
            f"    stance: supports\n    quote: the bill came to 12 million\n---\n{body}\nThe mayor said the bill came to "
            "12 million euros.\n")


def tree(out: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``out``, but the build marker."""
    return {p.relative_to(out).as_posix(): (None if p.is_dir() else p.read_bytes())
            for p in sorted(out.rglob("*")) if p.name != MARKER}


def inodes(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()}


def clean_tree(root: Path, tmp_path: Path) -> dict[str, bytes | None]:
    """A clean build of ``root`` into a new folder, without the cached pieces."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(root / CACHE_DIR / PIECES_DIR, ignore_errors=True)
    assert build(root, fresh, search=False, use_cache=False).ok
    return tree(fresh)


def built(root: Path) -> Path:
    result = build(root, search=False)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return root / "public"


def spare_of(root: Path) -> Path:
    return root / f"{SPARE_PREFIX}public"


def beside(root: Path) -> list[str]:
    return sorted(name for name in os.listdir(root) if name.startswith((SPARE_PREFIX, PREVIOUS_PREFIX, STAGING_PREFIX)))


class Counted:
    """The files linked and written into the staging folder by a build run in
    this process, by their paths in the site."""

    def __init__(self, monkeypatch):
        monkeypatch.setenv("FACTCHECK_WORKERS", "1")  # in this process: counted here
        self.links: set[str] = set()
        self.writes: set[str] = set()
        real_link, real_write = os.link, write.Path.write_bytes

        def link(source, target, **options):
            self._count(self.links, target)
            return real_link(source, target, **options)

        def write_bytes(path, data):
            self._count(self.writes, path)
            return real_write(path, data)

        def open_file(path, mode="r", *args, **options):  # a data file written as it is made (put_stream)
            if "w" in mode:
                self._count(self.writes, path.removesuffix(PARTIAL_SUFFIX))
            return open(path, mode, *args, **options)

        monkeypatch.setattr(os, "link", link)
        monkeypatch.setattr(write.Path, "write_bytes", write_bytes)
        monkeypatch.setattr(streamed, "open", open_file, raising=False)

    @staticmethod
    def _count(paths: set[str], path) -> None:
        parts = Path(path).parts
        staging = [n for n, part in enumerate(parts) if part.startswith(STAGING_PREFIX)]
        if staging:
            paths.add("/".join(parts[staging[0] + 1:]))


def two_builds(tmp_path: Path) -> Path:
    """A site built, then built again after one change: the first build's site is the spare."""
    root = make_site(tmp_path / "site")
    built(root)
    write_files(root, {ARTICLE: article("Bridge opens", "First change.")})
    built(root)
    assert beside(root) == [f"{SPARE_PREFIX}public"]
    return root


def changed_files(before: dict, after: dict) -> set[str]:
    """The files of ``after`` that are not the same files (inode, mtime) as in ``before``."""
    return {path for path in after if before.get(path) != after[path]}


def test_a_build_after_one_change_reuses_the_spare_and_touches_only_what_changed(tmp_path, monkeypatch):
    root = make_site(tmp_path / "site")
    first = inodes(built(root))
    write_files(root, {ARTICLE: article("Bridge opens", "First change.")})
    second = inodes(built(root))
    changed_by_second = changed_files(first, second)
    spare_folder = spare_of(root).stat().st_ino
    write_files(root, {ARTICLE: article("Bridge opens", "Second change.")})
    counted = Counted(monkeypatch)
    out = built(root)
    assert out.stat().st_ino == spare_folder  # the spare, brought up to date and swapped in
    third = inodes(out)
    changed_by_third = changed_files(second, third)
    assert changed_by_third and len(third) > 3 * len(changed_by_third)  # one article's change: most files kept
    # Written: only what this build changed; linked: only files the last build
    # changed (where the spare is not the live site). Nothing else was touched.
    assert counted.writes == changed_by_third | {MARKER}
    assert counted.links <= changed_by_second
    assert tree(out) == clean_tree(root, tmp_path)
    # The site it replaced is the spare now; nothing else beside the output folder.
    assert beside(root) == [f"{SPARE_PREFIX}public"]


def test_the_first_build_leaves_a_spare_of_links_that_the_next_one_reuses(tmp_path, monkeypatch):
    """A build that sets no site aside (the first into a folder) links its
    files into a spare: the next build starts from it and links nothing."""
    root = make_site(tmp_path / "site")
    out = built(root)
    assert beside(root) == [f"{SPARE_PREFIX}public"]
    spare = spare_of(root)
    no_marker = lambda found: {path: ino for path, ino in found.items() if path != MARKER}  # noqa: E731
    assert no_marker(inodes(spare)) == no_marker(inodes(out))  # the same files: links
    assert (spare / MARKER).stat().st_ino != (out / MARKER).stat().st_ino  # its own marker
    record = json.loads((root / CACHE_DIR / "outputs.json").read_text())["spare"]
    assert record["differs"] == {} and record["stamp"]
    before = inodes(out)
    write_files(root, {ARTICLE: article("Bridge opens", "First change.")})
    counted = Counted(monkeypatch)
    spare_inode = spare.stat().st_ino
    out = built(root)
    assert out.stat().st_ino == spare_inode  # the spare, brought up to date and swapped in
    assert counted.links == set()  # nothing linked: every kept file was in the spare already
    assert counted.writes == changed_files(before, inodes(out)) | {MARKER}
    assert tree(out) == clean_tree(root, tmp_path)
    assert beside(root) == [f"{SPARE_PREFIX}public"]


def test_no_spare_is_left_where_one_cannot_be_made(tmp_path, monkeypatch):
    """Linking fails (a file system without hard links, no inodes left): the
    build succeeds, leaves no spare and records none."""
    root = make_site(tmp_path / "site")
    real_link = os.link

    def no_link_into_the_spare(source, target, **options):
        if f"{SPARE_PREFIX}public" in str(target):
            raise OSError(28, "No space left on device")
        return real_link(source, target, **options)

    monkeypatch.setattr(os, "link", no_link_into_the_spare)
    out = built(root)
    assert beside(root) == [] and (out / "index.html").is_file()
    assert "spare" not in json.loads((root / CACHE_DIR / "outputs.json").read_text())


def test_three_builds_with_different_changes_each_equal_a_clean_build(tmp_path):
    root = make_site(tmp_path / "site")
    built(root)
    changes = [
        {ARTICLE: article("Bridge opens", "One.")},
        {"content/claims/bridge-cost.md": "---\nstatement: The bridge cost far more.\nverdict: accurate\n---\n"},
        {"content/actors/ana-mayor.md": "---\nname: Ana Mayora\nkind: person\naffiliation: river-council\n---\n"},
        {ARTICLE: article("Bridge opens at last", "Two.")},
    ]
    for number, change in enumerate(changes):
        write_files(root, change)
        spare = spare_of(root).stat().st_ino if spare_of(root).exists() else None
        out = built(root)
        assert tree(out) == clean_tree(root, tmp_path), f"after change {number}"
        if number >= 1:  # from the third build on there is a spare to reuse
            assert out.stat().st_ino == spare, f"change {number}: the spare was not reused"


def test_pages_added_and_removed_across_builds_leave_no_stale_file_or_folder(tmp_path):
    root = two_builds(tmp_path)
    second = "content/articles/tunnel-plan.md"
    steps = [
        {second: article("Tunnel plan", "A new article.")},  # added: the spare (two builds ago) lacks it
        {second: None},  # removed again: the spare has it now
        {ARTICLE: None, second: article("Tunnel plan", "Back.")},  # one gone, one back
        {ARTICLE: article("Bridge opens", "Back too.")},
    ]
    for number, step in enumerate(steps):
        write_files(root, step)
        out = built(root)
        assert tree(out) == clean_tree(root, tmp_path), f"step {number}"
        assert beside(root) == [f"{SPARE_PREFIX}public"]


def with_folders(files: dict[str, bytes]) -> dict[str, bytes | None]:
    """``files`` and the folders that hold them (None), as :func:`tree` lists a folder."""
    found: dict[str, bytes | None] = dict(files)
    for path in files:
        folder = path.rpartition("/")[0]
        while folder:
            found[folder] = None
            folder = folder.rpartition("/")[0]
    return found


def test_a_page_where_the_spare_has_a_folder_or_a_file_where_folders_go(tmp_path):
    # A file and a folder may trade places between builds, and the spare has
    # whichever the site had two builds ago. Unit level, as build.OutputFolder
    # keeps the records: any paths will do.
    out = tmp_path / "public"
    live: dict = {}
    spare = None
    versions = [{"a/b": b"file"}, {"x": b"x"}, {"a/b/index.html": b"page"}, {"y": b"y"}, {"a/b": b"file again"}]
    for number, outputs in enumerate(versions):
        marker = (out / MARKER).stat() if out.exists() else None
        stamp = folder_stamp(str(out), live) if out.exists() else ""
        staged = write.StagedSite(out, live, spare, keep_spare=True)
        assert staged.reused == (number >= 2), number
        manifest = {path: staged.put(path, data)[0] for path, data in outputs.items()}
        staged.commit(manifest)
        spare = Spare([marker.st_ino, marker.st_mtime_ns], stamp, differences(live, manifest)) if staged.spare_kept else None
        live = manifest
        assert tree(out) == with_folders(outputs), number


@pytest.mark.parametrize("damage", [
    "file added in a folder", "file removed", "file changed in place", "marker replaced", "spare missing",
    "file added to the live site", "no record of the spare", "record of an older version",
    "a folder swapped for a link to one outside, its times set back", "the spare a link to a folder outside",
    "a recorded path outside the site",
])
def test_a_spare_not_as_the_last_build_left_it_is_not_trusted(tmp_path, damage):
    root = two_builds(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the site's")
    spare = spare_of(root)
    live = root / "public"
    page = next(p for p in sorted(spare.rglob("index.html")) if p.parent != spare)
    outputs = root / CACHE_DIR / "outputs.json"
    if damage == "file added in a folder":
        (page.parent / "notes.html").write_text("added by hand")
    elif damage == "file removed":
        page.unlink()
    elif damage == "file changed in place":  # a hard link of the live file: the live one too
        unchanged = next(p for p in sorted((spare / "assets").rglob("*")) if p.is_file())  # put again as it was
        with open(unchanged, "ab") as handle:
            handle.write(b"<!-- edited -->")
    elif damage == "marker replaced":
        (spare / MARKER).unlink()
        (spare / MARKER).write_bytes(write.MARKER_TEXT)
    elif damage == "spare missing":
        shutil.rmtree(spare)
    elif damage == "file added to the live site":  # the live site is the spare after the next build
        (live / "claims" / "notes.html").write_text("added by hand")
    elif damage in ("no record of the spare", "record of an older version"):
        record = json.loads(outputs.read_text())
        del record["spare"]
        outputs.write_text(json.dumps(record))
        if damage == "record of an older version":  # one that stamped no folders either
            last = root / CACHE_DIR / "last-build.json"
            record = json.loads(last.read_text())
            del record["stamp"]
            last.write_text(json.dumps(record))
    elif damage == "a folder swapped for a link to one outside, its times set back":
        folder, times = spare / "claims", os.stat(spare)
        shutil.copytree(folder, outside / "claims", copy_function=shutil.copy2)
        shutil.copystat(folder, outside / "claims")
        shutil.rmtree(folder)
        os.symlink(outside / "claims", folder)
        os.utime(spare, ns=(times.st_atime_ns, times.st_mtime_ns))
    elif damage == "the spare a link to a folder outside":
        os.rename(spare, outside / "moved")
        os.symlink(outside / "moved", spare)
    elif damage == "a recorded path outside the site":
        record = json.loads(outputs.read_text())
        # The spare "has" a file the live site does not: a build removes such files from it. (The
        # folder stamp refuses this record too, its folders being others: two guards, either enough.)
        record["spare"]["differs"]["../../outside/keep.txt"] = next(iter(record["manifest"].values()))
        outputs.write_text(json.dumps(record))
    before_outside = tree(outside)
    for number, body in enumerate(("Next.", "And next.", "And again.")):
        write_files(root, {ARTICLE: article("Bridge opens", body)})
        out = built(root)
        assert tree(out) == clean_tree(root, tmp_path), f"build {number} after: {damage}"
        assert not [name for name in beside(root) if name.startswith(STAGING_PREFIX)]
        assert tree(outside) == before_outside, f"build {number} wrote outside the site after: {damage}"
    assert (out / MARKER).read_bytes() == write.MARKER_TEXT


KILLER = """
import os, signal, sys
from pathlib import Path
from generator.engine import write
from generator.engine.build import build
real_put = write.StagedSite.put
def put(self, path, data, *known):
    entry, written = real_put(self, path, data, *known)
    # Killed once it has written over a file of the spare that is the live one's too.
    if self.reused and written and path in self.previous and path not in self._untrusted:
        os.kill(os.getpid(), signal.SIGKILL)
    return entry, written
write.StagedSite.put = put
build(Path(sys.argv[1]), search=False)
"""


def test_a_build_killed_while_updating_the_spare_leaves_the_live_site_and_the_next_build_is_whole(tmp_path):
    root = two_builds(tmp_path)
    live = root / "public"
    before = tree(live)
    before_inodes = inodes(live)
    # Not the article the last build changed: pages whose file in the spare is the live one change.
    write_files(root, {"content/claims/bridge-cost.md": "---\nstatement: The bridge cost less.\nverdict: accurate\n---\n"})
    env = {**os.environ, "FACTCHECK_WORKERS": "1", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", KILLER, str(root)], env=env, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert tree(live) == before and inodes(live) == before_inodes  # the live site was never written through
    assert [name for name in beside(root) if name.startswith(STAGING_PREFIX)]  # the spare, half brought up to date
    assert not spare_of(root).exists()
    out = built(root)
    assert tree(out) == clean_tree(root, tmp_path)
    assert beside(root) == [f"{SPARE_PREFIX}public"]
    write_files(root, {ARTICLE: article("Bridge opens", "And after.")})
    assert tree(built(root)) == clean_tree(root, tmp_path)


def test_no_spare_is_left_when_its_folders_cannot_be_stamped(tmp_path, monkeypatch):
    from generator.engine import spare as spares

    monkeypatch.setattr(spares, "folder_stamp", lambda top, paths: "")
    root = make_site(tmp_path / "site")
    built(root)
    assert beside(root) == []
    assert "spare" not in json.loads((root / CACHE_DIR / "outputs.json").read_text())
