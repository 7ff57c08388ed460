"""Session-wide fixtures: each site is built once per test run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import sitekit`
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `import generator`

from sitekit import (  # noqa: E402
    FA_SITE, OVERLAP_SITE, RICH_SITE, REPO, VALID_SITE, build_site, example_site_in, graph_of, write_files,
)

from generator.core.layout import CACHE_DIR  # noqa: E402


@pytest.fixture(autouse=True)
def _nothing_left_frozen():
    """serve's runs freeze what they keep out of the cycle collector
    (``engine/collector.py``): in this process, what a test's server kept is
    given back to the collector once the test is over."""
    yield
    import gc

    gc.unfreeze()


def pytest_sessionstart(session) -> None:
    """Every run starts with the fixture sites as git has them: many tests
    build them in place with the build cache on, and a cache an earlier run
    left there (of other code, in another checkout) made one of them fail
    once. The example site at the root is left alone: it is the editors'."""
    import shutil

    for cache in (REPO / "tests" / "fixtures").glob(f"*/{CACHE_DIR}"):
        shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="session")
def valid_out(tmp_path_factory) -> Path:
    """The valid fixture site, built once."""
    return build_site(VALID_SITE, tmp_path_factory.mktemp("valid") / "public")


@pytest.fixture(scope="session")
def overlap_out(tmp_path_factory) -> Path:
    """The fixture site whose article has nested, overlapping, adjacent, identical and elided quotes."""
    return build_site(OVERLAP_SITE, tmp_path_factory.mktemp("overlap") / "public")


@pytest.fixture(scope="session")
def fa_out(tmp_path_factory) -> Path:
    """The Persian fixture site (a right-to-left interface; quotes with translations), built once."""
    return build_site(FA_SITE, tmp_path_factory.mktemp("fa") / "public")


@pytest.fixture(scope="session")
def ar_out(tmp_path_factory) -> Path:
    """The example site with its interface in Arabic (right to left; its content stays English), built once."""
    root = tmp_path_factory.mktemp("ar")
    return build_site(example_site_in("ar", root / "site"), root / "public")


@pytest.fixture(scope="session")
def example_out(tmp_path_factory) -> Path:
    """The project's own example site (/work/main), built once."""
    if not (REPO / "site.yaml").is_file():
        pytest.fail("the example site has no site.yaml yet")
    return build_site(REPO, tmp_path_factory.mktemp("example") / "public")


@pytest.fixture(scope="session")
def rich(tmp_path_factory):
    """(graph, analysis) of sitekit.RICH_SITE, whose tallies test_analyse.py works out by hand."""
    return graph_of(write_files(tmp_path_factory.mktemp("rich"), RICH_SITE))


@pytest.fixture(scope="session")
def analysis(rich):
    return rich[1]
