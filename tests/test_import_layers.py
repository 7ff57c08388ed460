"""The package's layers hold: import-linter's contracts in pyproject.toml.

generator/ is layered (generator/__init__.py): the commands on the engine,
the engine on the outputs, the outputs on the stages, the stages on the
core. ``lint-imports`` checks that no module imports from a layer above
its own, that no module of a package imports one that imports it back
(an import inside a function counts: that is how cycles used to hide),
and that Markdown, Jinja and watchdog are used only where they belong.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sitekit import REPO


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` run on the package and pyproject.toml in ``folder``."""
    command = Path(sys.executable).parent / "lint-imports"
    assert command.exists(), "import-linter is missing: pip install -e '.[test]' (make test does)"
    # --no-cache: its cache, keyed by file times, once answered for a file changed within the second.
    return subprocess.run([str(command), "--no-cache"], cwd=folder, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_forbidden_import_and_a_hidden_cycle_break_them(tmp_path):
    """The contracts are not vacuous: on a copy of the package, a stage that
    imports an output, and an import inside a function that closes a cycle
    among the outputs, are each reported at their line."""
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with open(tmp_path / "generator" / "stages" / "link.py", "a", encoding="utf-8") as file:
        file.write("\nfrom ..outputs.urls import page_path  # noqa: E402 - a stage reaching up\n")
    with open(tmp_path / "generator" / "outputs" / "base.py", "a", encoding="utf-8") as file:
        file.write("\n\ndef cycle():\n    from . import siteplan  # hidden in a function\n    return siteplan\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "generator.stages is not allowed to import generator.outputs" in result.stdout, result.stdout
    assert "generator.stages.link -> generator.outputs.urls" in result.stdout, result.stdout
    assert "No cycles are allowed in generator.outputs" in result.stdout, result.stdout
    assert ".base -> .siteplan" in result.stdout, result.stdout


def test_a_cycle_hidden_behind_type_checking_breaks_them(tmp_path):
    """An import for annotations only (``if TYPE_CHECKING``) still counts: it
    once hid that the analysis's modules imported each other."""
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with open(tmp_path / "generator" / "stages" / "tallies.py", "a", encoding="utf-8") as file:
        file.write("\nfrom typing import TYPE_CHECKING  # noqa: E402\n\nif TYPE_CHECKING:\n"
                   "    from .analyse import Analysis  # noqa: F401 - for an annotation only\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "No cycles are allowed in generator.stages" in result.stdout, result.stdout
    assert ".tallies -> .analyse" in result.stdout, result.stdout
