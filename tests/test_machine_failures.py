"""The machine's own failures: one line naming the path, exit 3, the previous site whole.

A full disk, a read-only or forbidden output parent, an output folder that is
a mount point: each printed raw tracebacks (a full disk three, one of them a
worker's). Each must now end the build with one line on stderr that names
the path and says what to do, exit code 3, the previous site byte-identical
and no staging folder left beside it.

Each failure is tested twice: for real, on a small tmpfs this test mounts
(skipped where mounting is not permitted: this needs root), and simulated
in-process, which always runs. A simulated failure in a worker is set up
before the build forks its workers, so they inherit it.
"""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitekit import VALID_SITE, all_files, run_cli
from synthetic import make_site

from generator import cli
from generator.core.layout import MARKER

LEFTOVER_PREFIXES = (".staging-", ".retired-")


# --- helpers -------------------------------------------------------------------------------------------


@contextmanager
def tmpfs(where: Path, options: str):
    """A tmpfs mounted at ``where`` for the ``with`` block; the test is skipped where that is not permitted."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


def site_copy(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root, ignore=shutil.ignore_patterns(".factcheck-cache"))
    return root


def first_build(root: Path, out: Path, *options: str) -> dict[str, bytes]:
    """Build into ``out`` (the previous site of each test) and return its files."""
    result = run_cli("build", "--root", str(root), "--out", str(out), *options, timeout=300)
    assert result.returncode == 0, result.stderr
    return all_files(out)


def assert_machine_failure(code: int, stderr: str, names: Path, out: Path, before: dict[str, bytes]) -> str:
    """Exit 3, one line that names ``names``, the previous site as it was, nothing left beside it."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert code == 3, stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("factcheck build: ") and str(names) in lines[0], lines[0]
    assert all_files(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(LEFTOVER_PREFIXES)] == []
    return lines[0]


def build_here(capsys, *args: str) -> tuple[int, str]:
    """``factcheck build`` in this process (so that a monkeypatch reaches its workers): exit code, stderr."""
    code = cli.main(["build", *args])
    return code, capsys.readouterr().err


def failing_on_staged_writes(only_in_workers: bool, error: int):
    """Path.write_bytes that fails for the pages of a staging folder, in workers only if asked."""
    real_write_bytes, test_process = pathlib.Path.write_bytes, os.getpid()

    def write_bytes(path: Path, data: bytes) -> int:
        staged = any(part.startswith(".staging-") for part in path.parts)
        if staged and path.name != MARKER and not (only_in_workers and os.getpid() == test_process):
            raise OSError(error, os.strerror(error), str(path))
        return real_write_bytes(path, data)

    return write_bytes


# --- a full disk ----------------------------------------------------------------------------------------


def test_a_full_disk(tmp_path):
    root = site_copy(tmp_path)
    with tmpfs(tmp_path / "disk", "size=512k") as disk:
        out = disk / "public"
        before = first_build(root, out, "--no-search")  # about 300 kB: a second copy does not fit
        result = run_cli("build", "--root", str(root), "--out", str(out), "--no-search", "--no-cache")
        line = assert_machine_failure(result.returncode, result.stderr, disk / ".staging-public-", out, before)
    assert "No space left on device; free some space on that disk" in line
    assert f"the site in {out} was left as it was" in line


@pytest.mark.parametrize("where", ["in a worker", "in the build process"])
def test_a_full_disk_simulated(tmp_path, monkeypatch, capsys, where):
    root = make_site(tmp_path / "site", articles=80, seed=9).root  # enough pages for workers
    out = tmp_path / "public"
    before = first_build(root, out, "--no-search")
    monkeypatch.setenv("FACTCHECK_WORKERS", "2" if where == "in a worker" else "1")
    monkeypatch.setattr(pathlib.Path, "write_bytes", failing_on_staged_writes(where == "in a worker", errno.ENOSPC))
    code, stderr = build_here(capsys, "--root", str(root), "--out", str(out), "--no-search", "--no-cache")
    line = assert_machine_failure(code, stderr, tmp_path / ".staging-public-", out, before)
    assert "No space left on device; free some space on that disk" in line


