"""Markdown → a safe element tree, its reader-visible text, and HTML.

Content is untrusted. Python-Markdown passes raw HTML through by default, so
the raw-HTML processors are removed (tags show up as text), and a tree pass
keeps only http(s) links and images. Quotes are anchored against the text a
reader sees (``Document.text``), and highlighted (``highlight.py``) at the
offsets of the same tree's text nodes, so anchoring and highlighting can
never disagree.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from . import treejson
from .failures import SystemFailure
from .layout import CACHE_DIR
from .markdown_passes import narrow_passes

# Elements whose content is a block of its own: text on either side is
# separated by a blank line in ``Document.text``.
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
    "pre", "hr", "table", "thead", "tbody", "tr", "td", "th", "dl", "dt", "dd",
}
BLOCK_SEPARATOR = "\n\n"


def is_web_url(url: str | None) -> bool:
    """Only absolute http(s) URLs may become links or images."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # a host it cannot take apart ("http://[x", a broken IPv6 address): no URL
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _SanitiseLinks(Treeprocessor):
    """Turn links and images with any other scheme into plain text."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "a":
                    self._check_link(child)
                elif child.tag == "img":
                    self._check_image(child)

    @staticmethod
    def _check_link(element: etree.Element) -> None:
        href = element.get("href")
        element.attrib.clear()
        if is_web_url(href):
            element.set("href", href.strip())
            element.set("rel", "nofollow noopener noreferrer")
        else:
            element.tag = "span"

    @staticmethod
    def _check_image(element: etree.Element) -> None:
        src, alt = element.get("src"), element.get("alt", "")
        element.attrib.clear()
        if is_web_url(src):
            element.set("src", src.strip())
            element.set("alt", alt)
            element.set("loading", "lazy")
        else:
            element.tag = "span"
            element.text = alt


class _CaptureTree(Treeprocessor):
    """Hand the finished tree to :class:`MarkdownConverter` (runs last).

    Python-Markdown keeps code and entities escaped inside the tree (``&lt;``)
    and relies on its serialiser not to escape them again. The captured tree
    holds the characters a reader sees instead, as plain strings, so that
    ``Document.text`` is exactly what is on screen and ElementTree's
    serialiser escapes it once. Python-Markdown's own serialiser is not
    run (:class:`MarkdownConverter`), so the tree is changed in place.
    """

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.text:
                element.text = str(decode_entities(element.text))
            if element.tail:
                element.tail = str(decode_entities(element.tail))
        self.md.captured_tree = root


# Only complete references, as CommonMark reads them: "&amp;" and "&#8212;" are
# decoded, but "?id=1&region=eu" keeps its "&region" (html.unescape alone would
# turn it into "®ion").
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _no_html(root: etree.Element) -> str:
    return "<div></div>"  # Python-Markdown strips its top-level <div> off what the serialiser returns


def decode_entities(text: str) -> str:
    return _ENTITY.sub(lambda match: html.unescape(match.group()), text)


class MarkdownConverter:
    """One reusable Python-Markdown instance configured for untrusted input."""

    def __init__(self) -> None:
        md = markdown.Markdown(extensions=[], output_format="html")
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "entity", "automail"):
            md.inlinePatterns.deregister(pattern)
        md.treeprocessors.register(_SanitiseLinks(md), "sanitise_links", 5)
        md.treeprocessors.register(_CaptureTree(md), "capture_tree", -100)
        narrow_passes(md)  # the same tree, sooner (markdown_passes.py)
        # The tree is what is kept (_CaptureTree); Python-Markdown's HTML of it is not used.
        md.serializer = _no_html
        self._md = md

    def parse(self, source: str) -> "Document":
        return Document(self.tree(source))

    def tree(self, source: str) -> etree.Element:
        """The safe element tree of ``source``, as Python-Markdown's passes leave it (an empty
        ``div`` for blank input)."""
        self._md.reset()
        # Python-Markdown skips the tree processors for blank input, so clear
        # the previous document's tree rather than hand it out again.
        self._md.captured_tree = None
        self._md.convert(source)
        return self._md.captured_tree or etree.Element("div")


@dataclass(frozen=True)
class TextNode:
    """A run of text in the tree: ``element.text`` or ``element.tail``."""

    element: etree.Element
    attr: str  # "text" or "tail"
    parent: etree.Element | None  # for tails: the element that holds ``element``
    start: int  # offset of this run in Document.text
    value: str


class StoredDocumentUnreadable(SystemFailure):
    """A document from the build cache that is not one (see :class:`Document`):
    the cache is not one this version's builds wrote, and is not used."""


