"""What every output builds on: :class:`Page` and :class:`DataFile`, one
entry of the site map each, and the helpers that plan them.

Each output module (``feeds.py``, ``opendata.py``, ``structured.py``,
``sitepages.py``) plans its own outputs with these, and ``siteplan.py``
gathers them into the whole site map; none of them needs the others.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, TypeVar

from markupsafe import Markup

from ..core.markup import Document
from ..core.model import Quote
from . import paginate

# The sources of a page that shows something from every content file.
EVERYTHING = frozenset({"*"})

# The text_sources of an output that shows no file's body text (Page.text_sources).
NO_TEXT: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    """One page of the site map: where it goes, how it looks, what it is made of.

    ``sources`` are the content files (paths relative to the site root) whose
    change can change this page: incremental rebuilds re-render exactly the
    pages whose sources changed. ``shows`` is a digest of what else the page
    shows that its sources alone do not decide, worked out when it is planned
    (:func:`fingerprint`): on a page of a list, which items it holds and in
    which order, the totals it prints. Both are part of the page's key
    (``engine/keys.page_keys``). The context is built only when the page is
    rendered, so planning every page is cheap.

    ``text_sources``: those of its sources whose body *text* it shows. What
    an output shows of a content file is either what the file's record says
    (its front matter; for an article, also the order its quotes are read
    in) or also its body text (an article's text and where its quotes sit
    in it, a claim's analysis, an actor's or outlet's introduction, an
    editors' page). The key takes the bytes' digests of the ``text_sources``
    and the records' digests (``validate.CheckedFile.records_digest``) of the
    other sources, so an edit of an article's text alone re-renders its own
    page and the outputs quoting its text, not every list, comparison and
    data file it is counted in. None (the default) means every source's
    text: an output that does not say is keyed on its sources' bytes.
    """

    path: str  # output path, e.g. "claims/x/index.html"
    template: str
    section: str  # for the navigation's "current page" marker
    sources: frozenset[str]
    make_context: Callable[[], dict[str, Any]] = field(compare=False)
    shows: str = ""
    text_sources: frozenset[str] | None = None


@dataclass(frozen=True)
class DataFile:
    """An output that is not an HTML page (a feed, JSON, CSV, the sitemap),
    made by a function instead of a template. Planned, tracked and rebuilt
    incrementally exactly like a Page.

    A site-wide file may also be made of pieces (``parts``, see
    :func:`composed`): its bytes are then its parts joined, each part fixed
    bytes (the frame: headers, separators, what is made of the whole site)
    or a :class:`Piece`, one item's bytes, which the engine keeps from run
    to run and makes again only when the piece's own key changes
    (``engine/pieces.py``)."""

    path: str  # e.g. "data/claims.json"
    sources: frozenset[str]
    produce: Callable[[], bytes] = field(compare=False)
    template: str = ""  # none; templates never change a data file
    shows: str = ""  # as Page.shows
    parts: Callable[[], list["Part"]] | None = field(default=None, compare=False)
    text_sources: frozenset[str] | None = None  # as Page.text_sources


@dataclass(frozen=True)
class Piece:
    """One item's part of a data file made of pieces (a claim's record, an
    article's rows): keyed exactly as a page is (``engine/keys.page_keys``),
    by its sources and what else it shows, so its sources must list every
    content file whose change can change its bytes, as a page's do."""

    path: str  # the file's path, "#", the item's: "data/claims.json#claims/<id>"
    sources: frozenset[str]
    produce: Callable[[], bytes] = field(compare=False)
    shows: str = ""
    template: str = ""  # none, as for a DataFile
    text_sources: frozenset[str] | None = None  # as Page.text_sources


Part = bytes | Piece


def composed(path: str, parts: Callable[[], list[Part]], text_sources: frozenset[str] | None = None) -> DataFile:
    """A site-wide data file made of ``parts``; produced on its own (with no
    pieces kept from an earlier run), every piece is made. ``text_sources``
    as for any output (:attr:`Page.text_sources`)."""
    return DataFile(path, EVERYTHING, lambda: join_parts(parts()), parts=parts, text_sources=text_sources)


def join_parts(parts: list[Part]) -> bytes:
    return b"".join(part if isinstance(part, bytes) else part.produce() for part in parts)


def piece_path(file_path: str, item: str) -> str:
    return f"{file_path}#{item}"


PageSources = dict[str, frozenset[str]]  # page path → its sources


def shows_text_of(output: "Output | Piece", paths: frozenset[str]) -> bool:
    """Whether ``output``'s key takes the bytes of one of ``paths`` (``keys.SourceKeys``):
    whether it shows the body text of one of those files."""
    text = output.text_sources
    if text is None:
        return output.sources == EVERYTHING or not paths.isdisjoint(output.sources)
    return not paths.isdisjoint(text)


def page_sources(pages: list["Output"]) -> PageSources:
    """The sources of every page planned so far, by path: a piece of a data
    file showing what a page shows takes that page's sources."""
    return {page.path: page.sources for page in pages}


Output = Page | DataFile


def sources_of(quotes: list[Quote], *paths: str) -> frozenset[str]:
    """The files a list of quotes shows something of, plus ``paths``: among
    them every actor on the speaker's affiliation chain, since each can
    change the origin the quote is counted under."""
    return frozenset(paths).union(*(quote.files for quote in quotes))


def stable_hash(text: str) -> int:
    """The same number for the same text in every run (Python's own hash is
    salted): where a path goes among the search shards, where claims.json's
    runs of article records start."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def fingerprint(value: Any) -> str:
    """A digest of ``value`` (anything JSON can write), for ``Page.shows``."""
    return hashlib.blake2b(json.dumps(value, ensure_ascii=False).encode(), digest_size=16).hexdigest()


Item = TypeVar("Item")


def list_pages(section: str, template: str, items: Sequence[Item],
               make_context: Callable[[paginate.Pagination], dict[str, Any]], *,
               item_sources: Callable[[Item], frozenset[str]], item_id: Callable[[Item], Any],
               site_wide: Any = None, nav: str | None = None) -> list[Page]:
    """A list of ``items`` as pages of ``limits.PAGE_SIZES[section]``:
    ``section/index.html``, then ``section/page/2/index.html``…

    A page is made of the items on its slice, not of the whole list: its
    sources are those of its items (``item_sources``), and what it shows of
    the list as a whole is its ``shows``: its number, the number of pages,
    the total, the ids of its items in order (``item_id``) and ``site_wide``,
    whatever else every page of the list prints (the comparison's columns,
    the actors' counts by kind). So an edit re-renders the pages that show
    the edited items, and every page only when the list's order, its length
    or its ``site_wide`` part changes. ``nav``: the navigation's section,
    when not ``section`` itself."""
    pages = []
    for pagination in paginate.paginations(section, len(items)):
        shown = pagination.slice(items)
        pages.append(Page(
            pagination.path, template, nav or section,
            frozenset().union(*(item_sources(item) for item in shown)),
            partial(lambda pagination: {**make_context(pagination), "pagination": pagination}, pagination),
            fingerprint([pagination.number, pagination.count, pagination.total,
                         [item_id(item) for item in shown], site_wide]),
            NO_TEXT,  # a list shows what its items' records say, never a body
        ))
    return pages


def body_html(document: Document | None) -> Markup:
    """A claim's, actor's or outlet's Markdown body as safe HTML."""
    return Markup(document.to_html()) if document is not None else Markup("")
