"""Helpers shared by the tests: tiny sites on disk, the CLI, HTML inspection."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
VALID_SITE = FIXTURES / "valid-site"
INVALID_SITE = FIXTURES / "invalid-site"
# Interface in Persian (fa-AF, right to left): a Persian article, and an English one whose quotes carry translations.
FA_SITE = FIXTURES / "fa-site"

# --- a small valid site to mutate in unit tests --------------------------------

SITE_YAML = """\
title: Mini
verdicts:
  - id: accurate
    label: Accurate
    description: It happened.
    colour: "#1b6e3a"
  - id: wrong
    label: Wrong
    description: It did not happen.
    colour: "#a32020"
"""

BASE_FILES = {
    "site.yaml": SITE_YAML,
    "content/claims/bridge-cost.md": "---\nstatement: The bridge cost more than planned.\nverdict: accurate\n---\n",
    "content/outlets/daily-river.md": "---\nname: The Daily River\n---\n",
    "content/actors/ana-mayor.md": "---\nname: Ana Mayor\nkind: person\naffiliation: river-council\n---\n",
    "content/actors/river-council.md": "---\nname: River Council\nkind: organisation\n---\n",
    "content/articles/bridge-opens.md": (
        "---\n"
        "title: Bridge opens\n"
        "outlet: daily-river\n"
        "mentions:\n"
        "  - claim: bridge-cost\n"
        "    actor: ana-mayor\n"
        "    stance: supports\n"
        "    quote: the bill came to 12 million\n"
        "---\n"
        "The mayor said the bill came to 12 million euros.\n"
    ),
    "seeds/river.txt": "raw text\n",
}


def write_files(root: Path, files: dict[str, str | None]) -> Path:
    """Write ``files`` (path → text; None deletes) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def make_site(root: Path, changes: dict[str, str | None] | None = None) -> Path:
    """The mini site above, with ``changes`` applied."""
    return write_files(root, {**BASE_FILES, **(changes or {})})


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def check_lines(root: Path) -> list[str]:
    """Formatted diagnostics of ``check`` on a site, in the CLI's order."""
    from generator.engine.build import check

    return [d.format() for d in check(root).diagnostics]


def errors_of(root: Path) -> list[str]:
    return [line for line in check_lines(root) if ": error: " in line]


# --- JSON broken in every place, for what reads it back -----------------------------


def broken_copies(json_text: str):
    """``json_text`` (an array) with one place broken, in every way and every
    place: each item replaced by each kind of JSON value, each array made
    one longer and one shorter."""
    value = json.loads(json_text)
    for where, replacement in _breakages(value):
        yield _broken(value, where, replacement)


def broken_entries(entry: bytes):
    """A build-cache entry (``codec.encode``: JSON, then a newline and its
    document's stored form) with its JSON broken in every way and place
    (:func:`broken_copies`), the form kept as it was."""
    head, newline, form = entry.partition(b"\n")
    for broken in broken_copies(head.decode("utf-8")):
        yield broken.encode("utf-8") + newline + form


def _breakages(value, where=()):
    replacements = [None, True, 0, -1, 2**70, 1.5, "", "x", [], {}, [None], ["x", 1]]
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        for replacement in replacements:
            yield (*where, index), replacement
        yield from _breakages(item, (*where, index))
    yield (*where, "append"), None
    if value:
        yield (*where, "pop"), None


def _broken(value, where, replacement) -> str:
    copy = json.loads(json.dumps(value))
    target = copy
    for index in where[:-1]:
        target = target[index]
    if where[-1] == "append":
        target.append("extra")
    elif where[-1] == "pop":
        target.pop()
    else:
        target[where[-1]] = replacement
    return json.dumps(copy, ensure_ascii=False)


# --- the command line ----------------------------------------------------------


def run_cli(*args: str, cwd: Path = REPO, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )


# --- HTML inspection -------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects links, ids, tags and scripts of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))
            if name == "id" and value is not None:
                self.ids.append(value)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def find(self, tag: str, cls: str | None = None, **attrs: str) -> list[dict[str, str | None]]:
        """Attributes of every ``tag`` element with class ``cls`` and ``attrs``."""
        return [
            attributes
            for name, attributes in self.tags
            if name == tag
            and (cls is None or cls in (attributes.get("class") or "").split())
            and all(attributes.get(key) == value for key, value in attrs.items())
        ]