class Document:
    """A converted Markdown body: the text a reader sees, and its tree.

    The tree is kept as compact JSON (``treejson``), UTF-8 encoded, its
    visible texts as slices of ``text``: a site holds one per article, and
    live trees take many times the memory (at 10,000 articles, 230 MB; as
    JSON 20 MB, as the pickles kept before 83 MB). Each use builds a fresh
    copy, which is what highlighting (``highlight.py``) needs anyway, and
    builds it quicker than the pickles were read (0.8 s for
    all 13,043 documents against 1.0 s).

    A document read back from the build cache is *stored* (:meth:`from_stored`):
    it keeps its stored form (:meth:`stored_form`) unread, with its text's
    length, and reads it, checking the tree, when its text or tree is first
    asked for. Most builds ask for few: after one article changed at 10,000
    articles, 46 pages are rendered, and reading all 13,040 documents up front
    cost the build's main process about 0.5 s and a second process 0.6 s
    (the documents are 73 of the cache's 103 MB; see ``codec.py``). The cache checks the stored
    form's digest when it reads the entry, so a damaged one is a miss there;
    what can fail here is only a form that was written whole and is not a
    document (a cache written by something other than this version), and
    that stops the build (:class:`StoredDocumentUnreadable`) rather than
    publish what it says.
    """

    def __init__(self, root: etree.Element):
        pieces, slices, offset = [], [], 0  # one walk for both (as text_nodes counts offsets)
        for (element, attr, _, value), separator in _walk(root):
            offset += len(separator)
            slices.append((element, attr, offset, offset + len(value)))
            offset += len(value)
            pieces += (separator, value)
        text = "".join(pieces)
        self._text, self._tree, self._stored = text, treejson.dumps(root, slices).encode("utf-8"), None
        self.length = len(text)  # in code points, as quotes' places count

    @classmethod
    def from_stored(cls, length: int, stored: bytes | memoryview) -> "Document":
        """A document from its :meth:`stored_form`, read when first used; its
        text is ``length`` code points long, or reading it fails."""
        document = cls.__new__(cls)
        document._text, document._tree, document._stored, document.length = "", b"", stored, length
        return document

    def stored_form(self) -> bytes:
        """``[text, tree]`` as compact JSON, UTF-8 encoded: how the build cache keeps it."""
        return treejson.json_bytes([self.text, self.tree.decode("utf-8")])

    @property
    def text(self) -> str:
        if self._stored is not None:
            self._read_stored()
        return self._text

    @property
    def tree(self) -> bytes:
        if self._stored is not None:
            self._read_stored()
        return self._tree

    def _read_stored(self) -> None:
        stored = self._stored  # once: another thread may have read it meanwhile (then it is None)
        if stored is None:
            return
        try:
            text, tree = treejson.stored_document(stored, self.length)
        except treejson.MalformedTree as problem:
            raise StoredDocumentUnreadable(
                f"the build cache ({CACHE_DIR}/) holds a document that is not one ({problem}); nothing was "
                f"published from it: delete {CACHE_DIR}/ and build again, and use only caches your own builds "
                "wrote") from None
        self._text, self._tree, self._stored = text, tree.encode("utf-8"), None

    @property
    def root(self) -> etree.Element:
        """A fresh copy of the tree, the caller's to change."""
        return treejson.loads(self.tree, self.text)

    def to_html(self) -> str:
        return serialise_children(self.root).strip()


# Elements that have no end tag in HTML.
VOID_TAGS = {"br", "hr", "img", "wbr"}


def serialise_children(element: etree.Element) -> str:
    """The HTML of an element's content. Every text and attribute value is
    escaped exactly once (the tree holds the characters a reader sees)."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        parts.append(serialise(child))
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


def serialise(element: etree.Element) -> str:
    attrs = "".join(
        f' {name}="{html.escape(str(value), quote=True)}"' for name, value in element.attrib.items()
    )
    if element.tag in VOID_TAGS:
        return f"<{element.tag}{attrs}>"
    return f"<{element.tag}{attrs}>{serialise_children(element)}</{element.tag}>"


def text_nodes(root: etree.Element) -> list[TextNode]:
    """Every text run of the tree, in reading order, with its offset in the text."""
    offset, nodes = 0, []
    for (element, attr, parent, value), separator in _walk(root):
        offset += len(separator)
        nodes.append(TextNode(element, attr, parent, offset, value))
        offset += len(value)
    return nodes


def _walk(root: etree.Element):
    """Yield ((element, attr, parent, value), separator) in reading order:
    plain tuples (a frozen dataclass made here, and again by the caller with
    its offset, was 0.7 CPU-s of a cold build at 10,000 articles).

    Offsets are filled in by the callers; the separator is the text inserted
    before the node ("\\n\\n" at block boundaries, else "").
    """
    state = {"pending": "", "started": False}

    def emit(element, attr, parent, value):
        if _is_layout_whitespace(element, attr, value):
            return None
        separator = state["pending"] if state["started"] else ""
        state["pending"], state["started"] = "", True
        return (element, attr, parent, value), separator

    def visit(element, parent):
        is_block = element.tag in BLOCK_TAGS and element is not root
        if is_block:
            state["pending"] = BLOCK_SEPARATOR
        if element.text and (item := emit(element, "text", parent, element.text)):
            yield item
        for child in element:
            yield from visit(child, element)
            if child.tail and (item := emit(child, "tail", element, child.tail)):
                if child.tag in BLOCK_TAGS:
                    item = (item[0], BLOCK_SEPARATOR)
                yield item
        if is_block:
            state["pending"] = BLOCK_SEPARATOR

    yield from visit(root, None)


def _is_layout_whitespace(element: etree.Element, attr: str, value: str) -> bool:
    """Whitespace the serialiser puts between blocks, which a reader never sees."""
    if value.strip():
        return False
    if attr == "tail":
        return element.tag in BLOCK_TAGS
    return len(element) > 0 and element[0].tag in BLOCK_TAGS or element.tag in ("div", "ul", "ol")
