"""Minimal-diff edits of an article's ``mentions:``: add, change or remove a mention.

Text in, text out, no I/O. Only the lines of the mention concerned change:
comments, key order, quoting styles, blank lines, line endings (``\\r\\n``
stays ``\\r\\n``) and a byte-order mark stay as they were, so ``git diff``
shows just the added, changed or removed lines.

The places are the YAML composer's (the same composer the build uses,
``yamlnodes.compose_yaml``): each mention's dash, each key and where its
value ends. A new mention follows the file's own list style (the dash's
and the keys' columns, and the key order, of the last mention); without
one, ``mentions:`` gets items indented by two spaces (``  - claim: …``),
as ``factcheck new article`` writes it. A new key goes after the keys
that come before it in ``MENTION_KEYS``.

Every edit is checked by reading the result with the site's loader: the
front matter must read as before, but for the one change asked for.
Otherwise (a form of YAML this does not edit, such as a flow-style list of
mentions) :class:`EditError` says so, and nothing is to be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from ..core.diagnostics import Diagnostics
from ..core.translations import N_, N_plural
from ..stages.load import split_front_matter
from ..stages.yamlnodes import YamlMap, compose_yaml
from . import EditError
from .yamlscalar import yaml_scalar

MENTIONS = "mentions"
# A mention's keys in the order the README writes them: a new mention's
# keys, and a key added to a mention, go in this order.
# ``unit`` goes with its figure, as the example site writes it (value, unit, value_attributed_to).
MENTION_KEYS = ("claim", "actor", "via", "stance", "value", "unit", "value_attributed_to", "quote", "translation",
                "note")
DEFAULT_INDENT = 2  # of a first mention's dash under ``mentions:``, and of its keys after the dash
_LINE_BREAKS_YAML_ALSO_READS = ("\x85", "\u2028", "\u2029")  # would shift the composer's line numbers


@dataclass
class Source:
    """A file's text as lines (without ``\\n``; a ``\\r`` before it is kept) and its front matter's end."""

    bom: str
    lines: list[str]

    @classmethod
    def of(cls, text: str) -> "Source":
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        lines = text[len(bom):].split("\n")
        if lines[0].rstrip("\r").rstrip() != "---":
            raise EditError(N_("the file does not start with a '---' line: it has no front matter to edit"))
        source = cls(bom, lines)
        block = lines[1:source.close]
        if any("\r" in line.rstrip("\r") for line in block) or any(
                mark in line for line in block for mark in _LINE_BREAKS_YAML_ALSO_READS):
            raise EditError(N_("the front matter has line breaks other than \\n or \\r\\n: save it with "
                            "ordinary line ends first"))
        return source

    @property
    def close(self) -> int:
        """The index of the line that closes the front matter (edits move it)."""
        for index in range(1, len(self.lines)):
            if self.lines[index].rstrip("\r").rstrip() in ("---", "..."):
                return index
        raise EditError(N_("the front matter is not closed: add a '---' line after it"))

    @property
    def text(self) -> str:
        return self.bom + "\n".join(self.lines)

    @property
    def eol(self) -> str:
        """What new lines end with before their ``\\n``: ``\\r`` in a CRLF file."""
        return "\r" if self.lines[0].endswith("\r") else ""

    def block(self) -> str:
        return "\n".join(line.removesuffix("\r") for line in self.lines[1:self.close])

    def root(self) -> yaml.MappingNode | None:
        try:
            node = compose_yaml(self.block())
        except yaml.YAMLError:
            raise EditError(N_("the front matter is not valid YAML: fix the file first (the preview shows where)")) from None
        if node is not None and not isinstance(node, yaml.MappingNode):
            raise EditError(N_("the front matter is not a mapping of 'key: value' lines"))
        return node


# --- where things are ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPlace:
    line: int  # file line index of the key
    column: int
    key_end: int  # the column just past the key
    value_start: tuple[int, int]  # (line index, column)
    value_end: tuple[int, int]  # (line index, column) just past the value, on its last line


@dataclass(frozen=True)
class ItemPlace:
    first: int  # line index of the item's dash
    last: int  # line index of its last value's last line
    dash_column: int
    key_column: int
    keys: dict[str, KeyPlace]


def _position(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column  # block line 0 is file line index 1


def value_end(node: yaml.Node) -> tuple[int, int]:
    """Where ``node`` ends: a block scalar's end mark is at the start of the line after it."""
    line, column = _position(node.end_mark)
    if column == 0 and node.end_mark.line > node.start_mark.line:
        return line - 1, -1  # -1: up to the end of that line
    return line, column


def key_place(key: yaml.Node, value: yaml.Node) -> KeyPlace:
    return KeyPlace(*_position(key.start_mark), key.end_mark.column, _position(value.start_mark), value_end(value))


def mentions_entry(root: yaml.MappingNode | None) -> tuple[yaml.Node, yaml.Node] | None:
    for key, value in (root.value if root is not None else ()):
        if isinstance(key, yaml.ScalarNode) and key.value == MENTIONS:
            return key, value
    return None


