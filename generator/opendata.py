"""Open data: the site's record as files anyone can reuse, and the page documenting them.

==========================  ===================================================
``data/claims.json``        every claim: verdict, tallies, figures, mentions
``data/mentions.csv``       one row per mention (an annotated quote)
``data/matrix.csv``         the comparison index: claims × outlets, stance counts
``data/annotations.jsonld`` one W3C Web Annotation per quote
``data/articles/<id>.txt``  the article text the annotations' selectors count in
``about/data/``             what each file holds (rendered from this module's tables)
==========================  ===================================================

Everything is a pure function of the graph and the analysis, written with a
fixed key and row order and no timestamps, so rebuilds are byte-identical.
The column tables below are the documentation too: the about page renders
them, so it cannot drift from what the files hold.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass
from functools import partial
from collections.abc import Iterator
from typing import Any

from . import urls
from .analyse import Analysis, ClaimAnalysis
from .model import STANCES, Actor, Article, Graph, Licence, Quote
from .render import EVERYTHING, DataFile, Output, Page
from .wording import STANCE_VERBS

# Bump when a field is renamed, removed or changes meaning; adding a field
# does not change the version (consumers should ignore keys they don't know).
SCHEMA_VERSION = 1

CLAIMS_JSON = "data/claims.json"
MENTIONS_CSV = "data/mentions.csv"
MATRIX_CSV = "data/matrix.csv"
ANNOTATIONS_JSONLD = "data/annotations.jsonld"
ABOUT_PAGE = urls.page_path("about/data")

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Characters of context on each side of a quote in a TextQuoteSelector, as
# Hypothesis records them: enough to tell repeated passages apart.
CONTEXT_CHARS = 32
# RFC 4180 line endings; csv.writer's default, stated here so it is a decision.
CSV_LINE_END = "\r\n"



@dataclass(frozen=True)
class Column:
    name: str
    description: str


MENTION_COLUMNS = (
    Column("mention_id", "“article id/anchor”: the same id as in claims.json and annotations.jsonld."),
    Column("claim_id", "The claim the quote is about."),
    Column("stance", "supports, disputes or neutral (pages say “Asserts”, “Disputes”, “Neutral”)."),
    Column("actor_id", "Who said it; empty when the outlet speaks in its own voice."),
    Column("actor_name", "The actor’s name; empty with actor_id."),
    Column("outlet_id", "The outlet that published the article."),
    Column("outlet_name", "The outlet’s name."),
    Column("article_id", "The article the quote is in."),
    Column("article_title", "The article’s title."),
    Column("published", "The article’s date as the source gives it: YYYY-MM-DD, YYYY-MM or YYYY; empty when not stated."),
    Column("via_type", "actor or outlet when the statement was relayed through someone; else empty."),
    Column("via_id", "Whom the statement was relayed through."),
    Column("via_name", "Their name."),
    Column("value", "The figure the quote gives, for claims about a quantity; else empty."),
    Column("unit", "What the claim’s figures count (e.g. “fighters”); else empty."),
    Column("quote", "The quote as the editors recorded it; “…” marks elided text."),
    Column("note", "The editors’ note on the mention; else empty."),
    Column("url", "The highlighted passage in this site’s copy of the article (absolute URL)."),
    Column("original_url", "The article at its original address, when known; else empty."),
)

MATRIX_FIXED_COLUMNS = (
    Column("claim_id", "The claim; rows are in the order of the comparison page."),
    Column("statement", "The claim as the editors worded it."),
    Column("verdict", "The verdict id; empty when not yet rated."),
    Column("contested", "true when at least one quote asserts and one disputes the claim."),
    Column("figures_differ", "true when sources give different figures."),
)
MATRIX_OUTLET_COLUMN = Column(
    "<outlet id>:<stance>",
    "For each outlet (in the order of the comparison page) and each stance (supports, disputes, "
    "neutral): how many quotes in that outlet’s articles take that stance on the claim. 0 in all "
    "three: the outlet does not report the claim.",
)


def plan(graph: Graph, analysis: Analysis) -> list[Output]:
    """The open-data files and their documentation page.

    The site-wide files show every content file, so their sources are
    EVERYTHING; an article's text depends on that article alone.
    """
    outputs: list[Output] = [
        Page(ABOUT_PAGE, "about_data.html", "about", EVERYTHING, partial(about_context, graph)),
        DataFile(CLAIMS_JSON, EVERYTHING, partial(claims_json, graph, analysis)),
        DataFile(MENTIONS_CSV, EVERYTHING, partial(mentions_csv, graph)),
        DataFile(MATRIX_CSV, EVERYTHING, partial(matrix_csv, analysis)),
        DataFile(ANNOTATIONS_JSONLD, EVERYTHING, partial(annotations_jsonld, graph)),
    ]
    outputs += [
        DataFile(article_text_path(article), frozenset({article.path}), partial(article_text, article))
        for article in graph.articles.values()
    ]
    return outputs


# --- identifiers and addresses ------------------------------------------------


def article_text_path(article: Article) -> str:
    return f"data/articles/{article.id}.txt"


def mention_id(quote: Quote) -> str:
    """Unique across the site: anchors are unique within an article, and
    neither ids nor anchors contain "/"."""
    return f"{quote.article.id}/{quote.mention.anchor}"


def absolute(graph: Graph, path: str) -> str:
    """The absolute URL of an output path, as in the pages' canonical links."""
    return urls.Links(path, graph.config.base_url).canonical()


def passage_url(graph: Graph, quote: Quote) -> str:
    return f"{absolute(graph, urls.article_path(quote.article))}#{quote.mention.anchor}"


def via_type(quote: Quote) -> str | None:
    if quote.via is None:
        return None
    return "actor" if isinstance(quote.via, Actor) else "outlet"


# --- the article text ----------------------------------------------------------


def article_text(article: Article) -> bytes:
    """Exactly the text the selectors count in: no newline is added, so the
    file's length in code points is the text's."""
    return article.document.text.encode("utf-8")


# --- claims.json ----------------------------------------------------------------


def claims_json(graph: Graph, analysis: Analysis) -> bytes:
    return to_json(claims_document(graph, analysis))


def to_json(data: Any, depth: int = 3) -> bytes:
    """A JSON file: UTF-8, one trailing newline, the same bytes every build.

    The outer ``depth`` levels are laid out one member per line, indented,
    so a reader can find a record; what lies deeper is written on one line.
    Python's ``indent=`` would lay out every level, but it also switches
    ``json`` to its pure-Python encoder: at 10,000 articles that made the
    data files cost seconds of a build.

    A generator among the outer ``depth`` levels of ``data`` is written as
    an array, each record serialised as it is made: the 50,000 annotations
    of a 10,000-article site held as dicts all at once took 600 MB of one
    worker. And the text is encoded piece by piece: joined into one string
    first, with its copies at each level (two or four bytes a character
    once any character is not ASCII), the same file took 380 MB to write.
    """
    pieces = itertools.chain(json_pieces(data, depth, ""), ["\n"])
    return b"".join(piece.encode("utf-8") for piece in pieces)


def json_pieces(value: Any, depth: int, indent: str) -> Iterator[str]:
    """The text of :func:`to_json`, in pieces of at most one record each."""
    streamed = isinstance(value, Iterator)  # an array whose items are made as they are written
    if not streamed and (depth == 0 or not isinstance(value, (dict, list)) or not value):
        yield json.dumps(value, ensure_ascii=False)
        return
    inner = indent + "  "
    if isinstance(value, dict):
        before = "{"
        for key, item in value.items():
            yield f"{before}\n{inner}{json.dumps(key, ensure_ascii=False)}: "
            yield from json_pieces(item, depth - 1, inner)
            before = ","
        yield f"\n{indent}}}"
        return
    if depth == 0:  # only a streamed array gets here
        before = ""
        yield "["
        for item in value:
            yield before + json.dumps(item, ensure_ascii=False)
            before = ", "
        yield "]"
        return
    before = "["
    for item in value:
        yield f"{before}\n{inner}"
        yield from json_pieces(item, depth - 1, inner)
        before = ","
    yield "[]" if before == "[" else f"\n{indent}]"


def claims_document(graph: Graph, analysis: Analysis) -> dict[str, Any]:
    config = graph.config
    return {
        "version": SCHEMA_VERSION,
        "site": {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "url": urls.with_trailing_slash(config.base_url),
            "documentation": absolute(graph, ABOUT_PAGE),
            "licence": licence_record(config.licence),
        },
        "verdicts": [
            {"id": v.id, "label": v.label, "description": v.description, "rank": v.rank}
            for v in config.verdicts
        ],
        # Generators: each record is made as to_json writes it (see to_json).
        "claims": (claim_record(graph, item) for item in sorted(analysis.claims.values(), key=lambda c: c.claim.id)),
        "articles": (article_record(graph, article) for article in graph.articles.values()),
        "actors": [
            {
                "id": actor.id, "name": actor.name, "kind": actor.kind, "role": actor.role,
                "affiliation": actor.affiliation_id, "url": absolute(graph, urls.actor_path(actor)),
            }
            for actor in graph.actors.values()
        ],
        "outlets": [
            {
                "id": outlet.id, "name": outlet.name, "country": outlet.country, "owner": outlet.owner,
                "website": outlet.url, "url": absolute(graph, urls.outlet_path(outlet)),
            }
            for outlet in graph.outlets.values()
        ],
    }


