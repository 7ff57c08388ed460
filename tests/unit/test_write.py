"""Stage 6, write: the output folder is replaced as a whole, atomically.

The files go through the staged site the way the pipeline uses its sink
(``pipeline.run``): each put, then a commit, or an abandon when anything
fails; the manifest each commit leaves is the next one's previous version,
as the build cache hands it on, so unchanged files are linked, not written.
"""

from __future__ import annotations

import errno
import os

import pytest

from generator.core import layout
from generator.core.failures import SystemFailure
from generator.engine import streamed, workers, write
from generator.engine.write import StagedSite
from sitekit import all_files as all_files_with_marker

MANIFESTS: dict = {}  # output folder → the manifest of its last commit (the build cache's outputs.json)


def write_site(outputs: dict[str, bytes], out) -> None:
    """Replace ``out`` with exactly ``outputs``, as the pipeline does with a
    staged site, and as ``build`` removes the site the last write set aside."""
    discarding = write.discard_previous(out)
    staged = StagedSite(out, MANIFESTS.get(out.resolve()))
    try:
        manifest = {path: staged.put(path, data)[0] for path, data in sorted(outputs.items())}
        discarding.wait()
        staged.commit()
    except BaseException:
        staged.abandon()
        raise
    finally:
        discarding.wait()
    MANIFESTS[out.resolve()] = manifest


def set_aside(out) -> str:
    """The name of the folder the previous site is moved into, for the next write to remove."""
    return f"{layout.PREVIOUS_PREFIX}{out.name}-{os.getpid()}"


def all_files(out):
    """The files a test wrote, without the marker every build adds."""
    files = all_files_with_marker(out)
    assert files.pop(layout.MARKER) == write.MARKER_TEXT
    return files


def siblings(out):
    return sorted(p.name for p in out.parent.iterdir())


def test_first_write_creates_the_folder(tmp_path):
    out = tmp_path / "site" / "public"
    write_site({"index.html": b"home", "claims/a/index.html": b"claim a"}, out)
    assert all_files(out) == {"claims/a/index.html": b"claim a", "index.html": b"home"}
    assert siblings(out) == ["public"]  # no staging folder left behind


@pytest.mark.parametrize("can_exchange", [True, False], ids=["renameat2", "two-renames"])
def test_second_write_replaces_everything(tmp_path, monkeypatch, can_exchange):
    if not can_exchange:
        monkeypatch.setattr(write, "exchange", lambda a, b: False)
    out = tmp_path / "public"
    write_site({"index.html": b"old home", "claims/gone/index.html": b"stale", "assets/old.css": b"x"}, out)
    inode = out.stat().st_ino
    write_site({"index.html": b"new home", "claims/new/index.html": b"fresh"}, out)
    assert all_files(out) == {"index.html": b"new home", "claims/new/index.html": b"fresh"}
    assert not (out / "claims" / "gone").exists()  # stale pages do not survive
    assert not (out / "assets").exists()
    assert out.stat().st_ino != inode  # a new folder was swapped in, not the old one patched
    # The previous site, whole, set aside for the next write to remove; no staging folder.
    assert siblings(out) == [set_aside(out), "public"]
    assert all_files(out.parent / set_aside(out)) == {
        "index.html": b"old home", "claims/gone/index.html": b"stale", "assets/old.css": b"x"}
    write_site({"index.html": b"newer home"}, out)
    assert siblings(out) == [set_aside(out), "public"]
    assert all_files(out.parent / set_aside(out)) == {"index.html": b"new home", "claims/new/index.html": b"fresh"}


def test_a_kept_file_staged_again_leaves_the_live_file_alone(tmp_path):
    # The search index is kept when no page changed, and made anew when a kept
    # file turns out to be missing: the files kept before are staged again.
    out = tmp_path / "public"
    first = write.StagedSite(out)
    entry, _ = first.put("pagefind/fragment.pf", b"old")
    first.commit()
    staged = write.StagedSite(out, {"pagefind/fragment.pf": entry})
    assert staged.keep("pagefind/fragment.pf") == entry  # hard-linked to the live file
    staged.put("pagefind/fragment.pf", b"new")
    assert (out / "pagefind" / "fragment.pf").read_bytes() == b"old"  # live until the swap
    staged.commit()
    assert (out / "pagefind" / "fragment.pf").read_bytes() == b"new"


def test_files_added_by_hand_do_not_survive(tmp_path):
    out = tmp_path / "public"
    write_site({"index.html": b"v1"}, out)
    (out / "notes.txt").write_text("hand-made")
    (out / "sub").mkdir()
    (out / "sub" / "x.html").write_text("x")
    write_site({"index.html": b"v2"}, out)
    assert all_files(out) == {"index.html": b"v2"}


