"""Markdown from untrusted content → safe HTML, reader-visible text, highlights."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import pytest

from generator.markup import Highlight, MarkdownConverter, is_web_url
from sitekit import parse_html


@pytest.fixture(scope="module")
def converter():
    return MarkdownConverter()


def html_of(converter, source: str) -> str:
    return converter.parse(source).to_html()


# --- raw HTML and scripts ---------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "Hello <script>alert(1)</script> there",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<div>\n<script>alert(1)</script>\n</div>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"http://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "[<script>alert(1)</script>](http://example.com)",
    "![<script>alert(1)</script>](http://example.com/i.png)",
    "*<script>*alert(1)*</script>*",
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_no_raw_html_element_survives(converter, source):
    html = html_of(converter, source)
    page = parse_html(html)
    allowed = {"p", "em", "strong", "code", "pre", "a", "img", "span", "div", "br", "blockquote", "ul", "ol", "li"}
    tags = {tag for tag, _ in page.tags}
    assert tags <= allowed, html
    assert "<script" not in html.lower()
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs), html


def test_raw_html_is_shown_as_text(converter):
    html = html_of(converter, 'He said <b>"hi"</b> & left <script>alert("x")</script>.')
    assert "&lt;b&gt;" in html and "&lt;/b&gt;" in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert parse_html(html).text == 'He said <b>"hi"</b> & left <script>alert("x")</script>.'


def test_block_html_is_shown_as_text(converter):
    html = html_of(converter, "<div class='x'>\nBlock\n</div>")
    assert "<div" not in html
    assert "&lt;div class='x'&gt;" in html


# --- links and images ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "[a page](javascript:alert(1))",
        "[a page](JaVaScRiPt:alert(1))",
        "[a page]( javascript:alert(1))",
        "[a page](vbscript:msgbox(1))",
        "[a page](data:text/html;base64,PHNjcmlwdD4=)",
        "[a page](/relative/path)",
        "[a page](#fragment)",
        "[a page](mailto:someone@example.com)",
        "[a page][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_links_that_are_not_http_become_text(converter, source):
    html = html_of(converter, source)
    page = parse_html(html)
    assert page.find("a") == []
    assert "href" not in html
    assert page.text == "a page"


@pytest.mark.parametrize(
    "source, href",
    [
        ("[a page](http://example.com/x)", "http://example.com/x"),
        ("[a page](https://example.com/x?a=1&b=2)", "https://example.com/x?a=1&b=2"),
        ("[a page](https://example.com/ \"A title\")", "https://example.com/"),
        ("[a page][ref]\n\n[ref]: https://example.com/r", "https://example.com/r"),
    ],
)
def test_http_links_are_kept(converter, source, href):
    page = parse_html(html_of(converter, source))
    links = page.find("a")
    assert len(links) == 1
    assert links[0]["href"] == href
    assert set(links[0]) == {"href", "rel"}  # no title, no other attributes
    assert "noopener" in links[0]["rel"].split() and "nofollow" in links[0]["rel"].split()
    assert page.text == "a page"


def test_autolinks(converter):
    page = parse_html(html_of(converter, "See <https://example.com/a> and <javascript:alert(1)>."))
    assert [a["href"] for a in page.find("a")] == ["https://example.com/a"]
    assert page.text == "See https://example.com/a and <javascript:alert(1)>."


def test_attribute_injection_through_a_link_stays_inside_href(converter):
    page = parse_html(html_of(converter, '[x](http://example.com/" onmouseover="alert(1))'))
    (link,) = page.find("a")
    assert set(link) == {"href", "rel"}


def test_images(converter):
    page = parse_html(html_of(converter, "![A bridge](https://example.com/b.png) ![bad](javascript:alert(1))"))
    (image,) = page.find("img")
    assert image == {"src": "https://example.com/b.png", "alt": "A bridge", "loading": "lazy"}
    assert "bad" in page.text  # the unsafe image is replaced by its alt text


@pytest.mark.parametrize(
    "url, ok",
    [
        ("http://example.com", True),
        ("https://example.com/x", True),
        (" https://example.com/x ", True),
        ("HTTPS://EXAMPLE.COM", True),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("//example.com", False),
        ("example.com", False),
        ("", False),
        (None, False),
    ],
)
def test_is_web_url(url, ok):
    assert is_web_url(url) is ok


# --- reader-visible text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, text",
    [
        ("Hello *big* world.", "Hello big world."),
        ("One.\n\nTwo.", "One.\n\nTwo."),
        ("# Title\n\n- one\n- two\n\n> quoted *text*\n\nlast", "Title\n\none\n\ntwo\n\nquoted text\n\nlast"),
        ("A [link](https://example.com) and [bad](javascript:x).", "A link and bad."),
        ("line one\nline two", "line one\nline two"),
        ("1. first\n2. second", "first\n\nsecond"),
    ],
)
def test_text_extraction(converter, source, text):
    assert converter.parse(source).text == text


@pytest.mark.parametrize("empty", ["", "   ", "\n\n"])
def test_an_empty_body_does_not_reuse_the_previous_document(empty):
    """Python-Markdown skips its tree processors for blank input; the converter
    must not hand back the tree of the body it converted before."""
    converter = MarkdownConverter()
    converter.parse("Text of the previous article.")
    document = converter.parse(empty)
    assert document.text == ""
    assert document.to_html() == ""


class _VisibleText(HTMLParser):
    """What a browser shows: character references decoded, tags dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "source",
    [
        "Plain *text* with **strong** words.",
        "He said <b>hi</b> & left.",
        "Tom &amp; Jerry",  # the reader sees "Tom & Jerry"
        "Use `a < b && c` here.",  # the reader sees "a < b && c"
        "&lt;script&gt;",  # the reader sees "<script>"
        "Caf&eacute; &#233;",
        "    indented <code> block",
    ],
)
def test_document_text_is_what_the_reader_sees(converter, source):
    """Quotes are anchored in Document.text, so it must equal the page's text."""
    document = converter.parse(source)
    reader = _VisibleText()
    reader.feed(document.to_html())
    assert squeeze(document.text) == squeeze("".join(reader.parts))


