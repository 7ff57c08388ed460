"""An element tree as compact JSON text: data only, flat, checked before use.

A converted body's tree (``markup.Document``) is kept in this form in
memory, travels in it from the check workers, and is stored in it in the
build cache, which may come from elsewhere (a CI cache). So it must be
plain data that nothing can turn into code when it is read back, and
:func:`check` must tell trees this module wrote from anything else before
any of them is used.

The layout is six columns rather than nested lists::

    [tags, parents, texts, tails, attributes, slices]

``tags[i]`` is node i's tag, nodes in document order (node 0 is the root);
``parents[i - 1]`` is the index of node i's parent, always below i;
``texts`` and ``tails`` hold each node's ``text`` and ``tail`` ("" for
none); ``attributes`` is flat, ``[node, name, value, …]``; ``slices`` is
flat too, ``[place, start, end, …]``: the text (place 2i) or tail (place
2i + 1) of node i is ``text[start:end]`` of the document's text (which the
document keeps anyway), and ``texts`` or ``tails`` holds "" there.

Flat columns are checked and rebuilt by builtins over whole lists, those of
many trees at once, with no recursion: a body nested hundreds of levels
deep (which pickle could not store) is stored like any other, and the
486,000 nodes of the 10,000-article benchmark corpus are checked in 0.3 s.
Slices rather than copies of the text: there the trees take 20 MB instead
of 61 MB (their pickles took 83 MB).
"""

from __future__ import annotations

import json
import operator
import re
import xml.etree.ElementTree as etree
from itertools import chain, repeat
from typing import Iterable

COLUMNS = 6
# What a tag or an attribute name may be: the serialiser writes them unescaped.
NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# A \u escape of a surrogate (after an even number of backslashes, so not
# an escaped backslash followed by "ud800"). json.dumps with ensure_ascii=False
# writes every character as itself, never as such an escape; read back, a lone
# one would be a string that cannot be written out as UTF-8.
SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]")


class MalformedTree(ValueError):
    """Columns that are not a tree as :func:`dumps` writes them."""


def dumps(root: etree.Element, slices: Iterable[tuple[etree.Element, str, int, int]] = ()) -> str:
    """The tree under ``root`` as compact JSON text.

    ``slices`` are (element, "text" or "tail", start, end) of the texts that
    are that slice of the document's text: they are stored as the slice.
    """
    elements = list(root.iter())  # document order; ElementTree walks it without recursion
    position = {id(element): index for index, element in enumerate(elements)}
    parents = [0] * (len(elements) - 1)
    texts = [element.text or "" for element in elements]
    tails = [element.tail or "" for element in elements]
    attributes: list = []
    for index, element in enumerate(elements):
        for child in element:
            parents[position[id(child)] - 1] = index
        for name, value in element.attrib.items():
            attributes += (index, name, str(value))
    places: list = []
    for element, attr, start, end in slices:
        index = position[id(element)]
        (texts if attr == "text" else tails)[index] = ""
        places += (2 * index + (attr == "tail"), start, end)
    columns = [[element.tag for element in elements], parents, texts, tails, attributes, places]
    return json.dumps(columns, ensure_ascii=False, separators=(",", ":"))


def loads(tree: str | bytes, text: str) -> etree.Element:
    """A fresh tree, with its document's ``text``, from what :func:`dumps`
    wrote (or its UTF-8 bytes), or from what :func:`check` accepted."""
    tags, parents, texts, tails, attributes, places = json.loads(tree)
    root = etree.Element(tags[0])
    elements = [root]
    add = elements.append
    subelement = etree.SubElement
    for tag, parent in zip(tags[1:], parents):
        add(subelement(elements[parent], tag))
    for element, own, tail in zip(elements, texts, tails):
        if own:
            element.text = own
        if tail:
            element.tail = tail
    for place, start, end in triples(places):
        setattr(elements[place >> 1], "tail" if place & 1 else "text", text[start:end])
    for node, name, value in triples(attributes):
        elements[node].set(name, value)
    return root