def licence_record(licence: Licence | None) -> dict[str, Any] | None:
    """The site's licence: its SPDX id (null for a licence given by URL alone)
    and its address; null when site.yaml states none, and nothing is assumed."""
    return {"spdx": licence.spdx, "url": licence.url} if licence else None


def claim_record(graph: Graph, item: ClaimAnalysis) -> dict[str, Any]:
    claim, verdict = item.claim, item.verdict
    return {
        "id": claim.id,
        "url": absolute(graph, urls.claim_path(claim)),
        "statement": claim.statement,
        "verdict": {"id": verdict.id, "label": verdict.label, "rank": verdict.rank} if verdict else None,
        "not_rated": claim.not_rated,
        "summary": claim.summary,
        "reviewed": claim.reviewed.isoformat() if claim.reviewed else None,
        "unit": claim.unit,
        "draft": claim.draft,
        "contested": item.contested,
        "figures_differ": item.figures_differ,
        "counts": {
            "mentions": dict(item.mention_counts),
            "sources": dict(item.source_counts),
        },
        "figures": [{"value": f.value, "mentions": [mention_id(q) for q in f.quotes]} for f in item.figures],
        "outlets": [outlet.id for outlet in item.outlets],
        "mentions": [mention_record(graph, quote) for quote in item.quotes],
    }


def mention_record(graph: Graph, quote: Quote) -> dict[str, Any]:
    return {
        "id": mention_id(quote),
        "stance": quote.stance,
        "article": quote.article.id,
        "outlet": quote.outlet.id,
        "actor": quote.actor.id if quote.actor else None,
        "via_type": via_type(quote),
        "via": quote.via.id if quote.via else None,
        "value": quote.value,
        "quote": quote.text,
        "note": quote.mention.note,
        "url": passage_url(graph, quote),
    }


def article_record(graph: Graph, article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet_id,
        "published": article.published.iso() if article.published else None,
        "author": article.author,
        "draft": article.draft,
        "url": absolute(graph, urls.article_path(article)),
        "original_url": article.url,
        "text": absolute(graph, article_text_path(article)),
    }


# --- mentions.csv and matrix.csv ----------------------------------------------------


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """RFC 4180: UTF-8 without a byte-order mark, CRLF line ends, a header row,
    fields quoted only when they must be; no field a spreadsheet would run."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=CSV_LINE_END)
    writer.writerow(header)
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


# A spreadsheet opening a CSV file runs a cell that starts with one of these
# as a formula: a quote reading "=HYPERLINK(…)" would become a live link, and
# worse. OWASP's advice ("CSV Injection"): start such a cell with an
# apostrophe, which spreadsheets read as "this is text" and do not show.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?")


def inert(cell: str) -> str:
    """``cell`` as a spreadsheet will show it but never run it. A plain number
    such as "-12" is left as it is: it is read as a number, not a formula."""
    if cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def number_text(value: float | int | None) -> str:
    """12 → "12", 12.0 → "12", 2.5 → "2.5" (shortest exact form), None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def mentions_csv(graph: Graph) -> bytes:
    rows = [mention_row(graph, quote) for quote in graph.quotes]
    return to_csv([c.name for c in MENTION_COLUMNS], rows)


def mention_row(graph: Graph, quote: Quote) -> list[str]:
    article = quote.article
    fields = {
        "mention_id": mention_id(quote),
        "claim_id": quote.claim.id,
        "stance": quote.stance,
        "actor_id": quote.actor.id if quote.actor else "",
        "actor_name": quote.actor.name if quote.actor else "",
        "outlet_id": quote.outlet.id,
        "outlet_name": quote.outlet.name,
        "article_id": article.id,
        "article_title": article.title,
        "published": article.published.iso() if article.published else "",
        "via_type": via_type(quote) or "",
        "via_id": quote.via.id if quote.via else "",
        "via_name": quote.via.name if quote.via else "",
        "value": number_text(quote.value),
        "unit": quote.claim.unit or "",
        "quote": quote.text,
        "note": quote.mention.note or "",
        "url": passage_url(graph, quote),
        "original_url": article.url or "",
    }
    return [fields[column.name] for column in MENTION_COLUMNS]


