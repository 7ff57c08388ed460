"""An element tree as compact JSON text: data only, flat, checked before use.

A converted body's tree (``markup.Document``) is kept in this form in
memory, travels in it from the check workers, and is stored in it in the
build cache, which may come from elsewhere (a CI cache). So it must be
plain data that nothing can turn into code when it is read back, and
:func:`check` must tell a tree this module wrote from anything else before
any of it is used.

The layout is five columns rather than nested lists::

    [tags, parents, texts, tails, attributes]

``tags[i]`` is node i's tag, nodes in document order (node 0 is the root);
``parents[i - 1]`` is the index of node i's parent, always below i;
``texts`` and ``tails`` hold each node's ``text`` and ``tail`` ("" for
none); ``attributes`` is flat, ``[node, name, value, node, name, value,
…]``. Flat columns are checked and rebuilt by loops and builtins over whole
lists, with no recursion, so a body nested hundreds of levels deep (which
pickle could not store) is stored like any other. At 10,000 articles
(480,000 nodes) the columns take 61 MB, the trees' pickles took 82 MB.
"""

from __future__ import annotations

import json
import operator
import re
import xml.etree.ElementTree as etree

# What a tag or an attribute name may be: the serialiser writes them unescaped.
NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# A \u escape of a surrogate (after an even number of backslashes, so not
# an escaped backslash followed by "ud800"). json.dumps with ensure_ascii=False
# writes every character as itself, never as such an escape; read back, a lone
# one would be a string that cannot be written out as UTF-8.
SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]")


class MalformedTree(ValueError):
    """Text that is not a tree as :func:`dumps` writes them."""


def dumps(root: etree.Element) -> str:
    """The tree under ``root`` as compact JSON text."""
    elements = list(root.iter())  # document order; ElementTree walks it without recursion
    position = {id(element): index for index, element in enumerate(elements)}
    parents = [0] * (len(elements) - 1)
    attributes: list = []
    for index, element in enumerate(elements):
        for child in element:
            parents[position[id(child)] - 1] = index
        for name, value in element.attrib.items():
            attributes += (index, name, str(value))
    columns = [
        [element.tag for element in elements],
        parents,
        [element.text or "" for element in elements],
        [element.tail or "" for element in elements],
        attributes,
    ]
    return json.dumps(columns, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> etree.Element:
    """A fresh tree from text that :func:`check` accepted or :func:`dumps`
    wrote (or its UTF-8 bytes)."""
    tags, parents, texts, tails, attributes = json.loads(text)
    root = etree.Element(tags[0])
    elements = [root]
    add = elements.append
    subelement = etree.SubElement
    for tag, parent in zip(tags[1:], parents):
        add(subelement(elements[parent], tag))
    for element, text, tail in zip(elements, texts, tails):
        if text:
            element.text = text
        if tail:
            element.tail = tail
    for node, name, value in zip(*[iter(attributes)] * 3):
        elements[node].set(name, value)
    return root


def check(text: object) -> None:
    """Raise :class:`MalformedTree` unless ``text`` is a tree as :func:`dumps` writes them.

    Whole columns at a time (``map`` and builtins rather than a Python loop
    per node): the build cache checks every stored tree it reads.
    """
    if type(text) is not str or has_surrogate_escape(text):
        raise MalformedTree("not text, or text that escapes a surrogate")
    try:
        columns = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedTree("not JSON") from None
    if type(columns) is not list or len(columns) != 5 or not all(type(column) is list for column in columns):
        raise MalformedTree("not five lists")
    tags, parents, texts, tails, attributes = columns
    count = len(tags)
    if not count or len(parents) != count - 1 or len(texts) != count or len(tails) != count:
        raise MalformedTree("columns of different lengths")
    if not (only(str, tags) and only(str, texts) and only(str, tails) and all(map(NAME.fullmatch, tags))):
        raise MalformedTree("a tag, text or tail that is not one")
    # Each parent comes before its child: the columns describe a tree, and
    # loads() finds every parent built already.
    if not (only(int, parents) and min(parents, default=0) >= 0 and all(map(operator.lt, parents, range(1, count)))):
        raise MalformedTree("a parent that is not one")
    nodes, names, values = attributes[0::3], attributes[1::3], attributes[2::3]
    if len(attributes) % 3 or not (only(int, nodes) and only(str, names) and only(str, values)):
        raise MalformedTree("attributes that are not (node, name, value)")
    if nodes and (min(nodes) < 0 or max(nodes) >= count or not all(map(NAME.fullmatch, names))):
        raise MalformedTree("an attribute of no node, or with a bad name")


def only(kind: type, items: list) -> bool:
    """Whether every item is exactly of ``kind`` (a bool is not an int here)."""
    return set(map(type, items)) <= {kind}


def has_surrogate_escape(json_text: str) -> bool:
    """Whether JSON text escapes a surrogate, as no text :func:`json.dumps` writes
    with ``ensure_ascii=False`` does."""
    return SURROGATE_ESCAPE.search(json_text) is not None
