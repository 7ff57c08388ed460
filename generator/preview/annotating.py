"""The preview's annotation endpoints, as HTTP: who may call them, and how.

``serve`` (without ``--read-only``) makes a secret token per run and puts
it, with the article's id, the digest of the file its page was rendered
from and the file's mentions, in every article page it serves
(``page_settings``), never in ``build`` output. A request is answered only when, beyond the Host and
Origin checks every request gets (``hosts.py``):

- it carries the token in the ``X-Factcheck-Token`` header (a header, so a
  form or a simple request from elsewhere cannot send it, and a script
  elsewhere could not without a CORS preflight, which is never granted);
- it uses the endpoint's method: ``POST`` for the actions, ``GET`` for the
  catalogue (405 otherwise);
- an action's body is JSON (``Content-Type: application/json``, 415),
  of a stated length (411) of at most ``MAX_BODY_BYTES`` (413, unread).

Then ``annotation.requests.Annotator`` checks what is asked and writes.
Every refusal is JSON ``{ok: false, error, message}``, and writes nothing.
"""

from __future__ import annotations

import hmac
import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable, Mapping

from ..annotation.catalogue import catalogue
from ..annotation.pagestate import page_state
from ..annotation.requests import Annotator, Reply
from ..core.layout import content_file
from .annotateform import FORM_SCRIPT
from .responses import Response

PREFIX = "/_factcheck/"
ACTION_PATHS = {f"{PREFIX}annotate": "annotate", f"{PREFIX}mention/edit": "edit",
                f"{PREFIX}mention/remove": "remove"}
CATALOGUE_PATH = f"{PREFIX}catalogue"
TOKEN_HEADER = "X-Factcheck-Token"
MAX_BODY_BYTES = 64 * 1024  # a quote, its context and a note are a few kB; a generous bound
JSON = "application/json"
SETTINGS_ID = "factcheck-annotate"
_ARTICLE_PAGE = re.compile(r"articles/([a-z0-9]+(?:-[a-z0-9]+)*)/index\.html")


def is_annotation_path(path: str) -> bool:
    return path.startswith(PREFIX)


def json_response(reply: Reply) -> Response:
    body = json.dumps(reply.body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return Response(HTTPStatus(reply.status), body, JSON)


def refusal(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = json_response(Reply.refused(status, code, message))
    return Response(response.status, response.body, response.content_type, headers or {})


def answer(preview, method: str, path: str, headers, read_body: Callable[[int], bytes]) -> Response:
    """The response to an annotation request that passed the Host and Origin checks."""
    if preview.annotator is None:
        return refusal(403, "read-only", "annotation is off: this preview runs with --read-only")
    if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode("utf-8"), preview.token.encode("utf-8")):
        return refusal(403, "bad-token", "missing or wrong annotation token: reload the page")
    if path == CATALOGUE_PATH:
        if method != "GET":
            return refusal(405, "method", "the catalogue is read with GET", {"Allow": "GET"})
        return json_response(Reply(200, catalogue(preview.builder.content)))
    action = ACTION_PATHS.get(path)
    if action is None:
        return refusal(404, "unknown-action", f"no annotation endpoint at {path}")
    if method != "POST":
        return refusal(405, "method", "annotation requests are sent with POST", {"Allow": "POST"})
    payload = json_body(headers, read_body)
    if isinstance(payload, Response):
        return payload
    return json_response(preview.annotator.handle(action, payload))


def json_body(headers, read_body: Callable[[int], bytes]) -> Any:
    """The request's JSON, or the response refusing it."""
    if headers.get_content_type() != JSON:
        return refusal(415, "not-json", "send the request as application/json")
    length = headers.get("Content-Length")
    if length is None or not length.isascii() or not length.isdigit():
        return refusal(411, "no-length", "the request must state its Content-Length")
    if int(length) > MAX_BODY_BYTES:
        return refusal(413, "too-large", f"the request is larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(read_body(int(length)).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return refusal(400, "bad-json", "the request body is not JSON")


def page_settings(target: str | None, token: str | None, root: Path, served: Mapping[str, str]) -> str:
    """What an article page needs to send annotation requests (``pagestate.py``):
    nothing on other pages, when annotation is off, or when the file is no
    longer the one the page was made from (a rebuild follows, and a reload)."""
    match = _ARTICLE_PAGE.fullmatch(target or "")
    if token is None or match is None:
        return ""
    article_id = match.group(1)
    state = page_state(root, article_id, served.get(content_file("article", article_id)))
    if state is None:
        return ""
    settings = {
        "token": token, "article": article_id, **state,
        "annotate": f"{PREFIX}annotate", "edit": f"{PREFIX}mention/edit", "remove": f"{PREFIX}mention/remove",
        "catalogue": CATALOGUE_PATH,
    }
    text = json.dumps(settings, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f'<script type="application/json" id="{SETTINGS_ID}">{text}</script>{FORM_SCRIPT}'


def make_annotator(root, read_only: bool) -> Annotator | None:
    return None if read_only else Annotator(root)
