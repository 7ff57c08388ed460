"""The interface's catalogues (issue 15): complete, current, read as content.

- ``pybabel extract`` over generator/ and templates/ gives the committed
  messages.pot, so a new interface string fails here until it is extracted
  (``make catalogues``) and translated;
- every shipped catalogue translates every message, every plural form, with
  the placeholders and markup of its msgid;
- a site's own translations/<tag>.po overrides the package's, a message it
  lacks falls back (to the package's, then English) and ``check`` warns once
  per message missing in the site's language; a malformed .po and an unknown
  language are content errors at their line, never a traceback;
- dates and numbers follow the locale (Babel's data), and English keeps the
  format the site has always had.
"""

from __future__ import annotations

import datetime
import re

import pytest

import cataloguekit
from generator.core.diagnostics import Diagnostics
from generator.core.model import PartialDate
from generator.engine import cache, keys
from generator.stages.catalogues import english_interface, load_interface
from sitekit import check_lines, make_site

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def messages(catalog):
    return [message for message in catalog if message.id]


def test_the_committed_template_is_what_extraction_finds():
    committed = cataloguekit.read(cataloguekit.TEMPLATE)
    assert cataloguekit.as_text(cataloguekit.extracted()) == cataloguekit.as_text(committed), (
        "generator/locale/messages.pot is not current: run `make catalogues` and translate the new messages")


@pytest.mark.parametrize("locale", cataloguekit.SHIPPED)
def test_every_shipped_catalogue_translates_every_message(locale):
    template = {message.id for message in messages(cataloguekit.read(cataloguekit.TEMPLATE))}
    catalog = cataloguekit.read(cataloguekit.shipped_path(locale), locale)
    assert {message.id for message in messages(catalog)} == template
    for message in messages(catalog):
        if isinstance(message.id, tuple):
            forms = message.string
            assert len(forms) == catalog.num_plurals and all(forms), (locale, message.id)
            wanted = set(PLACEHOLDER.findall(message.id[1])) - {"%(num)s"}
            for form in forms:  # a form for one or two may say the number in words (Arabic)
                assert wanted <= set(PLACEHOLDER.findall(form)) <= wanted | {"%(num)s"}, (locale, form)
        else:
            assert message.string, (locale, message.id)
            assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(message.id)), (locale, message.id)
            assert sorted(TAG.findall(message.string)) == sorted(TAG.findall(message.id)), (locale, message.id)
        assert not message.fuzzy, (locale, message.id)


# The rule for counted phrases: a message that says how many of something
# there are names that number %(num)s (Jinja's name for ngettext's count) or
# %(count)s, and is a plural message (ngettext, N_plural), so that each language
# picks its form ("1 pair", "2 pairs"; Arabic has six). A number that counts
# nothing in its phrase ("Page 2 of %(pages)s") takes another name.
COUNTED = re.compile(r"%\((?:num|count)\)s")


def test_a_counted_message_is_a_plural_message():
    singular = sorted(message.id for message in messages(cataloguekit.extracted())
                      if not isinstance(message.id, tuple) and COUNTED.search(message.id))
    assert singular == [], "a count given to a message with no plural forms: use ngettext / N_plural"


def test_no_translation_puts_a_count_in_brackets_to_avoid_choosing_a_form():
    """Arabic's catalogue once wrote "جميع الادعاءات (%(count)s)" ("all the claims (12)"): a
    singular message left it no other way to agree with the number."""
    for locale in cataloguekit.SHIPPED:
        for message in messages(cataloguekit.read(cataloguekit.shipped_path(locale), locale)):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert not any(re.search(r"\(%\((?:num|count)\)s\)", string) for string in strings), (locale, message.id)


def test_arabic_has_all_six_plural_forms():
    catalog = cataloguekit.read(cataloguekit.shipped_path("ar"), "ar")
    assert catalog.num_plurals == 6
    interface = load_interface(cataloguekit.REPO, "ar", 1, Diagnostics())
    words = [interface.ngettext("%(num)s claim", "%(num)s claims", n) % {"num": n} for n in (0, 1, 2, 3, 11, 100)]
    assert words == ["0 ادعاء", "ادعاء واحد", "ادعاءان", "3 ادعاءات", "11 ادعاءً", "100 ادعاء"]


# --- dates and numbers ------------------------------------------------------------------


def interface(tag):
    return load_interface(cataloguekit.REPO, tag, 1, Diagnostics())


def test_english_dates_and_numbers_are_written_as_they_always_were():
    english = english_interface()
    assert english.format_date(datetime.date(2021, 3, 4)) == "4 March 2021"
    assert english.format_date(PartialDate(2021, 3)) == "March 2021"
    assert english.format_date(PartialDate(2021)) == "2021"
    assert english.format_number(12000) == "12,000"
    assert english.format_number(2.5) == "2.5"
    assert english.format_number(40.0) == "40"


