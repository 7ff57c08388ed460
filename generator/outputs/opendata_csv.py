"""The open data's CSV files: ``data/mentions.csv`` (one row per quote) and
``data/matrix.csv`` (the comparison index, one row per claim and origin).

The column tables are the documentation too: ``/about/data/`` renders them,
so the page cannot drift from what the files hold. Identifiers and
addresses are ``opendata_format.py``'s, the same in every file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import partial

from ..core.model import BOTH, DISPUTES, NEUTRAL, STANCES, SUPPORTS, Graph, Quote
from ..core.translations import N_, Interface
from ..core.wording import STANCE_LABELS
from ..stages.analyse import Analysis
from ..stages.comparison import OriginRow
from . import urls
from .base import NO_TEXT, PageSources, Part, Piece, fingerprint, piece_path
from .opendata_format import (
    mention_id, passage_url, quotes_by_article_in_order, record_type, text_language, translation_language, via_type,
)

MENTIONS_CSV = "data/mentions.csv"
MATRIX_CSV = "data/matrix.csv"
# RFC 4180 line endings; csv.writer's default, stated here so it is a decision.
CSV_LINE_END = "\r\n"


@dataclass(frozen=True)
class Column:
    name: str
    # An interface message (N_): /about/data/ shows it in the site's language.
    description: str
    # Placeholder → a field name or value of the files, the same in every language.
    terms: tuple[tuple[str, str], ...] = ()
    # Placeholder → an interface message, shown translated (the stance labels pages use).
    labels: tuple[tuple[str, str], ...] = ()


def column_description(column: Column, words: Interface) -> str:
    """The column's description in the site's language, its terms as they are."""
    values = dict(column.terms) | {key: words.gettext(label) for key, label in column.labels}
    return words.gettext(column.description) % values


TYPES = (("actor", "actor"), ("outlet", "outlet"))
STANCE_TERMS = ((SUPPORTS, SUPPORTS), (DISPUTES, DISPUTES), (NEUTRAL, NEUTRAL))

MENTION_COLUMNS = (
    Column("mention_id", N_("“article id/anchor”: the same id as in %(claims_json)s and %(annotations_jsonld)s."),
           (("claims_json", "claims.json"), ("annotations_jsonld", "annotations.jsonld"))),
    Column("claim_id", N_("The claim the quote is about.")),
    Column("stance", N_("%(supports)s, %(disputes)s or %(neutral)s (pages say “%(supports_label)s”, "
                        "“%(disputes_label)s”, “%(neutral_label)s”)."),
           STANCE_TERMS, tuple((f"{stance}_label", STANCE_LABELS[stance]) for stance in STANCES)),
    Column("actor_id", N_("Who said it; empty when the outlet speaks in its own voice.")),
    Column("actor_name", N_("The actor’s name; empty with %(actor_id)s."), (("actor_id", "actor_id"),)),
    Column("outlet_id", N_("The outlet that published the article.")),
    Column("outlet_name", N_("The outlet’s name.")),
    Column("article_id", N_("The article the quote is in.")),
    Column("article_title", N_("The article’s title.")),
    Column("article_title_by_editors", N_("%(true)s when the editors wrote the title, the source giving none."),
           (("true", "true"),)),
    Column("published", N_("The article’s date as the source gives it: YYYY-MM-DD, YYYY-MM or YYYY; "
                           "empty when not stated.")),
    Column("via_type", N_("%(actor)s or %(outlet)s when the statement was relayed through someone; else empty."), TYPES),
    Column("via_id", N_("Whom the statement was relayed through.")),
    Column("via_name", N_("Their name.")),
    Column("origin_type", N_("%(actor)s or %(outlet)s: the independent origin the statement is counted under. "
                             "An actor’s is its party (the top of its affiliation chain, or an organisation "
                             "marked as a party of its own); the outlet’s own voice is the outlet. Never the one "
                             "it was relayed through."), TYPES),
    Column("origin_id", N_("The origin’s id.")),
    Column("origin_name", N_("Its name.")),
    Column("value", N_("The figure the quote gives, for claims about a quantity; else empty.")),
    Column("value_attributed_to_type", N_("%(actor)s or %(outlet)s when the speaker gives the figure as someone "
                                          "else’s (“the media admitted 22”); empty when it is the speaker’s own."),
           TYPES),
    Column("value_attributed_to_id", N_("Whose figure it is.")),
    Column("value_attributed_to_name", N_("Their name.")),
    Column("unit", N_("What the figure counts (e.g. “fighters”): the claim’s unit, or the one the editors give "
                      "this quote’s figure when it counts something else; else empty.")),
    Column("quote", N_("The quote as the editors recorded it; “…” marks elided text.")),
    Column("quote_language", N_("The language the quote is in, its article’s (a BCP 47 tag such as %(en)s or "
                                "%(fa_af)s)."), (("en", "en"), ("fa_af", "fa-AF"))),
    Column("translation", N_("The editors’ translation of the quote into the site’s language, when the article is "
                             "in another; else empty.")),
    Column("translation_language", N_("The translation’s language (the site’s); empty without a translation.")),
    Column("note", N_("The editors’ note on the mention; else empty.")),
    Column("url", N_("The highlighted passage in this site’s copy of the article (absolute URL).")),
    Column("original_url", N_("The article at its original address, when known; else empty.")),
)

MATRIX_COLUMNS = (
    Column("claim_id", N_("The claim; claims are in the order of the comparison page.")),
    Column("statement", N_("The claim as the editors worded it.")),
    Column("verdict", N_("The verdict id; empty when not rated (on purpose or not yet: %(claims_json)s’s "
                         "%(not_rated)s says which)."), (("claims_json", "claims.json"), ("not_rated", "not_rated"))),
    Column("contested", N_("%(true)s when at least two different independent origins take opposite stances."),
           (("true", "true"),)),
    Column("figures_differ", N_("%(true)s when the statements give different figures."), (("true", "true"),)),
    Column("origin_type", N_("%(actor)s or %(outlet)s: one independent origin that speaks on the claim; for each "
                             "claim, in the order of the comparison page’s columns, then the rest by name."), TYPES),
    Column("origin_id", N_("The origin’s id.")),
    Column("origin_name", N_("Its name.")),
    Column("position", N_("Where the origin stands on the claim, from all its statements: %(supports)s, "
                          "%(disputes)s, %(both)s (its speakers took both sides) or %(neutral)s."),
           (*STANCE_TERMS, ("both", BOTH))),
    Column("speakers", N_("How many of its speakers (actors, or the outlet’s own voice) speak on the claim.")),
    Column("statements", N_("How many of its statements (quotes) are on the claim.")),
    *(Column(f"{stance}_statements", N_("How many of those statements take the stance “%(stance)s”."),
             (("stance", stance),)) for stance in STANCES),
)


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """RFC 4180: UTF-8 without a byte-order mark, CRLF line ends, a header row,
    fields quoted only when they must be; no field a spreadsheet would run."""
    return csv_lines([header]) + csv_rows(rows)


def csv_rows(rows: list[list[str]]) -> bytes:
    """Rows of a CSV file as :func:`to_csv` writes them: each row is written
    on its own, so rows written apart join into the same bytes."""
    return csv_lines([[inert(cell) for cell in row] for row in rows])


def csv_lines(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=CSV_LINE_END)
    writer.writerows(rows)
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


def mentions_csv(graph: Graph, sources: PageSources) -> list[Part]:
    """The header, then one piece per article with quotes: the rows of its
    quotes, with the sources of the article's page (``sources``)."""
    return [csv_lines([[c.name for c in MENTION_COLUMNS]])] + [
        Piece(piece_path(MENTIONS_CSV, mention_id(quotes[0])), sources[urls.article_path(quotes[0].article)],
              partial(lambda quotes: csv_rows([mention_row(graph, quote) for quote in quotes]), quotes),
              text_sources=NO_TEXT)
        for quotes in quotes_by_article_in_order(graph)
    ]


