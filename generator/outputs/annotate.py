"""An annotated article: its quotes as passages of its text, and a summary per claim.

One passage of a source often carries quotes for several claims: the same
sentence is a statement on one claim and a denial of another, or a long
quote holds a shorter one. The quotes' spans are merged into passages
(overlapping or identical spans become one), each drawn as one highlight
(``highlight.py``) and followed by one group of markers, a marker per
quote that ends there. A marker names its claim and its stance in words,
so a reader never has to tell which colour belongs to which claim. Each
quote keeps its stable id (``Quote.anchor``) as an empty element at its
own start inside the passage, where the claim pages' "Read in context"
links land.

A passage quoted with one stance is drawn in that stance's colour and
line; one quoted with several is drawn in a colour of its own ("mixed"),
and its markers say which stance goes with which claim.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markupsafe import Markup

from ..core.language import same_language, text_direction
from ..core.markup import BLOCK_SEPARATOR, serialise_children
from ..core.model import STANCES, Article, Claim, Quote
from ..core.translations import Interface
from ..core.wording import STANCE_ICONS, STANCE_LABELS
from . import urls
from .highlight import Passage, highlight

MIXED = "mixed"  # the class of a passage quoted with more than one stance


@dataclass(frozen=True)
class QuotedPassage:
    """Merged spans of the article text, and the quotes that have a part in them."""

    start: int
    end: int
    quotes: tuple[Quote, ...]  # every quote with a part here, in reading order
    ending: tuple[Quote, ...]  # those whose last part is here: their markers follow the passage

    @property
    def stance(self) -> str:
        """The stance every quote here takes, or ``MIXED``."""
        stances = {quote.stance for quote in self.quotes}
        return stances.pop() if len(stances) == 1 else MIXED


def quoted_passages(quotes: list[Quote], text: str) -> list[QuotedPassage]:
    """The quotes' spans merged into passages, in reading order.

    Spans that overlap (or are identical, or one holds the other) become one
    passage. Spans that only touch stay apart: each is read as a passage of
    its own, followed by its own markers. A span that runs on into the next
    paragraph is cut at the paragraph's end (``text`` is the article's
    ``Document.text``), so a quote's marker follows the paragraph it ends in.
    An elided quote ("A … B") has a part in each passage its spans fall in;
    its marker follows its last part.
    """
    parts = sorted(
        (start, end, index)
        for index, quote in enumerate(quotes)
        for span in quote.mention.spans
        for start, end in within_paragraphs(span, text)
    )
    groups: list[list] = []  # [start, end, {quote indexes}]
    for start, end, index in parts:
        if groups and start < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], end)
            groups[-1][2].add(index)
        else:
            groups.append([start, end, {index}])
    passages = []
    for start, end, indexes in groups:
        inside = tuple(quotes[i] for i in sorted(indexes))
        ending = tuple(q for q in inside if start < q.mention.spans[-1][1] <= end)
        passages.append(QuotedPassage(start, end, inside, ending))
    return passages


def within_paragraphs(span: tuple[int, int], text: str) -> list[tuple[int, int]]:
    """``span`` cut at the breaks between blocks (``markup.BLOCK_SEPARATOR``)."""
    start, end = span
    pieces = []
    while (cut := text.find(BLOCK_SEPARATOR, start, end)) >= 0:
        pieces.append((start, cut))
        start = cut + len(BLOCK_SEPARATOR)
    pieces.append((start, end))
    return [(left, right) for left, right in pieces if left < right]


def article_html(article: Article, quotes: list[Quote], numbers: dict[int, int], site_language: str,
                 words: Interface) -> Markup:
    """The article text with every quoted passage highlighted and followed by its markers."""
    links = urls.Links(urls.article_path(article), base_url="/")
    passages = [
        Passage(
            start=passage.start,
            end=passage.end,
            attrs={"class": f"hl hl-{passage.stance}"},
            anchors=tuple((quote.mention.spans[0][0], quote.anchor) for quote in passage.quotes
                          if passage.start <= quote.mention.spans[0][0] < passage.end),
            after=markers(passage.ending, numbers, links, article.language, site_language, words),
        )
        for passage in quoted_passages(quotes, article.document.text)
    ]
    return Markup(serialise_children(highlight(article.document.root, passages)).strip())


def markers(quotes: tuple[Quote, ...], numbers: dict[int, int], links: urls.Links,
            article_language: str | None, site_language: str, words: Interface) -> etree.Element | None:
    """The markers after a passage: for each quote ending there, its number,
    its stance (icon and word) and its claim's statement, linking to the
    quote on the claim's page. In the site's language, even inside an
    article in another (and its direction: an English marker in a Dari text)."""
    if not quotes:
        return None
    group = etree.Element("span", {"class": "hl-markers", "data-pagefind-ignore": "all"})
    if article_language and not same_language(article_language, site_language):
        group.set("lang", site_language)
        group.set("dir", text_direction(site_language))
    for quote in sorted(quotes, key=lambda q: numbers[id(q)]):
        group.append(marker(quote, numbers[id(quote)], links.mention(quote), words))
    return group


def marker(quote: Quote, number: int, href: str, words: Interface) -> etree.Element:
    link = etree.Element("a", {"class": f"hl-marker hl-marker-{quote.stance}", "href": href})
    number_box = etree.SubElement(link, "span", {"class": "hl-marker-number"})
    hidden = etree.SubElement(number_box, "span", {"class": "visually-hidden"})
    hidden.text = words.gettext("Annotation") + " "
    hidden.tail = words.format_number(number)
    number_box.tail = "\u00a0"  # a no-break space: the number never ends a line apart from its stance
    stance = etree.SubElement(link, "span", {"class": "hl-marker-stance"})
    icon = etree.SubElement(stance, "span", {"aria-hidden": "true"})
    icon.text = STANCE_ICONS[quote.stance]
    icon.tail = f" {words.gettext(STANCE_LABELS[quote.stance])}"
    stance.tail = ": "
    claim = etree.SubElement(link, "span", {"class": "hl-marker-claim"})
    claim.text = quote.claim.statement
    return link


@dataclass(frozen=True)
class ClaimInArticle:
    """One claim an article is annotated for, and how its statements there stand on it."""

    claim: Claim
    counts: tuple[tuple[str, int], ...]  # (stance, statements), in STANCES order, zeros left out
    quotes: tuple[Quote, ...]  # its statements in this article, in reading order

    @property
    def statements(self) -> int:
        return sum(count for _, count in self.counts)


def claims_in_article(quotes: list[Quote]) -> list[ClaimInArticle]:
    """Per claim, in order of first appearance: how many statements in this
    article take each stance on it. Stances on different claims are never
    added together ("Supports 11" across unrelated claims says nothing)."""
    by_claim: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_claim.setdefault(quote.claim.id, []).append(quote)
    return [
        ClaimInArticle(
            claim=said[0].claim,
            counts=tuple((s, n) for s in STANCES if (n := sum(1 for q in said if q.stance == s))),
            quotes=tuple(said),
        )
        for said in by_claim.values()
    ]