@pytest.mark.parametrize("tag, full, month, year", [
    ("fr", "4 mars 2021", "mars 2021", "2021"),
    ("es", "4 de marzo de 2021", "marzo de 2021", "2021"),
    ("ar", "4 مارس 2021", "مارس 2021", "2021"),
    # Dari: the Gregorian months as Afghanistan writes them, in Persian digits (CLDR's "arabext")
    ("fa-AF", "۴ مارچ ۲۰۲۱", "مارچ ۲۰۲۱", "۲۰۲۱"),
])
def test_dates_in_the_site_language(tag, full, month, year):
    words = interface(tag)
    assert words.format_date(datetime.date(2021, 3, 4)) == full
    assert words.format_date(PartialDate(2021, 3, 4)) == full
    assert words.format_date(PartialDate(2021, 3)) == month
    assert words.format_date(PartialDate(2021)) == year


@pytest.mark.parametrize("tag, big, fraction", [
    ("fr", "12\u202f000", "2,5"),
    ("es", "12.000", "2,5"),
    ("ar", "12,000", "2.5"),  # CLDR's default numbering system for "ar" is Latin digits
    ("fa-AF", "۱۲٬۰۰۰", "۲٫۵"),  # ... and for Dari the Persian ones, with their separators
])
def test_numbers_in_the_site_language(tag, big, fraction):
    words = interface(tag)
    assert words.format_number(12000) == big
    assert words.format_number(2.5) == fraction


def test_axis_months_are_the_locale_abbreviations():
    assert [english_interface().month_abbreviation(m) for m in (1, 4, 7, 10)] == ["Jan", "Apr", "Jul", "Oct"]
    assert interface("fr").month_abbreviation(7) == "juil."


# --- a site's own catalogue, and problems ---------------------------------------------------

FRENCH_SITE_YAML = "title: Mini\nlanguage: fr\n"


def site_in(tmp_path, language, extra=None):
    site = make_site(tmp_path)
    text = (site / "site.yaml").read_text().replace("title: Mini\n", f"title: Mini\nlanguage: {language}\n")
    (site / "site.yaml").write_text(text)
    for rel, body in (extra or {}).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(body, encoding="utf-8")
    return site


def test_a_shipped_language_checks_clean(tmp_path):
    assert check_lines(site_in(tmp_path, "fa-AF")) == []


def test_the_sites_own_catalogue_wins_and_what_it_lacks_falls_back(tmp_path):
    site = site_in(tmp_path, "fr", {"translations/fr.po": 'msgid "Our verdict"\nmsgstr "Notre avis"\n'})
    words = load_interface(site, "fr", 2, Diagnostics())
    assert words.gettext("Our verdict") == "Notre avis"  # the site's own
    assert words.gettext("Who says what") == "Qui dit quoi"  # the package's French
    assert words.gettext("A message nobody translated") == "A message nobody translated"


def test_a_language_without_a_catalogue_falls_back_to_english_with_one_warning(tmp_path):
    site = site_in(tmp_path, "de")
    words = load_interface(site, "de", 2, Diagnostics())
    assert words.gettext("Who says what") == "Who says what"
    assert words.format_date(datetime.date(2021, 3, 4)) == "4. März 2021"  # Babel has German dates
    lines = check_lines(site)
    assert len(lines) == 1 and lines[0].startswith("site.yaml:2: warning: language 'de': no catalogue")
    assert "hint: add translations/de.po" in lines[0]