def matrix_csv(analysis: Analysis) -> bytes:
    """Three integer columns per outlet rather than one "supports:2;…" cell:
    every cell is a number a spreadsheet can sum without parsing."""
    matrix = analysis.matrix
    header = [c.name for c in MATRIX_FIXED_COLUMNS]
    header += [f"{outlet.id}:{stance}" for outlet in matrix.outlets for stance in STANCES]
    rows = []
    for row in matrix.rows:
        item = row.claim
        cells = [
            item.claim.id,
            item.claim.statement,
            item.verdict.id if item.verdict else "",
            boolean_text(item.contested),
            boolean_text(item.figures_differ),
        ]
        cells += [str(cell.counts[stance]) for cell in row.cells for stance in STANCES]
        rows.append(cells)
    return to_csv(header, rows)


def boolean_text(value: bool) -> str:
    return "true" if value else "false"


# --- annotations.jsonld ------------------------------------------------------------
#
# W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/).
# Selectors count in the article's published text file, so each target's
# ``source`` is that file; the article page (whose HTML adds navigation and
# highlight labels, so positions in it would differ) and the original
# article are its ``scope``: where the same passage is read in context.
# An elided quote ("A … B") is one annotation with one target per quoted
# part, in reading order: several selectors on one target would, by the
# model, be alternative descriptions of the same passage.


def annotations_jsonld(graph: Graph) -> bytes:
    return to_json(annotation_collection(graph))


def annotation_collection(graph: Graph) -> dict[str, Any]:
    """The collection; its items are a generator, made as ``to_json`` writes them."""
    collection_id = absolute(graph, ANNOTATIONS_JSONLD)
    items = (annotation(graph, quote) for quote in graph.quotes)
    collection: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Annotated quotes · {graph.config.title}",
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


def annotation(graph: Graph, quote: Quote) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{absolute(graph, ANNOTATIONS_JSONLD)}#{mention_id(quote)}",
        "type": "Annotation",
        "motivation": "classifying",
        "creator": {
            "type": "Organization",
            "name": graph.config.title,
            "homepage": urls.with_trailing_slash(graph.config.base_url),
        },
    }
    if graph.config.licence:  # on each annotation too: the model defines rights there, and records travel alone
        record["rights"] = graph.config.licence.url
    return {
        **record,
        "body": [
            {"type": "TextualBody", "purpose": "classifying", "value": quote.stance, "format": "text/plain"},
            {"type": "SpecificResource", "purpose": "linking", "source": absolute(graph, urls.claim_path(quote.claim))},
            {"type": "TextualBody", "purpose": "describing", "value": describe(quote), "format": "text/plain"},
        ],
        "target": [target(graph, quote.article, start, end) for start, end in quote.mention.spans],
    }


def describe(quote: Quote) -> str:
    """One sentence a generic annotation viewer can show."""
    relayed = f" (relayed through {quote.via.name})" if quote.via else ""
    return f"{quote.speaker_name}{relayed} {STANCE_VERBS[quote.stance]} the claim: {quote.claim.statement}"


def target(graph: Graph, article: Article, start: int, end: int) -> dict[str, Any]:
    scope = [absolute(graph, urls.article_path(article))]
    if article.url:
        scope.append(article.url)
    return {
        "type": "SpecificResource",
        "source": absolute(graph, article_text_path(article)),
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


# --- the documentation page ------------------------------------------------------------


def about_context(graph: Graph) -> dict[str, Any]:
    example = annotation(graph, graph.quotes[0]) if graph.quotes else None
    return {
        "files": {
            "claims": CLAIMS_JSON,
            "mentions": MENTIONS_CSV,
            "matrix": MATRIX_CSV,
            "annotations": ANNOTATIONS_JSONLD,
        },
        "schema_version": SCHEMA_VERSION,
        "context_chars": CONTEXT_CHARS,
        "mention_columns": MENTION_COLUMNS,
        "matrix_columns": (*MATRIX_FIXED_COLUMNS, MATRIX_OUTLET_COLUMN),
        "texts": [(article, article_text_path(article)) for article in graph.articles.values()],
        "counts": {"claims": len(graph.claims), "mentions": len(graph.quotes)},
        "example": json.dumps(example, ensure_ascii=False, indent=2) if example else None,
    }
