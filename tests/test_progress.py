"""On a terminal, a build that takes more than a moment shows its progress."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from generator.core.progress import TerminalProgress
from sitekit import REPO
from synthetic import make_site


def test_progress_is_quiet_for_the_first_half_second(monkeypatch):
    stream = io.StringIO()
    clock = iter([0.0, 0.1, 0.2, 0.7, 0.75, 0.9])
    monkeypatch.setattr("generator.core.progress.time.monotonic", lambda: next(clock))
    progress = TerminalProgress(stream)  # started at 0.0
    progress.update("Rendering pages", 1, 10)  # 0.1: too early
    progress.update("Rendering pages", 2, 10)  # 0.2: too early
    progress.update("Rendering pages", 7, 10)  # 0.7: shown
    progress.update("Rendering pages", 8, 10)  # 0.75: within 0.1 s of the last line
    progress.update("Rendering pages", 10, 10)  # 0.9: the last one is always shown
    assert stream.getvalue() == "\r\x1b[KRendering pages 7/10\r\x1b[KRendering pages 10/10"
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_slow_build_on_a_terminal_shows_progress_and_clears_it(tmp_path):
    site = make_site(tmp_path / "site", articles=250, seed=3).root
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(site), "--out", str(tmp_path / "out")],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower,
    )
    os.close(follower)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the build closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    assert b"\r\x1b[KRendering pages " in terminal
    assert terminal.endswith(b"\r\x1b[K")  # the line is cleared before the summary
    assert stdout.decode().startswith("Built ")


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    site = make_site(tmp_path / "site", articles=250, seed=3).root
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(site), "--out", str(tmp_path / "out")],
        cwd=REPO, capture_output=True, timeout=120,
    )
    assert result.returncode == 0
    assert result.stderr == b""
