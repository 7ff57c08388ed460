"""Highlight passages of a converted body without shredding its text.

A passage is a range of ``Document.text`` (see ``markup.py``) drawn as one
``<mark>`` per block it touches, however many inline elements it crosses:
``Hello <em>big</em> world`` becomes ``<mark>Hello <em>big</em>
world</mark>``, and an inline element the passage only partly covers is
split in two (``<em>ab</em><mark><em>cd</em> …</mark>``), so the elements
nest correctly. Earlier the text runs themselves were cut and each piece
wrapped, so overlapping quotes gave nested marks around scraps as small as
a lone "." (issue 12).

Passages must not overlap (``annotate.py`` merges the quotes' spans into
passages first). Each passage may carry zero-width anchors, empty elements
with an id at given offsets (the start of each quote inside it), and an
element to put after its last piece (the markers), past the punctuation
that closes it and out of a link it ends in. A piece of a
passage that holds no letter or digit (a lone "." or "”" in the next
block) gets no mark: punctuation is never highlighted on its own.

The work is done on a flat list of tokens (start tag, end tag, text,
finished element) rather than on ElementTree's text/tail pairs, and the
blocks it touched are rebuilt from it once.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from ..core.markup import BLOCK_TAGS, text_nodes

_WORD = re.compile(r"\w")
# Punctuation that closes what comes before it: the markers go after it, as a
# footnote mark does ("groups,[1] permitting", not "groups[1], permitting").
_CLOSING_PUNCTUATION = re.compile(r"[.,;:!?…'\"’”»›)\]]+")


@dataclass(frozen=True)
class Passage:
    """A range of Document.text to highlight as one, and what goes with it."""

    start: int
    end: int
    attrs: dict  # of every <mark> piece
    anchors: tuple[tuple[int, str], ...] = ()  # (offset, id): an empty <span id> there
    after: etree.Element | None = None  # put right after the passage's last piece
    anchor_class: str = "hl-anchor"


# --- tokens -----------------------------------------------------------------------------------


@dataclass
class _Open:
    tag: str
    attrib: dict
    clone: bool = False  # the second half of an element split by a passage's edge


@dataclass
class _Close:
    pass


@dataclass
class _Text:
    value: str
    start: int | None  # offset in Document.text; None for layout whitespace between blocks
    block: int  # which block holds it: text in different blocks is never in one <mark>

    @property
    def end(self) -> int:
        return self.start + len(self.value)


@dataclass
class _Element:
    """A finished element to insert as it is (an anchor, the markers)."""

    element: etree.Element


_Token = _Open | _Close | _Text | _Element


class _Segments:
    """The content of ``root`` in segments: its own text, then each child with
    its tail. A segment stays the element it is until a passage touches it;
    then it becomes tokens (texts with their offsets), and the segments one
    passage touches become one.

    Only what the passages touch is taken apart and put back together, since
    every step looks through the tokens it is given. ``siteplan.article_context``
    for 1,000 synthetic articles of 5 quotes each (``tests/bench/corpus.py``):
    1.7 s with whole articles taken apart, 1.1 s so; the earlier highlighting,
    which cut text runs in place (and so the text into scraps), 0.6-0.8 s.
    """

    def __init__(self, root: etree.Element) -> None:
        nodes = text_nodes(root)
        self.offsets = {(id(node.element), node.attr): node.start for node in nodes}
        self.root = root
        owner = {id(element): index for index, child in enumerate(root, start=1) for element in child.iter()}
        self.items: list[etree.Element | list[_Token]] = [self._tokens(None)] + list(root)
        self.ranges: list[tuple[int, int] | None] = [None] * len(self.items)
        for node in nodes:
            index = 0 if node.element is root else owner[id(node.element)]
            left, right = self.ranges[index] or (node.start, node.start)
            self.ranges[index] = (min(left, node.start), max(right, node.start + len(node.value)))

    def touched_by(self, start: int, end: int) -> list[_Token]:
        """The tokens of every segment that [start, end] touches, now one segment."""
        touched = [i for i, span in enumerate(self.ranges) if span and span[0] <= end and span[1] >= start]
        first, last = (touched[0], touched[-1]) if touched else (0, len(self.items) - 1)
        tokens = [token for item in self.items[first:last + 1] for token in self._tokens(item)]
        spans = [span for span in self.ranges[first:last + 1] if span]
        self.items[first:last + 1] = [tokens]
        self.ranges[first:last + 1] = [(spans[0][0], spans[-1][1]) if spans else None]
        return tokens

    def _tokens(self, item: etree.Element | list[_Token] | None) -> list[_Token]:
        """``item`` as tokens: a child of root with its tail, or ``root.text`` for None."""
        if isinstance(item, list):
            return item
        root, tokens = self.root, []

        def text(element, attr, value, block):
            if value:
                tokens.append(_Text(value, self.offsets.get((id(element), attr)), block))

        def visit(element, block):
            tokens.append(_Open(element.tag, dict(element.attrib)))
            inner = id(element) if element.tag in BLOCK_TAGS else block
            text(element, "text", element.text, inner)
            for child in element:
                visit(child, inner)
                text(child, "tail", child.tail, inner)
            tokens.append(_Close())

        if item is None:
            text(root, "text", root.text, id(root))
        else:
            visit(item, id(root))
            text(item, "tail", item.tail, id(root))
        return tokens

    def tree(self) -> etree.Element:
        """A new element like ``root`` holding the segments (untouched children shared, not copied)."""
        new_root = etree.Element(self.root.tag, dict(self.root.attrib))
        for item in self.items:
            if isinstance(item, list):
                _append_tokens(new_root, item)
            else:
                new_root.append(item)
        return new_root


def _append_tokens(parent: etree.Element, tokens: list[_Token]) -> None:
    """``tokens`` added to ``parent`` as elements and text; halves left empty by a split are dropped."""
    stack = [parent]
    clones: set[int] = set()

    def add_text(value):
        holder = stack[-1]
        if len(holder):
            holder[-1].tail = (holder[-1].tail or "") + value
        else:
            holder.text = (holder.text or "") + value

    for token in tokens:
        if isinstance(token, _Open):
            element = etree.SubElement(stack[-1], token.tag, token.attrib)
            if token.clone:
                clones.add(id(element))
            stack.append(element)
        elif isinstance(token, _Close):
            element = stack.pop()
            if id(element) in clones and not element.text and not len(element):
                stack[-1].remove(element)
        elif isinstance(token, _Text):
            add_text(token.value)
        else:
            element = copy.deepcopy(token.element)
            element.tail = None
            stack[-1].append(element)


# --- positions --------------------------------------------------------------------------------


def _split_at(tokens: list[_Token], offset: int) -> None:
    """Make ``offset`` fall between two tokens: split the text token it is inside."""
    for index, token in enumerate(tokens):
        if isinstance(token, _Text) and token.start is not None and token.start < offset < token.end:
            cut = offset - token.start
            tokens[index:index + 1] = [
                _Text(token.value[:cut], token.start, token.block),
                _Text(token.value[cut:], offset, token.block),
            ]
            return


def _text_starting_at(tokens: list[_Token], offset: int) -> int | None:
    return next((i for i, t in enumerate(tokens) if isinstance(t, _Text) and t.start == offset and t.value), None)


def _text_ending_at(tokens: list[_Token], offset: int) -> int | None:
    return next((i for i, t in enumerate(tokens) if isinstance(t, _Text) and t.start is not None
                 and t.end == offset and t.value), None)


def _opening_point(tokens: list[_Token], first_text: int) -> int:
    """Where a mark starting at a text token opens: before the start tags of the
    inline elements that begin there, so it wraps them whole."""
    index = first_text
    while index > 0 and isinstance(tokens[index - 1], _Open) and tokens[index - 1].tag not in BLOCK_TAGS:
        index -= 1
    return index


def _closing_point(tokens: list[_Token], last_text: int) -> int:
    """Where a mark ending at a text token closes: after the end tags of the
    inline elements that end there."""
    index = last_text + 1
    depth = _open_stack(tokens, index)
    while index < len(tokens) and isinstance(tokens[index], _Close) and depth and depth[-1].tag not in BLOCK_TAGS:
        depth.pop()
        index += 1
    return index


def _open_stack(tokens: list[_Token], index: int) -> list[_Open]:
    """The elements open just before ``tokens[index]``."""
    stack: list[_Open] = []
    for token in tokens[:index]:
        if isinstance(token, _Open):
            stack.append(token)
        elif isinstance(token, _Close):
            stack.pop()
    return stack


# --- wrapping ---------------------------------------------------------------------------------


def _runs(tokens: list[_Token], start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) in one block each, as (start, end) offsets."""
    runs: list[list[int]] = []
    block = None
    for token in tokens:
        if not isinstance(token, _Text) or token.start is None or token.end <= start or token.start >= end:
            continue
        left, right = max(start, token.start), min(end, token.end)
        if runs and token.block == block:
            runs[-1][1] = right
        else:
            runs.append([left, right])
            block = token.block
    return [(left, right) for left, right in runs]


