"""A mention's ``translation:`` (issue 15): the quote in the site's language,
for an article in another. Validation (a string; an error when the article is
in the site's own language), and the checked-file cache's codec (it reads back,
and an entry whose translation is damaged is a miss, never a crash).

The article used here is ``test_validate``'s, in Dari when ``language`` is given::

    1 ---
    2 title: Bridge opens
    3 outlet: daily-river
    4 mentions:
    5   - claim: bridge-cost
    6     actor: ana-mayor
    7     stance: supports
    8     quote: the bill came to 12 million
    9     translation: …
   10 language: … (when given)
   11 ---
"""

from __future__ import annotations

import json

import pytest

from generator.core.diagnostics import Diagnostics
from generator.core.markup import MarkdownConverter
from generator.engine import codec
from generator.engine.prepare import check_one, read_content_files
from sitekit import FIXTURES, check_lines, make_site
from test_validate import ARTICLE, article, run_validate

FA_SITE = FIXTURES / "fa-site"
MENTION = "  - claim: bridge-cost\n    actor: ana-mayor\n    stance: supports\n    quote: the bill came to 12 million\n"


def translated(translation: str, language: str | None = "fa-AF") -> str:
    return article(
        mention=MENTION + f"    translation: {translation}\n",
        extra_front=f"language: {language}\n" if language else "",
    )


def test_a_translation_of_an_article_in_another_language_is_kept(tmp_path):
    content, problems = run_validate(make_site(tmp_path, {ARTICLE: translated("هزینه به ۱۲ میلیون رسید")}))
    assert problems == []
    (mention,) = content.articles["bridge-opens"].mentions
    assert (mention.quote, mention.translation) == ("the bill came to 12 million", "هزینه به ۱۲ میلیون رسید")


def test_a_mention_without_translation_has_none(tmp_path):
    content, _ = run_validate(make_site(tmp_path))
    assert content.articles["bridge-opens"].mentions[0].translation is None


@pytest.mark.parametrize("value, message", [
    ("42", "'translation': expected text, got the number 42"),
    ("[a, b]", "'translation': expected text, got a list"),
    ("{a: b}", "'translation': expected text, got a mapping"),
    ("'   '", "'translation': must not be empty"),
])
def test_a_translation_must_be_text(tmp_path, value, message):
    assert check_lines(make_site(tmp_path, {ARTICLE: translated(value)})) == [f"{ARTICLE}:9: error: {message}"]


@pytest.mark.parametrize("language", [None, "en", "EN"], ids=["no language", "the site's", "the site's in capitals"])
def test_a_translation_of_a_quote_in_the_sites_language_is_an_error(tmp_path, language):
    """The article's text is in the site's language (it names none, or the
    site's): its quote needs no translation; the error is at the quote."""
    assert check_lines(make_site(tmp_path, {ARTICLE: translated("the bill was 12 million", language)})) == [
        f"{ARTICLE}:8: error: this quote has a 'translation', and the article is in the site's language (en): "
        "give the article's 'language' if it is written in another, else remove 'translation'"
    ]


# --- the checked-file cache --------------------------------------------------------------------


@pytest.fixture(scope="module")
def english_article():
    """The Persian fixture's English article, checked: both its quotes carry translations."""
    files = read_content_files(FA_SITE, Diagnostics())
    (checked,) = [check_one(f, MarkdownConverter()) for f in files if f.path.endswith("articles/ferry-late.md")]
    assert [m.translation for m in checked.record.mentions] == [
        "کشتی یک هفته دیرتر آماده شد", "مصرف کشتی همان بود که شورا پلان کرده بود، نه یک سکه بیشتر",
    ]
    return checked


def test_a_translation_reads_back_from_the_cache(english_article):
    text = codec.encode(english_article)
    again = codec.decode(text)
    assert again == english_article
    assert [m.translation for m in again.record.mentions] == [m.translation for m in english_article.record.mentions]
    assert codec.encode(again) == text


def mentions_in(entry: list) -> list:
    """The mentions of an article's cache entry (JSON), each a list of its fields."""
    return entry[3][[name for name, _, _ in codec.RECORDS["article"].fields].index("mentions")]


def entry_and_document(checked) -> tuple[list, bytes]:
    """An entry's JSON, parsed, and what follows it (its document's stored form, ``codec.encode``)."""
    head, newline, form = codec.encode(checked).partition(b"\n")
    return json.loads(head), newline + form


def translation_column() -> int:
    return [name for name, _, _ in codec.MENTION.fields].index("translation")


@pytest.mark.parametrize("damage", [42, ["a"], {"a": 1}, True], ids=["number", "list", "object", "boolean"])
def test_an_entry_with_a_damaged_translation_is_a_miss(english_article, damage):
    entry, document = entry_and_document(english_article)
    assert codec.decode(json.dumps(entry, ensure_ascii=False).encode("utf-8") + document)  # as written, it reads
    mentions_in(entry)[0][translation_column()] = damage
    with pytest.raises(codec.Unreadable):
        codec.decode(json.dumps(entry, ensure_ascii=False).encode("utf-8") + document)


def test_an_entry_without_the_translation_column_is_a_miss(english_article):
    """An entry written before mentions had a translation (one column fewer) is not read as another field."""
    entry, document = entry_and_document(english_article)
    for mention in mentions_in(entry):
        del mention[translation_column()]
    with pytest.raises(codec.Unreadable):
        codec.decode(json.dumps(entry, ensure_ascii=False).encode("utf-8") + document)
