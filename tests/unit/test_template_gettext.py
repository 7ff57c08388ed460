"""The templates' gettext fills a translation's placeholders as Markup's own
``%`` does (each value escaped), by a shorter way when every placeholder is
``%(name)s``: the same output either way."""

from __future__ import annotations

import gettext

import pytest
from babel import Locale
from markupsafe import Markup

from generator.core.translations import Interface
from generator.outputs.environment import template_gettext


class Catalogue(gettext.NullTranslations):
    """Translates as a site's own catalogue may, placeholders of any form."""

    def __init__(self, messages: dict[str, str]):
        super().__init__()
        self.messages = messages

    def gettext(self, message):
        return self.messages.get(message, message)

    def ngettext(self, singular, plural, n):
        return self.messages.get(singular if n == 1 else plural, singular if n == 1 else plural)


def functions(messages: dict[str, str]):
    return template_gettext(Interface("en", Locale.parse("en"), Catalogue(messages)))


VALUES = {"name": "<b>Tom & Jerry</b>", "link": Markup('<a href="x">A &amp; B</a>'), "num": 12, "other": "'\""}


@pytest.mark.parametrize("translation", [
    "by %(name)s in %(link)s",
    "%(name)s, %(name)s and 100%% of %(num)s",
    "nothing to fill",
    "%(num)d items (%(name)s)",  # not %(name)s: Markup's own % as before
    "%(name)r",
    "%(num)05d%%",
])
def test_filled_as_markup_fills_them(translation):
    _ = functions({"message": translation})["_"]
    expected = Markup(translation) % VALUES
    for _round in range(2):  # worked out, then remembered
        assert _("message", **VALUES) == expected
        assert type(_("message", **VALUES)) is Markup


def test_a_missing_value_is_an_error_as_before():
    _ = functions({"message": "by %(speaker)s"})["_"]
    with pytest.raises(KeyError):
        _("message", name="x")


def test_a_value_the_translation_leaves_out_is_not_looked_at():
    class Unprintable:
        def __str__(self):
            raise AssertionError("escaped")

        __html__ = __str__

    _ = functions({"message": "no placeholder here"})["_"]
    assert _("message", name=Unprintable()) == Markup("no placeholder here")


def test_plural_forms_are_kept_apart_by_count():
    ngettext = functions({})["ngettext"]
    assert ngettext("%(num)s pair of <%(name)s>", "%(num)s pairs of <%(name)s>", 1, name="a&b") == \
        Markup("1 pair of <a&amp;b>")
    assert ngettext("%(num)s pair of <%(name)s>", "%(num)s pairs of <%(name)s>", 3, name="a&b") == \
        Markup("3 pairs of <a&amp;b>")