# --- a read-only or forbidden output parent --------------------------------------------------------------


def test_a_read_only_output_parent(tmp_path):
    root = site_copy(tmp_path)
    with tmpfs(tmp_path / "disk", "size=4m") as disk:
        out = disk / "public"
        before = first_build(root, out)
        remount(disk, "ro")
        result = run_cli("build", "--root", str(root), "--out", str(out), "--no-cache")
        line = assert_machine_failure(result.returncode, result.stderr, disk / ".factcheck-lock-public", out, before)
    assert "Read-only file system; that file system is read-only: use a folder on a writable disk (--out DIR)" in line


def test_a_read_only_output_parent_simulated(tmp_path, monkeypatch, capsys):
    root = site_copy(tmp_path)
    out = tmp_path / "public"
    before = first_build(root, out)
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith(".factcheck-lock-public") and flags & (os.O_RDWR | os.O_WRONLY):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)
    code, stderr = build_here(capsys, "--root", str(root), "--out", str(out), "--no-cache")
    assert_machine_failure(code, stderr, tmp_path / ".factcheck-lock-public", out, before)


def test_a_forbidden_output_parent_simulated(tmp_path, monkeypatch, capsys):
    # The lock file is there from an earlier build; the folder no longer lets this user create anything.
    root = site_copy(tmp_path)
    out = tmp_path / "public"
    before = first_build(root, out)
    real_mkdir = pathlib.Path.mkdir

    def forbidden_mkdir(path: Path, *args, **kwargs):
        if path.name.startswith(".staging-"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", forbidden_mkdir)
    code, stderr = build_here(capsys, "--root", str(root), "--out", str(out), "--no-cache")
    line = assert_machine_failure(code, stderr, tmp_path / ".staging-public-", out, before)
    assert "Permission denied; make that folder writable, or use another one (--out DIR)" in line


# --- an output folder that is a mount point --------------------------------------------------------------


MOUNT_POINT_ADVICE = "it is a mount point, and a build swaps in a whole new folder"


def test_an_output_folder_that_is_a_mount_point(tmp_path):
    root = site_copy(tmp_path)
    with tmpfs(tmp_path / "public", "size=4m") as out:
        built = tmp_path / "built"
        first_build(root, built)
        shutil.copytree(built, out, dirs_exist_ok=True)  # a site synced into the mount, as advised
        before = all_files(out)
        result = run_cli("build", "--root", str(root), "--out", str(out), "--no-cache")
        line = assert_machine_failure(result.returncode, result.stderr, out, out, before)
    assert MOUNT_POINT_ADVICE in line
    assert f"--out {out / 'site'}" in line


def test_an_output_folder_that_is_a_mount_point_simulated(tmp_path, monkeypatch, capsys):
    root = site_copy(tmp_path)
    out = tmp_path / "public"
    before = first_build(root, out)
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == out or real_ismount(path))
    code, stderr = build_here(capsys, "--root", str(root), "--out", str(out), "--no-cache")
    assert MOUNT_POINT_ADVICE in assert_machine_failure(code, stderr, out, out, before)


# --- the build cache is best effort ----------------------------------------------------------------------


def test_a_cache_that_cannot_be_written_only_slows_the_build(tmp_path):
    root = site_copy(tmp_path)
    (root / ".factcheck-cache").write_text("a file where the cache folder should be")
    for _ in range(2):
        result = run_cli("build", "--root", str(root))
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert (root / "public" / "index.html").is_file()
    assert run_cli("check", "--root", str(root)).returncode == 0


def test_a_read_only_cache_only_slows_the_build(tmp_path):
    root = site_copy(tmp_path)
    with tmpfs(root / ".factcheck-cache", "ro,size=64k"):
        result = run_cli("build", "--root", str(root))
        check = run_cli("check", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + check.stderr
    assert check.returncode == 0, check.stderr
    assert (root / "public" / "index.html").is_file()
