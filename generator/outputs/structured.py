"""Structured data: schema.org ClaimReview for every rated claim.

Each rated claim page carries its review as JSON-LD (the markup search
engines and fact-check aggregators read), and ``/data/claimreview.json``
gathers every review into one schema.org ``DataFeed``, the form in which
fact-check aggregators ingest a publisher's reviews in bulk.

The numeric rating comes from the order of the verdict scale in
``site.yaml`` (best-supported first): with N verdicts, ``bestRating`` is N,
``worstRating`` is 1 and a verdict of rank r (0 for the first) is rated
N - r. The verdict's label goes in ``alternateName``, the field readers are
shown. When site.yaml states a ``licence``, every review and the feed carry
its address as ``license``; otherwise they say nothing about one.

Draft claims and draft articles never appear here, even in a ``--drafts``
preview: a review must not be announced before it is published.
"""

from __future__ import annotations

import datetime
import json
from functools import partial
from typing import Any

from markupsafe import Markup

from ..core.markup import is_web_url
from ..core.model import SUPPORTS, Actor, Article, Graph, SiteConfig, Verdict
from ..core.translations import Interface
from ..stages.analyse import Analysis, ClaimAnalysis
from ..stages.link import article_order
from . import urls
from .base import NO_TEXT, DataFile, Output, PageSources, composed, page_sources, piece_path
from .opendata_format import JsonItems, to_json_parts

CONTEXT = "https://schema.org"
FEED_PATH = "data/claimreview.json"


def is_reviewed(item: ClaimAnalysis) -> bool:
    """A claim gets a ClaimReview when it is rated and published."""
    return item.verdict is not None and not item.claim.draft


def latest_date(item: ClaimAnalysis) -> datetime.date | None:
    """The claim's latest editorial date: reviewed, or its newest update."""
    dates = [update.date for update in item.claim.updates]
    if item.claim.reviewed:
        dates.append(item.claim.reviewed)
    return max(dates, default=None)


# --- the parts of a review ----------------------------------------------------


def rating(verdict: Verdict, scale: tuple[Verdict, ...]) -> dict[str, Any]:
    """The verdict as a schema.org Rating: best = len(scale), worst = 1."""
    return {
        "@type": "Rating",
        "ratingValue": len(scale) - verdict.rank,
        "bestRating": len(scale),
        "worstRating": 1,
        "alternateName": verdict.label,
    }


def publisher(config: SiteConfig) -> dict[str, Any]:
    """The organisation publishing the reviews: ``publisher`` in site.yaml,
    else the site itself (its title, at its base URL). A publisher given
    without a url gets none: the site's address need not be the organisation's."""
    name = config.publisher.name if config.publisher else config.title
    url = config.publisher.url if config.publisher else config.base_url
    organisation: dict[str, Any] = {"@type": "Organization", "name": name}
    if is_web_url(url):  # a relative base_url ("/") is no address of the organisation
        organisation["url"] = url
    return organisation


def claimant(actor: Actor) -> dict[str, Any]:
    return {"@type": "Person" if actor.kind == "person" else "Organization", "name": actor.name}


def appearance(article: Article, graph: Graph) -> dict[str, Any]:
    """An article carrying the claim: the original when we know its address,
    else our copy of it."""
    work: dict[str, Any] = {
        "@type": "NewsArticle",
        "url": article.url or urls.canonical_url(graph.config.base_url, urls.article_path(article)),
    }
    if not article.title_by_editors:  # a title the editors wrote is no headline of the source's
        work["headline"] = article.title
    work["inLanguage"] = article.language or graph.config.language
    if article.published:
        # ISO 8601 allows the reduced precision of a partial date (2024-03, 2024).
        work["datePublished"] = article.published.iso()
    work["publisher"] = {"@type": "Organization", "name": graph.outlets[article.outlet_id].name}
    return work


def published_articles(item: ClaimAnalysis) -> list[Article]:
    """Every published article quoted on the claim, oldest first (undated last)."""
    seen = {q.article.id: q.article for q in item.quotes if not q.article.draft}
    return sorted(seen.values(), key=article_order)


def supporters(item: ClaimAnalysis) -> list[Actor]:
    """The distinct actors who support the claim: its authors, for schema.org."""
    actors = {q.actor.id: q.actor for q in item.quotes if q.actor and q.stance == SUPPORTS and not q.article.draft}
    return sorted(actors.values(), key=lambda a: (a.name.casefold(), a.id))