def test_check_warns_once_per_message_the_sites_language_lacks(tmp_path):
    english = cataloguekit.read(cataloguekit.shipped_path("en"), "en")
    entries = [message for message in messages(english) if message.id != "Who says what"]
    body = "".join(po_entry(message) for message in entries)
    site = site_in(tmp_path, "de", {"translations/de.po": 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n' + body})
    lines = check_lines(site)
    assert lines == [
        "translations/de.po: warning: no de translation of the interface's message 'Who says what': "
        "pages show it in English; hint: add a msgid/msgstr pair for it to translations/de.po"
    ]


def po_entry(message) -> str:
    quoted = lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    if isinstance(message.id, tuple):
        return (f"msgid {quoted(message.id[0])}\nmsgid_plural {quoted(message.id[1])}\n"
                f"msgstr[0] {quoted('x')}\nmsgstr[1] {quoted('y')}\n\n")
    return f"msgid {quoted(message.id)}\nmsgstr {quoted('z')}\n\n"


def test_a_malformed_catalogue_is_a_content_error_at_its_line(tmp_path):
    site = site_in(tmp_path, "fr", {"translations/fr.po": 'msgid "Our verdict"\nmsgstr "Notre avis"\n\nmsgid "Home"\nthis is not po\n'})
    errors = [line for line in check_lines(site) if ": error: " in line]
    assert len(errors) == 1
    assert errors[0].startswith("translations/fr.po:5: error: malformed catalogue")


def test_a_translation_that_cannot_be_filled_in_is_an_error_at_its_line_and_english_is_used(tmp_path):
    """Babel reads a misspelt placeholder and a lone % without a word; filled in
    on a page they raised KeyError and ValueError, a traceback from build."""
    site = site_in(tmp_path, "fr", {"translations/fr.po": (
        'msgid "Our verdict"\nmsgstr "Notre avis à 100 %"\n\n'
        'msgid "via %(source)s"\nmsgstr "par %(origine)s"\n\n'
        'msgid "Who says what"\nmsgstr "Qui dit quoi, à 100 %%"\n')})
    errors = [line for line in check_lines(site) if ": error: " in line]
    assert errors == [
        "translations/fr.po:1: error: the translation of 'Our verdict' has a % that is no placeholder; "
        "hint: write a percent sign as %%",
        "translations/fr.po:4: error: the translation of 'via %(source)s' uses %(origine)s, which the original "
        "does not have; hint: use only %(source)s",
    ]
    words = load_interface(site, "fr", 2, Diagnostics())
    assert words.gettext("Who says what") == "Qui dit quoi, à 100 %%"  # a good one is the site's (filled in later)
    assert words.gettext("via %(source)s") == "via %(source)s"  # the package's French, then English: not the broken one


def test_a_sites_catalogue_with_another_languages_plural_rule_gets_a_warning(tmp_path):
    """Copied from the English catalogue, as a translator might: Babel believes
    its Plural-Forms header, and Russian counts came out in the wrong form."""
    site = site_in(tmp_path, "ru", {"translations/ru.po": (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Who says what"\nmsgstr "Кто что говорит"\n')})
    plural = [line for line in check_lines(site) if "Plural-Forms" in line]
    assert len(plural) == 1 and plural[0].startswith("translations/ru.po:1: warning: its Plural-Forms header")
    assert "is not ru's (nplurals=3;" in plural[0] and "pybabel init" in plural[0]


def test_an_unknown_language_is_an_error_with_a_hint(tmp_path):
    site = site_in(tmp_path, "qq")
    errors = [line for line in check_lines(site) if ": error: " in line]
    assert errors == [
        "site.yaml:2: error: language 'qq': no locale data for it (Babel knows none), so dates, numbers and "
        "plural forms cannot be written in it; hint: use a tag such as 'fr', 'es-AR', 'ar' or 'fa-AF'"
    ]


def test_a_regional_tag_reads_its_languages_catalogue(tmp_path):
    words = load_interface(site_in(tmp_path, "es-AR"), "es-AR", 2, Diagnostics())
    assert words.gettext("Who says what") == "Quién dice qué"
    assert words.format_number(12000) == "12.000"


# --- caches: a changed catalogue renders the pages again -------------------------------------------


def test_a_shipped_catalogue_is_part_of_the_code_version(tmp_path):
    package = tmp_path / "generator"
    (package / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (package / "module.py").write_text("x = 1\n")
    catalogue = package / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    catalogue.write_text('msgid "Home"\nmsgstr "Accueil"\n')
    before = cache.code_version.__wrapped__(package)
    catalogue.write_text('msgid "Home"\nmsgstr "Page d’accueil"\n')
    assert cache.code_version.__wrapped__(package) != before


def test_the_sites_catalogues_are_in_every_page_key():
    pages = [type("P", (), {"path": "index.html", "template": "", "shows": "", "sources": frozenset(), "text_sources": None})()]
    def key(po_digest):
        inputs = {"site.yaml": "s", "translations/fr.po": po_digest}
        return keys.page_keys(pages, lambda template: frozenset(), inputs, {}, frozenset({"x"}))["index.html"]
    assert key("one") != key("two")


def test_a_date_or_number_is_formatted_by_babel_once_per_interface(monkeypatch):
    """Babel takes 18 µs a date and 7 µs a number; a big site's pages show the
    same few thousand hundreds of thousands of times."""
    from generator.core import translations
    calls = []
    real_date, real_number = translations.babel_dates.format_skeleton, translations.babel_numbers.format_decimal
    monkeypatch.setattr(translations.babel_dates, "format_skeleton",
                        lambda *args, **options: calls.append("date") or real_date(*args, **options))
    monkeypatch.setattr(translations.babel_numbers, "format_decimal",
                        lambda *args, **options: calls.append("number") or real_number(*args, **options))
    words = interface("fr")
    first = [words.format_date(datetime.date(2021, 3, 4)), words.format_number(12000), words.format_number(1.5)]
    again = [words.format_date(datetime.date(2021, 3, 4)), words.format_number(12000), words.format_number(1.5)]
    assert first == again and first[0] == "4 mars 2021" and first[2] == "1,5"
    assert calls == ["date", "number", "number"]
    assert words.format_number(2.0) == words.format_number(2) == "2"  # a whole float is written as the integer
