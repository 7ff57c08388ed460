"""The field names and values of the open data files as /about/data/ shows
them: ``<code>`` elements passed into the page's messages as placeholders,
so that every language's sentence names the same fields, untranslated."""

from __future__ import annotations

from markupsafe import Markup

# Fields and values written as they are, each its own placeholder ("%(quote_language)s").
NAMES = (
    "actor", "actors", "affiliation", "article", "attributed_to", "author", "body", "classifying", "contested",
    "counts", "country", "creator", "describing", "description", "documentation", "draft", "end", "exact",
    "figures", "figures_differ", "first", "given_by", "id", "kind", "label", "language", "licence", "linking",
    "mention", "mentions", "motivation", "name", "not_rated", "note", "null", "organisation", "origin",
    "original_url", "origins", "outlet", "outlets", "owner", "party", "person", "prefix", "publisher", "published",
    "quote", "quote_language", "rank", "reviewed", "rights", "role", "scope", "site", "source", "speaker",
    "speakers", "spdx", "start", "stance", "stances", "statement", "statements", "suffix", "summary", "target",
    "text", "title", "title_by_editors", "translation", "type", "translation_language", "true", "unit", "url", "value",
    "value_attributed_to", "verdict", "version", "via", "via_type", "website",
    "supports", "disputes", "neutral",
)
# Placeholder → the HTML of the code, for those that are no identifiers.
SPELLED = {
    "annotation_collection": "AnnotationCollection",
    "specific_resource": "SpecificResource",
    "textual_body": "TextualBody",
    "text_position_selector": "TextPositionSelector",
    "text_quote_selector": "TextQuoteSelector",
    "claims_json": "claims.json",
    "mentions_csv": "mentions.csv",
    "claim_address": "/claims/&lt;id&gt;/",
    "article_text_file": "/data/articles/&lt;article id&gt;.txt",
    "text_slice": "text[start:end]",
    "crlf": "\\r\\n",
    "blank_line": "\\n\\n",
    "equals": "=",
    "plus": "+",
    "minus": "-",
    "at": "@",
    "apostrophe": "'",
    "hash": "#",
}
DATA_TERMS = {key: Markup(f"<code>{html}</code>") for key, html in {**{n: n for n in NAMES}, **SPELLED}.items()}
