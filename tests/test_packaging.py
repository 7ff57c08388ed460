"""The project installs and runs the way the README says, and is careful with folders."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile

import pytest

from sitekit import REPO, VALID_SITE, check_lines, make_site, run_cli


def test_the_wheel_carries_the_default_templates(tmp_path):
    """A plain (non-editable) pip install must be able to build a site without
    templates of its own, so the templates ship inside the package."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("factcheck_site-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    # every file of templates/, however deep (static/search/pagefind.js is in a sub-folder)
    for template in sorted(p for p in (REPO / "templates").rglob("*") if p.is_file()):
        assert f"generator/default_templates/{template.relative_to(REPO / 'templates').as_posix()}" in names
    # ... and every module of the generator's sub-packages (pyproject.toml lists them)
    for module in sorted((REPO / "generator").rglob("*.py")):
        assert module.relative_to(REPO).as_posix() in names
    # ... and the interface's catalogues, which a build compiles from their .po (stages/catalogues.py)
    catalogues = sorted((REPO / "generator" / "locale").rglob("*.po"))
    assert len(catalogues) >= 5
    for catalogue in [*catalogues, REPO / "generator" / "locale" / "messages.pot"]:
        assert catalogue.relative_to(REPO).as_posix() in names


def test_a_folder_that_is_not_a_build_is_never_replaced(tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "index.html").write_text("someone's page")
    result = run_cli("build", "--root", str(VALID_SITE), "--out", str(out))
    assert result.returncode == 2
    assert "no .factcheck-build mark of an earlier build" in result.stderr
    assert [p.name for p in out.iterdir()] == ["index.html"]


def test_an_earlier_build_is_replaced(tmp_path):
    out = tmp_path / "public"
    assert run_cli("build", "--root", str(VALID_SITE), "--out", str(out)).returncode == 0
    (out / "stale.html").write_text("left over")
    assert run_cli("build", "--root", str(VALID_SITE), "--out", str(out)).returncode == 0
    assert not (out / "stale.html").exists()


def test_editor_lock_and_backup_files_are_not_content(tmp_path):
    site = make_site(tmp_path / "site")
    claims = site / "content" / "claims"
    shutil.copy(claims / "bridge-cost.md", claims / ".#bridge-cost.md")
    (claims / "#bridge-cost.md#").write_text("half-saved")
    (claims / "bridge-cost.md~").write_text("backup")
    assert check_lines(site) == []


APT_LOCKS = ("/var/lib/apt/lists/lock", "/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("apt-get"), reason="needs root and apt-get")
def test_make_waits_for_another_apt_get_instead_of_failing(tmp_path):
    """A CI runner's automatic updates may hold apt's locks when `make test`
    installs Chromium: the Makefile's apt-install waits for them. Here the
    locks are held for 4 s, as apt-get holds them (fcntl locks), while make
    installs a package that is already there ("hostname")."""
    makefile = tmp_path / "try.mk"
    makefile.write_text(f"include {REPO / 'Makefile'}\ntry:\n\t$(call apt-install,no-such-command-xyz,hostname,skipped)\n")
    held = threading.Event()

    def hold_locks() -> None:
        handles = [os.open(path, os.O_RDWR | os.O_CREAT) for path in APT_LOCKS]
        try:
            for handle in handles:
                fcntl.lockf(handle, fcntl.LOCK_EX)
            held.set()
            time.sleep(4)
        finally:
            for handle in handles:
                os.close(handle)

    holder = threading.Thread(target=hold_locks)
    holder.start()
    assert held.wait(30)
    # A child process: fcntl locks are per process, so make must not be this one.
    result = subprocess.run(["make", "-f", str(makefile), "-C", str(REPO), "try", "APT_RETRY_SECONDS=2"],
                            capture_output=True, text=True, timeout=600)
    holder.join()
    assert result.returncode == 0, result.stdout + result.stderr