def mention_row(graph: Graph, quote: Quote) -> list[str]:
    article, attributed = quote.article, quote.value_attributed_to
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
        "article_title_by_editors": boolean_text(article.title_by_editors),
        "published": article.published.iso() if article.published else "",
        "via_type": via_type(quote) or "",
        "via_id": quote.via.id if quote.via else "",
        "via_name": quote.via.name if quote.via else "",
        "origin_type": quote.origin.kind,
        "origin_id": quote.origin.id,
        "origin_name": quote.origin.name,
        "value": number_text(quote.value),
        "value_attributed_to_type": record_type(attributed) or "",
        "value_attributed_to_id": attributed.id if attributed else "",
        "value_attributed_to_name": attributed.name if attributed else "",
        "unit": (quote.unit or "") if quote.value is not None else "",
        "quote": quote.text,
        "quote_language": text_language(graph, article),
        "translation": quote.translation or "",
        "translation_language": translation_language(graph, quote) or "",
        "note": quote.mention.note or "",
        "url": passage_url(graph, quote),
        "original_url": article.url or "",
    }
    return [fields[column.name] for column in MENTION_COLUMNS]


def matrix_csv(analysis: Analysis, sources: PageSources) -> list[Part]:
    """The claims × independent origins view as one row per cell that is not
    empty (a claim and an origin that speaks on it), every count a plain
    number: a spreadsheet's pivot table rebuilds the grid, and the file
    grows with the statements, not with claims times origins.

    One piece per claim: its rows, with the sources of the claim's page and,
    as what it shows of the whole site, which origins have columns (a
    claim's rows list those first, in the columns' order)."""
    matrix = analysis.origin_matrix
    columns = fingerprint([[column.origin.kind, column.origin.id] for column in matrix.columns])
    return [csv_lines([[c.name for c in MATRIX_COLUMNS]])] + [
        Piece(piece_path(MATRIX_CSV, row.claim.claim.id), sources[urls.claim_path(row.claim.claim)],
              partial(lambda row: csv_rows(matrix_rows(row)), row), columns, text_sources=NO_TEXT)
        for row in matrix.rows
    ]


def matrix_rows(row: OriginRow) -> list[list[str]]:
    """One claim's rows of matrix.csv: one per origin that speaks on it."""
    item = row.claim
    claim_cells = [
        item.claim.id,
        item.claim.statement,
        item.verdict.id if item.verdict else "",
        boolean_text(item.contested),
        boolean_text(item.figures_differ),
    ]
    return [
        [
            *claim_cells,
            cell.origin.kind, cell.origin.id, cell.origin.name, cell.position,
            str(cell.speakers), str(cell.statements),
            *(str(cell.tallies[stance].statements) for stance in STANCES),
        ]
        for cell in [c for c in row.cells if c is not None] + list(row.others)
    ]


def boolean_text(value: bool) -> str:
    return "true" if value else "false"
