"""A build killed at any moment leaves the previous site whole; stale files never survive.

The build writes into a hidden sibling folder and swaps it into place in one
step, so whenever a build is SIGKILLed the output folder must be exactly the
previous site (A) or exactly the new one (B): never a mix, never missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitekit import REPO, VALID_SITE, all_files, run_cli
from synthetic import make_site

from generator.core.layout import STAGING_PREFIX
from generator.engine.workers import MIN_PARALLEL

MIN_BUILD_SECONDS = 1.0
LEFTOVER_PREFIXES = (".staging-", ".retired-")


# --- helpers -----------------------------------------------------------------------------------------


def snapshot(out: Path) -> dict[str, str]:
    """Every file (path → sha256) and folder (path/ → "dir") under ``out``."""
    assert out.is_dir(), f"the output folder {out} is missing"
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_dir():
            found[rel + "/"] = "dir"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def describe_difference(actual: dict[str, str], a: dict[str, str], b: dict[str, str]) -> str:
    lines = []
    for name, expected in (("A", a), ("B", b)):
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        changed = sorted(p for p in set(actual) & set(expected) if actual[p] != expected[p])
        lines.append(
            f"vs {name}: {len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]}, "
            f"{len(changed)} differ {changed[:3]}"
        )
    return "; ".join(lines)


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(LEFTOVER_PREFIXES))


def build_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(root)]


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}


def timed_build(root: Path) -> float:
    started = time.monotonic()
    result = subprocess.run(build_command(root), env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def build_and_kill(root: Path, trigger, timeout: float = 60) -> bool:
    """Run a build and SIGKILL it as soon as ``trigger(pid, started)`` is true.

    Returns True when the build was killed, False when it finished first.
    """
    proc = subprocess.Popen(build_command(root), env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while proc.poll() is None:
            if trigger(proc.pid, started):
                proc.send_signal(signal.SIGKILL)
                break
            if time.monotonic() - started > timeout:
                proc.kill()
                pytest.fail(f"the build did not finish within {timeout} s")
            time.sleep(0.0005)
    finally:
        proc.wait()
    if proc.returncode == 0:
        return False
    assert proc.returncode == -signal.SIGKILL, f"the build failed by itself (exit {proc.returncode})"
    return True


# --- triggers: moments to kill at ---------------------------------------------------------------------


def after(seconds: float):
    return lambda pid, started: time.monotonic() - started >= seconds


def new_folder(parent: Path, before: set[str]) -> Path | None:
    """The build's staging folder, once it appeared in ``parent`` (not in ``before``).
    Not any new folder: a spare the build will not use is renamed aside first."""
    for entry in os.scandir(parent):
        if entry.name not in before and entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
            return Path(entry.path)
    return None


def staging_has(parent: Path, file: str | None):
    """Once the build has made a new folder beside the output (and written ``file`` in it)."""
    before = {entry.name for entry in os.scandir(parent)}

    def trigger(pid, started):
        staging = new_folder(parent, before)
        return staging is not None and (file is None or (staging / file).exists())

    return trigger


def output_changed(out: Path):
    """Once the output folder is touched in any way: for an atomic build, just after the swap."""
    before = os.stat(out)

    def trigger(pid, started):
        try:
            now = os.stat(out)
        except FileNotFoundError:
            return True  # a moment without the folder: the check after the kill reports it
        return (now.st_ino, now.st_mtime_ns) != (before.st_ino, before.st_mtime_ns)

    return trigger


# --- the synthetic site: valid, deterministic ----------------------------------------------------------


def test_synthetic_site_is_valid(tmp_path):
    site = make_site(tmp_path / "site", articles=50)
    assert len(site.articles) == 50
    assert site.mentions >= 4 * 50
    result = run_cli("check", "--root", str(site.root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Content is valid (0 warning(s))."
    assert result.stderr == ""


def test_synthetic_site_is_deterministic(tmp_path):
    make_site(tmp_path / "one", articles=20, seed=7)
    make_site(tmp_path / "two", articles=20, seed=7)
    make_site(tmp_path / "other", articles=20, seed=8)
    assert all_files(tmp_path / "one") == all_files(tmp_path / "two")
    assert all_files(tmp_path / "one") != all_files(tmp_path / "other")


# --- SIGKILL at any moment -------------------------------------------------------------------------------


def big_site(tmp_path: Path) -> tuple[Path, float]:
    """A synthetic site whose build takes at least MIN_BUILD_SECONDS here, and that time."""
    articles = 150
    while True:
        root = tmp_path / f"site-{articles}"
        make_site(root, articles=articles, seed=1)
        seconds = timed_build(root)
        if seconds >= MIN_BUILD_SECONDS or articles >= 4000:
            return root, seconds
        shutil.rmtree(root)
        articles = articles * 3 // 2


def change_content(root: Path) -> None:
    """Edits that make build B differ from A in every page, with pages gone and added."""
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("title: Synthetic checks", "title: Synthetic checks, revised"))
    articles = sorted((root / "content" / "articles").glob("*.md"))
    articles[len(articles) // 2].unlink()
    (root / "content" / "actors" / "new-person.md").write_text("---\nname: Nova Person\nkind: person\n---\nNew.\n")


def test_sigkill_at_any_moment_leaves_a_whole_site(tmp_path):
    root, seconds = big_site(tmp_path)
    out = root / "public"
    snapshot_a = snapshot(out)
    saved_a = tmp_path / "saved-a"
    shutil.copytree(out, saved_a)

    change_content(root)
    timed_build(root)
    snapshot_b = snapshot(out)
    assert snapshot_b != snapshot_a
    assert set(snapshot_a) - set(snapshot_b), "B should lack pages that A has"
    assert set(snapshot_b) - set(snapshot_a), "B should have pages that A lacks"
    files_b = sorted(p for p in snapshot_b if not p.endswith("/"))

    moments = [(f"after {f:.0%} of the build time", lambda f=f: after(f * seconds)) for f in (0.1, 0.5, 0.9)]
    moments += [
        ("when the staging folder appears", lambda: staging_has(root, None)),
        ("after a third of the files are written", lambda: staging_has(root, files_b[len(files_b) // 3])),
        ("after two thirds of the files are written", lambda: staging_has(root, files_b[2 * len(files_b) // 3])),
        ("when the last file is written", lambda: staging_has(root, files_b[-1])),
        ("as soon as the output folder changes (just after the swap)", lambda: output_changed(out)),
    ]
    outcomes, problems = [], []
    for label, make_trigger in moments:
        # Start each attempt from site A, as after the first build (leftovers of killed builds stay).
        shutil.rmtree(out)
        shutil.copytree(saved_a, out)
        killed = build_and_kill(root, make_trigger())
        if not out.is_dir():
            problems.append(f"{label}: the output folder is missing")
            continue
        state = snapshot(out)
        verdict = "A" if state == snapshot_a else "B" if state == snapshot_b else "MIXED"
        outcomes.append(f"{label}: {'killed' if killed else 'finished first'} → {verdict}")
        if verdict == "MIXED":
            problems.append(f"{label}: {describe_difference(state, snapshot_a, snapshot_b)}")
    report = "\n".join(outcomes + problems)
    assert not problems, report
    kills = [o for o in outcomes if ": killed" in o]
    assert len(kills) >= len(moments) - 2, f"too few builds were actually killed:\n{report}"
    assert any(o.endswith("A") for o in kills), report

    # The next full build succeeds, gives exactly B and clears every leftover.
    result = subprocess.run(build_command(root), env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert snapshot(out) == snapshot_b
    assert leftovers(root) == [], f"leftovers of killed builds: {leftovers(root)}"
    # The site it replaced is set aside for the next build to remove; those of earlier builds are gone.
    assert len([p for p in os.listdir(root) if p.startswith(".previous-public-")]) == 1, os.listdir(root)

    # B built over A equals B built from scratch: nothing stale survived.
    fresh = tmp_path / "fresh"
    result = subprocess.run(build_command(root) + ["--out", str(fresh)], env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert snapshot(fresh) == snapshot_b


# --- stale files ------------------------------------------------------------------------------------------


def test_deleted_content_leaves_no_stale_pages(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    (root / "content" / "actors" / "extra-person.md").write_text("---\nname: Extra Person\nkind: person\n---\n")
    assert run_cli("build", "--root", str(root)).returncode == 0
    out = root / "public"
    assert (out / "actors" / "extra-person" / "index.html").is_file()
    assert (out / "articles" / "bridge-late" / "index.html").is_file()

    # An actor, and an article together with the only actor it quotes.
    (root / "content" / "actors" / "extra-person.md").unlink()
    (root / "content" / "articles" / "bridge-late.md").unlink()
    (root / "content" / "actors" / "bo-critic.md").unlink()
    result = run_cli("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    for gone in ("actors/extra-person", "actors/bo-critic", "articles/bridge-late"):
        assert not (out / gone).exists(), f"stale {gone}/ survived the build"

    fresh = tmp_path / "fresh"
    assert run_cli("build", "--root", str(root), "--out", str(fresh)).returncode == 0
    assert all_files(out) == all_files(fresh)
    assert leftovers(root) == []


# --- no process outlives a killed build -----------------------------------------------------------------
#
# A build's workers are forked processes; killed with SIGKILL (a CI timeout),
# the build cannot stop them, and they went on at a full core each, re-parented
# to init. They must die with it, and so must Pagefind.

GONE_WITHIN_SECONDS = 3.0  # the kernel's PR_SET_PDEATHSIG takes milliseconds; slack for a loaded machine


def children_of(pid: int) -> dict[int, str]:
    """The live child processes of ``pid`` (pid → command line), read from /proc."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found[int(entry.name)] = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue  # ended while we looked
    return found


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an orphan is reaped by init, in its own time)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_for_children(proc: subprocess.Popen, enough, timeout: float = 120) -> dict[int, str]:
    """Poll ``proc``'s children until ``enough(children)``; fail if it ends or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = children_of(proc.pid)
        if enough(children):
            return children
        if proc.poll() is not None:
            pytest.fail(f"the command ended (exit {proc.returncode}) before its children were seen")
        time.sleep(0.01)
    pytest.fail(f"no such children within {timeout} s")


def kill_and_expect_orphans_gone(proc: subprocess.Popen, seen: dict[int, str]) -> None:
    """SIGKILL ``proc``; every child it had (``seen`` before, or found now) must end soon after."""
    children = {**seen, **children_of(proc.pid)}
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while time.monotonic() < deadline and any(is_running(pid) for pid in children):
        time.sleep(0.02)
    survivors = {pid: line for pid, line in children.items() if is_running(pid)}
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)  # leave no mess on the machine, whatever the verdict
    assert not survivors, f"still running {GONE_WITHIN_SECONDS} s after their parent was killed: {survivors}"


def workers_env() -> dict[str, str]:
    return {**cli_env(), "FACTCHECK_WORKERS": "2"}  # workers even on a one-core machine


def is_pagefind(command_line: str) -> bool:
    return "pagefind" in command_line


def test_a_killed_build_leaves_no_worker_running(tmp_path):
    root = make_site(tmp_path / "site", articles=400, seed=3).root
    proc = subprocess.Popen(build_command(root) + ["--no-cache"], env=workers_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = {}
    try:
        workers = wait_for_children(proc, lambda found: len(found) >= 2)
    finally:
        kill_and_expect_orphans_gone(proc, workers)
    assert not any(is_pagefind(line) for line in workers.values()), workers


def test_a_build_killed_while_indexing_leaves_no_pagefind_running(tmp_path):
    # Pagefind exits by itself once its input closes, which the kernel does when the build dies.
    root = make_site(tmp_path / "site", articles=300, seed=4).root
    proc = subprocess.Popen(build_command(root) + ["--no-cache"], env=workers_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = {}
    try:
        children = wait_for_children(proc, lambda found: any(is_pagefind(line) for line in found.values()))
        time.sleep(0.2)  # let it get going
    finally:
        kill_and_expect_orphans_gone(proc, children)


def test_a_killed_serve_leaves_no_worker_of_its_rebuild_running(tmp_path):
    # serve rebuilds in a thread of its own: the workers it forks must still die with the process.
    root = make_site(tmp_path / "site", articles=300, seed=5).root
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", "0", "--no-search"],
        env=workers_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    workers = {}
    try:
        assert "Serving" in proc.stdout.readline()  # the first build is done
        # Claims, not articles: edits to articles alone take serve's quick path, which checks them itself.
        claims = sorted((root / "content" / "claims").glob("*.md"))
        assert len(claims) > 2 * MIN_PARALLEL
        for claim in claims:  # every one checked again, by the rebuild's workers
            claim.write_text(claim.read_text() + "\nA sentence added later.\n")
        workers = wait_for_children(proc, lambda found: len(found) >= 2)
    finally:
        kill_and_expect_orphans_gone(proc, workers)


# --- Ctrl+C ----------------------------------------------------------------------------------------------


def test_ctrl_c_stops_a_build_in_one_line_and_leaves_the_previous_site(tmp_path):
    """Ctrl+C in a terminal signals the build and its workers (one process
    group): the build says it was interrupted, with no traceback from it or
    a worker, and the output folder is the previous site, with no staging
    folder left. Without the cache the build renders every page, so it is
    still rendering when the signal comes (the first page is in staging)."""
    root, _ = big_site(tmp_path)
    out = root / "public"
    previous = snapshot(out)
    change_content(root)
    parent = out.parent
    before = {entry.name for entry in os.scandir(parent)}
    proc = subprocess.Popen([*build_command(root), "--no-cache"], env=cli_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        rendering = staging_has(parent, "index.html")
        while proc.poll() is None and not rendering(proc.pid, 0) and time.monotonic() < deadline:
            time.sleep(0.0005)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = stderr.decode()
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1] == "factcheck build: interrupted", stderr
    assert snapshot(out) == previous
    assert not {entry.name for entry in os.scandir(parent)} - before