def _wrap(tokens: list[_Token], start: int, end: int, attrs: dict) -> _Close:
    """Wrap [start, end) (inside one block) in a <mark>; return its end tag.

    Elements open at only one of the two edges are closed before the mark and
    opened again inside it (or the reverse), so the tree stays well formed.
    """
    _split_at(tokens, start)
    _split_at(tokens, end)
    opening = _opening_point(tokens, _text_starting_at(tokens, start))
    closing = _closing_point(tokens, _text_ending_at(tokens, end))
    at_start, at_end = _open_stack(tokens, opening), _open_stack(tokens, closing)
    common = 0
    while common < min(len(at_start), len(at_end)) and at_start[common] is at_end[common]:
        common += 1
    left_only, right_only = at_start[common:], at_end[common:]
    before = [_Close() for _ in left_only] + [_Open("mark", dict(attrs))]
    before += [_Open(o.tag, dict(o.attrib), clone=True) for o in left_only]
    end_tag = _Close()
    after = [_Close() for _ in right_only] + [end_tag]
    reopened = [_Open(o.tag, dict(o.attrib), clone=True) for o in right_only]
    tokens[closing:closing] = after + reopened
    tokens[opening:opening] = before
    return end_tag


def _insert_anchor(tokens: list[_Token], offset: int, element: etree.Element) -> None:
    """An empty element at ``offset``, inside every element that starts there (so inside the mark)."""
    _split_at(tokens, offset)
    index = _text_starting_at(tokens, offset)
    if index is None:  # at the very end of a text: after it
        ending = _text_ending_at(tokens, offset)
        index = len(tokens) if ending is None else ending + 1
    tokens.insert(index, _Element(element))


