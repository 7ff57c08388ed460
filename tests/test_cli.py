"""The command line itself: --version, and --root pointing at something that is not a site."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

from sitekit import REPO, run_cli

from generator import cli

tomllib = pytest.importorskip("tomllib")  # Python 3.11+
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_version_is_printed():
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["factcheck", VERSION]


def test_version_from_a_source_tree_that_is_not_installed(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert cli.version() == f"{VERSION} (source tree)"
    monkeypatch.setattr(cli, "SOURCE_TREE", REPO / "no-such-folder")
    assert cli.version() == "unknown (run from a source tree)"


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_root_pointing_at_a_file_says_so(command):
    result = run_cli(command, "--root", str(REPO / "README.md"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"factcheck: error: --root {REPO / 'README.md'} is a file, not a folder: point it at the folder holding site.yaml"
    )


def test_root_pointing_at_nothing_says_so(tmp_path):
    result = run_cli("build", "--root", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"factcheck: error: --root {tmp_path / 'missing'} does not exist: point it at the folder holding site.yaml"
    )


def test_run_as_the_program_it_leaves_its_objects_out_of_the_last_collection(monkeypatch, tmp_path):
    """The process ends when main() returns: the model it built is frozen out of
    the garbage collection that ends the process (a second at 10,000 articles),
    but only then: called with arguments (from tests, or another program) it is not."""
    import gc
    import shutil
    site = tmp_path / "site"
    shutil.copytree(REPO / "tests/fixtures/valid-site", site)
    gc.unfreeze()
    try:
        assert cli.main(["check", "--root", str(site)]) == 0 and gc.get_freeze_count() == 0
        monkeypatch.setattr("sys.argv", ["factcheck", "check", "--root", str(site)])
        assert cli.main() == 0 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_command_does_not_import_what_only_version_needs():
    """Every command starts Python and the package: a build after one edit
    takes about a second, and these modules cost 30-40 ms of it. The
    version's metadata (importlib.metadata), pyproject's parser (tomllib)
    and xml.sax.saxutils's urllib.request and http.client are imported only
    where used."""
    code = ("import sys; from generator import cli; cli.make_parser().parse_args(['build']); "
            "print(' '.join(sorted(set(sys.modules) & {'importlib.metadata', 'tomllib', "
            "'xml.sax.saxutils', 'urllib.request', 'http.client'})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []
