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
from typing import Any

from ..core.model import Actor, Article, Graph, Outlet, Quote, Voice
from . import urls


def article_text_path(article: Article) -> str:
    return f"data/articles/{article.id}.txt"


def mention_id(quote: Quote) -> str:
    """Unique across the site: anchors are unique within an article, and
    neither ids nor anchors contain "/"."""
    return f"{quote.article.id}/{quote.anchor}"


def passage_url(graph: Graph, quote: Quote) -> str:
    return f"{urls.canonical_url(graph.config.base_url, urls.article_path(quote.article))}#{quote.anchor}"


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


def json_pieces(value: Any, depth: int, indent: str) -> Iterator[str]:
    """The text of :func:`to_json`, in pieces of at most one record each."""
    streamed = isinstance(value, Iterator)  # an array whose items are made as they are written
    if not streamed and (depth == 0 or not isinstance(value, (dict, list)) or not value):
        yield json.dumps(value, ensure_ascii=False)
        return
    inner = indent + "  "
    if isinstance(value, dict):
        before = "{"
        for key, item in value.items():
            yield f"{before}\n{inner}{json.dumps(key, ensure_ascii=False)}: "
            yield from json_pieces(item, depth - 1, inner)
            before = ","
        yield f"\n{indent}}}"
        return
    if depth == 0:  # only a streamed array gets here
        before = ""
        yield "["
        for item in value:
            yield before + json.dumps(item, ensure_ascii=False)
            before = ", "
        yield "]"
        return
    before = "["
    for item in value:
        yield f"{before}\n{inner}"
        yield from json_pieces(item, depth - 1, inner)
        before = ","
    yield "[]" if before == "[" else f"\n{indent}]"
