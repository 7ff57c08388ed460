"""Hostile bytes and files in a site's content (issue 11, items 2, 5, 6 and 16).

Each case is run through the command line, as an editor or CI would: the
problem is one diagnostic line, ``check`` and ``build`` say the same, and
there is never a traceback.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sitekit import BASE_FILES, make_site, run_cli

ARTICLE = "content/articles/bridge-opens.md"
CLAIM = "content/claims/bridge-cost.md"


def with_author(value: str) -> dict[str, str]:
    """The mini site's article with an ``author:`` line (file line 4)."""
    return {ARTICLE: BASE_FILES[ARTICLE].replace("outlet: daily-river\n", f"outlet: daily-river\nauthor: {value}\n")}


def problems(result) -> list[str]:
    """The diagnostic lines of a run (its last line is the summary)."""
    return [line for line in result.stderr.splitlines() if ": error: " in line or ": warning: " in line]


def check_and_build(root: Path, out: Path):
    checked = run_cli("check", "--root", str(root))
    built = run_cli("build", "--root", str(root), "--out", str(out), "--no-search")
    for result in (checked, built):
        assert "Traceback" not in result.stderr, result.stderr
    assert problems(checked) == problems(built)  # check and build agree
    return checked, built


# --- item 2: an alias bomb ------------------------------------------------------------------------

ALIAS_BOMB = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]\n" for level in range(1, 10)
)


def test_an_alias_bomb_is_refused_in_one_line_at_once(tmp_path):
    text = BASE_FILES[ARTICLE].replace("outlet: daily-river\n", "outlet: daily-river\n" + ALIAS_BOMB)
    root = make_site(tmp_path / "site", {ARTICLE: text})
    started = time.perf_counter()
    # Before the fix this ran past 60 s at 3 GB; the whole command, Python's
    # start included, takes some 0.3 s. The bound allows for a loaded machine.
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), timeout=20)
    elapsed = time.perf_counter() - started
    assert result.returncode == 1
    assert [line for line in problems(result) if ": error: " in line] == [
        f"{ARTICLE}:4: error: YAML anchor '&a0' is not supported: write the value out in full "
        "(hint: put text that starts with '&' in quotes)"
    ]
    assert "Traceback" not in result.stderr
    assert elapsed < 5, f"took {elapsed:.1f} s"
