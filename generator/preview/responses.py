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
    last attempt, and the version the live-reload stream announces."""

    outputs: dict[str, bytes]
    errors: list[Diagnostic]
    internal_error: str | None
    version: int

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
            return Response(HTTPStatus.NOT_FOUND, self.decorate(not_found_page(path).encode("utf-8")), HTML)
        body = self.outputs[target]
        if target.endswith(".html"):
            body = self.decorate(body, extra)
        return Response(HTTPStatus.OK, body, CONTENT_TYPES.get(Path(target).suffix, "application/octet-stream"))

    def decorate(self, body: bytes, extra: str = "") -> bytes:
        return decorate(body, self.errors, self.internal_error, self.version, extra)


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


def not_found_page(path: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
        f"<body><h1>Not found</h1><p>Nothing is built at <code>{html.escape(path)}</code>.</p>"
        '<p><a href="/">Home</a></p></body></html>'
    )


OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.2rem;"
    "border-top:4px solid #ff6b6b;box-shadow:0 -4px 16px rgba(0,0,0,.4)"
)


def decorate(body: bytes, errors: list[Diagnostic], internal_error: str | None, version: int,
             settings: str = "") -> bytes:
    """Add the live-reload script, ``settings`` (HTML), and the error overlay when the last rebuild failed."""
    extra = [settings] if settings else []
    if errors or internal_error:
        lines = [html.escape(d.format()) for d in errors]
        if internal_error:
            lines.append("internal error (a bug in factcheck, please report it):")
            lines.extend(html.escape(line) for line in internal_error.splitlines())
        extra.append(
            f'<div id="factcheck-errors" role="alert" style="{OVERLAY_STYLE}">'
            f"<strong>The last change broke the build: still showing the last good version.</strong>"
            f'<pre style="white-space:pre-wrap;margin:.6rem 0 0">{chr(10).join(lines)}</pre></div>'
        )
    extra.append(
        "<script>(function(){var v=" + str(version) + ';var s=new EventSource("' + LIVE_RELOAD_PATH + '");'
        "s.onmessage=function(e){if(+e.data!==v){s.close();location.reload();}};})();</script>"
    )
    addition = "".join(extra).encode("utf-8")
    marker = body.rfind(b"</body>")
    return body[:marker] + addition + body[marker:] if marker >= 0 else body + addition
