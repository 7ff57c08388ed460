"""Builds into one output folder take turns; a build never removes a live build's staging folder.

A build holds an exclusive lock beside its output folder (``lock.py``) from
before it removes the leftovers of killed builds until the new site is in
place. Before, two builds at once removed each other's staging folders: one
crashed, and once a build that said it succeeded left a folder without
``index.html``.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sitekit import REPO, VALID_SITE, all_files, run_cli
from synthetic import make_site
from test_kill import leftovers, snapshot

from generator.core.layout import MARKER
from generator.engine import lock
from generator.engine.lock import lock_path, output_lock


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", "FACTCHECK_WORKERS": "2"}


def start_build(root: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(root), *extra],
        env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


class WholeFolderWatch:
    """Looks at the output folder in a thread until stopped: every look must
    find its home page and its build mark."""

    def __init__(self, out: Path):
        self.out, self.looks, self.broken = out, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            for name in ("index.html", MARKER):
                if not (self.out / name).is_file():
                    self.broken.append(f"{name} missing after {self.looks} looks")
            self.looks += 1
            time.sleep(0.001)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def test_two_builds_into_one_folder_both_succeed_and_the_folder_is_always_whole(tmp_path):
    root = make_site(tmp_path / "site", articles=120, seed=2).root
    first = run_cli("build", "--root", str(root), timeout=300)
    assert first.returncode == 0, first.stderr
    out = root / "public"
    watch = WholeFolderWatch(out)
    try:
        builds = [start_build(root, "--no-cache") for _ in range(2)]  # both write every file
        results = [(build.wait(timeout=300), *build.communicate()) for build in builds]
    finally:
        watch.stop()
    for code, stdout, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    assert watch.looks > 100 and watch.broken == [], watch.broken[:5]
    assert any("Waiting for another build (pid " in stderr for _, _, stderr in results), \
        "the builds did not overlap: the test proved nothing"
    assert leftovers(root) == []
    fresh = tmp_path / "fresh"
    assert run_cli("build", "--root", str(root), "--out", str(fresh), timeout=300).returncode == 0
    assert snapshot(out) == snapshot(fresh)


def fake_live_staging(out: Path) -> Path:
    """What a build that holds the lock is writing (pid 999999: no such process here)."""
    staging = out.parent / f".staging-{out.name}-999999"
    (staging / "claims").mkdir(parents=True)
    (staging / "claims" / "index.html").write_text("being written")
    return staging


def built_site(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """The valid site built into tmp_path/public, and its files."""
    out = tmp_path / "public"
    run = run_cli("build", "--root", str(VALID_SITE), "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out, all_files(out)


def test_no_wait_fails_at_once_while_another_build_holds_the_folder(tmp_path):
    out, before = built_site(tmp_path)
    staging = fake_live_staging(out)
    with output_lock(out):
        started = time.monotonic()
        result = run_cli("build", "--root", str(VALID_SITE), "--out", str(out), "--no-cache", "--no-wait")
        seconds = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines() == [
        f"factcheck build: another build (pid {os.getpid()}) is writing into {out}; run this build again "
        "when it has finished, or without --no-wait to wait for it"
    ]
    assert seconds < 30  # at once, not after the other build (here: never)
    assert all_files(out) == before
    assert (staging / "claims" / "index.html").read_text() == "being written"


def test_a_waiting_build_leaves_the_live_builds_staging_folder_alone(tmp_path):
    out, before = built_site(tmp_path)
    staging = fake_live_staging(out)
    with output_lock(out):
        build = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--root", str(VALID_SITE), "--out", str(out), "--no-cache"],
            env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        first_line = build.stderr.readline()  # a build that does not wait ends, and this is its last line
        assert first_line == f"Waiting for another build (pid {os.getpid()}) to finish writing into {out}...\n"
        time.sleep(0.5)  # it would have removed the staging folder by now
        assert (staging / "claims" / "index.html").read_text() == "being written"
        assert all_files(out) == before
        assert build.poll() is None
    # The lock released, the folder is the waiting build's; what is left beside it is a dead build's.
    stdout, stderr = build.communicate(timeout=120)
    assert build.returncode == 0, stderr
    assert stdout.startswith("Built ")
    assert leftovers(tmp_path) == []
    assert all_files(out) == before


def test_the_lock_file_stays_and_names_no_one_between_builds(tmp_path):
    out, _ = built_site(tmp_path)
    assert lock_path(out).read_text() == ""
    assert lock_path(out).name == ".factcheck-lock-public"


def test_a_file_system_that_cannot_lock_still_builds(tmp_path, monkeypatch):
    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))  # as some network mounts answer

    monkeypatch.setattr(lock.fcntl, "flock", no_locks)
    with output_lock(tmp_path / "public"):
        pass  # entered: the build goes on, unlocked
