"""Highlighting passages of a converted body (highlight.py): one mark per
passage and block, whatever inline elements it crosses; anchors at given
offsets inside it; an element after it, past its closing punctuation."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import pytest

from generator.core.markup import MarkdownConverter, serialise_children
from generator.outputs.highlight import Passage, highlight
from sitekit import article_body, parse_html, squeeze

SOURCE = "Hello *big* world and [a link](https://example.com) end.\n\nSecond *para* here."


@pytest.fixture(scope="module")
def converter():
    return MarkdownConverter()


def after_element(text="M") -> etree.Element:
    element = etree.Element("a", {"class": "hl-markers", "href": "#m"})
    element.text = text
    return element


def passage(text, first, last, anchors=(), after=None, css="hl hl-supports"):
    start = text.index(first)
    end = text.index(last, start) + len(last)
    return Passage(start, end, {"class": css}, tuple((text.index(a), f"id-{a.split()[0]}") for a in anchors), after)


def render(document, *passages) -> str:
    html = serialise_children(highlight(document.root, list(passages))).strip()
    return f'<section class="article-body">{html}</section>'


def test_a_passage_across_inline_elements_is_one_mark(converter):
    document = converter.parse(SOURCE)
    html = render(document, passage(document.text, "Hello", "a link", after=after_element()))
    body = article_body(html)
    assert [m["text"] for m in body.marks] == ["Hello big world and a link"]
    assert ('<p><mark class="hl hl-supports">Hello <em>big</em> world and '
            '<a href="https://example.com" rel="nofollow noopener noreferrer">a link</a></mark>'
            '<wbr><a class="hl-markers" href="#m">M</a> end.</p>') in html


def test_an_element_the_passage_covers_in_part_is_split_not_the_text(converter):
    document = converter.parse(SOURCE)
    html = render(document, passage(document.text, "ig", "wor"))
    assert "<em>b</em><mark class=\"hl hl-supports\"><em>ig</em> wor</mark>ld" in html
    # the reader sees the same text, in well-formed HTML
    assert squeeze(parse_html(html).text) == squeeze(document.text)


def test_a_passage_across_paragraphs_has_one_mark_in_each_and_the_element_after_the_last(converter):
    document = converter.parse(SOURCE)
    html = render(document, passage(document.text, "link", "Second", after=after_element()))
    body = article_body(html)
    assert [m["text"] for m in body.marks] == ["link end.", "Second"]
    assert '<mark class="hl hl-supports">Second</mark><wbr><a class="hl-markers" href="#m">M</a> <em>para</em>' in html


def test_a_piece_that_is_only_punctuation_gets_no_mark(converter):
    document = converter.parse("He said it was late\n\n”. Then he left.")
    html = render(document, passage(document.text, "it was", "”.", after=after_element()))
    body = article_body(html)
    assert [m["text"] for m in body.marks] == ["it was late"]
    assert body.groups[0]["after"] == 0  # the element follows the last piece that has words


def test_the_element_after_goes_past_closing_punctuation(converter):
    document = converter.parse("“We have evidence,” the inspector said, and left.")
    html = render(document, passage(document.text, "We", "evidence", after=after_element()))
    assert '<mark class="hl hl-supports">We have evidence</mark>,”<wbr><a class="hl-markers"' in html
    html = render(document, passage(document.text, "the inspector", "said", after=after_element()))
    assert "said</mark>,<wbr><a" in html


def test_anchors_sit_inside_the_mark_at_their_offsets(converter):
    document = converter.parse(SOURCE)
    text = document.text
    html = render(document, passage(text, "big", "end.", anchors=("big world", "world and", "a link")))
    body = article_body(html)
    assert body.marks[0]["anchors"] == ["id-big", "id-world", "id-a"]
    assert '<mark class="hl hl-supports"><em><span class="hl-anchor" id="id-big"></span>big</em>' in html
    assert '<span class="hl-anchor" id="id-world"></span>world' in html


def test_a_passage_that_covers_a_link_wraps_it_and_the_element_after_stays_a_link(converter):
    document = converter.parse(SOURCE)
    html = render(document, passage(document.text, "a link", "link", after=after_element()))
    assert '<mark class="hl hl-supports"><a href="https://example.com" rel="nofollow noopener noreferrer">a link</a></mark>' \
           '<wbr><a class="hl-markers" href="#m">M</a>' in html


def test_the_element_after_a_passage_that_ends_inside_a_link_follows_the_link(converter):
    """A link may not hold another, and a marker inside would cut its words apart."""
    document = converter.parse("See [a *long* link](https://example.com), here.")
    html = render(document, passage(document.text, "See", "long", after=after_element()))
    link = '<a href="https://example.com" rel="nofollow noopener noreferrer">'
    assert f'<mark class="hl hl-supports">See {link}a <em>long</em></a></mark>{link} link</a>,' \
           '<wbr><a class="hl-markers" href="#m">M</a> here.' in html


def test_a_passage_ending_in_a_link_closes_before_the_rest_of_it_and_the_element_follows_the_link(converter):
    document = converter.parse(SOURCE)
    html = render(document, passage(document.text, "world", "and a", after=after_element()))
    link = '<a href="https://example.com" rel="nofollow noopener noreferrer">'
    assert f'<mark class="hl hl-supports">world and {link}a</a></mark>{link} link</a><wbr><a class="hl-markers" href="#m">M</a> end.' in html


def test_several_passages_in_one_paragraph(converter):
    document = converter.parse(SOURCE)
    text = document.text
    html = render(document, passage(text, "world", "and", after=after_element("1")),
                  passage(text, "Hello", "big", after=after_element("2")))
    body = article_body(html)
    assert [m["text"] for m in body.marks] == ["Hello big", "world and"]
    assert [g["after"] for g in body.groups] == [0, 1]
    assert all(m["depth"] == 0 for m in body.marks)


def test_overlapping_passages_are_refused(converter):
    document = converter.parse(SOURCE)
    text = document.text
    with pytest.raises(ValueError, match="overlap"):
        highlight(document.root, [passage(text, "Hello", "world"), passage(text, "big", "and")])


def test_highlighting_does_not_change_the_document(converter):
    document = converter.parse(SOURCE)
    before = document.to_html()
    render(document, passage(document.text, "big", "Second", after=after_element()))
    assert document.to_html() == before
    assert "<mark" not in before


def test_highlighted_text_is_escaped(converter):
    document = converter.parse("Say <b>x</b> & go.")
    html = render(document, passage(document.text, "<b>", "</b>"))
    assert '<mark class="hl hl-supports">&lt;b&gt;x&lt;/b&gt;</mark>' in html


def test_only_the_paragraphs_a_passage_touches_are_rebuilt(converter):
    """The others are kept as they are (highlight.py works on the blocks a passage touches)."""
    document = converter.parse("First *one*.\n\nSecond [two](https://example.com).\n\n- third\n- fourth *item*\n\nLast.")
    text = document.text
    html = render(document, passage(text, "two", "two", after=after_element("2")),
                  passage(text, "fourth", "item", after=after_element("4")))
    assert html.startswith('<section class="article-body"><p>First <em>one</em>.</p>')
    assert html.endswith("<p>Last.</p></section>")
    assert [m["text"] for m in article_body(html).marks] == ["two", "fourth item"]
    assert '<li><mark class="hl hl-supports">fourth <em>item</em></mark><wbr><a class="hl-markers" href="#m">4</a></li>' in html
