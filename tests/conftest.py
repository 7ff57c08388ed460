"""Session-wide fixtures: each site is built once per test run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import sitekit`
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `import generator`

from sitekit import REPO, VALID_SITE  # noqa: E402


def _build(root: Path, out: Path, base_url: str | None = None) -> Path:
    from generator.build import build

    result = build(root, out, base_url)
    problems = "\n".join(d.format() for d in result.diagnostics.errors)
    assert result.ok, f"building {root} failed:\n{problems}"
    return out


@pytest.fixture(scope="session")
def valid_out(tmp_path_factory) -> Path:
    """The valid fixture site, built once."""
    return _build(VALID_SITE, tmp_path_factory.mktemp("valid") / "public")


@pytest.fixture(scope="session")
def example_out(tmp_path_factory) -> Path:
    """The project's own example site (/work/main), built once."""
    if not (REPO / "site.yaml").is_file():
        pytest.fail("the example site has no site.yaml yet")
    return _build(REPO, tmp_path_factory.mktemp("example") / "public")