def parse_html(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


def parse_file(path: Path) -> PageParser:
    return parse_html(path.read_text(encoding="utf-8"))


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def resolve_internal(page: Path, url: str) -> tuple[Path, str]:
    """The file an internal link of ``page`` points at, and its fragment."""
    parts = urlsplit(url)
    target = page if not parts.path else (page.parent / unquote(parts.path))
    return Path(os.path.normpath(target)), unquote(parts.fragment)


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def all_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# --- a richer site for link/analyse tests ------------------------------------------------

RICH_SITE = {
    "site.yaml": (
        "title: Rich\n"
        "verdicts:\n"
        "  - {id: accurate, label: Accurate, description: Yes., colour: '#1b6e3a'}\n"
        "  - {id: mixed, label: Mixed, description: Partly., colour: '#6b6b6b'}\n"
        "  - {id: wrong, label: Wrong, description: No., colour: '#a32020'}\n"
    ),
    "content/claims/c-cost.md": "---\nstatement: The bridge cost more than planned.\nverdict: accurate\nunit: million euros\n---\n",
    "content/claims/c-late.md": "---\nstatement: The bridge was finished late.\nverdict: wrong\n---\n",
    "content/claims/c-clean.md": "---\nstatement: The river is clean enough to swim in.\n---\n",
    "content/claims/c-neutral.md": "---\nstatement: A ferry still runs.\nverdict: mixed\n---\n",
    "content/claims/c-lonely.md": "---\nstatement: Nobody says this.\nverdict: accurate\n---\n",
    "content/actors/ana.md": "---\nname: Ana Mayor\nkind: person\naffiliation: council\n---\n",
    "content/actors/bo.md": "---\nname: Bo Critic\nkind: person\n---\n",
    "content/actors/council.md": "---\nname: River Council\nkind: organisation\n---\n",
    "content/outlets/daily.md": "---\nname: The Daily River\n---\n",
    "content/outlets/gazette.md": "---\nname: Hill Gazette\n---\n",
    "content/outlets/silent.md": "---\nname: Silent Times\n---\n",
    # mentions are deliberately not in reading order
    "content/articles/a1.md": (
        "---\n"
        "title: Bridge opens\n"
        "outlet: daily\n"
        "published: 2024-02-28\n"
        "mentions:\n"
        "  - {claim: c-cost, actor: ana, stance: supports, value: 12, quote: twelve million was the final figure}\n"
        "  - {claim: c-late, actor: ana, stance: disputes, quote: She denied the bridge was late}\n"
        "  - {claim: c-cost, actor: ana, stance: supports, value: 12, quote: the bill came to 12 million euros}\n"
        "  - {claim: c-clean, stance: supports, quote: the river is clean}\n"
        "---\n"
        "The mayor said the bill came to 12 million euros. She repeated that twelve million was the "
        "final figure. She denied the bridge was late. The paper notes the river is clean.\n"
    ),
    "content/articles/a2.md": (
        "---\n"
        "title: Critics speak\n"
        "outlet: gazette\n"
        "published: 2024-03\n"
        "mentions:\n"
        "  - {claim: c-cost, actor: bo, stance: disputes, value: 14, quote: the cost was 14 million}\n"
        "  - {claim: c-late, actor: bo, stance: supports, quote: He said the bridge was late}\n"
        "  - {claim: c-late, actor: council, stance: disputes, quote: the bridge was not on time}\n"
        "  - {claim: c-clean, actor: ana, via: daily, stance: neutral, quote: called the river fairly clean}\n"
        "  - {claim: c-clean, actor: bo, stance: supports, quote: people swim there}\n"
        "  - {claim: c-neutral, actor: bo, stance: neutral, quote: He had no view on the ferry}\n"
        "---\n"
        "Councillor Bo Critic said the cost was 14 million. He said the bridge was late. The council "
        "agreed the bridge was not on time. The mayor, quoted by the Daily River, called the river "
        "fairly clean. Bo Critic said people swim there. He had no view on the ferry.\n"
    ),
    "content/articles/a3.md": (
        "---\n"
        "title: Zz editorial\n"
        "outlet: gazette\n"
        "mentions:\n"
        "  - {claim: c-late, actor: ana, stance: disputes, quote: The mayor again denied any delay}\n"
        "  - {claim: c-late, stance: supports, quote: the bridge came in late}\n"
        "  - {claim: c-cost, stance: supports, value: 12, quote: It cost 12 million in the end}\n"
        "---\n"
        "The gazette found the bridge came in late. It cost 12 million in the end. The mayor again "
        "denied any delay.\n"
    ),
}


def example_site_in(language: str, root: Path) -> Path:
    """A copy of the example site at ``root`` whose site.yaml sets ``language``
    (the interface in that language, issue 15); its content stays as written."""
    for name in ("content", "seeds"):
        shutil.copytree(REPO / name, root / name)
    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(re.sub(r"(?m)^language:.*$", f"language: {language}", config), encoding="utf-8")
    return root


def build_site(root: Path, out: Path, base_url: str | None = None) -> Path:
    """Build ``root`` into ``out``; fails the test, listing the errors, if it can't."""
    from generator.engine.build import build

    result = build(root, out, base_url)
    problems = "\n".join(d.format() for d in result.diagnostics.errors)
    assert result.ok, f"building {root} failed:\n{problems}"
    return out


def site_under_test(request) -> tuple[Path, Path]:
    """(site root, its session build) for a fixture parametrized "valid" / "example"."""
    if request.param == "valid":
        return VALID_SITE, request.getfixturevalue("valid_out")
    return REPO, request.getfixturevalue("example_out")


def graph_of(root: Path):
    """Validate, link and analyse a site; fails the test on content errors."""
    from generator.engine.build import load_content
    from generator.stages.analyse import analyse
    from generator.stages.link import link

    content, diagnostics = load_content(root)  # as ``build`` loads it, without the cache
    assert content is not None, [d.format() for d in diagnostics.errors]
    graph = link(content)
    return graph, analyse(graph)


# --- an annotated article's text (annotate.py, highlight.py) --------------------------------------

OVERLAP_SITE = FIXTURES / "overlap-site"


class ArticleBody(HTMLParser):
    """What a reader meets in an article's text: each highlight piece
    (``<mark class="hl">``) with its text, classes, nesting and the quote
    anchors inside it, and each group of markers with what it follows.

    Feed it a whole page: only ``<section class="article-body">`` is read.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict] = []  # {text, classes, depth, anchors}
        self.groups: list[dict] = []  # {after: index of the mark before it or None, text_before, markers}
        self.ids: list[str] = []
        self._depth = 0  # inside the body section: element depth
        self._open_marks: list[dict] = []
        self._stack: list[str] = []
        self._marker: dict | None = None
        self._group: dict | None = None
        self._since_mark = ""  # text between the last mark's end and now

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if not self._depth:
            if tag == "section" and "article-body" in classes:
                self._depth = 1
            return
        if tag not in ("br", "img", "hr", "wbr"):
            self._depth += 1
            self._stack.append(tag)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "mark" and "hl" in classes:
            mark = {"text": "", "classes": classes, "depth": len(self._open_marks), "anchors": []}
            self.marks.append(mark)
            self._open_marks.append(mark)
            self._stack[-1] = "mark.hl"
        elif "hl-anchor" in classes and self._open_marks:
            self._open_marks[-1]["anchors"].append(attributes.get("id"))
        elif "hl-markers" in classes:
            self._group = {"after": len(self.marks) - 1 if self.marks else None,
                           "text_before": self._since_mark, "markers": [], "attrs": attributes}
            self.groups.append(self._group)
            self._stack[-1] = "group"
        elif "hl-marker" in classes and self._group is not None:
            self._marker = {"href": attributes.get("href"), "classes": classes, "text": "", "tag": tag}
            self._group["markers"].append(self._marker)
            self._stack[-1] = "marker"

    def handle_endtag(self, tag):
        if not self._depth or tag in ("br", "img", "hr", "wbr"):
            return
        self._depth -= 1
        if not self._depth:
            return
        closed = self._stack.pop()
        if closed == "mark.hl":
            self._open_marks.pop()
            self._since_mark = ""
        elif closed == "group":
            self._group = None
        elif closed == "marker":
            self._marker = None

    def handle_data(self, data):
        if not self._depth:
            return
        for mark in self._open_marks:
            mark["text"] += data
        if self._marker is not None:
            self._marker["text"] += data
        elif self._group is None:
            self._since_mark += data


def article_body(html: str) -> ArticleBody:
    parser = ArticleBody()
    parser.feed(html)
    parser.close()
    return parser


def squeeze(text: str) -> str:
    return " ".join(text.split())
