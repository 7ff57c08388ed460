"""The last build step, search: a static full-text index made by Pagefind.

Pagefind turns the finished HTML pages into a ``pagefind/`` folder: the
index, split into small fragments a browser fetches only as a search needs
them, and the search UI (``pagefind-ui.js``/``.css``) that
``templates/static/search.js`` loads. No server and no CDN is involved.

What is indexed is marked up in the templates: ``data-pagefind-body`` on the
main content of claim, article, actor and outlet pages (so the home page,
the indexes and /compare/ are left out, and so are the header, navigation
and footer), ``data-pagefind-ignore`` on boilerplate inside it, and a
``type`` meta field on each.

``index_pages`` makes one Pagefind index of the pages it is given and
returns its files; ``search_shards.py`` splits the site's pages into several
such indexes (shards), which the browser merges. ``build`` adds the files to
what it writes into its staging folder and swaps into place (a failed
indexing writes nothing), and ``serve`` does the same in memory.

Determinism. Pagefind numbers pages in the order it receives them, and the
index files' bytes and names follow those numbers. Its command line walks
the site folder in directory-listing order, which differs between file
systems (the same pages indexed on ext4 and on tmpfs gave different
bytes), so pages are sent here one by one, sorted by path, through
Pagefind's service mode: the stdin/stdout protocol its official Node and
Python wrappers use. (The Python wrapper itself reads one reply per 0.1 s,
seconds for a small site, hence this small client.) Filters are not used:
Pagefind 1.5 writes filter values in hash-map order, which changes from run
to run. One language is forced for the whole site, so that a page in
another language is still found from every page.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Iterable

from ..core.layout import SEARCH_FOLDER

SEARCH_BODY = b"data-pagefind-body"  # the attribute that marks what a page has to be found by
READ_SIZE = 1 << 20  # bytes asked of the pipe at a time
PIPE_SIZE = 1 << 20  # what a pipe to Pagefind holds when widened (Linux's most without privileges)
CLOSING_BLOCK_TAG = re.compile(rb"(</(?:dt|dd|li|td|th|caption|p|h[1-6]|div|section|header)>)", re.IGNORECASE)
IGNORE_ATTRIBUTE = b"data-pagefind-ignore"  # any value: the element is left out of the index
_ATTRIBUTE = rb"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""  # a name, and its value if any
# A start tag from its "<" to the white space before one of its attributes' names.
START_TAG_TO_ATTRIBUTE = re.compile(rb"<([a-zA-Z][a-zA-Z0-9]*)(?:\s+" + _ATTRIBUTE + rb")*\s+")
# The rest of a start tag after an attribute's name: its value, the other attributes, ">".
REST_OF_START_TAG = re.compile(rb"""(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?(?:\s+""" + _ATTRIBUTE
                               + rb""")*\s*>""")
# Elements whose words Pagefind never joins to those around them. Any of
# them is cut; an inline one only when ignored "all": the text of an inline
# one ignored for the index still counts in the anchor text of an enclosing
# element with an id.
BLOCK_ELEMENTS = frozenset({b"address", b"article", b"aside", b"blockquote", b"dd", b"details", b"div", b"dl",
                            b"dt", b"figcaption", b"figure", b"footer", b"form", b"header", b"li", b"main", b"nav",
                            b"ol", b"p", b"section", b"table", b"ul"})
# What Pagefind reads even in an ignored element (metadata; the page's first
# <h1> and <img>, its title and image), and what a pattern cannot read past
# (comments, raw text), in lower case: an element holding any of them is kept.
PAGEFIND_ATTRIBUTE = re.compile(rb"data-pagefind-(?!ignore[\s=>])")
READ_OR_OPAQUE_TAG = re.compile(rb"<!--|<(?:h1|img|script|style|textarea|xmp|iframe|noembed|noframes|noscript"
                                rb"|plaintext|template)[\s>/]")
# What Python does to a page before Pagefind gets it (without_ignored,
# spaced_blocks), in the shards' keys: a change to it makes every shard anew.
SENT_FORM = 2


class SearchError(Exception):
    """Pagefind is missing or failed; the message says what it reported."""


def index_pages(pages: dict[str, bytes], language: str, folder: str = f"{SEARCH_FOLDER}/") -> dict[str, bytes]:
    """The files of one Pagefind index of ``pages`` (path → HTML), under ``folder``.

    Every page given is indexed, in the order of its path; which pages to
    give and which index they go to is ``search_shards.refresh_index``'s
    choice.
    """
    requests = itertools.chain([new_index(language)], (add_file(path, pages[path]) for path in sorted(pages)),
                               [GET_FILES])
    return index_files(Service().finish(requests, len(pages) + 2)[-1], folder)


def new_index(language: str) -> dict:
    return {"type": "NewIndex", "config": {"force_language": language}}


def add_file(path: str, page: bytes) -> dict:
    return {"type": "AddFile", "index_id": 0, "url": f"/{path}", "file_path": None,
            "file_contents": without_ignored(spaced_blocks(page)).decode("utf-8")}


GET_FILES = {"type": "GetFiles", "index_id": 0}


def index_files(reply: dict, folder: str) -> dict[str, bytes]:
    """The index's files (path under ``folder`` → bytes) from Pagefind's reply to :data:`GET_FILES`."""
    return {
        f"{folder}{file['path']}": base64.b64decode(file["content"])
        for file in sorted(reply["files"], key=lambda file: file["path"])
    }


def marks_search_body(page: bytes) -> bool:
    return SEARCH_BODY in page


def without_ignored(page: bytes) -> bytes:
    """The page without the elements marked ``data-pagefind-ignore``, for Pagefind only.

    Pagefind indexes nothing in them, but it reads and parses them, and they
    are most of a claim, actor or outlet page (the tallies, the quote lists
    shown again, the tables): at 10,000 articles, 373 of the 13,681 indexed
    pages' MB of HTML are 165 MB without them, and Pagefind's CPU time per
    page falls by 21 % for claims, 54 % for actors, 93 % for outlets and 12 %
    for articles, for indexes byte for byte the same (each kind's first shard
    compared). ``tests/test_search_index.py`` indexes the example site's
    pages and a set of awkward ones both ways and compares.

    Only what surely makes no difference is cut: a block element, or an
    inline one ignored "all" (``BLOCK_ELEMENTS``), whose start tag reads as
    HTML's grammar says, whose end is found, and that holds nothing Pagefind
    reads or a pattern cannot read past (:func:`holds_what_pagefind_reads`);
    anything else is sent as it is. Run after :func:`spaced_blocks`, so the
    space after a cut element's end tag stays."""
    pieces: list[bytes] = []
    copied = searched = 0
    while (mark := page.find(IGNORE_ATTRIBUTE, searched)) >= 0:
        searched = mark + len(IGNORE_ATTRIBUTE)
        opening = page.rfind(b"<", copied, mark)
        start = START_TAG_TO_ATTRIBUTE.fullmatch(page, opening, mark) if opening >= 0 else None
        rest = REST_OF_START_TAG.match(page, searched) if start is not None else None
        if rest is None:
            continue  # words in a page or in an attribute's value, or another attribute's name
        if start.group(1).lower() not in BLOCK_ELEMENTS and (rest.group(1) or rest.group(2) or rest.group(3)) != b"all":
            continue
        end = element_end(page, start.group(1), rest.end())
        if end is None or holds_what_pagefind_reads(page[rest.end():end].lower()):
            continue
        pieces.append(page[copied:opening])
        copied = searched = end
    if not pieces:
        return page
    pieces.append(page[copied:])
    return b"".join(pieces)


def holds_what_pagefind_reads(content: bytes) -> bool:
    """Whether an element's ``content`` (in lower case) has what Pagefind
    reads even where it is ignored, or what hides tags from a pattern."""
    return PAGEFIND_ATTRIBUTE.search(content) is not None or READ_OR_OPAQUE_TAG.search(content) is not None


def element_end(page: bytes, name: bytes, inside: int) -> int | None:
    """Where the element named ``name`` whose content starts at ``inside``
    ends (after its end tag), counting the elements of the same name inside
    it; None if it does not end."""
    depth = 1
    for tag in same_name_tags(name.lower()).finditer(page, inside):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return None


@functools.lru_cache(maxsize=None)
def same_name_tags(name: bytes) -> re.Pattern:
    return re.compile(rb"<(/?)" + re.escape(name) + rb"(?=[\s>/])[^>]*>", re.IGNORECASE)


def spaced_blocks(page: bytes) -> bytes:
    """The page with a space after each closing block tag, for Pagefind only.

    Pagefind joins the text of adjacent elements as it finds it, so
    ``<dt>Role</dt><dd>Mayor</dd>`` would be indexed, and excerpted, as one
    word, "RoleMayor". The published page is not changed.

    Split at the tags, not substituted: a substitution calls Python at each
    of a page's hundreds of tags (0.12 ms for a claim page, 0.065 split)."""
    parts = CLOSING_BLOCK_TAG.split(page)  # text, tag, text, tag, ..., text
    parts[1::2] = [tag + b" " for tag in parts[1::2]]
    return b"".join(parts)


def pagefind_binary() -> Path:
    """The Pagefind executable shipped in the ``pagefind-bin`` wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError as missing:
        raise SearchError("the Pagefind binary is not installed (pip install pagefind-bin)") from missing
    try:
        return get_executable()
    except FileNotFoundError as missing:
        raise SearchError(f"the Pagefind binary is missing: {missing}") from missing


class Service:
    """One ``pagefind --service`` process.

    Pagefind handles messages one at a time, in the order they arrive.
    Requests may be sent ahead (:meth:`send`, which blocks while Pagefind's
    input is full) and the rest with :meth:`finish`, which writes them from a
    thread while this one reads every reply, so neither pipe can fill up and
    block the other side. Pagefind exits as soon as its input ends; it is
    closed, and Pagefind ended, only once every reply is in (:meth:`close`),
    or when none is wanted.

    It also means Pagefind never outlives a killed build: the kernel closes
    the build's end of the pipe, and Pagefind exits, even in the middle of
    indexing (measured: within 0.1 s of the close while busy at a full core;
    ``tests/test_kill.py``). Workers forked while it runs (``serve`` rebuilds
    as it indexes) hold that end too, and die with the build (``workers.py``).
    """

    def __init__(self) -> None:
        binary = pagefind_binary()
        self.errors = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
            )
        except OSError as problem:
            self.errors.close()
            raise SearchError(f"Pagefind could not start: {problem}") from problem
        self.sent = 0

    def widen_pipes(self) -> None:
        """Let each pipe hold 1 MB (Linux; elsewhere, or refused, they stay as they are).

        For requests sent ahead by another process while the build goes on
        (``search_ahead.py``): it is woken only when Pagefind has taken most
        of what the pipe holds, not every 64 KB (four pages), and Pagefind's
        replies (~300 bytes a page) wait in its output until :meth:`finish`
        reads them."""
        try:
            import fcntl

            for pipe in (self.process.stdin, self.process.stdout):
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        except (ImportError, AttributeError, OSError):
            pass

    def send(self, requests: Iterable[dict]) -> bool:
        """Write each request as base64-encoded JSON followed by a comma;
        False if Pagefind has exited (the reader reports it, with what Pagefind
        said). What fails in making a request (reading a page) is raised:
        taken for Pagefind's exit, it left the reader waiting for replies."""
        for payload in requests:
            self.sent += 1
            message = json.dumps({"message_id": self.sent, "payload": payload}).encode("utf-8")
            if not self._write(base64.b64encode(message) + b","):
                return False
        return self._write(None)

    def _write(self, data: bytes | None) -> bool:
        """Write ``data`` (None: flush); False if the pipe is broken."""
        try:
            if data is None:
                self.process.stdin.flush()
            else:
                self.process.stdin.write(data)
        except OSError:
            return False
        return True

    def finish(self, requests: Iterable[dict], count: int) -> list[dict]:
        """Send the ``count`` ``requests``; the replies to every request sent,
        in order. Raises ``SearchError``.

        The requests may be made as they are sent (a generator): Pagefind
        starts on the first page while the others are encoded, rather than
        waiting for all of them (0.14 s for a shard of 650 article pages)."""
        total = self.sent + count
        failed: list[BaseException] = []
        writer = threading.Thread(target=self._send_or_stop, args=(requests, failed), daemon=True)
        writer.start()
        try:
            replies = read_replies(self.process.stdout, total)
        except SearchError as problem:
            self.process.kill()
            writer.join()
            if failed:
                raise failed[0]  # what stopped the requests, not that the replies stopped
            raise SearchError(with_report(str(problem), self.errors)) from None
        finally:
            writer.join()
            self.close()
        failures = [reply.get("message", "unknown error") for reply in replies if reply.get("type") == "Error"]
        if failures:
            raise SearchError(f"Pagefind failed: {failures[0]}")
        return replies

    def _send_or_stop(self, requests: Iterable[dict], failed: list[BaseException]) -> None:
        """:meth:`send`, in the writer thread; if making a request fails,
        Pagefind is stopped, so the reader does not wait for its replies."""
        try:
            self.send(requests)
        except BaseException as problem:
            failed.append(problem)
            self.process.kill()

    def close(self) -> None:
        """Close Pagefind's input and output, and end it.

        Killed rather than left to see its input end: by then every reply is
        in, or none is wanted, and a process forked since it started (the
        removal of a spare folder, serve's workers) holds its input open too,
        so Pagefind would wait for that process to end, and this for Pagefind."""
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass  # already broken: Pagefind exited
        self.process.kill()
        self.process.wait()
        self.errors.close()


def with_report(message: str, errors: IO[bytes]) -> str:
    """``message``, followed by what Pagefind wrote to its standard error, if anything."""
    errors.seek(0)
    report = errors.read().decode("utf-8", "replace").strip()
    return f"{message}: {report}" if report else message


def read_replies(stdout: IO[bytes], count: int) -> list[dict]:
    """``count`` replies (comma-separated base64 JSON), ordered by message id.

    A message Pagefind could not parse is answered without an id; its error
    stands in for the first reply that is missing.

    The last reply holds the whole index (hundreds of MB of base64 at 10,000
    articles) and arrives in many reads. Only each new read is searched for
    the separator, and a message's pieces are joined once, when it is
    complete: every byte is copied a fixed number of times. Joining and
    re-splitting everything pending at each read made this quadratic, and the
    default build at 10,000 articles spent minutes here after Pagefind had
    finished.
    """
    replies: dict[int, dict] = {}
    unattributed: list[dict] = []
    pieces: list[bytes] = []  # the message being read, as it arrived
    while len(replies) + len(unattributed) < count:
        chunk = stdout.read1(READ_SIZE)
        if not chunk:
            raise SearchError("Pagefind stopped before it had indexed every page")
        start = 0
        while (end := chunk.find(b",", start)) >= 0:
            pieces.append(chunk[start:end])
            receive(b"".join(pieces), replies, unattributed)
            pieces = []
            start = end + 1
        if start < len(chunk):
            pieces.append(chunk[start:])
    return [replies.get(message_id) or unattributed.pop(0) for message_id in range(1, count + 1)]


def receive(encoded: bytes, replies: dict[int, dict], unattributed: list[dict]) -> None:
    """File one reply under its message id (or with those that have none)."""
    reply = json.loads(base64.b64decode(encoded))
    if reply.get("message_id") is None:
        unattributed.append(reply["payload"])
    else:
        replies[reply["message_id"]] = reply["payload"]