def claim_reviewed(item: ClaimAnalysis, graph: Graph) -> dict[str, Any]:
    """The claim as schema.org's ``Claim``: who makes it and where it appears."""
    claim: dict[str, Any] = {"@type": "Claim"}
    authors = supporters(item)
    if authors:
        claim["author"] = [claimant(actor) for actor in authors]
    articles = published_articles(item)
    if articles:
        claim["appearance"] = [appearance(article, graph) for article in articles]
    dated = [article for article in articles if article.published]
    if dated:  # article_order puts the oldest dated article first
        claim["firstAppearance"] = appearance(dated[0], graph)
    return claim


# --- a review, and all of them -------------------------------------------------


def claim_review(item: ClaimAnalysis, graph: Graph) -> dict[str, Any] | None:
    """The ClaimReview of one claim, or None when it has none (unrated or draft)."""
    if not is_reviewed(item):
        return None
    config = graph.config
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": urls.canonical_url(config.base_url, urls.claim_path(item.claim)),
        "claimReviewed": item.claim.statement,
        "author": publisher(config),
        "inLanguage": config.language,  # the review's words; each appearance names its own language
    }
    if config.licence:
        review["license"] = config.licence.url
    if item.claim.reviewed:
        review["datePublished"] = item.claim.reviewed.isoformat()
    review["reviewRating"] = rating(item.verdict, config.verdicts)
    review["itemReviewed"] = claim_reviewed(item, graph)
    return review


def data_feed(graph: Graph, analysis: Analysis, sources: PageSources, words: Interface) -> dict[str, Any]:
    """Every review as a schema.org DataFeed of DataFeedItems, one piece per
    review (``opendata_format.JsonItems``), made only when its piece is, with
    the sources of the claim's page (``sources``), which shows the same review.
    Its name is in the site's language (``words``), as the reviews are."""
    reviewed = [item for item in sorted(analysis.claims.values(), key=lambda c: c.claim.id) if is_reviewed(item)]
    feed: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "name": words.gettext("%(site)s: fact checks") % {"site": graph.config.title},
        "url": urls.canonical_url(graph.config.base_url, FEED_PATH),
        "publisher": publisher(graph.config),
    }
    if graph.config.licence:  # schema.org's license: a URL (a site without one states none)
        feed["license"] = graph.config.licence.url
    dates = [date for date in map(latest_date, reviewed) if date]
    if dates:  # a date from the content, never the build's clock: reviewed, or updated since
        feed["dateModified"] = max(dates).isoformat()
    feed["dataFeedElement"] = JsonItems([
        (piece_path(FEED_PATH, item.claim.id), sources[urls.claim_path(item.claim)],
         partial(lambda item: [feed_element(graph, item)], item), NO_TEXT)
        for item in reviewed
    ])
    return feed


def feed_element(graph: Graph, item: ClaimAnalysis) -> dict[str, Any]:
    """One rated, published claim's DataFeedItem."""
    review = claim_review(item, graph)
    del review["@context"]  # the feed's context covers its elements
    element: dict[str, Any] = {"@type": "DataFeedItem"}
    if item.claim.reviewed:
        element["dateCreated"] = item.claim.reviewed.isoformat()
    element["item"] = review
    return element


# --- serialising ---------------------------------------------------------------


# Characters that could end a <script> element or open an HTML comment inside
# it ("</script>", "<!--"), plus the line separators some JavaScript parsers
# reject. JSON allows each one written as a \\u escape, so the data is unchanged.
SCRIPT_ESCAPES = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)


def script_json(data: Any) -> Markup:
    """JSON safe to place between <script type="application/ld+json"> tags."""
    # On one line: Python's indent= would switch json to its slow pure-Python
    # encoder, for every claim page (see opendata_format.to_json).
    # str.replace, not str.translate: translate looks up every character one
    # by one in text beyond ASCII (as quotes.fold explains).
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in SCRIPT_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def claim_review_script(item: ClaimAnalysis, graph: Graph) -> Markup | None:
    """A claim page's JSON-LD, or None when the claim carries no review."""
    review = claim_review(item, graph)
    return script_json(review) if review is not None else None


def plan(graph: Graph, analysis: Analysis, pages: list[Output], words: Interface) -> list[DataFile]:
    """``/data/claimreview.json``: it summarises every claim, so every file is
    a source; its pieces have the sources of the claims' pages (``pages``)."""
    sources = page_sources(pages)
    return [composed(FEED_PATH, lambda: to_json_parts(data_feed(graph, analysis, sources, words)), NO_TEXT)]
