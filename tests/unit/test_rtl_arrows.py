"""Arrows written as characters (pagination, "All claims →", the link out to an
original) point the way the site's language reads: Unicode does not mirror
them in right-to-left text, so a right-to-left site gets the other one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from generator.outputs.environment import arrow


def on_site(language: str) -> dict:
    return {"site": SimpleNamespace(language=language)}


@pytest.mark.parametrize("language, back, forward, out", [
    ("en", "←", "→", "↗"),
    ("fr", "←", "→", "↗"),
    ("fa-AF", "→", "←", "↖"),
    ("ar", "→", "←", "↖"),
    ("ku-Arab", "→", "←", "↖"),
])
def test_arrows_point_the_way_the_site_reads(language, back, forward, out):
    context = on_site(language)
    assert (arrow(context, "back"), arrow(context, "forward"), arrow(context, "out")) == (back, forward, out)
