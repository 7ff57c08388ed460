"""What every open-data file shares: the identifiers and addresses that
are the same in each (a mention's id, a passage's URL, a record's type),
and JSON as the files are written.

``opendata.py`` and ``opendata_csv.py`` make the files from these, and
``structured.py`` writes its feed of reviews with the same JSON writer.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from ..core.model import Actor, Article, Graph, Outlet, Quote, Voice
from . import urls
from .base import Part, Piece

# The data files' keys and values, each written on its own: json.dumps with
# an option makes an encoder at every call, 0.67 µs a key, where one encoder
# takes 0.08 µs (and 1.5 µs for a small record, against 2.3 µs).
json_text = json.JSONEncoder(ensure_ascii=False).encode


def article_text_path(article: Article) -> str:
    return f"data/articles/{article.id}.txt"


def mention_id(quote: Quote) -> str:
    """Unique across the site: anchors are unique within an article, and
    neither ids nor anchors contain "/"."""
    return f"{quote.article.id}/{quote.anchor}"


def quotes_by_article_in_order(graph: Graph) -> list[list[Quote]]:
    """``graph.quotes`` in runs of one article's quotes, in their order: the
    pieces of the files with a record per quote. A run is named by its first
    quote's mention id, which no other run has."""
    return [list(run) for _, run in itertools.groupby(graph.quotes, key=lambda quote: quote.article.id)]


def passage_url(graph: Graph, quote: Quote) -> str:
    return f"{urls.canonical_url(graph.config.base_url, urls.article_path(quote.article))}#{quote.anchor}"


def text_language(graph: Graph, article: Article) -> str:
    """The language an article's text, and so its quotes, are in: its own, else the site's."""
    return article.language or graph.config.language


def translation_language(graph: Graph, quote: Quote) -> str | None:
    """The language of a quote's translation (always the site's), None when it has none."""
    return graph.config.language if quote.translation is not None else None


def via_type(quote: Quote) -> str | None:
    return record_type(quote.via)


def record_type(record: Actor | Outlet | None) -> str | None:
    """"actor" or "outlet" for what a ``via`` or ``value_attributed_to`` names."""
    if record is None:
        return None
    return "actor" if isinstance(record, Actor) else "outlet"


def voice_ref(voice: Voice) -> dict[str, str]:
    """A speaker or an origin in the JSON files: ``{"type": "actor", "id": "taliban"}``."""
    return {"type": voice.kind, "id": voice.id}


def record_ref(record: Actor | Outlet | None) -> dict[str, str] | None:
    return None if record is None else {"type": record_type(record), "id": record.id}


def to_json(data: Any, depth: int = 3) -> bytes:
    """A JSON file: UTF-8, one trailing newline, the same bytes every build.

    The outer ``depth`` levels are laid out one member per line, indented,
    so a reader can find a record; what lies deeper is written on one line.
    Python's ``indent=`` would lay out every level, but it also switches
    ``json`` to its pure-Python encoder: at 10,000 articles that made the
    data files cost seconds of a build.

    A generator among the outer ``depth`` levels of ``data`` is written as
    an array, each record serialised as it is made: the 50,000 annotations
    of a 10,000-article site held as dicts all at once took 600 MB of one
    worker. And the text is encoded piece by piece: joined into one string
    first, with its copies at each level (two or four bytes a character
    once any character is not ASCII), the same file took 380 MB to write.
    """
    pieces = itertools.chain(json_pieces(data, depth, ""), ["\n"])
    return b"".join(piece.encode("utf-8") for piece in pieces)


@dataclass(frozen=True)
class JsonItems:
    """An array of a JSON file made of pieces (:func:`to_json_parts`): each
    item is one piece, (its path, its sources, a function making its
    records, the sources whose text it shows: ``base.Page.text_sources``),
    and its records are the array's elements, laid out as
    :func:`to_json` lays out those of a list. A piece makes one record or
    more, never none."""

    items: list[tuple[str, frozenset[str], Callable[[], list[Any]], frozenset[str] | None]]


def to_json_parts(data: Any, depth: int = 3) -> list[Part]:
    """:func:`to_json`'s bytes as parts (``base.composed``): each
    :class:`JsonItems` array's pieces, and the text around them as bytes.
    Joined, the parts are what ``to_json`` writes of the same data with
    plain lists in place of the JsonItems."""
    parts: list[Part] = []
    text: list[str] = []
    for piece in itertools.chain(json_pieces(data, depth, ""), ["\n"]):
        if isinstance(piece, str):
            text.append(piece)
            continue
        parts += ["".join(text).encode("utf-8"), piece]
        text = []
    parts.append("".join(text).encode("utf-8"))
    return parts


def items_pieces(items: JsonItems, depth: int, indent: str) -> Iterator[str | Piece]:
    """The array of ``items`` as :func:`json_pieces` lays out a list at
    ``depth``, its items as pieces; below the laid-out levels (``depth`` 0)
    the array is one line, made at once."""
    if depth == 0:
        yield json_text([record for _, _, records, _ in items.items for record in records()])
        return
    if not items.items:
        yield "[]"
        return
    inner = indent + "  "
    before = "["
    for path, sources, records, text_sources in items.items:
        yield f"{before}\n{inner}"
        yield Piece(path, sources, partial(records_text, records, depth - 1, inner), text_sources=text_sources)
        before = ","
    yield f"\n{indent}]"


def records_text(records: Callable[[], list[Any]], depth: int, indent: str) -> bytes:
    """One piece of a JsonItems array: its records, as consecutive elements of that array."""
    return f",\n{indent}".join("".join(json_pieces(record, depth, indent)) for record in records()).encode("utf-8")


def json_pieces(value: Any, depth: int, indent: str) -> Iterator[str | Piece]:
    """The text of :func:`to_json`, in pieces of at most one record each
    (and, for a :class:`JsonItems` array, its pieces)."""
    if isinstance(value, JsonItems):
        yield from items_pieces(value, depth, indent)
        return
    streamed = isinstance(value, Iterator)  # an array whose items are made as they are written
    if not streamed and (depth == 0 or not isinstance(value, (dict, list)) or not value):
        yield json_text(value)
        return
    inner = indent + "  "
    if isinstance(value, dict):
        before = "{"
        for key, item in value.items():
            yield f"{before}\n{inner}{json_text(key)}: "
            yield from json_pieces(item, depth - 1, inner)
            before = ","
        yield f"\n{indent}}}"
        return
    if depth == 0:  # only a streamed array gets here
        before = ""
        yield "["
        for item in value:
            yield before + json_text(item)
            before = ", "
        yield "]"
        return
    before = "["
    for item in value:
        yield f"{before}\n{inner}"
        yield from json_pieces(item, depth - 1, inner)
        before = ","
    yield "[]" if before == "[" else f"\n{indent}]"
