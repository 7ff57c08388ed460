"""YAML text → Python values that carry their file line numbers.

Front matter and site.yaml are composed into YAML nodes rather than loaded
straight to Python values, so every key and list item remembers the line it
was written on; the nodes are then converted by :class:`_NodeConverter`,
which refuses what the content model has no use for (tags, anchors and
aliases) and every character no page can carry (``characters.py``).
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import yaml

from ..core.diagnostics import Diagnostics
from .characters import check_text

# Integers beyond this many bits have over 4,000 decimal digits, near the
# 4,300 Python's int() and str() take by default (sys.get_int_max_str_digits).
MAX_INT_BITS = 13_000


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
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, KeyError, AttributeError, TypeError, yaml.YAMLError):
            # e.g. "2021-02-30" resolves to a timestamp but is no real date, or a
            # decimal integer of more digits than int() takes; or an explicit tag
            # the text does not fit, which PyYAML's constructors do not check
            # ("!!bool maybe" a KeyError, "!!timestamp x" an AttributeError,
            # "!!seq x" a ConstructorError): keep the text so validation can
            # say what is wrong with it.
            return node.value
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            return node.value  # a hex or binary one as large: Python could not write it out in a message
        return value
