"""Open data: the site's record as files anyone can reuse, and the page documenting them.

==========================  ===================================================
``data/claims.json``        every claim: verdict, tallies, figures, mentions
``data/mentions.csv``       one row per mention (an annotated quote)
``data/matrix.csv``         the comparison index: each origin's position on each claim
``data/annotations.jsonld`` one W3C Web Annotation per quote (``webannotations.py``)
``data/articles/<id>.txt``  the article text the annotations' selectors count in
``about/data/``             what each file holds (rendered from this module's tables)
==========================  ===================================================

Everything is a pure function of the graph and the analysis, written with a
fixed key and row order and no timestamps, so rebuilds are byte-identical.
The CSV files are made in ``opendata_csv.py``, whose column tables are the
documentation too: the about page renders them, so it cannot drift from
what the files hold.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from ..core.model import Article, Graph, Licence, Publisher, Quote
from ..core.translations import Interface
from ..stages.analyse import Analysis, ClaimAnalysis
from ..stages.tallies import Tally
from . import opendata_csv, urls, webannotations
from .opendata_csv import MATRIX_CSV, MENTIONS_CSV
from .opendata_terms import DATA_TERMS
from .webannotations import ANNOTATIONS_JSONLD, CONTEXT_CHARS
from .base import (
    EVERYTHING, NO_TEXT, DataFile, Output, Page, PageSources, Part, composed, page_sources, piece_path, stable_hash,
)
from .opendata_format import (
    JsonItems, article_text_path, mention_id, passage_url, record_ref, text_language,
    to_json_parts, translation_language, via_type, voice_ref,
)

# Bump when a field is renamed, removed or changes meaning; adding a field
# does not change the version (consumers should ignore keys they don't know).
# 2: per stance, "stances" (independent origins, speakers, statements)
# replaces "counts"; figures say who gives them and whose they are.
SCHEMA_VERSION = 2

CLAIMS_JSON = "data/claims.json"
ABOUT_PAGE = urls.page_path("about/data")

ARTICLES_PER_PIECE = 100  # claims.json's article records to a piece


def plan(graph: Graph, analysis: Analysis, pages: list[Output], words: Interface) -> list[Output]:
    """The open-data files and their documentation page.

    The site-wide files show every content file, so their sources are
    EVERYTHING; an article's text depends on that article alone. The big
    ones are made of pieces (``base.composed``), one per claim or per
    article, each with the sources of what it shows, so that after an edit
    only the pieces it touched are made again: at 10,000 articles these
    files were about 6 s of a 17.7 s build after one article changed.
    A claim's piece has the sources of the claim's page, an article's those
    of the article's page (``pages``, the site map planned so far): each
    page shows all that the piece does, and its sources are worked out once.
    """
    sources = page_sources(pages)
    outputs: list[Output] = [
        about_page(graph, words),
        composed(CLAIMS_JSON, partial(claims_json, graph, analysis, sources), NO_TEXT),
        composed(MENTIONS_CSV, partial(opendata_csv.mentions_csv, graph, sources), NO_TEXT),
        composed(MATRIX_CSV, partial(opendata_csv.matrix_csv, analysis, sources), NO_TEXT),
        webannotations.annotations_file(graph, sources, words),
    ]
    outputs += [article_text_file(article) for article in graph.articles.values()]
    return outputs


# The outputs that show articles' text (textplan.py plans them again after a text edit);
# the annotations file is another (webannotations.annotations_file).


def about_page(graph: Graph, words: Interface) -> Page:
    # Its example annotation quotes the text around the first quote: the
    # one article's text it shows, so an edit of any other's renders it not.
    return Page(ABOUT_PAGE, "about_data.html", "about", EVERYTHING, partial(about_context, graph, words),
                text_sources=frozenset({graph.quotes[0].article.path}) if graph.quotes else NO_TEXT)


def article_text_file(article: Article) -> DataFile:
    return DataFile(article_text_path(article), frozenset({article.path}), partial(article_text, article))


# --- the article text ----------------------------------------------------------


def article_text(article: Article) -> bytes:
    """Exactly the text the selectors count in: no newline is added, so the
    file's length in code points is the text's."""
    return article.document.text.encode("utf-8")


# --- claims.json ----------------------------------------------------------------


def claims_json(graph: Graph, analysis: Analysis, sources: PageSources) -> list[Part]:
    return to_json_parts(claims_document(graph, analysis, sources))


def claims_document(graph: Graph, analysis: Analysis, sources: PageSources) -> dict[str, Any]:
    config = graph.config
    return {
        "version": SCHEMA_VERSION,
        "site": {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "url": urls.with_trailing_slash(config.base_url),
            "documentation": urls.canonical_url(config.base_url, ABOUT_PAGE),
            "publisher": publisher_record(config.publisher),
            "licence": licence_record(config.licence),
        },
        "verdicts": [
            {"id": v.id, "label": v.label, "description": v.description, "rank": v.rank}
            for v in config.verdicts
        ],
        # One piece per claim, its record made only when the piece is. The
        # articles' records in pieces of ARTICLES_PER_PIECE: at 10,000
        # articles, one piece each cost more to key than to make (claims.json
        # took 1.75 s of CPU from 12,000 pieces), and all made again after
        # every edit 0.42 s of serve's 3.7 s after a stance was changed.
        "claims": JsonItems([
            (piece_path(CLAIMS_JSON, f"claims/{item.claim.id}"), sources[urls.claim_path(item.claim)],
             partial(lambda item: [claim_record(graph, item)], item), NO_TEXT)
            for item in sorted(analysis.claims.values(), key=lambda c: c.claim.id)
        ]),
        "articles": JsonItems([
            (piece_path(CLAIMS_JSON, f"articles/{run[0].id}"), frozenset(article.path for article in run),
             partial(lambda run: [article_record(graph, article) for article in run], run), NO_TEXT)
            for run in runs_of(list(graph.articles.values()), ARTICLES_PER_PIECE)
        ]),
        "actors": [
            {
                "id": actor.id, "name": actor.name, "kind": actor.kind, "role": actor.role,
                "affiliation": actor.affiliation_id, "party": actor.party,
                "origin": graph.chains[actor.id][-1].id,
                "url": urls.canonical_url(config.base_url, urls.actor_path(actor)),
            }
            for actor in graph.actors.values()
        ],
        "outlets": [
            {
                "id": outlet.id, "name": outlet.name, "country": outlet.country, "owner": outlet.owner,
                "website": outlet.url, "url": urls.canonical_url(config.base_url, urls.outlet_path(outlet)),
            }
            for outlet in graph.outlets.values()
        ],
    }


def publisher_record(publisher: Publisher | None) -> dict[str, Any] | None:
    """Who publishes the site, as site.yaml states it (``url`` null when it
    gives none); null when it names no publisher: the files assume none."""
    return {"name": publisher.name, "url": publisher.url} if publisher else None


def licence_record(licence: Licence | None) -> dict[str, Any] | None:
    """The site's licence: its SPDX id (null for a licence given by URL alone)
    and its address; null when site.yaml states none, and nothing is assumed."""
    return {"spdx": licence.spdx, "url": licence.url} if licence else None


def claim_record(graph: Graph, item: ClaimAnalysis) -> dict[str, Any]:
    claim, verdict = item.claim, item.verdict
    return {
        "id": claim.id,
        "url": urls.canonical_url(graph.config.base_url, urls.claim_path(claim)),
        "statement": claim.statement,
        "verdict": {"id": verdict.id, "label": verdict.label, "rank": verdict.rank} if verdict else None,
        "not_rated": claim.not_rated,
        "summary": claim.summary,
        "reviewed": claim.reviewed.isoformat() if claim.reviewed else None,
        "unit": claim.unit,
        "draft": claim.draft,
        "contested": item.contested,
        "figures_differ": item.figures_differ,
        "stances": {stance: stance_record(tally) for stance, tally in item.tallies.items()},
        "figures": [
            {"value": f.value, "unit": f.unit, "given_by": [figure_giver(q) for q in f.quotes]} for f in item.figures
        ],
        "outlets": [outlet.id for outlet in item.outlets],
        "mentions": [mention_record(graph, quote) for quote in item.quotes],
    }


def stance_record(tally: Tally) -> dict[str, Any]:
    """Who takes one stance: the independent origins, then how many speakers and statements."""
    return {
        "origins": [voice_ref(origin) for origin in tally.origins],
        "speakers": tally.speakers,
        "statements": tally.statements,
    }


def figure_giver(quote: Quote) -> dict[str, Any]:
    """One statement giving a figure: whose statement, and whose figure (null: the speaker's own)."""
    return {
        "mention": mention_id(quote),
        "speaker": voice_ref(quote.speaker),
        "stance": quote.stance,
        "attributed_to": record_ref(quote.value_attributed_to),
    }


def mention_record(graph: Graph, quote: Quote) -> dict[str, Any]:
    return {
        "id": mention_id(quote),
        "stance": quote.stance,
        "article": quote.article.id,
        "outlet": quote.outlet.id,
        "actor": quote.actor.id if quote.actor else None,
        "origin": voice_ref(quote.origin),
        "via_type": via_type(quote),
        "via": quote.via.id if quote.via else None,
        "value": quote.value,
        "unit": quote.unit if quote.value is not None else None,
        "value_attributed_to": record_ref(quote.value_attributed_to),
        "quote": quote.text,
        "quote_language": text_language(graph, quote.article),
        "translation": quote.translation,
        "translation_language": translation_language(graph, quote),
        "note": quote.mention.note,
        "url": passage_url(graph, quote),
    }


def runs_of(articles: list[Article], size: int) -> list[list[Article]]:
    """``articles`` in consecutive runs of ``size`` on average, each starting
    at an article whose id hashes to a multiple of ``size`` (or the first):
    adding or removing an article changes its own run, not every run after
    it, as cutting every ``size`` articles did."""
    runs: list[list[Article]] = []
    for article in articles:
        if not runs or stable_hash(article.id) % size == 0:
            runs.append([])
        runs[-1].append(article)
    return runs


def article_record(graph: Graph, article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "title_by_editors": article.title_by_editors,
        "outlet": article.outlet_id,
        "published": article.published.iso() if article.published else None,
        "author": article.author,
        "language": text_language(graph, article),
        "draft": article.draft,
        "url": urls.canonical_url(graph.config.base_url, urls.article_path(article)),
        "original_url": article.url,
        "text": urls.canonical_url(graph.config.base_url, article_text_path(article)),
    }


# --- the documentation page ------------------------------------------------------------


def described(columns: tuple[opendata_csv.Column, ...], words: Interface) -> list[tuple[str, str]]:
    """(name, description in the site's language) of each column, for the page's tables."""
    return [(column.name, opendata_csv.column_description(column, words)) for column in columns]


def about_context(graph: Graph, words: Interface) -> dict[str, Any]:
    example = webannotations.annotation(graph, graph.quotes[0], words) if graph.quotes else None
    return {
        "files": {
            "claims": CLAIMS_JSON,
            "mentions": MENTIONS_CSV,
            "matrix": MATRIX_CSV,
            "annotations": ANNOTATIONS_JSONLD,
        },
        "schema_version": SCHEMA_VERSION,
        "context_chars": CONTEXT_CHARS,
        "mention_columns": described(opendata_csv.MENTION_COLUMNS, words),
        "matrix_columns": described(opendata_csv.MATRIX_COLUMNS, words),
        "terms": DATA_TERMS,
        "counts": {"claims": len(graph.claims), "mentions": len(graph.quotes)},
        "example": json.dumps(example, ensure_ascii=False, indent=2) if example else None,
    }
