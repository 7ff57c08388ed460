"""``data/annotations.jsonld``: one W3C Web Annotation per quote.

W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/).
Selectors count in the article's published text file, so each target's
``source`` is that file; the article page (whose HTML adds navigation and
highlight labels, so positions in it would differ) and the original
article are its ``scope``: where the same passage is read in context.
An elided quote ("A … B") is one annotation with one target per quoted
part, in reading order: several selectors on one target would, by the
model, be alternative descriptions of the same passage. The other open-data
files are ``opendata.py``'s.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ..core.model import Article, Graph, Quote, SiteConfig
from ..core.translations import Interface
from ..core.wording import STANCE_VERBS
from . import urls
from .base import DataFile, PageSources, Part, composed, piece_path
from .opendata_format import (
    JsonItems, article_text_path, quotes_by_article_in_order, mention_id, text_language, to_json_parts,
)

ANNOTATIONS_JSONLD = "data/annotations.jsonld"
ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Characters of context on each side of a quote in a TextQuoteSelector, as
# Hypothesis records them: enough to tell repeated passages apart.
CONTEXT_CHARS = 32


def annotations_file(graph: Graph, sources: PageSources, words: Interface) -> DataFile:
    """The text around each quote, from every article's text."""
    return composed(ANNOTATIONS_JSONLD, partial(annotations_jsonld, graph, sources, words))


def annotations_jsonld(graph: Graph, sources: PageSources, words: Interface) -> list[Part]:
    return to_json_parts(annotation_collection(graph, sources, words))


def annotation_collection(graph: Graph, sources: PageSources, words: Interface) -> dict[str, Any]:
    """The collection; its items are one piece per article, made only when the piece is."""
    collection_id = urls.canonical_url(graph.config.base_url, ANNOTATIONS_JSONLD)
    items = JsonItems([
        (piece_path(ANNOTATIONS_JSONLD, mention_id(quotes[0])), sources[urls.article_path(quotes[0].article)],
         partial(lambda quotes: [annotation(graph, quote, words) for quote in quotes], quotes),
         frozenset({quotes[0].article.path}))  # the text around each quote
        for quotes in quotes_by_article_in_order(graph)
    ])
    collection: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": words.gettext("Annotated quotes · %(site)s") % {"site": graph.config.title},
        "total": len(graph.quotes),
    }
    if graph.config.licence:  # the model's word for a licence is "rights", an IRI
        collection["rights"] = graph.config.licence.url
    if graph.quotes:  # the model requires a first page only when there are annotations
        collection["first"] = {
            "id": f"{collection_id}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        }
    return collection


def annotation(graph: Graph, quote: Quote, words: Interface) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{urls.canonical_url(graph.config.base_url, ANNOTATIONS_JSONLD)}#{mention_id(quote)}",
        "type": "Annotation",
        "motivation": "classifying",
        "creator": annotation_creator(graph.config),
    }
    if graph.config.licence:  # on each annotation too: the model defines rights there, and records travel alone
        record["rights"] = graph.config.licence.url
    return {
        **record,
        "body": [
            {"type": "TextualBody", "purpose": "classifying", "value": quote.stance, "format": "text/plain"},
            {"type": "SpecificResource", "purpose": "linking",
             "source": urls.canonical_url(graph.config.base_url, urls.claim_path(quote.claim))},
            {"type": "TextualBody", "purpose": "describing", "value": describe(quote, words), "format": "text/plain",
             "language": graph.config.language},
            *translation_body(graph, quote),
        ],
        "target": [target(graph, quote.article, start, end) for start, end in quote.mention.spans],
    }


def translation_body(graph: Graph, quote: Quote) -> list[dict[str, Any]]:
    """The editors' translation of the quote, in the site's language, when it has one.
    The model has no purpose for a translation; "describing" is the nearest
    ("a description of the target"), and ``language`` tells it from the
    original, which the targets' selectors hold."""
    if quote.translation is None:
        return []
    return [{"type": "TextualBody", "purpose": "describing", "value": quote.translation, "format": "text/plain",
             "language": graph.config.language}]


def annotation_creator(config: SiteConfig) -> dict[str, Any]:
    """Who made the annotations: site.yaml's publisher when it names one (with
    its address, when given), else the site itself at its address."""
    if config.publisher:
        creator = {"type": "Organization", "name": config.publisher.name}
        if config.publisher.url:
            creator["homepage"] = config.publisher.url
        return creator
    return {"type": "Organization", "name": config.title, "homepage": urls.with_trailing_slash(config.base_url)}


def describe(quote: Quote, words: Interface) -> str:
    """One sentence a generic annotation viewer can show, in the site's language."""
    values = {"speaker": quote.speaker_name, "verb": words.gettext(STANCE_VERBS[quote.stance]),
              "claim": quote.claim.statement, "via": quote.via.name if quote.via else ""}
    if quote.via:
        return words.gettext("%(speaker)s (relayed through %(via)s) %(verb)s the claim: %(claim)s") % values
    return words.gettext("%(speaker)s %(verb)s the claim: %(claim)s") % values


def target(graph: Graph, article: Article, start: int, end: int) -> dict[str, Any]:
    scope = [urls.canonical_url(graph.config.base_url, urls.article_path(article))]
    if article.url:
        scope.append(article.url)
    return {
        "type": "SpecificResource",
        "source": urls.canonical_url(graph.config.base_url, article_text_path(article)),
        "language": text_language(graph, article),
        "scope": scope,
        "selector": [
            text_quote_selector(article.document.text, start, end),
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def text_quote_selector(text: str, start: int, end: int) -> dict[str, str]:
    """exact, with up to CONTEXT_CHARS characters either side; a prefix or
    suffix that would be empty (at the start or end of the text) is left out."""
    selector = {"type": "TextQuoteSelector", "exact": text[start:end]}
    prefix, suffix = text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector
