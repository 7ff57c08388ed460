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
from ..annotation.requests import Annotator, Refused, Reply
from ..core.layout import content_file
from ..core.translations import N_, Interface, N_plural
from .annotateform import FORM_SCRIPT
from .formwords import script_words
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


def answer(preview, method: str, path: str, headers, read_body: Callable[[int], bytes]) -> Response:
    """The response to an annotation request that passed the Host and Origin checks:
    JSON, a refusal's message in the site's language (the form shows it)."""
    try:
        reply = reply_to(preview, method, path, headers, read_body)
    except Refused as refused:
        reply = refused.reply
    body = json.dumps(reply.said_in(preview.words()), ensure_ascii=False, sort_keys=True).encode("utf-8")
    # A method refused: the one the endpoint takes.
    allow = {"Allow": "GET" if path == CATALOGUE_PATH else "POST"} if reply.status == 405 else {}
    return Response(HTTPStatus(reply.status), body, JSON, allow)


def reply_to(preview, method: str, path: str, headers, read_body: Callable[[int], bytes]) -> Reply:
    if preview.annotator is None:
        raise Refused(403, "read-only", N_("annotation is off: this preview runs with --read-only"))
    if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode("utf-8"), preview.token.encode("utf-8")):
        raise Refused(403, "bad-token", N_("missing or wrong annotation token: reload the page"))
    if path == CATALOGUE_PATH:
        if method != "GET":
            raise Refused(405, "method", N_("the catalogue is read with GET"))
        return Reply(200, catalogue(preview.builder.content))
    action = ACTION_PATHS.get(path)
    if action is None:
        raise Refused(404, "unknown-action", N_("no annotation endpoint at %(path)s"), path=path)
    if method != "POST":
        raise Refused(405, "method", N_("annotation requests are sent with POST"))
    return preview.annotator.handle(action, json_body(headers, read_body))


def json_body(headers, read_body: Callable[[int], bytes]) -> Any:
    """The request's JSON; :class:`Refused` when it is not."""
    if headers.get_content_type() != JSON:
        raise Refused(415, "not-json", N_("send the request as application/json"))
    length = headers.get("Content-Length")
    if length is None or not length.isascii() or not length.isdigit():
        raise Refused(411, "no-length", N_("the request must state its Content-Length"))
    if len(length) > len(str(MAX_BODY_BYTES)) or int(length) > MAX_BODY_BYTES:  # int() refuses thousands of digits
        raise Refused(413, "too-large", N_plural("the request is larger than %(num)s byte",
                                                 "the request is larger than %(num)s bytes"), MAX_BODY_BYTES)
    try:
        # NaN and Infinity are not JSON, though Python reads them; nesting
        # deeper than Python recurses is a RecursionError: both not JSON here.
        return json.loads(read_body(int(length)).decode("utf-8"), parse_constant=not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused(400, "bad-json", N_("the request body is not JSON")) from None


def not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def page_settings(target: str | None, token: str | None, root: Path, served: Mapping[str, str],
                  words: Interface) -> str:
    """What an article page needs to send annotation requests (``pagestate.py``),
    and the form's words in the site's language (``annotateform.script_words``):
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
        "catalogue": CATALOGUE_PATH, "words": script_words(words),
    }
    text = json.dumps(settings, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f'<script type="application/json" id="{SETTINGS_ID}">{text}</script>{FORM_SCRIPT}'


def make_annotator(root, read_only: bool) -> Annotator | None:
    return None if read_only else Annotator(root)
