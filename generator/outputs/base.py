"""What every output builds on: :class:`Page` and :class:`DataFile`, one
entry of the site map each, and the helpers that plan them.

Each output module (``feeds.py``, ``opendata.py``, ``structured.py``,
``sitepages.py``) plans its own outputs with these, and ``siteplan.py``
gathers them into the whole site map; none of them needs the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from markupsafe import Markup

from ..core.markup import Document
from ..core.model import Quote
from . import paginate

# The sources of a page that shows something from every content file.
EVERYTHING = frozenset({"*"})


@dataclass(frozen=True)
class Page:
    """One page of the site map: where it goes, how it looks, what it is made of.

    ``sources`` are the content files (paths relative to the site root) whose
    change can change this page: incremental rebuilds re-render exactly the
    pages whose sources changed. The context is built only when the page is
    rendered, so planning every page is cheap.
    """

    path: str  # output path, e.g. "claims/x/index.html"
    template: str
    section: str  # for the navigation's "current page" marker
    sources: frozenset[str]
    make_context: Callable[[], dict[str, Any]] = field(compare=False)


@dataclass(frozen=True)
class DataFile:
    """An output that is not an HTML page (a feed, JSON, CSV, the sitemap),
    made by a function instead of a template. Planned, tracked and rebuilt
    incrementally exactly like a Page."""

    path: str  # e.g. "data/claims.json"
    sources: frozenset[str]
    produce: Callable[[], bytes] = field(compare=False)
    template: str = ""  # none; templates never change a data file


Output = Page | DataFile


def sources_of(quotes: list[Quote], *paths: str) -> frozenset[str]:
    """The files a list of quotes shows something of, plus ``paths``: among
    them every actor on the speaker's affiliation chain, since each can
    change the origin the quote is counted under."""
    sources = set(paths)
    for quote in quotes:
        sources.update((quote.article.path, quote.claim.path, quote.outlet.path))
        sources.update(actor.path for actor in quote.chain)
        if quote.via:
            sources.add(quote.via.path)
        if quote.value_attributed_to:
            sources.add(quote.value_attributed_to.path)
    return frozenset(sources)


def list_pages(section: str, template: str, total: int,
               make_context: Callable[[paginate.Pagination], dict[str, Any]], nav: str | None = None) -> list[Page]:
    """A list of ``total`` items as pages of ``limits.PAGE_SIZES[section]``:
    ``section/index.html``, then ``section/page/2/index.html``… Every page shows
    a slice of something site-wide, so its sources are EVERYTHING. ``nav``: the
    navigation's section, when not ``section`` itself."""
    return [
        Page(pagination.path, template, nav or section, EVERYTHING,
             partial(lambda pagination: {**make_context(pagination), "pagination": pagination}, pagination))
        for pagination in paginate.paginations(section, total)
    ]


def body_html(document: Document | None) -> Markup:
    """A claim's, actor's or outlet's Markdown body as safe HTML."""
    return Markup(document.to_html()) if document is not None else Markup("")
