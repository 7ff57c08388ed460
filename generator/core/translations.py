"""The interface in the site's language: its words, dates and numbers.

Every word a page shows that is not content (headings, labels, the stance
words, the charts' text equivalents, the feeds' titles, the month names)
goes through one :class:`Interface`, made once per build for the site's
``language`` (``stages/catalogues.py`` reads the catalogues) and handed to
whatever renders: the Jinja environment installs it as gettext
(``outputs/environment.py``), Python code calls :meth:`Interface.gettext`
on the one it is given. Nothing is installed globally (no ``builtins._``):
two sites in one process, as the tests build them, each keep their own.

Python marks the strings it translates later with :func:`N_` (and
:func:`N_plural`), which only return their arguments: ``pybabel extract``
finds them by those names (babel.cfg).
"""

from __future__ import annotations

import datetime
import gettext
import re
from dataclasses import dataclass, field

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from .model import PartialDate

# The digits of the numbering systems a locale's data may name as its own
# ("arabext" for Persian and Dari, "arab" for Arabic where it is the default).
# Babel formats separators and patterns per numbering system but always
# writes ASCII digits, so the digits are swapped here.
NATIVE_DIGITS = {
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
}
ASCII_DIGITS = re.compile(r"[0-9]")

# Dates come from Babel's locale data, never from strftime (%B follows the
# process locale, and output must not depend on the machine that builds it).
# Babel's skeletons (CLDR's flexible formats), so each locale orders and
# words them its own way: "4 mars 2021", "mars 2021", "2021".
FULL_DATE = "yMMMMd"
MONTH_AND_YEAR = "yMMMM"
YEAR = "y"
# Bare English: the site has always written "4 March 2021" (day first), which
# is CLDR's en_GB; en_US would say "March 4, 2021". A site that wants that
# says "en-US".
DATE_LOCALE_OF = {"en": "en_GB"}


def N_(message: str) -> str:
    """Marks a string for the catalogues without translating it (yet)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural for the catalogues: translate it later with ``ngettext(*pair, count)``."""
    return singular, plural


def babel_locale_name(tag: str) -> str:
    """A BCP 47 tag → Babel's name for it: "fa-AF" → "fa_AF"."""
    return tag.replace("-", "_")


@dataclass(frozen=True)
class Interface:
    """The site's language for its own words: gettext and Babel's formats."""

    tag: str  # as site.yaml says it: "fa-AF"
    locale: Locale
    catalogue: gettext.NullTranslations  # the site's, the package's, then English (stages/catalogues.py)
    key: str = ""  # a digest of the catalogues read: a change to one renders every page again
    # What was formatted already, by value. Babel takes 18 µs for a date and
    # 7 µs for a number (Python's own formatting a tenth of that), and the
    # pages of a 10,000-article site format a few thousand dates and counts
    # hundreds of thousands of times: once each is enough.
    _formatted: dict = field(default_factory=dict, compare=False, repr=False)

    def gettext(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.catalogue.ngettext(singular, plural, count)

    @property
    def date_locale(self) -> Locale:
        name = DATE_LOCALE_OF.get(str(self.locale))
        return Locale.parse(name) if name else self.locale

    def format_date(self, value: datetime.date | PartialDate | None) -> str:
        """A full date, a month or a year, as the locale writes it."""
        if value is None:
            return ""
        known = self._formatted.get(("date", value))
        if known is None:
            known = self._formatted[("date", value)] = self._format_date(value)
        return known

    def _format_date(self, value: datetime.date | PartialDate) -> str:
        if isinstance(value, PartialDate):
            if not value.month:
                return self.digits(babel_dates.format_skeleton(YEAR, datetime.date(value.year, 1, 1),
                                                               locale=self.date_locale))
            if not value.day:
                return self.digits(babel_dates.format_skeleton(
                    MONTH_AND_YEAR, datetime.date(value.year, value.month, 1), locale=self.date_locale))
            value = datetime.date(value.year, value.month, value.day)
        return self.digits(babel_dates.format_skeleton(FULL_DATE, value, locale=self.date_locale))

    def format_number(self, value: float | int) -> str:
        """12000 → "12,000" (en), "12 000" (fr), "۱۲٬۰۰۰" (fa-AF); 2.5 → "2.5", "2,5"."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        known = self._formatted.get(("number", type(value), value))
        if known is None:
            known = self._formatted[("number", type(value), value)] = self.digits(
                babel_numbers.format_decimal(value, locale=self.locale, numbering_system="default"))
        return known

    def month_abbreviation(self, month: int) -> str:
        """3 → "Mar" (en), "mars" (fr): a month's short name, for a chart's axis."""
        return self.date_locale.months["format"]["abbreviated"][month]

    def digits(self, text: str) -> str:
        """ASCII digits → the locale's own, when its data says it has others (Persian, Dari)."""
        native = NATIVE_DIGITS.get(self.locale.default_numbering_system)
        if native is None:
            return text
        return ASCII_DIGITS.sub(lambda match: native[int(match.group())], text)
