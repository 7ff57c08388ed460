"""Stage 1, load: files on disk → front matter (with line numbers) + body.

Front matter is composed into YAML nodes rather than loaded straight to
Python values, so every key and list item remembers the line it was written
on. Lines reported here are lines of the file, not of the front-matter block.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .characters import NOT_IN_XML, check_text  # noqa: F401 - NOT_IN_XML for the tests
from .diagnostics import Diagnostics
from .sitefiles import is_editor_file, walk_site

# Content folders and the kind of record each holds, in the order pages link them.
CONTENT_KINDS = {
    "articles": "article",
    "claims": "claim",
    "actors": "actor",
    "outlets": "outlet",
}
CONFIG_FILE = "site.yaml"


class YamlMap(dict):
    """A mapping from YAML that knows the file line of itself and of each key."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A sequence from YAML that knows the file line of itself and of each item."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass
class SourceFile:
    """One content file, split but not yet interpreted."""

    path: str  # relative to the site root, forward slashes
    kind: str  # "article", "claim", "actor" or "outlet"
    id: str  # the file name without ".md"
    front: YamlMap | None  # None when the front matter is missing or unreadable
    body: str = ""
    body_line: int = 1  # file line on which the body starts


@dataclass
class LoadedSite:
    root: Path
    config: YamlMap | None
    files: list[SourceFile] = field(default_factory=list)


def load_site(root: Path, diagnostics: Diagnostics) -> LoadedSite:
    """Read ``site.yaml`` and every content file under ``root``."""
    config = load_config(root, diagnostics)
    files = [
        source
        for path in content_paths(root, diagnostics)
        if (source := load_content_file(root, path, diagnostics)) is not None
    ]
    return LoadedSite(root=root, config=config, files=files)


def load_config(root: Path, diagnostics: Diagnostics) -> YamlMap | None:
    path = root / CONFIG_FILE
    text = read_text(path, CONFIG_FILE, diagnostics)
    if text is None:
        return None
    ok, value = parse_yaml(text, CONFIG_FILE, first_line=1, diagnostics=diagnostics)
    if not ok:
        return None
    if not isinstance(value, YamlMap):
        diagnostics.error(CONFIG_FILE, 1, "site.yaml must be a mapping of settings")
        return None
    return value


def content_paths(root: Path, diagnostics: Diagnostics) -> list[Path]:
    """Every ``.md`` file under ``content/``, sorted so runs are deterministic.

    The site is walked here as everywhere (``sitefiles.py``), and what its
    walk would not follow, under seeds/ and templates/ too, is reported
    here: every command that reads the content comes this way once, so
    ``check``, ``build`` and ``serve`` report the same.
    """
    found = walk_site(root)
    found.report(diagnostics)
    if not (root / "content").is_dir():
        diagnostics.error("content", 0, "no content/ folder next to site.yaml")
        return []
    paths = []
    for rel, path in found.under("content").items():
        parts = rel.split("/")[1:]
        if any(is_editor_file(part) for part in parts) or not is_content_file(rel, parts[-1], diagnostics):
            continue
        if len(parts) < 2 or parts[0] not in CONTENT_KINDS:
            folders = ", ".join(f"content/{name}/" for name in CONTENT_KINDS)
            diagnostics.warning(rel, 0, f"ignored: content files belong in one of {folders}")
            continue
        paths.append(Path(path))
    return sorted(paths)


def is_content_file(rel: str, name: str, diagnostics: Diagnostics) -> bool:
    """Whether a file is a content file by its name.

    One ending in ".MD" (or any case of ".md" but that one) was silently
    ignored. It is still not read (a file's id and its page's address come
    from its name), but named in a warning that says what to do.
    """
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() == "md" and extension != "md":
        diagnostics.warning(
            rel, 0, f"ignored: content files end in '.md' in lower case; rename it to '{stem}.md'"
        )
    return name.endswith(".md")


