"""The editors' own pages (``content/pages/<id>.md``), such as the methodology page ``/about/``.

Each is published at ``/<id>/`` from its Markdown body, converted by the
same safe Markdown as claim analyses, with ``site.yaml``'s verdict scale
under the text when the page asks for it (``verdict_scale: true``), so the
scale a page explains is always the one the site uses.

Every page of the site links the editors' pages in its footer, by their
titles. So every HTML page shows something of each of those files, and
:func:`linked_from_every_page` adds them to every page's sources: adding,
renaming or retitling one re-renders the pages that link it, in ``serve``
and in incremental builds alike.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from ..core.model import Graph, SitePage
from . import urls
from .base import EVERYTHING, Output, Page, body_html

SECTION = "pages"  # no item of the main navigation is current on these pages


def plan(graph: Graph) -> list[Output]:
    """One page for each of the editors' pages. A page shows its own file,
    and site.yaml (the scale), which every page depends on already."""
    return [
        Page(urls.site_page_path(page), "page.html", SECTION, frozenset({page.path}), partial(page_context, page),
             text_sources=frozenset({page.path}))
        for page in graph.pages.values()
    ]


def page_context(page: SitePage) -> dict[str, Any]:
    return {"page": page, "body_html": body_html(page.document)}


def linked_from_every_page(outputs: list[Output], graph: Graph) -> None:
    """Add the editors' pages to the sources of every HTML page, in place
    (the sitemap holds this very list). Data files have no footer."""
    paths = frozenset(page.path for page in graph.pages.values())
    if not paths:
        return
    for index, output in enumerate(outputs):
        if isinstance(output, Page) and output.sources != EVERYTHING:
            outputs[index] = replace(output, sources=output.sources | paths)
