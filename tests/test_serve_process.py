"""`factcheck serve` as a process: how it refuses to start (issue 11, item 7) and
how it stops (item 3): one line and an exit code, never a traceback, and no
worker process left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitekit import REPO, run_cli
from synthetic import make_site as make_synthetic_site
from test_serve import make_site

ARTICLES = 300  # enough that a full rebuild renders in worker processes (workers.MIN_PARALLEL items)


# --- refusing to start ---------------------------------------------------------------------------


def test_a_port_in_use_is_one_line_naming_it_and_exit_3(tmp_path):
    site = make_site(tmp_path)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = run_cli("serve", "--root", str(site), "--port", str(port))
    assert result.returncode == 3, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"factcheck serve: cannot listen on 127.0.0.1:{port}: the port is already in use")
    assert "--port 0" in lines[0]


@pytest.mark.parametrize("option, value", [
    ("--port", "70000"), ("--port", "-1"),
    ("--host", "no-such-host.invalid"),  # cannot be resolved
    ("--host", "192.0.2.1"),  # an address (TEST-NET-1) that is not this machine's
])
def test_a_port_out_of_range_or_a_host_that_cannot_be_bound_is_a_usage_error(tmp_path, option, value):
    result = run_cli("serve", "--root", str(make_site(tmp_path)), option, value)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"factcheck: error: {option} ")


# --- stopping --------------------------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, start time, state) of every process, from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)"
        table[int(entry)] = (int(fields[1]), fields[19], fields[0])
    return table


def descendants(pid: int) -> dict[int, str]:
    """pid → start time of every living descendant of ``pid``."""
    table = process_table()
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, started, state) in table.items():
            if ppid == parent and child not in found and state != "Z":
                found[child] = started
                frontier.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    """Those of ``processes`` that still run (a zombie has ended; a reused pid is another process)."""
    table = process_table()
    return [pid for pid, started in processes.items()
            if pid in table and table[pid][1] == started and table[pid][2] != "Z"]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_for(predicate, timeout: float, what: str, interval: float = 0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"{what} within {timeout} s")


@pytest.fixture
def running_serve(tmp_path):
    """A `factcheck serve` on a synthetic site, started in a session of its own
    (as a terminal's foreground job is its own process group); stopped at the end."""
    site = tmp_path / "site"
    make_synthetic_site(site, ARTICLES)
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", "FACTCHECK_WORKERS": "2"}
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(site), "--port", "0"],
                                   env=env, stdout=stdout, stderr=stderr, start_new_session=True)
    try:
        wait_for(lambda: "Serving" in out.read_text() or process.poll() is not None, 120, "serve did not start")
        assert process.poll() is None, err.read_text()
        yield process, site, err
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def edit_all_content(site: Path) -> None:
    """Every article and claim changed at once (their folders swapped for edited
    copies), so that one rebuild checks them all again, in worker processes.
    (Edited articles alone would be checked one by one, on the quick path.)"""
    for kind in ("articles", "claims"):
        edited = site.parent / f"{kind}-edited"
        edited.mkdir()
        for path in (site / "content" / kind).glob("*.md"):
            (edited / path.name).write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    for kind in ("articles", "claims"):
        (site / "content" / kind).rename(site.parent / f"{kind}-before")
        (site.parent / f"{kind}-edited").rename(site / "content" / kind)


@pytest.mark.parametrize("signum, to_group", [
    (signal.SIGTERM, False),  # kill PID, docker stop
    (signal.SIGINT, False),
    (signal.SIGINT, True),  # Ctrl+C in a terminal: the whole foreground group gets it
], ids=["SIGTERM", "SIGINT", "Ctrl+C"])
def test_a_stop_during_a_rebuild_leaves_no_process_behind(running_serve, signum, to_group):
    process, site, err = running_serve
    edit_all_content(site)
    serve_line = cmdline(process.pid)

    def workers() -> dict[int, str]:
        found = descendants(process.pid)
        return found if any(cmdline(pid) == serve_line for pid in found) else {}

    seen = wait_for(workers, 60, "no worker process appeared for the rebuild")
    (os.killpg if to_group else os.kill)(process.pid, signum)
    seen.update(descendants(process.pid))
    returncode = process.wait(timeout=60)
    wait_for(lambda: not still_running(seen), 3, f"processes {still_running(seen)} still run")
    assert returncode == 0, err.read_text()
    stderr = err.read_text()
    assert "Traceback" not in stderr, stderr
    assert stderr.rstrip().endswith("Stopping."), stderr


def test_a_stop_that_hangs_ends_the_process_anyway():
    """The last resort behind a stop: past its time, the process ends, and says why."""
    code = "from generator.preview.serve import exit_at_the_latest; import time; exit_at_the_latest(0.5); time.sleep(60)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 20
    assert result.returncode == 0
    assert result.stderr.startswith("factcheck serve: stopping took more than 0 s, a bug in factcheck")