def test_leftovers_of_killed_builds_are_removed(tmp_path):
    out = tmp_path / "public"
    write_site({"index.html": b"v1"}, out)
    for name in (".staging-public-12345", ".retired-public-999", ".previous-public-77"):
        (tmp_path / name / "deep").mkdir(parents=True)
        (tmp_path / name / "deep" / "index.html").write_text("half-written")
    unrelated = tmp_path / ".staging-other-1"  # another output folder's staging area
    unrelated.mkdir()
    (tmp_path / ".previous-public-old-1").mkdir()  # the set-aside site of public-old/
    write_site({"index.html": b"v2"}, out)
    assert siblings(out) == [set_aside(out), ".previous-public-old-1", ".staging-other-1", "public"]
    assert all_files(out) == {"index.html": b"v2"}


def test_the_sites_set_aside_are_removed_by_a_process_of_its_own(tmp_path, monkeypatch):
    # Removing the previous site took 1.2 s of a build at 10,000 articles: the
    # build goes on while another process does it.
    monkeypatch.setenv("FACTCHECK_WORKERS", "2")
    out = tmp_path / "public"
    for name in (".previous-public-5", ".previous-public-66"):
        (tmp_path / name / "deep").mkdir(parents=True)
        (tmp_path / name / "deep" / "index.html").write_text("old")
    discarding = write.discard_previous(out)
    if workers.can_fork():
        assert discarding.process is not None and discarding.process.pid != os.getpid()
    discarding.wait()
    assert siblings(out) == []


def test_unrelated_siblings_are_untouched(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("keep me")
    (tmp_path / "public-old").mkdir()
    write_site({"index.html": b"v1"}, tmp_path / "public")
    write_site({"index.html": b"v2"}, tmp_path / "public")
    assert (tmp_path / "content" / "a.md").read_text() == "keep me"
    assert (tmp_path / "public-old").is_dir()


def test_a_failure_while_writing_leaves_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "public"
    write_site({"index.html": b"v1", "claims/a/index.html": b"a"}, out)
    before = all_files(out)

    class Boom(Exception):
        pass

    def fail(staging, out_dir, keep_spare=False):
        raise Boom

    monkeypatch.setattr(write, "swap_into_place", fail)
    with pytest.raises(Boom):
        write_site({"index.html": b"v2"}, out)
    assert all_files(out) == before
    monkeypatch.undo()
    write_site({"index.html": b"v3"}, out)  # the next build cleans the staging folder up
    assert siblings(out) == [set_aside(out), "public"]
    assert all_files(out.parent / set_aside(out)) == before
    assert all_files(out) == {"index.html": b"v3"}


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("a")
    (b / "from-b").write_text("b")
    if not write.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available on this system")
    assert os.listdir(a) == ["from-b"]
    assert os.listdir(b) == ["from-a"]


def test_every_build_is_marked_so_that_only_builds_are_ever_replaced(tmp_path):
    out = tmp_path / "public"
    write_site({"index.html": b"home"}, out)
    assert (out / layout.MARKER).read_bytes() == write.MARKER_TEXT


def test_a_failed_swap_by_two_renames_puts_the_previous_site_back(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "exchange", lambda a, b: False)
    out = tmp_path / "public"
    write_site({"index.html": b"v1"}, out)
    real_rename = os.rename

    def rename(source, target):
        if os.path.basename(source).startswith(layout.STAGING_PREFIX):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), source)
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(SystemFailure) as failure:
        write_site({"index.html": b"v2"}, out)
    assert str(failure.value).startswith(f"cannot write {tmp_path / '.staging-public-'}")
    assert all_files(out) == {"index.html": b"v1"}  # not missing: renamed back


class Streamed:
    """Bytes as a data file's composition gives them (``write.Chunks``)."""

    compare = True

    def __init__(self, *chunks: bytes):
        self.chunks, self.digest = chunks, ""

    def __iter__(self):
        yield from self.chunks
        self.digest = write.digest(b"".join(self.chunks))


def test_a_full_disk_while_a_file_is_written_as_it_is_made_is_one_line_naming_it(tmp_path, monkeypatch):
    staged = write.StagedSite(tmp_path / "public")
    real_open = open

    class FullDisk:
        def __init__(self, path, mode):
            self.file = real_open(path, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def close(self):
            self.file.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")  # as a write says it: no file named

    monkeypatch.setattr(streamed, "open", FullDisk, raising=False)
    with pytest.raises(SystemFailure) as failure:
        staged.put_stream("data/annotations.jsonld", Streamed(b"[", b"]"))
    assert str(failure.value) == (
        f"cannot write {staged.staging / 'data/annotations.jsonld'}: No space left on device; free some space on "
        f"that disk; the site in {tmp_path / 'public'} was left as it was"
    )
    staged.abandon()
    assert not (tmp_path / "public").exists()


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, monkeypatch):
    staged = write.StagedSite(tmp_path / "public")

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write says it: no file named

    monkeypatch.setattr(write.Path, "write_bytes", full_disk)
    with pytest.raises(SystemFailure) as failure:
        staged.put("claims/a/index.html", b"page")
    assert str(failure.value) == (
        f"cannot write {staged.staging / 'claims/a/index.html'}: No space left on device; free some space on that "
        f"disk; the site in {tmp_path / 'public'} was left as it was"
    )
