"""The content model as data: which keys each kind of file accepts.

Validation (``validate.py``) reads these tables, and ``factcheck new``
(``scaffold.py``) writes new files from them, help texts included. Each
field names a *type* (how its value is checked and converted) and, for
references, the kind of record it must point at.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.model import DISPUTES, NEUTRAL, STANCES, SUPPORTS


@dataclass(frozen=True)
class Field:
    type: str  # text | id | url | date | partial-date | number | bool | text-list | colour | language | licence | choice | mentions | skips | related | updates | verdicts | publisher
    required: bool = False
    ref: str | None = None  # claim | actor | outlet | source | organisation | verdict | seed
    choices: tuple[str, ...] = ()
    help: str = ""


STANCE_CHOICES = STANCES
ACTOR_KINDS = ("person", "organisation")

ARTICLE = {
    "title": Field("text", required=True, help="headline of the source article"),
    "outlet": Field("id", required=True, ref="outlet", help="id of the outlet that published it"),
    "url": Field("url", help="address of the original (http or https)"),
    "published": Field("partial-date", help="YYYY-MM-DD, or YYYY-MM / YYYY when the source gives no more"),
    "author": Field("text", help="byline as the source gives it"),
    "seed": Field("text", ref="seed", help="file under seeds/ the text was transcribed from"),
    "mentions": Field("mentions", help="the annotated quotes"),
    "draft": Field("bool", help="true keeps it out of the built site unless --drafts"),
    "language": Field("language", help="language of the text when not the site's, e.g. fa-AF, ps, en"),
    "title_by_editors": Field("bool", help="true when the source gives no headline and 'title' is the editors' "
                                           "own description; the article page says so"),
    "skip": Field("skips", help="passages left unannotated on purpose, which check --coverage does not list; "
                                "never shown on the site"),
}

MENTION = {
    "claim": Field("id", required=True, ref="claim", help="id of the claim the quote bears on"),
    "stance": Field("choice", required=True, choices=STANCE_CHOICES, help=f"{SUPPORTS}, {DISPUTES} or {NEUTRAL}"),
    "quote": Field("text", required=True, help="verbatim text from the body; … marks an elided span"),
    "actor": Field("id", ref="actor", help="who said it; leave out for the outlet's own voice"),
    "via": Field("id", ref="source", help="actor or outlet the statement was relayed through"),
    "value": Field("number", help="the figure the speaker gives as their own, for claims about a quantity"),
    "value_attributed_to": Field("id", ref="source",
                                 help="when the speaker gives the figure as someone else's: that actor or outlet"),
    "unit": Field("text", help="what the figure in 'value' counts, when not what the claim's figures count "
                               "(its 'unit'): pages and data then give it with this figure"),
    "note": Field("text", help="an editor's note on this mention"),
    "translation": Field("text", help="the quote in the site's language, when the article is in another; "
                                      "pages show it beside the original, which links and highlights still use"),
}

# A passage that looks attributed and is left unannotated on purpose (``check --coverage``).
SKIP = {
    "passage": Field("text", required=True, help="verbatim text from the body, as a quote"),
    "reason": Field("text", required=True, help="why it is not annotated"),
}

CLAIM = {
    "statement": Field("text", required=True, help="the claim as one neutral sentence"),
    "verdict": Field("id", ref="verdict", help="an id from the verdict scale in site.yaml"),
    "not_rated": Field("text", help="instead of a verdict: why the editors do not rate this claim "
                                    "(a characterisation, say, not a checkable statement)"),
    "summary": Field("text", help="one-line conclusion"),
    "reviewed": Field("date", help="date of the review, YYYY-MM-DD"),
    "unit": Field("text", help="for quantities, what is counted"),
    "draft": Field("bool", help="true keeps it out of the built site unless --drafts"),
    "related": Field("related", help="other claims this one relates to"),
    "updates": Field("updates", help="corrections and updates, one item per change"),
}

# How one claim relates to another, as written on the first claim's page.
RELATIONS = ("contradicts", "same-as", "part-of", "supersedes")

RELATED = {
    "claim": Field("id", required=True, ref="claim", help="id of the related claim"),
    "relation": Field("choice", required=True, choices=RELATIONS,
                      help="contradicts, same-as, part-of or supersedes"),
}

UPDATE = {
    "date": Field("date", required=True, help="when it changed, YYYY-MM-DD"),
    "note": Field("text", required=True, help="what changed and why"),
}

ACTOR = {
    "name": Field("text", required=True),
    "kind": Field("choice", required=True, choices=ACTOR_KINDS),
    "role": Field("text"),
    "affiliation": Field("id", ref="organisation", help="id of an organisation actor"),
    "aliases": Field("text-list", help="other names or spellings used in sources"),
    "party": Field("bool", help="true: an organisation counted as an independent origin of its own, "
                                "although it has an affiliation (a parliament within a state)"),
}

OUTLET = {
    "name": Field("text", required=True),
    "url": Field("url"),
    "country": Field("text"),
    "owner": Field("text", help="who owns or funds it"),
}

# A page of the site's own, such as the methodology page /about/ (content/pages/about.md).
PAGE = {
    "title": Field("text", required=True, help="the page's heading and title"),
    "description": Field("text", help="one sentence for search results and link previews"),
    "verdict_scale": Field("bool", help="true shows the verdict scale from site.yaml right after the text: "
                                        "end the text with the section that introduces it"),
}

SCHEMAS = {"article": ARTICLE, "claim": CLAIM, "actor": ACTOR, "outlet": OUTLET, "page": PAGE}

CONFIG = {
    "title": Field("text", required=True),
    "description": Field("text"),
    "base_url": Field("url"),
    "language": Field("language", help="language of the site's own words, e.g. en"),
    "output": Field("text"),
    "verdicts": Field("verdicts", required=True),
    "publisher": Field("publisher", help="who publishes the fact checks: name and url; default: the site"),
    "licence": Field("licence", help="the content's licence: an SPDX id such as CC-BY-4.0, or the licence's "
                                     "http(s) URL; leave out when none is stated"),
}

# The publishing organisation named in structured data (schema.org ClaimReview ``author``).
PUBLISHER = {
    "name": Field("text", required=True, help="the organisation's name"),
    "url": Field("url", help="its address (http or https)"),
}

VERDICT = {
    "id": Field("id", required=True),
    "label": Field("text", required=True),
    "description": Field("text", required=True),
    "colour": Field("colour", required=True, help="#rgb or #rrggbb"),
}