def check(trees: list, text_lengths: list[int]) -> None:
    """Raise :class:`MalformedTree` unless each of ``trees`` (parsed JSON) is
    a tree as :func:`dumps` writes them, for a document text of the length
    that ``text_lengths`` gives at the same place.

    Every check runs over the columns of all the trees together, with
    builtins rather than a Python loop per node or per tree.
    """
    if not (only(list, trees) and set(map(len, trees)) <= {COLUMNS} and only(list, chain.from_iterable(trees))):
        raise MalformedTree(f"not {COLUMNS} lists")
    if not trees:
        return
    tags, parents, texts, tails, attributes, places = map(list, zip(*trees))
    counts = list(map(len, tags))
    if not (all(counts) and list(map(len, parents)) == [count - 1 for count in counts]
            and list(map(len, texts)) == counts and list(map(len, tails)) == counts):
        raise MalformedTree("columns of different lengths")
    every_tag = flat(tags)
    if not (only(str, every_tag) and all(map(NAME.fullmatch, set(every_tag)))):
        raise MalformedTree("a tag that is not one")
    if not only(str, chain(flat(texts), flat(tails))):
        raise MalformedTree("a text that is not text")
    # Each parent comes before its child: the columns describe a tree, and
    # loads() finds every parent built already.
    every_parent = flat(parents)
    children = flat(map(range, repeat(1), counts))
    if not (only(int, every_parent) and min(every_parent, default=0) >= 0
            and all(map(operator.lt, every_parent, children))):
        raise MalformedTree("a parent that is not one")
    check_attributes(attributes, counts)
    check_slices(places, [2 * count for count in counts], text_lengths)


def check_attributes(columns: list[list], counts: list[int]) -> None:
    """[node, name, value, …] of trees of ``counts`` nodes."""
    nodes, names, values = split_triples(columns, "attributes that are not (node, name, value)")
    limits = per_triple(columns, counts)
    if not (only(int, nodes) and only(str, names) and only(str, values)
            and min(nodes, default=0) >= 0 and all(map(operator.lt, nodes, limits))
            and all(map(NAME.fullmatch, set(names)))):
        raise MalformedTree("an attribute of no node, or with a bad name")


def check_slices(columns: list[list], place_counts: list[int], text_lengths: list[int]) -> None:
    """[place, start, end, …] of trees with ``place_counts`` places, of texts of ``text_lengths``."""
    places, starts, ends = split_triples(columns, "slices that are not (place, start, end)")
    if not (only(int, places) and only(int, starts) and only(int, ends)
            and min(places, default=0) >= 0 and all(map(operator.lt, places, per_triple(columns, place_counts)))
            and min(starts, default=0) >= 0 and all(map(operator.le, starts, ends))
            and all(map(operator.le, ends, per_triple(columns, text_lengths)))):
        raise MalformedTree("a slice of no text, or outside the text")


def split_triples(columns: list[list], what: str) -> tuple[list, list, list]:
    if any(map(operator.mod, map(len, columns), repeat(3))):
        raise MalformedTree(what)
    every = flat(columns)
    return every[0::3], every[1::3], every[2::3]


def per_triple(columns: list[list], values: list[int]) -> list[int]:
    """Each tree's value, once for each of its column's triples."""
    return flat(map(repeat, values, (len(column) // 3 for column in columns)))


def triples(items: list) -> Iterable[tuple]:
    return zip(*[iter(items)] * 3)


def flat(lists: Iterable[Iterable]) -> list:
    return list(chain.from_iterable(lists))


def only(kind: type, items: Iterable) -> bool:
    """Whether every item is exactly of ``kind`` (a bool is not an int here)."""
    return set(map(type, items)) <= {kind}


def has_surrogate_escape(json_text: str) -> bool:
    """Whether JSON text escapes a surrogate, as no text :func:`json.dumps` writes
    with ``ensure_ascii=False`` does. (Most text has no \\u escape at all, and
    looking for one first is much quicker than the full search.)"""
    return "\\u" in json_text and SURROGATE_ESCAPE.search(json_text) is not None


def json_bytes(value: object) -> bytes:
    """``value`` as compact JSON, UTF-8 encoded (ValueError for a lone surrogate, which UTF-8 cannot hold)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def stored_document(stored: object, length: int) -> tuple[str, str]:
    """The text and tree JSON of a document as the build cache stores it
    (``[text, tree]``, :func:`json_bytes`), checked: :class:`MalformedTree`
    unless it is that, its text ``length`` code points long and its tree
    one for that text (:func:`check`)."""
    try:
        form = str(stored, "utf-8") if type(stored) in (bytes, memoryview) else None
    except UnicodeDecodeError:
        form = None
    if form is None or has_surrogate_escape(form):
        raise MalformedTree("not UTF-8 text, or text that escapes a surrogate")
    try:
        value = json.loads(form)
    except (ValueError, RecursionError):
        raise MalformedTree("not JSON") from None
    if not (type(value) is list and len(value) == 2 and only(str, value) and len(value[0]) == length):
        raise MalformedTree(f"not [text, tree] with a text of {length} characters")
    check([parse(value[1])], [length])
    return value[0], value[1]


def parse(text: object) -> list:
    """JSON text of a tree, parsed; :class:`MalformedTree` unless it is JSON
    that :func:`check` may be asked about."""
    if type(text) is not str or has_surrogate_escape(text):
        raise MalformedTree("not text, or text that escapes a surrogate")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedTree("not JSON") from None
