"""An annotated article (annotate.py): quotes merged into passages, one
highlight each, the markers of every quote ending there together at its end,
every quote's id reachable; and a summary per claim.

The fixture ``tests/fixtures/overlap-site`` has one article whose quotes are
nested, identical, overlapping (into a link), adjacent, across paragraphs
and elided; its mentions are numbered 1–11 in reading order.
"""

from __future__ import annotations

import re

import pytest

from generator.core import wording

from generator.outputs import siteplan
from generator.outputs.annotate import claims_in_article, quoted_passages
from generator.outputs.urls import Links, article_path
from generator.stages.catalogues import english_interface
from sitekit import OVERLAP_SITE, article_body, graph_of

ARTICLE = "bridge-questions"
PUNCTUATION_ONLY = re.compile(r"[\W_]*")


@pytest.fixture(scope="module")
def graph():
    return graph_of(OVERLAP_SITE)[0]


def page_of(graph) -> dict:
    return siteplan.article_context(graph, graph.articles[ARTICLE], english_interface())


@pytest.fixture(scope="module")
def body(graph):
    return article_body(f'<section class="article-body">{page_of(graph)["body_html"]}</section>')


def said(number: int, stance: str, statement: str) -> str:
    """A marker's text ("Annotation" is for screen readers only)."""
    return f"Annotation {number} {wording.STANCE_ICONS[stance]} {wording.STANCE_LABELS[stance]}: {statement}"


def marker_texts(group) -> list[str]:
    return [" ".join(m["text"].split()) for m in group["markers"]]


def test_no_text_is_cut_into_scraps(body):
    assert body.marks, "nothing highlighted"
    assert all(mark["depth"] == 0 for mark in body.marks), "a highlight inside another"
    scraps = [mark["text"] for mark in body.marks if PUNCTUATION_ONLY.fullmatch(mark["text"])]
    assert scraps == [], "highlight pieces that are only punctuation or spaces"
    assert [mark["text"] for mark in body.marks] == [
        "the new bridge was finished late and cost far more than planned",  # nested and identical quotes
        "“We have sufficient evidence that the bridge was late,” the city",  # overlapping, into a link
        "The mayor denied it.",
        "Works ended in May",  # adjacent: two passages, each with its markers
        "—weeks after the deadline.",
        "The mayor says the bridge is open",  # the rest of a quote across two paragraphs
        "Traffic, she added, is flowing",  # the last part of an elided quote, and another
    ]


def test_the_markers_of_every_quote_sit_together_at_the_passage_end(body):
    late, cost, open_, evidence = ("The bridge was finished late.", "The bridge cost more than planned.",
                                   "The bridge is open to traffic.", "The inspectors hold evidence of the delay.")
    ends = {group["after"]: marker_texts(group) for group in body.groups}
    assert ends == {
        0: [said(1, "supports", late), said(2, "supports", cost), said(3, "neutral", open_)],
        1: [said(4, "supports", evidence), said(5, "supports", late)],
        2: [said(6, "disputes", late)],
        3: [said(7, "supports", late)],
        4: [said(8, "supports", late)],  # after its own paragraph
        5: [said(9, "supports", open_)],
        6: [said(10, "supports", open_), said(11, "disputes", open_)],  # the elided quote
    }
    # Markers follow the punctuation that closes their passage, never a lone mark of it,
    # and the link a passage ends in ("the city| inspector"), never cutting its words apart.
    assert [group["text_before"] for group in body.groups] == [",", " inspector", "", "", "", ".", "."]


def test_markers_link_to_the_quote_on_its_claim_page(graph, body):
    links = Links(article_path(graph.articles[ARTICLE]), "/")
    quotes = graph.quotes_by_article[ARTICLE]
    hrefs = [marker["href"] for group in body.groups for marker in group["markers"]]
    assert hrefs == [links.mention(quote) for quote in quotes]
    stances = [marker["classes"][-1] for group in body.groups for marker in group["markers"]]
    assert stances == [f"hl-marker-{quote.stance}" for quote in quotes]


def test_every_quote_keeps_its_id_at_its_own_start(graph, body):
    quotes = graph.quotes_by_article[ARTICLE]
    assert sorted(body.ids) == sorted(quote.anchor for quote in quotes)
    anchors = [mark["anchors"] for mark in body.marks]
    assert anchors == [
        ["q-bridge-late", "q-bridge-cost", "q-bridge-open"],
        ["q-delay-evidence", "q-bridge-late--2"],
        ["q-bridge-late--3"],
        ["q-bridge-late--4"],
        ["q-bridge-late--5", "q-bridge-open--2"],
        ["q-bridge-open--3"],  # the elided quote's first part
        ["q-bridge-open--4"],
    ]


def test_a_passage_quoted_with_several_stances_says_so(body):
    kinds = [next(c for c in mark["classes"] if c.startswith("hl-")) for mark in body.marks]
    assert kinds == ["hl-mixed", "hl-supports", "hl-disputes", "hl-supports", "hl-supports", "hl-supports", "hl-mixed"]


def test_stance_words_come_from_the_label_table(graph, monkeypatch):
    """A rename of a stance's label (wording.STANCE_LABELS) reaches the markers."""
    before = wording.STANCE_LABELS["supports"]
    monkeypatch.setitem(wording.STANCE_LABELS, "supports", "Renamed")
    html = page_of(graph)["body_html"]
    assert "✓</span> Renamed</span>" in html and before not in html


def test_passages_merge_overlapping_spans_only(graph):
    quotes = graph.quotes_by_article[ARTICLE]
    text = graph.articles[ARTICLE].document.text
    passages = quoted_passages(quotes, text)
    assert [len(p.quotes) for p in passages] == [3, 2, 1, 1, 2, 2, 2]
    assert [[q.anchor for q in p.ending] for p in passages][-1] == ["q-bridge-open--3", "q-bridge-open--4"]
    assert all(earlier.end <= later.start for earlier, later in zip(passages, passages[1:]))


def test_the_summary_is_per_claim(graph):
    summary = claims_in_article(graph.quotes_by_article[ARTICLE])
    assert [(entry.claim.id, entry.counts) for entry in summary] == [
        ("bridge-late", (("supports", 4), ("disputes", 1))),
        ("bridge-cost", (("supports", 1),)),
        ("bridge-open", (("supports", 2), ("disputes", 1), ("neutral", 1))),
        ("delay-evidence", (("supports", 1),)),
    ]
    assert [len(entry.quotes) for entry in summary] == [5, 1, 4, 1]
