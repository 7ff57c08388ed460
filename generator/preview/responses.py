"""What ``factcheck serve`` answers for a path: the built file, a redirect or a
"not found" page, with the live-reload script and the error overlay added to
pages. Nothing here is ever written by ``build``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from ..core.diagnostics import Diagnostic
from ..core.translations import Interface
from .pagewords import (AS_THE_TERMINAL_SHOWS_IT, BUILD_BROKEN, HOME, INTERNAL_ERROR, NOT_FOUND, NOTHING_BUILT_AT,
                        language_attributes, say)

LIVE_RELOAD_PATH = "/__livereload"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CONTENT_TYPES = {
    ".html": HTML,
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": TEXT,
    ".csv": "text/csv; charset=utf-8",
    ".js": "text/javascript",
    ".png": "image/png",
}


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteView:
    """One consistent look at the served site: its files, the errors of the
    last attempt, the version the live-reload stream announces, and the
    site's language for what serve adds to its pages."""

    outputs: dict[str, bytes]
    errors: list[Diagnostic]
    internal_error: str | None
    version: int
    words: Interface

    def answer(self, path: str, fresh: bytes | None = None, extra: str = "") -> Response:
        """The response for ``path``; ``fresh``: its page, already re-rendered
        ahead of a rebuild in progress (the quick path); ``extra``: HTML added
        to the page (the annotation settings of an article page)."""
        if fresh is not None:
            return Response(HTTPStatus.OK, self.decorate(fresh, extra), HTML)
        target, redirect = resolve(path, self.outputs)
        if redirect:
            return Response(HTTPStatus.MOVED_PERMANENTLY, b"", TEXT, {"Location": redirect})
        if target is None:
            return Response(HTTPStatus.NOT_FOUND, self.decorate(not_found_page(path, self.words).encode("utf-8")), HTML)
        body = self.outputs[target]
        if target.endswith(".html"):
            body = self.decorate(body, extra)
        return Response(HTTPStatus.OK, body, CONTENT_TYPES.get(Path(target).suffix, "application/octet-stream"))

    def decorate(self, body: bytes, extra: str = "") -> bytes:
        return decorate(body, self.errors, self.internal_error, self.version, self.words, extra)


def resolve(path: str, outputs: dict[str, bytes]) -> tuple[str | None, str | None]:
    """(output file to send, or a redirect for a folder asked for without its slash)."""
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        candidate = rel + "index.html"
        return (candidate if candidate in outputs else None), None
    if rel in outputs:
        return rel, None
    if f"{rel}/index.html" in outputs:
        return None, f"/{rel}/"
    return None, None


def not_found_page(path: str, words: Interface) -> str:
    where = f'<code dir="ltr">{html.escape(path)}</code>'
    return (
        f'<!doctype html><html{language_attributes(words)}><head><meta charset="utf-8">'
        f"<title>{say(words, NOT_FOUND)}</title></head>"
        f"<body><h1>{say(words, NOT_FOUND)}</h1><p>{say(words, NOTHING_BUILT_AT) % {'path': where}}</p>"
        f'<p><a href="/">{say(words, HOME)}</a></p></body></html>'
    )


# The site's words in a font that has their script (a monospace font may have no Arabic letters, and
# Chromium then wrote Persian with its letters apart); the diagnostics as a terminal shows them.
DIAGNOSTICS_STYLE = "white-space:pre-wrap;margin:.6rem 0 0;font:14px/1.5 ui-monospace,monospace"
OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "background:#2b0b0b;color:#fff;font:14px/1.5 system-ui,sans-serif;padding:1rem 1.2rem;"
    "border-top:4px solid #ff6b6b;box-shadow:0 -4px 16px rgba(0,0,0,.4)"
)


def decorate(body: bytes, errors: list[Diagnostic], internal_error: str | None, version: int,
             words: Interface, settings: str = "") -> bytes:
    """Add the live-reload script, ``settings`` (HTML), and the error overlay when the last rebuild failed."""
    extra = [settings] if settings else []
    if errors or internal_error:
        extra.append(overlay(errors, internal_error, words))
    extra.append(
        "<script>(function(){var v=" + str(version) + ';var s=new EventSource("' + LIVE_RELOAD_PATH + '");'
        "s.onmessage=function(e){if(+e.data!==v){s.close();location.reload();}};})();</script>"
    )
    addition = "".join(extra).encode("utf-8")
    marker = body.rfind(b"</body>")
    return body[:marker] + addition + body[marker:] if marker >= 0 else body + addition


def overlay(errors: list[Diagnostic], internal_error: str | None, words: Interface) -> str:
    """The errors of the last rebuild over the page: said in the site's language
    and direction, listed as ``check`` prints them (English, left to right)."""
    parts = [f'<div id="factcheck-errors" role="alert"{language_attributes(words)} style="{OVERLAY_STYLE}">'
             f"<strong>{say(words, BUILD_BROKEN)}</strong>"]
    if errors:
        parts.append(as_the_terminal_shows_it(d.format() for d in errors))
    if internal_error:
        parts.append(f'<p style="margin:.6rem 0 0">{say(words, INTERNAL_ERROR)}</p>')
        parts.append(as_the_terminal_shows_it(internal_error.splitlines()))
    return "".join(parts) + "</div>"


def as_the_terminal_shows_it(lines) -> str:
    text = "\n".join(html.escape(line) for line in lines)
    return f'<pre{AS_THE_TERMINAL_SHOWS_IT} style="{DIAGNOSTICS_STYLE}">{text}</pre>'
