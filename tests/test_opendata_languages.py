"""Open data and structured data of a site whose quotes are in several
languages (issue 15): every text says which language it is in, and a quote's
translation travels with it, while the places (selectors, passage links,
text fragments) stay those of the original.

The site is ``tests/fixtures/fa-site``: its interface is Persian (fa-AF); its
Persian article names no language, its English one ``language: en``, and the
English quotes carry Persian translations.
"""

from __future__ import annotations

import csv
import io
import json

from generator.engine.build import load_content
from generator.stages.link import link
from sitekit import FA_SITE

ORIGINAL = "the ferry was ready a week late"
TRANSLATION = "کشتی یک هفته دیرتر آماده شد"
PERSIAN_QUOTE = "کشتی درست به وقت معین آماده شد"


def mentions_of(fa_out) -> dict[str, dict]:
    data = json.loads((fa_out / "data" / "claims.json").read_text(encoding="utf-8"))
    return {m["quote"]: m for claim in data["claims"] for m in claim["mentions"]}


def test_claims_json_gives_each_quote_its_language_and_translation(fa_out):
    mentions = mentions_of(fa_out)
    english, persian = mentions[ORIGINAL], mentions[PERSIAN_QUOTE]
    assert (english["quote_language"], english["translation"], english["translation_language"]) == (
        "en", TRANSLATION, "fa-AF")
    assert (persian["quote_language"], persian["translation"], persian["translation_language"]) == (
        "fa-AF", None, None)
    # The passage link is the original's highlight, in the English article.
    assert english["url"].startswith("https://fa.example.org/articles/ferry-late/#")
    data = json.loads((fa_out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert {a["id"]: a["language"] for a in data["articles"]} == {"ferry-late": "en", "ferry-starts": "fa-AF"}
    assert data["site"]["language"] == "fa-AF"


def test_the_claims_json_schema_requires_the_languages(fa_out):
    from test_opendata import claims_schema_validator

    validator = claims_schema_validator()
    data = json.loads((fa_out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert validator.is_valid(data)
    for key in ("quote_language", "translation", "translation_language"):
        without = json.loads(json.dumps(data))
        del without["claims"][0]["mentions"][0][key]
        assert not validator.is_valid(without), key


def test_mentions_csv_carries_the_translation_beside_the_original(fa_out):
    text = (fa_out / "data" / "mentions.csv").read_text(encoding="utf-8")
    rows = {row["quote"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    english, persian = rows[ORIGINAL], rows[PERSIAN_QUOTE]
    assert (english["quote_language"], english["translation"], english["translation_language"]) == (
        "en", TRANSLATION, "fa-AF")
    assert (persian["quote_language"], persian["translation"], persian["translation_language"]) == ("fa-AF", "", "")


def test_annotations_select_the_original_and_carry_the_translation(fa_out):
    collection = json.loads((fa_out / "data" / "annotations.jsonld").read_text(encoding="utf-8"))
    by_quote = {}
    for annotation in collection["first"]["items"]:
        (target,) = annotation["target"]
        exact = next(s["exact"] for s in target["selector"] if s["type"] == "TextQuoteSelector")
        by_quote[exact] = (annotation, target)
    annotation, target = by_quote[ORIGINAL]  # the selectors quote the original, in the English text
    assert target["language"] == "en"
    describing = [body for body in annotation["body"] if body.get("purpose") == "describing"]
    assert [(body["value"], body["language"]) for body in describing][1:] == [(TRANSLATION, "fa-AF")]
    assert describing[0]["language"] == "fa-AF"
    annotation, target = by_quote[PERSIAN_QUOTE]
    assert target["language"] == "fa-AF"
    assert len([body for body in annotation["body"] if body.get("purpose") == "describing"]) == 1


def test_claimreview_says_which_language_each_text_is_in(fa_out):
    feed = json.loads((fa_out / "data" / "claimreview.json").read_text(encoding="utf-8"))
    (element,) = feed["dataFeedElement"]  # the one rated claim
    review = element["item"]
    assert review["inLanguage"] == "fa-AF"
    appearances = {a["headline"]: a["inLanguage"] for a in review["itemReviewed"]["appearance"]}
    assert appearances == {"Boatmen say the ferry came a week late": "en", "کشتی تازه در شهرک دریا به کار افتاد": "fa-AF"}
    # The claim page's JSON-LD is the same review.
    page = (fa_out / "claims" / "ferry-on-time" / "index.html").read_text(encoding="utf-8")
    assert '"inLanguage": "fa-AF"' in page and '"inLanguage": "en"' in page


def test_the_translation_never_replaces_the_original_in_the_graph():
    content, _ = load_content(FA_SITE)
    (quote,) = [q for q in link(content).quotes if q.text == ORIGINAL]
    assert (quote.translation, quote.language, quote.mention.spans != ()) == (TRANSLATION, "en", True)