def load_content_file(root: Path, path: Path, diagnostics: Diagnostics) -> SourceFile | None:
    rel = relpath(root, path)
    text = read_text(path, rel, diagnostics)
    if text is None:
        return None
    return source_file(rel, kind_of(root, path), path.stem, text, diagnostics)


def kind_of(root: Path, path: Path) -> str:
    """The kind of record a file under content/ holds, from its folder."""
    return CONTENT_KINDS[path.relative_to(root / "content").parts[0]]


def source_file(rel: str, kind: str, file_id: str, text: str, diagnostics: Diagnostics) -> SourceFile:
    """One content file's text, split into front matter and body.

    The body is checked for characters no page can carry here (raw control
    bytes are valid UTF-8); the front matter's texts are checked as they
    are converted (``_NodeConverter``), escapes and all.
    """
    front, body, body_line = split_front_matter(text, rel, diagnostics)
    body = check_text(body, rel, body_line, diagnostics, lines_follow=True)
    return SourceFile(path=rel, kind=kind, id=file_id, front=front, body=body, body_line=body_line)


def split_front_matter(
    text: str, path: str, diagnostics: Diagnostics
) -> tuple[YamlMap | None, str, int]:
    """Split ``---``-fenced front matter from the body and parse it.

    Returns the front matter (None if missing or broken), the body and the
    file line the body starts on.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        diagnostics.error(path, 1, "missing front matter: the file must start with a '---' line")
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        diagnostics.error(path, 1, "front matter is not closed: add a '---' line after it")
        return None, "", len(lines) + 1
    block = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1 :])
    ok, value = parse_yaml(block, path, first_line=2, diagnostics=diagnostics)
    if not ok:
        return None, body, index + 2
    if value is None:  # an empty block: every required key will be reported missing
        value = YamlMap(line=1)
    if not isinstance(value, YamlMap):
        diagnostics.error(path, 2, "front matter must be a mapping of 'key: value' lines")
        return None, body, index + 2
    return value, body, index + 2


def parse_yaml(
    text: str, path: str, first_line: int, diagnostics: Diagnostics
) -> tuple[bool, Any]:
    """Compose YAML into Python values that carry their file line numbers.

    ``first_line`` is the file line the YAML text starts on; YAML marks are
    0-based, so a mark's file line is ``mark.line + first_line``. Returns
    ``(False, None)`` when the text is not valid YAML (the error is reported).
    """
    try:
        node = compose_yaml(text)
    except RefusedAnchor as exc:
        diagnostics.error(path, exc.mark.line + first_line, exc.message)
        return False, None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # an unclosed quote: point at where it opens
        line = mark.line + first_line if mark else first_line
        problem = exc.problem or exc.context or "invalid YAML"
        diagnostics.error(path, line, f"YAML syntax error: {problem}{yaml_hint(problem)}")
        return False, None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text[: exc.position].count("\n") + first_line
        diagnostics.error(
            path, line, f"YAML syntax error: the character {exc.character!r} is not allowed here"
        )
        return False, None
    except RecursionError:
        diagnostics.error(path, first_line, "YAML syntax error: the front matter is nested too deeply")
        return False, None
    if node is None:
        return True, None
    try:
        return True, _NodeConverter(path, first_line, diagnostics).convert(node)
    except RecursionError:
        diagnostics.error(path, first_line, "YAML syntax error: the front matter is nested too deeply")
        return False, None


# PyYAML's pure-Python SafeLoader is the reference: its nodes, lines and error
# messages are what editors see. libyaml's loader (yaml.CSafeLoader, present
# when PyYAML was built with libyaml) composes the same nodes several times
# faster, except in corners of YAML that front matter has no use for. There the
# two disagree:
# - libyaml accepts tabs where PyYAML does not (and PyYAML some libyaml does not);
# - a byte-order mark inside the text means different things to each;
# - an empty "!"-tagged value is a string to libyaml and null to PyYAML;
# - PyYAML ends a plain scalar at any "?" inside [...] or {...};
# - libyaml accepts a comment glued to a block scalar's header ("|#");
# - the line of an empty value differs after an explicit "? " key or "---".
# Text with any of these, with anchors, aliases, tags, directives or document
# markers, or with other line breaks than "\n", goes to the reference loader.
#
# Anchors and aliases have no use in the content model, and an alias bomb
# (nine anchors, each a list of nine aliases to the one before) expands to
# 9**10 values: one article ran a build past 60 s and 3 GB. The reference
# loader refuses them where it meets them; the fast loader's nodes are used
# only when no node is shared (an alias shares one); and the converter
# refuses a node met twice, so no alias is ever expanded.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
_REFERENCE_ONLY_CHARS = re.compile("[\t\r\x85\u2028\u2029\ufeff]")  # tabs, other line breaks, BOMs
# An anchor, alias, tag or explicit key where a token can start: at the start
# of a line or after an indicator ("- ", ": ", "[", ",", ...), not inside a
# plain text such as "R & D" or "Is it safe? No!".
_SPECIAL_TOKEN = re.compile(r"(?:^|[-?:,\[\]{}])[ ]*[&*!?]", re.MULTILINE)
_GLUED_COMMENT = re.compile(r"[|>][-+0-9]*#")  # right after a block scalar's header
_DOCUMENT_MARKERS = ("%", "---", "...")  # and directives, at the start of a line
# libyaml composes recursively in C and crashes on nesting some ten thousand
# levels deep, where the reference loader reports "nested too deeply". Every
# level of nesting needs one of the characters "-:?[{", so at most this many
# of them keeps the fast loader safe.
_FAST_MAX_INDICATORS = 5000
# The reference loader composes recursively in Python and gives up (with a
# RecursionError) somewhere deeper than this; anything nested deeper is left to
# it, so the depth at which "nested too deeply" starts stays the same.
_FAST_MAX_DEPTH = 50


def compose_yaml(text: str) -> yaml.Node | None:
    """Compose ``text`` into YAML nodes exactly as PyYAML's pure-Python SafeLoader does.

    The fast loader is tried when the text has none of the constructs on which
    it disagrees with the reference. Text it rejects is composed again by the
    reference loader, so errors are the reference loader's, word for word.
    """
    if _FAST_LOADER is not None and _fast_loader_agrees(text):
        # Whatever libyaml rejects, the reference loader decides on and words.
        with contextlib.suppress(Exception):
            node = yaml.compose(text, Loader=_FAST_LOADER)
            if node is None or _is_shallow_tree(node, _FAST_MAX_DEPTH):
                return node
    return yaml.compose(text, Loader=_ReferenceLoader)


class RefusedAnchor(yaml.YAMLError):
    """An anchor or alias, which front matter and site.yaml do not allow."""

    def __init__(self, mark: yaml.Mark, sign: str, name: str):
        super().__init__(name)
        self.mark = mark
        what = "anchor" if sign == "&" else "alias"
        self.message = (f"YAML {what} '{sign}{name}' is not supported: write the value out in full "
                        f"(hint: put text that starts with '{sign}' in quotes)")


class _ReferenceLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing the first anchor or alias, at its mark."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise RefusedAnchor(event.start_mark, "*", event.anchor)
        if event.anchor is not None:
            raise RefusedAnchor(event.start_mark, "&", event.anchor)
        return super().compose_node(parent, index)


def _fast_loader_agrees(text: str) -> bool:
    """False for text with a construct on which libyaml and PyYAML may disagree."""
    if sum(text.count(char) for char in "-:?[{") > _FAST_MAX_INDICATORS:
        return False
    if _REFERENCE_ONLY_CHARS.search(text):
        return False
    if any(char in text for char in "&*!?") and _SPECIAL_TOKEN.search(text):
        return False
    if "?" in text and ("[" in text or "{" in text):
        return False  # PyYAML ends a plain scalar at any "?" in a flow collection; libyaml does not
    if "#" in text and _GLUED_COMMENT.search(text):
        return False
    return not (
        text.startswith(_DOCUMENT_MARKERS) or any(f"\n{marker}" in text for marker in _DOCUMENT_MARKERS)
    )


def _is_shallow_tree(root: yaml.Node, limit: int) -> bool:
    """Whether the nodes under ``root`` form a tree (no node met twice, as an
    alias would make it) with collections at most ``limit`` levels deep."""
    seen = {id(root)}
    level = [root] if isinstance(root, yaml.CollectionNode) else []  # the collections at one depth
    for _ in range(limit):
        if not level:
            return True
        below = []
        for node in level:
            if isinstance(node, yaml.SequenceNode):
                below += node.value
            else:
                for pair in node.value:
                    below += pair
        if any(id(node) in seen or seen.add(id(node)) for node in below):
            return False
        level = [node for node in below if not isinstance(node, yaml.ScalarNode)]
    return not level


# Tags the safe loader resolves plain YAML to; anything else was written explicitly.
STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}
STR_TAG = "tag:yaml.org,2002:str"

# The YAML mistakes editors make most, and what to do about them.
_YAML_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "put text that contains ': ' in quotes"),
    ("expected <block end>", "check the indentation of this line against the lines above"),
    ("found unexpected end of stream", "a quoted text is not closed"),
    ("found character '@'", "put text that starts with '@' or '`' in quotes"),
)


def yaml_hint(problem: str) -> str:
    for needle, hint in _YAML_HINTS:
        if needle in problem:
            return f" (hint: {hint})"
    return ""


class _NodeConverter:
    """Turns composed YAML nodes into YamlMap / YamlList / plain scalars."""

    def __init__(self, path: str, first_line: int, diagnostics: Diagnostics):
        self.path = path
        self.first_line = first_line
        self.diagnostics = diagnostics
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()  # ids of the nodes converted so far

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def convert(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:
            # Only an alias makes a node appear twice; compose_yaml refuses
            # those, and this makes sure none is ever expanded.
            self.diagnostics.error(
                self.path, self.line(node), "YAML anchors and aliases are not supported: write the value out in full"
            )
            return None
        self.seen.add(id(node))
        if node.tag.startswith("!") or node.tag not in STANDARD_TAGS:
            # Explicit tags (!foo, !!python/object) are never part of the content model.
            self.diagnostics.error(
                self.path, self.line(node), f"YAML tag '{node.tag}' is not supported: remove it"
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self.convert_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            result = YamlList(self.line(node))
            for item in node.value:
                result.append(self.convert(item))
                result.item_lines.append(self.line(item))
            return result
        return self.convert_scalar(node)

    def convert_mapping(self, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap(self.line(node))
        for key_node, value_node in node.value:
            key = self.convert(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.diagnostics.error(self.path, self.line(key_node), "a key must be a plain word")
                continue
            if key in result:
                self.diagnostics.error(
                    self.path,
                    self.line(key_node),
                    f"duplicate key '{key}' (first set on line {result.key_lines[key]})",
                )
                continue
            result[key] = self.convert(value_node)
            result.key_lines[key] = self.line(key_node)
        return result

    def convert_scalar(self, node: yaml.Node) -> Any:
        text = check_text(node.value, self.path, self.line(node), self.diagnostics)
        if node.tag == STR_TAG or text is not node.value:
            return text  # what the constructor would return, without its bookkeeping
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:
            # e.g. "2021-02-30" resolves to a timestamp but is no real date:
            # keep the text so validation can say what is wrong with it.
            return node.value


def read_text(path: Path, rel: str, diagnostics: Diagnostics) -> str | None:
    raw = read_bytes(path, rel, diagnostics)
    return None if raw is None else decode_text(raw, rel, diagnostics)


def read_bytes(path: Path, rel: str, diagnostics: Diagnostics) -> bytes | None:
    """A file's bytes; None (reported) when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        diagnostics.error(rel, 0, "file not found")
    except OSError as exc:
        diagnostics.error(rel, 0, f"cannot read file: {exc.strerror}")
    return None


def decode_text(raw: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    """A file's bytes as text with "\\n" line ends; None (reported) when not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diagnostics.error(rel, line, "file is not valid UTF-8 text")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def relpath(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def is_date(value: Any) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