# --- highlights -----------------------------------------------------------------------------------------


class _Marks(HTMLParser):
    """For each mark class, the text it covers; plus ids and what follows marks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.covered: dict[str, str] = {}
        self.first_texts: dict[str, str] = {}
        self.pending_id: list[str] = []
        self.mark_depths: list[int] = []
        self.max_nesting = 0
        self.sequence: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "mark":
            self.stack.append(attrs.get("class"))
            self.max_nesting = max(self.max_nesting, sum(1 for s in self.stack if s))
            if "id" in attrs:
                self.pending_id.append(attrs["id"])
                self.first_texts.setdefault(attrs["id"], "")
            self.sequence.append(f"<mark {attrs.get('class')}>")
        else:
            self.stack.append(None)
            self.sequence.append(f"<{tag}>")

    def handle_endtag(self, tag):
        self.stack.pop()
        self.sequence.append(f"</{tag}>")

    def handle_data(self, data):
        for cls in {s for s in self.stack if s}:
            self.covered[cls] = self.covered.get(cls, "") + data
        for mark_id in self.pending_id:
            self.first_texts[mark_id] += data
        self.pending_id = []


def marks_of(html: str) -> _Marks:
    parser = _Marks()
    parser.feed(html)
    return parser


def highlight(text, phrase_start, phrase_end, name, after=None):
    start = text.index(phrase_start)
    end = text.index(phrase_end, start) + len(phrase_end)
    return Highlight(start, end, {"class": name}, {"id": f"id-{name}"}, after)


SOURCE = "Hello *big* world and [a link](https://example.com) end.\n\nSecond *para* here."


def test_highlight_inside_one_text_run(converter):
    document = converter.parse(SOURCE)
    html = document.to_html([highlight(document.text, "world", "and", "a")])
    assert '<mark class="a" id="id-a">world and</mark>' in html


def test_highlight_across_inline_elements(converter):
    document = converter.parse(SOURCE)
    html = document.to_html([highlight(document.text, "lo big", "a link", "a")])
    marks = marks_of(html)
    assert marks.covered["a"] == "lo big world and a link"
    assert html.count('id="id-a"') == 1
    assert marks.first_texts["id-a"] == "lo "  # the id is on the first piece
    # the tree is still well formed: <em> and <a> keep their place
    assert "<em><mark" in html and 'rel="nofollow noopener noreferrer"><mark' in html
    assert squeeze(parse_html(html).text) == squeeze(parse_html(document.to_html()).text)


def test_highlight_across_paragraphs_with_a_label_after_it(converter):
    document = converter.parse(SOURCE)
    label = etree.Element("a", {"class": "label", "href": "#n"})
    label.text = "1"
    html = document.to_html([highlight(document.text, "link", "Second", "a", after=label)])
    marks = marks_of(html)
    assert marks.covered["a"] == "link end.Second"  # pieces in both paragraphs
    assert html.count("<mark") == 3  # "link", " end.", "Second"
    assert '<mark class="a">Second</mark><a class="label" href="#n">1</a> <em>para</em>' in html


def test_overlapping_highlights_nest(converter):
    document = converter.parse(SOURCE)
    text = document.text
    first = highlight(text, "big", "and", "a")
    second = highlight(text, "world", "link", "b")
    html = document.to_html([second, first])  # order of the list does not matter
    marks = marks_of(html)
    assert marks.covered["a"] == "big world and"
    assert marks.covered["b"] == "world and a link"
    assert marks.max_nesting == 2
    assert '<mark class="a"><mark class="b" id="id-b">world and</mark></mark>' in html
    assert html.count('id="id-a"') == 1 and html.count('id="id-b"') == 1


def test_nested_highlight_inside_a_longer_one(converter):
    document = converter.parse(SOURCE)
    text = document.text
    outer = highlight(text, "Hello", "end.", "outer")
    inner = highlight(text, "world", "world", "inner")
    marks = marks_of(document.to_html([inner, outer]))
    assert marks.covered["outer"] == "Hello big world and a link end."
    assert marks.covered["inner"] == "world"
    assert marks.first_texts == {"id-outer": "Hello ", "id-inner": "world"}


def test_highlights_with_the_same_start(converter):
    document = converter.parse(SOURCE)
    text = document.text
    short = highlight(text, "Hello", "big", "short")
    long = highlight(text, "Hello", "world", "long")
    html = document.to_html([short, long])
    marks = marks_of(html)
    assert marks.covered == {"short": "Hello big", "long": "Hello big world"}
    assert html.startswith('<p><mark class="long" id="id-long"><mark class="short" id="id-short">Hello </mark></mark>')


def test_highlighting_does_not_change_the_document(converter):
    document = converter.parse(SOURCE)
    before = document.to_html()
    document.to_html([highlight(document.text, "big", "Second", "a")])
    assert document.to_html() == before
    assert "<mark" not in before


def test_highlight_text_is_escaped(converter):
    document = converter.parse("Say <b>x</b> & go.")
    html = document.to_html([highlight(document.text, "<b>", "</b>", "a")])
    assert '<mark class="a" id="id-a">&lt;b&gt;x&lt;/b&gt;</mark>' in html