def item_places(source: Source, sequence: yaml.SequenceNode) -> list[ItemPlace]:
    block = source.block()
    places = []
    for item in sequence.value:
        if not isinstance(item, yaml.MappingNode) or item.flow_style or not item.value:
            raise EditError(N_("a mention is not written as 'key: value' lines: edit this one by hand"))
        dash = block.rfind("-", 0, item.start_mark.index)
        if dash < 0 or block[dash + 1:item.start_mark.index].strip():
            raise EditError(N_("a mention is not written as a '- key: value' item: edit this one by hand"))
        line_start = block.rfind("\n", 0, dash) + 1
        keys = {k.value: key_place(k, v) for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        last = max(place.value_end[0] for place in keys.values())
        places.append(ItemPlace(block.count("\n", 0, dash) + 1, last, dash - line_start, item.start_mark.column, keys))
    return places


def mentions_sequence(source: Source) -> tuple[yaml.Node, yaml.Node] | None:
    """The ``mentions`` key and its value; :class:`EditError` for a value this does not edit."""
    entry = mentions_entry(source.root())
    if entry is None:
        return None
    _, value = entry
    if isinstance(value, yaml.SequenceNode) and value.flow_style and value.value:
        raise EditError(N_("'mentions' is written as a [flow, list]: write it as '- claim: …' items to edit it here"))
    if not isinstance(value, yaml.SequenceNode) and not (isinstance(value, yaml.ScalarNode) and value.value == ""
                                                         and value.tag.endswith(":null")):
        raise EditError(N_("'mentions' is not a list: fix the file first"))
    return entry


# --- writing -------------------------------------------------------------------------------------


def ordered_keys(fields: Mapping[str, Any], model: list[str]) -> list[str]:
    """``fields``' keys in the order of ``model`` (the last mention's keys), the
    others placed after the keys that precede them in ``MENTION_KEYS``."""
    order = [key for key in model if key in fields]
    for key in sorted((k for k in fields if k not in order), key=canonical_rank):
        before = [i for i, placed in enumerate(order) if canonical_rank(placed) < canonical_rank(key)]
        order.insert(before[-1] + 1 if before else 0, key)
    return order


def canonical_rank(key: str) -> int:
    return MENTION_KEYS.index(key) if key in MENTION_KEYS else len(MENTION_KEYS)


def item_lines(fields: Mapping[str, Any], keys: list[str], dash_column: int, key_column: int, eol: str) -> list[str]:
    lines = [" " * key_column + f"{key}: {yaml_scalar(fields[key])}{eol}" for key in keys]
    lines[0] = " " * dash_column + "-" + lines[0][dash_column + 1:]
    return lines


def add_mention(text: str, fields: Mapping[str, Any]) -> str:
    """``text`` with a mention of ``fields`` (claim, stance, quote, and any of
    actor, via, value, unit, value_attributed_to, note) after the last one; the
    ``mentions:`` key is added at the end of the front matter if absent."""
    fields = {key: value for key, value in fields.items() if value is not None}
    source = Source.of(text)
    before = read_front(source)
    eol = source.eol
    entry = mentions_sequence(source)
    if entry is None:
        at = source.close
        new = [f"{MENTIONS}:{eol}"] + item_lines(fields, ordered_keys(fields, []), DEFAULT_INDENT,
                                                2 * DEFAULT_INDENT, eol)
    else:
        key, value = entry
        items = item_places(source, value) if isinstance(value, yaml.SequenceNode) else []
        if items:
            last = items[-1]
            at = last.last + 1
            new = item_lines(fields, ordered_keys(fields, list(last.keys)), last.dash_column, last.key_column, eol)
        else:
            at = empty_list_written_as_key(source, key, value) + 1
            dash = key.start_mark.column + DEFAULT_INDENT
            new = item_lines(fields, ordered_keys(fields, []), dash, dash + DEFAULT_INDENT, eol)
    source.lines[at:at] = new
    expected = dict(before)
    expected[MENTIONS] = list(before.get(MENTIONS) or []) + [fields]
    return checked(source, expected)


def empty_list_written_as_key(source: Source, key: yaml.Node, value: yaml.Node) -> int:
    """The line of ``mentions:`` with no item; an empty ``[]`` after it is taken
    away (the items follow as lines)."""
    line = key.start_mark.line + 1
    if isinstance(value, yaml.SequenceNode):
        start, end = _position(value.start_mark), _position(value.end_mark)
        if start[0] != line or end[0] != line:
            raise EditError(N_("'mentions' is an empty list written over several lines: write 'mentions:' alone"))
        text = source.lines[line]
        source.lines[line] = text[:start[1]].rstrip() + text[end[1]:]
    return line


def edit_mention(text: str, index: int, changes: Mapping[str, Any]) -> str:
    """``text`` with mention ``index`` (0-based, in file order) changed: each
    key of ``changes`` set to its value, or removed where the value is None."""
    source = Source.of(text)
    before = read_front(source)
    mention = dict(mention_at(before, index))
    for key, value in changes.items():
        set_key(source, index, key, value)
        if value is None:
            mention.pop(key, None)
        else:
            mention[key] = value
    expected = dict(before)
    expected[MENTIONS] = [mention if i == index else m for i, m in enumerate(before[MENTIONS])]
    return checked(source, expected)


def remove_mention(text: str, index: int) -> str:
    """``text`` without mention ``index``: its lines from its dash to its last
    value (comments between it and the next mention stay)."""
    source = Source.of(text)
    before = read_front(source)
    mention_at(before, index)
    place = place_of(source, index)
    del source.lines[place.first:place.last + 1]
    expected = dict(before)
    expected[MENTIONS] = [m for i, m in enumerate(before[MENTIONS]) if i != index] or None
    return checked(source, expected)


def set_top_key(text: str, key: str, value: Any) -> str:
    """``text`` with the front matter's own ``key`` (present, as ``factcheck new``
    writes every key) set to ``value``; a comment after it stays."""
    source = Source.of(text)
    before = read_front(source)
    root = source.root()
    entry = next(((k, v) for k, v in (root.value if root is not None else ()) if getattr(k, "value", None) == key), None)
    if entry is None or not isinstance(entry[1], yaml.ScalarNode):
        raise EditError(N_("there is no '%(key)s: …' line to fill in"), key=key)
    replace_value(source, key_place(*entry), yaml_scalar(value))
    expected = dict(before)
    expected[key] = value
    return checked(source, expected)


def set_key(source: Source, index: int, key: str, value: Any) -> None:
    place = place_of(source, index)
    at = place.keys.get(key)
    if at is None and value is None:
        return
    if at is None:
        preceding = [p for k, p in place.keys.items() if canonical_rank(k) < canonical_rank(key)]
        after = max((p.value_end[0] for p in preceding), default=place.last)
        source.lines.insert(after + 1, " " * place.key_column + f"{key}: {yaml_scalar(value)}{source.eol}")
    elif value is None:
        remove_key(source, place, key, at)
    else:
        replace_value(source, at, yaml_scalar(value))


def replace_value(source: Source, at: KeyPlace, written: str) -> None:
    """The value's text replaced, on the key's line; a comment after it stays."""
    (first, start), (last, end) = at.value_start, at.value_end
    head = source.lines[at.line]
    if first != at.line:  # the value began on a line of its own: it now follows the key
        head_part = head[:head.index(":", at.key_end) + 1] + " "
    elif (first, start) == (last, end):  # no value yet (``note:``): the mark is just past the colon
        head_part = head[:start] + " "
    else:
        head_part = head[:start]
    last_line = source.lines[last]
    tail = last_line[len(last_line.rstrip("\r")):] if end == -1 else last_line[end:]
    source.lines[at.line:last + 1] = [head_part + written + tail]


def remove_key(source: Source, place: ItemPlace, key: str, at: KeyPlace) -> None:
    if len(place.keys) == 1:
        raise EditError(N_("'%(key)s' is the mention's only key: remove the mention instead"), key=key)
    last = at.value_end[0]
    if at.line == place.first:  # on the dash's line: the dash moves to the next key's line
        following = min((p for p in place.keys.values() if p.line > last), key=lambda p: p.line)
        next_line = source.lines[following.line]
        if next_line[:place.key_column].strip():
            raise EditError(N_("cannot remove '%(key)s' from this mention's first line: edit it by hand"), key=key)
        source.lines[following.line] = source.lines[at.line][:place.key_column] + next_line[place.key_column:]
    del source.lines[at.line:last + 1]


def place_of(source: Source, index: int) -> ItemPlace:
    entry = mentions_sequence(source)
    if entry is None or not isinstance(entry[1], yaml.SequenceNode):
        raise EditError(N_("the article has no mentions"))
    return item_places(source, entry[1])[index]


# --- reading it back ------------------------------------------------------------------------------


def read_front(source: Source) -> YamlMap:
    """The front matter as the site's loader reads it; :class:`EditError` when it reads with problems."""
    diagnostics = Diagnostics()
    front, _, _ = split_front_matter(source.text.removeprefix("\ufeff").replace("\r\n", "\n"), "article", diagnostics)
    if front is None or diagnostics.errors:
        raise EditError(N_("the front matter does not read without problems: fix the file first "
                        "(the preview shows what is wrong)"))
    return front


def mention_at(front: YamlMap, index: int) -> dict:
    mentions = front.get(MENTIONS)
    if not isinstance(mentions, list) or not 0 <= index < len(mentions) or not isinstance(mentions[index], dict):
        count = len(mentions) if isinstance(mentions, list) else 0
        raise EditError(N_plural("there is no mention %(number)s in this article (it has %(num)s): reload the page",
                                  "there is no mention %(number)s in this article (it has %(num)s): reload the page"),
                        count, number=str(index + 1))
    return mentions[index]


def checked(source: Source, expected: dict) -> str:
    """The edited text, once the loader reads it as ``expected``."""
    if plain(read_front(source)) != plain(expected):
        raise EditError(N_("the edit would not read back as intended (an unusual form of YAML?): edit this file by hand"))
    return source.text


def plain(value: Any) -> Any:
    """Values without their line numbers, to compare."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