def _past_links(tokens: list[_Token], index: int) -> int:
    """``index``, or just after the end of the outermost link open there.

    What follows a passage that ends inside a link goes after the link: a
    link may not hold another, and a marker inside would cut the link's
    words apart ("the city [markers] inspector"). A link the mark's end cut
    in two is open there too: its second half starts right at ``index``.
    """
    open_there = _open_stack(tokens, index)
    reopened = 0
    while index + reopened < len(tokens) and isinstance(tokens[index + reopened], _Open) \
            and tokens[index + reopened].clone:
        open_there.append(tokens[index + reopened])
        reopened += 1
    links = [depth for depth, element in enumerate(open_there) if element.tag == "a"]
    if not links:
        return index
    position, depth = index + reopened, len(open_there) - links[0]  # end tags to pass
    while depth:
        if isinstance(tokens[position], _Open):
            depth += 1
        elif isinstance(tokens[position], _Close):
            depth -= 1
        position += 1
    return position


def _piece(tokens: list[_Token], start: int, end: int) -> str:
    return "".join(
        t.value[max(start, t.start) - t.start:min(end, t.end) - t.start]
        for t in tokens if isinstance(t, _Text) and t.start is not None and t.start < end and t.end > start
    )


def _highlight_passage(tokens: list[_Token], passage: Passage) -> None:
    last_end_tag = None
    for start, end in _runs(tokens, passage.start, passage.end):
        if _WORD.search(_piece(tokens, start, end)):
            last_end_tag = _wrap(tokens, start, end, passage.attrs)
    for offset, anchor_id in sorted(passage.anchors, key=lambda anchor: anchor[0]):  # stable: in the given order
        _insert_anchor(tokens, offset, etree.Element("span", {"class": passage.anchor_class, "id": anchor_id}))
    if passage.after is None:
        return
    if last_end_tag is not None:  # found again by identity: inserting anchors moved it
        index = next(i for i, token in enumerate(tokens) if token is last_end_tag) + 1
    else:  # nothing worth a mark: the element still follows the passage
        _split_at(tokens, passage.end)
        found = _text_ending_at(tokens, passage.end)
        index = len(tokens) if found is None else found + 1
    index = _past_closing_punctuation(tokens, _past_links(tokens, index))
    # A line may break before it: else the passage's last word and the element
    # after it, with no space between, would wrap to the next line together.
    tokens[index:index] = [_Element(etree.Element("wbr")), _Element(passage.after)]


def _past_closing_punctuation(tokens: list[_Token], index: int) -> int:
    """``index``, or just after the closing punctuation that the text there begins with."""
    following = tokens[index] if index < len(tokens) else None
    if not isinstance(following, _Text) or following.start is None:
        return index
    match = _CLOSING_PUNCTUATION.match(following.value)
    if not match:
        return index
    _split_at(tokens, following.start + match.end())
    return index + 1


def highlight(root: etree.Element, passages: list[Passage]) -> etree.Element:
    """``root`` with every passage highlighted (they must not overlap), as a
    new element; ``root``'s children that no passage touches are shared with
    it, so ``root`` is the caller's to drop, not to change."""
    ordered = sorted(passages, key=lambda p: p.start)
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start < earlier.end:
            raise ValueError(f"passages overlap: {earlier.start}-{earlier.end} and {later.start}-{later.end}")
    segments = _Segments(root)
    for passage in reversed(ordered):  # from the end: an insertion never moves what is still to do
        _highlight_passage(segments.touched_by(passage.start, passage.end), passage)
    return segments.tree()
